//! A shard's monitor: every half second it asks each node of a server-backed shard whether it
//! answers and whether it is a replica, within `primary_timeout_ms`, and records what it saw in
//! [`Nodes`]; while the shard has replicas it also beats the primary's heartbeat at each look
//! and reads each replica's a moment later. It ends when the shard's handles are gone.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use futures::future::join_all;
use sqlx::{AnyConnection, Connection, Executor, Row};
use tokio::sync::watch;

use super::dialect::{Backend, redact_url};
use super::nodes::{NodeHealth, Nodes, Position, Replica};
use super::shard::ShardName;
use crate::domain::ids::now_micros;

const TICK: Duration = Duration::from_millis(500);
/// How long after a beat the replicas are read; the floor of the lag the monitor reports.
const SETTLE: Duration = Duration::from_millis(50);

pub(crate) async fn monitor_loop(name: ShardName, nodes: Weak<Nodes>, down: watch::Sender<bool>) {
    let mut conn: Option<(u64, AnyConnection)> = None;
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(nodes) = nodes.upgrade() else {
            return;
        };
        let set = nodes.current();
        if conn.as_ref().is_some_and(|(epoch, _)| *epoch != set.epoch) {
            conn = None;
        }
        let beat = !set.replicas.is_empty();
        let started = Instant::now();
        let probed = tokio::time::timeout(nodes.timeout, async {
            if conn.is_none() {
                let c = AnyConnection::connect_with(&set.primary.opts).await?;
                conn = Some((set.epoch, c));
            }
            let Some((_, c)) = conn.as_mut() else {
                return Err(sqlx::Error::PoolClosed);
            };
            let replica: i64 = sqlx::query_scalar(nodes.backend.is_replica_probe())
                .fetch_one(&mut *c)
                .await?;
            if beat && replica == 0 {
                let now = now_micros();
                sqlx::query(
                    nodes
                        .backend
                        .sql("UPDATE heartbeat SET at = ? WHERE id = 1 AND at < ?"),
                )
                .bind(now)
                .bind(now)
                .execute(&mut *c)
                .await?;
            }
            Ok(replica)
        })
        .await;
        let latency = started.elapsed().as_micros() as u64;
        let outcome = match probed {
            Ok(Ok(0)) => Ok(()),
            Ok(Ok(_)) => Err(format!(
                "{} says it is a replica (read-only): gudang does not write to it",
                redact_url(&set.primary.url)
            )),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", nodes.timeout.as_millis())),
        };
        if outcome.is_err() {
            conn = None;
        }
        let beaten = beat && outcome.is_ok();
        record_primary(name, &nodes, outcome, latency, &down);
        if beaten {
            // A replica keeping up applies the beat within milliseconds: read it a moment
            // later, so that a healthy replica's lag reads as that moment, not as the time
            // between two beats.
            tokio::time::sleep(SETTLE).await;
        }
        let probes = set
            .replicas
            .iter()
            .map(|r| probe_replica(nodes.backend, nodes.timeout, r.clone()));
        join_all(probes).await;
    }
}

fn record_primary(
    name: ShardName,
    nodes: &Nodes,
    outcome: Result<(), String>,
    latency: u64,
    down: &watch::Sender<bool>,
) {
    let now = now_micros();
    nodes.set_primary(|h| {
        h.checked_at = Some(now);
        match outcome {
            Ok(()) => {
                if h.down_since.is_some() {
                    tracing::warn!("{} shard: the primary answers again", name.as_str());
                }
                h.reachable = true;
                h.read_only = Some(false);
                h.latency_us = Some(latency);
                h.down_since = None;
                h.last_error = None;
            }
            Err(e) => {
                if h.down_since.is_none() {
                    tracing::warn!("{} shard: the primary is down: {e}", name.as_str());
                    h.down_since = Some(now);
                }
                h.reachable = e.contains("read-only");
                h.read_only = e.contains("read-only").then_some(true);
                h.latency_us = None;
                h.last_error = Some(e);
            }
        }
    });
    let is_down = nodes.primary_down_since().is_some();
    down.send_if_modified(|d| {
        let changed = *d != is_down;
        *d = is_down;
        changed
    });
}

async fn probe_replica(backend: Backend, timeout: Duration, r: Arc<Replica>) {
    let started = Instant::now();
    let seen = tokio::time::timeout(timeout, ask_replica(backend, &r)).await;
    let now = now_micros();
    let mut h = r.health.lock().unwrap_or_else(|p| p.into_inner());
    h.checked_at = Some(now);
    match seen {
        Ok(Ok(s)) => {
            h.reachable = true;
            h.read_only = Some(s.read_only);
            h.latency_us = Some(started.elapsed().as_micros() as u64);
            h.heartbeat_lag_ms = s.beat.map(|at| ((now - at) / 1000).max(0));
            h.engine_lag_secs = s.engine_lag;
            h.applied = s.applied;
            h.last_error = None;
        }
        Ok(Err(e)) => unreachable_replica(&mut h, e.to_string()),
        Err(_) => unreachable_replica(
            &mut h,
            format!("no answer within {} ms", timeout.as_millis()),
        ),
    }
}

fn unreachable_replica(h: &mut NodeHealth, e: String) {
    h.reachable = false;
    h.latency_us = None;
    h.last_error = Some(e);
}

struct Seen {
    read_only: bool,
    beat: Option<i64>,
    engine_lag: Option<i64>,
    applied: Option<Position>,
}

async fn ask_replica(backend: Backend, r: &Replica) -> sqlx::Result<Seen> {
    let mut c = r.pool.acquire().await?;
    let read_only: i64 = sqlx::query_scalar(backend.is_replica_probe())
        .fetch_one(&mut *c)
        .await?;
    let beat: Option<i64> = sqlx::query_scalar("SELECT at FROM heartbeat WHERE id = 1")
        .fetch_optional(&mut *c)
        .await?
        .filter(|at| *at > 0);
    let applied = match backend.applied_position() {
        Some(q) => {
            let text: Option<String> = sqlx::query_scalar(q).fetch_one(&mut *c).await?;
            text.and_then(|t| Position::parse(backend, &t))
        }
        None => None,
    };
    let engine_lag = match backend.engine_lag() {
        Some((q, None)) => sqlx::query_scalar::<_, Option<i64>>(q)
            .fetch_one(&mut *c)
            .await
            .ok()
            .flatten(),
        Some((q, Some(column))) => match c.fetch_optional(q).await {
            Ok(Some(row)) => row.try_get::<Option<i64>, _>(column).ok().flatten(),
            _ => None,
        },
        None => None,
    };
    Ok(Seen {
        read_only: read_only != 0,
        beat,
        engine_lag,
        applied,
    })
}
