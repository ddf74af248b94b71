//! The stock pane: quantities per location and product, one page at a time, filtered by a
//! location (with everything nested inside it, chosen in a type-ahead picker), by a product
//! search and to low rows only; rows below their minimum stand out. Enter opens a product's
//! detail: its stock at every location and its recent movements.

use tui_input::Input;

use super::paged::{Paged, Searched, search_keys};
use super::pick;
pub use super::stock_call::{Call, Reply, StockKey};
use crate::db::location::Location;
use crate::service::locations::StockView;
use crate::service::stock_view::ProductStock;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::{Picked, Picker};

pub const PANE: PaneId = PaneId::Stock;

/// A product's detail, loading or loaded.
#[derive(Debug)]
pub struct Detail {
    pub sku: String,
    pub data: Option<Box<ProductStock>>,
    pub error: Option<String>,
}

#[derive(Default)]
pub struct StockPane {
    pub list: Paged<StockKey, StockView>,
    pub search: Input,
    pub search_focus: bool,
    pub picker: Option<Picker>,
    pub locations: Vec<Location>,
    /// Full paths by location code (`JKT/A/01`).
    pub paths: std::collections::HashMap<String, String>,
    locations_loaded: bool,
    pub detail: Option<Detail>,
    /// Enter came before the rows: open the detail when they arrive.
    open_when_loaded: bool,
}

impl StockPane {
    pub fn text_focused(&self) -> bool {
        self.search_focus || self.picker.is_some()
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.locations_loaded && !shell.busy(PANE, "locations") {
            shell.send("locations", event::Call::Stock(Call::Locations));
        }
        // Stock changes with every posting: coming back shows it as it is now.
        self.list.invalidate();
        self.ensure(shell);
        if let Some(d) = &self.detail {
            let sku = d.sku.clone();
            shell.send("detail", event::Call::Stock(Call::Detail { sku }));
        }
    }

    fn ensure(&mut self, shell: &mut Shell) {
        let busy = shell.busy(PANE, "page");
        let Some(w) = self.list.wanted(shell.page_size, busy) else {
            return;
        };
        let call = Call::Page {
            key: self.list.key.clone(),
            place: w.place,
            seek: w.seek.map(super::stock_call::cursor),
            limit: w.limit + 1,
        };
        shell.send("page", event::Call::Stock(call));
        self.list.sent();
    }

    fn refilter(&mut self, shell: &mut Shell) {
        self.list.reset();
        self.ensure(shell);
    }

    pub fn keys(&self) -> Vec<(&'static str, Msg)> {
        vec![
            ("↑↓ j k", Msg::KeyMove),
            ("PgUp PgDn", Msg::KeyPage),
            ("/", Msg::KeySearch),
            ("l", Msg::KeyFilterLocation),
            ("w", Msg::KeyLowOnly),
            ("Enter", Msg::KeyStockDetail),
            ("r", Msg::KeyRefresh),
        ]
    }

    pub fn hint(&self) -> Msg {
        if self.detail.is_some() {
            Msg::HintStockDetail
        } else {
            Msg::HintStock
        }
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if !matches!(a, Action::Submit | Action::Edit) {
            self.open_when_loaded = false;
        }
        if let Some(p) = &mut self.picker {
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    self.picker = None;
                    self.list.key.location = (!item.value.is_empty()).then_some(item.value);
                    self.refilter(shell);
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return true;
        }
        if self.detail.is_some() {
            match a {
                Action::Back => self.detail = None,
                Action::Refresh => self.on_enter(shell),
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
            Action::LowOnly => {
                self.list.key.low = !self.list.key.low;
                self.refilter(shell);
            }
            Action::FilterLocation => {
                let items = pick::location_items(
                    &self.locations,
                    Some(shell.t(Msg::AllLocations)),
                    Some(shell.t(Msg::FilterInactiveOnly)),
                );
                self.picker = Some(Picker::new(shell.t(Msg::PickLocation).into(), items));
            }
            Action::Submit | Action::Edit => self.open_detail(shell),
            _ => return false,
        }
        true
    }

    /// Opens the detail of the row under the cursor; if its page is still on the way (Enter
    /// typed right after a search), once it arrives.
    fn open_detail(&mut self, shell: &mut Shell) {
        self.open_when_loaded = false;
        match self.list.current() {
            Some(row) => {
                let sku = row.sku.clone();
                self.detail = Some(Detail {
                    sku: sku.clone(),
                    data: None,
                    error: None,
                });
                shell.send("detail", event::Call::Stock(Call::Detail { sku }));
            }
            None => self.open_when_loaded = !self.list.have() && self.list.error.is_none(),
        }
    }

    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Page {
                key,
                place,
                limit,
                rows,
            } => {
                match rows {
                    Ok(rows) => {
                        self.list.on_page(key, place, rows, limit);
                    }
                    Err(e) if key == self.list.key => self.list.error = Some(e),
                    Err(_) => {}
                }
                if self.list.error.is_none() {
                    self.ensure(shell);
                }
                if self.open_when_loaded && self.list.have() {
                    self.open_detail(shell);
                }
            }
            Reply::Locations(Ok(l)) => {
                self.paths = pick::paths_by_code(&l);
                self.locations = l;
                self.locations_loaded = true;
            }
            Reply::Locations(Err(e)) => self.list.error = Some(e),
            Reply::Detail { sku, data } => {
                let Some(d) = self.detail.as_mut().filter(|d| d.sku == sku) else {
                    return;
                };
                match data {
                    Ok(data) => {
                        d.data = Some(data);
                        d.error = None;
                    }
                    Err(e) => d.error = Some(e),
                }
            }
        }
    }

    pub fn on_failed(&mut self, shell: &mut Shell, slot: &str, msg: String) {
        match slot {
            "detail" => {
                if let Some(d) = &mut self.detail {
                    d.error = Some(msg.clone());
                }
            }
            _ => self.list.error = Some(msg.clone()),
        }
        shell.error(msg);
    }
}

#[path = "stock_draw.rs"]
mod view;

#[cfg(test)]
#[path = "stock_tests.rs"]
mod tests;
