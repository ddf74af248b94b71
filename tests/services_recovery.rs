//! Recovery of postings left pending, and the consistency check (clean after activity, and
//! catching tampered stock, orphan movements and orphan outcomes), on SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line};
use gudang::db::ShardName;
use gudang::db::journal::{self, Header, Line};
use gudang::db::location::{self, ApplyLeg, Decision};
use gudang::domain::ids::{local_day, now_micros};
use gudang::domain::txn::legs;
use gudang::domain::{Quantity, TxKind, TxStatus, new_id};
use gudang::service::posting::PostRequest;
use gudang::service::recovery::{self, INTERRUPTED, RecoveryReport};

const MINUTE: i64 = 60_000_000;

/// Writes a pending document of one line straight to the transaction shard, as a process that
/// died after step 1 of the protocol leaves it, created `age` microseconds ago. Returns it with
/// the stock effects step 2 would apply.
async fn pending(
    env: &TestEnv,
    kind: TxKind,
    loc: &str,
    sku: &str,
    units: i64,
    age: i64,
    number: &str,
) -> (Header, Vec<ApplyLeg>) {
    let s = &env.services;
    let l = s.location(loc).await.unwrap();
    let p = s.product_by_code(sku).await.unwrap().unwrap();
    let id = new_id();
    let created = now_micros() - age;
    let (source, dest) = if kind == TxKind::Receipt {
        (None, Some(&l))
    } else {
        (Some(&l), None)
    };
    let h = Header {
        id: id.clone(),
        number: number.into(),
        kind: kind.as_str().into(),
        status: "pending".into(),
        source_id: source.map(|l| l.id.clone()),
        source_code: source.map(|l| l.code.clone()),
        dest_id: dest.map(|l| l.id.clone()),
        dest_code: dest.map(|l| l.code.clone()),
        partner: None,
        reference: None,
        notes: None,
        reason: None,
        created_by: env.admin.email.clone(),
        created_at: created,
        decided_at: None,
        day: local_day(created),
        line_count: 1,
        total_qty: units * 1000,
        total_value: units * p.price,
    };
    let ln = Line {
        txn_id: id.clone(),
        line_no: 1,
        product_id: p.id.clone(),
        sku: p.sku.clone(),
        product_name: p.name.clone(),
        quantity: units * 1000,
        unit_price: p.price,
        total: units * p.price,
        applied_delta: None,
    };
    let b = s.shards.transaction.backend();
    let (h2, l2) = (h.clone(), vec![ln]);
    s.shards
        .transaction
        .write(move |c| Box::pin(async move { journal::insert_pending(c, b, &h2, &l2).await }))
        .await
        .unwrap();
    let apply: Vec<ApplyLeg> = legs(
        kind,
        h.source_id.as_deref(),
        h.dest_id.as_deref(),
        1,
        &p.id,
        Quantity::units(units),
    )
    .into_iter()
    .map(|leg| ApplyLeg {
        leg,
        sku: p.sku.clone(),
        location_code: l.code.clone(),
        price: p.price,
        default_min: p.min_qty,
    })
    .collect();
    (h, apply)
}

/// Step 2 of the protocol, on its own: the stock side decides, the header stays pending.
async fn decide(env: &TestEnv, h: &Header, apply: Vec<ApplyLeg>) -> Decision {
    let s = &env.services;
    let b = s.shards.location.backend();
    let id = h.id.clone();
    s.shards
        .location
        .write(move |c| {
            Box::pin(async move { location::apply_posting(c, b, &id, &apply, now_micros()).await })
        })
        .await
        .unwrap()
}

async fn status_of(env: &TestEnv, id: &str) -> (String, Option<String>) {
    let s = &env.services;
    let b = s.shards.transaction.backend();
    let id = id.to_string();
    let h = s
        .shards
        .transaction
        .read(move |p| Box::pin(async move { journal::header_by_id(&p, b, &id).await }))
        .await
        .unwrap()
        .unwrap();
    (h.status, h.reason)
}

async fn qty(env: &TestEnv, loc: &str, sku: &str) -> String {
    env.services
        .stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map(|r| r.quantity.clone())
        .unwrap_or_else(|| "0".into())
}

