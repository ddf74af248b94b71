//! The app in Bahasa Indonesia (`ui.language = "id"`): the services' messages reach the screen
//! translated (a rejection on the message line, field errors in a form, a conflict), with
//! numbers the Indonesian way.

use crossterm::event::KeyCode;
use gudang::domain::Quantity;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;

use crate::common;
use crate::tui_support::{ADMIN, PASSWORD, Ui};

/// An Indonesian deployment with units, a category, locations A and B and products P1..Pn.
async fn indonesian_env(products: usize) -> common::Env {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::sqlite_config(dir.path());
    config.ui.language = "id".into();
    let services = gudang::service::Services::open(config).await.unwrap();
    let admin = services
        .create_first_admin(ADMIN, "Admin", PASSWORD)
        .await
        .unwrap();
    let env = common::Env {
        services,
        admin,
        dir,
    };
    common::seed(&env, products).await;
    env
}

async fn log_in(ui: &mut Ui) {
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
}

/// Switches to a screen by its number key (the numbers follow the screens there are).
async fn go(ui: &mut Ui, tab: Tab) {
    let key = char::from_digit(tab.number() as u32, 10).unwrap_or('1');
    ui.key(KeyCode::Char(key)).await;
}

fn toast(ui: &Ui) -> String {
    ui.rt
        .app
        .shell
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rejected_issue_is_told_in_indonesian() {
    let env = indonesian_env(2).await;
    let receipt = PostRequest {
        kind: Some(gudang::domain::TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![LineRequest {
            code: "P1".into(),
            qty: Quantity::units(1234),
            price: None,
        }],
        ..Default::default()
    };
    let o = env.services.post(&env.admin, &receipt).await.unwrap();
    assert!(o.is_posted(), "{o:?}");
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    // An issue of 2000 where 1234 are: refused; the stored reason is said in Indonesian.
    go(&mut ui, Tab::Transactions).await;
    ui.until("the list", |a| a.txns.list.have()).await;
    ui.typ("n").await;
    ui.typ("pengel\n").await;
    ui.enter().await;
    ui.typ("2000*P1\n\n").await;
    ui.enter().await;
    ui.until("the refusal", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.error.is_some())
    })
    .await;
    let year = chrono::Local::now().format("%Y");
    assert_eq!(
        toast(&ui),
        format!("ISS-{year}-000001 ditolak: stok SKU P1 di A tinggal 1.234 (baris 1 butuh 2.000)")
    );
    // The stock list in Indonesian, with the receipt's 1234 units.
    ui.key(KeyCode::Esc).await;
    ui.typ("y").await;
    go(&mut ui, Tab::Stock).await;
    ui.until("the stock", |a| a.stock.list.have()).await;
    ui.snap("id_stock").await;
}

#[tokio::test]
async fn field_errors_and_conflicts_in_indonesian() {
    let env = indonesian_env(3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    log_in(&mut ui).await;
    go(&mut ui, Tab::Products).await;
    ui.until("the product table", |a| a.products.len() == 3)
        .await;
    ui.key(KeyCode::Char('n')).await;
    // A duplicate SKU, an unknown category and a bad price: the services' messages by their
    // fields, in Indonesian.
    ui.typ("P1\nBolt M8\n\nNope\nPCS\n1.234\n\n").await;
    ui.until("the save to come back", |a| {
        a.products
            .editor
            .as_ref()
            .is_some_and(|e| !e.form.busy && e.form.has_errors())
    })
    .await;
    let screen = ui.screen();
    assert!(screen.contains("kategori 'Nope' tidak dikenal"), "{screen}");
    assert!(
        screen.contains("harga paling banyak 2 angka desimal"),
        "{screen}"
    );
    ui.snap("id_product_form_errors").await;
    // A location that exists already: the conflict under the form.
    ui.key(KeyCode::Esc).await;
    ui.typ("y").await;
    go(&mut ui, Tab::Admin).await;
    ui.until("the users", |a| a.admin.users.len() == 1).await;
    ui.key(KeyCode::Right).await;
    ui.until("the locations", |a| a.admin.locations.len() == 2)
        .await;
    ui.typ("nA\nGudang A lagi\n\n").await;
    ui.until("the refusal", |a| {
        a.admin
            .form
            .as_ref()
            .is_some_and(|f| !f.form.busy && f.form.has_errors())
    })
    .await;
    let screen = ui.screen();
    assert!(screen.contains("✗ lokasi 'A' sudah ada"), "{screen}");
    ui.snap("id_location_conflict").await;
}
