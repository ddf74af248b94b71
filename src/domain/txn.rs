//! Transaction kinds, statuses and the rule that turns a document line into stock effects.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::qty::Quantity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TxKind {
    Receipt,
    Issue,
    Transfer,
    Adjustment,
}

impl TxKind {
    pub const ALL: [TxKind; 4] = [
        TxKind::Receipt,
        TxKind::Issue,
        TxKind::Transfer,
        TxKind::Adjustment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TxKind::Receipt => "receipt",
            TxKind::Issue => "issue",
            TxKind::Transfer => "transfer",
            TxKind::Adjustment => "adjustment",
        }
    }

    /// Prefix of the human number, e.g. `ISS-2026-000123`.
    pub fn prefix(self) -> &'static str {
        match self {
            TxKind::Receipt => "RCV",
            TxKind::Issue => "ISS",
            TxKind::Transfer => "TRF",
            TxKind::Adjustment => "ADJ",
        }
    }

    pub fn needs_source(self) -> bool {
        matches!(self, TxKind::Issue | TxKind::Transfer | TxKind::Adjustment)
    }

    pub fn needs_destination(self) -> bool {
        matches!(self, TxKind::Receipt | TxKind::Transfer)
    }
}

impl fmt::Display for TxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TxKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "receipt" | "in" | "rcv" => Ok(TxKind::Receipt),
            "issue" | "out" | "iss" => Ok(TxKind::Issue),
            "transfer" | "trf" => Ok(TxKind::Transfer),
            "adjustment" | "adjust" | "adj" => Ok(TxKind::Adjustment),
            other => Err(format!(
                "unknown transaction kind '{other}' (use receipt, issue, transfer or adjustment)"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TxStatus {
    Pending,
    Posted,
    Rejected,
}

impl TxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TxStatus::Pending => "pending",
            TxStatus::Posted => "posted",
            TxStatus::Rejected => "rejected",
        }
    }
}

impl FromStr for TxStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(TxStatus::Pending),
            "posted" => Ok(TxStatus::Posted),
            "rejected" => Ok(TxStatus::Rejected),
            other => Err(format!("unknown status '{other}'")),
        }
    }
}

impl fmt::Display for TxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one line does to one stock row, before the location shard applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Add (positive) or remove (negative) this much; a removal applies only if enough is there.
    Delta(i64),
    /// Set the row to this counted quantity (adjustment); the delta is found when applied.
    SetTo(i64),
}

/// One stock effect of one line: `leg` tells the two sides of a transfer apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub line_no: i64,
    pub leg: i64,
    pub location_id: String,
    pub product_id: String,
    pub effect: Effect,
}

/// What an adjustment line's quantity means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdjustMode {
    /// The counted quantity: the row is set to it (a plain adjustment).
    #[default]
    SetCounted,
    /// A signed change, e.g. a stock count's variance against the book quantity at the time
    /// of the scan. Applied as a delta, so that movements posted since the scan are kept; a
    /// removal applies only if enough is there, as for an issue.
    Delta,
}

/// The stock effects of a document line: receipts add at the destination, issues remove at the
/// source, transfers remove at the source then add at the destination (so they create nothing),
/// adjustments set the source row to the counted quantity.
pub fn legs(
    kind: TxKind,
    source: Option<&str>,
    dest: Option<&str>,
    line_no: i64,
    product_id: &str,
    qty: Quantity,
) -> Vec<Leg> {
    legs_with(
        kind,
        AdjustMode::SetCounted,
        source,
        dest,
        line_no,
        product_id,
        qty,
    )
}

/// [`legs`], with adjustments meant as `mode` says: in [`AdjustMode::Delta`] an adjustment
/// changes the source row by the (signed) quantity instead of setting it.
pub fn legs_with(
    kind: TxKind,
    mode: AdjustMode,
    source: Option<&str>,
    dest: Option<&str>,
    line_no: i64,
    product_id: &str,
    qty: Quantity,
) -> Vec<Leg> {
    let mk = |leg: i64, loc: Option<&str>, effect: Effect| Leg {
        line_no,
        leg,
        location_id: loc.unwrap_or_default().to_string(),
        product_id: product_id.to_string(),
        effect,
    };
    match kind {
        TxKind::Receipt => vec![mk(0, dest, Effect::Delta(qty.0))],
        TxKind::Issue => vec![mk(0, source, Effect::Delta(-qty.0))],
        TxKind::Transfer => vec![
            mk(0, source, Effect::Delta(-qty.0)),
            mk(1, dest, Effect::Delta(qty.0)),
        ],
        TxKind::Adjustment => match mode {
            AdjustMode::SetCounted => vec![mk(0, source, Effect::SetTo(qty.0))],
            AdjustMode::Delta => vec![mk(0, source, Effect::Delta(qty.0))],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_conserves() {
        let l = legs(
            TxKind::Transfer,
            Some("A"),
            Some("B"),
            1,
            "p",
            Quantity(5000),
        );
        let sum: i64 = l
            .iter()
            .map(|l| match l.effect {
                Effect::Delta(d) => d,
                Effect::SetTo(_) => unreachable!(),
            })
            .sum();
        assert_eq!(sum, 0);
        assert_eq!(l[0].location_id, "A");
        assert_eq!(l[1].location_id, "B");
    }

    #[test]
    fn delta_adjustments_change_by_the_variance() {
        let l = legs_with(
            TxKind::Adjustment,
            AdjustMode::Delta,
            Some("A"),
            None,
            1,
            "p",
            Quantity(-2000),
        );
        assert_eq!(l[0].effect, Effect::Delta(-2000));
        let l = legs(TxKind::Adjustment, Some("A"), None, 1, "p", Quantity(3000));
        assert_eq!(l[0].effect, Effect::SetTo(3000));
    }

    #[test]
    fn kinds_parse() {
        assert_eq!("OUT".parse::<TxKind>().unwrap(), TxKind::Issue);
        assert!("gift".parse::<TxKind>().is_err());
        assert_eq!(TxKind::Issue.prefix(), "ISS");
    }
}
