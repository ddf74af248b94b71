//! Queries of the location shard for count sessions (stock opname, location migration 005):
//! the count header, its counted lines and the adjustment documents it posts. A scan stores the
//! stock row's quantity (the book quantity) in the same write as the counted quantity; the
//! count's documents are fixed (ids and which lines) in one write before any is posted.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::dialect::Backend;
use super::location;
use crate::error::{Error, Result};

const S: &str = "location";

/// The number sequence of counts in `number_seq` (`CNT-YYYY-NNNNNN`).
pub const SEQ_KIND: &str = "count";
pub const PREFIX: &str = "CNT";

/// The most lines one adjustment document of a count holds (as [`MAX_LINES`] of a posting).
///
/// [`MAX_LINES`]: crate::service::posting::MAX_LINES
pub const DOC_LINES: usize = 500;

/// A count to open.
#[derive(Debug, Clone)]
pub struct NewCount {
    pub id: String,
    pub location_id: String,
    pub with_children: bool,
    pub category_id: Option<String>,
    pub started_by: String,
    pub started_at: i64,
    pub year: i64,
}

/// A count header as stored, with how many lines were scanned.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CountRow {
    pub id: String,
    pub number: String,
    pub location_id: String,
    pub with_children: i64,
    pub category_id: Option<String>,
    pub status: String,
    pub started_by: String,
    pub started_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub uncounted_as_zero: i64,
    pub scanned_lines: i64,
}

/// An adjustment document of a count.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DocRow {
    pub seq: i64,
    pub location_id: String,
    /// Which slice of its location's variance lines (in product order, [`DOC_LINES`] each).
    pub part: i64,
    pub txn_id: String,
    pub number: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub line_count: i64,
}

/// A counted line with its stock row's mirrored price and quantity now.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct LineRow {
    pub location_id: String,
    pub product_id: String,
    /// `None`: waiting for a recount.
    pub counted: Option<i64>,
    pub book: i64,
    pub counted_by: Option<String>,
    pub counted_at: Option<i64>,
    pub scans: i64,
    /// Never scanned; posted as zero on the supervisor's word.
    pub zeroed: i64,
    pub price: Option<i64>,
    pub stock_now: Option<i64>,
}

/// What one scanned line adds.
#[derive(Debug, Clone)]
pub struct ScanAdd {
    pub location_id: String,
    pub product_id: String,
    pub qty: i64,
}

const COUNT_COLS: &str = "c.id, c.number, c.location_id, c.with_children, c.category_id, c.status, c.started_by, c.started_at, c.closed_at, c.closed_by, c.uncounted_as_zero, (SELECT CAST(COUNT(*) AS BIGINT) FROM count_lines l WHERE l.count_id = c.id AND l.zeroed = 0) AS scanned_lines";

