//! Posting a transaction across the transaction and location shards, with the five
//! guarantees of ARCHITECTURE.md section 4:
//!
//! 1. validate against master and location, then write the header and lines as `pending`
//!    (transaction shard);
//! 2. in one local transaction on the location shard, apply every line with conditional
//!    updates, record the movements and the durable decision (`applied`, or `aborted` with the
//!    reason) under the transaction id's primary key;
//! 3. mark the header `posted` or `rejected` and count it in the daily summary (transaction
//!    shard).
//!
//! Re-posting an id never posts twice: a decided id reports its first result, a pending one is
//! finished from step 2. Recovery ([`super::recovery`]) finishes what a crash left pending.

use std::collections::HashMap;

use futures::future::BoxFuture;
use serde::Serialize;
use sqlx::AnyConnection;

use super::{Actor, Services};
use crate::db::Backend;
use crate::db::apply::{self, ApplyItem};
use crate::db::coalesce::Coalescer;
use crate::db::journal::{self, Header, Line, MarkItem, PendingDoc};
use crate::db::location::{ApplyLeg, Decision, Location};
use crate::db::master::{self, Product};
use crate::domain::role::Permission;
use crate::domain::txn::legs;
use crate::domain::{Money, Quantity, TxKind, TxStatus, ids, text};
use crate::error::{Error, Result};
use crate::failpoint;

/// The most lines one document may have.
pub const MAX_LINES: usize = 500;

/// One line as a clerk enters it: a SKU or barcode, a quantity (for an adjustment: the counted
/// quantity), and for receipts an optional unit price (default: the product's price).
#[derive(Debug, Clone, PartialEq)]
pub struct LineRequest {
    pub code: String,
    pub qty: Quantity,
    pub price: Option<Money>,
}

/// A document to post.
#[derive(Debug, Clone, Default)]
pub struct PostRequest {
    /// Client-made id; posting the same id again never posts twice. Made here if absent.
    pub id: Option<String>,
    pub kind: Option<TxKind>,
    /// Location code the goods leave (issue, transfer) or are counted at (adjustment).
    pub source: Option<String>,
    /// Location code the goods arrive at (receipt, transfer).
    pub dest: Option<String>,
    pub lines: Vec<LineRequest>,
    pub partner: Option<String>,
    pub reference: Option<String>,
    pub notes: Option<String>,
}

/// What became of a posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostOutcome {
    pub id: String,
    pub number: String,
    pub status: TxStatus,
    pub reason: Option<String>,
    /// True when this id had been submitted before and this call only reported (or finished)
    /// the first attempt.
    pub replayed: bool,
}

impl PostOutcome {
    pub fn is_posted(&self) -> bool {
        self.status == TxStatus::Posted
    }
}

/// Parses `SKU:QTY[@PRICE]` as typed on the command line.
pub fn parse_line_spec(spec: &str) -> Result<LineRequest> {
    let (code, rest) = spec.rsplit_once(':').ok_or_else(|| {
        Error::Invalid(format!("line '{spec}': expected SKU:QTY or SKU:QTY@PRICE"))
    })?;
    let (qty, price) = match rest.split_once('@') {
        Some((q, p)) => (
            q,
            Some(Money::parse(p).map_err(|e| Error::Invalid(format!("line '{spec}': {e}")))?),
        ),
        None => (rest, None),
    };
    let code = text::code(code, "SKU or barcode")
        .map_err(|e| Error::Invalid(format!("line '{spec}': {e}")))?;
    let qty =
        Quantity::parse_any(qty).map_err(|e| Error::Invalid(format!("line '{spec}': {e}")))?;
    Ok(LineRequest { code, qty, price })
}

/// The three steps' writes, each shared by all postings in flight (see [`crate::db::coalesce`]):
/// one write job per batch writes the pending documents, one decides their stock side, one
/// records the decisions.
#[derive(Clone)]
pub(crate) struct Batches {
    pending: Coalescer<PendingDoc, Header>,
    apply: Coalescer<ApplyItem, Decision>,
    mark: Coalescer<MarkItem, bool>,
}

