//! What every pane may touch: language, theme, clock, the logged-in user, the shard marks, the
//! message line, and the outbox of requests with the table of replies still awaited.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::event::{Call, PaneId, Request, RequestId, ShardMark};
use super::i18n::{Lang, Msg, fill};
use super::theme::Theme;
use crate::Actor;
use crate::domain::role::Permission;
use crate::domain::say;
use crate::domain::{Money, Quantity};

/// A one-line message under the screen; errors stay until the next key, notes for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: Option<NaiveDateTime>,
}

pub struct Shell {
    pub lang: Lang,
    pub theme: Theme,
    pub now: NaiveDateTime,
    pub actor: Option<Actor>,
    pub shards: [ShardMark; 3],
    /// Whether each shard answered the dashboard's last ping (`None`: not pinged yet).
    pub pinged: [Option<bool>; 3],
    /// Rows fetched per page in long tables (`ui.page_size`).
    pub page_size: i64,
    pub toast: Option<Toast>,
    next_id: RequestId,
    inflight: HashMap<RequestId, (PaneId, &'static str)>,
    outbox: Vec<Request>,
}

impl Shell {
    pub fn new(lang: Lang, theme: Theme, now: NaiveDateTime, page_size: i64) -> Shell {
        Shell {
            lang,
            theme,
            now,
            actor: None,
            shards: Default::default(),
            pinged: [None; 3],
            page_size: page_size.max(10),
            toast: None,
            next_id: 1,
            inflight: HashMap::new(),
            outbox: Vec::new(),
        }
    }

    pub fn t(&self, m: Msg) -> &'static str {
        m.text(self.lang)
    }

    /// A text with its `{}` filled in.
    pub fn tf(&self, m: Msg, args: &[&str]) -> String {
        fill(m.text(self.lang), args)
    }

    /// A message from the services (English) in the shell's language.
    pub fn say(&self, text: &str) -> String {
        say::tr(self.lang, text)
    }

    /// A quantity as the language writes it (`1234.5` / `1.234,5`).
    pub fn qty(&self, q: Quantity) -> String {
        say::qty(self.lang, q)
    }

    /// An amount as the language writes it, grouped (`1,234.50` / `1.234,50`).
    pub fn money(&self, m: Money) -> String {
        say::money_grouped(self.lang, m)
    }

    /// A count (rows, lines) as the language writes it (`1234` / `1.234`).
    pub fn int(&self, n: i64) -> String {
        say::int(self.lang, n)
    }

    /// A date as the language writes it (`2026-11-26` / `26/11/2026`).
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        say::date(self.lang, d)
    }

    /// A date and time to the minute (`2026-11-26 14:30` / `26/11/2026 14:30`).
    pub fn datetime(&self, t: NaiveDateTime) -> String {
        say::datetime(self.lang, t)
    }

    /// Queues a service call. It supersedes any request of the same pane and slot still in
    /// flight: that one's reply will be dropped.
    pub fn send(&mut self, slot: &'static str, call: Call) -> RequestId {
        let pane = call.pane();
        self.inflight.retain(|_, v| *v != (pane, slot));
        let id = self.next_id;
        self.next_id += 1;
        self.inflight.insert(id, (pane, slot));
        self.outbox.push(Request {
            id,
            slot,
            call,
            actor: self.actor.clone(),
        });
        id
    }

    /// Whether a request of this pane and slot is awaited.
    pub fn busy(&self, pane: PaneId, slot: &str) -> bool {
        self.inflight
            .values()
            .any(|(p, s)| *p == pane && *s == slot)
    }

    pub fn pending(&self) -> usize {
        self.inflight.len()
    }

    /// Claims a reply: the pane and slot it was for, or `None` if it is stale.
    pub fn accept(&mut self, id: RequestId) -> Option<(PaneId, &'static str)> {
        self.inflight.remove(&id)
    }

    /// Forgets every awaited reply (logout).
    pub fn forget_all(&mut self) {
        self.inflight.clear();
    }

    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.outbox)
    }

    pub fn can(&self, p: Permission) -> bool {
        self.actor.as_ref().is_some_and(|a| a.role.allows(p))
    }

    /// Says "your role may not" on the message line; returns whether `p` is allowed.
    pub fn check(&mut self, p: Permission) -> bool {
        if self.can(p) {
            return true;
        }
        let role = self.actor.as_ref().map(|a| a.role.as_str()).unwrap_or("-");
        self.error(self.tf(Msg::NotAllowed, &[&self.say(role)]));
        false
    }

    /// A note on the message line; a service's message is shown in the shell's language.
    pub fn info(&mut self, text: String) {
        self.toast = Some(Toast {
            text: self.say(&text),
            error: false,
            until: Some(self.now + chrono::Duration::seconds(5)),
        });
    }

    /// An error on the message line; a service's message is shown in the shell's language.
    pub fn error(&mut self, text: String) {
        self.toast = Some(Toast {
            text: self.say(&text),
            error: true,
            until: None,
        });
    }
}
