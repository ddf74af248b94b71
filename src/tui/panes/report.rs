//! The Reports screen: the movement report (laporan mutasi), the valuation and the reorder
//! list, each a table with its totals and, where one says more, a chart (in and out per day;
//! value per location or category). The period steps through presets (`p`) or is typed (`D`);
//! `l` and `c` filter by location (with what is inside it) and category; `x` exports what is
//! on screen to a CSV or XLSX file. The stock card ([`super::card`]) opens from a row here, or
//! from the products and stock screens, and shows here; Esc takes it back where it came from.

use chrono::NaiveDateTime;

use super::card::Card;
use super::pick;
pub use super::report_call::{Call, CardKey, Filters, Kind, MovementData, Reply};
use super::report_period::{Period, PeriodEvent, Preset, period_form_action};
use super::report_rows::Rows;
use crate::db::location::Location;
use crate::db::master::Category;
use crate::service::reports::{ReorderReport, Valuation, ValuationBy};
use crate::tui::action::{Action, Tab};
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Form, FormEvent};
use crate::tui::widgets::picker::{Item, Picked, Picker};

pub const PANE: PaneId = PaneId::Reports;

/// Seconds after which a report shown again is computed again (stock moves all day).
pub const REFRESH_SECS: i64 = 60;

/// One report's latest answer: for which filters, the data or the error, and the cursor.
#[derive(Debug)]
pub struct Slot<T> {
    pub key: Option<Filters>,
    /// The filters of the request sent last.
    asked: Option<Filters>,
    /// When the answer came (the app's clock).
    at: Option<NaiveDateTime>,
    pub data: Option<Box<T>>,
    pub error: Option<String>,
    pub rows: Rows,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            key: None,
            asked: None,
            at: None,
            data: None,
            error: None,
            rows: Rows::default(),
        }
    }
}

impl<T> Slot<T> {
    fn answer(&mut self, key: Filters, r: Result<Box<T>, String>, now: NaiveDateTime) {
        if self.key.as_ref() != Some(&key) {
            self.rows.reset();
        }
        self.key = Some(key);
        self.at = Some(now);
        match r {
            Ok(d) => {
                self.data = Some(d);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The data if it answers `f` (older data stays on screen, dimmed, while the new loads).
    pub fn fresh(&self, f: &Filters) -> bool {
        self.key.as_ref() == Some(f)
    }
}

/// What a picker on this screen chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choosing {
    Location,
    Category,
}

#[derive(Default)]
pub struct ReportsPane {
    pub kind: Kind,
    /// Set when first shown (the presets count from today).
    pub filters: Option<Filters>,
    /// On a short screen: the chart instead of the table.
    pub chart: bool,
    pub movement: Slot<MovementData>,
    pub valuation: Slot<Valuation>,
    pub reorder: Slot<ReorderReport>,
    pub picker: Option<(Choosing, Picker)>,
    pub period_form: Option<Form>,
    pub export_form: Option<(Kind, Form)>,
    pub card: Option<Card>,
    /// The card was closed and came from this screen: the app goes back there.
    pub leave: Option<Tab>,
    /// The period of the card closed last: the next card from elsewhere starts with it.
    card_period: Option<Period>,
    pub locations: Vec<Location>,
    pub categories: Vec<Category>,
    lookups_loaded: bool,
}

fn slot_name(k: Kind) -> &'static str {
    match k {
        Kind::Movement => "movement",
        Kind::Valuation => "valuation",
        Kind::Reorder => "reorder",
    }
}

impl ReportsPane {
    pub fn text_focused(&self) -> bool {
        match &self.card {
            Some(c) => c.text_focused(),
            None => {
                self.picker.is_some() || self.period_form.is_some() || self.export_form.is_some()
            }
        }
    }

