//! Whole-app tests of the screens that use the room they have: locations shown and picked by
//! their full path (`JKT/A/01`), long lists paged by key (End reads the last rows at once,
//! positions said as far as they are known), at 80x24 and at 160x48. Real event loop on a
//! TestBackend, real temp SQLite shards.

mod common;
mod tui_support;

use crossterm::event::KeyCode;
use gudang::domain::{Quantity, TxKind};
use gudang::service::posting::{LineRequest, PostRequest};
use tui_support::{ADMIN, PASSWORD, Ui};

async fn log_in(ui: &mut Ui) {
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
}

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

async fn receive(env: &common::Env, at: &str, lines: Vec<LineRequest>) {
    let req = PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some(at.into()),
        lines,
        ..Default::default()
    };
    assert!(
        env.services
            .post(&env.admin, &req)
            .await
            .unwrap()
            .is_posted()
    );
}

#[tokio::test]
async fn locations_are_shown_and_picked_by_their_path() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_location(a, "JKT", "Jakarta", None).await.unwrap();
    for (code, name, parent) in [
        ("ZA", "Zone A", "JKT"),
        ("ZAB", "Zone AB", "JKT"),
        ("B1", "Bin 1", "ZA"),
        ("B2", "Bin 2", "ZAB"),
    ] {
        s.add_location(a, code, name, Some(parent)).await.unwrap();
    }
    receive(&env, "B1", vec![line("P1", 4), line("P2", 2)]).await;
    receive(&env, "B2", vec![line("P3", 9)]).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    ui.key(KeyCode::Char('3')).await;
    ui.until("the stock rows", |a| a.stock.list.rows.len() == 3)
        .await;
    assert!(ui.screen().contains("JKT/ZA/B1"), "{}", ui.screen());
    ui.snap("stock_paths").await;
    // Typing a path narrows the picker to that location and what is inside it.
    ui.key(KeyCode::Char('l')).await;
    ui.typ("jkt/za").await;
    let shown: Vec<String> = ui
        .rt
        .app
        .stock
        .picker
        .as_ref()
        .map(|p| p.visible().map(|i| i.value.clone()).collect())
        .unwrap_or_default();
    assert_eq!(shown, ["ZA", "B1"], "not ZAB");
    ui.snap("stock_pick_path").await;
    ui.enter().await;
    ui.until("the rows inside JKT/ZA", |a| {
        a.stock.list.have() && a.stock.list.rows.len() == 2
    })
    .await;
    ui.snap("stock_at_path").await;
    // A bin code alone still finds it.
    ui.key(KeyCode::Char('l')).await;
    ui.typ("b2").await;
    let shown: Vec<String> = ui
        .rt
        .app
        .stock
        .picker
        .as_ref()
        .map(|p| p.visible().map(|i| i.value.clone()).collect())
        .unwrap_or_default();
    assert_eq!(shown, ["B2"]);
    ui.key(KeyCode::Esc).await;
    // The documents name their locations by path too.
    ui.key(KeyCode::Char('4')).await;
    ui.until("the documents", |a| {
        a.txns.list.rows.len() == 2 && !a.txns.paths.is_empty()
    })
    .await;
    assert!(ui.screen().contains("→ JKT/ZAB/B2"), "{}", ui.screen());
    ui.snap("txn_list_paths").await;
}

#[tokio::test]
async fn long_lists_end_at_once_and_say_where_they_are() {
    let env = common::sqlite_env().await;
    common::seed(&env, 0).await;
    let (s, a) = (&env.services, &env.admin);
    // 450 products, received in one document each of 225 lines: 450 stock rows.
    let n = 450;
    for i in 0..n {
        let p = gudang::service::catalog::ProductInput {
            sku: format!("K{i:04}"),
            name: format!("Barang nomor {i}"),
            unit: Some("PCS".into()),
            price: Some("1.00".into()),
            ..Default::default()
        };
        s.add_product(a, &p).await.unwrap();
    }
    for half in [0, 1] {
        let lines = (0..n / 2)
            .map(|i| line(&format!("K{:04}", half * n / 2 + i), 1 + i as i64 % 5))
            .collect();
        receive(&env, if half == 0 { "A" } else { "B" }, lines).await;
    }
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    // Products: counted, so End lands on "450 of 450" at once.
    ui.key(KeyCode::Char('2')).await;
    ui.until("the products", |a| a.products.len() == n as i64)
        .await;
    ui.key(KeyCode::End).await;
    ui.until("the last product", |a| {
        a.products.current().is_some_and(|p| p.sku == "K0449")
    })
    .await;
    assert!(ui.screen().contains("450 of 450"), "{}", ui.screen());
    ui.snap("products_end").await;
    ui.key(KeyCode::PageUp).await;
    ui.until("a page up", |a| {
        a.products
            .current()
            .is_some_and(|p| p.sku.as_str() < "K0440")
    })
    .await;
    // Stock: not counted; after End the rows are counted from the end until the walk back
    // reaches the first row.
    ui.key(KeyCode::Char('3')).await;
    ui.until("the stock", |a| a.stock.list.current().is_some())
        .await;
    ui.key(KeyCode::End).await;
    ui.until("the last stock row", |a| {
        a.stock.list.current().is_some() && a.stock.list.at_end
    })
    .await;
    assert_eq!(ui.rt.app.stock.list.number_from_end(), Some(1));
    assert!(ui.screen().contains("from the end"), "{}", ui.screen());
    ui.snap("stock_end").await;
    ui.key(KeyCode::Home).await;
    ui.until("the first stock row", |a| {
        a.stock.list.number() == Some(1) && a.stock.list.current().is_some()
    })
    .await;
    ui.key(KeyCode::PageDown).await;
    ui.until("a page down", |a| a.stock.list.number() > Some(1))
        .await;
    ui.snap("stock_page_down").await;
}
