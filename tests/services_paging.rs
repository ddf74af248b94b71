//! Keyset paging of the long lists (products in every order, stock rows, transactions) on
//! SQLite, PostgreSQL and MariaDB: walking forward page by page from the first row and backward
//! from the last gives exactly the list the database orders, ties in the sort column included;
//! a row added between two pages shows up once or not at all, never shifting the others.

mod common;

use common::backend::{Db, TestEnv, line, product};
use gudang::db::journal::{Header, TxnCursor, TxnFilter};
use gudang::db::keyset::Seek;
use gudang::db::location::StockCursor;
use gudang::db::master::{Product, ProductFilter, ProductSort};
use gudang::domain::TxKind;
use gudang::service::Services;
use gudang::service::catalog::{ProductInput, ProductQuery};
use gudang::service::locations::StockView;
use gudang::service::posting::PostRequest;
use gudang::service::stock_view::StockQuery;

/// Products with ties in every order but the SKU: three share a name and a price, two more
/// share another price.
async fn add_products(env: &TestEnv) {
    let (s, a) = (&env.services, &env.admin);
    let rows = [
        ("K-01", "bolt", "1.00"),
        ("K-02", "bolt", "1.00"),
        ("K-03", "bolt", "1.00"),
        ("K-04", "nut", "2.50"),
        ("K-05", "washer", "2.50"),
        ("K-06", "anchor", "9.00"),
        ("K-07", "rivet", "0.10"),
        ("K-08", "screw", "3.00"),
        ("K-09", "hinge", "4.00"),
        ("K-10", "latch", "4.50"),
    ];
    for (sku, name, price) in rows {
        let p = ProductInput {
            price: Some(price.into()),
            ..product(sku, name, None)
        };
        s.add_product(a, &p).await.unwrap();
    }
}

fn query(
    sort: ProductSort,
    desc: bool,
    filter: &ProductFilter,
    seek: Seek<Product>,
    limit: i64,
) -> ProductQuery {
    ProductQuery {
        text: None,
        filter: filter.clone(),
        sort,
        desc,
        limit,
        seek: seek.map(|p| sort.cursor(&p)),
    }
}

/// Every product of the view, in pages of `n` from the first row on.
async fn walk_forward(
    s: &Services,
    sort: ProductSort,
    desc: bool,
    f: &ProductFilter,
    n: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seek = Seek::First;
    loop {
        let page = s
            .search_products(&query(sort, desc, f, seek, n))
            .await
            .unwrap();
        out.extend(page.iter().map(|p| p.sku.clone()));
        match page.last() {
            Some(last) if page.len() as i64 == n => seek = Seek::After(last.clone()),
            _ => return out,
        }
        assert!(out.len() < 100, "pages never end");
    }
}

/// Every product of the view, in pages of `n` from the last row back.
async fn walk_backward(
    s: &Services,
    sort: ProductSort,
    desc: bool,
    f: &ProductFilter,
    n: i64,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seek = Seek::Last;
    loop {
        let page = s
            .search_products(&query(sort, desc, f, seek, n))
            .await
            .unwrap();
        let mut skus: Vec<String> = page.iter().map(|p| p.sku.clone()).collect();
        skus.append(&mut out);
        out = skus;
        match page.first() {
            Some(first) if page.len() as i64 == n => seek = Seek::Before(first.clone()),
            _ => return out,
        }
        assert!(out.len() < 100, "pages never end");
    }
}

async fn products_every_order_both_ways(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    add_products(&env).await;
    let s = &env.services;
    let hardware = s.list_categories().await.unwrap()[0].id.clone();
    s.set_product_active(&env.admin, "K-09", false)
        .await
        .unwrap();
    let filters = [
        ProductFilter::default(),
        ProductFilter {
            category_id: Some(hardware),
            active: Some(true),
        },
    ];
    for f in &filters {
        for sort in [
            ProductSort::Sku,
            ProductSort::Name,
            ProductSort::Price,
            ProductSort::Updated,
        ] {
            for desc in [false, true] {
                let all: Vec<String> = s
                    .search_products(&query(sort, desc, f, Seek::First, 1000))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|p| p.sku)
                    .collect();
                let want = if f.active == Some(true) { 9 } else { 10 };
                assert_eq!(all.len(), want, "{sort:?} {f:?}");
                let what = format!("{sort:?} desc={desc} {f:?}");
                for n in [1, 3, 4] {
                    assert_eq!(
                        walk_forward(s, sort, desc, f, n).await,
                        all,
                        "forward by {n}: {what}"
                    );
                    assert_eq!(
                        walk_backward(s, sort, desc, f, n).await,
                        all,
                        "backward by {n}: {what}"
                    );
                }
                // The last page by itself, and the page before it.
                let last = s
                    .search_products(&query(sort, desc, f, Seek::Last, 3))
                    .await
                    .unwrap();
                let skus: Vec<&str> = last.iter().map(|p| p.sku.as_str()).collect();
                assert_eq!(skus, all[all.len() - 3..], "{what}");
                let before = s
                    .search_products(&query(sort, desc, f, Seek::Before(last[0].clone()), 3))
                    .await
                    .unwrap();
                let skus: Vec<&str> = before.iter().map(|p| p.sku.as_str()).collect();
                assert_eq!(skus, all[all.len() - 6..all.len() - 3], "{what}");
            }
        }
    }
    // Ties: by price the three bolts at 1.00 come in id order, whichever way they are read.
    let by_price = walk_forward(s, ProductSort::Price, false, &filters[0], 2).await;
    let bolts: Vec<&String> = by_price
        .iter()
        .filter(|k| ["K-01", "K-02", "K-03"].contains(&k.as_str()))
        .collect();
    assert_eq!(bolts.len(), 3);
}

