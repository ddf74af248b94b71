//! First run and login. With no users yet the pane offers to create the first administrator;
//! otherwise it asks for email and password. A failed login says so in one message; when the
//! service answers "wait N s" the pane counts down on screen and holds the form until then.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::Actor;
use crate::domain::text;
use crate::error::Error;
use crate::service::Services;
use crate::service::auth::check_password_rules;
use crate::tui::action::Action;
use crate::tui::event::{self, PaneId};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::centered;
use crate::tui::widgets::form::{Field, Form, FormEvent};

#[derive(Clone)]
pub enum Call {
    HasUsers,
    Login {
        email: String,
        password: String,
    },
    CreateAdmin {
        name: String,
        email: String,
        password: String,
    },
}

// Passwords never reach a log through `{:?}`.
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Call::HasUsers => write!(f, "HasUsers"),
            Call::Login { email, .. } => {
                write!(f, "Login {{ email: {email:?}, password: <hidden> }}")
            }
            Call::CreateAdmin { email, .. } => {
                write!(f, "CreateAdmin {{ email: {email:?}, password: <hidden> }}")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// The account (or email) must wait this many seconds before the next attempt.
    Wait(i64),
    Failed,
    Other(String),
}

#[derive(Debug)]
pub enum Reply {
    HasUsers(Result<bool, String>),
    LoggedIn(Result<Actor, LoginError>),
    Created(Result<Actor, String>),
}

