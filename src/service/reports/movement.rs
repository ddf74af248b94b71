//! The movement report (laporan mutasi) of a period: per product, and per location when
//! asked, the opening balance, what came in and went out (by kind), and the closing balance,
//! in quantity and value, with totals. Filters: a location with everything nested inside it,
//! a category.
//!
//! Streamed: the stock snapshot and the journal's sums come ordered by product and are merged
//! as they arrive, so memory holds one product's rows and the outbox, never the history or
//! the whole catalog ([`crate::service::Services::movement_report_each`]). Rows come in
//! product-id order (the order products were created); [`MovementReport`] (collected) sorts
//! them by SKU and location.

use serde::Serialize;

use super::period::Period;
use crate::domain::{Money, Quantity};

/// A movement report to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementQuery {
    pub period: Period,
    /// A location code: that location and every location nested inside it.
    pub location: Option<String>,
    /// A category name.
    pub category: Option<String>,
    /// One row per product and location instead of one per product.
    pub by_location: bool,
}

impl MovementQuery {
    pub fn new(period: Period) -> MovementQuery {
        MovementQuery {
            period,
            location: None,
            category: None,
            by_location: false,
        }
    }
}

/// What moved over a period, by kind (milli-units, each leg of a movement counted at its own
/// location: a transfer between two locations of the scope is both in and out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flows {
    pub received: Quantity,
    pub issued: Quantity,
    pub transfer_in: Quantity,
    pub transfer_out: Quantity,
    /// Adjustments that added, and that removed (both positive).
    pub adjusted_in: Quantity,
    pub adjusted_out: Quantity,
}

impl Flows {
    pub fn qty_in(&self) -> Quantity {
        Quantity(self.received.0 + self.transfer_in.0 + self.adjusted_in.0)
    }

    pub fn qty_out(&self) -> Quantity {
        Quantity(self.issued.0 + self.transfer_out.0 + self.adjusted_out.0)
    }

    pub fn add(&mut self, o: &Flows) {
        self.received.0 += o.received.0;
        self.issued.0 += o.issued.0;
        self.transfer_in.0 += o.transfer_in.0;
        self.transfer_out.0 += o.transfer_out.0;
        self.adjusted_in.0 += o.adjusted_in.0;
        self.adjusted_out.0 += o.adjusted_out.0;
    }

    pub fn is_zero(&self) -> bool {
        *self == Flows::default()
    }
}

/// One product (at one location, with `by_location`) over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementRow {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    /// The location's code with `by_location`, else `None` (the whole scope).
    pub location: Option<String>,
    /// The product's current price, which every value of the row uses.
    pub price: Money,
    pub opening: Quantity,
    pub flows: Flows,
    pub qty_in: Quantity,
    pub qty_out: Quantity,
    pub closing: Quantity,
    pub opening_value: Money,
    pub in_value: Money,
    pub out_value: Money,
    pub closing_value: Money,
}

/// Sums of a report's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MovementTotals {
    pub rows: u64,
    pub opening: Quantity,
    pub flows: Flows,
    pub qty_in: Quantity,
    pub qty_out: Quantity,
    pub closing: Quantity,
    pub opening_value: Money,
    pub in_value: Money,
    pub out_value: Money,
    pub closing_value: Money,
}

impl MovementTotals {
    pub fn add(&mut self, r: &MovementRow) {
        self.rows += 1;
        self.opening.0 += r.opening.0;
        self.flows.add(&r.flows);
        self.qty_in.0 += r.qty_in.0;
        self.qty_out.0 += r.qty_out.0;
        self.closing.0 += r.closing.0;
        self.opening_value.0 += r.opening_value.0;
        self.in_value.0 += r.in_value.0;
        self.out_value.0 += r.out_value.0;
        self.closing_value.0 += r.closing_value.0;
    }
}

/// A whole movement report, rows sorted by SKU, then location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementReport {
    pub period: Period,
    pub location: Option<String>,
    pub category: Option<String>,
    pub by_location: bool,
    pub rows: Vec<MovementRow>,
    pub totals: MovementTotals,
    /// See [`super::card::StockCard::exact`].
    pub exact: bool,
}
