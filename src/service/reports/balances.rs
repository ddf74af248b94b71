//! The engine of the movement report and the valuation: every product's balance at the start
//! and end of a period and its flows in between, per location, streamed.
//!
//! Three sources, each ordered by product id, are merged as they arrive: the snapshot's stock
//! rows (location shard), the journal's sums from the period's start on (transaction shard,
//! grouped by product, kind and locations), and the outbox's movements (in memory: they are
//! few). A period far back is summed forward instead (no stock rows then), from the newest
//! trusted monthly closing before it (its rows stand in for the stock; see [`super::closing`])
//! or from the beginning of the journal, whichever reads fewer journal lines by the daily
//! summaries: the same figures for less reading. Each product's figures go to the caller's
//! sink in batches that carry the product's master data; memory holds one batch, never the
//! history or the catalog.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use tokio::sync::mpsc;

use super::closing::{Closing, Month, closable};
use super::engine::{Flow, Head, LocState, OutboxMove, Scope, sums_legs};
use super::period::Period;
use crate::db::Route;
use crate::db::master::{self, Product};
use crate::db::reports::{self as q, Buckets, LineSums, SnapFilter, SnapRow, closing as cq};
use crate::domain::ids::now_micros;
use crate::error::{Error, Result};
use crate::service::Services;

/// Products per master lookup.
const BATCH: usize = 1000;

/// One product's figures over a period, by location (only locations in scope with anything
/// to show), with its master data.
#[derive(Debug, Clone)]
pub(crate) struct ProductBalances {
    pub product: Product,
    pub locations: Vec<(String, LocState)>,
}

/// What to compute.
pub(crate) struct BalanceQuery<'a> {
    pub period: Period,
    pub scope: &'a Scope,
    /// Only these products (a category's).
    pub products: Option<&'a HashSet<String>>,
}

/// A receiving end of a streamed read, one item at a time.
struct Source<T> {
    rx: mpsc::Receiver<Vec<T>>,
    buf: VecDeque<T>,
}

impl<T> Source<T> {
    fn new(rx: mpsc::Receiver<Vec<T>>, first: Vec<T>) -> Source<T> {
        Source {
            rx,
            buf: first.into(),
        }
    }

    async fn peek(&mut self) -> Option<&T> {
        while self.buf.is_empty() {
            self.buf = self.rx.recv().await?.into();
        }
        self.buf.front()
    }

    fn pop(&mut self) -> Option<T> {
        self.buf.pop_front()
    }
}

/// Where a period's opening balance is summed from.
enum Plan {
    /// Back from the snapshot's stock.
    Back,
    /// Forward from the beginning of the journal.
    Beginning,
    /// Forward from a monthly closing.
    Closing(Closing),
}

async fn joined(h: tokio::task::JoinHandle<Result<()>>) -> Result<()> {
    h.await
        .map_err(|e| Error::Unavailable(format!("a report's read stopped: {e}")))?
}

