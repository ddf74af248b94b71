//! Whole-app tests of the Reports screen and the stock card: the real event loop on ratatui's
//! TestBackend, real temp SQLite shards with postings made through the services, keys typed as
//! a user would. Each report, the card and an export are snapshotted at 80x24 and 160x48.
//!
//! The postings carry today's real date while the app's clock is the harness's; the tests
//! type the real dates as the period, and the snapshots show every date as `YYYY-MM-DD`.

mod common;
mod tui_support;

use chrono::{Duration, Local, NaiveDate};
use crossterm::event::{KeyCode, KeyModifiers};
use gudang::domain::{Quantity, TxKind};
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;
use gudang::tui::app::App;
use gudang::tui::panes::report::Kind;
use tui_support::{ADMIN, PASSWORD, Ui};

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

async fn post(
    env: &common::Env,
    kind: TxKind,
    from: Option<&str>,
    to: Option<&str>,
    lines: Vec<LineRequest>,
) {
    let out = env
        .services
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(kind),
                source: from.map(Into::into),
                dest: to.map(Into::into),
                lines,
                partner: Some("PT Maju".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(out.is_posted(), "{out:?}");
}

/// Products P1..P3 at A and B: P1 in 100, out 30; P2 in 40, 10 to B, out 28 (2 left at A,
/// under its minimum of 5); P3 3 at B (under its minimum too).
async fn warehouse() -> common::Env {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    post(
        &env,
        TxKind::Receipt,
        None,
        Some("A"),
        vec![line("P1", 100), line("P2", 40)],
    )
    .await;
    post(&env, TxKind::Issue, Some("A"), None, vec![line("P1", 30)]).await;
    post(
        &env,
        TxKind::Transfer,
        Some("A"),
        Some("B"),
        vec![line("P2", 10)],
    )
    .await;
    post(&env, TxKind::Receipt, None, Some("B"), vec![line("P3", 3)]).await;
    post(&env, TxKind::Issue, Some("A"), None, vec![line("P2", 28)]).await;
    env
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Dates as `YYYY-MM-DD` (English) or `DD/MM/YYYY` (Indonesian) become placeholders of the
/// same width, after the harness's own redactions.
fn redact(s: &str) -> String {
    let s = tui_support::redact(s);
    let shaped = |b: &[u8], pat: &[u8]| {
        b.len() >= pat.len()
            && pat.iter().zip(b).all(|(p, c)| {
                if *p == b'9' {
                    c.is_ascii_digit()
                } else {
                    p == c
                }
            })
    };
    let mut out = String::with_capacity(s.len());
    for l in s.lines() {
        let mut b = l.as_bytes().to_vec();
        let mut i = 0;
        while i < b.len() {
            if shaped(&b[i..], b"9999-99-99") {
                b.splice(i..i + 10, b"YYYY-MM-DD".iter().copied());
                i += 10;
            } else if shaped(&b[i..], b"99/99/9999") {
                b.splice(i..i + 10, b"DD/MM/YYYY".iter().copied());
                i += 10;
            } else {
                i += 1;
            }
        }
        out.push_str(&String::from_utf8(b).unwrap_or_else(|_| l.to_string()));
        out.push('\n');
    }
    out
}

/// Snapshots the screen at 80x24 and at 160x48, dates redacted.
async fn snap(ui: &mut Ui, name: &str) {
    let small = redact(&ui.rt.screen());
    ui.resize(160, 48).await;
    let wide = redact(&ui.rt.screen());
    ui.resize(80, 24).await;
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("{name}_80x24"), small);
        insta::assert_snapshot!(format!("{name}_160x48"), wide);
    });
}

async fn log_in(ui: &mut Ui) {
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
}

async fn clear_field(ui: &mut Ui) {
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
}

/// Types the period `from`..`to` into the `D` form (of the reports or of the card).
async fn type_period(ui: &mut Ui, from: NaiveDate, to: NaiveDate) {
    ui.typ("D").await;
    clear_field(ui).await;
    ui.typ(&format!("{}\n", from.format("%Y-%m-%d"))).await;
    clear_field(ui).await;
    ui.typ(&format!("{}\n", to.format("%Y-%m-%d"))).await;
}

fn reports(ui: &Ui) -> &gudang::tui::panes::report::ReportsPane {
    &ui.rt.app.reports
}

