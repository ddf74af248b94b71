//! The service calls of the admin pane. The services check every role again; a refusal comes
//! back as the message to show.

use crate::Actor;
use crate::db::location::Location;
use crate::db::master::{Category, Unit};
use crate::domain::Role;
use crate::service::Services;
use crate::service::auth::UserView;
use crate::tui::event::need_actor;

#[derive(Clone)]
pub enum Call {
    Users,
    Locations,
    Categories,
    Units,
    AddUser {
        email: String,
        name: String,
        role: Role,
        password: String,
    },
    SetRole {
        email: String,
        role: Role,
    },
    SetUserActive {
        email: String,
        active: bool,
    },
    ResetPassword {
        email: String,
        password: String,
    },
    AddLocation {
        code: String,
        name: String,
        parent: Option<String>,
    },
    /// `parent: None` puts the location at the top level.
    EditLocation {
        code: String,
        name: String,
        parent: Option<String>,
    },
    SetLocationActive {
        code: String,
        active: bool,
    },
    AddCategory {
        name: String,
    },
    AddUnit {
        code: String,
        name: String,
        decimals: i64,
    },
}

// Passwords never reach a log through `{:?}`.
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Call::AddUser { email, role, .. } => write!(
                f,
                "AddUser {{ email: {email:?}, role: {role}, password: <hidden> }}"
            ),
            Call::ResetPassword { email, .. } => write!(
                f,
                "ResetPassword {{ email: {email:?}, password: <hidden> }}"
            ),
            Call::Users => write!(f, "Users"),
            Call::Locations => write!(f, "Locations"),
            Call::Categories => write!(f, "Categories"),
            Call::Units => write!(f, "Units"),
            Call::SetRole { email, role } => {
                write!(f, "SetRole {{ email: {email:?}, role: {role} }}")
            }
            Call::SetUserActive { email, active } => {
                write!(f, "SetUserActive {{ email: {email:?}, active: {active} }}")
            }
            Call::AddLocation { code, parent, .. } => {
                write!(f, "AddLocation {{ code: {code:?}, parent: {parent:?} }}")
            }
            Call::EditLocation { code, parent, .. } => {
                write!(f, "EditLocation {{ code: {code:?}, parent: {parent:?} }}")
            }
            Call::SetLocationActive { code, active } => write!(
                f,
                "SetLocationActive {{ code: {code:?}, active: {active} }}"
            ),
            Call::AddCategory { name } => write!(f, "AddCategory {{ name: {name:?} }}"),
            Call::AddUnit { code, .. } => write!(f, "AddUnit {{ code: {code:?} }}"),
        }
    }
}

#[derive(Debug)]
pub enum Reply {
    Users(Result<Vec<UserView>, String>),
    Locations(Result<Vec<Location>, String>),
    Categories(Result<Vec<Category>, String>),
    Units(Result<Vec<Unit>, String>),
    /// A change was made (the subject: an email, a code, a name) or refused.
    Changed(Result<String, String>),
}

fn text(e: crate::Error) -> String {
    e.to_string()
}

impl Call {
    pub async fn run(self, s: &Services, actor: Option<Actor>) -> Reply {
        let a = match need_actor(actor) {
            Ok(a) => a,
            Err(e) => return Reply::Changed(Err(e)),
        };
        match self {
            Call::Users => Reply::Users(s.list_users(&a).await.map_err(text)),
            Call::Locations => Reply::Locations(s.list_locations().await.map_err(text)),
            Call::Categories => Reply::Categories(s.list_categories().await.map_err(text)),
            Call::Units => Reply::Units(s.list_units().await.map_err(text)),
            Call::AddUser {
                email,
                name,
                role,
                password,
            } => Reply::Changed(
                s.add_user(&a, &email, &name, role, &password)
                    .await
                    .map(|u| u.email)
                    .map_err(text),
            ),
            Call::SetRole { email, role } => Reply::Changed(
                s.set_user_role(&a, &email, role)
                    .await
                    .map(|()| email)
                    .map_err(text),
            ),
            Call::SetUserActive { email, active } => Reply::Changed(
                s.set_user_active(&a, &email, active)
                    .await
                    .map(|()| email)
                    .map_err(text),
            ),
            Call::ResetPassword { email, password } => Reply::Changed(
                s.set_password(&a, &email, &password)
                    .await
                    .map(|()| email)
                    .map_err(text),
            ),
            Call::AddLocation { code, name, parent } => Reply::Changed(
                s.add_location(&a, &code, &name, parent.as_deref())
                    .await
                    .map(|l| l.code)
                    .map_err(text),
            ),
            Call::EditLocation { code, name, parent } => Reply::Changed(
                s.update_location(&a, &code, Some(&name), Some(parent.as_deref()), None)
                    .await
                    .map(|l| l.code)
                    .map_err(text),
            ),
            Call::SetLocationActive { code, active } => Reply::Changed(
                s.update_location(&a, &code, None, None, Some(active))
                    .await
                    .map(|l| l.code)
                    .map_err(text),
            ),
            Call::AddCategory { name } => Reply::Changed(
                s.add_category(&a, &name)
                    .await
                    .map(|c| c.name)
                    .map_err(text),
            ),
            Call::AddUnit {
                code,
                name,
                decimals,
            } => Reply::Changed(
                s.add_unit(&a, &code, &name, decimals)
                    .await
                    .map(|u| u.code)
                    .map_err(text),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_from_debug() {
        let c = Call::AddUser {
            email: "a@b.test".into(),
            name: "A".into(),
            role: Role::Clerk,
            password: "secret-pass-1".into(),
        };
        assert!(!format!("{c:?}").contains("secret"));
        let c = Call::ResetPassword {
            email: "a@b.test".into(),
            password: "secret-pass-1".into(),
        };
        assert!(!format!("{c:?}").contains("secret"));
    }
}
