//! Step 2 of the posting protocol for many postings in one write job (see
//! [`super::coalesce`]): each posting is decided exactly as [`location::apply_posting`]
//! decides it, in a savepoint of its own, so one refusal or failure touches no other posting.
//!
//! A new posting whose every leg adds or takes a quantity (receipts, issues, transfers) is
//! decided in one trip to the database: its `applied` outcome, its movements and its stock
//! updates go together, each stock update being the usual conditional statement. If one of
//! those updates changes no row (not enough stock), the posting's savepoint is rolled back and
//! `aborted` recorded with the reason; if the outcome already exists (recovery decided first),
//! it is rolled back and the stored decision stands. Adjustments and retries take the
//! one-statement-at-a-time path of [`location::apply_posting`].

use sqlx::AnyConnection;

use super::dialect::Backend;
use super::location::{self, ADD_STOCK, ApplyLeg, Decision, TAKE_STOCK};
use super::multi::{Arg, Statements};
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
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let quick = it.fresh && it.legs.iter().all(|l| matches!(l.leg.effect, Effect::Delta(_)));
        let r = if quick { quick_apply(c, b, &it).await? } else { one_by_one(c, b, &it, it.fresh).await? };
        // Decided meanwhile (recovery was first): the stored decision stands.
        let r = match r {
            Err(e) if it.fresh && e.is_unique_violation() => one_by_one(c, b, &it, false).await?,
            r => r,
        };
        out.push(r);
    }
    Ok(out)
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

/// The one-trip decision. The outer `Err` is a failure of the job as a whole; the inner one
/// belongs to this posting (its savepoint already rolled back).
async fn quick_apply(c: &mut AnyConnection, b: Backend, it: &ApplyItem) -> Result<Result<Decision>> {
    let mut st = Statements::default();
    st.push("SAVEPOINT item", vec![]);
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
    let done = match st.run(c, b, S).await {
        Ok(done) => done,
        Err(e) => {
            exec(c, "ROLLBACK TO SAVEPOINT item").await?;
            return Ok(Err(e));
        }
    };
    let refused = it.legs.iter().zip(&done[first_leg..]).find(|(l, d)| matches!(l.leg.effect, Effect::Delta(x) if x < 0) && d.rows_affected == 0);
    let Some((leg, _)) = refused else { return Ok(Ok(Decision::Applied(deltas))) };
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
