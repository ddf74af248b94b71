//! The nodes behind one shard on a database server: its primary and its replicas, what the
//! shard's monitor last saw of each, and where a read goes.
//!
//! Every half second the monitor asks each node the same question (is it a replica?) within
//! `primary_timeout_ms`; a primary that does not answer, or that says it is a replica, is *down*
//! from that moment until it answers as a primary again. While a shard has replicas the monitor
//! also writes the time into the primary's heartbeat row every half second and reads it back on each
//! replica: the difference is how old that replica's data is, measured the same way on every
//! engine. The engine's own view (Seconds_Behind_Master, replay timestamp) is kept beside it.
//!
//! Reads name a [`Route`]. Browsing may use a replica whose data is young enough and that has
//! applied this process's own last write on the shard (compared by replication position: GTID
//! on MariaDB, LSN on PostgreSQL), else the primary; with the primary down, the freshest
//! replica that answers, however old (the status bar says how old).

use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use sqlx::AnyPool;
use sqlx::any::AnyConnectOptions;

use super::dialect::Backend;

/// Where a read may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The primary only: what a decision rests on (logins, lockout counters, stock checks,
    /// the consistency check).
    Primary,
    /// Lists, search, dashboard, stock view, history: a replica within the lag bound that has
    /// this process's own writes, else the primary, else (primary down) any replica.
    Browse,
    /// The primary while it answers, else the freshest replica (master data that a posting
    /// looks up: products change rarely, and postings go on with the master primary down).
    PrimaryElseReplica,
}

/// A replication position: per GTID domain the last sequence number (MariaDB), or a WAL
/// location (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    Gtid(Vec<(u32, u64)>),
    Lsn(u64),
}

impl Position {
    /// Parses a position as [`Backend::write_position`] and [`Backend::applied_position`] give
    /// it. `None` for text that is neither (e.g. an empty GTID list: nothing written yet).
    pub fn parse(backend: Backend, text: &str) -> Option<Position> {
        match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let (hi, lo) = text.trim().split_once('/')?;
                let hi = u64::from_str_radix(hi, 16).ok()?;
                let lo = u64::from_str_radix(lo, 16).ok()?;
                Some(Position::Lsn((hi << 32) | lo))
            }
            Backend::Mysql => {
                let mut domains = Vec::new();
                for gtid in text.split(',').map(str::trim).filter(|g| !g.is_empty()) {
                    let mut parts = gtid.split('-');
                    let domain = parts.next()?.parse().ok()?;
                    let _server: u64 = parts.next()?.parse().ok()?;
                    let seq = parts.next()?.parse().ok()?;
                    domains.push((domain, seq));
                }
                (!domains.is_empty()).then_some(Position::Gtid(domains))
            }
        }
    }

    /// Whether a node that has applied `applied` has everything up to `self`.
    pub fn reached_by(&self, applied: &Position) -> bool {
        match (self, applied) {
            (Position::Lsn(want), Position::Lsn(have)) => have >= want,
            (Position::Gtid(want), Position::Gtid(have)) => want
                .iter()
                .all(|(d, s)| have.iter().any(|(hd, hs)| hd == d && hs >= s)),
            _ => false,
        }
    }
}

/// What the monitor last saw of one node.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeHealth {
    /// "primary" or "replica": the role the config gives it.
    pub role: &'static str,
    /// The URL, password hidden.
    pub url: String,
    pub reachable: bool,
    /// The node says it is a replica (`@@read_only`, `pg_is_in_recovery()`).
    pub read_only: Option<bool>,
    pub latency_us: Option<u64>,
    /// Replicas: how old the data is, by the heartbeat row (milliseconds).
    pub heartbeat_lag_ms: Option<i64>,
    /// Replicas: the engine's own view (seconds), where it has one.
    pub engine_lag_secs: Option<i64>,
    /// Primary: since when (microseconds, UTC) it has not answered as a primary.
    pub down_since: Option<i64>,
    pub last_error: Option<String>,
    /// When the monitor last asked (microseconds, UTC).
    pub checked_at: Option<i64>,
    /// Reads this process has sent to the node.
    pub reads: u64,
    /// Replicas: the replication position applied (not shown; compared for reads).
    #[serde(skip)]
    pub applied: Option<Position>,
}

/// A replica: its pool and what the monitor saw.
pub struct Replica {
    pub url: String,
    pub opts: AnyConnectOptions,
    pub pool: AnyPool,
    pub health: Mutex<NodeHealth>,
}

/// The primary's connection settings and read pool.
pub struct Primary {
    pub url: String,
    pub opts: AnyConnectOptions,
    pub pool: AnyPool,
}

