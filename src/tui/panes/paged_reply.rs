//! How a keyset-paged list places a window that was answered: where its rows stand, which
//! ends of the list it reached, and how positions are put right when an end shows that rows
//! were added or removed meanwhile.

use super::{Paged, Place, Pos};

impl<K: Clone + PartialEq, T> Paged<K, T> {
    /// Stores a window answered for `key` at `place` (asked with `limit + 1` rows); a window
    /// for another view, or one Home or End has overtaken, is dropped. Returns whether it was
    /// for the view on screen.
    pub fn on_page(&mut self, key: K, place: Place, mut rows: Vec<T>, limit: i64) -> bool {
        if key != self.key {
            return false;
        }
        if let Some(j) = self.jump {
            if j != place {
                return true;
            }
            self.jump = None;
        }
        let more = rows.len() as i64 > limit;
        if more && matches!(place, Place::Last | Place::Before(_)) {
            // Read backward: the extra row is the farthest one, first in the list's order.
            rows.drain(..rows.len() - limit.max(0) as usize);
        }
        rows.truncate(limit.max(0) as usize);
        let n = rows.len() as i64;
        let was_stale = std::mem::take(&mut self.stale);
        let have = self.have();
        self.rows_key = Some(key);
        self.error = None;
        // A position asked for while counting from the end, answered after a count.
        let at = |p: Pos| {
            if p.from_end && !self.from_end {
                p.at + self.converted
            } else {
                p.at
            }
        };
        match place {
            Place::First => {
                self.rows = rows;
                self.first = 0;
                self.from_end = false;
                self.at_start = true;
                self.at_end = !more;
            }
            Place::Last => {
                let last = match self.total {
                    Some(t) => t - 1,
                    None => -1,
                };
                self.from_end = self.total.is_none();
                self.rows = rows;
                self.first = last + 1 - n;
                self.at_end = true;
                self.at_start = !more;
                self.cursor = last;
            }
            Place::After(p) => {
                let c = at(p);
                if n == 0 && have {
                    // Nothing after the row: the window ends there.
                    self.rows
                        .truncate(usize::try_from(c + 1 - self.first).unwrap_or(0));
                    self.at_end = true;
                } else {
                    self.rows = rows;
                    self.first = c + 1;
                    self.at_start = false;
                    self.at_end = !more;
                }
            }
            Place::Before(p) => {
                let c = at(p);
                if n == 0 && have {
                    let drop = usize::try_from(c - self.first)
                        .unwrap_or(0)
                        .min(self.rows.len());
                    self.rows.drain(..drop);
                    self.first = c;
                    self.at_start = true;
                } else {
                    self.rows = rows;
                    self.first = c - n;
                    self.at_end = false;
                    self.at_start = !more;
                }
            }
            Place::From(p) => {
                self.rows = rows;
                self.first = at(p);
                self.at_start = !was_stale && self.at_start;
                self.at_end = !more;
            }
        }
        if self.rows.is_empty() && !(self.at_start && self.at_end) {
            // The rows went away under the window: read the end again.
            self.end_key();
            return true;
        }
        if self.at_start && self.first != 0 {
            // The first row is position 0, whatever the walk here counted.
            let shift = -self.first;
            self.first = 0;
            self.cursor += shift;
            self.top.set(self.top.get() + shift);
            self.from_end = false;
        }
        if self.at_end && !self.from_end {
            self.total = Some(self.end());
        }
        let (lo, hi) = self.bounds();
        self.cursor = self.cursor.clamp(lo, hi);
        true
    }
}
