//! Scanning and recounting: what clerks find is added to a count's lines, each with the
//! stock row's quantity at that scan as its book quantity (in the same location-shard write);
//! a supervisor may clear lines so they are scanned again.

use super::{CountStatus, CountSummary, ScanLine, ScanReply, not_open, scope_locations};
use crate::db::counts as db;
use crate::db::location::Location;
use crate::db::master::Product;
use crate::domain::role::Permission;
use crate::domain::{Quantity, ids, text};
use crate::error::{Error, Result};
use crate::service::posting::{LineRequest, too_fine};
use crate::service::{Actor, Services};

/// Parses one scan as typed: `N*CODE` (N of it), `CODE:QTY`, or a bare `CODE` (one of it).
pub fn parse_scan(raw: &str) -> Result<ScanLine> {
    let raw = raw.trim();
    let bad = |e: String| Error::Invalid(format!("scan '{raw}': {e}"));
    let (qty, code) = if let Some((n, c)) = raw.split_once('*') {
        (Quantity::parse_any(n).map_err(bad)?, c)
    } else if let Some((c, n)) = raw.rsplit_once(':') {
        (Quantity::parse_any(n).map_err(bad)?, c)
    } else {
        (Quantity::units(1), raw)
    };
    let code = text::code(code, "SKU or barcode").map_err(bad)?;
    // Zero is a count ("looked, none here"): it records the line at zero against the book.
    if qty.0 < 0 {
        return Err(Error::Invalid(format!(
            "scan '{raw}': the quantity cannot be negative"
        )));
    }
    Ok(LineRequest {
        code,
        qty,
        price: None,
    })
}

/// Parses `LOC:SKU` (a line to recount).
pub fn parse_line_key(raw: &str) -> Result<(String, String)> {
    let raw = raw.trim();
    match raw.split_once(':') {
        Some((l, s)) if !l.trim().is_empty() && !s.trim().is_empty() => {
            Ok((l.trim().to_string(), s.trim().to_string()))
        }
        _ => Err(Error::Invalid(format!(
            "line '{raw}': expected LOCATION:SKU"
        ))),
    }
}

impl Services {
    /// Adds scanned quantities to a count (clerk and up). `location` is where they were found
    /// (default: the count's location); it must be the counted location or, with children, one
    /// nested inside it. Each line's book quantity is read in the same write. Refused as a
    /// whole (nothing changed) if any line is bad: unknown code, product outside the count's
    /// scope, negative quantity or too fine for the unit, count not open.
    pub async fn count_scan(
        &self,
        actor: &Actor,
        number: &str,
        location: Option<&str>,
        lines: &[ScanLine],
    ) -> Result<Vec<ScanReply>> {
        actor.require(Permission::CountScan)?;
        if lines.is_empty() {
            return Err(Error::Invalid("scan at least one code".into()));
        }
        if lines.len() > crate::service::posting::MAX_LINES {
            return Err(Error::Invalid(format!(
                "scan at most {} codes at once",
                crate::service::posting::MAX_LINES
            )));
        }
        let count = self.count_get(number).await?;
        if count.status != CountStatus::Open {
            return Err(not_open(&count));
        }
        let all = self.list_locations().await?;
        let loc = match location.map(str::trim).filter(|l| !l.is_empty()) {
            Some(code) => {
                let l = self.location(code).await?;
                if !in_scope_location(&count, &all, &l.id) {
                    return Err(Error::Invalid(format!(
                        "location {} is not part of count {} ({})",
                        l.code,
                        count.number,
                        scope_text(&count)
                    )));
                }
                l
            }
            None => all
                .iter()
                .find(|l| l.id == count.location_id)
                .cloned()
                .ok_or_else(|| Error::NotFound(format!("location of count {}", count.number)))?,
        };
        let units = self.units_for_posting().await?;
        let mut add: Vec<db::ScanAdd> = Vec::with_capacity(lines.len());
        let mut shown: Vec<(String, String)> = Vec::with_capacity(lines.len());
        for (i, l) in lines.iter().enumerate() {
            let n = i + 1;
            let p = self.scan_product(&count, &l.code, n).await?;
            if l.qty.0 < 0 {
                return Err(Error::Invalid(format!(
                    "scan {n} ({}): the quantity cannot be negative",
                    p.sku
                )));
            }
            if let Some(unit) = too_fine(&units, &p, l.qty) {
                return Err(Error::Invalid(format!(
                    "scan {n}: {} is counted in whole {unit}s; {} has too many decimals",
                    p.sku, l.qty
                )));
            }
            add.push(db::ScanAdd {
                location_id: loc.id.clone(),
                product_id: p.id.clone(),
                qty: l.qty.0,
            });
            shown.push((p.sku.clone(), p.name.clone()));
        }
        let b = self.shards.location.backend();
        let (count_id, who, now) = (count.id.clone(), actor.email.clone(), ids::now_micros());
        let totals = self
            .shards
            .location
            .write(move |c| {
                Box::pin(async move { db::scan(c, b, &count_id, &add, &who, now).await })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => not_open(&count),
                e => e,
            })?;
        Ok(lines
            .iter()
            .zip(shown)
            .zip(totals)
            .map(|((l, (sku, name)), total)| ScanReply {
                location: loc.code.clone(),
                sku,
                name,
                added: l.qty,
                counted: Quantity(total),
            })
            .collect())
    }

