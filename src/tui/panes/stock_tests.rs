//! Pure tests of the stock pane through the app's `update`.

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::db::keyset::Seek;
use crate::domain::Role;
use crate::tui::action::Tab;
use crate::tui::app::{App, update};
use crate::tui::event::{self as ev, Event, Request};
use crate::tui::panes::paged::Place;
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
    s.chars().flat_map(|c| press(a, KeyCode::Char(c))).collect()
}

fn row(loc: &str, sku: &str, qty: i64, low: bool) -> StockView {
    StockView {
        location: loc.into(),
        sku: sku.into(),
        name: format!("Product {sku}"),
        quantity: qty.to_string(),
        min: "5".into(),
        low,
        quantity_milli: qty * 1000,
        product_id: format!("pid-{sku}"),
        location_id: format!("id-{loc}"),
    }
}

fn page_of(reqs: &[Request]) -> Option<(u64, StockKey, Place, i64)> {
    reqs.iter().find_map(|r| match &r.call {
        ev::Call::Stock(Call::Page {
            key, place, limit, ..
        }) => Some((r.id, key.clone(), *place, *limit)),
        _ => None,
    })
}

fn on_stock() -> (App, Vec<Request>) {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "c@b.test".into(),
        name: "Cici".into(),
        role: Role::Clerk,
    });
    let reqs = press(&mut a, KeyCode::Char('3'));
    assert_eq!(a.tab, Tab::Stock);
    (a, reqs)
}

fn answer(a: &mut App, id: u64, key: StockKey, place: Place, rows: Vec<StockView>) -> Vec<Request> {
    let limit = a.stock.list.limit(a.shell.page_size);
    update(
        a,
        Event::Reply(
            id,
            ev::Reply::Stock(Reply::Page {
                key,
                place,
                limit,
                rows: Ok(rows),
            }),
        ),
    )
}

#[test]
fn pages_are_fetched_after_the_last_key_and_one_more_row_tells_of_the_next() {
    let (mut a, reqs) = on_stock();
    let (id, key, place, limit) = page_of(&reqs).expect("first page");
    let window = a.stock.list.limit(a.shell.page_size);
    assert_eq!((place, limit), (Place::First, window + 1));
    let rows: Vec<StockView> = (0..=window)
        .map(|i| row("A", &format!("P{i:03}"), 10, false))
        .collect();
    answer(&mut a, id, key, place, rows);
    assert!(!a.stock.list.at_end);
    assert!(page_of(&press(&mut a, KeyCode::Down)).is_none());
    a.stock.list.cursor = window - 2;
    let reqs = press(&mut a, KeyCode::Down);
    let (id, key, place, _) = page_of(&reqs).expect("the next window, before the edge");
    let Some(ev::Call::Stock(Call::Page { seek, .. })) = reqs
        .iter()
        .map(|r| &r.call)
        .find(|c| matches!(c, ev::Call::Stock(Call::Page { .. })))
    else {
        unreachable!()
    };
    let Seek::After(c) = seek else {
        panic!("{seek:?}")
    };
    let Place::After(at) = place else {
        panic!("{place:?}")
    };
    assert_eq!(
        c.product_id,
        format!("pid-P{:03}", at.at),
        "the key of the row it follows"
    );
    let next: Vec<StockView> = vec![row("B", "Q1", 1, true)];
    answer(&mut a, id, key, place, next);
    assert!(a.stock.list.at_end, "a short window is the end");
    a.stock.list.move_to(i64::MAX);
    assert_eq!(
        a.stock.list.current().map(|r| r.location.as_str()),
        Some("B")
    );
    assert!(
        page_of(&press(&mut a, KeyCode::Down)).is_none(),
        "the end is known"
    );
    assert!(
        page_of(&press(&mut a, KeyCode::End)).is_none(),
        "End on the last window asks for nothing"
    );
    let reqs = press(&mut a, KeyCode::Home);
    let (_, _, place, _) = page_of(&reqs).expect("Home: the first rows again");
    assert_eq!(place, Place::First);
}

