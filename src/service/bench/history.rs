//! A long transaction history for the benchmark, written with the bulk protocol of
//! [`crate::db::bulk`]: per chunk of documents, one decision job on the location shard, one
//! journal job, one outbox clean-up. Everything `check` verifies holds afterwards (and a crash
//! in between leaves outbox entries that recovery journals).
//!
//! Documents are receipts, issues and transfers of 1 to 7 lines spread over the past year.
//! Each product has a home bin where most of its receipts land, so stock stays in a realistic
//! number of rows; issues and transfers never take more than the generator knows is there.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;

use crate::db::bulk::{self, MovementRow, StockDelta};
use crate::db::journal::{self, Header, JournalDoc, Line};
use crate::db::location::{self, Decision, Location};
use crate::db::master::Product;
use crate::domain::{Money, Quantity, TxKind, TxStatus, ids};
use crate::error::{Error, Result};
use crate::service::Services;
use crate::service::demo::Rng;

/// Lines per bulk chunk (three write jobs each). Every page a job touches is copied into its
/// savepoint's journal in memory, so bigger chunks are faster but hold more memory.
const CHUNK_LINES: u64 = 10_000;
/// How far back the history reaches.
const SPAN_DAYS: i64 = 365;

/// (bin index, product index)
type Key = (usize, usize);

struct Gen<'a> {
    rng: Rng,
    products: &'a [Product],
    bins: &'a [Location],
    stock: HashMap<Key, i64>,
    /// Rows that held stock when last looked at, and the products ever stocked at each bin.
    stocked: Vec<Key>,
    by_bin: Vec<Vec<usize>>,
}

/// One generated document with its lines and stock legs.
struct Doc {
    header: Header,
    lines: Vec<Line>,
    /// (line_no, leg, key, delta)
    legs: Vec<(i64, i64, Key, i64)>,
}

impl Gen<'_> {
    /// A product to receive at `bin`: mostly one whose home it is (product `p` lives in bin
    /// `p % bins`), sometimes any.
    fn product_for(&mut self, bin: usize) -> usize {
        let (n, nb) = (self.products.len(), self.bins.len());
        if bin < n && self.rng.chance(80) {
            bin + nb * self.rng.below(((n - 1 - bin) / nb + 1) as u64) as usize
        } else {
            self.rng.below(n as u64) as usize
        }
    }

    fn take(&mut self, k: Key, q: i64) {
        let e = self.stock.entry(k).or_insert_with(|| {
            self.by_bin[k.0].push(k.1);
            0
        });
        if *e == 0 && q > 0 {
            self.stocked.push(k);
        }
        *e += q;
    }

    fn doc(&mut self, kind: TxKind, at: i64, who: &str) -> Option<Doc> {
        let lines = self.rng.range(1, 7) as usize;
        let mut doc = Doc {
            header: Header {
                id: uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
                    uuid::NoContext,
                    (at / 1_000_000) as u64,
                    ((at % 1_000_000) * 1000) as u32,
                ))
                .to_string(),
                number: String::new(),
                kind: kind.as_str().into(),
                status: TxStatus::Pending.as_str().into(),
                source_id: None,
                source_code: None,
                dest_id: None,
                dest_code: None,
                partner: None,
                reference: None,
                notes: Some("bench history".into()),
                reason: None,
                created_by: who.to_string(),
                created_at: at,
                decided_at: None,
                day: ids::local_day(at),
                line_count: 0,
                total_qty: 0,
                total_value: 0,
            },
            lines: Vec::new(),
            legs: Vec::new(),
        };
        let (src, dst) = match kind {
            TxKind::Receipt => (None, Some(self.rng.below(self.bins.len() as u64) as usize)),
            _ => {
                let (b, _) = *self.rng.pick(&self.stocked)?;
                let d =
                    (b + 1 + self.rng.below(self.bins.len() as u64 - 1) as usize) % self.bins.len();
                (Some(b), (kind == TxKind::Transfer).then_some(d))
            }
        };
        for _ in 0..lines {
            let (p, q) = match src {
                None => {
                    let p = self.product_for(dst.unwrap_or_default());
                    (p, self.rng.range(5, 200) * 1000)
                }
                Some(b) => {
                    let Some(&p) = self.rng.pick(&self.by_bin[b]) else {
                        break;
                    };
                    let have = self.stock.get(&(b, p)).copied().unwrap_or(0) / 1000;
                    if have < 1 {
                        continue;
                    }
                    (p, self.rng.range(1, have.min(20)) * 1000)
                }
            };
            if doc
                .lines
                .iter()
                .any(|l| l.product_id == self.products[p].id)
            {
                continue;
            }
            let line_no = doc.lines.len() as i64 + 1;
            if let Some(b) = src {
                self.take((b, p), -q);
                doc.legs.push((line_no, 0, (b, p), -q));
            }
            if let Some(d) = dst {
                self.take((d, p), q);
                doc.legs
                    .push((line_no, i64::from(src.is_some()), (d, p), q));
            }
            let prod = &self.products[p];
            let total = Money(prod.price).times(Quantity(q)).0;
            doc.lines.push(Line {
                txn_id: doc.header.id.clone(),
                line_no,
                product_id: prod.id.clone(),
                sku: prod.sku.clone(),
                product_name: prod.name.clone(),
                quantity: q,
                unit_price: prod.price,
                total,
                applied_delta: None,
                at,
            });
            doc.header.total_qty += q;
            doc.header.total_value += total;
        }
        if doc.lines.is_empty() {
            return None;
        }
        doc.header.line_count = doc.lines.len() as i64;
        doc.header.source_id = src.map(|b| self.bins[b].id.clone());
        doc.header.source_code = src.map(|b| self.bins[b].code.clone());
        doc.header.dest_id = dst.map(|b| self.bins[b].id.clone());
        doc.header.dest_code = dst.map(|b| self.bins[b].code.clone());
        Some(doc)
    }
}

