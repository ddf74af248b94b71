//! How the counts pane takes the replies to its calls: the list, the lookups (locations and
//! categories), a started count, the scans, a review, and the outcome of a recount, post or
//! cancel. Replies name the count (and the scan) they answer, so a late one is recognised.

use super::*;

impl CountsPane {
    pub fn on_reply(&mut self, shell: &mut Shell, r: Reply) {
        match r {
            Reply::Lookups(Ok((locations, categories))) => {
                self.locations = locations;
                self.categories = categories;
                self.paths = pick::paths_by_code(&self.locations);
                self.lookups_loaded = true;
                self.fill_pickers(shell);
                self.start_loaded(shell);
            }
            Reply::Lookups(Err(e)) => shell.error(e),
            Reply::List(Ok(rows)) => {
                self.set_list(rows);
                self.cursor = self.cursor.min(self.visible(shell).len().saturating_sub(1));
                self.fill_pickers(shell);
            }
            Reply::List(Err(e)) => self.error = Some(e),
            Reply::Started(r) => {
                self.starting = false;
                match r {
                    Ok(c) => {
                        shell.info(shell.tf(Msg::CountStarted, &[&c.number]));
                        let number = c.number.clone();
                        let mut rows = std::mem::take(&mut self.list);
                        rows.retain(|r| r.number != number);
                        rows.push(c);
                        self.set_list(rows);
                        self.cursor = self
                            .visible(shell)
                            .iter()
                            .position(|c| c.number == number)
                            .unwrap_or(0);
                    }
                    Err(e) => shell.error(e),
                }
            }
            Reply::Scanned { number, id, result } => {
                if let Some(s) = self.scan.as_mut().filter(|s| s.number == number) {
                    s.on_scanned(shell, &id, result);
                }
            }
            Reply::Review {
                number,
                filter,
                result,
            } => {
                if let Some(r) = self.review.as_mut().filter(|r| r.number == number) {
                    r.on_review(filter, result);
                }
            }
            Reply::Acted {
                number,
                what,
                result,
            } => self.on_acted(shell, &number, what, result),
        }
    }

    /// The scan's and the review's pickers get the count's locations and the categories.
    pub(super) fn fill_pickers(&mut self, shell: &Shell) {
        let number = match (&self.scan, &self.review) {
            (Some(s), _) => s.number.clone(),
            (None, Some(r)) => r.number.clone(),
            _ => return,
        };
        let head = self
            .review
            .as_ref()
            .and_then(|r| r.head.clone())
            .or_else(|| self.list.iter().find(|c| c.number == number).cloned());
        let Some(head) = head else { return };
        let scope = self.scope(&head);
        let title = crate::tui::panes::count_draw::scope_text(shell, &head, &self.paths);
        if let Some(s) = &mut self.scan {
            s.scope = scope;
            s.title = title;
            s.paths = self.paths.clone();
        } else if let Some(r) = &mut self.review {
            r.scope = scope;
            r.categories = self.categories.iter().map(|c| c.name.clone()).collect();
            r.paths = self.paths.clone();
        }
    }

    fn on_acted(
        &mut self,
        shell: &mut Shell,
        number: &str,
        what: Acted,
        r: Result<Option<PostAnswer>, String>,
    ) {
        let Some(rv) = self.review.as_mut().filter(|r| r.number == number) else {
            // The review was left while this was on its way: say how it went all the same.
            match r {
                Err(e) => shell.error(e),
                Ok(Some(a)) if what == Acted::Posted => {
                    let _ = posted_note(shell, number, &a);
                }
                Ok(_) => {}
            }
            if self.scan.is_none() {
                self.load(shell);
            }
            return;
        };
        rv.working = None;
        match (what, r) {
            (_, Err(e)) => {
                rv.error = Some(e.clone());
                shell.error(e);
            }
            (Acted::Cancelled, Ok(_)) => {
                shell.info(shell.tf(Msg::CountCancelled, &[number]));
                self.review = None;
                self.load(shell);
            }
            (Acted::Recount, Ok(_)) => {
                let n = rv.marked.len().max(1).to_string();
                shell.info(shell.tf(Msg::RecountAsked, &[&n]));
                rv.marked.clear();
                rv.load(shell);
            }
            (Acted::Posted, Ok(answer)) => {
                let Some(answer) = answer else {
                    return rv.load(shell);
                };
                rv.error = posted_note(shell, number, &answer).err();
                rv.head = Some(answer.count);
                rv.load(shell);
            }
        }
    }

    pub fn on_failed(&mut self, shell: &mut Shell, slot: &str, msg: String) {
        match slot {
            "scan" => {
                if let Some(s) = &mut self.scan {
                    s.on_failed(shell, msg.clone());
                }
            }
            "review" | "act" => {
                if let Some(r) = &mut self.review {
                    r.working = None;
                    r.error = Some(msg.clone());
                }
            }
            "start" => self.starting = false,
            _ => self.error = Some(msg.clone()),
        }
        shell.error(msg);
    }

    /// Whether the reply changed stock (a count posted): the dashboard is then out of date.
    pub fn decided(r: &Reply) -> bool {
        matches!(
            r,
            Reply::Acted {
                what: Acted::Posted,
                result: Ok(_),
                ..
            }
        )
    }
}

/// Says how a post went (the documents, or what was rejected) on the message line; the
/// rejection is also returned for the review to keep on screen.
fn posted_note(shell: &mut Shell, number: &str, a: &PostAnswer) -> Result<(), String> {
    if !a.rejected.is_empty() {
        let e = shell.tf(Msg::CountDocsRejected, &[&a.rejected.join("; ")]);
        shell.error(e.clone());
        return Err(e);
    }
    let docs = if a.numbers.is_empty() {
        shell.t(Msg::CountNoDocs).to_string()
    } else {
        a.numbers.join(", ")
    };
    shell.info(shell.tf(Msg::CountPostedDocs, &[number, &docs]));
    Ok(())
}
