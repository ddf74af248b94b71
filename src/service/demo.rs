//! `gudang demo`: fills a deployment with a believable Indonesian warehouse: units (PCS, DUS,
//! KG weighed to the gram, LTR...), categories, warehouses with zones and bins, products with
//! SKUs, EAN-13 barcodes and rupiah prices, and days of receipts, issues, transfers and stock
//! counts posted through the real posting protocol (so stock, movements, documents and daily
//! summaries agree, and `gudang check` passes).
//!
//! It refuses a deployment that already has products unless forced: then it adds its data next
//! to what is there, reusing units, categories and locations with the same codes and numbering
//! its products after the existing ones. Products go in bulk write jobs (thousands
//! per job), so a million-product catalog takes a minute, not a day.

mod history;
mod source;

use std::collections::HashMap;

use serde::Serialize;

use super::{Actor, Services, audit};
use crate::db::bulk;
use crate::db::master::{Product, ProductFilter};
use crate::domain::role::Permission;
use crate::domain::{ids, new_id, text};
use crate::error::{Error, Result};

pub use source::{DemoProduct, Rng, Sources, ean13, ean13_check_digit, is_valid_ean13, product};

/// Products per bulk write job. Every page a job touches (the name index and the trigram index
/// take many) is copied into its savepoint's journal in memory, hence not more.
const PRODUCT_JOB: usize = 2_500;
/// The most products one run may add.
pub const MAX_PRODUCTS: u64 = 5_000_000;
/// The most days of history one run may post.
pub const MAX_DAYS: u32 = 3650;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub products: u64,
    pub days: u32,
    /// Same seed, same data.
    pub seed: u64,
    /// Add to a deployment that already has products.
    pub force: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            products: 500,
            days: 30,
            seed: 2026,
            force: false,
        }
    }
}

/// What a demo run added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    pub units: usize,
    pub categories: usize,
    pub locations: usize,
    pub products: u64,
    pub postings: u64,
    pub posted: u64,
    pub rejected: u64,
    pub lines: u64,
    pub seconds: f64,
}

/// Ids of the demo's units and categories, by their codes in `assets/demo`.
#[derive(Debug, Clone, Default)]
pub(crate) struct DemoCatalog {
    pub units: HashMap<&'static str, String>,
    /// Decimals of each unit as the deployment has it (an existing unit may differ from ours).
    pub decimals: HashMap<&'static str, i64>,
    pub categories: HashMap<&'static str, String>,
}

