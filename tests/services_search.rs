//! Product search (exact code, prefixes, substrings of any length, filters, browsing), on
//! SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, product};
use gudang::db::master::{ProductFilter, ProductSort};
use gudang::service::catalog::{ProductInput, ProductQuery};

async fn search(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    let a = &env.admin;
    s.add_category(a, "Fasteners").await.unwrap();
    let fast = |sku: &str, name: &str, barcode: Option<&str>| ProductInput {
        category: Some("Fasteners".into()),
        ..product(sku, name, barcode)
    };
    s.add_product(
        a,
        &fast("BLT-M8", "Bolt M8 stainless", Some("8991111111111")),
    )
    .await
    .unwrap();
    s.add_product(a, &fast("NUT-M8", "Nut M8", None))
        .await
        .unwrap();
    s.add_product(a, &product("WSH-1", "Washer flat", None))
        .await
        .unwrap();
    s.add_product(a, &product("TAPE-50", "50% off tape", None))
        .await
        .unwrap();
    s.add_product(a, &fast("HB-9", "Hex bolt long", None))
        .await
        .unwrap();
    s.set_product_active(a, "HB-9", false).await.unwrap();
    let find = |text: &str, filter: ProductFilter| {
        let q = ProductQuery {
            text: Some(text.into()),
            filter,
            limit: 50,
            ..Default::default()
        };
        async move {
            s.search_products(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.sku)
                .collect::<Vec<_>>()
        }
    };
    let all = ProductFilter::default;
    // Exact SKU (any case) and exact barcode come first.
    assert_eq!(
        find("blt-m8", all()).await.first().map(String::as_str),
        Some("BLT-M8")
    );
    assert_eq!(find("8991111111111", all()).await, ["BLT-M8"]);
    // SKU prefix and name prefix.
    assert_eq!(find("NUT", all()).await, ["NUT-M8"]);
    assert_eq!(find("wash", all()).await, ["WSH-1"]);
    // Substrings of the name: long needles through the index, short ones by scan.
    assert_eq!(find("stainl", all()).await, ["BLT-M8"]);
    let mut m8 = find("m8", all()).await;
    m8.sort();
    assert_eq!(m8, ["BLT-M8", "NUT-M8"]);
    let mut with_o = find("o", all()).await;
    with_o.sort();
    assert_eq!(with_o, ["BLT-M8", "HB-9", "TAPE-50"]);
    let mut bolts = find("bolt", all()).await;
    bolts.sort();
    assert_eq!(bolts, ["BLT-M8", "HB-9"]);
    // LIKE wildcards in the needle are taken literally.
    assert_eq!(find("%", all()).await, ["TAPE-50"]);
    assert_eq!(find("0% o", all()).await, ["TAPE-50"]);
    assert!(find("_", all()).await.is_empty());
    assert!(find("zzz", all()).await.is_empty());
    // Several words: each must be in the name, in any order, short ones too.
    assert_eq!(find("bolt stainless", all()).await, ["BLT-M8"]);
    assert_eq!(find("stainless  bolt", all()).await, ["BLT-M8"]);
    assert_eq!(find("m8 stainl", all()).await, ["BLT-M8"]);
    assert_eq!(find("hex long", all()).await, ["HB-9"]);
    assert_eq!(find("ut m8", all()).await, ["NUT-M8"]);
    assert!(find("bolt m9", all()).await.is_empty());
    assert!(find("washer bolt", all()).await.is_empty());
    // Filters.
    let active = ProductFilter {
        active: Some(true),
        ..Default::default()
    };
    assert_eq!(find("bolt", active.clone()).await, ["BLT-M8"]);
    let cat = s
        .list_categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Fasteners")
        .unwrap();
    let fasteners = ProductFilter {
        category_id: Some(cat.id.clone()),
        active: None,
    };
    let mut in_cat = find("m", fasteners.clone()).await;
    in_cat.sort();
    assert_eq!(in_cat, ["BLT-M8", "NUT-M8"]);
    assert!(find("tape", fasteners.clone()).await.is_empty());
    assert!(
        find("TAPE-50", fasteners).await.is_empty(),
        "an exact hit outside the filter is not shown"
    );
    // Browsing: sorted, filtered, counted, paged.
    let browse = |sort: ProductSort, desc: bool, filter: ProductFilter, offset: i64| ProductQuery {
        text: None,
        filter,
        sort,
        desc,
        limit: 2,
        offset,
    };
    let page: Vec<String> = s
        .search_products(&browse(ProductSort::Name, false, all(), 0))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(page, ["50% off tape", "Bolt M8 stainless"]);
    let page: Vec<String> = s
        .search_products(&browse(ProductSort::Sku, true, active.clone(), 1))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(page, ["TAPE-50", "NUT-M8"]);
    assert_eq!(s.count_products(&active).await.unwrap(), 4);
    let limited = ProductQuery {
        text: Some("o".into()),
        limit: 2,
        ..Default::default()
    };
    assert_eq!(s.search_products(&limited).await.unwrap().len(), 2);
}

async fn search_beyond_ascii(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_product(a, &product("KOPI-1", "Kopi Gayo Café Édition", None))
        .await
        .unwrap();
    s.add_product(a, &product("ÑAME-2", "Ñame root", None))
        .await
        .unwrap();
    s.add_product(a, &product("GULA-3", "Gula aren", None))
        .await
        .unwrap();
    let find = |text: &str| {
        let q = ProductQuery {
            text: Some(text.into()),
            limit: 50,
            ..Default::default()
        };
        async move {
            let mut v: Vec<String> = s
                .search_products(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.sku)
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(find("CAFÉ").await, ["KOPI-1"]);
    assert_eq!(find("é").await, ["KOPI-1"]);
    assert_eq!(find("fé éd").await, ["KOPI-1"]);
    assert_eq!(find("édition").await, ["KOPI-1"]);
    assert_eq!(find("ñame-2").await, ["ÑAME-2"]);
    assert_eq!(find("Ñ").await, ["ÑAME-2"]);
    assert_eq!(find("a").await, ["GULA-3", "KOPI-1", "ÑAME-2"]);
    assert!(find("cafe").await.is_empty(), "accents are not folded");
}

for_all_backends!(search, search_beyond_ascii);
