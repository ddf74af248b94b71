//! Several statements in one round trip where the backend allows it. Every statement sqlx runs
//! on SQLite is a trip to the connection's own thread and back (two thread switches), which is
//! most of the cost of a small write; SQLite runs a string of statements with one argument
//! list bound across them in order, so a step of the posting protocol that needs five
//! statements pays for one trip. PostgreSQL runs them one after another, as before.
//!
//! When a statement fails, the ones before it have run: run these inside a savepoint that the
//! caller rolls back on error (every write job is one).
//!
//! sqlx 0.9 keeps SQLite's several-statements-per-query behaviour but calls it deprecated. The
//! test below pins it; should a later sqlx drop it, run SQLite through the one-by-one branch
//! (still correct, only slower).

use futures::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Either, Executor};

use super::dialect::Backend;
use crate::error::{Error, Result};

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::Text(v.map(str::to_string))
    }
}
impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Arg {
        Arg::Text(v.clone())
    }
}

/// What one statement did.
pub struct Done {
    pub rows_affected: u64,
    /// Rows it returned (`RETURNING`, `SELECT`).
    pub rows: Vec<AnyRow>,
}

/// Statements to run in order, written once with `?` placeholders like all SQL here.
#[derive(Debug, Default)]
pub struct Statements {
    list: Vec<(String, Vec<Arg>)>,
}

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

pub(crate) fn bind(q: AnyQuery<'_>, a: Arg) -> AnyQuery<'_> {
    match a {
        Arg::Int(v) => q.bind(v),
        Arg::Text(v) => q.bind(v),
    }
}

impl Statements {
    pub fn push(&mut self, sql: impl Into<String>, args: Vec<Arg>) -> &mut Self {
        self.list.push((sql.into(), args));
        self
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The statements and their arguments, in order (for `gudang bench --floor`, which sends
    /// exactly what gudang sends, its own way).
    pub(crate) fn into_parts(self) -> Vec<(String, Vec<Arg>)> {
        self.list
    }

    /// Runs every statement; one result per statement, in order.
    pub async fn run(
        self,
        c: &mut AnyConnection,
        b: Backend,
        shard: &'static str,
    ) -> Result<Vec<Done>> {
        match b {
            Backend::Sqlite => {
                let n = self.list.len();
                let sql = self
                    .list
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(";\n");
                // A long string is a one-off (a bulk job's hundreds of rows): caching its
                // prepared statements would only hold memory.
                let keep = sql.len() <= 16 * 1024;
                let mut q = sqlx::query(b.dyn_sql(sql)).persistent(keep);
                for (_, args) in self.list {
                    for a in args {
                        q = bind(q, a);
                    }
                }
                let mut out = Vec::with_capacity(n);
                let mut rows = Vec::new();
                let mut s = c.fetch_many(q);
                while let Some(item) = s.try_next().await.map_err(Error::db(shard))? {
                    match item {
                        Either::Left(r) => out.push(Done {
                            rows_affected: r.rows_affected(),
                            rows: std::mem::take(&mut rows),
                        }),
                        Either::Right(row) => rows.push(row),
                    }
                }
                if out.len() != n {
                    return Err(Error::Unavailable(format!(
                        "{shard} shard: {n} statements sent, {} answered",
                        out.len()
                    )));
                }
                Ok(out)
            }
            Backend::Postgres | Backend::Mysql => {
                let mut out = Vec::with_capacity(self.list.len());
                for (sql, args) in self.list {
                    let mut q = sqlx::query(b.dyn_sql(sql));
                    for a in args {
                        q = bind(q, a);
                    }
                    let mut done = Done {
                        rows_affected: 0,
                        rows: Vec::new(),
                    };
                    let mut s = c.fetch_many(q);
                    while let Some(item) = s.try_next().await.map_err(Error::db(shard))? {
                        match item {
                            Either::Left(r) => done.rows_affected += r.rows_affected(),
                            Either::Right(row) => done.rows.push(row),
                        }
                    }
                    out.push(done);
                }
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{Connection, Row};

    #[tokio::test]
    async fn one_trip_runs_every_statement_with_its_own_arguments() {
        sqlx::any::install_default_drivers();
        let mut c = AnyConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
            .execute(&mut c)
            .await
            .unwrap();
        let mut m = Statements::default();
        m.push(
            "INSERT INTO t (k, v) VALUES (?, ?)",
            vec!["a".into(), 1.into()],
        )
        .push(
            "INSERT INTO t (k, v) VALUES (?, ?), (?, ?)",
            vec!["b".into(), 2.into(), "c".into(), 3.into()],
        )
        .push(
            "UPDATE t SET v = v + ? WHERE k = ? AND v >= ?",
            vec![10.into(), "a".into(), 5.into()],
        )
        .push(
            "UPDATE t SET v = v + ? WHERE k = ? RETURNING v",
            vec![10.into(), "b".into()],
        );
        let done = m.run(&mut c, Backend::Sqlite, "test").await.unwrap();
        let affected: Vec<u64> = done.iter().map(|d| d.rows_affected).collect();
        assert_eq!(affected, vec![1, 2, 0, 1]);
        assert_eq!(done[3].rows.len(), 1);
        assert_eq!(done[3].rows[0].try_get::<i64, _>(0).unwrap(), 12);
        let mut m = Statements::default();
        m.push(
            "INSERT INTO t (k, v) VALUES (?, ?)",
            vec!["d".into(), 4.into()],
        )
        .push(
            "INSERT INTO t (k, v) VALUES (?, ?)",
            vec!["a".into(), 9.into()],
        );
        let Err(e) = m.run(&mut c, Backend::Sqlite, "test").await else {
            panic!("a duplicate key must fail")
        };
        assert!(e.is_unique_violation(), "{e}");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(n, 4, "statements before the failing one ran");
    }
}
