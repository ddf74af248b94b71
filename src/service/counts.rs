//! Stock opname: count sessions on the location shard. A supervisor opens a count for a
//! location (optionally with everything nested inside it, optionally one category); clerks scan
//! what they find while the warehouse keeps working; the supervisor reviews the variances, asks
//! for recounts, and posts them as adjustment documents through the ordinary posting protocol.
//!
//! Correct while clerks keep posting: every scan stores the stock row's quantity at that moment
//! (the book quantity) in the same location-shard write as the counted quantity, and the
//! variance (counted - book) is applied later as a change (a delta adjustment, see
//! [`super::posting`]), so movements posted during the count are neither counted twice nor lost.
//!
//! Posting is restartable: the documents' ids and lines are fixed on the count (status
//! `posting`) before any is posted, so `count post` after a crash posts each exactly once.

mod post;
mod review;

use serde::Serialize;

use super::posting::LineRequest;
use super::{Actor, Services};
use crate::db::counts as db;
use crate::db::location::Location;
use crate::db::master::Product;
use crate::domain::role::Permission;
use crate::domain::{Quantity, ids, text};
use crate::error::{Error, Result};

pub use post::{CountPostOutcome, DocOutcome};
pub use review::{CountReview, LineState, ReviewFilter, ReviewLine, ReviewTotals};

/// Where a count stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CountStatus {
    /// Clerks may scan; the supervisor may review, recount, post or cancel.
    Open,
    /// Its documents are fixed and being posted (`count post` again finishes the job).
    Posting,
    /// Closed: every variance was posted (read-only).
    Posted,
    /// Closed without touching stock (read-only).
    Cancelled,
}

impl CountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CountStatus::Open => "open",
            CountStatus::Posting => "posting",
            CountStatus::Posted => "posted",
            CountStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<CountStatus> {
        match s {
            "open" => Some(CountStatus::Open),
            "posting" => Some(CountStatus::Posting),
            "posted" => Some(CountStatus::Posted),
            "cancelled" => Some(CountStatus::Cancelled),
            _ => None,
        }
    }

    /// Closed counts are read-only.
    pub fn is_closed(self) -> bool {
        matches!(self, CountStatus::Posted | CountStatus::Cancelled)
    }
}

impl std::fmt::Display for CountStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a supervisor opens a count for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountStart {
    /// Location code.
    pub location: String,
    /// Also every location nested inside it.
    pub with_children: bool,
    /// Only products of this category (name).
    pub category: Option<String>,
}

/// One adjustment document of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountDocument {
    /// Its order within the count (1, 2, ...): one per location, more if a location has more
    /// variances than one document may hold.
    pub seq: i64,
    /// Location code.
    pub location: String,
    /// The transaction id, fixed before it was posted.
    pub txn_id: String,
    /// The document number once decided (e.g. `ADJ-2026-000042`).
    pub number: Option<String>,
    /// `pending` (fixed, not yet known decided), `posted` or `rejected`.
    pub status: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub lines: i64,
}

/// A count session's header (what lists and the show command print).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountSummary {
    pub id: String,
    /// `CNT-YYYY-NNNNNN`.
    pub number: String,
    /// Code of the counted location.
    pub location: String,
    pub location_id: String,
    pub with_children: bool,
    /// Category name, if the count is limited to one.
    pub category: Option<String>,
    pub category_id: Option<String>,
    pub status: CountStatus,
    /// Email of who opened it.
    pub started_by: String,
    /// Microseconds, UTC.
    pub started_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    /// Lines scanned at least once (recounts waiting included).
    pub scanned_lines: i64,
    /// Whether items never scanned were posted as zero.
    pub uncounted_as_zero: bool,
    /// Its adjustment documents (empty until posting).
    pub documents: Vec<CountDocument>,
}

/// One scanned code as the clerk entered it: quantity (milli-units) and SKU or barcode.
/// Built by [`parse_scan`] from `N*CODE`, `CODE` or `CODE:QTY`.
pub type ScanLine = LineRequest;

