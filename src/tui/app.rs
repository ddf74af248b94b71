//! The app's state and `update`, the one function that changes it. `update` is pure: it reads
//! an event, changes the state, and returns the service calls to make; it never awaits. Keys
//! become actions through the keymap; global actions are handled here, the rest go to the
//! pane on screen.

use chrono::NaiveDateTime;

use super::action::{Action, Tab};
use super::event::{Event, PaneId, Reply, Request, RequestId, Tick};
use super::i18n::{Lang, Msg};
use super::keymap::{self, KeyCtx, Modal};
use super::panes::admin::AdminPane;
use super::panes::audit::AuditPane;
use super::panes::count::CountsPane;
use super::panes::dashboard::DashboardPane;
use super::panes::login::LoginPane;
use super::panes::products::ProductsPane;
use super::panes::report::{CardKey, ReportsPane};
use super::panes::stock::StockPane;
use super::panes::txn::TxnPane;
use super::shell::Shell;
use super::theme::Theme;
use crate::Actor;
use crate::config::UiConfig;

/// What the app itself shows on top of the panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    ConfirmQuit,
    ConfirmLogout,
}

pub struct App {
    pub shell: Shell,
    pub tab: Tab,
    pub login: LoginPane,
    pub dashboard: DashboardPane,
    pub products: ProductsPane,
    pub stock: StockPane,
    pub txns: TxnPane,
    pub counts: CountsPane,
    pub admin: AdminPane,
    pub reports: ReportsPane,
    /// The audit trail, over the current screen while open.
    pub audit: AuditPane,
    /// A posting went through since the dashboard last loaded: reload it when shown.
    pub dashboard_stale: bool,
    pub overlay: Overlay,
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// The whole terminal must be repainted (Ctrl-L).
    pub clear: bool,
    pub spin: usize,
}

impl App {
    pub fn new(ui: &UiConfig, theme: Theme, now: NaiveDateTime) -> App {
        App {
            shell: Shell::new(
                Lang::from_code(&ui.language),
                theme,
                now,
                i64::from(ui.page_size),
            ),
            tab: Tab::Dashboard,
            login: LoginPane::new(),
            dashboard: DashboardPane::default(),
            products: ProductsPane::default(),
            stock: StockPane::default(),
            txns: TxnPane::default(),
            counts: CountsPane::default(),
            admin: AdminPane::default(),
            reports: ReportsPane::default(),
            audit: AuditPane::default(),
            dashboard_stale: false,
            overlay: Overlay::None,
            quit: false,
            dirty: true,
            clear: false,
            spin: 0,
        }
    }

    /// The first requests: is there any user yet?
    pub fn start(&mut self) -> Vec<Request> {
        self.login.start(&mut self.shell);
        self.shell.take_requests()
    }

    pub fn logged_in(&self) -> bool {
        self.shell.actor.is_some()
    }

    pub fn text_focused(&self) -> bool {
        if !self.logged_in() {
            return self.login.text_focused();
        }
        match self.tab {
            Tab::Products => self.products.text_focused(),
            Tab::Stock => self.stock.text_focused(),
            Tab::Transactions => self.txns.text_focused(),
            Tab::Counts => self.counts.text_focused(),
            Tab::Admin => self.admin.text_focused(),
            Tab::Reports => self.reports.text_focused(),
            _ => false,
        }
    }

    /// Whether quitting or logging out would lose typed input.
    pub fn unsaved(&self) -> bool {
        // The first-run form keeps what was typed after it logged in; that is not unsaved.
        (!self.logged_in() && self.login.unsaved())
            || self.products.unsaved()
            || self.txns.unsaved()
            || self.counts.unsaved()
            || self.admin.unsaved()
    }

    fn pane_modal(&self) -> Modal {
        match self.tab {
            _ if self.audit.open => Modal::None,
            Tab::Products if self.logged_in() => self.products.modal(),
            Tab::Transactions if self.logged_in() => self.txns.modal(),
            Tab::Counts if self.logged_in() => self.counts.modal(),
            Tab::Admin if self.logged_in() => self.admin.modal(),
            _ => Modal::None,
        }
    }

