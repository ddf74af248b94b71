//! Products, categories, units and product search, on SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line, product};
use gudang::Error;
use gudang::db::ShardName;
use gudang::db::master::{self, ProductFilter};
use gudang::domain::{Quantity, TxKind};
use gudang::service::catalog::ProductInput;
use gudang::service::posting::{LineRequest, PostRequest};

fn invalid(r: Result<impl std::fmt::Debug, Error>, needles: &[&str]) {
    match r {
        Err(Error::Invalid(m)) => {
            for n in needles {
                assert!(m.contains(n), "message {m:?} should mention {n:?}");
            }
        }
        other => panic!("expected Invalid mentioning {needles:?}, got {other:?}"),
    }
}

fn conflict(r: Result<impl std::fmt::Debug, Error>) {
    assert!(
        matches!(r, Err(Error::Conflict(_))),
        "expected a conflict, got {r:?}"
    );
}

async fn product_count(env: &TestEnv) -> i64 {
    env.int(
        ShardName::Master,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM products",
    )
    .await
}

async fn create_edit_deactivate(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    let p = s
        .add_product(&env.admin, &product("BLT-8", "Bolt M8", Some("8990001")))
        .await
        .unwrap();
    assert_eq!((p.price, p.min_qty, p.active), (250, 5000, 1));
    let views = s.product_views(std::slice::from_ref(&p)).await.unwrap();
    assert_eq!(views[0].price, "2.50");
    assert_eq!(views[0].min_qty, "5");
    assert_eq!(views[0].unit, "PCS");
    assert_eq!(views[0].category.as_deref(), Some("Hardware"));

    // Stock exists, so the edit must refresh the price mirror on the location shard.
    let receipt = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![line("BLT-8", 4)],
        ..Default::default()
    };
    assert!(s.post(&env.admin, &receipt).await.unwrap().is_posted());
    let mut edit = product("BLT-8", "Bolt M8 zinc", Some("8990001"));
    edit.price = Some("3.75".into());
    edit.min_qty = Some("2".into());
    let after = s.update_product(&env.admin, "bLt-8", &edit).await.unwrap();
    assert_eq!(
        (
            after.id.as_str(),
            after.name.as_str(),
            after.price,
            after.min_qty
        ),
        (p.id.as_str(), "Bolt M8 zinc", 375, 2000)
    );
    assert_eq!(after.created_at, p.created_at);
    let mirror = env
        .int(
            ShardName::Location,
            &format!("SELECT price FROM stock WHERE product_id = '{}'", p.id),
        )
        .await;
    assert_eq!(mirror, 375);

    let off = s
        .set_product_active(&env.admin, "8990001", false)
        .await
        .unwrap();
    assert_eq!(off.active, 0);
    assert_eq!(
        off.category_id, p.category_id,
        "deactivating keeps the category"
    );
    let active_only = ProductFilter {
        active: Some(true),
        ..Default::default()
    };
    assert_eq!(s.count_products(&active_only).await.unwrap(), 0);
    assert_eq!(
        s.count_products(&ProductFilter::default()).await.unwrap(),
        1
    );
    invalid(s.post(&env.admin, &receipt).await, &["inactive"]);
    s.set_product_active(&env.admin, "BLT-8", true)
        .await
        .unwrap();
    assert!(s.post(&env.admin, &receipt).await.unwrap().is_posted());
    assert!(matches!(
        s.update_product(&env.admin, "NOPE", &edit).await,
        Err(Error::NotFound(_))
    ));
}

async fn sku_and_barcode_uniqueness(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    let a = s
        .add_product(&env.admin, &product("ab-1", "First", Some("XyZ-123")))
        .await
        .unwrap();
    // SKUs are unique whatever their case; barcodes are matched exactly, as scanners send them.
    conflict(
        s.add_product(&env.admin, &product("AB-1", "Second", None))
            .await,
    );
    conflict(
        s.add_product(&env.admin, &product("ab-2", "Second", Some("XyZ-123")))
            .await,
    );
    let b = s
        .add_product(&env.admin, &product("ab-2", "Second", Some("xyz-123")))
        .await
        .unwrap();
    assert_eq!(product_count(&env).await, 2);
    // Products without a barcode do not collide with each other.
    s.add_product(&env.admin, &product("ab-3", "Third", None))
        .await
        .unwrap();
    s.add_product(&env.admin, &product("ab-4", "Fourth", Some("  ")))
        .await
        .unwrap();
    // Edits obey the same rules, and keeping one's own SKU is fine.
    conflict(
        s.update_product(
            &env.admin,
            "ab-2",
            &product("AB-1", "Second", Some("xyz-123")),
        )
        .await,
    );
    conflict(
        s.update_product(
            &env.admin,
            "ab-2",
            &product("ab-2", "Second", Some("XyZ-123")),
        )
        .await,
    );
    s.update_product(
        &env.admin,
        "ab-2",
        &product("AB-2", "Second, renamed", Some("xyz-123")),
    )
    .await
    .unwrap();
    // Lookups: SKU in any case, barcode exactly.
    assert_eq!(s.product_by_code(" AB-1 ").await.unwrap().unwrap().id, a.id);
    assert_eq!(
        s.product_by_code("XyZ-123").await.unwrap().unwrap().id,
        a.id
    );
    assert_eq!(
        s.product_by_code("xyz-123").await.unwrap().unwrap().id,
        b.id
    );
    assert!(s.product_by_code("XYZ-123").await.unwrap().is_none());
    // Categories and units are unique by name/code whatever the case.
    conflict(s.add_category(&env.admin, " hardware ").await);
    conflict(s.add_unit(&env.admin, "pcs", "More pieces", 0).await);
}

