//! `gudang status [--json]`, through the real binary: on SQLite (one primary per shard, exit
//! 0), with a primary that refuses connections (exit 2, quickly), and on the replication lab
//! (tests/common/repl.rs) on MariaDB and PostgreSQL: a following replica's heartbeat lag and
//! the engine's view (exit 0), a paused replica over its lag bound (exit 1), a replica that is
//! not read-only (a warning), a primary URL that points at a replica and a killed primary
//! (exit 2, the replicas' data age shown).

mod cliutil;
#[path = "common/repl.rs"]
mod repl;

use std::time::{Duration, Instant};

use cliutil::{Gudang, Run, trailing_blanks};
use repl::{Engine, ReplPair};
use serde_json::Value;

/// The field names `status --json` promises on every row.
const FIELDS: [&str; 15] = [
    "shard",
    "role",
    "url",
    "backend",
    "reachable",
    "latency_ms",
    "read_only",
    "heartbeat_lag_ms",
    "data_age_ms",
    "engine_lag_secs",
    "over_lag_bound",
    "schema_version",
    "latest_schema",
    "durable",
    "error",
];

/// The rows of a `status --json` run, whatever its exit code, checked for the promised fields.
fn parse(r: &Run) -> Vec<Value> {
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("status --json printed no JSON ({e}): {r:?}"));
    let rows = v.as_array().expect("an array of nodes").clone();
    for row in &rows {
        for f in FIELDS {
            assert!(row.get(f).is_some(), "{f} missing in {row}");
        }
    }
    rows
}

fn node<'a>(rows: &'a [Value], shard: &str, role: &str) -> Vec<&'a Value> {
    rows.iter()
        .filter(|r| r["shard"] == shard && r["role"] == role)
        .collect()
}

