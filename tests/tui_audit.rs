//! Whole-app tests of the audit trail: a product's history after a price edit (`H` on the
//! products list), the Admin screen's whole list (`A`, `t` for the kind) and a location's
//! history, and a clerk refused. Real event loop on ratatui's TestBackend, real temp SQLite
//! shards; snapshots at 80x24 and 160x48 (stored times redacted by the harness).

mod common;
mod tui_support;

use crossterm::event::KeyCode;
use gudang::domain::{Quantity, Role, TxKind};
use gudang::service::audit::AuditEntity;
use gudang::service::catalog::ProductInput;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;
use tui_support::{ADMIN, PASSWORD, Ui};

const CLERK: &str = "cici@example.test";

/// The seeded catalog, then P1's price 2.50 -> 3.75 and location A renamed.
async fn edited() -> common::Env {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let s = &env.services;
    let p1 = ProductInput {
        sku: "P1".into(),
        name: "Product 1".into(),
        barcode: Some("8990000001".into()),
        category: Some("Hardware".into()),
        unit: Some("PCS".into()),
        price: Some("3.75".into()),
        min_qty: Some("5".into()),
        active: None,
    };
    s.update_product(&env.admin, "P1", &p1).await.unwrap();
    s.update_location(&env.admin, "A", Some("Gudang Utama"), None, None)
        .await
        .unwrap();
    s.add_user(&env.admin, CLERK, "Cici", Role::Clerk, PASSWORD)
        .await
        .unwrap();
    let receipt = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("B".into()),
        lines: vec![LineRequest {
            code: "P2".into(),
            qty: Quantity::units(4),
            price: None,
        }],
        ..Default::default()
    };
    let out = s.post(&env.admin, &receipt).await.unwrap();
    assert!(out.is_posted(), "{out:?}");
    env
}

async fn loaded(ui: &mut Ui) {
    ui.until("the audit entries", |a| {
        a.audit.open && !a.audit.loading && !a.audit.entries.is_empty()
    })
    .await;
}

#[tokio::test]
async fn product_history_and_the_admin_list() {
    let env = edited().await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    ui.typ("2").await;
    ui.until("the product table", |a| a.products.len() == 3)
        .await;
    // H on P1: its edit (price before -> after) and its creation.
    ui.typ("H").await;
    loaded(&mut ui).await;
    let actions: Vec<String> = ui
        .rt
        .app
        .audit
        .entries
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(actions, ["update", "create"]);
    let screen = ui.screen();
    assert!(screen.contains("History of product P1"), "{screen}");
    assert!(screen.contains("2.50 → 3.75"), "{screen}");
    ui.snap("audit_product_history").await;
    // Esc: the products list again.
    ui.key(KeyCode::Esc).await;
    assert!(!ui.rt.app.audit.open);
    assert_eq!(ui.rt.app.tab, Tab::Products);
    // H on a stock row: its product's history.
    ui.typ("3").await;
    ui.until("the stock", |a| a.stock.list.current().is_some())
        .await;
    ui.typ("H").await;
    loaded(&mut ui).await;
    assert!(
        ui.screen().contains("History of product P2"),
        "{}",
        ui.screen()
    );
    ui.key(KeyCode::Esc).await;
    assert_eq!(ui.rt.app.tab, Tab::Stock);

    // The Admin screen: A opens the whole trail, newest first (the clerk, the rename, ...).
    ui.typ("6").await;
    ui.until("the users", |a| !a.admin.users.is_empty()).await;
    ui.typ("A").await;
    loaded(&mut ui).await;
    let first: Vec<String> = ui.rt.app.audit.entries[..3]
        .iter()
        .map(|e| format!("{} {}", e.entity, e.code))
        .collect();
    assert_eq!(
        first,
        [
            format!("user {CLERK}"),
            "location A".into(),
            "product P1".into()
        ]
    );
    ui.key(KeyCode::Down).await;
    let screen = ui.screen();
    assert!(screen.contains("Warehouse A → Gudang Utama"), "{screen}");
    ui.snap("audit_admin_list").await;
    // t: only locations.
    ui.typ("t").await;
    ui.typ("t").await;
    loaded(&mut ui).await;
    assert_eq!(ui.rt.app.audit.kind, Some(AuditEntity::Location));
    assert!(
        ui.rt
            .app
            .audit
            .entries
            .iter()
            .all(|e| e.entity == "location"),
        "{}",
        ui.screen()
    );
    ui.key(KeyCode::Esc).await;
    // H on a location row: that location's history.
    ui.key(KeyCode::Right).await;
    ui.until("the locations", |a| !a.admin.locations.is_empty())
        .await;
    ui.typ("H").await;
    loaded(&mut ui).await;
    assert!(
        ui.screen().contains("History of location A"),
        "{}",
        ui.screen()
    );
    assert_eq!(ui.rt.app.audit.entries.len(), 2);
    ui.key(KeyCode::Esc).await;

    // A change a CSV import made names the import's batch.
    let csv = "sku,name,price\nP2,Product 2,4.00\n";
    if let Err(e) = env
        .services
        .import_products(&env.admin, csv.as_bytes())
        .await
    {
        panic!("import: {e}");
    }
    ui.typ("3").await;
    ui.typ("H").await;
    loaded(&mut ui).await;
    let doc = ui.rt.app.audit.entries[0]
        .doc
        .clone()
        .expect("the import's document");
    let screen = ui.screen();
    assert!(screen.contains(&format!("Document: {doc}")), "{screen}");
    assert!(screen.contains("import: changed ⎘"), "{screen}");
    assert!(screen.contains("price  2.50 → 4.00"), "{screen}");
}

