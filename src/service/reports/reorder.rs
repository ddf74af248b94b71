//! Reorder suggestions: stock rows at or below their minimum (the location's own minimum,
//! else the product's default), the quantity that brings each up to its maximum, and where
//! another location holds more than its own maximum (a surplus a transfer could use). The
//! minimum and maximum of a product at a location are set through [`LimitChange`].
//!
//! Without a maximum the suggestion brings the row to twice its minimum.

use serde::Serialize;

use crate::domain::{Money, Quantity};

/// A reorder list to compute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReorderQuery {
    /// A location code (with everything nested inside it); `None` is every location.
    pub location: Option<String>,
    pub category: Option<String>,
}

/// Another location's stock above its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Surplus {
    pub location: String,
    pub quantity: Quantity,
    pub max: Quantity,
    /// How much could leave it without going below its maximum.
    pub available: Quantity,
}

/// One product at one location that needs stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReorderRow {
    pub location: String,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub quantity: Quantity,
    pub min: Quantity,
    pub max: Option<Quantity>,
    /// Up to the maximum (or twice the minimum without one).
    pub suggested: Quantity,
    pub price: Money,
    pub suggested_value: Money,
    /// Locations holding more than their maximum, the largest surplus first.
    pub surplus: Vec<Surplus>,
}

/// Rows sorted by location, then SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReorderReport {
    pub location: Option<String>,
    pub rows: Vec<ReorderRow>,
    pub total_suggested_value: Money,
}

/// A change to one limit of a stock row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LimitChange {
    #[default]
    Keep,
    /// Minimum: back to the product's default; maximum: none.
    Clear,
    Set(Quantity),
}

/// A product's limits at one location after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockLimits {
    pub location: String,
    pub sku: String,
    pub quantity: Quantity,
    /// The location's own minimum, if it has one, and the one in force.
    pub min_override: Option<Quantity>,
    pub min: Quantity,
    pub max: Option<Quantity>,
}
