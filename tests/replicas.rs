//! Replicas on real replicated pairs (common/repl.rs): where browsing reads go (a replica
//! within the lag bound, the primary otherwise), read-your-writes by replication position, a
//! primary URL that points at a replica refused at start-up, start-up with the primary down,
//! and an operator's promotion followed from the config file without a restart.

mod common;
#[path = "common/repl.rs"]
mod repl;

use std::time::{Duration, Instant};

use common::backend::{PASSWORD, product};
use gudang::config::Config;
use gudang::db::ShardName;
use gudang::service::catalog::ProductQuery;
use gudang::{Actor, Error, Services};
use repl::{Engine, Node, ReplPair};
use sqlx::{AnyConnection, Connection, Executor};

/// Three fresh databases on the pair, and a config that uses the pair's primary and replica
/// for every shard.
async fn lab_config(pair: &ReplPair, dir: &std::path::Path) -> (Config, [String; 3]) {
    let names = repl::three_databases(pair, "rp").await;
    (repl::pair_config(pair, dir, &names), names)
}

async fn with_catalog(c: Config) -> (Services, Actor) {
    let s = Services::open(c).await.expect("open shards");
    let admin = s
        .create_first_admin("admin@example.test", "Admin", PASSWORD)
        .await
        .expect("first admin");
    s.add_unit(&admin, "PCS", "Pieces", 0).await.expect("unit");
    s.add_category(&admin, "Hardware").await.expect("category");
    (s, admin)
}

