//! Product search (exact code, prefixes, substrings of any length, filters, browsing), on
//! SQLite, PostgreSQL and MariaDB.

mod common;

use common::backend::{Db, TestEnv, product};
use gudang::db::keyset::Seek;
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
    let browse = |sort: ProductSort, desc: bool, filter: ProductFilter, seek| ProductQuery {
        text: None,
        filter,
        sort,
        desc,
        limit: 2,
        seek,
    };
    let page: Vec<String> = s
        .search_products(&browse(ProductSort::Name, false, all(), Seek::First))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(page, ["50% off tape", "Bolt M8 stainless"]);
    // The next page is asked for after the first row (keyset paging).
    let first = s
        .search_products(&browse(ProductSort::Sku, true, active.clone(), Seek::First))
        .await
        .unwrap()
        .remove(0);
    let page: Vec<String> = s
        .search_products(&browse(
            ProductSort::Sku,
            true,
            active.clone(),
            Seek::After(ProductSort::Sku.cursor(&first)),
        ))
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

/// Edges a trigram index must get right (on MariaDB, gudang's own trigram table kept by
/// triggers): a word of exactly three characters, windows across a space that are no word,
/// trigrams that are all there but not in one piece, characters of four bytes, LIKE's
/// wildcards inside long words, and names changed after they were indexed (one product, and
/// several through a CSV import).
async fn search_edges(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let (s, a) = (&env.services, &env.admin);
    for (sku, name) in [
        ("BAN-1", "Ban dalam"),
        ("BAN-2", "Bandalam"),
        ("ANA-1", "Ananas ana ana"),
        ("ABC-1", "abcd bcde"),
        ("TEH-1", "Teh\u{1F375}hijau"),
        ("DSK-1", "Diskon 50%_x"),
        ("DSK-2", "Diskon 50ab_x"),
        ("DSK-3", "Diskon 500_x"),
    ] {
        s.add_product(a, &product(sku, name, None)).await.unwrap();
    }
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
    // Exactly three characters: one trigram.
    assert_eq!(find("ana").await, ["ANA-1"]);
    assert_eq!(find("dal").await, ["BAN-1", "BAN-2"]);
    assert_eq!(find("ana ana").await, ["ANA-1"]);
    // Across a space: "ban dalam" holds "n d", never "nda".
    assert_eq!(find("nda").await, ["BAN-2"]);
    assert_eq!(find("bandal").await, ["BAN-2"]);
    assert_eq!(find("ban dal").await, ["BAN-1", "BAN-2"]);
    assert!(find("naa").await.is_empty());
    // Every trigram of "abcde" is in "abcd bcde", the word is not.
    assert!(find("abcde").await.is_empty());
    assert_eq!(find("bcde").await, ["ABC-1"]);
    // Four-byte characters count as one.
    assert_eq!(find("h\u{1F375}h").await, ["TEH-1"]);
    assert_eq!(find("\u{1F375}").await, ["TEH-1"]);
    assert_eq!(find("\u{1F375}hijau").await, ["TEH-1"]);
    // LIKE's wildcards are literal in long words too.
    assert_eq!(find("50%_x").await, ["DSK-1"]);
    assert_eq!(find("%_x").await, ["DSK-1"]);
    assert_eq!(find("0_x").await, ["DSK-3"]);
    assert_eq!(find("_x").await, ["DSK-1", "DSK-2", "DSK-3"]);
    assert!(find("50_").await.is_empty());
    // A renamed product is found by its new name only.
    s.update_product(a, "BAN-2", &product("BAN-2", "Roda karet", None))
        .await
        .unwrap();
    assert_eq!(find("dal").await, ["BAN-1"]);
    assert!(find("bandal").await.is_empty());
    assert_eq!(find("karet").await, ["BAN-2"]);
    // A CSV import renames some and adds others, in bulk.
    let csv =
        "sku,name,unit\nANA-1,Melon madu,PCS\nNEW-1,Kopi tubruk ana,PCS\nNEW-2,Kopi susu,PCS\n";
    s.import_products(a, csv.as_bytes()).await.unwrap();
    assert_eq!(find("ananas").await, Vec::<String>::new());
    assert_eq!(find("madu").await, ["ANA-1"]);
    assert_eq!(find("nas").await, Vec::<String>::new());
    assert_eq!(find("ruk").await, ["NEW-1"]);
    assert_eq!(find("kopi").await, ["NEW-1", "NEW-2"]);
    assert_eq!(find("tubruk kop").await, ["NEW-1"]);
    // A page stops at its limit.
    let page = ProductQuery {
        text: Some("kopi".into()),
        limit: 1,
        ..Default::default()
    };
    assert_eq!(s.search_products(&page).await.unwrap().len(), 1);
}

for_all_backends!(search, search_beyond_ascii, search_edges);
