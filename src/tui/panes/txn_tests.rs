//! Pure tests of the transactions pane through the app's `update`: keys in, state and
//! requests out, replies scripted. No terminal, no database.

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::db::location::Location;
use crate::domain::{Quantity, Role, TxStatus};
use crate::service::catalog::ProductView;
use crate::service::posting::PostOutcome;
use crate::tui::action::Tab;
use crate::tui::app::{App, update};
use crate::tui::event::{self as ev, Event, Request};
use crate::tui::panes::txn_doc::{Focus, Step};
use crate::tui::theme::Theme;

pub(super) fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

pub(super) fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn press(a: &mut App, code: KeyCode) -> Vec<Request> {
    update(a, key(code))
}

pub(super) fn typed(a: &mut App, s: &str) -> Vec<Request> {
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

pub(super) fn loc(code: &str) -> Location {
    Location {
        id: format!("id-{code}"),
        code: code.into(),
        name: format!("Warehouse {code}"),
        parent_id: None,
        active: 1,
        created_at: 0,
        updated_at: 0,
    }
}

pub(super) fn product(sku: &str, price_cents: i64) -> ProductView {
    ProductView {
        id: format!("pid-{sku}"),
        sku: sku.into(),
        barcode: Some(format!("899{sku}")),
        name: format!("Product {sku}"),
        category: None,
        unit: "PCS".into(),
        unit_decimals: 0,
        price: crate::domain::Money(price_cents).to_string(),
        min_qty: "0".into(),
        active: true,
        price_cents,
        min_qty_milli: 0,
        updated_at: 0,
    }
}

pub(super) fn reply(a: &mut App, id: u64, r: Reply) -> Vec<Request> {
    update(a, Event::Reply(id, ev::Reply::Txn(r)))
}

/// Logged in as `role`, on the transactions screen, with locations A and B loaded.
pub(super) fn on_txns(role: Role) -> App {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "c@b.test".into(),
        name: "Cici".into(),
        role,
    });
    let reqs = press(&mut a, KeyCode::Char('4'));
    assert_eq!(a.tab, Tab::Transactions);
    let locs = reqs
        .iter()
        .find(|r| r.slot == "locations")
        .expect("locations asked")
        .id;
    reply(&mut a, locs, Reply::Locations(Ok(vec![loc("A"), loc("B")])));
    a
}

/// A new document of the kind whose picker label starts with `kind`, at the first location.
pub(super) fn new_doc(a: &mut App, kind: &str) {
    press(a, KeyCode::Char('n'));
    typed(a, kind);
    press(a, KeyCode::Enter);
    assert_eq!(a.txns.doc.as_ref().map(|d| d.step), Some(Step::Locations));
    press(a, KeyCode::Enter);
    if a.txns
        .doc
        .as_ref()
        .is_some_and(|d| d.step == Step::Locations)
    {
        press(a, KeyCode::Enter);
    }
    assert_eq!(a.txns.doc.as_ref().map(|d| d.step), Some(Step::Scan));
}

pub(super) fn doc(a: &App) -> &Doc {
    a.txns.doc.as_ref().expect("a document is open")
}

pub(super) fn lookup_of(reqs: &[Request]) -> Option<(u64, String, Vec<String>)> {
    reqs.iter().find_map(|r| match &r.call {
        ev::Call::Txn(Call::Lookup { doc, codes }) => Some((r.id, doc.clone(), codes.clone())),
        _ => None,
    })
}

pub(super) fn scan(a: &mut App, code: &str) -> Vec<Request> {
    let mut r = typed(a, code);
    r.extend(press(a, KeyCode::Enter));
    r
}

pub(super) fn found(codes: &[&str]) -> Vec<super::super::txn_call::Found> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                Ok(if c.starts_with('P') {
                    Some(product(c, 250))
                } else {
                    None
                }),
            )
        })
        .collect()
}

pub(super) fn qtys(a: &App) -> Vec<(String, Quantity)> {
    doc(a)
        .lines
        .iter()
        .map(|l| (l.product.sku.clone(), l.qty))
        .collect()
}

