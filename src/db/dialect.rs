//! Backend differences, kept in one place. SQL in this crate is written once, SQLite-style with
//! `?` placeholders and portable types (VARCHAR, BIGINT, TEXT); [`Backend::sql`] rewrites it for
//! the backend at hand, once per statement text: numbered placeholders for PostgreSQL, and for
//! MySQL/MariaDB the few constructs it spells differently (see [`mysql`]).

mod mysql;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sqlx::AssertSqlSafe;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
    /// MySQL or MariaDB (tested on MariaDB 10.11).
    Mysql,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Ok(Backend::Mysql)
        } else {
            Err(Error::Config(format!(
                "unsupported database URL '{}' (use sqlite://PATH, postgres://USER@HOST/DB or mysql://USER@HOST/DB)",
                redact_url(url)
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
        }
    }

    /// The migration folder holding this backend's variant of a migration, if it has one.
    pub fn migration_dir(self) -> &'static str {
        self.name()
    }

    /// Statement text for this backend. Static SQL is rewritten once and cached for the life of
    /// the process, so the hot path allocates nothing.
    pub fn sql(self, sql: &'static str) -> &'static str {
        type Cache = OnceLock<Mutex<HashMap<(usize, usize), &'static str>>>;
        if self == Backend::Sqlite {
            return sql;
        }
        static CACHE: Cache = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        // The length too: two static strings may share a start (one a prefix of the other).
        let key = (sql.as_ptr() as usize, sql.len() * 4 + self as usize);
        let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key)
            .or_insert_with(|| Box::leak(self.rewrite(sql).into_boxed_str()))
    }

    /// Statement text built at run time (IN lists, optional filters).
    pub fn dyn_sql(self, sql: String) -> AssertSqlSafe<String> {
        match self {
            Backend::Sqlite => AssertSqlSafe(sql),
            _ => AssertSqlSafe(self.rewrite(&sql)),
        }
    }

    fn rewrite(self, sql: &str) -> String {
        match self {
            Backend::Sqlite => sql.to_string(),
            Backend::Postgres => numbered_placeholders(sql),
            Backend::Mysql => mysql::rewrite(sql),
        }
    }

    /// Statement that opens a write batch. SQLite takes the write lock up front so that a batch
    /// that reads before it writes never fails to upgrade its lock against another process.
    pub fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            // Explicit, so that a server default of REPEATABLE READ or SERIALIZABLE does not
            // turn the conditional updates into serialization failures.
            Backend::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
            // READ COMMITTED is set for the session (see `session_setup`).
            Backend::Mysql => "START TRANSACTION",
        }
    }

    /// [`Backend::begin_write`] and the savepoint of a write batch's first job, sent together.
    pub fn begin_write_batch(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE; SAVEPOINT job",
            Backend::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED; SAVEPOINT job",
            Backend::Mysql => "START TRANSACTION; SAVEPOINT job",
        }
    }

    /// Suffix that locks the selected rows for the rest of the transaction, where the backend
    /// needs it (SQLite's write lock already covers the whole database).
    pub fn for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres | Backend::Mysql => " FOR UPDATE",
        }
    }

    /// Statements that serialise every process migrating the same database, taken before
    /// the first look at the schema and released after the last migration. SQLite needs none:
    /// each migration's `BEGIN IMMEDIATE` already takes the write lock and re-reads the version.
    pub fn migration_lock(self) -> Option<(&'static str, &'static str)> {
        match self {
            Backend::Sqlite => None,
            // Session-level, so it spans the per-migration transactions; the key is arbitrary
            // but fixed ("gudang" in ASCII).
            Backend::Postgres => Some((
                "SELECT pg_advisory_lock(113753892941415)",
                "SELECT pg_advisory_unlock(113753892941415)",
            )),
            // A named lock per database, so shards sharing one server do not wait for each
            // other. MySQL's DDL commits implicitly, so this lock is all that keeps two
            // processes from running the same migration.
            Backend::Mysql => Some((
                "SELECT GET_LOCK(CONCAT('gudang_migrate_', DATABASE()), 600)",
                "SELECT RELEASE_LOCK(CONCAT('gudang_migrate_', DATABASE()))",
            )),
        }
    }

    /// Statement run right after [`Backend::begin_write`] that makes write batches from
    /// different processes on the same shard take turns, until the batch commits or rolls back.
    ///
    /// SQLite's `BEGIN IMMEDIATE` already does this. On PostgreSQL, two processes' batches
    /// would otherwise lock rows (number sequences, daily summaries, stock) in different orders
    /// and deadlock; and the rules written once for both backends (an adjustment reads then
    /// writes, the first admin is created only when no user exists) rely on a batch seeing no
    /// other writer. A transaction-level advisory lock, one per shard, gives PostgreSQL the same
    /// exclusive-writer batches: group commit still amortises the commits, and readers never
    /// wait.
    pub fn serialize_writers(self, shard: &str) -> Option<&'static str> {
        match (self, shard) {
            (Backend::Sqlite, _) => None,
            // Keys are arbitrary but fixed: "gudang" in ASCII, then the shard's number.
            (Backend::Postgres, "master") => {
                Some("SELECT pg_advisory_xact_lock(7454975127808573441)")
            }
            (Backend::Postgres, "location") => {
                Some("SELECT pg_advisory_xact_lock(7454975127808573442)")
            }
            (Backend::Postgres, _) => Some("SELECT pg_advisory_xact_lock(7454975127808573443)"),
            // MySQL has no transaction-scoped named lock; a row lock on the one row of a table
            // made for it (migration `writer_lock`) is released by the commit, as wanted.
            (Backend::Mysql, _) => Some("SELECT id FROM writer_lock WHERE id = 1 FOR UPDATE"),
        }
    }

    /// A query answering the database's collation name (text) and whether it compares text
    /// byte by byte (1 or 0), for backends where that can differ. Prefix ranges and the
    /// consistency check's merge of sorted id streams rely on byte order, which SQLite's
    /// BINARY collation always gives. The answer is probed rather than read from the name, so
    /// that ICU collations (whose libc name may still say "C") are caught too.
    pub fn collation_probe(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                "SELECT CAST(datcollate AS TEXT), CAST(CASE WHEN 'B' < 'a' AND 'a-b' < 'ab' AND '_' < 'a' AND 'z' < '\u{e9}' THEN 1 ELSE 0 END AS BIGINT) FROM pg_database WHERE datname = current_database()",
            ),
            // The database's default collation is what every table gudang creates uses; only
            // the binary, no-pad ones compare as bytes do (a PAD SPACE collation such as
            // utf8mb4_bin sorts 'a' after 'a\t').
            Backend::Mysql => Some(
                "SELECT CAST(@@collation_database AS CHAR), CAST(CASE WHEN @@collation_database IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin') THEN 1 ELSE 0 END AS SIGNED)",
            ),
        }
    }

    /// How to create a database that passes [`Backend::collation_probe`], for the refusal.
    pub fn collation_advice(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => {
                "gudang needs the C collation. Create it with: CREATE DATABASE <name> TEMPLATE template0 \
                 ENCODING 'UTF8' LOCALE 'C' (see docs/postgres.md)"
            }
            Backend::Mysql => {
                "gudang needs a byte-order, no-pad collation. Create it with: CREATE DATABASE <name> \
                 CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin (MySQL 8: utf8mb4_0900_bin; see docs/replication.md)"
            }
        }
    }

    /// A query answering whether commits on this connection's server are durable (1 or 0) and,
    /// if not, which setting says otherwise; `None` where the connection's own settings decide
    /// (SQLite's `synchronous` is set by `session_setup`).
    pub fn durability_probe(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                "SELECT CAST(CASE WHEN current_setting('fsync') = 'on' AND current_setting('synchronous_commit') <> 'off' THEN 1 ELSE 0 END AS BIGINT), CAST('fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') AS TEXT)",
            ),
            // InnoDB must flush its log at every commit; with the binary log on (replication),
            // the binlog must be synced at every commit too, or a crash of the server can lose
            // transactions its replicas already applied.
            Backend::Mysql => Some(
                "SELECT CAST(CASE WHEN @@innodb_flush_log_at_trx_commit = 1 AND (@@log_bin = 0 OR @@sync_binlog = 1) THEN 1 ELSE 0 END AS SIGNED), CAST(CONCAT('innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ', log_bin=', @@log_bin, ', sync_binlog=', @@sync_binlog) AS CHAR)",
            ),
        }
    }

    /// Statements run on every new connection.
    pub fn session_setup(self) -> &'static [&'static str] {
        match self {
            Backend::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
                "PRAGMA cache_size = -32000",
                // Statement journals and sorts in memory: on disk they cost a file created,
                // written and deleted for many multi-row statements.
                "PRAGMA temp_store = MEMORY",
                // Checkpoint every ~40 MB of WAL instead of every 4 MB: pages written many
                // times in between (hot stock rows, index tails) are copied to the database
                // once, which more than halves the checkpoint work under a steady posting load.
                "PRAGMA wal_autocheckpoint = 10000",
            ],
            Backend::Postgres => &["SET synchronous_commit = on"],
            Backend::Mysql => &[
                // Standard quoting (no backslash escapes, double quotes for names) so that the
                // SQL written once for every backend means the same here; strict, so that a
                // bad value is an error rather than a warning.
                "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES,PIPES_AS_CONCAT')",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                // Literals compare like the columns (byte order), not by the charset's default.
                "SET SESSION collation_connection = @@collation_database",
            ],
        }
    }
}

