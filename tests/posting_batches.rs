//! The batched writes of the posting protocol: many postings share one decision job on the
//! location shard, yet each is decided on its own (a refusal, or a retried id whose earlier
//! decision stands, touches no other posting), numbers are given with the decision and stay
//! gapless, and the journal written after the answers keeps the daily summaries equal to the
//! documents.

mod common;

use common::backend::{Db, TestEnv};

use futures::future::join_all;
use gudang::db::apply::{self, ApplyItem, DecideShared};
use gudang::db::journal::{Header, JournalDoc};
use gudang::db::location::{self, ApplyLeg, Decided, Decision};
use gudang::domain::txn::{Effect, Leg};
use gudang::domain::{Quantity, TxKind, TxStatus, new_id};
use gudang::service::posting::{LineRequest, PostRequest};

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

async fn concurrent_issues_share_batches_but_are_decided_each_on_its_own(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let s = &env.services;
    let r = s
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Receipt),
                dest: Some("A".into()),
                lines: vec![line("P1", 50), line("P2", 50)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(r.is_posted());
    // 40 clerks each want 3 of P1 (only 16 can have it) and, on a second line, 1 of P2.
    let admin = &env.admin;
    let posts = (0..40).map(|i| {
        let req = PostRequest {
            id: Some(new_id()),
            kind: Some(if i % 5 == 4 {
                TxKind::Transfer
            } else {
                TxKind::Issue
            }),
            source: Some("A".into()),
            dest: (i % 5 == 4).then(|| "B".to_string()),
            lines: vec![line("P2", 1), line("P1", 3)],
            ..Default::default()
        };
        async move { s.post(admin, &req).await }
    });
    let outcomes: Vec<_> = join_all(posts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let posted = outcomes.iter().filter(|o| o.is_posted()).count();
    assert_eq!(posted, 16, "exactly as many as the stock allows");
    for o in outcomes.iter().filter(|o| !o.is_posted()) {
        assert_eq!(o.status, TxStatus::Rejected);
        assert!(
            o.reason
                .as_deref()
                .unwrap_or_default()
                .contains("of SKU P1 left at A (line 2 needs 3)"),
            "{o:?}"
        );
    }
    let stock = s.stock(Some("A"), Some("P2"), false, 10).await.unwrap();
    assert_eq!(
        stock[0].quantity,
        (50 - 16).to_string(),
        "a rejected document takes none of its other lines"
    );
    let mut numbers: Vec<_> = outcomes.iter().map(|o| o.number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 40, "numbers never collide");
    // The journal is written after the answers: wait for it before reading it raw.
    s.settled().await;
    let r = s.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
    common::assert_summaries_match(s).await;
}

async fn the_same_id_posted_at_once_many_times_posts_once(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let s = &env.services;
    let id = new_id();
    let req = PostRequest {
        id: Some(id.clone()),
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![line("P1", 7)],
        ..Default::default()
    };
    let others = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("B".into()),
        lines: vec![line("P1", 1)],
        ..Default::default()
    };
    let mut calls: Vec<_> = (0..12).map(|_| s.post(&env.admin, &req)).collect();
    calls.extend((0..12).map(|_| s.post(&env.admin, &others)));
    let outs: Vec<_> = join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let same: Vec<_> = outs.iter().filter(|o| o.id == id).collect();
    assert_eq!(same.len(), 12);
    assert!(
        same.iter()
            .all(|o| o.is_posted() && o.number == same[0].number)
    );
    assert_eq!(
        same.iter().filter(|o| !o.replayed).count(),
        1,
        "one attempt posts, the rest report it"
    );
    assert_eq!(
        s.stock(Some("A"), Some("P1"), false, 10).await.unwrap()[0].quantity,
        "7"
    );
    assert_eq!(
        s.stock(Some("B"), Some("P1"), false, 10).await.unwrap()[0].quantity,
        "12"
    );
    // The journal is written after the answers: wait for it before reading it raw.
    s.settled().await;
    let r = s.check().await.unwrap();
    assert!(r.ok(), "{:?}", r.violations);
    common::assert_summaries_match(s).await;
}

