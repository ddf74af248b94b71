//! The counts pane (stock opname): the list of counts, open ones first; starting one
//! (supervisors and admins: a location, with or without what is inside it, optionally one
//! category); the clerk's blind scan loop ([`super::count_scan`]); and the supervisor's review,
//! recount, post and cancel ([`super::count_review`]). A clerk sees the open counts and scans.

use std::cell::Cell;
use std::collections::HashMap;

pub use super::count_call::{Acted, Call, PostAnswer, Reply};
pub use super::count_review::{ReviewOut, ReviewView};
pub use super::count_scan::{ScanOut, ScanView};
use super::pick;
use crate::db::location::Location;
use crate::db::master::Category;
use crate::domain::role::Permission;
use crate::service::counts::{CountStart, CountStatus, CountSummary};
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::keymap::Modal;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::{Item, Picked, Picker};

pub const PANE: PaneId = PaneId::Counts;

/// Starting a count: the pickers one after the other.
#[derive(Debug)]
pub struct Start {
    pub step: StartStep,
    pub location: String,
    pub with_children: bool,
    pub picker: Picker,
    /// The locations are still on their way: the picker fills in when they arrive, and the
    /// keys from an Enter on are held until then, so a fast typist loses nothing.
    pub loading: bool,
    held: Vec<Action>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartStep {
    Location,
    Children,
    Category,
}

#[derive(Default)]
pub struct CountsPane {
    /// Open counts first, then the newest.
    pub list: Vec<CountSummary>,
    pub loaded: bool,
    pub error: Option<String>,
    pub cursor: usize,
    pub top: Cell<usize>,
    pub locations: Vec<Location>,
    pub categories: Vec<Category>,
    /// Full paths (`JKT/A/01`) by location code.
    pub paths: HashMap<String, String>,
    lookups_loaded: bool,
    pub start: Option<Start>,
    /// A start is on its way.
    pub starting: bool,
    pub scan: Option<ScanView>,
    pub review: Option<ReviewView>,
}

impl CountsPane {
    /// Whether this user reviews, posts and starts counts (or only scans).
    pub fn supervises(shell: &Shell) -> bool {
        shell.can(Permission::ManageCounts)
    }

    pub fn text_focused(&self) -> bool {
        if self.scan.is_some() {
            // The scan field, or the picker of where a find was.
            return true;
        }
        if let Some(r) = &self.review {
            return r.text_focused();
        }
        self.start.is_some()
    }

    pub fn modal(&self) -> Modal {
        if self.scan.is_none() && self.review.as_ref().is_some_and(|r| r.ask_cancel) {
            Modal::Confirm
        } else {
            Modal::None
        }
    }

    pub fn unsaved(&self) -> bool {
        self.scan.as_ref().is_some_and(ScanView::unsaved)
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        match (&self.scan, &self.review) {
            (None, Some(r)) => r.question(shell),
            _ => None,
        }
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.lookups_loaded && !shell.busy(PANE, "lookups") {
            shell.send("lookups", event::Call::Counts(Call::Lookups));
        }
        match (&mut self.scan, &mut self.review) {
            (Some(_), _) => {}
            (None, Some(r)) => r.load(shell),
            (None, None) => self.load(shell),
        }
    }

    pub fn load(&mut self, shell: &mut Shell) {
        shell.send("list", event::Call::Counts(Call::List));
    }

    /// The counts this user is shown: a clerk only the open ones (to scan).
    pub fn visible(&self, shell: &Shell) -> Vec<&CountSummary> {
        let all = Self::supervises(shell);
        self.list.iter().filter(|c| all || is_open(c)).collect()
    }

    pub fn current(&self, shell: &Shell) -> Option<CountSummary> {
        self.visible(shell).get(self.cursor).map(|c| (*c).clone())
    }

    pub fn set_list(&mut self, mut rows: Vec<CountSummary>) {
        // Open (and interrupted posting) first, then the newest.
        rows.sort_by(|a, b| {
            a.status
                .is_closed()
                .cmp(&b.status.is_closed())
                .then(b.started_at.cmp(&a.started_at))
                .then(b.number.cmp(&a.number))
        });
        self.list = rows;
        self.loaded = true;
        self.error = None;
    }

    pub fn keys(&self, shell: &Shell) -> Vec<(&'static str, Msg)> {
        if self.scan.is_some() {
            return vec![
                ("Enter", Msg::KeyCountScan),
                ("Tab", Msg::KeyFoundAt),
                ("↑↓", Msg::KeyMove),
                ("Esc", Msg::KeyBack),
            ];
        }
        if let Some(r) = &self.review {
            let mut k = vec![
                ("↑↓ j k", Msg::KeyMove),
                ("PgUp PgDn", Msg::KeyPage),
                ("v", Msg::KeyOnlyVariances),
                ("l", Msg::KeyFilterLocation),
                ("c", Msg::KeyFilterCategory),
            ];
            if r.open() {
                k.extend([
                    ("Space", Msg::KeyMarkRecount),
                    ("x", Msg::KeyRecount),
                    ("e", Msg::KeyCountItToo),
                    ("Ctrl-S", Msg::KeyPostCount),
                    ("Del", Msg::KeyCancelCount),
                ]);
            }
            k.extend([("r", Msg::KeyRefresh), ("Esc", Msg::KeyBack)]);
            return k;
        }
        let mut k = vec![("↑↓ j k", Msg::KeyMove), ("Enter", Msg::KeyOpenCount)];
        if Self::supervises(shell) {
            k.extend([
                ("e", Msg::KeyCountItToo),
                ("n", Msg::KeyNewCount),
                ("Del", Msg::KeyCancelCount),
            ]);
        }
        k.push(("r", Msg::KeyRefresh));
        k
    }

