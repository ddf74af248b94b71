//! Tests of the keyset-paged list: what it asks for as the cursor moves, and where it puts the
//! answers, on a list of `n` numbers standing in for rows (the key of a row is its number).

use super::*;

/// Answers `w` as a database of the rows 0..n would: `limit + 1` rows from the key.
fn answer(w: &Want<'_, i64>, n: i64) -> Vec<i64> {
    let l = w.limit + 1;
    let range: Vec<i64> = match w.seek {
        Seek::First => (0..n).take(l as usize).collect(),
        Seek::Last => (0..n).rev().take(l as usize).collect::<Vec<_>>(),
        Seek::After(k) => (k + 1..n).take(l as usize).collect(),
        Seek::Before(k) => (0..*k).rev().take(l as usize).collect::<Vec<_>>(),
        Seek::From(k) => (*k..n).take(l as usize).collect(),
    };
    let mut rows = range;
    if w.seek.backward() {
        rows.reverse();
    }
    rows
}

/// Fetches until the list wants nothing more.
fn settle(p: &mut Paged<u8, i64>, n: i64) -> usize {
    let mut asked = 0;
    while let Some(w) = p.wanted(10, false) {
        let (place, rows, limit) = (w.place, answer(&w, n), w.limit);
        p.sent();
        assert!(p.on_page(0, place, rows, limit));
        asked += 1;
        assert!(asked < 50, "asks forever");
    }
    asked
}

fn list() -> Paged<u8, i64> {
    let p: Paged<u8, i64> = Paged::default();
    p.visible(10);
    p
}

#[test]
fn first_page_then_walking_down_fetches_windows_after_the_last_key() {
    let mut p = list();
    let w = p.wanted(10, false).expect("nothing held: the first rows");
    assert_eq!((w.place, w.seek, w.limit), (Place::First, Seek::First, 20));
    settle(&mut p, 1000);
    assert_eq!(
        (p.rows.len(), p.first, p.at_start, p.at_end),
        (20, 0, true, false)
    );
    for _ in 0..25 {
        p.navigate(&Action::PageDown);
        p.visible(10);
        settle(&mut p, 1000);
    }
    assert_eq!(p.cursor, 250);
    assert_eq!(
        p.current(),
        Some(&250),
        "the row at position 250 is row 250"
    );
    assert_eq!(p.number(), Some(251));
    assert!(p.rows.len() <= 20, "a window, never the whole list");
}

#[test]
fn end_reads_the_last_rows_and_page_up_walks_back_from_them() {
    let mut p = list();
    settle(&mut p, 1000);
    p.navigate(&Action::End);
    assert!(p.jumping());
    let w = p
        .wanted(10, true)
        .expect("End overtakes a request in flight");
    assert_eq!(w.seek, Seek::Last);
    settle(&mut p, 1000);
    assert_eq!(p.current(), Some(&999));
    assert_eq!(
        p.number_from_end(),
        Some(1),
        "counted from the end: no count was made"
    );
    for _ in 0..3 {
        p.navigate(&Action::PageUp);
        p.visible(10);
        settle(&mut p, 1000);
    }
    assert_eq!(p.current(), Some(&969));
    assert_eq!(p.number_from_end(), Some(31));
    // Walking back to the first row turns positions into positions from the start.
    for _ in 0..100 {
        p.navigate(&Action::PageUp);
        p.visible(10);
        settle(&mut p, 1000);
    }
    assert_eq!((p.current(), p.number()), (Some(&0), Some(1)));
    p.navigate(&Action::End);
    settle(&mut p, 1000);
    assert_eq!(p.current(), Some(&999));
}

