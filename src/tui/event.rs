//! The messages of the event loop. Everything the app reacts to is an [`Event`] on one
//! channel: keys, resizes, the clock tick and the replies to requests. A [`Request`] is a
//! service call the app wants made; the runtime runs it on a task and posts the [`Reply`] back
//! tagged with the request's id, so a reply nobody awaits any more is recognised and dropped.

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;

use super::panes::{admin, audit, count, dashboard, login, products, report, stock, txn};
use crate::Actor;
use crate::db::nodes::NodeHealth;
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

/// One shard as the status bar, the primary-down banner and the dashboard's Shards box show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShardMark {
    pub known: bool,
    pub reachable: bool,
    /// The primary does not answer (as a primary): what the banner says.
    pub down: Option<PrimaryDown>,
    /// Server shards: the primary, then each replica. Empty for SQLite.
    pub nodes: Vec<NodeMark>,
}

/// A shard whose primary is down: since when, and how old the data now read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrimaryDown {
    /// Microseconds, UTC.
    pub since: i64,
    /// Whether any replica answers (reads then come from the freshest of them).
    pub replica_answers: bool,
    /// The freshest answering replica's heartbeat lag (ms), when one has a heartbeat.
    pub data_age_ms: Option<i64>,
}

/// One node of a server shard, as the monitor last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeMark {
    pub primary: bool,
    pub url: String,
    pub reachable: bool,
    pub read_only: Option<bool>,
    pub latency_us: Option<u64>,
    /// Replicas: how old the data is, by the heartbeat row (ms).
    pub lag_ms: Option<i64>,
    /// The primary: since when (µs UTC) it has not answered as a primary.
    pub down_since: Option<i64>,
    pub error: Option<String>,
}

impl NodeMark {
    fn of(n: &NodeHealth) -> NodeMark {
        NodeMark {
            primary: n.role == "primary",
            url: n.url.clone(),
            reachable: n.reachable,
            read_only: n.read_only,
            latency_us: n.latency_us,
            lag_ms: n.heartbeat_lag_ms,
            down_since: n.down_since,
            error: n.last_error.clone(),
        }
    }
}

impl ShardMark {
    pub fn of(h: &Health) -> ShardMark {
        let down = h.primary_down_since().map(|since| {
            let answering = || h.nodes.iter().skip(1).filter(|n| n.reachable);
            PrimaryDown {
                since,
                replica_answers: answering().next().is_some(),
                data_age_ms: answering().filter_map(|n| n.heartbeat_lag_ms).min(),
            }
        });
        ShardMark {
            known: true,
            reachable: h.reachable,
            down,
            nodes: h.nodes.iter().map(NodeMark::of).collect(),
        }
    }

    /// Whether the screen would change from `old` to `self`: the status bar and the banner
    /// always; the nodes (whose latencies move with every probe) only when `nodes_shown`.
    pub fn redraws(&self, old: &ShardMark, nodes_shown: bool) -> bool {
        let bar = |m: &ShardMark| (m.known, m.reachable, m.down);
        bar(self) != bar(old) || (nodes_shown && self.nodes != old.nodes)
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
    Stock,
    Transactions,
    Counts,
    Admin,
    Reports,
    Audit,
}

/// A service call, one enum per pane (defined next to the pane that makes it).
#[derive(Debug, Clone)]
pub enum Call {
    Login(login::Call),
    Dashboard(dashboard::Call),
    Products(products::Call),
    Stock(stock::Call),
    Txn(txn::Call),
    Counts(count::Call),
    Admin(admin::Call),
    Reports(report::Call),
    Audit(audit::Call),
}

#[derive(Debug)]
pub enum Reply {
    Login(login::Reply),
    Dashboard(dashboard::Reply),
    Products(products::Reply),
    Stock(stock::Reply),
    Txn(txn::Reply),
    Counts(count::Reply),
    Admin(admin::Reply),
    Reports(report::Reply),
    Audit(audit::Reply),
    /// The call's task died (a bug): the pane is told, so it does not wait forever.
    Failed(String),
}

impl Call {
    pub fn pane(&self) -> PaneId {
        match self {
            Call::Login(_) => PaneId::Login,
            Call::Dashboard(_) => PaneId::Dashboard,
            Call::Products(_) => PaneId::Products,
            Call::Stock(_) => PaneId::Stock,
            Call::Txn(_) => PaneId::Transactions,
            Call::Counts(_) => PaneId::Counts,
            Call::Admin(_) => PaneId::Admin,
            Call::Reports(_) => PaneId::Reports,
            Call::Audit(_) => PaneId::Audit,
        }
    }

    /// Runs the call against the services (on a task of its own, never on the loop).
    pub async fn run(self, s: Services, actor: Option<Actor>) -> Reply {
        match self {
            Call::Login(c) => Reply::Login(c.run(&s).await),
            Call::Dashboard(c) => Reply::Dashboard(c.run(&s).await),
            Call::Products(c) => Reply::Products(c.run(&s, actor).await),
            Call::Stock(c) => Reply::Stock(c.run(&s).await),
            Call::Txn(c) => Reply::Txn(c.run(&s, actor).await),
            Call::Counts(c) => Reply::Counts(c.run(&s, actor).await),
            Call::Admin(c) => Reply::Admin(c.run(&s, actor).await),
            Call::Reports(c) => Reply::Reports(c.run(&s).await),
            Call::Audit(c) => Reply::Audit(c.run(&s, actor).await),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn node(role: &'static str, reachable: bool, lag_ms: Option<i64>) -> NodeHealth {
        NodeHealth {
            role,
            url: format!("mysql://g@127.0.0.1/{role}"),
            reachable,
            heartbeat_lag_ms: lag_ms,
            ..Default::default()
        }
    }

    fn health(nodes: Vec<NodeHealth>) -> Health {
        Health {
            reachable: true,
            nodes,
            ..Default::default()
        }
    }

    #[test]
    fn a_down_primary_names_the_freshest_answering_replica() {
        let mut primary = node("primary", false, None);
        primary.down_since = Some(1_000);
        let h = health(vec![
            primary.clone(),
            // Fresher, but it does not answer: its lag is from before.
            node("replica", false, Some(5)),
            node("replica", true, Some(41_000)),
            node("replica", true, Some(37_000)),
        ]);
        let m = ShardMark::of(&h);
        assert_eq!(
            m.down,
            Some(PrimaryDown {
                since: 1_000,
                replica_answers: true,
                data_age_ms: Some(37_000)
            })
        );
        assert_eq!(m.nodes.len(), 4);
        assert!(m.nodes[0].primary && !m.nodes[1].primary);

        let alone = ShardMark::of(&health(vec![primary, node("replica", false, Some(5))]));
        assert_eq!(
            alone.down.map(|d| (d.replica_answers, d.data_age_ms)),
            Some((false, None))
        );
    }

    #[test]
    fn sqlite_and_answering_primaries_have_no_banner() {
        assert_eq!(ShardMark::of(&health(Vec::new())).down, None);
        let up = ShardMark::of(&health(vec![node("primary", true, None)]));
        assert_eq!(up.down, None);
    }

    #[test]
    fn latencies_redraw_only_where_the_nodes_are_shown() {
        let mut a = ShardMark::of(&health(vec![node("primary", true, None)]));
        let mut b = a.clone();
        b.nodes[0].latency_us = Some(412);
        assert!(!b.redraws(&a, false) && b.redraws(&a, true));
        a.down = Some(PrimaryDown {
            since: 1,
            replica_answers: false,
            data_age_ms: None,
        });
        assert!(b.redraws(&a, false), "the banner goes away");
    }
}
