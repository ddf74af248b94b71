//! The posting workload: `clerks` tokio tasks, each posting single-line receipts, issues and
//! transfers through [`Services::post`] (with a client-made id, as the app does) as fast as the
//! answers come, for a fixed time, timing every posting from call to durable answer.

use std::time::{Duration, Instant};

use crate::domain::{Quantity, TxKind, new_id};
use crate::error::{Error, Result};
use crate::service::demo::Rng;
use crate::service::posting::{LineRequest, PostRequest};
use crate::service::{Actor, Services};

/// Units received of every working product at every working bin before the clock starts, so
/// that issues (1 to 5 units) practically never run dry.
const OPENING_UNITS: i64 = 100_000;

/// What the clerks did.
#[derive(Debug, Default)]
pub(crate) struct Totals {
    /// Microseconds per acknowledged posting, sorted.
    pub latencies_us: Vec<u64>,
    pub posted: u64,
    pub rejected: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Most journal writes under way at once (sampled), and how long the last ones took to
    /// finish after the clock stopped.
    pub journal_backlog_max: usize,
    pub journal_drain: Duration,
}

/// Receives opening stock of every `sku` at every bin (one receipt per bin).
pub(crate) async fn stock_up(
    s: &Services,
    actor: &Actor,
    skus: &[String],
    bins: &[String],
) -> Result<()> {
    for bin in bins {
        let req = PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some(bin.clone()),
            lines: skus
                .iter()
                .map(|sku| LineRequest {
                    code: sku.clone(),
                    qty: Quantity::units(OPENING_UNITS),
                    price: None,
                })
                .collect(),
            reference: Some("bench opening stock".into()),
            ..Default::default()
        };
        let out = s.post(actor, &req).await?;
        if !out.is_posted() {
            return Err(Error::Invalid(format!(
                "opening stock at {bin} was rejected: {}",
                out.reason.unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// One clerk's loop until `deadline`.
async fn clerk(
    s: Services,
    actor: Actor,
    skus: Vec<String>,
    bins: Vec<String>,
    seed: u64,
    deadline: Instant,
) -> Totals {
    let mut rng = Rng::new(seed);
    let mut t = Totals::default();
    while Instant::now() < deadline {
        let Some(sku) = rng.pick(&skus).cloned() else {
            break;
        };
        let from = rng.below(bins.len() as u64) as usize;
        let to = (from + 1 + rng.below(bins.len().saturating_sub(1).max(1) as u64) as usize)
            % bins.len();
        let mut req = PostRequest {
            id: Some(new_id()),
            ..Default::default()
        };
        let units = match rng.below(100) {
            0..=39 => {
                req.kind = Some(TxKind::Receipt);
                req.dest = Some(bins[to].clone());
                rng.range(1, 20)
            }
            40..=79 => {
                req.kind = Some(TxKind::Issue);
                req.source = Some(bins[from].clone());
                rng.range(1, 5)
            }
            _ => {
                req.kind = Some(TxKind::Transfer);
                req.source = Some(bins[from].clone());
                req.dest = Some(bins[to].clone());
                rng.range(1, 5)
            }
        };
        req.lines.push(LineRequest {
            code: sku,
            qty: Quantity::units(units),
            price: None,
        });
        let started = Instant::now();
        match s.post(&actor, &req).await {
            Ok(out) => {
                t.latencies_us.push(started.elapsed().as_micros() as u64);
                if out.is_posted() {
                    t.posted += 1;
                } else {
                    t.rejected += 1;
                }
            }
            Err(e) => {
                t.errors += 1;
                t.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    t
}

/// Runs `clerks` clerks for `seconds` over the working `skus` and `bins`.
pub(crate) async fn run(
    s: &Services,
    actor: &Actor,
    skus: &[String],
    bins: &[String],
    clerks: usize,
    seconds: u64,
    seed: u64,
) -> Result<Totals> {
    if skus.is_empty() || bins.len() < 2 {
        return Err(Error::Invalid(
            "the posting benchmark needs products and at least two bins".into(),
        ));
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clerks)
        .map(|i| {
            tokio::spawn(clerk(
                s.clone(),
                actor.clone(),
                skus.to_vec(),
                bins.to_vec(),
                seed.wrapping_add(i as u64 * 7_777),
                deadline,
            ))
        })
        .collect();
    // Answers come at the decision; the journal must keep up behind them, or the rate would
    // only be borrowed. Watch how far it falls behind.
    let sampler = tokio::spawn({
        let s = s.clone();
        async move {
            let mut most = 0;
            while Instant::now() < deadline {
                most = most.max(s.batches.settle.open());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            most
        }
    });
    let mut all = Totals::default();
    for task in tasks {
        let t = task
            .await
            .map_err(|e| Error::Unavailable(format!("a bench clerk failed: {e}")))?;
        all.latencies_us.extend(t.latencies_us);
        all.posted += t.posted;
        all.rejected += t.rejected;
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    all.elapsed = started.elapsed();
    let drain = Instant::now();
    s.settled().await;
    all.journal_drain = drain.elapsed();
    all.journal_backlog_max = sampler.await.unwrap_or(0);
    all.latencies_us.sort_unstable();
    Ok(all)
}
