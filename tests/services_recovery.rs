//! Recovery of decided postings that a crash left in the outbox (not yet journaled), and the
//! consistency check (clean after activity, flagging documents left out of the journal past the
//! grace period, and catching tampered stock, orphan movements and orphan outcomes), on SQLite
//! and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line};
use gudang::db::ShardName;
use gudang::db::apply::{self, ApplyItem, DecideShared};
use gudang::db::journal::{self, Header, JournalDoc, Line};
use gudang::db::location::{ApplyLeg, Decided, Decision};
use gudang::domain::ids::{local_day, now_micros};
use gudang::domain::txn::legs;
use gudang::domain::{Quantity, TxKind, TxStatus, new_id};
use gudang::service::posting::PostRequest;
use gudang::service::recovery::{self, RecoveryReport};

const MINUTE: i64 = 60_000_000;

/// Decides a document of one line straight on the location shard, `age` microseconds ago, as a
/// process that died right after its decision committed leaves it: stock applied (or refused),
/// outcome and number recorded, the finished document in the outbox, nothing in the journal.
async fn decided(
    env: &TestEnv,
    kind: TxKind,
    loc: &str,
    sku: &str,
    units: i64,
    age: i64,
) -> (String, Decided) {
    let s = &env.services;
    let l = s.location(loc).await.unwrap();
    let p = s.product_by_code(sku).await.unwrap().unwrap();
    let id = new_id();
    let at = now_micros() - age;
    let (source, dest) = if kind == TxKind::Receipt {
        (None, Some(&l))
    } else {
        (Some(&l), None)
    };
    let header = Header {
        id: id.clone(),
        number: String::new(),
        kind: kind.as_str().into(),
        status: TxStatus::Pending.as_str().into(),
        source_id: source.map(|l| l.id.clone()),
        source_code: source.map(|l| l.code.clone()),
        dest_id: dest.map(|l| l.id.clone()),
        dest_code: dest.map(|l| l.code.clone()),
        partner: None,
        reference: None,
        notes: None,
        reason: None,
        created_by: env.admin.email.clone(),
        created_at: at,
        decided_at: None,
        day: local_day(at),
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
        at,
    };
    let apply_legs: Vec<ApplyLeg> = legs(
        kind,
        header.source_id.as_deref(),
        header.dest_id.as_deref(),
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
    let year = header.day[..4].parse().unwrap();
    let doc = JournalDoc {
        header,
        lines: vec![ln],
    };
    let item = ApplyItem {
        legs: apply_legs,
        year,
        id: id.clone(),
        doc_json: doc.to_json().unwrap(),
        prefix: kind.prefix(),
        at,
        shared: DecideShared::default(),
    };
    let b = s.shards.location.backend();
    let mut out = s
        .shards
        .location
        .write(move |c| Box::pin(async move { apply::apply_batch(c, b, vec![item]).await }))
        .await
        .unwrap();
    let mut d = out.pop().unwrap().unwrap();
    assert!(!d.earlier);
    assert!(
        d.doc.is_none(),
        "a new decision's poster holds the document"
    );
    // As the poster does: the decision applied to its own copy of the document.
    let mut doc = doc;
    doc.decide(d.number.as_deref().unwrap(), &d.decision, d.at);
    d.doc = Some(doc);
    (id, d)
}

/// Writes a decided document to the journal directly, leaving its outbox entry (as a process
/// killed between the journal commit and the outbox delete leaves it).
async fn journal_only(env: &TestEnv, d: &Decided) {
    let s = &env.services;
    let doc = d.doc.clone().expect("a new decision's document");
    let b = s.shards.transaction.backend();
    let out = s
        .shards
        .transaction
        .write(move |c| Box::pin(async move { journal::journal_batch(c, b, vec![doc]).await }))
        .await
        .unwrap();
    assert!(matches!(out[..], [Ok(true)]), "{out:?}");
}

/// The journal header of `id`: (status, reason, number), if journaled.
async fn header_of(env: &TestEnv, id: &str) -> Option<(String, Option<String>, String)> {
    let s = &env.services;
    let b = s.shards.transaction.backend();
    let id = id.to_string();
    s.shards
        .transaction
        .read(move |p| Box::pin(async move { journal::header_by_id(&p, b, &id).await }))
        .await
        .unwrap()
        .map(|h| (h.status, h.reason, h.number))
}

async fn in_outbox(env: &TestEnv, id: &str) -> bool {
    env.int(
        ShardName::Location,
        &format!("SELECT COUNT(*) FROM outbox WHERE txn_id = '{id}'"),
    )
    .await
        == 1
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

fn number(d: &Decided) -> String {
    d.number.clone().expect("numbered with its decision")
}

async fn recovery_journals_what_a_crash_left_in_the_outbox(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let s = &env.services;
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
    // Start from an empty outbox (the receipt's entry leaves it asynchronously).
    s.settled().await;
    recovery::recover(s, 0).await.unwrap();
    assert_eq!(
        env.int(ShardName::Location, "SELECT COUNT(*) FROM outbox")
            .await,
        0
    );
    // Decided "applied", never journaled: recovery must journal it posted.
    let (applied, d1) = decided(&env, TxKind::Issue, "A", "P1", 7, 10 * MINUTE).await;
    assert!(matches!(d1.decision, Decision::Applied(_)));
    assert_eq!(
        qty(&env, "A", "P1").await,
        "13",
        "the decision applied the stock"
    );
    // Decided "aborted" (not enough stock), never journaled: recovery must journal it rejected.
    let (refused, d2) = decided(&env, TxKind::Issue, "A", "P1", 500, 10 * MINUTE).await;
    assert!(matches!(d2.decision, Decision::Aborted(_)));
    // Decided and journaled, but still in the outbox: recovery only drops it (and must not
    // count it twice in the day's figures).
    let (already, d3) = decided(&env, TxKind::Issue, "A", "P1", 1, 10 * MINUTE).await;
    journal_only(&env, &d3).await;
    // Young: inside the grace period, left alone.
    let (young, d4) = decided(&env, TxKind::Receipt, "A", "P1", 1, 0).await;
    assert_eq!(qty(&env, "A", "P1").await, "13");
    for id in [&applied, &refused, &young] {
        assert_eq!(header_of(&env, id).await, None, "{id} is not journaled yet");
    }
    for id in [&applied, &refused, &already, &young] {
        assert!(in_outbox(&env, id).await);
    }

    // The test config has no grace: every entry the journal lacks is late, the journaled one
    // is only left over.
    let before = s.check().await.unwrap();
    let late: Vec<&str> = before
        .violations
        .iter()
        .filter(|v| v.rule == "journal")
        .map(|v| v.detail.as_str())
        .collect();
    assert_eq!(before.violation_count, 3, "{:?}", before.violations);
    assert_eq!(late.len(), 3, "{:?}", before.violations);
    for id in [&applied, &refused, &young] {
        assert!(late.iter().any(|d| d.contains(id.as_str())), "{late:?}");
    }

    let report = recovery::recover(s, 5 * MINUTE).await.unwrap();
    assert_eq!(
        report,
        RecoveryReport {
            resolved: 3,
            posted: 2,
            rejected: 1
        }
    );
    assert_eq!(
        header_of(&env, &applied).await,
        Some(("posted".into(), None, number(&d1)))
    );
    let (st, reason, n) = header_of(&env, &refused).await.unwrap();
    assert_eq!((st.as_str(), n), ("rejected", number(&d2)));
    assert!(
        reason.unwrap().starts_with("only 13 of SKU P1 left at A"),
        "the reason of the decision"
    );
    assert_eq!(
        header_of(&env, &already).await,
        Some(("posted".into(), None, number(&d3)))
    );
    for id in [&applied, &refused, &already] {
        assert!(!in_outbox(&env, id).await, "recovery dropped {id}");
    }
    assert_eq!(header_of(&env, &young).await, None);
    assert!(in_outbox(&env, &young).await, "the young one is left alone");
    assert_eq!(
        qty(&env, "A", "P1").await,
        "13",
        "recovery applied nothing itself"
    );
    // The recovered postings count in the day's figures once each; the rejected one does not.
    let day = local_day(now_micros());
    let issues = env
        .int(
            ShardName::Transaction,
            &format!("SELECT txn_count FROM daily_summary WHERE day = '{day}' AND kind = 'issue'"),
        )
        .await;
    assert_eq!(issues, 2);
    common::assert_summaries_match(s).await;
    // A second pass has nothing old to do; with no grace it takes the young one too.
    assert_eq!(
        recovery::recover(s, 5 * MINUTE).await.unwrap(),
        RecoveryReport::default()
    );
    assert_eq!(
        recovery::recover(s, 0).await.unwrap(),
        RecoveryReport {
            resolved: 1,
            posted: 1,
            rejected: 0
        }
    );
    assert_eq!(
        header_of(&env, &young).await,
        Some(("posted".into(), None, number(&d4)))
    );
    assert_eq!(
        env.int(ShardName::Location, "SELECT COUNT(*) FROM outbox")
            .await,
        0
    );
    let after = s.check().await.unwrap();
    assert!(after.ok(), "{:?}", after.violations);
    common::assert_summaries_match(s).await;
    // The clerks who retry are told what became of their postings, and nothing moves again.
    let retry = |id: &str, units| PostRequest {
        id: Some(id.to_string()),
        kind: Some(TxKind::Issue),
        source: Some("A".into()),
        lines: vec![line("P1", units)],
        ..Default::default()
    };
    let out = s.post(&env.admin, &retry(&applied, 7)).await.unwrap();
    assert_eq!(
        (out.status, out.replayed, out.number),
        (TxStatus::Posted, true, number(&d1))
    );
    let out = s.post(&env.admin, &retry(&refused, 500)).await.unwrap();
    assert_eq!(
        (out.status, out.replayed, out.number),
        (TxStatus::Rejected, true, number(&d2))
    );
    assert!(out.reason.unwrap().starts_with("only 13 of SKU P1"));
    assert_eq!(qty(&env, "A", "P1").await, "13");
    s.settled().await;
    assert!(s.check().await.unwrap().ok());
}

async fn retry_journals_a_decided_posting(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let (id, d) = decided(&env, TxKind::Receipt, "B", "P1", 9, 0).await;
    assert_eq!(qty(&env, "B", "P1").await, "9");
    let retry = PostRequest {
        id: Some(id.clone()),
        kind: Some(TxKind::Receipt),
        dest: Some("B".into()),
        lines: vec![line("P1", 9)],
        ..Default::default()
    };
    let out = env.services.post(&env.admin, &retry).await.unwrap();
    assert_eq!(
        (out.status, out.replayed, &out.number),
        (TxStatus::Posted, true, &number(&d))
    );
    // The retry journaled the earlier decision before answering.
    assert_eq!(
        header_of(&env, &id).await,
        Some(("posted".into(), None, number(&d)))
    );
    assert_eq!(
        qty(&env, "B", "P1").await,
        "9",
        "decided once, applied once"
    );
    let again = env.services.post(&env.admin, &retry).await.unwrap();
    assert_eq!(again, out);
    let r = env.services.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
    common::assert_summaries_match(&env.services).await;
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
    // The journal follows the answers; the check and the raw reads below read it.
    s.settled().await;
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
    let orphan = r
        .violations
        .iter()
        .find(|v| v.rule == "orphan")
        .map(|v| v.detail.clone())
        .unwrap_or_default();
    assert!(
        orphan.contains(&ghost) && orphan.contains("no header and nothing in the outbox"),
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
    let victim_no = env
        .text(
            ShardName::Transaction,
            &format!("SELECT number FROM transactions WHERE id = '{victim}'"),
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
                && v.detail.contains("where its lines imply")
                && v.detail.contains(&victim_no)),
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
        r.violations.iter().any(|v| v.rule == "all-or-nothing"
            && v.detail.contains(&victim_no)
            && v.detail.contains("outcome is missing")),
        "{:?}",
        r.violations
    );
}

for_all_backends!(
    recovery_journals_what_a_crash_left_in_the_outbox,
    retry_journals_a_decided_posting,
    check_is_clean_after_activity,
    check_catches_tampering,
);