async fn recovery_resolves_from_the_durable_decision(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let s = &env.services;
    let year = local_day(now_micros())[..4].to_string();
    s.post(
        &env.admin,
        &PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some("A".into()),
            lines: vec![line("P1", 20)],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Decided "applied" on the location shard, never marked: recovery must post it.
    let (applied, legs1) = pending(
        &env,
        TxKind::Issue,
        "A",
        "P1",
        7,
        10 * MINUTE,
        &format!("ISS-{year}-900001"),
    )
    .await;
    assert!(matches!(
        decide(&env, &applied, legs1).await,
        Decision::Applied(_)
    ));
    assert_eq!(
        qty(&env, "A", "P1").await,
        "13",
        "the stock side is already applied"
    );
    // Never decided: recovery must abort it, never guess.
    let (undecided, _) = pending(
        &env,
        TxKind::Receipt,
        "A",
        "P1",
        5,
        10 * MINUTE,
        &format!("RCV-{year}-900002"),
    )
    .await;
    // Decided "aborted" (not enough stock), never marked: recovery must reject it.
    let (refused, legs3) = pending(
        &env,
        TxKind::Issue,
        "A",
        "P1",
        500,
        10 * MINUTE,
        &format!("ISS-{year}-900003"),
    )
    .await;
    assert!(matches!(
        decide(&env, &refused, legs3).await,
        Decision::Aborted(_)
    ));
    // Young: inside the grace period, left alone.
    let (young, _) = pending(
        &env,
        TxKind::Receipt,
        "A",
        "P1",
        1,
        0,
        &format!("RCV-{year}-900004"),
    )
    .await;

    let before = s.check().await.unwrap();
    assert!(
        before.violations.iter().any(|v| v.rule == "pending"),
        "{:?}",
        before.violations
    );

    let report = recovery::recover(s, 5 * MINUTE).await.unwrap();
    assert_eq!(
        report,
        RecoveryReport {
            resolved: 3,
            posted: 1,
            rejected: 2
        }
    );
    assert_eq!(status_of(&env, &applied.id).await, ("posted".into(), None));
    assert_eq!(
        status_of(&env, &undecided.id).await,
        ("rejected".into(), Some(INTERRUPTED.into()))
    );
    let (st, reason) = status_of(&env, &refused.id).await;
    assert_eq!(st, "rejected");
    assert!(reason.unwrap().starts_with("only 13 of SKU P1 left at A"));
    assert_eq!(status_of(&env, &young.id).await.0, "pending");
    assert_eq!(
        qty(&env, "A", "P1").await,
        "13",
        "recovery applied nothing itself"
    );
    // The recovered posting counts in the day's figures; the rejected ones do not.
    let day = &applied.day;
    let issues = env
        .int(
            ShardName::Transaction,
            &format!("SELECT txn_count FROM daily_summary WHERE day = '{day}' AND kind = 'issue'"),
        )
        .await;
    assert_eq!(issues, 1);
    // A second pass has nothing old to do; with no grace it takes the young one too.
    assert_eq!(
        recovery::recover(s, 5 * MINUTE).await.unwrap(),
        RecoveryReport::default()
    );
    assert_eq!(recovery::recover(s, 0).await.unwrap().rejected, 1);
    let after = s.check().await.unwrap();
    assert!(after.ok(), "{:?}", after.violations);
    // The clerk who retries the interrupted id is told what became of it.
    let retry = PostRequest {
        id: Some(undecided.id.clone()),
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![line("P1", 5)],
        ..Default::default()
    };
    let out = s.post(&env.admin, &retry).await.unwrap();
    assert_eq!(
        (out.status, out.replayed, out.number),
        (TxStatus::Rejected, true, format!("RCV-{year}-900002"))
    );
}

async fn retry_finishes_a_pending_posting(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let year = local_day(now_micros())[..4].to_string();
    let (h, _) = pending(
        &env,
        TxKind::Receipt,
        "B",
        "P1",
        9,
        0,
        &format!("RCV-{year}-900009"),
    )
    .await;
    let retry = PostRequest {
        id: Some(h.id.clone()),
        kind: Some(TxKind::Receipt),
        dest: Some("B".into()),
        lines: vec![line("P1", 9)],
        ..Default::default()
    };
    let out = env.services.post(&env.admin, &retry).await.unwrap();
    assert_eq!((out.status, out.replayed), (TxStatus::Posted, true));
    assert_eq!(qty(&env, "B", "P1").await, "9");
    let r = env.services.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
}

async fn activity(env: &TestEnv) {
    let (s, a) = (&env.services, &env.admin);
    let post = |kind, source: Option<&str>, dest: Option<&str>, lines| PostRequest {
        kind: Some(kind),
        source: source.map(Into::into),
        dest: dest.map(Into::into),
        lines,
        ..Default::default()
    };
    s.post(
        a,
        &post(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 50), line("P2", 30)],
        ),
    )
    .await
    .unwrap();
    s.post(
        a,
        &post(TxKind::Issue, Some("A"), None, vec![line("P1", 5)]),
    )
    .await
    .unwrap();
    s.post(
        a,
        &post(
            TxKind::Transfer,
            Some("A"),
            Some("B"),
            vec![line("P1", 10), line("P2", 10)],
        ),
    )
    .await
    .unwrap();
    s.post(
        a,
        &post(TxKind::Adjustment, Some("B"), None, vec![line("P2", 8)]),
    )
    .await
    .unwrap();
    let rej = s
        .post(
            a,
            &post(TxKind::Issue, Some("B"), None, vec![line("P1", 1000)]),
        )
        .await
        .unwrap();
    assert_eq!(rej.status, TxStatus::Rejected);
}

