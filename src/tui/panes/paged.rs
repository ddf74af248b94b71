//! A cursor over a long list fetched a window at a time (products, stock rows, transactions),
//! by keyset paging: the pane asks for the rows after (or before) a row it holds, or for the
//! first or the last rows, never for an offset, so End and a PgDn far down cost what the
//! first page does. The list keeps a window of rows around the cursor and asks for the next
//! one before the cursor reaches its edge; a window is asked for with one row more than it
//! keeps, so the list knows whether more follow without counting.
//!
//! Positions are counted from the first row, or, after End, from the end (-1 is the last row)
//! until walking back reaches the first row or a count says how many there are. They are
//! exact along the rows walked; a row another clerk adds meanwhile shifts them by one, which
//! the next Home or End puts right.

use std::cell::Cell;

use tui_input::Input;

use crate::db::keyset::Seek;
use crate::tui::action::Action;

/// A page request's place in the list: which rows, from the row at which position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    First,
    Last,
    After(Pos),
    Before(Pos),
    From(Pos),
}

/// A position, and whether it counts from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub at: i64,
    pub from_end: bool,
}

/// What the pane should ask for: `limit + 1` rows from `seek`, answered with `place`.
#[derive(Debug)]
pub struct Want<'a, T> {
    pub place: Place,
    pub seek: Seek<&'a T>,
    pub limit: i64,
}

#[derive(Debug)]
pub struct Paged<K, T> {
    /// The view the pane wants on screen.
    pub key: K,
    /// The window held: `rows[i]` is at position `first + i` of view `rows_key`.
    pub rows: Vec<T>,
    pub rows_key: Option<K>,
    pub first: i64,
    /// Positions count from the end (-1 = the last row).
    pub from_end: bool,
    /// Nothing before / after the window.
    pub at_start: bool,
    pub at_end: bool,
    /// Rows in the view, when counted (products) or seen (the end reached from the start).
    pub total: Option<i64>,
    /// How much was added to positions when they stopped counting from the end (to place a
    /// reply asked for before).
    converted: i64,
    /// The rows are to be read again where they are (after a change).
    stale: bool,
    /// Home or End (or a new view) asked for, not yet answered; and whether its request went.
    jump: Option<Place>,
    jump_sent: bool,
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
            first: 0,
            from_end: false,
            at_start: true,
            at_end: false,
            total: None,
            converted: 0,
            stale: false,
            jump: None,
            jump_sent: false,
            cursor: 0,
            error: None,
            top: Cell::new(0),
            view_h: Cell::new(10),
        }
    }
}

/// The first visible row with the cursor at `cursor`: the previous top, moved just enough to
/// keep the cursor on screen.
fn scroll(cursor: i64, top: i64, h: i64) -> i64 {
    if cursor < top {
        cursor
    } else if cursor >= top + h {
        cursor - h + 1
    } else {
        top
    }
}

fn mk<T>(place: Place, seek: Seek<&T>, limit: i64) -> Option<Want<'_, T>> {
    Some(Want { place, seek, limit })
}

impl<K: Clone + PartialEq, T> Paged<K, T> {
    /// Whether the window held belongs to the wanted view.
    pub fn have(&self) -> bool {
        self.rows_key.as_ref() == Some(&self.key)
    }

    /// Whether Home or End waits for its rows.
    pub fn jumping(&self) -> bool {
        self.jump.is_some()
    }

    fn end(&self) -> i64 {
        self.first + self.rows.len() as i64
    }

    /// The first and last positions the cursor may take: the ends where known, else one
    /// screen beyond the window (which fetches the rows there).
    fn bounds(&self) -> (i64, i64) {
        let h = self.view_height();
        if !self.have() {
            return (self.cursor, self.cursor);
        }
        let lo = if self.at_start {
            self.first
        } else {
            self.first - h
        };
        let hi = if self.at_end {
            self.end() - 1
        } else {
            self.end() - 1 + h
        };
        (lo, hi.max(lo))
    }

    pub fn is_empty(&self) -> bool {
        self.have() && self.rows.is_empty() && self.at_start && self.at_end
    }

    pub fn current(&self) -> Option<&T> {
        self.row(self.cursor)
    }

    /// The row at position `at`, if held.
    pub fn row(&self, at: i64) -> Option<&T> {
        if !self.have() {
            return None;
        }
        usize::try_from(at - self.first)
            .ok()
            .and_then(|i| self.rows.get(i))
    }

    /// The cursor's row number from the first row (1-based), when known.
    pub fn number(&self) -> Option<i64> {
        (!self.from_end).then_some(self.cursor + 1)
    }

    /// The cursor's row number from the end (1 = the last row), when counting from the end.
    pub fn number_from_end(&self) -> Option<i64> {
        self.from_end.then_some(-self.cursor)
    }

    /// Rows in `limit`-row windows for a screen of the last measured height.
    pub fn limit(&self, page: i64) -> i64 {
        page.max(2 * self.view_height()).max(1)
    }