async fn until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !f() {
        assert!(t0.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Reads the master shard's primary and replica have served so far.
fn master_reads(s: &Services) -> (u64, u64) {
    let h = s.shards.master.health();
    (h.nodes[0].reads, h.nodes[1].reads)
}

fn query(text: &str) -> ProductQuery {
    ProductQuery {
        text: Some(text.into()),
        limit: 50,
        ..Default::default()
    }
}

async fn replica_measured(s: &Services) {
    until("replica measured", Duration::from_secs(20), || {
        let h = s.shards.master.health();
        h.nodes
            .get(1)
            .is_some_and(|r| r.reachable && r.heartbeat_lag_ms.is_some_and(|l| l < 2000))
    })
    .await;
}

async fn browsing_follows_lag_and_own_writes(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (c, _) = lab_config(&pair, dir.path()).await;
    let (s, admin) = with_catalog(c).await;
    s.add_product(&admin, &product("P1", "Baut baja", None))
        .await
        .expect("product");
    pair.wait_replica_caught_up(Duration::from_secs(20))
        .await
        .expect("caught up");
    replica_measured(&s).await;
    // Caught up and within the bound: browsing goes to the replica once it has seen this
    // process's last write.
    let t0 = Instant::now();
    loop {
        let before = master_reads(&s).1;
        let found = s.search_products(&query("baut")).await.expect("search");
        assert_eq!(found.len(), 1);
        if master_reads(&s).1 > before {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the replica never served browsing"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Replication paused: a write of ours the replica has not applied sends browsing to the
    // primary, so the clerk sees it at once.
    pair.stop_replication().await.expect("pause replica");
    s.add_product(&admin, &product("P2", "Baut kayu", None))
        .await
        .expect("product");
    let (p0, r0) = master_reads(&s);
    let found = s.search_products(&query("baut")).await.expect("search");
    assert_eq!(
        found.len(),
        2,
        "read-your-writes: the new product is listed"
    );
    let (p1, r1) = master_reads(&s);
    assert_eq!((p1 - p0, r1 - r0), (1, 0), "served by the primary");
    // The replica falls behind the bound (its heartbeat stops moving): still the primary.
    until("replica over the bound", Duration::from_secs(10), || {
        s.shards.master.health().nodes[1]
            .heartbeat_lag_ms
            .is_some_and(|l| l > 2000)
    })
    .await;
    let h = s.shards.master.health();
    assert!(h.nodes[1].heartbeat_lag_ms.unwrap_or(0) > 2000);
    pair.start_replication().await.expect("resume replica");
    pair.wait_replica_caught_up(Duration::from_secs(20))
        .await
        .expect("caught up");
    replica_measured(&s).await;
}

async fn replica_as_primary_is_refused(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut c, names) = lab_config(&pair, dir.path()).await;
    c.database.master_url = pair.replica_url(&names[0]);
    let Err(e) = Services::open(c).await else {
        panic!("a replica as the master primary must be refused");
    };
    let msg = e.to_string();
    assert!(matches!(e, Error::Config(_)), "{msg}");
    assert!(msg.contains("says it is a replica"), "{msg}");
    assert!(msg.contains("master_url"), "{msg}");
    assert!(!msg.contains(repl::APP_PASSWORD), "password hidden: {msg}");
}

async fn starts_read_only_with_the_primary_down(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (c, _) = lab_config(&pair, dir.path()).await;
    {
        let (s, admin) = with_catalog(c.clone()).await;
        s.add_product(&admin, &product("P1", "Baut baja", None))
            .await
            .expect("product");
        s.finish_journal().await;
    }
    pair.wait_replica_caught_up(Duration::from_secs(20))
        .await
        .expect("caught up");
    pair.kill_primary().expect("kill");
    let t0 = Instant::now();
    let s = Services::open(c)
        .await
        .expect("starts read-only with the primary down");
    eprintln!(
        "{}: start-up with the primary down took {:?}",
        engine.name(),
        t0.elapsed()
    );
    for h in s.shards.all() {
        assert!(
            h.health().primary_down_since().is_some(),
            "{:?}: {:?}",
            h.name(),
            h.health()
        );
    }
    let admin = s.actor_by_email("admin@example.test").await;
    let found = s
        .search_products(&query("baut"))
        .await
        .expect("browse from the replica");
    assert_eq!(found.len(), 1);
    let admin = admin.expect("the admin, read from the replica");
    // The admin CLI's read-only commands work too.
    let file = dir.path().join("gudang.toml");
    std::fs::write(&file, toml::to_string(&*s.config).expect("config as TOML")).expect("config");
    for args in [&["product", "list"][..], &["stock"], &["txn", "list"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gudang"))
            .arg("--config")
            .arg(&file)
            .args(args)
            .output()
            .expect("run gudang");
        assert!(
            out.status.success(),
            "gudang {args:?} with the primary down: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] == "product" {
            assert!(String::from_utf8_lossy(&out.stdout).contains("P1"));
        }
    }
    let refused = s
        .add_product(&admin, &product("P2", "Refused", None))
        .await
        .expect_err("no write while the primary is down");
    assert!(matches!(refused, Error::PrimaryDown { .. }), "{refused}");
    pair.restart_primary().await.expect("restart");
    until("writes resume", Duration::from_secs(15), || {
        s.shards
            .all()
            .iter()
            .all(|h| h.health().primary_down_since().is_none())
    })
    .await;
    s.add_product(&admin, &product("P2", "Baut kayu", None))
        .await
        .expect("writes resume by themselves");
}

/// The operator's promotion of the replica, as docs/replication.md has it.
async fn promote(pair: &ReplPair) {
    let (url, sql): (String, &[&str]) = match pair.engine() {
        Engine::MariaDb => (
            pair.admin_url(Node::Replica, "mysql"),
            &["STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0"],
        ),
        Engine::Postgres => (
            pair.admin_url(Node::Replica, "postgres"),
            &["SELECT pg_promote(true, 30)"],
        ),
    };
    sqlx::any::install_default_drivers();
    let mut c = AnyConnection::connect(&url)
        .await
        .expect("replica as admin");
    for q in sql {
        c.execute(*q).await.unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    let _ = c.close().await;
}

async fn follows_a_promotion_without_restart(engine: Engine) {
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut c, names) = lab_config(&pair, dir.path()).await;
    let file = dir.path().join("gudang.toml");
    let write = |c: &Config| {
        let text = toml::to_string(c).expect("config as TOML");
        std::fs::write(&file, text).expect("write config");
    };
    write(&c);
    let loaded = Config::load(Some(&file), None).expect("load");
    let (s, admin) = with_catalog(loaded).await;
    let follower = gudang::service::follow::spawn_config_follower(s.clone())
        .expect("a config read from a file is followed");
    s.add_product(&admin, &product("P1", "Baut baja", None))
        .await
        .expect("product");
    pair.wait_replica_caught_up(Duration::from_secs(20))
        .await
        .expect("caught up");
    pair.kill_primary().expect("kill");
    until("primary seen down", Duration::from_secs(15), || {
        s.shards.master.health().primary_down_since().is_some()
    })
    .await;
    promote(&pair).await;
    for (i, shard) in ShardName::ALL.iter().enumerate() {
        let url = pair.replica_url(&names[i]);
        match shard {
            ShardName::Master => c.database.master_url = url,
            ShardName::Location => c.database.location_url = url,
            ShardName::Transaction => c.database.transaction_url = url,
        }
    }
    c.database.master_replicas.clear();
    c.database.location_replicas.clear();
    c.database.transaction_replicas.clear();
    // A file's modification time may not move within the same second on every filesystem.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    write(&c);
    let t0 = Instant::now();
    until(
        "the promoted node taken as primary",
        Duration::from_secs(15),
        || {
            s.shards.all().iter().all(|h| {
                let n = h.health().nodes;
                n.len() == 1 && n[0].down_since.is_none() && n[0].reachable
            })
        },
    )
    .await;
    eprintln!(
        "{}: promotion followed in {:?}",
        engine.name(),
        t0.elapsed()
    );
    s.add_product(&admin, &product("P2", "Baut kayu", None))
        .await
        .expect("writes go to the promoted node");
    let found = s.search_products(&query("baut")).await.expect("search");
    assert_eq!(found.len(), 2);
    follower.abort();
}

crate::for_both_engines!(
    browsing_follows_lag_and_own_writes,
    replica_as_primary_is_refused,
    starts_read_only_with_the_primary_down,
    follows_a_promotion_without_restart
);
