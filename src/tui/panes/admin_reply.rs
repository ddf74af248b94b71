//! The admin pane's forms and questions once answered, and the replies to its calls.

use super::*;

impl AdminPane {
    pub(super) fn on_form(&mut self, shell: &mut Shell, a: Action) {
        let Some(f) = &mut self.form else { return };
        match f.form.on_action(a) {
            FormEvent::Cancel if f.form.busy => {}
            FormEvent::Cancel if f.form.dirty() => self.ask = Some(Ask::Discard),
            FormEvent::Cancel => self.form = None,
            FormEvent::Left(_) | FormEvent::Edited => f.refresh_hint(shell, &self.locations),
            FormEvent::Submit => match f.check(shell, &self.locations) {
                Ok(call) => {
                    self.saving = Some(f.kind.saved_msg());
                    f.form.clear_errors();
                    f.form.busy = true;
                    shell.send("save", event::Call::Admin(call));
                }
                Err(errs) => {
                    f.form.clear_errors();
                    f.form.set_errors(&errs, true);
                }
            },
            FormEvent::None => {}
        }
    }

    pub(super) fn answer(&mut self, shell: &mut Shell, ask: Ask) {
        match ask {
            Ask::Discard => self.form = None,
            Ask::UserActive { email, active } => {
                self.saving = Some(if active {
                    Msg::UserEnabled
                } else {
                    Msg::UserDisabled
                });
                shell.send(
                    "save",
                    event::Call::Admin(Call::SetUserActive { email, active }),
                );
            }
            Ask::LocationActive { code, active } => {
                self.saving = Some(if active {
                    Msg::Activated
                } else {
                    Msg::Deactivated
                });
                shell.send(
                    "save",
                    event::Call::Admin(Call::SetLocationActive { code, active }),
                );
            }
        }
    }

    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Users(Ok(u)) => self.users = u,
            Reply::Locations(Ok(l)) => self.locations = l,
            Reply::Categories(Ok(c)) => self.categories = c,
            Reply::Units(Ok(u)) => self.units = u,
            Reply::Users(Err(e))
            | Reply::Locations(Err(e))
            | Reply::Categories(Err(e))
            | Reply::Units(Err(e)) => self.error = Some(e),
            Reply::Changed(Ok(subject)) => {
                let msg = self.saving.take().unwrap_or(Msg::Saved);
                shell.info(shell.tf(msg, &[&subject]));
                if self.form.as_ref().is_some_and(|f| f.form.busy) {
                    self.form = None;
                }
                self.load(shell);
            }
            Reply::Changed(Err(e)) => {
                self.saving = None;
                match self.form.as_mut().filter(|f| f.form.busy) {
                    Some(f) => {
                        f.form.busy = false;
                        f.form.message = Some(e);
                    }
                    None => shell.error(e),
                }
            }
        }
    }

    pub fn on_failed(&mut self, shell: &mut Shell, msg: String) {
        if let Some(f) = &mut self.form {
            f.form.busy = false;
        }
        self.saving = None;
        self.error = Some(msg.clone());
        shell.error(msg);
    }
}
