//! The days a report covers: whole local calendar days, `from` to `to` inclusive, parsed from
//! `YYYY-MM-DD`. Instants are stored in UTC (microseconds); a day begins at local midnight.

use chrono::{Datelike, Duration, Local, NaiveDate, TimeZone};
use serde::Serialize;

use crate::error::{Error, Result};

/// From the start of `from` to the end of `to` (both local days, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Today's local date.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Parses `YYYY-MM-DD`; `what` names the field in the message (e.g. "--from").
pub fn parse_day(s: &str, what: &str) -> Result<NaiveDate> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|_| t.len() == 10)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{what}: '{t}' is not a date (use YYYY-MM-DD, e.g. 2026-11-26)"
            ))
        })
}

/// The first instant (microseconds, UTC) of a local day: its local midnight, or the first
/// moment that exists when a clock change skips midnight.
pub fn day_start(d: NaiveDate) -> i64 {
    let mut t = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..48 {
        match Local.from_local_datetime(&t) {
            chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => {
                return x.timestamp_micros();
            }
            chrono::LocalResult::None => t += Duration::minutes(30),
        }
    }
    t.and_utc().timestamp_micros()
}

/// The first instant after a local day (the start of the next one).
pub fn day_end(d: NaiveDate) -> i64 {
    d.succ_opt().map_or(i64::MAX, day_start)
}

impl Period {
    /// A period; `from` after `to` is refused.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if from > to {
            return Err(Error::Invalid(format!(
                "the period starts ({from}) after it ends ({to})"
            )));
        }
        Ok(Period { from, to })
    }

    /// From the typed dates; a missing `to` is today, a missing `from` the first day of
    /// `to`'s month.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Period> {
        let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => parse_day(s, "--to")?,
            None => today(),
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => parse_day(s, "--from")?,
            None => to.with_day(1).unwrap_or(to),
        };
        Period::new(from, to)
    }

    /// The current month up to today.
    pub fn this_month() -> Period {
        let t = today();
        Period {
            from: t.with_day(1).unwrap_or(t),
            to: t,
        }
    }

    /// The last `days` days up to today (today included).
    pub fn last_days(days: u32) -> Period {
        let t = today();
        Period {
            from: t - Duration::days(i64::from(days.max(1)) - 1),
            to: t,
        }
    }

    /// First instant of the period (microseconds, UTC).
    pub fn start(&self) -> i64 {
        day_start(self.from)
    }

    /// First instant after the period.
    pub fn end(&self) -> i64 {
        day_end(self.to)
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            parse_day("2026-02-28", "--from").unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        for bad in [
            "2026-02-30",
            "26-1-1",
            "2026/01/01",
            "yesterday",
            "",
            "2026-1-1",
        ] {
            let e = parse_day(bad, "--from").unwrap_err().to_string();
            assert!(e.contains("--from"), "{e}");
        }
    }

    #[test]
    fn periods() {
        let p = Period::parse(Some("2026-03-01"), Some("2026-03-31")).unwrap();
        assert_eq!(p.days(), 31);
        assert!(p.start() < p.end());
        assert_eq!(p.end() - p.start(), day_end(p.to) - day_start(p.from));
        let e = Period::parse(Some("2026-04-01"), Some("2026-03-31")).unwrap_err();
        assert!(e.to_string().contains("after it ends"), "{e}");
        let d = Period::parse(None, Some("2026-03-15")).unwrap();
        assert_eq!(d.from, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    }
}