    pub fn hint(&self, shell: &Shell) -> Msg {
        match (&self.scan, &self.review, &self.start) {
            (Some(s), _, _) => s.hint(),
            (None, Some(r), _) => r.hint(),
            (None, None, Some(_)) => Msg::HintPicker,
            _ if Self::supervises(shell) => Msg::HintCountList,
            _ => Msg::HintCountListClerk,
        }
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        // Global keys (screens, help) work where the views have no use for them.
        let global = matches!(a, Action::GoTo(_) | Action::Help);
        if let Some(s) = &mut self.scan {
            if global && s.picker.is_none() {
                return false;
            }
            if s.on_action(shell, a) == ScanOut::Leave {
                self.scan = None;
                self.on_enter(shell);
            }
            return true;
        }
        if let Some(r) = &mut self.review {
            if global && r.picker.is_none() {
                return false;
            }
            match r.on_action(shell, a) {
                ReviewOut::Stay => {}
                ReviewOut::Leave => {
                    self.review = None;
                    self.load(shell);
                }
                ReviewOut::Scan => {
                    if let Some(head) = r.head.clone() {
                        self.open_scan(shell, &head);
                    }
                }
            }
            return true;
        }
        if self.start.is_some() {
            self.on_start(shell, a);
            return true;
        }
        let n = self.visible(shell).len();
        match a {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(n.saturating_sub(1)),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(10),
            Action::PageDown => self.cursor = (self.cursor + 10).min(n.saturating_sub(1)),
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = n.saturating_sub(1),
            Action::Refresh => {
                self.lookups_loaded = false;
                self.on_enter(shell);
            }
            Action::Submit => self.open_current(shell, false),
            Action::Edit if Self::supervises(shell) => self.open_current(shell, true),
            Action::New => self.new_count(shell),
            Action::Delete if shell.check(Permission::ManageCounts) => {
                if let Some(c) = self.current(shell).filter(is_open) {
                    let mut r = ReviewView::new(c.number.clone(), Some(c));
                    r.ask_cancel = true;
                    r.load(shell);
                    self.review = Some(r);
                    self.fill_pickers(shell);
                }
            }
            _ => return false,
        }
        true
    }

    /// Enter on a count: a clerk (or `scan`) counts it, a supervisor reviews it; a count no
    /// longer open is shown read-only.
    fn open_current(&mut self, shell: &mut Shell, scan: bool) {
        let Some(c) = self.current(shell) else {
            return;
        };
        if is_open(&c) && (scan || !Self::supervises(shell)) {
            if shell.check(Permission::CountScan) {
                self.open_scan(shell, &c);
            }
            return;
        }
        let mut r = ReviewView::new(c.number.clone(), Some(c));
        r.load(shell);
        self.review = Some(r);
        self.fill_pickers(shell);
    }

    fn open_scan(&mut self, shell: &mut Shell, c: &CountSummary) {
        self.review = None;
        // The lookups may still be on their way: the scope fills in when they arrive.
        let mut s = ScanView::new(
            c.number.clone(),
            c.location.clone(),
            self.scope(c),
            super::count_draw::scope_text(shell, c, &self.paths),
        );
        s.paths = self.paths.clone();
        self.scan = Some(s);
        if !self.lookups_loaded && !shell.busy(PANE, "lookups") {
            shell.send("lookups", event::Call::Counts(Call::Lookups));
        }
    }

    /// The locations a count covers, as picker items: its own, then (with children) what is
    /// inside it, nested.
    pub fn scope(&self, c: &CountSummary) -> Vec<Item> {
        let tree = pick::tree(&self.locations);
        let Some(pos) = tree.iter().position(|(_, l)| l.code == c.location) else {
            return vec![Item {
                value: c.location.clone(),
                label: c.location.clone(),
            }];
        };
        let depth = tree[pos].0;
        let paths = pick::paths_by_code(&self.locations);
        let mut items = Vec::new();
        for (i, (d, l)) in tree.iter().enumerate().skip(pos) {
            if i > pos && (!c.with_children || *d <= depth) {
                break;
            }
            if l.active == 0 {
                continue;
            }
            items.push(Item {
                value: l.code.clone(),
                label: format!(
                    "{}{}  {}",
                    "  ".repeat(d - depth),
                    paths.get(&l.code).unwrap_or(&l.code),
                    l.name
                ),
            });
        }
        items
    }
}

/// Whether clerks may still scan it.
pub fn is_open(c: &CountSummary) -> bool {
    c.status == CountStatus::Open
}

#[path = "count_reply.rs"]
mod reply;
#[path = "count_start.rs"]
mod start;

#[cfg(test)]
#[path = "count_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "count_tests_more.rs"]
mod tests_more;
