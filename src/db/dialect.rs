//! Backend differences, kept in one place. SQL in this crate is written once, SQLite-style with
//! `?` placeholders and portable types (VARCHAR, BIGINT, TEXT); [`Backend::sql`] rewrites it for
//! the backend at hand (numbered placeholders for PostgreSQL), once per statement text.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sqlx::AssertSqlSafe;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::Config(format!(
                "unsupported database URL '{}' (use sqlite://PATH or postgres://USER@HOST/DB)",
                redact_url(url)
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The migration folder holding this backend's variant of a migration, if it has one.
    pub fn migration_dir(self) -> &'static str {
        self.name()
    }

    /// Statement text for this backend. Static SQL is rewritten once and cached for the life of
    /// the process, so the hot path allocates nothing.
    pub fn sql(self, sql: &'static str) -> &'static str {
        match self {
            Backend::Sqlite => sql,
            Backend::Postgres => {
                static CACHE: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
                let cache = CACHE.get_or_init(Default::default);
                let key = sql.as_ptr() as usize;
                let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
                map.entry(key)
                    .or_insert_with(|| Box::leak(numbered_placeholders(sql).into_boxed_str()))
            }
        }
    }

    /// Statement text built at run time (IN lists, optional filters).
    pub fn dyn_sql(self, sql: String) -> AssertSqlSafe<String> {
        match self {
            Backend::Sqlite => AssertSqlSafe(sql),
            Backend::Postgres => AssertSqlSafe(numbered_placeholders(&sql)),
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
        }
    }

    /// [`Backend::begin_write`] and the savepoint of a write batch's first job, sent together.
    pub fn begin_write_batch(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE; SAVEPOINT job",
            Backend::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED; SAVEPOINT job",
        }
    }

    /// Suffix that locks the selected rows for the rest of the transaction, where the backend
    /// needs it (SQLite's write lock already covers the whole database).
    pub fn for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
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
