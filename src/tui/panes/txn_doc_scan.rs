//! The keys of a document and its scan loop: pickers, the scan field and its queue of codes,
//! the lines (edit, step, remove) and the header fields.

use super::*;

impl Doc {
    pub fn on_action(&mut self, shell: &mut Shell, a: Action, locations: &[Location]) -> DocOut {
        match self.step {
            Step::Locations => self.on_picker(shell, a, locations),
            Step::Scan => self.on_scan_step(shell, a, locations),
            Step::Confirm => match a {
                Action::Submit | Action::Finish => {
                    self.post(shell);
                    DocOut::Stay
                }
                Action::Back => {
                    self.step = Step::Scan;
                    DocOut::Stay
                }
                // Scrolling through a long document before posting it.
                Action::Up | Action::PageUp => {
                    let by = if a == Action::Up { 1 } else { 20 };
                    self.cursor = self.cursor.saturating_sub(by);
                    DocOut::Stay
                }
                Action::Down | Action::PageDown => {
                    let by = if a == Action::Down { 1 } else { 20 };
                    self.cursor = (self.cursor + by).min(self.lines.len().saturating_sub(1));
                    DocOut::Stay
                }
                _ => DocOut::Stay,
            },
            Step::Posting => DocOut::Stay,
            Step::Done => match a {
                Action::Submit | Action::New => DocOut::Again,
                Action::Back => DocOut::Leave,
                _ => DocOut::Stay,
            },
        }
    }

    fn on_picker(&mut self, shell: &mut Shell, a: Action, locations: &[Location]) -> DocOut {
        if self.loading && (a == Action::Submit || !self.held.is_empty()) {
            self.held.push(a);
            return DocOut::Stay;
        }
        let Some((side, p)) = &mut self.picker else {
            self.step = Step::Scan;
            return DocOut::Stay;
        };
        match p.on_action(a) {
            Picked::Chosen(item) if !item.value.is_empty() => {
                match side {
                    Side::Source => self.source = Some(item.value),
                    Side::Dest => self.dest = Some(item.value),
                }
                self.next_location(shell, locations);
            }
            Picked::Cancelled if self.repick.is_some() => {
                if let Some((src, dst)) = self.repick.take() {
                    self.source = src;
                    self.dest = dst;
                }
                self.picker = None;
                self.step = Step::Scan;
            }
            Picked::Cancelled => return DocOut::Leave,
            _ => {}
        }
        DocOut::Stay
    }

