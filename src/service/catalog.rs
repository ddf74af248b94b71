//! Products, categories and units: validation, uniqueness, search, and the audit trail of
//! every change. Product edits also refresh the price/minimum mirror on the location shard.

use std::collections::HashMap;

use serde::Serialize;

use super::{Actor, Services, audit, conflict};
use crate::db::keyset::Seek;
use crate::db::location;
use crate::db::master::{self, Category, Product, ProductCursor, ProductFilter, ProductSort, Unit};
use crate::domain::role::Permission;
use crate::domain::{Money, Quantity, ids::now_micros, new_id, text};
use crate::error::{Error, Result};

/// What a user types to create or edit a product (all text, validated here).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    /// Category name; created on the fly is not allowed (it must exist).
    pub category: Option<String>,
    /// Unit code; defaults to the first unit, or "PCS" created on first use.
    pub unit: Option<String>,
    pub price: Option<String>,
    pub min_qty: Option<String>,
    pub active: Option<bool>,
}

/// A field-level validation failure, so a form can show the message next to the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// A product with its names resolved, as lists and exports show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProductView {
    pub id: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub category: Option<String>,
    pub unit: String,
    pub unit_decimals: i64,
    pub price: String,
    pub min_qty: String,
    pub active: bool,
    #[serde(skip)]
    pub price_cents: i64,
    #[serde(skip)]
    pub min_qty_milli: i64,
    /// Microseconds, UTC (the "updated" order pages by it).
    #[serde(skip)]
    pub updated_at: i64,
}

impl ProductView {
    /// Where this product stands in `sort` (to page from it).
    pub fn cursor(&self, sort: ProductSort) -> ProductCursor {
        use crate::db::master::SortValue;
        let value = match sort {
            ProductSort::Sku => SortValue::Text(text::norm(&self.sku)),
            ProductSort::Name => SortValue::Text(text::norm(&self.name)),
            ProductSort::Price => SortValue::Int(self.price_cents),
            ProductSort::Updated => SortValue::Int(self.updated_at),
        };
        ProductCursor {
            value,
            id: self.id.clone(),
        }
    }
}

/// How to list products: a text to search (SKU, barcode, name) or a browse order, from where
/// (`seek`; a search has one page of best matches and ignores it).
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub text: Option<String>,
    pub filter: ProductFilter,
    pub sort: ProductSort,
    pub desc: bool,
    pub limit: i64,
    pub seek: Seek<ProductCursor>,
}

impl Services {
    pub async fn add_category(&self, actor: &Actor, name: &str) -> Result<Category> {
        actor.require(Permission::ManageCatalog)?;
        let name = text::name(name, "category name")?;
        let cat = Category {
            id: new_id(),
            name: name.clone(),
            created_at: now_micros(),
        };
        let b = self.shards.master.backend();
        let (c2, who) = (cat.clone(), actor.email.clone());
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::insert_category(c, b, &c2).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(&who, "category", &c2.id, "create", None, Some(&c2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || format!("category '{name}' already exists")))?;
        Ok(cat)
    }

    pub async fn list_categories(&self) -> Result<Vec<Category>> {
        let b = self.shards.master.backend();
        self.shards
            .master
            .browse(move |p| Box::pin(async move { master::list_categories(&p, b).await }))
            .await
    }

    pub async fn add_unit(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        decimals: i64,
    ) -> Result<Unit> {
        actor.require(Permission::ManageCatalog)?;
        let code = text::code(code, "unit code")?;
        let name = text::name(name, "unit name")?;
        if !(0..=3).contains(&decimals) {
            return Err(Error::Invalid(format!(
                "decimals must be 0, 1, 2 or 3 (got {decimals})"
            )));
        }
        let unit = Unit {
            id: new_id(),
            code: code.clone(),
            name,
            decimals,
            created_at: now_micros(),
        };
        let b = self.shards.master.backend();
        let (u2, who) = (unit.clone(), actor.email.clone());
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::insert_unit(c, b, &u2).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(&who, "unit", &u2.id, "create", None, Some(&u2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || format!("unit '{code}' already exists")))?;
        Ok(unit)
    }