fn leg(line_no: i64, loc: &str, product: &str, delta: i64) -> ApplyLeg {
    ApplyLeg {
        leg: Leg {
            line_no,
            leg: 0,
            location_id: loc.into(),
            product_id: product.into(),
            effect: Effect::Delta(delta),
        },
        sku: "P1".into(),
        location_code: "A".into(),
        price: 250,
        default_min: 0,
    }
}

/// An undecided document of `kind` as the posting service hands it to a decision: no number,
/// no lines (the legs carry the stock side).
fn doc(id: &str, kind: TxKind, at: i64) -> JournalDoc {
    JournalDoc {
        header: Header {
            id: id.to_string(),
            number: String::new(),
            kind: kind.as_str().into(),
            status: TxStatus::Pending.as_str().into(),
            source_id: None,
            source_code: None,
            dest_id: None,
            dest_code: None,
            partner: None,
            reference: None,
            notes: None,
            reason: None,
            created_by: "test".into(),
            created_at: at,
            decided_at: None,
            day: gudang::domain::ids::local_day(at),
            line_count: 0,
            total_qty: 0,
            total_value: 0,
        },
        lines: Vec::new(),
    }
}

/// A receipt (`delta > 0`) or issue of one leg, to decide with [`apply::apply_batch`].
fn item(id: &str, leg: ApplyLeg, at: i64, year: i64) -> ApplyItem {
    let kind = match leg.leg.effect {
        Effect::Delta(d) if d < 0 => TxKind::Issue,
        _ => TxKind::Receipt,
    };
    ApplyItem {
        legs: vec![leg],
        id: id.to_string(),
        doc_json: doc(id, kind, at).to_json().unwrap(),
        prefix: kind.prefix(),
        year,
        at,
        shared: DecideShared::default(),
    }
}

/// Decides `items` in one write job on the location shard.
async fn decide(s: &gudang::Services, items: Vec<ApplyItem>) -> Vec<Decided> {
    let lb = s.shards.location.backend();
    s.shards
        .location
        .write(move |c| Box::pin(async move { apply::apply_batch(c, lb, items).await }))
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

async fn a_refusal_in_a_batch_sends_only_that_posting_back_and_a_prior_decision_stands(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let s = &env.services;
    let a = s.location("A").await.unwrap().id;
    let p = s.product_by_code("P1").await.unwrap().unwrap().id;
    let lb = s.shards.location.backend();
    // An earlier attempt with this id was decided (refused: A holds nothing yet).
    let decided = new_id();
    let prior = decide(s, vec![item(&decided, leg(1, &a, &p, -9000), 0, 1970)]).await;
    assert!(
        matches!(&prior[0].decision, Decision::Aborted(r) if r.starts_with("only 0 of SKU P1 left at A")),
        "{:?}",
        prior[0]
    );
    assert!(!prior[0].earlier);
    let prior_number = prior[0].number.clone().expect("numbered with its decision");
    let a2 = a.clone();
    let fresh: Vec<String> = (0..4).map(|_| new_id()).collect();
    let items = vec![
        item(&fresh[0], leg(1, &a, &p, 5000), 1, 1970),
        item(&fresh[1], leg(1, &a, &p, -3000), 2, 1970),
        item(&fresh[2], leg(1, &a, &p, -3000), 3, 1970),
        // The retry of the earlier attempt, now as a receipt that would apply.
        item(&decided, leg(1, &a, &p, 9000), 4, 1970),
        item(&fresh[3], leg(1, &a, &p, -2000), 5, 1970),
    ];
    let out = decide(s, items).await;
    assert_eq!(out[0].decision, Decision::Applied(vec![(1, 0, 5000)]));
    assert_eq!(out[1].decision, Decision::Applied(vec![(1, 0, -3000)]));
    assert!(
        matches!(&out[2].decision, Decision::Aborted(r) if r.contains("only 2 of SKU P1 left at A")),
        "{:?}",
        out[2]
    );
    assert_eq!(
        out[3].decision, prior[0].decision,
        "the earlier decision stands"
    );
    assert_eq!(out[3].number.as_deref(), Some(prior_number.as_str()));
    assert!(out[3].earlier, "reported as the earlier attempt's decision");
    assert_eq!(out[4].decision, Decision::Applied(vec![(1, 0, -2000)]));
    for (i, d) in out.iter().enumerate().filter(|(i, _)| *i != 3) {
        assert!(!d.earlier, "item {i} was decided now");
        assert!(
            d.doc.is_none(),
            "a new decision's poster holds its document"
        );
        // The outbox entry, read back with its decision applied, says what was decided.
        let ids = [&fresh[0], &fresh[1], &fresh[2], &decided, &fresh[3]];
        let id = ids[i].clone();
        let lb2 = lb;
        let stored = s
            .shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    let mut c = p.acquire().await.unwrap();
                    location::stored(&mut c, lb2, &id).await
                })
            })
            .await
            .unwrap()
            .expect("decided");
        let doc = stored.doc.expect("waiting in the outbox");
        assert_eq!(Some(&doc.header.number), d.number.as_ref());
        assert_eq!(
            doc.header.status,
            if matches!(d.decision, Decision::Applied(_)) {
                "posted"
            } else {
                "rejected"
            }
        );
    }
    let mut numbers: Vec<_> = out.iter().filter_map(|d| d.number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 5, "numbers never collide");
    let q: i64 = s
        .shards
        .location
        .read(move |pool| {
            Box::pin(async move {
                sqlx::query_scalar(lb.sql("SELECT quantity FROM stock WHERE location_id = ?"))
                    .bind(a2)
                    .fetch_one(&pool)
                    .await
                    .map_err(gudang::Error::db("location"))
            })
        })
        .await
        .unwrap();
    assert_eq!(q, 0);
}

