//! The transactions pane: the list of documents (newest first, one page at a time) with
//! filters by kind, date range, location and text; the detail of any document; and the new
//! document flow of [`super::txn_doc`], which is the clerk's main job.

use chrono::NaiveDate;
use tui_input::Input;

use super::paged::{Paged, Searched, search_keys};
use super::pick;
pub use super::txn_call::{Call, Reply, TxnKey};
use super::txn_doc::{Doc, DocOut};
use crate::db::journal::Header;
use crate::db::location::Location;
use crate::domain::TxKind;
use crate::domain::role::Permission;
use crate::service::txns::TxnDetail;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::keymap::Modal;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Field, Form, FormEvent};
use crate::tui::widgets::picker::{Item, Picked, Picker};

pub const PANE: PaneId = PaneId::Transactions;

/// What a picker on this pane is choosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choosing {
    NewKind,
    FilterKind,
    FilterLocation,
}

/// One document's detail, loading or loaded.
#[derive(Debug)]
pub struct Detail {
    pub number: String,
    pub data: Option<Box<TxnDetail>>,
    pub error: Option<String>,
    /// The first line shown (a document may have hundreds).
    pub scroll: usize,
}

impl Detail {
    fn scroll_by(&mut self, by: isize) {
        let last = self
            .data
            .as_ref()
            .map_or(0, |d| d.lines.len().saturating_sub(1));
        self.scroll = self.scroll.saturating_add_signed(by).min(last);
    }
}

#[derive(Default)]
pub struct TxnPane {
    pub list: Paged<TxnKey, Header>,
    pub search: Input,
    pub search_focus: bool,
    pub picker: Option<(Choosing, Picker)>,
    /// The date-range form.
    pub dates: Option<Form>,
    pub detail: Option<Detail>,
    pub doc: Option<Doc>,
    /// Esc on a document with input: "discard?" is asked.
    pub ask_discard: bool,
    pub locations: Vec<Location>,
    /// Full paths by location id (`JKT/A/01`).
    pub paths: std::collections::HashMap<String, String>,
    locations_loaded: bool,
    /// Enter came before the rows: open the document when they arrive.
    open_when_loaded: bool,
}

impl TxnPane {
    pub fn text_focused(&self) -> bool {
        match &self.doc {
            Some(d) => d.text_focused(),
            None => self.search_focus || self.picker.is_some() || self.dates.is_some(),
        }
    }

    pub fn modal(&self) -> Modal {
        if self.ask_discard {
            Modal::Confirm
        } else {
            Modal::None
        }
    }

    pub fn unsaved(&self) -> bool {
        self.doc.as_ref().is_some_and(Doc::unsaved)
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        self.ask_discard
            .then(|| shell.t(Msg::ConfirmDiscardDoc).to_string())
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.locations_loaded && !shell.busy(PANE, "locations") {
            shell.send("locations", event::Call::Txn(Call::Locations));
        }
        self.list.invalidate();
        self.ensure(shell);
    }

    pub(super) fn ensure(&mut self, shell: &mut Shell) {
        let busy = shell.busy(PANE, "page");
        let Some(w) = self.list.wanted(shell.page_size, busy) else {
            return;
        };
        let call = Call::Page {
            key: self.list.key.clone(),
            place: w.place,
            seek: w.seek.map(crate::db::journal::TxnCursor::of),
            limit: w.limit + 1,
        };
        shell.send("page", event::Call::Txn(call));
        self.list.sent();
    }

    pub(super) fn refilter(&mut self, shell: &mut Shell) {
        self.list.reset();
        self.ensure(shell);
    }

    pub fn keys(&self, shell: &Shell) -> Vec<(&'static str, Msg)> {
        if self.doc.is_some() {
            return vec![
                ("Enter", Msg::KeyScanAdd),
                ("Ctrl-S", Msg::KeyReview),
                ("Tab S-Tab", Msg::KeyDocFocus),
                ("↑↓ e +- Del", Msg::KeyLineKeys),
                ("Esc", Msg::KeyBack),
            ];
        }
        let mut k = vec![
            ("↑↓ j k", Msg::KeyMove),
            ("PgUp PgDn", Msg::KeyPage),
            ("Enter", Msg::KeyTxnDetail),
        ];
        if shell.can(Permission::PostMovement) {
            k.push(("n", Msg::KeyNewTxn));
        }
        k.extend([
            ("/", Msg::KeySearch),
            ("t", Msg::KeyFilterKind),
            ("l", Msg::KeyFilterLocation),
            ("D", Msg::KeyFilterDates),
            ("r", Msg::KeyRefresh),
        ]);
        k
    }

