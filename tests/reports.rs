//! Reports on every backend: the stock card (balances equal stock, also while clerks post;
//! keyset paging both ways), the movement report (closing = opening + in - out, equal to the
//! valuation at the period's end; location and category filters), the valuation, reorder
//! suggestions with surplus elsewhere, the files they are written to, and bad input.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use common::backend::{Db, TestEnv, line};
use gudang::Error;
use gudang::domain::{Money, Quantity, TxKind};
use gudang::service::export::{Cell, Format};
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::service::reports::{
    CardPage, CardQuery, CardRow, LimitChange, MovementQuery, Period, ReorderQuery, StockCard,
    ValuationBy, ValuationQuery, today,
};

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
        partner: Some("PT Maju".into()),
        ..Default::default()
    }
}

async fn post(env: &TestEnv, r: PostRequest) -> String {
    env.post_ok(&r).await
}

/// Locations A (with A1 inside it) and B, products P1..P3, and some movements of P1 and P2.
async fn setup(db: Db) -> TestEnv {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    env.services
        .add_location(&env.admin, "A1", "Bin A1", Some("A"))
        .await
        .expect("A1");
    post(
        &env,
        req(
            TxKind::Receipt,
            None,
            Some("A"),
            vec![line("P1", 100), line("P2", 10)],
        ),
    )
    .await;
    post(
        &env,
        req(TxKind::Receipt, None, Some("A1"), vec![line("P1", 5)]),
    )
    .await;
    post(
        &env,
        req(TxKind::Issue, Some("A"), None, vec![line("P1", 30)]),
    )
    .await;
    post(
        &env,
        req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P1", 20)]),
    )
    .await;
    post(
        &env,
        req(TxKind::Transfer, Some("A"), Some("A1"), vec![line("P1", 7)]),
    )
    .await;
    post(
        &env,
        req(TxKind::Adjustment, Some("B"), None, vec![line("P1", 18)]),
    )
    .await;
    env
}

/// Stock of `sku` as the stock view shows it, summed over `locations` (all if empty).
async fn stock_of(env: &TestEnv, sku: &str, locations: &[&str]) -> i64 {
    env.services
        .stock(None, Some(sku), false, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|r| locations.is_empty() || locations.contains(&r.location.as_str()))
        .map(|r| r.quantity_milli)
        .sum()
}

fn card_query(sku: &str, location: Option<&str>, period: Period) -> CardQuery {
    let mut q = CardQuery::new(sku, period);
    q.location = location.map(Into::into);
    q
}

fn since_ever() -> Period {
    Period::new(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(), today()).unwrap()
}

/// The rows of a card carry their balances: each is the one before plus in minus out.
fn assert_chained(card: &StockCard, start: i64) -> i64 {
    let mut b = start;
    for r in &card.rows {
        b += r.qty_in.0 - r.qty_out.0;
        assert_eq!(r.balance.0, b, "row {r:?}");
    }
    b
}