async fn products_row_added_between_pages(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    add_products(&env).await;
    let (s, a) = (&env.services, &env.admin);
    let f = ProductFilter::default();
    let first = s
        .search_products(&query(ProductSort::Name, false, &f, Seek::First, 4))
        .await
        .unwrap();
    let names: Vec<&str> = first.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["anchor", "bolt", "bolt", "bolt"]);
    // One product sorts before the page held, one after it, one ties with its last row.
    for (sku, name) in [("K-11", "aardvark"), ("K-12", "zipper"), ("K-13", "bolt")] {
        s.add_product(a, &product(sku, name, None)).await.unwrap();
    }
    let mut rest = Vec::new();
    let mut seek = Seek::After(first[3].clone());
    loop {
        let page = s
            .search_products(&query(ProductSort::Name, false, &f, seek, 4))
            .await
            .unwrap();
        rest.extend(page.iter().map(|p| p.sku.clone()));
        match page.last() {
            Some(l) if page.len() == 4 => seek = Seek::After(l.clone()),
            _ => break,
        }
    }
    let held: Vec<&str> = first.iter().map(|p| p.sku.as_str()).collect();
    for k in ["K-04", "K-05", "K-07", "K-08", "K-09", "K-10", "K-12"] {
        assert_eq!(
            rest.iter().filter(|r| *r == k).count(),
            1,
            "{k} once in {rest:?}"
        );
    }
    assert!(
        !rest.iter().any(|r| held.contains(&r.as_str())),
        "no row of the page held again"
    );
    assert!(
        !rest.contains(&"K-11".to_string()),
        "a row before the page is not shown after it"
    );
    // The new "bolt" ties with the page's last row: it follows it exactly when its id does.
    let bolt_13 = s.product_by_code("K-13").await.unwrap().unwrap();
    assert_eq!(rest.contains(&"K-13".to_string()), bolt_13.id > first[3].id);
}

async fn receive(s: &Services, env: &TestEnv, at: &str, skus: &[&str]) {
    let req = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some(at.into()),
        lines: skus.iter().map(|k| line(k, 3)).collect(),
        ..Default::default()
    };
    assert!(s.post(&env.admin, &req).await.unwrap().is_posted());
}

fn stock_query(seek: Seek<&StockView>, limit: i64) -> StockQuery {
    StockQuery {
        limit,
        seek: seek.map(|v| StockCursor {
            location_id: v.location_id.clone(),
            product_id: v.product_id.clone(),
        }),
        ..Default::default()
    }
}

fn key(v: &StockView) -> (String, String) {
    (v.location.clone(), v.sku.clone())
}