impl Services {
    /// Streams every product's [`ProductBalances`] (in product-id order) to `sink`; returns
    /// whether the figures are exact (see [`super::card::StockCard::exact`]).
    pub(crate) async fn balances_each(
        &self,
        bq: &BalanceQuery<'_>,
        sink: &mut (dyn FnMut(ProductBalances) -> Result<()> + Send),
    ) -> Result<bool> {
        let (start, end) = (bq.period.start(), bq.period.end());
        let scope = bq.scope;
        let mut plan = self.plan(&bq.period).await?;
        let forward = !matches!(plan, Plan::Back);
        let lb = self.shards.location.backend();
        let filter = SnapFilter {
            product_id: None,
            locations: scope.sql_ids(),
            docs: false,
            // Summed from the beginning, the balances need no stock.
            skip_stock: forward,
        };
        let (stx, mut srx) = mpsc::channel::<Vec<SnapRow>>(4);
        let loc = self.shards.location.clone();
        let snap = tokio::spawn(async move {
            loc.browse(move |p| {
                Box::pin(async move { q::snapshot_stream(&p, lb, &filter, stx).await })
            })
            .await
        });
        // The head (outbox, sequences) comes first; the journal is read after the snapshot.
        let mut head = Head::default();
        let mut first = Vec::new();
        while first.is_empty() {
            let Some(chunk) = srx.recv().await else {
                break;
            };
            first = chunk.into_iter().filter_map(|r| head.take(r)).collect();
        }
        let cond = match head.counted() {
            Ok(c) => c,
            Err(e) => {
                drop(srx);
                let _ = joined(snap).await;
                return Err(e);
            }
        };
        let (route, exact) = self.journal_route();
        if let Plan::Closing(c) = &plan {
            // Read after the snapshot: the closing holds what the journal holds now, and no
            // document of the snapshot's outbox may be timed before its end (it may or may
            // not be in it).
            let early = head.outbox.iter().any(|m| m.at < c.end());
            if early || !self.closing_still_trusted(route, c).await? {
                plan = Plan::Beginning;
            }
        }
        let tb = self.shards.transaction.backend();
        let buckets = match &plan {
            Plan::Back => Buckets::Period { from: start, end },
            Plan::Beginning => Buckets::Forward {
                since: i64::MIN,
                from: start,
                end,
            },
            Plan::Closing(c) => Buckets::Forward {
                since: c.end(),
                from: start,
                end,
            },
        };
        // From a closing, its rows stand in for the stock rows (the snapshot read none).
        let (stock, opening) = match &plan {
            Plan::Closing(c) => {
                drop(srx);
                let (ctx, crx) = mpsc::channel::<Vec<SnapRow>>(4);
                let (tr, id, locs) = (
                    self.shards.transaction.clone(),
                    c.id.clone(),
                    scope.sql_ids(),
                );
                let read = tokio::spawn(async move {
                    tr.read_on(route, move |p| {
                        Box::pin(async move { cq::rows_stream(&p, tb, &id, locs, ctx).await })
                    })
                    .await
                });
                (Source::new(crx, Vec::new()), Some(read))
            }
            _ => (Source::new(srx, first), None),
        };
        let (jtx, jrx) = mpsc::channel::<Vec<LineSums>>(4);
        let tr = self.shards.transaction.clone();
        let journal = tokio::spawn(async move {
            tr.read_on(route, move |p| {
                Box::pin(
                    async move { q::line_sums_stream(&p, tb, buckets, None, &cond, jtx).await },
                )
            })
            .await
        });
        let mut outbox: BTreeMap<String, Vec<OutboxMove>> = BTreeMap::new();
        for m in head
            .outbox
            .into_iter()
            .filter(|m| if forward { m.at < end } else { m.at >= start })
        {
            outbox.entry(m.product_id.clone()).or_default().push(m);
        }
        let merged = self
            .merge(
                bq,
                (start, end, forward),
                stock,
                Source::new(jrx, Vec::new()),
                outbox,
                sink,
            )
            .await;
        // A read that failed ends its stream early: its error is the report's.
        let (s, j) = (joined(snap).await, joined(journal).await);
        let o = match opening {
            Some(h) => joined(h).await,
            None => Ok(()),
        };
        merged?;
        s?;
        j?;
        o?;
        Ok(exact)
    }

    /// The side a period is cheaper summed from, by the journal lines each reads (daily
    /// summaries): back from the stock (the lines after it), forward from the beginning (the
    /// lines before it) or from the newest monthly closing before it (the lines from the
    /// closing's end to it), closing the missing months first when that side wins. All give
    /// the same figures: stock is the sum of its movements and a trusted closing the sum of
    /// the lines before its end (`gudang check` proves both).
    async fn plan(&self, period: &Period) -> Result<Plan> {
        let b = self.shards.transaction.backend();
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let (before, after) = self
            .shards
            .transaction
            .browse(move |p| Box::pin(async move { q::lines_around(&p, b, &from, &to).await }))
            .await?;
        let simple = if before < after {
            Plan::Beginning
        } else {
            Plan::Back
        };
        let best = before.min(after);
        let month = Month::of(period.from).prev().min(closable(now_micros()));
        if self.lines_since(month, period).await? >= best {
            return Ok(simple);
        }
        let (route, _) = self.journal_route();
        let found = if route == Route::Primary {
            match self.close_through(month).await {
                Ok((_, c)) => c,
                Err(e) => {
                    tracing::warn!("months not closed: {e}");
                    None
                }
            }
        } else {
            self.trusted_closing(route, month).await?
        };
        match found {
            Some(c) if self.lines_since(c.month, period).await? < best => Ok(Plan::Closing(c)),
            _ => Ok(simple),
        }
    }

