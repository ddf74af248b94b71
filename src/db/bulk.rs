//! Bulk writes for generated data (demo catalogs, benchmark history): many rows per statement
//! and many statements per write job, so a million rows cost seconds, not an evening.
//!
//! The history functions follow the posting protocol in bulk: documents are written `pending`
//! ([`insert_pending_many`]), their stock side is applied with movements and `applied` outcomes
//! in one location job ([`apply_many`]), then they are marked `posted` and counted in the daily
//! summaries ([`mark_posted_many`]). A crash between the steps leaves pending documents that
//! recovery finishes, exactly as for single postings.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::dialect::Backend;
use super::journal::{Header, Line};
use super::master::Product;
use crate::domain::text::norm;
use crate::error::{Error, Result};

/// Rows per INSERT statement: well inside every backend's parameter limit.
const ROWS: usize = 100;

/// `INSERT INTO table (cols) VALUES (?, ...), ... tail` for `rows` rows.
pub(crate) fn values_sql(head: &str, cols: usize, rows: usize, tail: &str) -> String {
    let one = format!("({})", vec!["?"; cols].join(", "));
    format!(
        "{head} VALUES {}{tail}",
        vec![one.as_str(); rows].join(", ")
    )
}

/// Inserts products (the FTS triggers index their names as usual).
pub async fn insert_products(
    c: &mut AnyConnection,
    b: Backend,
    products: &[Product],
) -> Result<()> {
    for chunk in products.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO products (id, sku, sku_norm, barcode, name, name_norm, category_id, unit_id, price, min_qty, active, created_at, updated_at)",
            13,
            chunk.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for p in chunk {
            q = q
                .bind(&p.id)
                .bind(&p.sku)
                .bind(norm(&p.sku))
                .bind(&p.barcode)
                .bind(&p.name)
                .bind(norm(&p.name))
                .bind(&p.category_id)
                .bind(&p.unit_id)
                .bind(p.price)
                .bind(p.min_qty)
                .bind(p.active)
                .bind(p.created_at)
                .bind(p.updated_at);
        }
        q.execute(&mut *c).await.map_err(Error::db("master"))?;
    }
    Ok(())
}

/// Reserves `count` consecutive numbers of a (prefix, year) sequence; returns the first.
pub async fn reserve_numbers(
    c: &mut AnyConnection,
    b: Backend,
    prefix: &str,
    year: i64,
    count: i64,
) -> Result<i64> {
    let last: i64 = sqlx::query_scalar(b.sql("INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, ?) ON CONFLICT (kind, year) DO UPDATE SET last_no = number_seq.last_no + excluded.last_no RETURNING last_no"))
        .bind(prefix).bind(year).bind(count)
        .fetch_one(&mut *c).await.map_err(Error::db("transaction"))?;
    Ok(last - count + 1)
}

/// Step 1 in bulk: pending headers and their lines.
pub async fn insert_pending_many(
    c: &mut AnyConnection,
    b: Backend,
    headers: &[Header],
    lines: &[Line],
) -> Result<()> {
    for chunk in headers.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO transactions (id, number, kind, status, source_id, source_code, dest_id, dest_code, partner, reference, notes, reason, created_by, created_at, decided_at, day, line_count, total_qty, total_value)",
            19,
            chunk.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for h in chunk {
            q = q
                .bind(&h.id)
                .bind(&h.number)
                .bind(&h.kind)
                .bind(&h.status)
                .bind(&h.source_id)
                .bind(&h.source_code)
                .bind(&h.dest_id)
                .bind(&h.dest_code)
                .bind(&h.partner)
                .bind(&h.reference)
                .bind(&h.notes)
                .bind(&h.reason)
                .bind(&h.created_by)
                .bind(h.created_at)
                .bind(h.decided_at)
                .bind(&h.day)
                .bind(h.line_count)
                .bind(h.total_qty)
                .bind(h.total_value);
        }
        q.execute(&mut *c).await.map_err(Error::db("transaction"))?;
    }
    for chunk in lines.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO transaction_lines (txn_id, line_no, product_id, sku, product_name, quantity, unit_price, total, applied_delta)",
            9,
            chunk.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for l in chunk {
            q = q
                .bind(&l.txn_id)
                .bind(l.line_no)
                .bind(&l.product_id)
                .bind(&l.sku)
                .bind(&l.product_name)
                .bind(l.quantity)
                .bind(l.unit_price)
                .bind(l.total)
                .bind(l.applied_delta);
        }
        q.execute(&mut *c).await.map_err(Error::db("transaction"))?;
    }
    Ok(())
}

/// One applied movement: (txn_id, line_no, leg, location_id, product_id, delta, at).
pub type MovementRow = (String, i64, i64, String, String, i64, i64);

/// Net change of one stock row, with the product mirror values to store on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockDelta {
    pub delta: i64,
    pub default_min: i64,
    pub price: i64,
    pub at: i64,
}

