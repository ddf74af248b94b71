//! Queries of the monthly closings (tutup buku) on the transaction shard, see
//! `crate::service::reports::closing` for when a closing is made, trusted and used: its marker,
//! the journal's fingerprint it is checked against, its rows (read as snapshot-shaped stock rows
//! for the balances engine) and the insert-or-ignore writes two closers may both make.

use sqlx::{AnyConnection, AnyPool, FromRow};
use tokio::sync::mpsc;

use super::{SnapRow, T, bind, forward, marks};
use crate::db::bulk::values_sql;
use crate::db::dialect::Backend;
use crate::db::multi::Arg;
use crate::error::{Error, Result};

/// Closing rows written per statement.
const ROWS: usize = 100;

/// What a closing was made against: the journal headers created before the month's end (an
/// index-only count) and the daily summaries' totals of the days up to its last day.
#[derive(Debug, Clone, Copy, Default, FromRow, PartialEq, Eq)]
pub struct Fingerprint {
    pub fp_headers: i64,
    pub fp_txns: i64,
    pub fp_lines: i64,
    pub fp_qty: i64,
    pub fp_value: i64,
}

/// One closed month's marker.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Marker {
    pub id: String,
    pub month: String,
    pub start_at: i64,
    pub end_at: i64,
    #[sqlx(flatten)]
    pub fp: Fingerprint,
    pub row_count: i64,
    pub closed_at: i64,
}

/// Headers created before the end, and the daily summaries up to the last day.
const FP_SQL: &str = "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM transactions WHERE created_at < ?) AS fp_headers, \
     CAST(COALESCE(SUM(txn_count), 0) AS BIGINT) AS fp_txns, \
     CAST(COALESCE(SUM(line_count), 0) AS BIGINT) AS fp_lines, \
     CAST(COALESCE(SUM(total_qty), 0) AS BIGINT) AS fp_qty, \
     CAST(COALESCE(SUM(total_value), 0) AS BIGINT) AS fp_value \
     FROM daily_summary WHERE day <= ?";

/// The journal's fingerprint up to `end` (micros) and the local day `last_day` (`YYYY-MM-DD`).
pub async fn fingerprint(p: &AnyPool, b: Backend, end: i64, last_day: &str) -> Result<Fingerprint> {
    sqlx::query_as(b.sql(FP_SQL))
        .bind(end)
        .bind(last_day.to_string())
        .fetch_one(p)
        .await
        .map_err(Error::db(T))
}

/// Every marker (one or a few per closed month), oldest month first.
pub async fn markers(p: &AnyPool, b: Backend) -> Result<Vec<Marker>> {
    sqlx::query_as(b.sql(
        "SELECT id, month, start_at, end_at, fp_headers, fp_txns, fp_lines, fp_qty, fp_value, \
         row_count, closed_at FROM closings ORDER BY month, closed_at",
    ))
    .fetch_all(p)
    .await
    .map_err(Error::db(T))
}

/// The earliest creation time in the journal (where closing starts), if any.
pub async fn first_created(p: &AnyPool, b: Backend) -> Result<Option<i64>> {
    sqlx::query_scalar(b.sql("SELECT MIN(created_at) FROM transactions"))
        .fetch_one(p)
        .await
        .map_err(Error::db(T))
}

fn rows_sql(locations: Option<&[String]>) -> String {
    let mut sql = String::from(
        "SELECT 's' AS tag, product_id AS k, location_id AS b, CAST(NULL AS TEXT) AS a, \
         CAST(NULL AS TEXT) AS d, quantity AS n1, CAST(NULL AS BIGINT) AS n2, \
         CAST(NULL AS BIGINT) AS n3 FROM closing_rows WHERE closing_id = ?",
    );
    if let Some(ls) = locations {
        sql.push_str(&format!(" AND location_id IN ({})", marks(ls.len())));
    }
    sql.push_str(" ORDER BY product_id, location_id");
    sql
}

