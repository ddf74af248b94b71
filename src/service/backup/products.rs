//! Reconciliation's third step (see [`super::reconcile`]): a product that the location or
//! transaction shard names but master lacks (master was taken earlier) comes back as an inactive
//! product marked as restored, with the SKU and name the journal knows, under a unit of its own.
//! No stock is ever dropped; an admin fixes the details and activates it.

use std::collections::HashSet;

use serde::Serialize;
use sqlx::AnyConnection;

use crate::db::journal::JournalDoc;
use crate::db::master::{self, Product, Unit};
use crate::db::{Backend, Shards};
use crate::domain::ids::now_micros;
use crate::domain::new_id;
use crate::error::{Error, Result};

/// The unit given to a restored product (its own unit is not in the journal).
const RESTORED_UNIT: &str = "restored";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RestoredProduct {
    pub id: String,
    pub sku: String,
    pub name: String,
}

/// Products named elsewhere but missing from master come back, inactive.
pub(super) async fn restore_missing(shards: &Shards) -> Result<Vec<RestoredProduct>> {
    let mb = shards.master.backend();
    let known: HashSet<String> = shards
        .master
        .read(move |p| {
            Box::pin(async move {
                let ids: Vec<String> = sqlx::query_scalar(mb.sql("SELECT id FROM products"))
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("master"))?;
                Ok(ids.into_iter().collect())
            })
        })
        .await?;
    let lb = shards.location.backend();
    let (mut named, docs): (HashSet<String>, Vec<(String, String)>) = shards
        .location
        .read(move |p| {
            Box::pin(async move {
                let ids: Vec<String> = sqlx::query_scalar(lb.sql(
                    "SELECT product_id FROM stock UNION SELECT product_id FROM movements UNION SELECT product_id FROM count_lines",
                ))
                .fetch_all(&p)
                .await
                .map_err(Error::db("location"))?;
                let docs: Vec<(String, String)> =
                    sqlx::query_as(lb.sql("SELECT txn_id, doc FROM outbox"))
                        .fetch_all(&p)
                        .await
                        .map_err(Error::db("location"))?;
                Ok((ids.into_iter().collect(), docs))
            })
        })
        .await?;
    // What the documents waiting in the outbox say of their products.
    let mut described: Vec<(String, String, String, i64)> = Vec::new();
    for (id, json) in docs {
        if let Ok(d) = JournalDoc::from_json(&id, &json) {
            for l in d.lines {
                named.insert(l.product_id.clone());
                described.push((l.product_id, l.sku, l.product_name, l.unit_price));
            }
        }
    }
    let tb = shards.transaction.backend();
    let journal_ids: Vec<String> = shards
        .transaction
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_scalar(tb.sql("SELECT DISTINCT product_id FROM transaction_lines"))
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("transaction"))
            })
        })
        .await?;
    named.extend(journal_ids);
    let mut missing: Vec<String> = named.into_iter().filter(|id| !known.contains(id)).collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    missing.sort();
    let mut products = Vec::with_capacity(missing.len());
    for id in missing {
        let id2 = id.clone();
        let latest: Option<(String, String, i64)> = shards
            .transaction
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_as(tb.sql("SELECT sku, product_name, unit_price FROM transaction_lines WHERE product_id = ? ORDER BY at DESC LIMIT 1"))
                        .bind(id2)
                        .fetch_optional(&p)
                        .await
                        .map_err(Error::db("transaction"))
                })
            })
            .await?;
        let from_outbox = described
            .iter()
            .find(|d| d.0 == id)
            .map(|d| (d.1.clone(), d.2.clone(), d.3));
        let short: String = id.chars().filter(|c| *c != '-').take(8).collect();
        let (sku, name, price) = latest
            .or(from_outbox)
            .unwrap_or_else(|| (format!("RESTORED-{short}"), format!("product {id}"), 0));
        products.push((id, sku, name, price, short));
    }
    shards
        .master
        .write(move |c| Box::pin(insert_restored(c, mb, products)))
        .await
}

/// Inserts the restored products (inactive, under the `restored` unit, their names marked).
async fn insert_restored(
    c: &mut AnyConnection,
    b: Backend,
    products: Vec<(String, String, String, i64, String)>,
) -> Result<Vec<RestoredProduct>> {
    let now = now_micros();
    let unit = match master::unit_by_code(&mut *c, b, RESTORED_UNIT).await? {
        Some(u) => u,
        None => {
            let u = Unit {
                id: new_id(),
                code: RESTORED_UNIT.into(),
                name: "restored from a backup (unit unknown)".into(),
                decimals: 3,
                created_at: now,
            };
            master::insert_unit(&mut *c, b, &u).await?;
            u
        }
    };
    let mut out = Vec::with_capacity(products.len());
    for (id, sku, name, price, short) in products {
        let taken: Option<i64> =
            sqlx::query_scalar(b.sql("SELECT 1 FROM products WHERE sku_norm = ?"))
                .bind(crate::domain::text::norm(&sku))
                .fetch_optional(&mut *c)
                .await
                .map_err(Error::db("master"))?;
        let sku = if taken.is_some() {
            let base: String = sku.chars().take(54).collect();
            format!("{base}-R{short}")
        } else {
            sku
        };
        let name: String = format!("[restored] {name}").chars().take(200).collect();
        let p = Product {
            id: id.clone(),
            sku: sku.clone(),
            barcode: None,
            name: name.clone(),
            category_id: None,
            unit_id: unit.id.clone(),
            price: price.max(0),
            min_qty: 0,
            active: 0,
            created_at: now,
            updated_at: now,
        };
        master::insert_product(&mut *c, b, &p).await?;
        out.push(RestoredProduct { id, sku, name });
    }
    Ok(out)
}
