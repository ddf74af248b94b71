//! The demo's transaction history: day by day, receipts in the morning, issues and transfers
//! through the day, a stock count now and then, every one posted through the real protocol
//! ([`Services::post_dated`]) so that stock, movements, documents and daily summaries agree.
//!
//! A small stock model (a lower bound of the real stock) sizes issues and transfers so that
//! nearly all succeed; a few ask for more than is there on purpose, as clerks sometimes do,
//! and are rejected by the protocol like any other.

use std::collections::HashMap;
use std::ops::Range;

use chrono::{Duration, Local, NaiveDate, TimeZone};
use futures::StreamExt;

use super::source::{Rng, Sources, product};
use super::{DemoCatalog, DemoOptions};
use crate::domain::{Money, Quantity, TxKind, ids};
use crate::error::Result;
use crate::service::posting::{LineRequest, PostRequest};
use crate::service::{Actor, Services};

/// Products that see movements: enough for a lively dashboard, few enough for a quick run.
const WORKING_SET: u64 = 1500;
/// Postings in flight at once.
const CONCURRENCY: usize = 16;

#[derive(Debug, Default)]
pub(crate) struct HistoryReport {
    pub posted: u64,
    pub rejected: u64,
    pub lines: u64,
}

struct Item {
    sku: String,
    /// Smallest quantity step of the product's unit, in milli-units.
    step: i64,
    price: i64,
}

/// (bin index, item index)
type Key = (usize, usize);

/// One planned posting and what it does to the model.
struct Doc {
    req: PostRequest,
    at: i64,
    /// Taken from the model when planned; given back if the posting is rejected.
    reserved: Vec<(Key, i64)>,
    /// Added to the model if the posting goes through.
    on_success: Vec<(Key, i64)>,
}

struct Sim<'a> {
    rng: Rng,
    src: &'a Sources,
    bins: &'a [String],
    items: Vec<Item>,
    model: HashMap<Key, i64>,
    /// Items ever stocked at each bin.
    by_bin: Vec<Vec<usize>>,
    stocked: Vec<Key>,
}

