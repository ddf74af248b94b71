//! Concurrency test of posting on the embedded SQLite default: many tasks issue and transfer the
//! same few products between three locations that hold little stock, inside one `Services` and
//! across several `Services` opened on the same data directory (as separate processes would).
//! Stock never goes negative (watched while the tasks run), every refusal names what was
//! missing, stock at every location is exactly what the acknowledged outcomes imply, and
//! `check()` is clean. A third run keeps recovery (with no grace) journaling the outbox alongside
//! the postings' own journal writes: each document is journaled and counted exactly once and no
//! outcome changes.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gudang::domain::{Quantity, TxKind, TxStatus, ids};
use gudang::service::posting::{LineRequest, PostOutcome, PostRequest};
use gudang::service::recovery;
use gudang::{Actor, Services};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Barrier;

const LOCATIONS: [&str; 3] = ["A", "B", "C"];
const PRODUCTS: [&str; 3] = ["P1", "P2", "P3"];
/// Opening stock per product at A and at B (C starts empty).
const OPENING: [(&str, i64); 2] = [("A", 40), ("B", 15)];

type Stock = BTreeMap<(String, String), i64>;

/// Seeds products P1..P3, locations A, B, C and the opening stock; returns it.
async fn seeded() -> (common::Env, Stock) {
    let env = common::sqlite_env().await;
    common::seed(&env, PRODUCTS.len()).await;
    env.services
        .add_location(&env.admin, "C", "Warehouse C", None)
        .await
        .unwrap();
    let mut stock = Stock::new();
    for (loc, units) in OPENING {
        let lines = PRODUCTS
            .iter()
            .map(|p| LineRequest {
                code: (*p).into(),
                qty: Quantity::units(units),
                price: None,
            })
            .collect();
        let req = PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some(loc.into()),
            lines,
            ..Default::default()
        };
        assert!(
            env.services
                .post(&env.admin, &req)
                .await
                .unwrap()
                .is_posted()
        );
        for p in PRODUCTS {
            stock.insert((loc.to_string(), p.to_string()), Quantity::units(units).0);
        }
    }
    (env, stock)
}

/// A random issue, transfer or (`receipt_pct` percent of the time) receipt of one or two lines.
fn random_request(rng: &mut StdRng, receipt_pct: u32) -> PostRequest {
    let loc = |rng: &mut StdRng| LOCATIONS[rng.random_range(0..LOCATIONS.len())].to_string();
    let roll = rng.random_range(0..100);
    let (kind, source, dest) = if roll < receipt_pct {
        (TxKind::Receipt, None, Some(loc(rng)))
    } else if roll < receipt_pct + (100 - receipt_pct) / 2 {
        (TxKind::Issue, Some(loc(rng)), None)
    } else {
        let s = loc(rng);
        let d = LOCATIONS
            .iter()
            .map(|l| l.to_string())
            .filter(|l| *l != s)
            .nth(rng.random_range(0..2))
            .unwrap();
        (TxKind::Transfer, Some(s), Some(d))
    };
    let lines = (0..rng.random_range(1..=2))
        .map(|_| LineRequest {
            code: PRODUCTS[rng.random_range(0..PRODUCTS.len())].into(),
            qty: Quantity::units(rng.random_range(1..=6)),
            price: None,
        })
        .collect();
    PostRequest {
        id: Some(ids::new_id()),
        kind: Some(kind),
        source,
        dest,
        lines,
        ..Default::default()
    }
}

/// Applies an acknowledged outcome to the expected stock.
fn apply(expected: &mut Stock, req: &PostRequest, out: &PostOutcome) {
    if out.status != TxStatus::Posted {
        return;
    }
    for l in &req.lines {
        let mut add = |loc: &Option<String>, d: i64| {
            *expected
                .entry((loc.clone().unwrap(), l.code.clone()))
                .or_default() += d
        };
        match req.kind.unwrap() {
            TxKind::Receipt => add(&req.dest, l.qty.0),
            TxKind::Issue => add(&req.source, -l.qty.0),
            TxKind::Transfer => {
                add(&req.source, -l.qty.0);
                add(&req.dest, l.qty.0);
            }
            TxKind::Adjustment => unreachable!(),
        }
    }
}

