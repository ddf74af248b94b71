//! Pure tests of the counts pane through the app's `update`: keys in, state and requests out,
//! replies scripted. No terminal, no database.

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::db::location::Location;
use crate::domain::{Money, Quantity, Role};
use crate::service::counts::{CountDocument, LineState, ReviewLine, ScanReply};
use crate::tui::action::Tab;
use crate::tui::app::{App, update};
use crate::tui::event::{self as ev, Event, Request};
use crate::tui::theme::Theme;

pub(super) fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

pub(super) fn press(a: &mut App, code: KeyCode) -> Vec<Request> {
    update(a, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub(super) fn ctrl(a: &mut App, c: char) -> Vec<Request> {
    update(
        a,
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub(super) fn typed(a: &mut App, s: &str) -> Vec<Request> {
    s.chars()
        .flat_map(|c| {
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            update(a, Event::Key(KeyEvent::new(KeyCode::Char(c), m)))
        })
        .collect()
}

pub(super) fn reply(a: &mut App, id: u64, r: Reply) -> Vec<Request> {
    update(a, Event::Reply(id, ev::Reply::Counts(r)))
}

pub(super) fn calls(reqs: &[Request]) -> Vec<(u64, Call)> {
    reqs.iter()
        .filter_map(|r| match &r.call {
            ev::Call::Counts(c) => Some((r.id, c.clone())),
            _ => None,
        })
        .collect()
}

pub(super) fn find(reqs: &[Request], f: impl Fn(&Call) -> bool) -> Option<(u64, Call)> {
    calls(reqs).into_iter().find(|(_, c)| f(c))
}

pub(super) fn loc(code: &str, parent: Option<&str>) -> Location {
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

pub(super) fn count(number: &str, status: CountStatus, at: i64) -> CountSummary {
    CountSummary {
        id: format!("id-{number}"),
        number: number.into(),
        location: "A".into(),
        location_id: "id-A".into(),
        with_children: true,
        category: None,
        category_id: None,
        status,
        started_by: "sup@b.test".into(),
        started_at: at,
        closed_at: None,
        closed_by: None,
        scanned_lines: 2,
        uncounted_as_zero: false,
        documents: Vec::new(),
    }
}

pub(super) fn line(sku: &str, at: &str, book: i64, counted: Option<i64>) -> ReviewLine {
    let variance = counted.map(|c| Quantity::units(c - book));
    let price = Money(250);
    ReviewLine {
        location: at.into(),
        location_id: format!("id-{at}"),
        product_id: format!("pid-{sku}"),
        sku: sku.into(),
        name: format!("Product {sku}"),
        category: Some("Hardware".into()),
        state: if counted.is_some() {
            LineState::Counted
        } else {
            LineState::NotCounted
        },
        book: Quantity::units(book),
        counted: counted.map(Quantity::units),
        variance,
        price,
        value: variance.map(|v| price.times(v)),
        exposure: variance.map_or(price.times(Quantity::units(-book)), |v| price.times(v)),
        counted_by: None,
        counted_at: None,
        scans: 1,
    }
}

/// Logged in as `role`, on the counts screen, with the lookups and the list answered: an open
/// count CNT-1 at A (with children A1) and a posted one CNT-0.
pub(super) fn on_counts(role: Role) -> App {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "c@b.test".into(),
        name: "Cici".into(),
        role,
    });
    let reqs = press(&mut a, KeyCode::Char('5'));
    assert_eq!(a.tab, Tab::Counts);
    let (lk, _) = find(&reqs, |c| matches!(c, Call::Lookups)).expect("lookups asked");
    let (ls, _) = find(&reqs, |c| matches!(c, Call::List)).expect("list asked");
    let cat = crate::db::master::Category {
        id: "cat-h".into(),
        name: "Hardware".into(),
        created_at: 0,
    };
    reply(
        &mut a,
        lk,
        Reply::Lookups(Ok((
            vec![loc("A", None), loc("A1", Some("A")), loc("B", None)],
            vec![cat],
        ))),
    );
    let mut posted = count("CNT-0", CountStatus::Posted, 1);
    posted.documents.push(CountDocument {
        seq: 1,
        location: "A".into(),
        txn_id: "t".into(),
        number: Some("ADJ-2026-000007".into()),
        status: "posted".into(),
        reason: None,
        lines: 1,
    });
    reply(
        &mut a,
        ls,
        Reply::List(Ok(vec![posted, count("CNT-1", CountStatus::Open, 0)])),
    );
    a
}

pub(super) fn scan_of(reqs: &[Request]) -> Option<(u64, String, String, Quantity, String)> {
    find(reqs, |c| matches!(c, Call::Scan { .. })).and_then(|(rid, c)| match c {
        Call::Scan {
            id, code, qty, at, ..
        } => Some((rid, id, code, qty, at)),
        _ => None,
    })
}

pub(super) fn answer(sku: &str, at: &str, added: i64, counted: i64) -> ScanReply {
    ScanReply {
        location: at.into(),
        sku: sku.into(),
        name: format!("Product {sku}"),
        added: Quantity::units(added),
        counted: Quantity::units(counted),
    }
}

#[test]
fn open_counts_come_first_and_a_clerk_sees_only_them() {
    let a = on_counts(Role::Supervisor);
    let numbers: Vec<&str> = a.counts.list.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, ["CNT-1", "CNT-0"]);
    let c = on_counts(Role::Clerk);
    assert_eq!(c.counts.visible(&c.shell).len(), 1);
    assert_eq!(c.hint(), Msg::HintCountListClerk);
}

#[test]
fn viewers_do_not_get_the_counts_screen() {
    assert!(!Tab::Counts.visible_to(Role::Viewer));
    assert!(Tab::Counts.visible_to(Role::Clerk));
    assert_eq!(Tab::Counts.number(), 5, "right after Transactions");
}

#[test]
fn a_clerk_scans_blind_and_a_burst_goes_one_code_at_a_time() {
    let mut a = on_counts(Role::Clerk);
    press(&mut a, KeyCode::Enter);
    let s = a.counts.scan.as_ref().expect("the scan loop");
    assert_eq!((s.number.as_str(), s.at.as_str()), ("CNT-1", "A"));
    assert!(a.text_focused());
    let mut reqs = typed(&mut a, "3*P1");
    reqs.extend(press(&mut a, KeyCode::Enter));
    reqs.extend(typed(&mut a, "P2"));
    reqs.extend(press(&mut a, KeyCode::Enter));
    reqs.extend(typed(&mut a, "P1"));
    reqs.extend(press(&mut a, KeyCode::Enter));
    let scans: Vec<_> = calls(&reqs)
        .into_iter()
        .filter(|(_, c)| matches!(c, Call::Scan { .. }))
        .collect();
    assert_eq!(scans.len(), 1, "one scan on its way at a time");
    let (rid, id, code, qty, at) = scan_of(&reqs).unwrap();
    assert_eq!(
        (code.as_str(), qty, at.as_str()),
        ("P1", Quantity::units(3), "A")
    );
    let s = a.counts.scan.as_ref().unwrap();
    assert_eq!(s.queue.len(), 2);
    assert!(s.input.value().is_empty(), "ready for the next code");
    let next = reply(
        &mut a,
        rid,
        Reply::Scanned {
            number: "CNT-1".into(),
            id,
            result: Ok(answer("P1", "A", 3, 7)),
        },
    );
    let s = a.counts.scan.as_ref().unwrap();
    assert_eq!(s.entries[0].here, Quantity::units(3));
    assert_eq!(
        s.entries[0].counted,
        Quantity::units(7),
        "everyone's scans together"
    );
    let (rid, id, code, ..) = scan_of(&next).expect("the next code goes");
    assert_eq!(code, "P2");
    let next = reply(
        &mut a,
        rid,
        Reply::Scanned {
            number: "CNT-1".into(),
            id,
            result: Ok(answer("P2", "A", 1, 1)),
        },
    );
    let (rid, id, ..) = scan_of(&next).expect("then P1 again");
    reply(
        &mut a,
        rid,
        Reply::Scanned {
            number: "CNT-1".into(),
            id,
            result: Ok(answer("P1", "A", 1, 8)),
        },
    );
    let s = a.counts.scan.as_ref().unwrap();
    let here: Vec<(&str, Quantity)> = s.entries.iter().map(|e| (e.sku.as_str(), e.here)).collect();
    assert_eq!(
        here,
        [("P1", Quantity::units(4)), ("P2", Quantity::units(1))],
        "a repeated code adds, newest on top"
    );
    assert_eq!(s.total_here(), Quantity::units(5));
    assert!(!s.busy());
}

#[test]
fn a_refused_code_comes_back_into_the_field_with_the_reason() {
    let mut a = on_counts(Role::Clerk);
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "NOPE");
    let (rid, id, ..) = scan_of(&press(&mut a, KeyCode::Enter)).unwrap();
    reply(
        &mut a,
        rid,
        Reply::Scanned {
            number: "CNT-1".into(),
            id,
            result: Err("scan 1: unknown SKU or barcode 'NOPE'".into()),
        },
    );
    let s = a.counts.scan.as_ref().unwrap();
    assert_eq!(s.input.value(), "NOPE", "kept for correction");
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].contains("unknown SKU"), "{:?}", s.errors);
    assert!(a.shell.toast.as_ref().is_some_and(|t| t.error));
    assert!(s.entries.is_empty());
    // Not even a code: refused at once, still in the field.
    press(&mut a, KeyCode::Esc);
    typed(&mut a, "x*P1");
    let reqs = press(&mut a, KeyCode::Enter);
    assert!(scan_of(&reqs).is_none());
    let s = a.counts.scan.as_ref().unwrap();
    assert_eq!(s.input.value(), "x*P1");
    assert_eq!(s.errors.len(), 2);
    // The next scan replaces the refused code instead of being appended to it...
    typed(&mut a, "P2");
    assert_eq!(a.counts.scan.as_ref().unwrap().input.value(), "P2");
    // ...while an editing key keeps it for correction.
    press(&mut a, KeyCode::Enter);
    let s = a.counts.scan.as_mut().unwrap();
    s.input = tui_input::Input::new("x*P1".into());
    s.stale = true;
    press(&mut a, KeyCode::Backspace);
    typed(&mut a, "1");
    assert_eq!(a.counts.scan.as_ref().unwrap().input.value(), "x*P1");
}