/// Adds about `lines` posted lines of history (never fewer) over `products` and `bins`;
/// returns how many were added.
pub(crate) async fn add_history(
    s: &Services,
    who: &str,
    products: &[Product],
    bins: &[Location],
    lines: u64,
    seed: u64,
) -> Result<u64> {
    if lines == 0 {
        return Ok(0);
    }
    if products.is_empty() || bins.len() < 2 {
        return Err(Error::Invalid(
            "history needs products and at least two locations".into(),
        ));
    }
    let mut g = Gen {
        rng: Rng::new(seed ^ 0x6865_6e63),
        products,
        bins,
        stock: HashMap::new(),
        stocked: Vec::new(),
        by_bin: vec![Vec::new(); bins.len()],
    };
    let now = ids::now_micros();
    let start = now - Duration::days(SPAN_DAYS).num_microseconds().unwrap_or(0);
    let chunks = lines.div_ceil(CHUNK_LINES);
    let mut added = 0u64;
    for c in 0..chunks {
        let want = CHUNK_LINES.min(lines - added);
        // Times within this chunk's slice of the year, in order.
        let (t0, t1) = (
            start + (now - start) * c as i64 / chunks as i64,
            start + (now - start) * (c as i64 + 1) / chunks as i64 - 1,
        );
        let mut docs = Vec::new();
        let mut got = 0u64;
        while got < want {
            let at = t0 + (t1 - t0) * got as i64 / want as i64;
            let kind = match g.rng.below(100) {
                0..=44 => TxKind::Receipt,
                45..=89 if !g.stocked.is_empty() => TxKind::Issue,
                _ if !g.stocked.is_empty() => TxKind::Transfer,
                _ => TxKind::Receipt,
            };
            if let Some(d) = g.doc(kind, at, who) {
                got += d.lines.len() as u64;
                docs.push(d);
            }
        }
        g.stocked
            .retain(|k| g.stock.get(k).copied().unwrap_or(0) > 0);
        write_chunk(s, products, docs).await?;
        added += got;
    }
    Ok(added)
}

/// Writes one chunk with the bulk protocol: decide (location), journal, drop from the outbox.
async fn write_chunk(s: &Services, products: &[Product], docs: Vec<Doc>) -> Result<()> {
    let tb = s.shards.transaction.backend();
    let lb = s.shards.location.backend();
    let mut movements: Vec<MovementRow> = Vec::new();
    let mut stock: BTreeMap<(String, String), StockDelta> = BTreeMap::new();
    let mut decided = Vec::with_capacity(docs.len());
    for d in docs {
        let h = &d.header;
        let mut deltas = Vec::with_capacity(d.legs.len());
        for &(line_no, leg, (_, p), delta) in &d.legs {
            deltas.push((line_no, leg, delta));
            let loc = if leg == 0 && h.source_id.is_some() {
                h.source_id.clone()
            } else {
                h.dest_id.clone()
            }
            .unwrap_or_default();
            let prod = &products[p];
            movements.push((
                h.id.clone(),
                line_no,
                leg,
                loc.clone(),
                prod.id.clone(),
                delta,
                h.created_at,
            ));
            let e = stock.entry((loc, prod.id.clone())).or_insert(StockDelta {
                delta: 0,
                default_min: prod.min_qty,
                price: prod.price,
                at: 0,
            });
            e.delta += delta;
            e.at = e.at.max(h.created_at);
        }
        decided.push((
            JournalDoc {
                header: d.header,
                lines: d.lines,
            },
            Decision::Applied(deltas),
        ));
    }
    let docs = s
        .shards
        .location
        .write(move |c| {
            Box::pin(async move {
                // Numbers are reserved per (prefix, year) inside the job, so they never collide
                // with concurrent postings.
                let mut next: HashMap<(&'static str, i64), i64> = HashMap::new();
                for (d, _) in &decided {
                    let kind: TxKind = d.header.kind.parse()?;
                    *next
                        .entry((kind.prefix(), year_of(&d.header.day)))
                        .or_insert(0) += 1;
                }
                for ((prefix, year), n) in next.iter_mut() {
                    *n = location::reserve_numbers(c, lb, prefix, *year, *n).await?;
                }
                let mut docs = Vec::with_capacity(decided.len());
                for (mut d, decision) in decided {
                    let kind: TxKind = d.header.kind.parse()?;
                    let year = year_of(&d.header.day);
                    let n = next.entry((kind.prefix(), year)).or_insert(1);
                    let at = d.header.created_at;
                    d.decide(
                        &location::format_number(kind.prefix(), year, *n),
                        &decision,
                        at,
                    );
                    *n += 1;
                    docs.push(d);
                }
                bulk::apply_many(c, lb, &docs, &movements, &stock).await?;
                Ok(docs)
            })
        })
        .await?;
    let ids: Vec<String> = docs.iter().map(|d| d.header.id.clone()).collect();
    s.shards
        .transaction
        .write(move |c| {
            Box::pin(async move {
                for r in journal::journal_batch(c, tb, docs).await? {
                    r?;
                }
                Ok(())
            })
        })
        .await?;
    s.shards
        .location
        .write(move |c| {
            Box::pin(async move { location::forget_batch(c, lb, ids).await.map(|_| ()) })
        })
        .await
}

fn year_of(day: &str) -> i64 {
    day.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(1970)
}