    /// The filters, made on first use with this month as the period.
    pub fn filters(&mut self, shell: &Shell) -> &mut Filters {
        self.filters
            .get_or_insert_with(|| Filters::new(Period::of(Preset::ThisMonth, shell.now.date())))
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.lookups_loaded && !shell.busy(PANE, "lookups") {
            shell.send("lookups", event::Call::Reports(Call::Lookups));
        }
        self.filters(shell);
        if let Some(c) = &mut self.card {
            c.reload(shell);
            return;
        }
        // Coming back after a while: the report again (what is shown stays until it comes).
        let at = match self.kind {
            Kind::Movement => self.movement.at,
            Kind::Valuation => self.valuation.at,
            Kind::Reorder => self.reorder.at,
        };
        let old = at.is_some_and(|t| (shell.now - t).num_seconds() >= REFRESH_SECS);
        self.ensure(shell, old);
    }

    /// Asks for the report on screen unless it answers the filters already (or `again`).
    fn ensure(&mut self, shell: &mut Shell, again: bool) {
        let f = self.filters(shell).clone();
        let slot = slot_name(self.kind);
        let busy = shell.busy(PANE, slot);
        let (fresh, asked) = match self.kind {
            Kind::Movement => (self.movement.fresh(&f), &mut self.movement.asked),
            Kind::Valuation => (self.valuation.fresh(&f), &mut self.valuation.asked),
            Kind::Reorder => (self.reorder.fresh(&f), &mut self.reorder.asked),
        };
        // A request for other filters still on its way is superseded by this one.
        if !again && (fresh || (busy && asked.as_ref() == Some(&f))) {
            return;
        }
        *asked = Some(f.clone());
        let call = match self.kind {
            Kind::Movement => Call::Movement(f),
            Kind::Valuation => Call::Valuation(f),
            Kind::Reorder => Call::Reorder(f),
        };
        shell.send(slot, event::Call::Reports(call));
    }

    /// Whether the report on screen is being computed.
    pub fn loading(&self, shell: &Shell) -> bool {
        shell.busy(PANE, slot_name(self.kind))
    }

    pub fn keys(&self) -> Vec<(&'static str, Msg)> {
        if self.card.is_some() {
            return Card::keys();
        }
        vec![
            ("←→ Tab", Msg::RptKeyReport),
            ("↑↓ PgUp PgDn", Msg::KeyMove),
            ("p", Msg::RptKeyPeriod),
            ("D", Msg::RptKeyDates),
            ("l", Msg::KeyFilterLocation),
            ("c", Msg::KeyFilterCategory),
            ("b", Msg::RptKeyBy),
            ("V", Msg::RptKeyChart),
            ("E", Msg::RptKeyExport),
            ("Enter K", Msg::RptKeyCard),
            ("r", Msg::KeyRefresh),
        ]
    }

