//! The stock card (kartu stok) of one product, at one location (with what is inside it) or
//! at all: the opening balance, every movement of the period with its running balance, and
//! the closing balance. Read a page at a time by key (the service's `CardPage`): the cursor
//! walks the page held and, at its edge, asks for the page after or before it; Home and End
//! ask for the first and the last page, so a card of a million lines opens as fast as a short
//! one. The period steps with `p` or is typed with `D`, as on the reports.

use std::cell::Cell;

use super::products::ProductsPane;
use super::report_call::{Call, CardKey};
use super::report_period::{PeriodEvent, period_form_action};
use super::stock::StockPane;
use crate::service::reports::{CardPage, MAX_PAGE, StockCard};
use crate::tui::action::{Action, Tab};
use crate::tui::event;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::Form;

/// Where the cursor goes when the page asked for arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Land {
    Top,
    Bottom,
    /// The same line (a refresh).
    Keep,
}

/// One line of a card on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Opening,
    Row(usize),
    Closing,
}

#[derive(Debug)]
pub struct Card {
    pub key: CardKey,
    /// The screen Esc returns to (`None`: the reports).
    pub back: Option<Tab>,
    /// The page asked for last; `data` is the one held.
    pub page: CardPage,
    pub data: Option<Box<StockCard>>,
    data_key: Option<CardKey>,
    pub error: Option<String>,
    pub cursor: usize,
    land: Land,
    pub period_form: Option<Form>,
    top: Cell<usize>,
    view_h: Cell<usize>,
}

impl Card {
    pub fn new(key: CardKey, back: Option<Tab>) -> Card {
        Card {
            key,
            back,
            page: CardPage::First,
            data: None,
            data_key: None,
            error: None,
            cursor: 0,
            land: Land::Top,
            period_form: None,
            top: Cell::new(0),
            view_h: Cell::new(10),
        }
    }

    pub fn text_focused(&self) -> bool {
        self.period_form.is_some()
    }

    pub fn keys() -> Vec<(&'static str, Msg)> {
        vec![
            ("↑↓ PgUp PgDn", Msg::KeyMove),
            ("Home End", Msg::CardKeyEnds),
            ("p", Msg::RptKeyPeriod),
            ("D", Msg::RptKeyDates),
            ("r", Msg::KeyRefresh),
            ("Esc", Msg::KeyBack),
        ]
    }

    pub fn hint(&self) -> Msg {
        if self.period_form.is_some() {
            Msg::HintForm
        } else {
            Msg::CardHint
        }
    }

    /// Whether the page held answers the card on screen.
    pub fn fresh(&self) -> bool {
        self.data.is_some() && self.data_key.as_ref() == Some(&self.key)
    }

    fn ask(&mut self, shell: &mut Shell, page: CardPage, land: Land) {
        self.page = page.clone();
        self.land = land;
        let limit = usize::try_from(shell.page_size)
            .unwrap_or(MAX_PAGE)
            .clamp(1, MAX_PAGE);
        let call = Call::Card {
            key: self.key.clone(),
            page,
            limit,
        };
        shell.send("card", event::Call::Reports(call));
    }

    /// Reads the page held again (coming back to the screen, `r`).
    pub fn reload(&mut self, shell: &mut Shell) {
        let page = if self.fresh() {
            self.page.clone()
        } else {
            CardPage::First
        };
        let land = if self.fresh() { Land::Keep } else { Land::Top };
        self.ask(shell, page, land);
    }

    /// The lines of the page held: the opening balance when it starts the period, the rows,
    /// the closing balance when it ends it.
    pub fn lines(&self) -> Vec<Line> {
        let Some(d) = &self.data else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(d.rows.len() + 2);
        if !d.more_before {
            out.push(Line::Opening);
        }
        out.extend((0..d.rows.len()).map(Line::Row));
        if !d.more_after {
            out.push(Line::Closing);
        }
        out
    }

