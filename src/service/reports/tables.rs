//! Each report as a table ([`crate::service::export::Table`]): what the CLI prints and what
//! every export writes, so a CSV, an XLSX sheet and the screen show the same columns. Headers
//! and notes are in English, like every file gudang writes.

use super::card::StockCard;
use super::movement::{MovementReport, MovementRow, MovementTotals};
use super::period::Period;
use super::reorder::ReorderReport;
use super::valuation::{Valuation, ValuationBy};
use crate::domain::ids::display_time;
use crate::service::export::{Cell, Column, Heading, Kind, Table, col};

/// How every value in these reports is made.
pub const VALUE_NOTE: &str = "quantity x the product's current price";

fn period_text(p: &Period) -> String {
    format!("{} to {}", p.from, p.to)
}

fn place(location: Option<&str>, children: bool) -> String {
    match location {
        None => "all locations".into(),
        Some(c) if children => format!("{c} and the locations inside it"),
        Some(c) => c.to_string(),
    }
}

impl StockCard {
    /// The card as a table: the opening balance, the rows it holds, the closing balance as
    /// the totals row (with the period's in and out).
    pub fn table(&self) -> Table {
        let columns = vec![
            col("time", "Date/time", Kind::Text),
            col("number", "Number", Kind::Text),
            col("kind", "Kind", Kind::Text),
            col("location", "Location", Kind::Text),
            col("counterpart", "Partner / other location", Kind::Text),
            col("in", "In", Kind::Qty),
            col("out", "Out", Kind::Qty),
            col("balance", "Balance", Kind::Qty),
        ];
        let mut rows = Vec::with_capacity(self.rows.len() + 1);
        if !self.more_before {
            rows.push(vec![
                Cell::Text(self.period.from.to_string()),
                Cell::Empty,
                "Opening balance".into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                self.opening.into(),
            ]);
        }
        for r in &self.rows {
            rows.push(vec![
                display_time(r.at).into(),
                r.number.clone().into(),
                r.kind.as_str().into(),
                r.location.clone().into(),
                r.counterpart.clone().into(),
                r.qty_in.into(),
                r.qty_out.into(),
                r.balance.into(),
            ]);
        }
        let totals = (!self.more_after).then(|| {
            vec![
                Cell::Text(self.period.to.to_string()),
                Cell::Empty,
                "Closing balance".into(),
                Cell::Empty,
                Cell::Empty,
                self.total_in.into(),
                self.total_out.into(),
                self.closing.into(),
            ]
        });
        Table {
            heading: Heading {
                title: format!("Stock card {}", self.sku),
                notes: vec![
                    ("Product".into(), format!("{} {}", self.sku, self.name)),
                    ("Unit".into(), self.unit.clone()),
                    (
                        "Location".into(),
                        place(self.location.as_deref(), self.with_children),
                    ),
                    ("Period".into(), period_text(&self.period)),
                    ("Stock now".into(), self.stock_now.to_string()),
                ],
                columns,
            },
            rows,
            totals,
        }
    }
}

/// The movement report's heading (for a streamed export as for a whole one).
pub fn movement_heading(
    period: &Period,
    location: Option<&str>,
    category: Option<&str>,
    by_location: bool,
) -> Heading {
    let mut columns = vec![
        col("sku", "SKU", Kind::Text),
        col("name", "Name", Kind::Text),
        col("category", "Category", Kind::Text),
        col("unit", "Unit", Kind::Text),
    ];
    if by_location {
        columns.push(col("location", "Location", Kind::Text));
    }
    columns.extend([
        col("opening", "Opening", Kind::Qty),
        col("received", "Received", Kind::Qty),
        col("issued", "Issued", Kind::Qty),
        col("transfer_in", "Transfer in", Kind::Qty),
        col("transfer_out", "Transfer out", Kind::Qty),
        col("adjusted_in", "Adjusted +", Kind::Qty),
        col("adjusted_out", "Adjusted -", Kind::Qty),
        col("in", "In", Kind::Qty),
        col("out", "Out", Kind::Qty),
        col("closing", "Closing", Kind::Qty),
        col("price", "Price", Kind::Money),
        col("opening_value", "Opening value", Kind::Money),
        col("in_value", "In value", Kind::Money),
        col("out_value", "Out value", Kind::Money),
        col("closing_value", "Closing value", Kind::Money),
    ]);
    Heading {
        title: "Movement report".into(),
        notes: vec![
            ("Period".into(), period_text(period)),
            ("Location".into(), place(location, true)),
            (
                "Category".into(),
                category.unwrap_or("all categories").to_string(),
            ),
            ("Values".into(), VALUE_NOTE.into()),
        ],
        columns,
    }
}

/// One row of the movement report's table.
pub fn movement_cells(r: &MovementRow, by_location: bool) -> Vec<Cell> {
    let mut c: Vec<Cell> = vec![
        r.sku.clone().into(),
        r.name.clone().into(),
        r.category.clone().into(),
        r.unit.clone().into(),
    ];
    if by_location {
        c.push(r.location.clone().unwrap_or_default().into());
    }
    let f = &r.flows;
    c.extend([
        r.opening.into(),
        f.received.into(),
        f.issued.into(),
        f.transfer_in.into(),
        f.transfer_out.into(),
        f.adjusted_in.into(),
        f.adjusted_out.into(),
        r.qty_in.into(),
        r.qty_out.into(),
        r.closing.into(),
        r.price.into(),
        r.opening_value.into(),
        r.in_value.into(),
        r.out_value.into(),
        r.closing_value.into(),
    ]);
    c
}

