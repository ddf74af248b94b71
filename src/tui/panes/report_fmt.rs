//! Numbers and dates of the reports and the stock card, as the shell's language writes them
//! (thin names over the shell's helpers, so the tables read short).

use chrono::NaiveDate;

use crate::domain::{Money, Quantity};
use crate::tui::shell::Shell;

pub fn day(shell: &Shell, d: NaiveDate) -> String {
    shell.date(d)
}

pub fn qty(shell: &Shell, q: Quantity) -> String {
    shell.qty(q)
}

/// Money grouped in thousands (`1,251,275.00` / `1.251.275,00`).
pub fn money(shell: &Shell, m: Money) -> String {
    shell.money(m)
}

pub fn int(shell: &Shell, n: u64) -> String {
    shell.int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A stored instant (microseconds, UTC) in local time, to the minute.
pub fn when(shell: &Shell, micros: i64) -> String {
    match chrono::DateTime::from_timestamp_micros(micros) {
        Some(t) => shell.datetime(t.with_timezone(&chrono::Local).naive_local()),
        None => "?".into(),
    }
}