    fn on_scan_step(&mut self, shell: &mut Shell, a: Action, locations: &[Location]) -> DocOut {
        if self.edit.is_some() {
            self.on_edit(shell, a);
            return DocOut::Stay;
        }
        match (self.focus, a) {
            (_, Action::Finish) => self.review(shell),
            (_, Action::NextField) => self.cycle(1),
            (_, Action::PrevField) => self.cycle(-1),
            (_, Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            (_, Action::Down) => {
                self.cursor = (self.cursor + 1).min(self.lines.len().saturating_sub(1))
            }
            (Focus::Scan, Action::Input(req)) => {
                self.scan.handle(req);
            }
            (Focus::Scan, Action::Submit) => self.scan_submit(shell),
            (Focus::Scan, Action::Back) if !self.scan.value().is_empty() => {
                self.scan = Input::default()
            }
            (Focus::Scan, Action::Back) => {
                return if self.unsaved() {
                    DocOut::AskDiscard
                } else {
                    DocOut::Leave
                };
            }
            (Focus::Lines, Action::Back) => self.focus = Focus::Scan,
            (Focus::Lines, Action::Home) => self.cursor = 0,
            (Focus::Lines, Action::End) => self.cursor = self.lines.len().saturating_sub(1),
            (Focus::Lines, Action::Submit | Action::Edit) => {
                if let Some(l) = self.lines.get(self.cursor) {
                    self.edit = Some(Input::new(l.qty.to_string()));
                    self.edit_error = None;
                }
            }
            (Focus::Lines, Action::Delete) if self.cursor < self.lines.len() => {
                self.lines.remove(self.cursor);
                self.cursor = self.cursor.min(self.lines.len().saturating_sub(1));
            }
            (Focus::Lines, Action::Increase) => self.bump(1),
            (Focus::Lines, Action::Decrease) => self.bump(-1),
            (Focus::Lines, Action::FilterLocation) => self.repick(shell, locations),
            (Focus::Reference | Focus::Partner | Focus::Note, Action::Input(req)) => {
                let f = match self.focus {
                    Focus::Reference => &mut self.reference,
                    Focus::Partner => &mut self.partner,
                    _ => &mut self.note,
                };
                f.handle(req);
            }
            (Focus::Reference | Focus::Partner | Focus::Note, Action::Submit | Action::Back) => {
                self.focus = Focus::Scan
            }
            _ => {}
        }
        DocOut::Stay
    }

    /// One unit more or less; a movement keeps at least one unit, a count at least zero.
    fn bump(&mut self, units: i64) {
        let floor = if self.kind == TxKind::Adjustment {
            0
        } else {
            1
        };
        if let Some(l) = self.lines.get_mut(self.cursor) {
            let q = l.qty.0.saturating_add(units * 1000);
            if q >= floor {
                l.qty = Quantity(q);
            } else if self.kind == TxKind::Adjustment {
                l.qty = Quantity::ZERO;
            }
        }
    }

    fn on_edit(&mut self, shell: &Shell, a: Action) {
        let Some(input) = &mut self.edit else { return };
        match a {
            Action::Input(req) => {
                input.handle(req);
                self.edit_error = None;
            }
            Action::Back => {
                self.edit = None;
                self.edit_error = None;
            }
            Action::Submit | Action::NextField => {
                let Some(line) = self.lines.get(self.cursor) else {
                    self.edit = None;
                    return;
                };
                let decimals = line.product.unit_decimals.clamp(0, 3) as u8;
                match Quantity::parse(input.value(), decimals) {
                    Ok(q) if q.0 == 0 && self.kind != TxKind::Adjustment => {
                        self.edit_error = Some(shell.t(Msg::QtyPositive).into())
                    }
                    Ok(q) => {
                        if let Some(l) = self.lines.get_mut(self.cursor) {
                            l.qty = q;
                        }
                        self.edit = None;
                    }
                    Err(e) => self.edit_error = Some(e),
                }
            }
            _ => {}
        }
    }

    fn scan_submit(&mut self, shell: &mut Shell) {
        let raw = self.scan.value().trim().to_string();
        self.scan = Input::default();
        if raw.is_empty() {
            self.review(shell);
            return;
        }
        match parse_scan(&raw) {
            Ok(s) if s.qty.0 == 0 && self.kind != TxKind::Adjustment => {
                self.flag(shell, shell.tf(Msg::ScanZero, &[&raw]))
            }
            Ok(s) => {
                self.queue.push_back(s);
                self.pump(shell);
            }
            Err(e) => self.flag(shell, format!("{raw}: {e}")),
        }
    }

    fn flag(&mut self, shell: &mut Shell, msg: String) {
        shell.error(msg.clone());
        self.flags.push(msg);
    }

    /// Applies the queued codes that are known, in order, and looks up the rest.
    fn pump(&mut self, shell: &mut Shell) {
        while let Some(front) = self.queue.front() {
            let Some(found) = self.known.get(&front.code).cloned() else {
                break;
            };
            if let Some(s) = self.queue.pop_front() {
                self.apply(shell, s, found);
            }
        }
        if self.queue.is_empty() {
            if std::mem::take(&mut self.review_when_done) {
                self.review(shell);
            }
            return;
        }
        if self.looking_up {
            return;
        }
        let mut codes: Vec<String> = Vec::new();
        for s in &self.queue {
            if !self.known.contains_key(&s.code) && !codes.contains(&s.code) {
                codes.push(s.code.clone());
            }
            if codes.len() >= LOOKUP_BATCH {
                break;
            }
        }
        self.looking_up = true;
        shell.send(
            "lookup",
            event::Call::Txn(Call::Lookup {
                doc: self.id.clone(),
                codes,
            }),
        );
    }

    fn apply(&mut self, shell: &mut Shell, s: Scanned, found: Option<ProductView>) {
        let Some(p) = found else {
            return self.flag(shell, shell.tf(Msg::UnknownCode, &[&s.code]));
        };
        if !p.active {
            return self.flag(shell, shell.tf(Msg::InactiveCode, &[&s.code, &p.sku]));
        }
        if !s.qty.fits_decimals(p.unit_decimals.clamp(0, 3) as u8) {
            return self.flag(shell, shell.tf(Msg::WholeUnits, &[&s.code, &p.unit]));
        }
        match self.lines.iter().position(|l| l.product.id == p.id) {
            Some(i) => {
                self.lines[i].qty = Quantity(self.lines[i].qty.0.saturating_add(s.qty.0));
                self.cursor = i;
            }
            None if self.lines.len() >= MAX_LINES => self.flag(
                shell,
                shell.tf(Msg::TooManyLines, &[&MAX_LINES.to_string()]),
            ),
            None => {
                self.lines.push(DocLine {
                    product: p,
                    qty: s.qty,
                });
                self.cursor = self.lines.len() - 1;
            }
        }
    }

    /// A lookup came back: remember what it found and apply what waits.
    pub fn on_lookup(&mut self, shell: &mut Shell, found: Vec<Found>) {
        self.looking_up = false;
        for (code, r) in found {
            match r {
                Ok(p) => {
                    self.known.insert(code, p);
                }
                Err(e) => {
                    // The catalog could not be asked: drop this code's scans and say so.
                    self.queue.retain(|s| s.code != code);
                    self.flag(shell, format!("{code}: {e}"));
                }
            }
        }
        self.pump(shell);
        // "No such product" is remembered only while scans of it wait: scanned again later,
        // the code is looked up again (someone may have added the product meanwhile).
        let waiting: Vec<String> = self.queue.iter().map(|s| s.code.clone()).collect();
        self.known
            .retain(|code, p| p.is_some() || waiting.contains(code));
    }

    /// The lookup's task died: flag what waited so the clerk scans it again.
    pub fn on_lookup_failed(&mut self, shell: &mut Shell, msg: String) {
        self.looking_up = false;
        let codes: Vec<String> = self.queue.drain(..).map(|s| s.code).collect();
        if !codes.is_empty() {
            self.flag(shell, format!("{}: {msg}", codes.join(", ")));
        }
    }

    /// To the confirm screen, once every scanned code is in.
    fn review(&mut self, shell: &mut Shell) {
        if !self.queue.is_empty() || self.looking_up {
            self.review_when_done = true;
            return;
        }
        if self.lines.is_empty() {
            shell.error(shell.t(Msg::NothingToPost).into());
            return;
        }
        self.focus = Focus::Scan;
        self.step = Step::Confirm;
    }
}