impl Sim<'_> {
    fn qty(&mut self, item: usize, lo_units: i64, hi_units: i64) -> i64 {
        let step = self.items[item].step;
        let frac = if step < 1000 {
            self.rng.below((1000 / step) as u64) as i64 * step
        } else {
            0
        };
        self.rng.range(lo_units, hi_units) * 1000 + frac
    }

    fn have(&self, k: Key) -> i64 {
        self.model.get(&k).copied().unwrap_or(0)
    }

    fn add(&mut self, k: Key, q: i64) {
        let e = self.model.entry(k).or_insert_with(|| {
            self.by_bin[k.0].push(k.1);
            self.stocked.push(k);
            0
        });
        *e += q;
    }

    /// A part of what the model holds at `k`, in whole steps; `None` if there is not one step.
    fn part_of(&mut self, k: Key, max_units: i64) -> Option<i64> {
        let step = self.items[k.1].step;
        let steps = self.have(k).min(max_units * 1000) / step;
        (steps >= 1).then(|| self.rng.range(1, steps) * step)
    }

    fn line(&self, item: usize, qty: i64, price: Option<i64>) -> LineRequest {
        LineRequest {
            code: self.items[item].sku.clone(),
            qty: Quantity(qty),
            price: price.map(Money),
        }
    }

    /// A receipt of `items` into a random bin, `lo..=hi` units each.
    fn receipt(&mut self, at: i64, items: Vec<usize>, lo: i64, hi: i64) -> Doc {
        let bin = self.rng.below(self.bins.len() as u64) as usize;
        let mut req = PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some(self.bins[bin].clone()),
            ..Default::default()
        };
        let mut on_success = Vec::new();
        for item in items {
            if on_success.iter().any(|((_, i), _)| *i == item) {
                continue;
            }
            let q = self.qty(item, lo, hi);
            // Suppliers sometimes invoice below list price (rounded to 100 rupiah).
            let price = self
                .rng
                .chance(30)
                .then(|| self.items[item].price * self.rng.range(88, 100) / 100 / 10_000 * 10_000)
                .filter(|p| *p > 0);
            req.lines.push(self.line(item, q, price));
            on_success.push(((bin, item), q));
        }
        req.partner = self.rng.pick(&self.src.suppliers).map(|s| s.to_string());
        req.reference = Some(format!(
            "PO/{}/{:04}",
            ids::local_day(at).replace('-', ""),
            self.rng.below(10_000)
        ));
        Doc {
            req,
            at,
            reserved: Vec::new(),
            on_success,
        }
    }

    /// An issue (`dest` None) or a transfer from the bin of a random stocked row.
    fn outflow(&mut self, at: i64, transfer: bool) -> Option<Doc> {
        let start = *self.rng.pick(&self.stocked)?;
        let bin = start.0;
        let mut doc = Doc {
            req: PostRequest::default(),
            at,
            reserved: Vec::new(),
            on_success: Vec::new(),
        };
        let dest = if transfer {
            let d =
                (bin + 1 + self.rng.below(self.bins.len() as u64 - 1) as usize) % self.bins.len();
            (d != bin).then_some(d)
        } else {
            None
        };
        let lines = if transfer {
            self.rng.range(1, 3)
        } else {
            self.rng.range(1, 5)
        };
        let candidates = self.by_bin[bin].clone();
        for n in 0..lines {
            let item = match self.rng.pick(&candidates) {
                Some(i) if n > 0 => *i,
                _ => start.1,
            };
            if doc.req.lines.iter().any(|l| l.code == self.items[item].sku) {
                continue;
            }
            let k = (bin, item);
            if !transfer && self.rng.chance(1) {
                // More than the model knows of: usually rejected, taken from the model if not.
                let q = self.have(k).max(0) + self.rng.range(1, 10) * 1000;
                doc.req.lines.push(self.line(item, q, None));
                doc.on_success.push((k, -q));
                continue;
            }
            let Some(q) = self.part_of(k, 25) else {
                continue;
            };
            self.add(k, -q);
            doc.reserved.push((k, q));
            if let Some(d) = dest {
                doc.on_success.push(((d, item), q));
            }
            doc.req.lines.push(self.line(item, q, None));
        }
        if doc.req.lines.is_empty() {
            return None;
        }
        doc.req.source = Some(self.bins[bin].clone());
        if let Some(d) = dest {
            doc.req.kind = Some(TxKind::Transfer);
            doc.req.dest = Some(self.bins[d].clone());
            let warehouse = |code: &str| code.split('-').next().unwrap_or_default().to_string();
            let same = warehouse(&self.bins[d]) == warehouse(&self.bins[bin]);
            doc.req.notes = Some(
                if same {
                    "Penataan ulang rak"
                } else {
                    "Mutasi antar gudang"
                }
                .into(),
            );
        } else {
            doc.req.kind = Some(TxKind::Issue);
            doc.req.partner = self.rng.pick(&self.src.customers).map(|s| s.to_string());
            doc.req.reference = Some(format!(
                "SO/{}/{:04}",
                ids::local_day(at).replace('-', ""),
                self.rng.below(10_000)
            ));
        }
        Some(doc)
    }

    /// A stock count at one bin: what the model holds, give or take a few units.
    fn count(&mut self) -> Option<(PostRequest, Vec<(Key, i64)>)> {
        let bin = self.rng.pick(&self.stocked)?.0;
        let mut req = PostRequest {
            kind: Some(TxKind::Adjustment),
            source: Some(self.bins[bin].clone()),
            ..Default::default()
        };
        let mut set = Vec::new();
        for item in self.by_bin[bin].clone().into_iter().take(3) {
            let counted = (self.have((bin, item)) + self.rng.range(-3, 2) * 1000).max(0);
            req.lines.push(self.line(item, counted, None));
            set.push(((bin, item), counted));
        }
        req.notes = Some("Stock opname: selisih hitung fisik".into());
        Some((req, set))
    }
}

/// `hour:minute` of `day`, local time, as stored micros (capped at now for today).
fn at_time(day: NaiveDate, minute_of_day: i64) -> i64 {
    let t = day.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(minute_of_day);
    let micros = Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp_micros())
        .unwrap_or_else(ids::now_micros);
    micros.min(ids::now_micros() - 1_000_000)
}

/// A UUIDv7 whose time part is `at`, so ids still sort by document time.
fn id_at(at: i64) -> String {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        (at / 1_000_000).max(0) as u64,
        ((at % 1_000_000).max(0) * 1000) as u32,
    );
    uuid::Uuid::new_v7(ts).to_string()
}

