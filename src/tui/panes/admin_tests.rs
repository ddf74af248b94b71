//! Pure tests of the admin pane through the app's `update`.

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::tui::action::Tab;
use crate::tui::app::{App, update};
use crate::tui::event::{self as ev, Event, Request};
use crate::tui::theme::Theme;

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

fn press(a: &mut App, code: KeyCode) -> Vec<Request> {
    update(a, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(a: &mut App, s: &str) -> Vec<Request> {
    s.chars()
        .flat_map(|c| {
            update(
                a,
                Event::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    if c.is_ascii_uppercase() {
                        KeyModifiers::SHIFT
                    } else {
                        KeyModifiers::NONE
                    },
                )),
            )
        })
        .collect()
}

fn on_admin(role: Role) -> (App, Vec<Request>) {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "boss@b.test".into(),
        name: "Boss".into(),
        role,
    });
    let admin = char::from(b'0' + Tab::Admin.number() as u8);
    let reqs = press(&mut a, KeyCode::Char(admin));
    (a, reqs)
}

fn calls(reqs: &[Request]) -> Vec<String> {
    reqs.iter().map(|r| format!("{:?}", r.call)).collect()
}

fn loc(code: &str, parent: Option<&str>) -> Location {
    Location {
        id: format!("id-{code}"),
        code: code.into(),
        name: format!("Place {code}"),
        parent_id: parent.map(|p| format!("id-{p}")),
        active: 1,
        created_at: 0,
        updated_at: 0,
    }
}

#[test]
fn admins_start_on_users_and_supervisors_never_see_them() {
    let (a, reqs) = on_admin(Role::Admin);
    assert_eq!(a.tab, Tab::Admin);
    assert_eq!(a.admin.section, Section::Users);
    assert!(calls(&reqs).iter().any(|c| c.contains("Users")));
    let (mut s, reqs) = on_admin(Role::Supervisor);
    assert_eq!(s.admin.section, Section::Locations);
    assert!(calls(&reqs).iter().all(|c| !c.contains("Users")));
    for _ in 0..4 {
        press(&mut s, KeyCode::Right);
        assert_ne!(
            s.admin.section,
            Section::Users,
            "the users section is not offered"
        );
    }
    typed(&mut s, "R");
    assert!(s.admin.picker.is_none());
    let (c, _) = on_admin(Role::Clerk);
    assert_ne!(c.tab, Tab::Admin, "clerks do not reach the admin screen");
}

#[test]
fn adding_a_user_checks_the_fields_then_calls_the_service() {
    let (mut a, _) = on_admin(Role::Admin);
    typed(&mut a, "n");
    assert!(a.text_focused());
    typed(&mut a, "not-an-email");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "Dewi");
    press(&mut a, KeyCode::Enter);
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "boss");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "long enough pw");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "long enough pw");
    let reqs = press(&mut a, KeyCode::Enter);
    assert!(reqs.is_empty(), "nothing is sent while fields are wrong");
    let form = &a.admin.form.as_ref().unwrap().form;
    assert!(
        form.fields[0].error.is_some() && form.fields[2].error.is_some(),
        "email and role"
    );
    assert_eq!(form.focus, 0);
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "dewi@gudang.test");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "clerk");
    for _ in 0..2 {
        press(&mut a, KeyCode::Enter);
    }
    let reqs = press(&mut a, KeyCode::Enter);
    let c = calls(&reqs);
    assert!(
        c.iter().any(|c| c.contains("AddUser")
            && c.contains("dewi@gudang.test")
            && c.contains("clerk")),
        "{c:?}"
    );
    assert!(a.admin.form.as_ref().is_some_and(|f| f.form.busy));
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            ev::Reply::Admin(Reply::Changed(Err(
                "a user with email dewi@gudang.test already exists".into(),
            ))),
        ),
    );
    assert!(
        a.admin
            .form
            .as_ref()
            .is_some_and(|f| !f.form.busy && f.form.message.is_some()),
        "the refusal stays in the form"
    );
    let reqs = press(&mut a, KeyCode::Enter);
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            ev::Reply::Admin(Reply::Changed(Ok("dewi@gudang.test".into()))),
        ),
    );
    assert!(a.admin.form.is_none());
    assert!(
        a.shell
            .toast
            .as_ref()
            .is_some_and(|t| !t.error && t.text.contains("dewi@gudang.test"))
    );
}

#[test]
fn role_disable_and_password_for_the_user_under_the_cursor() {
    let (mut a, reqs) = on_admin(Role::Admin);
    let users = vec![
        UserView {
            id: "u1".into(),
            email: "boss@b.test".into(),
            name: "Boss".into(),
            role: "admin".into(),
            active: true,
            locked: false,
            failed_logins: 0,
        },
        UserView {
            id: "u2".into(),
            email: "cici@b.test".into(),
            name: "Cici".into(),
            role: "clerk".into(),
            active: true,
            locked: false,
            failed_logins: 0,
        },
    ];
    update(
        &mut a,
        Event::Reply(reqs[0].id, ev::Reply::Admin(Reply::Users(Ok(users)))),
    );
    press(&mut a, KeyCode::Down);
    typed(&mut a, "R");
    typed(&mut a, "sup");
    let c = calls(&press(&mut a, KeyCode::Enter));
    assert!(
        c.iter().any(|c| c.contains("SetRole")
            && c.contains("cici@b.test")
            && c.contains("supervisor")),
        "{c:?}"
    );
    typed(&mut a, "d");
    assert!(a.question().is_some_and(|q| q.contains("cici@b.test")));
    let c = calls(&typed(&mut a, "y"));
    assert!(
        c.iter()
            .any(|c| c.contains("SetUserActive") && c.contains("false")),
        "{c:?}"
    );
    typed(&mut a, "P");
    typed(&mut a, "another password");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "another password");
    let c = calls(&press(&mut a, KeyCode::Enter));
    assert!(
        c.iter()
            .any(|c| c.contains("ResetPassword") && c.contains("<hidden>")),
        "{c:?}"
    );
}

#[test]
fn locations_nest_under_known_parents_only() {
    let (mut a, _) = on_admin(Role::Supervisor);
    let reqs = press(&mut a, KeyCode::Char('r'));
    update(
        &mut a,
        Event::Reply(
            reqs[0].id,
            ev::Reply::Admin(Reply::Locations(Ok(vec![
                loc("W1", None),
                loc("Z1", Some("W1")),
            ]))),
        ),
    );
    let shown: Vec<&str> = a
        .admin
        .location_rows()
        .iter()
        .map(|(_, l)| l.code.as_str())
        .collect();
    assert_eq!(shown, ["W1", "Z1"]);
    typed(&mut a, "n");
    typed(&mut a, "BIN-1");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "Bin one");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "Z9");
    assert!(
        press(&mut a, KeyCode::Enter).is_empty(),
        "unknown parent refused"
    );
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "z1");
    let c = calls(&press(&mut a, KeyCode::Enter));
    assert!(
        c.iter()
            .any(|c| c.contains("AddLocation") && c.contains("BIN-1")),
        "{c:?}"
    );
}
