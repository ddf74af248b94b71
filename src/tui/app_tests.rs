//! Pure tests of `update`: events in, state and requests out, no terminal and no database.

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::Actor;
use crate::config::UiConfig;
use crate::domain::Role;
use crate::tui::action::Tab;
use crate::tui::app::{App, Overlay, update};
use crate::tui::event::{Call, Event, Reply, Request, ShardMark, Tick};
use crate::tui::panes::login::{self, LoginError, Mode};
use crate::tui::panes::{dashboard, products};
use crate::tui::theme::Theme;

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

fn app() -> App {
    App::new(&UiConfig::default(), Theme::new(false, None), t0())
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, s: &str) -> Vec<Request> {
    s.chars()
        .flat_map(|c| update(app, key(KeyCode::Char(c))))
        .collect()
}

fn actor(role: Role) -> Actor {
    Actor {
        id: "u1".into(),
        email: "a@b.test".into(),
        name: "Ana".into(),
        role,
    }
}

fn tick(app: &mut App, secs: i64) -> Vec<Request> {
    update(
        app,
        Event::Tick(Tick {
            now: t0() + chrono::Duration::seconds(secs),
            shards: [ShardMark {
                known: true,
                reachable: true,
            }; 3],
        }),
    )
}

/// Logs in through the login pane with a scripted reply.
fn logged_in(role: Role) -> (App, Vec<Request>) {
    let mut a = app();
    let first = a.start();
    update(
        &mut a,
        Event::Reply(first[0].id, Reply::Login(login::Reply::HasUsers(Ok(true)))),
    );
    typed(&mut a, "a@b.test");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "pw");
    let reqs = update(&mut a, key(KeyCode::Enter));
    let reqs = update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Login(login::Reply::LoggedIn(Ok(actor(role)))),
        ),
    );
    (a, reqs)
}

#[test]
fn start_asks_for_users_and_offers_first_run_when_there_are_none() {
    let mut a = app();
    let reqs = a.start();
    assert!(matches!(reqs[0].call, Call::Login(login::Call::HasUsers)));
    update(
        &mut a,
        Event::Reply(reqs[0].id, Reply::Login(login::Reply::HasUsers(Ok(false)))),
    );
    assert_eq!(a.login.mode, Mode::FirstRun);
    assert!(a.text_focused());
}

#[test]
fn first_run_checks_fields_before_calling_the_service() {
    let mut a = app();
    let r = a.start();
    update(
        &mut a,
        Event::Reply(r[0].id, Reply::Login(login::Reply::HasUsers(Ok(false)))),
    );
    typed(&mut a, "Ana");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "not-an-email");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "long enough pw");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "different pw!!");
    let reqs = update(&mut a, key(KeyCode::Enter));
    assert!(reqs.is_empty(), "nothing is sent while fields are wrong");
    assert!(a.login.form.fields[1].error.is_some(), "email error");
    assert!(a.login.form.fields[3].error.is_some(), "passwords differ");
    assert_eq!(a.login.form.focus, 1, "focus goes to the first wrong field");
}

#[test]
fn login_failure_then_wait_countdown() {
    let mut a = app();
    let r = a.start();
    update(
        &mut a,
        Event::Reply(r[0].id, Reply::Login(login::Reply::HasUsers(Ok(true)))),
    );
    typed(&mut a, "a@b.test");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "wrong");
    let reqs = update(&mut a, key(KeyCode::Enter));
    assert!(
        matches!(&reqs[0].call, Call::Login(login::Call::Login { email, .. }) if email == "a@b.test")
    );
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Login(login::Reply::LoggedIn(Err(LoginError::Failed))),
        ),
    );
    assert!(
        a.login
            .form
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("Login failed")
    );
    assert_eq!(a.login.form.value("password"), "", "password is cleared");
    typed(&mut a, "again");
    let reqs = update(&mut a, key(KeyCode::Enter));
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Login(login::Reply::LoggedIn(Err(LoginError::Wait(3)))),
        ),
    );
    assert!(
        a.login
            .form
            .message
            .as_deref()
            .unwrap_or("")
            .contains("wait 3 s")
    );
    tick(&mut a, 1);
    assert!(
        a.login
            .form
            .message
            .as_deref()
            .unwrap_or("")
            .contains("wait 2 s")
    );
    typed(&mut a, "x");
    assert!(
        update(&mut a, key(KeyCode::Enter)).is_empty(),
        "no attempt while the countdown runs"
    );
    tick(&mut a, 3);
    assert_eq!(a.login.form.message, None, "countdown over");
    assert!(
        a.shell
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("try again"))
    );
    assert_eq!(
        a.login.form.value("password"),
        "againx",
        "the password is kept through the wait"
    );
    assert_eq!(update(&mut a, key(KeyCode::Enter)).len(), 1);
}

