//! Monthly closings (tutup buku) on every backend: a report across closed months equals the
//! report without closings (and the stock cards); a document journaled late into a closed
//! month makes its closing stale and the report stays exact; an outbox entry timed before a
//! closing's end is counted once; two closers at once leave one closing; `gudang check` finds
//! a closing that differs from the journal.

mod common;

use chrono::{Duration, NaiveDate};
use common::backend::{Db, TestEnv, line, req};
use gudang::db::ShardName;
use gudang::domain::TxKind;
use gudang::service::reports::{
    CardQuery, Month, MovementQuery, MovementReport, Period, ValuationBy, ValuationQuery, today,
};

/// Day `day` of the month `back` months before this one.
fn day_of(back: u32, day: u32) -> NaiveDate {
    let mut m = Month::of(today());
    for _ in 0..back {
        m = m.prev();
    }
    m.first() + Duration::days(i64::from(day) - 1)
}

/// The daily summaries as journaling on those days would have left them.
async fn rebuild_summaries(env: &TestEnv) {
    env.services.finish_journal().await;
    env.exec(ShardName::Transaction, "DELETE FROM daily_summary")
        .await;
    env.exec(
        ShardName::Transaction,
        "INSERT INTO daily_summary (day, kind, txn_count, line_count, total_qty, total_value) \
         SELECT day, kind, COUNT(*), SUM(line_count), SUM(total_qty), SUM(total_value) \
         FROM transactions WHERE status = 'posted' GROUP BY day, kind",
    )
    .await;
}

/// Products P1..P3 at A and B, with documents spread over the last four months.
async fn history(db: Db) -> TestEnv {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let docs = [
        (
            req(
                TxKind::Receipt,
                None,
                Some("A"),
                vec![line("P1", 100), line("P2", 40)],
            ),
            day_of(3, 15),
        ),
        (
            req(TxKind::Issue, Some("A"), None, vec![line("P1", 30)]),
            day_of(2, 10),
        ),
        (
            req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P2", 15)]),
            day_of(2, 12),
        ),
        (
            req(TxKind::Adjustment, Some("A"), None, vec![line("P2", 20)]),
            day_of(2, 20),
        ),
        (
            req(TxKind::Receipt, None, Some("B"), vec![line("P1", 5)]),
            day_of(1, 12),
        ),
        (
            req(TxKind::Issue, Some("B"), None, vec![line("P2", 4)]),
            day_of(1, 25),
        ),
        (
            req(TxKind::Receipt, None, Some("A"), vec![line("P3", 9)]),
            today(),
        ),
        (
            req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P1", 10)]),
            today(),
        ),
    ];
    for (r, day) in docs {
        let number = env.post_ok(&r).await;
        if day != today() {
            env.backdate(&number, (today() - day).num_days()).await;
        }
    }
    env
}

fn periods() -> Vec<Period> {
    let whole = |back| Period::new(day_of(back, 1), Month::of(day_of(back, 1)).last_day());
    vec![
        whole(1).unwrap(),
        whole(2).unwrap(),
        Period::new(day_of(2, 15), day_of(1, 20)).unwrap(),
        Period::new(day_of(1, 5), today()).unwrap(),
        whole(3).unwrap(),
    ]
}

/// Every period's movement report by location, and the valuation at each period's end.
async fn reports(env: &TestEnv) -> Vec<(MovementReport, (i64, i64))> {
    let mut out = Vec::new();
    for p in periods() {
        let mut q = MovementQuery::new(p);
        q.by_location = true;
        let r = env.services.movement_report(&q).await.expect("report");
        assert!(r.exact);
        let v = env
            .services
            .valuation(&ValuationQuery::new(p.to, ValuationBy::Product))
            .await
            .expect("valuation");
        out.push((r, (v.total_quantity.0, v.total_value.0)));
    }
    out
}

/// The report agrees with each product's card at each location (read back from the stock).
async fn assert_cards_agree(env: &TestEnv, reports: &[(MovementReport, (i64, i64))]) {
    for ((r, _), p) in reports.iter().zip(periods()) {
        for sku in ["P1", "P2", "P3"] {
            for loc in ["A", "B"] {
                let mut q = CardQuery::new(sku, p);
                q.location = Some(loc.into());
                let card = env.services.stock_card(&q).await.expect("card");
                let row = r
                    .rows
                    .iter()
                    .find(|row| row.sku == sku && row.location.as_deref() == Some(loc));
                let got = row.map_or((0, 0, 0, 0), |row| {
                    (row.opening.0, row.qty_in.0, row.qty_out.0, row.closing.0)
                });
                let want = (
                    card.opening.0,
                    card.total_in.0,
                    card.total_out.0,
                    card.closing.0,
                );
                assert_eq!(got, want, "{p:?} {sku} at {loc}");
            }
        }
    }
}

async fn closings(env: &TestEnv) -> i64 {
    env.int(
        ShardName::Transaction,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM closings",
    )
    .await
}

async fn report_across_closed_months_equals_report_without(db: Db) {
    let env = history(db).await;
    // Daily summaries still put every line on today: every period is summed from the
    // beginning of the journal, and nothing is closed.
    let without = reports(&env).await;
    assert_eq!(closings(&env).await, 0);
    assert_cards_agree(&env, &without).await;
    rebuild_summaries(&env).await;
    // Now the months before each period are closed on the way and read from.
    let with = reports(&env).await;
    assert!(closings(&env).await >= 2, "months were closed");
    assert_eq!(with, without);
    // Explicit closing closes what the reports did not need (the last month); a second time
    // finds nothing left to do. The reports are the same again.
    let first = env.services.close_months().await.expect("close");
    let again = env.services.close_months().await.expect("close again");
    assert_eq!(again.closed, 0, "{again:?}");
    assert_eq!(again.through, first.through);
    assert!(again.through.is_some());
    assert_eq!(reports(&env).await, without);
    let check = env.services.check().await.expect("check");
    assert!(check.ok(), "{:?}", check.violations);
}