    pub fn hint(&self) -> Msg {
        match &self.doc {
            Some(d) => d.hint(),
            None if self.detail.is_some() => Msg::HintTxnDetail,
            None if self.dates.is_some() => Msg::HintForm,
            None => Msg::HintTxnList,
        }
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if !matches!(a, Action::Submit | Action::Edit) {
            self.open_when_loaded = false;
        }
        if self.ask_discard {
            self.ask_discard = false;
            if a == Action::Yes {
                self.close_doc(shell);
            }
            return true;
        }
        if let Some(doc) = &mut self.doc {
            match doc.on_action(shell, a, &self.locations) {
                DocOut::Stay => {}
                DocOut::Leave => self.close_doc(shell),
                DocOut::AskDiscard => self.ask_discard = true,
                DocOut::Again => self.doc = Some(doc.again()),
            }
            // Global keys (screens, help) still work where the document has no use for them.
            return !matches!(a, Action::GoTo(_) | Action::Help);
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
            return true;
        }
        if self.dates.is_some() {
            self.on_dates(shell, a);
            return true;
        }
        if let Some(d) = &mut self.detail {
            match a {
                Action::Back => self.detail = None,
                Action::Refresh => self.open_detail(shell),
                Action::Up => d.scroll_by(-1),
                Action::Down => d.scroll_by(1),
                Action::PageUp => d.scroll_by(-20),
                Action::PageDown => d.scroll_by(20),
                Action::Home => d.scroll = 0,
                Action::End => d.scroll_by(isize::MAX),
                _ => return false,
            }
            return true;
        }
        match search_keys(&mut self.search, &mut self.search_focus, &a) {
            Searched::Changed => {
                self.list.key.text = self.search.value().trim().to_string();
                self.refilter(shell);
                return true;
            }
            Searched::Handled => return true,
            Searched::NotMine => {}
        }
        if self.list.navigate(&a) {
            self.ensure(shell);
            return true;
        }
        match a {
            Action::Refresh => {
                self.locations_loaded = false;
                self.on_enter(shell);
            }
            Action::Submit | Action::Edit => self.open_current(shell),
            Action::New => {
                if shell.check(Permission::PostMovement) {
                    let mut items: Vec<Item> = Vec::new();
                    for k in TxKind::ALL {
                        if k != TxKind::Adjustment || shell.can(Permission::Adjust) {
                            items.push(Item {
                                value: k.as_str().into(),
                                label: shell.t(kind_msg(k)).into(),
                            });
                        }
                    }
                    self.picker = Some((
                        Choosing::NewKind,
                        Picker::new(shell.t(Msg::PickNewKind).into(), items),
                    ));
                }
            }
            Action::FilterKind => {
                let mut items = vec![Item {
                    value: String::new(),
                    label: shell.t(Msg::AllKinds).into(),
                }];
                items.extend(TxKind::ALL.map(|k| Item {
                    value: k.as_str().into(),
                    label: shell.t(kind_msg(k)).into(),
                }));
                self.picker = Some((
                    Choosing::FilterKind,
                    Picker::new(shell.t(Msg::PickKind).into(), items),
                ));
            }
            Action::FilterLocation => {
                let items = pick::location_items(
                    &self.locations,
                    Some(shell.t(Msg::AllLocations)),
                    Some(shell.t(Msg::FilterInactiveOnly)),
                );
                self.picker = Some((
                    Choosing::FilterLocation,
                    Picker::new(shell.t(Msg::PickLocation).into(), items),
                ));
            }
            Action::FilterDates => {
                let d = |v: Option<NaiveDate>| {
                    v.map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                };
                let form = Form::new(
                    shell.t(Msg::DateRange).into(),
                    vec![
                        Field::new("since", Msg::DateFrom).value(&d(self.list.key.since)),
                        Field::new("until", Msg::DateTo).value(&d(self.list.key.until)),
                    ],
                );
                self.dates = Some(form);
            }
            _ => return false,
        }
        true
    }

    /// Opens the document under the cursor; if its page is still on the way (Enter typed
    /// right after a filter), once it arrives.
    pub(super) fn open_current(&mut self, shell: &mut Shell) {
        self.open_when_loaded = false;
        match self.list.current() {
            Some(h) => {
                self.detail = Some(Detail {
                    number: h.number.clone(),
                    data: None,
                    error: None,
                    scroll: 0,
                });
                self.open_detail(shell);
            }
            None => self.open_when_loaded = !self.list.have() && self.list.error.is_none(),
        }
    }

    pub(super) fn open_detail(&mut self, shell: &mut Shell) {
        if let Some(d) = &self.detail {
            shell.send(
                "detail",
                event::Call::Txn(Call::Detail {
                    number: d.number.clone(),
                }),
            );
        }
    }

    pub(super) fn close_doc(&mut self, shell: &mut Shell) {
        self.doc = None;
        self.list.invalidate();
        self.ensure(shell);
    }
}

/// The name of a kind, as the screens say it.
pub fn kind_msg(k: TxKind) -> Msg {
    match k {
        TxKind::Receipt => Msg::KindReceipt,
        TxKind::Issue => Msg::KindIssue,
        TxKind::Transfer => Msg::KindTransfer,
        TxKind::Adjustment => Msg::KindAdjustment,
    }
}

#[path = "txn_pick.rs"]
mod pick_reply;
#[path = "txn_reply.rs"]
mod reply;
#[path = "txn_draw.rs"]
mod view;

#[cfg(test)]
#[path = "txn_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "txn_tests_more.rs"]
mod tests_more;
