//! A supervisor's review of one count: every line with book (at the moment it was counted),
//! counted, variance and its value, largest value first; filters (only variances, a location,
//! a category); lines marked for a recount; then post (a picker asks what the items never
//! scanned mean: no silent default) or cancel (asked). A count no longer open is shown the
//! same way, read-only, with the adjustment documents its posting made.

use std::cell::Cell;
use std::collections::BTreeSet;

use super::count_call::Call;
use crate::service::counts::{
    CountReview, CountStatus, CountSummary, ReviewFilter, ReviewLine, ReviewTotals,
};
use crate::tui::action::Action;
use crate::tui::event;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::{Item, Picked, Picker};

/// What a picker on the review is choosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewPick {
    Location,
    Category,
    /// Post: what the never-scanned items mean.
    Post,
}

/// The post picker's answers (an item's value).
pub const KEEP_UNSCANNED: &str = "keep";
pub const ZERO_UNSCANNED: &str = "zero";

/// A line's key for a recount: (location code, SKU).
pub type LineKey = (String, String);

pub fn line_key(l: &ReviewLine) -> LineKey {
    (l.location.clone(), l.sku.clone())
}

#[derive(Debug, Default)]
pub struct ReviewView {
    pub number: String,
    pub head: Option<CountSummary>,
    /// As the service sorts them: largest absolute value first.
    pub lines: Vec<ReviewLine>,
    pub totals: ReviewTotals,
    /// The filters asked for; the lines on screen are for `shown_filter`.
    pub filter: ReviewFilter,
    pub shown_filter: Option<ReviewFilter>,
    /// Items in scope nobody scanned, from the last review without a location or category
    /// filter (the post question names them).
    pub not_counted: Option<usize>,
    pub error: Option<String>,
    /// The count's locations and every category, for the filter pickers.
    pub scope: Vec<Item>,
    /// Full paths by location code.
    pub paths: std::collections::HashMap<String, String>,
    pub categories: Vec<String>,
    pub marked: BTreeSet<LineKey>,
    pub cursor: usize,
    pub top: Cell<usize>,
    pub picker: Option<(ReviewPick, Picker)>,
    pub ask_cancel: bool,
    /// A post, recount or cancel is on its way.
    pub working: Option<Msg>,
}

/// What the review asks of the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOut {
    Stay,
    Leave,
    /// Count it too (the scan loop of this count).
    Scan,
}

impl ReviewView {
    pub fn new(number: String, head: Option<CountSummary>) -> ReviewView {
        ReviewView {
            number,
            head,
            ..Default::default()
        }
    }

    pub fn status(&self) -> Option<CountStatus> {
        self.head.as_ref().map(|h| h.status)
    }

    pub fn open(&self) -> bool {
        self.status() == Some(CountStatus::Open)
    }

    pub fn loaded(&self) -> bool {
        self.shown_filter.is_some()
    }

    pub fn load(&mut self, shell: &mut Shell) {
        shell.send(
            "review",
            event::Call::Counts(Call::Review {
                number: self.number.clone(),
                filter: self.filter.clone(),
            }),
        );
    }

