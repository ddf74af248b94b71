//! Schema migrations, embedded in the binary. Each shard has a numbered list; a migration is
//! portable SQL unless a backend has its own variant (`migrations/<shard>/<backend>/`). A backend
//! with neither simply records the version (e.g. a search index it does without).

use sqlx::{AnyConnection, Executor, Row};

use super::dialect::Backend;
use super::shard::ShardName;
use crate::error::{Error, Result};

struct Migration {
    version: i64,
    name: &'static str,
    portable: Option<&'static str>,
    sqlite: Option<&'static str>,
    postgres: Option<&'static str>,
    mysql: Option<&'static str>,
}

impl Migration {
    fn sql(&self, backend: Backend) -> Option<&'static str> {
        let own = match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
            Backend::Mysql => self.mysql,
        };
        own.or(self.portable)
    }
}

const MASTER: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        portable: Some(include_str!("../../migrations/master/001_init.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
    Migration {
        version: 2,
        name: "product_search",
        portable: None,
        sqlite: Some(include_str!(
            "../../migrations/master/sqlite/002_product_search.sql"
        )),
        postgres: Some(include_str!(
            "../../migrations/master/postgres/002_product_search.sql"
        )),
        mysql: None,
    },
    Migration {
        version: 3,
        name: "product_counts",
        portable: None,
        sqlite: Some(include_str!(
            "../../migrations/master/sqlite/003_product_counts.sql"
        )),
        postgres: Some(include_str!(
            "../../migrations/master/postgres/003_product_counts.sql"
        )),
        mysql: Some(include_str!(
            "../../migrations/master/mysql/003_product_counts.sql"
        )),
    },
    Migration {
        version: 4,
        name: "heartbeat",
        portable: Some(include_str!("../../migrations/master/004_heartbeat.sql")),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/master/mysql/004_heartbeat.sql"
        )),
    },
    Migration {
        version: 5,
        name: "product_trigrams",
        portable: None,
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/master/mysql/005_product_trigrams.sql"
        )),
    },
    Migration {
        version: 6,
        name: "sort_keys",
        portable: Some(include_str!("../../migrations/master/006_sort_keys.sql")),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/master/mysql/006_sort_keys.sql"
        )),
    },
    Migration {
        version: 7,
        name: "audit_doc",
        portable: Some(include_str!("../../migrations/master/007_audit_doc.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
];

const LOCATION: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        portable: Some(include_str!("../../migrations/location/001_init.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
    Migration {
        version: 2,
        name: "stock_value",
        portable: None,
        sqlite: Some(include_str!(
            "../../migrations/location/sqlite/002_stock_value.sql"
        )),
        postgres: Some(include_str!(
            "../../migrations/location/postgres/002_stock_value.sql"
        )),
        mysql: Some(include_str!(
            "../../migrations/location/mysql/002_stock_value.sql"
        )),
    },
    Migration {
        version: 3,
        name: "decisions_journal",
        portable: None,
        sqlite: Some(include_str!(
            "../../migrations/location/sqlite/003_decisions_journal.sql"
        )),
        postgres: Some(include_str!(
            "../../migrations/location/postgres/003_decisions_journal.sql"
        )),
        mysql: Some(include_str!(
            "../../migrations/location/mysql/003_decisions_journal.sql"
        )),
    },
    Migration {
        version: 4,
        name: "heartbeat",
        portable: Some(include_str!("../../migrations/location/004_heartbeat.sql")),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/location/mysql/004_heartbeat.sql"
        )),
    },
    Migration {
        version: 5,
        name: "counts",
        portable: Some(include_str!("../../migrations/location/005_counts.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
    Migration {
        version: 6,
        name: "stock_max",
        portable: Some(include_str!("../../migrations/location/006_stock_max.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
    Migration {
        version: 7,
        name: "outbox_retention",
        portable: None,
        sqlite: Some(include_str!(
            "../../migrations/location/sqlite/007_outbox_retention.sql"
        )),
        postgres: Some(include_str!(
            "../../migrations/location/postgres/007_outbox_retention.sql"
        )),
        mysql: Some(include_str!(
            "../../migrations/location/mysql/007_outbox_retention.sql"
        )),
    },
    Migration {
        version: 8,
        name: "audit_doc",
        portable: Some(include_str!("../../migrations/location/008_audit_doc.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
];

const TRANSACTION: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        portable: Some(include_str!("../../migrations/transaction/001_init.sql")),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
    Migration {
        version: 2,
        name: "line_time",
        portable: Some(include_str!(
            "../../migrations/transaction/002_line_time.sql"
        )),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/transaction/mysql/002_line_time.sql"
        )),
    },
    Migration {
        version: 3,
        name: "heartbeat",
        portable: Some(include_str!(
            "../../migrations/transaction/003_heartbeat.sql"
        )),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/transaction/mysql/003_heartbeat.sql"
        )),
    },
    Migration {
        version: 4,
        name: "list_keys",
        portable: Some(include_str!(
            "../../migrations/transaction/004_list_keys.sql"
        )),
        sqlite: None,
        postgres: None,
        mysql: Some(include_str!(
            "../../migrations/transaction/mysql/004_list_keys.sql"
        )),
    },
    Migration {
        version: 5,
        name: "closings",
        portable: Some(include_str!(
            "../../migrations/transaction/005_closings.sql"
        )),
        sqlite: None,
        postgres: None,
        mysql: None,
    },
];

fn list(shard: ShardName) -> &'static [Migration] {
    match shard {
        ShardName::Master => MASTER,
        ShardName::Location => LOCATION,
        ShardName::Transaction => TRANSACTION,
    }
}

/// The newest schema version this binary knows for a shard.
pub fn latest(shard: ShardName) -> i64 {
    list(shard).iter().map(|m| m.version).max().unwrap_or(0)
}

/// Applies every migration the database lacks, each in its own transaction. Refuses a database
/// whose schema is newer than this binary. Processes migrating the same database at once take
/// turns (see [`Backend::migration_lock`]).
pub async fn run(conn: &mut AnyConnection, backend: Backend, shard: ShardName) -> Result<i64> {
    let s = shard.as_str();
    let Some((lock, unlock)) = backend.migration_lock() else {
        return run_locked(conn, backend, shard).await;
    };
    conn.execute(lock).await.map_err(Error::db(s))?;
    let result = run_locked(&mut *conn, backend, shard).await;
    let released = conn.execute(unlock).await.map_err(Error::db(s));
    let v = result?;
    released?;
    Ok(v)
}

async fn run_locked(conn: &mut AnyConnection, backend: Backend, shard: ShardName) -> Result<i64> {
    let s = shard.as_str();
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await
    .map_err(Error::db(s))?;
    let current = current_version(&mut *conn, s).await?;
    if current > latest(shard) {
        return Err(Error::Config(format!(
            "the {s} shard has schema version {current}, newer than this gudang knows ({}); upgrade gudang",
            latest(shard)
        )));
    }
    for m in list(shard).iter().filter(|m| m.version > current) {
        conn.execute(backend.begin_write())
            .await
            .map_err(Error::db(s))?;
        let applied =
            async {
                // Another process may have migrated while we waited for the write lock.
                if current_version(&mut *conn, s).await? >= m.version {
                    return Ok(());
                }
                if let Some(sql) = m.sql(backend) {
                    conn.execute(sqlx::raw_sql(sql))
                        .await
                        .map_err(Error::db(s))?;
                }
                sqlx::query(backend.sql(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                ))
                .bind(m.version)
                .bind(m.name)
                .bind(crate::domain::ids::now_micros())
                .execute(&mut *conn)
                .await
                .map_err(Error::db(s))?;
                Ok::<(), Error>(())
            }
            .await;
        match applied {
            Ok(()) => {
                conn.execute("COMMIT").await.map_err(Error::db(s))?;
            }
            Err(e) => {
                let _ = conn.execute("ROLLBACK").await;
                return Err(e);
            }
        }
    }
    current_version(conn, s).await
}

pub async fn current_version<'e, E>(conn: E, s: &'static str) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = conn
        .fetch_one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")
        .await
        .map_err(Error::db(s))?;
    row.try_get::<i64, _>("v").map_err(Error::db(s))
}