#[tokio::test]
async fn the_admin_list_pages_newest_first() {
    let edited = edited().await;
    // The same shards, with pages of 10 (the smallest page the config allows).
    let mut config = common::sqlite_config(edited.dir.path());
    config.ui.page_size = 10;
    let services = gudang::Services::open(config).await.unwrap();
    let everything: Vec<String> = services
        .audit_trail(&edited.admin, &Default::default(), 500, None)
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert!(
        everything.len() > 10 && everything.len() <= 20,
        "{}",
        everything.len()
    );
    let mut ui = Ui::new(services).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    ui.typ("6").await;
    ui.typ("A").await;
    loaded(&mut ui).await;
    let ids = |ui: &Ui| -> Vec<String> {
        ui.rt
            .app
            .audit
            .entries
            .iter()
            .map(|e| e.id.clone())
            .collect()
    };
    assert_eq!(ids(&ui), everything[..10]);
    assert!(
        ui.screen().contains("page 1 · more: PgDn"),
        "{}",
        ui.screen()
    );
    ui.key(KeyCode::PageDown).await;
    loaded(&mut ui).await;
    assert_eq!(ids(&ui), everything[10..]);
    assert!(ui.screen().contains("page 2"), "{}", ui.screen());
    assert!(!ui.screen().contains("more: PgDn"), "{}", ui.screen());
    // The last page: PgDn goes to its last entry; PgUp brings the first page back.
    ui.key(KeyCode::PageDown).await;
    assert_eq!(ui.rt.app.audit.cursor, everything.len() - 11);
    ui.key(KeyCode::PageUp).await;
    loaded(&mut ui).await;
    assert_eq!(ids(&ui), everything[..10]);
    assert!(ui.screen().contains("page 1"), "{}", ui.screen());
}

#[tokio::test]
async fn a_clerk_is_refused() {
    let env = edited().await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(CLERK, PASSWORD).await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    ui.typ("2").await;
    ui.until("the product table", |a| a.products.len() == 3)
        .await;
    ui.typ("H").await;
    assert!(!ui.rt.app.audit.open);
    let screen = ui.screen();
    assert!(
        screen.contains("The audit trail is for supervisors and admins."),
        "{screen}"
    );
    ui.snap("audit_clerk_refused").await;
}
