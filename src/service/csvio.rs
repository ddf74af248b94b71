//! CSV import and export of products.
//!
//! The columns are [`COLUMNS`]; a header row is required and names them in any order. `sku`
//! and `name` are required; a column left out keeps each product's current value (new
//! products take the defaults of `product add`). An empty `barcode` or `category` cell clears
//! it; an empty `unit`, `price`, `min_qty` or `active` cell keeps the current value.
//!
//! An import validates every row before it writes anything, with the same rule as the product
//! form ([`validate_product_with`]), and also refuses a SKU or barcode used twice in the file
//! and a barcode that belongs to another product. Any bad row refuses the whole file, each
//! reported with its line number. Otherwise rows whose SKU exists update that product, the
//! others create one, all in ONE write job on the master shard (atomic, with one audit entry
//! per change). Existing products are read in chunks, so a 100,000-row file costs a few
//! hundred queries, not one round trip per row.
//!
//! An export writes every product (active or not) in SKU order; importing it into a catalog
//! with the same categories and units reproduces the products exactly.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};

use serde::Serialize;

use super::catalog::validate_product_with;
use super::{Actor, Services, audit};
use crate::db::master::{self, Category, Product, Unit};
use crate::db::master_bulk as bulk;
use crate::domain::role::Permission;
use crate::domain::{Money, Quantity, text};
use crate::error::{Error, Result};
use read::{Row, csv_error, duplicates, read_rows};

mod read;

/// The columns of a product CSV, in the order an export writes them.
pub const COLUMNS: [&str; 8] = [
    "sku", "name", "barcode", "category", "unit", "price", "min_qty", "active",
];
const REQUIRED: [&str; 2] = ["sku", "name"];
/// Products fetched per page by the export.
const EXPORT_PAGE: i64 = 5000;

/// One problem in an import file: its line (1 is the header) and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    /// A column name, or empty when the problem is the whole row.
    pub field: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.field, self.message)
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows that matched their product exactly (nothing written).
    pub unchanged: usize,
}

/// Why an import imported nothing.
#[derive(Debug)]
pub enum ImportError {
    /// The file has bad rows (or a bad header); each is listed.
    Rows(Vec<RowError>),
    /// Anything else: permission, a shard failure, a change that raced the import.
    Failed(Error),
}