    pub fn hint(&self) -> Msg {
        match &self.card {
            Some(c) => c.hint(),
            None if self.picker.is_some() => Msg::HintPicker,
            None if self.period_form.is_some() || self.export_form.is_some() => Msg::HintForm,
            None => Msg::RptHint,
        }
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if let Some(c) = &mut self.card {
            if matches!(a, Action::GoTo(_) | Action::Help) {
                return false;
            }
            if !c.on_action(shell, a) {
                let closed = self.card.take();
                self.card_period = closed.as_ref().map(|c| c.key.period);
                let back = closed.and_then(|c| c.back);
                self.leave = back;
                if back.is_none() {
                    self.ensure(shell, false);
                }
            }
            return true;
        }
        if let Some((what, p)) = &mut self.picker {
            let what = *what;
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    self.picker = None;
                    let v = (!item.value.is_empty()).then_some(item.value);
                    match what {
                        Choosing::Location => self.filters(shell).location = v,
                        Choosing::Category => self.filters(shell).category = v,
                    }
                    self.refilter(shell);
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return true;
        }
        if let Some(form) = &mut self.period_form {
            match period_form_action(form, shell, a) {
                PeriodEvent::Stay => {}
                PeriodEvent::Cancel => self.period_form = None,
                PeriodEvent::Chosen(p) => {
                    self.period_form = None;
                    self.filters(shell).period = p;
                    self.refilter(shell);
                }
            }
            return true;
        }
        if self.export_form.is_some() {
            self.on_export_form(shell, a);
            return true;
        }
        let len = self.len();
        let rows = match self.kind {
            Kind::Movement => &mut self.movement.rows,
            Kind::Valuation => &mut self.valuation.rows,
            Kind::Reorder => &mut self.reorder.rows,
        };
        if rows.navigate(&a, len) {
            return true;
        }
        let today = shell.now.date();
        match a {
            Action::Right | Action::NextField => self.switch(shell, 1),
            Action::Left | Action::PrevField => self.switch(shell, Kind::ALL.len() - 1),
            Action::Period => {
                let f = self.filters(shell);
                f.period = f.period.step(today);
                self.refilter(shell);
            }
            Action::FilterDates => {
                self.period_form = Some(self.filters(shell).period.form(shell));
            }
            Action::FilterLocation => {
                let items = pick::location_items(
                    &self.locations,
                    Some(shell.t(Msg::AllLocations)),
                    Some(shell.t(Msg::FilterInactiveOnly)),
                );
                let p = Picker::new(shell.t(Msg::PickLocation).into(), items);
                self.picker = Some((Choosing::Location, p));
            }
            Action::FilterCategory => {
                let mut items = vec![Item {
                    value: String::new(),
                    label: shell.t(Msg::AllCategories).into(),
                }];
                items.extend(self.categories.iter().map(|c| Item {
                    value: c.name.clone(),
                    label: c.name.clone(),
                }));
                let p = Picker::new(shell.t(Msg::PickCategory).into(), items);
                self.picker = Some((Choosing::Category, p));
            }
            Action::GroupBy => {
                let kind = self.kind;
                let f = self.filters(shell);
                match kind {
                    Kind::Movement => f.by_location = !f.by_location,
                    Kind::Valuation => {
                        f.by = match f.by {
                            ValuationBy::Location => ValuationBy::Category,
                            ValuationBy::Category => ValuationBy::Product,
                            ValuationBy::Product => ValuationBy::Location,
                        }
                    }
                    Kind::Reorder => return true,
                }
                self.refilter(shell);
            }
            Action::ToggleChart => self.chart = !self.chart,
            Action::Export => {
                let f = self.filters(shell).clone();
                self.export_form =
                    Some((self.kind, super::report_export::form(shell, self.kind, &f)));
            }
            Action::Refresh => {
                self.lookups_loaded = false;
                if !shell.busy(PANE, "lookups") {
                    shell.send("lookups", event::Call::Reports(Call::Lookups));
                }
                self.ensure(shell, true);
            }
            Action::Submit | Action::StockCard => self.open_card_here(shell),
            _ => return false,
        }
        true
    }

    fn switch(&mut self, shell: &mut Shell, by: usize) {
        let i = Kind::ALL.iter().position(|k| *k == self.kind).unwrap_or(0);
        self.kind = Kind::ALL[(i + by) % Kind::ALL.len()];
        self.ensure(shell, false);
    }

    fn refilter(&mut self, shell: &mut Shell) {
        self.ensure(shell, false);
    }

    /// Rows of the table on screen.
    pub fn len(&self) -> usize {
        match self.kind {
            Kind::Movement => self
                .movement
                .data
                .as_ref()
                .map_or(0, |d| d.report.rows.len()),
            Kind::Valuation => self.valuation.data.as_ref().map_or(0, |d| d.rows.len()),
            Kind::Reorder => self.reorder.data.as_ref().map_or(0, |d| d.rows.len()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Shows the stock card of `key`; `back` is the screen Esc returns to.
    pub fn open_card(&mut self, shell: &mut Shell, key: CardKey, back: Option<Tab>) {
        let mut c = Card::new(key, back);
        c.reload(shell);
        self.card = Some(c);
    }

    /// The period a card opened from elsewhere starts with: the last card's, else the
    /// report's.
    pub fn period(&mut self, shell: &Shell) -> Period {
        match self.card_period {
            Some(p) => p,
            None => self.filters(shell).period,
        }
    }
}

#[path = "report_draw.rs"]
mod draw;
#[path = "report_draw_more.rs"]
mod draw_more;
#[path = "report_reply.rs"]
mod reply;

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