async fn card_balances_equal_stock(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    for (loc, children, codes) in [
        (None, true, vec![]),
        (Some("A"), true, vec!["A", "A1"]),
        (Some("A"), false, vec!["A"]),
        (Some("B"), true, vec!["B"]),
        (Some("A1"), true, vec!["A1"]),
    ] {
        let mut q = card_query("P1", loc, since_ever());
        q.with_children = children;
        let card = s.stock_card(&q).await.unwrap();
        let want = stock_of(&env, "P1", &codes).await;
        assert_eq!(card.closing.0, want, "{loc:?} {children}");
        assert_eq!(card.stock_now.0, want);
        assert_eq!(
            card.opening.0, 0,
            "{loc:?}: nothing before the first posting"
        );
        assert!(!card.more_after && !card.more_before);
        assert_eq!(assert_chained(&card, 0), card.closing.0);
        assert_eq!(
            card.opening.0 + card.total_in.0 - card.total_out.0,
            card.closing.0
        );
    }
    // At A only: in 100, out 30 (issue) + 20 + 7 (transfers).
    let mut q = card_query("P1", Some("A"), since_ever());
    q.with_children = false;
    let card = s.stock_card(&q).await.unwrap();
    let kinds: Vec<(TxKind, i64, i64, String)> = card
        .rows
        .iter()
        .map(|r| {
            (
                r.kind,
                r.qty_in.0 / 1000,
                r.qty_out.0 / 1000,
                r.counterpart.clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (TxKind::Receipt, 100, 0, "PT Maju".to_string()),
            (TxKind::Issue, 0, 30, "PT Maju".to_string()),
            (TxKind::Transfer, 0, 20, "B".to_string()),
            (TxKind::Transfer, 0, 7, "A1".to_string()),
        ]
    );
    assert_eq!(card.closing, Quantity::units(43));
    // B: the transfer in (20), then the count set it to 18 (out 2).
    let card = s
        .stock_card(&card_query("P1", Some("B"), since_ever()))
        .await
        .unwrap();
    let b: Vec<(i64, i64, i64)> = card
        .rows
        .iter()
        .map(|r| (r.qty_in.0, r.qty_out.0, r.balance.0))
        .collect();
    assert_eq!(b, vec![(20_000, 0, 20_000), (0, 2_000, 18_000)]);
    // By barcode, and a period that ended before anything: empty, all zero.
    let yesterday = today().pred_opt().unwrap();
    let card = s
        .stock_card(&card_query(
            "8990000001",
            None,
            Period::new(yesterday, yesterday).unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!((card.opening.0, card.closing.0, card.rows.len()), (0, 0, 0));
    assert_eq!(card.stock_now.0, stock_of(&env, "P1", &[]).await);
    // A product never moved.
    let card = s
        .stock_card(&card_query("P3", None, since_ever()))
        .await
        .unwrap();
    assert_eq!((card.closing.0, card.rows.len()), (0, 0));
}

/// Pages of `limit` rows forward from the first and backward from the last give the rows of
/// the whole card, in order, with the same balances.
async fn card_pages_by_key(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    for i in 0..9 {
        post(
            &env,
            req(
                TxKind::Receipt,
                None,
                Some("A"),
                vec![line("P1", i + 1), line("P2", 1)],
            ),
        )
        .await;
    }
    let mut q = card_query("P1", None, since_ever());
    q.limit = 1000;
    let whole = s.stock_card(&q).await.unwrap();
    assert!(whole.rows.len() >= 15, "{}", whole.rows.len());
    for limit in [1, 2, 4, 7] {
        q.limit = limit;
        q.page = CardPage::First;
        let mut fwd: Vec<CardRow> = Vec::new();
        loop {
            let page = s.stock_card(&q).await.unwrap();
            assert!(page.rows.len() <= limit);
            assert_eq!(page.more_before, !fwd.is_empty());
            fwd.extend(page.rows.iter().cloned());
            if !page.more_after {
                break;
            }
            q.page = CardPage::After(page.rows.last().unwrap().cursor());
        }
        assert_eq!(fwd, whole.rows, "forward by {limit}");
        q.page = CardPage::Last;
        let mut back: Vec<CardRow> = Vec::new();
        loop {
            let page = s.stock_card(&q).await.unwrap();
            let mut rows = page.rows.clone();
            rows.extend(back);
            back = rows;
            if !page.more_before {
                break;
            }
            q.page = CardPage::Before(page.rows.first().unwrap().cursor());
        }
        assert_eq!(back, whole.rows, "backward by {limit}");
    }
    q.limit = 0;
    assert!(matches!(s.stock_card(&q).await, Err(Error::Invalid(_))));
}

/// Clerks post receipts, issues and transfers of P1 between A and B while the card is read
/// over and over: every card, read in its own snapshot, starts from zero before the first
/// posting and ends at its snapshot's stock, its rows adding up between the two.
async fn card_equals_stock_while_clerks_post(db: Db) {
    let env = setup(db).await;
    let s = env.services.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clerks = Vec::new();
    for c in 0..3u64 {
        let (s, a, stop) = (s.clone(), env.admin.clone(), stop.clone());
        clerks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) && n < 400 {
                let r = match (n + c) % 3 {
                    0 => req(
                        TxKind::Receipt,
                        None,
                        Some("A"),
                        vec![line("P1", 3), line("P2", 1)],
                    ),
                    1 => req(TxKind::Issue, Some("A"), None, vec![line("P1", 1)]),
                    _ => req(TxKind::Transfer, Some("A"), Some("B"), vec![line("P1", 1)]),
                };
                // A rejection (not enough left) is a fine outcome too.
                s.post(&a, &r).await.expect("post");
                n += 1;
            }
        }));
    }
    let mut reads = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while reads < 25 && tokio::time::Instant::now() < deadline {
        for loc in [None, Some("A"), Some("B")] {
            let mut q = card_query("P1", loc, since_ever());
            q.limit = 1000;
            let card = s.stock_card(&q).await.unwrap();
            assert_eq!(card.opening.0, 0, "{loc:?} read {reads}: {card:?}");
            assert_eq!(card.closing, card.stock_now);
            if !card.more_after {
                assert_eq!(assert_chained(&card, 0), card.closing.0);
            }
        }
        reads += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for c in clerks {
        c.await.unwrap();
    }
    for (loc, codes) in [
        (None, vec![]),
        (Some("A"), vec!["A", "A1"]),
        (Some("B"), vec!["B"]),
    ] {
        let card = s
            .stock_card(&card_query("P1", loc, since_ever()))
            .await
            .unwrap();
        assert_eq!(
            card.closing.0,
            stock_of(&env, "P1", &codes).await,
            "{loc:?}"
        );
    }
}

