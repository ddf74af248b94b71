//! The Reports screen's answers: the replies of its calls, the export form's submit, and the
//! stock card of the row under the cursor.

use super::*;

impl ReportsPane {
    /// The card of the row under the cursor: its product, at the row's location (or the
    /// filter's), over the report's period.
    pub(super) fn open_card_here(&mut self, shell: &mut Shell) {
        let f = self.filters(shell).clone();
        let target = match self.kind {
            Kind::Movement => self.movement.data.as_ref().and_then(|d| {
                let r = d.report.rows.get(self.movement.rows.cursor)?;
                Some((r.sku.clone(), r.location.clone().or(f.location.clone())))
            }),
            Kind::Valuation => self.valuation.data.as_ref().and_then(|d| {
                let r = d.rows.get(self.valuation.rows.cursor)?;
                (d.by == ValuationBy::Product).then(|| (r.key.clone(), f.location.clone()))
            }),
            Kind::Reorder => self.reorder.data.as_ref().and_then(|d| {
                let r = d.rows.get(self.reorder.rows.cursor)?;
                Some((r.sku.clone(), Some(r.location.clone())))
            }),
        };
        if let Some((sku, location)) = target {
            let key = CardKey {
                sku,
                location,
                period: f.period,
            };
            self.open_card(shell, key, None);
        }
    }

    pub(super) fn on_export_form(&mut self, shell: &mut Shell, a: Action) {
        let Some((kind, form)) = &mut self.export_form else {
            return;
        };
        match form.on_action(a) {
            FormEvent::Cancel if form.busy => {}
            FormEvent::Cancel => self.export_form = None,
            FormEvent::Submit => {
                form.clear_errors();
                match crate::tui::panes::report_export::check(shell, form.value("path")) {
                    Err(e) => form.set_errors(&[("path".into(), e)], true),
                    Ok((path, _)) => {
                        form.busy = true;
                        let (kind, filters) = (*kind, self.filters.clone());
                        if let Some(filters) = filters {
                            let path = path.display().to_string();
                            let call = Call::Export {
                                kind,
                                filters,
                                path,
                            };
                            shell.send("export", event::Call::Reports(call));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Lookups(Ok((l, c))) => {
                self.locations = l;
                self.categories = c;
                self.lookups_loaded = true;
            }
            Reply::Lookups(Err(e)) => shell.error(e),
            Reply::Movement(f, d) => self.movement.answer(f, d, shell.now),
            Reply::Valuation(f, d) => self.valuation.answer(f, d, shell.now),
            Reply::Reorder(f, d) => self.reorder.answer(f, d, shell.now),
            Reply::Exported { result, .. } => match result {
                Ok((n, written)) => {
                    self.export_form = None;
                    shell.info(shell.tf(Msg::RptExported, &[&n.to_string(), &written]));
                }
                Err(e) => {
                    if let Some((_, form)) = &mut self.export_form {
                        form.busy = false;
                        form.set_errors(&[("path".into(), shell.say(&e))], true);
                    }
                    shell.error(shell.tf(Msg::RptExportFailed, &[&e]));
                }
            },
            Reply::Card { key, page, data } => {
                if let Some(c) = &mut self.card {
                    c.on_reply(key, page, data);
                }
            }
        }
    }

    pub fn on_failed(&mut self, shell: &mut Shell, slot: &str, msg: String) {
        match slot {
            "movement" => self.movement.error = Some(msg.clone()),
            "valuation" => self.valuation.error = Some(msg.clone()),
            "reorder" => self.reorder.error = Some(msg.clone()),
            "card" => {
                if let Some(c) = &mut self.card {
                    c.error = Some(msg.clone());
                }
            }
            "export" => {
                if let Some((_, form)) = &mut self.export_form {
                    form.busy = false;
                }
            }
            _ => {}
        }
        shell.error(msg);
    }
}
