//! Whole-app tests of the stock, transactions and admin screens: the real event loop on
//! ratatui's TestBackend, real temp SQLite shards, scripted keys typed as a clerk or a barcode
//! scanner would. Each screen is snapshotted at 80x24 and 160x48 with run-dependent text
//! (record times, the year in numbers, latencies) redacted.

mod common;
mod tui_support;

use crossterm::event::{KeyCode, KeyModifiers};
use gudang::domain::Role;
use gudang::tui::action::Tab;
use gudang::tui::panes::txn_doc::Step;
use tui_support::{ADMIN, PASSWORD, Ui};

/// Logs in and waits for the dashboard.
async fn log_in(ui: &mut Ui, email: &str, password: &str) {
    ui.login(email, password).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
}

fn app(ui: &Ui) -> &gudang::tui::app::App {
    &ui.rt.app
}

fn step(ui: &Ui) -> Option<Step> {
    app(ui).txns.doc.as_ref().map(|d| d.step)
}

async fn qty_at(env: &common::Env, loc: &str, sku: &str) -> i64 {
    env.services
        .stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map_or(0, |r| r.quantity_milli)
}

#[tokio::test]
async fn scan_a_receipt_then_an_issue_too_large_and_see_stock_and_dashboard_follow() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui, ADMIN, PASSWORD).await;
    assert_eq!(
        app(&ui).dashboard.data.as_ref().map(|d| d.txn_today),
        Some(0)
    );
    ui.typ("4").await;
    ui.until("the empty list", |a| a.txns.list.is_empty()).await;
    ui.snap("txn_list_empty").await;
    ui.typ("n").await;
    ui.snap("txn_new_kind").await;
    ui.typ("rec\n").await;
    ui.snap("txn_pick_location").await;
    ui.enter().await;
    assert_eq!(step(&ui), Some(Step::Scan));
    // Header fields: Tab twice to the reference, once more to the supplier, Enter back.
    ui.key(KeyCode::Tab).await;
    ui.key(KeyCode::Tab).await;
    ui.typ("PO-1001").await;
    ui.key(KeyCode::Tab).await;
    ui.typ("PT Sumber Jaya\n").await;
    // The scanner: codes and Enters queued faster than lookups answer; a barcode, an unknown
    // code, and 5 more of P1 at once.
    ui.typ("P1\nP1\n8990000002\nNOPE\n5*P1\n").await;
    let doc = app(&ui).txns.doc.as_ref().unwrap();
    let lines: Vec<(String, String)> = doc
        .lines
        .iter()
        .map(|l| (l.product.sku.clone(), l.qty.to_string()))
        .collect();
    assert_eq!(
        lines,
        [
            ("P1".to_string(), "7".to_string()),
            ("P2".to_string(), "1".to_string())
        ]
    );
    assert_eq!(doc.flags.len(), 1, "NOPE is flagged");
    ui.snap("txn_scan").await;
    // `?` is text in the scan field; on the lines it opens the help of this screen.
    ui.key(KeyCode::Tab).await;
    ui.typ("?").await;
    ui.snap("txn_scan_help").await;
    ui.key(KeyCode::Esc).await;
    ui.key(KeyCode::Esc).await;
    ui.enter().await;
    assert_eq!(step(&ui), Some(Step::Confirm));
    ui.snap("txn_confirm").await;
    ui.enter().await;
    ui.until("the posting", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.step == Step::Done)
    })
    .await;
    ui.snap("txn_posted").await;
    assert_eq!(qty_at(&env, "A", "P1").await, 7000);
    assert_eq!(qty_at(&env, "A", "P2").await, 1000);
    let posted = env
        .services
        .list_transactions(&Default::default(), Some(10), 0)
        .await
        .unwrap();
    assert_eq!(
        (
            posted.len(),
            posted[0].reference.as_deref(),
            posted[0].partner.as_deref()
        ),
        (1, Some("PO-1001"), Some("PT Sumber Jaya"))
    );

    // An issue of more than there is: refused with the exact reason, nothing moves.
    ui.key(KeyCode::Esc).await;
    ui.typ("niss\n\n20*P1\n\n").await;
    assert_eq!(
        step(&ui),
        Some(Step::Confirm),
        "the empty Enter waited for the lookup, then reviewed"
    );
    ui.enter().await;
    ui.until("the refusal", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.error.is_some())
    })
    .await;
    let reason = app(&ui)
        .txns
        .doc
        .as_ref()
        .and_then(|d| d.error.clone())
        .unwrap_or_default();
    assert!(
        reason.contains("only 7 of SKU P1 left at A (line 1 needs 20)"),
        "{reason}"
    );
    ui.snap("txn_rejected").await;
    assert_eq!(qty_at(&env, "A", "P1").await, 7000);
    ui.key(KeyCode::Esc).await;
    ui.typ("y").await;
    assert!(app(&ui).txns.doc.is_none());

    // The dashboard reloads at once: one posting today, 8 x 2.50 received.
    ui.typ("1").await;
    ui.until("the new figures", |a| {
        a.dashboard.data.as_ref().is_some_and(|d| d.txn_today == 1)
    })
    .await;
    let d = app(&ui).dashboard.data.as_ref().unwrap();
    assert_eq!(
        (d.value_in, d.stock_value, d.low_stock.len()),
        (2000, 2000, 1)
    );

    // The list, newest first: the rejected issue, then the receipt; and their details.
    ui.typ("4").await;
    ui.until("two documents", |a| {
        a.txns.list.have() && a.txns.list.rows.len() == 2
    })
    .await;
    ui.snap("txn_list").await;
    ui.enter().await;
    ui.until("the detail", |a| {
        a.txns.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    ui.snap("txn_detail_rejected").await;
    ui.key(KeyCode::Esc).await;
    ui.typ("j\n").await;
    ui.until("the detail", |a| {
        a.txns.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    ui.snap("txn_detail").await;
    ui.key(KeyCode::Esc).await;
    ui.typ("trec\n").await;
    ui.until("receipts only", |a| a.txns.list.have()).await;
    assert_eq!(app(&ui).txns.list.rows.len(), 1);

    // Stock: both rows, P2 below its minimum; low only; the product's detail.
    ui.typ("3").await;
    ui.until("the stock", |a| a.stock.list.have()).await;
    assert_eq!(app(&ui).stock.list.rows.len(), 2);
    ui.snap("stock").await;
    ui.typ("w").await;
    ui.until("low stock", |a| a.stock.list.have()).await;
    assert_eq!(
        app(&ui)
            .stock
            .list
            .rows
            .iter()
            .map(|r| r.sku.as_str())
            .collect::<Vec<_>>(),
        ["P2"]
    );
    ui.typ("w/p1").await;
    ui.until("the search", |a| a.stock.list.have()).await;
    assert_eq!(
        app(&ui)
            .stock
            .list
            .rows
            .iter()
            .map(|r| r.sku.as_str())
            .collect::<Vec<_>>(),
        ["P1"]
    );
    ui.enter().await;
    ui.enter().await;
    ui.until("the product detail", |a| {
        a.stock.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    assert_eq!(
        app(&ui)
            .stock
            .detail
            .as_ref()
            .and_then(|d| d.data.as_ref())
            .map(|d| d.movements.len()),
        Some(1)
    );
    ui.snap("stock_detail").await;
    ui.key(KeyCode::Esc).await;
    ui.typ("l").await;
    ui.snap("stock_pick_location").await;
    ui.typ("warehouse b\n").await;
    ui.until("stock at B", |a| a.stock.list.have()).await;
    assert!(app(&ui).stock.list.is_empty());
}

#[tokio::test]
async fn admin_adds_a_user_a_nested_location_and_sees_every_section() {
    let env = common::sqlite_env().await;
    common::seed(&env, 1).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui, ADMIN, PASSWORD).await;
    ui.typ(&Tab::Admin.number().to_string()).await;
    ui.until("the users", |a| a.admin.users.len() == 1).await;
    ui.snap("admin_users").await;
    ui.typ("n").await;
    ui.typ("dewi@gudang.test\nDewi Lestari\n\nshort\n").await;
    ui.typ("\n").await;
    assert!(
        app(&ui)
            .admin
            .form
            .as_ref()
            .is_some_and(|f| f.form.has_errors()),
        "the short password is refused by its field"
    );
    ui.snap("admin_user_form_error").await;
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    ui.typ("dewi password 1\ndewi password 1\n").await;
    ui.until("the new user", |a| {
        a.admin.form.is_none() && a.admin.users.len() == 2
    })
    .await;
    ui.snap("admin_user_added").await;
    let dewi = env
        .services
        .login("dewi@gudang.test", "dewi password 1")
        .await
        .unwrap();
    assert_eq!(dewi.role, Role::Clerk);

    ui.key(KeyCode::Right).await;
    ui.until("the locations", |a| a.admin.locations.len() == 2)
        .await;
    ui.typ("nA-01\nBin one\na\n").await;
    ui.until("the new location", |a| {
        a.admin.form.is_none() && a.admin.locations.len() == 3
    })
    .await;
    let all = env.services.list_locations().await.unwrap();
    let a = all.iter().find(|l| l.code == "A").unwrap();
    assert_eq!(
        all.iter()
            .find(|l| l.code == "A-01")
            .and_then(|l| l.parent_id.clone()),
        Some(a.id.clone())
    );
    ui.snap("admin_locations").await;
    ui.key(KeyCode::Right).await;
    ui.until("the categories", |a| !a.admin.categories.is_empty())
        .await;
    ui.snap("admin_categories").await;
    ui.key(KeyCode::Right).await;
    ui.until("the units", |a| !a.admin.units.is_empty()).await;
    ui.typ("n").await;
    ui.snap("admin_unit_form").await;
}

#[tokio::test]
async fn a_clerk_has_no_admin_screen_and_no_adjustment() {
    let env = common::sqlite_env().await;
    common::seed(&env, 1).await;
    env.services
        .add_user(
            &env.admin,
            "clerk@example.test",
            "Cici",
            Role::Clerk,
            PASSWORD,
        )
        .await
        .unwrap();
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui, "clerk@example.test", PASSWORD).await;
    ui.key(KeyCode::F(Tab::Admin.number() as u8)).await;
    assert_eq!(app(&ui).tab, Tab::Dashboard);
    assert!(
        ui.screen().contains("supervisors and admins"),
        "{}",
        ui.screen()
    );
    ui.typ("4n").await;
    let offered: Vec<String> = app(&ui)
        .txns
        .picker
        .as_ref()
        .map(|(_, p)| p.visible().map(|i| i.value.clone()).collect())
        .unwrap_or_default();
    assert_eq!(offered, ["receipt", "issue", "transfer"]);
    ui.snap("txn_new_kind_clerk").await;
}

#[tokio::test]
async fn after_the_first_run_q_quits_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let services = gudang::service::Services::open(common::sqlite_config(dir.path()))
        .await
        .unwrap();
    let mut ui = Ui::new(services).await;
    ui.until("the first-run form", |a| {
        a.login.mode == gudang::tui::panes::login::Mode::FirstRun
    })
    .await;
    ui.typ("Sari\nsari@gudang.test\ngudang admin pw\ngudang admin pw\n")
        .await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    assert!(
        !app(&ui).unsaved(),
        "the first-run form is done with, not unsaved input"
    );
    ui.typ("q").await;
    assert!(app(&ui).quit);
}

#[tokio::test]
async fn the_scan_loop_speaks_bahasa_indonesia() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::sqlite_config(dir.path());
    config.ui.language = "id".into();
    let services = gudang::service::Services::open(config).await.unwrap();
    let admin = services
        .create_first_admin(ADMIN, "Admin", PASSWORD)
        .await
        .unwrap();
    let env = common::Env {
        services,
        admin,
        dir,
    };
    common::seed(&env, 2).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui, ADMIN, PASSWORD).await;
    ui.typ("4npen\n\n").await;
    ui.typ("1000*P1\nP2\nP9\n").await;
    assert_eq!(app(&ui).txns.doc.as_ref().map(|d| d.lines.len()), Some(2));
    ui.snap("txn_scan_id").await;
}

#[test]
fn redaction_keeps_widths() {
    assert_eq!(
        tui_support::redact("a 2026-03-02 09:31 b\n"),
        "a YYYY-MM-DD hh:mm b\n"
    );
}