async fn stock_rows_both_ways(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(6).await;
    let s = &env.services;
    receive(s, &env, "A", &["P1", "P2", "P3", "P4", "P5"]).await;
    receive(s, &env, "B", &["P2", "P4", "P6"]).await;
    let all: Vec<(String, String)> = s
        .stock_page(&stock_query(Seek::First, 1000))
        .await
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(all.len(), 8);
    for n in [1, 3] {
        let mut fwd: Vec<StockView> = Vec::new();
        loop {
            let seek = fwd.last().map_or(Seek::First, Seek::After);
            let page = s.stock_page(&stock_query(seek, n)).await.unwrap();
            let done = (page.len() as i64) < n;
            fwd.extend(page);
            if done {
                break;
            }
        }
        assert_eq!(
            fwd.iter().map(key).collect::<Vec<_>>(),
            all,
            "forward by {n}"
        );
        let mut back: Vec<StockView> = Vec::new();
        loop {
            let seek = back.first().map_or(Seek::Last, Seek::Before);
            let mut page = s.stock_page(&stock_query(seek, n)).await.unwrap();
            let done = (page.len() as i64) < n;
            page.append(&mut back);
            back = page;
            if done {
                break;
            }
        }
        assert_eq!(
            back.iter().map(key).collect::<Vec<_>>(),
            all,
            "backward by {n}"
        );
    }
    // A row added after the first page was read is found once by the pages after it, or not
    // at all if it sorts before; the rows that were there are each seen once.
    let first = s.stock_page(&stock_query(Seek::First, 3)).await.unwrap();
    receive(s, &env, "B", &["P1", "P3"]).await;
    let mut rest: Vec<StockView> = Vec::new();
    loop {
        let seek = Seek::After(rest.last().unwrap_or(&first[2]));
        let page = s.stock_page(&stock_query(seek, 3)).await.unwrap();
        let done = page.len() < 3;
        rest.extend(page);
        if done {
            break;
        }
    }
    let mut seen: Vec<(String, String)> = first.iter().chain(&rest).map(key).collect();
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n, "no row twice");
    for k in &all {
        assert!(seen.contains(k), "{k:?} seen");
    }
    assert!((8..=10).contains(&n));
}

async fn headers(s: &Services, f: &TxnFilter, seek: Seek<&Header>, n: i64) -> Vec<Header> {
    s.transactions_page(f, seek.map(TxnCursor::of), Some(n))
        .await
        .unwrap()
}

async fn transactions_both_ways(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let s = &env.services;
    for i in 0..7 {
        receive(s, &env, if i % 2 == 0 { "A" } else { "B" }, &["P1"]).await;
    }
    let issue = PostRequest {
        kind: Some(TxKind::Issue),
        source: Some("A".into()),
        lines: vec![line("P1", 1)],
        ..Default::default()
    };
    assert!(s.post(&env.admin, &issue).await.unwrap().is_posted());
    let f = TxnFilter::default();
    let all: Vec<String> = headers(s, &f, Seek::First, 1000)
        .await
        .into_iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(all.len(), 8);
    assert!(all[0].starts_with("ISS-"), "newest first: {all:?}");
    for n in [1, 3] {
        let mut fwd: Vec<Header> = Vec::new();
        loop {
            let page = headers(s, &f, fwd.last().map_or(Seek::First, Seek::After), n).await;
            let done = (page.len() as i64) < n;
            fwd.extend(page);
            if done {
                break;
            }
        }
        assert_eq!(
            fwd.iter().map(|h| h.number.clone()).collect::<Vec<_>>(),
            all
        );
        let mut back: Vec<Header> = Vec::new();
        loop {
            let mut page = headers(s, &f, back.first().map_or(Seek::Last, Seek::Before), n).await;
            let done = (page.len() as i64) < n;
            page.append(&mut back);
            back = page;
            if done {
                break;
            }
        }
        assert_eq!(
            back.iter().map(|h| h.number.clone()).collect::<Vec<_>>(),
            all
        );
    }
    // By kind: the index on (kind, time, id) pages the receipts alone.
    let receipts = TxnFilter {
        kind: Some("receipt".into()),
        ..Default::default()
    };
    let last = headers(s, &receipts, Seek::Last, 2).await;
    let before = headers(s, &receipts, Seek::Before(&last[0]), 10).await;
    assert_eq!(before.len() + last.len(), 7);
    assert!(before.iter().chain(&last).all(|h| h.kind == "receipt"));
    // A document posted after the first page was read is newer than it: the pages after do
    // not show it, the first page read again does.
    let first = headers(s, &f, Seek::First, 3).await;
    receive(s, &env, "A", &["P2"]).await;
    let rest = headers(s, &f, Seek::After(&first[2]), 100).await;
    assert_eq!(rest.len(), 5);
    assert_eq!(headers(s, &f, Seek::First, 1).await[0].kind, "receipt");
    // The CLI's list skips rows by key, never by OFFSET.
    let skipped = s.list_transactions(&f, Some(2), 3).await.unwrap();
    let now: Vec<String> = headers(s, &f, Seek::First, 100)
        .await
        .into_iter()
        .map(|h| h.number)
        .collect();
    assert_eq!(
        skipped.iter().map(|h| h.number.clone()).collect::<Vec<_>>(),
        now[3..5]
    );
}

for_all_backends!(
    products_every_order_both_ways,
    products_row_added_between_pages,
    stock_rows_both_ways,
    transactions_both_ways
);
