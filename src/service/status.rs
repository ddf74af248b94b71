//! `gudang status`: every node of every shard (the primary, then its replicas) with its role,
//! whether it answers and how fast, whether it says it is read-only, how old a replica's data
//! is, the schema version against the newest this gudang knows, and whether commits are
//! durable. Each node is probed on a fresh connection of its own, within `primary_timeout_ms`
//! (at least 1 s), so that status works when the app would not start and with a primary down.
//!
//! Lag is measured by the heartbeat, the same way on every engine: status writes the time into
//! the primary's heartbeat row (the shard monitor's conditional UPDATE, which never moves the row
//! backwards), then polls each replica until that value, or a later one, has arrived, or the lag
//! bound and one second more have passed. With the primary down, a replica's data age
//! (now - its heartbeat) is shown instead. The engine's own view ([`Backend::engine_lag`]) is
//! read after the poll, so that PostgreSQL's (the age of the last replayed transaction) counts
//! from the heartbeat just written, not from the last posting.
//!
//! [`exit_code`]: 0 when all is well, 1 when a replica is over its lag bound or does not
//! answer, 2 when a primary is down (no answer, or it says it is a replica); 2 wins.

use std::time::{Duration, Instant};

use futures::future::join_all;
use serde::Serialize;
use sqlx::{AnyConnection, Connection, Executor, Row};

use crate::config::Config;
use crate::db::dialect::redact_url;
use crate::db::{Backend, ShardName, migrate};
use crate::domain::ids::now_micros;

/// One node of one shard, as `gudang status --json` prints it (field names are stable).
#[derive(Debug, Clone, Serialize)]
pub struct NodeStatus {
    pub shard: &'static str,
    /// "primary" or "replica": the role the config gives the node.
    pub role: &'static str,
    /// The URL, password hidden.
    pub url: String,
    pub backend: String,
    pub reachable: bool,
    /// One round trip of the read-only probe on the fresh connection.
    pub latency_ms: Option<f64>,
    /// The node says it is a replica (`@@read_only`, `pg_is_in_recovery()`).
    pub read_only: Option<bool>,
    /// Replicas, primary up: how long the heartbeat just written took to arrive.
    pub heartbeat_lag_ms: Option<i64>,
    /// Replicas, when the lag could not be measured (primary down, or over the bound): how
    /// old the replica's heartbeat is.
    pub data_age_ms: Option<i64>,
    /// Replicas: the engine's own view, where it has one.
    pub engine_lag_secs: Option<i64>,
    /// Replicas: the heartbeat took longer than `max_replica_lag_secs`, or did not arrive.
    pub over_lag_bound: bool,
    pub schema_version: Option<i64>,
    pub latest_schema: i64,
    /// Whether every commit is flushed to disk (`Backend::durability_probe`).
    pub durable: Option<bool>,
    /// The settings that decide it.
    pub durability: Option<String>,
    /// Why the node cannot serve in its role (no answer, a primary that is a replica).
    pub error: Option<String>,
    /// What is worth a look but does not stop the node serving.
    pub warnings: Vec<String>,
}

/// 0 all well, 1 a replica over its lag bound or not answering, 2 a primary down.
pub fn exit_code(report: &[NodeStatus]) -> i32 {
    let primary_down = report
        .iter()
        .any(|n| n.role == "primary" && n.error.is_some());
    let replica_behind = report
        .iter()
        .any(|n| n.role == "replica" && (n.over_lag_bound || n.error.is_some()));
    if primary_down {
        2
    } else if replica_behind {
        1
    } else {
        0
    }
}

/// Probes every node of every shard, the shards at once.
pub async fn status(config: &Config) -> Vec<NodeStatus> {
    sqlx::any::install_default_drivers();
    let d = &config.database;
    let limits = Limits {
        timeout: Duration::from_millis(d.primary_timeout_ms).max(Duration::from_secs(1)),
        bound: Duration::from_secs(d.max_replica_lag_secs),
    };
    let shards = ShardName::ALL.map(|s| shard_status(config, s, limits));
    join_all(shards).await.into_iter().flatten().collect()
}

#[derive(Clone, Copy)]
struct Limits {
    /// For connecting, and for each question asked.
    timeout: Duration,
    bound: Duration,
}

/// A node being probed: what is known so far, and its connection while it answers.
struct Probe {
    st: NodeStatus,
    backend: Option<Backend>,
    conn: Option<AnyConnection>,
}

/// What the replicas' lag is measured against.
enum Beat {
    /// Written on the primary: the value to wait for, and when it was committed.
    Sent(i64, Instant),
    /// The primary is down (or is a replica): show the replicas' data age instead.
    PrimaryDown,
    /// The primary answers but has no heartbeat to beat (said in its warnings).
    Unavailable,
}