async fn a_retried_id_in_a_batch_of_new_documents_loses_no_number(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let s = &env.services;
    let first = s
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Receipt),
                dest: Some("A".into()),
                lines: vec![line("P1", 1)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let year: i64 = first.number[4..8].parse().unwrap();
    assert_eq!(first.number, format!("RCV-{year}-000001"));
    let a = s.location("A").await.unwrap().id;
    let p = s.product_by_code("P1").await.unwrap().unwrap().id;
    let at = gudang::domain::ids::now_micros();
    let items = vec![
        item(&new_id(), leg(1, &a, &p, 1000), at, year),
        item(&first.id, leg(1, &a, &p, 1000), at, year),
        item(&new_id(), leg(1, &a, &p, 1000), at, year),
    ];
    let out = decide(s, items).await;
    assert!(out[1].earlier, "the retried id reports its first decision");
    assert_eq!(out[1].number.as_deref(), Some(first.number.as_str()));
    let numbers: Vec<String> = [&out[0], &out[2]]
        .iter()
        .map(|d| d.number.clone().unwrap())
        .collect();
    assert_eq!(
        numbers,
        vec![format!("RCV-{year}-000002"), format!("RCV-{year}-000003")]
    );
    // The retry moved no stock: 1 from the first posting, 1 each from the two new ones.
    assert_eq!(
        s.stock(Some("A"), Some("P1"), false, 10).await.unwrap()[0].quantity,
        "3"
    );
}

/// Stock quantity of product `p` at each location id in `locs`.
async fn quantities(s: &gudang::Services, locs: &[String], p: &str) -> Vec<i64> {
    let (locs, p, b) = (locs.to_vec(), p.to_string(), s.shards.location.backend());
    s.shards
        .location
        .read(move |pool| {
            Box::pin(async move {
                let mut out = Vec::new();
                for l in locs {
                    let q: Option<i64> = sqlx::query_scalar(b.sql(
                        "SELECT quantity FROM stock WHERE location_id = ? AND product_id = ?",
                    ))
                    .bind(l)
                    .bind(&p)
                    .fetch_optional(&pool)
                    .await
                    .map_err(gudang::Error::db("location"))?;
                    out.push(q.unwrap_or(0));
                }
                Ok(out)
            })
        })
        .await
        .unwrap()
}

