//! Locations (nesting, cycles, unique codes, audit) and stock views, on SQLite and on
//! PostgreSQL.

mod common;

use common::backend::{Db, TestEnv, line};
use gudang::Error;
use gudang::db::master;
use gudang::domain::TxKind;
use gudang::service::posting::PostRequest;

async fn nesting(db: Db) {
    let env = TestEnv::new(db).await;
    let (s, a) = (&env.services, &env.admin);
    let wh = s
        .add_location(a, "GDG", "Gudang utama", None)
        .await
        .unwrap();
    let zone = s
        .add_location(a, "GDG-Z1", "Zona 1", Some("gdg"))
        .await
        .unwrap();
    let bin = s
        .add_location(a, "GDG-Z1-B1", "Rak 1", Some(" GDG-Z1 "))
        .await
        .unwrap();
    assert_eq!(wh.parent_id, None);
    assert_eq!(zone.parent_id.as_deref(), Some(wh.id.as_str()));
    assert_eq!(bin.parent_id.as_deref(), Some(zone.id.as_str()));
    assert!(matches!(
        s.add_location(a, "X", "Nowhere", Some("NOPE")).await,
        Err(Error::NotFound(_))
    ));
    let codes: Vec<String> = s
        .list_locations()
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.code)
        .collect();
    assert_eq!(codes, ["GDG", "GDG-Z1", "GDG-Z1-B1"]);
    // A bin moves to the top level, then back under another zone.
    s.add_location(a, "GDG-Z2", "Zona 2", Some("GDG"))
        .await
        .unwrap();
    let moved = s
        .update_location(a, "GDG-Z1-B1", None, Some(None), None)
        .await
        .unwrap();
    assert_eq!(moved.parent_id, None);
    let moved = s
        .update_location(
            a,
            "GDG-Z1-B1",
            Some("Rak 1 (pindah)"),
            Some(Some("GDG-Z2")),
            None,
        )
        .await
        .unwrap();
    assert_eq!(moved.name, "Rak 1 (pindah)");
    assert_eq!(
        s.location("gdg-z1-b1").await.unwrap().parent_id,
        moved.parent_id
    );
}

async fn no_cycles(db: Db) {
    let env = TestEnv::new(db).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_location(a, "W", "Warehouse", None).await.unwrap();
    s.add_location(a, "W-Z", "Zone", Some("W")).await.unwrap();
    s.add_location(a, "W-Z-B", "Bin", Some("W-Z"))
        .await
        .unwrap();
    for parent in ["W", "W-Z", "W-Z-B"] {
        let r = s
            .update_location(a, "W", None, Some(Some(parent)), None)
            .await;
        assert!(
            matches!(&r, Err(Error::Invalid(m)) if m.contains("inside itself")),
            "W under {parent}: {r:?}"
        );
    }
    let r = s
        .update_location(a, "W-Z", None, Some(Some("W-Z-B")), None)
        .await;
    assert!(matches!(r, Err(Error::Invalid(_))), "{r:?}");
    assert_eq!(
        s.location("W").await.unwrap().parent_id,
        None,
        "refused moves change nothing"
    );
}

async fn unique_codes(db: Db) {
    let env = TestEnv::new(db).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_location(a, "Gdg-A", "A", None).await.unwrap();
    for dup in ["GDG-A", "gdg-a", " Gdg-A "] {
        let r = s.add_location(a, dup, "Again", None).await;
        assert!(
            matches!(&r, Err(Error::Conflict(m)) if m.contains("already exists")),
            "{dup}: {r:?}"
        );
    }
    for bad in ["", "A B", "A:B", &"x".repeat(65)] {
        assert!(
            matches!(
                s.add_location(a, bad, "Bad", None).await,
                Err(Error::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        s.add_location(a, "OK", "  ", None).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(s.list_locations().await.unwrap().len(), 1);
}

async fn audit_log_of_location_changes(db: Db) {
    let env = TestEnv::new(db).await;
    let (s, a) = (&env.services, &env.admin);
    let loc = s.add_location(a, "AUD", "Before", None).await.unwrap();
    s.update_location(a, "AUD", Some("After"), None, Some(false))
        .await
        .unwrap();
    let b = s.shards.location.backend();
    let log = s
        .shards
        .location
        .read(move |p| Box::pin(async move { master::list_audit(&p, b, "location", 10).await }))
        .await
        .unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    let (update, create) = (&log[0], &log[1]);
    assert_eq!(
        (
            create.entity.as_str(),
            create.entity_id.as_str(),
            create.action.as_str()
        ),
        ("location", loc.id.as_str(), "create")
    );
    assert_eq!(update.action, "update");
    assert_eq!(update.actor, a.email);
    assert!(create.before_json.is_none());
    let before = update.before_json.as_deref().unwrap();
    let after = update.after_json.as_deref().unwrap();
    assert!(
        before.contains("\"Before\"") && before.contains("\"active\":1"),
        "{before}"
    );
    assert!(
        after.contains("\"After\"") && after.contains("\"active\":0"),
        "{after}"
    );
}

async fn stock_views_and_low_stock(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let s = &env.services;
    let receipt = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![
            line("P1", 10),
            line("P2", 3),
            line("899" /* not a code */, 1),
        ],
        ..Default::default()
    };
    assert!(matches!(
        s.post(&env.admin, &receipt).await,
        Err(Error::Invalid(_))
    ));
    let receipt = PostRequest {
        lines: vec![line("P1", 10), line("8990000002", 3)],
        ..receipt
    };
    assert!(s.post(&env.admin, &receipt).await.unwrap().is_posted());
    let rows = s.stock(Some("a"), None, false, 100).await.unwrap();
    let seen: Vec<(&str, &str, &str, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.location.as_str(),
                r.sku.as_str(),
                r.quantity.as_str(),
                r.low,
            )
        })
        .collect();
    assert_eq!(seen, [("A", "P1", "10", false), ("A", "P2", "3", true)]);
    let low = s.stock(None, None, true, 100).await.unwrap();
    assert_eq!(
        low.iter().map(|r| r.sku.as_str()).collect::<Vec<_>>(),
        ["P2"]
    );
    assert_eq!(low[0].min, "5");
    assert!(
        s.stock(Some("B"), None, false, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.stock(Some("ZZ"), None, false, 100).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        s.stock(None, Some("ZZ"), false, 100).await,
        Err(Error::NotFound(_))
    ));
}

for_all_backends!(
    nesting,
    no_cycles,
    unique_codes,
    audit_log_of_location_changes,
    stock_views_and_low_stock
);
