//! Posting a transaction across the location and transaction shards, with the five guarantees
//! of ARCHITECTURE.md section 4. The decision comes first, and it is the only commit a clerk
//! waits for:
//!
//! 1. validate against master and location data and build the document;
//! 2. decide it in one local transaction on the location shard ([`crate::db::apply`]): its
//!    number, every line's conditional stock update and movement, the outcome (`applied`, or
//!    `aborted` with the reason) under the transaction id's primary key, and the finished
//!    document in the outbox. Once this commits the posting is durable and the clerk is
//!    answered;
//! 3. journal the document on the transaction shard (header, lines, daily summary), then drop
//!    it from the outbox. This follows in the background, many documents per commit.
//!
//! Re-posting an id never posts twice: the outcome's key finds the first decision, which is
//! reported (and journaled first if it was not yet). Recovery ([`super::recovery`]) journals
//! whatever a crash left in the outbox. Reads of the transaction shard wait for this process's
//! journal writes ([`super::settle`]), so what was reported posted is also listed.

use std::collections::HashMap;

use futures::future::BoxFuture;
use serde::Serialize;
use sqlx::AnyConnection;

use super::settle::Settle;
use super::{Actor, Services};
use crate::db::Backend;
use crate::db::apply::{self, ApplyItem, DecideShared};
use crate::db::coalesce::Coalescer;
use crate::db::journal::{self, Header, JournalDoc, Line};
use crate::db::location::{self, ApplyLeg, Decided, Decision, Location};
use crate::db::master::{Product, Unit};
use crate::domain::role::Permission;
use crate::domain::txn::{AdjustMode, legs_with};
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

/// The code of `p`'s unit when `qty` is finer than that unit counts (e.g. 1.5 of a unit
/// counted whole); `None` when it fits.
pub(crate) fn too_fine<'a>(
    units: &'a HashMap<String, Unit>,
    p: &Product,
    qty: Quantity,
) -> Option<&'a str> {
    let unit = units.get(&p.unit_id);
    let decimals = unit.map(|u| u.decimals).unwrap_or(0).clamp(0, 3) as u8;
    (!qty.fits_decimals(decimals)).then(|| unit.map(|u| u.code.as_str()).unwrap_or("unit"))
}

/// The protocol's shared writes (see [`crate::db::coalesce`]): one write job per batch decides
/// postings on the location shard, one journals documents on the transaction shard, and one
/// drops journaled documents from the outbox (it rides along with the next decisions).
#[derive(Clone)]
pub(crate) struct Batches {
    decide: Coalescer<ApplyItem, Decided>,
    journal: Coalescer<JournalDoc, bool>,
    forget: Coalescer<String, ()>,
    shared: DecideShared,
    pub(crate) settle: Settle,
}

impl Default for Batches {
    fn default() -> Self {
        fn decide(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<ApplyItem>,
        ) -> BoxFuture<'_, Result<Vec<Result<Decided>>>> {
            Box::pin(apply::apply_batch(c, b, items))
        }
        fn journal(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<JournalDoc>,
        ) -> BoxFuture<'_, Result<Vec<Result<bool>>>> {
            Box::pin(journal::journal_batch(c, b, items))
        }
        fn forget(
            c: &mut AnyConnection,
            b: Backend,
            items: Vec<String>,
        ) -> BoxFuture<'_, Result<Vec<Result<()>>>> {
            Box::pin(location::forget_batch(c, b, items))
        }
        Batches {
            decide: Coalescer::new(decide),
            journal: Coalescer::lingering(journal, JOURNAL_LINGER),
            forget: Coalescer::new(forget),
            shared: DecideShared::default(),
            settle: Settle::default(),
        }
    }
}

/// Journal and outbox writes wait this long for company: nobody waits on them but readers of
/// the journal, and bigger batches leave the disk to the decisions clerks wait on.
const JOURNAL_LINGER: std::time::Duration = std::time::Duration::from_millis(5);
const FORGET_LINGER: std::time::Duration = std::time::Duration::from_millis(20);