#[test]
fn the_same_code_again_adds_to_its_line_without_a_second_lookup() {
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "rec");
    assert_eq!(doc(&a).dest.as_deref(), Some("A"));
    let (id, d, codes) = lookup_of(&scan(&mut a, "P1")).expect("a lookup");
    assert_eq!(
        (d.as_str(), codes),
        (doc(&a).id.as_str(), vec!["P1".to_string()])
    );
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["P1"]),
        },
    );
    assert_eq!(qtys(&a), [("P1".into(), Quantity::units(1))]);
    let reqs = scan(&mut a, "P1");
    assert!(lookup_of(&reqs).is_none(), "known code: no lookup");
    assert_eq!(qtys(&a), [("P1".into(), Quantity::units(2))]);
    scan(&mut a, "3*P1");
    assert_eq!(
        qtys(&a),
        [("P1".into(), Quantity::units(5))],
        "N*CODE adds N"
    );
}

#[test]
fn codes_scanned_during_a_lookup_queue_in_order_and_none_is_lost() {
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "rec");
    // A scanner types three codes before the first lookup answers.
    let mut reqs = scan(&mut a, "P1");
    reqs.extend(scan(&mut a, "P2"));
    reqs.extend(scan(&mut a, "P1"));
    let lookups: Vec<_> = reqs
        .iter()
        .filter_map(|r| lookup_of(std::slice::from_ref(r)))
        .collect();
    assert_eq!(lookups.len(), 1, "one lookup in flight at a time");
    assert_eq!(doc(&a).queue.len(), 3);
    assert!(
        doc(&a).scan.value().is_empty(),
        "the field is ready for the next code"
    );
    let (id, d, _) = lookups[0].clone();
    let reqs = reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d.clone(),
            found: found(&["P1"]),
        },
    );
    assert_eq!(
        qtys(&a),
        [("P1".into(), Quantity::units(1))],
        "P1 applied; P2 waits for its lookup, and the P1 after it waits too"
    );
    let (id2, _, codes) = lookup_of(&reqs).expect("the next lookup");
    assert_eq!(codes, ["P2"]);
    reply(
        &mut a,
        id2,
        Reply::Lookup {
            doc: d,
            found: found(&["P2"]),
        },
    );
    assert_eq!(
        qtys(&a),
        [
            ("P1".into(), Quantity::units(2)),
            ("P2".into(), Quantity::units(1))
        ]
    );
    assert!(doc(&a).queue.is_empty() && !doc(&a).looking_up);
}

#[test]
fn an_unknown_code_is_flagged_and_the_loop_goes_on() {
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "iss");
    let (id, d, _) = lookup_of(&scan(&mut a, "NOPE")).unwrap();
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d.clone(),
            found: found(&["NOPE"]),
        },
    );
    assert!(doc(&a).lines.is_empty());
    assert_eq!(doc(&a).flags.len(), 1);
    assert!(doc(&a).flags[0].contains("NOPE"), "{:?}", doc(&a).flags);
    assert_eq!(doc(&a).step, Step::Scan);
    assert!(a.text_focused(), "still scanning");
    let (id, d, _) = lookup_of(&scan(&mut a, "P7")).unwrap();
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["P7"]),
        },
    );
    assert_eq!(qtys(&a), [("P7".into(), Quantity::units(1))]);
    // Scanned again, an unknown code is asked again: it may have been added since.
    let (id, d, codes) = lookup_of(&scan(&mut a, "NOPE")).expect("asked again");
    assert_eq!(codes, ["NOPE"]);
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["NOPE"]),
        },
    );
    assert_eq!(doc(&a).flags.len(), 2);
    // A malformed entry is flagged without a lookup.
    assert!(lookup_of(&scan(&mut a, "x*P7")).is_none());
    assert_eq!(doc(&a).flags.len(), 3);
}

