//! Posting identity: idempotent replays by client-made id, human numbers that never collide,
//! and the daily summaries kept in step, on SQLite and on PostgreSQL.

mod common;

use std::collections::{BTreeMap, HashSet};

use chrono::Datelike;
use common::backend::{Db, TestEnv, line, req};
use gudang::db::ShardName;
use gudang::domain::{TxKind, TxStatus, new_id};
use gudang::service::posting::PostRequest;

async fn qty(env: &TestEnv, loc: &str, sku: &str) -> String {
    env.services
        .stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map(|r| r.quantity.clone())
        .unwrap_or_else(|| "0".into())
}

async fn headers_with_id(env: &TestEnv, id: &str) -> i64 {
    // The journal follows the answers: wait for this process's writes before reading it raw.
    env.services.settled().await;
    env.int(
        ShardName::Transaction,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM transactions WHERE id = '{id}'"),
    )
    .await
}

async fn replay_posts_once(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    let id = new_id();
    let first = s
        .post(
            a,
            &PostRequest {
                id: Some(id.to_uppercase()),
                ..req(TxKind::Receipt, None, Some("A"), vec![line("P1", 10)])
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.id.as_str(), first.status, first.replayed),
        (id.as_str(), TxStatus::Posted, false)
    );
    // The same id again, even with other content, reports the first result and posts nothing.
    let again = s
        .post(
            a,
            &PostRequest {
                id: Some(id.clone()),
                ..req(TxKind::Receipt, None, Some("A"), vec![line("P1", 99)])
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (again.number.as_str(), again.status, again.replayed),
        (first.number.as_str(), TxStatus::Posted, true)
    );
    assert_eq!(qty(&env, "A", "P1").await, "10");
    // A rejected id stays rejected.
    let rid = new_id();
    let rej = s
        .post(
            a,
            &PostRequest {
                id: Some(rid.clone()),
                ..req(TxKind::Issue, Some("A"), None, vec![line("P1", 11)])
            },
        )
        .await
        .unwrap();
    assert_eq!(rej.status, TxStatus::Rejected);
    s.post(
        a,
        &req(TxKind::Receipt, None, Some("A"), vec![line("P1", 5)]),
    )
    .await
    .unwrap();
    let rej2 = s
        .post(
            a,
            &PostRequest {
                id: Some(rid.clone()),
                ..req(TxKind::Issue, Some("A"), None, vec![line("P1", 11)])
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (rej2.status, rej2.replayed, rej2.reason),
        (TxStatus::Rejected, true, rej.reason)
    );
    assert_eq!(qty(&env, "A", "P1").await, "15");
    assert_eq!(headers_with_id(&env, &rid).await, 1);
}

async fn concurrent_replays_post_once(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let (s, a) = (&env.services, &env.admin);
    s.post(
        a,
        &req(TxKind::Receipt, None, Some("A"), vec![line("P1", 100)]),
    )
    .await
    .unwrap();
    for round in 0..3 {
        let id = new_id();
        let r = PostRequest {
            id: Some(id.clone()),
            ..req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P1", 7)])
        };
        let tries: Vec<_> = (0..8)
            .map(|_| {
                let (s, a, r) = (s.clone(), a.clone(), r.clone());
                tokio::spawn(async move { s.post(&a, &r).await })
            })
            .collect();
        let mut numbers = HashSet::new();
        let mut fresh = 0;
        for t in tries {
            let out = t.await.unwrap().unwrap();
            assert_eq!(out.status, TxStatus::Posted);
            numbers.insert(out.number);
            fresh += usize::from(!out.replayed);
        }
        assert_eq!(numbers.len(), 1, "round {round}: {numbers:?}");
        assert_eq!(fresh, 1, "round {round}: exactly one attempt is the first");
        assert_eq!(headers_with_id(&env, &id).await, 1);
        assert_eq!(qty(&env, "B", "P1").await, (7 * (round + 1)).to_string());
    }
    s.settled().await;
    let r = s.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
}

async fn numbers_are_unique_and_formatted(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    s.post(
        a,
        &req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 1000), line("P2", 1000)],
        ),
    )
    .await
    .unwrap();
    let kinds = [
        req(TxKind::Receipt, None, Some("B"), vec![line("P1", 1)]),
        req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)]),
        req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P2", 1)]),
        req(TxKind::Issue, Some("B"), None, vec![line("P2", 100_000)]), // rejected, still numbered
    ];
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let (s, a, r) = (s.clone(), a.clone(), kinds[i % kinds.len()].clone());
            tokio::spawn(async move { s.post(&a, &r).await.unwrap() })
        })
        .collect();
    let mut by_prefix: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let year = chrono::Local::now().year();
    for t in tasks {
        let out = t.await.unwrap();
        let parts: Vec<&str> = out.number.split('-').collect();
        assert_eq!(parts.len(), 3, "{}", out.number);
        assert!(["RCV", "ISS", "TRF"].contains(&parts[0]), "{}", out.number);
        assert_eq!(parts[1], year.to_string());
        assert!(
            parts[2].len() == 6 && parts[2].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            out.number
        );
        by_prefix
            .entry(parts[0].to_string())
            .or_default()
            .push(parts[2].parse().unwrap());
    }
    // Each kind counts 1, 2, 3... with no gap and no repeat (the first receipt took 1).
    for (prefix, mut ns) in by_prefix {
        ns.sort();
        let start = if prefix == "RCV" { 2 } else { 1 };
        let want: Vec<u32> = (start..start + ns.len() as u32).collect();
        assert_eq!(ns, want, "{prefix}");
    }
    s.settled().await;
    let distinct = env
        .int(
            ShardName::Transaction,
            "SELECT CAST(COUNT(DISTINCT number) AS BIGINT) FROM transactions",
        )
        .await;
    assert_eq!(distinct, 41);
    // Numbers are found whatever their case.
    let one = format!("iss-{year}-000001");
    assert_eq!(
        s.transaction_detail(&one).await.unwrap().header.kind,
        "issue"
    );
}

