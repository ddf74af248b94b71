//! Posting a count: its variances become adjustment documents through the ordinary posting
//! protocol, applied as changes ([`Services::post_adjustment_delta`]).
//!
//! Two steps, so that a crash anywhere posts each document exactly once:
//! 1. [`Services::count_fix`] fixes the count in one location-shard write: the lines of items
//!    never scanned become counted zero if the supervisor says so, the documents are cut (one
//!    per location, [`db::DOC_LINES`] lines at most) and given their transaction ids, and the
//!    count turns `posting`: no scan or recount changes it any more.
//! 2. Each document not yet known posted is posted under its fixed id (a retry finds the first
//!    decision), and its outcome recorded; once all are posted the count is closed.
//!
//! A document the never-negative rule rejects (a variance that takes more than the stock left
//! by then) is reported; the next `count post` tries it again under a fresh id, stored first.

use serde::Serialize;

use super::{CountStatus, CountSummary, not_open, scope_locations};
use crate::db::counts as db;
use crate::domain::role::Permission;
use crate::domain::{Quantity, TxKind, TxStatus, ids};
use crate::error::{Error, Result};
use crate::failpoint;
use crate::service::posting::{LineRequest, PostRequest};
use crate::service::{Actor, Services};

/// What became of one document of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocOutcome {
    pub seq: i64,
    pub location: String,
    pub txn_id: String,
    pub number: Option<String>,
    /// `posted` or `rejected` (or `pending` if this call did not get to it).
    pub status: String,
    pub reason: Option<String>,
    pub lines: i64,
    /// Decided by an earlier attempt (a `count post` that was interrupted).
    pub replayed: bool,
}

/// What a `count post` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountPostOutcome {
    /// The count after it (closed if every document is posted).
    pub count: CountSummary,
    /// Every document of the count, in order.
    pub documents: Vec<DocOutcome>,
    /// How many were rejected.
    pub rejected: usize,
}

impl CountPostOutcome {
    /// Closed: every variance is posted.
    pub fn is_posted(&self) -> bool {
        self.count.status == CountStatus::Posted
    }
}

impl Services {
    /// Posts a count's variances as adjustment documents and closes it (supervisor, admin).
    /// With `uncounted_as_zero`, items in scope with stock that nobody scanned (and lines
    /// waiting for a recount) are posted as counted zero; otherwise they are left alone. Run
    /// again after an interruption it finishes the job, posting each document once. A count
    /// whose negative variances take more than the stock left now is refused before anything
    /// is posted, naming the lines (recount them).
    pub async fn count_post(
        &self,
        actor: &Actor,
        number: &str,
        uncounted_as_zero: bool,
    ) -> Result<CountPostOutcome> {
        let count = self.count_fix(actor, number, uncounted_as_zero).await?;
        self.count_post_fixed(actor, count).await
    }

