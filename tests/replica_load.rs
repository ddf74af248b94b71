//! Figures for a replicated deployment under load (not a pass/fail test; run it by hand):
//! 32 clerks post for 10 s on a primary whose three shards each have a replica (MariaDB GTID,
//! PostgreSQL streaming; common/repl.rs), while the monitor's heartbeat lag of every replica is
//! sampled and a browsing reader pages the stock list. Prints postings/s, the replicas' lag
//! (p50, p99, max) and the stock list's latency on the replica (p50, p99).
//!
//! cargo test --release --test replica_load -- --ignored --nocapture --test-threads 1

mod common;
#[path = "common/repl.rs"]
mod repl;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::backend::{PASSWORD, line, product};
use gudang::Services;
use gudang::domain::{TxKind, new_id};
use gudang::service::posting::PostRequest;
use gudang::service::stock_view::StockQuery;
use repl::{Engine, ReplPair};

const CLERKS: usize = 32;
const SECONDS: u64 = 10;
const PRODUCTS: usize = 200;

fn quantile(v: &mut [u64], q: f64) -> u64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[((v.len() - 1) as f64 * q).round() as usize]
}

async fn under_load(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let names = repl::three_databases(&pair, "ld").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = repl::pair_config(&pair, dir.path(), &names);
    // The app's defaults, not the drill's short timeouts.
    c.database.primary_timeout_ms = 1000;
    c.database.read_connections = 4;
    let s = Services::open(c.clone()).await.expect("open");
    let admin = s
        .create_first_admin("admin@example.test", "Admin", PASSWORD)
        .await
        .expect("admin");
    s.add_unit(&admin, "PCS", "Pieces", 0).await.expect("unit");
    s.add_category(&admin, "Hardware").await.expect("category");
    s.add_location(&admin, "A", "Warehouse A", None)
        .await
        .expect("A");
    for i in 1..=PRODUCTS {
        s.add_product(
            &admin,
            &product(&format!("P{i}"), &format!("Product {i}"), None),
        )
        .await
        .expect("product");
    }
    pair.wait_replica_caught_up(Duration::from_secs(30))
        .await
        .expect("caught up");
    let stop = Arc::new(AtomicBool::new(false));
    let posted = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for k in 0..CLERKS {
        let (s, a, stop, posted) = (s.clone(), admin.clone(), stop.clone(), posted.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let req = PostRequest {
                    id: Some(new_id()),
                    kind: Some(TxKind::Receipt),
                    source: None,
                    dest: Some("A".into()),
                    lines: vec![line(&format!("P{}", (k * 7 + n) % PRODUCTS + 1), 1)],
                    partner: None,
                    reference: None,
                    notes: None,
                };
                if s.post(&a, &req).await.is_ok() {
                    posted.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // The browsing reader: one stock page at a time, as a clerk paging the list would, in a
    // process of its own (its reads wait for no write of its own, so they go to the replica).
    let other = Services::open(c).await.expect("open a second process");
    let reader = {
        let (s, stop) = (other.clone(), stop.clone());
        tokio::spawn(async move {
            let mut lat = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let q = StockQuery {
                    limit: 100,
                    ..Default::default()
                };
                if s.stock_page(&q).await.is_ok() {
                    lat.push(t.elapsed().as_micros() as u64);
                }
            }
            lat
        })
    };
    let started = Instant::now();
    let mut lags: Vec<u64> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while started.elapsed() < Duration::from_secs(SECONDS) {
        tick.tick().await;
        for h in s.shards.all() {
            if let Some(l) = h.health().nodes.get(1).and_then(|r| r.heartbeat_lag_ms) {
                lags.push(l.max(0) as u64);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let took = started.elapsed().as_secs_f64();
    for t in tasks {
        t.await.expect("clerk");
    }
    let mut lat = reader.await.expect("reader");
    let loc = other.shards.location.health();
    let (primary_reads, replica_reads) = (loc.nodes[0].reads, loc.nodes[1].reads);
    let n = posted.load(Ordering::Relaxed);
    let max = lags.iter().copied().max().unwrap_or(0);
    eprintln!(
        "{}: {CLERKS} clerks, {:.0} postings/s; replica heartbeat lag p50 {} ms, p99 {} ms, max {max} ms ({} samples); stock list (100 rows) p50 {:.2} ms, p99 {:.2} ms over {} pages; location reads: {replica_reads} on the replica, {primary_reads} on the primary",
        engine.name(),
        n as f64 / took,
        quantile(&mut lags, 0.5),
        quantile(&mut lags, 0.99),
        lags.len(),
        quantile(&mut lat, 0.5) as f64 / 1000.0,
        quantile(&mut lat, 0.99) as f64 / 1000.0,
        lat.len()
    );
    let report = s.check().await.expect("check");
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    eprintln!(
        "{}: check clean over {} journaled documents ({n} acknowledged)",
        engine.name(),
        report.headers
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "figures, run by hand"]
async fn mariadb_replica_under_load() {
    under_load(Engine::MariaDb).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "figures, run by hand"]
async fn postgres_replica_under_load() {
    under_load(Engine::Postgres).await
}
