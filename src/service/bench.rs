//! `gudang bench`: measures the targets of the core issue on the deployment it is given and
//! leaves the data there, so `gudang check` can verify it afterwards.
//!
//! 1. Setup, not timed: the demo units, categories and bins; demo products up to `products`
//!    (bulk); bulk history up to `history_lines` posted lines (see [`history`]); then a
//!    checkpoint of every SQLite shard, so the timing does not fold the import's log in.
//! 2. Dashboard: one warm-up, then [`DASHBOARD_RUNS`] timed calls of [`Services::dashboard`];
//!    `dashboard_ms` is the slowest of them, `dashboard_p50_ms` the median.
//! 3. Search: for real products picked at random, [`SEARCH_QUERIES`] timed queries of each kind:
//!    exact SKU or barcode ([`Services::product_by_code`]), SKU or name prefix and a word from
//!    the middle of a name ([`Services::search_products`], one page of 50).
//! 4. Posting: after [`WARM_UP_SECS`] of the same load, untimed, `clerks` concurrent clerks
//!    for `seconds` (see [`clerks`]); throughput counts
//!    acknowledged postings (posted or rejected: durably decided) over the wall time. The
//!    journal's lag behind the answers is reported too (`journal_*`, `journaled_per_sec`).
//!
//! `durable` is true only if every shard's write connection commits synchronously (SQLite
//! `synchronous` FULL or EXTRA; PostgreSQL `fsync` on and `synchronous_commit` not off;
//! MariaDB `innodb_flush_log_at_trx_commit=1` and, with the binary log on, `sync_binlog=1`),
//! asked of the database.
//!
//! 5. Reports, on request ([`Services::bench_reports`], `gudang bench --reports`): the stock
//!    card, the movement report and the valuation timed on this data (see [`reports`]).
//!
//! 6. Floor, on request ([`Services::bench_floor`], `gudang bench --floor`): the same writes
//!    committed by a minimal program on scratch copies of the shards, job sizes as this run
//!    had them (see [`floor`]); the report then gives the run as a percentage of that floor.

mod clerks;
pub mod floor;
mod history;
pub mod reports;
mod search;

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use super::demo::{Rng, Sources};
use super::{Actor, Services};
use crate::db::master::ProductFilter;
use crate::db::{Backend, ShardHandle, ShardName};
use crate::domain::role::Permission;
use crate::error::{Error, Result};

pub const DASHBOARD_RUNS: usize = 5;
pub const SEARCH_QUERIES: usize = 300;
/// Products the history and the searches draw from.
const SAMPLE: usize = 20_000;
/// Products and bins the clerks post against.
const WORKING_PRODUCTS: usize = 256;
const WORKING_BINS: usize = 4;
/// Seconds the clerks post before the timed run (see step 4 of the module doc).
pub const WARM_UP_SECS: u64 = 2;

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub clerks: usize,
    pub seconds: u64,
    pub products: u64,
    pub history_lines: u64,
    pub seed: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            clerks: 32,
            seconds: 10,
            products: 1_000_000,
            history_lines: 1_000_000,
            seed: 2026,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BenchReport {
    pub postings_per_sec: f64,
    pub posting_p50_ms: f64,
    pub posting_p99_ms: f64,
    pub posting_max_ms: f64,
    pub durable: bool,
    /// Each shard's synchronous setting, as the database reports it.
    pub synchronous: BTreeMap<String, String>,
    pub clerks: usize,
    pub seconds: f64,
    /// Acknowledged postings (posted + rejected).
    pub postings: u64,
    pub posted: u64,
    pub rejected: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    /// Slowest of the timed dashboard runs.
    pub dashboard_ms: f64,
    pub dashboard_p50_ms: f64,
    pub dashboard_runs: usize,
    /// Transaction lines in the transaction shard when the dashboard was timed.
    pub history_lines: u64,
    pub products: u64,
    pub search_exact_p99_ms: f64,
    pub search_prefix_p99_ms: f64,
    pub search_substring_p99_ms: f64,
    pub search_queries: usize,
    /// Searches that found nothing (each query is built from a real product, so this should be 0).
    pub search_misses: usize,
    /// Per shard during the posting run: write batches committed, jobs per batch and time per
    /// batch (commit included), to see where a posting's time goes.
    pub shard_batches: BTreeMap<String, ShardLoad>,
    /// Postings are answered once decided; their journal entries follow in the background.
    /// Most entries waiting at once (sampled every 20 ms), and the time the last ones took to
    /// reach the journal after the clock stopped.
    pub journal_backlog_max: usize,
    pub journal_drain_ms: f64,
    /// Acknowledged postings over the posting time plus that drain: the rate at which postings
    /// were both decided and journaled.
    pub journaled_per_sec: f64,
    pub products_added: u64,
    pub history_lines_added: u64,
    pub setup_seconds: f64,
    /// Peak resident memory of this process (VmHWM), MiB.
    pub peak_rss_mb: f64,
    /// Acknowledged postings per write job on the location shard (decision jobs, mostly),
    /// and per write job on the transaction shard (journal jobs): the job sizes the floor
    /// repeats.
    pub postings_per_job: f64,
    pub docs_per_journal_job: f64,
    /// With `--floor`: the floor, and `postings_per_sec` as a percentage of its `sent` phase.
    pub floor: Option<floor::FloorReport>,
    pub percent_of_floor: Option<f64>,
    /// With `--reports`: the reports timed on the run's data ([`Services::bench_reports`]).
    pub reports: Option<reports::ReportTimings>,
}

