//! The floor's jobs: the bench clerks' working set on a scratch location shard, postings drawn
//! as the clerks draw them, and the statements a decision job and a journal job send for
//! them, written as [`crate::db::apply`] (its common case) and [`crate::db::journal`] write
//! them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use sqlx::{AnyConnection, Executor};

use super::{Stmt, prepared};
use crate::db::journal::{Header, JournalDoc, Line};
use crate::db::location::{self, ADD_STOCK_CONFLICT, Decision, OUTBOX_ROW_SQL, OUTCOME_ROW_SQL};
use crate::db::multi::Arg;
use crate::db::{Backend, bulk};
use crate::domain::ids::{local_day, now_micros};
use crate::domain::txn::{Effect, legs};
use crate::domain::{Quantity, TxKind, TxStatus, new_id};
use crate::error::{Error, Result};
use crate::service::bench::{WORKING_BINS, WORKING_PRODUCTS};
use crate::service::demo::Rng;

/// The clerks' working set: bins and products with stock, and where the numbers stand.
pub(super) struct Workload {
    rng: Rng,
    bins: Vec<(String, String)>,
    products: Vec<(String, i64)>,
    year: i64,
    /// Last number taken per prefix.
    numbers: HashMap<&'static str, i64>,
    /// Journaled ids for the next decision job to clear from the outbox.
    pub(super) forgets: Arc<Mutex<Vec<String>>>,
    /// Postings drawn ahead, off the clock (gudang's clerks build theirs, JSON included,
    /// before the decision job runs).
    ready: VecDeque<Posting>,
}

/// Quantity every working stock row starts with: no take falls short in any run's length.
const OPENING: i64 = 1_000_000_000_000;

impl Workload {
    pub(super) async fn seed(c: &mut AnyConnection, b: Backend, seed: u64) -> Result<Workload> {
        let mut rng = Rng::new(seed ^ 0x0066_6c6f_6f72);
        let at = now_micros();
        let year = local_day(at)[..4].parse::<i64>().unwrap_or(1970);
        let bins: Vec<(String, String)> = (0..WORKING_BINS)
            .map(|i| (new_id(), format!("FLOOR-{i}")))
            .collect();
        let products: Vec<(String, i64)> = (0..WORKING_PRODUCTS)
            .map(|_| (new_id(), rng.range(100, 100_000)))
            .collect();
        let mut st: Vec<Stmt> = Vec::new();
        for (id, code) in &bins {
            st.push((
                "INSERT INTO locations (id, code, code_norm, name, parent_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, ?, ?)".into(),
                vec![id.into(), code.into(), code.to_lowercase().into(), code.into(), at.into(), at.into()],
            ));
        }
        let rows: Vec<Arg> = bins
            .iter()
            .flat_map(|(bin, _)| {
                products.iter().flat_map(move |(p, price)| {
                    [
                        bin.into(),
                        p.into(),
                        OPENING.into(),
                        0.into(),
                        (*price).into(),
                        at.into(),
                    ]
                })
            })
            .collect();
        for chunk in rows.chunks(6 * 100) {
            st.push((
                bulk::values_sql(
                    "INSERT INTO stock (location_id, product_id, quantity, default_min, price, updated_at)",
                    6,
                    chunk.len() / 6,
                    "",
                ),
                chunk.to_vec(),
            ));
        }
        for k in [TxKind::Receipt, TxKind::Issue, TxKind::Transfer] {
            st.push((
                "INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, 0)".into(),
                vec![k.prefix().into(), year.into()],
            ));
        }
        c.execute(b.begin_write())
            .await
            .map_err(Error::db("location"))?;
        for (sql, args) in st {
            if let Err(e) = prepared(c, b, "location", sql, args).await {
                let _ = c.execute("ROLLBACK").await;
                return Err(e);
            }
        }
        c.execute("COMMIT").await.map_err(Error::db("location"))?;
        Ok(Workload {
            rng,
            bins,
            products,
            year,
            numbers: [TxKind::Receipt, TxKind::Issue, TxKind::Transfer]
                .iter()
                .map(|k| (k.prefix(), 0))
                .collect(),
            forgets: Arc::default(),
            ready: VecDeque::new(),
        })
    }

    /// Draws postings until `n` are ready.
    pub(super) fn draw_ahead(&mut self, n: usize) {
        let at = now_micros();
        while self.ready.len() < n {
            let p = self.posting(at);
            self.ready.push_back(p);
        }
    }

    /// The next `k` postings, from those drawn ahead (drawn now if there are too few).
    pub(super) fn next_job(&mut self, k: usize) -> Vec<Posting> {
        self.draw_ahead(k);
        self.ready.drain(..k).collect()
    }

