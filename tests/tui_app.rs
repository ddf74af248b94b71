//! Whole-app tests of login, first run, the dashboard and the loop itself: the real event loop
//! on ratatui's TestBackend with scripted keys and real temp SQLite shards. Each screen is
//! snapshotted at 80x24 and at 160x48.

mod common;
mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::domain::{Quantity, TxKind};
use gudang::service::Services;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;
use gudang::tui::event::Event;
use gudang::tui::panes::login::Mode;
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_support::*;

#[tokio::test]
async fn first_run_creates_the_admin_and_opens_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let services = fresh_services(dir.path()).await;
    let mut ui = Ui::new(services.clone()).await;
    ui.until("the first-run form", |a| a.login.mode == Mode::FirstRun)
        .await;
    ui.snap("first_run").await;
    ui.typ("Ana Admin").await;
    ui.enter().await;
    ui.typ("ana@gudang.test").await;
    ui.enter().await;
    ui.typ("short").await;
    ui.enter().await;
    ui.enter().await;
    ui.snap("first_run_error").await;
    assert!(!services.has_users().await.unwrap(), "nothing was created");
    // The focus is back on the password: fix it (Ctrl-U clears the field) and confirm it.
    ui.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL).await;
    ui.typ("a much longer password").await;
    ui.enter().await;
    ui.typ("a much longer password").await;
    ui.enter().await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
    assert_eq!(ui.rt.app.tab, Tab::Dashboard);
    ui.snap("dashboard_empty").await;
    let admin = services
        .login("ana@gudang.test", "a much longer password")
        .await
        .unwrap();
    assert_eq!(admin.role, gudang::domain::Role::Admin);
}

#[tokio::test]
async fn login_failure_shows_one_message_then_a_countdown() {
    let env = common::sqlite_env().await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.snap_login_form().await;
    ui.typ(ADMIN).await;
    ui.enter().await;
    ui.typ("wrong password").await;
    ui.enter().await;
    ui.until("the failure message", |a| a.login.form.message.is_some())
        .await;
    assert!(!ui.rt.app.logged_in());
    ui.snap("login_failed").await;
    // A second try inside the delay is told to wait, with a countdown that the clock runs down.
    ui.typ("wrong again").await;
    ui.enter().await;
    ui.until("the countdown", |a| a.login.wait_until.is_some())
        .await;
    assert!(ui.screen().contains("wait 1 s"), "{}", ui.screen());
    ui.snap("login_wait").await;
    ui.tick(2).await;
    assert!(!ui.screen().contains("wait 1 s"), "{}", ui.screen());
}

#[tokio::test]
async fn login_success_then_logout_returns_to_login() {
    let env = common::sqlite_env().await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| {
        a.logged_in() && a.dashboard.data.is_some()
    })
    .await;
    assert!(
        ui.screen().contains("admin@example.test · admin"),
        "{}",
        ui.screen()
    );
    ui.key(KeyCode::Char('?')).await;
    ui.snap("help_dashboard").await;
    ui.key(KeyCode::Esc).await;
    ui.key(KeyCode::Char('3')).await;
    ui.snap("stock_empty").await;
    ui.key(KeyCode::Char('L')).await;
    assert!(!ui.rt.app.logged_in());
    assert_eq!(ui.rt.app.login.form.value("email"), ADMIN);
    ui.snap("logged_out").await;
}

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

#[tokio::test]
async fn dashboard_figures_change_after_a_posting() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.dashboard.data.is_some())
        .await;
    let before = ui.rt.app.dashboard.data.as_ref().map(|d| d.txn_today);
    assert_eq!(before, Some(0));
    let s = &env.services;
    s.post(
        &env.admin,
        &PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some("A".into()),
            lines: vec![line("P1", 100)],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.post(
        &env.admin,
        &PostRequest {
            kind: Some(TxKind::Issue),
            source: Some("A".into()),
            lines: vec![line("P1", 97)],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // The dashboard reloads itself once the clock has moved on.
    ui.tick(dashboard_refresh()).await;
    ui.until("the new figures", |a| {
        a.dashboard.data.as_ref().is_some_and(|d| d.txn_today == 2)
    })
    .await;
    let d = ui.rt.app.dashboard.data.as_ref().unwrap();
    assert_eq!((d.value_in, d.value_out), (25_000, 24_250));
    assert_eq!(d.low_stock.len(), 1, "3 left of P1 at A, minimum 5");
    ui.snap("dashboard_after_postings").await;
}

fn dashboard_refresh() -> i64 {
    gudang::tui::panes::dashboard::REFRESH_SECS + 1
}

#[tokio::test]
async fn bahasa_indonesia_and_no_colour() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::sqlite_config(dir.path());
    config.ui.language = "id".into();
    let services = Services::open(config).await.unwrap();
    services
        .create_first_admin(ADMIN, "Admin", PASSWORD)
        .await
        .unwrap();
    let term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut ui = Ui {
        rt: Runtime::new(term, services, Theme::new(true, Some("1")), t0()),
        secs: 0,
    };
    ui.tick(0).await;
    assert!(!ui.rt.app.shell.theme.color, "NO_COLOR turns colour off");
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.dashboard.data.is_some())
        .await;
    ui.snap("dashboard_id").await;
    ui.key(KeyCode::Char('2')).await;
    ui.snap("products_id").await;
}

/// Holds every read connection of the master shard until `release` is notified, so that any
/// read (a product page) waits; returns once all of them are held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_frames_go_on_while_a_shard_is_slow() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.dashboard.data.is_some())
        .await;
    ui.key(KeyCode::Char('2')).await;
    ui.until("the product table", |a| a.products.len() == 3)
        .await;
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    hold_master_reads(&env.services, release.clone()).await;
    // The search waits for a connection; the loop does not.
    for c in "/prod".chars() {
        ui.rt.send(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    ui.rt
        .run_until("the typed text on screen", WAIT, |a| {
            a.products.key().text == "prod" && !a.dirty
        })
        .await
        .unwrap();
    assert!(
        ui.rt.app.shell.pending() > 0,
        "the search is still waiting for the shard"
    );
    assert!(ui.screen().contains("Search: prod"), "{}", ui.screen());
    ui.rt
        .send(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    ui.rt
        .run_until("the dashboard on screen", WAIT, |a| {
            a.tab == Tab::Dashboard && !a.dirty
        })
        .await
        .unwrap();
    assert!(ui.screen().contains("Totals"), "{}", ui.screen());
    release.notify_waiters();
    ui.key(KeyCode::Char('2')).await;
    ui.until("the search result", |a| {
        a.products
            .list
            .rows_key
            .as_ref()
            .is_some_and(|k| k.text == "prod")
            && a.products.len() == 3
    })
    .await;
}

/// What start-up warned about (here: a data directory others could read, tightened) is on the
/// app's message line, not only in the log.
#[tokio::test]
async fn start_up_warnings_show_on_the_message_line() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(data.join("notes.txt"), b"x").unwrap();
    std::fs::set_permissions(
        data.join("notes.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let config = common::sqlite_config(&data);
    let notes = gudang::logging::prepare(&config).expect("prepare");
    assert_eq!(notes.len(), 2, "{notes:?}");
    let mut ui = Ui::new(tui_support::fresh_services(&data).await).await;
    ui.rt.start_warnings(&notes);
    ui.tick(1).await;
    let screen = ui.screen().replace('\n', " ");
    assert!(
        screen.contains("2 start-up warnings (all in the log): data directory"),
        "{screen}"
    );
}