    /// Step 1 of [`Self::count_post`]: fixes an open count's documents (ids and lines) and
    /// turns it `posting`, without posting any. A count already `posting` or `posted` is
    /// returned as it is (its documents were fixed by an earlier call, whatever
    /// `uncounted_as_zero` says now).
    pub async fn count_fix(
        &self,
        actor: &Actor,
        number: &str,
        uncounted_as_zero: bool,
    ) -> Result<CountSummary> {
        actor.require(Permission::ManageCounts)?;
        actor.require(Permission::Adjust)?;
        let count = self.count_get(number).await?;
        match count.status {
            CountStatus::Open => {}
            CountStatus::Posting | CountStatus::Posted => return Ok(count),
            CountStatus::Cancelled => return Err(not_open(&count)),
        }
        self.refuse_short(&count).await?;
        let all = self.list_locations().await?;
        let locs = scope_locations(&count, &all);
        let b = self.shards.location.backend();
        // With a category, only its products are zeroed: those of the unscanned rows.
        let products = match (&count.category_id, uncounted_as_zero) {
            (Some(cid), true) => {
                let (id, l) = (count.id.clone(), locs.clone());
                let rows = self
                    .shards
                    .location
                    .read(move |p| Box::pin(async move { db::uncounted(&p, b, &id, &l).await }))
                    .await?;
                let found = self.products_of(rows.into_iter().map(|r| r.1)).await?;
                Some(
                    found
                        .into_values()
                        .filter(|p| p.category_id.as_ref() == Some(cid))
                        .map(|p| p.id)
                        .collect::<Vec<_>>(),
                )
            }
            _ => None,
        };
        let (id, who, now) = (count.id.clone(), actor.email.clone(), ids::now_micros());
        self.shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    db::fix(
                        c,
                        b,
                        &id,
                        uncounted_as_zero,
                        &locs,
                        products.as_deref(),
                        &who,
                        now,
                    )
                    .await
                })
            })
            .await
            .map_err(|e| match e {
                Error::Conflict(_) => not_open(&count),
                e => e,
            })?;
        failpoint::hit("count.after_fix");
        self.count_get(number).await
    }

    /// Refuses (changing nothing) a count with negative variances larger than the stock left
    /// now: posted, they would be rejected by the never-negative rule.
    async fn refuse_short(&self, count: &CountSummary) -> Result<()> {
        let b = self.shards.location.backend();
        let id = count.id.clone();
        let rows = self
            .shards
            .location
            .read(move |p| Box::pin(async move { db::lines(&p, b, &id).await }))
            .await?;
        let short: Vec<_> = rows
            .into_iter()
            .filter_map(|r| {
                let v = r.counted? - r.book;
                let now = r.stock_now.unwrap_or(0);
                (v < 0 && now < -v).then_some((r.location_id, r.product_id, v, now))
            })
            .collect();
        if short.is_empty() {
            return Ok(());
        }
        let products = self.products_of(short.iter().map(|s| s.1.clone())).await?;
        let all = self.list_locations().await?;
        // The first (the review lists them all): one message, so it reads in every language.
        let (l, p, v, now) = &short[0];
        Err(Error::Rejected(format!(
            "count {} cannot be posted, nothing was posted: {} line(s) would take more than the stock left now, e.g. {} at {}: variance {} but only {} left; movements since the scan took it: recount them",
            count.number,
            short.len(),
            products.get(p).map(|p| p.sku.as_str()).unwrap_or(p),
            all.iter()
                .find(|x| &x.id == l)
                .map(|x| x.code.as_str())
                .unwrap_or(l),
            Quantity(*v),
            Quantity(*now)
        )))
    }

    /// Step 2 of [`Self::count_post`]: posts every document of a fixed count not yet known
    /// posted, under its fixed id, and closes the count when all are.
    async fn count_post_fixed(
        &self,
        actor: &Actor,
        count: CountSummary,
    ) -> Result<CountPostOutcome> {
        let b = self.shards.location.backend();
        let id = count.id.clone();
        let variances = self
            .shards
            .location
            .read(move |p| Box::pin(async move { db::variances(&p, b, &id).await }))
            .await?;
        let cuts = db::cut(&variances);
        if cuts.len() != count.documents.len()
            || cuts
                .iter()
                .zip(&count.documents)
                .any(|((_, _, n), d)| *n != d.lines)
        {
            return Err(Error::Invalid(format!(
                "count {}: its stored lines no longer match its documents; nothing was posted",
                count.number
            )));
        }
        let products = self
            .products_of(variances.iter().map(|v| v.1.clone()))
            .await?;
        let mut outcomes = Vec::with_capacity(cuts.len());
        let mut offset = 0usize;
        for ((_, _, n), doc) in cuts.iter().zip(&count.documents) {
            let slice = &variances[offset..offset + *n as usize];
            offset += *n as usize;
            let mut out = DocOutcome {
                seq: doc.seq,
                location: doc.location.clone(),
                txn_id: doc.txn_id.clone(),
                number: doc.number.clone(),
                status: doc.status.clone(),
                reason: doc.reason.clone(),
                lines: doc.lines,
                replayed: doc.status == TxStatus::Posted.as_str(),
            };
            if doc.status == TxStatus::Posted.as_str() {
                outcomes.push(out);
                continue;
            }
            if doc.status == TxStatus::Rejected.as_str() {
                // The rejected id keeps its decision: a new attempt needs a new id, stored
                // before it is posted.
                let (cid, seq, fresh) = (count.id.clone(), doc.seq, ids::new_id());
                let f = fresh.clone();
                self.shards
                    .location
                    .write(move |c| {
                        Box::pin(async move { db::renew_rejected(c, b, &cid, seq, &f).await })
                    })
                    .await?;
                out.txn_id = fresh;
            }
            let mut lines = Vec::with_capacity(slice.len());
            for (_, pid, v) in slice {
                let sku = products.get(pid).map(|p| p.sku.clone()).ok_or_else(|| {
                    Error::Invalid(format!(
                        "count {}: a counted product ({pid}) no longer exists; nothing more was posted",
                        count.number
                    ))
                })?;
                lines.push(LineRequest {
                    code: sku,
                    qty: Quantity(*v),
                    price: None,
                });
            }
            let req = PostRequest {
                id: Some(out.txn_id.clone()),
                kind: Some(TxKind::Adjustment),
                source: Some(doc.location.clone()),
                dest: None,
                lines,
                partner: None,
                reference: Some(count.number.clone()),
                notes: Some(format!("stock count {}", count.number)),
            };
            let posted = self
                .post_adjustment_delta(actor, &req)
                .await
                .map_err(|e| {
                    Error::Invalid(format!(
                        "count {}: the adjustment for {} could not be posted ({e}); run count post {} again",
                        count.number, doc.location, count.number
                    ))
                })?;
            failpoint::hit("count.after_doc_post");
            let (cid, tid, no, st, why) = (
                count.id.clone(),
                out.txn_id.clone(),
                posted.number.clone(),
                posted.status.as_str().to_string(),
                posted.reason.clone(),
            );
            self.shards
                .location
                .write(move |c| {
                    Box::pin(async move {
                        db::record_doc(c, b, &cid, &tid, &no, &st, why.as_deref()).await
                    })
                })
                .await?;
            out.number = Some(posted.number.clone());
            out.status = posted.status.as_str().to_string();
            out.reason = posted.reason.clone();
            out.replayed = posted.replayed;
            outcomes.push(out);
        }
        let (cid, who, now) = (count.id.clone(), actor.email.clone(), ids::now_micros());
        self.shards
            .location
            .write(move |c| Box::pin(async move { db::finish(c, b, &cid, &who, now).await }))
            .await?;
        let rejected = outcomes
            .iter()
            .filter(|o| o.status == TxStatus::Rejected.as_str())
            .count();
        Ok(CountPostOutcome {
            count: self.count_get(&count.number).await?,
            documents: outcomes,
            rejected,
        })
    }
}
