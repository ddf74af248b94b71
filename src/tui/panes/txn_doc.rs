//! A new receipt, issue, transfer or adjustment, as a clerk enters it: pick the location(s),
//! then the scan loop, then a confirm screen, then the posting's outcome.
//!
//! The scan loop never loses a code. Each Enter in the scan field queues what was typed (a
//! SKU or barcode, or `N*CODE` for N of it); codes already looked up apply at once, the rest
//! go to the catalog in one lookup at a time while the field keeps taking keys. Queued codes
//! apply in the order they were scanned: the same product again adds to its line, an unknown
//! code is flagged and the loop goes on. An empty Enter (or Ctrl-S) moves to the confirm
//! screen once the queue is empty.
//!
//! The document id is made when the document starts and sent with every attempt to post it,
//! so a retry after an error can never post twice. A rejection (not enough stock) decides that
//! id, so the corrected document gets a new one.

use std::collections::{HashMap, VecDeque};

use tui_input::Input;

use super::txn_call::{Call, Found};
use crate::db::location::Location;
use crate::domain::{Money, Quantity, TxKind, new_id, text};
use crate::service::catalog::ProductView;
use crate::service::posting::{LineRequest, MAX_LINES, PostOutcome, PostRequest};
use crate::tui::action::Action;
use crate::tui::event;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::{Picked, Picker};

/// Codes sent in one lookup at most; the rest wait for the next.
const LOOKUP_BATCH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Locations,
    Scan,
    Confirm,
    Posting,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Dest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Scan,
    Lines,
    Reference,
    Partner,
    Note,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scanned {
    pub code: String,
    pub qty: Quantity,
}

#[derive(Debug, Clone)]
pub struct DocLine {
    pub product: ProductView,
    pub qty: Quantity,
}

impl DocLine {
    pub fn value(&self, kind: TxKind) -> Money {
        if kind == TxKind::Adjustment {
            Money(0)
        } else {
            Money(self.product.price_cents).times(self.qty)
        }
    }
}

/// What the document asks of the pane after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocOut {
    Stay,
    /// Close it (nothing to lose, or posted).
    Leave,
    /// Esc with input: ask before throwing it away.
    AskDiscard,
    /// Posted; start another of the same kind at the same locations.
    Again,
}

#[derive(Debug)]
pub struct Doc {
    pub id: String,
    pub kind: TxKind,
    pub source: Option<String>,
    pub dest: Option<String>,
    pub step: Step,
    pub picker: Option<(Side, Picker)>,
    /// Re-picking locations from the scan loop: the ones before, restored on Esc.
    repick: Option<(Option<String>, Option<String>)>,
    pub focus: Focus,
    pub scan: Input,
    pub reference: Input,
    pub partner: Input,
    pub note: Input,
    pub lines: Vec<DocLine>,
    pub cursor: usize,
    /// The quantity being edited for `lines[cursor]`, and its error.
    pub edit: Option<Input>,
    pub edit_error: Option<String>,
    pub queue: VecDeque<Scanned>,
    pub looking_up: bool,
    /// Lookups so far by code as scanned: the product, or `None` when no product has it.
    pub known: HashMap<String, Option<ProductView>>,
    /// Codes that could not be added, newest last.
    pub flags: Vec<String>,
    review_when_done: bool,
    /// The locations are still loading: the picker is empty for now.
    pub loading: bool,
    /// Keys from an Enter in the still-empty picker on: replayed once it fills, so a fast
    /// typist loses nothing.
    held: Vec<Action>,
    /// Why the last attempt did not post.
    pub error: Option<String>,
    pub outcome: Option<PostOutcome>,
}

/// Splits `N*CODE` into a quantity and a code; a bare code is one of it.
pub fn parse_scan(raw: &str) -> Result<Scanned, String> {
    let (qty, code) = match raw.split_once('*') {
        Some((n, c)) => (Quantity::parse_any(n)?, c),
        None => (Quantity::units(1), raw),
    };
    Ok(Scanned {
        code: text::code(code, "SKU or barcode")?,
        qty,
    })
}

impl Doc {
    /// A new document of `kind`: first its location(s).
    pub fn start(shell: &Shell, kind: TxKind, locations: &[Location], loading: bool) -> Doc {
        let mut d = Doc::empty(kind);
        d.loading = loading;
        d.next_location(shell, locations);
        d
    }

    /// Another document like this one (same kind and locations, products already looked up),
    /// straight into the scan loop.
    pub fn again(&self) -> Doc {
        let mut d = Doc::empty(self.kind);
        d.source = self.source.clone();
        d.dest = self.dest.clone();
        d.known = self.known.clone();
        d
    }

    fn empty(kind: TxKind) -> Doc {
        Doc {
            id: new_id(),
            kind,
            source: None,
            dest: None,
            step: Step::Scan,
            picker: None,
            repick: None,
            focus: Focus::Scan,
            scan: Input::default(),
            reference: Input::default(),
            partner: Input::default(),
            note: Input::default(),
            lines: Vec::new(),
            cursor: 0,
            edit: None,
            edit_error: None,
            queue: VecDeque::new(),
            looking_up: false,
            known: HashMap::new(),
            flags: Vec::new(),
            review_when_done: false,
            loading: false,
            held: Vec::new(),
            error: None,
            outcome: None,
        }
    }