/// Posts `docs` concurrently, each dated, and settles the model from the outcomes.
async fn post_all(
    s: &Services,
    actor: &Actor,
    sim: &mut Sim<'_>,
    docs: Vec<Doc>,
    report: &mut HistoryReport,
) -> Result<()> {
    let results: Vec<(Doc, Result<bool>)> = futures::stream::iter(docs)
        .map(|mut d| async move {
            d.req.id = Some(id_at(d.at));
            let r = s
                .post_dated(actor, &d.req, d.at)
                .await
                .map(|o| o.is_posted());
            (d, r)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (d, r) in results {
        if r? {
            report.posted += 1;
            report.lines += d.req.lines.len() as u64;
            for (k, q) in d.on_success {
                sim.add(k, q);
            }
        } else {
            report.rejected += 1;
            for (k, q) in d.reserved {
                sim.add(k, q);
            }
        }
    }
    Ok(())
}

/// Posts `days` days of history ending today for products at catalog positions `range`.
pub(crate) async fn post_history(
    s: &Services,
    actor: &Actor,
    cat: &DemoCatalog,
    range: Range<u64>,
    bins: &[String],
    opts: &DemoOptions,
) -> Result<HistoryReport> {
    let (seed, days) = (opts.seed, opts.days);
    let src = Sources::get().map_err(crate::Error::Invalid)?;
    let mut report = HistoryReport::default();
    if days == 0 || bins.len() < 2 || range.is_empty() {
        return Ok(report);
    }
    let mut rng = Rng::new(seed ^ 0x4849_5354);
    let count = range.end - range.start;
    let w = count.min(WORKING_SET);
    let items: Vec<Item> = (0..w)
        .map(|k| {
            let span = count / w;
            let d = product(src, seed, range.start + k * span + rng.below(span));
            let decimals = cat.decimals.get(d.unit).copied().unwrap_or(0).clamp(0, 3);
            Item {
                sku: d.sku,
                step: 10i64.pow(3 - decimals as u32),
                price: d.price,
            }
        })
        .collect();
    let n = items.len();
    let mut sim = Sim {
        rng,
        src,
        bins,
        items,
        model: HashMap::new(),
        by_bin: vec![Vec::new(); bins.len()],
        stocked: Vec::new(),
    };
    let today = Local::now().date_naive();
    for back in (0..i64::from(days)).rev() {
        let day = today - Duration::days(back);
        let mut docs = Vec::new();
        if back == i64::from(days) - 1 {
            // Opening stock: every product received on the first morning, ten to a delivery.
            for k in 0..n.div_ceil(10) {
                docs.push(sim.receipt(
                    at_time(day, 7 * 60 + k as i64 % 60),
                    (k * 10..(k * 10 + 10).min(n)).collect(),
                    100,
                    1000,
                ));
            }
        }
        for _ in 0..(n / 30).max(2) {
            let t = at_time(day, sim.rng.range(8 * 60, 11 * 60));
            let items = (0..sim.rng.range(1, 6))
                .map(|_| sim.rng.below(n as u64) as usize)
                .collect();
            docs.push(sim.receipt(t, items, 20, 300));
        }
        docs.sort_by_key(|d| d.at);
        post_all(s, actor, &mut sim, docs, &mut report).await?;
        let mut docs = Vec::new();
        for k in 0..(n / 10).max(4) + (n / 50).max(1) {
            let t = at_time(day, sim.rng.range(9 * 60, 16 * 60 + 30));
            if let Some(d) = sim.outflow(t, k % 6 == 5) {
                docs.push(d);
            }
        }
        docs.sort_by_key(|d| d.at);
        post_all(s, actor, &mut sim, docs, &mut report).await?;
        if back % 3 == 0 {
            let t = at_time(day, sim.rng.range(16 * 60 + 30, 17 * 60));
            if let Some((mut req, set)) = sim.count() {
                req.id = Some(id_at(t));
                if s.post_dated(actor, &req, t).await?.is_posted() {
                    report.posted += 1;
                    report.lines += req.lines.len() as u64;
                    for (k, q) in set {
                        let have = sim.have(k);
                        sim.add(k, q - have);
                    }
                } else {
                    report.rejected += 1;
                }
            }
        }
    }
    Ok(report)
}
