//! More pure tests of the transactions pane: roles, transfers, the list's filters, keys
//! typed before the locations arrive, and a posting refused while a primary is down.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::*;
use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::db::journal::Header;
use crate::domain::{Quantity, Role, TxStatus};
use crate::service::txns::TxnDetail;
use crate::tui::app::{App, update};
use crate::tui::event::{self as ev, Event, Request};
use crate::tui::panes::txn_doc::{Focus, Step};
use crate::tui::theme::Theme;

#[test]
fn clerks_are_not_offered_adjustments_and_viewers_cannot_start_anything() {
    let mut a = on_txns(Role::Clerk);
    press(&mut a, KeyCode::Char('n'));
    let offered: Vec<String> = a
        .txns
        .picker
        .as_ref()
        .map(|(_, p)| p.visible().map(|i| i.value.clone()).collect())
        .unwrap_or_default();
    assert_eq!(offered, ["receipt", "issue", "transfer"]);
    press(&mut a, KeyCode::Esc);
    let mut v = on_txns(Role::Viewer);
    press(&mut v, KeyCode::Char('n'));
    assert!(v.txns.picker.is_none());
    assert!(
        v.shell
            .toast
            .as_ref()
            .is_some_and(|t| t.error && t.text.contains("viewer"))
    );
    let mut s = on_txns(Role::Supervisor);
    new_doc(&mut s, "adj");
    assert_eq!(doc(&s).source.as_deref(), Some("A"));
}

#[test]
fn a_transfer_picks_two_different_locations() {
    let mut a = on_txns(Role::Clerk);
    press(&mut a, KeyCode::Char('n'));
    typed(&mut a, "tra");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    let offered: Vec<String> = doc(&a)
        .picker
        .as_ref()
        .map(|(_, p)| p.visible().map(|i| i.value.clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        offered,
        ["B"],
        "the source is not offered as the destination"
    );
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        (doc(&a).source.as_deref(), doc(&a).dest.as_deref()),
        (Some("A"), Some("B"))
    );
}

#[test]
fn list_filters_ask_for_a_new_first_page() {
    let mut a = on_txns(Role::Clerk);
    press(&mut a, KeyCode::Char('t'));
    typed(&mut a, "iss");
    let reqs = press(&mut a, KeyCode::Enter);
    assert_eq!(a.txns.list.key.kind, Some(TxKind::Issue));
    // The first page of the new view is asked for at once, overtaking the one in flight.
    assert!(reqs.iter().any(|r| matches!(
        &r.call,
        crate::tui::event::Call::Txn(Call::Page { key, place: crate::tui::panes::paged::Place::First, .. })
            if key.kind == Some(TxKind::Issue)
    )));
    press(&mut a, KeyCode::Char('D'));
    typed(&mut a, "2026-03-01");
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "2026-02-01");
    press(&mut a, KeyCode::Enter);
    assert!(
        a.txns.dates.as_ref().is_some_and(|f| f.has_errors()),
        "the end before the start is refused"
    );
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "today");
    press(&mut a, KeyCode::Enter);
    assert!(a.txns.dates.is_none());
    assert_eq!(a.txns.list.key.until, Some(t0().date()));
}

#[test]
fn keys_typed_before_the_locations_arrive_are_not_lost() {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "c@b.test".into(),
        name: "Cici".into(),
        role: Role::Clerk,
    });
    let reqs = press(&mut a, KeyCode::Char('4'));
    let locs = reqs
        .iter()
        .find(|r| r.slot == "locations")
        .expect("locations asked")
        .id;
    // A fast clerk: new receipt, Enter on the first location, a code, before any answer.
    typed(&mut a, "nrec");
    press(&mut a, KeyCode::Enter);
    assert!(doc(&a).loading);
    press(&mut a, KeyCode::Enter);
    typed(&mut a, "P1");
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        doc(&a).step,
        Step::Locations,
        "still waiting for the locations"
    );
    let reqs = reply(&mut a, locs, Reply::Locations(Ok(vec![loc("A"), loc("B")])));
    assert_eq!(doc(&a).step, Step::Scan);
    assert_eq!(doc(&a).dest.as_deref(), Some("A"));
    let (_, _, codes) = lookup_of(&reqs).expect("the held code is looked up");
    assert_eq!(codes, ["P1"]);
}

