//! Cancel, lists, roles and bad input.

use crate::*;

pub(crate) async fn cancel_leaves_stock_alone(db: Db) {
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

pub(crate) async fn roles_and_bad_input(db: Db) {
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
    let neg = vec![LineRequest {
        code: "P1".into(),
        qty: Quantity(-1000),
        price: None,
    }];
    bad(
        s.count_scan(&clerk, &c.number, None, &neg)
            .await
            .unwrap_err(),
        "cannot be negative",
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
    assert!(parse_scan("P1:-1").is_err());
    assert_eq!(lines().await, before);
    // Zero is a count ("looked, none here"): the line is recorded at zero against the book.
    let zero = s
        .count_scan(&clerk, &c.number, None, &[parse_scan("0*P2").unwrap()])
        .await
        .unwrap();
    assert_eq!(zero[0].counted, Quantity(0));
    assert_eq!(lines().await, before + 1);
    assert_eq!(s.count_list(false).await.unwrap().len(), 1);
    assert_clean(&env).await;
}

pub(crate) async fn nothing_to_adjust_closes_without_documents(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    post(
        &env,
        req(TxKind::Receipt, None, Some("A"), vec![line("P1", 4)]),
    )
    .await;
    let moved = movements(&env).await;
    let c = s.count_start(a, &start("A", false, None)).await.unwrap();
    s.count_scan(a, &c.number, None, &scan("4*P1"))
        .await
        .unwrap();
    let rv = s
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
    assert!(rv.lines.is_empty(), "{rv:?}");
    let out = s.count_post(a, &c.number, true).await.unwrap();
    assert!(out.is_posted() && out.documents.is_empty(), "{out:?}");
    assert_eq!(movements(&env).await, moved);
    // Closed: still reviewable, no longer changed.
    assert_eq!(
        s.count_review(a, &c.number, &ReviewFilter::default())
            .await
            .unwrap()
            .lines
            .len(),
        1
    );
    let e = s
        .count_recount(a, &c.number, &[("A".into(), "P1".into())])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("closed and read-only"), "{e}");
    assert_clean(&env).await;
}
