//! Queries of the reports (see `crate::service::reports` for how they fit together): one
//! statement on the location shard that reads the stock, the outbox's movements and the
//! number sequences in one snapshot, and the journal's lines of a product or sums of a period,
//! counting only documents decided before that snapshot.
//!
//! Every statement here is one `SELECT`: a single statement reads one consistent snapshot on
//! every engine (SQLite, PostgreSQL, and InnoDB under READ COMMITTED alike), so no backend
//! needs an isolation level of its own.

use futures::TryStreamExt;
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{AnyPool, FromRow};
use tokio::sync::mpsc;

use super::dialect::Backend;
use super::location::format_number;
use super::multi::Arg;
use crate::error::{Error, Result};

pub mod closing;
pub mod limits;

pub use limits::{LimitRow, limit_row, low_rows, set_limits, surplus_rows};

const L: &str = "location";
const T: &str = "transaction";

/// Rows sent per message of a streamed read.
pub const CHUNK: usize = 512;

/// Most outbox documents a report reads around (the journal is then far behind; recovery
/// catches up first).
pub const MAX_OUTBOX: usize = 20_000;

/// Ids bound in one `IN` list; longer scopes are filtered in the application.
pub const MAX_IN: usize = 400;

type Q<'q, O> = QueryAs<'q, sqlx::Any, O, AnyArguments>;

fn bind<'q, O>(q: Q<'q, O>, a: &Arg) -> Q<'q, O> {
    match a {
        Arg::Int(v) => q.bind(*v),
        Arg::Text(v) => q.bind(v.clone()),
    }
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// One row of the snapshot statement; `tag` says which part it is:
/// `o` an outbox movement (`a` txn id, `b` location, `k` product, `n1` line * 2 + leg,
/// `n2` delta, `n3` time, `d` number, `doc` the document when asked for),
/// `q` a number sequence (`a` prefix, `n1` year, `n2` last number),
/// `s` a stock row holding something (`b` location, `k` product, `n1` quantity).
/// As few columns as will do: every row of every part pays for each one.
#[derive(Debug, Clone, FromRow)]
pub struct SnapRow {
    pub tag: String,
    pub k: Option<String>,
    pub b: Option<String>,
    pub a: Option<String>,
    pub d: Option<String>,
    pub n1: Option<i64>,
    pub n2: Option<i64>,
    pub n3: Option<i64>,
    #[sqlx(default)]
    pub doc: Option<String>,
}

/// What the snapshot statement reads.
#[derive(Debug, Clone, Default)]
pub struct SnapFilter {
    /// Only this product's stock and outbox movements.
    pub product_id: Option<String>,
    /// Only stock at these locations (at most [`MAX_IN`]).
    pub locations: Option<Vec<String>>,
    /// Bring each outbox movement's document (JSON) along.
    pub docs: bool,
    /// Leave the stock rows out (the head alone).
    pub skip_stock: bool,
}

fn snapshot_sql(f: &SnapFilter) -> (String, Vec<Arg>) {
    let mut args = Vec::new();
    let (doc, no_doc) = if f.docs {
        (", o.doc AS doc", ", CAST(NULL AS TEXT)")
    } else {
        ("", "")
    };
    // The outbox drives the join (it is short; movements have no index but their key), which
    // SQLite is told by CROSS JOIN and the servers find alone.
    let mut outbox = format!(
        "SELECT 'o' AS tag, m.product_id AS k, m.location_id AS b, m.txn_id AS a, c.number AS d, \
         m.line_no * 2 + m.leg AS n1, m.delta AS n2, m.at AS n3{doc} \
         FROM outbox o CROSS JOIN movements m CROSS JOIN outcomes c \
         WHERE m.txn_id = o.txn_id AND c.txn_id = o.txn_id"
    );
    if let Some(p) = &f.product_id {
        outbox.push_str(" AND m.product_id = ?");
        args.push(Arg::from(p));
    }
    let seq = format!(
        "SELECT 'q', CAST(NULL AS TEXT), CAST(NULL AS TEXT), kind, CAST(NULL AS TEXT), \
         year, last_no, CAST(NULL AS BIGINT){no_doc} FROM number_seq"
    );
    let mut stock = format!(
        "SELECT 's', product_id, location_id, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
         quantity, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT){no_doc} FROM stock WHERE quantity <> 0"
    );
    if let Some(p) = &f.product_id {
        stock.push_str(" AND product_id = ?");
        args.push(Arg::from(p));
    }
    if let Some(ls) = &f.locations {
        stock.push_str(&format!(" AND location_id IN ({})", marks(ls.len())));
        args.extend(ls.iter().map(Arg::from));
    }
    if f.skip_stock {
        stock.push_str(" AND 1 = 0");
    }
    (
        format!("{outbox} UNION ALL {seq} UNION ALL {stock} ORDER BY tag, k, b"),
        args,
    )
}