fn days_ago(n: i64) -> NaiveDate {
    today() - chrono::Duration::days(n)
}

/// The numbers of the documents `setup` posted, in order.
const SETUP_DOCS: [&str; 6] = [
    "RCV-{Y}-000001",
    "RCV-{Y}-000002",
    "ISS-{Y}-000001",
    "TRF-{Y}-000001",
    "TRF-{Y}-000002",
    "ADJ-{Y}-000001",
];

fn doc(i: usize) -> String {
    SETUP_DOCS[i].replace("{Y}", &today().format("%Y").to_string())
}

async fn movement_report_adds_up_and_equals_valuation(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    // The first receipt 40 days ago, the issue 20 days ago; the rest today.
    env.backdate(&doc(0), 40).await;
    env.backdate(&doc(2), 20).await;
    // The daily summaries keep every line on today, so the periods that end before today are
    // summed from the beginning of the journal and the others back from the stock: both ways
    // are checked against the same expectations and against each other.
    let periods = [
        Period::new(days_ago(45), days_ago(30)).unwrap(),
        Period::new(days_ago(25), days_ago(10)).unwrap(),
        Period::new(days_ago(5), today()).unwrap(),
        Period::new(days_ago(60), today()).unwrap(),
    ];
    for period in periods {
        for (location, by_location) in [(None, false), (Some("A"), true), (Some("B"), false)] {
            let mut q = MovementQuery::new(period);
            q.location = location.map(Into::into);
            q.by_location = by_location;
            let r = s.movement_report(&q).await.unwrap();
            assert!(r.exact);
            for row in &r.rows {
                assert_eq!(
                    row.opening.0 + row.qty_in.0 - row.qty_out.0,
                    row.closing.0,
                    "{period:?} {location:?} {row:?}"
                );
                assert_eq!(row.qty_in, row.flows.qty_in());
            }
            let t = &r.totals;
            assert_eq!(t.opening.0 + t.qty_in.0 - t.qty_out.0, t.closing.0);
            assert_eq!(t.rows as usize, r.rows.len());
            // The closing equals the valuation at the period's end, by product and in total.
            let mut vq = ValuationQuery::new(period.to, ValuationBy::Product);
            vq.location = location.map(Into::into);
            let v = s.valuation(&vq).await.unwrap();
            assert_eq!(v.total_quantity, t.closing, "{period:?} {location:?}");
            assert_eq!(v.total_value, t.closing_value, "{period:?} {location:?}");
            for row in r.rows.iter().filter(|r| r.closing.0 != 0) {
                let vrow = v.rows.iter().find(|v| v.key == row.sku).unwrap();
                if !by_location {
                    assert_eq!(vrow.quantity, row.closing, "{}", row.sku);
                }
            }
            for by in [ValuationBy::Location, ValuationBy::Category] {
                vq.by = by;
                let v2 = s.valuation(&vq).await.unwrap();
                assert_eq!(
                    (v2.total_quantity, v2.total_value),
                    (v.total_quantity, v.total_value)
                );
            }
        }
    }
    // 45 to 30 days ago: only the first receipt.
    let r = s
        .movement_report(&MovementQuery::new(periods[0]))
        .await
        .unwrap();
    let p1 = r.rows.iter().find(|r| r.sku == "P1").unwrap();
    assert_eq!(
        (
            p1.opening.0,
            p1.flows.received.0,
            p1.qty_out.0,
            p1.closing.0
        ),
        (0, 100_000, 0, 100_000)
    );
    assert_eq!(p1.closing_value, Money(25_000));
    // 25 to 10 days ago: the issue of 30.
    let r = s
        .movement_report(&MovementQuery::new(periods[1]))
        .await
        .unwrap();
    let p1 = r.rows.iter().find(|r| r.sku == "P1").unwrap();
    assert_eq!(
        (p1.opening.0, p1.flows.issued.0, p1.closing.0),
        (100_000, 30_000, 70_000)
    );
    // The last days end at today's stock, per product and location.
    let mut q = MovementQuery::new(periods[2]);
    q.by_location = true;
    let r = s.movement_report(&q).await.unwrap();
    for row in &r.rows {
        let loc = row.location.clone().unwrap();
        assert_eq!(
            row.closing.0,
            stock_of(&env, &row.sku, &[&loc]).await,
            "{row:?}"
        );
    }
    let a = r
        .rows
        .iter()
        .find(|r| r.sku == "P1" && r.location.as_deref() == Some("A"))
        .unwrap();
    assert_eq!(
        (a.opening.0, a.flows.transfer_out.0, a.closing.0),
        (70_000, 27_000, 43_000)
    );
    let b = r
        .rows
        .iter()
        .find(|r| r.sku == "P1" && r.location.as_deref() == Some("B"))
        .unwrap();
    assert_eq!(
        (b.flows.transfer_in.0, b.flows.adjusted_out.0, b.closing.0),
        (20_000, 2_000, 18_000)
    );
    // The day chart spreads the same flows over the days.
    let mut q = MovementQuery::new(periods[3]);
    q.location = Some("A".into());
    let days = s.movement_by_day(&q).await.unwrap();
    assert_eq!(days.len() as i64, periods[3].days());
    let r = s.movement_report(&q).await.unwrap();
    assert_eq!(
        days.iter().map(|d| d.qty_in.0).sum::<i64>(),
        r.totals.qty_in.0
    );
    assert_eq!(
        days.iter().map(|d| d.qty_out.0).sum::<i64>(),
        r.totals.qty_out.0
    );
    assert_eq!(
        days.iter()
            .find(|d| d.day == days_ago(40))
            .unwrap()
            .qty_in
            .0,
        110_000
    );
}

