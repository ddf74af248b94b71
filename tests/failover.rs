//! Failover on real replicated pairs (MariaDB GTID replica, PostgreSQL streaming replica; see
//! common/repl.rs), as docs/replication.md's two-device set-up has it: 8 clerks post while the
//! primary is killed with SIGKILL; browsing reads go on from the replica; writes are refused at
//! once with a message saying nothing was saved; the primary restarts; writes resume by
//! themselves; `check` is clean and every acknowledged posting is journaled exactly once.
//!
//! A second pair of tests puts only one shard on the pair (the others on the test's own
//! server) and kills its primary: with the master primary down postings read products from the
//! replica, and with the transaction primary down their journal waits in the outbox and drains
//! when the primary returns.
//!
//! The times it measures (detection, resume) are printed, not asserted: they depend on the
//! machine. What is asserted waits on conditions with generous timeouts.

mod common;
#[path = "common/repl.rs"]
mod repl;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::backend::{PASSWORD, line, product};
use gudang::config::Config;
use gudang::db::ShardName;
use gudang::domain::{TxKind, new_id};
use gudang::service::posting::PostRequest;
use gudang::{Actor, Error, Services};
use repl::{Engine, ReplPair};
use sqlx::Connection as _;

/// Where each shard lives in a test.
struct Placement {
    urls: [String; 3],
    replicas: [Vec<String>; 3],
}

fn config(dir: &std::path::Path, p: &Placement) -> Config {
    repl::gudang_config(dir, p.urls.clone(), p.replicas.clone())
}

/// All three shards on the pair.
async fn on_pair(pair: &ReplPair) -> Placement {
    let names = repl::three_databases(pair, "fo").await;
    Placement {
        urls: names.clone().map(|n| pair.primary_url(&n)),
        replicas: names.map(|n| vec![pair.replica_url(&n)]),
    }
}

/// Only `shard` on the pair; the other two on the engine's single test server.
async fn one_on_pair(pair: &ReplPair, shard: ShardName) -> Placement {
    let name = repl::unique_name("fo_one");
    pair.create_databases(&[&name]).await.expect("lab database");
    let others = match pair.engine() {
        Engine::MariaDb => common::mariadb::create_databases(&["a", "b"]).await,
        Engine::Postgres => common::pg::create_databases(&["a", "b"]).await,
    };
    let mut urls = [String::new(), String::new(), String::new()];
    let mut replicas = [Vec::new(), Vec::new(), Vec::new()];
    let mut rest = others.into_iter();
    for (i, s) in ShardName::ALL.iter().enumerate() {
        if *s == shard {
            urls[i] = pair.primary_url(&name);
            replicas[i] = vec![pair.replica_url(&name)];
        } else {
            urls[i] = rest.next().expect("two other databases");
        }
    }
    Placement { urls, replicas }
}

/// Entries waiting in the location shard's outbox, read on its primary.
async fn outbox_len(p: &Placement) -> i64 {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(&p.urls[1])
        .await
        .expect("location primary");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&mut c)
        .await
        .expect("outbox count");
    let _ = sqlx::Connection::close(c).await;
    n
}

async fn open(dir: &std::path::Path, p: &Placement) -> (Services, Actor) {
    let s = Services::open(config(dir, p)).await.expect("open shards");
    let admin = s
        .create_first_admin("admin@example.test", "Admin", PASSWORD)
        .await
        .expect("first admin");
    let a = &admin;
    s.add_unit(a, "PCS", "Pieces", 0).await.expect("unit");
    s.add_category(a, "Hardware").await.expect("category");
    s.add_location(a, "A", "Warehouse A", None)
        .await
        .expect("A");
    for i in 1..=8 {
        s.add_product(a, &product(&format!("P{i}"), &format!("Product {i}"), None))
            .await
            .expect("product");
    }
    (s, admin)
}

fn receipt(id: String, sku: &str, units: i64) -> PostRequest {
    PostRequest {
        id: Some(id),
        kind: Some(TxKind::Receipt),
        source: None,
        dest: Some("A".into()),
        lines: vec![line(sku, units)],
        partner: None,
        reference: None,
        notes: None,
    }
}

fn issue(id: String, sku: &str, units: i64) -> PostRequest {
    PostRequest {
        kind: Some(TxKind::Issue),
        source: Some("A".into()),
        dest: None,
        ..receipt(id, sku, units)
    }
}

/// What the clerks saw: acknowledged outcomes by id, and ids whose call failed.
#[derive(Default)]
struct Ledger {
    acked: HashMap<String, (String, bool)>,
    failed: Vec<(String, String)>,
}