/// Reads the snapshot, whole (one product's card).
pub async fn snapshot(p: &AnyPool, b: Backend, f: &SnapFilter) -> Result<Vec<SnapRow>> {
    let (sql, args) = snapshot_sql(f);
    let mut q = sqlx::query_as::<_, SnapRow>(b.dyn_sql(sql));
    for a in &args {
        q = bind(q, a);
    }
    q.fetch_all(p).await.map_err(Error::db(L))
}

/// Streams the snapshot in chunks of [`CHUNK`] rows (outbox and sequences first, then stock
/// by product and location) until the receiver hangs up.
pub async fn snapshot_stream(
    p: &AnyPool,
    b: Backend,
    f: &SnapFilter,
    tx: mpsc::Sender<Vec<SnapRow>>,
) -> Result<()> {
    let (sql, args) = snapshot_sql(f);
    let mut q = sqlx::query_as::<_, SnapRow>(b.dyn_sql(sql));
    for a in &args {
        q = bind(q, a);
    }
    forward(q.fetch(p), L, tx).await
}

/// The journal documents a report counts: posted, decided before the snapshot (numbered at or
/// below their sequence's value in it) and not in its outbox (those are counted from their
/// movements). Returns the condition on `t` and its arguments.
pub fn counted(seq: &[(String, i64, i64)], outbox: &[String]) -> (String, Vec<Arg>) {
    let mut args = Vec::new();
    let mut parts = Vec::new();
    for (prefix, year, last) in seq {
        let w = format_number(prefix, *year, *last);
        parts.push(
            "(t.number LIKE ? AND (LENGTH(t.number) < ? OR (LENGTH(t.number) = ? AND t.number <= ?)))",
        );
        args.push(Arg::from(format!("{prefix}-{year}-%")));
        args.push(Arg::from(w.len() as i64));
        args.push(Arg::from(w.len() as i64));
        args.push(Arg::from(w));
    }
    let mut sql = if parts.is_empty() {
        " AND t.status = 'posted' AND 1 = 0".to_string()
    } else {
        format!(" AND t.status = 'posted' AND ({})", parts.join(" OR "))
    };
    if !outbox.is_empty() {
        sql.push_str(&format!(" AND t.id NOT IN ({})", marks(outbox.len())));
        args.extend(outbox.iter().map(Arg::from));
    }
    (sql, args)
}

/// Sums of journal lines of one group: a kind, its locations, and (`bucket`) whether the
/// lines fall in the period (0), after it (1) or, for a chart, the quarter hour they start.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct LineSums {
    pub product_id: String,
    pub kind: String,
    pub source_id: Option<String>,
    pub dest_id: Option<String>,
    pub bucket: i64,
    pub qty: i64,
    pub plus: i64,
    pub minus: i64,
}

/// Microseconds in a chart bucket (a quarter hour: every time zone's midnight falls on one).
pub const CHART_BUCKET: i64 = 900_000_000;

/// How the journal sums are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buckets {
    /// Lines from `from` on: 0 before `end`, 1 from `end` on.
    Period { from: i64, end: i64 },
    /// Lines in `[from, end)` by quarter hour.
    Chart { from: i64, end: i64 },
    /// Lines in `[since, end)`: 2 before `from`, 0 from `from` on (a period summed forward from
    /// the beginning of the journal, `since` = `i64::MIN`, or from a monthly closing's end,
    /// rather than back from the stock).
    Forward { since: i64, from: i64, end: i64 },
}

/// A header's `created_at` is taken moments before its lines' `at` (the decision time), never
/// after; a header created this long before a line's time is read anyway.
pub const CREATED_BEFORE_DECIDED: i64 = 86_400_000_000;

