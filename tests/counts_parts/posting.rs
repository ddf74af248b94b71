//! Posting a count: interrupted after some documents then finished, short stock refused
//! before posting or rejected while posting, then finished.

use crate::*;

pub(crate) async fn post_interrupted_then_finished(db: Db) {
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

pub(crate) async fn short_stock_is_refused_or_rejected(db: Db) {
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