#[test]
fn the_place_of_a_find_is_picked_within_the_scope() {
    let mut a = on_counts(Role::Clerk);
    press(&mut a, KeyCode::Enter);
    let scope: Vec<String> = a
        .counts
        .scan
        .as_ref()
        .unwrap()
        .scope
        .iter()
        .map(|i| i.value.clone())
        .collect();
    assert_eq!(scope, ["A", "A1"], "A and what is inside it, not B");
    press(&mut a, KeyCode::Tab);
    assert!(a.counts.scan.as_ref().unwrap().picker.is_some());
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.counts.scan.as_ref().unwrap().at, "A1");
    typed(&mut a, "P1");
    let (_, _, _, _, at) = scan_of(&press(&mut a, KeyCode::Enter)).unwrap();
    assert_eq!(at, "A1");
    // Esc with an empty field leaves the loop (nothing is lost: each scan is saved at once).
    press(&mut a, KeyCode::Esc);
    assert!(a.counts.scan.is_some(), "a scan is still on its way: stay");
}

#[test]
fn a_clerk_may_not_start_or_review() {
    let mut a = on_counts(Role::Clerk);
    let reqs = press(&mut a, KeyCode::Char('n'));
    assert!(a.counts.start.is_none());
    assert!(calls(&reqs).is_empty());
    assert!(a.shell.toast.as_ref().is_some_and(|t| t.error));
    press(&mut a, KeyCode::Enter);
    assert!(a.counts.review.is_none() && a.counts.scan.is_some());
}

