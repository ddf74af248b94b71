//! Queries of the transaction shard: transaction headers and lines, number sequences and the
//! daily summaries kept in step with postings.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow, Row};

use super::dialect::Backend;
use super::multi::{Arg, Statements};
use crate::error::{Error, Result};

const S: &str = "transaction";

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
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

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
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
const LINE_COLS: &str =
    "txn_id, line_no, product_id, sku, product_name, quantity, unit_price, total, applied_delta";

/// Next number in a (prefix, year) sequence. Runs inside the caller's write job, so numbers are
/// unique under any concurrency; a rolled-back job gives its number back.
pub async fn next_number(c: &mut AnyConnection, b: Backend, kind: &str, year: i64) -> Result<i64> {
    sqlx::query_scalar::<_, i64>(b.sql("INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, 1) ON CONFLICT (kind, year) DO UPDATE SET last_no = number_seq.last_no + 1 RETURNING last_no"))
        .bind(kind).bind(year)
        .fetch_one(c).await.map_err(Error::db(S))
}

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

/// Writes a new pending header and its lines. Fails with a unique violation if the id exists.
pub async fn insert_pending(
    c: &mut AnyConnection,
    b: Backend,
    h: &Header,
    lines: &[Line],
) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO transactions (id, number, kind, status, source_id, source_code, dest_id, dest_code, partner, reference, notes, reason, created_by, created_at, decided_at, day, line_count, total_qty, total_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(&h.id).bind(&h.number).bind(&h.kind).bind(&h.status).bind(&h.source_id).bind(&h.source_code)
        .bind(&h.dest_id).bind(&h.dest_code).bind(&h.partner).bind(&h.reference).bind(&h.notes).bind(&h.reason)
        .bind(&h.created_by).bind(h.created_at).bind(h.decided_at).bind(&h.day).bind(h.line_count)
        .bind(h.total_qty).bind(h.total_value)
        .execute(&mut *c).await.map_err(Error::db(S))?;
    for l in lines {
        sqlx::query(b.sql("INSERT INTO transaction_lines (txn_id, line_no, product_id, sku, product_name, quantity, unit_price, total, applied_delta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(&l.txn_id).bind(l.line_no).bind(&l.product_id).bind(&l.sku).bind(&l.product_name)
            .bind(l.quantity).bind(l.unit_price).bind(l.total).bind(l.applied_delta)
            .execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(())
}

/// Ids of headers still pending that were created before `before`.
pub async fn pending_before(
    p: &AnyPool,
    b: Backend,
    before: i64,
    limit: i64,
) -> Result<Vec<String>> {
    sqlx::query_scalar::<_, String>(b.sql("SELECT id FROM transactions WHERE status = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?"))
        .bind(before).bind(limit)
        .fetch_all(p).await.map_err(Error::db(S))
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

pub async fn list_headers(
    p: &AnyPool,
    b: Backend,
    f: &TxnFilter,
    limit: Option<i64>,
    offset: i64,
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
    sql.push_str(" ORDER BY created_at DESC, id DESC");
    if limit.is_some() {
        sql.push_str(" LIMIT ? OFFSET ?");
    }
    let mut q = sqlx::query_as::<_, Header>(b.dyn_sql(sql));
    for a in args {
        q = q.bind(a);
    }
    for i in ints {
        q = q.bind(i);
    }
    if let Some(l) = limit {
        q = q.bind(l).bind(offset);
    }
    q.fetch_all(p).await.map_err(Error::db(S))
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

// ---- step 1 and step 3 for many postings at once (see `super::coalesce`) ----------------

/// A document to write pending; its number is given when it is written.
pub struct PendingDoc {
    pub prefix: &'static str,
    pub year: i64,
    pub header: Header,
    pub lines: Vec<Line>,
}

/// Step 1 for many documents in one write job: each (prefix, year) sequence advanced once for
/// all its documents, headers and lines in multi-row statements, inside a savepoint. If that
/// fails on a duplicate (a retried id), it is rolled back and every document is written on its
/// own, so the retried one gets its unique violation, the others go in, and no number is lost.
pub async fn insert_pending_batch(
    c: &mut AnyConnection,
    b: Backend,
    docs: Vec<PendingDoc>,
) -> Result<Vec<Result<Header>>> {
    let mut groups: Vec<((&'static str, i64), i64)> = Vec::new();
    for d in &docs {
        match groups.iter_mut().find(|(k, _)| *k == (d.prefix, d.year)) {
            Some((_, n)) => *n += 1,
            None => groups.push(((d.prefix, d.year), 1)),
        }
    }
    let mut reserve = Statements::default();
    reserve.push("SAVEPOINT pending", vec![]);
    for ((prefix, year), n) in &groups {
        reserve.push(
            "INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, ?) ON CONFLICT (kind, year) DO UPDATE SET last_no = number_seq.last_no + excluded.last_no RETURNING last_no",
            vec![(*prefix).into(), (*year).into(), (*n).into()],
        );
    }
    let done = reserve.run(c, b, S).await?;
    let mut next: Vec<((&'static str, i64), i64)> = Vec::with_capacity(groups.len());
    for ((key, n), d) in groups.iter().zip(done.iter().skip(1)) {
        let last: i64 = d
            .rows
            .first()
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(Error::db(S))?
            .unwrap_or(*n);
        next.push((*key, last - n + 1));
    }
    let mut docs = docs;
    for d in docs.iter_mut() {
        if let Some((_, n)) = next.iter_mut().find(|(k, _)| *k == (d.prefix, d.year)) {
            d.header.number = format!("{}-{}-{:06}", d.prefix, d.year, *n);
            *n += 1;
        }
    }
    let headers: Vec<Header> = docs.iter().map(|d| d.header.clone()).collect();
    let lines: Vec<Line> = docs.iter().flat_map(|d| d.lines.iter().cloned()).collect();
    match super::bulk::insert_pending_many(c, b, &headers, &lines).await {
        Ok(()) => Ok(headers.into_iter().map(Ok).collect()),
        Err(e) if e.is_unique_violation() => {
            sqlx::query("ROLLBACK TO SAVEPOINT pending")
                .execute(&mut *c)
                .await
                .map_err(Error::db(S))?;
            let mut out = Vec::with_capacity(docs.len());
            for d in docs {
                let mut h = d.header;
                sqlx::query("SAVEPOINT one")
                    .execute(&mut *c)
                    .await
                    .map_err(Error::db(S))?;
                let r = async {
                    let n = next_number(c, b, d.prefix, d.year).await?;
                    h.number = format!("{}-{}-{n:06}", d.prefix, d.year);
                    insert_pending(c, b, &h, &d.lines).await?;
                    Ok::<_, Error>(h)
                }
                .await;
                if r.is_err() {
                    sqlx::query("ROLLBACK TO SAVEPOINT one")
                        .execute(&mut *c)
                        .await
                        .map_err(Error::db(S))?;
                }
                out.push(r);
            }
            Ok(out)
        }
        Err(e) => Err(e),
    }
}

/// A decision to record on a header (step 3).
pub struct MarkItem {
    pub id: String,
    pub posted: bool,
    pub reason: Option<String>,
    /// (line_no, applied delta) of a posted document.
    pub line_deltas: Vec<(i64, i64)>,
    pub at: i64,
}

/// Step 3 for many documents in one write job, in three statements for all of them: each
/// pending header becomes `posted` (with the applied delta of each line) or `rejected` (with
/// the reason), and each posting is counted in its day's summary. `Ok(false)` for a header that
/// was no longer pending (someone else decided it): it is left as it is and counted nowhere.
pub async fn mark_decided_batch(
    c: &mut AnyConnection,
    b: Backend,
    items: Vec<MarkItem>,
) -> Result<Vec<Result<bool>>> {
    // The same id twice in one job (a retry finishing what its first attempt also finishes):
    // the first records the decision, the second finds it recorded.
    let mut first: Vec<bool> = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        first.push(!items[..i].iter().any(|x| x.id == it.id));
    }
    let marked: Vec<&MarkItem> = items
        .iter()
        .zip(&first)
        .filter(|(_, f)| **f)
        .map(|(it, _)| it)
        .collect();
    let mut decided: Vec<(String, String, String, i64, i64, i64)> = Vec::new();
    for chunk in marked.chunks(100) {
        let sql = format!(
            "UPDATE transactions SET status = v.column2, reason = v.column3, decided_at = v.column4 FROM (VALUES {}) AS v WHERE transactions.id = v.column1 AND transactions.status = 'pending' RETURNING id, day, kind, line_count, total_qty, total_value",
            vec!["(?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, String, String, i64, i64, i64)>(b.dyn_sql(sql));
        for it in chunk {
            q = q
                .bind(&it.id)
                .bind(if it.posted { "posted" } else { "rejected" })
                .bind(&it.reason)
                .bind(it.at);
        }
        decided.extend(q.fetch_all(&mut *c).await.map_err(Error::db(S))?);
    }
    let mut then = Statements::default();
    let mut deltas: Vec<Arg> = Vec::new();
    let mut days: Vec<((String, String), [i64; 4])> = Vec::new();
    for (id, day, kind, lines, qty, value) in &decided {
        let Some(it) = marked.iter().find(|it| &it.id == id).filter(|it| it.posted) else {
            continue;
        };
        for (line_no, delta) in &it.line_deltas {
            deltas.extend([Arg::from(id), (*line_no).into(), (*delta).into()]);
        }
        match days.iter_mut().find(|(k, _)| k.0 == *day && k.1 == *kind) {
            Some((_, t)) => *t = [t[0] + 1, t[1] + lines, t[2] + qty, t[3] + value],
            None => days.push(((day.clone(), kind.clone()), [1, *lines, *qty, *value])),
        }
    }
    for chunk in deltas.chunks(300) {
        then.push(
            format!(
                "UPDATE transaction_lines SET applied_delta = v.column3 FROM (VALUES {}) AS v WHERE transaction_lines.txn_id = v.column1 AND transaction_lines.line_no = v.column2",
                vec!["(?, ?, ?)"; chunk.len() / 3].join(", ")
            ),
            chunk.to_vec(),
        );
    }
    for chunk in days.chunks(100) {
        let mut args = Vec::new();
        for ((day, kind), t) in chunk {
            args.extend([
                Arg::from(day),
                Arg::from(kind),
                t[0].into(),
                t[1].into(),
                t[2].into(),
                t[3].into(),
            ]);
        }
        then.push(
            format!(
                "INSERT INTO daily_summary (day, kind, txn_count, line_count, total_qty, total_value) VALUES {} ON CONFLICT (day, kind) DO UPDATE SET txn_count = daily_summary.txn_count + excluded.txn_count, line_count = daily_summary.line_count + excluded.line_count, total_qty = daily_summary.total_qty + excluded.total_qty, total_value = daily_summary.total_value + excluded.total_value",
                vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            ),
            args,
        );
    }
    if !then.is_empty() {
        then.run(c, b, S).await?;
    }
    Ok(items
        .iter()
        .zip(&first)
        .map(|(it, f)| Ok(*f && decided.iter().any(|d| d.0 == it.id)))
        .collect())
}
