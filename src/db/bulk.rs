//! Bulk writes for generated data (demo catalogs, benchmark history): many rows per statement
//! and many statements per write job, so a million rows cost seconds, not an evening.
//!
//! Generated history follows the posting protocol in bulk: documents are decided with their
//! movements, outcomes and outbox entries in one location job ([`apply_many`]), then journaled
//! ([`super::journal::journal_batch`]) and dropped from the outbox. A crash between the steps
//! leaves outbox entries that recovery journals, exactly as for single postings.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::dialect::Backend;
use super::journal::JournalDoc;
use super::location::{self, Decision};
use super::master::Product;
use super::multi::Statements;
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

/// The decision in bulk, in one location job: every document's `applied` outcome (numbered and
/// decided by the caller) and its outbox entry, its movements, and each touched stock row moved
/// by the sum of its movements (so conservation holds by construction). The caller guarantees no
/// row goes negative; the schema's CHECK refuses the whole job if one would. An id decided
/// before fails the job with a unique violation and changes nothing.
pub async fn apply_many(
    c: &mut AnyConnection,
    b: Backend,
    docs: &[JournalDoc],
    movements: &[MovementRow],
    stock: &BTreeMap<(String, String), StockDelta>,
) -> Result<()> {
    const S: &str = "location";
    for chunk in docs.chunks(ROWS) {
        let mut st = Statements::default();
        let mut outcomes = Vec::with_capacity(chunk.len() * 5);
        let mut outbox = Vec::with_capacity(chunk.len() * 3);
        for d in chunk {
            let (id, at) = (
                &d.header.id,
                d.header.decided_at.unwrap_or(d.header.created_at),
            );
            let applied = Decision::Applied(Vec::new());
            outcomes.extend(location::outcome_args(id, &d.header.number, &applied, at));
            outbox.extend(location::outbox_args(id, &d.to_json()?, at));
        }
        st.push(
            values_sql(
                "INSERT INTO outcomes (txn_id, outcome, reason, at, number)",
                5,
                chunk.len(),
                "",
            ),
            outcomes,
        )
        .push(
            values_sql("INSERT INTO outbox (txn_id, doc, at)", 3, chunk.len(), ""),
            outbox,
        );
        st.run(c, b, S).await?;
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