/// A refusal must say how much of which SKU is left where, and that it is less than needed:
/// "only 3 of SKU P1 left at A (line 2 needs 5)".
fn assert_reason(req: &PostRequest, out: &PostOutcome) {
    let r = out
        .reason
        .as_deref()
        .unwrap_or_else(|| panic!("rejection {} without a reason", out.number));
    let bad = || format!("unexpected rejection reason {r:?}");
    let rest = r
        .strip_prefix("only ")
        .unwrap_or_else(|| panic!("{}", bad()));
    let (have, rest) = rest
        .split_once(" of SKU ")
        .unwrap_or_else(|| panic!("{}", bad()));
    let (sku, rest) = rest
        .split_once(" left at ")
        .unwrap_or_else(|| panic!("{}", bad()));
    let (loc, rest) = rest
        .split_once(" (line ")
        .unwrap_or_else(|| panic!("{}", bad()));
    let (line, need) = rest
        .trim_end_matches(')')
        .split_once(" needs ")
        .unwrap_or_else(|| panic!("{}", bad()));
    let have = Quantity::parse_any(have).unwrap_or_else(|_| panic!("{}", bad()));
    let need = Quantity::parse_any(need).unwrap_or_else(|_| panic!("{}", bad()));
    let line: usize = line.parse().unwrap_or_else(|_| panic!("{}", bad()));
    assert!(
        have.0 >= 0 && have < need,
        "{r}: refused although enough was there"
    );
    assert_eq!(
        Some(loc),
        req.source.as_deref(),
        "{r}: names the wrong location"
    );
    let l = &req.lines[line - 1];
    assert_eq!(
        (sku, need),
        (l.code.as_str(), l.qty),
        "{r}: names the wrong line"
    );
}

async fn negative_rows(s: &Services) -> i64 {
    s.shards
        .location
        .read(|p| {
            Box::pin(async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM stock WHERE quantity < 0")
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("location"))
            })
        })
        .await
        .unwrap()
}

/// Stock as the shards hold it (non-zero rows), by (location code, SKU).
async fn stored_stock(s: &Services) -> Stock {
    s.stock(None, None, false, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.quantity_milli != 0)
        .map(|v| ((v.location, v.sku), v.quantity_milli))
        .collect()
}

/// Runs `tasks` tasks of `per_task` postings each (mostly issues and transfers, a few receipts
/// so that stock keeps coming back and the tasks keep racing for it), task i on
/// `instances[i % len]`, all released at once, with a watcher asserting nothing is negative
/// while they run. Returns every (request, outcome) pair.
async fn hammer(
    instances: &[Services],
    actor: &Actor,
    tasks: usize,
    per_task: usize,
    receipt_pct: u32,
    seed: u64,
    recovery_alongside: bool,
) -> Vec<(PostRequest, PostOutcome)> {
    let start = Arc::new(Barrier::new(tasks + 1));
    let done = Arc::new(AtomicBool::new(false));
    // Recovery with no grace at all, over and over, journaling documents still on their way
    // from the outbox: the header's primary key must settle each race with the posting's own
    // journal write (the journal is idempotent), and a document must never count twice.
    let recoverer = recovery_alongside.then(|| {
        let (s, done) = (instances[0].clone(), done.clone());
        tokio::spawn(async move {
            let mut resolved = 0u64;
            while !done.load(Ordering::SeqCst) {
                resolved += recovery::recover(&s, 0).await.expect("recovery").resolved;
            }
            resolved
        })
    });
    let watcher = {
        let (s, done) = (instances[0].clone(), done.clone());
        tokio::spawn(async move {
            let mut looks = 0u64;
            loop {
                // Read first, then test the flag: the last look sees the final state.
                let finished = done.load(Ordering::SeqCst);
                assert_eq!(negative_rows(&s).await, 0, "stock went negative");
                looks += 1;
                if finished {
                    return looks;
                }
            }
        })
    };
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (s, actor, start) = (
            instances[t % instances.len()].clone(),
            actor.clone(),
            start.clone(),
        );
        handles.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed.wrapping_add(t as u64));
            let mut out = Vec::with_capacity(per_task);
            start.wait().await;
            for _ in 0..per_task {
                let req = random_request(&mut rng, receipt_pct);
                let o = s
                    .post(&actor, &req)
                    .await
                    .unwrap_or_else(|e| panic!("posting failed under concurrency: {e}"));
                assert!(!o.replayed);
                out.push((req, o));
            }
            out
        }));
    }
    start.wait().await;
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let looks = watcher.await.unwrap();
    assert!(looks >= 2, "the watcher never looked while postings ran");
    if let Some(r) = recoverer {
        let resolved = r.await.unwrap();
        eprintln!("recovery running alongside finished {resolved} outbox entries");
        assert!(resolved > 0, "recovery never met a posting in flight");
    }
    all
}

