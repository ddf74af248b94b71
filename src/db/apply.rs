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
pub async fn apply_batch(c: &mut AnyConnection, b: Backend, items: Vec<ApplyItem>) -> Result<Vec<Result<Decision>>> {
    if items.len() > 1 && items.iter().all(quick) {
        if let Some(decisions) = apply_lot(c, b, &items).await? {
            return Ok(decisions.into_iter().map(Ok).collect());
        }
    }
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let r = if quick(&it) { quick_apply(c, b, &it).await? } else { one_by_one(c, b, &it, it.fresh).await? };
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
    it.fresh && it.legs.iter().all(|l| matches!(l.leg.effect, Effect::Delta(_)))
}

/// The common case, cheapest: every posting applies. They go one after another under a single
/// savepoint for the lot (no savepoint, hence no copy of every touched page, per posting). At
/// the first refusal or failure the lot is rolled back and `None` returned, and the caller
/// decides them again one by one, each in its own savepoint, with the same results it would
/// have had.
async fn apply_lot(c: &mut AnyConnection, b: Backend, items: &[ApplyItem]) -> Result<Option<Vec<Decision>>> {
    let mut decisions = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let (st, first_leg, deltas) = statements(it, if i == 0 { "SAVEPOINT lot" } else { "" });
        let applied = match st.run(c, b, S).await {
            Ok(done) => refused(it, &done[first_leg..]).is_none(),
            Err(_) => false,
        };
        if !applied {
            exec(c, "ROLLBACK TO SAVEPOINT lot").await?;
            return Ok(None);
        }
        decisions.push(Decision::Applied(deltas));
    }
    Ok(Some(decisions))
}

/// [`location::apply_posting`] in the item's own savepoint.
async fn one_by_one(c: &mut AnyConnection, b: Backend, it: &ApplyItem, fresh: bool) -> Result<Result<Decision>> {
    exec(c, "SAVEPOINT item").await?;
    let r = location::apply_posting(c, b, &it.txn_id, &it.legs, it.at, fresh).await;
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
    st.push("INSERT INTO outcomes (txn_id, outcome, reason, at) VALUES (?, 'applied', NULL, ?)", vec![(&it.txn_id).into(), it.at.into()]);
    let mut deltas = Vec::with_capacity(it.legs.len());
    for chunk in it.legs.chunks(100) {
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 7);
        for l in chunk {
            let Effect::Delta(d) = l.leg.effect else { continue };
            args.extend([(&it.txn_id).into(), l.leg.line_no.into(), l.leg.leg.into(), (&l.leg.location_id).into(), (&l.leg.product_id).into(), d.into(), it.at.into()]);
            deltas.push((l.leg.line_no, l.leg.leg, d));
        }
        st.push(super::bulk::values_sql("INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)", 7, args.len() / 7, ""), args);
    }
    let first_leg = st.len();
    for l in &it.legs {
        if let Effect::Delta(d) = l.leg.effect {
            let (sql, args) = if d >= 0 { (ADD_STOCK, location::add_args(l, d, it.at)) } else { (TAKE_STOCK, location::take_args(l, d, it.at)) };
            st.push(sql, args);
        }
    }
    (st, first_leg, deltas)
}

/// The first leg whose conditional take changed no row (not enough stock).
fn refused<'a>(it: &'a ApplyItem, legs_done: &[Done]) -> Option<&'a ApplyLeg> {
    it.legs.iter().zip(legs_done).find(|(l, d)| matches!(l.leg.effect, Effect::Delta(x) if x < 0) && d.rows_affected == 0).map(|(l, _)| l)
}

/// One quick item in its own savepoint, in one trip. The outer `Err` is a failure of the job
/// as a whole; the inner one belongs to this posting (its savepoint already rolled back).
async fn quick_apply(c: &mut AnyConnection, b: Backend, it: &ApplyItem) -> Result<Result<Decision>> {
    let (st, first_leg, deltas) = statements(it, "SAVEPOINT item");
    let done = match st.run(c, b, S).await {
        Ok(done) => done,
        Err(e) => {
            exec(c, "ROLLBACK TO SAVEPOINT item").await?;
            return Ok(Err(e));
        }
    };
    let Some(leg) = refused(it, &done[first_leg..]) else { return Ok(Ok(Decision::Applied(deltas))) };
    exec(c, "ROLLBACK TO SAVEPOINT item").await?;
    let reason = location::refusal(c, b, leg).await?;
    sqlx::query(b.sql("INSERT INTO outcomes (txn_id, outcome, reason, at) VALUES (?, 'aborted', ?, ?)"))
        .bind(&it.txn_id)
        .bind(&reason)
        .bind(it.at)
        .execute(&mut *c)
        .await
        .map_err(Error::db(S))?;
    Ok(Ok(Decision::Aborted(reason)))
}
