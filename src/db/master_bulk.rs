//! Bulk queries for the product CSV import and export: on the master shard, lookups by many
//! keys in chunks, keyset paging over every product and multi-row writes; on the location
//! shard, the price mirror of many products at once. Chunk sizes keep every statement well
//! under each backend's bind-parameter limit.

use sqlx::{AnyConnection, AnyPool};

use super::dialect::Backend;
use super::master::{AuditEntry, PRODUCT_COLS, Product};
use crate::domain::text::norm;
use crate::error::{Error, Result};

const S: &str = "master";

/// Products by normalised SKU.
pub async fn products_by_sku_norms(
    p: &AnyPool,
    b: Backend,
    skus: &[String],
) -> Result<Vec<Product>> {
    products_where_in(p, b, "sku_norm", skus).await
}

/// The products holding these barcodes, as (barcode, id, SKU).
pub async fn barcode_owners(
    p: &AnyPool,
    b: Backend,
    barcodes: &[String],
) -> Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    for chunk in barcodes.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut q = sqlx::query_as::<_, (String, String, String)>(b.dyn_sql(format!(
            "SELECT barcode, id, sku FROM products WHERE barcode IN ({marks})"
        )));
        for k in chunk {
            q = q.bind(k);
        }
        out.extend(q.fetch_all(p).await.map_err(Error::db(S))?);
    }
    Ok(out)
}

async fn products_where_in(
    p: &AnyPool,
    b: Backend,
    col: &'static str,
    keys: &[String],
) -> Result<Vec<Product>> {
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(format!(
            "SELECT {PRODUCT_COLS} FROM products WHERE {col} IN ({marks})"
        )));
        for k in chunk {
            q = q.bind(k);
        }
        out.extend(q.fetch_all(p).await.map_err(Error::db(S))?);
    }
    Ok(out)
}

/// One page of all products in SKU order, after `after_sku_norm`. Keyset paging: a deep page
/// costs the same as the first.
pub async fn products_after(
    p: &AnyPool,
    b: Backend,
    after_sku_norm: Option<&str>,
    limit: i64,
) -> Result<Vec<Product>> {
    let q = match after_sku_norm {
        Some(a) => sqlx::query_as::<_, Product>(b.dyn_sql(format!(
            "SELECT {PRODUCT_COLS} FROM products WHERE sku_norm > ? ORDER BY sku_norm LIMIT ?"
        )))
        .bind(a.to_string()),
        None => sqlx::query_as::<_, Product>(b.dyn_sql(format!(
            "SELECT {PRODUCT_COLS} FROM products ORDER BY sku_norm LIMIT ?"
        ))),
    };
    q.bind(limit).fetch_all(p).await.map_err(Error::db(S))
}

/// Inserts many products with multi-row statements.
pub async fn insert_products(
    c: &mut AnyConnection,
    b: Backend,
    products: &[Product],
) -> Result<()> {
    write_products(c, b, products, "").await
}

/// Rewrites many existing products (found by id) with multi-row statements: an insert that
/// turns into an update on the id, which SQLite and PostgreSQL spell the same way. A clash on
/// SKU or barcode with another product still fails as a unique violation.
pub async fn update_products(
    c: &mut AnyConnection,
    b: Backend,
    products: &[Product],
) -> Result<()> {
    write_products(
        c,
        b,
        products,
        " ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, sku_norm = excluded.sku_norm, barcode = excluded.barcode, name = excluded.name, name_norm = excluded.name_norm, category_id = excluded.category_id, unit_id = excluded.unit_id, price = excluded.price, min_qty = excluded.min_qty, active = excluded.active, updated_at = excluded.updated_at",
    )
    .await
}

async fn write_products(
    c: &mut AnyConnection,
    b: Backend,
    products: &[Product],
    on_conflict: &str,
) -> Result<()> {
    for chunk in products.chunks(200) {
        let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO products (id, sku, sku_norm, barcode, name, name_norm, category_id, unit_id, price, min_qty, active, created_at, updated_at) VALUES {rows}{on_conflict}"
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for p in chunk {
            q = q
                .bind(p.id.clone())
                .bind(p.sku.clone())
                .bind(norm(&p.sku))
                .bind(p.barcode.clone())
                .bind(p.name.clone())
                .bind(norm(&p.name))
                .bind(p.category_id.clone())
                .bind(p.unit_id.clone())
                .bind(p.price)
                .bind(p.min_qty)
                .bind(p.active)
                .bind(p.created_at)
                .bind(p.updated_at);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(())
}

/// Writes many audit entries with multi-row statements, on whichever shard's connection is given.
pub async fn insert_audits(
    c: &mut AnyConnection,
    b: Backend,
    shard: &'static str,
    entries: &[AuditEntry],
) -> Result<()> {
    for chunk in entries.chunks(300) {
        let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, before_json, after_json, doc) VALUES {rows}"
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for a in chunk {
            q = q
                .bind(a.id.clone())
                .bind(a.at)
                .bind(a.actor.clone())
                .bind(a.entity.clone())
                .bind(a.entity_id.clone())
                .bind(a.action.clone())
                .bind(a.before_json.clone())
                .bind(a.after_json.clone())
                .bind(a.doc.clone());
        }
        q.execute(&mut *c).await.map_err(Error::db(shard))?;
    }
    Ok(())
}

/// Copies new prices and default minimums (product id, price, default minimum) to the stock
/// rows of those products: the mirror the location shard keeps of master data.
pub async fn refresh_mirrors(
    c: &mut AnyConnection,
    b: Backend,
    rows: &[(String, i64, i64)],
) -> Result<()> {
    for chunk in rows.chunks(300) {
        let sql = format!(
            "UPDATE stock SET price = d.column2, default_min = d.column3 FROM (VALUES {}) AS d WHERE stock.product_id = d.column1",
            vec!["(?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for (id, price, min) in chunk {
            q = q.bind(id.clone()).bind(*price).bind(*min);
        }
        q.execute(&mut *c).await.map_err(Error::db("location"))?;
    }
    Ok(())
}
