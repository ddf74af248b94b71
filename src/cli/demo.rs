//! `gudang demo` and `gudang bench`: demo data and the benchmark, both thin wrappers over the
//! services of the same names.

use clap::Args;
use gudang::Services;
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
    let opts = DemoOptions { products: a.products, days: a.days, seed: a.seed, force: a.force };
    let r = s.demo(&who, &opts).await?;
    if a.json {
        return out::json(&r);
    }
    println!(
        "demo data added in {:.1} s: {} units, {} categories, {} locations, {} products; {} postings ({} posted, {} rejected, {} lines) over {} days",
        r.seconds, r.units, r.categories, r.locations, r.products, r.postings, r.posted, r.rejected, r.lines, a.days
    );
    Ok(())
}