#[test]
fn a_count_makes_end_positions_positions_from_the_start() {
    let mut p = list();
    settle(&mut p, 1000);
    p.navigate(&Action::End);
    settle(&mut p, 1000);
    p.set_total(1000);
    assert_eq!((p.number(), p.current()), (Some(1000), Some(&999)));
    p.navigate(&Action::Home);
    settle(&mut p, 1000);
    p.set_total(1000);
    p.navigate(&Action::End);
    assert_eq!(
        p.cursor, 999,
        "with a count End knows where it lands at once"
    );
    settle(&mut p, 1000);
    assert_eq!(p.current(), Some(&999));
}

#[test]
fn a_short_list_is_all_in_one_window() {
    let mut p = list();
    settle(&mut p, 5);
    assert!(p.at_start && p.at_end);
    assert_eq!(p.total, Some(5));
    p.navigate(&Action::End);
    assert!(!p.jumping(), "the end is held: no request");
    assert_eq!(p.current(), Some(&4));
    p.navigate(&Action::Down);
    assert_eq!(p.cursor, 4);
    p.navigate(&Action::Home);
    assert_eq!(p.current(), Some(&0));
}

#[test]
fn pages_of_another_view_or_overtaken_by_end_are_dropped() {
    let mut p: Paged<u8, i64> = Paged {
        key: 2,
        ..Default::default()
    };
    assert!(!p.on_page(1, Place::First, vec![1], 10));
    assert!(!p.have());
    assert!(p.on_page(2, Place::First, vec![], 10));
    assert!(p.is_empty());
    assert_eq!(p.current(), None);
    let mut p = list();
    settle(&mut p, 1000);
    p.navigate(&Action::End);
    assert!(p.on_page(
        0,
        Place::After(Pos {
            at: 9,
            from_end: false
        }),
        vec![10, 11],
        20
    ));
    assert!(!p.have(), "a window asked before End is not placed");
}

#[test]
fn a_row_removed_under_the_window_reads_the_end_again() {
    let mut p = list();
    settle(&mut p, 30);
    p.navigate(&Action::End);
    settle(&mut p, 30);
    assert_eq!(p.current(), Some(&29));
    // Refreshed after the list shrank to 10 rows: the window is read again from its first
    // row, which is gone, so the end is read again.
    p.invalidate();
    settle(&mut p, 10);
    assert_eq!(p.current(), Some(&9));
}

#[test]
fn window_keeps_the_cursor_visible() {
    let mut p = list();
    settle(&mut p, 50);
    p.move_to(25);
    p.visible(10);
    settle(&mut p, 50);
    let shown = p.visible(10);
    assert_eq!(shown.first().map(|(i, _)| *i), Some(16));
    assert_eq!(shown.last(), Some(&(25, Some(&25))));
    p.move_to(0);
    assert_eq!(p.cursor, 4, "at most one screen beyond the rows held");
    p.visible(10);
    settle(&mut p, 50);
    p.move_to(0);
    assert_eq!(p.visible(10)[0], (0, Some(&0)));
}

#[test]
fn search_field_keys() {
    use tui_input::InputRequest;
    let (mut input, mut focus) = (Input::default(), false);
    assert_eq!(
        search_keys(&mut input, &mut focus, &Action::Up),
        Searched::NotMine
    );
    assert_eq!(
        search_keys(&mut input, &mut focus, &Action::Back),
        Searched::NotMine
    );
    assert_eq!(
        search_keys(&mut input, &mut focus, &Action::Search),
        Searched::Handled
    );
    assert!(focus);
    let typed = Action::Input(InputRequest::InsertChar('b'));
    assert_eq!(
        search_keys(&mut input, &mut focus, &typed),
        Searched::Changed
    );
    assert_eq!(input.value(), "b");
    assert_eq!(
        search_keys(&mut input, &mut focus, &Action::Submit),
        Searched::Handled
    );
    assert!(!focus, "Enter leaves the field and keeps the text");
    assert_eq!(
        search_keys(&mut input, &mut focus, &Action::Back),
        Searched::Changed
    );
    assert_eq!(input.value(), "", "Esc clears a search");
}