/// Streams the journal's sums of every product (or one) in the buckets' span, ordered by
/// product, to `tx`. Reads headers by their creation time (an index), lines by their key.
pub async fn line_sums_stream(
    p: &AnyPool,
    b: Backend,
    buckets: Buckets,
    product_id: Option<&str>,
    cond: &(String, Vec<Arg>),
    tx: mpsc::Sender<Vec<LineSums>>,
) -> Result<()> {
    // The period's split is a bound value in the select list; a chart's quarter hours are
    // computed from the time alone.
    let (bucket, start, split, until) = match buckets {
        Buckets::Period { from, end } => (
            "CASE WHEN l.at >= ? THEN 1 ELSE 0 END".to_string(),
            from,
            Some(end),
            None,
        ),
        Buckets::Chart { from, end } => (
            format!("(l.at - (l.at % {CHART_BUCKET}))"),
            from,
            None,
            Some(end),
        ),
        Buckets::Forward { since, from, end } => (
            "CASE WHEN l.at >= ? THEN 0 ELSE 2 END".to_string(),
            since,
            Some(from),
            Some(end),
        ),
    };
    let mut args: Vec<Arg> = split.into_iter().map(Arg::from).collect();
    let mut sql = format!(
        "SELECT l.product_id, t.kind, t.source_id, t.dest_id, {bucket} AS bucket, \
         CAST(SUM(l.quantity) AS BIGINT) AS qty, \
         CAST(SUM(CASE WHEN l.applied_delta > 0 THEN l.applied_delta ELSE 0 END) AS BIGINT) AS plus, \
         CAST(SUM(CASE WHEN l.applied_delta < 0 THEN l.applied_delta ELSE 0 END) AS BIGINT) AS minus \
         FROM "
    );
    match product_id {
        // One product: its lines by (product, time), an index.
        Some(pid) => {
            sql.push_str(
                "transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE l.product_id = ? AND l.at >= ?",
            );
            args.push(pid.into());
            args.push(start.into());
        }
        None => {
            sql.push_str(
                "transactions t JOIN transaction_lines l ON l.txn_id = t.id WHERE t.created_at >= ? AND l.at >= ?",
            );
            args.push(start.saturating_sub(CREATED_BEFORE_DECIDED).into());
            args.push(start.into());
        }
    }
    if let Some(end) = until {
        sql.push_str(" AND l.at < ?");
        args.push(end.into());
        if product_id.is_none() {
            // A header is created before its lines' time: the index range ends there too.
            sql.push_str(" AND t.created_at < ?");
            args.push(end.into());
        }
    }
    sql.push_str(&cond.0);
    args.extend(cond.1.iter().cloned());
    sql.push_str(" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1");
    let mut q = sqlx::query_as::<_, LineSums>(b.dyn_sql(sql));
    for a in &args {
        q = bind(q, a);
    }
    forward(q.fetch(p), T, tx).await
}

/// Sends `rows` on in chunks of [`CHUNK`] until they end or the receiver hangs up.
async fn forward<T>(
    mut rows: impl futures::Stream<Item = std::result::Result<T, sqlx::Error>> + Unpin,
    shard: &'static str,
    tx: mpsc::Sender<Vec<T>>,
) -> Result<()> {
    let mut buf = Vec::with_capacity(CHUNK);
    while let Some(r) = rows.try_next().await.map_err(Error::db(shard))? {
        buf.push(r);
        if buf.len() == CHUNK && tx.send(std::mem::take(&mut buf)).await.is_err() {
            return Ok(());
        }
    }
    if !buf.is_empty() {
        let _ = tx.send(buf).await;
    }
    Ok(())
}

/// Journal lines (posted, by the daily summaries) of the days before `from_day` and of the days
/// after `to_day`: which way a period is cheaper to sum.
pub async fn lines_around(
    p: &AnyPool,
    b: Backend,
    from_day: &str,
    to_day: &str,
) -> Result<(i64, i64)> {
    sqlx::query_as(b.sql(
        "SELECT CAST(COALESCE(SUM(CASE WHEN day < ? THEN line_count ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN day > ? THEN line_count ELSE 0 END), 0) AS BIGINT) FROM daily_summary",
    ))
    .bind(from_day.to_string())
    .bind(to_day.to_string())
    .fetch_one(p)
    .await
    .map_err(Error::db(T))
}

