//! A round trip to each shard's read pool, for the dashboard's health panel: does the shard
//! answer, and how fast. (A shard's write health only changes when this process writes.)

use std::time::{Duration, Instant};

use serde::Serialize;

use super::Services;
use crate::db::ShardName;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShardPing {
    pub shard: ShardName,
    /// Round-trip time of `SELECT 1`, when it answered.
    pub latency_us: Option<u64>,
    pub error: Option<String>,
}

const LIMIT: Duration = Duration::from_secs(3);

impl Services {
    /// Pings the three shards concurrently, each within a few seconds.
    pub async fn ping_shards(&self) -> Vec<ShardPing> {
        let one = |h: crate::db::ShardHandle| async move {
            let name = h.name();
            let started = Instant::now();
            let probe = h.read(move |p| {
                Box::pin(async move {
                    sqlx::query("SELECT 1")
                        .execute(&p)
                        .await
                        .map_err(Error::db(name.as_str()))?;
                    Ok(())
                })
            });
            let (latency_us, error) = match tokio::time::timeout(LIMIT, probe).await {
                Ok(Ok(())) => (Some(started.elapsed().as_micros() as u64), None),
                Ok(Err(e)) => (None, Some(e.to_string())),
                Err(_) => (
                    None,
                    Some(format!("no answer within {} s", LIMIT.as_secs())),
                ),
            };
            ShardPing {
                shard: name,
                latency_us,
                error,
            }
        };
        let s = &self.shards;
        let (m, l, t) = tokio::join!(
            one(s.master.clone()),
            one(s.location.clone()),
            one(s.transaction.clone())
        );
        vec![m, l, t]
    }
}