    pub fn key_ctx(&self) -> KeyCtx {
        let modal = match self.overlay {
            Overlay::Help => Modal::Help,
            Overlay::ConfirmQuit | Overlay::ConfirmLogout => Modal::Confirm,
            Overlay::None => self.pane_modal(),
        };
        KeyCtx {
            text: self.text_focused(),
            modal,
        }
    }

    /// The keys of the screen on show, for the help overlay.
    pub fn screen_keys(&self) -> Vec<(&'static str, Msg)> {
        if !self.logged_in() {
            return Vec::new();
        }
        match self.tab {
            _ if self.audit.open => self.audit.keys(),
            Tab::Dashboard => self.dashboard.keys(),
            Tab::Products => [
                self.products.keys(&self.shell),
                vec![("K", Msg::KeyStockCard), ("H", Msg::KeyHistory)],
            ]
            .concat(),
            Tab::Stock => [
                self.stock.keys(),
                vec![("K", Msg::KeyStockCard), ("H", Msg::KeyHistory)],
            ]
            .concat(),
            Tab::Transactions => self.txns.keys(&self.shell),
            Tab::Counts => self.counts.keys(&self.shell),
            Tab::Admin => [
                self.admin.keys(&self.shell),
                vec![("H", Msg::KeyHistory), ("A", Msg::KeyAuditList)],
            ]
            .concat(),
            Tab::Reports => self.reports.keys(),
        }
    }

    /// The key hints under the screen.
    pub fn hint(&self) -> Msg {
        if !self.logged_in() {
            return self.login.hint();
        }
        match self.tab {
            _ if self.audit.open => self.audit.hint(),
            Tab::Dashboard => Msg::HintDashboard,
            Tab::Products => self.products.hint(),
            Tab::Stock => self.stock.hint(),
            Tab::Transactions => self.txns.hint(),
            Tab::Counts => self.counts.hint(&self.shell),
            Tab::Admin => self.admin.hint(),
            Tab::Reports => self.reports.hint(),
        }
    }

    /// The yes/no question on screen, if any.
    pub fn question(&self) -> Option<String> {
        match self.overlay {
            Overlay::ConfirmQuit => Some(self.shell.t(Msg::ConfirmQuitUnsaved).into()),
            Overlay::ConfirmLogout => Some(self.shell.t(Msg::ConfirmLogoutUnsaved).into()),
            _ if self.logged_in() && self.tab == Tab::Products => {
                self.products.question(&self.shell)
            }
            _ if self.logged_in() && self.tab == Tab::Transactions => {
                self.txns.question(&self.shell)
            }
            _ if self.logged_in() && self.tab == Tab::Counts => self.counts.question(&self.shell),
            _ if self.logged_in() && self.tab == Tab::Admin => self.admin.question(&self.shell),
            _ => None,
        }
    }

    fn goto(&mut self, tab: Tab) {
        let role = self.shell.actor.as_ref().map(|a| a.role);
        if let Some(r) = role.filter(|r| !tab.visible_to(*r)) {
            let msg = match tab {
                Tab::Admin => self.shell.t(Msg::AdminOnly).to_string(),
                _ => self.shell.tf(Msg::NotAllowed, &[r.as_str()]),
            };
            self.shell.error(msg);
            return;
        }
        self.tab = tab;
        self.audit.close();
        self.enter();
    }

    /// The pane on screen was (re)entered: let it load what it needs.
    fn enter(&mut self) {
        match self.tab {
            Tab::Dashboard if std::mem::take(&mut self.dashboard_stale) => {
                self.dashboard.refresh(&mut self.shell)
            }
            Tab::Dashboard => self.dashboard.on_enter(&mut self.shell),
            Tab::Products => self.products.on_enter(&mut self.shell),
            Tab::Stock => self.stock.on_enter(&mut self.shell),
            Tab::Transactions => self.txns.on_enter(&mut self.shell),
            Tab::Counts => self.counts.on_enter(&mut self.shell),
            Tab::Admin => self.admin.on_enter(&mut self.shell),
            Tab::Reports => self.reports.on_enter(&mut self.shell),
        }
    }

