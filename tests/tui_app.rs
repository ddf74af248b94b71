//! Whole-app tests: the real event loop on ratatui's TestBackend, driven by scripted keys, on
//! real temp SQLite shards. The clock is injected (every tick says 2026-03-02 09:30 + n s), and
//! what still varies between runs (shard latencies, the year in transaction numbers) is
//! redacted before the insta snapshots. Each screen is snapshotted at 80x24 and at 160x48.

mod common;

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::domain::{Quantity, TxKind};
use gudang::service::Services;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::action::Tab;
use gudang::tui::event::{Event, Tick};
use gudang::tui::panes::login::Mode;
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WAIT: Duration = Duration::from_secs(30);

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

struct Ui {
    rt: Runtime<TestBackend>,
    secs: i64,
}

impl Ui {
    async fn new(services: Services) -> Ui {
        let term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut ui = Ui {
            rt: Runtime::new(term, services, Theme::new(true, None), t0()),
            secs: 0,
        };
        ui.tick(0).await;
        ui
    }

    async fn settle(&mut self) {
        if let Err(e) = self.rt.settle(WAIT).await {
            panic!("{e}\n{}", self.rt.screen());
        }
    }

    async fn until(&mut self, what: &str, done: impl Fn(&gudang::tui::app::App) -> bool) {
        if let Err(e) = self.rt.run_until(what, WAIT, done).await {
            panic!("{e}\n{}", self.rt.screen());
        }
        self.settle().await;
    }

    /// The clock moves `secs` forward and the shards' health is observed.
    async fn tick(&mut self, secs: i64) {
        self.secs += secs;
        let now = t0() + chrono::Duration::seconds(self.secs);
        self.rt
            .send(Event::Tick(Tick::observe(self.rt.services(), now)));
        self.settle().await;
    }

    async fn key(&mut self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE).await;
    }

    async fn key_mod(&mut self, code: KeyCode, m: KeyModifiers) {
        self.rt.send(Event::Key(KeyEvent::new(code, m)));
        self.settle().await;
    }

    /// Types text as a user (or a scanner) would: one key event per character.
    async fn typ(&mut self, s: &str) {
        for c in s.chars() {
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.rt.send(Event::Key(KeyEvent::new(KeyCode::Char(c), m)));
        }
        self.settle().await;
    }

    async fn enter(&mut self) {
        self.key(KeyCode::Enter).await;
    }

    fn screen(&self) -> String {
        redact(&self.rt.screen())
    }

    async fn resize(&mut self, w: u16, h: u16) {
        self.rt.terminal.backend_mut().resize(w, h);
        self.rt.send(Event::Resize(w, h));
        self.settle().await;
    }

    /// Snapshots the screen at 80x24, then at 160x48 (the app adapts to the resize), and
    /// returns to 80x24.
    async fn snap(&mut self, name: &str) {
        insta::assert_snapshot!(format!("{name}_80x24"), self.screen());
        self.resize(160, 48).await;
        insta::assert_snapshot!(format!("{name}_160x48"), self.screen());
        self.resize(80, 24).await;
    }

    async fn login(&mut self, email: &str, password: &str) {
        self.until("the login form", |a| a.login.mode == Mode::Login)
            .await;
        self.typ(email).await;
        self.enter().await;
        self.typ(password).await;
        self.enter().await;
    }
}

/// Hides what differs between runs: write latencies ("12.3 ms") and the current year.
fn redact(s: &str) -> String {
    let year = chrono::Local::now().format("%Y").to_string();
    let s = s.replace(&format!("-{year}-"), "-YYYY-");
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut l = line.to_string();
        while let Some(i) = l.find(" ms") {
            // The app right-aligns latencies in a fixed width: keep the width, hide the digits.
            let start = l[..i]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ' '))
                .map_or(0, |(j, c)| j + c.len_utf8());
            if start == i {
                break;
            }
            let width = i - start;
            l = format!(
                "{}{:>width$}{}",
                &l[..start],
                "#",
                &l[i..].replacen(" ms", " µs", 1)
            );
        }
        out.push_str(&l.replace(" µs", " ms"));
        out.push('\n');
    }
    out
}

async fn fresh_services(dir: &std::path::Path) -> Services {
    Services::open(common::sqlite_config(dir)).await.unwrap()
}

const ADMIN: &str = "admin@example.test";
const PASSWORD: &str = "correct horse battery";

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

impl Ui {
    async fn snap_login_form(&mut self) {
        self.until("the login form", |a| a.login.mode == Mode::Login)
            .await;
        self.snap("login").await;
    }
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
    ui.snap("stock_placeholder").await;
    ui.key(KeyCode::Char('L')).await;
    assert!(!ui.rt.app.logged_in());
    assert_eq!(ui.rt.app.login.form.value("email"), ADMIN);
    ui.snap("logged_out").await;
}

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
            .rows_key
            .as_ref()
            .is_some_and(|k| k.text == "8990001")
    })
    .await;
    assert_eq!(ui.rt.app.products.len(), 1);
    ui.snap("product_search").await;
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
async fn hold_master_reads(s: &Services, release: std::sync::Arc<tokio::sync::Notify>) {
    let n = s.config.database.read_connections as usize;
    let (held_tx, mut held_rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..n {
        let (release, held) = (release.clone(), held_tx.clone());
        let s = s.clone();
        tokio::spawn(async move {
            let _ = s
                .shards
                .master
                .read(move |p| {
                    Box::pin(async move {
                        let conn = p.acquire().await;
                        // Registered before saying "held", so the release cannot be missed.
                        let notified = release.notified();
                        tokio::pin!(notified);
                        notified.as_mut().enable();
                        let _ = held.send(());
                        notified.await;
                        drop(conn);
                        Ok(())
                    })
                })
                .await;
        });
    }
    for _ in 0..n {
        held_rx.recv().await.unwrap();
    }
}

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
            a.products.key.text == "prod" && !a.dirty
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
            .rows_key
            .as_ref()
            .is_some_and(|k| k.text == "prod")
            && a.products.len() == 3
    })
    .await;
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