async fn check_is_clean_after_activity(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    activity(&env).await;
    let r = env.services.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
    assert_eq!(
        (r.headers, r.posted_lines, r.movements, r.stock_rows),
        (5, 6, 8, 4)
    );
}

async fn check_catches_tampering(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    activity(&env).await;
    let p1 = env
        .services
        .product_by_code("P1")
        .await
        .unwrap()
        .unwrap()
        .id;
    let a = env.services.location("A").await.unwrap().id;
    // Someone edits a stock row by hand.
    let n = env.exec(ShardName::Location, &format!("UPDATE stock SET quantity = quantity + 1000 WHERE location_id = '{a}' AND product_id = '{p1}'")).await;
    assert_eq!(n, 1);
    let r = env.services.check().await.unwrap();
    assert_eq!(r.violation_count, 1, "{:?}", r.violations);
    assert_eq!(r.violations[0].rule, "conservation");
    assert!(
        r.violations[0].detail.contains(&p1)
            && r.violations[0].detail.contains("35000")
            && r.violations[0].detail.contains("36000"),
        "{:?}",
        r.violations
    );
    env.exec(ShardName::Location, &format!("UPDATE stock SET quantity = quantity - 1000 WHERE location_id = '{a}' AND product_id = '{p1}'")).await;
    assert!(env.services.check().await.unwrap().ok());

    // A movement that no posted line explains, and an outcome without a header.
    let ghost = new_id();
    env.exec(ShardName::Location, &format!("INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at) VALUES ('{ghost}', 1, 0, '{a}', '{p1}', 4000, 1)")).await;
    env.exec(ShardName::Location, &format!("INSERT INTO outcomes (txn_id, outcome, reason, at) VALUES ('{ghost}', 'applied', NULL, 1)")).await;
    let r = env.services.check().await.unwrap();
    let rules: Vec<&str> = r.violations.iter().map(|v| v.rule).collect();
    assert!(!r.ok());
    assert!(rules.contains(&"conservation"), "{rules:?}");
    assert!(rules.contains(&"orphan"), "{rules:?}");
    let orphan_move = r
        .violations
        .iter()
        .find(|v| v.rule == "movements-match-lines")
        .map(|v| v.detail.clone())
        .unwrap_or_default();
    assert!(
        orphan_move.contains(&ghost) && orphan_move.contains("has no posted line"),
        "{:?}",
        r.violations
    );
    env.exec(
        ShardName::Location,
        &format!("DELETE FROM movements WHERE txn_id = '{ghost}'"),
    )
    .await;
    env.exec(
        ShardName::Location,
        &format!("DELETE FROM outcomes WHERE txn_id = '{ghost}'"),
    )
    .await;
    assert!(env.services.check().await.unwrap().ok());

    // A posted line whose movement vanished.
    let victim = env
        .text(
            ShardName::Location,
            "SELECT txn_id FROM movements ORDER BY txn_id LIMIT 1",
        )
        .await;
    env.exec(
        ShardName::Location,
        &format!("DELETE FROM movements WHERE txn_id = '{victim}' AND line_no = 1"),
    )
    .await;
    let r = env.services.check().await.unwrap();
    assert!(
        r.violations
            .iter()
            .any(|v| v.rule == "movements-match-lines"
                && v.detail.contains("has no movement")
                && v.detail.contains(&victim)),
        "{:?}",
        r.violations
    );
    // A decided header whose outcome vanished.
    env.exec(
        ShardName::Location,
        &format!("DELETE FROM outcomes WHERE txn_id = '{victim}'"),
    )
    .await;
    let r = env.services.check().await.unwrap();
    assert!(
        r.violations
            .iter()
            .any(|v| v.rule == "all-or-nothing" && v.detail.contains(&victim)),
        "{:?}",
        r.violations
    );
}

for_both_backends!(
    recovery_resolves_from_the_durable_decision,
    retry_finishes_a_pending_posting,
    check_is_clean_after_activity,
    check_catches_tampering,
);
