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
mod scan;

use serde::Serialize;

use super::posting::LineRequest;
use super::{Actor, Services};
use crate::db::counts as db;
use crate::db::location::Location;
use crate::db::master::Category;
use crate::domain::role::Permission;
use crate::domain::{Quantity, ids, text};
use crate::error::{Error, Result};

pub use post::{CountPostOutcome, DocOutcome};
pub use review::{CountReview, LineState, ReviewFilter, ReviewLine, ReviewTotals};
pub use scan::{parse_line_key, parse_scan};

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
        let (locs, cats) = (self.list_locations().await?, self.list_categories().await?);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.summary(r, false, &locs, &cats).await?);
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
        let (locs, cats) = (self.list_locations().await?, self.list_categories().await?);
        self.summary(row, true, &locs, &cats).await
    }

    /// Resolves codes and names of a stored header.
    async fn summary(
        &self,
        r: db::CountRow,
        with_docs: bool,
        locs: &[Location],
        cats: &[Category],
    ) -> Result<CountSummary> {
        let code = |id: &str| {
            locs.iter()
                .find(|l| l.id == id)
                .map(|l| l.code.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let category = match &r.category_id {
            Some(cid) => cats.iter().find(|c| &c.id == cid).map(|c| c.name.clone()),
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

    /// A category by name, or a clear "unknown category".
    async fn category_named(&self, name: &str) -> Result<Category> {
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