#[test]
fn lines_can_be_edited_stepped_and_removed() {
    let mut a = on_txns(Role::Supervisor);
    new_doc(&mut a, "rec");
    let mut reqs = scan(&mut a, "P1");
    reqs.extend(scan(&mut a, "P2"));
    let (id, d, _) = lookup_of(&reqs).unwrap();
    let reqs = reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d.clone(),
            found: found(&["P1", "P2"]),
        },
    );
    assert!(lookup_of(&reqs).is_none());
    press(&mut a, KeyCode::Tab);
    assert_eq!(doc(&a).focus, Focus::Lines);
    assert!(!a.text_focused(), "letters are commands on the lines");
    press(&mut a, KeyCode::Up);
    typed(&mut a, "++");
    assert_eq!(qtys(&a)[0].1, Quantity::units(3));
    typed(&mut a, "e");
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "1.5");
    press(&mut a, KeyCode::Enter);
    assert!(doc(&a).edit_error.is_some(), "PCS are whole");
    update(
        &mut a,
        Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut a, "12");
    press(&mut a, KeyCode::Enter);
    assert_eq!(qtys(&a)[0].1, Quantity::units(12));
    press(&mut a, KeyCode::Delete);
    assert_eq!(qtys(&a), [("P2".into(), Quantity::units(1))]);
    typed(&mut a, "-");
    assert_eq!(
        qtys(&a)[0].1,
        Quantity::units(1),
        "a movement keeps at least one"
    );
    // Esc with lines asks before throwing the document away.
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Esc);
    assert!(a.txns.ask_discard);
    press(&mut a, KeyCode::Char('n'));
    assert!(a.txns.doc.is_some());
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('y'));
    assert!(a.txns.doc.is_none());
}

fn detail_of(number: &str, lines: i64) -> TxnDetail {
    use crate::db::journal::Line;
    let header = Header {
        id: "t1".into(),
        number: number.into(),
        kind: "receipt".into(),
        status: "posted".into(),
        source_id: None,
        source_code: None,
        dest_id: Some("id-A".into()),
        dest_code: Some("A".into()),
        partner: None,
        reference: None,
        notes: None,
        reason: None,
        created_by: "c@b.test".into(),
        created_at: 0,
        decided_at: Some(0),
        day: "2026-03-02".into(),
        line_count: lines,
        total_qty: lines * 1000,
        total_value: lines * 250,
    };
    let lines = (1..=lines)
        .map(|n| Line {
            txn_id: "t1".into(),
            line_no: n,
            product_id: format!("pid-{n}"),
            sku: format!("P{n}"),
            product_name: format!("Product {n}"),
            quantity: 1000,
            unit_price: 250,
            total: 250,
            applied_delta: Some(1000),
            at: 0,
        })
        .collect();
    TxnDetail { header, lines }
}

#[test]
fn a_long_document_scrolls_in_its_detail() {
    let mut a = on_txns(Role::Clerk);
    a.txns.detail = Some(Detail {
        number: "RCV-2026-000001".into(),
        data: None,
        error: None,
        scroll: 0,
    });
    let reqs = press(&mut a, KeyCode::Char('r'));
    let id = reqs
        .iter()
        .find(|r| r.slot == "detail")
        .expect("the detail asked")
        .id;
    reply(
        &mut a,
        id,
        Reply::Detail {
            number: "RCV-2026-000001".into(),
            data: Ok(Box::new(detail_of("RCV-2026-000001", 300))),
        },
    );
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::PageDown);
    assert_eq!(a.txns.detail.as_ref().map(|d| d.scroll), Some(21));
    press(&mut a, KeyCode::End);
    assert_eq!(
        a.txns.detail.as_ref().map(|d| d.scroll),
        Some(299),
        "stops at the last line"
    );
    press(&mut a, KeyCode::Home);
    assert_eq!(a.txns.detail.as_ref().map(|d| d.scroll), Some(0));
    press(&mut a, KeyCode::Esc);
    assert!(a.txns.detail.is_none());
}