    pub async fn list_units(&self) -> Result<Vec<Unit>> {
        let b = self.shards.master.backend();
        self.shards
            .master
            .browse(move |p| Box::pin(async move { master::list_units(&p, b).await }))
            .await
    }

    pub(crate) async fn units_by_id(&self) -> Result<HashMap<String, Unit>> {
        Ok(self
            .list_units()
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect())
    }

    /// Exact lookup by SKU or barcode, as a scanner sends it.
    pub async fn product_by_code(&self, code: &str) -> Result<Option<Product>> {
        let b = self.shards.master.backend();
        let code = code.to_string();
        self.shards
            .master
            .read_on(crate::db::Route::PrimaryElseReplica, move |p| {
                Box::pin(async move { master::product_by_code(&p, b, &code).await })
            })
            .await
    }

    /// Validates a product form against the catalog. Every field error is reported, not only
    /// the first.
    pub async fn validate_product(
        &self,
        input: &ProductInput,
        existing: Option<&Product>,
    ) -> std::result::Result<Product, Vec<FieldError>> {
        let lookups = async {
            let cats = self.list_categories().await?;
            let units = self.list_units().await?;
            Ok::<_, Error>((cats, units))
        };
        match lookups.await {
            Ok((cats, units)) => validate_product_with(input, existing, &cats, &units),
            Err(e) => Err(vec![FieldError {
                field: "form",
                message: e.to_string(),
            }]),
        }
    }

    /// Creates a product. Field errors come back as one `Invalid` listing each.
    pub async fn add_product(&self, actor: &Actor, input: &ProductInput) -> Result<Product> {
        actor.require(Permission::ManageCatalog)?;
        let p = self
            .validate_product(input, None)
            .await
            .map_err(field_errors)?;
        let b = self.shards.master.backend();
        let (p2, who) = (p.clone(), actor.email.clone());
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::insert_product(c, b, &p2).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(&who, "product", &p2.id, "create", None, Some(&p2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || duplicate_product_message(&p)))?;
        Ok(p)
    }