async fn unit_decimals(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    invalid(
        s.add_unit(&env.admin, "MG", "Milligram", 4).await,
        &["decimals"],
    );
    invalid(
        s.add_unit(&env.admin, "MG", "Milligram", -1).await,
        &["decimals"],
    );
    invalid(
        s.add_unit(&env.admin, "M G", "Milligram", 1).await,
        &["unit code"],
    );
    let mut whole = product("NAIL", "Nail", None);
    whole.min_qty = Some("1.5".into());
    invalid(
        s.add_product(&env.admin, &whole).await,
        &["min_qty", "whole number"],
    );
    let mut kg = product("SAND", "Sand", None);
    kg.unit = Some("kg".into());
    kg.min_qty = Some("1.25".into());
    let sand = s.add_product(&env.admin, &kg).await.unwrap();
    assert_eq!(sand.min_qty, 1250);
    kg.sku = "GRAVEL".into();
    kg.min_qty = Some("1.2345".into());
    invalid(
        s.add_product(&env.admin, &kg).await,
        &["min_qty", "3 decimal"],
    );
    whole.min_qty = None;
    s.add_product(&env.admin, &whole).await.unwrap();
    // Quantities in postings follow the unit too.
    let frac = |code: &str, milli: i64| PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![LineRequest {
            code: code.into(),
            qty: Quantity(milli),
            price: None,
        }],
        ..Default::default()
    };
    invalid(
        s.post(&env.admin, &frac("NAIL", 1500)).await,
        &["whole", "NAIL"],
    );
    assert!(
        s.post(&env.admin, &frac("SAND", 250))
            .await
            .unwrap()
            .is_posted()
    );
    let stock = s.stock(Some("A"), Some("SAND"), false, 10).await.unwrap();
    assert_eq!(stock[0].quantity, "0.25");
    invalid(
        s.add_product(
            &env.admin,
            &ProductInput {
                unit: Some("LITRE".into()),
                ..product("OIL", "Oil", None)
            },
        )
        .await,
        &["unknown unit"],
    );
}

async fn bad_prices_and_fields(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    for bad in ["-1", "abc", "1.234", "1,50", "12.5.0"] {
        let mut p = product("PRC", "Priced", None);
        p.price = Some(bad.into());
        invalid(s.add_product(&env.admin, &p).await, &["price"]);
    }
    let mut free = product("FREE", "Free sample", None);
    free.price = Some("  ".into());
    assert_eq!(s.add_product(&env.admin, &free).await.unwrap().price, 0);
    let mut p = product("WHOLE", "Whole price", None);
    p.price = Some("12".into());
    assert_eq!(s.add_product(&env.admin, &p).await.unwrap().price, 1200);
    // Every bad field is reported at once, each by name.
    let mut many = product("", "", None);
    many.price = Some("x".into());
    many.category = Some("Nope".into());
    invalid(
        s.add_product(&env.admin, &many).await,
        &["sku:", "name:", "price:", "category:"],
    );
    invalid(
        s.add_product(&env.admin, &product("A B", "Spaced", None))
            .await,
        &["sku"],
    );
    assert_eq!(
        product_count(&env).await,
        2,
        "refused products left no trace"
    );
}

async fn audit_log_of_master_changes(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(0).await;
    let s = &env.services;
    let p = s
        .add_product(&env.admin, &product("AUD-1", "Audited", None))
        .await
        .unwrap();
    s.update_product(
        &env.admin,
        "AUD-1",
        &product("AUD-1", "Audited twice", None),
    )
    .await
    .unwrap();
    let b = s.shards.master.backend();
    let log = s
        .shards
        .master
        .read(move |pool| {
            Box::pin(async move { master::list_audit(&pool, b, "master", 100).await })
        })
        .await
        .unwrap();
    let of_product: Vec<_> = log
        .iter()
        .filter(|e| e.entity == "product" && e.entity_id == p.id)
        .collect();
    assert_eq!(of_product.len(), 2, "{log:?}");
    let (update, create) = (of_product[0], of_product[1]);
    assert_eq!(
        (create.action.as_str(), update.action.as_str()),
        ("create", "update")
    );
    assert_eq!(update.actor, "admin@example.test");
    assert!(create.before_json.is_none());
    assert!(
        create
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"Audited\"")
    );
    assert!(
        update
            .before_json
            .as_deref()
            .unwrap()
            .contains("\"Audited\"")
    );
    assert!(
        update
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"Audited twice\"")
    );
    for (entity, action) in [
        ("unit", "create"),
        ("category", "create"),
        ("user", "create"),
    ] {
        assert!(
            log.iter().any(|e| e.entity == entity && e.action == action),
            "no {entity} {action} in {log:?}"
        );
    }
    // A refused change is not audited.
    let _ = s
        .add_product(&env.admin, &product("aud-1", "Duplicate", None))
        .await;
    let b = s.shards.master.backend();
    let again = s
        .shards
        .master
        .read(move |pool| {
            Box::pin(async move { master::list_audit(&pool, b, "master", 100).await })
        })
        .await
        .unwrap();
    assert_eq!(again.len(), log.len());
}

for_all_backends!(
    create_edit_deactivate,
    sku_and_barcode_uniqueness,
    unit_decimals,
    bad_prices_and_fields,
    audit_log_of_master_changes,
);
