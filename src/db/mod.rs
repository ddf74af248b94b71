//! The three shards and the queries each one answers. Nothing here joins across shards; the
//! services do that.

pub mod apply;
pub mod bulk;
pub mod coalesce;
pub mod dialect;
pub mod journal;
pub mod location;
pub mod master;
pub mod migrate;
pub mod multi;
pub mod shard;

pub use dialect::Backend;
pub use shard::{Health, ShardHandle, ShardName};

use crate::config::Config;
use crate::error::{Error, Result};
use sqlx::{AnyConnection, Connection, Executor};

/// Handles to all three shards.
#[derive(Clone)]
pub struct Shards {
    pub master: ShardHandle,
    pub location: ShardHandle,
    pub transaction: ShardHandle,
}

impl Shards {
    /// Opens (creating and migrating where needed) the three shards named by `config`.
    pub async fn open(config: &Config) -> Result<Shards> {
        sqlx::any::install_default_drivers();
        if let Some(dir) = config.sqlite_dir_to_create() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                Error::Config(format!("cannot create data directory {}: {e}", dir.display()))
            })?;
        }
        let reads = config.database.read_connections;
        let mut handles = Vec::with_capacity(3);
        for name in ShardName::ALL {
            let url = config.shard_url(name);
            migrate_url(name, &url).await?;
            handles.push(ShardHandle::start(name, &url, reads).await?);
        }
        let transaction = handles.pop().ok_or_else(|| Error::Config("no shards".into()))?;
        let location = handles.pop().ok_or_else(|| Error::Config("no shards".into()))?;
        let master = handles.pop().ok_or_else(|| Error::Config("no shards".into()))?;
        Ok(Shards { master, location, transaction })
    }

    pub fn all(&self) -> [&ShardHandle; 3] {
        [&self.master, &self.location, &self.transaction]
    }
}

/// Brings one shard's schema up to date on a short-lived connection of its own.
async fn migrate_url(name: ShardName, url: &str) -> Result<i64> {
    let backend = Backend::from_url(url)?;
    let s = name.as_str();
    let url_c = if backend == Backend::Sqlite && !url.contains("mode=") {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_string()
    };
    let mut conn = AnyConnection::connect(&url_c).await.map_err(|e| Error::Config(format!(
        "cannot open the {s} shard at {}: {e}",
        dialect::redact_url(url)
    )))?;
    for stmt in backend.session_setup() {
        conn.execute(*stmt).await.map_err(Error::db(s))?;
    }
    let v = migrate::run(&mut conn, backend, name).await?;
    let _ = conn.close().await;
    Ok(v)
}