/// A validated document, ready to decide.
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
        self.post_at(actor, req, None, AdjustMode::SetCounted).await
    }

    /// Posts an adjustment whose lines are signed changes (a stock count's variances) rather
    /// than counted quantities: each line's quantity is added to (or, negative, taken from) the
    /// row, so movements posted since the count are kept. A removal larger than the stock left
    /// is refused like an issue's (the document is `rejected` with the reason). The journal
    /// line's quantity is the change, as is its applied quantity. Same guarantees as
    /// [`Self::post`] (idempotent by id, recovered after a crash).
    pub async fn post_adjustment_delta(
        &self,
        actor: &Actor,
        req: &PostRequest,
    ) -> Result<PostOutcome> {
        if req.kind != Some(TxKind::Adjustment) {
            return Err(Error::Invalid(
                "only an adjustment can change stock by a signed quantity".into(),
            ));
        }
        self.post_at(actor, req, None, AdjustMode::Delta).await
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
        self.post_at(actor, req, Some(at), AdjustMode::SetCounted)
            .await
    }

    async fn post_at(
        &self,
        actor: &Actor,
        req: &PostRequest,
        at: Option<i64>,
        mode: AdjustMode,
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
        // No read ahead for an id seen before: the outcome's primary key finds it when the
        // decision is written (below). Only a request that no longer validates (a product
        // deactivated since the first attempt, say) looks first, so its retry still reports.
        let prepared = match self.prepare(actor, &id, kind, req, at, mode).await {
            Ok(p) => p,
            Err(e) => {
                if req.id.is_some()
                    && let Some(out) = self.replay(&id).await?
                {
                    return Ok(out);
                }
                return Err(e);
            }
        };
        failpoint::hit("post.before_decide");
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
        let doc = JournalDoc { header, lines };
        let item = ApplyItem {
            legs,
            id: id.clone(),
            doc_json: doc.to_json()?,
            prefix: kind.prefix(),
            year,
            at: at.unwrap_or_else(ids::now_micros),
            shared: self.batches.shared.clone(),
        };
        let decided = self
            .batches
            .decide
            .submit(&self.shards.location, item)
            .await?;
        failpoint::hit("post.after_decide");
        self.answer(&id, decided, Some(doc)).await
    }

    /// Reports an earlier attempt with this id, if it was decided, journaling it first if the
    /// journal does not have it yet.
    pub(crate) async fn replay(&self, id: &str) -> Result<Option<PostOutcome>> {
        let b = self.shards.location.backend();
        let id2 = id.to_string();
        let stored = self
            .shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    let mut c = p.acquire().await.map_err(Error::db("location"))?;
                    location::stored(&mut c, b, &id2).await
                })
            })
            .await?;
        match stored {
            Some(d) => Ok(Some(self.answer(id, d, None).await?)),
            None => Ok(None),
        }
    }

    /// The answer to a decided posting. `mine` is the document this call submitted, if any. A
    /// new decision's journal entry is written in the background (the decision is already
    /// durable); an earlier one still in the outbox is journaled before answering, so a retry
    /// after a failure ends fully finished.
    async fn answer(&self, id: &str, d: Decided, mine: Option<JournalDoc>) -> Result<PostOutcome> {
        let (status, reason) = match &d.decision {
            Decision::Applied(_) => (TxStatus::Posted, None),
            Decision::Aborted(r) => (TxStatus::Rejected, Some(r.clone())),
        };
        let mut number = d.number.clone();
        if d.earlier {
            // With the transaction primary down the decision stands and its journal entry
            // waits in the outbox for recovery.
            if let Some(doc) = d.doc
                && self
                    .shards
                    .transaction
                    .health()
                    .primary_down_since()
                    .is_none()
            {
                self.journal_now(doc).await?;
            }
        } else if let Some(mut doc) = mine {
            doc.decide(number.as_deref().unwrap_or_default(), &d.decision, d.at);
            self.journal_later(doc);
        }
        if number.is_none() {
            // Decided before numbers were given with decisions: the header has it.
            self.batches.settle.settled().await;
            number = self.header(id).await?.map(|h| h.number);
        }
        Ok(PostOutcome {
            id: id.to_string(),
            number: number.unwrap_or_default(),
            status,
            reason,
            replayed: d.earlier,
        })
    }

    /// Step 3 now: journal, then drop from the outbox.
    async fn journal_now(&self, doc: JournalDoc) -> Result<()> {
        let id = doc.header.id.clone();
        self.journal(doc).await?;
        failpoint::hit("post.after_journal");
        self.forget(id).await
    }

    /// Writes a decided document to the journal; `false` if it was there already.
    pub(crate) async fn journal(&self, doc: JournalDoc) -> Result<bool> {
        self.batches
            .journal
            .submit(&self.shards.transaction, doc)
            .await
    }

    /// Drops a journaled document from the outbox.
    pub(crate) async fn forget(&self, id: String) -> Result<()> {
        self.batches.forget.submit(&self.shards.location, id).await
    }

    /// Step 3 in the background. If it fails (the transaction shard is down, say), the entry
    /// stays in the outbox and recovery journals it later. The outbox entry is removed in
    /// passing by the next decision job, or shortly after if none comes.
    fn journal_later(&self, doc: JournalDoc) {
        let ticket = self.batches.settle.begin();
        let me = self.clone();
        tokio::spawn(async move {
            let id = doc.header.id.clone();
            match me.journal(doc).await {
                Ok(_) => {
                    drop(ticket);
                    failpoint::hit("post.after_journal");
                    if let Some(mark) = me.batches.shared.forget_later(id) {
                        tokio::time::sleep(FORGET_LINGER).await;
                        me.forget_queued(Some(mark)).await;
                    }
                }
                Err(e) => {
                    tracing::warn!("journaling transaction {id} failed; recovery will retry: {e}")
                }
            }
        });
    }

    /// Removes queued journaled documents from the outbox now, unless a decision job took
    /// them since `mark` (`None`: in any case).
    async fn forget_queued(&self, mark: Option<u64>) {
        let ids = match mark {
            Some(m) => self.batches.shared.take_forgets_since(m),
            None => self.batches.shared.take_forgets(),
        };
        if ids.is_empty() {
            return;
        }
        let b = self.shards.location.backend();
        let r = self
            .shards
            .location
            .write(move |c| Box::pin(async move { location::forget_batch(c, b, ids).await }))
            .await;
        if let Err(e) = r {
            tracing::warn!("clearing the outbox failed; recovery will finish it: {e}");
        }
    }

    /// Waits until every document this process has reported decided is in the journal (or
    /// left to recovery because the transaction shard failed).
    pub async fn settled(&self) {
        self.batches.settle.settled().await
    }

    /// [`Self::settled`], then clears the outbox of what this process journaled: for a
    /// process about to end.
    pub async fn finish_journal(&self) {
        self.settled().await;
        self.forget_queued(None).await;
    }

    async fn header(&self, id: &str) -> Result<Option<Header>> {
        let b = self.shards.transaction.backend();
        let id = id.to_string();
        self.shards
            .transaction
            .read(move |p| Box::pin(async move { journal::header_by_id(&p, b, &id).await }))
            .await
    }

    /// Validates a request against master and location data and builds the document.
    async fn prepare(
        &self,
        actor: &Actor,
        id: &str,
        kind: TxKind,
        req: &PostRequest,
        at: Option<i64>,
        mode: AdjustMode,
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
            if let Some(unit) = too_fine(&units, p, l.qty) {
                return Err(Error::Invalid(format!(
                    "line {line_no}: {} is counted in whole {unit}s; {} has too many decimals",
                    p.sku, l.qty
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
                if mode == AdjustMode::Delta && l.qty.0 == 0 {
                    return Err(Error::Invalid(format!(
                        "line {line_no}: a change of zero changes nothing"
                    )));
                }
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
            for leg in legs_with(
                kind,
                mode,
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
                at: now,
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
