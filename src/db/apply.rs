//! Step 2 of the posting protocol for many postings in one write job (see
//! [`super::coalesce`]): each posting is decided exactly as [`location::apply_posting`]
//! decides it, and no refusal or failure of one touches another.
//!
//! A new posting whose every leg adds or takes a quantity (receipts, issues, transfers) is
//! decided in one trip to the database: its `applied` outcome, its movements and its stock
//! updates go together, each stock update being the usual conditional statement. When every
//! posting of the job applies (the common case) they share one savepoint; otherwise the job
//! starts over with a savepoint per posting: a posting whose take changed no row (not enough
//! stock) is rolled back and `aborted` recorded with the reason, and one whose outcome already
//! exists (recovery decided first) is rolled back and the stored decision stands. Adjustments
//! and retries take the statement-by-statement path of [`location::apply_posting`].

use sqlx::AnyConnection;

use super::dialect::Backend;
use super::location::{self, ADD_STOCK, ApplyLeg, Decision, TAKE_STOCK};
use super::multi::{Arg, Done, Statements};
use crate::domain::txn::Effect;
use crate::error::{Error, Result};

const S: &str = "location";

/// One posting's stock side.
pub struct ApplyItem {
    pub txn_id: String,
    pub legs: Vec<ApplyLeg>,
    pub at: i64,
    /// The caller has just written the pending document (no decision is expected yet).
    pub fresh: bool,
}

