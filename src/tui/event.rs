//! The messages of the event loop. Everything the app reacts to is an [`Event`] on one
//! channel: keys, resizes, the clock tick and the replies to requests. A [`Request`] is a
//! service call the app wants made; the runtime runs it on a task and posts the [`Reply`] back
//! tagged with the request's id, so a reply nobody awaits any more is recognised and dropped.

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;

use super::panes::{dashboard, login, products};
use crate::Actor;
use crate::db::{Health, ShardName};
use crate::service::Services;

pub type RequestId = u64;

// Events are moved through the channel one at a time; boxing replies would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Resize(u16, u16),
    Tick(Tick),
    Reply(RequestId, Reply),
}

/// The once-a-second clock, with what the shard tasks last observed. Tests make their own, so
/// the clock on screen is whatever they say.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Local wall time.
    pub now: NaiveDateTime,
    pub shards: [ShardMark; 3],
}

/// One shard as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShardMark {
    pub known: bool,
    pub reachable: bool,
}

impl ShardMark {
    pub fn of(h: &Health) -> ShardMark {
        ShardMark {
            known: true,
            reachable: h.reachable,
        }
    }
}

impl Tick {
    /// A tick at `now` with the shards' health as their tasks see it (a lock, no IO).
    pub fn observe(services: &Services, now: NaiveDateTime) -> Tick {
        let s = &services.shards;
        Tick {
            now,
            shards: [
                ShardMark::of(&s.master.health()),
                ShardMark::of(&s.location.health()),
                ShardMark::of(&s.transaction.health()),
            ],
        }
    }
}

pub const SHARD_LETTERS: [(ShardName, &str); 3] = [
    (ShardName::Master, "M"),
    (ShardName::Location, "L"),
    (ShardName::Transaction, "T"),
];

/// Which part of the app a request belongs to; replies go back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Login,
    Dashboard,
    Products,
}

/// A service call, one enum per pane (defined next to the pane that makes it).
#[derive(Debug, Clone)]
pub enum Call {
    Login(login::Call),
    Dashboard(dashboard::Call),
    Products(products::Call),
}

#[derive(Debug)]
pub enum Reply {
    Login(login::Reply),
    Dashboard(dashboard::Reply),
    Products(products::Reply),
    /// The call's task died (a bug): the pane is told, so it does not wait forever.
    Failed(String),
}

impl Call {
    pub fn pane(&self) -> PaneId {
        match self {
            Call::Login(_) => PaneId::Login,
            Call::Dashboard(_) => PaneId::Dashboard,
            Call::Products(_) => PaneId::Products,
        }
    }

    /// Runs the call against the services (on a task of its own, never on the loop).
    pub async fn run(self, s: Services, actor: Option<Actor>) -> Reply {
        match self {
            Call::Login(c) => Reply::Login(c.run(&s).await),
            Call::Dashboard(c) => Reply::Dashboard(c.run(&s).await),
            Call::Products(c) => Reply::Products(c.run(&s, actor).await),
        }
    }
}

/// A call the app wants made. `slot` names what it is for: a newer request for the same pane
/// and slot supersedes an older one, whose reply is then dropped.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: RequestId,
    pub slot: &'static str,
    pub call: Call,
    pub actor: Option<Actor>,
}

/// The message for a call that could not even reach its service (no actor = not logged in).
pub fn need_actor(actor: Option<Actor>) -> Result<Actor, String> {
    actor.ok_or_else(|| "not logged in".to_string())
}