impl BenchReport {
    /// Records the floor measured for this run.
    pub fn set_floor(&mut self, f: floor::FloorReport) {
        self.percent_of_floor = (f.sent.postings_per_sec > 0.0)
            .then(|| self.postings_per_sec / f.sent.postings_per_sec * 100.0);
        self.floor = Some(f);
    }
}

/// One shard's write batches over the posting run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ShardLoad {
    pub batches: u64,
    pub jobs_per_batch: f64,
    pub ms_per_batch: f64,
    /// Of which the commit (its durable sync, mostly).
    pub commit_ms_per_batch: f64,
    /// Share of the run the writer was busy.
    pub busy: f64,
}

/// The value at quantile `q` (0..=1) of sorted microseconds, in milliseconds.
fn quantile_ms(sorted_us: &[u64], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((sorted_us.len() as f64 * q).ceil() as usize).clamp(1, sorted_us.len());
    sorted_us[rank - 1] as f64 / 1000.0
}

/// Peak resident set size of this process in MiB (Linux; 0 elsewhere).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Whether `shard`'s write connection commits durably, and its setting.
async fn synchronous(shard: &ShardHandle) -> Result<(bool, String)> {
    let name = shard.name().as_str();
    match shard.backend() {
        Backend::Sqlite => {
            let v: i64 = shard
                .write(move |c| {
                    Box::pin(async move {
                        sqlx::query_scalar("PRAGMA synchronous")
                            .fetch_one(c)
                            .await
                            .map_err(Error::db(name))
                    })
                })
                .await?;
            let label = ["OFF", "NORMAL", "FULL", "EXTRA"]
                .get(v.clamp(0, 3) as usize)
                .copied()
                .unwrap_or("?");
            Ok((v >= 2, format!("synchronous={label}")))
        }
        Backend::Postgres | Backend::Mysql => {
            let q = shard.backend().durability_probe().unwrap_or("SELECT 1, ''");
            let (durable, settings): (i64, String) = shard
                .write(move |c| {
                    Box::pin(async move {
                        sqlx::query_as(q)
                            .fetch_one(c)
                            .await
                            .map_err(Error::db(name))
                    })
                })
                .await?;
            Ok((durable == 1, settings))
        }
    }
}

async fn timed<T>(f: impl std::future::Future<Output = Result<T>>) -> Result<(u64, T)> {
    let t = Instant::now();
    let v = f.await?;
    Ok((t.elapsed().as_micros() as u64, v))
}

