//! The dashboard's figures follow the postings, on SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line, req};
use gudang::domain::{TxKind, TxStatus};
use gudang::service::dashboard::DAYS;

async fn figures_follow_postings(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let (s, a) = (&env.services, &env.admin);
    let d = s.dashboard().await.unwrap();
    assert_eq!((d.active_products, d.locations, d.stock_value), (3, 2, 0));
    assert_eq!(
        (d.txn_today, d.txn_month, d.value_in, d.value_out),
        (0, 0, 0, 0)
    );
    assert_eq!(d.daily.len(), DAYS);
    assert!(d.daily.iter().all(|p| p.receipts == 0 && p.issues == 0));
    assert!(d.low_stock.is_empty() && d.recent.is_empty());
    assert_eq!(d.shards.len(), 3);

    let rcv = s
        .post(
            a,
            &req(
                TxKind::Receipt,
                None,
                Some("A"),
                vec![line("P1", 10), line("P2", 2)],
            ),
        )
        .await
        .unwrap();
    let d = s.dashboard().await.unwrap();
    assert_eq!(d.stock_value, 12 * 250);
    assert_eq!(
        (d.txn_today, d.txn_month, d.value_in, d.value_out),
        (1, 1, 3000, 0)
    );
    assert_eq!(
        d.daily.last().map(|p| (p.receipts, p.value_in)),
        Some((1, 3000))
    );
    assert_eq!(
        d.recent
            .iter()
            .map(|h| h.number.as_str())
            .collect::<Vec<_>>(),
        [rcv.number.as_str()]
    );
    // P2 is below its minimum of 5 as soon as it exists at A.
    assert_eq!(
        d.low_stock
            .iter()
            .map(|r| (r.location.as_str(), r.sku.as_str()))
            .collect::<Vec<_>>(),
        [("A", "P2")]
    );

    let iss = s
        .post(a, &req(TxKind::Issue, Some("A"), None, vec![line("P1", 7)]))
        .await
        .unwrap();
    let d = s.dashboard().await.unwrap();
    assert_eq!(d.stock_value, 5 * 250);
    assert_eq!((d.txn_today, d.value_in, d.value_out), (2, 3000, 1750));
    assert_eq!(d.daily.last().map(|p| (p.receipts, p.issues)), Some((1, 1)));
    assert_eq!(d.recent[0].number, iss.number, "newest first");
    let mut low: Vec<(String, String)> = d
        .low_stock
        .iter()
        .map(|r| (r.sku.clone(), r.quantity.clone()))
        .collect();
    low.sort();
    assert_eq!(
        low,
        [
            ("P1".to_string(), "3".to_string()),
            ("P2".to_string(), "2".to_string())
        ]
    );

    // A rejection is listed but counts in no figure; a transfer moves value without in or out.
    let rej = s
        .post(
            a,
            &req(TxKind::Issue, Some("A"), None, vec![line("P1", 70)]),
        )
        .await
        .unwrap();
    assert_eq!(rej.status, TxStatus::Rejected);
    s.post(
        a,
        &req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P1", 3)]),
    )
    .await
    .unwrap();
    let d = s.dashboard().await.unwrap();
    assert_eq!(
        (d.stock_value, d.txn_today, d.value_in, d.value_out),
        (5 * 250, 3, 3000, 1750)
    );
    assert_eq!(d.recent.len(), 4);
    assert!(d.recent.iter().any(|h| h.status == "rejected"));
    assert!(
        d.low_stock
            .iter()
            .any(|r| r.location == "B" && r.sku == "P1")
    );

    // Prices and the active flags feed the figures too.
    let mut dearer = common::backend::product("P1", "Product 1", Some("8990000001"));
    dearer.price = Some("10".into());
    s.update_product(a, "P1", &dearer).await.unwrap();
    s.set_product_active(a, "P3", false).await.unwrap();
    s.update_location(a, "B", None, None, Some(false))
        .await
        .unwrap();
    let d = s.dashboard().await.unwrap();
    assert_eq!(d.stock_value, 3 * 1000 + 2 * 250);
    assert_eq!((d.active_products, d.locations), (2, 1));
    assert!(
        d.shards
            .iter()
            .all(|(_, h)| h.reachable && h.last_error.is_none()),
        "{:?}",
        d.shards
    );
}

for_all_backends!(figures_follow_postings);