    /// Handles a key; `false` when the card is to close (Esc).
    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if let Some(form) = &mut self.period_form {
            match period_form_action(form, shell, a) {
                PeriodEvent::Stay => {}
                PeriodEvent::Cancel => self.period_form = None,
                PeriodEvent::Chosen(p) => {
                    self.period_form = None;
                    self.key.period = p;
                    self.ask(shell, CardPage::First, Land::Top);
                }
            }
            return true;
        }
        match a {
            Action::Back => return false,
            Action::Period => {
                self.key.period = self.key.period.step(shell.now.date());
                self.ask(shell, CardPage::First, Land::Top);
            }
            Action::FilterDates => self.period_form = Some(self.key.period.form(shell)),
            Action::Refresh => self.reload(shell),
            Action::Up => self.move_by(shell, -1),
            Action::Down => self.move_by(shell, 1),
            Action::PageUp => self.move_by(shell, -(self.view_h.get().max(1) as isize)),
            Action::PageDown => self.move_by(shell, self.view_h.get().max(1) as isize),
            Action::Home => match &self.data {
                Some(d) if !d.more_before => self.cursor = 0,
                _ => self.ask(shell, CardPage::First, Land::Top),
            },
            Action::End => match &self.data {
                Some(d) if !d.more_after => self.cursor = self.lines().len().saturating_sub(1),
                _ => self.ask(shell, CardPage::Last, Land::Bottom),
            },
            _ => {}
        }
        true
    }

    /// Moves the cursor; past the edge of the page held, asks for the next or previous page.
    fn move_by(&mut self, shell: &mut Shell, by: isize) {
        let Some(d) = &self.data else { return };
        let n = self.lines().len();
        let to = self.cursor as isize + by;
        if to < 0 && d.more_before {
            if let Some(first) = d.rows.first() {
                let page = CardPage::Before(first.cursor());
                self.ask(shell, page, Land::Bottom);
            }
        } else if to >= n as isize && d.more_after {
            if let Some(last) = d.rows.last() {
                let page = CardPage::After(last.cursor());
                self.ask(shell, page, Land::Top);
            }
        } else {
            self.cursor = to.clamp(0, n.saturating_sub(1) as isize) as usize;
        }
    }

    pub fn on_reply(&mut self, key: CardKey, page: CardPage, data: Result<Box<StockCard>, String>) {
        if key != self.key || page != self.page {
            return;
        }
        match data {
            Ok(d) => {
                self.data = Some(d);
                self.data_key = Some(key);
                self.error = None;
                let n = self.lines().len();
                self.cursor = match self.land {
                    Land::Top => 0,
                    Land::Bottom => n.saturating_sub(1),
                    Land::Keep => self.cursor.min(n.saturating_sub(1)),
                };
                if self.land != Land::Keep {
                    self.top.set(self.cursor);
                }
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The lines to draw in `h` rows out of `n`, keeping the cursor in view.
    pub fn window(&self, h: usize, n: usize) -> std::ops::Range<usize> {
        let h = h.max(1);
        self.view_h.set(h);
        let mut top = self.top.get();
        if self.cursor < top {
            top = self.cursor;
        } else if self.cursor >= top + h {
            top = self.cursor + 1 - h;
        }
        top = top.min(n.saturating_sub(h));
        self.top.set(top);
        top..(top + h).min(n)
    }
}

/// The product (SKU) and location the stock-card key (`K`) opens from the products or the
/// stock screen: the product under the cursor at every location; on the stock list the row's
/// product at the row's location; in a product's stock detail that product at the location
/// the list is filtered by (every location when none).
pub fn target(
    tab: Tab,
    products: &ProductsPane,
    stock: &StockPane,
) -> Option<(String, Option<String>)> {
    match tab {
        Tab::Products if products.editor.is_none() && products.picker.is_none() => {
            products.current().map(|p| (p.sku.clone(), None))
        }
        Tab::Stock if stock.picker.is_none() => match &stock.detail {
            Some(d) => Some((d.sku.clone(), stock.list.key.location.clone())),
            None => stock.list.current().map(|r| {
                // The row shows the location's path (`JKT/A/01`); the card wants its code.
                let code = stock
                    .locations
                    .iter()
                    .find(|l| l.id == r.location_id)
                    .map(|l| l.code.clone())
                    .unwrap_or_else(|| r.location.rsplit('/').next().unwrap_or("").to_string());
                (r.sku.clone(), Some(code))
            }),
        },
        _ => None,
    }
}

#[path = "card_draw.rs"]
mod draw;
