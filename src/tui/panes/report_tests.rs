//! Pure tests of the Reports screen and the stock card: keys in, state and requests out, no
//! terminal and no database.

use chrono::{NaiveDate, NaiveDateTime};
use tui_input::InputRequest;

use super::*;
use crate::Actor;
use crate::domain::{Quantity, Role, TxKind};
use crate::service::reports::{self, CardPage, CardRow, StockCard};
use crate::tui::event::{Call as AnyCall, Request};
use crate::tui::i18n::Lang;
use crate::tui::panes::card::Line;
use crate::tui::panes::report_period::Period;
use crate::tui::theme::Theme;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn now() -> NaiveDateTime {
    d(2026, 3, 2).and_hms_opt(9, 30, 0).unwrap()
}

fn shell() -> Shell {
    let mut s = Shell::new(Lang::En, Theme::new(false, None), now(), 50);
    s.actor = Some(Actor {
        id: "u1".into(),
        email: "v@b.test".into(),
        name: "Vi".into(),
        role: Role::Viewer,
    });
    s
}

fn calls(shell: &mut Shell) -> Vec<Call> {
    shell
        .take_requests()
        .into_iter()
        .filter_map(|r: Request| match r.call {
            AnyCall::Reports(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn typed(p: &mut ReportsPane, shell: &mut Shell, s: &str) {
    for c in s.chars() {
        p.on_action(shell, Action::Input(InputRequest::InsertChar(c)));
    }
}

fn clear_field(p: &mut ReportsPane, shell: &mut Shell) {
    for _ in 0..12 {
        p.on_action(shell, Action::Input(InputRequest::DeletePrevChar));
    }
}

#[test]
fn presets_count_from_today() {
    let today = d(2026, 3, 2);
    let p = Period::of(Preset::ThisMonth, today);
    assert_eq!((p.from, p.to), (d(2026, 3, 1), today));
    let p = p.step(today);
    assert_eq!(
        (p.preset, p.from, p.to),
        (Preset::PrevMonth, d(2026, 2, 1), d(2026, 2, 28))
    );
    let p = p.step(today);
    assert_eq!((p.from, p.to), (today, today));
    let p = p.step(today);
    assert_eq!((p.from, p.to, p.days()), (d(2026, 2, 24), today, 7));
    let p = p.step(today);
    assert_eq!((p.from, p.to), (d(2026, 1, 1), today));
    assert_eq!(p.step(today).preset, Preset::ThisMonth, "round and round");
    let jan = Period::of(Preset::PrevMonth, d(2026, 1, 15));
    assert_eq!((jan.from, jan.to), (d(2025, 12, 1), d(2025, 12, 31)));
}

#[test]
fn entering_asks_for_lookups_and_this_months_movement() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    let c = calls(&mut sh);
    assert!(matches!(c[0], Call::Lookups));
    let Call::Movement(f) = &c[1] else {
        panic!("{c:?}")
    };
    assert_eq!((f.period.from, f.period.to), (d(2026, 3, 1), d(2026, 3, 2)));
    assert_eq!((f.location.as_deref(), f.category.as_deref()), (None, None));
    // Entering again while it computes asks for nothing new.
    p.on_enter(&mut sh);
    assert!(calls(&mut sh).is_empty());
}

#[test]
fn switching_reports_and_filters_ask_for_the_report_on_screen() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    calls(&mut sh);
    p.on_action(&mut sh, Action::Right);
    assert_eq!(p.kind, Kind::Valuation);
    assert!(matches!(&calls(&mut sh)[..], [Call::Valuation(_)]));
    p.on_action(&mut sh, Action::GroupBy);
    let c = calls(&mut sh);
    let [Call::Valuation(f)] = &c[..] else {
        panic!("{c:?}")
    };
    assert_eq!(f.by, ValuationBy::Category);
    p.on_action(&mut sh, Action::Right);
    p.on_action(&mut sh, Action::Right);
    assert_eq!(p.kind, Kind::Movement, "round to the first");
    p.on_action(&mut sh, Action::Period);
    let c = calls(&mut sh);
    let Some(Call::Movement(f)) = c.last() else {
        panic!("{c:?}")
    };
    assert_eq!(f.period.preset, Preset::PrevMonth);
    assert_eq!(
        f.by,
        ValuationBy::Category,
        "the other report's choice stays"
    );
}

#[test]
fn the_location_picker_filters_and_all_clears() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    calls(&mut sh);
    p.locations = vec![crate::db::location::Location {
        id: "l1".into(),
        code: "JKT".into(),
        name: "Jakarta".into(),
        parent_id: None,
        active: 1,
        created_at: 0,
        updated_at: 0,
    }];
    p.on_action(&mut sh, Action::FilterLocation);
    assert!(p.text_focused());
    typed(&mut p, &mut sh, "jkt");
    p.on_action(&mut sh, Action::Submit);
    let c = calls(&mut sh);
    let [Call::Movement(f)] = &c[..] else {
        panic!("{c:?}")
    };
    assert_eq!(f.location.as_deref(), Some("JKT"));
    p.on_action(&mut sh, Action::FilterLocation);
    p.on_action(&mut sh, Action::Submit);
    assert_eq!(p.filters.as_ref().and_then(|f| f.location.clone()), None);
}

#[test]
fn typed_dates_are_checked_before_anything_is_asked() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    calls(&mut sh);
    p.on_action(&mut sh, Action::FilterDates);
    clear_field(&mut p, &mut sh);
    typed(&mut p, &mut sh, "2026-02-30");
    p.on_action(&mut sh, Action::Submit);
    p.on_action(&mut sh, Action::Submit);
    let form = p.period_form.as_ref().expect("still open");
    assert!(form.fields[0].error.is_some(), "no 30 February");
    assert!(calls(&mut sh).is_empty());
    clear_field(&mut p, &mut sh);
    typed(&mut p, &mut sh, "2026-02-10");
    p.on_action(&mut sh, Action::Submit);
    clear_field(&mut p, &mut sh);
    typed(&mut p, &mut sh, "2026-02-01");
    p.on_action(&mut sh, Action::Submit);
    let form = p.period_form.as_ref().expect("still open");
    assert_eq!(form.fields[1].error.as_deref(), Some(sh.t(Msg::DateOrder)));
    clear_field(&mut p, &mut sh);
    typed(&mut p, &mut sh, "today");
    p.on_action(&mut sh, Action::Submit);
    assert!(p.period_form.is_none());
    let c = calls(&mut sh);
    let [Call::Movement(f)] = &c[..] else {
        panic!("{c:?}")
    };
    assert_eq!(f.period, Period::typed(d(2026, 2, 10), d(2026, 3, 2)));
}