async fn shard_status(config: &Config, shard: ShardName, limits: Limits) -> Vec<NodeStatus> {
    let url = config.shard_url(shard);
    let replica_urls = config.replica_urls(shard);
    let (mut primary, mut replicas) = tokio::join!(
        open(shard, "primary", &url, limits),
        join_all(
            replica_urls
                .iter()
                .map(|u| open(shard, "replica", u, limits))
        )
    );
    if primary.st.read_only == Some(true) {
        primary.st.error = Some(format!(
            "says it is a replica (read-only): gudang does not write to it; point database.{}_url at the primary",
            shard.as_str()
        ));
    }
    let beat = if replicas.is_empty() {
        Beat::Unavailable
    } else if primary.conn.is_none() || primary.st.error.is_some() {
        Beat::PrimaryDown
    } else {
        beat(&mut primary, limits).await
    };
    join_all(replicas.iter_mut().map(|r| replica_lag(r, &beat, limits))).await;
    let mut out = Vec::with_capacity(1 + replicas.len());
    for mut p in std::iter::once(primary).chain(replicas) {
        if let Some(c) = p.conn.take() {
            let _ = tokio::time::timeout(limits.timeout, c.close()).await;
        }
        out.push(p.st);
    }
    out
}

/// Connects to one node and asks what does not depend on the others: read-only, schema
/// version, durability.
async fn open(shard: ShardName, role: &'static str, url: &str, limits: Limits) -> Probe {
    let backend = Backend::from_url(url).ok();
    let mut p = Probe {
        st: NodeStatus {
            shard: shard.as_str(),
            role,
            url: redact_url(url),
            backend: backend.map_or("unknown", Backend::name).to_string(),
            reachable: false,
            latency_ms: None,
            read_only: None,
            heartbeat_lag_ms: None,
            data_age_ms: None,
            engine_lag_secs: None,
            over_lag_bound: false,
            schema_version: None,
            latest_schema: migrate::latest(shard),
            durable: None,
            durability: None,
            error: None,
            warnings: Vec::new(),
        },
        backend,
        conn: None,
    };
    let Some(backend) = backend else {
        p.st.error = Some("unsupported database URL".into());
        return p;
    };
    if backend == Backend::Sqlite {
        let path = url.trim_start_matches("sqlite://");
        if !std::path::Path::new(path.split('?').next().unwrap_or(path)).exists() {
            p.st.error = Some("database file does not exist (run `gudang init`)".into());
            return p;
        }
    }
    let ms = limits.timeout.as_millis();
    let mut c = match tokio::time::timeout(limits.timeout, AnyConnection::connect(url)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            p.st.error = Some(e.to_string());
            return p;
        }
        Err(_) => {
            p.st.error = Some(format!("no answer within {ms} ms"));
            return p;
        }
    };
    let started = Instant::now();
    let probe = sqlx::query_scalar::<_, i64>(backend.is_replica_probe()).fetch_one(&mut c);
    match tokio::time::timeout(limits.timeout, probe).await {
        Ok(Ok(replica)) => {
            let us = started.elapsed().as_micros() as f64;
            p.st.latency_ms = Some((us / 100.0).round() / 10.0);
            p.st.reachable = true;
            p.st.read_only = Some(replica != 0);
        }
        Ok(Err(e)) => {
            p.st.error = Some(e.to_string());
            return p;
        }
        Err(_) => {
            p.st.error = Some(format!("no answer within {ms} ms"));
            return p;
        }
    }
    if role == "replica" && p.st.read_only == Some(false) {
        p.st.warnings.push(
            "does not say it is read-only: a write made on it directly would not reach the primary"
                .into(),
        );
    }
    match ask(limits, migrate::current_version(&mut c, shard.as_str())).await {
        Ok(v) => p.st.schema_version = Some(v),
        Err(e) if e.contains("schema_migrations") => {
            p.st.warnings.push("no schema yet (not migrated)".into());
        }
        Err(e) => p.st.warnings.push(format!("schema version: {e}")),
    }
    match backend.durability_probe() {
        Some(q) => match ask(
            limits,
            sqlx::query_as::<_, (i64, String)>(q).fetch_one(&mut c),
        )
        .await
        {
            Ok((durable, settings)) => {
                p.st.durable = Some(durable == 1);
                if durable != 1 {
                    p.st.warnings.push(format!(
                        "commits are not all durable ({settings}): a crash of this server can lose acknowledged postings"
                    ));
                }
                p.st.durability = Some(settings);
            }
            Err(e) => p.st.warnings.push(format!("durability: {e}")),
        },
        // gudang's own session settings decide (see `Backend::session_setup`).
        None => {
            p.st.durable = Some(true);
            p.st.durability = Some("synchronous=FULL, set by gudang on every connection".into());
        }
    }
    p.conn = Some(c);
    p
}

/// Runs one question within the time limit; its error, or the time-out, as text.
async fn ask<T, E: std::fmt::Display>(
    limits: Limits,
    q: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(limits.timeout, q).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "no answer within {} ms",
            limits.timeout.as_millis()
        )),
    }
}