/// Streams a closing's rows as stock rows (`s`: `k` product, `b` location, `n1` quantity), by
/// product and location, only at `locations` if given (at most [`super::MAX_IN`]).
pub async fn rows_stream(
    p: &AnyPool,
    b: Backend,
    closing_id: &str,
    locations: Option<Vec<String>>,
    tx: mpsc::Sender<Vec<SnapRow>>,
) -> Result<()> {
    let sql = rows_sql(locations.as_deref());
    let mut q = sqlx::query_as::<_, SnapRow>(b.dyn_sql(sql));
    let mut args = vec![Arg::from(closing_id)];
    args.extend(locations.iter().flatten().map(Arg::from));
    for a in &args {
        q = bind(q, a);
    }
    forward(q.fetch(p), T, tx).await
}

/// A closing's rows, whole: (product, location, quantity).
pub async fn rows(p: &AnyPool, b: Backend, closing_id: &str) -> Result<Vec<(String, String, i64)>> {
    sqlx::query_as(b.sql(
        "SELECT product_id, location_id, quantity FROM closing_rows WHERE closing_id = ? \
         ORDER BY product_id, location_id",
    ))
    .bind(closing_id.to_string())
    .fetch_all(p)
    .await
    .map_err(Error::db(T))
}

/// Writes rows of a closing; rows already there (another closer's, the same) are left.
pub async fn insert_rows(
    c: &mut AnyConnection,
    b: Backend,
    closing_id: &str,
    rows: &[(String, String, i64)],
) -> Result<()> {
    for chunk in rows.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO closing_rows (closing_id, product_id, location_id, quantity)",
            4,
            chunk.len(),
            " ON CONFLICT (closing_id, product_id, location_id) DO NOTHING",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for (pid, lid, qty) in chunk {
            q = q
                .bind(closing_id.to_string())
                .bind(pid.clone())
                .bind(lid.clone())
                .bind(*qty);
        }
        q.execute(&mut *c).await.map_err(Error::db(T))?;
    }
    Ok(())
}

/// Writes a closing's marker (after all its rows); a marker already there is left.
pub async fn insert_marker(c: &mut AnyConnection, b: Backend, m: &Marker) -> Result<()> {
    sqlx::query(b.sql(
        "INSERT INTO closings (id, month, start_at, end_at, fp_headers, fp_txns, fp_lines, fp_qty, \
         fp_value, row_count, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO NOTHING",
    ))
    .bind(m.id.clone())
    .bind(m.month.clone())
    .bind(m.start_at)
    .bind(m.end_at)
    .bind(m.fp.fp_headers)
    .bind(m.fp.fp_txns)
    .bind(m.fp.fp_lines)
    .bind(m.fp.fp_qty)
    .bind(m.fp.fp_value)
    .bind(m.row_count)
    .bind(m.closed_at)
    .execute(&mut *c)
    .await
    .map_err(Error::db(T))?;
    Ok(())
}

/// The fingerprint read inside a write (on the primary, in the writer's transaction).
pub async fn fingerprint_on(
    c: &mut AnyConnection,
    b: Backend,
    end: i64,
    last_day: &str,
) -> Result<Fingerprint> {
    sqlx::query_as(b.sql(FP_SQL))
        .bind(end)
        .bind(last_day.to_string())
        .fetch_one(&mut *c)
        .await
        .map_err(Error::db(T))
}

/// Journal lines (posted, by the daily summaries) of the days from `from_day` to before
/// `before_day` (`YYYY-MM-DD`): what a period costs summed from a closing.
pub async fn lines_between(
    p: &AnyPool,
    b: Backend,
    from_day: &str,
    before_day: &str,
) -> Result<i64> {
    sqlx::query_scalar(b.sql(
        "SELECT CAST(COALESCE(SUM(line_count), 0) AS BIGINT) FROM daily_summary WHERE day >= ? AND day < ?",
    ))
    .bind(from_day.to_string())
    .bind(before_day.to_string())
    .fetch_one(p)
    .await
    .map_err(Error::db(T))
}