impl Services {
    /// Runs the benchmark (see the module doc). `progress` hears what the setup is doing.
    pub async fn bench(
        &self,
        actor: &Actor,
        opts: &BenchOptions,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<BenchReport> {
        for p in [
            Permission::ManageCatalog,
            Permission::ManageLocations,
            Permission::PostMovement,
        ] {
            actor.require(p)?;
        }
        if !(1..=1024).contains(&opts.clerks) {
            return Err(Error::Invalid("--clerks must be between 1 and 1024".into()));
        }
        if !(1..=3600).contains(&opts.seconds) {
            return Err(Error::Invalid(
                "--seconds must be between 1 and 3600".into(),
            ));
        }
        if opts.products == 0 || opts.products > super::demo::MAX_PRODUCTS {
            return Err(Error::Invalid(format!(
                "--products must be between 1 and {}",
                super::demo::MAX_PRODUCTS
            )));
        }
        if opts.history_lines > 50_000_000 {
            return Err(Error::Invalid(
                "--history-lines must be at most 50000000".into(),
            ));
        }
        let mut r = BenchReport {
            clerks: opts.clerks,
            dashboard_runs: DASHBOARD_RUNS,
            ..Default::default()
        };
        r.durable = true;
        for shard in self.shards.all() {
            let (ok, label) = synchronous(shard).await?;
            r.durable &= ok;
            r.synchronous
                .insert(shard.name().as_str().to_string(), label);
        }
        let setup = Instant::now();
        let src = Sources::get().map_err(Error::Invalid)?;
        let (catalog, _, _) = self.demo_catalog(actor, src).await?;
        let (bins, _) = self.demo_locations(actor, src, opts.products).await?;
        let have = self.count_products(&ProductFilter::default()).await?.max(0) as u64;
        if have < opts.products {
            progress(&format!("adding {} products", opts.products - have));
            self.add_demo_products(actor, &catalog, opts.seed, have, opts.products - have)
                .await?;
            r.products_added = opts.products - have;
        }
        r.products = self.count_products(&ProductFilter::default()).await?.max(0) as u64;
        let sample = self.sample_products(src, opts.seed, r.products).await?;
        let lines = self.count_lines().await?;
        if lines < opts.history_lines {
            progress(&format!(
                "adding {} lines of history",
                opts.history_lines - lines
            ));
            let all = self.list_locations().await?;
            let bin_rows: Vec<_> = all.into_iter().filter(|l| bins.contains(&l.code)).collect();
            r.history_lines_added = history::add_history(
                self,
                &actor.email,
                &sample,
                &bin_rows,
                opts.history_lines - lines,
                opts.seed ^ lines,
            )
            .await?;
        }
        r.history_lines = self.count_lines().await?;
        // A bulk import leaves SQLite a write-ahead log of hundreds of megabytes for the next
        // commits to fold into the database; a deployment is long past that when its clerks
        // are busy, so the timing starts from a checkpointed database.
        self.checkpoint_all().await?;
        r.setup_seconds = setup.elapsed().as_secs_f64();

        progress("timing the dashboard");
        self.dashboard().await?;
        let mut runs = Vec::with_capacity(DASHBOARD_RUNS);
        for _ in 0..DASHBOARD_RUNS {
            runs.push(timed(self.dashboard()).await?.0);
        }
        runs.sort_unstable();
        r.dashboard_ms = quantile_ms(&runs, 1.0);
        r.dashboard_p50_ms = quantile_ms(&runs, 0.5);

        progress("timing product search");
        self.time_searches(&sample, opts.seed, &mut r).await?;

        progress(&format!(
            "{} clerks posting for {} s",
            opts.clerks, opts.seconds
        ));
        let mut rng = Rng::new(opts.seed ^ 0x706f_7374);
        let skus: Vec<String> = (0..WORKING_PRODUCTS.min(sample.len()))
            .filter_map(|_| rng.pick(&sample).map(|p| p.sku.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let working_bins: Vec<String> = bins.iter().take(WORKING_BINS).cloned().collect();
        clerks::stock_up(self, actor, &skus, &working_bins).await?;
        // A server straight after a bulk load (MariaDB above all) stalls for its first seconds
        // of commits while it catches up on its own flushing; a deployment whose clerks are
        // busy is long past that. The clerks post untimed first.
        progress(&format!("warming up for {WARM_UP_SECS} s (not counted)"));
        clerks::run(
            self,
            actor,
            &skus,
            &working_bins,
            opts.clerks,
            WARM_UP_SECS,
            opts.seed ^ 0x7761_726d,
        )
        .await?;
        let before: Vec<_> = self.shards.all().iter().map(|s| s.health()).collect();
        let t = clerks::run(
            self,
            actor,
            &skus,
            &working_bins,
            opts.clerks,
            opts.seconds,
            opts.seed,
        )
        .await?;
        for (shard, h0) in self.shards.all().iter().zip(before) {
            let h = shard.health();
            let batches = h.batches.saturating_sub(h0.batches);
            let per = |x: u64| {
                if batches > 0 {
                    x as f64 / batches as f64
                } else {
                    0.0
                }
            };
            let busy_us = h.busy_us.saturating_sub(h0.busy_us);
            r.shard_batches.insert(
                shard.name().as_str().to_string(),
                ShardLoad {
                    batches,
                    jobs_per_batch: per(h.jobs.saturating_sub(h0.jobs)),
                    ms_per_batch: per(busy_us) / 1000.0,
                    commit_ms_per_batch: per(h.commit_us.saturating_sub(h0.commit_us)) / 1000.0,
                    busy: busy_us as f64 / 1e6 / t.elapsed.as_secs_f64().max(1e-9),
                },
            );
        }
        r.seconds = t.elapsed.as_secs_f64();
        r.posted = t.posted;
        r.rejected = t.rejected;
        r.errors = t.errors;
        r.first_error = t.first_error;
        r.postings = t.posted + t.rejected;
        r.postings_per_sec = if r.seconds > 0.0 {
            r.postings as f64 / r.seconds
        } else {
            0.0
        };
        r.journal_backlog_max = t.journal_backlog_max;
        r.journal_drain_ms = t.journal_drain.as_secs_f64() * 1000.0;
        r.journaled_per_sec =
            r.postings as f64 / (r.seconds + t.journal_drain.as_secs_f64()).max(1e-9);
        r.posting_p50_ms = quantile_ms(&t.latencies_us, 0.50);
        r.posting_p99_ms = quantile_ms(&t.latencies_us, 0.99);
        r.posting_max_ms = quantile_ms(&t.latencies_us, 1.0);
        r.peak_rss_mb = peak_rss_mb();
        let jobs = |shard: &str| {
            r.shard_batches
                .get(shard)
                .map_or(0.0, |l| l.batches as f64 * l.jobs_per_batch)
        };
        let per = |n: f64| if n > 0.0 { r.postings as f64 / n } else { 0.0 };
        r.postings_per_job = per(jobs("location"));
        r.docs_per_journal_job = per(jobs("transaction"));
        Ok(r)
    }

    /// The floor of the posting run `r` reported (see [`floor`]): the same writes, as many
    /// postings per job, committed for `seconds` per measurement by a minimal program on
    /// scratch copies of the location and transaction shards, dropped after. `session`
    /// statements run on the floor's connections first.
    pub async fn bench_floor(
        &self,
        actor: &Actor,
        r: &BenchReport,
        seconds: u64,
        seed: u64,
        session: Vec<String>,
    ) -> Result<floor::FloorReport> {
        for p in [Permission::ManageLocations, Permission::PostMovement] {
            actor.require(p)?;
        }
        if !(1..=3600).contains(&seconds) {
            return Err(Error::Invalid(
                "--seconds must be between 1 and 3600".into(),
            ));
        }
        let size = |x: f64| (x.round() as usize).clamp(1, floor::MAX_JOB);
        floor::run(
            &self.config.shard_url(ShardName::Location),
            &self.config.shard_url(ShardName::Transaction),
            &floor::FloorOptions {
                seconds,
                postings_per_job: size(r.postings_per_job),
                docs_per_journal_job: size(r.docs_per_journal_job),
                seed,
                session,
            },
        )
        .await
    }

    /// Copies every SQLite shard's write-ahead log into its database and empties the log.
    async fn checkpoint_all(&self) -> Result<()> {
        for shard in self.shards.all() {
            if shard.backend() != Backend::Sqlite {
                continue;
            }
            let name = shard.name().as_str();
            shard
                .read(move |p| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                            .execute(&p)
                            .await
                            .map_err(Error::db(name))?;
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(())
    }

    async fn count_lines(&self) -> Result<u64> {
        let n: i64 = self
            .shards
            .transaction
            .read(|p| {
                Box::pin(async move {
                    sqlx::query_scalar("SELECT COUNT(*) FROM transaction_lines")
                        .fetch_one(&p)
                        .await
                        .map_err(Error::db("transaction"))
                })
            })
            .await?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let v: Vec<u64> = (1..=100).map(|x| x * 1000).collect();
        assert_eq!(quantile_ms(&v, 0.5), 50.0);
        assert_eq!(quantile_ms(&v, 0.99), 99.0);
        assert_eq!(quantile_ms(&v, 1.0), 100.0);
        assert_eq!(quantile_ms(&[], 0.99), 0.0);
        assert_eq!(quantile_ms(&[7000], 0.01), 7.0);
    }

    #[test]
    fn rss_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_mb() > 0.0);
        }
    }
}
