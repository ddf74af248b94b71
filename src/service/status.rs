//! `gudang status`: each shard's backend, URL (password hidden), reachability, latency and
//! schema version, probed on a fresh connection so that it works even when the app would not
//! start.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::{AnyConnection, Connection};

use crate::config::Config;
use crate::db::dialect::redact_url;
use crate::db::{Backend, ShardName, migrate};

#[derive(Debug, Clone, Serialize)]
pub struct ShardStatus {
    pub shard: &'static str,
    pub backend: String,
    pub url: String,
    pub reachable: bool,
    pub latency_ms: Option<f64>,
    pub schema_version: Option<i64>,
    pub latest_schema: i64,
    pub error: Option<String>,
}

/// Probes every shard (with a 5 s limit each).
pub async fn status(config: &Config) -> Vec<ShardStatus> {
    sqlx::any::install_default_drivers();
    let mut out = Vec::new();
    for shard in ShardName::ALL {
        let url = config.shard_url(shard);
        let mut st = ShardStatus {
            shard: shard.as_str(),
            backend: Backend::from_url(&url)
                .map(|b| b.name().to_string())
                .unwrap_or_else(|_| "unknown".into()),
            url: redact_url(&url),
            reachable: false,
            latency_ms: None,
            schema_version: None,
            latest_schema: migrate::latest(shard),
            error: None,
        };
        if url.starts_with("sqlite://") {
            let path = url.trim_start_matches("sqlite://");
            if !std::path::Path::new(path.split('?').next().unwrap_or(path)).exists() {
                st.error = Some("database file does not exist (run `gudang init`)".into());
                out.push(st);
                continue;
            }
        }
        let probe = async {
            let started = Instant::now();
            let mut c = AnyConnection::connect(&url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query("SELECT 1")
                .execute(&mut c)
                .await
                .map_err(|e| e.to_string())?;
            let latency = started.elapsed().as_secs_f64() * 1000.0;
            let v = migrate::current_version(&mut c, shard.as_str()).await.ok();
            let _ = c.close().await;
            Ok::<_, String>((latency, v))
        };
        match tokio::time::timeout(Duration::from_secs(5), probe).await {
            Ok(Ok((lat, v))) => {
                st.reachable = true;
                st.latency_ms = Some(lat);
                st.schema_version = v;
            }
            Ok(Err(e)) => st.error = Some(e),
            Err(_) => st.error = Some("no answer within 5 s".into()),
        }
        out.push(st);
    }
    out
}