async fn stale_closing_is_not_used(db: Db) {
    let env = history(db).await;
    rebuild_summaries(&env).await;
    let closed = env.services.close_months().await.expect("close");
    assert!(closed.closed >= 3, "{closed:?}");
    let before = env
        .int(
            ShardName::Transaction,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM closings WHERE month = '{}'",
                Month::of(day_of(2, 1)).key()
            ),
        )
        .await;
    assert_eq!(before, 1);
    // A document decided inside a closed month is journaled late (an outbox entry): the
    // closings of that month and after no longer match the journal.
    let late = env
        .post_ok(&req(TxKind::Receipt, None, Some("B"), vec![line("P2", 7)]))
        .await;
    env.backdate(&late, (today() - day_of(2, 5)).num_days())
        .await;
    rebuild_summaries(&env).await;
    let check = env.services.check().await.expect("check");
    assert!(
        check.ok(),
        "stale closings are not checked: {:?}",
        check.violations
    );
    let with = reports(&env).await;
    assert_cards_agree(&env, &with).await;
    // The month was closed again beside the stale closing, which stays unused.
    let after = env
        .int(
            ShardName::Transaction,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM closings WHERE month = '{}'",
                Month::of(day_of(2, 1)).key()
            ),
        )
        .await;
    assert_eq!(after, 2);
    // A document removed from the journal (a restore from an older backup): its month's
    // closing goes stale too, and the report follows the journal.
    env.services.finish_journal().await;
    let id = env
        .text(
            ShardName::Transaction,
            &format!("SELECT id FROM transactions WHERE number = '{late}'"),
        )
        .await;
    env.exec(
        ShardName::Transaction,
        &format!("DELETE FROM transaction_lines WHERE txn_id = '{id}'"),
    )
    .await;
    env.exec(
        ShardName::Transaction,
        &format!("DELETE FROM transactions WHERE id = '{id}'"),
    )
    .await;
    rebuild_summaries(&env).await;
    let mut q = MovementQuery::new(periods()[0]);
    q.by_location = true;
    let r = env.services.movement_report(&q).await.expect("report");
    let p2b = r
        .rows
        .iter()
        .find(|row| row.sku == "P2" && row.location.as_deref() == Some("B"))
        .expect("P2 at B");
    // Opening of the last month at B: 15 transferred in, without the removed 7.
    assert_eq!(p2b.opening.0, 15_000, "{p2b:?}");
    let check = env.services.check().await.expect("check");
    assert!(
        check.violations.iter().all(|v| v.rule != "closing"),
        "{:?}",
        check.violations
    );
}

async fn concurrent_closers_write_one_closing(db: Db) {
    let env = history(db).await;
    rebuild_summaries(&env).await;
    let other = env.reopen(|_| {}).await;
    let (a, b) = tokio::join!(env.services.close_months(), other.close_months());
    let (a, b) = (a.expect("first closer"), b.expect("second closer"));
    assert_eq!(a.through, b.through);
    assert!(a.closed + b.closed >= 3, "{a:?} {b:?}");
    let per_month = env
        .int(
            ShardName::Transaction,
            "SELECT CAST(COALESCE(MAX(n), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM closings GROUP BY month) x",
        )
        .await;
    assert_eq!(per_month, 1, "one closing per month");
    let rows = env
        .int(
            ShardName::Transaction,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM closing_rows",
        )
        .await;
    let counted = env
        .int(
            ShardName::Transaction,
            "SELECT CAST(SUM(row_count) AS BIGINT) FROM closings",
        )
        .await;
    assert_eq!(rows, counted);
    let with = reports(&env).await;
    assert_cards_agree(&env, &with).await;
    let check = env.services.check().await.expect("check");
    assert!(check.ok(), "{:?}", check.violations);
    // A closing that differs from the journal is a violation.
    env.exec(
        ShardName::Transaction,
        "UPDATE closing_rows SET quantity = quantity + 1",
    )
    .await;
    let check = other.check().await.expect("check");
    assert!(
        check.violations.iter().any(|v| v.rule == "closing"),
        "{:?}",
        check.violations
    );
}

/// A document still in the outbox but timed inside a closed month may already be in the
/// closing (journaled, its outbox entry not yet removed): the report then does not start from
/// that closing, and counts the document once.
async fn outbox_entry_before_a_closing_end_counts_once(db: Db) {
    let env = history(db).await;
    rebuild_summaries(&env).await;
    env.services.close_months().await.expect("close");
    let issue = env
        .text(
            ShardName::Transaction,
            "SELECT id FROM transactions WHERE number LIKE 'ISS-%' ORDER BY created_at",
        )
        .await;
    let at = env
        .int(
            ShardName::Location,
            &format!("SELECT MIN(at) FROM movements WHERE txn_id = '{issue}'"),
        )
        .await;
    env.exec(
        ShardName::Location,
        &format!("INSERT INTO outbox (txn_id, doc, at) VALUES ('{issue}', '{{}}', {at})"),
    )
    .await;
    let with = reports(&env).await;
    assert_cards_agree(&env, &with).await;
    env.exec(
        ShardName::Location,
        &format!("DELETE FROM outbox WHERE txn_id = '{issue}'"),
    )
    .await;
    assert_eq!(reports(&env).await, with);
}

for_all_backends!(
    report_across_closed_months_equals_report_without,
    stale_closing_is_not_used,
    concurrent_closers_write_one_closing,
    outbox_entry_before_a_closing_end_counts_once,
);
