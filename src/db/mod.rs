//! The three shards and the queries each one answers. Nothing here joins across shards; the
//! services do that.

pub mod apply;
pub mod audit;
pub mod bulk;
pub mod coalesce;
pub mod counts;
pub mod dialect;
pub mod journal;
pub mod keyset;
pub mod location;
pub mod master;
pub mod master_bulk;
pub mod migrate;
pub mod monitor;
pub mod multi;
pub mod nodes;
pub mod reports;
pub mod shard;
pub mod writer;

pub use dialect::Backend;
pub use nodes::Route;
pub use shard::{Health, NodeSpec, ShardHandle, ShardName};

use crate::config::Config;
use crate::error::{Error, Result};
use std::time::Duration;

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
            // Private (0700, files 0600), tightened if an older gudang left it open; a
            // directory others can write to is refused (see `fsmode`).
            for note in crate::fsmode::secure_data_dir(&dir)? {
                tracing::warn!("{note}");
            }
        }
        for name in ShardName::ALL {
            let url = config.shard_url(name);
            let creates = !url.contains("mode=") || url.contains("mode=rwc");
            if let Some(file) = sqlite_file(&url).filter(|_| creates) {
                // SQLite creates a new database 0644 and its -wal/-shm files with the
                // database's mode: an empty file made 0600 first is a valid new database.
                // Should that fail (a missing directory), SQLite's own open says why.
                let _ = crate::fsmode::create_private_file(&file);
            }
        }
        let mut handles = Vec::with_capacity(3);
        for name in ShardName::ALL {
            let spec = node_spec(config, name);
            let down = match migrate_url(name, &spec.url, spec.timeout).await? {
                Ok(_) => None,
                // With replicas the shard starts read-only; its primary is migrated by the
                // first process that starts while it answers.
                Err(down) if !spec.replicas.is_empty() => {
                    replica_schema_ok(name, &spec).await?;
                    tracing::warn!(
                        "{down}; starting with the {} shard read-only",
                        name.as_str()
                    );
                    Some(down.to_string())
                }
                Err(down) => return Err(down),
            };
            let handle = ShardHandle::start(name, &spec).await?;
            if let Some(reason) = down {
                handle.mark_primary_down(&reason);
            }
            handles.push(handle);
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

/// The file of an embedded SQLite database URL (`sqlite://path?...`), if it names one (not an
/// in-memory database).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(':')).then(|| std::path::PathBuf::from(path))
}

/// Where `config` puts one shard's nodes.
pub fn node_spec(config: &Config, name: ShardName) -> NodeSpec {
    let d = &config.database;
    NodeSpec {
        url: config.shard_url(name),
        replicas: config.replica_urls(name).to_vec(),
        read_connections: d.read_connections,
        timeout: Duration::from_millis(d.primary_timeout_ms),
        max_replica_lag: Duration::from_secs(d.max_replica_lag_secs),
    }
}

/// A shard whose primary is down at start-up may serve reads from a replica only if that
/// replica's schema is the one this gudang knows (it cannot migrate a replica).
async fn replica_schema_ok(name: ShardName, spec: &NodeSpec) -> Result<()> {
    let s = name.as_str();
    let mut last = String::new();
    for url in &spec.replicas {
        let probe = async {
            let mut c = AnyConnection::connect(url).await?;
            let v = migrate::current_version(&mut c, s).await;
            let _ = c.close().await;
            Ok::<_, sqlx::Error>(v)
        };
        match tokio::time::timeout(spec.timeout.max(Duration::from_secs(2)), probe).await {
            Ok(Ok(Ok(v))) if v == migrate::latest(name) => return Ok(()),
            Ok(Ok(Ok(v))) => {
                last = format!(
                    "its replica {} has schema version {v}, this gudang needs {}",
                    dialect::redact_url(url),
                    migrate::latest(name)
                )
            }
            Ok(Ok(Err(e))) => last = e.to_string(),
            Ok(Err(e)) => last = e.to_string(),
            Err(_) => last = format!("{}: no answer", dialect::redact_url(url)),
        }
    }
    Err(Error::Unavailable(format!(
        "the {s} shard's primary is down and no replica can serve it ({last}); start again when the primary answers"
    )))
}

/// How long opening a shard may wait for its database to answer when it has no replicas to
/// fall back on.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Brings one shard's schema up to date on a short-lived connection of its own. A database
/// that does not exist, is a replica, or compares text in a way gudang cannot rely on is a
/// clear error naming the shard and its URL (password hidden). The inner `Err` is a primary
/// that cannot be reached (the caller may fall back on replicas).
async fn migrate_url(name: ShardName, url: &str, timeout: Duration) -> Result<Result<i64>> {
    let backend = Backend::from_url(url)?;
    let s = name.as_str();
    let shown = dialect::redact_url(url);
    let url_c = if backend == Backend::Sqlite && !url.contains("mode=") {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_string()
    };
    let limit = CONNECT_TIMEOUT.max(timeout);
    let mut conn = match tokio::time::timeout(limit, AnyConnection::connect(&url_c)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) if unreachable(&e) => {
            return Ok(Err(Error::Config(open_failure(s, &shown, backend, &e))));
        }
        Ok(Err(e)) => return Err(Error::Config(open_failure(s, &shown, backend, &e))),
        Err(_) => {
            return Ok(Err(Error::Config(format!(
                "cannot open the {s} shard at {shown}: no answer within {} s (is the server running and reachable?)",
                limit.as_secs()
            ))));
        }
    };
    for stmt in backend.session_setup() {
        conn.execute(*stmt).await.map_err(Error::db(s))?;
    }
    let replica: i64 = sqlx::query_scalar(backend.is_replica_probe())
        .fetch_one(&mut conn)
        .await
        .map_err(Error::db(s))?;
    if replica != 0 {
        let _ = conn.close().await;
        return Err(Error::Config(format!(
            "database.{s}_url points at {shown}, which says it is a replica (read-only); \
             gudang writes only to a primary. Put that URL in database.{s}_replicas and {s}_url at the primary"
        )));
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
    Ok(Ok(v))
}

/// A connection failure that means the server is not there (as opposed to refusing us).
fn unreachable(e: &sqlx::Error) -> bool {
    !tls_refused(e)
        && (matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut)
            || e.to_string().contains("refused"))
}

/// A TLS handshake that failed on the certificate: the server is there, the set-up is wrong
/// (sqlx reports it as an I/O error).
fn tls_refused(e: &sqlx::Error) -> bool {
    let d = e.to_string();
    matches!(e, sqlx::Error::Tls(_))
        || d.contains("certificate")
        || d.contains("CertificateRequired")
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
    } else if tls_refused(e) {
        msg.push_str(" (the server's TLS certificate was refused: check that ssl-ca / sslrootcert is the CA that signed it and that it names the host in the URL; see docs/replication.md section 4)");
    } else if backend == Backend::Mysql && detail.contains("1045") {
        msg.push_str(" (a wrong user or password; or the server requires TLS — require_secure_transport or REQUIRE SSL — and the URL lacks ssl-mode=VERIFY_IDENTITY&ssl-ca=...; see docs/replication.md section 4)");
    } else if matches!(e, sqlx::Error::Io(_)) || detail.contains("refused") {
        msg.push_str(&format!(
            " (is the {server} server running and listening there?)"
        ));
    }
    msg
}
