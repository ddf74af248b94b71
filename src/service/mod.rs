//! Use cases. Every business rule lives here once; the CLI and the TUI both call these
//! functions. Use cases that span shards (login, posting, the dashboard, the check, import and
//! export) join in the application, never in SQL.

pub mod audit;
pub mod audit_diff;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod cache;
pub mod catalog;
pub mod check;
pub mod counts;
pub mod csvio;
pub mod dashboard;
pub mod demo;
pub mod export;
pub mod follow;
pub mod locations;
pub mod ping;
pub mod posting;
pub mod recovery;
pub mod reports;
pub mod settle;
pub mod status;
pub mod stock_view;
pub mod txns;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::db::Shards;
use crate::db::master::AuditEntry;
use crate::domain::Role;
use crate::domain::role::Permission;
use crate::error::{Error, Result};

/// Who is acting: the logged-in user (TUI) or the `--as` user (CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// Refuses with a clear message unless the actor's role allows `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(Error::Denied {
                role: self.role,
                what: p,
            })
        }
    }
}

/// The services' shared state: the shards, the config, and the few in-process resources the
/// rules need.
#[derive(Clone)]
pub struct Services {
    pub shards: Shards,
    pub config: Arc<Config>,
    hash_slots: Arc<Semaphore>,
    /// Login throttling for emails that match no account, so that they are indistinguishable
    /// from real accounts under attack.
    unknown_failures: Arc<Mutex<HashMap<String, (i64, i64)>>>,
    /// Master and location lookups of the posting path.
    pub(crate) cache: cache::LookupCache,
    /// The posting protocol's shared writes.
    pub(crate) batches: posting::Batches,
}

impl Services {
    /// Opens the shards, carries document numbers over from a deployment made by an earlier
    /// build, and journals whatever a crash left in the outbox, whatever its age (journaling is
    /// idempotent, so a live process elsewhere loses nothing by it).
    pub async fn open(config: Config) -> Result<Services> {
        let shards = Shards::open(&config).await?;
        let s = Services::new(shards, config);
        // Recovery writes to both; with either primary down it waits for the periodic pass
        // that follows the primary's return.
        if s.posting_primaries_up() {
            recovery::catch_up_numbers(&s).await?;
            recovery::recover(&s, 0).await?;
            // Journaled entries kept for backups past their retention go (also periodically,
            // but a deployment used only through the CLI has no periodic pass).
            if let Err(e) = recovery::purge_retained(&s).await {
                tracing::warn!("purging journaled outbox entries past their retention failed: {e}");
            }
        } else {
            tracing::warn!("a primary is down: start-up recovery waits until it answers");
        }
        Ok(s)
    }

    pub fn new(shards: Shards, config: Config) -> Services {
        let slots = config.security.hash_concurrency.max(1) as usize;
        Services {
            shards,
            config: Arc::new(config),
            hash_slots: Arc::new(Semaphore::new(slots)),
            unknown_failures: Arc::new(Mutex::new(HashMap::new())),
            cache: cache::LookupCache::default(),
            batches: posting::Batches::default(),
        }
    }

    /// Whether the location and transaction primaries (what recovery writes to) answer.
    pub fn posting_primaries_up(&self) -> bool {
        [&self.shards.location, &self.shards.transaction]
            .iter()
            .all(|h| h.health().primary_down_since().is_none())
    }

    pub fn grace_micros(&self) -> i64 {
        (self.config.posting.recovery_grace_secs as i64).saturating_mul(1_000_000)
    }
}

/// Builds an audit entry for a change made by `actor`.
pub(crate) fn audit<T: Serialize>(
    actor: &str,
    entity: &str,
    entity_id: &str,
    action: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> AuditEntry {
    AuditEntry {
        id: crate::domain::new_id(),
        at: crate::domain::ids::now_micros(),
        actor: actor.to_string(),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        action: action.to_string(),
        before_json: before.and_then(|b| serde_json::to_string(b).ok()),
        after_json: after.and_then(|a| serde_json::to_string(a).ok()),
        doc: None,
    }
}

/// Turns a unique violation into a clear conflict message; other errors pass through.
pub(crate) fn conflict(e: Error, msg: impl FnOnce() -> String) -> Error {
    if e.is_unique_violation() {
        Error::Conflict(msg())
    } else {
        e
    }
}