/// Step 2 in bulk, in one location job: the `applied` outcome of every transaction, its
/// movements, and each touched stock row moved by the sum of its movements (so conservation
/// holds by construction). The caller guarantees no row goes negative; the schema's CHECK
/// refuses the whole job if one would. An outcome that already exists (a concurrent recovery
/// decided first) fails the job with a unique violation and changes nothing.
pub async fn apply_many(
    c: &mut AnyConnection,
    b: Backend,
    outcomes: &[(String, i64)],
    movements: &[MovementRow],
    stock: &BTreeMap<(String, String), StockDelta>,
) -> Result<()> {
    const S: &str = "location";
    for chunk in outcomes.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO outcomes (txn_id, outcome, reason, at)",
            4,
            chunk.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for (id, at) in chunk {
            q = q.bind(id).bind("applied").bind(None::<String>).bind(*at);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    for chunk in movements.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
            7,
            chunk.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for (id, line, leg, loc, prod, delta, at) in chunk {
            q = q
                .bind(id)
                .bind(*line)
                .bind(*leg)
                .bind(loc)
                .bind(prod)
                .bind(*delta)
                .bind(*at);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    // A row's net change is positive (it may be new: upsert) or negative (it exists, since the
    // caller took only what was there: update). The two need separate statements because the
    // CHECK on quantity applies to an upsert's VALUES before the conflict turns it into an update.
    let (rows, takes): (Vec<_>, Vec<_>) = stock.iter().partition(|(_, d)| d.delta >= 0);
    for chunk in takes.chunks(ROWS) {
        let sql = format!(
            "UPDATE stock SET quantity = stock.quantity + d.column3, default_min = d.column4, price = d.column5, updated_at = d.column6 FROM (VALUES {}) AS d WHERE stock.location_id = d.column1 AND stock.product_id = d.column2",
            vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for ((loc, prod), d) in chunk {
            q = q
                .bind(loc)
                .bind(prod)
                .bind(d.delta)
                .bind(d.default_min)
                .bind(d.price)
                .bind(d.at);
        }
        let n = q
            .execute(&mut *c)
            .await
            .map_err(Error::db(S))?
            .rows_affected();
        if n != chunk.len() as u64 {
            return Err(Error::Invalid(format!(
                "bulk history: {} stock rows to take from do not exist",
                chunk.len() as u64 - n
            )));
        }
    }
    for chunk in rows.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at)",
            7,
            chunk.len(),
            " ON CONFLICT (location_id, product_id) DO UPDATE SET quantity = stock.quantity + excluded.quantity, default_min = excluded.default_min, price = excluded.price, updated_at = excluded.updated_at",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for ((loc, prod), d) in chunk {
            q = q
                .bind(loc)
                .bind(prod)
                .bind(d.delta)
                .bind(None::<i64>)
                .bind(d.default_min)
                .bind(d.price)
                .bind(d.at);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(())
}

/// Totals of one (day, kind) cell of the daily summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    pub txns: i64,
    pub lines: i64,
    pub qty: i64,
    pub value: i64,
}

/// Step 3 in bulk: marks pending headers `posted` (decided when they were created), sets each
/// line's applied delta (`+quantity` for `positive` ids, `-quantity` for `negative` ids) and
/// adds the totals to the daily summaries, in one transaction-shard job. Fails (changing
/// nothing) if any header was no longer pending.
pub async fn mark_posted_many(
    c: &mut AnyConnection,
    b: Backend,
    positive: &[String],
    negative: &[String],
    days: &BTreeMap<(String, String), DayTotals>,
) -> Result<()> {
    const S: &str = "transaction";
    for (ids, sign) in [(positive, ""), (negative, "-")] {
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut q = sqlx::query(b.dyn_sql(format!("UPDATE transactions SET status = 'posted', decided_at = created_at WHERE status = 'pending' AND id IN ({marks})")));
            for id in chunk {
                q = q.bind(id);
            }
            let n = q
                .execute(&mut *c)
                .await
                .map_err(Error::db(S))?
                .rows_affected();
            if n != chunk.len() as u64 {
                return Err(Error::Conflict(format!(
                    "{} generated documents were decided by someone else meanwhile",
                    chunk.len() as u64 - n
                )));
            }
            let mut q = sqlx::query(b.dyn_sql(format!("UPDATE transaction_lines SET applied_delta = {sign}quantity WHERE txn_id IN ({marks})")));
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(&mut *c).await.map_err(Error::db(S))?;
        }
    }
    let cells: Vec<_> = days.iter().collect();
    for chunk in cells.chunks(ROWS) {
        let sql = values_sql(
            "INSERT INTO daily_summary (day, kind, txn_count, line_count, total_qty, total_value)",
            6,
            chunk.len(),
            " ON CONFLICT (day, kind) DO UPDATE SET txn_count = daily_summary.txn_count + excluded.txn_count, line_count = daily_summary.line_count + excluded.line_count, total_qty = daily_summary.total_qty + excluded.total_qty, total_value = daily_summary.total_value + excluded.total_value",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for ((day, kind), t) in chunk {
            q = q
                .bind(day)
                .bind(kind)
                .bind(t.txns)
                .bind(t.lines)
                .bind(t.qty)
                .bind(t.value);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lists() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, " X"),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) X"
        );
    }
}