impl Services {
    /// Adds demo data (see the module doc). Needs a supervisor or admin.
    pub async fn demo(&self, actor: &Actor, opts: &DemoOptions) -> Result<DemoReport> {
        let started = std::time::Instant::now();
        for p in [
            Permission::ManageCatalog,
            Permission::ManageLocations,
            Permission::Adjust,
        ] {
            actor.require(p)?;
        }
        if opts.products == 0 || opts.products > MAX_PRODUCTS {
            return Err(Error::Invalid(format!(
                "--products must be between 1 and {MAX_PRODUCTS}"
            )));
        }
        if opts.days > MAX_DAYS {
            return Err(Error::Invalid(format!("--days must be at most {MAX_DAYS}")));
        }
        let existing = self.count_products(&ProductFilter::default()).await?;
        if existing > 0 && !opts.force {
            return Err(Error::Conflict(format!(
                "this deployment already has {existing} products; demo data is meant for an empty one (add --force to add it anyway)"
            )));
        }
        let src = Sources::get().map_err(Error::Invalid)?;
        let mut report = DemoReport::default();
        let (catalog, units, categories) = self.demo_catalog(actor, src).await?;
        report.units = units;
        report.categories = categories;
        let (bins, locations) = self.demo_locations(actor, src, opts.products).await?;
        report.locations = locations;
        let start = existing.max(0) as u64;
        self.add_demo_products(actor, &catalog, opts.seed, start, opts.products)
            .await?;
        report.products = opts.products;
        let h = history::post_history(
            self,
            actor,
            &catalog,
            start..start + opts.products,
            &bins,
            opts,
        )
        .await?;
        report.postings = h.posted + h.rejected;
        report.posted = h.posted;
        report.rejected = h.rejected;
        report.lines = h.lines;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Makes sure every demo unit and category exists; returns their ids and how many were
    /// added.
    pub(crate) async fn demo_catalog(
        &self,
        actor: &Actor,
        src: &'static Sources,
    ) -> Result<(DemoCatalog, usize, usize)> {
        let mut cat = DemoCatalog::default();
        let (mut added_units, mut added_categories) = (0, 0);
        let units = self.list_units().await?;
        for u in &src.units {
            let unit = match units
                .iter()
                .find(|x| text::norm(&x.code) == text::norm(u.code))
            {
                Some(x) => x.clone(),
                None => {
                    added_units += 1;
                    self.add_unit(actor, u.code, u.name, u.decimals).await?
                }
            };
            cat.units.insert(u.code, unit.id);
            cat.decimals.insert(u.code, unit.decimals);
        }
        let categories = self.list_categories().await?;
        for (code, name) in &src.categories {
            let id = match categories
                .iter()
                .find(|x| text::norm(&x.name) == text::norm(name))
            {
                Some(x) => x.id.clone(),
                None => {
                    added_categories += 1;
                    self.add_category(actor, name).await?.id
                }
            };
            cat.categories.insert(*code, id);
        }
        Ok((cat, added_units, added_categories))
    }

    /// Makes sure the warehouses, their zones and bins exist (more warehouses for bigger
    /// catalogs); returns the bin codes and how many locations were added.
    pub(crate) async fn demo_locations(
        &self,
        actor: &Actor,
        src: &Sources,
        products: u64,
    ) -> Result<(Vec<String>, usize)> {
        let (warehouses, bins_per_zone) = match products {
            0..=1_000 => (2, 3),
            1_001..=100_000 => (4, 6),
            _ => (src.warehouses.len(), 10),
        };
        let existing: Vec<String> = self
            .list_locations()
            .await?
            .into_iter()
            .map(|l| text::norm(&l.code))
            .collect();
        let mut added = 0;
        let mut bins = Vec::new();
        let mut ensure = |code: String, name: String, parent: Option<String>| {
            let new = !existing.contains(&text::norm(&code));
            added += usize::from(new);
            (new, code, name, parent)
        };
        let mut todo = Vec::new();
        for (wcode, wname) in src.warehouses.iter().take(warehouses) {
            todo.push(ensure(wcode.to_string(), wname.to_string(), None));
            for (zcode, zname) in &src.zones {
                let zone = format!("{wcode}-{zcode}");
                todo.push(ensure(
                    zone.clone(),
                    format!("{wname}, {zname}"),
                    Some(wcode.to_string()),
                ));
                for n in 1..=bins_per_zone {
                    let bin = format!("{zone}-{n:02}");
                    bins.push(bin.clone());
                    todo.push(ensure(
                        bin,
                        format!("Rak {zcode}-{n:02}, {wname}"),
                        Some(zone.clone()),
                    ));
                }
            }
        }
        for (new, code, name, parent) in todo {
            if new {
                self.add_location(actor, &code, &name, parent.as_deref())
                    .await?;
            }
        }
        Ok((bins, added))
    }

    /// Inserts the demo products at catalog positions `start..start + count` in bulk jobs,
    /// one audit entry per job (naming the first and last SKU) rather than one per product.
    pub(crate) async fn add_demo_products(
        &self,
        actor: &Actor,
        cat: &DemoCatalog,
        seed: u64,
        start: u64,
        count: u64,
    ) -> Result<()> {
        let src = Sources::get().map_err(Error::Invalid)?;
        let b = self.shards.master.backend();
        let mut next = start;
        let end = start + count;
        while next < end {
            let upto = (next + PRODUCT_JOB as u64).min(end);
            let now = ids::now_micros();
            let rows: Vec<Product> = (next..upto)
                .map(|i| {
                    let d = product(src, seed, i);
                    Product {
                        id: new_id(),
                        sku: d.sku,
                        barcode: Some(d.barcode),
                        name: d.name,
                        category_id: cat.categories.get(d.category).cloned(),
                        unit_id: cat.units.get(d.unit).cloned().unwrap_or_default(),
                        price: d.price,
                        min_qty: d.min_qty,
                        active: 1,
                        created_at: now,
                        updated_at: now,
                    }
                })
                .collect();
            #[derive(Serialize)]
            struct Bulk<'a> {
                count: usize,
                first_sku: &'a str,
                last_sku: &'a str,
                seed: u64,
            }
            let (first, last) = (
                rows.first().map(|p| p.sku.clone()).unwrap_or_default(),
                rows.last().map(|p| p.sku.clone()).unwrap_or_default(),
            );
            let entry = audit(
                &actor.email,
                "product",
                &first,
                "bulk-create",
                None,
                Some(&Bulk {
                    count: rows.len(),
                    first_sku: &first,
                    last_sku: &last,
                    seed,
                }),
            );
            self.shards
                .master
                .write(move |c| {
                    Box::pin(async move {
                        bulk::insert_products(c, b, &rows).await?;
                        crate::db::master::insert_audit(c, b, "master", &entry).await
                    })
                })
                .await
                .map_err(|e| {
                    super::conflict(e, || {
                        format!(
                            "demo products {first}..{last} clash with existing SKUs or barcodes"
                        )
                    })
                })?;
            next = upto;
        }
        Ok(())
    }
}