#[tokio::test]
async fn movement_valuation_and_reorder_with_totals_and_charts() {
    let env = warehouse().await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    ui.typ("7").await;
    assert_eq!(ui.rt.app.tab, Tab::Reports);
    // The app's clock says March: nothing moved then.
    ui.until("the first report", |a: &App| {
        a.reports.movement.data.is_some()
    })
    .await;
    let m = reports(&ui).movement.data.as_ref().expect("the report");
    assert_eq!(m.report.totals.closing, Quantity(0), "{}", ui.screen());
    type_period(&mut ui, today() - Duration::days(6), today()).await;
    let m = reports(&ui).movement.data.as_ref().expect("the report");
    let t = &m.report.totals;
    assert_eq!(
        (t.rows, t.qty_in, t.qty_out),
        (3, Quantity::units(153), Quantity::units(68))
    );
    assert_eq!(t.closing, Quantity::units(85), "opening 0 + in - out");
    assert_eq!(m.days.len(), 7);
    snap(&mut ui, "report_movement").await;
    // A short screen shows the chart instead of the table on request.
    ui.typ("V").await;
    assert!(
        ui.screen().contains("Value in and out per day"),
        "{}",
        ui.screen()
    );
    ui.typ("V").await;
    // Per location: one row per product and location.
    ui.typ("b").await;
    let rows = reports(&ui)
        .movement
        .data
        .as_ref()
        .map(|d| d.report.rows.len());
    assert_eq!(rows, Some(4), "P1@A, P2@A, P2@B, P3@B");
    ui.typ("b").await;

    ui.key(KeyCode::Right).await;
    assert_eq!(reports(&ui).kind, Kind::Valuation);
    let v = reports(&ui).valuation.data.as_ref().expect("the valuation");
    assert_eq!(
        v.total_quantity,
        Quantity::units(85),
        "equals the movement report's closing"
    );
    assert_eq!(v.rows.len(), 2, "A and B");
    snap(&mut ui, "report_valuation").await;
    ui.typ("b").await;
    let v = reports(&ui).valuation.data.as_ref().expect("by category");
    assert_eq!(
        v.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["Hardware"]
    );

    ui.key(KeyCode::Right).await;
    assert_eq!(reports(&ui).kind, Kind::Reorder);
    let r = reports(&ui)
        .reorder
        .data
        .as_ref()
        .expect("the reorder list");
    let at: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|r| (r.location.as_str(), r.sku.as_str()))
        .collect();
    assert_eq!(at, [("A", "P2"), ("B", "P3")]);
    snap(&mut ui, "report_reorder").await;
    // Enter on a row opens its card; Esc comes back to the reorder list.
    ui.enter().await;
    assert_eq!(
        reports(&ui).card.as_ref().map(|c| c.key.sku.as_str()),
        Some("P2")
    );
    ui.key(KeyCode::Esc).await;
    assert!(reports(&ui).card.is_none());
    assert_eq!(
        (ui.rt.app.tab, reports(&ui).kind),
        (Tab::Reports, Kind::Reorder)
    );
}

