//! Posting receipts, issues, transfers and adjustments across the shards: effects, rejections
//! and refused input, on SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line, req};
use gudang::Error;
use gudang::db::ShardName;
use gudang::domain::{Money, Quantity, TxKind, TxStatus};
use gudang::service::posting::{LineRequest, PostRequest};

async fn qty(env: &TestEnv, loc: &str, sku: &str) -> String {
    env.services
        .stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map(|r| r.quantity.clone())
        .unwrap_or_else(|| "0".into())
}

async fn txn_count(env: &TestEnv) -> i64 {
    // The journal follows the answers: wait for this process's writes before reading it raw.
    env.services.settled().await;
    env.int(
        ShardName::Transaction,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM transactions",
    )
    .await
}

async fn assert_clean(env: &TestEnv) {
    // The journal follows the answers (and the test config has no grace period).
    env.services.settled().await;
    let r = env.services.check().await.unwrap();
    assert!(r.ok(), "check found violations: {:?}", r.violations);
}

async fn all_four_kinds_with_several_lines(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let (s, a) = (&env.services, &env.admin);
    let mut rcv = req(
        TxKind::Receipt,
        None,
        Some("A"),
        vec![line("P1", 100), line("8990000002", 50)],
    );
    rcv.lines.push(LineRequest {
        code: "P3".into(),
        qty: Quantity::units(4),
        price: Some(Money(199)),
    });
    rcv.partner = Some("PT Sumber Makmur".into());
    rcv.reference = Some("PO-77".into());
    let r = s.post(a, &rcv).await.unwrap();
    assert_eq!((r.status, r.replayed), (TxStatus::Posted, false), "{r:?}");
    let d = s.transaction_detail(&r.number).await.unwrap();
    assert_eq!(d.header.line_count, 3);
    assert_eq!(d.header.total_qty, 154_000);
    assert_eq!(d.header.total_value, 100 * 250 + 50 * 250 + 4 * 199);
    assert_eq!(d.lines[2].unit_price, 199);
    assert_eq!(d.header.partner.as_deref(), Some("PT Sumber Makmur"));
    assert_eq!(d.header.dest_code.as_deref(), Some("A"));

    let iss = s
        .post(
            a,
            &req(
                TxKind::Issue,
                Some("A"),
                None,
                vec![line("P1", 30), line("P2", 5)],
            ),
        )
        .await
        .unwrap();
    assert!(iss.is_posted(), "{iss:?}");
    assert_eq!(
        (qty(&env, "A", "P1").await, qty(&env, "A", "P2").await),
        ("70".into(), "45".into())
    );

    let trf = s
        .post(
            a,
            &req(
                TxKind::Transfer,
                Some("A"),
                Some("B"),
                vec![line("P1", 20), line("P2", 10), line("P3", 4)],
            ),
        )
        .await
        .unwrap();
    assert!(trf.is_posted(), "{trf:?}");
    assert_eq!(
        (qty(&env, "A", "P1").await, qty(&env, "B", "P1").await),
        ("50".into(), "20".into())
    );
    assert_eq!(
        (qty(&env, "A", "P3").await, qty(&env, "B", "P3").await),
        ("0".into(), "4".into())
    );

    // An adjustment sets counted quantities; the document keeps what each line changed.
    let adj = s
        .post(
            a,
            &req(
                TxKind::Adjustment,
                Some("A"),
                None,
                vec![line("P1", 48), line("P2", 40), line("P3", 2)],
            ),
        )
        .await
        .unwrap();
    assert!(adj.is_posted(), "{adj:?}");
    assert!(adj.number.starts_with("ADJ-"));
    let lines = s.transaction_detail(&adj.number).await.unwrap().lines;
    let applied: Vec<Option<i64>> = lines.iter().map(|l| l.applied_delta).collect();
    assert_eq!(applied, [Some(-2000), Some(5000), Some(2000)]);
    assert_eq!(
        (
            qty(&env, "A", "P1").await,
            qty(&env, "A", "P2").await,
            qty(&env, "A", "P3").await
        ),
        ("48".into(), "40".into(), "2".into())
    );
    // Counting zero where nothing was is a no-op that still posts.
    let zero = s
        .post(
            a,
            &req(
                TxKind::Adjustment,
                Some("B"),
                None,
                vec![line("P2", 10), line("P1", 0)],
            ),
        )
        .await
        .unwrap();
    assert!(zero.is_posted());
    assert_eq!(
        s.transaction_detail(&zero.number).await.unwrap().lines[1].applied_delta,
        Some(-20_000)
    );

    // Conservation: the stock is exactly what the movements say.
    let total = env
        .int(
            ShardName::Location,
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM stock",
        )
        .await;
    let moved = env
        .int(
            ShardName::Location,
            "SELECT CAST(SUM(delta) AS BIGINT) FROM movements",
        )
        .await;
    assert_eq!(total, moved);
    assert_eq!(total, (48 + 40 + 2 + 10 + 4) * 1000);
    assert_clean(&env).await;
}