async fn exec(c: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

/// Decides every item in order; one result per item.
pub async fn apply_batch(
    c: &mut AnyConnection,
    b: Backend,
    items: Vec<ApplyItem>,
) -> Result<Vec<Result<Decision>>> {
    if items.len() > 1
        && items.iter().all(quick)
        && let Some(decisions) = apply_lot(c, b, &items).await?
    {
        return Ok(decisions.into_iter().map(Ok).collect());
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let r = if quick(&it) {
            quick_apply(c, b, &it).await?
        } else {
            one_by_one(c, b, &it, it.fresh).await?
        };
        // Decided meanwhile (recovery was first): the stored decision stands.
        let r = match r {
            Err(e) if it.fresh && e.is_unique_violation() => one_by_one(c, b, &it, false).await?,
            r => r,
        };
        out.push(r);
    }
    Ok(out)
}

/// New, and every leg adds or takes (no counted quantity to read first).
fn quick(it: &ApplyItem) -> bool {
    it.fresh
        && it
            .legs
            .iter()
            .all(|l| matches!(l.leg.effect, Effect::Delta(_)))
}

/// The common case, cheapest: every posting of the job applies. Then the job is a handful of
/// set-based statements in one trip, whatever its size: all outcomes, all movements, the takes
/// summed per stock row, then the adds summed per stock row.
///
/// Each row's summed take is the same conditional statement as a single take: it applies only
/// if the row holds all of the job's takes on it before any of its adds. That is exactly when
/// deciding the postings one by one would apply every one of them too (adds only raise stock),
/// and the quantities come out the same. If any row falls short (or anything fails), the lot is
/// rolled back and `None` returned: the caller decides the postings one by one, and the one
/// that cannot have its stock is refused as usual.
async fn apply_lot(
    c: &mut AnyConnection,
    b: Backend,
    items: &[ApplyItem],
) -> Result<Option<Vec<Decision>>> {
    let mut outcomes: Vec<Arg> = Vec::with_capacity(items.len() * 2);
    let mut movements: Vec<Arg> = Vec::new();
    // (location, product) -> summed quantity; and the last leg on each row with its time, whose
    // mirror values and time the row ends with (as it would one posting at a time).
    let mut takes: Vec<((&str, &str), i64)> = Vec::new();
    let mut adds: Vec<((&str, &str), i64)> = Vec::new();
    let mut last: Vec<((&str, &str), &ApplyLeg, i64)> = Vec::new();
    let mut decisions = Vec::with_capacity(items.len());
    for it in items {
        outcomes.extend([(&it.txn_id).into(), it.at.into()]);
        let mut deltas = Vec::with_capacity(it.legs.len());
        for l in &it.legs {
            let Effect::Delta(d) = l.leg.effect else {
                return Ok(None);
            };
            movements.extend([
                (&it.txn_id).into(),
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
        decisions.push(Decision::Applied(deltas));
    }
    let mut st = Statements::default();
    st.push("SAVEPOINT lot", vec![]);
    for chunk in outcomes.chunks(2 * 100) {
        st.push(
            values_sql(
                "INSERT INTO outcomes (txn_id, outcome, reason, at)",
                "(?, 'applied', NULL, ?)",
                chunk.len() / 2,
                "",
            ),
            chunk.to_vec(),
        );
    }
    for chunk in movements.chunks(7 * 100) {
        st.push(
            values_sql(
                "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
                "(?, ?, ?, ?, ?, ?, ?)",
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
        st.push(values_sql("INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at)", "(?, ?, ?, NULL, ?, ?, ?)", chunk.len(), location::ADD_STOCK_CONFLICT), args);
    }
    let applied = match st.run(c, b, S).await {
        Ok(done) => {
            done[first_take..after_takes]
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
    Ok(Some(decisions))
}

/// `head VALUES row, row, ... tail` with `n` copies of `row`.
fn values_sql(head: &str, row: &str, n: usize, tail: &str) -> String {
    format!("{head} VALUES {}{tail}", vec![row; n].join(", "))
}

/// [`location::apply_posting`] (or, for a fresh posting, [`location::apply_undecided`]) in
/// the item's own savepoint.
async fn one_by_one(
    c: &mut AnyConnection,
    b: Backend,
    it: &ApplyItem,
    fresh: bool,
) -> Result<Result<Decision>> {
    exec(c, "SAVEPOINT item").await?;
    let r = if fresh {
        location::apply_undecided(c, b, &it.txn_id, &it.legs, it.at).await
    } else {
        location::apply_posting(c, b, &it.txn_id, &it.legs, it.at).await
    };
    if r.is_err() {
        exec(c, "ROLLBACK TO SAVEPOINT item").await?;
    }
    Ok(r)
}

/// A quick item's statements, after `opening` (a savepoint, or nothing): its `applied`
/// outcome, its movements, its stock updates (from the returned index on, one per leg), and
/// the (line, leg, delta) of each leg.
fn statements(it: &ApplyItem, opening: &str) -> (Statements, usize, Vec<(i64, i64, i64)>) {
    let mut st = Statements::default();
    if !opening.is_empty() {
        st.push(opening, vec![]);
    }
    st.push(
        "INSERT INTO outcomes (txn_id, outcome, reason, at) VALUES (?, 'applied', NULL, ?)",
        vec![(&it.txn_id).into(), it.at.into()],
    );
    let mut deltas = Vec::with_capacity(it.legs.len());
    for chunk in it.legs.chunks(100) {
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 7);
        for l in chunk {
            let Effect::Delta(d) = l.leg.effect else {
                continue;
            };
            args.extend([
                (&it.txn_id).into(),
                l.leg.line_no.into(),
                l.leg.leg.into(),
                (&l.leg.location_id).into(),
                (&l.leg.product_id).into(),
                d.into(),
                it.at.into(),
            ]);
            deltas.push((l.leg.line_no, l.leg.leg, d));
        }
        st.push(
            super::bulk::values_sql(
                "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
                7,
                args.len() / 7,
                "",
            ),
            args,
        );
    }
    let first_leg = st.len();
    for l in &it.legs {
        if let Effect::Delta(d) = l.leg.effect {
            let (sql, args) = if d >= 0 {
                (ADD_STOCK, location::add_args(l, d, it.at))
            } else {
                (TAKE_STOCK, location::take_args(l, d, it.at))
            };
            st.push(sql, args);
        }
    }
    (st, first_leg, deltas)
}

/// The first leg whose conditional take changed no row (not enough stock).
fn refused<'a>(it: &'a ApplyItem, legs_done: &[Done]) -> Option<&'a ApplyLeg> {
    it.legs
        .iter()
        .zip(legs_done)
        .find(|(l, d)| matches!(l.leg.effect, Effect::Delta(x) if x < 0) && d.rows_affected == 0)
        .map(|(l, _)| l)
}

/// One quick item in its own savepoint, in one trip. The outer `Err` is a failure of the job
/// as a whole; the inner one belongs to this posting (its savepoint already rolled back). A
/// refused posting is rolled back and decided again statement by statement, so that its reason
/// names what its refused line saw (rare, so the extra trips do not matter).
async fn quick_apply(
    c: &mut AnyConnection,
    b: Backend,
    it: &ApplyItem,
) -> Result<Result<Decision>> {
    let (st, first_leg, deltas) = statements(it, "SAVEPOINT item");
    let done = match st.run(c, b, S).await {
        Ok(done) => done,
        Err(e) => {
            exec(c, "ROLLBACK TO SAVEPOINT item").await?;
            return Ok(Err(e));
        }
    };
    if refused(it, &done[first_leg..]).is_none() {
        return Ok(Ok(Decision::Applied(deltas)));
    }
    exec(c, "ROLLBACK TO SAVEPOINT item").await?;
    one_by_one(c, b, it, true).await
}
