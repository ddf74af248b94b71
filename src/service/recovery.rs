//! Self-healing: resolves postings left pending (their process died, or a shard was
//! unreachable) from the durable decision on the location shard. Runs at start-up and
//! periodically; a posting still undecided past the grace period is aborted, never guessed.

use std::time::Duration;

use serde::Serialize;

use super::Services;
use crate::db::journal;
use crate::db::location;
use crate::domain::ids;
use crate::error::Result;
use crate::failpoint;

/// What one recovery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    pub resolved: u64,
    pub posted: u64,
    pub rejected: u64,
}

/// The reason recorded on a posting that recovery rolled back.
pub const INTERRUPTED: &str =
    "interrupted before the stock was updated; nothing was posted (post it again)";

/// Resolves every posting pending for longer than `grace_micros`.
pub async fn recover(s: &Services, grace_micros: i64) -> Result<RecoveryReport> {
    let mut report = RecoveryReport::default();
    loop {
        let before = ids::now_micros() - grace_micros;
        let tb = s.shards.transaction.backend();
        let pending = s
            .shards
            .transaction
            .read(move |p| {
                Box::pin(async move { journal::pending_before(&p, tb, before, 500).await })
            })
            .await?;
        if pending.is_empty() {
            return Ok(report);
        }
        for id in pending {
            let id2 = id.clone();
            let header = s
                .shards
                .transaction
                .read(move |p| Box::pin(async move { journal::header_by_id(&p, tb, &id2).await }))
                .await?;
            let Some(h) = header.filter(|h| h.status == "pending") else {
                continue;
            };
            failpoint::hit("recover.before_decide");
            let lb = s.shards.location.backend();
            let id3 = id.clone();
            let decision = s
                .shards
                .location
                .write(move |c| {
                    Box::pin(async move {
                        location::abort_if_undecided(c, lb, &id3, INTERRUPTED, ids::now_micros())
                            .await
                    })
                })
                .await?;
            failpoint::hit("recover.after_decide");
            let out = s.mark(&h, decision, true).await?;
            report.resolved += 1;
            if out.is_posted() {
                report.posted += 1;
            } else {
                report.rejected += 1;
            }
        }
    }
}

/// Runs [`recover`] every `recovery_interval_secs` until the services are dropped.
pub fn spawn_periodic(s: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(s.config.posting.recovery_interval_secs.max(1));
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = recover(&s, s.grace_micros()).await {
                tracing::warn!("periodic recovery failed: {e}");
            }
        }
    })
}
