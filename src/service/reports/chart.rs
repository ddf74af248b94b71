//! In and out per day over a period, for a chart: the movement report's flows spread over
//! its days (same scope and filters), the days without movement included as zeros.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{Money, Quantity};

/// One day's movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayFlow {
    pub day: NaiveDate,
    pub qty_in: Quantity,
    pub qty_out: Quantity,
    /// At current prices.
    pub value_in: Money,
    pub value_out: Money,
}