    /// Edits a product found by its current SKU or barcode.
    pub async fn update_product(
        &self,
        actor: &Actor,
        code: &str,
        input: &ProductInput,
    ) -> Result<Product> {
        actor.require(Permission::ManageCatalog)?;
        let before = self
            .product_by_code(code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("product '{}'", code.trim())))?;
        let after = self
            .validate_product(input, Some(&before))
            .await
            .map_err(field_errors)?;
        let b = self.shards.master.backend();
        let (a2, b2, who) = (after.clone(), before.clone(), actor.email.clone());
        self.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    master::update_product(c, b, &a2).await?;
                    master::insert_audit(
                        c,
                        b,
                        "master",
                        &audit(&who, "product", &a2.id, "update", Some(&b2), Some(&a2)),
                    )
                    .await
                })
            })
            .await
            .map_err(|e| conflict(e, || duplicate_product_message(&after)))?;
        if before.price != after.price || before.min_qty != after.min_qty {
            self.refresh_mirror(&after).await?;
        }
        Ok(after)
    }

    /// Activates or deactivates a product (it stays in history either way).
    pub async fn set_product_active(
        &self,
        actor: &Actor,
        code: &str,
        active: bool,
    ) -> Result<Product> {
        let before = self
            .product_by_code(code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("product '{}'", code.trim())))?;
        let input = ProductInput {
            sku: before.sku.clone(),
            name: before.name.clone(),
            barcode: before.barcode.clone(),
            category: None,
            unit: None,
            price: None,
            min_qty: None,
            active: Some(active),
        };
        let mut input = input;
        if let Some(cid) = &before.category_id {
            input.category = self
                .list_categories()
                .await?
                .into_iter()
                .find(|c| &c.id == cid)
                .map(|c| c.name);
        }
        self.update_product(actor, code, &input).await
    }

    /// Copies a product's price and default minimum to its stock rows (location shard).
    async fn refresh_mirror(&self, p: &Product) -> Result<()> {
        let b = self.shards.location.backend();
        let (id, price, min) = (p.id.clone(), p.price, p.min_qty);
        self.shards
            .location
            .write(move |c| {
                Box::pin(
                    async move { location::refresh_product_mirror(c, b, &id, price, min).await },
                )
            })
            .await
    }

    /// Lists or searches products. With text: exact SKU/barcode first, then SKU and name
    /// prefixes, then names containing the text.
    pub async fn search_products(&self, q: &ProductQuery) -> Result<Vec<Product>> {
        let b = self.shards.master.backend();
        let limit = q.limit.clamp(1, 10_000);
        let text = q.text.as_deref().map(text::norm).filter(|t| !t.is_empty());
        let Some(t) = text else {
            let (f, sort, desc, seek) = (q.filter.clone(), q.sort, q.desc, q.seek.clone());
            return self
                .shards
                .master
                .browse(move |p| {
                    Box::pin(async move {
                        master::browse_products(&p, b, &f, sort, desc, &seek, limit).await
                    })
                })
                .await;
        };
        let f = q.filter.clone();
        let raw = q.text.clone().unwrap_or_default();
        self.shards
            .master
            .browse(move |p| {
                Box::pin(async move {
                    let mut out: Vec<Product> = Vec::new();
                    let push = |out: &mut Vec<Product>, rows: Vec<Product>| {
                        for r in rows {
                            if !out.iter().any(|x| x.id == r.id) {
                                out.push(r);
                            }
                        }
                    };
                    if let Some(exact) = master::product_by_code(&p, b, &raw).await?
                        && f.category_id
                            .as_ref()
                            .is_none_or(|c| exact.category_id.as_ref() == Some(c))
                        && f.active.is_none_or(|a| (exact.active != 0) == a)
                    {
                        out.push(exact);
                    }
                    push(
                        &mut out,
                        master::products_with_prefix(&p, b, &t, &f, limit).await?,
                    );
                    if (out.len() as i64) < limit {
                        push(
                            &mut out,
                            master::products_containing(&p, b, &t, &f, limit).await?,
                        );
                    }
                    out.truncate(limit as usize);
                    Ok(out)
                })
            })
            .await
    }

    pub async fn count_products(&self, f: &ProductFilter) -> Result<i64> {
        let b = self.shards.master.backend();
        let f = f.clone();
        self.shards
            .master
            .browse(move |p| Box::pin(async move { master::count_products(&p, b, &f).await }))
            .await
    }

    /// Resolves category and unit names for display.
    pub async fn product_views(&self, products: &[Product]) -> Result<Vec<ProductView>> {
        let cats: HashMap<String, String> = self
            .list_categories()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let units = self.units_by_id().await?;
        Ok(products
            .iter()
            .map(|p| {
                let unit = units.get(&p.unit_id);
                ProductView {
                    id: p.id.clone(),
                    sku: p.sku.clone(),
                    barcode: p.barcode.clone(),
                    name: p.name.clone(),
                    category: p.category_id.as_ref().and_then(|c| cats.get(c).cloned()),
                    unit: unit.map(|u| u.code.clone()).unwrap_or_default(),
                    unit_decimals: unit.map(|u| u.decimals).unwrap_or(0),
                    price: Money(p.price).to_string(),
                    min_qty: Quantity(p.min_qty).to_string(),
                    active: p.active != 0,
                    price_cents: p.price,
                    min_qty_milli: p.min_qty,
                    updated_at: p.updated_at,
                }
            })
            .collect())
    }
}

