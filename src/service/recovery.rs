//! Self-healing: journals every decided document that a crash (or an unreachable transaction
//! shard) left in the location shard's outbox. Runs at start-up and periodically. Journaling is
//! idempotent (the header's primary key), so recovery may race a live poster safely; the grace
//! period only spares it work that the poster is about to do anyway.

use std::time::Duration;

use serde::Serialize;

use super::Services;
use crate::db::location;
use crate::domain::{TxStatus, ids};
use crate::error::{Error, Result};
use crate::failpoint;

/// What one recovery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    /// Outbox entries finished.
    pub resolved: u64,
    pub posted: u64,
    pub rejected: u64,
}

/// Entries per round.
const ROUND: i64 = 500;

/// Journals every outbox entry older than `grace_micros`.
pub async fn recover(s: &Services, grace_micros: i64) -> Result<RecoveryReport> {
    let mut report = RecoveryReport::default();
    loop {
        let before = ids::now_micros() - grace_micros;
        let lb = s.shards.location.backend();
        let waiting = s
            .shards
            .location
            .read(move |p| {
                Box::pin(async move { location::outbox_before(&p, lb, before, ROUND).await })
            })
            .await?;
        if waiting.is_empty() {
            return Ok(report);
        }
        // Each entry with its decision applied (stored with the outcome).
        let mut docs = Vec::with_capacity(waiting.len());
        for id in waiting {
            let stored = s
                .shards
                .location
                .read(move |p| {
                    Box::pin(async move {
                        let mut c = p.acquire().await.map_err(Error::db("location"))?;
                        location::stored(&mut c, lb, &id).await
                    })
                })
                .await?;
            // Gone meanwhile: a live poster finished it.
            if let Some(doc) = stored.and_then(|d| d.doc) {
                docs.push(doc);
            }
        }
        if docs.is_empty() {
            continue;
        }
        let statuses: Vec<String> = docs.iter().map(|d| d.header.status.clone()).collect();
        let ids: Vec<String> = docs.iter().map(|d| d.header.id.clone()).collect();
        // A round at a time, all of its entries sharing the journal's and the outbox's
        // batches: journal every one, then forget every one.
        failpoint::hit("recover.before_journal");
        for r in futures::future::join_all(docs.into_iter().map(|d| s.journal(d))).await {
            r?;
        }
        failpoint::hit("recover.after_journal");
        for r in futures::future::join_all(ids.into_iter().map(|id| s.forget(id))).await {
            r?;
        }
        for status in statuses {
            report.resolved += 1;
            if status == TxStatus::Posted.as_str() {
                report.posted += 1;
            } else {
                report.rejected += 1;
            }
        }
    }
}

/// Removes the journaled outbox entries kept for backups (location migration 7) once they are
/// older than `backup.outbox_retention_hours`; returns how many went.
pub async fn purge_retained(s: &Services) -> Result<u64> {
    let hours = s.config.backup.outbox_retention_hours as i64;
    let before = ids::now_micros().saturating_sub(hours.saturating_mul(3_600_000_000));
    let lb = s.shards.location.backend();
    let mut total = 0;
    loop {
        let n = s
            .shards
            .location
            .write(move |c| Box::pin(location::purge_outbox_done(c, lb, before)))
            .await?;
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

/// Numbers used to be given on the transaction shard. A location shard that starts numbering
/// after that must continue each sequence where the transaction shard's left off, or the
/// journal would refuse its numbers as taken. Needed once per start, before any posting.
pub(crate) async fn catch_up_numbers(s: &Services) -> Result<()> {
    type Seq = Vec<(String, i64, i64)>;
    const SEQ: &str = "SELECT kind, year, last_no FROM number_seq";
    let tb = s.shards.transaction.backend();
    let old: Seq = s
        .shards
        .transaction
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_as(tb.sql(SEQ))
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("transaction"))
            })
        })
        .await?;
    if old.is_empty() {
        return Ok(());
    }
    let lb = s.shards.location.backend();
    let now: Seq = s
        .shards
        .location
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_as(lb.sql(SEQ))
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("location"))
            })
        })
        .await?;
    let behind: Seq = old
        .into_iter()
        .filter(|(k, y, n)| !now.iter().any(|(k2, y2, n2)| k2 == k && y2 == y && n2 >= n))
        .collect();
    if behind.is_empty() {
        return Ok(());
    }
    s.shards
        .location
        .write(move |c| {
            Box::pin(async move {
                for (kind, year, last) in behind {
                    sqlx::query(lb.sql("INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, ?) ON CONFLICT (kind, year) DO UPDATE SET last_no = CASE WHEN excluded.last_no > number_seq.last_no THEN excluded.last_no ELSE number_seq.last_no END"))
                        .bind(kind).bind(year).bind(last)
                        .execute(&mut *c).await.map_err(Error::db("location"))?;
                }
                Ok(())
            })
        })
        .await
}

/// Runs [`recover`] every `recovery_interval_secs` until the services are dropped, and at once
/// (whatever the entries' age) when the location or transaction primary answers again after
/// being down, so that the outbox a down transaction shard left drains within seconds.
pub fn spawn_periodic(s: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(s.config.posting.recovery_interval_secs.max(1));
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = tokio::time::Instant::now();
        let mut was_up = s.posting_primaries_up();
        loop {
            tick.tick().await;
            let up = s.posting_primaries_up();
            let back = up && !was_up;
            was_up = up;
            if !up || !(back || last.elapsed() >= every) {
                continue;
            }
            last = tokio::time::Instant::now();
            let grace = if back { 0 } else { s.grace_micros() };
            if back {
                tracing::warn!("the posting primaries answer again: journaling what waited");
                if let Err(e) = catch_up_numbers(&s).await {
                    tracing::warn!("carrying numbers over failed: {e}");
                }
            }
            if let Err(e) = recover(&s, grace).await {
                tracing::warn!("periodic recovery failed: {e}");
            }
            if let Err(e) = purge_retained(&s).await {
                tracing::warn!("purging journaled outbox entries past their retention failed: {e}");
            }
        }
    })
}

/// How often the app closes the months that ended (see [`spawn_closing`]).
const CLOSE_EVERY: Duration = Duration::from_secs(3600);

/// Closes the months that ended (the reports' monthly balances: `reports::closing`) in the
/// background, a little after start-up and then hourly, so that a clerk's report does not wait
/// for a month's closing. Closing is idempotent: with several processes running, the first
/// closes a month and the others find it closed.
pub fn spawn_closing(s: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + Duration::from_secs(10);
        let mut tick = tokio::time::interval_at(start, CLOSE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if s.shards.transaction.health().primary_down_since().is_some() {
                continue;
            }
            match s.close_months().await {
                Ok(d) if d.closed > 0 => {
                    tracing::info!(
                        "closed {} month(s) of stock balances ({} rows)",
                        d.closed,
                        d.rows
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("closing the months that ended failed: {e}"),
            }
        }
    })
}
