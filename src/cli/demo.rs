//! `gudang demo` and `gudang bench`: demo data and the benchmark, both thin wrappers over the
//! services of the same names.

use clap::Args;
use gudang::Services;
use gudang::service::bench::floor::FloorPhase;
use gudang::service::bench::{BenchOptions, BenchReport};
use gudang::service::demo::DemoOptions;

use super::out::{self, Failure};
use super::{Global, actor};

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Products to create
    #[arg(long, default_value_t = 500, value_name = "N")]
    products: u64,
    /// Days of transaction history, ending today
    #[arg(long, default_value_t = 30, value_name = "D")]
    days: u32,
    /// Random seed: the same seed gives the same data
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Add the demo data even though the deployment already has products
    #[arg(long)]
    force: bool,
    #[arg(long)]
    json: bool,
}

pub async fn demo(s: &Services, g: &Global, a: DemoArgs) -> Result<(), Failure> {
    let who = actor(s, g).await?;
    let opts = DemoOptions {
        products: a.products,
        days: a.days,
        seed: a.seed,
        force: a.force,
    };
    let r = s.demo(&who, &opts).await?;
    if a.json {
        return out::json(&r);
    }
    println!(
        "demo data added in {:.1} s: {} units, {} categories, {} locations, {} products; {} postings ({} posted, {} rejected, {} lines) over {} days",
        r.seconds,
        r.units,
        r.categories,
        r.locations,
        r.products,
        r.postings,
        r.posted,
        r.rejected,
        r.lines,
        a.days
    );
    Ok(())
}

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Concurrent clerks posting
    #[arg(long, default_value_t = 32, value_name = "C")]
    clerks: usize,
    /// How long the clerks post
    #[arg(long, default_value_t = 10, value_name = "S")]
    seconds: u64,
    /// Products in the catalog (demo products are added up to this many)
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    products: u64,
    /// Transaction lines in history (generated in bulk up to this many)
    #[arg(long, default_value_t = 1_000_000, value_name = "L")]
    history_lines: u64,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// After the run, measure the floor: the same writes, as many postings per job, committed
    /// by a minimal program on scratch copies of the location and transaction shards
    /// (dropped after; on MySQL this creates databases, on PostgreSQL schemas), S seconds for
    /// each of its measurements. See docs/bench.md.
    #[arg(long)]
    floor: bool,
    /// A statement the floor runs on its own connections before measuring, to try a session
    /// setting or a schema change on the scratch copies only (repeatable), e.g.
    /// "SET SESSION binlog_row_image = MINIMAL"
    #[arg(long, value_name = "SQL", requires = "floor")]
    floor_session: Vec<String>,
    /// Also time the reports on the bench's data: stock card first pages, the movement report
    /// of a month, the valuation (see docs/bench.md)
    #[arg(long)]
    reports: bool,
    /// Print only one JSON object on stdout
    #[arg(long)]
    json: bool,
}

pub async fn bench(s: &Services, g: &Global, a: BenchArgs) -> Result<(), Failure> {
    let who = actor(s, g).await?;
    let opts = BenchOptions {
        clerks: a.clerks,
        seconds: a.seconds,
        products: a.products,
        history_lines: a.history_lines,
        seed: a.seed,
    };
    let mut r = s
        .bench(&who, &opts, &|msg: &str| eprintln!("bench: {msg}..."))
        .await?;
    if a.reports {
        r.reports = Some(
            s.bench_reports(&who, &opts, &|msg: &str| eprintln!("bench: {msg}..."))
                .await?,
        );
    }
    if a.floor {
        eprintln!(
            "bench: measuring the floor ({:.0} postings a job)...",
            r.postings_per_job
        );
        let f = s
            .bench_floor(&who, &r, a.seconds, a.seed, a.floor_session)
            .await?;
        r.set_floor(f);
    }
    if a.json {
        let line = serde_json::to_string(&r).map_err(|e| Failure::Error(e.to_string()))?;
        println!("{line}");
    } else {
        print_report(&r);
    }
    Ok(())
}