/// 8 clerks posting receipts and issues of one unit until `stop`.
fn clerks(
    s: &Services,
    admin: &Actor,
    stop: Arc<AtomicBool>,
) -> (Arc<Mutex<Ledger>>, Vec<tokio::task::JoinHandle<()>>) {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut tasks = Vec::new();
    for c in 0..8usize {
        let (s, a, stop, ledger) = (s.clone(), admin.clone(), stop.clone(), ledger.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let sku = format!("P{}", c + 1);
                let id = new_id();
                let req = if n.is_multiple_of(3) {
                    issue(id.clone(), &sku, 1)
                } else {
                    receipt(id.clone(), &sku, 1)
                };
                match s.post(&a, &req).await {
                    Ok(o) => {
                        ledger
                            .lock()
                            .unwrap()
                            .acked
                            .insert(id, (o.number.clone(), o.is_posted()));
                    }
                    Err(e) => {
                        ledger.lock().unwrap().failed.push((id, e.to_string()));
                        // A refused clerk waits a moment before the next document.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        }));
    }
    (ledger, tasks)
}

/// Waits until `f` holds, polling; the elapsed time, or a panic naming `what`.
async fn until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let t0 = Instant::now();
    while !f() {
        assert!(t0.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    t0.elapsed()
}

fn all_down(s: &Services) -> bool {
    s.shards
        .all()
        .iter()
        .all(|h| h.health().primary_down_since().is_some())
}

fn all_up(s: &Services) -> bool {
    s.shards
        .all()
        .iter()
        .all(|h| h.health().primary_down_since().is_none())
}

/// Every acknowledged posting is journaled exactly once with the number it was given, and
/// re-posting every failed id leaves each of them decided once.
async fn assert_exactly_once(s: &Services, admin: &Actor, ledger: &Ledger) {
    s.settled().await;
    for (id, err) in &ledger.failed {
        // The failed call may or may not have been decided: posting the same id again
        // reports the first decision or makes it, never a second one.
        let retry = receipt(id.clone(), "P1", 1);
        let _ = err;
        s.post(admin, &retry)
            .await
            .expect("retry after the primary returned");
    }
    s.settled().await;
    for (id, (number, posted)) in &ledger.acked {
        let again = s
            .post(admin, &receipt(id.clone(), "P1", 1))
            .await
            .expect("replay");
        assert!(
            again.replayed,
            "{id} was acknowledged, so re-posting it only replays"
        );
        assert_eq!(&again.number, number, "{id} keeps its number");
        assert_eq!(again.is_posted(), *posted);
    }
    let report = s.check().await.expect("check");
    assert!(
        report.violations.is_empty(),
        "check after failover: {:?}",
        report.violations
    );
    let journaled = report.headers;
    assert!(
        journaled as usize >= ledger.acked.len(),
        "{journaled} journaled, {} acknowledged",
        ledger.acked.len()
    );
}

async fn whole_pair_fails_over(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let place = on_pair(&pair).await;
    let (s, admin) = open(dir.path(), &place).await;
    let replicas_ready = until("replicas measured", Duration::from_secs(20), || {
        s.shards.all().iter().all(|h| {
            h.health()
                .nodes
                .get(1)
                .is_some_and(|r| r.reachable && r.heartbeat_lag_ms.is_some())
        })
    })
    .await;
    eprintln!(
        "{}: replicas measured after {replicas_ready:?}",
        engine.name()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let (ledger, tasks) = clerks(&s, &admin, stop.clone());
    until("postings before the kill", Duration::from_secs(30), || {
        ledger.lock().unwrap().acked.len() >= 200
    })
    .await;
    pair.kill_primary().expect("kill the primary");
    let killed = Instant::now();
    until("primary seen down", Duration::from_secs(15), || {
        all_down(&s)
    })
    .await;
    let detected = killed.elapsed();
    // Browsing reads go on from the replica.
    let found = s
        .search_products(&gudang::service::catalog::ProductQuery {
            text: Some("product".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("search from the replica while the primary is down");
    assert_eq!(found.len(), 8);
    s.list_transactions(&Default::default(), Some(20), 0)
        .await
        .expect("transaction list from the replica");
    // Writes are refused at once, saying nothing was saved.
    let t0 = Instant::now();
    let refused = s
        .post(&admin, &receipt(new_id(), "P1", 1))
        .await
        .expect_err("no posting while the location primary is down");
    assert!(
        matches!(refused, Error::PrimaryDown { .. }),
        "refusal: {refused}"
    );
    assert!(
        refused.to_string().contains("nothing was saved"),
        "{refused}"
    );
    let refused_in = t0.elapsed();
    let before_restart = ledger.lock().unwrap().acked.len();
    let restart = pair.restart_primary().await.expect("restart the primary");
    let back = Instant::now();
    until("primary seen back", Duration::from_secs(15), || all_up(&s)).await;
    let resumed = back.elapsed();
    until(
        "postings after the restart",
        Duration::from_secs(30),
        || ledger.lock().unwrap().acked.len() >= before_restart + 100,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("clerk");
    }
    let ledger = Arc::try_unwrap(ledger)
        .ok()
        .expect("clerks done")
        .into_inner()
        .unwrap();
    eprintln!(
        "{}: detection {detected:?} (timeout 500 ms), refusal in {refused_in:?}, server restart {restart:?}, resume seen {resumed:?} after it; {} acknowledged, {} refused or failed",
        engine.name(),
        ledger.acked.len(),
        ledger.failed.len()
    );
    assert_exactly_once(&s, &admin, &ledger).await;
}

async fn one_primary_down(engine: Engine, shard: ShardName) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let place = one_on_pair(&pair, shard).await;
    let (s, admin) = open(dir.path(), &place).await;
    let handle = match shard {
        ShardName::Master => s.shards.master.clone(),
        ShardName::Location => s.shards.location.clone(),
        ShardName::Transaction => s.shards.transaction.clone(),
    };
    until("replica measured", Duration::from_secs(20), || {
        handle
            .health()
            .nodes
            .get(1)
            .is_some_and(|r| r.reachable && r.heartbeat_lag_ms.is_some())
    })
    .await;
    // Replication is asynchronous: what the primary had not shipped when it died reaches the
    // replica only after the restart. Start the drill from a replica that has the catalog.
    pair.wait_replica_caught_up(Duration::from_secs(20))
        .await
        .expect("replica caught up");
    pair.kill_primary().expect("kill the primary");
    until("primary seen down", Duration::from_secs(15), || {
        handle.health().primary_down_since().is_some()
    })
    .await;
    let mut acked = Vec::new();
    for i in 0..20 {
        let sku = format!("P{}", i % 8 + 1);
        let o = s
            .post(&admin, &receipt(new_id(), &sku, 2))
            .await
            .unwrap_or_else(|e| panic!("posting with the {} primary down: {e}", shard.as_str()));
        assert!(o.is_posted());
        acked.push(o);
    }
    if shard == ShardName::Master {
        let refused = s
            .add_product(&admin, &product("P99", "Refused", None))
            .await
            .expect_err("no master write while its primary is down");
        assert!(matches!(refused, Error::PrimaryDown { .. }), "{refused}");
    }
    let waiting = outbox_len(&place).await;
    if shard == ShardName::Transaction {
        assert!(waiting >= 20, "the journal waits in the outbox: {waiting}");
    }
    // The app's own recovery loop drains the outbox when the primary answers again.
    let recovery = gudang::service::recovery::spawn_periodic(s.clone());
    pair.restart_primary().await.expect("restart the primary");
    let back = Instant::now();
    until("primary seen back", Duration::from_secs(15), || {
        handle.health().primary_down_since().is_none()
    })
    .await;
    // The first write after the return goes through: the connection that died with the
    // primary is not reused.
    if shard == ShardName::Master {
        s.add_product(&admin, &product("P100", "After the return", None))
            .await
            .expect("the first master write after the primary returned");
    }
    let t0 = Instant::now();
    loop {
        let left = outbox_len(&place).await;
        if left == 0 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "{left} outbox entries left after the primary returned"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "{} with the {} primary down: {waiting} in the outbox, drained {:?} after the primary answered",
        engine.name(),
        shard.as_str(),
        back.elapsed()
    );
    recovery.abort();
    let report = s.check().await.expect("check");
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    for o in &acked {
        let again = s
            .post(&admin, &receipt(o.id.clone(), "P1", 2))
            .await
            .expect("replay");
        assert!(again.replayed);
        assert_eq!(again.number, o.number);
    }
}

async fn master_primary_down(engine: Engine) {
    one_primary_down(engine, ShardName::Master).await
}

async fn transaction_primary_down(engine: Engine) {
    one_primary_down(engine, ShardName::Transaction).await
}

crate::for_both_engines!(
    whole_pair_fails_over,
    master_primary_down,
    transaction_primary_down
);
