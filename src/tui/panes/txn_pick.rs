//! The transactions pane's pickers and the date-range form: what each choice does.

use super::*;

impl TxnPane {
    pub(super) fn chosen(&mut self, shell: &mut Shell, what: Choosing, item: Item) {
        let kind = item.value.parse::<TxKind>().ok();
        match what {
            Choosing::NewKind => {
                let Some(k) = kind else { return };
                if k == TxKind::Adjustment && !shell.check(Permission::Adjust) {
                    return;
                }
                // The picker opens at once; if the locations are still on their way it fills
                // in when they arrive, keeping what was typed meanwhile.
                self.doc = Some(Doc::start(
                    shell,
                    k,
                    &self.locations,
                    !self.locations_loaded,
                ));
                if !self.locations_loaded && !shell.busy(PANE, "locations") {
                    shell.send("locations", event::Call::Txn(Call::Locations));
                }
            }
            Choosing::FilterKind => {
                self.list.key.kind = kind;
                self.refilter(shell);
            }
            Choosing::FilterLocation => {
                self.list.key.location = self
                    .locations
                    .iter()
                    .find(|l| l.code == item.value)
                    .map(|l| (l.id.clone(), l.code.clone()));
                self.refilter(shell);
            }
        }
    }

    pub(super) fn on_dates(&mut self, shell: &mut Shell, a: Action) {
        let Some(form) = &mut self.dates else { return };
        match form.on_action(a) {
            FormEvent::Cancel => self.dates = None,
            FormEvent::Submit => {
                let today = shell.now.date();
                let since = pick::parse_date(form.value("since"), today);
                let until = pick::parse_date(form.value("until"), today);
                let mut errs = Vec::new();
                if let Err(e) = &since {
                    errs.push(("since".to_string(), e.clone()));
                }
                if let Err(e) = &until {
                    errs.push(("until".to_string(), e.clone()));
                }
                if let (Ok(Some(s)), Ok(Some(u))) = (&since, &until)
                    && u < s
                {
                    errs.push(("until".to_string(), shell.t(Msg::DateOrder).to_string()));
                }
                if !errs.is_empty() {
                    form.clear_errors();
                    form.set_errors(&errs, true);
                    return;
                }
                self.list.key.since = since.ok().flatten();
                self.list.key.until = until.ok().flatten();
                self.dates = None;
                self.refilter(shell);
            }
            _ => {}
        }
    }
}
