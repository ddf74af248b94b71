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

#[path = "products_reply.rs"]
mod reply;
#[path = "products_view.rs"]
mod view;

pub const PANE: PaneId = PaneId::Products;

/// A yes/no question the pane is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Discard,
    Toggle {
        sku: String,
        name: String,
        activate: bool,
    },
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

/// The first visible row when the cursor is at `cursor`: the previous top, moved just enough
/// to keep the cursor on screen.
pub fn scroll_top(cursor: i64, top: i64, h: i64, total: i64) -> i64 {
    let top = if cursor < top {
        cursor
    } else if cursor >= top + h {
        cursor - h + 1
    } else {
        top
    };
    top.clamp(0, (total - h).max(0))
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
        if self.ask.is_some() {
            Modal::Confirm
        } else {
            Modal::None
        }
    }

    pub fn unsaved(&self) -> bool {
        self.editor.as_ref().is_some_and(|e| e.form.dirty())
    }

    /// Rows in the current view, as far as known.
    pub fn len(&self) -> i64 {
        if self.key.searching() {
            return if self.rows_key.as_ref() == Some(&self.key) {
                self.rows.len() as i64
            } else {
                0
            };
        }
        match (self.total, &self.total_key) {
            (Some(t), Some(k)) if *k == self.key => t,
            _ if self.rows_key.as_ref() == Some(&self.key) => {
                self.rows_offset + self.rows.len() as i64
            }
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
        usize::try_from(self.cursor - self.rows_offset)
            .ok()
            .and_then(|i| self.rows.get(i))
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
        if !self.key.searching()
            && self.total_key.as_ref() != Some(&self.key)
            && !shell.busy(PANE, "count")
        {
            shell.send(
                "count",
                event::Call::Products(Call::Count {
                    key: self.key.clone(),
                }),
            );
        }
        if shell.busy(PANE, "page") {
            return;
        }
        let have = self.rows_key.as_ref() == Some(&self.key);
        let (offset, limit) = if self.key.searching() {
            if have {
                return;
            }
            (0, page)
        } else {
            // The window must cover the rows the next frame shows, with slack on both sides
            // so that the next window arrives before the cursor reaches the edge.
            let h = self.view_h.get().max(1);
            let total = self.len();
            let top = scroll_top(self.cursor, self.top.get(), h, total);
            let (first, last) = (top, (top + h).min(total));
            let limit = page.max(2 * h);
            let margin = (limit - h) / 4;
            let (start, end) = (self.rows_offset, self.rows_offset + self.rows.len() as i64);
            let covered = have && first >= start && last <= end;
            let near_edge =
                (first - start < margin && start > 0) || (end - last < margin && end < total);
            if covered && !near_edge {
                return;
            }
            let offset = (top - (limit - h) / 2).clamp(0, (total - limit).max(0));
            // Already showing this very window: asking again would loop.
            if have && covered && offset == start {
                return;
            }
            (offset, limit)
        };
        shell.send(
            "page",
            event::Call::Products(Call::Page {
                key: self.key.clone(),
                offset,
                limit,
            }),
        );
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
        let mut k = vec![
            ("↑↓ j k", Msg::KeyMove),
            ("PgUp PgDn", Msg::KeyPage),
            ("/", Msg::KeySearch),
        ];
        if shell.can(Permission::ManageCatalog) {
            k.extend([
                ("n", Msg::KeyNew),
                ("e Enter", Msg::KeyEdit),
                ("d", Msg::KeyToggleActive),
                ("C", Msg::KeyAddCategory),
                ("U", Msg::KeyAddUnit),
            ]);
        }
        k.extend([
            ("s S", Msg::KeySort),
            ("c", Msg::KeyFilterCategory),
            ("a", Msg::KeyFilterActive),
            ("r", Msg::KeyRefresh),
        ]);
        k
    }

    pub fn hint(&self) -> Msg {
        if self.editor.is_some() {
            Msg::HintForm
        } else {
            Msg::HintTable
        }
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
                let mut items = vec![Item {
                    value: String::new(),
                    label: shell.t(Msg::AllCategories).into(),
                }];
                items.extend(self.categories.iter().map(|c| Item {
                    value: c.id.clone(),
                    label: c.name.clone(),
                }));
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
                    self.ask = Some(Ask::Toggle {
                        sku: p.sku.clone(),
                        name: p.name.clone(),
                        activate: !p.active,
                    });
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
                    shell.send(
                        "validate",
                        event::Call::Products(Call::Validate {
                            original: ed.original.clone(),
                            input: ed.product_input(),
                        }),
                    );
                }
            }
            FormEvent::Edited => ed.refresh_hint(shell, &self.categories, &self.units),
            FormEvent::Submit => {
                let call = match ed.kind {
                    EditorKind::Product => Call::Save {
                        original: ed.original.clone(),
                        input: ed.product_input(),
                    },
                    EditorKind::Category => Call::AddCategory {
                        name: ed.form.value("name").to_string(),
                    },
                    EditorKind::Unit => match ed.form.value("decimals").trim().parse::<i64>() {
                        Ok(d) if (0..=3).contains(&d) => Call::AddUnit {
                            code: ed.form.value("code").to_string(),
                            name: ed.form.value("name").to_string(),
                            decimals: d,
                        },
                        _ => {
                            ed.form.set_errors(
                                &[("decimals".into(), shell.t(Msg::DecimalsInvalid).into())],
                                true,
                            );
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
                shell.send(
                    "toggle",
                    event::Call::Products(Call::SetActive {
                        sku,
                        active: activate,
                    }),
                );
            }
        }
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        self.ask.as_ref().map(|a| match a {
            Ask::Discard => shell.t(Msg::ConfirmDiscard).to_string(),
            Ask::Toggle {
                sku,
                name,
                activate: false,
            } => shell.tf(Msg::ConfirmDeactivate, &[sku, name]),
            Ask::Toggle {
                sku,
                name,
                activate: true,
            } => shell.tf(Msg::ConfirmActivate, &[sku, name]),
        })
    }
}