/// Replication: what a primary and its replicas are asked, the same questions on every engine.
impl Backend {
    /// One row: whether the node says it is a replica (1 or 0). The health probe of every
    /// node, so that a primary that turns read-only (or a URL that points at a replica) is
    /// never written to.
    pub fn is_replica_probe(self) -> &'static str {
        match self {
            Backend::Sqlite => "SELECT 0",
            Backend::Postgres => {
                "SELECT CAST(CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS BIGINT)"
            }
            Backend::Mysql => "SELECT CAST(@@read_only AS SIGNED)",
        }
    }

    /// The primary's replication position after this process's last commit, as text
    /// (a GTID list on MariaDB, an LSN on PostgreSQL). `None`: no replication positions.
    pub fn write_position(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SELECT CAST(pg_current_wal_lsn() AS TEXT)"),
            Backend::Mysql => Some("SELECT CAST(@@gtid_binlog_pos AS CHAR)"),
        }
    }

    /// The position a replica has applied, comparable with [`Backend::write_position`].
    pub fn applied_position(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SELECT CAST(pg_last_wal_replay_lsn() AS TEXT)"),
            Backend::Mysql => Some("SELECT CAST(@@gtid_slave_pos AS CHAR)"),
        }
    }

    /// The engine's own view of a replica's delay, in seconds (NULL when it cannot tell, e.g.
    /// replication stopped). MariaDB's comes from `SHOW SLAVE STATUS`, read by column name.
    pub fn engine_lag(self) -> Option<(&'static str, Option<&'static str>)> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some((
                "SELECT CAST(EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp())) AS BIGINT)",
                None,
            )),
            Backend::Mysql => Some(("SHOW SLAVE STATUS", Some("Seconds_Behind_Master"))),
        }
    }
}

