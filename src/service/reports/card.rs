//! The stock card (kartu stok) of one product: the opening balance, every movement of the
//! period with its running balance, and the closing balance, at one location (with the
//! locations nested inside it, unless asked otherwise) or at all of them. Paged by key
//! (time, document, line, leg), never by offset: each page carries the balance it starts
//! from, so any page costs what the first does.

use serde::{Deserialize, Serialize};

use super::period::Period;
use crate::domain::{Quantity, TxKind};

/// The most rows one page may have.
pub const MAX_PAGE: usize = 1000;

/// Which rows of a card to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CardPage {
    /// From the opening balance on.
    #[default]
    First,
    /// The last rows, ending at the closing balance.
    Last,
    /// The rows after this one.
    After(CardCursor),
    /// The rows just before this one.
    Before(CardCursor),
}

/// Where a row stands on its card, and the balance after it: the next page starts from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardCursor {
    pub at: i64,
    pub txn_id: String,
    pub line_no: i64,
    pub leg: i64,
    /// Balance after the row, and the row's own signed quantity (milli-units).
    pub balance: i64,
    pub delta: i64,
}

/// A card to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardQuery {
    /// SKU or barcode.
    pub product: String,
    /// A location code; `None` is every location.
    pub location: Option<String>,
    /// With `location`: include the locations nested inside it (warehouse > zone > bin).
    pub with_children: bool,
    pub period: Period,
    pub page: CardPage,
    /// Rows per page (1..=[`MAX_PAGE`]).
    pub limit: usize,
}

impl CardQuery {
    /// The first page of `product`'s card over `period`, at every location.
    pub fn new(product: &str, period: Period) -> CardQuery {
        CardQuery {
            product: product.to_string(),
            location: None,
            with_children: true,
            period,
            page: CardPage::First,
            limit: 50,
        }
    }
}

/// One movement on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardRow {
    /// When it was decided (microseconds, UTC).
    pub at: i64,
    pub number: String,
    pub kind: TxKind,
    /// The location (in the card's scope) whose stock it moved.
    pub location: String,
    /// Receipts and issues: the partner; transfers: the other location; adjustments: the
    /// reference (e.g. the count number), if any.
    pub counterpart: String,
    pub reference: Option<String>,
    pub qty_in: Quantity,
    pub qty_out: Quantity,
    /// Running balance after this row.
    pub balance: Quantity,
    pub txn_id: String,
    pub line_no: i64,
    pub leg: i64,
}

impl CardRow {
    pub fn delta(&self) -> i64 {
        self.qty_in.0 - self.qty_out.0
    }

    /// The key of this row, for the page after or before it.
    pub fn cursor(&self) -> CardCursor {
        CardCursor {
            at: self.at,
            txn_id: self.txn_id.clone(),
            line_no: self.line_no,
            leg: self.leg,
            balance: self.balance.0,
            delta: self.delta(),
        }
    }
}

/// One page of a product's stock card, with the period's balances and totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockCard {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// The location asked for (code), `None` for all.
    pub location: Option<String>,
    pub with_children: bool,
    /// Codes of the locations the card covers (empty: all).
    pub locations: Vec<String>,
    pub period: Period,
    /// Balance at the start of the period.
    pub opening: Quantity,
    /// Everything in and out over the whole period (not only this page).
    pub total_in: Quantity,
    pub total_out: Quantity,
    /// Balance at the end of the period: for a period that ends today, the stock now.
    pub closing: Quantity,
    /// The stock at the snapshot the card was read from (what the stock view shows).
    pub stock_now: Quantity,
    /// Rows of the period in the card's order (oldest first), whichever way the page was read.
    pub rows: Vec<CardRow>,
    /// Whether rows of the period come before the first row / after the last row here.
    pub more_before: bool,
    pub more_after: bool,
    /// False when the journal's primary did not answer and a replica was read instead: the
    /// newest documents may then be missing (the closing balance is still the stock's, the
    /// opening and the rows may be off by what the replica lacks).
    pub exact: bool,
}