/// The nodes of one shard, replaced whole when the config names other ones.
pub struct NodeSet {
    pub primary: Primary,
    pub replicas: Vec<Arc<Replica>>,
    /// Bumped at each replacement, so the writer knows to reconnect.
    pub epoch: u64,
}

/// Shared between a shard's handle, its writer, its reads and its monitor.
pub struct Nodes {
    pub backend: Backend,
    pub set: RwLock<Arc<NodeSet>>,
    pub primary: Mutex<NodeHealth>,
    /// This process's last committed write on the shard, by replication position.
    pub last_write: Mutex<Option<Position>>,
    pub max_lag_ms: i64,
    pub timeout: std::time::Duration,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Nodes {
    pub fn current(&self) -> Arc<NodeSet> {
        self.set
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Since when the primary has been down, if it is.
    pub fn primary_down_since(&self) -> Option<i64> {
        lock(&self.primary).down_since
    }

    pub fn primary_health(&self) -> NodeHealth {
        lock(&self.primary).clone()
    }

    pub fn set_primary(&self, f: impl FnOnce(&mut NodeHealth)) {
        f(&mut lock(&self.primary));
    }

    pub fn note_write(&self, pos: Option<Position>) {
        if pos.is_some() {
            *lock(&self.last_write) = pos;
        }
    }

    /// The pool a read on `route` should use now, and whether it is a replica's.
    pub fn pick(&self, route: Route) -> Option<(AnyPool, bool)> {
        let set = self.current();
        let primary_up = self.primary_down_since().is_none();
        let to_primary = || {
            lock(&self.primary).reads += 1;
            Some((set.primary.pool.clone(), false))
        };
        if route == Route::Primary || set.replicas.is_empty() {
            return if primary_up { to_primary() } else { None };
        }
        if route == Route::PrimaryElseReplica && primary_up {
            return to_primary();
        }
        let mine = lock(&self.last_write).clone();
        let mut freshest: Option<(i64, &Arc<Replica>)> = None;
        for r in &set.replicas {
            let mut h = lock(&r.health);
            // Not yet looked at (just started): worth a try when the primary is down.
            if !h.reachable && (h.checked_at.is_some() || primary_up) {
                continue;
            }
            let lag = h.heartbeat_lag_ms.unwrap_or(i64::MAX);
            let has_mine = match (&mine, &h.applied) {
                (None, _) => true,
                (Some(m), Some(a)) => m.reached_by(a),
                (Some(_), None) => false,
            };
            if primary_up && route == Route::Browse && lag <= self.max_lag_ms && has_mine {
                h.reads += 1;
                return Some((r.pool.clone(), true));
            }
            if freshest.is_none_or(|(l, _)| lag < l) {
                freshest = Some((lag, r));
            }
        }
        if primary_up {
            return to_primary();
        }
        freshest.map(|(_, r)| {
            lock(&r.health).reads += 1;
            (r.pool.clone(), true)
        })
    }

    /// Every node's health, primary first.
    pub fn health(&self) -> Vec<NodeHealth> {
        let set = self.current();
        let mut out = vec![self.primary_health()];
        out.extend(set.replicas.iter().map(|r| lock(&r.health).clone()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtid_positions() {
        let want = Position::parse(Backend::Mysql, "0-1-100,1-1-7").unwrap();
        let ahead = Position::parse(Backend::Mysql, "0-1-101, 1-2-7").unwrap();
        let behind = Position::parse(Backend::Mysql, "0-1-99,1-1-9").unwrap();
        let missing = Position::parse(Backend::Mysql, "0-1-500").unwrap();
        assert!(want.reached_by(&ahead));
        assert!(!want.reached_by(&behind));
        assert!(!want.reached_by(&missing));
        assert_eq!(Position::parse(Backend::Mysql, ""), None);
        assert_eq!(Position::parse(Backend::Mysql, "x-1-2"), None);
    }

    #[test]
    fn lsn_positions() {
        let want = Position::parse(Backend::Postgres, "0/16B3748").unwrap();
        let same = Position::parse(Backend::Postgres, "0/16B3748").unwrap();
        let later = Position::parse(Backend::Postgres, "1/0").unwrap();
        let earlier = Position::parse(Backend::Postgres, "0/16B3700").unwrap();
        assert!(want.reached_by(&same));
        assert!(want.reached_by(&later));
        assert!(!want.reached_by(&earlier));
        assert!(!want.reached_by(&Position::Gtid(vec![(0, 1)])));
    }
}