    /// Opens the picker for the next location the kind needs, or enters the scan loop.
    pub(super) fn next_location(&mut self, shell: &Shell, locations: &[Location]) {
        let side = if self.kind.needs_source() && self.source.is_none() {
            Side::Source
        } else if self.kind.needs_destination() && self.dest.is_none() {
            Side::Dest
        } else {
            self.picker = None;
            self.step = Step::Scan;
            self.repick = None;
            return;
        };
        let title = match (self.kind, side) {
            (TxKind::Receipt, _) => Msg::PickReceiveInto,
            (TxKind::Issue, _) => Msg::PickIssueFrom,
            (TxKind::Transfer, Side::Source) => Msg::PickTransferFrom,
            (TxKind::Transfer, Side::Dest) => Msg::PickTransferTo,
            (TxKind::Adjustment, _) => Msg::PickCountAt,
        };
        let mut items = super::pick::location_items(locations, None, None);
        if side == Side::Dest
            && let Some(src) = &self.source
        {
            items.retain(|i| &i.value != src);
        }
        self.step = Step::Locations;
        self.picker = Some((side, Picker::new(shell.t(title).into(), items)));
    }

    /// The locations arrived: the picker fills, keeping what was typed, and the keys held since
    /// an Enter pressed meanwhile are replayed.
    pub fn loaded(&mut self, shell: &mut Shell, locations: &[Location]) {
        self.loading = false;
        let typed = self
            .picker
            .as_ref()
            .map(|(_, p)| p.filter.value().to_string())
            .unwrap_or_default();
        self.next_location(shell, locations);
        if let Some((_, p)) = &mut self.picker {
            for c in typed.chars() {
                p.on_action(Action::Input(tui_input::InputRequest::InsertChar(c)));
            }
        }
        for a in std::mem::take(&mut self.held) {
            if self.on_action(shell, a, locations) != DocOut::Stay {
                break;
            }
        }
    }

    /// Clears the location(s) and picks them again, keeping the lines.
    pub fn repick(&mut self, shell: &Shell, locations: &[Location]) {
        self.repick = Some((self.source.take(), self.dest.take()));
        self.next_location(shell, locations);
    }

    pub fn text_focused(&self) -> bool {
        self.picker.is_some()
            || self.edit.is_some()
            || (self.step == Step::Scan && self.focus != Focus::Lines)
    }

    pub fn unsaved(&self) -> bool {
        self.step != Step::Done
            && (!self.lines.is_empty()
                || !self.queue.is_empty()
                || [&self.scan, &self.reference, &self.partner, &self.note]
                    .iter()
                    .any(|i| !i.value().trim().is_empty()))
    }

    pub fn total_qty(&self) -> Quantity {
        Quantity(self.lines.iter().map(|l| l.qty.0).sum())
    }

    pub fn total_value(&self) -> Money {
        Money(self.lines.iter().map(|l| l.value(self.kind).0).sum())
    }

    /// Whether the kind takes a partner (supplier or customer).
    pub fn has_partner(&self) -> bool {
        matches!(self.kind, TxKind::Receipt | TxKind::Issue)
    }

    pub(super) fn focus_order(&self) -> Vec<Focus> {
        let mut v = vec![Focus::Scan, Focus::Lines, Focus::Reference];
        if self.has_partner() {
            v.push(Focus::Partner);
        }
        v.push(Focus::Note);
        v
    }

    pub(super) fn cycle(&mut self, step: isize) {
        let order = self.focus_order();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = order.len() as isize;
        self.focus = order[((i + step).rem_euclid(n)) as usize];
    }

    pub fn request(&self) -> PostRequest {
        let opt = |i: &Input| Some(i.value().trim().to_string()).filter(|v| !v.is_empty());
        PostRequest {
            id: Some(self.id.clone()),
            kind: Some(self.kind),
            source: self.source.clone(),
            dest: self.dest.clone(),
            lines: self
                .lines
                .iter()
                .map(|l| LineRequest {
                    code: l.product.sku.clone(),
                    qty: l.qty,
                    price: None,
                })
                .collect(),
            partner: if self.has_partner() {
                opt(&self.partner)
            } else {
                None
            },
            reference: opt(&self.reference),
            notes: opt(&self.note),
        }
    }

    pub(super) fn post(&mut self, shell: &mut Shell) {
        self.step = Step::Posting;
        self.error = None;
        shell.send(
            "post",
            event::Call::Txn(Call::Post {
                req: Box::new(self.request()),
            }),
        );
    }

    /// The posting's answer: the number, or the reason it was refused.
    pub fn on_posted(&mut self, shell: &mut Shell, result: Result<PostOutcome, String>) {
        match result {
            Ok(o) if o.is_posted() => {
                shell.info(shell.tf(Msg::PostedNumber, &[&o.number]));
                self.step = Step::Done;
                self.outcome = Some(o);
            }
            Ok(o) => {
                self.error = Some(shell.tf(
                    Msg::RejectedReason,
                    &[&o.number, o.reason.as_deref().unwrap_or("")],
                ));
                shell.error(self.error.clone().unwrap_or_default());
                // That id is decided (rejected): the corrected document is a new one.
                self.id = new_id();
                self.step = Step::Scan;
                self.focus = Focus::Scan;
            }
            Err(e) => {
                // Nothing may be decided yet: keep the id, so posting again cannot post twice.
                self.error = Some(shell.tf(Msg::NotPosted, &[&e]));
                self.step = Step::Confirm;
            }
        }
    }
}

#[path = "txn_doc_confirm.rs"]
mod confirm;
#[path = "txn_doc_scan.rs"]
mod scan;
#[path = "txn_doc_draw.rs"]
mod view;