impl Default for Batches {
    fn default() -> Self {
        fn pending(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<PendingDoc>,
        ) -> BoxFuture<'_, Result<Vec<Result<Header>>>> {
            Box::pin(journal::insert_pending_batch(c, b, items))
        }
        fn decide(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<ApplyItem>,
        ) -> BoxFuture<'_, Result<Vec<Result<Decision>>>> {
            Box::pin(apply::apply_batch(c, b, items))
        }
        fn mark(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<MarkItem>,
        ) -> BoxFuture<'_, Result<Vec<Result<bool>>>> {
            Box::pin(journal::mark_decided_batch(c, b, items))
        }
        Batches {
            pending: Coalescer::new(pending),
            apply: Coalescer::new(decide),
            mark: Coalescer::new(mark),
        }
    }
}

/// A validated document, ready to write.
struct Prepared {
    header: Header,
    lines: Vec<Line>,
    legs: Vec<ApplyLeg>,
}

impl Services {
    /// Posts a document. `Ok` carries `posted` or `rejected` (with the reason); `Err` is bad
    /// input, a role that may not post this kind, or a shard that could not be reached (then
    /// posting the same id again finishes the job).
    pub async fn post(&self, actor: &Actor, req: &PostRequest) -> Result<PostOutcome> {
        self.post_at(actor, req, None).await
    }

    /// Posts a document dated `at` (microseconds, UTC) instead of now: its header, movements,
    /// decision and daily summary all carry that instant. Only the demo-data generator uses
    /// this, to build a believable history through the real protocol; clerks always post now.
    pub(crate) async fn post_dated(
        &self,
        actor: &Actor,
        req: &PostRequest,
        at: i64,
    ) -> Result<PostOutcome> {
        self.post_at(actor, req, Some(at)).await
    }

    async fn post_at(
        &self,
        actor: &Actor,
        req: &PostRequest,
        at: Option<i64>,
    ) -> Result<PostOutcome> {
        let kind = req
            .kind
            .ok_or_else(|| Error::Invalid("choose a transaction kind".into()))?;
        actor.require(if kind == TxKind::Adjustment {
            Permission::Adjust
        } else {
            Permission::PostMovement
        })?;
        let id = match &req.id {
            Some(raw) => ids::parse_id(raw)?,
            None => ids::new_id(),
        };
        // No read ahead for an id seen before: the header's primary key finds it when the
        // pending write fails (below). Only a request that no longer validates (a product
        // deactivated since the first attempt, say) looks first, so its retry still reports.
        let prepared = match self.prepare(actor, &id, kind, req, at).await {
            Ok(p) => p,
            Err(e) => {
                if req.id.is_some()
                    && let Some(h) = self.header(&id).await?
                {
                    return self.finish(h, true).await;
                }
                return Err(e);
            }
        };
        failpoint::hit("post.before_pending");
        let Prepared {
            header,
            lines,
            legs,
        } = prepared;
        let year = header
            .day
            .get(0..4)
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(1970);
        let doc = PendingDoc {
            prefix: kind.prefix(),
            year,
            header,
            lines,
        };
        let written = self
            .batches
            .pending
            .submit(&self.shards.transaction, doc)
            .await;
        let header = match written {
            Ok(h) => h,
            Err(e) if e.is_unique_violation() => {
                // The same id was submitted before or concurrently: report (or finish) that
                // attempt.
                let h = self.header(&id).await?.ok_or(e)?;
                return self.finish(h, true).await;
            }
            Err(e) => return Err(e),
        };
        failpoint::hit("post.after_pending");
        self.decide_and_mark(&header, legs, false, true, at).await
    }

    async fn header(&self, id: &str) -> Result<Option<Header>> {
        let b = self.shards.transaction.backend();
        let id = id.to_string();
        self.shards
            .transaction
            .read(move |p| Box::pin(async move { journal::header_by_id(&p, b, &id).await }))
            .await
    }