#[tokio::test]
async fn the_stock_card_from_the_stock_and_product_screens() {
    let env = warehouse().await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    ui.typ("3").await;
    ui.until("the stock rows", |a: &App| a.stock.list.current().is_some())
        .await;
    // The first row is P1 at A: its card, at A.
    ui.typ("K").await;
    assert_eq!(ui.rt.app.tab, Tab::Reports);
    let key = reports(&ui)
        .card
        .as_ref()
        .map(|c| c.key.clone())
        .expect("a card");
    assert_eq!(
        (key.sku.as_str(), key.location.as_deref()),
        ("P1", Some("A"))
    );
    type_period(&mut ui, today() - Duration::days(6), today()).await;
    let card = reports(&ui)
        .card
        .as_ref()
        .and_then(|c| c.data.as_ref())
        .expect("the card");
    let balances: Vec<i64> = card.rows.iter().map(|r| r.balance.0 / 1000).collect();
    assert_eq!(balances, [100, 70]);
    assert_eq!(
        (card.opening, card.closing),
        (Quantity(0), Quantity::units(70))
    );
    assert_eq!(
        card.closing, card.stock_now,
        "the closing balance is the stock"
    );
    snap(&mut ui, "stock_card").await;
    ui.key(KeyCode::Esc).await;
    assert_eq!(ui.rt.app.tab, Tab::Stock, "back where it was opened");
    assert!(reports(&ui).card.is_none());
    // From a product's stock detail (Enter): that product, at the location the list is
    // filtered by (none here: every location), with the period chosen on the last card.
    ui.enter().await;
    ui.until("the detail", |a: &App| {
        a.stock.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    ui.typ("K").await;
    let key = reports(&ui)
        .card
        .as_ref()
        .map(|c| c.key.clone())
        .expect("a card");
    assert_eq!((key.sku.as_str(), key.location.as_deref()), ("P1", None));
    assert_eq!(key.period.from, today() - Duration::days(6));
    ui.key(KeyCode::Esc).await;
    assert!(
        ui.rt.app.stock.detail.is_some(),
        "the detail is still there"
    );
    ui.key(KeyCode::Esc).await;

    // From the products screen: every location.
    ui.typ("2").await;
    ui.until("the products", |a: &App| a.products.current().is_some())
        .await;
    ui.key(KeyCode::Down).await;
    ui.typ("K").await;
    let key = reports(&ui)
        .card
        .as_ref()
        .map(|c| c.key.clone())
        .expect("a card");
    assert_eq!((key.sku.as_str(), key.location.as_deref()), ("P2", None));
    let card = reports(&ui)
        .card
        .as_ref()
        .and_then(|c| c.data.as_ref())
        .expect("the card");
    let moves: Vec<(&str, i64, i64)> = card
        .rows
        .iter()
        .map(|r| (r.location.as_str(), r.qty_in.0 / 1000, r.qty_out.0 / 1000))
        .collect();
    assert_eq!(
        moves,
        [("A", 40, 0), ("A", 0, 10), ("B", 10, 0), ("A", 0, 28)],
        "a transfer inside the scope moves out of A and into B"
    );
    assert_eq!(card.closing, Quantity::units(12));
    ui.key(KeyCode::Esc).await;
    assert_eq!(ui.rt.app.tab, Tab::Products);
}

/// `dir` in the screen, as a placeholder of its own width (the layout stays as it was).
fn hide_dir(s: &str, dir: &str) -> String {
    s.replace(dir, &format!("{:<w$}", "<dir>", w = dir.len()))
}

#[tokio::test]
async fn export_the_movement_report_to_csv_and_xlsx() {
    let env = warehouse().await;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    ui.typ("7").await;
    type_period(&mut ui, today() - Duration::days(6), today()).await;
    ui.typ("E").await;
    assert!(ui.screen().contains("mutasi-"), "a name to start from");
    clear_field(&mut ui).await;
    // A name without .csv or .xlsx is refused before anything is written.
    ui.typ(&format!("{dir}/mutasi.txt\n")).await;
    assert!(
        ui.screen().contains("end the name in .csv or .xlsx"),
        "{}",
        ui.screen()
    );
    clear_field(&mut ui).await;
    ui.typ(&format!("{dir}/mutasi.csv")).await;
    let small = hide_dir(&redact(&ui.rt.screen()), &dir);
    ui.enter().await;
    let csv = std::fs::read_to_string(out.path().join("mutasi.csv")).expect("the file");
    let lines: Vec<&str> = csv.lines().collect();
    for sku in ["P1", "P2", "P3"] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{sku},"))),
            "{csv}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("212.50")),
        "the totals: {csv}"
    );
    let msg = hide_dir(&redact(&ui.rt.screen()), &dir);
    assert!(msg.contains("Exported 3 rows to <dir>"), "{msg}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("report_export_form_80x24", small);
        insta::assert_snapshot!("report_export_done_80x24", msg);
    });
    // XLSX at 160x48, from the valuation.
    ui.resize(160, 48).await;
    ui.key(KeyCode::Right).await;
    ui.typ("E").await;
    clear_field(&mut ui).await;
    ui.typ(&format!("{dir}/nilai.xlsx\n")).await;
    let bytes = std::fs::read(out.path().join("nilai.xlsx")).expect("the spreadsheet");
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    let wide = hide_dir(&redact(&ui.rt.screen()), &dir);
    assert!(wide.contains("Exported 2 rows to <dir>"), "{wide}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("report_export_done_160x48", wide);
    });
    // A folder that does not exist: the service's message, and no file.
    ui.typ("E").await;
    clear_field(&mut ui).await;
    ui.typ(&format!("{dir}/no/such/folder/x.csv\n")).await;
    assert!(ui.screen().contains("Export failed"), "{}", ui.screen());
    assert!(!out.path().join("no").exists());
}

#[tokio::test]
async fn a_long_report_pages_and_bahasa_indonesia_writes_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::sqlite_config(dir.path());
    config.ui.language = "id".into();
    let services = gudang::Services::open(config).await.unwrap();
    let admin = services
        .create_first_admin(ADMIN, "Admin", PASSWORD)
        .await
        .unwrap();
    let env = common::Env {
        services,
        admin,
        dir,
    };
    common::seed(&env, 60).await;
    let mut lines: Vec<LineRequest> = (2..=60).map(|i| line(&format!("P{i}"), 2)).collect();
    lines.push(line("P1", 1500));
    post(&env, TxKind::Receipt, None, Some("A"), lines).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    ui.typ("7").await;
    type_period(&mut ui, today() - Duration::days(6), today()).await;
    let rows = |ui: &Ui| {
        reports(ui)
            .movement
            .data
            .as_ref()
            .map_or(0, |d| d.report.rows.len())
    };
    assert_eq!(rows(&ui), 60);
    assert!(
        ui.screen().contains("1.500"),
        "thousands with a point: {}",
        ui.screen()
    );
    snap(&mut ui, "report_movement_id").await;
    ui.key(KeyCode::PageDown).await;
    let page = reports(&ui).movement.rows.cursor;
    assert!(page >= 10, "a page is the rows on screen: {page}");
    ui.key(KeyCode::End).await;
    assert_eq!(reports(&ui).movement.rows.cursor, 59);
    assert!(ui.screen().contains("baris 60 dari 60"), "{}", ui.screen());
    assert!(
        ui.screen().contains("P9 "),
        "the last rows by SKU: {}",
        ui.screen()
    );
    ui.key(KeyCode::Home).await;
    assert_eq!(reports(&ui).movement.rows.cursor, 0);
}
