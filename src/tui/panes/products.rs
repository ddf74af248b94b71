//! The products pane: a table over the whole catalog that never loads it all. Browsing keeps a
//! window of `ui.page_size` rows around the cursor and fetches the next window before the
//! cursor reaches its edge; searching asks for the best matches of the typed text. At most one
//! page request is in flight: keys typed meanwhile are folded into the next request, and a
//! reply for a view that is no longer on screen is dropped.

use std::cell::Cell;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};
use tui_input::Input;

pub use super::products_call::{Call, Reply, SaveError, ViewKey};
use super::products_edit::{Editor, EditorKind};
use crate::db::master::{Category, ProductSort, Unit};
use crate::domain::role::Permission;
use crate::service::catalog::ProductView;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::keymap::Modal;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::FormEvent;
use crate::tui::widgets::picker::{Item, Picked, Picker};
use crate::tui::widgets::{self, fit};

pub const PANE: PaneId = PaneId::Products;

/// A yes/no question the pane is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Discard,
    Toggle { sku: String, name: String, activate: bool },
}

pub struct ProductsPane {
    pub editor: Option<Editor>,
    pub picker: Option<Picker>,
    pub ask: Option<Ask>,
    pub search: Input,
    pub search_focus: bool,
    pub key: ViewKey,
    pub category_name: Option<String>,
    /// The loaded window: `rows[i]` is row `rows_offset + i` of the view `rows_key`.
    pub rows: Vec<ProductView>,
    pub rows_key: Option<ViewKey>,
    pub rows_offset: i64,
    pub total: Option<i64>,
    total_key: Option<ViewKey>,
    pub cursor: i64,
    top: Cell<i64>,
    view_h: Cell<i64>,
    pub categories: Vec<Category>,
    pub units: Vec<Unit>,
    lookups_loaded: bool,
    pub error: Option<String>,
}

impl Default for ProductsPane {
    fn default() -> Self {
        ProductsPane {
            editor: None,
            picker: None,
            ask: None,
            search: Input::default(),
            search_focus: false,
            key: ViewKey::default(),
            category_name: None,
            rows: Vec::new(),
            rows_key: None,
            rows_offset: 0,
            total: None,
            total_key: None,
            cursor: 0,
            top: Cell::new(0),
            view_h: Cell::new(10),
            categories: Vec::new(),
            units: Vec::new(),
            lookups_loaded: false,
            error: None,
        }
    }
}

impl ProductsPane {
    pub fn text_focused(&self) -> bool {
        self.search_focus || self.editor.is_some() || self.picker.is_some()
    }

    pub fn modal(&self) -> Modal {
        if self.ask.is_some() { Modal::Confirm } else { Modal::None }
    }

    pub fn unsaved(&self) -> bool {
        self.editor.as_ref().is_some_and(|e| e.form.dirty())
    }

