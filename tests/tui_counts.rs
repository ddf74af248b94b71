//! The Counts screen (stock opname) as users see it: the real event loop on ratatui's
//! TestBackend with scripted keys, on real temp SQLite shards, snapshotted at 80x24 and
//! 160x48. A supervisor starts a count, a clerk scans on a terminal of their own (a mistake
//! included) while a receipt is posted, the supervisor reviews and posts it; the stock then
//! equals what was counted plus what moved after each scan. The review in Bahasa Indonesia.
//! (The same count end to end on the real binary: `tui_counts_pty.rs`.)

mod common;
mod tui_support;

use crossterm::event::{KeyCode, KeyModifiers};
use gudang::domain::{Quantity, Role, TxKind};
use gudang::service::counts::CountStatus;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;
use gudang::tui::app::App;
use tui_support::*;

const CLERK: &str = "clerk@example.test";

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

/// Products P1..P3 at 2.50, A with A1 inside it, B; stock: 10 P1 and 6 P3 at A, 4 P2 at A1,
/// 5 P1 at B (outside the count); a clerk.
async fn warehouse() -> common::Env {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let s = &env.services;
    s.add_location(&env.admin, "A1", "Rak A1", Some("A"))
        .await
        .unwrap();
    for (to, lines) in [
        ("A", vec![line("P1", 10), line("P3", 6)]),
        ("A1", vec![line("P2", 4)]),
        ("B", vec![line("P1", 5)]),
    ] {
        s.post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Receipt),
                dest: Some(to.into()),
                lines,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    s.add_user(&env.admin, CLERK, "Clerk", Role::Clerk, PASSWORD)
        .await
        .unwrap();
    env
}

async fn logged_in(env: &common::Env, email: &str) -> Ui {
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(email, PASSWORD).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
    ui
}

fn counts_tab() -> String {
    Tab::Counts.number().to_string()
}