#[test]
fn export_wants_a_csv_or_xlsx_name() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    calls(&mut sh);
    p.on_action(&mut sh, Action::Export);
    let form = &p.export_form.as_ref().expect("the form").1;
    assert_eq!(form.value("path"), "mutasi-2026-03-01-2026-03-02.xlsx");
    for _ in 0..40 {
        p.on_action(&mut sh, Action::Input(InputRequest::DeletePrevChar));
    }
    typed(&mut p, &mut sh, "/tmp/report.txt");
    p.on_action(&mut sh, Action::Submit);
    let form = &p.export_form.as_ref().expect("still open").1;
    assert_eq!(
        form.fields[0].error.as_deref(),
        Some(sh.t(Msg::RptExportFormat))
    );
    assert!(calls(&mut sh).is_empty());
    for _ in 0..3 {
        p.on_action(&mut sh, Action::Input(InputRequest::DeletePrevChar));
    }
    typed(&mut p, &mut sh, "csv");
    p.on_action(&mut sh, Action::Submit);
    let c = calls(&mut sh);
    let [Call::Export { kind, path, .. }] = &c[..] else {
        panic!("{c:?}")
    };
    assert_eq!((*kind, path.as_str()), (Kind::Movement, "/tmp/report.csv"));
    p.on_reply(
        &mut sh,
        Reply::Exported {
            path: path.clone(),
            result: Ok((12, "/tmp/report.csv".into())),
        },
    );
    assert!(p.export_form.is_none());
    let toast = sh.toast.as_ref().map(|t| t.text.as_str());
    assert_eq!(toast, Some("Exported 12 rows to /tmp/report.csv"));
}

fn row(n: i64, balance: i64) -> CardRow {
    CardRow {
        at: n,
        number: format!("RCV-2026-{n:06}"),
        kind: TxKind::Receipt,
        location: "A".into(),
        counterpart: String::new(),
        reference: None,
        qty_in: Quantity::units(1),
        qty_out: Quantity(0),
        balance: Quantity::units(balance),
        txn_id: format!("t{n}"),
        line_no: 1,
        leg: 0,
    }
}

fn card_page(first: i64, n: i64, before: bool, after: bool) -> Box<StockCard> {
    let period = reports::Period {
        from: d(2026, 3, 1),
        to: d(2026, 3, 2),
    };
    Box::new(StockCard {
        product_id: "p1".into(),
        sku: "P1".into(),
        name: "Product 1".into(),
        unit: "PCS".into(),
        location: None,
        with_children: true,
        locations: Vec::new(),
        period,
        opening: Quantity(0),
        total_in: Quantity::units(500),
        total_out: Quantity(0),
        closing: Quantity::units(500),
        stock_now: Quantity::units(500),
        rows: (first..first + n).map(|i| row(i, i)).collect(),
        more_before: before,
        more_after: after,
        exact: true,
    })
}

