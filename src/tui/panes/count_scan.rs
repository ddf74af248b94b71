//! The clerk's scan loop of one open count, blind: a code (SKU or barcode, `N*CODE` for N of
//! it) and Enter records what was found at the location chosen (the count's own by default,
//! Tab picks another inside its scope). The list below shows what this terminal scanned and the
//! counted totals the service answers (every terminal's scans together), never the book.
//!
//! Codes typed in a burst (a scanner) queue and go to the service one at a time, in order, so
//! each answer belongs to one code. A code the service refuses (unknown, out of scope, a count
//! no longer open) is shown with the reason, and comes back into the field for correction when
//! the field is empty; nothing typed meanwhile is lost.

use std::collections::VecDeque;

use tui_input::Input;

use super::count_call::Call;
use crate::domain::{Quantity, new_id};
use crate::service::counts::{ScanReply, parse_scan};
use crate::tui::action::Action;
use crate::tui::event;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::{Item, Picked, Picker};

/// One code waiting for the service, or on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Echoed in the reply, so that it is matched to this scan.
    pub id: String,
    pub raw: String,
    pub code: String,
    pub qty: Quantity,
    pub at: String,
}

/// What this terminal counted of one product at one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sku: String,
    pub name: String,
    pub at: String,
    /// Scanned on this terminal.
    pub here: Quantity,
    /// Counted in all, every terminal together, as the service last answered.
    pub counted: Quantity,
}

#[derive(Debug)]
pub struct ScanView {
    pub number: String,
    /// What is counted: "A and inside · Hardware".
    pub title: String,
    /// The count's location (the default place of a find).
    pub home: String,
    /// The locations a find may be recorded at (codes, the count's own first).
    pub scope: Vec<Item>,
    pub at: String,
    pub input: Input,
    /// The field holds a refused code: typing a character replaces it (the next scan of a
    /// barcode scanner must not be appended to it); an editing key keeps it for correction.
    pub stale: bool,
    pub queue: VecDeque<Pending>,
    pub sending: Option<Pending>,
    /// Newest first.
    pub entries: Vec<Entry>,
    pub cursor: usize,
    /// Refused codes with the reason, newest last.
    pub errors: Vec<String>,
    /// The newest refusal is shown under the field until the next scan goes through.
    pub error_shown: bool,
    pub picker: Option<Picker>,
    /// Scans accepted by the service in this session.
    pub accepted: usize,
    /// Full paths by location code.
    pub paths: std::collections::HashMap<String, String>,
}

/// What the scan view asks of the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOut {
    Stay,
    Leave,
}

impl ScanView {
    pub fn new(number: String, home: String, scope: Vec<Item>, title: String) -> ScanView {
        ScanView {
            number,
            title,
            at: home.clone(),
            home,
            scope,
            input: Input::default(),
            stale: false,
            queue: VecDeque::new(),
            sending: None,
            entries: Vec::new(),
            cursor: 0,
            errors: Vec::new(),
            error_shown: false,
            picker: None,
            accepted: 0,
            paths: Default::default(),
        }
    }

    pub fn busy(&self) -> bool {
        self.sending.is_some() || !self.queue.is_empty()
    }

    pub fn unsaved(&self) -> bool {
        self.busy() || !self.input.value().trim().is_empty()
    }

