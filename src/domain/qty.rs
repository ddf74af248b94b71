//! Exact quantities and money. A quantity is an integer count of milli-units (3 decimals), money
//! an integer count of cents (2 decimals). Both parse from and print as plain decimals; nothing
//! here ever touches floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Milli-units per unit.
pub const QTY_SCALE: i64 = 1000;
/// Cents per currency unit.
pub const MONEY_SCALE: i64 = 100;
/// The largest quantity we accept in one line or one stock row: a billion units.
pub const MAX_QTY: i64 = 1_000_000_000 * QTY_SCALE;
/// The largest unit price we accept: ten billion (e.g. IDR 10,000,000,000.00).
pub const MAX_PRICE: i64 = 10_000_000_000 * MONEY_SCALE;

/// A quantity in milli-units. May be negative only as a movement delta.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Quantity(pub i64);

/// An amount of money in cents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Parses a non-negative decimal with at most `max_decimals` fractional digits into an integer
/// scaled by 10^`scale_digits`.
fn parse_scaled(s: &str, scale_digits: u32, max_decimals: u32, what: &str) -> Result<i64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let t = t.replace('_', "");
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    let int_part = if int_part.is_empty() && !frac_part.is_empty() {
        "0"
    } else {
        int_part
    };
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
        || int_part.is_empty()
    {
        return Err(format!(
            "'{s}' is not a valid {what} (use digits and an optional '.')"
        ));
    }
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() as u32 > max_decimals {
        return Err(if max_decimals == 0 {
            format!("'{s}': {what} must be a whole number")
        } else {
            format!("'{s}': {what} allows at most {max_decimals} decimal place(s)")
        });
    }
    let scale = 10i64.pow(scale_digits);
    let whole: i64 = int_part
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(scale))
        .ok_or_else(|| format!("'{s}': {what} is too large"))?;
    let mut frac: i64 = 0;
    for (i, b) in frac_trimmed.bytes().enumerate() {
        frac += i64::from(b - b'0') * 10i64.pow(scale_digits - 1 - i as u32);
    }
    whole
        .checked_add(frac)
        .ok_or_else(|| format!("'{s}': {what} is too large"))
}

fn format_scaled(v: i64, scale_digits: u32, min_decimals: usize) -> String {
    let scale = 10i64.pow(scale_digits);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let whole = a / scale as u64;
    let frac = a % scale as u64;
    let mut frac_s = format!("{:0width$}", frac, width = scale_digits as usize);
    while frac_s.len() > min_decimals && frac_s.ends_with('0') {
        frac_s.pop();
    }
    if frac_s.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac_s}")
    }
}

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    /// Parses a quantity for a unit that allows `decimals` fractional digits (0..=3).
    pub fn parse(s: &str, decimals: u8) -> Result<Quantity, String> {
        let v = parse_scaled(s, 3, u32::from(decimals.min(3)), "quantity")?;
        if v > MAX_QTY {
            return Err(format!("'{s}': quantity is too large"));
        }
        Ok(Quantity(v))
    }

    /// Parses with the finest precision (3 decimals); the caller checks the unit later.
    pub fn parse_any(s: &str) -> Result<Quantity, String> {
        Self::parse(s, 3)
    }

    /// Whether this quantity fits a unit with `decimals` fractional digits.
    pub fn fits_decimals(self, decimals: u8) -> bool {
        let step = 10i64.pow(3 - u32::from(decimals.min(3)));
        self.0 % step == 0
    }

    pub fn units(units: i64) -> Quantity {
        Quantity(units * QTY_SCALE)
    }
}

impl Quantity {
    /// For display in `lang`: `1234.5` in English (as `Display`), `1.234,5` in Indonesian.
    pub fn show(self, lang: crate::domain::say::Lang) -> String {
        crate::domain::say::qty(lang, self)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format_scaled(self.0, 3, 0))
    }
}

impl Money {
    pub fn parse(s: &str) -> Result<Money, String> {
        let v = parse_scaled(s, 2, 2, "price")?;
        if v > MAX_PRICE {
            return Err(format!("'{s}': price is too large"));
        }
        Ok(Money(v))
    }

    /// The value of `qty` at this unit price, rounded half away from zero to the cent.
    pub fn times(self, qty: Quantity) -> Money {
        let p = i128::from(self.0) * i128::from(qty.0);
        let half = i128::from(QTY_SCALE / 2);
        let r = if p >= 0 {
            (p + half) / i128::from(QTY_SCALE)
        } else {
            (p - half) / i128::from(QTY_SCALE)
        };
        Money(r.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }
}

impl Money {
    /// For display in `lang`, grouped: `1,234.50` in English, `1.234,50` in Indonesian.
    pub fn show(self, lang: crate::domain::say::Lang) -> String {
        crate::domain::say::money_grouped(lang, self)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format_scaled(self.0, 2, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_quantities() {
        assert_eq!(Quantity::parse("5", 0).unwrap(), Quantity(5000));
        assert_eq!(Quantity::parse("1.25", 2).unwrap(), Quantity(1250));
        assert_eq!(Quantity::parse("1.250", 2).unwrap(), Quantity(1250));
        assert_eq!(Quantity::parse(".5", 1).unwrap(), Quantity(500));
        assert!(
            Quantity::parse("1.5", 0)
                .unwrap_err()
                .contains("whole number")
        );
        assert!(Quantity::parse("1.2345", 3).is_err());
        assert!(Quantity::parse("-1", 3).is_err());
        assert!(Quantity::parse("1e3", 3).is_err());
        assert!(Quantity::parse("", 3).is_err());
        assert!(Quantity::parse("99999999999999999999", 3).is_err());
        assert_eq!(Quantity(1250).to_string(), "1.25");
        assert_eq!(Quantity(5000).to_string(), "5");
        assert_eq!(Quantity(-2500).to_string(), "-2.5");
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(Money::parse("12.50").unwrap(), Money(1250));
        assert_eq!(Money::parse("0.1").unwrap(), Money(10));
        assert!(Money::parse("0.105").is_err());
        assert_eq!(Money(1250).to_string(), "12.50");
        assert_eq!(Money(5).to_string(), "0.05");
        // 3 x 0.10 is exactly 0.30, unlike floating point.
        assert_eq!(Money(10).times(Quantity::units(3)), Money(30));
        // 1.5 units at 0.05 = 0.075, rounds half away from zero to 0.08.
        assert_eq!(Money(5).times(Quantity(1500)), Money(8));
    }

    #[test]
    fn decimals_fit() {
        assert!(Quantity(2000).fits_decimals(0));
        assert!(!Quantity(2500).fits_decimals(0));
        assert!(Quantity(2500).fits_decimals(1));
    }
}