/// Reads the service's "wait N s" answer. The service words it; this is the one place that
/// depends on the wording, and a test pins it.
pub fn wait_seconds(msg: &str) -> Option<i64> {
    let rest = msg.split("wait ").nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Call {
    pub async fn run(self, s: &Services) -> Reply {
        match self {
            Call::HasUsers => Reply::HasUsers(s.has_users().await.map_err(|e| e.to_string())),
            Call::Login { email, password } => {
                let r = s.login(&email, &password).await;
                match &r {
                    Ok(a) => tracing::info!(email = %a.email, role = %a.role, "login"),
                    Err(e) => tracing::info!(email = %email.trim(), "login refused: {e}"),
                }
                Reply::LoggedIn(r.map_err(|e| {
                    match e {
                        Error::Auth(m) => wait_seconds(&m)
                            .map(LoginError::Wait)
                            .unwrap_or(LoginError::Failed),
                        other => LoginError::Other(other.to_string()),
                    }
                }))
            }
            Call::CreateAdmin {
                name,
                email,
                password,
            } => Reply::Created(
                s.create_first_admin(&email, &name, &password)
                    .await
                    .map_err(|e| e.to_string()),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Checking,
    FirstRun,
    Login,
}

pub struct LoginPane {
    pub mode: Mode,
    pub form: Form,
    pub wait_until: Option<NaiveDateTime>,
    /// The "cannot open the shards" error before any form can be shown.
    pub error: Option<String>,
}

impl LoginPane {
    pub fn new() -> LoginPane {
        LoginPane {
            mode: Mode::Checking,
            form: Form::new(String::new(), Vec::new()),
            wait_until: None,
            error: None,
        }
    }

    /// Asks whether any user exists, which decides between first run and login.
    pub fn start(&mut self, shell: &mut Shell) {
        self.mode = Mode::Checking;
        shell.send("users", event::Call::Login(Call::HasUsers));
    }

    fn login_form(shell: &Shell, email: &str) -> Form {
        let mut f = Form::new(
            shell.t(Msg::LoginTitle).into(),
            vec![
                Field::new("email", Msg::Email).value(email),
                Field::new("password", Msg::Password).masked(),
            ],
        );
        if !email.is_empty() {
            f.focus = 1;
        }
        f
    }

    fn first_run_form(shell: &Shell) -> Form {
        let mut f = Form::new(
            shell.t(Msg::FirstRunTitle).into(),
            vec![
                Field::new("name", Msg::Name),
                Field::new("email", Msg::Email),
                Field::new("password", Msg::Password).masked(),
                Field::new("password2", Msg::PasswordAgain).masked(),
            ],
        );
        f.intro = Some(shell.t(Msg::FirstRunIntro).into());
        f
    }

    /// Shows the login form with `email` filled in (after logout).
    pub fn show_login(&mut self, shell: &Shell, email: &str) {
        self.mode = Mode::Login;
        self.form = Self::login_form(shell, email);
    }

    pub fn text_focused(&self) -> bool {
        self.mode != Mode::Checking
    }

    pub fn unsaved(&self) -> bool {
        self.mode == Mode::FirstRun && self.form.dirty()
    }

    /// Seconds left before another attempt is allowed.
    pub fn wait_left(&self, now: NaiveDateTime) -> i64 {
        self.wait_until
            .map(|u| (u - now).num_milliseconds())
            .filter(|ms| *ms > 0)
            .map(|ms| (ms + 999) / 1000)
            .unwrap_or(0)
    }

    pub fn on_action(&mut self, shell: &mut Shell, a: Action) {
        if self.mode == Mode::Checking {
            return;
        }
        match self.form.on_action(a) {
            FormEvent::Submit => self.submit(shell),
            FormEvent::Cancel if self.mode == Mode::Login => {
                self.form.clear_errors();
                self.form.set_value("password", "");
            }
            _ => {}
        }
    }

    fn submit(&mut self, shell: &mut Shell) {
        self.form.clear_errors();
        let required = shell.t(Msg::Required).to_string();
        match self.mode {
            Mode::Checking => {}
            Mode::Login => {
                let left = self.wait_left(shell.now);
                if left > 0 {
                    self.form.message = Some(shell.tf(Msg::LoginWait, &[&left.to_string()]));
                    return;
                }
                let email = self.form.value("email").trim().to_string();
                let password = self.form.value("password").to_string();
                let mut errs = Vec::new();
                if email.is_empty() {
                    errs.push(("email".to_string(), required.clone()));
                }
                if password.is_empty() {
                    errs.push(("password".to_string(), required));
                }
                if !errs.is_empty() {
                    self.form.set_errors(&errs, true);
                    return;
                }
                self.form.busy = true;
                self.form.message = None;
                shell.send("login", event::Call::Login(Call::Login { email, password }));
            }
            Mode::FirstRun => {
                // The same rules the service applies, checked here so each error sits by its field.
                let (name, email, pw, pw2) = (
                    self.form.value("name"),
                    self.form.value("email"),
                    self.form.value("password"),
                    self.form.value("password2"),
                );
                let mut errs = Vec::new();
                if let Err(e) = text::name(name, "name") {
                    errs.push(("name".to_string(), e));
                }
                if let Err(e) = text::email(email) {
                    errs.push(("email".to_string(), e));
                }
                if let Err(e) = check_password_rules(pw) {
                    errs.push(("password".to_string(), e.to_string()));
                } else if pw != pw2 {
                    errs.push((
                        "password2".to_string(),
                        shell.t(Msg::PasswordsDiffer).to_string(),
                    ));
                }
                if !errs.is_empty() {
                    self.form.set_errors(&errs, true);
                    return;
                }
                let call = Call::CreateAdmin {
                    name: name.trim().to_string(),
                    email: email.trim().to_string(),
                    password: pw.to_string(),
                };
                self.form.busy = true;
                shell.send("create", event::Call::Login(call));
            }
        }
    }

    /// Handles a reply; a logged-in actor is handed to the app.
    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) -> Option<Actor> {
        self.form.busy = false;
        match r {
            Reply::HasUsers(Ok(true)) => self.show_login(shell, ""),
            Reply::HasUsers(Ok(false)) => {
                self.mode = Mode::FirstRun;
                self.form = Self::first_run_form(shell);
            }
            Reply::HasUsers(Err(e)) => self.error = Some(e),
            Reply::LoggedIn(Ok(actor)) | Reply::Created(Ok(actor)) => return Some(actor),
            Reply::LoggedIn(Err(e)) => {
                // After "wait", the password typed is kept for the retry; after a failure it
                // was wrong, so it goes.
                if !matches!(e, LoginError::Wait(_)) {
                    self.form.set_value("password", "");
                }
                self.form.focus = 1;
                self.form.message = Some(match e {
                    LoginError::Wait(n) => {
                        self.wait_until = Some(shell.now + chrono::Duration::seconds(n));
                        shell.tf(Msg::LoginWait, &[&n.to_string()])
                    }
                    LoginError::Failed => shell.t(Msg::LoginFailed).to_string(),
                    LoginError::Other(m) => m,
                });
            }
            Reply::Created(Err(e)) => self.form.message = Some(e),
        }
        None
    }

    pub fn on_failed(&mut self, msg: String) {
        self.form.busy = false;
        self.form.message = Some(msg);
    }

    /// The countdown redraws once a second while it runs.
    pub fn on_tick(&mut self, shell: &mut Shell) -> bool {
        if self.wait_until.is_none() {
            return false;
        }
        let left = self.wait_left(shell.now);
        if left == 0 {
            // While a wait runs, the form's message is the countdown; it ends with it.
            self.wait_until = None;
            self.form.message = None;
            shell.info(shell.t(Msg::LoginRetry).to_string());
        } else {
            self.form.message = Some(shell.tf(Msg::LoginWait, &[&left.to_string()]));
        }
        true
    }

    pub fn hint(&self) -> Msg {
        Msg::HintLogin
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        if let Some(e) = &self.error {
            let r = centered(area, 70, 5);
            f.render_widget(
                Paragraph::new(Span::styled(shell.say(e), th.error()))
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                r,
            );
            return;
        }
        if self.mode == Mode::Checking {
            let r = centered(area, 40, 1);
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    shell.t(Msg::CheckingUsers),
                    th.dim(),
                ))),
                r,
            );
            return;
        }
        let w = if self.mode == Mode::FirstRun { 72 } else { 64 };
        let footer = if self.form.busy {
            shell.t(Msg::SigningIn)
        } else {
            shell.t(Msg::HintForm)
        };
        let r = centered(area, w, self.form.height(shell, w.min(area.width), footer));
        self.form.draw(f, r, shell, footer);
    }
}

impl Default for LoginPane {
    fn default() -> Self {
        Self::new()
    }
}

pub const PANE: PaneId = PaneId::Login;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::auth::LOGIN_FAILED;

    #[test]
    fn wait_answer_is_read_from_the_service_wording() {
        assert_eq!(
            wait_seconds("Too many failed logins: wait 12 s before trying again."),
            Some(12)
        );
        assert_eq!(wait_seconds(LOGIN_FAILED), None);
    }

    #[test]
    fn passwords_are_hidden_from_debug() {
        let c = Call::Login {
            email: "a@b".into(),
            password: "secret-123".into(),
        };
        assert!(!format!("{c:?}").contains("secret"));
    }
}