    /// Reports a decided header, or finishes a pending one from step 2.
    pub(crate) async fn finish(&self, h: Header, replayed: bool) -> Result<PostOutcome> {
        match h.status.parse::<TxStatus>()? {
            TxStatus::Pending => {
                let legs = self.legs_of_stored(&h).await?;
                self.decide_and_mark(&h, legs, replayed, false, None).await
            }
            status => Ok(PostOutcome {
                id: h.id,
                number: h.number,
                status,
                reason: h.reason,
                replayed,
            }),
        }
    }

    /// Steps 2 and 3. `fresh`: this call wrote the pending header, so no decision is expected
    /// to exist yet (if recovery made one meanwhile, the outcome's key says so and the stored
    /// decision is used). `at` dates the movements and the decision (history); `None` is now.
    async fn decide_and_mark(
        &self,
        h: &Header,
        legs: Vec<ApplyLeg>,
        replayed: bool,
        fresh: bool,
        at: Option<i64>,
    ) -> Result<PostOutcome> {
        let item = ApplyItem {
            txn_id: h.id.clone(),
            legs,
            at: at.unwrap_or_else(ids::now_micros),
            fresh,
        };
        let decision = self
            .batches
            .apply
            .submit(&self.shards.location, item)
            .await?;
        failpoint::hit("post.before_mark");
        self.mark_at(h, decision, replayed, at).await
    }

    /// Step 3: records the decision on the header (idempotently).
    pub(crate) async fn mark(
        &self,
        h: &Header,
        decision: Decision,
        replayed: bool,
    ) -> Result<PostOutcome> {
        self.mark_at(h, decision, replayed, None).await
    }

    async fn mark_at(
        &self,
        h: &Header,
        decision: Decision,
        replayed: bool,
        at: Option<i64>,
    ) -> Result<PostOutcome> {
        let kind: TxKind = h.kind.parse()?;
        let (posted, reason, line_deltas) = match &decision {
            Decision::Applied(deltas) => {
                // A transfer line's applied quantity is its arriving leg; others have one leg.
                let want_leg = if kind == TxKind::Transfer { 1 } else { 0 };
                let per_line: Vec<(i64, i64)> = deltas
                    .iter()
                    .filter(|(_, leg, _)| *leg == want_leg)
                    .map(|(l, _, d)| (*l, *d))
                    .collect();
                (true, None, per_line)
            }
            Decision::Aborted(r) => (false, Some(r.clone()), Vec::new()),
        };
        let item = MarkItem {
            id: h.id.clone(),
            posted,
            reason: reason.clone(),
            line_deltas,
            at: at.unwrap_or_else(ids::now_micros),
        };
        self.batches
            .mark
            .submit(&self.shards.transaction, item)
            .await?;
        Ok(PostOutcome {
            id: h.id.clone(),
            number: h.number.clone(),
            status: if posted {
                TxStatus::Posted
            } else {
                TxStatus::Rejected
            },
            reason,
            replayed,
        })
    }

    /// Rebuilds the stock effects of a stored pending document.
    async fn legs_of_stored(&self, h: &Header) -> Result<Vec<ApplyLeg>> {
        let tb = self.shards.transaction.backend();
        let id = h.id.clone();
        let lines = self
            .shards
            .transaction
            .read(move |p| Box::pin(async move { journal::lines_of(&p, tb, &id).await }))
            .await?;
        let ids: Vec<String> = lines.iter().map(|l| l.product_id.clone()).collect();
        let mb = self.shards.master.backend();
        let products: HashMap<String, Product> = self
            .shards
            .master
            .read(move |p| Box::pin(async move { master::products_by_ids(&p, mb, &ids).await }))
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        let kind: TxKind = h.kind.parse()?;
        let mut out = Vec::new();
        for l in &lines {
            let (price, min) = products
                .get(&l.product_id)
                .map(|p| (p.price, p.min_qty))
                .unwrap_or((l.unit_price, 0));
            for leg in legs(
                kind,
                h.source_id.as_deref(),
                h.dest_id.as_deref(),
                l.line_no,
                &l.product_id,
                Quantity(l.quantity),
            ) {
                let code = if leg.location_id.as_str() == h.source_id.as_deref().unwrap_or_default()
                {
                    h.source_code.clone()
                } else {
                    h.dest_code.clone()
                };
                out.push(ApplyLeg {
                    leg,
                    sku: l.sku.clone(),
                    location_code: code.unwrap_or_default(),
                    price,
                    default_min: min,
                });
            }
        }
        Ok(out)
    }

