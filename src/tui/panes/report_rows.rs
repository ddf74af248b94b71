//! A cursor over rows held in memory (a report's lines): the cursor keys move it, the table
//! shows the window around it, and the last frame's height sizes PageUp/PageDown.

use std::cell::Cell;
use std::ops::Range;

use crate::tui::action::Action;

#[derive(Debug, Default)]
pub struct Rows {
    pub cursor: usize,
    top: Cell<usize>,
    view_h: Cell<usize>,
}

impl Rows {
    /// Moves the cursor over `len` rows; `true` if `a` was a cursor key.
    pub fn navigate(&mut self, a: &Action, len: usize) -> bool {
        let page = self.view_h.get().max(1);
        let last = len.saturating_sub(1);
        self.cursor = match a {
            Action::Up => self.cursor.saturating_sub(1),
            Action::Down => self.cursor + 1,
            Action::PageUp => self.cursor.saturating_sub(page),
            Action::PageDown => self.cursor + page,
            Action::Home => 0,
            Action::End => last,
            _ => return false,
        }
        .min(last);
        true
    }

    pub fn reset(&mut self) {
        self.cursor = 0;
        self.top.set(0);
    }

    /// The rows to draw in `h` lines out of `len`, keeping the cursor in view.
    pub fn window(&self, h: usize, len: usize) -> Range<usize> {
        let h = h.max(1);
        self.view_h.set(h);
        let cursor = self.cursor.min(len.saturating_sub(1));
        let mut top = self.top.get();
        if cursor < top {
            top = cursor;
        } else if cursor >= top + h {
            top = cursor + 1 - h;
        }
        top = top.min(len.saturating_sub(h));
        self.top.set(top);
        top..(top + h).min(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_cursor_and_pages_by_its_height() {
        let mut r = Rows::default();
        assert_eq!(r.window(5, 12), 0..5);
        assert!(r.navigate(&Action::PageDown, 12));
        assert_eq!(r.cursor, 5);
        assert_eq!(r.window(5, 12), 1..6);
        assert!(r.navigate(&Action::End, 12));
        assert_eq!(r.window(5, 12), 7..12);
        assert!(r.navigate(&Action::Down, 12));
        assert_eq!(r.cursor, 11, "stays on the last row");
        assert!(r.navigate(&Action::Home, 12));
        assert_eq!(r.window(5, 12), 0..5);
        assert!(!r.navigate(&Action::Submit, 12));
        assert_eq!(r.window(5, 0), 0..0);
    }
}
