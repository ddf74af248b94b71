//! `gudang bench --reports`: the reports timed on the bench's data (its products, its history
//! and what its clerks posted), each as the CLI and the app run it.
//!
//! - Stock card: the first page (50 rows) of [`CARD_RUNS`] products picked at random from the
//!   bench's sample, over the whole history (a year: the widest period, the most to sum), and of
//!   the product with the most journal lines (the clerks' busiest).
//! - Movement report of the last 30 days and of a month half a year back, every product,
//!   streamed and counted as a file export would write it; the memory peak of the report alone.
//! - Valuation today (by location) and half a year back (by category).

use std::time::Instant;

use chrono::Duration;
use serde::Serialize;

use super::super::demo::{Rng, Sources};
use super::{Actor, BenchOptions, Services, peak_rss_mb, quantile_ms};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::service::reports::{
    CardQuery, MovementQuery, Period, ValuationBy, ValuationQuery, today,
};

/// Cards timed.
pub const CARD_RUNS: usize = 50;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportTimings {
    pub card_runs: usize,
    pub card_p50_ms: f64,
    pub card_p99_ms: f64,
    pub card_max_ms: f64,
    /// The first page of the card of the product with the most journal lines.
    pub card_busiest_ms: f64,
    pub card_busiest_lines: u64,
    pub card_busiest_sku: String,
    /// The last 30 days, every product.
    /// Closing every closable month once (monthly work, done before the reports are timed).
    pub closing_ms: f64,
    pub closing_months: u32,
    pub closing_rows: u64,
    pub movement_month_ms: f64,
    pub movement_month_rows: u64,
    /// The 30 days ending 182 days ago (more journal lines lie after them to go back through).
    pub movement_old_month_ms: f64,
    pub movement_old_month_rows: u64,
    /// Resident memory before the last-30-days report and its peak while it ran (the process's
    /// peak reset before it), MiB; 0 where the peak cannot be reset.
    pub movement_rss_before_mb: f64,
    pub movement_peak_rss_mb: f64,
    pub valuation_ms: f64,
    pub valuation_rows: usize,
    pub valuation_old_ms: f64,
    pub valuation_old_rows: usize,
    /// Journal lines the reports read through.
    pub history_lines: u64,
}

/// Resets the process's peak resident memory (Linux); whether it could.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Resident memory now (VmRSS), MiB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

impl Services {
    /// Times the reports (see the module doc) on the data a bench run with `opts` left.
    pub async fn bench_reports(
        &self,
        actor: &Actor,
        opts: &BenchOptions,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<ReportTimings> {
        actor.require(Permission::Read)?;
        let mut r = ReportTimings {
            card_runs: CARD_RUNS,
            history_lines: self.count_lines().await?,
            ..Default::default()
        };
        let src = Sources::get().map_err(Error::Invalid)?;
        let products = self
            .count_products(&crate::db::master::ProductFilter::default())
            .await?
            .max(0) as u64;
        let sample = self.sample_products(src, opts.seed, products).await?;
        let year = Period::new(today() - Duration::days(365), today())?;

        progress("timing stock cards");
        let mut rng = Rng::new(opts.seed ^ 0x6361_7264);
        let mut runs = Vec::with_capacity(CARD_RUNS);
        // One untimed card first: the first read of each shard opens its connections.
        if let Some(p) = sample.first() {
            self.stock_card(&CardQuery::new(&p.sku, year)).await?;
        }
        for _ in 0..CARD_RUNS {
            let Some(p) = rng.pick(&sample) else { break };
            let t = Instant::now();
            self.stock_card(&CardQuery::new(&p.sku, year)).await?;
            runs.push(t.elapsed().as_micros() as u64);
        }
        runs.sort_unstable();
        r.card_p50_ms = quantile_ms(&runs, 0.5);
        r.card_p99_ms = quantile_ms(&runs, 0.99);
        r.card_max_ms = quantile_ms(&runs, 1.0);
        if let Some((pid, lines)) = self.busiest_product().await? {
            let mb = self.shards.master.backend();
            let found = self
                .shards
                .master
                .browse(move |p| {
                    Box::pin(
                        async move { crate::db::master::products_by_ids(&p, mb, &[pid]).await },
                    )
                })
                .await?;
            if let Some(p) = found.first() {
                let t = Instant::now();
                self.stock_card(&CardQuery::new(&p.sku, year)).await?;
                r.card_busiest_ms = ms(t);
                r.card_busiest_lines = lines;
                r.card_busiest_sku = p.sku.clone();
            }
        }

        progress("closing the months (tutup buku)");
        let t = Instant::now();
        let closed = self.close_months().await?;
        (r.closing_ms, r.closing_months, r.closing_rows) = (ms(t), closed.closed, closed.rows);

        progress("timing the movement report");
        for (end_days_ago, old) in [(0, false), (182, true)] {
            let to = today() - Duration::days(end_days_ago);
            let q = MovementQuery::new(Period::new(to - Duration::days(29), to)?);
            let before = rss_mb();
            let can_reset = reset_peak_rss();
            let t = Instant::now();
            let mut rows = 0u64;
            self.movement_report_each(&q, &mut |_| {
                rows += 1;
                Ok(())
            })
            .await?;
            let took = ms(t);
            if old {
                (r.movement_old_month_ms, r.movement_old_month_rows) = (took, rows);
            } else {
                (r.movement_month_ms, r.movement_month_rows) = (took, rows);
                if can_reset {
                    r.movement_rss_before_mb = before;
                    r.movement_peak_rss_mb = peak_rss_mb();
                }
            }
        }

        progress("timing the valuation");
        for (days_ago, by, old) in [
            (0, ValuationBy::Location, false),
            (182, ValuationBy::Category, true),
        ] {
            let q = ValuationQuery::new(today() - Duration::days(days_ago), by);
            let t = Instant::now();
            let v = self.valuation(&q).await?;
            if old {
                (r.valuation_old_ms, r.valuation_old_rows) = (ms(t), v.rows.len());
            } else {
                (r.valuation_ms, r.valuation_rows) = (ms(t), v.rows.len());
            }
        }
        Ok(r)
    }

    /// The product with the most journal lines, and how many.
    async fn busiest_product(&self) -> Result<Option<(String, u64)>> {
        let b = self.shards.transaction.backend();
        let row: Option<(String, i64)> = self
            .shards
            .transaction
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_as(b.sql("SELECT product_id, COUNT(*) FROM transaction_lines GROUP BY product_id ORDER BY 2 DESC LIMIT 1"))
                        .fetch_optional(&p)
                        .await
                        .map_err(Error::db("transaction"))
                })
            })
            .await?;
        Ok(row.map(|(id, n)| (id, n.max(0) as u64)))
    }
}