#[test]
fn stale_and_unknown_replies_are_dropped() {
    let mut a = app();
    let r = a.start();
    update(
        &mut a,
        Event::Reply(
            r[0].id + 100,
            Reply::Login(login::Reply::HasUsers(Ok(false))),
        ),
    );
    assert_eq!(
        a.login.mode,
        Mode::Checking,
        "a reply nobody asked for changes nothing"
    );
    update(
        &mut a,
        Event::Reply(r[0].id, Reply::Login(login::Reply::HasUsers(Ok(true)))),
    );
    assert_eq!(a.login.mode, Mode::Login);
    update(
        &mut a,
        Event::Reply(r[0].id, Reply::Login(login::Reply::HasUsers(Ok(false)))),
    );
    assert_eq!(
        a.login.mode,
        Mode::Login,
        "the same reply twice is stale the second time"
    );
}

#[test]
fn login_opens_the_dashboard_and_loads_it() {
    let (a, reqs) = logged_in(Role::Clerk);
    assert!(a.logged_in());
    assert_eq!(a.tab, Tab::Dashboard);
    assert!(matches!(
        reqs[0].call,
        Call::Dashboard(dashboard::Call::Load)
    ));
    assert_eq!(
        reqs[0].actor.as_ref().map(|x| x.email.as_str()),
        Some("a@b.test")
    );
}

#[test]
fn number_keys_switch_screens_and_admin_is_refused_to_clerks() {
    let (mut a, _) = logged_in(Role::Clerk);
    let reqs = update(&mut a, key(KeyCode::Char('2')));
    assert_eq!(a.tab, Tab::Products);
    let calls: Vec<_> = reqs.iter().map(|r| format!("{:?}", r.call)).collect();
    assert!(calls.iter().any(|c| c.contains("Lookups")), "{calls:?}");
    assert!(calls.iter().any(|c| c.contains("Count")), "{calls:?}");
    assert!(calls.iter().any(|c| c.contains("Page")), "{calls:?}");
    update(&mut a, key(KeyCode::F(3)));
    assert_eq!(a.tab, Tab::Stock);
    update(&mut a, key(KeyCode::Char('5')));
    assert_eq!(a.tab, Tab::Stock, "a clerk may not open Admin");
    assert!(a.shell.toast.as_ref().is_some_and(|t| t.error));
    let (mut b, _) = logged_in(Role::Supervisor);
    update(&mut b, key(KeyCode::Char('5')));
    assert_eq!(b.tab, Tab::Admin);
}