    /// Rows in the current view, as far as known.
    pub fn len(&self) -> i64 {
        if self.key.searching() {
            return if self.rows_key.as_ref() == Some(&self.key) { self.rows.len() as i64 } else { 0 };
        }
        match (self.total, &self.total_key) {
            (Some(t), Some(k)) if *k == self.key => t,
            _ if self.rows_key.as_ref() == Some(&self.key) => self.rows_offset + self.rows.len() as i64,
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row under the cursor, if loaded.
    pub fn current(&self) -> Option<&ProductView> {
        if self.rows_key.as_ref() != Some(&self.key) {
            return None;
        }
        usize::try_from(self.cursor - self.rows_offset).ok().and_then(|i| self.rows.get(i))
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.lookups_loaded {
            shell.send("lookups", event::Call::Products(Call::Lookups));
        }
        self.ensure(shell);
    }

    /// Asks for whatever the screen needs and does not have: the window around the cursor,
    /// and the row count of the view.
    fn ensure(&mut self, shell: &mut Shell) {
        let page = shell.page_size;
        if !self.key.searching() && self.total_key.as_ref() != Some(&self.key) && !shell.busy(PANE, "count") {
            shell.send("count", event::Call::Products(Call::Count { key: self.key.clone() }));
        }
        if shell.busy(PANE, "page") {
            return;
        }
        let have = self.rows_key.as_ref() == Some(&self.key);
        let offset = if self.key.searching() {
            if have {
                return;
            }
            0
        } else {
            let (start, end) = (self.rows_offset, self.rows_offset + self.rows.len() as i64);
            let margin = page / 4;
            let total = self.len();
            let top = self.top.get();
            let bottom = top + self.view_h.get();
            let inside = have && top.max(0) >= start && bottom.min(total) <= end && (self.cursor >= start && self.cursor < end.max(start + 1));
            let near_edge = have && ((self.cursor - start < margin && start > 0) || (end - self.cursor < margin && end < total));
            if inside && !near_edge {
                return;
            }
            (self.cursor - page / 2).max(0)
        };
        shell.send("page", event::Call::Products(Call::Page { key: self.key.clone(), offset, limit: page }));
    }

    fn reset_view(&mut self, shell: &mut Shell) {
        self.cursor = 0;
        self.top.set(0);
        self.ensure(shell);
    }

    /// Forgets the loaded rows so they are fetched again (after a change).
    fn reload(&mut self, shell: &mut Shell) {
        self.rows_key = None;
        self.total_key = None;
        self.ensure(shell);
    }

    fn move_to(&mut self, shell: &mut Shell, to: i64) {
        let last = (self.len() - 1).max(0);
        self.cursor = to.clamp(0, last);
        self.ensure(shell);
    }

    pub fn keys(&self, shell: &Shell) -> Vec<(&'static str, Msg)> {
        let mut k = vec![("↑↓ j k", Msg::KeyMove), ("PgUp PgDn", Msg::KeyPage), ("/", Msg::KeySearch)];
        if shell.can(Permission::ManageCatalog) {
            k.extend([("n", Msg::KeyNew), ("e Enter", Msg::KeyEdit), ("d", Msg::KeyToggleActive), ("C", Msg::KeyAddCategory), ("U", Msg::KeyAddUnit)]);
        }
        k.extend([("s S", Msg::KeySort), ("c", Msg::KeyFilterCategory), ("a", Msg::KeyFilterActive), ("r", Msg::KeyRefresh)]);
        k
    }

    pub fn hint(&self) -> Msg {
        if self.editor.is_some() { Msg::HintForm } else { Msg::HintTable }
    }

    /// Handles an action; `false` if this pane has no use for it.
    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if let Some(ask) = self.ask.take() {
            if a == Action::Yes {
                self.answer(shell, ask);
            }
            return true;
        }
        if let Some(p) = &mut self.picker {
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    self.picker = None;
                    self.key.category = (!item.value.is_empty()).then_some(item.value.clone());
                    self.category_name = self.key.category.as_ref().map(|_| item.label);
                    self.reset_view(shell);
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return true;
        }
        if self.editor.is_some() {
            self.on_editor_action(shell, a);
            return true;
        }
        if self.search_focus {
            match a {
                Action::Input(req) => {
                    if self.search.handle(req).is_some_and(|c| c.value) {
                        self.key.text = self.search.value().to_string();
                        self.reset_view(shell);
                    }
                    return true;
                }
                Action::Back | Action::Submit | Action::NextField | Action::PrevField => {
                    self.search_focus = false;
                    return true;
                }
                _ => {}
            }
        }
        let page = self.view_h.get().max(1);
        match a {
            Action::Search => self.search_focus = true,
            Action::NextField | Action::PrevField => self.search_focus = true,
            Action::Back if !self.search.value().is_empty() => {
                self.search = Input::default();
                self.key.text.clear();
                self.reset_view(shell);
            }
            Action::Up => self.move_to(shell, self.cursor - 1),
            Action::Down => self.move_to(shell, self.cursor + 1),
            Action::PageUp => self.move_to(shell, self.cursor - page),
            Action::PageDown => self.move_to(shell, self.cursor + page),
            Action::Home => self.move_to(shell, 0),
            Action::End => self.move_to(shell, self.len() - 1),
            Action::Refresh => self.reload(shell),
            Action::Sort => {
                self.key.sort = match self.key.sort {
                    ProductSort::Sku => ProductSort::Name,
                    ProductSort::Name => ProductSort::Price,
                    ProductSort::Price => ProductSort::Updated,
                    ProductSort::Updated => ProductSort::Sku,
                };
                self.reset_view(shell);
            }
            Action::SortReverse => {
                self.key.desc = !self.key.desc;
                self.reset_view(shell);
            }
            Action::FilterActive => {
                self.key.active = match self.key.active {
                    Some(true) => Some(false),
                    Some(false) => None,
                    None => Some(true),
                };
                self.reset_view(shell);
            }
            Action::FilterCategory => {
                let mut items = vec![Item { value: String::new(), label: shell.t(Msg::AllCategories).into() }];
                items.extend(self.categories.iter().map(|c| Item { value: c.id.clone(), label: c.name.clone() }));
                self.picker = Some(Picker::new(shell.t(Msg::PickCategory).into(), items));
            }
            Action::New => self.open(shell, EditorKind::Product, false),
            Action::Edit | Action::Submit => self.open(shell, EditorKind::Product, true),
            Action::AddCategory => self.open(shell, EditorKind::Category, false),
            Action::AddUnit => self.open(shell, EditorKind::Unit, false),
            Action::ToggleActive => {
                if shell.check(Permission::ManageCatalog)
                    && let Some(p) = self.current()
                {
                    self.ask = Some(Ask::Toggle { sku: p.sku.clone(), name: p.name.clone(), activate: !p.active });
                }
            }
            _ => return false,
        }
        true
    }

    fn open(&mut self, shell: &mut Shell, kind: EditorKind, edit: bool) {
        if !shell.check(Permission::ManageCatalog) {
            return;
        }
        let mut ed = match kind {
            EditorKind::Product if edit => match self.current() {
                Some(p) => Editor::product(shell, Some(p)),
                None => return,
            },
            EditorKind::Product => Editor::product(shell, None),
            EditorKind::Category => Editor::category(shell),
            EditorKind::Unit => Editor::unit(shell),
        };
        ed.refresh_hint(shell, &self.categories, &self.units);
        self.editor = Some(ed);
    }

    fn on_editor_action(&mut self, shell: &mut Shell, a: Action) {
        let Some(ed) = &mut self.editor else { return };
        match ed.form.on_action(a) {
            FormEvent::Cancel if ed.form.busy => {}
            FormEvent::Cancel => {
                if ed.form.dirty() {
                    self.ask = Some(Ask::Discard);
                } else {
                    self.editor = None;
                }
            }
            FormEvent::Left(i) => {
                ed.touch(i);
                ed.refresh_hint(shell, &self.categories, &self.units);
                if ed.kind == EditorKind::Product {
                    shell.send("validate", event::Call::Products(Call::Validate { original: ed.original.clone(), input: ed.product_input() }));
                }
            }
            FormEvent::Edited => ed.refresh_hint(shell, &self.categories, &self.units),
            FormEvent::Submit => {
                let call = match ed.kind {
                    EditorKind::Product => Call::Save { original: ed.original.clone(), input: ed.product_input() },
                    EditorKind::Category => Call::AddCategory { name: ed.form.value("name").to_string() },
                    EditorKind::Unit => match ed.form.value("decimals").trim().parse::<i64>() {
                        Ok(d) if (0..=3).contains(&d) => Call::AddUnit { code: ed.form.value("code").to_string(), name: ed.form.value("name").to_string(), decimals: d },
                        _ => {
                            ed.form.set_errors(&[("decimals".into(), shell.t(Msg::DecimalsInvalid).into())], true);
                            return;
                        }
                    },
                };
                ed.form.clear_errors();
                ed.form.busy = true;
                shell.send("save", event::Call::Products(call));
            }
            FormEvent::None => {}
        }
    }

    fn answer(&mut self, shell: &mut Shell, ask: Ask) {
        match ask {
            Ask::Discard => self.editor = None,
            Ask::Toggle { sku, activate, .. } => {
                shell.send("toggle", event::Call::Products(Call::SetActive { sku, active: activate }));
            }
        }
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        self.ask.as_ref().map(|a| match a {
            Ask::Discard => shell.t(Msg::ConfirmDiscard).to_string(),
            Ask::Toggle { sku, name, activate: false } => shell.tf(Msg::ConfirmDeactivate, &[sku, name]),
            Ask::Toggle { sku, name, activate: true } => shell.tf(Msg::ConfirmActivate, &[sku, name]),
        })
    }

    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Page { key, offset, rows } => {
                match rows {
                    Ok(rows) if key == self.key => {
                        self.error = None;
                        self.rows = rows;
                        self.rows_offset = offset;
                        self.rows_key = Some(key);
                        if (self.rows.len() as i64) < shell.page_size && !self.key.searching() {
                            // A short page is the end of the view: its length is exact.
                            self.total = Some(offset + self.rows.len() as i64);
                            self.total_key = Some(self.key.clone());
                        }
                        self.cursor = self.cursor.clamp(0, (self.len() - 1).max(0));
                    }
                    Ok(_) => {}
                    Err(e) => self.error = Some(e),
                }
                self.ensure(shell);
            }
            Reply::Count { key, total } => match total {
                Ok(t) if key == self.key => {
                    self.total = Some(t);
                    self.total_key = Some(key);
                    self.cursor = self.cursor.clamp(0, (t - 1).max(0));
                    self.ensure(shell);
                }
                Ok(_) => self.ensure(shell),
                Err(e) => self.error = Some(e),
            },
            Reply::Lookups(Ok((cats, units))) => {
                self.categories = cats;
                self.units = units;
                self.lookups_loaded = true;
            }
            Reply::Lookups(Err(e)) => self.error = Some(e),
            Reply::Validated(errs) => {
                if let Some(ed) = self.editor.as_mut().filter(|e| !e.form.busy) {
                    ed.show_errors(&errs, false);
                }
            }
            Reply::Saved(res) => {
                let Some(ed) = &mut self.editor else { return };
                ed.form.busy = false;
                match res {
                    Ok(p) => {
                        shell.info(shell.tf(Msg::Saved, &[&p.sku]));
                        self.editor = None;
                        self.reload(shell);
                    }
                    Err(SaveError::Fields(errs)) => ed.show_errors(&errs, true),
                    Err(SaveError::Other(m)) => ed.form.message = Some(m),
                }
            }
            Reply::ActiveSet(Ok(p)) => {
                shell.info(shell.tf(if p.active { Msg::Activated } else { Msg::Deactivated }, &[&p.sku]));
                self.reload(shell);
            }
            Reply::ActiveSet(Err(e)) => shell.error(e),
            Reply::CategoryAdded(res) => {
                let res = res.map(|c| {
                    let msg = shell.tf(Msg::CategoryAdded, &[&c.name]);
                    self.categories.push(c);
                    self.categories.sort_by_key(|c| c.name.to_lowercase());
                    msg
                });
                self.added(shell, res);
            }
            Reply::UnitAdded(res) => {
                let res = res.map(|u| {
                    let msg = shell.tf(Msg::UnitAdded, &[&u.code]);
                    self.units.push(u);
                    self.units.sort_by_key(|u| u.code.to_lowercase());
                    msg
                });
                self.added(shell, res);
            }
        }
    }

    fn added(&mut self, shell: &mut Shell, res: Result<String, String>) {
        let Some(ed) = &mut self.editor else { return };
        ed.form.busy = false;
        match res {
            Ok(msg) => {
                shell.info(msg);
                self.editor = None;
            }
            Err(m) => ed.form.message = Some(m),
        }
    }

    pub fn on_failed(&mut self, shell: &mut Shell, slot: &str, msg: String) {
        if let Some(ed) = &mut self.editor {
            ed.form.busy = false;
        }
        if slot == "page" {
            self.error = Some(msg.clone());
        }
        shell.error(msg);
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let [bar, info, table] = Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        self.draw_search(f, bar, info, shell);
        self.draw_table(f, table, shell);
        if let Some(ed) = &self.editor {
            let w = area.width.min(76);
            let r = widgets::centered(area, w, ed.form.height());
            let footer = shell.t(Msg::HintForm);
            ed.form.draw(f, r, shell, footer);
        }
        if let Some(p) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_search(&self, f: &mut Frame, bar: Rect, info: Rect, shell: &Shell) {
        let th = &shell.theme;
        let label = format!(" {}: ", shell.t(Msg::SearchLabel));
        let count = if self.key.searching() && self.len() >= shell.page_size {
            shell.tf(Msg::MatchesCapped, &[&shell.page_size.to_string()])
        } else if self.is_empty() {
            String::new()
        } else {
            shell.tf(Msg::RowsOf, &[&(self.cursor + 1).to_string(), &self.len().to_string()])
        };
        let input_w = bar.width.saturating_sub(label.chars().count() as u16 + count.chars().count() as u16 + 2).min(48);
        let (text, style) = if self.search.value().is_empty() && !self.search_focus {
            (fit(shell.t(Msg::SearchPlaceholder), input_w as usize), th.dim())
        } else {
            let scroll = self.search.visual_scroll(input_w.saturating_sub(1) as usize);
            (self.search.value().chars().skip(scroll).collect::<String>(), if self.search_focus { th.input_focus() } else { th.input() })
        };
        let pad = (input_w as usize).saturating_sub(text.chars().count());
        let left = Line::from(vec![Span::styled(label.clone(), th.title()), Span::styled(format!("{text}{}", " ".repeat(pad)), style)]);
        f.render_widget(Paragraph::new(left), bar);
        f.render_widget(Paragraph::new(Span::styled(format!("{count} "), th.dim())).alignment(ratatui::layout::Alignment::Right), bar);
        if self.search_focus && self.editor.is_none() && self.picker.is_none() {
            let scroll = self.search.visual_scroll(input_w.saturating_sub(1) as usize);
            let x = bar.x + label.chars().count() as u16 + (self.search.visual_cursor() - scroll) as u16;
            f.set_cursor_position((x.min(bar.right().saturating_sub(1)), bar.y));
        }
        let active = match self.key.active {
            Some(true) => shell.t(Msg::FilterActiveOnly),
            Some(false) => shell.t(Msg::FilterInactiveOnly),
            None => shell.t(Msg::FilterAll),
        };
        let cat = self.category_name.clone().unwrap_or_else(|| shell.t(Msg::AllCategories).to_string());
        let sort = if self.key.searching() {
            shell.t(Msg::SortRelevance).to_string()
        } else {
            let col = match self.key.sort {
                ProductSort::Sku => shell.t(Msg::ColSku),
                ProductSort::Name => shell.t(Msg::ColName),
                ProductSort::Price => shell.t(Msg::ColPrice),
                ProductSort::Updated => "updated",
            };
            shell.tf(Msg::SortedBy, &[col, if self.key.desc { "↓" } else { "↑" }])
        };
        let mut spans = vec![Span::styled(format!(" {active} · {cat} · {sort}"), th.dim())];
        if let Some(e) = &self.error {
            spans.push(Span::styled(format!("  ✗ {}", fit(e, info.width as usize / 2)), th.error()));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), info);
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let h = area.height.saturating_sub(1) as i64;
        self.view_h.set(h.max(1));
        let total = self.len();
        let mut top = self.top.get();
        if self.cursor < top {
            top = self.cursor;
        } else if self.cursor >= top + h {
            top = self.cursor - h + 1;
        }
        top = top.clamp(0, (total - h).max(0));
        self.top.set(top);
        let wide = area.width >= 100;
        let yes = shell.t(Msg::Yes);
        let no = shell.t(Msg::No);
        let have = self.rows_key.as_ref() == Some(&self.key);
        let rows: Vec<Row> = (top..(top + h).min(total))
            .map(|i| {
                let p = if have { usize::try_from(i - self.rows_offset).ok().and_then(|j| self.rows.get(j)) } else { None };
                let style = if i == self.cursor { th.selected() } else { th.base() };
                match p {
                    Some(p) => {
                        let mut cells = vec![p.sku.clone(), p.name.clone(), p.category.clone().unwrap_or_default(), p.unit.clone(), format!("{:>12}", p.price)];
                        if wide {
                            cells.push(format!("{:>9}", p.min_qty));
                        }
                        cells.push(if p.active { yes.into() } else { no.into() });
                        Row::new(cells).style(if p.active || i == self.cursor { style } else { th.dim() })
                    }
                    None => Row::new(vec!["…".to_string()]).style(th.dim().patch(style)),
                }
            })
            .collect();
        let mut widths = vec![Constraint::Length(14), Constraint::Fill(1), Constraint::Length(14), Constraint::Length(5), Constraint::Length(12)];
        let mut header = vec![shell.t(Msg::ColSku), shell.t(Msg::ColName), shell.t(Msg::ColCategory), shell.t(Msg::ColUnit), shell.t(Msg::ColPrice)];
        if wide {
            widths.push(Constraint::Length(9));
            header.push(shell.t(Msg::ColMin));
        }
        widths.push(Constraint::Length(6));
        header.push(shell.t(Msg::ColActive));
        let header = Row::new(header.into_iter().map(String::from)).style(th.header());
        if total == 0 && have {
            f.render_widget(Table::new(Vec::<Row>::new(), widths.clone()).header(header.clone()), area);
            let msg = Rect { y: area.y + 2, height: 1, ..area };
            f.render_widget(Paragraph::new(Span::styled(format!(" {}", shell.t(Msg::NoProducts)), th.dim())), msg);
            return;
        }
        f.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
    }
}