    /// Marks lines for recount (supervisor, admin): their counted quantity is cleared so that
    /// clerks scan them again. `lines` are (location code, SKU or barcode). Returns how many
    /// lines were reset.
    pub async fn count_recount(
        &self,
        actor: &Actor,
        number: &str,
        lines: &[(String, String)],
    ) -> Result<u64> {
        actor.require(Permission::ManageCounts)?;
        if lines.is_empty() {
            return Err(Error::Invalid("name at least one line to recount".into()));
        }
        let count = self.count_get(number).await?;
        if count.status != CountStatus::Open {
            return Err(not_open(&count));
        }
        let all = self.list_locations().await?;
        let mut keys = Vec::with_capacity(lines.len());
        for (loc_code, code) in lines {
            let l = all
                .iter()
                .find(|l| text::norm(&l.code) == text::norm(loc_code))
                .ok_or_else(|| Error::Invalid(format!("unknown location '{}'", loc_code.trim())))?;
            let p = self.product_by_code(code).await?.ok_or_else(|| {
                Error::Invalid(format!("unknown SKU or barcode '{}'", code.trim()))
            })?;
            keys.push((l.id.clone(), p.id.clone(), format!("{}:{}", l.code, p.sku)));
        }
        let b = self.shards.location.backend();
        let count_id = count.id.clone();
        self.shards
            .location
            .write(move |c| Box::pin(async move { db::recount(c, b, &count_id, &keys).await }))
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => not_open(&count),
                e => e,
            })
    }

    /// A product a clerk scanned, checked against the count's scope.
    async fn scan_product(&self, count: &CountSummary, code: &str, n: usize) -> Result<Product> {
        let p = self
            .product_for_posting(code.trim())
            .await?
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "scan {n}: unknown SKU or barcode '{}'",
                    code.trim()
                ))
            })?;
        if p.active == 0 {
            return Err(Error::Invalid(format!(
                "scan {n}: product {} ({}) is inactive",
                p.sku, p.name
            )));
        }
        if let Some(cid) = &count.category_id
            && p.category_id.as_ref() != Some(cid)
        {
            return Err(Error::Invalid(format!(
                "scan {n}: {} ({}) is not in category {}, the only one count {} covers",
                p.sku,
                p.name,
                count.category.as_deref().unwrap_or("?"),
                count.number
            )));
        }
        Ok(p)
    }
}

fn in_scope_location(count: &CountSummary, all: &[Location], id: &str) -> bool {
    scope_locations(count, all).iter().any(|l| l == id)
}

/// "A and everything inside it, category Hardware", for messages.
fn scope_text(c: &CountSummary) -> String {
    let mut s = if c.with_children {
        format!("{} and everything inside it", c.location)
    } else {
        format!("only {}", c.location)
    };
    if let Some(cat) = &c.category {
        s.push_str(&format!(", category {cat}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_parse() {
        let l = parse_scan("3*P1").unwrap();
        assert_eq!((l.code.as_str(), l.qty), ("P1", Quantity::units(3)));
        let l = parse_scan("P1:2.5").unwrap();
        assert_eq!((l.code.as_str(), l.qty), ("P1", Quantity(2500)));
        assert_eq!(parse_scan("8990000001").unwrap().qty, Quantity::units(1));
        assert_eq!(parse_scan("0*P1").unwrap().qty, Quantity(0));
        assert!(parse_scan("P1:-2").is_err());
        assert!(parse_scan("x*P1").is_err());
        assert!(parse_scan("").is_err());
        assert_eq!(
            parse_line_key("A:P1").unwrap(),
            ("A".to_string(), "P1".to_string())
        );
        assert!(parse_line_key("A").is_err());
    }
}
