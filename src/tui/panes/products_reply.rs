//! How the products pane takes the replies to its calls: pages and counts for the view on
//! screen (others are dropped and asked again), validation verdicts, saves and toggles.

use super::*;

impl ProductsPane {
    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Page {
                key,
                place,
                limit,
                rows,
            } => {
                match rows {
                    Ok(rows) => {
                        // A browse window was asked with one row more than it keeps; a
                        // search's page is all there is.
                        let keep = if key.searching() { limit } else { limit - 1 };
                        self.list.on_page(key, place, rows, keep);
                    }
                    Err(e) if key == self.list.key => self.list.error = Some(e),
                    Err(_) => {}
                }
                if self.list.error.is_none() {
                    self.ensure(shell);
                }
            }
            Reply::Count { key, total } => match total {
                Ok(t) if key == self.list.key => {
                    self.list.set_total(t);
                    self.total_key = Some(key);
                    self.ensure(shell);
                }
                Ok(_) => self.ensure(shell),
                Err(e) => self.list.error = Some(e),
            },
            Reply::Lookups(Ok((cats, units))) => {
                self.categories = cats;
                self.units = units;
                self.lookups_loaded = true;
            }
            Reply::Lookups(Err(e)) => self.list.error = Some(e),
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
                    Err(SaveError::Fields(errs)) => {
                        ed.show_errors(&errs, true);
                        ed.refresh_hint(shell, &self.categories, &self.units);
                    }
                    Err(SaveError::Other(m)) => ed.form.message = Some(m),
                }
            }
            Reply::ActiveSet(Ok(p)) => {
                shell.info(shell.tf(
                    if p.active {
                        Msg::Activated
                    } else {
                        Msg::Deactivated
                    },
                    &[&p.sku],
                ));
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
            self.list.error = Some(msg.clone());
        }
        shell.error(msg);
    }
}