    /// The next posting, drawn as a bench clerk draws it.
    fn posting(&mut self, at: i64) -> Posting {
        let r = &mut self.rng;
        let (pid, price) = self.products[r.below(self.products.len() as u64) as usize].clone();
        let n = self.bins.len();
        let from = r.below(n as u64) as usize;
        let to = (from + 1 + r.below(n.saturating_sub(1).max(1) as u64) as usize) % n;
        let (kind, units) = match r.below(100) {
            0..=39 => (TxKind::Receipt, r.range(1, 20)),
            40..=79 => (TxKind::Issue, r.range(1, 5)),
            _ => (TxKind::Transfer, r.range(1, 5)),
        };
        let qty = Quantity::units(units);
        let source = (kind != TxKind::Receipt).then(|| &self.bins[from]);
        let dest = (kind != TxKind::Issue).then(|| &self.bins[to]);
        let id = new_id();
        let sku = format!("FLOOR-{}", &pid[pid.len() - 8..]);
        let header = Header {
            id: id.clone(),
            number: String::new(),
            kind: kind.as_str().into(),
            status: TxStatus::Pending.as_str().into(),
            source_id: source.map(|b| b.0.clone()),
            source_code: source.map(|b| b.1.clone()),
            dest_id: dest.map(|b| b.0.clone()),
            dest_code: dest.map(|b| b.1.clone()),
            partner: None,
            reference: None,
            notes: None,
            reason: None,
            created_by: "bench-floor@example.invalid".into(),
            created_at: at,
            decided_at: None,
            day: local_day(at),
            line_count: 1,
            total_qty: qty.0,
            total_value: price * units,
        };
        let line = Line {
            txn_id: id.clone(),
            line_no: 1,
            product_id: pid.clone(),
            sku,
            product_name: "Floor bench product, stainless steel, 250 ml".into(),
            quantity: qty.0,
            unit_price: price,
            total: price * units,
            applied_delta: None,
            at,
        };
        let doc = JournalDoc {
            header,
            lines: vec![line],
        };
        let legs = legs(
            kind,
            source.map(|b| b.0.as_str()),
            dest.map(|b| b.0.as_str()),
            1,
            &pid,
            qty,
        );
        let doc_json = serde_json::to_string(&doc).unwrap_or_default();
        Posting {
            id,
            kind,
            legs: legs
                .into_iter()
                .filter_map(|l| match l.effect {
                    Effect::Delta(d) => Some((l.line_no, l.leg, l.location_id, l.product_id, d)),
                    Effect::SetTo(_) => None,
                })
                .collect(),
            price,
            at,
            doc,
            doc_json,
        }
    }
}

pub(super) struct Posting {
    id: String,
    kind: TxKind,
    /// (line, leg, location, product, delta)
    legs: Vec<(i64, i64, String, String, i64)>,
    price: i64,
    at: i64,
    pub(super) doc: JournalDoc,
    doc_json: String,
}