    /// Journal lines from the end of month `m` to the start of `period` (daily summaries).
    async fn lines_since(&self, m: Month, period: &Period) -> Result<i64> {
        let b = self.shards.transaction.backend();
        let (from, before) = (m.next().first().to_string(), period.from.to_string());
        self.shards
            .transaction
            .browse(move |p| {
                Box::pin(async move { cq::lines_between(&p, b, &from, &before).await })
            })
            .await
    }

    async fn merge(
        &self,
        bq: &BalanceQuery<'_>,
        (start, end, forward): (i64, i64, bool),
        mut stock: Source<SnapRow>,
        mut sums: Source<LineSums>,
        mut outbox: BTreeMap<String, Vec<OutboxMove>>,
        sink: &mut (dyn FnMut(ProductBalances) -> Result<()> + Send),
    ) -> Result<()> {
        let scope = bq.scope;
        let mut batch: Vec<(String, BTreeMap<String, LocState>)> = Vec::new();
        let mut last: Option<String> = None;
        loop {
            let s = stock.peek().await.and_then(|r| r.k.clone());
            let j = sums.peek().await.map(|r| r.product_id.clone());
            let o = outbox.keys().next().cloned();
            let Some(pid) = [s, j, o].into_iter().flatten().min() else {
                break;
            };
            if last.as_ref().is_some_and(|l| *l >= pid) {
                return Err(Error::Invalid(format!(
                    "a report's rows came out of order (product {pid}); the database does not sort ids byte by byte"
                )));
            }
            last = Some(pid.clone());
            let mut state: BTreeMap<String, LocState> = BTreeMap::new();
            while stock
                .peek()
                .await
                .is_some_and(|r| r.k.as_ref() == Some(&pid))
            {
                if let Some(r) = stock.pop() {
                    let l = r.b.unwrap_or_default();
                    if scope.contains(&l) {
                        state.entry(l).or_default().stock += r.n1.unwrap_or(0);
                    }
                }
            }
            while sums.peek().await.is_some_and(|r| r.product_id == pid) {
                if let Some(r) = sums.pop() {
                    for (l, flow, d) in sums_legs(&r) {
                        if scope.contains(&l) {
                            let st = state.entry(l).or_default();
                            if forward {
                                st.add_forward(flow, d, r.bucket == 0);
                            } else {
                                st.add(flow, d, r.bucket == 0);
                            }
                        }
                    }
                }
            }
            for m in outbox.remove(&pid).unwrap_or_default() {
                if let Some(k) = m.kind()
                    && scope.contains(&m.location_id)
                {
                    let in_period = m.at >= start && m.at < end;
                    let st = state.entry(m.location_id).or_default();
                    if forward {
                        st.add_forward(Flow::of(k, m.delta), m.delta, in_period);
                    } else {
                        st.add(Flow::of(k, m.delta), m.delta, in_period);
                    }
                }
            }
            state.retain(|_, s| !s.is_zero());
            if state.is_empty() || bq.products.is_some_and(|set| !set.contains(&pid)) {
                continue;
            }
            batch.push((pid, state));
            if batch.len() >= BATCH {
                self.flush(&mut batch, sink).await?;
            }
        }
        self.flush(&mut batch, sink).await
    }

    /// Gives a batch of products their master data and hands them to `sink`, in order.
    async fn flush(
        &self,
        batch: &mut Vec<(String, BTreeMap<String, LocState>)>,
        sink: &mut (dyn FnMut(ProductBalances) -> Result<()> + Send),
    ) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = batch.iter().map(|(id, _)| id.clone()).collect();
        let b = self.shards.master.backend();
        let found: HashMap<String, Product> = self
            .shards
            .master
            .browse(move |p| Box::pin(async move { master::products_by_ids(&p, b, &ids).await }))
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        for (id, state) in batch.drain(..) {
            let product = found.get(&id).cloned().unwrap_or_else(|| Product {
                id: id.clone(),
                sku: id.clone(),
                barcode: None,
                name: String::new(),
                category_id: None,
                unit_id: String::new(),
                price: 0,
                min_qty: 0,
                active: 0,
                created_at: 0,
                updated_at: 0,
            });
            sink(ProductBalances {
                product,
                locations: state.into_iter().collect(),
            })?;
        }
        Ok(())
    }
}