    /// A review arrived for `filter` (one for filters since changed is dropped).
    pub fn on_review(&mut self, filter: ReviewFilter, r: Result<Box<CountReview>, String>) {
        if filter != self.filter {
            return;
        }
        match r {
            Ok(r) => {
                let r = *r;
                if filter.location.is_none() && filter.category.is_none() {
                    self.not_counted = Some(r.totals.not_counted);
                }
                self.head = Some(r.count);
                self.lines = r.lines;
                self.totals = r.totals;
                self.shown_filter = Some(filter);
                self.error = None;
                let keys: BTreeSet<LineKey> = self.lines.iter().map(line_key).collect();
                self.marked.retain(|m| keys.contains(m));
                self.cursor = self.cursor.min(self.lines.len().saturating_sub(1));
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// A location's full path in `w` columns.
    pub fn path(&self, code: &str, w: usize) -> String {
        crate::tui::panes::pick::fit_path(self.paths.get(code).map_or(code, |p| p), w)
    }

    pub fn current(&self) -> Option<&ReviewLine> {
        self.lines.get(self.cursor)
    }

    pub fn text_focused(&self) -> bool {
        self.picker.is_some()
    }

    pub fn hint(&self) -> Msg {
        if self.picker.is_some() {
            Msg::HintPicker
        } else if self.open() {
            Msg::HintCountReview
        } else if self.status() == Some(CountStatus::Posting) {
            Msg::HintCountPosting
        } else {
            Msg::HintCountClosed
        }
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        self.ask_cancel
            .then(|| shell.tf(Msg::ConfirmCancelCount, &[&self.number]))
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> ReviewOut {
        if self.ask_cancel {
            self.ask_cancel = false;
            if a == Action::Yes {
                self.working = Some(Msg::CountCancelling);
                shell.send(
                    "act",
                    event::Call::Counts(Call::Cancel {
                        number: self.number.clone(),
                    }),
                );
            }
            return ReviewOut::Stay;
        }
        if let Some((what, p)) = &mut self.picker {
            let what = *what;
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    self.picker = None;
                    self.chosen(shell, what, item);
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return ReviewOut::Stay;
        }
        let n = self.lines.len();
        match a {
            Action::Back => return ReviewOut::Leave,
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(n.saturating_sub(1)),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(20),
            Action::PageDown => self.cursor = (self.cursor + 20).min(n.saturating_sub(1)),
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = n.saturating_sub(1),
            Action::Refresh => self.load(shell),
            Action::OnlyVariances => {
                self.filter.only_variances = !self.filter.only_variances;
                self.refilter(shell);
            }
            Action::FilterLocation => self.pick_filter(shell, ReviewPick::Location),
            Action::FilterCategory => self.pick_filter(shell, ReviewPick::Category),
            Action::Finish | Action::Mark | Action::Recount | Action::Edit | Action::Delete
                if self.working.is_some() =>
            {
                shell.error(shell.t(Msg::CountBusy).into())
            }
            // An interrupted posting is finished by posting again (its documents are fixed).
            Action::Finish if self.status() == Some(CountStatus::Posting) => {
                self.post(shell, false)
            }
            _ if !self.open() => {}
            Action::Mark => {
                if let Some(k) = self.current().map(line_key)
                    && !self.marked.remove(&k)
                {
                    self.marked.insert(k);
                }
                self.cursor = (self.cursor + 1).min(n.saturating_sub(1));
            }
            Action::Recount => self.recount(shell),
            Action::Edit => return ReviewOut::Scan,
            Action::Finish => self.ask_post(shell),
            Action::Delete => self.ask_cancel = true,
            _ => {}
        }
        ReviewOut::Stay
    }

    fn refilter(&mut self, shell: &mut Shell) {
        self.cursor = 0;
        self.load(shell);
    }

    fn pick_filter(&mut self, shell: &Shell, what: ReviewPick) {
        let (all, title) = match what {
            ReviewPick::Location => (Msg::AllLocations, Msg::PickLocation),
            _ => (Msg::AllCategories, Msg::PickCategory),
        };
        let mut items = vec![Item {
            value: String::new(),
            label: shell.t(all).into(),
        }];
        match what {
            ReviewPick::Location => items.extend(self.scope.iter().cloned()),
            _ => items.extend(self.categories.iter().map(|c| Item {
                value: c.clone(),
                label: c.clone(),
            })),
        }
        self.picker = Some((what, Picker::new(shell.t(title).into(), items)));
    }

    fn chosen(&mut self, shell: &mut Shell, what: ReviewPick, item: Item) {
        let v = Some(item.value.clone()).filter(|v| !v.is_empty());
        match what {
            ReviewPick::Location => self.filter.location = v,
            ReviewPick::Category => self.filter.category = v,
            ReviewPick::Post => match item.value.as_str() {
                ZERO_UNSCANNED => return self.post(shell, true),
                KEEP_UNSCANNED => return self.post(shell, false),
                _ => return,
            },
        }
        self.refilter(shell);
    }

    fn post(&mut self, shell: &mut Shell, uncounted_as_zero: bool) {
        self.working = Some(Msg::CountPosting);
        shell.send(
            "act",
            event::Call::Counts(Call::Post {
                number: self.number.clone(),
                uncounted_as_zero,
            }),
        );
    }

    /// Asks for a recount of the marked lines (or, with none marked, of the line under the
    /// cursor).
    fn recount(&mut self, shell: &mut Shell) {
        let mut ids: Vec<LineKey> = self.marked.iter().cloned().collect();
        if ids.is_empty()
            && let Some(l) = self.current()
        {
            ids.push(line_key(l));
        }
        if ids.is_empty() {
            shell.error(shell.t(Msg::NothingMarked).into());
            return;
        }
        self.working = Some(Msg::CountRecounting);
        shell.send(
            "act",
            event::Call::Counts(Call::Recount {
                number: self.number.clone(),
                lines: ids,
            }),
        );
    }

    fn ask_post(&mut self, shell: &Shell) {
        let n = self
            .not_counted
            .map(|n| n.to_string())
            .unwrap_or_else(|| "?".into());
        let items = vec![
            Item {
                value: KEEP_UNSCANNED.into(),
                label: shell.tf(Msg::PostKeepUnscanned, &[&n]),
            },
            Item {
                value: ZERO_UNSCANNED.into(),
                label: shell.tf(Msg::PostZeroUnscanned, &[&n]),
            },
        ];
        let title = shell.tf(Msg::PostCountTitle, &[&self.number]);
        self.picker = Some((ReviewPick::Post, Picker::new(title, items)));
    }
}

#[path = "count_review_draw.rs"]
mod view;
