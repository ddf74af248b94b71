mod common;

use gudang::domain::{Quantity, TxKind, TxStatus};
use gudang::service::posting::{LineRequest, PostRequest};

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

#[tokio::test]
async fn receipt_issue_reject_and_check() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let s = &env.services;
    let r = s
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Receipt),
                dest: Some("A".into()),
                lines: vec![line("P1", 100)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.status, TxStatus::Posted, "{r:?}");
    assert!(r.number.starts_with("RCV-"), "{}", r.number);
    let r = s
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Issue),
                source: Some("A".into()),
                lines: vec![line("P1", 5)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.status, TxStatus::Posted);
    let stock = s.stock(Some("A"), Some("P1"), false, 10).await.unwrap();
    assert_eq!(stock[0].quantity, "95");
    let r = s
        .post(
            &env.admin,
            &PostRequest {
                kind: Some(TxKind::Issue),
                source: Some("A".into()),
                lines: vec![line("P1", 500)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.status, TxStatus::Rejected);
    assert!(
        r.reason
            .as_deref()
            .unwrap()
            .contains("only 95 of SKU P1 left at A"),
        "{r:?}"
    );
    // The journal follows the answers (and the test config has no grace period).
    s.settled().await;
    let report = s.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.violations);
}