/// The screen at 80x24, one string per line.
fn screen(a: &App) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    term.draw(|f| crate::tui::view::draw(f, a)).unwrap();
    let buf = term.backend().buffer();
    buf.content
        .chunks(80)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

fn posts(reqs: &[Request]) -> usize {
    reqs.iter()
        .filter(|r| matches!(r.call, ev::Call::Txn(Call::Post { .. })))
        .count()
}

#[test]
fn a_posting_refused_while_the_primary_is_down_stays_on_screen_and_posts_once_when_it_is_back() {
    use crate::tui::panes::dashboard::tests::{all_up, primary_down, tick};
    let mut a = on_txns(Role::Clerk);
    new_doc(&mut a, "iss");
    let (id, d, _) = lookup_of(&scan(&mut a, "P1")).unwrap();
    reply(
        &mut a,
        id,
        Reply::Lookup {
            doc: d,
            found: found(&["P1"]),
        },
    );
    typed(&mut a, "3*P1");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert_eq!(doc(&a).step, Step::Confirm);
    let lines = qtys(&a);
    assert_eq!(lines, [("P1".to_string(), Quantity::units(4))]);
    let doc_id = doc(&a).id.clone();
    let (pid, first) = post_of(&press(&mut a, KeyCode::Enter));

    // The transaction shard's primary stops answering; the service refuses the write at once.
    let since = t0() - chrono::Duration::seconds(37);
    tick(&mut a, 1, primary_down(2, since, 37_000));
    let refused = crate::error::Error::PrimaryDown {
        shard: "transaction",
        url: "mysql://g:***@127.0.0.1:3306/t".into(),
        since: crate::tui::panes::dashboard::tests::micros(since),
        reason: "no answer within 1000 ms".into(),
    }
    .to_string();
    reply(
        &mut a,
        pid,
        Reply::Posted {
            doc: doc_id.clone(),
            result: Err(refused),
        },
    );
    let d = doc(&a);
    assert_eq!((d.step, d.id.as_str()), (Step::Confirm, doc_id.as_str()));
    assert_eq!(qtys(&a), lines, "the lines are all still there");
    let shown = screen(&a);
    assert!(
        shown.contains("Not posted: the transaction shard's primary")
            && shown.contains("nothing was saved")
            && shown.contains("transaction primary down since"),
        "the error in the pane and the banner under it:\n{shown}"
    );

    // A look at the dashboard and back: the document waits where it was.
    press(&mut a, KeyCode::Char('1'));
    press(&mut a, KeyCode::Char('4'));
    assert_eq!(
        (doc(&a).step, doc(&a).id.as_str()),
        (Step::Confirm, doc_id.as_str())
    );

    // It answers again: the banner goes, and Enter posts the same document, once.
    tick(&mut a, 2, all_up());
    assert!(!screen(&a).contains("primary down"));
    let reqs = press(&mut a, KeyCode::Enter);
    assert_eq!(posts(&reqs), 1);
    let (pid, again) = post_of(&reqs);
    assert_eq!(
        again.id.as_deref(),
        Some(doc_id.as_str()),
        "the same transaction id"
    );
    assert_eq!(format!("{:?}", again.lines), format!("{:?}", first.lines));
    assert_eq!(
        posts(&press(&mut a, KeyCode::Enter)),
        0,
        "not while it is in flight"
    );
    reply(
        &mut a,
        pid,
        Reply::Posted {
            doc: doc_id,
            result: Ok(outcome(TxStatus::Posted, None)),
        },
    );
    assert_eq!(doc(&a).step, Step::Done);
}