/// Writes `now` into the primary's heartbeat row and reads back the value the replicas must
/// reach (later than `now` if another process beat it since).
async fn beat(primary: &mut Probe, limits: Limits) -> Beat {
    let (Some(backend), Some(c)) = (primary.backend, primary.conn.as_mut()) else {
        return Beat::PrimaryDown;
    };
    let now = now_micros();
    let update = sqlx::query(backend.sql("UPDATE heartbeat SET at = ? WHERE id = 1 AND at < ?"))
        .bind(now)
        .bind(now)
        .execute(&mut *c);
    if let Err(e) = ask(limits, update).await {
        primary.st.warnings.push(match primary.st.schema_version {
            None => "no heartbeat to beat yet (not migrated): replica lag not measured".into(),
            Some(_) => format!("cannot beat the heartbeat ({e}): replica lag not measured"),
        });
        return Beat::Unavailable;
    }
    let committed = Instant::now();
    let read = sqlx::query_scalar::<_, i64>("SELECT at FROM heartbeat WHERE id = 1")
        .fetch_optional(&mut *c);
    match ask(limits, read).await {
        Ok(Some(at)) => Beat::Sent(at.max(now), committed),
        Ok(None) => {
            primary
                .st
                .warnings
                .push("the heartbeat table has no row 1; replica lag not measured".into());
            Beat::Unavailable
        }
        Err(e) => {
            primary
                .st
                .warnings
                .push(format!("heartbeat: {e}; replica lag not measured"));
            Beat::Unavailable
        }
    }
}

/// How often a replica is asked whether the heartbeat has arrived.
const POLL: Duration = Duration::from_millis(10);

/// A replica's lag by the heartbeat (or its data age), then the engine's view.
async fn replica_lag(r: &mut Probe, beat: &Beat, limits: Limits) {
    let (Some(backend), Some(c)) = (r.backend, r.conn.as_mut()) else {
        return;
    };
    let read_beat = async |c: &mut AnyConnection| {
        let q = sqlx::query_scalar::<_, i64>("SELECT at FROM heartbeat WHERE id = 1");
        ask(limits, q.fetch_optional(c)).await
    };
    match beat {
        Beat::Sent(target, committed) => {
            let deadline = *committed + limits.bound + Duration::from_secs(1);
            loop {
                let seen = match read_beat(c).await {
                    Ok(v) => v,
                    Err(e) => {
                        r.st.error = Some(format!("heartbeat: {e}"));
                        break;
                    }
                };
                if seen.is_some_and(|at| at >= *target) {
                    let lag = committed.elapsed();
                    r.st.heartbeat_lag_ms = Some(lag.as_millis() as i64);
                    r.st.over_lag_bound = lag > limits.bound;
                    break;
                }
                if Instant::now() >= deadline {
                    r.st.over_lag_bound = true;
                    r.st.data_age_ms = data_age(seen);
                    break;
                }
                tokio::time::sleep(POLL).await;
            }
        }
        Beat::PrimaryDown => match read_beat(c).await {
            Ok(seen) => r.st.data_age_ms = data_age(seen),
            Err(e) => r.st.warnings.push(format!("heartbeat: {e}")),
        },
        Beat::Unavailable => {}
    }
    let Some((q, column)) = backend.engine_lag() else {
        return;
    };
    let lag = match column {
        None => {
            ask(
                limits,
                sqlx::query_scalar::<_, Option<i64>>(q).fetch_one(&mut *c),
            )
            .await
        }
        Some(col) => ask(limits, c.fetch_optional(q))
            .await
            .and_then(|row| match row {
                Some(row) => row
                    .try_get::<Option<i64>, _>(col)
                    .map_err(|e| e.to_string()),
                None => Ok(None),
            }),
    };
    match lag {
        Ok(Some(secs)) => r.st.engine_lag_secs = Some(secs),
        Ok(None) => r
            .st
            .warnings
            .push("the engine does not say how far behind it is (is replication running?)".into()),
        Err(e) => r.st.warnings.push(format!("engine lag: {e}")),
    }
}

/// How old a replica's heartbeat is; `None` if it was never beaten.
fn data_age(seen: Option<i64>) -> Option<i64> {
    seen.filter(|at| *at > 0)
        .map(|at| ((now_micros() - at) / 1000).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(role: &'static str) -> NodeStatus {
        NodeStatus {
            shard: "master",
            role,
            url: String::new(),
            backend: "mysql".into(),
            reachable: true,
            latency_ms: None,
            read_only: None,
            heartbeat_lag_ms: None,
            data_age_ms: None,
            engine_lag_secs: None,
            over_lag_bound: false,
            schema_version: None,
            latest_schema: 1,
            durable: None,
            durability: None,
            error: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_down_primary_wins_over_a_lagging_replica() {
        let mut lagging = node("replica");
        lagging.over_lag_bound = true;
        let mut down = node("primary");
        down.error = Some("no answer".into());
        let mut warned = node("replica");
        warned.warnings.push("not read-only".into());
        assert_eq!(exit_code(&[node("primary"), warned.clone()]), 0);
        assert_eq!(exit_code(&[node("primary"), lagging.clone()]), 1);
        assert_eq!(exit_code(&[down.clone(), node("replica")]), 2);
        assert_eq!(exit_code(&[down, lagging]), 2);
    }
}
