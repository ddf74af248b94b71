//! Pure tests of `update` on the products pane: paging, search coalescing, forms, roles.

use super::*;
use crate::db::keyset::Seek;
use crate::tui::panes::paged::Place;

#[test]
fn typing_a_search_coalesces_while_a_page_is_in_flight_and_drops_stale_pages() {
    let (mut a, _) = logged_in(Role::Admin);
    let first = update(&mut a, key(KeyCode::Char('2')));
    let page = first.iter().find(|r| r.slot == "page").unwrap().id;
    update(&mut a, key(KeyCode::Char('/')));
    assert!(a.text_focused());
    let reqs = typed(&mut a, "wid");
    assert_eq!(a.products.key().text, "wid");
    // Each change of the text asks for its matches at once, overtaking the request before.
    let last = reqs
        .iter()
        .rfind(|r| r.slot == "page")
        .expect("search request");
    assert!(
        matches!(&last.call, Call::Products(products::Call::Page { key, .. }) if key.text == "wid")
    );
    // The browse page answers late: it is for a view no longer shown, so it is dropped.
    update(
        &mut a,
        Event::Reply(
            page,
            Reply::Products(products::Reply::Page {
                key: Default::default(),
                place: Place::First,
                limit: 201,
                rows: Ok(Vec::new()),
            }),
        ),
    );
    assert!(a.products.list.rows_key.is_none());
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
fn browsing_fetches_windows_by_key_and_end_reads_the_last_rows() {
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
            Call::Products(products::Call::Page {
                place,
                seek,
                limit,
                key,
            }) => Some((r.id, *place, seek.clone(), *limit, key.clone())),
            _ => None,
        })
    };
    let count = reqs.iter().find(|r| r.slot == "count").unwrap().id;
    let (id, place, seek, limit, view) = page(&reqs).expect("first page");
    assert_eq!((place, &seek), (Place::First, &Seek::First));
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
    let rows = |from: i64, n: i64| -> Vec<crate::service::catalog::ProductView> {
        (from..from + n)
            .map(|i| crate::service::catalog::ProductView {
                id: i.to_string(),
                sku: format!("S{i:06}"),
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
                updated_at: 0,
            })
            .collect()
    };
    update(
        &mut a,
        Event::Reply(
            id,
            Reply::Products(products::Reply::Page {
                key: view.clone(),
                place,
                limit,
                rows: Ok(rows(0, limit)),
            }),
        ),
    );
    assert_eq!(a.products.len(), 100_000);
    assert_eq!(
        a.products.current().map(|p| p.sku.as_str()),
        Some("S000000")
    );
    // Moving down inside the window asks for nothing; nearing its edge fetches the rows after
    // a row it holds, by that row's key.
    let mut next = None;
    for _ in 0..limit {
        let reqs = update(&mut a, key(KeyCode::Down));
        if let Some(p) = page(&reqs) {
            next = Some(p);
            break;
        }
    }
    let (id, place, seek, limit, view) = next.expect("a page before the window runs out");
    let (Place::After(at), Seek::After(c)) = (place, &seek) else {
        panic!("{place:?} {seek:?}")
    };
    assert_eq!(
        c.id,
        at.at.to_string(),
        "the key of the row at that position"
    );
    assert!(
        a.products.list.current().is_some(),
        "still inside the window"
    );
    update(
        &mut a,
        Event::Reply(
            id,
            Reply::Products(products::Reply::Page {
                key: view,
                place,
                limit,
                rows: Ok(rows(at.at + 1, limit)),
            }),
        ),
    );
    // End jumps to the last row at once (the count says where) and asks for the last rows.
    let reqs = update(&mut a, key(KeyCode::End));
    assert_eq!(a.products.list.cursor, 99_999);
    assert!(
        a.products.current().is_none(),
        "not loaded yet: shown as a placeholder"
    );
    let (id, place, seek, limit, view) = page(&reqs).expect("the last window");
    assert_eq!((place, &seek), (Place::Last, &Seek::Last));
    update(
        &mut a,
        Event::Reply(
            id,
            Reply::Products(products::Reply::Page {
                key: view,
                place,
                limit,
                rows: Ok(rows(100_000 - limit, limit)),
            }),
        ),
    );
    assert_eq!(
        a.products.current().map(|p| p.sku.as_str()),
        Some("S099999")
    );
    assert_eq!(a.products.list.number(), Some(100_000));
}
