//! A count while the warehouse keeps posting: exact variances, items never scanned, one
//! count scanned by two clerks in two processes at once.

use crate::*;

pub(crate) async fn postings_during_the_count(db: Db) {
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

pub(crate) async fn uncounted_as_zero_with_children_and_category(db: Db) {
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

pub(crate) async fn clerks_scan_one_count_at_once(db: Db) {
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