#[test]
fn empty_enter_reviews_once_every_code_is_in() {
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "rec");
    press(&mut a, KeyCode::Enter);
    assert_eq!(doc(&a).step, Step::Scan, "nothing to review yet");
    assert!(a.shell.toast.as_ref().is_some_and(|t| t.error));
    let (id, d, _) = lookup_of(&scan(&mut a, "P1")).unwrap();
    press(&mut a, KeyCode::Enter);
    assert_eq!(doc(&a).step, Step::Scan, "waits for the lookup");
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["P1"]),
        },
    );
    assert_eq!(doc(&a).step, Step::Confirm, "then reviews by itself");
    assert!(!a.text_focused());
    press(&mut a, KeyCode::Esc);
    assert_eq!(doc(&a).step, Step::Scan, "Esc goes back to scanning");
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert_eq!(doc(&a).step, Step::Confirm, "Ctrl-S reviews too");
}

pub(super) fn post_of(reqs: &[Request]) -> (u64, crate::service::posting::PostRequest) {
    reqs.iter()
        .find_map(|r| match &r.call {
            ev::Call::Txn(Call::Post { req }) => Some((r.id, (**req).clone())),
            _ => None,
        })
        .expect("a post request")
}

pub(super) fn outcome(status: TxStatus, reason: Option<&str>) -> PostOutcome {
    PostOutcome {
        id: "x".into(),
        number: "ISS-2026-000002".into(),
        status,
        reason: reason.map(Into::into),
        replayed: false,
    }
}

#[test]
fn posting_keeps_its_id_after_an_error_and_takes_a_new_one_after_a_rejection() {
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "iss");
    typed(&mut a, "");
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    assert_eq!(doc(&a).focus, Focus::Reference);
    typed(&mut a, "PO-7");
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        doc(&a).focus,
        Focus::Scan,
        "Enter in a header field returns to scanning"
    );
    let (id, d, _) = lookup_of(&scan(&mut a, "P1")).unwrap();
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["P1"]),
        },
    );
    press(&mut a, KeyCode::Enter);
    let first_id = doc(&a).id.clone();
    let (pid, req) = post_of(&press(&mut a, KeyCode::Enter));
    assert_eq!(req.id.as_deref(), Some(first_id.as_str()));
    assert_eq!(
        (req.source.as_deref(), req.reference.as_deref()),
        (Some("A"), Some("PO-7"))
    );
    assert_eq!(doc(&a).step, Step::Posting);
    assert!(
        press(&mut a, KeyCode::Esc).is_empty() && doc(&a).step == Step::Posting,
        "a posting in flight cannot be abandoned"
    );
    reply(
        &mut a,
        pid,
        Reply::Posted {
            doc: first_id.clone(),
            result: Err("location shard: timed out".into()),
        },
    );
    assert_eq!(doc(&a).step, Step::Confirm);
    let (pid, req) = post_of(&press(&mut a, KeyCode::Enter));
    assert_eq!(
        req.id.as_deref(),
        Some(first_id.as_str()),
        "the retry sends the same id: it cannot post twice"
    );
    reply(
        &mut a,
        pid,
        Reply::Posted {
            doc: first_id.clone(),
            result: Ok(outcome(
                TxStatus::Rejected,
                Some("only 3 of SKU P1 left at A (line 1 needs 5)"),
            )),
        },
    );
    assert_eq!(doc(&a).step, Step::Scan);
    assert!(
        doc(&a)
            .error
            .as_deref()
            .unwrap_or("")
            .contains("only 3 of SKU P1 left at A"),
        "{:?}",
        doc(&a).error
    );
    assert_ne!(
        doc(&a).id,
        first_id,
        "a rejected id is decided: the corrected document is new"
    );
    press(&mut a, KeyCode::Enter);
    let second = doc(&a).id.clone();
    let (pid, _) = post_of(&press(&mut a, KeyCode::Enter));
    reply(
        &mut a,
        pid,
        Reply::Posted {
            doc: second,
            result: Ok(outcome(TxStatus::Posted, None)),
        },
    );
    assert_eq!(doc(&a).step, Step::Done);
    assert!(a.dashboard_stale, "the dashboard reloads when shown next");
    assert!(!a.unsaved());
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        doc(&a).step,
        Step::Scan,
        "Enter starts another of the same kind"
    );
    assert_eq!(doc(&a).source.as_deref(), Some("A"));
    assert!(doc(&a).lines.is_empty());
}
