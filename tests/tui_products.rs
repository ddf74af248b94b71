//! Whole-app tests of the products pane: create with field errors, search as you type,
//! categories, units, the category picker, deactivation and the quit question. Each screen is
//! snapshotted at 80x24 and at 160x48.

mod common;
mod tui_support;

use crossterm::event::{KeyCode, KeyModifiers};
use tui_support::*;

#[tokio::test]
async fn create_a_product_with_field_errors_first() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    ui.key(KeyCode::Char('2')).await;
    ui.until("the product table", |a| a.products.len() == 3)
        .await;
    ui.snap("products").await;
    ui.key(KeyCode::Char('n')).await;
    // A duplicate SKU, a bad price and an unknown category: each error sits by its field.
    ui.typ("P1").await;
    ui.enter().await;
    ui.typ("Bolt M8").await;
    ui.enter().await;
    ui.enter().await;
    ui.typ("Nope").await;
    ui.enter().await;
    ui.typ("PCS").await;
    ui.enter().await;
    ui.typ("1.234").await;
    ui.enter().await;
    ui.enter().await;
    ui.until("the save to come back", |a| {
        a.products
            .editor
            .as_ref()
            .is_some_and(|e| !e.form.busy && e.form.has_errors())
    })
    .await;
    ui.snap("product_form_errors").await;
    assert_eq!(
        env.services
            .count_products(&Default::default())
            .await
            .unwrap(),
        3
    );
    // The focus is on the first field in error (the category): fix it and the price, save.
    assert_eq!(
        ui.rt
            .app
            .products
            .editor
            .as_ref()
            .map(|e| e.form.focused_key()),
        Some("category")
    );
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    ui.typ("hardware").await;
    ui.key(KeyCode::Tab).await;
    ui.key(KeyCode::Tab).await;
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    ui.typ("1.25").await;
    ui.enter().await;
    ui.typ("10").await;
    ui.enter().await;
    // The SKU is taken: the catalog refuses it and says so.
    ui.until("the refusal", |a| {
        a.products
            .editor
            .as_ref()
            .is_some_and(|e| !e.form.busy && e.form.message.is_some())
    })
    .await;
    assert!(ui.screen().contains("SKU 'P1'"), "{}", ui.screen());
    ui.key(KeyCode::Tab).await;
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    ui.typ("BOLT-M8").await;
    ui.enter().await;
    ui.enter().await;
    ui.typ("8990001").await;
    for _ in 0..5 {
        ui.enter().await;
    }
    ui.until("the saved product", |a| {
        a.products.editor.is_none() && a.products.len() == 4
    })
    .await;
    let p = env
        .services
        .product_by_code("BOLT-M8")
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(
        (p.name.as_str(), p.price, p.barcode.as_deref()),
        ("Bolt M8", 125, Some("8990001"))
    );
    ui.snap("product_saved").await;
    // Search as you type finds it by barcode; the table shows only the match.
    ui.key(KeyCode::Char('/')).await;
    ui.typ("8990001").await;
    ui.until("the search result", |a| {
        a.products
            .list
            .rows_key
            .as_ref()
            .is_some_and(|k| k.text == "8990001")
    })
    .await;
    assert_eq!(ui.rt.app.products.len(), 1);
    ui.snap("product_search").await;
}

#[tokio::test]
async fn product_dialogs_categories_units_and_questions() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.logged_in()).await;
    ui.key(KeyCode::F(2)).await;
    ui.until("the product table", |a| {
        a.products.len() == 3 && !a.products.categories.is_empty()
    })
    .await;
    ui.key(KeyCode::Char('?')).await;
    ui.snap("help_products").await;
    ui.key(KeyCode::Esc).await;
    // A new category, then filter by it through the type-ahead picker: nothing is in it yet.
    ui.key(KeyCode::Char('C')).await;
    ui.typ("Cat & Kimia").await;
    ui.snap("new_category").await;
    ui.enter().await;
    ui.until("the category", |a| a.products.editor.is_none())
        .await;
    assert!(
        env.services
            .list_categories()
            .await
            .unwrap()
            .iter()
            .any(|c| c.name == "Cat & Kimia")
    );
    ui.key(KeyCode::Char('c')).await;
    ui.typ("kim").await;
    ui.snap("category_picker").await;
    ui.enter().await;
    ui.until("the filtered view", |a| {
        a.products
            .list
            .rows_key
            .as_ref()
            .is_some_and(|k| k.category.is_some())
    })
    .await;
    assert_eq!(ui.rt.app.products.len(), 0);
    ui.key(KeyCode::Char('c')).await;
    ui.enter().await;
    ui.until("all categories again", |a| a.products.len() == 3)
        .await;
    // A unit with a bad number of decimals is refused next to the field.
    ui.key(KeyCode::Char('U')).await;
    ui.typ("BOX").await;
    ui.enter().await;
    ui.typ("Box").await;
    ui.enter().await;
    ui.key(KeyCode::Backspace).await;
    ui.typ("7").await;
    ui.enter().await;
    ui.snap("new_unit_error").await;
    ui.key(KeyCode::Backspace).await;
    ui.typ("0").await;
    ui.enter().await;
    ui.until("the unit", |a| a.products.editor.is_none()).await;
    assert!(
        env.services
            .list_units()
            .await
            .unwrap()
            .iter()
            .any(|u| u.code == "BOX")
    );
    // Deactivate P2 after saying yes; it leaves the active view.
    ui.key(KeyCode::Down).await;
    ui.key(KeyCode::Char('d')).await;
    ui.snap("confirm_deactivate").await;
    ui.key(KeyCode::Char('y')).await;
    ui.until("the active view without P2", |a| a.products.len() == 2)
        .await;
    let p2 = env.services.product_by_code("P2").await.unwrap().unwrap();
    assert_eq!(p2.active, 0);
    // Quitting with typed input asks first.
    ui.key(KeyCode::Char('n')).await;
    ui.typ("X").await;
    ui.key_mod(KeyCode::Char('c'), KeyModifiers::CONTROL).await;
    ui.snap("confirm_quit").await;
    ui.key(KeyCode::Char('n')).await;
    assert!(!ui.rt.app.quit);
    ui.key_mod(KeyCode::Char('c'), KeyModifiers::CONTROL).await;
    ui.key(KeyCode::Char('y')).await;
    assert!(ui.rt.app.quit);
}
