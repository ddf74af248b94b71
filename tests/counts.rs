//! Stock opname (count sessions) on every backend: variances exact while postings go on during
//! the count, clerks scanning one count at once, a post interrupted after some of its documents
//! then finished (exactly one set of adjustments), cancel, recount, roles and bad input.

mod common;

use common::backend::{Db, TestEnv, line, product};
use gudang::Error;
use gudang::db::ShardName;
use gudang::domain::{Money, Quantity, Role, TxKind, TxStatus};
use gudang::service::counts::{
    CountStart, CountStatus, LineState, ReviewFilter, ScanLine, parse_scan,
};
use gudang::service::posting::{LineRequest, PostRequest};

fn req(
    kind: TxKind,
    source: Option<&str>,
    dest: Option<&str>,
    lines: Vec<LineRequest>,
) -> PostRequest {
    PostRequest {
        kind: Some(kind),
        source: source.map(Into::into),
        dest: dest.map(Into::into),
        lines,
        ..Default::default()
    }
}

fn start(at: &str, with_children: bool, category: Option<&str>) -> CountStart {
    CountStart {
        location: at.into(),
        with_children,
        category: category.map(Into::into),
    }
}

fn scan(spec: &str) -> Vec<ScanLine> {
    vec![parse_scan(spec).unwrap()]
}

async fn post(env: &TestEnv, r: PostRequest) {
    let o = env.services.post(&env.admin, &r).await.unwrap();
    assert!(o.is_posted(), "{o:?}");
}

async fn stock(env: &TestEnv, loc: &str, sku: &str) -> i64 {
    env.services
        .stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map(|r| r.quantity_milli)
        .unwrap_or(0)
}

async fn assert_clean(env: &TestEnv) {
    env.services.settled().await;
    let r = env.services.check().await.unwrap();
    assert!(r.ok(), "check found violations: {:?}", r.violations);
}

/// Journaled adjustments that name `number` as their reference.
async fn adjustments_of(env: &TestEnv, number: &str) -> i64 {
    env.services.settled().await;
    env.int(
        ShardName::Transaction,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM transactions WHERE kind = 'adjustment' AND reference = '{number}'"
        ),
    )
    .await
}

async fn movements(env: &TestEnv) -> i64 {
    env.int(
        ShardName::Location,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM movements",
    )
    .await
}