#[test]
fn typing_a_search_coalesces_while_a_page_is_in_flight_and_drops_stale_pages() {
    let (mut a, _) = logged_in(Role::Admin);
    let first = update(&mut a, key(KeyCode::Char('2')));
    let page = first.iter().find(|r| r.slot == "page").unwrap().id;
    update(&mut a, key(KeyCode::Char('/')));
    assert!(a.text_focused());
    let reqs = typed(&mut a, "wid");
    assert!(
        reqs.iter().all(|r| r.slot != "page"),
        "one page in flight at a time"
    );
    assert_eq!(a.products.key.text, "wid");
    // The browse page answers: it is for a view no longer shown, so it is dropped and the
    // search is asked for instead.
    let reqs = update(
        &mut a,
        Event::Reply(
            page,
            Reply::Products(products::Reply::Page {
                key: Default::default(),
                offset: 0,
                limit: 200,
                rows: Ok(Vec::new()),
            }),
        ),
    );
    assert!(a.products.rows_key.is_none());
    let search = reqs
        .iter()
        .find(|r| r.slot == "page")
        .expect("search request");
    assert!(
        matches!(&search.call, Call::Products(products::Call::Page { key, .. }) if key.text == "wid")
    );
}

#[test]
fn quit_asks_first_when_a_form_has_input() {
    let (mut a, _) = logged_in(Role::Admin);
    update(&mut a, key(KeyCode::Char('2')));
    update(&mut a, key(KeyCode::Char('n')));
    assert!(a.products.editor.is_some());
    update(&mut a, key(KeyCode::Char('q')));
    assert!(!a.quit, "q types into the field");
    assert_eq!(
        a.products.editor.as_ref().map(|e| e.form.value("sku")),
        Some("q")
    );
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(a.overlay, Overlay::ConfirmQuit);
    update(&mut a, key(KeyCode::Char('n')));
    assert!(!a.quit);
    assert_eq!(a.overlay, Overlay::None);
    update(&mut a, key(KeyCode::Esc));
    assert!(
        a.products.ask.is_some(),
        "Esc on a dirty form asks before discarding"
    );
    update(&mut a, key(KeyCode::Char('y')));
    assert!(a.products.editor.is_none());
    update(&mut a, key(KeyCode::Char('q')));
    assert!(a.quit, "nothing unsaved: q quits at once");
}

#[test]
fn viewers_cannot_open_product_forms() {
    let (mut a, _) = logged_in(Role::Viewer);
    update(&mut a, key(KeyCode::Char('2')));
    update(&mut a, key(KeyCode::Char('n')));
    assert!(a.products.editor.is_none());
    assert!(
        a.shell
            .toast
            .as_ref()
            .is_some_and(|t| t.error && t.text.contains("viewer"))
    );
}

#[test]
fn help_overlay_opens_and_any_key_closes_it() {
    let (mut a, _) = logged_in(Role::Admin);
    update(&mut a, key(KeyCode::Char('?')));
    assert_eq!(a.overlay, Overlay::Help);
    update(&mut a, key(KeyCode::Char('2')));
    assert_eq!(a.overlay, Overlay::None);
    assert_eq!(a.tab, Tab::Dashboard, "the closing key does nothing else");
}

#[test]
fn logout_returns_to_login_and_forgets_pending_replies() {
    let (mut a, reqs) = logged_in(Role::Admin);
    update(&mut a, key(KeyCode::Char('L')));
    assert!(!a.logged_in());
    assert_eq!(a.login.mode, Mode::Login);
    assert_eq!(a.login.form.value("email"), "a@b.test");
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Dashboard(dashboard::Reply::Loaded(Err("late".into()), Vec::new())),
        ),
    );
    assert!(
        a.dashboard.error.is_none(),
        "the dashboard reply from before the logout is dropped"
    );
}

#[test]
fn dashboard_reloads_itself_on_ticks_but_not_too_often() {
    let (mut a, reqs) = logged_in(Role::Admin);
    assert!(tick(&mut a, 5).is_empty(), "still loading");
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Dashboard(dashboard::Reply::Loaded(Err("down".into()), Vec::new())),
        ),
    );
    assert!(tick(&mut a, 6).is_empty(), "fresh enough");
    let again = tick(&mut a, dashboard::REFRESH_SECS + 1);
    assert!(matches!(
        again[0].call,
        Call::Dashboard(dashboard::Call::Load)
    ));
}

