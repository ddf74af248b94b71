//! `gudang demo` and `gudang bench`: demo data and the benchmark, both thin wrappers over the
//! services of the same names.

use clap::Args;
use gudang::Services;
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
    let r = s
        .bench(&who, &opts, &|msg: &str| eprintln!("bench: {msg}..."))
        .await?;
    if a.json {
        let line = serde_json::to_string(&r).map_err(|e| Failure::Error(e.to_string()))?;
        println!("{line}");
    } else {
        print_report(&r);
    }
    Ok(())
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
    println!("  memory     peak RSS {:.0} MiB", r.peak_rss_mb);
    if let Some(e) = &r.first_error {
        println!("  first error: {e}");
    }
}
