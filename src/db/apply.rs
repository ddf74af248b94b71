//! The decision of many postings in one write job on the location shard (see
//! [`super::coalesce`]). Each posting gets its number, its stock side (conditional updates and
//! movements), its outcome row under its id's primary key and its journal entry in the outbox,
//! all in the job's one commit: the only commit a clerk waits for. No refusal or failure of one
//! posting touches another.
//!
//! When every posting of the job only adds or takes quantities (receipts, issues, transfers) and
//! every one applies (the common case), the job is two trips whatever its size: the number
//! reservations, then set-based statements for all outcomes, outbox entries, movements and
//! stock rows. Otherwise (an adjustment, a refusal, a retried id) the job starts over with a
//! savepoint per posting: a refused posting records `aborted` with the reason, and one whose id
//! was decided before reports that stored decision and changes nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::{AnyConnection, Row};

use super::dialect::Backend;
use super::location::{
    self, ADD_STOCK_CONFLICT, ApplyLeg, Decided, Decision, OUTBOX_ROW_SQL, OUTCOME_ROW_SQL,
    RESERVE_NUMBERS,
};
use super::multi::{Arg, Statements};
use crate::domain::txn::Effect;
use crate::error::{Error, Result};

const S: &str = "location";

/// What the decision jobs of one process share. Both save a trip to the database per job in
/// the common case.
#[derive(Clone, Default)]
pub struct DecideShared {
    /// The last number this process saw taken in each (prefix, year) sequence. A job numbers
    /// its postings from it and checks the guess in its main trip (a compare-and-set on the
    /// sequence row); only when another process took numbers meanwhile does it pay a trip to
    /// reserve them.
    numbers: Arc<Mutex<HashMap<(&'static str, i64), i64>>>,
    /// Journaled documents still in the outbox: the next decision job removes them in its
    /// main trip.
    forget: Arc<Mutex<Vec<String>>>,
    /// How many times the queue was taken, so a clean-up that finds it taken since stays idle.
    taken: Arc<std::sync::atomic::AtomicU64>,
}

impl DecideShared {
    /// Queues journaled ids for removal from the outbox. `Some(mark)` if the queue was empty:
    /// the caller then makes sure it is emptied even if no decision comes along, by calling
    /// [`Self::take_forgets_since`] with the mark a little later.
    pub fn forget_later(&self, id: String) -> Option<u64> {
        let mut q = lock(&self.forget);
        q.push(id);
        (q.len() == 1).then(|| self.taken.load(std::sync::atomic::Ordering::Acquire))
    }

    /// Takes every queued id.
    pub fn take_forgets(&self) -> Vec<String> {
        let mut q = lock(&self.forget);
        self.taken.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        std::mem::take(&mut *q)
    }

    /// Takes the queue only if nobody has since `mark`.
    pub fn take_forgets_since(&self, mark: u64) -> Vec<String> {
        if self.taken.load(std::sync::atomic::Ordering::Acquire) != mark {
            return Vec::new();
        }
        self.take_forgets()
    }

