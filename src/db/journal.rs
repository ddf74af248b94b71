//! Queries of the transaction shard, the journal of decided documents: transaction headers and
//! lines, and the daily summaries kept in step with them.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::dialect::Backend;
use super::keyset::{self, Seek};
use super::location::Decision;
use super::multi::{Arg, Statements};
use crate::domain::{TxKind, TxStatus};
use crate::error::{Error, Result};

const S: &str = "transaction";

#[derive(Debug, Clone, Serialize, Deserialize, FromRow, PartialEq)]
pub struct Header {
    pub id: String,
    pub number: String,
    pub kind: String,
    pub status: String,
    pub source_id: Option<String>,
    pub source_code: Option<String>,
    pub dest_id: Option<String>,
    pub dest_code: Option<String>,
    pub partner: Option<String>,
    pub reference: Option<String>,
    pub notes: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub day: String,
    pub line_count: i64,
    pub total_qty: i64,
    pub total_value: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromRow, PartialEq)]
pub struct Line {
    pub txn_id: String,
    pub line_no: i64,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub total: i64,
    pub applied_delta: Option<i64>,
    /// When its document was decided (microseconds, UTC).
    pub at: i64,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct DaySummary {
    pub day: String,
    pub kind: String,
    pub txn_count: i64,
    pub line_count: i64,
    pub total_qty: i64,
    pub total_value: i64,
}

const HEADER_COLS: &str = "id, number, kind, status, source_id, source_code, dest_id, dest_code, partner, reference, notes, reason, created_by, created_at, decided_at, day, line_count, total_qty, total_value";
const LINE_COLS: &str = "txn_id, line_no, product_id, sku, product_name, quantity, unit_price, total, applied_delta, at";

pub async fn header_by_id<'e, E>(e: E, b: Backend, id: &str) -> Result<Option<Header>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Header>(b.dyn_sql(format!(
        "SELECT {HEADER_COLS} FROM transactions WHERE id = ?"
    )))
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

pub async fn header_by_number(p: &AnyPool, b: Backend, number: &str) -> Result<Option<Header>> {
    sqlx::query_as::<_, Header>(b.dyn_sql(format!(
        "SELECT {HEADER_COLS} FROM transactions WHERE number = ?"
    )))
    .bind(number.trim().to_uppercase())
    .fetch_optional(p)
    .await
    .map_err(Error::db(S))
}

pub async fn lines_of<'e, E>(e: E, b: Backend, txn_id: &str) -> Result<Vec<Line>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Line>(b.dyn_sql(format!(
        "SELECT {LINE_COLS} FROM transaction_lines WHERE txn_id = ? ORDER BY line_no"
    )))
    .bind(txn_id)
    .fetch_all(e)
    .await
    .map_err(Error::db(S))
}

/// Filters for the transaction list.
#[derive(Debug, Clone, Default)]
pub struct TxnFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub reference: Option<String>,
    pub location_id: Option<String>,
    /// Matches number, reference, partner or notes (case-insensitive substring).
    pub text: Option<String>,
}

/// A transaction's place in the list's order (newest first: time, then id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnCursor {
    pub created_at: i64,
    pub id: String,
}

impl TxnCursor {
    pub fn of(h: &Header) -> TxnCursor {
        TxnCursor {
            created_at: h.created_at,
            id: h.id.clone(),
        }
    }
}

/// Transactions newest first, `limit` of them (`None`: all) from `seek`. Keyset paging on
/// (created_at, id), which transaction migration 4 indexes alone and after the kind and the
/// status, so the last page costs what the first does. The rows come back newest first.
pub async fn list_headers(
    p: &AnyPool,
    b: Backend,
    f: &TxnFilter,
    seek: &Seek<TxnCursor>,
    limit: Option<i64>,
) -> Result<Vec<Header>> {
    let mut sql = format!("SELECT {HEADER_COLS} FROM transactions WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    if let Some(k) = &f.kind {
        sql.push_str(" AND kind = ?");
        args.push(k.clone());
    }
    if let Some(s) = &f.status {
        sql.push_str(" AND status = ?");
        args.push(s.clone());
    }
    if let Some(r) = &f.reference {
        sql.push_str(" AND reference = ?");
        args.push(r.clone());
    }
    if let Some(l) = &f.location_id {
        sql.push_str(" AND (source_id = ? OR dest_id = ?)");
        args.push(l.clone());
        args.push(l.clone());
    }
    if let Some(t) = &f.text {
        sql.push_str(" AND (LOWER(number) LIKE ? OR LOWER(COALESCE(reference, '')) LIKE ? OR LOWER(COALESCE(partner, '')) LIKE ? OR LOWER(COALESCE(notes, '')) LIKE ?)");
        let pat = format!("%{}%", t.to_lowercase());
        for _ in 0..4 {
            args.push(pat.clone());
        }
    }
    if let Some(s) = f.since {
        sql.push_str(" AND created_at >= ?");
        ints.push(s);
    }
    if let Some(u) = f.until {
        sql.push_str(" AND created_at < ?");
        ints.push(u);
    }
    let page = keyset::page_sql(
        &["created_at", "id"],
        true,
        &seek
            .clone()
            .map(|c| vec![Arg::Int(Some(c.created_at)), Arg::Text(Some(c.id))]),
    );
    sql.push_str(&page.condition);
    sql.push_str(&format!(" ORDER BY {}", page.order_by));
    if limit.is_some() {
        sql.push_str(" LIMIT ?");
    }
    let mut q = sqlx::query_as::<_, Header>(b.dyn_sql(sql));
    for a in args {
        q = q.bind(a);
    }
    for i in ints {
        q = q.bind(i);
    }
    for a in page.args {
        q = keyset::bind(q, a);
    }
    if let Some(l) = limit {
        q = q.bind(l);
    }
    let rows = q.fetch_all(p).await.map_err(Error::db(S))?;
    Ok(keyset::in_order(seek, rows))
}