/// Rewrites `?` placeholders as `$1, $2, ...`, leaving quoted text alone.
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut in_quote = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                in_quote = !in_quote;
                out.push(c);
            }
            '?' if !in_quote => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// A URL fit to print: the password, if any, replaced by `***`, whether it is in the
/// authority (`user:pw@host`) or a `password=` query parameter.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((creds, host)) => match creds.split_once(':') {
                Some((user, _pw)) => format!("{scheme}://{user}:***@{host}"),
                None => base.to_string(),
            },
            None => base.to_string(),
        },
        None => base.to_string(),
    };
    if let Some(q) = query {
        let params: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

// ---- product search --------------------------------------------------------------------

/// How a backend finds the products whose name contains a word (see
/// `master::products_containing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubstringSearch {
    /// SQLite: the FTS5 trigram table `products_fts` (master migration 2) answers words of three
    /// characters or more; shorter words filter by LIKE.
    Fts5,
    /// PostgreSQL: a pg_trgm index on `name_norm` (master migration 2) serves `LIKE '%word%'`
    /// itself.
    IndexedLike,
    /// MySQL/MariaDB, which has no trigram index: the table `product_trigrams` (master migration
    /// 5, kept by triggers), a few of each word's trigrams joined on the product, the rarest
    /// driving, then LIKE to confirm.
    TrigramTable,
}

impl Backend {
    /// This backend's way of searching product names for substrings.
    pub fn substring_search(self) -> SubstringSearch {
        match self {
            Backend::Sqlite => SubstringSearch::Fts5,
            Backend::Postgres => SubstringSearch::IndexedLike,
            Backend::Mysql => SubstringSearch::TrigramTable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered_placeholders("SELECT '?' FROM t WHERE a = ? AND b = ?"),
            "SELECT '?' FROM t WHERE a = $1 AND b = $2"
        );
        let s = Backend::Postgres.sql("SELECT ? + ?");
        assert_eq!(s, "SELECT $1 + $2");
        assert!(std::ptr::eq(s, Backend::Postgres.sql("SELECT ? + ?")) || s == "SELECT $1 + $2");
    }

    #[test]
    fn urls() {
        assert_eq!(
            Backend::from_url("sqlite:///tmp/x.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mongodb://x").is_err());
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite:///x.db"), "sqlite:///x.db");
        assert_eq!(
            redact_url("postgres://u@h/db?password=s3&sslmode=require"),
            "postgres://u@h/db?password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite:///x.db?mode=rwc"),
            "sqlite:///x.db?mode=rwc"
        );
    }
}