    /// The window to ask for, if the screen needs rows it does not hold (or soon will). While
    /// a request is `busy`, only Home or End (not yet sent) asks again: it overtakes it.
    pub fn wanted(&self, page: i64, busy: bool) -> Option<Want<'_, T>> {
        let limit = self.limit(page);
        let want = |place, seek| mk(place, seek, limit);
        if let Some(j) = self.jump {
            if busy && self.jump_sent {
                return None;
            }
            return want(
                j,
                if j == Place::Last {
                    Seek::Last
                } else {
                    Seek::First
                },
            );
        }
        if busy {
            return None;
        }
        let pos = |i: i64| Pos {
            at: i,
            from_end: self.from_end,
        };
        if !self.have() || (self.rows.is_empty() && !(self.at_start && self.at_end)) {
            return if self.from_end && self.have() {
                want(Place::Last, Seek::Last)
            } else {
                want(Place::First, Seek::First)
            };
        }
        if self.stale {
            return match self.rows.first() {
                _ if self.at_start => want(Place::First, Seek::First),
                _ if self.at_end && self.from_end => want(Place::Last, Seek::Last),
                Some(r) => want(Place::From(pos(self.first)), Seek::From(r)),
                None => want(Place::First, Seek::First),
            };
        }
        let h = self.view_height();
        let top = scroll(self.cursor, self.top.get(), h);
        let (w0, w1) = (self.first, self.end());
        let margin = (limit - h).max(0) / 4;
        let forward = !self.at_end && w1 - (top + h) < margin;
        let backward = !self.at_start && top - w0 < margin;
        let at = |i: i64| i.clamp(w0, w1 - 1);
        if backward && (top < w0 || !forward) {
            let c = at(top + h + margin);
            return want(Place::Before(pos(c)), Seek::Before(self.row(c)?));
        }
        if forward {
            let c = at(top - margin - 1);
            return want(Place::After(pos(c)), Seek::After(self.row(c)?));
        }
        None
    }

    /// The request [`Self::wanted`] gave was sent.
    pub fn sent(&mut self) {
        self.jump_sent = self.jump.is_some();
    }

    /// Back to the first row (a new filter or search): its rows are asked for at once.
    pub fn reset(&mut self) {
        self.jump_sent = false;
        self.cursor = 0;
        self.top.set(0);
        self.first = 0;
        self.from_end = false;
        self.total = None;
        self.jump = Some(Place::First);
    }

    /// Reads the window again where it is (after a change), keeping it on screen meanwhile.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// The number of rows in the view, counted (for the key on screen).
    pub fn set_total(&mut self, total: i64) {
        self.total = Some(total.max(0));
        if self.from_end {
            // Positions from the end become positions from the start.
            let shift = total.max(0);
            self.first += shift;
            self.cursor += shift;
            self.top.set(self.top.get() + shift);
            self.converted = shift;
            self.from_end = false;
        }
    }

    /// The cursor keys: `true` if `a` moved the cursor (the pane then fetches what is in view).
    pub fn navigate(&mut self, a: &Action) -> bool {
        let page = self.view_height();
        let to = match a {
            Action::Up => self.cursor - 1,
            Action::Down => self.cursor + 1,
            Action::PageUp => self.cursor - page,
            Action::PageDown => self.cursor + page,
            Action::Home => {
                self.home();
                return true;
            }
            Action::End => {
                self.end_key();
                return true;
            }
            _ => return false,
        };
        self.move_to(to);
        true
    }

    fn home(&mut self) {
        if self.have() && self.at_start && !self.stale {
            self.cursor = self.first;
            return;
        }
        self.rows_key = None;
        self.rows.clear();
        self.reset_keep_total();
        self.jump = Some(Place::First);
        self.jump_sent = false;
    }

    fn end_key(&mut self) {
        if self.have() && self.at_end && !self.stale && !self.rows.is_empty() {
            self.cursor = self.end() - 1;
            return;
        }
        self.rows_key = None;
        self.rows.clear();
        let total = self.total;
        self.reset_keep_total();
        match total {
            Some(t) => {
                self.cursor = t - 1;
                self.first = t;
            }
            None => {
                self.from_end = true;
                self.cursor = -1;
            }
        }
        self.top.set(self.cursor);
        self.jump = Some(Place::Last);
        self.jump_sent = false;
    }

    fn reset_keep_total(&mut self) {
        self.cursor = 0;
        self.first = 0;
        self.top.set(0);
        self.from_end = false;
        self.at_start = true;
        self.at_end = false;
        self.stale = false;
    }

    pub fn move_to(&mut self, to: i64) {
        let (lo, hi) = self.bounds();
        self.cursor = to.clamp(lo, hi);
    }

    /// Rows on screen, as the last frame measured them (for PageUp/PageDown).
    pub fn view_height(&self) -> i64 {
        self.view_h.get().max(1)
    }

    /// The first and last positions the last frame showed (rows that exist), if any.
    pub fn shown(&self) -> Option<(i64, i64)> {
        if !self.have() || self.is_empty() {
            return None;
        }
        let top = self.top.get();
        let mut last = top + self.view_height() - 1;
        if self.at_end {
            last = last.min(self.end() - 1);
        }
        (last >= top).then_some((top, last))
    }

    /// The positions to draw in `h` lines, keeping the cursor in view, each with its row if
    /// held (`None`: on its way).
    pub fn visible(&self, h: i64) -> Vec<(i64, Option<&T>)> {
        let h = h.max(1);
        self.view_h.set(h);
        let mut top = scroll(self.cursor, self.top.get(), h);
        if self.have() {
            if self.at_end {
                top = top.min(self.end() - h);
            }
            if self.at_start {
                top = top.max(self.first);
            }
        }
        top = top.min(self.cursor).max(self.cursor - h + 1);
        self.top.set(top);
        let stop = if self.have() && self.at_end {
            self.end().min(top + h)
        } else {
            top + h
        };
        (top..stop).map(|i| (i, self.row(i))).collect()
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

#[path = "paged_reply.rs"]
mod reply;
#[cfg(test)]
#[path = "paged_tests.rs"]
mod tests;