/// Validates a product form against the given categories and units (the rule behind
/// [`Services::validate_product`]; bulk callers such as the CSV import fetch the lookups once).
/// Every field error is reported, not only the first.
pub fn validate_product_with(
    input: &ProductInput,
    existing: Option<&Product>,
    cats: &[Category],
    units: &[Unit],
) -> std::result::Result<Product, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut field = |field: &'static str, r: std::result::Result<(), String>| {
        if let Err(message) = r {
            errs.push(FieldError { field, message });
        }
    };
    let sku = text::code(&input.sku, "SKU");
    field("sku", sku.as_ref().map(|_| ()).map_err(Clone::clone));
    let name = text::name(&input.name, "name");
    field("name", name.as_ref().map(|_| ()).map_err(Clone::clone));
    let barcode = match input.barcode.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(b) => text::code(b, "barcode").map(Some),
    };
    field(
        "barcode",
        barcode.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    let price = match input.price.as_deref().map(str::trim) {
        None | Some("") => Ok(Money(existing.map(|p| p.price).unwrap_or(0))),
        Some(s) => Money::parse(s),
    };
    field("price", price.as_ref().map(|_| ()).map_err(Clone::clone));
    let category_id = match input.category.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => cats
            .iter()
            .find(|c| text::norm(&c.name) == text::norm(n))
            .map(|c| Some(c.id.clone()))
            .ok_or_else(|| format!("unknown category '{n}'")),
    };
    field(
        "category",
        category_id.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    let unit = match input.unit.as_deref().map(str::trim) {
        None | Some("") => match existing {
            Some(p) => units
                .iter()
                .find(|u| u.id == p.unit_id)
                .cloned()
                .ok_or_else(|| "the product's unit is missing".to_string()),
            // Guessing among several units would silently count in the wrong one.
            None => match units {
                [] => Err("no units exist yet: add one first (e.g. PCS)".to_string()),
                [only] => Ok(only.clone()),
                many => Err(format!(
                    "choose a unit: {}",
                    many.iter()
                        .map(|u| u.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        },
        Some(code) => units
            .iter()
            .find(|u| text::norm(&u.code) == text::norm(code))
            .cloned()
            .ok_or_else(|| format!("unknown unit '{code}'")),
    };
    field("unit", unit.as_ref().map(|_| ()).map_err(Clone::clone));
    let decimals = unit
        .as_ref()
        .map(|u| u.decimals.clamp(0, 3) as u8)
        .unwrap_or(3);
    let min_qty = match input.min_qty.as_deref().map(str::trim) {
        None | Some("") => Ok(Quantity(existing.map(|p| p.min_qty).unwrap_or(0))),
        Some(s) => Quantity::parse(s, decimals),
    };
    field(
        "min_qty",
        min_qty.as_ref().map(|_| ()).map_err(Clone::clone),
    );
    if !errs.is_empty() {
        return Err(errs);
    }
    let (Ok(sku), Ok(name), Ok(barcode), Ok(price), Ok(category_id), Ok(unit), Ok(min_qty)) =
        (sku, name, barcode, price, category_id, unit, min_qty)
    else {
        return Err(vec![FieldError {
            field: "form",
            message: "invalid product".into(),
        }]);
    };
    let now = now_micros();
    Ok(Product {
        id: existing.map(|p| p.id.clone()).unwrap_or_else(new_id),
        sku,
        barcode,
        name,
        category_id,
        unit_id: unit.id,
        price: price.0,
        min_qty: min_qty.0,
        active: i64::from(
            input
                .active
                .unwrap_or(existing.map(|p| p.active != 0).unwrap_or(true)),
        ),
        created_at: existing.map(|p| p.created_at).unwrap_or(now),
        updated_at: now,
    })
}

fn duplicate_product_message(p: &Product) -> String {
    match &p.barcode {
        Some(b) => format!(
            "a product with SKU '{}' or barcode '{b}' already exists",
            p.sku
        ),
        None => format!("a product with SKU '{}' already exists", p.sku),
    }
}

/// Joins field errors into one message, each naming its field.
pub fn field_errors(errs: Vec<FieldError>) -> Error {
    Error::Invalid(
        errs.iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
    )
}
