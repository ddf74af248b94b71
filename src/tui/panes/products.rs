//! The products pane: a table over the whole catalog that never loads it all. Browsing keeps a
//! window of rows around the cursor, keyset-paged in the order chosen ([`Paged`]), and fetches
//! the next window before the cursor reaches its edge; End asks for the last rows directly.
//! Searching asks for the best matches of the typed text. At most one page request is in
//! flight (Home and End overtake it): keys typed meanwhile are folded into the next request,
//! and a reply for a view that is no longer on screen is dropped.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};
use tui_input::Input;

use super::paged::Paged;
pub use super::products_call::{Call, Reply, SaveError, ViewKey};
use super::products_edit::{Editor, EditorKind};
use crate::db::keyset::Seek;
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

#[derive(Default)]
pub struct ProductsPane {
    pub editor: Option<Editor>,
    pub picker: Option<Picker>,
    pub ask: Option<Ask>,
    pub search: Input,
    pub search_focus: bool,
    pub category_name: Option<String>,
    /// The window of rows around the cursor, keyset-paged (see [`Paged`]); its key is the
    /// view on screen.
    pub list: Paged<ViewKey, ProductView>,
    /// The view the count in `list.total` is for.
    total_key: Option<ViewKey>,
    pub categories: Vec<Category>,
    pub units: Vec<Unit>,
    lookups_loaded: bool,
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

    /// The view on screen.
    pub fn key(&self) -> &ViewKey {
        &self.list.key
    }

    /// Rows in the current view, as far as known (0 until counted or loaded).
    pub fn len(&self) -> i64 {
        if !self.list.have() {
            return 0;
        }
        match self.list.total {
            Some(t) => t,
            None => self.list.first.max(0) + self.list.rows.len() as i64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row under the cursor, if loaded.
    pub fn current(&self) -> Option<&ProductView> {
        self.list.current()
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.lookups_loaded {
            shell.send("lookups", event::Call::Products(Call::Lookups));
        }
        self.ensure(shell);
    }

    /// Asks for whatever the screen needs and does not have: the window around the cursor
    /// (a search: its one page of best matches), and the row count of a browsed view.
    fn ensure(&mut self, shell: &mut Shell) {
        let key = self.list.key.clone();
        if !key.searching() && self.total_key.as_ref() != Some(&key) && !shell.busy(PANE, "count") {
            shell.send(
                "count",
                event::Call::Products(Call::Count { key: key.clone() }),
            );
        }
        let busy = shell.busy(PANE, "page");
        let Some(w) = self.list.wanted(shell.page_size, busy) else {
            return;
        };
        let (seek, limit) = if key.searching() {
            (Seek::First, shell.page_size)
        } else {
            (w.seek.map(|p| p.cursor(key.sort)), w.limit + 1)
        };
        shell.send(
            "page",
            event::Call::Products(Call::Page {
                key,
                place: w.place,
                seek,
                limit,
            }),
        );
        self.list.sent();
    }

    /// A new view (search, filter, order): from its first row, counted again.
    fn reset_view(&mut self, shell: &mut Shell) {
        self.list.reset();
        self.total_key = None;
        self.ensure(shell);
    }

    /// Reads the rows and the count again where they are (after a change).
    fn reload(&mut self, shell: &mut Shell) {
        self.list.invalidate();
        self.total_key = None;
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
                    self.list.key.category = (!item.value.is_empty()).then_some(item.value.clone());
                    self.category_name = self.list.key.category.as_ref().map(|_| item.label);
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
                        self.list.key.text = self.search.value().to_string();
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
        if self.list.navigate(&a) {
            self.ensure(shell);
            return true;
        }
        match a {
            Action::Search => self.search_focus = true,
            Action::NextField | Action::PrevField => self.search_focus = true,
            Action::Back if !self.search.value().is_empty() => {
                self.search = Input::default();
                self.list.key.text.clear();
                self.reset_view(shell);
            }
            Action::Refresh => self.reload(shell),
            Action::Sort => {
                self.list.key.sort = match self.list.key.sort {
                    ProductSort::Sku => ProductSort::Name,
                    ProductSort::Name => ProductSort::Price,
                    ProductSort::Price => ProductSort::Updated,
                    ProductSort::Updated => ProductSort::Sku,
                };
                self.reset_view(shell);
            }
            Action::SortReverse => {
                self.list.key.desc = !self.list.key.desc;
                self.reset_view(shell);
            }
            Action::FilterActive => {
                self.list.key.active = match self.list.key.active {
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