    pub fn hint(&self) -> Msg {
        if self.picker.is_some() {
            Msg::HintPicker
        } else {
            Msg::HintCountScan
        }
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> ScanOut {
        if let Some(p) = &mut self.picker {
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    self.at = item.value;
                    self.picker = None;
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return ScanOut::Stay;
        }
        match a {
            Action::Input(req) => {
                if std::mem::take(&mut self.stale)
                    && matches!(req, tui_input::InputRequest::InsertChar(_))
                {
                    self.input = Input::default();
                }
                self.input.handle(req);
            }
            Action::Submit => self.submit(shell),
            Action::NextField | Action::FilterLocation => {
                let mut p = Picker::new(shell.t(Msg::PickFoundAt).into(), self.scope.clone());
                // The cursor starts on the place chosen now.
                if let Some(i) = self.scope.iter().position(|i| i.value == self.at) {
                    for _ in 0..i {
                        p.on_action(Action::Down);
                    }
                }
                self.picker = Some(p);
            }
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => {
                self.cursor = (self.cursor + 1).min(self.entries.len().saturating_sub(1))
            }
            Action::PageUp => self.cursor = self.cursor.saturating_sub(10),
            Action::PageDown => {
                self.cursor = (self.cursor + 10).min(self.entries.len().saturating_sub(1))
            }
            Action::Back if !self.input.value().is_empty() => {
                self.input = Input::default();
                self.stale = false;
                self.error_shown = false;
            }
            // Their answers (a refusal to correct) would have nowhere to go.
            Action::Back if self.busy() => {
                let n = self.queue.len() + usize::from(self.sending.is_some());
                shell.error(shell.tf(Msg::CountWaitScans, &[&n.to_string()]));
            }
            Action::Back => return ScanOut::Leave,
            _ => {}
        }
        ScanOut::Stay
    }

    fn submit(&mut self, shell: &mut Shell) {
        let raw = self.input.value().trim().to_string();
        if raw.is_empty() {
            return;
        }
        match parse_scan(&raw) {
            Ok(s) => {
                self.input = Input::default();
                self.stale = false;
                self.queue.push_back(Pending {
                    id: new_id(),
                    raw,
                    code: s.code,
                    qty: s.qty,
                    at: self.at.clone(),
                });
                self.pump(shell);
            }
            // Not even a code: it stays in the field to be corrected.
            Err(e) => {
                self.stale = true;
                self.refused(shell, e.to_string());
            }
        }
    }

    /// Sends the next queued code, unless one is on its way.
    pub(super) fn pump(&mut self, shell: &mut Shell) {
        if self.sending.is_some() {
            return;
        }
        let Some(p) = self.queue.pop_front() else {
            return;
        };
        shell.send(
            "scan",
            event::Call::Counts(Call::Scan {
                number: self.number.clone(),
                id: p.id.clone(),
                code: p.code.clone(),
                qty: p.qty,
                at: p.at.clone(),
            }),
        );
        self.sending = Some(p);
    }

    fn refused(&mut self, shell: &mut Shell, msg: String) {
        shell.error(msg.clone());
        self.errors.push(msg);
        self.error_shown = true;
    }

    /// The service's answer to the scan with `id`.
    pub fn on_scanned(&mut self, shell: &mut Shell, id: &str, r: Result<ScanReply, String>) {
        let Some(p) = self.sending.take_if(|p| p.id == id) else {
            return;
        };
        match r {
            Ok(ans) => {
                self.accepted += 1;
                self.error_shown = false;
                let key = |e: &Entry| e.sku == ans.sku && e.at == ans.location;
                let mut e = match self.entries.iter().position(key) {
                    Some(i) => self.entries.remove(i),
                    None => Entry {
                        sku: ans.sku.clone(),
                        name: ans.name.clone(),
                        at: ans.location.clone(),
                        here: Quantity::ZERO,
                        counted: Quantity::ZERO,
                    },
                };
                // Scans only add: a total below what was known plus this scan means the line
                // was cleared for a recount meanwhile, and this terminal's count starts again.
                let reset = ans.counted.0 < e.counted.0.saturating_add(ans.added.0);
                e.here = if reset {
                    ans.added
                } else {
                    Quantity(e.here.0.saturating_add(ans.added.0))
                };
                e.counted = ans.counted;
                self.entries.insert(0, e);
                self.cursor = 0;
            }
            Err(e) => {
                if self.input.value().is_empty() {
                    self.input = Input::new(p.raw.clone());
                    self.stale = true;
                }
                // The service names the code; `raw` is back in the field.
                self.refused(shell, e);
            }
        }
        self.pump(shell);
    }

    /// The scan's task died: what waited comes back to be scanned again.
    pub fn on_failed(&mut self, shell: &mut Shell, msg: String) {
        let mut lost: Vec<String> = self.sending.take().map(|p| p.raw).into_iter().collect();
        lost.extend(self.queue.drain(..).map(|p| p.raw));
        if !lost.is_empty() {
            self.refused(shell, format!("{}: {msg}", lost.join(", ")));
        }
    }

    /// A location's full path in `w` columns.
    pub fn path(&self, code: &str, w: usize) -> String {
        crate::tui::panes::pick::fit_path(self.paths.get(code).map_or(code, |p| p), w)
    }

    /// Units scanned on this terminal, all entries together.
    pub fn total_here(&self) -> Quantity {
        Quantity(self.entries.iter().map(|e| e.here.0).sum())
    }
}

#[path = "count_scan_draw.rs"]
mod view;
