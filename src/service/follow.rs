//! Following the config file while running: when an operator promotes a replica and points a
//! shard's URL at it (or changes a shard's replicas), a running app picks the change up within a
//! second or two, without a restart. Only the database nodes are followed; any other change
//! waits for the next start, and a file that no longer parses or validates is ignored (with a
//! line in the log) so that a half-saved edit never stops the app.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::Services;
use crate::config::Config;
use crate::db::{ShardName, node_spec};

/// How often the file's modification time is looked at.
const EVERY: Duration = Duration::from_secs(1);

/// Watches the file the services' config came from, if any, until the services are dropped.
pub fn spawn_config_follower(s: Services) -> Option<tokio::task::JoinHandle<()>> {
    let path = s.config.source.clone()?;
    let data_dir = s.config.data_dir_flag.clone();
    Some(tokio::spawn(async move {
        let mut seen = modified(&path);
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = modified(&path);
            if now == seen {
                continue;
            }
            seen = now;
            match Config::load(Some(&path), data_dir.as_deref()) {
                Ok(c) => {
                    apply(&s, &c);
                }
                Err(e) => tracing::warn!(
                    "{} changed but cannot be used ({e}); keeping the databases as they are",
                    path.display()
                ),
            }
        }
    }))
}

fn modified(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Points each shard at the nodes `c` names. Returns how many shards changed.
pub fn apply(s: &Services, c: &Config) -> usize {
    let mut changed = 0;
    for (name, handle) in ShardName::ALL.iter().zip(s.shards.all()) {
        match handle.reconfigure(&node_spec(c, *name)) {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!("{} shard: config change not followed: {e}", name.as_str()),
        }
    }
    if changed > 0 {
        s.cache.forget_all();
    }
    changed
}