/// A posted line of a product, as its history shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ProductLine {
    pub at: i64,
    pub number: String,
    pub kind: String,
    pub source_code: Option<String>,
    pub dest_code: Option<String>,
    pub quantity: i64,
    pub applied_delta: Option<i64>,
}

/// The latest posted lines of a product, newest first.
pub async fn product_lines(
    p: &AnyPool,
    b: Backend,
    product_id: &str,
    limit: i64,
) -> Result<Vec<ProductLine>> {
    sqlx::query_as::<_, ProductLine>(b.sql("SELECT l.at, t.number, t.kind, t.source_code, t.dest_code, l.quantity, l.applied_delta FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE l.product_id = ? AND t.status = 'posted' ORDER BY l.at DESC, l.txn_id DESC, l.line_no DESC LIMIT ?"))
        .bind(product_id)
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

/// Daily summaries from `since_day` (inclusive, `YYYY-MM-DD`).
pub async fn summaries_since(p: &AnyPool, b: Backend, since_day: &str) -> Result<Vec<DaySummary>> {
    sqlx::query_as::<_, DaySummary>(b.sql("SELECT day, kind, txn_count, line_count, total_qty, total_value FROM daily_summary WHERE day >= ? ORDER BY day"))
        .bind(since_day)
        .fetch_all(p).await.map_err(Error::db(S))
}

pub async fn count_headers(p: &AnyPool, b: Backend) -> Result<i64> {
    sqlx::query_scalar::<_, i64>(b.sql("SELECT COUNT(*) FROM transactions"))
        .fetch_one(p)
        .await
        .map_err(Error::db(S))
}

/// Headers by id (any order), in chunks that every backend's parameter limit allows.
pub async fn headers_by_ids(p: &AnyPool, b: Backend, ids: &[String]) -> Result<Vec<Header>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut q = sqlx::query_as::<_, Header>(b.dyn_sql(format!(
            "SELECT {HEADER_COLS} FROM transactions WHERE id IN ({marks})"
        )));
        for id in chunk {
            q = q.bind(id.clone());
        }
        out.extend(q.fetch_all(p).await.map_err(Error::db(S))?);
    }
    Ok(out)
}

// ---- the journal write (see `super::coalesce`) --------------------------------------------

/// A decided document as the journal keeps it: the header with its number and final status, the
/// lines with what each applied. The location shard keeps it (as JSON, in its outbox) from the
/// decision until the journal has it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalDoc {
    pub header: Header,
    pub lines: Vec<Line>,
}

impl JournalDoc {
    /// Records the decision on the document: number, status, reason, time and, if applied, the
    /// quantity each line applied (a transfer line's is its arriving leg).
    pub fn decide(&mut self, number: &str, decision: &Decision, at: i64) {
        let h = &mut self.header;
        h.number = number.to_string();
        h.decided_at = Some(at);
        match decision {
            Decision::Applied(deltas) => {
                h.status = TxStatus::Posted.as_str().into();
                h.reason = None;
                let leg = if h.kind == TxKind::Transfer.as_str() {
                    1
                } else {
                    0
                };
                for l in &mut self.lines {
                    l.at = at;
                    l.applied_delta = deltas
                        .iter()
                        .find(|(line, lg, _)| *line == l.line_no && *lg == leg)
                        .map(|d| d.2);
                }
            }
            Decision::Aborted(reason) => {
                h.status = TxStatus::Rejected.as_str().into();
                h.reason = Some(reason.clone());
                for l in &mut self.lines {
                    l.at = at;
                    l.applied_delta = None;
                }
            }
        }
    }

    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self)
            .map_err(|e| Error::Invalid(format!("journal entry of {}: {e}", self.header.id)))
    }

    pub fn from_json(id: &str, s: &str) -> Result<JournalDoc> {
        serde_json::from_str(s).map_err(|e| {
            Error::Invalid(format!(
                "the stored journal entry of transaction {id} cannot be read: {e}"
            ))
        })
    }
}

const ROWS: usize = 100;