async fn report_filters_location_and_category(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    s.add_category(&env.admin, "Tools").await.unwrap();
    let mut t = common::backend::product("T1", "Hammer", None);
    t.category = Some("Tools".into());
    s.add_product(&env.admin, &t).await.unwrap();
    post(
        &env,
        req(TxKind::Receipt, None, Some("A1"), vec![line("T1", 4)]),
    )
    .await;
    let period = Period::new(days_ago(3), today()).unwrap();
    let mut q = MovementQuery::new(period);
    let all = s.movement_report(&q).await.unwrap();
    let skus: Vec<&str> = all.rows.iter().map(|r| r.sku.as_str()).collect();
    assert_eq!(skus, ["P1", "P2", "T1"]);
    q.category = Some("tools".into());
    let tools = s.movement_report(&q).await.unwrap();
    assert_eq!(tools.rows.len(), 1);
    assert_eq!(
        (tools.rows[0].sku.as_str(), tools.rows[0].category.as_str()),
        ("T1", "Tools")
    );
    q.category = Some("Hardware".into());
    let hw = s.movement_report(&q).await.unwrap();
    assert_eq!(
        hw.rows.iter().map(|r| r.sku.as_str()).collect::<Vec<_>>(),
        ["P1", "P2"]
    );
    // A with its child A1, by location; B alone.
    q.category = None;
    q.location = Some("A".into());
    q.by_location = true;
    let a = s.movement_report(&q).await.unwrap();
    let keys: Vec<(&str, &str)> = a
        .rows
        .iter()
        .map(|r| (r.sku.as_str(), r.location.as_deref().unwrap()))
        .collect();
    assert_eq!(keys, [("P1", "A"), ("P1", "A1"), ("P2", "A"), ("T1", "A1")]);
    q.location = Some("B".into());
    let b = s.movement_report(&q).await.unwrap();
    assert_eq!(b.rows.len(), 1);
    assert_eq!(b.rows[0].location.as_deref(), Some("B"));
    // Unknown names are refused with what was not found.
    q.location = Some("NOPE".into());
    let e = s.movement_report(&q).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e}");
    assert!(e.to_string().contains("NOPE"));
    q.location = None;
    q.category = Some("Nothing".into());
    assert!(matches!(
        s.movement_report(&q).await,
        Err(Error::NotFound(_))
    ));
    let mut vq = ValuationQuery::new(today(), ValuationBy::Category);
    let v = s.valuation(&vq).await.unwrap();
    let cats: Vec<&str> = v.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(cats, ["Hardware", "Tools"]);
    vq.by = ValuationBy::Location;
    vq.location = Some("A".into());
    let v = s.valuation(&vq).await.unwrap();
    let locs: Vec<(&str, u64)> = v.rows.iter().map(|r| (r.key.as_str(), r.items)).collect();
    assert_eq!(locs, [("A", 2), ("A1", 2)]);
}