/// A port on 127.0.0.1 that nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn sqlite_shards_are_well() {
    let g = Gudang::new();
    let r = g.run(&["status", "--json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let rows = parse(&r);
    assert_eq!(rows.len(), 3, "one primary per shard: {rows:?}");
    for (row, shard) in rows.iter().zip(["master", "location", "transaction"]) {
        assert_eq!(row["shard"], shard);
        assert_eq!(row["role"], "primary");
        assert_eq!(row["backend"], "sqlite");
        assert_eq!(row["reachable"], true, "{row}");
        assert_eq!(row["read_only"], false, "{row}");
        assert_eq!(row["durable"], true, "{row}");
        assert_eq!(row["over_lag_bound"], false, "{row}");
        assert_eq!(row["schema_version"], row["latest_schema"], "{row}");
        assert!(row["latency_ms"].as_f64().is_some(), "{row}");
        assert!(row["error"].is_null(), "{row}");
    }
    let table = g.ok(&["status"]);
    assert_eq!(trailing_blanks(&table), None, "{table}");
    assert_eq!(table.lines().count(), 4, "{table}");
    for (line, shard) in table
        .lines()
        .skip(1)
        .zip(["master", "location", "transaction"])
    {
        assert!(line.starts_with(shard), "{table}");
    }

    // Not initialised: the primaries are not there.
    let r = Gudang::empty().run(&["status", "--json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(parse(&r).iter().all(|n| n["reachable"] == false), "{r:?}");
}

#[test]
fn an_unreachable_primary_exits_2_at_once() {
    let g = Gudang::new();
    for scheme in ["postgres", "mysql"] {
        let url = format!("{scheme}://gudang:s3cret@127.0.0.1:{}/db", closed_port());
        let t = Instant::now();
        let r = g.run_env(
            &[("GUDANG_DATABASE_MASTER_URL", &url)],
            &["status", "--json"],
        );
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("primary is down"), "{r:?}");
        assert!(!r.stdout.contains("s3cret"), "password shown: {r:?}");
        let rows = parse(&r);
        let master = node(&rows, "master", "primary")[0];
        assert_eq!(master["reachable"], false, "{master}");
        assert_eq!(master["backend"], scheme);
        assert!(
            master["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{master}"
        );
        // The other shards are still reported.
        assert_eq!(node(&rows, "location", "primary")[0]["reachable"], true);

        let r = g.run_env(&[("GUDANG_DATABASE_MASTER_URL", &url)], &["status"]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stdout.contains("ERROR:"), "{}", r.stdout);

        // A server that takes the connection but never answers: given up on after
        // primary_timeout_ms (1 s by default).
        let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = silent.local_addr().expect("addr").port();
        let url = format!("{scheme}://gudang@127.0.0.1:{port}/db");
        let t = Instant::now();
        let r = g.run_env(
            &[("GUDANG_DATABASE_MASTER_URL", &url)],
            &["status", "--json"],
        );
        let took = t.elapsed();
        assert!(took < Duration::from_secs(4), "{took:?}");
        assert_eq!(r.code, 2, "{r:?}");
        let rows = parse(&r);
        let master = node(&rows, "master", "primary")[0];
        assert_eq!(master["error"], "no answer within 1000 ms", "{master}");
        drop(silent);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_replicas() {
    replicas(Engine::MariaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_replicas() {
    replicas(Engine::Postgres).await;
}

/// A deployment on a lab pair: three shard databases on the primary, each followed by the
/// replica, with a lag bound of 1 s.
struct Lab {
    pair: ReplPair,
    g: Gudang,
    config: String,
    dbs: [String; 3],
}

impl Lab {
    /// `status --json` with extra environment; the run, its rows, and how long it took.
    fn status(&self, env: &[(&str, &str)]) -> (Run, Vec<Value>, Duration) {
        let t = Instant::now();
        let mut args = vec!["--config", self.config.as_str(), "status", "--json"];
        let r = self.g.run_env(env, &args);
        let took = t.elapsed();
        let rows = parse(&r);
        args.pop();
        let table = self.g.run_env(env, &args);
        eprintln!(
            "{}: status took {took:?}, exit {}\n{}{}",
            self.pair.engine().name(),
            r.code,
            table.stdout,
            table.stderr
        );
        (r, rows, took)
    }
}

async fn replicas(engine: Engine) {
    sqlx::any::install_default_drivers();
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let name = engine.name();
    let dbs = ["master", "location", "transaction"].map(|s| repl::unique_name(&format!("st_{s}")));
    pair.create_databases(&dbs.iter().map(String::as_str).collect::<Vec<_>>())
        .await
        .expect("create databases");
    let g = Gudang::empty();
    let config = g.path("config.toml");
    let mut toml =
        String::from("[database]\nmax_replica_lag_secs = 1\nprimary_timeout_ms = 1000\n");
    for (shard, db) in ["master", "location", "transaction"].iter().zip(&dbs) {
        toml.push_str(&format!(
            "{shard}_url = \"{}\"\n{shard}_replicas = [\"{}\"]\n",
            pair.primary_url(db),
            pair.replica_url(db)
        ));
    }
    cliutil::write(&config, &toml);
    let lab = Lab {
        config: config.display().to_string(),
        pair,
        g,
        dbs,
    };

    // Before the first start: no schema, no heartbeat yet; reported, not a failure.
    let (r, rows, _) = lab.status(&[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(rows.len(), 6, "{rows:?}");
    let p = node(&rows, "master", "primary")[0];
    assert_eq!(p["reachable"], true, "{p}");
    assert!(p["schema_version"].is_null(), "{p}");
    assert!(p["warnings"].to_string().contains("heartbeat"), "{p}");

    // Initialised: every node answers, the replicas follow within the bound.
    lab.g.ok_stdin(
        &[
            "--config",
            &lab.config,
            "init",
            "--admin-email",
            cliutil::ADMIN,
            "--password-stdin",
        ],
        &format!("{}\n", cliutil::PASSWORD),
    );
    lab.pair
        .wait_replica_caught_up(repl::CATCH_UP_TIMEOUT)
        .await
        .expect("replica caught up");
    let (r, rows, took) = lab.status(&[]);
    assert_eq!(r.code, 0, "{name}: {r:?}");
    assert!(took < Duration::from_secs(5), "{name}: {took:?}");
    for shard in ["master", "location", "transaction"] {
        let p = node(&rows, shard, "primary")[0];
        assert_eq!(p["reachable"], true, "{p}");
        assert_eq!(p["read_only"], false, "{p}");
        assert_eq!(p["durable"], true, "{p}");
        assert_eq!(p["schema_version"], p["latest_schema"], "{p}");
        assert_eq!(p["warnings"], Value::Array(vec![]), "{p}");
        let r = node(&rows, shard, "replica")[0];
        assert_eq!(r["reachable"], true, "{r}");
        assert_eq!(r["read_only"], true, "{r}");
        assert_eq!(r["over_lag_bound"], false, "{r}");
        assert_eq!(r["schema_version"], r["latest_schema"], "{r}");
        let lag = r["heartbeat_lag_ms"].as_i64().expect("heartbeat lag");
        assert!((0..=1000).contains(&lag), "{r}");
        let engine_lag = r["engine_lag_secs"].as_i64().expect("engine lag");
        assert!((0..=1).contains(&engine_lag), "{r}");
        assert!(r["error"].is_null(), "{r}");
        assert_eq!(r["warnings"], Value::Array(vec![]), "{r}");
        assert!(!r["url"].as_str().unwrap_or("").contains(repl::APP_PASSWORD));
    }

    // Apply paused: the heartbeat does not arrive within the bound.
    lab.pair.stop_replication().await.expect("pause apply");
    let (r, rows, took) = lab.status(&[]);
    lab.pair.start_replication().await.expect("resume apply");
    assert_eq!(r.code, 1, "{name}: {r:?}");
    assert!(r.stderr.contains("lag bound"), "{r:?}");
    assert!(took < Duration::from_secs(5), "{name}: {took:?}");
    for shard in ["master", "location", "transaction"] {
        let r = node(&rows, shard, "replica")[0];
        assert_eq!(r["over_lag_bound"], true, "{r}");
        assert!(r["heartbeat_lag_ms"].is_null(), "{r}");
        assert!(r["data_age_ms"].as_i64().is_some(), "{r}");
    }
    lab.pair
        .wait_replica_caught_up(repl::CATCH_UP_TIMEOUT)
        .await
        .expect("caught up after resume");

    // A "replica" that is the primary itself: a warning, not a failure.
    let primary_as_replica = lab.pair.primary_url(&lab.dbs[0]);
    let (r, rows, _) = lab.status(&[("GUDANG_DATABASE_MASTER_REPLICAS", &primary_as_replica)]);
    assert_eq!(r.code, 0, "{name}: {r:?}");
    let w = node(&rows, "master", "replica")[0];
    assert_eq!(w["read_only"], false, "{w}");
    assert!(w["warnings"].to_string().contains("read-only"), "{w}");

    // A replica that does not answer: exit 1.
    let gone = format!(
        "{}://{}@127.0.0.1:{}/x",
        if engine == Engine::MariaDb {
            "mysql"
        } else {
            "postgres"
        },
        repl::APP_USER,
        closed_port()
    );
    let (r, rows, _) = lab.status(&[("GUDANG_DATABASE_MASTER_REPLICAS", &gone)]);
    assert_eq!(r.code, 1, "{name}: {r:?}");
    let gone = node(&rows, "master", "replica")[0];
    assert_eq!(gone["reachable"], false, "{gone}");
    assert!(gone["error"].is_string(), "{gone}");

    // A primary URL that points at the replica: shown plainly, exit 2.
    let replica_as_primary = lab.pair.replica_url(&lab.dbs[0]);
    let (r, rows, _) = lab.status(&[
        ("GUDANG_DATABASE_MASTER_URL", &replica_as_primary),
        ("GUDANG_DATABASE_MASTER_REPLICAS", ""),
    ]);
    assert_eq!(r.code, 2, "{name}: {r:?}");
    let p = node(&rows, "master", "primary")[0];
    assert_eq!(p["read_only"], true, "{p}");
    assert!(
        p["error"]
            .as_str()
            .is_some_and(|e| e.contains("says it is a replica")),
        "{p}"
    );

    // The primary killed: exit 2 at once, the replicas answer with their data age.
    lab.pair.kill_primary().expect("kill the primary");
    let (r, rows, took) = lab.status(&[]);
    assert_eq!(r.code, 2, "{name}: {r:?}");
    assert!(took < Duration::from_secs(5), "{name}: {took:?}");
    for shard in ["master", "location", "transaction"] {
        let p = node(&rows, shard, "primary")[0];
        assert_eq!(p["reachable"], false, "{p}");
        assert!(p["error"].is_string(), "{p}");
        let r = node(&rows, shard, "replica")[0];
        assert_eq!(r["reachable"], true, "{r}");
        assert!(r["heartbeat_lag_ms"].is_null(), "{r}");
        let age = r["data_age_ms"].as_i64().expect("data age");
        assert!(age >= 0, "{r}");
    }
}