/// One journal line of a product with its document, for a card.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CardLine {
    pub at: i64,
    pub txn_id: String,
    pub line_no: i64,
    pub number: String,
    pub kind: String,
    pub source_id: Option<String>,
    pub source_code: Option<String>,
    pub dest_id: Option<String>,
    pub dest_code: Option<String>,
    pub partner: Option<String>,
    pub reference: Option<String>,
    pub quantity: i64,
    pub applied_delta: Option<i64>,
}

/// Where a page of card lines starts: after (or, `back`, before) this line, the line itself
/// included (its other leg may follow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineKey {
    pub at: i64,
    pub txn_id: String,
    pub line_no: i64,
}

/// Up to `limit` journal lines of a product in `[from, end)`, in card order from `key` on
/// (backward: from `key` back, newest first), touching `locations` if given (at most
/// [`MAX_IN`]).
#[allow(clippy::too_many_arguments)]
pub async fn card_lines(
    p: &AnyPool,
    b: Backend,
    product_id: &str,
    (from, end): (i64, i64),
    key: Option<&LineKey>,
    back: bool,
    locations: Option<&[String]>,
    cond: &(String, Vec<Arg>),
    limit: i64,
) -> Result<Vec<CardLine>> {
    let mut sql = String::from(
        "SELECT l.at, l.txn_id, l.line_no, t.number, t.kind, t.source_id, t.source_code, t.dest_id, \
         t.dest_code, t.partner, t.reference, l.quantity, l.applied_delta \
         FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id \
         WHERE l.product_id = ? AND l.at >= ? AND l.at < ?",
    );
    let mut args: Vec<Arg> = vec![product_id.into(), from.into(), end.into()];
    if let Some(k) = key {
        let (strict, loose) = if back { ("<", "<=") } else { (">", ">=") };
        sql.push_str(&format!(
            " AND l.at {loose} ? AND (l.at {strict} ? OR l.txn_id {strict} ? OR (l.txn_id = ? AND l.line_no {loose} ?))"
        ));
        args.extend([
            Arg::from(k.at),
            k.at.into(),
            (&k.txn_id).into(),
            (&k.txn_id).into(),
            k.line_no.into(),
        ]);
    }
    if let Some(ls) = locations {
        let m = marks(ls.len());
        sql.push_str(&format!(
            " AND (t.source_id IN ({m}) OR t.dest_id IN ({m}))"
        ));
        args.extend(ls.iter().map(Arg::from));
        args.extend(ls.iter().map(Arg::from));
    }
    sql.push_str(&cond.0);
    args.extend(cond.1.iter().cloned());
    let dir = if back { "DESC" } else { "ASC" };
    sql.push_str(&format!(
        " ORDER BY l.at {dir}, l.txn_id {dir}, l.line_no {dir} LIMIT ?"
    ));
    args.push(limit.into());
    let mut q = sqlx::query_as::<_, CardLine>(b.dyn_sql(sql));
    for a in &args {
        q = bind(q, a);
    }
    q.fetch_all(p).await.map_err(Error::db(T))
}

/// The journal's sums of one product from `from` on (see [`LineSums`]), whole.
pub async fn product_sums(
    p: &AnyPool,
    b: Backend,
    product_id: &str,
    buckets: Buckets,
    cond: &(String, Vec<Arg>),
) -> Result<Vec<LineSums>> {
    let (tx, mut rx) = mpsc::channel(8);
    let read = line_sums_stream(p, b, buckets, Some(product_id), cond, tx);
    let collect = async {
        let mut out = Vec::new();
        while let Some(chunk) = rx.recv().await {
            out.extend(chunk);
        }
        out
    };
    let (r, out) = tokio::join!(read, collect);
    r?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_documents_condition() {
        let (sql, args) = counted(&[("RCV".into(), 2026, 12)], &["x".into()]);
        assert!(sql.contains("t.number LIKE ?"), "{sql}");
        assert!(sql.ends_with("t.id NOT IN (?)"), "{sql}");
        assert_eq!(args.len(), 5);
        assert_eq!(args[0], Arg::from("RCV-2026-%"));
        assert_eq!(args[3], Arg::from("RCV-2026-000012"));
        let (none, _) = counted(&[], &[]);
        assert!(none.contains("1 = 0"));
    }
}