async fn reorder_suggests_up_to_the_maximum_and_finds_surplus(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    let (a, set) = (&env.admin, LimitChange::Set);
    // P2: 10 at A; B receives 40 and may hold 15 at most; C receives 12 with no maximum.
    s.add_location(a, "C", "Warehouse C", None).await.unwrap();
    post(
        &env,
        req(TxKind::Receipt, None, Some("B"), vec![line("P2", 40)]),
    )
    .await;
    post(
        &env,
        req(TxKind::Receipt, None, Some("C"), vec![line("P2", 12)]),
    )
    .await;
    let l = s
        .set_stock_limits(
            a,
            "A",
            "P2",
            set(Quantity::units(12)),
            set(Quantity::units(30)),
        )
        .await
        .unwrap();
    assert_eq!(
        (l.min, l.max, l.quantity),
        (
            Quantity::units(12),
            Some(Quantity::units(30)),
            Quantity::units(10)
        )
    );
    s.set_stock_limits(a, "B", "P2", LimitChange::Keep, set(Quantity::units(15)))
        .await
        .unwrap();
    // A limit on a row that never held stock makes the row.
    let l = s
        .set_stock_limits(a, "B", "P3", set(Quantity::units(2)), LimitChange::Keep)
        .await
        .unwrap();
    assert_eq!(
        (l.quantity, l.min_override),
        (Quantity(0), Some(Quantity::units(2)))
    );

    let r = s.reorder(&ReorderQuery::default()).await.unwrap();
    let keys: Vec<(&str, &str)> = r
        .rows
        .iter()
        .map(|r| (r.location.as_str(), r.sku.as_str()))
        .collect();
    // P1 at A1: 12 (5 + 7) above its default minimum 5; B's P3: 0 at its minimum 2.
    assert_eq!(keys, [("A", "P2"), ("B", "P3")]);
    let p2 = &r.rows[0];
    assert_eq!(
        (p2.suggested, p2.min, p2.max),
        (
            Quantity::units(20),
            Quantity::units(12),
            Some(Quantity::units(30))
        )
    );
    assert_eq!(p2.suggested_value, Money(5000));
    assert_eq!(p2.surplus.len(), 1, "C has no maximum: no surplus");
    assert_eq!(
        (p2.surplus[0].location.as_str(), p2.surplus[0].available),
        ("B", Quantity::units(25))
    );
    let p3 = &r.rows[1];
    assert_eq!((p3.suggested, p3.max), (Quantity::units(4), None));
    assert_eq!(r.total_suggested_value, Money(5000 + 1000));
    // Scoped to B; and by category.
    let r = s
        .reorder(&ReorderQuery {
            location: Some("B".into()),
            category: None,
        })
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].sku, "P3");
    let r = s
        .reorder(&ReorderQuery {
            location: None,
            category: Some("Hardware".into()),
        })
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 2);

    // Clearing: the minimum back to the product's (5), the maximum gone.
    let l = s
        .set_stock_limits(a, "A", "P2", LimitChange::Clear, LimitChange::Clear)
        .await
        .unwrap();
    assert_eq!(
        (l.min, l.min_override, l.max),
        (Quantity::units(5), None, None)
    );
    // Refused, and nothing changes: a maximum below the minimum, a fraction of a whole unit,
    // an unknown location or product, a clerk.
    let before = s.reorder(&ReorderQuery::default()).await.unwrap();
    let e = s
        .set_stock_limits(
            a,
            "B",
            "P2",
            set(Quantity::units(20)),
            set(Quantity::units(3)),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("below its minimum"), "{e}");
    let e = s
        .set_stock_limits(a, "B", "P2", set(Quantity(1500)), LimitChange::Keep)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("decimal"), "{e}");
    assert!(matches!(
        s.set_stock_limits(a, "NOPE", "P2", set(Quantity(0)), LimitChange::Keep)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        s.set_stock_limits(a, "A", "NOPE", set(Quantity(0)), LimitChange::Keep)
            .await,
        Err(Error::NotFound(_))
    ));
    let clerk = env.user(gudang::domain::Role::Clerk, 1).await;
    assert!(matches!(
        s.set_stock_limits(&clerk, "A", "P2", set(Quantity(0)), LimitChange::Keep)
            .await,
        Err(Error::Denied { .. })
    ));
    assert_eq!(s.reorder(&ReorderQuery::default()).await.unwrap(), before);
    // Postings keep the limits (they touch quantity and the product mirror only).
    post(
        &env,
        req(TxKind::Issue, Some("B"), None, vec![line("P2", 20)]),
    )
    .await;
    let r = s
        .reorder(&ReorderQuery {
            location: Some("B".into()),
            category: None,
        })
        .await
        .unwrap();
    assert!(
        r.rows.iter().all(|r| r.sku != "P2"),
        "B's P2 is 20, above its minimum 5"
    );
    let r = s.reorder(&ReorderQuery::default()).await.unwrap();
    let a_p2 = r
        .rows
        .iter()
        .find(|r| r.location == "A")
        .map(|r| r.sku.clone());
    assert_eq!(
        a_p2, None,
        "A's P2 is 10, above its default minimum 5 again"
    );
    let v = s
        .valuation(&ValuationQuery::new(today(), ValuationBy::Location))
        .await
        .unwrap();
    assert!(v.rows.iter().any(|r| r.key == "C"));
}