#[test]
fn filters_change_the_view_and_stale_pages_are_dropped() {
    let (mut a, reqs) = on_stock();
    let (id, key, ..) = page_of(&reqs).unwrap();
    let locs = reqs.iter().find(|r| r.slot == "locations").unwrap().id;
    let loc = crate::db::location::Location {
        id: "id-A".into(),
        code: "A".into(),
        name: "Warehouse A".into(),
        parent_id: None,
        active: 1,
        created_at: 0,
        updated_at: 0,
    };
    update(
        &mut a,
        Event::Reply(locs, ev::Reply::Stock(Reply::Locations(Ok(vec![loc])))),
    );
    let reqs = typed(&mut a, "w");
    assert!(a.stock.list.key.low);
    // The new view is asked for at once; the page for the old one is dropped.
    let (new_id, new_key, ..) = page_of(&reqs).expect("the low-stock page");
    answer(
        &mut a,
        id,
        key,
        Place::First,
        vec![row("A", "P1", 10, false)],
    );
    assert!(!a.stock.list.have());
    assert!(new_key.low);
    answer(
        &mut a,
        new_id,
        new_key,
        Place::First,
        vec![row("A", "P1", 1, true)],
    );
    assert!(a.stock.list.have());
    typed(&mut a, "l");
    assert!(a.stock.picker.is_some() && a.text_focused());
    typed(&mut a, "war");
    let reqs = press(&mut a, KeyCode::Enter);
    assert_eq!(a.stock.list.key.location.as_deref(), Some("A"));
    assert!(
        page_of(&reqs)
            .is_some_and(|(_, k, p, _)| k.location.as_deref() == Some("A") && p == Place::First)
    );
}

#[test]
fn enter_opens_the_product_detail_and_esc_closes_it() {
    let (mut a, reqs) = on_stock();
    let (id, key, ..) = page_of(&reqs).unwrap();
    answer(
        &mut a,
        id,
        key,
        Place::First,
        vec![row("A", "P1", 10, false), row("A", "P2", 2, true)],
    );
    press(&mut a, KeyCode::Down);
    let reqs = press(&mut a, KeyCode::Enter);
    assert!(
        reqs.iter()
            .any(|r| matches!(&r.call, ev::Call::Stock(Call::Detail { sku }) if sku == "P2"))
    );
    assert_eq!(a.stock.detail.as_ref().map(|d| d.sku.as_str()), Some("P2"));
    let id = reqs[0].id;
    update(
        &mut a,
        Event::Reply(
            id,
            ev::Reply::Stock(Reply::Detail {
                sku: "P2".into(),
                data: Err("product 'P2' not found".into()),
            }),
        ),
    );
    assert!(a.stock.detail.as_ref().is_some_and(|d| d.error.is_some()));
    press(&mut a, KeyCode::Esc);
    assert!(a.stock.detail.is_none());
}

#[test]
fn search_as_you_type_filters_by_product() {
    let (mut a, _) = on_stock();
    typed(&mut a, "/");
    assert!(a.text_focused());
    typed(&mut a, "p1");
    assert_eq!(a.stock.list.key.text, "p1");
    press(&mut a, KeyCode::Enter);
    assert!(!a.text_focused());
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.stock.list.key.text, "", "Esc clears the search");
}

#[test]
fn enter_typed_before_the_rows_opens_the_detail_when_they_come() {
    let (mut a, reqs) = on_stock();
    let (id, key, ..) = page_of(&reqs).unwrap();
    let typed_reqs = typed(&mut a, "/p1");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert!(a.stock.detail.is_none(), "no row yet");
    // The page of the view before the search is dropped; the search's page was asked for
    // as the text changed (the last one asked answers).
    answer(
        &mut a,
        id,
        key,
        Place::First,
        vec![row("A", "P9", 1, false)],
    );
    let (id, key, ..) = page_of(&typed_reqs[typed_reqs.len() - 1..]).expect("the search's page");
    assert_eq!(key.text, "p1");
    let reqs = answer(
        &mut a,
        id,
        key,
        Place::First,
        vec![row("A", "P1", 3, false)],
    );
    assert_eq!(a.stock.detail.as_ref().map(|d| d.sku.as_str()), Some("P1"));
    assert!(
        reqs.iter()
            .any(|r| matches!(&r.call, ev::Call::Stock(Call::Detail { sku }) if sku == "P1"))
    );
}