async fn daily_summary_in_step(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    s.post(
        a,
        &req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 10), line("P2", 4)],
        ),
    )
    .await
    .unwrap();
    s.post(
        a,
        &req(TxKind::Receipt, None, Some("A"), vec![line("P1", 2)]),
    )
    .await
    .unwrap();
    s.post(a, &req(TxKind::Issue, Some("A"), None, vec![line("P1", 3)]))
        .await
        .unwrap();
    let rej = s
        .post(
            a,
            &req(TxKind::Issue, Some("A"), None, vec![line("P1", 300)]),
        )
        .await
        .unwrap();
    assert_eq!(rej.status, TxStatus::Rejected);
    s.post(
        a,
        &req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P2", 1)]),
    )
    .await
    .unwrap();
    // The journal (and its daily summary) follows the answers.
    s.settled().await;
    let today = gudang::domain::ids::local_day(gudang::domain::ids::now_micros());
    let row = |kind: &str| {
        format!(
            "SELECT CAST(txn_count * 1000000000000 + line_count * 100000000 + total_value AS BIGINT) FROM daily_summary WHERE day = '{today}' AND kind = '{kind}'"
        )
    };
    // txn_count, line_count, total_value packed into one number per kind.
    assert_eq!(
        env.int(ShardName::Transaction, &row("receipt")).await,
        2 * 1_000_000_000_000 + 3 * 100_000_000 + 16 * 250
    );
    assert_eq!(
        env.int(ShardName::Transaction, &row("issue")).await,
        1_000_000_000_000 + 100_000_000 + 3 * 250
    );
    assert_eq!(
        env.int(ShardName::Transaction, &row("transfer")).await,
        1_000_000_000_000 + 100_000_000 + 250
    );
    let qty_in = env
        .int(
            ShardName::Transaction,
            &format!(
                "SELECT total_qty FROM daily_summary WHERE day = '{today}' AND kind = 'receipt'"
            ),
        )
        .await;
    assert_eq!(qty_in, 16_000);
    let dash = s.dashboard().await.unwrap();
    let last = dash.daily.last().unwrap();
    assert_eq!(
        (
            last.day.as_str(),
            last.receipts,
            last.issues,
            last.value_in,
            last.value_out
        ),
        (today.as_str(), 2, 1, 4000, 750)
    );
}

/// A deployment made when numbers were given on the transaction shard continues each sequence
/// where it left off once numbers are given with the decision.
async fn numbers_continue_from_an_earlier_build(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let year = chrono::Local::now().year();
    env.exec(
        ShardName::Transaction,
        &format!("INSERT INTO number_seq (kind, year, last_no) VALUES ('RCV', {year}, 41)"),
    )
    .await;
    let s = env.reopen(|_| {}).await;
    let out = s
        .post(
            &env.admin,
            &req(TxKind::Receipt, None, Some("A"), vec![line("P1", 1)]),
        )
        .await
        .unwrap();
    assert_eq!(out.number, format!("RCV-{year}-000042"));
}

for_all_backends!(
    replay_posts_once,
    concurrent_replays_post_once,
    numbers_are_unique_and_formatted,
    daily_summary_in_step,
    numbers_continue_from_an_earlier_build
);