    fn logged_in_as(&mut self, actor: Actor) {
        let name = actor.name.clone();
        self.shell.actor = Some(actor);
        self.reset_panes();
        self.tab = Tab::Dashboard;
        self.shell.info(self.shell.tf(Msg::Welcome, &[&name]));
        self.enter();
    }

    fn reset_panes(&mut self) {
        self.dashboard = DashboardPane::default();
        self.products = ProductsPane::default();
        self.stock = StockPane::default();
        self.txns = TxnPane::default();
        self.counts = CountsPane::default();
        self.admin = AdminPane::default();
        self.reports = ReportsPane::default();
        self.audit = AuditPane::default();
        self.dashboard_stale = false;
    }

    fn logout(&mut self) {
        let email = self.shell.actor.take().map(|a| a.email).unwrap_or_default();
        self.shell.forget_all();
        self.reset_panes();
        self.login = LoginPane::new();
        self.login.show_login(&self.shell, &email);
        self.tab = Tab::Dashboard;
        self.shell.info(self.shell.t(Msg::LoggedOut).into());
    }

    fn act(&mut self, a: Action) {
        match self.overlay {
            Overlay::Help => {
                self.overlay = Overlay::None;
                return;
            }
            Overlay::ConfirmQuit | Overlay::ConfirmLogout => {
                let yes = matches!(a, Action::Yes | Action::Quit);
                if yes && self.overlay == Overlay::ConfirmQuit {
                    self.quit = true;
                } else if yes {
                    self.logout();
                }
                if matches!(a, Action::Yes | Action::No | Action::Quit) {
                    self.overlay = Overlay::None;
                }
                return;
            }
            Overlay::None => {}
        }
        match a {
            Action::Quit if self.unsaved() => self.overlay = Overlay::ConfirmQuit,
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Overlay::Help,
            Action::Redraw => self.clear = true,
            _ if !self.logged_in() => self.login.on_action(&mut self.shell, a),
            Action::GoTo(tab) => self.goto(tab),
            Action::Logout if self.unsaved() => self.overlay = Overlay::ConfirmLogout,
            Action::Logout => self.logout(),
            _ if self.audit.open => self.audit.on_action(&mut self.shell, a),
            Action::StockCard if matches!(self.tab, Tab::Products | Tab::Stock) => self.open_card(),
            Action::History if matches!(self.tab, Tab::Products | Tab::Stock | Tab::Admin) => {
                self.open_history()
            }
            Action::AuditList if self.tab == Tab::Admin => self.audit.open(&mut self.shell, None),
            _ => {
                let handled = match self.tab {
                    Tab::Dashboard => self.dashboard.on_action(&mut self.shell, a),
                    Tab::Products => self.products.on_action(&mut self.shell, a),
                    Tab::Stock => self.stock.on_action(&mut self.shell, a),
                    Tab::Transactions => self.txns.on_action(&mut self.shell, a),
                    Tab::Counts => self.counts.on_action(&mut self.shell, a),
                    Tab::Admin => self.admin.on_action(&mut self.shell, a),
                    Tab::Reports => self.reports.on_action(&mut self.shell, a),
                };
                if !handled && a == Action::Search {
                    self.goto(Tab::Products);
                    self.products.search_focus = true;
                }
                // A stock card closed: back to the screen it was opened from.
                if let Some(t) = self.reports.leave.take() {
                    self.tab = t;
                }
            }
        }
    }

    /// `K` on the products or stock screen: the stock card of the product under the cursor,
    /// shown on the Reports screen until Esc brings this screen back.
    fn open_card(&mut self) {
        let target = super::panes::card::target(self.tab, &self.products, &self.stock);
        let Some((sku, location)) = target else {
            return;
        };
        let period = self.reports.period(&self.shell);
        let key = CardKey {
            sku,
            location,
            period,
        };
        self.reports.open_card(&mut self.shell, key, Some(self.tab));
        self.tab = Tab::Reports;
    }

