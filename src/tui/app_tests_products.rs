//! Pure tests of `update` on the products pane: paging, search coalescing, forms, roles.

use super::*;

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
