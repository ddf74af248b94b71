//! The warehouse's reports, below any screen: the stock card (kartu stok) of one product, the
//! movement report (laporan mutasi) of a period, the valuation at a date, and reorder
//! suggestions with the per-location minimum and maximum. The CLI and the app call the same
//! functions; [`super::export`] writes their tables as CSV, XLSX or JSON.
//!
//! # How a report stays exact while clerks post
//!
//! Stock is decided on the location shard; the journal (headers and lines with their times)
//! follows on the transaction shard a moment later, and the location shard's outbox holds
//! what is decided but not yet journaled. Every report is anchored on stock:
//!
//! 1. one statement on the location shard (one snapshot on every engine) reads the stock rows,
//!    the movements of the documents waiting in the outbox, and the number sequences;
//! 2. the journal is read after it. A journaled document counts only if its number is at or
//!    below its sequence's value in the snapshot (numbers are taken in the transaction that
//!    decides, so exactly the documents decided before the snapshot qualify), and only if it
//!    was not in the snapshot's outbox; the outbox documents are added from their movements.
//!    A document leaves the outbox only after its journal entry has committed, so nothing
//!    decided before the snapshot is missed and nothing is counted twice;
//! 3. the balance at an instant `t` is the snapshot's stock minus every counted movement at or
//!    after `t`. The closing balance of a period that ends today is therefore the very stock
//!    of the snapshot, and a balance in the past is exact too. A period with fewer journal
//!    lines before it than after it is summed from the beginning of the journal instead, or
//!    from the newest trusted monthly closing before it ([`closing`]), whichever side reads
//!    the fewest lines (the same figures: stock is the sum of its movements and a trusted
//!    closing the sum of the lines before its month's end, which `gudang check` proves).
//!
//! The journal is read on its primary while it answers (a replica might not have a document
//! that already left the outbox), else on a replica; then `exact` says the figures may miss
//! the newest documents.
//!
//! # Values
//!
//! Values are quantity times the product's **current** price (master data), rounded to the
//! cent per row: the movement report, the valuation and the reorder list say so in their
//! output. gudang keeps no cost layers (receipts may carry a price, issues do not), so a
//! historical cost would be a guess.

mod balances;
pub mod card;
mod card_read;
pub mod chart;
pub mod closing;
mod closing_check;
mod engine;
pub mod movement;
mod movement_read;
pub mod period;
pub mod reorder;
mod reorder_read;
pub mod tables;
pub mod valuation;

pub use card::{CardCursor, CardPage, CardQuery, CardRow, MAX_PAGE, StockCard};
pub use chart::DayFlow;
pub use closing::{CloseSummary, Month};
pub use movement::{Flows, MovementQuery, MovementReport, MovementRow, MovementTotals};
pub use period::{Period, parse_day, today};
pub use reorder::{LimitChange, ReorderQuery, ReorderReport, ReorderRow, StockLimits, Surplus};
pub use valuation::{Valuation, ValuationBy, ValuationQuery, ValuationRow};