fn scanned(a: &App) -> Vec<(String, String, i64, i64)> {
    a.counts
        .scan
        .as_ref()
        .map(|s| {
            s.entries
                .iter()
                .map(|e| (e.sku.clone(), e.at.clone(), e.here.0, e.counted.0))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_count_started_scanned_with_a_mistake_reviewed_and_posted() {
    let env = warehouse().await;
    let s = env.services.clone();

    // The supervisor (here the admin) opens a count of A and what is inside it.
    let mut sup = logged_in(&env, ADMIN).await;
    sup.typ(&counts_tab()).await;
    sup.until("the list", |a| a.counts.loaded).await;
    sup.typ("n").await;
    sup.typ("A").await;
    sup.enter().await;
    sup.snap("count_start_children").await;
    sup.enter().await; // with what is inside A
    sup.enter().await; // all categories
    sup.until("the count", |a| {
        !a.counts.starting && a.counts.list.len() == 1
    })
    .await;
    let number = sup.rt.app.counts.list[0].number.clone();
    assert!(number.starts_with("CNT-"), "{number}");
    sup.snap("counts_list").await;

    // A clerk on a terminal of their own: only the open count, and straight into the scan loop.
    let mut clerk = logged_in(&env, CLERK).await;
    clerk.typ(&counts_tab()).await;
    clerk.until("the list", |a| a.counts.loaded).await;
    clerk.enter().await;
    assert!(clerk.rt.app.counts.scan.is_some());
    clerk.typ("3*P1\n").await;
    clerk.until("P1 counted", |a| scanned(a).len() == 1).await;
    // Goods arrive at A while the count goes on: the book of P1 moves after its scan.
    s.post(
        &env.admin,
        &PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some("A".into()),
            lines: vec![line("P1", 2)],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // A mistake: a code no product has. It stays in the field, with the reason.
    clerk.typ("NOPE\n").await;
    clerk
        .until("the refusal", |a| {
            a.counts
                .scan
                .as_ref()
                .is_some_and(|s| !s.errors.is_empty() && !s.busy())
        })
        .await;
    assert_eq!(
        clerk.rt.app.counts.scan.as_ref().unwrap().input.value(),
        "NOPE"
    );
    clerk.snap("count_scan_mistake").await;
    // Corrected: Esc clears the field; P2 is found in A1 (Tab picks the place); P3 by barcode,
    // twice (a repeated code adds).
    clerk.key(KeyCode::Esc).await;
    clerk.key(KeyCode::Tab).await;
    clerk.typ("A1\n").await;
    clerk.typ("2*P2\n8990000003\n8990000003\n").await;
    clerk
        .until("every scan answered", |a| {
            a.counts.scan.as_ref().is_some_and(|s| !s.busy()) && scanned(a).len() == 3
        })
        .await;
    assert_eq!(
        scanned(&clerk.rt.app),
        [
            ("P3".into(), "A1".into(), 2000, 2000),
            ("P2".into(), "A1".into(), 2000, 2000),
            ("P1".into(), "A".into(), 3000, 3000),
        ]
    );
    clerk.snap("count_scan").await;
    assert!(
        !clerk.screen().contains("Book"),
        "blind: {}",
        clerk.screen()
    );

    // The review: book at the moment of each scan, counted, variance, value.
    sup.typ("r").await;
    sup.until("the list again", |a| a.counts.loaded).await;
    sup.enter().await;
    sup.until("the review", |a| {
        a.counts.review.as_ref().is_some_and(|r| r.loaded())
    })
    .await;
    let r = sup.rt.app.counts.review.as_ref().unwrap();
    let lines: Vec<(String, String, i64, Option<i64>)> = r
        .lines
        .iter()
        .map(|l| {
            (
                l.sku.clone(),
                l.location.clone(),
                l.book.0,
                l.counted.map(|q| q.0),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("P1".into(), "A".into(), 10_000, Some(3000)),
            ("P3".into(), "A".into(), 6000, None),
            ("P2".into(), "A1".into(), 4000, Some(2000)),
            ("P3".into(), "A1".into(), 0, Some(2000)),
        ],
        "largest value first; P3 at A never scanned"
    );
    sup.snap("count_review").await;
    sup.typ("v").await;
    sup.until("only variances", |a| {
        a.counts
            .review
            .as_ref()
            .and_then(|r| r.shown_filter.as_ref())
            .is_some_and(|f| f.only_variances)
    })
    .await;

    // Post: the never-scanned P3 at A keeps its stock.
    sup.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    sup.snap("count_post_question").await;
    sup.enter().await;
    sup.until("posted", |a| {
        a.counts
            .review
            .as_ref()
            .and_then(|r| r.head.as_ref())
            .is_some_and(|h| h.status == CountStatus::Posted)
            && a.counts
                .review
                .as_ref()
                .is_some_and(|r| r.working.is_none() && r.loaded())
    })
    .await;
    sup.snap("count_posted").await;
    let head = s.count_get(&number).await.unwrap();
    assert_eq!(head.status, CountStatus::Posted);
    assert!(head.documents.iter().all(|d| d.status == "posted"));
    let shown = sup.screen();
    for d in &head.documents {
        let n = d.number.clone().unwrap_or_default();
        assert!(
            shown.contains(&redact(&n).trim().to_string()),
            "{n}: {shown}"
        );
    }

    // Stock = counted + what arrived after the scan; P3 at A untouched; B untouched.
    let stock = |loc: &'static str, sku: &'static str| {
        let s = s.clone();
        async move {
            let rows = s
                .stock(Some(loc), Some(sku), false, 100)
                .await
                .unwrap_or_default();
            rows.iter()
                .filter(|r| r.location == loc && r.sku == sku)
                .map(|r| r.quantity_milli)
                .sum::<i64>()
        }
    };
    assert_eq!(stock("A", "P1").await, 5000, "3 counted + 2 received since");
    assert_eq!(stock("A1", "P2").await, 2000);
    assert_eq!(stock("A1", "P3").await, 2000);
    assert_eq!(stock("A", "P3").await, 6000, "never scanned, kept");
    assert_eq!(stock("B", "P1").await, 5000, "outside the count");
}

#[tokio::test]
async fn cancel_asks_first_and_leaves_stock_alone() {
    let env = warehouse().await;
    let s = env.services.clone();
    let count = s
        .count_start(
            &env.admin,
            &gudang::service::counts::CountStart {
                location: "B".into(),
                with_children: false,
                category: None,
            },
        )
        .await
        .unwrap();
    s.count_scan(&env.admin, &count.number, None, &[line("P1", 1)])
        .await
        .unwrap();
    let mut sup = logged_in(&env, ADMIN).await;
    sup.typ(&counts_tab()).await;
    sup.until("the list", |a| a.counts.list.len() == 1).await;
    sup.key(KeyCode::Delete).await;
    assert!(sup.rt.app.question().is_some());
    sup.typ("n").await;
    assert_eq!(
        s.count_get(&count.number).await.unwrap().status,
        CountStatus::Open
    );
    sup.key(KeyCode::Delete).await;
    sup.typ("y").await;
    sup.until("cancelled", |a| {
        a.counts.review.is_none()
            && a.counts
                .list
                .first()
                .is_some_and(|c| c.status == CountStatus::Cancelled)
    })
    .await;
    assert_eq!(
        s.count_get(&count.number).await.unwrap().status,
        CountStatus::Cancelled
    );
    assert!(sup.screen().contains("cancelled"), "{}", sup.screen());
}

#[tokio::test]
async fn the_review_in_bahasa_indonesia() {
    let env = warehouse().await;
    let mut config = common::sqlite_config(env.dir.path());
    config.ui.language = "id".into();
    let s = gudang::service::Services::open(config).await.unwrap();
    let count = s
        .count_start(
            &env.admin,
            &gudang::service::counts::CountStart {
                location: "A".into(),
                with_children: true,
                category: Some("Hardware".into()),
            },
        )
        .await
        .unwrap();
    s.count_scan(&env.admin, &count.number, None, &[line("P1", 1234)])
        .await
        .unwrap();
    s.count_scan(&env.admin, &count.number, Some("A1"), &[line("P2", 4)])
        .await
        .unwrap();
    let term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let mut ui = Ui {
        rt: gudang::tui::runtime::Runtime::new(
            term,
            s,
            gudang::tui::theme::Theme::new(true, None),
            t0(),
        ),
        secs: 0,
    };
    ui.tick(0).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.dashboard.data.is_some())
        .await;
    ui.typ(&counts_tab()).await;
    ui.until("the list", |a| a.counts.loaded).await;
    ui.enter().await;
    ui.until("the review", |a| {
        a.counts.review.as_ref().is_some_and(|r| r.loaded())
    })
    .await;
    // Indonesian dates (26/11/2026 17:41) are redacted here; the harness knows YYYY-MM-DD.
    let small = redact_dmy(&ui.screen());
    ui.resize(160, 48).await;
    let wide = redact_dmy(&ui.screen());
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("count_review_id_80x24", small);
        insta::assert_snapshot!("count_review_id_160x48", wide);
    });
}

/// "dd/mm/yyyy hh:mm" becomes "DD/MM/YYYY hh:mm".
fn redact_dmy(s: &str) -> String {
    let mut out: Vec<char> = s.chars().collect();
    let shape: Vec<char> = "99/99/9999 99:99".chars().collect();
    let mut i = 0;
    while i + shape.len() <= out.len() {
        let hit = shape.iter().zip(&out[i..]).all(|(p, c)| {
            if *p == '9' {
                c.is_ascii_digit()
            } else {
                p == c
            }
        });
        if hit {
            out.splice(i..i + shape.len(), "DD/MM/YYYY hh:mm".chars());
            i += shape.len();
        } else {
            i += 1;
        }
    }
    out.into_iter().collect()
}
