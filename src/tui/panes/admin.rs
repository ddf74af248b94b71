//! The admin pane, for supervisors and admins: users (admins only: add, change role, disable
//! or enable, reset a password), locations (add, rename, nest under a parent, deactivate),
//! categories and units. What a role may not use is not shown; a key for it is refused with a
//! message, and the services refuse it anyway.

pub use super::admin_call::{Call, Reply};
use super::admin_forms::AdminForm;
use crate::db::location::Location;
use crate::db::master::{Category, Unit};
use crate::domain::Role;
use crate::domain::role::Permission;
use crate::service::auth::UserView;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::keymap::Modal;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::FormEvent;
use crate::tui::widgets::picker::{Item, Picked, Picker};

pub const PANE: PaneId = PaneId::Admin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    Users,
    #[default]
    Locations,
    Categories,
    Units,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Users,
        Section::Locations,
        Section::Categories,
        Section::Units,
    ];

    pub fn title(self) -> Msg {
        match self {
            Section::Users => Msg::SectionUsers,
            Section::Locations => Msg::SectionLocations,
            Section::Categories => Msg::SectionCategories,
            Section::Units => Msg::SectionUnits,
        }
    }

    fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// A yes/no question the pane is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Discard,
    UserActive { email: String, active: bool },
    LocationActive { code: String, active: bool },
}

#[derive(Default)]
pub struct AdminPane {
    pub section: Section,
    pub users: Vec<UserView>,
    pub locations: Vec<Location>,
    pub categories: Vec<Category>,
    pub units: Vec<Unit>,
    pub cursor: [usize; 4],
    pub form: Option<AdminForm>,
    /// The role picker, and whose role it changes.
    pub picker: Option<(String, Picker)>,
    pub ask: Option<Ask>,
    pub error: Option<String>,
    /// The message for the change in flight, once it is made.
    saving: Option<Msg>,
    entered: bool,
}

