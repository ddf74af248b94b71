//! Locations (warehouse > zone > bin) and stock queries, with the audit trail of every change.

use serde::Serialize;

use super::{Actor, Services, audit, conflict};
use crate::db::location::{self, Location, StockRow};
use crate::domain::role::Permission;
use crate::domain::{ids::now_micros, new_id, text};
use crate::error::{Error, Result};

/// A stock row with names resolved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StockView {
    pub location: String,
    pub sku: String,
    pub name: String,
    pub quantity: String,
    pub min: String,
    pub low: bool,
    #[serde(skip)]
    pub quantity_milli: i64,
    #[serde(skip)]
    pub product_id: String,
    #[serde(skip)]
    pub location_id: String,
}

impl Services {
    /// Adds a location, optionally inside a parent (by code).
    pub async fn add_location(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        parent: Option<&str>,
    ) -> Result<Location> {
        actor.require(Permission::ManageLocations)?;
        let code = text::code(code, "location code")?;
        let name = text::name(name, "location name")?;
        let parent_id = match parent.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(self.location(p).await?.id),
            None => None,
        };
        let now = now_micros();
        let loc = Location {
            id: new_id(),
            code: code.clone(),
            name,
            parent_id,
            active: 1,
            created_at: now,
            updated_at: now,
        };
        let b = self.shards.location.backend();
        let (l2, who) = (loc.clone(), actor.email.clone());
        self.shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    location::insert_location(c, b, &l2).await?;
                    crate::db::master::insert_audit(
                        c,
                        b,
                        "location",
                        &audit(&who, "location", &l2.id, "create", None, Some(&l2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || format!("location '{code}' already exists")))?;
        Ok(loc)
    }

    /// Edits a location's name, parent or active flag. A location cannot become its own
    /// ancestor.
    pub async fn update_location(
        &self,
        actor: &Actor,
        code: &str,
        name: Option<&str>,
        parent: Option<Option<&str>>,
        active: Option<bool>,
    ) -> Result<Location> {
        actor.require(Permission::ManageLocations)?;
        let before = self.location(code).await?;
        let mut after = before.clone();
        if let Some(n) = name {
            after.name = text::name(n, "location name")?;
        }
        if let Some(p) = parent {
            after.parent_id = match p.map(str::trim).filter(|p| !p.is_empty()) {
                None => None,
                Some(pc) => {
                    let all = self.list_locations().await?;
                    let target = all
                        .iter()
                        .find(|l| text::norm(&l.code) == text::norm(pc))
                        .ok_or_else(|| Error::NotFound(format!("location '{pc}'")))?;
                    let mut cur = Some(target.id.clone());
                    while let Some(id) = cur {
                        if id == before.id {
                            return Err(Error::Invalid(format!(
                                "{} cannot be placed inside itself or its own children",
                                before.code
                            )));
                        }
                        cur = all
                            .iter()
                            .find(|l| l.id == id)
                            .and_then(|l| l.parent_id.clone());
                    }
                    Some(target.id.clone())
                }
            };
        }
        if let Some(a) = active {
            after.active = i64::from(a);
        }
        after.updated_at = now_micros();
        let b = self.shards.location.backend();
        let (a2, b2, who) = (after.clone(), before.clone(), actor.email.clone());
        self.shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    location::update_location(c, b, &a2).await?;
                    crate::db::master::insert_audit(
                        c,
                        b,
                        "location",
                        &audit(&who, "location", &a2.id, "update", Some(&b2), Some(&a2)),
                    )
                    .await
                })
            })
            .await?;
        self.cache.forget_locations();
        Ok(after)
    }

    pub async fn list_locations(&self) -> Result<Vec<Location>> {
        let b = self.shards.location.backend();
        self.shards
            .location
            .browse(move |p| Box::pin(async move { location::list_locations(&p, b).await }))
            .await
    }

    /// A location by code, or a clear "not found".
    pub async fn location(&self, code: &str) -> Result<Location> {
        let b = self.shards.location.backend();
        let c = code.trim().to_string();
        self.shards
            .location
            .read_on(crate::db::Route::PrimaryElseReplica, move |p| {
                Box::pin(async move { location::location_by_code(&p, b, &c).await })
            })
            .await?
            .ok_or_else(|| Error::NotFound(format!("location '{}'", code.trim())))
    }

    /// Stock rows with product and location names, filtered by location code and/or SKU.
    pub async fn stock(
        &self,
        location_code: Option<&str>,
        sku: Option<&str>,
        low: bool,
        limit: i64,
    ) -> Result<Vec<StockView>> {
        let loc = match location_code {
            Some(c) => Some(self.location(c).await?),
            None => None,
        };
        let product = match sku {
            Some(s) => Some(
                self.product_by_code(s)
                    .await?
                    .ok_or_else(|| Error::NotFound(format!("product '{}'", s.trim())))?,
            ),
            None => None,
        };
        let b = self.shards.location.backend();
        let (lid, pid) = (
            loc.as_ref().map(|l| l.id.clone()),
            product.as_ref().map(|p| p.id.clone()),
        );
        let rows: Vec<StockRow> = self
            .shards
            .location
            .browse(move |p| {
                Box::pin(async move {
                    location::stock_rows(&p, b, lid.as_deref(), pid.as_deref(), low, limit).await
                })
            })
            .await?;
        self.stock_views(rows).await
    }

    /// Resolves names for stock rows (one master read for all products).
    pub async fn stock_views(&self, rows: Vec<StockRow>) -> Result<Vec<StockView>> {
        let locs = self.list_locations().await?;
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.product_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let b = self.shards.master.backend();
        let products = self
            .shards
            .master
            .browse(move |p| {
                Box::pin(async move { crate::db::master::products_by_ids(&p, b, &ids).await })
            })
            .await?;
        let mut out: Vec<StockView> = rows
            .into_iter()
            .map(|r| {
                let p = products.iter().find(|p| p.id == r.product_id);
                let l = locs.iter().find(|l| l.id == r.location_id);
                StockView {
                    location: l
                        .map(|l| l.code.clone())
                        .unwrap_or_else(|| r.location_id.clone()),
                    sku: p
                        .map(|p| p.sku.clone())
                        .unwrap_or_else(|| r.product_id.clone()),
                    name: p.map(|p| p.name.clone()).unwrap_or_default(),
                    quantity: crate::domain::Quantity(r.quantity).to_string(),
                    min: crate::domain::Quantity(r.effective_min()).to_string(),
                    low: r.quantity < r.effective_min(),
                    quantity_milli: r.quantity,
                    product_id: r.product_id.clone(),
                    location_id: r.location_id.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.location.as_str(), a.sku.as_str()).cmp(&(b.location.as_str(), b.sku.as_str()))
        });
        Ok(out)
    }
}
