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
            shards: std::array::from_fn(|_| ShardMark {
                known: true,
                reachable: true,
                ..Default::default()
            }),
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
    // The Admin screen's number key (its place among the tabs).
    let admin = KeyCode::Char(char::from(b'0' + Tab::Admin.number() as u8));
    update(&mut a, key(admin));
    assert_eq!(a.tab, Tab::Stock, "a clerk may not open Admin");
    assert!(a.shell.toast.as_ref().is_some_and(|t| t.error));
    let (mut b, _) = logged_in(Role::Supervisor);
    update(&mut b, key(admin));
    assert_eq!(b.tab, Tab::Admin);
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
    update(&mut a, key(KeyCode::Char('z')));
    assert!(!a.dirty, "a key that means nothing draws nothing");
}

#[path = "app_tests_products.rs"]
mod products_tests;
