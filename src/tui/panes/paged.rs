//! A cursor over a long list that is fetched one page at a time (stock rows, transactions).
//! The pane says which view it wants (`key`); the list holds one page of it and tells the pane
//! which page to fetch when the cursor leaves the page it has. A page is asked for with one row
//! more than it shows, so the list knows whether there is a next page without counting.

use std::cell::Cell;

use tui_input::Input;

use crate::tui::action::Action;

#[derive(Debug)]
pub struct Paged<K, T> {
    /// The view the pane wants on screen.
    pub key: K,
    /// The page held: `rows[i]` is row `offset + i` of view `rows_key`.
    pub rows: Vec<T>,
    pub rows_key: Option<K>,
    pub offset: i64,
    /// Whether the view has rows after this page.
    pub more: bool,
    pub cursor: i64,
    pub error: Option<String>,
    top: Cell<i64>,
    view_h: Cell<i64>,
}

impl<K: Default, T> Default for Paged<K, T> {
    fn default() -> Self {
        Paged {
            key: K::default(),
            rows: Vec::new(),
            rows_key: None,
            offset: 0,
            more: false,
            cursor: 0,
            error: None,
            top: Cell::new(0),
            view_h: Cell::new(10),
        }
    }
}

impl<K: Clone + PartialEq, T> Paged<K, T> {
    /// Whether the page held belongs to the wanted view.
    pub fn have(&self) -> bool {
        self.rows_key.as_ref() == Some(&self.key)
    }

    /// The last row the cursor may reach: one past the page when more follow (which fetches it).
    pub fn last(&self) -> i64 {
        if !self.have() {
            return self.cursor.max(0);
        }
        let end = self.offset + self.rows.len() as i64;
        if self.more { end } else { (end - 1).max(0) }
    }

    pub fn is_empty(&self) -> bool {
        self.have() && self.rows.is_empty() && self.offset == 0
    }

    pub fn current(&self) -> Option<&T> {
        if !self.have() {
            return None;
        }
        usize::try_from(self.cursor - self.offset)
            .ok()
            .and_then(|i| self.rows.get(i))
    }

    /// The offset of the page to fetch, if the cursor is not on the page held.
    pub fn wanted(&self, page: i64) -> Option<i64> {
        let inside = self.have()
            && self.cursor >= self.offset
            && self.cursor < self.offset + (self.rows.len() as i64).max(1);
        if inside {
            return None;
        }
        Some(self.cursor.max(0) / page * page)
    }

    /// Back to the first row (a new filter or search).
    pub fn reset(&mut self) {
        self.cursor = 0;
        self.top.set(0);
    }

    /// Forgets the page so it is fetched again (after a change).
    pub fn invalidate(&mut self) {
        self.rows_key = None;
    }

    /// The cursor keys: `true` if `a` moved the cursor (the pane then fetches what is in view).
    pub fn navigate(&mut self, a: &Action) -> bool {
        let page = self.view_height();
        let to = match a {
            Action::Up => self.cursor - 1,
            Action::Down => self.cursor + 1,
            Action::PageUp => self.cursor - page,
            Action::PageDown => self.cursor + page,
            Action::Home => 0,
            Action::End => self.last(),
            _ => return false,
        };
        self.move_to(to);
        true
    }

    pub fn move_to(&mut self, to: i64) {
        self.cursor = to.clamp(0, self.last());
    }

    /// Rows on screen, as the last frame measured them (for PageUp/PageDown).
    pub fn view_height(&self) -> i64 {
        self.view_h.get().max(1)
    }

    /// Stores a page answered for `key` at `offset` (fetched with `page + 1` rows); a page for
    /// another view is dropped. Returns whether it was taken.
    pub fn on_page(&mut self, key: K, offset: i64, mut rows: Vec<T>, page: i64) -> bool {
        if key != self.key {
            return false;
        }
        self.more = rows.len() as i64 > page;
        rows.truncate(page.max(0) as usize);
        self.rows = rows;
        self.offset = offset;
        self.rows_key = Some(key);
        self.error = None;
        if self.rows.is_empty() && offset > 0 {
            // The view shrank under the cursor: step back to its start.
            self.cursor = 0;
            self.rows_key = None;
        } else {
            self.cursor = self.cursor.clamp(0, self.last());
        }
        true
    }

