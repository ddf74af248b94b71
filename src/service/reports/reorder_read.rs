//! Reorder suggestions and the per-location limits they rest on (see [`super::reorder`]).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::reorder::{LimitChange, ReorderQuery, ReorderReport, ReorderRow, StockLimits, Surplus};
use crate::db::master;
use crate::db::reports::{self as q, LimitRow};
use crate::domain::role::Permission;
use crate::domain::{Money, Quantity, ids::now_micros};
use crate::error::{Error, Result};
use crate::service::{Actor, Services, audit};

/// What the audit log keeps of a limits change.
#[derive(Serialize)]
struct LimitsAudit<'a> {
    location: &'a str,
    sku: &'a str,
    min_override: Option<i64>,
    max_qty: Option<i64>,
}

impl Services {
    /// What needs stock, by location and SKU.
    pub async fn reorder(&self, rq: &ReorderQuery) -> Result<ReorderReport> {
        let scope = self.report_scope(rq.location.as_deref(), true).await?;
        let cat = self.category_products(rq.category.as_deref()).await?;
        let lb = self.shards.location.backend();
        let ids = scope.sql_ids();
        let low: Vec<LimitRow> = self
            .shards
            .location
            .browse(move |p| Box::pin(async move { q::low_rows(&p, lb, ids.as_deref()).await }))
            .await?
            .into_iter()
            .filter(|r| scope.contains(&r.location_id))
            .filter(|r| cat.as_ref().is_none_or(|c| c.1.contains(&r.product_id)))
            .collect();
        let products: Vec<String> = low
            .iter()
            .map(|r| r.product_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (p2, p3) = (products.clone(), products);
        let surplus: Vec<LimitRow> = self
            .shards
            .location
            .browse(move |p| Box::pin(async move { q::surplus_rows(&p, lb, &p2).await }))
            .await?;
        let mb = self.shards.master.backend();
        let found: HashMap<String, master::Product> = self
            .shards
            .master
            .browse(move |p| Box::pin(async move { master::products_by_ids(&p, mb, &p3).await }))
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        let (_, units) = self.report_names().await?;
        let mut rows: Vec<ReorderRow> = low
            .iter()
            .map(|r| {
                let p = found.get(&r.product_id);
                let min = r.min();
                let target = r.max_qty.unwrap_or(2 * min);
                let suggested = (target - r.quantity).max(0);
                let price = Money(p.map_or(0, |p| p.price));
                let mut surplus: Vec<Surplus> = surplus
                    .iter()
                    .filter(|s| s.product_id == r.product_id && s.location_id != r.location_id)
                    .filter_map(|s| {
                        let max = s.max_qty?;
                        Some(Surplus {
                            location: scope.code(&s.location_id),
                            quantity: Quantity(s.quantity),
                            max: Quantity(max),
                            available: Quantity(s.quantity - max),
                        })
                    })
                    .collect();
                surplus.sort_by(|a, b| {
                    b.available
                        .cmp(&a.available)
                        .then(a.location.cmp(&b.location))
                });
                ReorderRow {
                    location: scope.code(&r.location_id),
                    product_id: r.product_id.clone(),
                    sku: p.map_or_else(|| r.product_id.clone(), |p| p.sku.clone()),
                    name: p.map(|p| p.name.clone()).unwrap_or_default(),
                    unit: p
                        .and_then(|p| units.get(&p.unit_id))
                        .cloned()
                        .unwrap_or_default(),
                    quantity: Quantity(r.quantity),
                    min: Quantity(min),
                    max: r.max_qty.map(Quantity),
                    suggested: Quantity(suggested),
                    price,
                    suggested_value: price.times(Quantity(suggested)),
                    surplus,
                }
            })
            .collect();
        rows.sort_by(|a, b| (&a.location, &a.sku).cmp(&(&b.location, &b.sku)));
        Ok(ReorderReport {
            location: scope.root.as_ref().map(|r| r.code.clone()),
            total_suggested_value: Money(rows.iter().map(|r| r.suggested_value.0).sum()),
            rows,
        })
    }

    /// Sets or clears a product's minimum and maximum at a location (supervisors and admins).
    /// A maximum below the minimum in force is refused; nothing changes then.
    pub async fn set_stock_limits(
        &self,
        actor: &Actor,
        location: &str,
        product: &str,
        min: LimitChange,
        max: LimitChange,
    ) -> Result<StockLimits> {
        actor.require(Permission::ManageLocations)?;
        let loc = self.location(location).await?;
        let code = product.trim();
        let p = self
            .product_by_code(code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("product '{code}'")))?;
        let decimals = self
            .list_units()
            .await?
            .into_iter()
            .find(|u| u.id == p.unit_id)
            .map_or(3, |u| u.decimals.clamp(0, 3) as u8);
        for (what, c) in [("minimum", min), ("maximum", max)] {
            if let LimitChange::Set(qty) = c
                && (qty.0 < 0 || !qty.fits_decimals(decimals))
            {
                return Err(Error::Invalid(format!(
                    "{what} {qty}: {} allows {decimals} decimal place(s) and no negative quantity",
                    p.sku
                )));
            }
        }
        let b = self.shards.location.backend();
        let (lid, pid, sku, lcode, who) = (
            loc.id.clone(),
            p.id.clone(),
            p.sku.clone(),
            loc.code.clone(),
            actor.email.clone(),
        );
        let (default_min, price) = (p.min_qty, p.price);
        let (row, new_min, new_max) = self
            .shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    let row = q::limit_row(c, b, &lid, &pid).await?;
                    let (cur_min, cur_max) = row
                        .as_ref()
                        .map_or((None, None), |r| (r.min_override, r.max_qty));
                    let pick = |ch: LimitChange, cur: Option<i64>| match ch {
                        LimitChange::Keep => cur,
                        LimitChange::Clear => None,
                        LimitChange::Set(q) => Some(q.0),
                    };
                    let (new_min, new_max) = (pick(min, cur_min), pick(max, cur_max));
                    let floor =
                        new_min.unwrap_or(row.as_ref().map_or(default_min, |r| r.default_min));
                    if let Some(m) = new_max
                        && m < floor
                    {
                        return Err(Error::Invalid(format!(
                            "the maximum ({}) of {sku} at {lcode} is below its minimum ({})",
                            Quantity(m),
                            Quantity(floor)
                        )));
                    }
                    let now = now_micros();
                    q::set_limits(
                        c,
                        b,
                        &lid,
                        &pid,
                        new_min,
                        new_max,
                        (default_min, price),
                        now,
                    )
                    .await?;
                    let before = LimitsAudit {
                        location: &lcode,
                        sku: &sku,
                        min_override: cur_min,
                        max_qty: cur_max,
                    };
                    let after = LimitsAudit {
                        min_override: new_min,
                        max_qty: new_max,
                        ..before
                    };
                    master::insert_audit(
                        c,
                        b,
                        "location",
                        &audit(
                            &who,
                            "stock_limits",
                            &pid,
                            "update",
                            Some(&before),
                            Some(&after),
                        ),
                    )
                    .await?;
                    Ok((row, new_min, new_max))
                })
            })
            .await?;
        let quantity = row.as_ref().map_or(0, |r| r.quantity);
        let default_now = row.as_ref().map_or(p.min_qty, |r| r.default_min);
        Ok(StockLimits {
            location: loc.code,
            sku: p.sku,
            quantity: Quantity(quantity),
            min_override: new_min.map(Quantity),
            min: Quantity(new_min.unwrap_or(default_now)),
            max: new_max.map(Quantity),
        })
    }
}