    fn give_back(&self, ids: Vec<String>) {
        lock(&self.forget).extend(ids);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One posting to decide.
pub struct ApplyItem {
    pub legs: Vec<ApplyLeg>,
    pub id: String,
    /// The document as the outbox keeps it until the journal has it ([`JournalDoc::to_json`],
    /// serialized by the poster, off this job's clock); the decision is applied to it when it
    /// is read back ([`location::stored`]).
    pub doc_json: String,
    /// Its number sequence: kind prefix and year.
    pub prefix: &'static str,
    pub year: i64,
    /// When the movements and the decision happen (microseconds, UTC).
    pub at: i64,
    pub shared: DecideShared,
}

async fn exec(c: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

/// Decides every item; one result per item, in order.
pub async fn apply_batch(
    c: &mut AnyConnection,
    b: Backend,
    items: Vec<ApplyItem>,
) -> Result<Vec<Result<Decided>>> {
    let Some(shared) = items.first().map(|it| it.shared.clone()) else {
        return Ok(Vec::new());
    };
    let forgets = shared.take_forgets();
    if items.iter().all(quick) {
        for guess in [true, false] {
            if let Some(decided) = apply_lot(c, b, &items, &shared, guess, &forgets).await? {
                return Ok(decided.into_iter().map(Ok).collect());
            }
        }
    }
    // The slow path leaves the outbox to the next job.
    shared.give_back(forgets);
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        out.push(one_by_one(c, b, it).await?);
    }
    Ok(out)
}

/// Every leg adds or takes (no counted quantity to read first).
fn quick(it: &ApplyItem) -> bool {
    it.legs
        .iter()
        .all(|l| matches!(l.leg.effect, Effect::Delta(_)))
}

/// The common case, cheapest: every posting of the job applies.
///
/// Each stock row's summed take is the same conditional statement as a single take: it applies
/// only if the row holds all of the job's takes on it before any of its adds. That is exactly
/// when deciding the postings one by one would apply every one of them too (adds only raise
/// stock), and the quantities come out the same. If any row falls short, or anything fails (an
/// id decided before, say), the lot is rolled back, numbers included, and `None` returned: the
/// caller decides the postings one by one.
async fn apply_lot(
    c: &mut AnyConnection,
    b: Backend,
    items: &[ApplyItem],
    shared: &DecideShared,
    guess: bool,
    forgets: &[String],
) -> Result<Option<Vec<Decided>>> {
    let mut groups: Vec<((&'static str, i64), i64)> = Vec::new();
    for it in items {
        match groups.iter_mut().find(|(k, _)| *k == (it.prefix, it.year)) {
            Some((_, n)) => *n += 1,
            None => groups.push(((it.prefix, it.year), 1)),
        }
    }
    let known: Option<Vec<i64>> = {
        let numbers = lock(&shared.numbers);
        groups
            .iter()
            .map(|(k, _)| numbers.get(k).copied())
            .collect()
    };
    let mut st = Statements::default();
    st.push("SAVEPOINT lot", vec![]);
    // (sequence, first number of this job)
    let mut next: Vec<((&'static str, i64), i64)> = Vec::with_capacity(groups.len());
    match known {
        Some(last) if guess => {
            for (((prefix, year), n), last) in groups.iter().zip(last) {
                st.push(
                    "UPDATE number_seq SET last_no = last_no + ? WHERE kind = ? AND year = ? AND last_no = ?",
                    vec![(*n).into(), (*prefix).into(), (*year).into(), last.into()],
                );
                next.push(((prefix, *year), last + 1));
            }
        }
        _ if guess => return Ok(None),
        _ => {
            for ((prefix, year), n) in &groups {
                st.push(
                    RESERVE_NUMBERS,
                    vec![(*prefix).into(), (*year).into(), (*n).into()],
                );
            }
            let done = std::mem::take(&mut st).run(c, b, S).await?;
            for ((key, n), d) in groups.iter().zip(done.iter().skip(1)) {
                let last: i64 = match d.rows.first() {
                    Some(r) => r.try_get(0).map_err(Error::db(S))?,
                    None => {
                        return Err(Error::Unavailable(
                            "location shard: a number reservation returned nothing".into(),
                        ));
                    }
                };
                next.push((*key, last - n + 1));
            }
        }
    }
    // The compare-and-set statements follow the opening savepoint (none when reserved).
    let guessed = st.len().saturating_sub(1);
    let mut outcomes: Vec<Arg> = Vec::with_capacity(items.len() * 5);
    let mut outbox: Vec<Arg> = Vec::with_capacity(items.len() * 3);
    let mut movements: Vec<Arg> = Vec::new();
    // (location, product) -> summed quantity; and the last leg on each row with its time, whose
    // mirror values and time the row ends with (as it would one posting at a time).
    let mut takes: Vec<((&str, &str), i64)> = Vec::new();
    let mut adds: Vec<((&str, &str), i64)> = Vec::new();
    let mut last: Vec<((&str, &str), &ApplyLeg, i64)> = Vec::new();
    let mut decided = Vec::with_capacity(items.len());
    for it in items {
        let Some((_, n)) = next.iter_mut().find(|(k, _)| *k == (it.prefix, it.year)) else {
            return Ok(None);
        };
        let number = location::format_number(it.prefix, it.year, *n);
        *n += 1;
        let mut deltas = Vec::with_capacity(it.legs.len());
        for l in &it.legs {
            let Effect::Delta(d) = l.leg.effect else {
                return Ok(None);
            };
            movements.extend([
                (&it.id).into(),
                l.leg.line_no.into(),
                l.leg.leg.into(),
                (&l.leg.location_id).into(),
                (&l.leg.product_id).into(),
                d.into(),
                it.at.into(),
            ]);
            deltas.push((l.leg.line_no, l.leg.leg, d));
            let key = (l.leg.location_id.as_str(), l.leg.product_id.as_str());
            let sums = if d < 0 { &mut takes } else { &mut adds };
            match sums.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => e.1 += d.abs(),
                None => sums.push((key, d.abs())),
            }
            match last.iter_mut().find(|(k, ..)| *k == key) {
                Some(e) => *e = (key, l, it.at),
                None => last.push((key, l, it.at)),
            }
        }
        let decision = Decision::Applied(deltas);
        outcomes.extend(location::outcome_args(&it.id, &number, &decision, it.at));
        outbox.extend(location::outbox_args(&it.id, &it.doc_json, it.at));
        decided.push(Decided {
            decision,
            number: Some(number),
            at: it.at,
            doc: None,
            earlier: false,
        });
    }
    for chunk in forgets.chunks(500) {
        st.push(
            format!(
                "DELETE FROM outbox WHERE txn_id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            ),
            chunk.iter().map(Arg::from).collect(),
        );
    }
    for chunk in outcomes.chunks(5 * 100) {
        st.push(rows_sql(OUTCOME_ROW_SQL, chunk.len() / 5), chunk.to_vec());
    }
    for chunk in outbox.chunks(3 * 100) {
        st.push(rows_sql(OUTBOX_ROW_SQL, chunk.len() / 3), chunk.to_vec());
    }
    for chunk in movements.chunks(7 * 100) {
        st.push(
            super::bulk::values_sql(
                "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
                7,
                chunk.len() / 7,
                "",
            ),
            chunk.to_vec(),
        );
    }
    let first_take = st.len();
    let row_args = |(key, q): &((&str, &str), i64)| -> Vec<Arg> {
        let Some((_, l, at)) = last.iter().find(|(k, ..)| k == key) else {
            return Vec::new();
        };
        vec![
            key.0.into(),
            key.1.into(),
            (*q).into(),
            l.default_min.into(),
            l.price.into(),
            (*at).into(),
        ]
    };
    for chunk in takes.chunks(100) {
        let args: Vec<Arg> = chunk.iter().flat_map(row_args).collect();
        st.push(
            format!(
                "UPDATE stock SET quantity = stock.quantity - v.column3, default_min = v.column4, price = v.column5, updated_at = v.column6 FROM (VALUES {}) AS v WHERE stock.location_id = v.column1 AND stock.product_id = v.column2 AND stock.quantity >= v.column3",
                vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            ),
            args,
        );
    }
    let after_takes = st.len();
    for chunk in adds.chunks(100) {
        let args: Vec<Arg> = chunk.iter().flat_map(row_args).collect();
        st.push(
            format!(
                "INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at) VALUES {}{ADD_STOCK_CONFLICT}",
                vec!["(?, ?, ?, NULL, ?, ?, ?)"; chunk.len()].join(", ")
            ),
            args,
        );
    }
    let applied = match st.run(c, b, S).await {
        Ok(done) => {
            let numbered = done
                .iter()
                .skip(1)
                .take(guessed)
                .all(|d| d.rows_affected == 1);
            if !numbered {
                // Another process took numbers: learn them afresh.
                let mut numbers = lock(&shared.numbers);
                for (k, _) in &groups {
                    numbers.remove(k);
                }
            }
            numbered
                && done[first_take..after_takes]
                    .iter()
                    .map(|d| d.rows_affected)
                    .sum::<u64>()
                    == takes.len() as u64
        }
        Err(_) => false,
    };
    if !applied {
        exec(c, "ROLLBACK TO SAVEPOINT lot").await?;
        return Ok(None);
    }
    // Should the batch not commit after all, the next guess fails its check and is relearnt.
    let mut numbers = lock(&shared.numbers);
    for (k, n) in &next {
        numbers.insert(*k, n - 1);
    }
    Ok(Some(decided))
}

/// A single-row `INSERT ... VALUES (...)` widened to `n` rows.
fn rows_sql(single: &str, n: usize) -> String {
    match single.split_once(" VALUES ") {
        Some((head, row)) => format!("{head} VALUES {}", vec![row; n].join(", ")),
        None => single.to_string(),
    }
}

/// One posting in its own savepoint. The outer `Err` is a failure of the job as a whole; the
/// inner one belongs to this posting (its savepoint already rolled back).
async fn one_by_one(c: &mut AnyConnection, b: Backend, it: ApplyItem) -> Result<Result<Decided>> {
    exec(c, "SAVEPOINT item").await?;
    let id = it.id.clone();
    // This job takes numbers one at a time (and may give one back): guess afresh next time.
    lock(&it.shared.numbers).remove(&(it.prefix, it.year));
    let r = async {
        let n = location::reserve_numbers(c, b, it.prefix, it.year, 1).await?;
        let number = location::format_number(it.prefix, it.year, n);
        let decision = location::decide_legs(c, b, &id, &it.legs, it.at).await?;
        location::record(c, b, &id, &number, &decision, &it.doc_json, it.at).await?;
        Ok::<_, Error>(Decided {
            decision,
            number: Some(number),
            at: it.at,
            doc: None,
            earlier: false,
        })
    }
    .await;
    match r {
        Ok(d) => Ok(Ok(d)),
        Err(e) => {
            exec(c, "ROLLBACK TO SAVEPOINT item").await?;
            // Decided before (a retry, or the same id twice in this job): that decision stands.
            if e.is_unique_violation()
                && let Some(d) = location::stored(c, b, &id).await?
            {
                return Ok(Ok(d));
            }
            Ok(Err(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_row_inserts_widen() {
        assert_eq!(
            rows_sql("INSERT INTO t (a, b) VALUES (?, ?)", 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
        );
    }
}
