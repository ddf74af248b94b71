//! The audit trail read back (`Services::audit_trail`) on every backend: changes with their
//! before and after field by field, the filters (entity, code, actor, since), keyset paging
//! across both shards, the CSV import batch named as the document, and clerks refused.

mod common;

use chrono::Duration;
use common::backend::{Db, TestEnv, product};
use gudang::Error;
use gudang::db::ShardName;
use gudang::domain::Role;
use gudang::service::audit::{AuditEntity, AuditFilter, AuditLine};
use gudang::service::audit_diff::FieldChange;
use gudang::service::reports::period::today;

fn change(l: &AuditLine, field: &str) -> Option<FieldChange> {
    l.changes.iter().find(|c| c.field == field).cloned()
}

fn filter(entity: Option<AuditEntity>, code: Option<&str>) -> AuditFilter {
    AuditFilter {
        entity,
        code: code.map(Into::into),
        ..AuditFilter::default()
    }
}

async fn price_edit_and_rename_with_before_and_after(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    let mut p = product("P1", "Product 1", Some("8990000001"));
    p.price = Some("3.75".into());
    s.update_product(a, "P1", &p).await.unwrap();
    s.update_location(a, "A", Some("Gudang Utama"), None, None)
        .await
        .unwrap();

    // Everything, newest first: the rename (location shard), then the price edit (master).
    let page = s
        .audit_trail(a, &AuditFilter::default(), 2, None)
        .await
        .unwrap();
    let (rename, edit) = (&page.entries[0], &page.entries[1]);
    assert_eq!(
        (
            rename.entity.as_str(),
            rename.code.as_str(),
            rename.action.as_str()
        ),
        ("location", "A", "update")
    );
    assert_eq!(
        change(rename, "name"),
        Some(FieldChange {
            field: "name".into(),
            before: Some("Warehouse A".into()),
            after: Some("Gudang Utama".into()),
        })
    );
    assert_eq!(rename.changes.len(), 1, "{:?}", rename.changes);
    assert_eq!(
        (edit.entity.as_str(), edit.code.as_str(), edit.name.as_str()),
        ("product", "P1", "Product 1")
    );
    assert_eq!(edit.actor, a.email);
    assert_eq!(
        edit.changes,
        vec![FieldChange {
            field: "price".into(),
            before: Some("2.50".into()),
            after: Some("3.75".into()),
        }]
    );
    assert!(page.next.is_some());

    // A product's history by SKU or barcode: its edit and its creation (every set field,
    // references by name).
    for code in ["P1", "8990000001"] {
        let h = s
            .audit_trail(a, &filter(Some(AuditEntity::Product), Some(code)), 50, None)
            .await
            .unwrap();
        let actions: Vec<&str> = h.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["update", "create"], "{code}");
        let created = &h.entries[1];
        assert_eq!(
            change(created, "unit").and_then(|c| c.after),
            Some("PCS".into())
        );
        assert_eq!(
            change(created, "category").and_then(|c| c.after),
            Some("Hardware".into())
        );
        assert!(change(created, "id").is_none() && change(created, "created_at").is_none());
        assert!(h.next.is_none());
    }

    // A SKU changed since: the old one still finds the product's history.
    let mut p2 = product("P2-NEW", "Product 2", Some("8990000002"));
    p2.price = Some("2.50".into());
    s.update_product(a, "P2", &p2).await.unwrap();
    let h = s
        .audit_trail(a, &filter(Some(AuditEntity::Product), Some("P2")), 50, None)
        .await
        .unwrap();
    let seen: Vec<(&str, &str)> = h
        .entries
        .iter()
        .map(|e| (e.action.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(seen, [("update", "P2-NEW"), ("create", "P2")]);
    assert_eq!(
        change(&h.entries[0], "sku"),
        Some(FieldChange {
            field: "sku".into(),
            before: Some("P2".into()),
            after: Some("P2-NEW".into()),
        })
    );
}

async fn filters(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let (s, a) = (&env.services, &env.admin);
    let sup = env.user(Role::Supervisor, 1).await;
    s.update_location(&sup, "B", Some("Gudang B"), None, None)
        .await
        .unwrap();
    s.set_user_role(a, &sup.email, Role::Admin).await.unwrap();
    s.set_password(a, &sup.email, "another good password")
        .await
        .unwrap();

    let all = |f: AuditFilter| async move { s.audit_trail(a, &f, 500, None).await.unwrap() };
    // By entity: only that kind.
    for (entity, kinds) in [
        (AuditEntity::Location, &["location"][..]),
        (AuditEntity::Unit, &["unit"][..]),
        (AuditEntity::Category, &["category"][..]),
        (AuditEntity::User, &["user"][..]),
        (AuditEntity::Product, &["product"][..]),
    ] {
        let page = all(filter(Some(entity), None)).await;
        assert!(!page.entries.is_empty(), "{entity:?}");
        assert!(
            page.entries
                .iter()
                .all(|e| kinds.contains(&e.entity.as_str())),
            "{entity:?}: {:?}",
            page.entries
        );
    }
    // By actor: the supervisor's one change.
    let mine = all(AuditFilter {
        actor: Some(sup.email.to_uppercase()),
        ..AuditFilter::default()
    })
    .await;
    assert_eq!(mine.entries.len(), 1, "{:?}", mine.entries);
    assert_eq!(mine.entries[0].code, "B");
    // By code without an entity: the user's history, role change and password (hidden).
    let user = all(filter(None, Some(&sup.email))).await;
    let actions: Vec<&str> = user.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["password", "role", "create"]);
    assert_eq!(
        user.entries[0].changes,
        vec![FieldChange {
            field: "password".into(),
            before: None,
            after: Some("(changed)".into()),
        }]
    );
    assert_eq!(
        change(&user.entries[1], "role"),
        Some(FieldChange {
            field: "role".into(),
            before: Some("supervisor".into()),
            after: Some("admin".into()),
        })
    );
    let no_secrets = serde_json::to_string(&all(AuditFilter::default()).await).unwrap();
    assert!(!no_secrets.contains("argon2"), "{no_secrets}");
    // Since: today has everything, tomorrow nothing.
    let since = |d| AuditFilter {
        since: Some(d),
        ..AuditFilter::default()
    };
    assert!(!all(since(today())).await.entries.is_empty());
    assert!(
        all(since(today() + Duration::days(1)))
            .await
            .entries
            .is_empty()
    );
    // Bad values: clear messages.
    for (f, says) in [
        (
            filter(Some(AuditEntity::Product), Some("NOPE")),
            "no product with SKU",
        ),
        (
            filter(Some(AuditEntity::Location), Some("NOPE")),
            "no location with code",
        ),
        (filter(None, Some("NOPE")), "is known as 'NOPE'"),
        (
            AuditFilter {
                actor: Some("ghost@example.test".into()),
                ..AuditFilter::default()
            },
            "no user with email",
        ),
    ] {
        let e = s.audit_trail(a, &f, 10, None).await.unwrap_err();
        assert!(
            matches!(e, Error::Invalid(_)) && e.to_string().contains(says),
            "{e}"
        );
    }
    assert!("shelf".parse::<AuditEntity>().is_err());
    assert!(
        s.audit_trail(a, &AuditFilter::default(), 0, None)
            .await
            .is_err()
    );
}

