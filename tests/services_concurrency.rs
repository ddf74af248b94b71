//! Two workstations (two sets of services, each with its own connections) posting on the same
//! shards at once: every posting is decided, nothing goes negative, `check` stays clean and,
//! once both have written their journal entries, every document is journaled, on SQLite and on
//! PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line};
use gudang::db::ShardName;
use gudang::domain::{TxKind, TxStatus};
use gudang::service::posting::PostRequest;

fn op(i: usize) -> PostRequest {
    let sku = format!("P{}", 1 + (i * 7) % 3);
    let units = 1 + ((i * 13) % 9) as i64;
    let (a, b) = if i.is_multiple_of(2) {
        ("A", "B")
    } else {
        ("B", "A")
    };
    let (kind, source, dest) = match i % 5 {
        0 => (TxKind::Receipt, None, Some(a)),
        1 | 2 => (TxKind::Issue, Some(a), None),
        3 => (TxKind::Transfer, Some(a), Some(b)),
        _ => (TxKind::Adjustment, Some(b), None),
    };
    // Two lines of different products, so batches hold several rows each.
    let other = format!("P{}", 1 + (i * 7 + 1) % 3);
    PostRequest {
        kind: Some(kind),
        source: source.map(Into::into),
        dest: dest.map(Into::into),
        lines: vec![
            line(&sku, units),
            line(
                &other,
                if kind == TxKind::Adjustment {
                    units + 3
                } else {
                    1
                },
            ),
        ],
        ..Default::default()
    }
}

async fn two_workstations_share_the_shards(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let first = env.services.clone();
    let second = env.reopen(|_| {}).await;
    let admin = env.admin.clone();
    let start = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![line("P1", 50), line("P2", 50), line("P3", 50)],
        ..Default::default()
    };
    assert!(first.post(&admin, &start).await.unwrap().is_posted());
    let tasks: Vec<_> = (0..120usize)
        .map(|i| {
            let s = if i.is_multiple_of(2) {
                first.clone()
            } else {
                second.clone()
            };
            let a = admin.clone();
            tokio::spawn(async move { s.post(&a, &op(i)).await })
        })
        .collect();
    let (mut posted, mut rejected) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) if o.status == TxStatus::Posted => posted += 1,
            Ok(o) => {
                assert!(
                    o.reason.as_deref().is_some_and(|r| r.starts_with("only ")),
                    "{o:?}"
                );
                rejected += 1;
            }
            Err(e) => panic!("a posting failed instead of being decided: {e}"),
        }
    }
    assert_eq!(posted + rejected, 120);
    assert!(
        posted > 60,
        "most postings should apply ({posted} posted, {rejected} rejected)"
    );
    // Each workstation answered once its decisions were durable; their journal writes follow.
    // Once both have finished them, each sees every document in the journal.
    for s in [&first, &second] {
        s.settled().await;
    }
    for s in [&first, &second] {
        let r = s.check().await.unwrap();
        assert!(r.ok(), "{:?}", r.violations);
        assert_eq!(r.headers, 121);
    }
    let negative = env
        .int(
            ShardName::Location,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM stock WHERE quantity < 0",
        )
        .await;
    assert_eq!(negative, 0);
}

for_all_backends!(two_workstations_share_the_shards);