#[test]
fn a_line_cleared_for_recount_starts_again_on_this_terminal() {
    let mut a = on_counts(Role::Clerk);
    press(&mut a, KeyCode::Enter);
    for (added, counted) in [(2, 2), (3, 5), (4, 4)] {
        typed(&mut a, &format!("{added}*P1"));
        let (rid, id, ..) = scan_of(&press(&mut a, KeyCode::Enter)).unwrap();
        reply(
            &mut a,
            rid,
            Reply::Scanned {
                number: "CNT-1".into(),
                id,
                result: Ok(answer("P1", "A", added, counted)),
            },
        );
    }
    let e = &a.counts.scan.as_ref().unwrap().entries[0];
    assert_eq!(
        (e.here, e.counted),
        (Quantity::units(4), Quantity::units(4)),
        "the third scan came after a recount cleared the line"
    );
}

#[test]
fn a_viewer_is_told_the_counts_screen_is_not_for_their_role() {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "v@b.test".into(),
        name: "Vera".into(),
        role: Role::Viewer,
    });
    let reqs = press(&mut a, KeyCode::Char('5'));
    assert_eq!(a.tab, Tab::Dashboard);
    assert!(calls(&reqs).is_empty());
    let toast = a
        .shell
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default();
    assert!(toast.contains("viewer"), "{toast}");
}

#[test]
fn places_show_their_full_path() {
    let mut a = on_counts(Role::Clerk);
    press(&mut a, KeyCode::Enter);
    let s = a.counts.scan.as_ref().unwrap();
    assert_eq!(s.path("A1", 20), "A/A1");
    assert_eq!(s.path("A1", 3), "…A1", "the end kept when cut");
    let labels: Vec<&str> = s.scope.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["A  Place A", "  A/A1  Place A1"]);
}