async fn a_batch_decides_exactly_as_one_posting_at_a_time_would(db: Db) {
    // Two identical deployments: one decides each round's postings as one batch, the other
    // one posting per batch. Decisions and stock must agree every round.
    let (one, many) = (TestEnv::new(db).await, TestEnv::new(db).await);
    one.seed(1).await;
    many.seed(1).await;
    let mut rng = gudang::service::demo::Rng::new(11);
    let ids = |env: &TestEnv| {
        let s = env.services.clone();
        async move {
            (
                vec![
                    s.location("A").await.unwrap().id,
                    s.location("B").await.unwrap().id,
                ],
                s.product_by_code("P1").await.unwrap().unwrap().id,
            )
        }
    };
    let ((locs1, p1), (locs2, p2)) = (ids(&one).await, ids(&many).await);
    for round in 0..40 {
        let n = rng.range(1, 12) as usize;
        let mut plan = Vec::new();
        for _ in 0..n {
            let from = rng.below(2) as usize;
            let units = rng.range(1, 6) * 1000;
            let kind = rng.below(3);
            plan.push((new_id(), from, units, kind));
        }
        let build = |locs: &[String], p: &str| {
            plan.iter()
                .map(|(id, from, units, kind)| {
                    let legs = match kind {
                        0 => vec![leg(1, &locs[*from], p, *units)],
                        1 => vec![leg(1, &locs[*from], p, -units)],
                        _ => {
                            let mut back = leg(1, &locs[1 - from], p, *units);
                            back.leg.leg = 1;
                            vec![leg(1, &locs[*from], p, -units), back]
                        }
                    };
                    ApplyItem {
                        legs,
                        id: id.clone(),
                        doc_json: doc(id, TxKind::Transfer, round).to_json().unwrap(),
                        prefix: "TRF",
                        year: 1970,
                        at: round,
                        shared: DecideShared::default(),
                    }
                })
                .collect::<Vec<_>>()
        };
        let lb = one.services.shards.location.backend();
        let batch = build(&locs1, &p1);
        let together = one
            .services
            .shards
            .location
            .write(move |c| Box::pin(async move { apply::apply_batch(c, lb, batch).await }))
            .await
            .unwrap();
        let mut apart = Vec::new();
        for item in build(&locs2, &p2) {
            let r = many
                .services
                .shards
                .location
                .write(move |c| {
                    Box::pin(async move { apply::apply_batch(c, lb, vec![item]).await })
                })
                .await
                .unwrap();
            apart.extend(r);
        }
        // Decisions and numbers agree (the documents name each deployment's own products).
        let key = |d: Result<Decided, gudang::Error>| {
            let d = d.unwrap();
            assert!(!d.earlier);
            (d.decision, d.number)
        };
        let together: Vec<_> = together.into_iter().map(key).collect();
        let apart: Vec<_> = apart.into_iter().map(key).collect();
        assert_eq!(together, apart, "round {round}");
        assert_eq!(
            quantities(&one.services, &locs1, &p1).await,
            quantities(&many.services, &locs2, &p2).await,
            "round {round}"
        );
    }
    let q = quantities(&one.services, &locs1, &p1).await;
    assert!(
        q.iter().all(|q| *q >= 0) && q.iter().sum::<i64>() > 0,
        "{q:?}"
    );
}

for_all_backends!(
    concurrent_issues_share_batches_but_are_decided_each_on_its_own,
    the_same_id_posted_at_once_many_times_posts_once,
    a_refusal_in_a_batch_sends_only_that_posting_back_and_a_prior_decision_stands,
    a_retried_id_in_a_batch_of_new_documents_loses_no_number,
    a_batch_decides_exactly_as_one_posting_at_a_time_would,
);