    /// `H` on the products, stock or Admin screen: the audit history of the row under the
    /// cursor (on the stock screen, its product's).
    fn open_history(&mut self) {
        match super::panes::audit::subject(self.tab, &self.products, &self.stock, &self.admin) {
            Some(s) => self.audit.open(&mut self.shell, Some(s)),
            None if self.shell.can(crate::domain::role::Permission::ViewAudit) => {
                self.shell.error(self.shell.t(Msg::AuditNoSubject).into())
            }
            None => self.audit.open(&mut self.shell, None),
        }
    }

    fn tick(&mut self, t: Tick) {
        let minute = |d: NaiveDateTime| d.format("%H:%M").to_string();
        let nodes_shown = self.logged_in() && self.tab == Tab::Dashboard;
        if minute(t.now) != minute(self.shell.now)
            || t.shards
                .iter()
                .zip(&self.shell.shards)
                .any(|(new, old)| new.redraws(old, nodes_shown))
        {
            self.dirty = true;
        }
        self.shell.now = t.now;
        self.shell.shards = t.shards;
        if self
            .shell
            .toast
            .as_ref()
            .and_then(|t| t.until)
            .is_some_and(|u| self.shell.now >= u)
        {
            self.shell.toast = None;
            self.dirty = true;
        }
        if !self.logged_in() {
            self.dirty |= self.login.on_tick(&mut self.shell);
            return;
        }
        if self.tab == Tab::Dashboard {
            self.dashboard.on_tick(&mut self.shell);
        }
    }

    fn reply(&mut self, id: RequestId, r: Reply) {
        // A reply nobody awaits any more (superseded, or from before a logout) is dropped.
        let Some((pane, slot)) = self.shell.accept(id) else {
            return;
        };
        self.dirty = true;
        let sh = &mut self.shell;
        match r {
            Reply::Login(r) => {
                if let Some(actor) = self.login.on_reply(sh, r) {
                    self.logged_in_as(actor);
                }
            }
            Reply::Dashboard(r) => self.dashboard.on_reply(sh, r),
            Reply::Products(r) => self.products.on_reply(sh, r),
            Reply::Stock(r) => self.stock.on_reply(sh, r),
            Reply::Txn(r) => {
                self.dashboard_stale |= TxnPane::decided(&r);
                self.txns.on_reply(sh, r);
            }
            Reply::Counts(r) => {
                self.dashboard_stale |= CountsPane::decided(&r);
                self.counts.on_reply(sh, r);
            }
            Reply::Admin(r) => self.admin.on_reply(sh, r),
            Reply::Reports(r) => self.reports.on_reply(sh, r),
            Reply::Audit(r) => self.audit.on_reply(sh, r),
            Reply::Failed(msg) => {
                let msg = sh.tf(Msg::RequestFailed, &[&msg]);
                match pane {
                    PaneId::Login => self.login.on_failed(msg),
                    PaneId::Dashboard => self.dashboard.on_failed(msg),
                    PaneId::Products => self.products.on_failed(sh, slot, msg),
                    PaneId::Stock => self.stock.on_failed(sh, slot, msg),
                    PaneId::Transactions => self.txns.on_failed(sh, slot, msg),
                    PaneId::Counts => self.counts.on_failed(sh, slot, msg),
                    PaneId::Admin => self.admin.on_failed(sh, msg),
                    PaneId::Reports => self.reports.on_failed(sh, slot, msg),
                    PaneId::Audit => self.audit.on_failed(msg),
                }
            }
        }
    }
}

/// Applies one event to the app and returns the service calls it asks for.
pub fn update(app: &mut App, ev: Event) -> Vec<Request> {
    match ev {
        Event::Key(k) => {
            if let Some(a) = keymap::map(k, app.key_ctx()) {
                app.dirty = true;
                if app.shell.toast.as_ref().is_some_and(|t| t.error) {
                    app.shell.toast = None;
                }
                app.act(a);
            }
        }
        Event::Resize(..) => app.dirty = true,
        Event::Tick(t) => app.tick(t),
        Event::Reply(id, r) => app.reply(id, r),
    }
    app.shell.take_requests()
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