/// The movement report's totals row.
pub fn movement_total_cells(t: &MovementTotals, by_location: bool) -> Vec<Cell> {
    let mut c: Vec<Cell> = vec![
        Cell::Text(format!("Total ({} rows)", t.rows)),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ];
    if by_location {
        c.push(Cell::Empty);
    }
    let f = &t.flows;
    c.extend([
        t.opening.into(),
        f.received.into(),
        f.issued.into(),
        f.transfer_in.into(),
        f.transfer_out.into(),
        f.adjusted_in.into(),
        f.adjusted_out.into(),
        t.qty_in.into(),
        t.qty_out.into(),
        t.closing.into(),
        Cell::Empty,
        t.opening_value.into(),
        t.in_value.into(),
        t.out_value.into(),
        t.closing_value.into(),
    ]);
    c
}

impl MovementReport {
    pub fn table(&self) -> Table {
        Table {
            heading: movement_heading(
                &self.period,
                self.location.as_deref(),
                self.category.as_deref(),
                self.by_location,
            ),
            rows: self
                .rows
                .iter()
                .map(|r| movement_cells(r, self.by_location))
                .collect(),
            totals: Some(movement_total_cells(&self.totals, self.by_location)),
        }
    }
}

impl Valuation {
    pub fn table(&self) -> Table {
        let (key, name): (Column, Option<Column>) = match self.by {
            ValuationBy::Location => (
                col("location", "Location", Kind::Text),
                Some(col("name", "Name", Kind::Text)),
            ),
            ValuationBy::Category => (col("category", "Category", Kind::Text), None),
            ValuationBy::Product => (
                col("sku", "SKU", Kind::Text),
                Some(col("name", "Name", Kind::Text)),
            ),
        };
        let has_name = name.is_some();
        let mut columns = vec![key];
        columns.extend(name);
        columns.extend([
            col("items", "Items", Kind::Int),
            col("quantity", "Quantity", Kind::Qty),
            col("value", "Value", Kind::Money),
        ]);
        let row = |k: &str, n: &str, items: u64, q, v| {
            let mut c: Vec<Cell> = vec![k.into()];
            if has_name {
                c.push(n.into());
            }
            c.extend([Cell::Int(items as i64), Cell::Qty(q), Cell::Money(v)]);
            c
        };
        Table {
            heading: Heading {
                title: format!("Valuation at {}", self.at),
                notes: vec![
                    ("As of".into(), format!("end of {} (local time)", self.at)),
                    ("Location".into(), place(self.location.as_deref(), true)),
                    (
                        "Category".into(),
                        self.category.as_deref().unwrap_or("all categories").into(),
                    ),
                    ("Values".into(), VALUE_NOTE.into()),
                ],
                columns,
            },
            rows: self
                .rows
                .iter()
                .map(|r| row(&r.key, &r.name, r.items, r.quantity, r.value))
                .collect(),
            totals: Some(row(
                "Total",
                "",
                self.total_items,
                self.total_quantity,
                self.total_value,
            )),
        }
    }
}

impl ReorderReport {
    pub fn table(&self) -> Table {
        let columns = vec![
            col("location", "Location", Kind::Text),
            col("sku", "SKU", Kind::Text),
            col("name", "Name", Kind::Text),
            col("unit", "Unit", Kind::Text),
            col("quantity", "Quantity", Kind::Qty),
            col("min", "Min", Kind::Qty),
            col("max", "Max", Kind::Qty),
            col("suggested", "Suggested", Kind::Qty),
            col("price", "Price", Kind::Money),
            col("value", "Value", Kind::Money),
            col("surplus", "Surplus at", Kind::Text),
        ];
        let rows = self
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.location.clone().into(),
                    r.sku.clone().into(),
                    r.name.clone().into(),
                    r.unit.clone().into(),
                    r.quantity.into(),
                    r.min.into(),
                    r.max.map_or(Cell::Empty, Cell::Qty),
                    r.suggested.into(),
                    r.price.into(),
                    r.suggested_value.into(),
                    r.surplus
                        .iter()
                        .map(|s| format!("{} ({})", s.location, s.available))
                        .collect::<Vec<_>>()
                        .join(", ")
                        .into(),
                ]
            })
            .collect();
        let mut totals = vec![Cell::Text(format!("Total ({} rows)", self.rows.len()))];
        totals.extend(std::iter::repeat_n(Cell::Empty, 8));
        totals.push(self.total_suggested_value.into());
        totals.push(Cell::Empty);
        Table {
            heading: Heading {
                title: "Reorder".into(),
                notes: vec![
                    ("Location".into(), place(self.location.as_deref(), true)),
                    (
                        "Suggested".into(),
                        "up to the maximum (twice the minimum where none is set)".into(),
                    ),
                    ("Values".into(), VALUE_NOTE.into()),
                ],
                columns,
            },
            rows,
            totals: Some(totals),
        }
    }
}