/// Headers, lines and daily-summary counts of `docs`, in one trip.
pub(crate) fn journal_statements(docs: &[&JournalDoc], opening: &str) -> Statements {
    let mut st = Statements::default();
    if !opening.is_empty() {
        st.push(opening, vec![]);
    }
    for chunk in docs.chunks(ROWS) {
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 19);
        for d in chunk {
            let h = &d.header;
            args.extend([
                Arg::from(&h.id),
                (&h.number).into(),
                (&h.kind).into(),
                (&h.status).into(),
                (&h.source_id).into(),
                (&h.source_code).into(),
                (&h.dest_id).into(),
                (&h.dest_code).into(),
                (&h.partner).into(),
                (&h.reference).into(),
                (&h.notes).into(),
                (&h.reason).into(),
                (&h.created_by).into(),
                h.created_at.into(),
                h.decided_at.into(),
                (&h.day).into(),
                h.line_count.into(),
                h.total_qty.into(),
                h.total_value.into(),
            ]);
        }
        st.push(
            super::bulk::values_sql(
                "INSERT INTO transactions (id, number, kind, status, source_id, source_code, dest_id, dest_code, partner, reference, notes, reason, created_by, created_at, decided_at, day, line_count, total_qty, total_value)",
                19,
                chunk.len(),
                "",
            ),
            args,
        );
    }
    let lines: Vec<&Line> = docs.iter().flat_map(|d| d.lines.iter()).collect();
    for chunk in lines.chunks(ROWS) {
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 10);
        for l in chunk {
            args.extend([
                Arg::from(&l.txn_id),
                l.line_no.into(),
                (&l.product_id).into(),
                (&l.sku).into(),
                (&l.product_name).into(),
                l.quantity.into(),
                l.unit_price.into(),
                l.total.into(),
                l.applied_delta.into(),
                l.at.into(),
            ]);
        }
        st.push(
            super::bulk::values_sql(
                "INSERT INTO transaction_lines (txn_id, line_no, product_id, sku, product_name, quantity, unit_price, total, applied_delta, at)",
                10,
                chunk.len(),
                "",
            ),
            args,
        );
    }
    // Only posted documents count in the daily summary.
    let mut days: Vec<((&str, &str), [i64; 4])> = Vec::new();
    for d in docs
        .iter()
        .filter(|d| d.header.status == TxStatus::Posted.as_str())
    {
        let h = &d.header;
        let key = (h.day.as_str(), h.kind.as_str());
        let add = [1, h.line_count, h.total_qty, h.total_value];
        match days.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => {
                for (a, b) in t.iter_mut().zip(add) {
                    *a += b;
                }
            }
            None => days.push((key, add)),
        }
    }
    for chunk in days.chunks(ROWS) {
        let mut args = Vec::with_capacity(chunk.len() * 6);
        for ((day, kind), t) in chunk {
            args.extend([
                Arg::from(*day),
                (*kind).into(),
                t[0].into(),
                t[1].into(),
                t[2].into(),
                t[3].into(),
            ]);
        }
        st.push(
            super::bulk::values_sql(
                "INSERT INTO daily_summary (day, kind, txn_count, line_count, total_qty, total_value)",
                6,
                chunk.len(),
                " ON CONFLICT (day, kind) DO UPDATE SET txn_count = daily_summary.txn_count + excluded.txn_count, line_count = daily_summary.line_count + excluded.line_count, total_qty = daily_summary.total_qty + excluded.total_qty, total_value = daily_summary.total_value + excluded.total_value",
            ),
            args,
        );
    }
    st
}

/// Journals decided documents in one write job: `Ok(true)` for one written now, `Ok(false)` for
/// one that was already there (a retry, or recovery and the poster both finishing it), which is
/// left as it is and counted nowhere. The common case is one trip for the whole job; a job with
/// a document already present starts over document by document.
pub async fn journal_batch(
    c: &mut AnyConnection,
    b: Backend,
    docs: Vec<JournalDoc>,
) -> Result<Vec<Result<bool>>> {
    let all: Vec<&JournalDoc> = docs.iter().collect();
    match journal_statements(&all, "SAVEPOINT journal")
        .run(c, b, S)
        .await
    {
        Ok(_) => return Ok(docs.iter().map(|_| Ok(true)).collect()),
        Err(e) if e.is_unique_violation() => {}
        Err(e) => return Err(e),
    }
    exec(c, "ROLLBACK TO SAVEPOINT journal").await?;
    let mut out = Vec::with_capacity(docs.len());
    for d in &docs {
        if header_by_id(&mut *c, b, &d.header.id).await?.is_some() {
            out.push(Ok(false));
            continue;
        }
        match journal_statements(&[d], "SAVEPOINT one").run(c, b, S).await {
            Ok(_) => out.push(Ok(true)),
            Err(e) => {
                exec(c, "ROLLBACK TO SAVEPOINT one").await?;
                out.push(Err(e));
            }
        }
    }
    Ok(out)
}

async fn exec(c: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(c).await.map_err(Error::db(S))?;
    Ok(())
}
