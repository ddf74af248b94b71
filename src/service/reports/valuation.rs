//! The valuation at a date: what was in stock at the end of that local day, in quantity and
//! value, per location, category or product, with totals. Computed by the movement report's
//! own engine (its closing balance at that day), so the two always agree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{Money, Quantity};

/// How a valuation groups its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValuationBy {
    #[default]
    Location,
    Category,
    Product,
}

impl std::str::FromStr for ValuationBy {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "location" | "lokasi" => Ok(ValuationBy::Location),
            "category" | "kategori" => Ok(ValuationBy::Category),
            "product" | "produk" => Ok(ValuationBy::Product),
            other => Err(crate::error::Error::Invalid(format!(
                "--by: '{other}' is not a grouping (use location, category or product)"
            ))),
        }
    }
}

/// A valuation to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuationQuery {
    /// As of the end of this local day.
    pub at: NaiveDate,
    pub by: ValuationBy,
    /// A location code (with everything nested inside it).
    pub location: Option<String>,
    /// A category name.
    pub category: Option<String>,
}

impl ValuationQuery {
    pub fn new(at: NaiveDate, by: ValuationBy) -> ValuationQuery {
        ValuationQuery {
            at,
            by,
            location: None,
            category: None,
        }
    }
}

/// One group of a valuation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuationRow {
    /// Location code, category name ("(none)" for products without one), or SKU.
    pub key: String,
    /// Location name, or product name; empty for a category.
    pub name: String,
    /// Product-location rows with stock in the group.
    pub items: u64,
    pub quantity: Quantity,
    pub value: Money,
}

/// A valuation, rows sorted by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Valuation {
    pub at: NaiveDate,
    pub by: ValuationBy,
    pub location: Option<String>,
    pub category: Option<String>,
    pub rows: Vec<ValuationRow>,
    pub total_items: u64,
    pub total_quantity: Quantity,
    pub total_value: Money,
    /// See [`super::card::StockCard::exact`].
    pub exact: bool,
}