#[test]
fn draws_only_when_something_changed() {
    let (mut a, _) = logged_in(Role::Admin);
    tick(&mut a, 10);
    assert!(
        a.dirty,
        "shard marks became known and the welcome note expired"
    );
    a.dirty = false;
    tick(&mut a, 20);
    assert!(!a.dirty, "same minute, same shards: no frame");
    tick(&mut a, 60);
    assert!(a.dirty, "the clock's minute changed");
    a.dirty = false;
    update(&mut a, key(KeyCode::Char('x')));
    assert!(!a.dirty, "a key that means nothing draws nothing");
}

#[test]
fn browsing_fetches_a_window_around_the_cursor_never_everything() {
    let ui = UiConfig {
        page_size: 20,
        ..UiConfig::default()
    };
    let mut a = App::new(&ui, Theme::new(false, None), t0());
    let r = a.start();
    update(
        &mut a,
        Event::Reply(r[0].id, Reply::Login(login::Reply::HasUsers(Ok(true)))),
    );
    typed(&mut a, "a@b.test");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "pw");
    let reqs = update(&mut a, key(KeyCode::Enter));
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            Reply::Login(login::Reply::LoggedIn(Ok(actor(Role::Admin)))),
        ),
    );
    let reqs = update(&mut a, key(KeyCode::Char('2')));
    let page = |reqs: &[Request]| {
        reqs.iter().find_map(|r| match &r.call {
            Call::Products(products::Call::Page { offset, limit, key }) => {
                Some((r.id, *offset, *limit, key.clone()))
            }
            _ => None,
        })
    };
    let count = reqs.iter().find(|r| r.slot == "count").unwrap().id;
    let (id, offset, limit, view) = page(&reqs).expect("first page");
    assert_eq!((offset, limit), (0, 20));
    update(
        &mut a,
        Event::Reply(
            count,
            Reply::Products(products::Reply::Count {
                key: view.clone(),
                total: Ok(100_000),
            }),
        ),
    );
    let rows = |from: i64| -> Vec<crate::service::catalog::ProductView> {
        (from..from + 20)
            .map(|i| crate::service::catalog::ProductView {
                id: i.to_string(),
                sku: format!("S{i}"),
                barcode: None,
                name: format!("N{i}"),
                category: None,
                unit: "PCS".into(),
                unit_decimals: 0,
                price: "1.00".into(),
                min_qty: "0".into(),
                active: true,
                price_cents: 100,
                min_qty_milli: 0,
            })
            .collect()
    };
    update(
        &mut a,
        Event::Reply(
            id,
            Reply::Products(products::Reply::Page {
                key: view.clone(),
                offset: 0,
                limit: 20,
                rows: Ok(rows(0)),
            }),
        ),
    );
    assert_eq!(a.products.len(), 100_000);
    assert_eq!(a.products.current().map(|p| p.sku.as_str()), Some("S0"));
    // Moving down inside the window asks for nothing; nearing its edge fetches the next one.
    let mut next = None;
    for _ in 0..19 {
        let reqs = update(&mut a, key(KeyCode::Down));
        if let Some(p) = page(&reqs) {
            next = Some(p);
            break;
        }
    }
    let (id, offset, _, view) = next.expect("a page before the window runs out");
    assert!(
        offset > 0 && a.products.cursor < 20,
        "prefetched at cursor {} (offset {offset})",
        a.products.cursor
    );
    update(
        &mut a,
        Event::Reply(
            id,
            Reply::Products(products::Reply::Page {
                key: view,
                offset,
                limit: 20,
                rows: Ok(rows(offset)),
            }),
        ),
    );
    // End jumps to the last row at once and fetches only the window there.
    let reqs = update(&mut a, key(KeyCode::End));
    assert_eq!(a.products.cursor, 99_999);
    assert!(
        a.products.current().is_none(),
        "not loaded yet: shown as a placeholder"
    );
    let (_, offset, limit, _) = page(&reqs).expect("the last window");
    assert_eq!((offset, limit), (100_000 - 20, 20));
}