impl From<Error> for ImportError {
    fn from(e: Error) -> Self {
        ImportError::Failed(e)
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Failed(e) => write!(f, "{e}"),
            ImportError::Rows(rows) => {
                write!(f, "{} bad row(s); nothing was imported", rows.len())?;
                for r in rows {
                    write!(f, "\n{r}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<ImportError> for Error {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Failed(e) => e,
            rows @ ImportError::Rows(_) => Error::Invalid(rows.to_string()),
        }
    }
}

/// What an import needs to know about the catalog, read in one go.
struct Lookups {
    cats: Vec<Category>,
    units: Vec<Unit>,
    /// Existing products named by the file's SKUs, by normalised SKU.
    by_sku: HashMap<String, Product>,
    /// Existing owners of the file's barcodes.
    by_barcode: HashMap<String, Owner>,
}

struct Owner {
    id: String,
    sku: String,
}

impl Services {
    /// Imports products from CSV (see the module doc). Needs ManageCatalog. On any error nothing
    /// is written.
    pub async fn import_products<R: Read>(
        &self,
        actor: &Actor,
        reader: R,
    ) -> std::result::Result<ImportSummary, ImportError> {
        actor.require(Permission::ManageCatalog)?;
        let mut errors = Vec::new();
        let rows = read_rows(reader, &mut errors)?;
        if errors.iter().any(|e| e.line == 1) {
            return Err(ImportError::Rows(errors));
        }
        duplicates(&rows, &mut errors);

        let Lookups {
            cats,
            units,
            mut by_sku,
            by_barcode,
        } = self.import_lookups(&rows).await?;
        let cat_name: HashMap<&str, &str> = cats
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect();
        let mut creates: Vec<Product> = Vec::new();
        let mut updates: Vec<(Product, Product)> = Vec::new();
        let mut unchanged = 0;
        let row_count = rows.len();
        for row in rows {
            // Taken out of the map, not cloned: a big file's products are held once. (A SKU
            // used twice in the file is already an error, so its second row never needs it.)
            let existing = by_sku.remove(&text::norm(&row.input.sku));
            let mut input = row.input;
            if let Some(p) = &existing {
                // The SKU matched case-insensitively; a file's sloppy case does not re-case it.
                input.sku = p.sku.clone();
                // A column the file leaves out keeps the product's value.
                if !row.has_barcode {
                    input.barcode = p.barcode.clone();
                }
                if !row.has_category {
                    input.category = p
                        .category_id
                        .as_deref()
                        .and_then(|c| cat_name.get(c))
                        .map(|n| n.to_string());
                }
            }
            let product = match validate_product_with(&input, existing.as_ref(), &cats, &units) {
                Ok(p) => p,
                Err(fields) => {
                    errors.extend(fields.into_iter().map(|f| RowError {
                        line: row.line,
                        field: f.field.to_string(),
                        message: f.message,
                    }));
                    continue;
                }
            };
            if let Some((barcode, owner)) = product
                .barcode
                .as_ref()
                .and_then(|b| by_barcode.get(b).map(|o| (b, o)))
                && owner.id != product.id
            {
                errors.push(RowError {
                    line: row.line,
                    field: "barcode".into(),
                    message: format!("'{barcode}' already belongs to product {}", owner.sku),
                });
                continue;
            }
            match existing {
                None => creates.push(product),
                Some(before) if same_product(&before, &product) => unchanged += 1,
                Some(before) => updates.push((before, product)),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(ImportError::Rows(errors));
        }

        let summary = ImportSummary {
            rows: row_count,
            created: creates.len(),
            updated: updates.len(),
            unchanged,
        };
        let mirror: Vec<(String, i64, i64)> = updates
            .iter()
            .filter(|(b, a)| b.price != a.price || b.min_qty != a.min_qty)
            .map(|(_, a)| (a.id.clone(), a.price, a.min_qty))
            .collect();
        drop((by_sku, by_barcode));
        self.write_import(actor, creates, updates).await?;
        if !mirror.is_empty() {
            let b = self.shards.location.backend();
            self.shards
                .location
                .write(move |c| Box::pin(async move { bulk::refresh_mirrors(c, b, &mirror).await }))
                .await?;
        }
        Ok(summary)
    }

    /// Categories, units, and the existing products the rows name (by SKU and by barcode), in
    /// one read job.
    async fn import_lookups(&self, rows: &[Row]) -> Result<Lookups> {
        let skus: Vec<String> = rows
            .iter()
            .map(|r| text::norm(&r.input.sku))
            .filter(|s| !s.is_empty())
            .collect();
        let barcodes: Vec<String> = rows
            .iter()
            .filter_map(|r| r.input.barcode.as_deref().map(str::trim))
            .filter(|b| !b.is_empty())
            .map(str::to_string)
            .collect();
        let b = self.shards.master.backend();
        self.shards
            .master
            .read(move |p| {
                Box::pin(async move {
                    let cats = master::list_categories(&p, b).await?;
                    let units = master::list_units(&p, b).await?;
                    let by_sku = bulk::products_by_sku_norms(&p, b, &skus)
                        .await?
                        .into_iter()
                        .map(|x| (text::norm(&x.sku), x))
                        .collect();
                    let by_barcode = bulk::barcode_owners(&p, b, &barcodes)
                        .await?
                        .into_iter()
                        .map(|(bc, id, sku)| (bc, Owner { id, sku }))
                        .collect();
                    Ok(Lookups {
                        cats,
                        units,
                        by_sku,
                        by_barcode,
                    })
                })
            })
            .await
    }

    /// Writes every create and update with their audit entries in one master write job.
    async fn write_import(
        &self,
        actor: &Actor,
        creates: Vec<Product>,
        updates: Vec<(Product, Product)>,
    ) -> Result<()> {
        if creates.is_empty() && updates.is_empty() {
            return Ok(());
        }
        let mut entries = Vec::with_capacity(creates.len() + updates.len());
        for p in &creates {
            entries.push(audit(
                &actor.email,
                "product",
                &p.id,
                "import-create",
                None,
                Some(p),
            ));
        }
        for (before, after) in &updates {
            entries.push(audit(
                &actor.email,
                "product",
                &after.id,
                "import-update",
                Some(before),
                Some(after),
            ));
        }
        // The file is the document behind every one of these changes.
        let doc = super::audit::import_doc();
        for e in &mut entries {
            e.doc = Some(doc.clone());
        }
        let updates: Vec<Product> = updates.into_iter().map(|(_, after)| after).collect();
        let b = self.shards.master.backend();
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    bulk::insert_products(c, b, &creates).await?;
                    bulk::update_products(c, b, &updates).await?;
                    bulk::insert_audits(c, b, "master", &entries).await
                })
            })
            .await
            .map_err(|e| {
                if e.is_unique_violation() {
                    Error::Conflict("another user added a product with one of these SKUs or barcodes during the import; nothing was imported, try again".into())
                } else {
                    e
                }
            })
    }

    /// Writes every product as CSV (see the module doc); returns how many. Any role may export.
    pub async fn export_products<W: Write>(&self, actor: &Actor, w: W) -> Result<usize> {
        actor.require(Permission::Read)?;
        let cats: HashMap<String, String> = self
            .list_categories()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let units: HashMap<String, Unit> = self.units_by_id().await?;
        let mut out = csv::Writer::from_writer(w);
        out.write_record(COLUMNS).map_err(csv_error)?;
        let b = self.shards.master.backend();
        let mut after: Option<String> = None;
        let mut count = 0;
        loop {
            let from = after.clone();
            let page = self
                .shards
                .master
                .read(move |p| {
                    Box::pin(async move {
                        bulk::products_after(&p, b, from.as_deref(), EXPORT_PAGE).await
                    })
                })
                .await?;
            for p in &page {
                let unit = units
                    .get(&p.unit_id)
                    .map(|u| u.code.as_str())
                    .unwrap_or_default();
                let category = p
                    .category_id
                    .as_ref()
                    .and_then(|c| cats.get(c))
                    .map(String::as_str)
                    .unwrap_or_default();
                let (price, min_qty) =
                    (Money(p.price).to_string(), Quantity(p.min_qty).to_string());
                let active = if p.active != 0 { "true" } else { "false" };
                out.write_record([
                    p.sku.as_str(),
                    &p.name,
                    p.barcode.as_deref().unwrap_or_default(),
                    category,
                    unit,
                    &price,
                    &min_qty,
                    active,
                ])
                .map_err(csv_error)?;
            }
            count += page.len();
            match page.last() {
                Some(last) if page.len() as i64 == EXPORT_PAGE => {
                    after = Some(text::norm(&last.sku))
                }
                _ => break,
            }
        }
        out.flush()?;
        Ok(count)
    }
}

/// Whether an update would change nothing (the timestamps aside).
fn same_product(a: &Product, b: &Product) -> bool {
    (
        &a.sku,
        &a.barcode,
        &a.name,
        &a.category_id,
        &a.unit_id,
        a.price,
        a.min_qty,
        a.active,
    ) == (
        &b.sku,
        &b.barcode,
        &b.name,
        &b.category_id,
        &b.unit_id,
        b.price,
        b.min_qty,
        b.active,
    )
}
