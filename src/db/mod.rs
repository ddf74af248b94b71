//! The three shards and the queries each one answers. Nothing here joins across shards; the
//! services do that.

pub mod apply;
pub mod bulk;
pub mod coalesce;
pub mod dialect;
pub mod journal;
pub mod location;
pub mod master;
pub mod master_bulk;
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
                Error::Config(format!(
                    "cannot create data directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let reads = config.database.read_connections;
        let mut handles = Vec::with_capacity(3);
        for name in ShardName::ALL {
            let url = config.shard_url(name);
            migrate_url(name, &url).await?;
            handles.push(ShardHandle::start(name, &url, reads).await?);
        }
        let transaction = handles
            .pop()
            .ok_or_else(|| Error::Config("no shards".into()))?;
        let location = handles
            .pop()
            .ok_or_else(|| Error::Config("no shards".into()))?;
        let master = handles
            .pop()
            .ok_or_else(|| Error::Config("no shards".into()))?;
        Ok(Shards {
            master,
            location,
            transaction,
        })
    }

    pub fn all(&self) -> [&ShardHandle; 3] {
        [&self.master, &self.location, &self.transaction]
    }
}

/// How long opening a shard may wait for its database to answer.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Brings one shard's schema up to date on a short-lived connection of its own. A database
/// that cannot be reached, does not exist, or compares text in a way gudang cannot rely on is a
/// clear error naming the shard and its URL (password hidden).
async fn migrate_url(name: ShardName, url: &str) -> Result<i64> {
    let backend = Backend::from_url(url)?;
    let s = name.as_str();
    let shown = dialect::redact_url(url);
    let url_c = if backend == Backend::Sqlite && !url.contains("mode=") {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_string()
    };
    let mut conn = match tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect(&url_c)).await
    {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(Error::Config(open_failure(s, &shown, backend, &e))),
        Err(_) => {
            return Err(Error::Config(format!(
                "cannot open the {s} shard at {shown}: no answer within {} s (is the server running and reachable?)",
                CONNECT_TIMEOUT.as_secs()
            )));
        }
    };
    for stmt in backend.session_setup() {
        conn.execute(*stmt).await.map_err(Error::db(s))?;
    }
    if let Some(q) = backend.collation_probe() {
        let (collation, byte_order): (String, i64) = sqlx::query_as(q)
            .fetch_one(&mut conn)
            .await
            .map_err(Error::db(s))?;
        if byte_order != 1 {
            let _ = conn.close().await;
            return Err(Error::Config(format!(
                "the {s} shard's database at {shown} does not compare text byte by byte (collation '{collation}'); {}",
                backend.collation_advice()
            )));
        }
    }
    if let Some(q) = backend.durability_probe() {
        let (durable, settings): (i64, String) = sqlx::query_as(q)
            .fetch_one(&mut conn)
            .await
            .map_err(Error::db(s))?;
        if durable != 1 {
            tracing::warn!(
                "the {s} shard's server at {shown} does not make every commit durable ({settings}): \
                 a crash of that server can lose acknowledged postings"
            );
        }
    }
    let v = migrate::run(&mut conn, backend, name).await?;
    let _ = conn.close().await;
    Ok(v)
}

/// The message for a shard whose database refused or failed the first connection.
fn open_failure(shard: &str, shown: &str, backend: Backend, e: &sqlx::Error) -> String {
    let mut msg = format!("cannot open the {shard} shard at {shown}: {e}");
    let detail = e.to_string();
    let (server, doc) = match backend {
        Backend::Sqlite => return msg,
        Backend::Postgres => ("PostgreSQL", "docs/postgres.md"),
        Backend::Mysql => ("MariaDB/MySQL", "docs/replication.md"),
    };
    if (detail.contains("does not exist") || detail.contains("Unknown database"))
        && detail.to_lowercase().contains("database")
    {
        msg.push_str(&format!(" (create the database first; see {doc})"));
    } else if matches!(e, sqlx::Error::Io(_)) || detail.contains("refused") {
        msg.push_str(&format!(
            " (is the {server} server running and listening there?)"
        ));
    }
    msg
}