/// `what 0.12, what 0.34, ...`: a floor phase's time per job by trip.
fn by_trip(p: &FloorPhase) -> String {
    p.ms_by_trip
        .iter()
        .map(|(what, ms)| format!("{what} {ms:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_report(r: &BenchReport) {
    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!(
        "gudang bench ({} products, {} history lines; setup {:.1} s)",
        r.products, r.history_lines, r.setup_seconds
    );
    println!(
        "  posting    {:>9.0} /s  with {} clerks over {:.1} s: {} acknowledged ({} posted, {} rejected), {} errors   [{} target 10000/s]",
        r.postings_per_sec,
        r.clerks,
        r.seconds,
        r.postings,
        r.posted,
        r.rejected,
        r.errors,
        mark(r.postings_per_sec >= 10_000.0)
    );
    println!(
        "  latency    p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms   [{} target p99 < 50 ms]",
        r.posting_p50_ms,
        r.posting_p99_ms,
        r.posting_max_ms,
        mark(r.posting_p99_ms < 50.0)
    );
    let sync: Vec<String> = r
        .synchronous
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "  durable    {} ({})",
        if r.durable { "yes" } else { "NO" },
        sync.join(", ")
    );
    println!(
        "  dashboard  slowest of {} runs {:.2} ms (median {:.2} ms)   [{} target < 50 ms]",
        r.dashboard_runs,
        r.dashboard_ms,
        r.dashboard_p50_ms,
        mark(r.dashboard_ms < 50.0)
    );
    println!(
        "  search p99 exact {:.2} ms, prefix {:.2} ms, substring {:.2} ms over {} queries each, {} found nothing   [{} targets 5 / 5 / 20 ms]",
        r.search_exact_p99_ms,
        r.search_prefix_p99_ms,
        r.search_substring_p99_ms,
        r.search_queries,
        r.search_misses,
        mark(
            r.search_exact_p99_ms < 5.0
                && r.search_prefix_p99_ms < 5.0
                && r.search_substring_p99_ms < 20.0
        )
    );
    for (shard, l) in &r.shard_batches {
        println!(
            "  {shard:<12}{} write batches, {:.1} jobs and {:.2} ms each ({:.2} ms committing), busy {:.0}% of the run",
            l.batches,
            l.jobs_per_batch,
            l.ms_per_batch,
            l.commit_ms_per_batch,
            l.busy * 100.0
        );
    }
    println!(
        "  jobs       {:.1} postings per decision job, {:.1} documents per journal job",
        r.postings_per_job, r.docs_per_journal_job
    );
    if let (Some(f), Some(pct)) = (&r.floor, r.percent_of_floor) {
        println!(
            "  floor      {:>9.0} /s  the same writes by a minimal program ({} postings and {} trips a job, {:.2} ms each, {:.2} ms committing); bench at {:.0}%   [{} target 70%]",
            f.sent.postings_per_sec,
            f.postings_per_job,
            f.sent.trips_per_job,
            f.sent.ms_per_job,
            f.sent.commit_ms_per_job,
            pct,
            mark(pct >= 70.0)
        );
        println!("             ms a job by trip: {}", by_trip(&f.sent));
        if let Some(o) = &f.one_trip {
            println!(
                "             {:>9.0} /s  the same statements in one trip ({} trips a job, {:.2} ms each, {:.2} ms committing)",
                o.postings_per_sec, o.trips_per_job, o.ms_per_job, o.commit_ms_per_job
            );
        }
        println!(
            "             {:>9.0} durable commits/s of a one-row update, back to back",
            f.commits_per_sec
        );
    }
    if let Some(t) = &r.reports {
        println!(
            "  card       first page p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} products (a year's period); busiest {} ({} lines) {:.2} ms   [{} target < 50 ms]",
            t.card_p50_ms,
            t.card_p99_ms,
            t.card_max_ms,
            t.card_runs,
            t.card_busiest_sku,
            t.card_busiest_lines,
            t.card_busiest_ms,
            mark(t.card_max_ms.max(t.card_busiest_ms) < 50.0)
        );
        println!(
            "  closing    {} months closed in {:.0} ms ({} rows; once a month, before the reports below)",
            t.closing_months, t.closing_ms, t.closing_rows
        );
        println!(
            "  movement   last 30 days {:.0} ms ({} rows), 30 days half a year back {:.0} ms ({} rows); RSS {:.0} MiB before the report, {:.0} MiB at its peak   [{} target < 3 s]",
            t.movement_month_ms,
            t.movement_month_rows,
            t.movement_old_month_ms,
            t.movement_old_month_rows,
            t.movement_rss_before_mb,
            t.movement_peak_rss_mb,
            mark(t.movement_month_ms < 3000.0)
        );
        println!(
            "  valuation  today by location {:.0} ms ({} rows), half a year back by category {:.0} ms ({} rows)",
            t.valuation_ms, t.valuation_rows, t.valuation_old_ms, t.valuation_old_rows
        );
    }
    println!("  memory     peak RSS {:.0} MiB", r.peak_rss_mb);
    if let Some(e) = &r.first_error {
        println!("  first error: {e}");
    }
}
