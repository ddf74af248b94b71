//! How the transactions pane takes the replies to its calls: pages for the view on screen
//! (others are dropped and asked again), details, locations, and the lookups and postings of
//! the open document.

use super::*;

impl TxnPane {
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
                        self.list.on_page(key, place, rows, limit);
                    }
                    Err(e) if key == self.list.key => self.list.error = Some(e),
                    Err(_) => {}
                }
                if self.list.error.is_none() {
                    self.ensure(shell);
                }
                if self.open_when_loaded && self.list.have() && self.doc.is_none() {
                    self.open_current(shell);
                }
            }
            Reply::Detail { number, data } => {
                let Some(d) = self.detail.as_mut().filter(|d| d.number == number) else {
                    return;
                };
                match data {
                    Ok(data) => {
                        d.data = Some(data);
                        d.error = None;
                    }
                    Err(e) => d.error = Some(e),
                }
            }
            Reply::Locations(Ok(l)) => {
                self.paths = crate::service::stock_view::location_paths(&l);
                self.locations = l;
                self.locations_loaded = true;
                if let Some(d) = self.doc.as_mut().filter(|d| d.loading) {
                    d.loaded(shell, &self.locations);
                }
            }
            Reply::Locations(Err(e)) => {
                self.list.error = Some(e.clone());
                shell.error(e);
            }
            Reply::Lookup { doc, found } => {
                // Only the document that asked waits for it (a newer one asks for itself).
                if let Some(d) = self.doc.as_mut().filter(|d| d.looking_up && d.id == doc) {
                    d.on_lookup(shell, found);
                }
            }
            Reply::Posted { doc, result } => match self.doc.as_mut().filter(|d| d.id == doc) {
                Some(d) => d.on_posted(shell, result),
                None => {
                    if let Ok(o) = result {
                        shell.info(shell.tf(Msg::PostedNumber, &[&o.number]));
                    }
                }
            },
        }
    }

    /// Whether the reply decided a posting (posted or rejected): the dashboard's figures and
    /// recent list are then out of date.
    pub fn decided(r: &Reply) -> bool {
        matches!(r, Reply::Posted { result: Ok(_), .. })
    }

    pub fn on_failed(&mut self, shell: &mut Shell, slot: &str, msg: String) {
        match (slot, &mut self.doc) {
            ("lookup", Some(d)) => d.on_lookup_failed(shell, msg.clone()),
            ("post", Some(d)) => d.on_posted(shell, Err(msg.clone())),
            ("detail", _) => {
                if let Some(d) = &mut self.detail {
                    d.error = Some(msg.clone());
                }
            }
            _ => self.list.error = Some(msg.clone()),
        }
        shell.error(msg);
    }
}
