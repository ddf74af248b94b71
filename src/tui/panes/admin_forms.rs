//! The forms of the admin pane. Each checks what it can before calling the service (the same
//! rules the services apply, so each error sits by its field); the services check again and
//! their refusals become the form's message.

use super::admin_call::Call;
use crate::db::location::Location;
use crate::domain::{Role, text};
use crate::service::auth::check_password_rules;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Field, Form};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    NewUser,
    /// Reset this user's password.
    Password(String),
    NewLocation,
    /// Edit the location with this code.
    EditLocation(String),
    NewCategory,
    NewUnit,
}

impl FormKind {
    /// The message once the change is made (`{}` is its subject).
    pub fn saved_msg(&self) -> Msg {
        match self {
            FormKind::NewUser => Msg::UserAdded,
            FormKind::Password(_) => Msg::PasswordReset,
            FormKind::NewLocation => Msg::LocationAdded,
            FormKind::EditLocation(_) => Msg::Saved,
            FormKind::NewCategory => Msg::CategoryAdded,
            FormKind::NewUnit => Msg::UnitAdded,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AdminForm {
    pub kind: FormKind,
    pub form: Form,
}

type Errors = Vec<(String, String)>;

fn err(errs: &mut Errors, key: &str, e: impl ToString) {
    errs.push((key.to_string(), e.to_string()));
}

impl AdminForm {
    pub fn new_user(shell: &Shell) -> AdminForm {
        let form = Form::new(
            shell.t(Msg::NewUser).into(),
            vec![
                Field::new("email", Msg::Email),
                Field::new("name", Msg::Name),
                Field::new("role", Msg::Role).value("clerk"),
                Field::new("password", Msg::Password).masked(),
                Field::new("password2", Msg::PasswordAgain).masked(),
            ],
        );
        AdminForm {
            kind: FormKind::NewUser,
            form,
        }
    }

    pub fn password(shell: &Shell, email: &str) -> AdminForm {
        let form = Form::new(
            shell.tf(Msg::ResetPasswordOf, &[email]),
            vec![
                Field::new("password", Msg::Password).masked(),
                Field::new("password2", Msg::PasswordAgain).masked(),
            ],
        );
        AdminForm {
            kind: FormKind::Password(email.to_string()),
            form,
        }
    }

    pub fn new_location(shell: &Shell) -> AdminForm {
        let form = Form::new(
            shell.t(Msg::NewLocation).into(),
            vec![
                Field::new("code", Msg::UnitCode),
                Field::new("name", Msg::Name),
                Field::new("parent", Msg::Parent),
            ],
        );
        AdminForm {
            kind: FormKind::NewLocation,
            form,
        }
    }

    pub fn edit_location(shell: &Shell, l: &Location, parent: Option<&str>) -> AdminForm {
        let form = Form::new(
            shell.tf(Msg::EditLocation, &[&l.code]),
            vec![
                Field::new("name", Msg::Name).value(&l.name),
                Field::new("parent", Msg::Parent).value(parent.unwrap_or("")),
            ],
        );
        AdminForm {
            kind: FormKind::EditLocation(l.code.clone()),
            form,
        }
    }

    pub fn new_category(shell: &Shell) -> AdminForm {
        AdminForm {
            kind: FormKind::NewCategory,
            form: Form::new(
                shell.t(Msg::NewCategory).into(),
                vec![Field::new("name", Msg::Name)],
            ),
        }
    }

    pub fn new_unit(shell: &Shell) -> AdminForm {
        let form = Form::new(
            shell.t(Msg::NewUnit).into(),
            vec![
                Field::new("code", Msg::UnitCode),
                Field::new("name", Msg::Name),
                Field::new("decimals", Msg::Decimals).value("0"),
            ],
        );
        AdminForm {
            kind: FormKind::NewUnit,
            form,
        }
    }

    /// Shows what the focused field may hold: the roles, or the known location codes.
    pub fn refresh_hint(&mut self, shell: &Shell, locations: &[Location]) {
        let key = self.form.focused_key();
        let typed = self.form.value(key).trim().to_lowercase();
        let hint = match key {
            "role" => Some(Role::ALL.map(|r| r.as_str()).join(", ")),
            "parent" => {
                let own = match &self.kind {
                    FormKind::EditLocation(c) => Some(c.to_lowercase()),
                    _ => None,
                };
                let codes: Vec<String> = locations
                    .iter()
                    .filter(|l| {
                        l.code.to_lowercase().starts_with(&typed)
                            && Some(l.code.to_lowercase()) != own
                    })
                    .take(8)
                    .map(|l| l.code.clone())
                    .collect();
                let list = if codes.is_empty() {
                    shell.t(Msg::NoneYet).to_string()
                } else {
                    codes.join(", ")
                };
                Some(format!(
                    "{} · {}",
                    shell.tf(Msg::Known, &[&list]),
                    shell.t(Msg::ParentEmpty)
                ))
            }
            _ => None,
        };
        for f in &mut self.form.fields {
            f.hint = if f.key == key { hint.clone() } else { None };
        }
    }

    fn passwords(&self, shell: &Shell, errs: &mut Errors) -> String {
        let (pw, pw2) = (self.form.value("password"), self.form.value("password2"));
        if let Err(e) = check_password_rules(pw) {
            err(errs, "password", e);
        } else if pw != pw2 {
            err(errs, "password2", shell.t(Msg::PasswordsDiffer));
        }
        pw.to_string()
    }

    /// The parent typed: empty for the top level, else a known location's code, or the
    /// beginning of exactly one (type-ahead).
    fn parent(&self, shell: &Shell, locations: &[Location], errs: &mut Errors) -> Option<String> {
        let p = self.form.value("parent").trim();
        if p.is_empty() {
            return None;
        }
        if let Some(l) = locations.iter().find(|l| l.code.eq_ignore_ascii_case(p)) {
            return Some(l.code.clone());
        }
        let typed = p.to_lowercase();
        let mut starting = locations
            .iter()
            .filter(|l| l.code.to_lowercase().starts_with(&typed));
        match (starting.next(), starting.next()) {
            (Some(l), None) => Some(l.code.clone()),
            _ => {
                err(errs, "parent", shell.tf(Msg::UnknownLocation, &[p]));
                None
            }
        }
    }

    /// The call the form asks for, or the errors to show by the fields.
    pub fn check(&self, shell: &Shell, locations: &[Location]) -> Result<Call, Errors> {
        let f = &self.form;
        let mut errs = Errors::new();
        let name = |errs: &mut Errors, what: &str| match text::name(f.value("name"), what) {
            Ok(n) => n,
            Err(e) => {
                err(errs, "name", e);
                String::new()
            }
        };
        let code = |errs: &mut Errors, what: &str| match text::code(f.value("code"), what) {
            Ok(c) => c,
            Err(e) => {
                err(errs, "code", e);
                String::new()
            }
        };
        let call = match &self.kind {
            FormKind::NewUser => {
                let email = text::email(f.value("email")).unwrap_or_else(|e| {
                    err(&mut errs, "email", e);
                    String::new()
                });
                let name = name(&mut errs, "name");
                let role = f.value("role").parse::<Role>().unwrap_or_else(|e| {
                    err(&mut errs, "role", e);
                    Role::Viewer
                });
                let password = self.passwords(shell, &mut errs);
                Call::AddUser {
                    email,
                    name,
                    role,
                    password,
                }
            }
            FormKind::Password(email) => Call::ResetPassword {
                email: email.clone(),
                password: self.passwords(shell, &mut errs),
            },
            FormKind::NewLocation => {
                let code = code(&mut errs, "location code");
                let name = name(&mut errs, "location name");
                Call::AddLocation {
                    code,
                    name,
                    parent: self.parent(shell, locations, &mut errs),
                }
            }
            FormKind::EditLocation(code) => {
                let name = name(&mut errs, "location name");
                Call::EditLocation {
                    code: code.clone(),
                    name,
                    parent: self.parent(shell, locations, &mut errs),
                }
            }
            FormKind::NewCategory => Call::AddCategory {
                name: name(&mut errs, "category name"),
            },
            FormKind::NewUnit => {
                let code = code(&mut errs, "unit code");
                let name = name(&mut errs, "unit name");
                let decimals = match f.value("decimals").trim().parse::<i64>() {
                    Ok(d) if (0..=3).contains(&d) => d,
                    _ => {
                        err(&mut errs, "decimals", shell.t(Msg::DecimalsInvalid));
                        0
                    }
                };
                Call::AddUnit {
                    code,
                    name,
                    decimals,
                }
            }
        };
        if errs.is_empty() { Ok(call) } else { Err(errs) }
    }
}