    /// Validates a request against master and location data and builds the document.
    async fn prepare(
        &self,
        actor: &Actor,
        id: &str,
        kind: TxKind,
        req: &PostRequest,
        at: Option<i64>,
    ) -> Result<Prepared> {
        if req.lines.is_empty() {
            return Err(Error::Invalid(
                "a transaction needs at least one line".into(),
            ));
        }
        if req.lines.len() > MAX_LINES {
            return Err(Error::Invalid(format!(
                "a transaction may have at most {MAX_LINES} lines"
            )));
        }
        let partner = text::optional(req.partner.as_deref(), "partner", 200)?;
        let reference = text::optional(req.reference.as_deref(), "reference", 200)?;
        let notes = text::optional(req.notes.as_deref(), "note", 2000)?;
        let source = match (kind.needs_source(), &req.source) {
            (true, Some(code)) => Some(self.active_location(code).await?),
            (true, None) => {
                return Err(Error::Invalid(format!(
                    "a {kind} needs a {} location",
                    if kind == TxKind::Adjustment {
                        "counted (--at)"
                    } else {
                        "source (--from)"
                    }
                )));
            }
            (false, Some(_)) => {
                return Err(Error::Invalid(format!("a {kind} has no source location")));
            }
            (false, None) => None,
        };
        let dest = match (kind.needs_destination(), &req.dest) {
            (true, Some(code)) => Some(self.active_location(code).await?),
            (true, None) => {
                return Err(Error::Invalid(format!(
                    "a {kind} needs a destination location (--to)"
                )));
            }
            (false, Some(_)) => {
                return Err(Error::Invalid(format!(
                    "a {kind} has no destination location"
                )));
            }
            (false, None) => None,
        };
        if let (Some(s), Some(d)) = (&source, &dest)
            && s.id == d.id
        {
            return Err(Error::Invalid(format!(
                "a transfer needs two different locations (both are {})",
                s.code
            )));
        }
        // One master read per distinct code.
        let mut products: HashMap<String, Product> = HashMap::new();
        for l in &req.lines {
            let key = l.code.trim().to_string();
            if products.contains_key(&key) {
                continue;
            }
            let p = self
                .product_for_posting(&key)
                .await?
                .ok_or_else(|| Error::Invalid(format!("unknown SKU or barcode '{key}'")))?;
            if p.active == 0 {
                return Err(Error::Invalid(format!(
                    "product {} ({}) is inactive",
                    p.sku, p.name
                )));
            }
            products.insert(key, p);
        }
        let units = self.units_for_posting().await?;
        let now = at.unwrap_or_else(ids::now_micros);
        let mut lines = Vec::with_capacity(req.lines.len());
        let mut all_legs = Vec::new();
        let mut seen_adjusted = Vec::new();
        let (mut total_qty, mut total_value) = (0i64, 0i64);
        for (i, l) in req.lines.iter().enumerate() {
            let line_no = i as i64 + 1;
            let p = &products[l.code.trim()];
            let decimals = units
                .get(&p.unit_id)
                .map(|u| u.decimals)
                .unwrap_or(0)
                .clamp(0, 3) as u8;
            if !l.qty.fits_decimals(decimals) {
                return Err(Error::Invalid(format!(
                    "line {line_no}: {} is counted in whole {}s; {} has too many decimals",
                    p.sku,
                    units
                        .get(&p.unit_id)
                        .map(|u| u.code.as_str())
                        .unwrap_or("unit"),
                    l.qty
                )));
            }
            if kind == TxKind::Adjustment {
                if seen_adjusted.contains(&p.id) {
                    return Err(Error::Invalid(format!(
                        "line {line_no}: {} is counted twice in one adjustment",
                        p.sku
                    )));
                }
                seen_adjusted.push(p.id.clone());
            } else if l.qty.0 <= 0 {
                return Err(Error::Invalid(format!(
                    "line {line_no}: quantity must be greater than zero"
                )));
            }
            if l.price.is_some() && kind != TxKind::Receipt {
                return Err(Error::Invalid(format!(
                    "line {line_no}: only receipts take a unit price"
                )));
            }
            let unit_price = l.price.unwrap_or(Money(p.price));
            let total = if kind == TxKind::Adjustment {
                Money(0)
            } else {
                unit_price.times(l.qty)
            };
            total_qty = total_qty.saturating_add(l.qty.0);
            total_value = total_value.saturating_add(total.0);
            for leg in legs(
                kind,
                source.as_ref().map(|s| s.id.as_str()),
                dest.as_ref().map(|d| d.id.as_str()),
                line_no,
                &p.id,
                l.qty,
            ) {
                let code = if Some(&leg.location_id) == source.as_ref().map(|s| &s.id) {
                    source.as_ref().map(|s| s.code.clone())
                } else {
                    dest.as_ref().map(|d| d.code.clone())
                };
                all_legs.push(ApplyLeg {
                    leg,
                    sku: p.sku.clone(),
                    location_code: code.unwrap_or_default(),
                    price: p.price,
                    default_min: p.min_qty,
                });
            }
            lines.push(Line {
                txn_id: id.to_string(),
                line_no,
                product_id: p.id.clone(),
                sku: p.sku.clone(),
                product_name: p.name.clone(),
                quantity: l.qty.0,
                unit_price: unit_price.0,
                total: total.0,
                applied_delta: None,
            });
        }
        let header = Header {
            id: id.to_string(),
            number: String::new(),
            kind: kind.as_str().into(),
            status: TxStatus::Pending.as_str().into(),
            source_id: source.as_ref().map(|s| s.id.clone()),
            source_code: source.as_ref().map(|s| s.code.clone()),
            dest_id: dest.as_ref().map(|d| d.id.clone()),
            dest_code: dest.as_ref().map(|d| d.code.clone()),
            partner,
            reference,
            notes,
            reason: None,
            created_by: actor.email.clone(),
            created_at: now,
            decided_at: None,
            day: ids::local_day(now),
            line_count: lines.len() as i64,
            total_qty,
            total_value,
        };
        Ok(Prepared {
            header,
            lines,
            legs: all_legs,
        })
    }

    async fn active_location(&self, code: &str) -> Result<Location> {
        let loc = self
            .location_for_posting(code)
            .await?
            .ok_or_else(|| Error::Invalid(format!("unknown location '{}'", code.trim())))?;
        if loc.active == 0 {
            return Err(Error::Invalid(format!("location {} is inactive", loc.code)));
        }
        Ok(loc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_specs() {
        let l = parse_line_spec("ABC-1:5").unwrap();
        assert_eq!(
            l,
            LineRequest {
                code: "ABC-1".into(),
                qty: Quantity(5000),
                price: None
            }
        );
        let l = parse_line_spec("X:2.5@12.50").unwrap();
        assert_eq!(l.qty, Quantity(2500));
        assert_eq!(l.price, Some(Money(1250)));
        assert!(parse_line_spec("X").is_err());
        assert!(parse_line_spec("X:abc").is_err());
        assert!(parse_line_spec(":5").is_err());
        assert!(parse_line_spec("X:1@1.234").is_err());
    }
}