async fn rejection_names_what_is_left(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    assert!(
        s.post(
            a,
            &req(
                TxKind::Receipt,
                None,
                Some("A"),
                vec![line("P1", 10), line("P2", 45)]
            )
        )
        .await
        .unwrap()
        .is_posted()
    );
    let before = (qty(&env, "A", "P1").await, qty(&env, "A", "P2").await);

    let r = s
        .post(
            a,
            &req(
                TxKind::Issue,
                Some("A"),
                None,
                vec![line("P1", 10), line("P2", 999)],
            ),
        )
        .await
        .unwrap();
    assert_eq!(r.status, TxStatus::Rejected);
    assert_eq!(
        r.reason.as_deref(),
        Some("only 45 of SKU P2 left at A (line 2 needs 999)")
    );
    // All or nothing: line 1 could have applied but did not.
    assert_eq!(
        (qty(&env, "A", "P1").await, qty(&env, "A", "P2").await),
        before
    );
    let d = s.transaction_detail(&r.number).await.unwrap();
    assert_eq!(d.header.status, "rejected");
    assert_eq!(d.header.reason, r.reason);
    assert!(d.lines.iter().all(|l| l.applied_delta.is_none()));
    let moves = env
        .int(
            ShardName::Location,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM movements WHERE txn_id = '{}'",
                r.id
            ),
        )
        .await;
    assert_eq!(moves, 0);

    let r = s
        .post(
            a,
            &req(TxKind::Transfer, Some("B"), Some("A"), vec![line("P1", 1)]),
        )
        .await
        .unwrap();
    assert_eq!(
        r.reason.as_deref(),
        Some("only 0 of SKU P1 left at B (line 1 needs 1)")
    );
    // Exactly what is there may leave.
    assert!(
        s.post(
            a,
            &req(TxKind::Issue, Some("A"), None, vec![line("P1", 10)])
        )
        .await
        .unwrap()
        .is_posted()
    );
    assert_eq!(qty(&env, "A", "P1").await, "0");
    // Two lines of one product draw on the same stock.
    let r = s
        .post(
            a,
            &req(
                TxKind::Issue,
                Some("A"),
                None,
                vec![line("P2", 40), line("P2", 6)],
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        r.reason.as_deref(),
        Some("only 5 of SKU P2 left at A (line 2 needs 6)")
    );
    assert_clean(&env).await;
}

async fn bad_documents_change_nothing(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    assert!(
        s.post(
            a,
            &req(TxKind::Receipt, None, Some("A"), vec![line("P1", 10)])
        )
        .await
        .unwrap()
        .is_posted()
    );
    s.add_location(a, "OLD", "Closed", None).await.unwrap();
    s.update_location(a, "OLD", None, None, Some(false))
        .await
        .unwrap();
    s.set_product_active(a, "P2", false).await.unwrap();
    let before = txn_count(&env).await;
    let cases: Vec<(PostRequest, &str)> = vec![
        (
            req(TxKind::Issue, Some("A"), None, vec![line("P2", 1)]),
            "inactive",
        ),
        (
            req(TxKind::Receipt, None, Some("OLD"), vec![line("P1", 1)]),
            "inactive",
        ),
        (
            req(TxKind::Transfer, Some("A"), Some("a"), vec![line("P1", 1)]),
            "two different locations",
        ),
        (
            req(TxKind::Issue, Some("A"), None, vec![line("NOPE", 1)]),
            "unknown SKU or barcode 'NOPE'",
        ),
        (
            req(TxKind::Issue, Some("NOWHERE"), None, vec![line("P1", 1)]),
            "unknown location 'NOWHERE'",
        ),
        (
            req(TxKind::Issue, Some("A"), None, vec![]),
            "at least one line",
        ),
        (
            req(TxKind::Issue, Some("A"), None, vec![line("P1", 0)]),
            "greater than zero",
        ),
        (
            req(TxKind::Issue, None, None, vec![line("P1", 1)]),
            "source",
        ),
        (
            req(TxKind::Receipt, None, None, vec![line("P1", 1)]),
            "destination",
        ),
        (
            req(TxKind::Receipt, Some("A"), Some("B"), vec![line("P1", 1)]),
            "no source",
        ),
        (
            req(
                TxKind::Adjustment,
                Some("A"),
                None,
                vec![line("P1", 1), line("8990000001", 2)],
            ),
            "counted twice",
        ),
        (
            req(
                TxKind::Issue,
                Some("A"),
                None,
                vec![LineRequest {
                    code: "P1".into(),
                    qty: Quantity::units(1),
                    price: Some(Money(1)),
                }],
            ),
            "only receipts take a unit price",
        ),
        (
            PostRequest {
                kind: None,
                ..req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)])
            },
            "kind",
        ),
        (
            PostRequest {
                id: Some("not-a-uuid".into()),
                ..req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)])
            },
            "not a valid id",
        ),
        (
            PostRequest {
                notes: Some("x".repeat(2001)),
                ..req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)])
            },
            "longer than",
        ),
    ];
    for (r, needle) in cases {
        match s.post(a, &r).await {
            Err(Error::Invalid(m)) => {
                assert!(m.contains(needle), "{m:?} should mention {needle:?}")
            }
            other => panic!("{r:?}: expected Invalid mentioning {needle:?}, got {other:?}"),
        }
    }
    assert_eq!(
        txn_count(&env).await,
        before,
        "refused documents leave no header"
    );
    assert_eq!(qty(&env, "A", "P1").await, "10");
    assert_clean(&env).await;
}

async fn mirror_and_prices_follow_the_product(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let (s, a) = (&env.services, &env.admin);
    let mut l = line("P1", 2);
    l.price = Some(Money(300));
    assert!(
        s.post(a, &req(TxKind::Receipt, None, Some("A"), vec![l]))
            .await
            .unwrap()
            .is_posted()
    );
    // The stock row values at the product's price, not the receipt's.
    assert_eq!(
        env.int(ShardName::Location, "SELECT price FROM stock")
            .await,
        250
    );
    let iss = s
        .post(a, &req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)]))
        .await
        .unwrap();
    let d = s.transaction_detail(&iss.number).await.unwrap();
    assert_eq!((d.lines[0].unit_price, d.lines[0].total), (250, 250));
    assert_eq!(d.header.source_code.as_deref(), Some("A"));
}

for_all_backends!(
    all_four_kinds_with_several_lines,
    rejection_names_what_is_left,
    bad_documents_change_nothing,
    mirror_and_prices_follow_the_product,
);