async fn reports_write_readable_files(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    let dir = tempfile::tempdir().unwrap();
    let period = Period::new(days_ago(1), today()).unwrap();
    let report = s
        .movement_report(&MovementQuery::new(period))
        .await
        .unwrap();
    let csv = dir.path().join("mutasi.csv");
    report.table().write(&csv, Format::Csv).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("SKU,Name,Category,Unit,Opening,Received,Issued"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("P1,Product 1,Hardware,PCS,0,105,30,"),
        "{text}"
    );
    assert!(lines[3].starts_with("Total (2 rows),"), "{text}");
    let xlsx = dir.path().join("mutasi.xlsx");
    report.table().write(&xlsx, Format::Xlsx).unwrap();
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    assert!(String::from_utf8_lossy(&bytes).contains("xl/worksheets/sheet1.xml"));
    let json = dir.path().join("mutasi.json");
    report.table().write(&json, Format::Json).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["totals"]["closing"], report.totals.closing.to_string());
    // The whole card, valuation and reorder tables too.
    let card = s
        .stock_card_whole(&card_query("P1", None, since_ever()))
        .await
        .unwrap();
    let t = card.table();
    assert_eq!(t.rows.len(), card.rows.len() + 1, "opening row first");
    assert_eq!(t.totals.as_ref().unwrap()[7], Cell::Qty(card.closing));
    t.write(&dir.path().join("kartu.xlsx"), Format::Xlsx)
        .unwrap();
    let v = s
        .valuation(&ValuationQuery::new(today(), ValuationBy::Category))
        .await
        .unwrap();
    v.table()
        .write(&dir.path().join("nilai.csv"), Format::Csv)
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join("nilai.csv")).unwrap();
    assert_eq!(text.lines().next(), Some("Category,Items,Quantity,Value"));
    // A folder that does not exist: refused, nothing written anywhere.
    let e = report
        .table()
        .write(&dir.path().join("no").join("x.csv"), Format::Csv)
        .unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
}