/// What a clerk may see after a scan (blind: never the book quantity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanReply {
    /// Location code the line was counted at.
    pub location: String,
    pub sku: String,
    pub name: String,
    /// What this scan added.
    pub added: Quantity,
    /// The line's counted quantity after it (everyone's scans together).
    pub counted: Quantity,
}

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
    if qty.0 <= 0 {
        return Err(Error::Invalid(format!(
            "scan '{raw}': the quantity must be greater than zero"
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
    /// Opens a count (supervisor, admin) and returns it with its new number.
    pub async fn count_start(&self, actor: &Actor, req: &CountStart) -> Result<CountSummary> {
        actor.require(Permission::ManageCounts)?;
        let loc = self.location(&req.location).await?;
        if loc.active == 0 {
            return Err(Error::Invalid(format!("location {} is inactive", loc.code)));
        }
        let category = match req.category.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Some(self.category_named(name).await?),
            Some(_) => {
                return Err(Error::Invalid("the category name is empty".into()));
            }
            None => None,
        };
        let now = ids::now_micros();
        let year = ids::local_day(now)
            .get(0..4)
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(1970);
        let head = db::NewCount {
            id: ids::new_id(),
            location_id: loc.id.clone(),
            with_children: req.with_children,
            category_id: category.as_ref().map(|c| c.id.clone()),
            started_by: actor.email.clone(),
            started_at: now,
            year,
        };
        let b = self.shards.location.backend();
        let number = self
            .shards
            .location
            .write(move |c| Box::pin(async move { db::insert_count(c, b, &head).await }))
            .await?;
        self.count_get(&number).await
    }

    /// Adds scanned quantities to a count (clerk and up). `location` is where they were found
    /// (default: the count's location); it must be the counted location or, with children, one
    /// nested inside it. Each line's book quantity is read in the same write. Refused as a
    /// whole (nothing changed) if any line is bad: unknown code, product outside the count's
    /// scope, quantity not greater than zero or too fine for the unit, count not open.
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
        if lines.len() > super::posting::MAX_LINES {
            return Err(Error::Invalid(format!(
                "scan at most {} codes at once",
                super::posting::MAX_LINES
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
            if l.qty.0 <= 0 {
                return Err(Error::Invalid(format!(
                    "scan {n} ({}): the quantity must be greater than zero",
                    p.sku
                )));
            }
            let decimals = units
                .get(&p.unit_id)
                .map(|u| u.decimals)
                .unwrap_or(0)
                .clamp(0, 3) as u8;
            if !l.qty.fits_decimals(decimals) {
                return Err(Error::Invalid(format!(
                    "scan {n}: {} is counted in whole {}s; {} has too many decimals",
                    p.sku,
                    units
                        .get(&p.unit_id)
                        .map(|u| u.code.as_str())
                        .unwrap_or("unit"),
                    l.qty
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

    /// Cancels an open count (supervisor, admin). Nothing was applied to stock, so nothing is
    /// undone; the count stays, closed and read-only.
    pub async fn count_cancel(&self, actor: &Actor, number: &str) -> Result<CountSummary> {
        actor.require(Permission::ManageCounts)?;
        let count = self.count_get(number).await?;
        if count.status != CountStatus::Open {
            return Err(not_open(&count));
        }
        let b = self.shards.location.backend();
        let (id, who, now) = (count.id.clone(), actor.email.clone(), ids::now_micros());
        self.shards
            .location
            .write(move |c| {
                Box::pin(async move { db::close(c, b, &id, "open", "cancelled", &who, now).await })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => not_open(&count),
                e => e,
            })?;
        self.count_get(number).await
    }

    /// Counts, newest first: open and posting ones, or all with `all`.
    pub async fn count_list(&self, all: bool) -> Result<Vec<CountSummary>> {
        let b = self.shards.location.backend();
        let rows = self
            .shards
            .location
            .read(move |p| Box::pin(async move { db::list(&p, b, all).await }))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.summary(r, false).await?);
        }
        Ok(out)
    }

    /// One count by number (any case), with its documents.
    pub async fn count_get(&self, number: &str) -> Result<CountSummary> {
        let key = number.trim().to_uppercase();
        if key.is_empty() {
            return Err(Error::Invalid("give a count number (CNT-...)".into()));
        }
        let b = self.shards.location.backend();
        let k = key.clone();
        let row = self
            .shards
            .location
            .read(move |p| Box::pin(async move { db::by_number(&p, b, &k).await }))
            .await?
            .ok_or_else(|| Error::NotFound(format!("count '{}'", number.trim())))?;
        self.summary(row, true).await
    }

    /// Resolves codes and names of a stored header.
    async fn summary(&self, r: db::CountRow, with_docs: bool) -> Result<CountSummary> {
        let locs = self.list_locations().await?;
        let code = |id: &str| {
            locs.iter()
                .find(|l| l.id == id)
                .map(|l| l.code.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let category = match &r.category_id {
            Some(cid) => self
                .list_categories()
                .await?
                .into_iter()
                .find(|c| &c.id == cid)
                .map(|c| c.name),
            None => None,
        };
        let documents = if with_docs {
            let b = self.shards.location.backend();
            let id = r.id.clone();
            self.shards
                .location
                .read(move |p| Box::pin(async move { db::docs(&p, b, &id).await }))
                .await?
                .into_iter()
                .map(|d| CountDocument {
                    seq: d.seq,
                    location: code(&d.location_id),
                    txn_id: d.txn_id,
                    number: d.number,
                    status: d.status,
                    reason: d.reason,
                    lines: d.line_count,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(CountSummary {
            location: code(&r.location_id),
            status: CountStatus::parse(&r.status).unwrap_or(CountStatus::Open),
            id: r.id,
            number: r.number,
            location_id: r.location_id,
            with_children: r.with_children != 0,
            category,
            category_id: r.category_id,
            started_by: r.started_by,
            started_at: r.started_at,
            closed_at: r.closed_at,
            closed_by: r.closed_by,
            scanned_lines: r.scanned_lines,
            uncounted_as_zero: r.uncounted_as_zero != 0,
            documents,
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

    /// A category by name, or a clear "unknown category".
    async fn category_named(&self, name: &str) -> Result<crate::db::master::Category> {
        self.list_categories()
            .await?
            .into_iter()
            .find(|c| text::norm(&c.name) == text::norm(name))
            .ok_or_else(|| Error::Invalid(format!("unknown category '{}'", name.trim())))
    }
}

/// The refusal for a change to a count that is not open.
fn not_open(c: &CountSummary) -> Error {
    Error::Conflict(match c.status {
        CountStatus::Open => format!("count {} changed meanwhile; try again", c.number),
        CountStatus::Posting => format!(
            "count {} is being posted: it no longer changes (run `count post {}` again to finish)",
            c.number, c.number
        ),
        s => format!("count {} is {s}: it is closed and read-only", c.number),
    })
}

/// The locations a count covers: its location, and with children everything inside it.
pub(crate) fn scope_locations(count: &CountSummary, all: &[Location]) -> Vec<String> {
    if count.with_children {
        super::stock_view::subtree(all, &count.location_id)
    } else {
        vec![count.location_id.clone()]
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
        assert!(parse_scan("0*P1").is_err());
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