    /// The rows of the page to draw in `h` lines, keeping the cursor in view: (first row
    /// index, slice start within the page).
    pub fn window(&self, h: i64) -> (i64, std::ops::Range<usize>) {
        let h = h.max(1);
        self.view_h.set(h);
        let mut top = self.top.get();
        if self.cursor < top {
            top = self.cursor;
        } else if self.cursor >= top + h {
            top = self.cursor - h + 1;
        }
        let start = self.offset;
        let end = self.offset + self.rows.len() as i64;
        top = top.clamp(start, (end - h).max(start));
        self.top.set(top);
        let a = (top - start).max(0) as usize;
        let b = ((top + h).min(end) - start).max(0) as usize;
        (top, a..b.max(a))
    }
}

/// What the search field above a list did with an action.
#[derive(Debug, PartialEq, Eq)]
pub enum Searched {
    /// Not a search key: the list's other keys may take it.
    NotMine,
    Handled,
    /// The text changed: filter the list again.
    Changed,
}

/// The search field above a paged list (the stock and transaction screens): while `focus`,
/// typing edits it and Esc, Enter or Tab leave it; otherwise `/` or Tab enter it and Esc
/// clears a non-empty search.
pub fn search_keys(input: &mut Input, focus: &mut bool, a: &Action) -> Searched {
    if *focus {
        match a {
            Action::Input(req) => {
                return if input.handle(*req).is_some_and(|c| c.value) {
                    Searched::Changed
                } else {
                    Searched::Handled
                };
            }
            Action::Back | Action::Submit | Action::NextField | Action::PrevField => {
                *focus = false;
                return Searched::Handled;
            }
            _ => {}
        }
    }
    match a {
        Action::Search | Action::NextField | Action::PrevField => {
            *focus = true;
            Searched::Handled
        }
        Action::Back if !input.value().is_empty() => {
            *input = Input::default();
            Searched::Changed
        }
        _ => Searched::NotMine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_cursor() {
        let mut p: Paged<u8, i64> = Paged::default();
        assert_eq!(p.wanted(10), Some(0), "nothing held: fetch the first page");
        assert!(p.on_page(0, 0, (0..11).collect(), 10));
        assert!(p.more);
        assert_eq!(p.rows.len(), 10);
        assert_eq!(p.wanted(10), None);
        p.move_to(100);
        assert_eq!(
            p.cursor, 10,
            "one past the page, which asks for the next one"
        );
        assert_eq!(p.wanted(10), Some(10));
        assert!(p.on_page(0, 10, (10..13).collect(), 10));
        assert!(!p.more);
        p.move_to(100);
        assert_eq!(p.cursor, 12, "the end is known");
        assert_eq!(p.current(), Some(&12));
        p.move_to(3);
        assert_eq!(p.wanted(10), Some(0));
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

    #[test]
    fn cursor_keys_move_within_the_list() {
        let mut p: Paged<u8, i64> = Paged::default();
        assert!(p.on_page(0, 0, (0..5).collect(), 10));
        assert!(p.navigate(&Action::End));
        assert_eq!(p.cursor, 4);
        assert!(p.navigate(&Action::Up));
        assert_eq!(p.cursor, 3);
        assert!(p.navigate(&Action::Home));
        assert_eq!(p.cursor, 0);
        assert!(!p.navigate(&Action::Search));
    }

    #[test]
    fn pages_of_another_view_are_dropped() {
        let mut p: Paged<u8, i64> = Paged {
            key: 2,
            ..Default::default()
        };
        assert!(!p.on_page(1, 0, vec![1], 10));
        assert!(!p.have());
        assert!(p.on_page(2, 0, vec![], 10));
        assert!(p.is_empty());
        assert_eq!(p.current(), None);
    }

    #[test]
    fn window_keeps_the_cursor_visible() {
        let mut p: Paged<u8, i64> = Paged::default();
        p.on_page(0, 0, (0..50).collect(), 100);
        p.move_to(30);
        let (top, r) = p.window(10);
        assert_eq!((top, r), (21, 21..31));
        p.move_to(0);
        assert_eq!(p.window(10), (0, 0..10));
    }
}