fn card_calls(sh: &mut Shell) -> Vec<(CardPage, CardKey)> {
    calls(sh)
        .into_iter()
        .filter_map(|c| match c {
            Call::Card { key, page, .. } => Some((page, key)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_card_walks_its_pages_by_key_and_esc_goes_back() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    let period = p.period(&sh);
    let key = CardKey {
        sku: "P1".into(),
        location: Some("A".into()),
        period,
    };
    p.open_card(&mut sh, key.clone(), Some(Tab::Stock));
    assert_eq!(card_calls(&mut sh), [(CardPage::First, key.clone())]);
    p.on_reply(
        &mut sh,
        Reply::Card {
            key: key.clone(),
            page: CardPage::First,
            data: Ok(card_page(1, 3, false, true)),
        },
    );
    let c = p.card.as_mut().expect("open");
    assert_eq!(
        c.lines().len(),
        4,
        "opening and three rows; the closing is further on"
    );
    for _ in 0..3 {
        p.on_action(&mut sh, Action::Down);
    }
    assert!(card_calls(&mut sh).is_empty());
    p.on_action(&mut sh, Action::Down);
    let asked = card_calls(&mut sh);
    let last = row(3, 3).cursor();
    assert_eq!(asked, [(CardPage::After(last.clone()), key.clone())]);
    // An answer to an older request is dropped.
    p.on_reply(
        &mut sh,
        Reply::Card {
            key: key.clone(),
            page: CardPage::First,
            data: Ok(card_page(1, 3, false, true)),
        },
    );
    p.on_reply(
        &mut sh,
        Reply::Card {
            key: key.clone(),
            page: CardPage::After(last),
            data: Ok(card_page(4, 2, true, false)),
        },
    );
    let c = p.card.as_ref().expect("open");
    assert_eq!(c.lines(), [Line::Row(0), Line::Row(1), Line::Closing]);
    assert_eq!(c.cursor, 0, "the first row of the next page");
    p.on_action(&mut sh, Action::Up);
    assert_eq!(
        card_calls(&mut sh),
        [(CardPage::Before(row(4, 4).cursor()), key.clone())]
    );
    p.on_action(&mut sh, Action::Period);
    let asked = card_calls(&mut sh);
    assert_eq!(asked[0].0, CardPage::First);
    assert_eq!(asked[0].1.period.preset, Preset::PrevMonth);
    p.on_action(&mut sh, Action::Back);
    assert!(p.card.is_none());
    assert_eq!(p.leave, Some(Tab::Stock));
}

#[test]
fn keys_and_texts_exist_in_both_languages() {
    let p = ReportsPane::default();
    for (_, m) in p.keys().into_iter().chain(Card::keys()) {
        assert!(!m.text(Lang::Id).is_empty());
    }
    assert_eq!(p.hint(), Msg::RptHint);
}

mod in_the_app {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::config::UiConfig;
    use crate::tui::app::{App, update};
    use crate::tui::event::Event;

    fn app(role: Role) -> App {
        let mut a = App::new(&UiConfig::default(), Theme::new(false, None), now());
        a.shell.actor = Some(Actor {
            id: "u1".into(),
            email: "v@b.test".into(),
            name: "Vi".into(),
            role,
        });
        a
    }

    fn key(a: &mut App, c: KeyCode) -> Vec<Request> {
        update(a, Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
    }

    #[test]
    fn every_role_reads_the_reports() {
        for role in Role::ALL {
            let mut a = app(role);
            let n = Tab::ALL.iter().position(|t| *t == Tab::Reports).unwrap() + 1;
            let reqs = key(&mut a, KeyCode::Char(char::from(b'0' + n as u8)));
            assert_eq!(a.tab, Tab::Reports, "{role:?}");
            assert!(
                reqs.iter()
                    .any(|r| matches!(r.call, AnyCall::Reports(Call::Movement(_)))),
                "{role:?}"
            );
        }
    }

    #[test]
    fn k_without_a_product_under_the_cursor_does_nothing_and_esc_returns_from_a_card() {
        let mut a = app(Role::Clerk);
        key(&mut a, KeyCode::Char('2'));
        key(&mut a, KeyCode::Char('K'));
        assert_eq!(a.tab, Tab::Products, "no rows yet: no card");
        assert!(a.reports.card.is_none());
        // A card opened from the stock screen: Esc goes back there.
        let period = a.reports.period(&a.shell);
        let card = CardKey {
            sku: "P1".into(),
            location: Some("A".into()),
            period,
        };
        a.reports.open_card(&mut a.shell, card, Some(Tab::Stock));
        a.tab = Tab::Reports;
        key(&mut a, KeyCode::Char('p'));
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.tab, Tab::Stock);
        assert!(a.reports.card.is_none());
        assert_eq!(
            a.reports.period(&a.shell).preset,
            Preset::PrevMonth,
            "the next card starts with the period chosen on this one"
        );
    }
}

#[test]
fn a_report_shown_again_after_a_minute_is_computed_again() {
    let (mut p, mut sh) = (ReportsPane::default(), shell());
    p.on_enter(&mut sh);
    let c = calls(&mut sh);
    let Some(Call::Movement(f)) = c.last().cloned() else {
        panic!("{c:?}")
    };
    p.on_reply(&mut sh, Reply::Movement(f, Err("down".into())));
    p.on_enter(&mut sh);
    assert!(calls(&mut sh).is_empty(), "just answered");
    sh.now += chrono::Duration::seconds(REFRESH_SECS);
    p.on_enter(&mut sh);
    assert!(matches!(&calls(&mut sh)[..], [Call::Movement(_)]));
}