impl AdminPane {
    /// The sections this user may open.
    pub fn sections(shell: &Shell) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| *s != Section::Users || shell.can(Permission::ManageUsers))
            .collect()
    }

    pub fn text_focused(&self) -> bool {
        self.form.is_some() || self.picker.is_some()
    }

    pub fn modal(&self) -> Modal {
        if self.ask.is_some() {
            Modal::Confirm
        } else {
            Modal::None
        }
    }

    pub fn unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.form.dirty())
    }

    pub fn on_enter(&mut self, shell: &mut Shell) {
        if !self.entered {
            self.entered = true;
            self.section = if shell.can(Permission::ManageUsers) {
                Section::Users
            } else {
                Section::Locations
            };
        }
        self.load(shell);
    }

    pub(super) fn load(&mut self, shell: &mut Shell) {
        let call = match self.section {
            Section::Users => Call::Users,
            // Location forms check parents against the list, so it is always at hand.
            Section::Locations | Section::Categories | Section::Units => Call::Locations,
        };
        shell.send("list", event::Call::Admin(call));
        let lookup = match self.section {
            Section::Categories => Some(Call::Categories),
            Section::Units => Some(Call::Units),
            _ => None,
        };
        if let Some(c) = lookup {
            shell.send("lookups", event::Call::Admin(c));
        }
    }

    /// Rows in the section on show.
    pub fn len(&self) -> usize {
        match self.section {
            Section::Users => self.users.len(),
            Section::Locations => self.locations.len(),
            Section::Categories => self.categories.len(),
            Section::Units => self.units.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn cursor(&self) -> usize {
        self.cursor[self.section.index()].min(self.len().saturating_sub(1))
    }

    /// The locations in the order the table shows them (a tree).
    pub fn location_rows(&self) -> Vec<(usize, &Location)> {
        super::pick::tree(&self.locations)
    }

    fn current_user(&self) -> Option<&UserView> {
        (self.section == Section::Users)
            .then(|| self.users.get(self.cursor()))
            .flatten()
    }

    fn current_location(&self) -> Option<&Location> {
        (self.section == Section::Locations)
            .then(|| self.location_rows().get(self.cursor()).map(|(_, l)| *l))
            .flatten()
    }

    pub fn keys(&self, shell: &Shell) -> Vec<(&'static str, Msg)> {
        let mut k = vec![
            ("← → Tab", Msg::KeySection),
            ("↑↓ j k", Msg::KeyMove),
            ("n", Msg::KeyAdd),
        ];
        match self.section {
            Section::Users if shell.can(Permission::ManageUsers) => {
                k.extend([
                    ("R", Msg::KeyChangeRole),
                    ("P", Msg::KeyResetPassword),
                    ("d", Msg::KeyToggleUser),
                ]);
            }
            Section::Locations => k.extend([
                ("e Enter", Msg::KeyEditLocation),
                ("d", Msg::KeyToggleActive),
            ]),
            _ => {}
        }
        k.push(("r", Msg::KeyRefresh));
        k
    }

    pub fn hint(&self) -> Msg {
        if self.form.is_some() {
            Msg::HintForm
        } else if self.picker.is_some() {
            Msg::HintPicker
        } else {
            match self.section {
                Section::Users => Msg::HintUsers,
                Section::Locations => Msg::HintLocations,
                _ => Msg::HintLookups,
            }
        }
    }

    pub fn question(&self, shell: &Shell) -> Option<String> {
        self.ask.as_ref().map(|a| match a {
            Ask::Discard => shell.t(Msg::ConfirmDiscard).to_string(),
            Ask::UserActive {
                email,
                active: false,
            } => shell.tf(Msg::ConfirmDisableUser, &[email]),
            Ask::UserActive {
                email,
                active: true,
            } => shell.tf(Msg::ConfirmEnableUser, &[email]),
            Ask::LocationActive {
                code,
                active: false,
            } => shell.tf(Msg::ConfirmDeactivateLocation, &[code]),
            Ask::LocationActive { code, active: true } => {
                shell.tf(Msg::ConfirmActivateLocation, &[code])
            }
        })
    }

    fn switch(&mut self, shell: &mut Shell, step: isize) {
        let all = Self::sections(shell);
        let i = all.iter().position(|s| *s == self.section).unwrap_or(0) as isize;
        self.section = all[(i + step).rem_euclid(all.len() as isize) as usize];
        self.error = None;
        self.load(shell);
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) -> bool {
        if let Some(ask) = self.ask.take() {
            if a == Action::Yes {
                self.answer(shell, ask);
            }
            return true;
        }
        if let Some((email, p)) = &mut self.picker {
            match p.on_action(a) {
                Picked::Chosen(item) => {
                    if let Ok(role) = item.value.parse::<Role>() {
                        self.saving = Some(Msg::RoleChanged);
                        shell.send(
                            "save",
                            event::Call::Admin(Call::SetRole {
                                email: email.clone(),
                                role,
                            }),
                        );
                    }
                    self.picker = None;
                }
                Picked::Cancelled => self.picker = None,
                Picked::None => {}
            }
            return true;
        }
        if self.form.is_some() {
            self.on_form(shell, a);
            return true;
        }
        let i = self.section.index();
        match a {
            Action::Right | Action::NextField => self.switch(shell, 1),
            Action::Left | Action::PrevField => self.switch(shell, -1),
            Action::Up => self.cursor[i] = self.cursor().saturating_sub(1),
            Action::Down => self.cursor[i] = (self.cursor() + 1).min(self.len().saturating_sub(1)),
            Action::PageUp | Action::Home => self.cursor[i] = 0,
            Action::PageDown | Action::End => self.cursor[i] = self.len().saturating_sub(1),
            Action::Refresh => self.load(shell),
            Action::New => self.open(shell, None),
            Action::Edit | Action::Submit if self.section == Section::Locations => {
                if let Some(l) = self.current_location() {
                    let l = l.clone();
                    self.open(shell, Some(&l));
                }
            }
            Action::ChangeRole if self.section == Section::Users => {
                if shell.check(Permission::ManageUsers)
                    && let Some(u) = self.current_user()
                {
                    let items = Role::ALL
                        .iter()
                        .rev()
                        .map(|r| Item {
                            value: r.as_str().into(),
                            label: r.as_str().into(),
                        })
                        .collect();
                    self.picker = Some((
                        u.email.clone(),
                        Picker::new(shell.tf(Msg::PickRole, &[&u.email]), items),
                    ));
                }
            }
            Action::ResetPassword if self.section == Section::Users => {
                if shell.check(Permission::ManageUsers)
                    && let Some(u) = self.current_user()
                {
                    self.form = Some(AdminForm::password(shell, &u.email));
                }
            }
            Action::ToggleActive => match self.section {
                Section::Users => {
                    if shell.check(Permission::ManageUsers)
                        && let Some(u) = self.current_user()
                    {
                        self.ask = Some(Ask::UserActive {
                            email: u.email.clone(),
                            active: !u.active,
                        });
                    }
                }
                Section::Locations => {
                    if shell.check(Permission::ManageLocations)
                        && let Some(l) = self.current_location()
                    {
                        self.ask = Some(Ask::LocationActive {
                            code: l.code.clone(),
                            active: l.active == 0,
                        });
                    }
                }
                _ => return false,
            },
            _ => return false,
        }
        true
    }

    /// Opens the form to add to the section on show (or to edit location `edit`).
    fn open(&mut self, shell: &mut Shell, edit: Option<&Location>) {
        let (need, form) = match (self.section, edit) {
            (Section::Users, _) => (Permission::ManageUsers, AdminForm::new_user(shell)),
            (Section::Locations, None) => {
                (Permission::ManageLocations, AdminForm::new_location(shell))
            }
            (Section::Locations, Some(l)) => {
                let parent = l
                    .parent_id
                    .as_ref()
                    .and_then(|p| self.locations.iter().find(|x| &x.id == p))
                    .map(|p| p.code.clone());
                (
                    Permission::ManageLocations,
                    AdminForm::edit_location(shell, l, parent.as_deref()),
                )
            }
            (Section::Categories, _) => (Permission::ManageCatalog, AdminForm::new_category(shell)),
            (Section::Units, _) => (Permission::ManageCatalog, AdminForm::new_unit(shell)),
        };
        if shell.check(need) {
            let mut form = form;
            form.refresh_hint(shell, &self.locations);
            self.form = Some(form);
        }
    }
}

#[path = "admin_reply.rs"]
mod reply;
#[path = "admin_draw.rs"]
mod view;

#[cfg(test)]
#[path = "admin_tests.rs"]
mod tests;