/// Asserts the outcomes against the shards: numbers unique, refusals explained, stock exactly
/// as the acknowledged outcomes imply (so nothing created or lost), nothing negative, check clean,
/// and the journal holds every acknowledged posting as it was answered, with the daily
/// summaries counting each once. The caller waits for the journal writes first.
async fn assert_consistent(
    s: &Services,
    mut expected: Stock,
    results: &[(PostRequest, PostOutcome)],
) {
    let numbers: HashSet<&str> = results.iter().map(|(_, o)| o.number.as_str()).collect();
    assert_eq!(numbers.len(), results.len(), "two postings share a number");
    let opening_total: i64 = expected.values().sum();
    let mut created = 0i64;
    for (req, out) in results {
        assert_eq!(out.id, *req.id.as_ref().unwrap());
        match out.status {
            TxStatus::Posted => {
                let q: i64 = req.lines.iter().map(|l| l.qty.0).sum();
                match req.kind.unwrap() {
                    TxKind::Receipt => created += q,
                    TxKind::Issue => created -= q,
                    _ => {}
                }
            }
            TxStatus::Rejected => assert_reason(req, out),
            TxStatus::Pending => panic!("{} left pending", out.number),
        }
        apply(&mut expected, req, out);
    }
    expected.retain(|_, q| *q != 0);
    assert!(
        expected.values().all(|q| *q >= 0),
        "the outcomes imply negative stock: {expected:?}"
    );
    let stored = stored_stock(s).await;
    assert_eq!(
        stored.values().sum::<i64>(),
        opening_total + created,
        "total stock is not opening + receipts - issues"
    );
    assert_eq!(
        stored, expected,
        "stock differs from what the acknowledged outcomes imply"
    );
    assert_eq!(negative_rows(s).await, 0);
    let report = s.check().await.unwrap();
    assert!(report.ok(), "{:#?}", report.violations);
    for (_, out) in results {
        let d = s.transaction_detail(&out.number).await.unwrap();
        assert_eq!(
            (&d.header.id, d.header.status.as_str(), &d.header.reason),
            (&out.id, out.status.as_str(), &out.reason),
            "journaled otherwise than answered"
        );
    }
    common::assert_summaries_match(s).await;
}

fn seed_from_env() -> u64 {
    let seed = std::env::var("GUDANG_TEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("GUDANG_TEST_SEED={seed}");
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_issues_and_transfers_never_go_negative() {
    let seed = seed_from_env();
    let (env, opening) = seeded().await;
    let s = &env.services;
    let results = hammer(std::slice::from_ref(s), &env.admin, 32, 20, 15, seed, false).await;
    let posted = results.iter().filter(|(_, o)| o.is_posted()).count();
    let rejected = results.len() - posted;
    eprintln!("{posted} posted, {rejected} refused");
    assert!(
        posted > 0 && rejected > 0,
        "no contention: {posted} posted, {rejected} refused"
    );
    s.settled().await;
    assert_consistent(s, opening, &results).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_instances_on_one_data_dir() {
    let seed = seed_from_env();
    let (env, opening) = seeded().await;
    // Separate opens, each with its own shard tasks, pools and write connections, as separate
    // processes on one workstation would have. All are open before anyone posts, so no start-up
    // recovery (grace 0 here) can race a posting in flight.
    let mut instances = vec![env.services.clone()];
    for _ in 0..2 {
        instances.push(
            Services::open(common::sqlite_config(env.dir.path()))
                .await
                .unwrap(),
        );
    }
    let results = hammer(&instances, &env.admin, 24, 15, 15, seed, false).await;
    let posted = results.iter().filter(|(_, o)| o.is_posted()).count();
    eprintln!("{posted} posted, {} refused", results.len() - posted);
    assert!(posted > 0 && posted < results.len(), "no contention");
    for s in &instances {
        s.settled().await;
    }
    for s in &instances {
        assert_consistent(s, opening.clone(), &results).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_running_alongside_postings() {
    let seed = seed_from_env();
    let (env, opening) = seeded().await;
    let s = &env.services;
    let results = hammer(std::slice::from_ref(s), &env.admin, 16, 15, 20, seed, true).await;
    s.settled().await;
    assert_consistent(s, opening.clone(), &results).await;
    // A last pass leaves the outbox empty and changes nothing.
    recovery::recover(s, 0).await.unwrap();
    let left: i64 = s
        .shards
        .location
        .read(|p| {
            Box::pin(async move {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox")
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("location"))
            })
        })
        .await
        .unwrap();
    assert_eq!(left, 0, "recovery left entries in the outbox");
    assert_consistent(s, opening, &results).await;
    let posted = results.iter().filter(|(_, o)| o.is_posted()).count();
    eprintln!("{posted} posted, {} refused", results.len() - posted);
    assert!(posted > 0 && posted < results.len(), "no contention");
}