/// Opens a count; returns its new number.
pub async fn insert_count(c: &mut AnyConnection, b: Backend, n: &NewCount) -> Result<String> {
    let no = location::reserve_numbers(c, b, SEQ_KIND, n.year, 1).await?;
    let number = location::format_number(PREFIX, n.year, no);
    sqlx::query(b.sql("INSERT INTO counts (id, number, location_id, with_children, category_id, status, started_by, started_at, closed_at, closed_by, uncounted_as_zero) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, NULL, NULL, 0)"))
        .bind(&n.id).bind(&number).bind(&n.location_id).bind(i64::from(n.with_children))
        .bind(&n.category_id).bind(&n.started_by).bind(n.started_at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(number)
}

pub async fn by_number(p: &AnyPool, b: Backend, number: &str) -> Result<Option<CountRow>> {
    sqlx::query_as::<_, CountRow>(b.dyn_sql(format!(
        "SELECT {COUNT_COLS} FROM counts c WHERE c.number = ?"
    )))
    .bind(number)
    .fetch_optional(p)
    .await
    .map_err(Error::db(S))
}

/// Counts newest first: open and posting ones, or all.
pub async fn list(p: &AnyPool, b: Backend, all: bool) -> Result<Vec<CountRow>> {
    let filter = if all {
        ""
    } else {
        " WHERE c.status IN ('open', 'posting')"
    };
    sqlx::query_as::<_, CountRow>(b.dyn_sql(format!(
        "SELECT {COUNT_COLS} FROM counts c{filter} ORDER BY c.started_at DESC, c.id DESC"
    )))
    .fetch_all(p)
    .await
    .map_err(Error::db(S))
}

/// The count's status, the row locked until the write commits. `Err(Conflict)` unless it is
/// `want`.
async fn lock_status(c: &mut AnyConnection, b: Backend, id: &str, want: &str) -> Result<String> {
    let status: Option<String> = sqlx::query_scalar(b.dyn_sql(format!(
        "SELECT status FROM counts WHERE id = ?{}",
        b.for_update()
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await
    .map_err(Error::db(S))?;
    match status {
        Some(s) if s == want => Ok(s),
        Some(s) => Err(Error::Conflict(s)),
        None => Err(Error::NotFound(format!("count {id}"))),
    }
}

/// Adds scanned quantities, each with the stock row's quantity now as its book quantity;
/// returns each line's counted total. `Err(Conflict)` if the count is not open.
pub async fn scan(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    adds: &[ScanAdd],
    who: &str,
    at: i64,
) -> Result<Vec<i64>> {
    lock_status(c, b, count_id, "open").await?;
    let mut totals = Vec::with_capacity(adds.len());
    for a in adds {
        // Writers take turns on the shard (see `Backend::serialize_writers`), so the stock row
        // read here is the book quantity at this scan's place in the order of all writes.
        let book: Option<i64> = sqlx::query_scalar(
            b.sql("SELECT quantity FROM stock WHERE location_id = ? AND product_id = ?"),
        )
        .bind(&a.location_id)
        .bind(&a.product_id)
        .fetch_optional(&mut *c)
        .await
        .map_err(Error::db(S))?;
        sqlx::query(b.sql("INSERT INTO count_lines (count_id, location_id, product_id, counted, book, counted_by, counted_at, recount, scans, zeroed) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, 0) ON CONFLICT (count_id, location_id, product_id) DO UPDATE SET counted = COALESCE(count_lines.counted, 0) + excluded.counted, book = excluded.book, counted_by = excluded.counted_by, counted_at = excluded.counted_at, recount = 0, scans = count_lines.scans + 1"))
            .bind(count_id).bind(&a.location_id).bind(&a.product_id).bind(a.qty)
            .bind(book.unwrap_or(0)).bind(who).bind(at)
            .execute(&mut *c).await.map_err(Error::db(S))?;
        let total: Option<i64> = sqlx::query_scalar(b.sql(
            "SELECT counted FROM count_lines WHERE count_id = ? AND location_id = ? AND product_id = ?",
        ))
        .bind(count_id)
        .bind(&a.location_id)
        .bind(&a.product_id)
        .fetch_one(&mut *c)
        .await
        .map_err(Error::db(S))?;
        totals.push(total.unwrap_or(0));
    }
    Ok(totals)
}

/// Clears the counted quantity of lines (location id, product id, label for messages) so
/// they are scanned again. A line never scanned is refused by its label.
pub async fn recount(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    keys: &[(String, String, String)],
) -> Result<u64> {
    lock_status(c, b, count_id, "open").await?;
    let mut n = 0;
    for (loc, prod, label) in keys {
        let r = sqlx::query(b.sql("UPDATE count_lines SET counted = NULL, recount = 1 WHERE count_id = ? AND location_id = ? AND product_id = ?"))
            .bind(count_id).bind(loc).bind(prod)
            .execute(&mut *c).await.map_err(Error::db(S))?;
        if r.rows_affected() == 0 {
            return Err(Error::Invalid(format!(
                "line {label} was never scanned in this count: nothing to recount"
            )));
        }
        n += r.rows_affected();
    }
    Ok(n)
}

/// Moves a count from status `from` to a closed status `to`. `Err(Conflict)` if it was not in
/// `from`.
pub async fn close(
    c: &mut AnyConnection,
    b: Backend,
    id: &str,
    from: &str,
    to: &str,
    who: &str,
    at: i64,
) -> Result<()> {
    lock_status(c, b, id, from).await?;
    sqlx::query(b.sql(
        "UPDATE counts SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?",
    ))
    .bind(to)
    .bind(at)
    .bind(who)
    .bind(id)
    .bind(from)
    .execute(c)
    .await
    .map_err(Error::db(S))?;
    Ok(())
}

/// The counted lines, with the stock rows' mirrored price and quantity now.
pub async fn lines(p: &AnyPool, b: Backend, count_id: &str) -> Result<Vec<LineRow>> {
    sqlx::query_as::<_, LineRow>(b.sql("SELECT l.location_id, l.product_id, l.counted, l.book, l.counted_by, l.counted_at, l.scans, l.zeroed, s.price, s.quantity AS stock_now FROM count_lines l LEFT JOIN stock s ON s.location_id = l.location_id AND s.product_id = l.product_id WHERE l.count_id = ? ORDER BY l.location_id, l.product_id"))
        .bind(count_id)
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

/// Stock rows with stock at `location_ids` that the count has no line for: (location id,
/// product id, quantity, price).
pub async fn uncounted(
    p: &AnyPool,
    b: Backend,
    count_id: &str,
    location_ids: &[String],
) -> Result<Vec<(String, String, i64, i64)>> {
    let mut out = Vec::new();
    for chunk in location_ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut q = sqlx::query_as::<_, (String, String, i64, i64)>(b.dyn_sql(format!(
            "SELECT s.location_id, s.product_id, s.quantity, s.price FROM stock s WHERE s.location_id IN ({marks}) AND s.quantity <> 0 AND NOT EXISTS (SELECT 1 FROM count_lines l WHERE l.count_id = ? AND l.location_id = s.location_id AND l.product_id = s.product_id) ORDER BY s.location_id, s.product_id"
        )));
        for id in chunk {
            q = q.bind(id);
        }
        out.extend(q.bind(count_id).fetch_all(p).await.map_err(Error::db(S))?);
    }
    Ok(out)
}

/// The count's documents, in order.
pub async fn docs(p: &AnyPool, b: Backend, count_id: &str) -> Result<Vec<DocRow>> {
    sqlx::query_as::<_, DocRow>(b.sql("SELECT seq, location_id, part, txn_id, number, status, reason, line_count FROM count_docs WHERE count_id = ? ORDER BY seq"))
        .bind(count_id)
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

/// The variance lines of a fixed count, (location id, product id, variance), in the order
/// that cuts them into documents: by location, then product.
pub async fn variances(
    p: &AnyPool,
    b: Backend,
    count_id: &str,
) -> Result<Vec<(String, String, i64)>> {
    sqlx::query_as(b.sql("SELECT location_id, product_id, counted - book FROM count_lines WHERE count_id = ? AND counted IS NOT NULL AND counted <> book ORDER BY location_id, product_id"))
        .bind(count_id)
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

/// Cuts variance lines into documents: per location, [`DOC_LINES`] each, in the order given.
/// Returns (location id, part, line count) per document.
pub fn cut(lines: &[(String, String, i64)]) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for (loc, _, _) in lines {
        match out.last_mut() {
            Some((l, _, n)) if l == loc && (*n as usize) < DOC_LINES => *n += 1,
            Some((l, part, _)) if l == loc => {
                let next = *part + 1;
                out.push((loc.clone(), next, 1));
            }
            _ => out.push((loc.clone(), 0, 1)),
        }
    }
    out
}

/// Fixes an open count for posting, in one write: with `zero`, every in-scope stock row never
/// scanned (at `location_ids`, of `product_ids` if the count has a category) and every line
/// waiting for a recount becomes a line counted zero against the stock now; then the documents
/// are cut and given their ids (`new_id` per document) and the count becomes `posting`, or
/// `posted` at once if nothing differs. `Ok(false)` if the count was already fixed (another
/// `count post` got there first); `Err(Conflict)` with its status if it is closed.
#[allow(clippy::too_many_arguments)]
pub async fn fix(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    zero: bool,
    location_ids: &[String],
    product_ids: Option<&[String]>,
    who: &str,
    at: i64,
) -> Result<bool> {
    match lock_status(c, b, count_id, "open").await {
        Ok(_) => {}
        Err(Error::Conflict(s)) if s == "posting" => return Ok(false),
        Err(e) => return Err(e),
    }
    if zero {
        sqlx::query(b.sql("UPDATE count_lines SET counted = 0, zeroed = 1, book = COALESCE((SELECT s.quantity FROM stock s WHERE s.location_id = count_lines.location_id AND s.product_id = count_lines.product_id), 0) WHERE count_id = ? AND counted IS NULL"))
            .bind(count_id)
            .execute(&mut *c).await.map_err(Error::db(S))?;
        let products: Vec<Option<&[String]>> = match product_ids {
            None => vec![None],
            Some(ids) => ids.chunks(400).map(Some).collect(),
        };
        for locs in location_ids.chunks(400) {
            for prods in &products {
                let mut sql = format!(
                    "INSERT INTO count_lines (count_id, location_id, product_id, counted, book, counted_by, counted_at, recount, scans, zeroed) SELECT ?, s.location_id, s.product_id, 0, s.quantity, NULL, NULL, 0, 0, 1 FROM stock s WHERE s.location_id IN ({}) AND s.quantity <> 0",
                    vec!["?"; locs.len()].join(", ")
                );
                if let Some(p) = prods {
                    sql.push_str(&format!(
                        " AND s.product_id IN ({})",
                        vec!["?"; p.len()].join(", ")
                    ));
                }
                sql.push_str(" AND NOT EXISTS (SELECT 1 FROM count_lines l WHERE l.count_id = ? AND l.location_id = s.location_id AND l.product_id = s.product_id)");
                let mut q = sqlx::query(b.dyn_sql(sql)).bind(count_id);
                for l in locs {
                    q = q.bind(l);
                }
                for p in prods.unwrap_or_default() {
                    q = q.bind(p);
                }
                q.bind(count_id)
                    .execute(&mut *c)
                    .await
                    .map_err(Error::db(S))?;
            }
        }
    }
    let lines: Vec<(String, String, i64)> = sqlx::query_as(b.sql("SELECT location_id, product_id, counted - book FROM count_lines WHERE count_id = ? AND counted IS NOT NULL AND counted <> book ORDER BY location_id, product_id"))
        .bind(count_id)
        .fetch_all(&mut *c)
        .await
        .map_err(Error::db(S))?;
    let docs = cut(&lines);
    for (i, (loc, part, n)) in docs.iter().enumerate() {
        sqlx::query(b.sql("INSERT INTO count_docs (count_id, seq, location_id, part, txn_id, number, status, reason, line_count) VALUES (?, ?, ?, ?, ?, NULL, 'pending', NULL, ?)"))
            .bind(count_id).bind(i as i64 + 1).bind(loc).bind(*part).bind(crate::domain::new_id()).bind(*n)
            .execute(&mut *c).await.map_err(Error::db(S))?;
    }
    let (status, closed_at, closed_by) = if docs.is_empty() {
        ("posted", Some(at), Some(who))
    } else {
        ("posting", None, None)
    };
    sqlx::query(b.sql("UPDATE counts SET status = ?, uncounted_as_zero = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'"))
        .bind(status).bind(i64::from(zero)).bind(closed_at).bind(closed_by).bind(count_id)
        .execute(&mut *c).await.map_err(Error::db(S))?;
    Ok(true)
}

/// Gives a rejected document a fresh id, so that posting it again is a new attempt (the
/// rejected id keeps its decision). Stored before that attempt is posted.
pub async fn renew_rejected(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    seq: i64,
    txn_id: &str,
) -> Result<()> {
    sqlx::query(b.sql("UPDATE count_docs SET txn_id = ?, status = 'pending', reason = NULL, number = NULL WHERE count_id = ? AND seq = ? AND status = 'rejected'"))
        .bind(txn_id).bind(count_id).bind(seq)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

/// Records what became of a document (by its id, so a stale attempt records nothing).
pub async fn record_doc(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    txn_id: &str,
    number: &str,
    status: &str,
    reason: Option<&str>,
) -> Result<()> {
    sqlx::query(b.sql("UPDATE count_docs SET number = ?, status = ?, reason = ? WHERE count_id = ? AND txn_id = ?"))
        .bind(number).bind(status).bind(reason).bind(count_id).bind(txn_id)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

/// Closes a posting count once every document is posted; `Ok(true)` if it is closed now.
pub async fn finish(
    c: &mut AnyConnection,
    b: Backend,
    count_id: &str,
    who: &str,
    at: i64,
) -> Result<bool> {
    let open: i64 = sqlx::query_scalar(b.sql(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM count_docs WHERE count_id = ? AND status <> 'posted'",
    ))
    .bind(count_id)
    .fetch_one(&mut *c)
    .await
    .map_err(Error::db(S))?;
    if open > 0 {
        return Ok(false);
    }
    sqlx::query(b.sql("UPDATE counts SET status = 'posted', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'posting'"))
        .bind(at).bind(who).bind(count_id)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_cut_per_location_and_size() {
        let mut lines: Vec<(String, String, i64)> = (0..DOC_LINES + 1)
            .map(|i| ("A".to_string(), format!("p{i:04}"), 1))
            .collect();
        lines.push(("B".into(), "p".into(), -1));
        assert_eq!(
            cut(&lines),
            vec![
                ("A".to_string(), 0, DOC_LINES as i64),
                ("A".to_string(), 1, 1),
                ("B".to_string(), 0, 1)
            ]
        );
        assert!(cut(&[]).is_empty());
    }
}