/// A decision job's statements, as [`crate::db::apply`] writes its common case: returns them
/// with the range of the number compare-and-sets and of the takes, and how many rows the takes
/// must change.
pub(super) fn decision_job(
    w: &mut Workload,
    postings: &mut [Posting],
    forgets: &[String],
) -> (
    Vec<Stmt>,
    std::ops::Range<usize>,
    std::ops::Range<usize>,
    u64,
) {
    let mut st: Vec<Stmt> = vec![("SAVEPOINT lot".into(), vec![])];
    let mut groups: Vec<(&'static str, i64)> = Vec::new();
    for p in postings.iter() {
        match groups.iter_mut().find(|(k, _)| *k == p.kind.prefix()) {
            Some((_, n)) => *n += 1,
            None => groups.push((p.kind.prefix(), 1)),
        }
    }
    for (prefix, n) in &groups {
        let last = w.numbers.get(prefix).copied().unwrap_or(0);
        st.push((
            "UPDATE number_seq SET last_no = last_no + ? WHERE kind = ? AND year = ? AND last_no = ?".into(),
            vec![(*n).into(), (*prefix).into(), w.year.into(), last.into()],
        ));
    }
    let cas = 1..st.len();
    let (mut outcomes, mut outbox, mut movements) = (Vec::new(), Vec::new(), Vec::new());
    type Key<'a> = (&'a str, &'a str);
    let mut takes: Vec<(Key, i64)> = Vec::new();
    let mut adds: Vec<(Key, i64)> = Vec::new();
    let mut last: Vec<(Key, i64, i64)> = Vec::new();
    for p in postings.iter_mut() {
        let n = w.numbers.entry(p.kind.prefix()).or_insert(0);
        *n += 1;
        let number = location::format_number(p.kind.prefix(), w.year, *n);
        let mut deltas = Vec::new();
        for (line, leg, loc, prod, d) in &p.legs {
            movements.extend([
                Arg::from(&p.id),
                (*line).into(),
                (*leg).into(),
                loc.into(),
                prod.into(),
                (*d).into(),
                p.at.into(),
            ]);
            deltas.push((*line, *leg, *d));
            let key = (loc.as_str(), prod.as_str());
            let sums = if *d < 0 { &mut takes } else { &mut adds };
            match sums.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => e.1 += d.abs(),
                None => sums.push((key, d.abs())),
            }
            match last.iter_mut().find(|(k, ..)| *k == key) {
                Some(e) => *e = (key, p.price, p.at),
                None => last.push((key, p.price, p.at)),
            }
        }
        let decision = Decision::Applied(deltas);
        outcomes.extend(location::outcome_args(&p.id, &number, &decision, p.at));
        outbox.extend(location::outbox_args(&p.id, &p.doc_json, p.at));
        p.doc.decide(&number, &decision, p.at);
    }
    for chunk in forgets.chunks(500) {
        st.push((
            format!(
                "DELETE FROM outbox WHERE txn_id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            ),
            chunk.iter().map(Arg::from).collect(),
        ));
    }
    for chunk in outcomes.chunks(5 * 100) {
        st.push((widen(OUTCOME_ROW_SQL, chunk.len() / 5), chunk.to_vec()));
    }
    for chunk in outbox.chunks(3 * 100) {
        st.push((widen(OUTBOX_ROW_SQL, chunk.len() / 3), chunk.to_vec()));
    }
    for chunk in movements.chunks(7 * 100) {
        st.push((
            bulk::values_sql(
                "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
                7,
                chunk.len() / 7,
                "",
            ),
            chunk.to_vec(),
        ));
    }
    let row_args = |(key, q): &(Key, i64)| -> Vec<Arg> {
        let (price, at) = last
            .iter()
            .find(|(k, ..)| k == key)
            .map_or((0, 0), |(_, p, a)| (*p, *a));
        vec![
            key.0.into(),
            key.1.into(),
            (*q).into(),
            0.into(),
            price.into(),
            at.into(),
        ]
    };
    let first_take = st.len();
    for chunk in takes.chunks(100) {
        st.push((
            format!(
                "UPDATE stock SET quantity = stock.quantity - v.column3, default_min = v.column4, price = v.column5, updated_at = v.column6 FROM (VALUES {}) AS v WHERE stock.location_id = v.column1 AND stock.product_id = v.column2 AND stock.quantity >= v.column3",
                vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            ),
            chunk.iter().flat_map(row_args).collect(),
        ));
    }
    let take_range = first_take..st.len();
    for chunk in adds.chunks(100) {
        st.push((
            format!(
                "INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at) VALUES {}{ADD_STOCK_CONFLICT}",
                vec!["(?, ?, ?, NULL, ?, ?, ?)"; chunk.len()].join(", ")
            ),
            chunk.iter().flat_map(row_args).collect(),
        ));
    }
    (st, cas, take_range, takes.len() as u64)
}

/// A single-row `INSERT ... VALUES (...)` widened to `n` rows.
fn widen(single: &str, n: usize) -> String {
    match single.split_once(" VALUES ") {
        Some((head, row)) => format!("{head} VALUES {}", vec![row; n].join(", ")),
        None => single.to_string(),
    }
}

/// A journal job's statements, as the journal's batch writes them.
pub(super) fn journal_job(docs: &[JournalDoc]) -> Vec<Stmt> {
    let refs: Vec<&JournalDoc> = docs.iter().collect();
    crate::db::journal::journal_statements(&refs, "SAVEPOINT journal").into_parts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_takes_what_it_sums_and_numbers_every_posting() {
        let mut w = Workload {
            rng: Rng::new(1),
            bins: (0..4).map(|i| (format!("b{i}"), format!("B{i}"))).collect(),
            products: (0..3).map(|i| (format!("product-{i:08}"), 100)).collect(),
            year: 2026,
            numbers: HashMap::new(),
            forgets: Arc::default(),
            ready: VecDeque::new(),
        };
        let mut ps: Vec<Posting> = (0..40).map(|_| w.posting(1)).collect();
        let (st, cas, takes, must) = decision_job(&mut w, &mut ps, &["x".into()]);
        assert_eq!(st[0].0, "SAVEPOINT lot");
        assert_eq!(cas.len(), 3, "receipts, issues and transfers");
        assert!(st[cas.end].0.starts_with("DELETE FROM outbox"));
        assert_eq!(takes.len(), 1);
        assert!((1..=12).contains(&must), "{must} distinct rows taken from");
        let numbered: i64 = w.numbers.values().sum();
        assert_eq!(numbered, 40);
        assert!(ps.iter().all(|p| p.doc.header.status == "posted"));
        for (sql, args) in &st {
            assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        }
        let j = journal_job(&ps.iter().map(|p| p.doc.clone()).collect::<Vec<_>>());
        assert_eq!(j.len(), 4, "savepoint, headers, lines, daily summary");
        for (sql, args) in &j {
            assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        }
    }
}