async fn bad_input_is_refused(db: Db) {
    let env = setup(db).await;
    let s = &env.services;
    assert!(matches!(
        Period::parse(Some("2026-02-30"), None),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Period::parse(Some("2026-03-02"), Some("2026-03-01")),
        Err(Error::Invalid(_))
    ));
    let mut q = card_query("NOPE", None, since_ever());
    assert!(matches!(s.stock_card(&q).await, Err(Error::NotFound(_))));
    q.product = "  ".into();
    assert!(matches!(s.stock_card(&q).await, Err(Error::Invalid(_))));
    let mut q = card_query("P1", Some("ZZ"), since_ever());
    assert!(matches!(s.stock_card(&q).await, Err(Error::NotFound(_))));
    q.location = None;
    q.limit = 1001;
    assert!(matches!(s.stock_card(&q).await, Err(Error::Invalid(_))));
    let mut vq = ValuationQuery::new(today(), ValuationBy::Location);
    vq.category = Some("None such".into());
    assert!(matches!(s.valuation(&vq).await, Err(Error::NotFound(_))));
    assert!("colour".parse::<ValuationBy>().is_err());
    let mut mq = MovementQuery::new(since_ever());
    mq.location = Some("ZZ".into());
    assert!(matches!(
        s.movement_by_day(&mq).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        s.reorder(&ReorderQuery {
            location: Some("ZZ".into()),
            category: None
        })
        .await,
        Err(Error::NotFound(_))
    ));
}

for_all_backends!(
    card_balances_equal_stock,
    card_pages_by_key,
    card_equals_stock_while_clerks_post,
    movement_report_adds_up_and_equals_valuation,
    report_filters_location_and_category,
    reorder_suggests_up_to_the_maximum_and_finds_surplus,
    reports_write_readable_files,
    bad_input_is_refused,
);