async fn paging_across_shards(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(3).await;
    let (s, a) = (&env.services, &env.admin);
    for i in 0..3 {
        s.update_location(a, "A", Some(&format!("A{i}")), None, None)
            .await
            .unwrap();
        let mut p = product("P1", &format!("Name {i}"), Some("8990000001"));
        p.price = Some(format!("{}.00", 10 + i));
        s.update_product(a, "P1", &p).await.unwrap();
    }
    let everything = s
        .audit_trail(a, &AuditFilter::default(), 500, None)
        .await
        .unwrap()
        .entries;
    // 2 units, 1 category, 2 locations, 3 products, the admin, and 6 edits.
    assert_eq!(everything.len(), 15, "{everything:?}");
    assert!(
        everything
            .windows(2)
            .all(|w| (w[0].at, &w[0].id) > (w[1].at, &w[1].id))
    );
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = s
            .audit_trail(a, &AuditFilter::default(), 4, cursor.as_ref())
            .await
            .unwrap();
        assert!(page.entries.len() <= 4);
        paged.extend(page.entries.into_iter().map(|e| e.id));
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    let ids: Vec<String> = everything.into_iter().map(|e| e.id).collect();
    assert_eq!(paged, ids);
}

async fn clerks_are_refused(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    let clerk = env.user(Role::Clerk, 1).await;
    let e = s
        .audit_trail(&clerk, &AuditFilter::default(), 10, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Denied { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "permission denied: a clerk may not see the audit trail"
    );
    let sup = env.user(Role::Supervisor, 1).await;
    assert!(
        s.audit_trail(&sup, &AuditFilter::default(), 10, None)
            .await
            .is_ok()
    );
}

async fn import_batch_is_the_document(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(1).await;
    let (s, a) = (&env.services, &env.admin);
    let csv = "sku,name,unit,price\nP1,Product 1,PCS,9.99\nP2,Second,PCS,1.00\n";
    if let Err(e) = s.import_products(a, csv.as_bytes()).await {
        panic!("import: {e}");
    }
    let page = s
        .audit_trail(a, &filter(Some(AuditEntity::Product), None), 50, None)
        .await
        .unwrap();
    let imported: Vec<&AuditLine> = page
        .entries
        .iter()
        .filter(|e| e.action.starts_with("import"))
        .collect();
    assert_eq!(imported.len(), 2, "{:?}", page.entries);
    let doc = imported[0].doc.clone().unwrap();
    assert!(doc.starts_with("IMP-"), "{doc}");
    assert!(
        imported
            .iter()
            .all(|e| e.doc.as_deref() == Some(doc.as_str()))
    );
    let update = imported.iter().find(|e| e.code == "P1").unwrap();
    assert_eq!(
        change(update, "price"),
        Some(FieldChange {
            field: "price".into(),
            before: Some("2.50".into()),
            after: Some("9.99".into()),
        })
    );
    // A change made by hand names no document.
    let created = page.entries.iter().find(|e| e.action == "create").unwrap();
    assert_eq!(created.doc, None);
    // The document is stored in its own column.
    let n = env
        .int(
            ShardName::Master,
            &format!("SELECT COUNT(*) FROM audit_log WHERE doc = '{doc}'"),
        )
        .await;
    assert_eq!(n, 2);
}

for_all_backends!(
    price_edit_and_rename_with_before_and_after,
    filters,
    paging_across_shards,
    clerks_are_refused,
    import_batch_is_the_document
);
