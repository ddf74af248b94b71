//! Scratch copies of a shard for the floor: a SQLite file beside the shard's, a database on
//! the shard's MySQL server, or a schema in the shard's PostgreSQL database, made by gudang's
//! own migrations (so tables, indexes and triggers are the shard's) and dropped after.

use std::path::PathBuf;

use sqlx::{AnyConnection, Connection, Executor};

use crate::db::{Backend, ShardName, migrate};
use crate::error::{Error, Result};

/// A scratch copy of one shard: a SQLite file beside the shard's, a database on the shard's
/// MySQL server, or a schema in the shard's PostgreSQL database.
pub(super) struct Scratch {
    shard: ShardName,
    url: String,
    /// Where the scratch copy is made and dropped from (the shard's own URL on a server).
    admin_url: String,
    name: String,
    file: Option<PathBuf>,
}

impl Scratch {
    pub(super) async fn create(b: Backend, shard: ShardName, url: &str) -> Result<Scratch> {
        let s = shard.as_str();
        let scratch = match b {
            Backend::Sqlite => {
                let path = crate::db::sqlite_file(url).ok_or_else(|| {
                    Error::Invalid("the floor needs the shards in files, not in memory".into())
                })?;
                let name = format!(
                    "bench_floor_{}",
                    path.file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_else(|| format!("{s}.db"))
                );
                let file = path.with_file_name(&name);
                let url = format!("sqlite://{}?mode=rwc", file.display());
                Scratch {
                    shard,
                    url,
                    admin_url: String::new(),
                    name,
                    file: Some(file),
                }
            }
            Backend::Mysql => {
                let (head, db, tail) = split_db(url)?;
                // MySQL names are at most 64 characters; a backtick would end the quoted name.
                let name: String = format!("bench_floor_{s}_{db}")
                    .chars()
                    .filter(|c| *c != '`')
                    .take(64)
                    .collect();
                Scratch {
                    shard,
                    url: format!("{head}/{name}{tail}"),
                    admin_url: url.to_string(),
                    name,
                    file: None,
                }
            }
            Backend::Postgres => Scratch {
                shard,
                url: url.to_string(),
                admin_url: url.to_string(),
                name: format!("bench_floor_{s}"),
                file: None,
            },
        };
        // A run that died left it behind.
        scratch.drop_all(b).await;
        if b != Backend::Sqlite {
            let mut admin = AnyConnection::connect(&scratch.admin_url)
                .await
                .map_err(Error::db(s))?;
            let made = match b {
                Backend::Mysql => {
                    let coll: String = sqlx::query_scalar("SELECT @@collation_database")
                        .fetch_one(&mut admin)
                        .await
                        .map_err(Error::db(s))?;
                    format!(
                        "CREATE DATABASE `{}` CHARACTER SET utf8mb4 COLLATE {coll}",
                        scratch.name
                    )
                }
                _ => format!("CREATE SCHEMA \"{}\"", scratch.name),
            };
            admin
                .execute(sqlx::AssertSqlSafe(made))
                .await
                .map_err(Error::db(s))?;
            let _ = admin.close().await;
        }
        let mut c = scratch.connect(b).await?;
        let migrated = migrate::run(&mut c, b, shard).await;
        let _ = c.close().await;
        if let Err(e) = migrated {
            scratch.drop_all(b).await;
            return Err(e);
        }
        Ok(scratch)
    }

    /// A connection to the scratch copy with the session gudang's shard connections get.
    pub(super) async fn connect(&self, b: Backend) -> Result<AnyConnection> {
        let s = self.shard.as_str();
        let mut c = AnyConnection::connect(&self.url)
            .await
            .map_err(Error::db(s))?;
        for q in b.session_setup() {
            c.execute(*q).await.map_err(Error::db(s))?;
        }
        if b == Backend::Postgres {
            c.execute(sqlx::AssertSqlSafe(format!(
                "SET search_path TO \"{}\"",
                self.name
            )))
            .await
            .map_err(Error::db(s))?;
        }
        Ok(c)
    }

    /// Drops the scratch copy if it is there (errors are only logged: this is clean-up).
    pub(super) async fn drop_all(&self, b: Backend) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = file.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            return;
        }
        let sql = match b {
            Backend::Mysql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            _ => format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name),
        };
        let dropped = async {
            let mut c = AnyConnection::connect(&self.admin_url).await?;
            c.execute(sqlx::AssertSqlSafe(sql)).await?;
            c.close().await
        }
        .await;
        if let Err(e) = dropped {
            tracing::warn!("bench floor: could not drop {}: {e}", self.name);
        }
    }
}

/// `scheme://who@host:port`, the database, and `?options` of a server URL.
fn split_db(url: &str) -> Result<(&str, &str, &str)> {
    let bad = || Error::Invalid(format!("cannot find the database in the URL of {url}"));
    let after = url.find("://").ok_or_else(bad)? + 3;
    let slash = after + url[after..].find('/').ok_or_else(bad)?;
    let end = url[slash..].find('?').map_or(url.len(), |q| slash + q);
    let db = &url[slash + 1..end];
    if db.is_empty() {
        return Err(bad());
    }
    Ok((&url[..slash], db, &url[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_give_up_their_database() {
        assert_eq!(
            split_db("mysql://g:pw@127.0.0.1:33306/bench_l?ssl-mode=disabled").unwrap(),
            (
                "mysql://g:pw@127.0.0.1:33306",
                "bench_l",
                "?ssl-mode=disabled"
            )
        );
        assert_eq!(
            split_db("postgres://u@h/x").unwrap(),
            ("postgres://u@h", "x", "")
        );
        assert!(split_db("mysql://g@h:1").is_err());
        assert!(split_db("mysql://g@h:1/").is_err());
        assert_eq!(
            crate::db::sqlite_file("sqlite:///tmp/d/location.db?mode=rwc"),
            Some(PathBuf::from("/tmp/d/location.db"))
        );
        assert_eq!(crate::db::sqlite_file("sqlite::memory:"), None);
    }
}
