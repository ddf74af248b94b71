//! The stock rows' minimum and maximum: the rows a reorder list starts from, the surplus other
//! locations hold, and setting both limits of one row.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{L, MAX_IN, marks};
use crate::db::dialect::Backend;
use crate::error::{Error, Result};

/// A stock row with its limits.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct LimitRow {
    pub location_id: String,
    pub product_id: String,
    pub quantity: i64,
    pub min_override: Option<i64>,
    pub default_min: i64,
    pub max_qty: Option<i64>,
}

impl LimitRow {
    pub fn min(&self) -> i64 {
        self.min_override.unwrap_or(self.default_min)
    }
}

const LIMIT_COLS: &str = "location_id, product_id, quantity, min_override, default_min, max_qty";

/// Stock rows at or below a minimum above zero, at `locations` if given (at most
/// [`MAX_IN`]), in (location, product) order.
pub async fn low_rows(
    p: &AnyPool,
    b: Backend,
    locations: Option<&[String]>,
) -> Result<Vec<LimitRow>> {
    let mut sql = format!(
        "SELECT {LIMIT_COLS} FROM stock WHERE COALESCE(min_override, default_min) > 0 \
         AND quantity <= COALESCE(min_override, default_min)"
    );
    if let Some(ls) = locations {
        sql.push_str(&format!(" AND location_id IN ({})", marks(ls.len())));
    }
    sql.push_str(" ORDER BY location_id, product_id");
    let mut q = sqlx::query_as::<_, LimitRow>(b.dyn_sql(sql));
    for l in locations.unwrap_or_default() {
        q = q.bind(l.clone());
    }
    q.fetch_all(p).await.map_err(Error::db(L))
}

/// Rows of `products` holding more than their maximum.
pub async fn surplus_rows(p: &AnyPool, b: Backend, products: &[String]) -> Result<Vec<LimitRow>> {
    let mut out = Vec::new();
    for chunk in products.chunks(MAX_IN) {
        let sql = format!(
            "SELECT {LIMIT_COLS} FROM stock WHERE product_id IN ({}) AND max_qty IS NOT NULL AND quantity > max_qty",
            marks(chunk.len())
        );
        let mut q = sqlx::query_as::<_, LimitRow>(b.dyn_sql(sql));
        for id in chunk {
            q = q.bind(id.clone());
        }
        out.extend(q.fetch_all(p).await.map_err(Error::db(L))?);
    }
    Ok(out)
}

/// The limits of one stock row, if it exists (locked for the write job that reads it).
pub async fn limit_row(
    c: &mut AnyConnection,
    b: Backend,
    location_id: &str,
    product_id: &str,
) -> Result<Option<LimitRow>> {
    sqlx::query_as::<_, LimitRow>(b.dyn_sql(format!(
        "SELECT {LIMIT_COLS} FROM stock WHERE location_id = ? AND product_id = ?{}",
        b.for_update()
    )))
    .bind(location_id)
    .bind(product_id)
    .fetch_optional(c)
    .await
    .map_err(Error::db(L))
}

/// Sets both limits of a stock row, creating the row (empty, with the product's mirror) if
/// needed.
#[allow(clippy::too_many_arguments)]
pub async fn set_limits(
    c: &mut AnyConnection,
    b: Backend,
    location_id: &str,
    product_id: &str,
    min_override: Option<i64>,
    max_qty: Option<i64>,
    (default_min, price): (i64, i64),
    at: i64,
) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at, max_qty) VALUES (?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT (location_id, product_id) DO UPDATE SET min_override = excluded.min_override, max_qty = excluded.max_qty, updated_at = excluded.updated_at"))
        .bind(location_id)
        .bind(product_id)
        .bind(min_override)
        .bind(default_min)
        .bind(price)
        .bind(at)
        .bind(max_qty)
        .execute(c)
        .await
        .map_err(Error::db(L))?;
    Ok(())
}
