//! The audit trail on screen: the whole list (`A` on the Admin screen, `t` cycles the kind
//! shown) or one entity's history (`H` on a product, location, user, category or unit row).
//! It opens over the screen it was asked from and Esc brings that screen back. Newest first,
//! one keyset page at a time (PgDn / PgUp); the entry under the cursor is shown field by
//! field below the list. Supervisors and admins only: the key is refused for other roles with
//! a message (and the service refuses anyway).

use crate::Actor;
use crate::domain::role::Permission;
use crate::service::Services;
use crate::service::audit::{AuditCursor, AuditEntity, AuditFilter, AuditLine, AuditPage};
use crate::tui::action::{Action, Tab};
use crate::tui::event::{self, PaneId, need_actor};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;

use super::admin::{AdminPane, Section};
use super::products::ProductsPane;
use super::stock::StockPane;

pub const PANE: PaneId = PaneId::Audit;

#[derive(Debug, Clone)]
pub enum Call {
    Page {
        filter: AuditFilter,
        after: Option<AuditCursor>,
        limit: i64,
    },
}

#[derive(Debug)]
pub enum Reply {
    Page(Result<AuditPage, String>),
}

impl Call {
    pub async fn run(self, s: &Services, actor: Option<Actor>) -> Reply {
        match self {
            Call::Page {
                filter,
                after,
                limit,
            } => Reply::Page(
                async {
                    let a = need_actor(actor)?;
                    s.audit_trail(&a, &filter, limit, after.as_ref())
                        .await
                        .map_err(|e| e.to_string())
                }
                .await,
            ),
        }
    }
}

/// Whose history is shown: a kind and its code (None: the whole trail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub entity: AuditEntity,
    pub code: String,
}

#[derive(Default)]
pub struct AuditPane {
    /// Shown over the current screen.
    pub open: bool,
    pub subject: Option<Subject>,
    /// The kind the whole list is narrowed to (`t`).
    pub kind: Option<AuditEntity>,
    pub entries: Vec<AuditLine>,
    pub cursor: usize,
    /// Where the next page starts, if there is one.
    pub next: Option<AuditCursor>,
    /// Where each earlier page started (None: the first), for PgUp.
    pub back: Vec<Option<AuditCursor>>,
    /// Where this page started.
    pub here: Option<AuditCursor>,
    pub loading: bool,
    pub error: Option<String>,
}

impl AuditPane {
    /// Opens the whole trail (`subject` None) or one entity's history. Refused with a message
    /// for a role that may not read it.
    pub fn open(&mut self, shell: &mut Shell, subject: Option<Subject>) {
        if !shell.can(Permission::ViewAudit) {
            shell.error(shell.t(Msg::AuditNotAllowed).to_string());
            return;
        }
        *self = AuditPane {
            open: true,
            subject,
            ..AuditPane::default()
        };
        self.load(shell, None);
    }

    pub fn close(&mut self) {
        *self = AuditPane::default();
    }

    fn filter(&self) -> AuditFilter {
        match &self.subject {
            Some(s) => AuditFilter {
                entity: Some(s.entity),
                code: Some(s.code.clone()),
                ..AuditFilter::default()
            },
            None => AuditFilter {
                entity: self.kind,
                ..AuditFilter::default()
            },
        }
    }

    fn load(&mut self, shell: &mut Shell, from: Option<AuditCursor>) {
        self.loading = true;
        self.here = from.clone();
        let call = Call::Page {
            filter: self.filter(),
            after: from,
            limit: shell.page_size.clamp(1, crate::service::audit::MAX_LIMIT),
        };
        shell.send("page", event::Call::Audit(call));
    }

    pub fn current(&self) -> Option<&AuditLine> {
        self.entries.get(self.cursor)
    }

    pub fn hint(&self) -> Msg {
        if self.subject.is_some() {
            Msg::HintAuditOne
        } else {
            Msg::HintAudit
        }
    }

    pub fn keys(&self) -> Vec<(&'static str, Msg)> {
        let mut k = vec![
            ("Esc", Msg::KeyBack),
            ("↑↓ j k", Msg::KeyMove),
            ("PgUp PgDn", Msg::KeyAuditPages),
        ];
        if self.subject.is_none() {
            k.push(("t", Msg::KeyAuditKind));
        }
        k.push(("r", Msg::KeyRefresh));
        k
    }

    /// The page number on show (1 for the first).
    pub fn page(&self) -> usize {
        self.back.len() + 1
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) {
        match a {
            Action::Back => self.close(),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => {
                self.cursor = (self.cursor + 1).min(self.entries.len().saturating_sub(1))
            }
            Action::Home => self.cursor = 0,
            Action::End => self.cursor = self.entries.len().saturating_sub(1),
            Action::PageDown => match self.next.clone() {
                Some(n) if !self.loading => {
                    self.back.push(self.here.clone());
                    self.load(shell, Some(n));
                }
                _ => self.cursor = self.entries.len().saturating_sub(1),
            },
            Action::PageUp => match self.back.pop() {
                Some(prev) if !self.loading => self.load(shell, prev),
                Some(prev) => self.back.push(prev),
                None => self.cursor = 0,
            },
            Action::Refresh => self.load(shell, self.here.clone()),
            Action::FilterKind if self.subject.is_none() => {
                let all = AuditEntity::ALL;
                self.kind = match self.kind {
                    None => all.first().copied(),
                    Some(k) => all
                        .iter()
                        .position(|x| *x == k)
                        .and_then(|i| all.get(i + 1))
                        .copied(),
                };
                self.back.clear();
                self.load(shell, None);
            }
            _ => {}
        }
    }

    pub fn on_reply(&mut self, _shell: &mut Shell, r: Reply) {
        let Reply::Page(r) = r;
        self.loading = false;
        match r {
            Ok(page) => {
                self.entries = page.entries;
                self.next = page.next;
                self.cursor = 0;
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn on_failed(&mut self, msg: String) {
        self.loading = false;
        self.error = Some(msg);
    }
}

/// The entity under the cursor of the screen on show, for `H`: a product in the products list
/// or the stock screen (its row or detail), a user, location, category or unit in the Admin
/// screen's section.
pub fn subject(
    tab: Tab,
    products: &ProductsPane,
    stock: &StockPane,
    admin: &AdminPane,
) -> Option<Subject> {
    let of = |entity, code: &str| {
        Some(Subject {
            entity,
            code: code.to_string(),
        })
    };
    match tab {
        Tab::Products | Tab::Stock => super::card::target(tab, products, stock)
            .and_then(|(sku, _)| of(AuditEntity::Product, &sku)),
        Tab::Admin if admin.form.is_none() && admin.picker.is_none() => {
            let i = admin.cursor();
            match admin.section {
                Section::Users => admin
                    .users
                    .get(i)
                    .and_then(|u| of(AuditEntity::User, &u.email)),
                Section::Locations => admin
                    .location_rows()
                    .get(i)
                    .and_then(|(_, l)| of(AuditEntity::Location, &l.code)),
                Section::Categories => admin
                    .categories
                    .get(i)
                    .and_then(|c| of(AuditEntity::Category, &c.name)),
                Section::Units => admin
                    .units
                    .get(i)
                    .and_then(|u| of(AuditEntity::Unit, &u.code)),
            }
        }
        _ => None,
    }
}

#[path = "audit_draw.rs"]
mod draw;