async fn postings_during_the_count(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let (s, a) = (&env.services, &env.admin);
    let clerk = env.user(Role::Clerk, 1).await;
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 100), line("P2", 50), line("P3", 10)],
        ),
    )
    .await;
    let c = s.count_start(a, &start("A", false, None)).await.unwrap();
    assert!(c.number.starts_with("CNT-"), "{}", c.number);
    assert_eq!(c.status, CountStatus::Open);
    // P2: 5 leave before it is counted; the clerk finds 47 of the 45 the books say.
    post(
        &env,
        req(TxKind::Issue, Some("A"), None, vec![line("P2", 5)]),
    )
    .await;
    let r = s
        .count_scan(&clerk, &c.number, None, &scan("40*P1"))
        .await
        .unwrap();
    // Blind: the clerk hears what they counted, never the book quantity.
    assert_eq!(
        (r[0].sku.as_str(), r[0].counted),
        ("P1", Quantity::units(40))
    );
    s.count_scan(&clerk, &c.number, Some("A"), &scan("8990000002:47"))
        .await
        .unwrap();
    // A repeated code adds: P1 ends at 98 counted against a book of 100.
    let r = s
        .count_scan(&clerk, &c.number, None, &scan("P1:58"))
        .await
        .unwrap();
    assert_eq!(r[0].counted, Quantity::units(98));
    assert_eq!(r[0].added, Quantity::units(58));
    // Movements after the scans: neither counted twice nor lost.
    post(
        &env,
        req(TxKind::Issue, Some("A"), None, vec![line("P1", 10)]),
    )
    .await;
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 5), line("P2", 3)],
        ),
    )
    .await;

    let rv = s
        .count_review(a, &c.number, &ReviewFilter::default())
        .await
        .unwrap();
    let find = |sku: &str| rv.lines.iter().find(|l| l.sku == sku).unwrap().clone();
    let p1 = find("P1");
    assert_eq!(
        (p1.state, p1.book, p1.counted, p1.variance, p1.value),
        (
            LineState::Counted,
            Quantity::units(100),
            Some(Quantity::units(98)),
            Some(Quantity::units(-2)),
            Some(Money(-500))
        )
    );
    let p2 = find("P2");
    assert_eq!(
        (p2.book, p2.variance),
        (Quantity::units(45), Some(Quantity::units(2)))
    );
    // Never scanned, with stock: shown as not counted, left alone.
    let p3 = find("P3");
    assert_eq!(
        (p3.state, p3.book, p3.variance),
        (LineState::NotCounted, Quantity::units(10), None)
    );
    // Sorted by absolute value: P3 (25.00 at stake), then P1 and P2 (5.00 each).
    assert_eq!(rv.lines[0].sku, "P3");
    assert_eq!(
        (rv.totals.gain, rv.totals.loss, rv.totals.net),
        (Money(500), Money(-500), Money(0))
    );
    assert_eq!(rv.totals.not_counted, 1);
    let only = s
        .count_review(
            a,
            &c.number,
            &ReviewFilter {
                only_variances: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(only.lines.len(), 3);

    let out = s.count_post(a, &c.number, false).await.unwrap();
    assert!(out.is_posted(), "{out:?}");
    assert_eq!(out.documents.len(), 1);
    let doc = &out.documents[0];
    assert_eq!((doc.status.as_str(), doc.lines), ("posted", 2));
    let number = doc.number.clone().unwrap();
    assert!(number.starts_with("ADJ-"));
    // Stock = counted + movements after the scan.
    assert_eq!(stock(&env, "A", "P1").await, (98 - 10 + 5) * 1000);
    assert_eq!(stock(&env, "A", "P2").await, (47 + 3) * 1000);
    assert_eq!(stock(&env, "A", "P3").await, 10_000);
    let d = s.transaction_detail(&number).await.unwrap();
    assert_eq!(d.header.reference.as_deref(), Some(c.number.as_str()));
    let applied: Vec<(String, Option<i64>)> = d
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.applied_delta))
        .collect();
    assert!(applied.contains(&("P1".into(), Some(-2000))), "{applied:?}");
    assert!(applied.contains(&("P2".into(), Some(2000))), "{applied:?}");
    // Closed and read-only, with its document.
    let shown = s.count_get(&c.number.to_lowercase()).await.unwrap();
    assert_eq!(shown.status, CountStatus::Posted);
    assert!(shown.closed_at.is_some());
    assert_eq!(shown.documents[0].number.as_deref(), Some(number.as_str()));
    let e = s
        .count_scan(&clerk, &c.number, None, &scan("P1"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    assert!(s.count_cancel(a, &c.number).await.is_err());
    // Posting a posted count again changes nothing.
    let again = s.count_post(a, &c.number, false).await.unwrap();
    assert!(again.is_posted() && again.documents[0].replayed);
    assert_eq!(adjustments_of(&env, &c.number).await, 1);
    assert_clean(&env).await;
}

async fn uncounted_as_zero_with_children_and_category(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_category(a, "Paint").await.unwrap();
    let mut paint = product("X1", "Paint 1", None);
    paint.category = Some("Paint".into());
    s.add_product(a, &paint).await.unwrap();
    s.add_location(a, "A1", "Shelf A1", Some("A"))
        .await
        .unwrap();
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 10), line("X1", 4)],
        ),
    )
    .await;
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A1"),
            vec![line("P2", 6), line("P3", 2)],
        ),
    )
    .await;
    post(
        &env,
        req(TxKind::Receipt, None, Some("B"), vec![line("P1", 7)]),
    )
    .await;
    let c = s
        .count_start(a, &start("A", true, Some("hardware")))
        .await
        .unwrap();
    assert_eq!(c.category.as_deref(), Some("Hardware"));
    s.count_scan(a, &c.number, Some("A1"), &scan("5*P2"))
        .await
        .unwrap();
    // Out of scope: another category, a location outside the subtree.
    let e = s
        .count_scan(a, &c.number, None, &scan("X1"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not in category Hardware"), "{e}");
    let e = s
        .count_scan(a, &c.number, Some("B"), &scan("P1"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not part of count"), "{e}");
    let rv = s
        .count_review(a, &c.number, &ReviewFilter::default())
        .await
        .unwrap();
    let mut seen: Vec<(String, String, LineState)> = rv
        .lines
        .iter()
        .map(|l| (l.location.clone(), l.sku.clone(), l.state))
        .collect();
    seen.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    assert_eq!(
        seen,
        vec![
            ("A".into(), "P1".into(), LineState::NotCounted),
            ("A1".into(), "P2".into(), LineState::Counted),
            ("A1".into(), "P3".into(), LineState::NotCounted),
        ]
    );
    let at_a1 = s
        .count_review(
            a,
            &c.number,
            &ReviewFilter {
                location: Some("A1".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(at_a1.lines.len(), 2);
    let out = s.count_post(a, &c.number, true).await.unwrap();
    assert!(out.is_posted(), "{out:?}");
    // One document per location.
    assert_eq!(out.documents.len(), 2);
    assert_eq!(stock(&env, "A", "P1").await, 0);
    assert_eq!(stock(&env, "A1", "P2").await, 5000);
    assert_eq!(stock(&env, "A1", "P3").await, 0);
    // Outside the scope: untouched.
    assert_eq!(stock(&env, "A", "X1").await, 4000);
    assert_eq!(stock(&env, "B", "P1").await, 7000);
    let rv = s
        .count_review(a, &c.number, &ReviewFilter::default())
        .await
        .unwrap();
    assert!(
        rv.lines
            .iter()
            .any(|l| l.sku == "P3" && l.state == LineState::Zeroed)
    );
    assert!(rv.count.uncounted_as_zero);
    assert_clean(&env).await;
}

async fn clerks_scan_one_count_at_once(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let a = &env.admin;
    post(
        &env,
        req(TxKind::Receipt, None, Some("A"), vec![line("P1", 100)]),
    )
    .await;
    let c = env
        .services
        .count_start(a, &start("A", false, None))
        .await
        .unwrap();
    let c1 = env.user(Role::Clerk, 1).await;
    let c2 = env.user(Role::Clerk, 2).await;
    // The second clerk works in another process on the same shards.
    let other = env.reopen(|_| {}).await;
    const SCANS: usize = 40;
    let one = {
        let (s, n) = (env.services.clone(), c.number.clone());
        tokio::spawn(async move {
            for _ in 0..SCANS {
                s.count_scan(&c1, &n, None, &scan("P1")).await.unwrap();
            }
            for _ in 0..SCANS {
                s.count_scan(&c1, &n, None, &scan("2*P2")).await.unwrap();
            }
        })
    };
    let two = {
        let (s, n) = (other.clone(), c.number.clone());
        tokio::spawn(async move {
            for _ in 0..SCANS {
                s.count_scan(
                    &c2,
                    &n,
                    None,
                    &[parse_scan("P2").unwrap(), parse_scan("P1").unwrap()],
                )
                .await
                .unwrap();
            }
        })
    };
    one.await.unwrap();
    two.await.unwrap();
    let rv = env
        .services
        .count_review(a, &c.number, &ReviewFilter::default())
        .await
        .unwrap();
    let counted = |sku: &str| {
        rv.lines
            .iter()
            .find(|l| l.sku == sku)
            .and_then(|l| l.counted)
    };
    assert_eq!(counted("P1"), Some(Quantity::units(2 * SCANS as i64)));
    assert_eq!(counted("P2"), Some(Quantity::units(3 * SCANS as i64)));
    let out = env.services.count_post(a, &c.number, false).await.unwrap();
    assert!(out.is_posted());
    assert_eq!(stock(&env, "A", "P1").await, 80_000);
    assert_eq!(stock(&env, "A", "P2").await, 120_000);
    assert_clean(&env).await;
}

async fn post_interrupted_then_finished(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_location(a, "W", "Warehouse W", None).await.unwrap();
    s.add_location(a, "W1", "Zone W1", Some("W")).await.unwrap();
    s.add_location(a, "W2", "Zone W2", Some("W")).await.unwrap();
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("W1"),
            vec![line("P1", 20), line("P2", 5)],
        ),
    )
    .await;
    post(
        &env,
        req(TxKind::Receipt, None, Some("W2"), vec![line("P1", 30)]),
    )
    .await;
    let c = s.count_start(a, &start("W", true, None)).await.unwrap();
    s.count_scan(
        a,
        &c.number,
        Some("W1"),
        &[parse_scan("18*P1").unwrap(), parse_scan("7*P2").unwrap()],
    )
    .await
    .unwrap();
    s.count_scan(a, &c.number, Some("W2"), &scan("31*P1"))
        .await
        .unwrap();
    // Step 1 only: the documents and their ids are fixed, nothing is posted yet.
    let fixed = s.count_fix(a, &c.number, false).await.unwrap();
    assert_eq!(fixed.status, CountStatus::Posting);
    assert_eq!(fixed.documents.len(), 2);
    assert!(
        fixed
            .documents
            .iter()
            .all(|d| d.status == "pending" && d.number.is_none())
    );
    // A fixed count takes no more scans or recounts.
    let e = s
        .count_scan(a, &c.number, Some("W1"), &scan("P1"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("being posted"), "{e}");
    // The crash: the first document was posted (as `count post` would, under its fixed id)
    // but the count never heard of it.
    let w1 = &fixed.documents[0];
    assert_eq!(w1.location, "W1");
    let first = s
        .post_adjustment_delta(
            a,
            &PostRequest {
                id: Some(w1.txn_id.clone()),
                kind: Some(TxKind::Adjustment),
                source: Some("W1".into()),
                lines: vec![
                    LineRequest {
                        code: "P1".into(),
                        qty: Quantity::units(-2),
                        price: None,
                    },
                    LineRequest {
                        code: "P2".into(),
                        qty: Quantity::units(2),
                        price: None,
                    },
                ],
                reference: Some(c.number.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.status, TxStatus::Posted);
    let before = movements(&env).await;
    // `count post` again, from a restarted process: each document exactly once.
    let restarted = env.reopen(|_| {}).await;
    let out = restarted.count_post(a, &c.number, false).await.unwrap();
    assert!(out.is_posted(), "{out:?}");
    assert!(
        out.documents[0].replayed && !out.documents[1].replayed,
        "{out:?}"
    );
    assert_eq!(
        out.documents[0].number.as_deref(),
        Some(first.number.as_str())
    );
    assert_eq!(movements(&env).await, before + 1);
    restarted.settled().await;
    assert_eq!(adjustments_of(&env, &c.number).await, 2);
    let again = s.count_post(a, &c.number, true).await.unwrap();
    assert!(again.documents.iter().all(|d| d.replayed));
    assert_eq!(movements(&env).await, before + 1);
    assert_eq!(stock(&env, "W1", "P1").await, 18_000);
    assert_eq!(stock(&env, "W1", "P2").await, 7_000);
    assert_eq!(stock(&env, "W2", "P1").await, 31_000);
    assert_clean(&env).await;
}

async fn short_stock_is_refused_or_rejected(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 10), line("P2", 10)],
        ),
    )
    .await;
    let c = s.count_start(a, &start("A", false, None)).await.unwrap();
    s.count_scan(a, &c.number, None, &scan("2*P1"))
        .await
        .unwrap();
    // 8 missing at the scan; then 5 more leave: posting -8 would go below zero.
    post(
        &env,
        req(TxKind::Issue, Some("A"), None, vec![line("P1", 5)]),
    )
    .await;
    let moved = movements(&env).await;
    let e = s.count_post(a, &c.number, false).await.unwrap_err();
    assert!(matches!(e, Error::Rejected(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("P1 at A: variance -8 but only 5 left;"),
        "{msg}"
    );
    assert_eq!(
        s.count_get(&c.number).await.unwrap().status,
        CountStatus::Open
    );
    assert_eq!(movements(&env).await, moved);
    // Recount: the line is scanned again and then posts.
    assert_eq!(
        s.count_recount(a, &c.number, &[("A".into(), "P1".into())])
            .await
            .unwrap(),
        1
    );
    let rv = s
        .count_review(a, &c.number, &ReviewFilter::default())
        .await
        .unwrap();
    let p1 = rv.lines.iter().find(|l| l.sku == "P1").unwrap();
    assert_eq!((p1.state, p1.counted), (LineState::Recount, None));
    s.count_scan(a, &c.number, None, &scan("P1:4"))
        .await
        .unwrap();
    s.count_scan(a, &c.number, None, &scan("P2:7"))
        .await
        .unwrap();
    // Fixed, then stock leaves before the documents are posted: the never-negative rule
    // rejects the document; once the stock is back, posting again finishes under a new id.
    let fixed = s.count_fix(a, &c.number, false).await.unwrap();
    let first_id = fixed.documents[0].txn_id.clone();
    post(
        &env,
        req(TxKind::Issue, Some("A"), None, vec![line("P2", 9)]),
    )
    .await;
    let out = s.count_post(a, &c.number, false).await.unwrap();
    assert_eq!(out.rejected, 1);
    assert!(!out.is_posted());
    let why = out.documents[0].reason.clone().unwrap();
    assert!(why.contains("only 1 of SKU P2 left at A"), "{why}");
    assert_eq!(out.count.status, CountStatus::Posting);
    post(
        &env,
        req(TxKind::Receipt, None, Some("A"), vec![line("P2", 9)]),
    )
    .await;
    let out = s.count_post(a, &c.number, false).await.unwrap();
    assert!(out.is_posted(), "{out:?}");
    assert_ne!(out.documents[0].txn_id, first_id);
    assert_eq!(stock(&env, "A", "P1").await, 4000);
    assert_eq!(stock(&env, "A", "P2").await, 7000);
    assert_clean(&env).await;
}

async fn cancel_leaves_stock_alone(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    post(
        &env,
        req(TxKind::Receipt, None, Some("A"), vec![line("P1", 10)]),
    )
    .await;
    let moved = movements(&env).await;
    let c = s.count_start(a, &start("A", false, None)).await.unwrap();
    s.count_scan(a, &c.number, None, &scan("3*P1"))
        .await
        .unwrap();
    let done = s.count_cancel(a, &c.number).await.unwrap();
    assert_eq!(done.status, CountStatus::Cancelled);
    assert!(done.closed_at.is_some());
    assert!(s.count_post(a, &c.number, true).await.is_err());
    assert!(s.count_scan(a, &c.number, None, &scan("P1")).await.is_err());
    assert!(s.count_cancel(a, &c.number).await.is_err());
    assert_eq!(stock(&env, "A", "P1").await, 10_000);
    assert_eq!(movements(&env).await, moved);
    // Lists: open ones by default, all on request.
    let c2 = s.count_start(a, &start("B", false, None)).await.unwrap();
    let open: Vec<String> = s
        .count_list(false)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.number)
        .collect();
    assert_eq!(open, vec![c2.number.clone()]);
    let all: Vec<String> = s
        .count_list(true)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.number)
        .collect();
    assert_eq!(all, vec![c2.number.clone(), c.number.clone()]);
    assert_clean(&env).await;
}

async fn roles_and_bad_input(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    let clerk = env.user(Role::Clerk, 1).await;
    let viewer = env.user(Role::Viewer, 1).await;
    let sup = env.user(Role::Supervisor, 1).await;
    let denied = |r: Result<_, Error>| matches!(r, Err(Error::Denied { .. }));
    assert!(denied(
        s.count_start(&clerk, &start("A", false, None))
            .await
            .map(|_| ())
    ));
    let c = s.count_start(&sup, &start("A", false, None)).await.unwrap();
    assert_eq!(c.started_by, sup.email);
    assert!(denied(
        s.count_scan(&viewer, &c.number, None, &scan("P1"))
            .await
            .map(|_| ())
    ));
    s.count_scan(&clerk, &c.number, None, &scan("P1"))
        .await
        .unwrap();
    assert!(denied(
        s.count_review(&clerk, &c.number, &ReviewFilter::default())
            .await
            .map(|_| ())
    ));
    assert!(denied(
        s.count_recount(&clerk, &c.number, &[("A".into(), "P1".into())])
            .await
            .map(|_| ())
    ));
    assert!(denied(
        s.count_post(&clerk, &c.number, false).await.map(|_| ())
    ));
    assert!(denied(s.count_cancel(&clerk, &c.number).await.map(|_| ())));

    // Bad input: a clear message, nothing changed.
    let lines = || async {
        env.int(
            ShardName::Location,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM count_lines",
        )
        .await
    };
    let before = lines().await;
    let bad = |e: Error, want: &str| assert!(e.to_string().contains(want), "{e} lacks {want}");
    bad(
        s.count_scan(&clerk, &c.number, None, &scan("NOPE"))
            .await
            .unwrap_err(),
        "unknown SKU or barcode 'NOPE'",
    );
    // One bad line refuses the whole scan.
    bad(
        s.count_scan(
            &clerk,
            &c.number,
            None,
            &[parse_scan("P2").unwrap(), parse_scan("NOPE").unwrap()],
        )
        .await
        .unwrap_err(),
        "scan 2",
    );
    let zero = vec![LineRequest {
        code: "P1".into(),
        qty: Quantity(0),
        price: None,
    }];
    bad(
        s.count_scan(&clerk, &c.number, None, &zero)
            .await
            .unwrap_err(),
        "greater than zero",
    );
    let neg = vec![LineRequest {
        code: "P1".into(),
        qty: Quantity(-1000),
        price: None,
    }];
    bad(
        s.count_scan(&clerk, &c.number, None, &neg)
            .await
            .unwrap_err(),
        "greater than zero",
    );
    let fine = vec![LineRequest {
        code: "P1".into(),
        qty: Quantity(500),
        price: None,
    }];
    bad(
        s.count_scan(&clerk, &c.number, None, &fine)
            .await
            .unwrap_err(),
        "whole PCSs",
    );
    bad(
        s.count_scan(&clerk, &c.number, Some("Z9"), &scan("P1"))
            .await
            .unwrap_err(),
        "location 'Z9'",
    );
    bad(
        s.count_scan(&clerk, &c.number, None, &[])
            .await
            .unwrap_err(),
        "at least one",
    );
    assert!(matches!(
        s.count_scan(&clerk, "CNT-2000-000999", None, &scan("P1"))
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(s.count_get("nope").await, Err(Error::NotFound(_))));
    bad(
        s.count_start(a, &start("Z9", false, None))
            .await
            .unwrap_err(),
        "location 'Z9'",
    );
    bad(
        s.count_start(a, &start("A", false, Some("Toys")))
            .await
            .unwrap_err(),
        "unknown category 'Toys'",
    );
    bad(
        s.count_recount(a, &c.number, &[("A".into(), "P2".into())])
            .await
            .unwrap_err(),
        "never scanned",
    );
    assert!(parse_scan("0*P1").is_err() && parse_scan("P1:-1").is_err());
    assert_eq!(lines().await, before);
    assert_eq!(s.count_list(false).await.unwrap().len(), 1);
    assert_clean(&env).await;
}

for_all_backends!(
    postings_during_the_count,
    uncounted_as_zero_with_children_and_category,
    clerks_scan_one_count_at_once,
    post_interrupted_then_finished,
    short_stock_is_refused_or_rejected,
    cancel_leaves_stock_alone,
    roles_and_bad_input,
);
