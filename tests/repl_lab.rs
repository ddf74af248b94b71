//! The replication lab (tests/common/repl.rs) does what later tests rely on, on both engines:
//! a row written on the primary reaches the replica (waited for by replication position, not
//! by time); the replica refuses the application user's writes; pausing the replica's apply
//! holds rows back until it resumes; a killed primary refuses connections at once while the
//! replica still answers reads; a restarted primary replicates new writes again.
//!
//! The timings printed (`--nocapture`) are the figures quoted in docs/replication.md.

#[path = "common/repl.rs"]
mod repl;

use std::time::{Duration, Instant};

use repl::{Engine, ReplPair};
use sqlx::{AnyConnection, Connection, Executor};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_lab_replicates_and_survives_a_killed_primary() {
    lab_works(Engine::MariaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_lab_replicates_and_survives_a_killed_primary() {
    lab_works(Engine::Postgres).await;
}

async fn connect(url: &str) -> AnyConnection {
    AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

async fn exec(c: &mut AnyConnection, sql: &'static str) {
    c.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn notes(c: &mut AnyConnection) -> Vec<String> {
    sqlx::query_scalar("SELECT note FROM lab_rows ORDER BY id")
        .fetch_all(c)
        .await
        .expect("read lab_rows")
}

/// Writes a row on the primary and waits, by position, until the replica has applied it.
async fn write_and_wait(pair: &ReplPair, db: &str, sql: &'static str) {
    let mut p = connect(&pair.primary_url(db)).await;
    exec(&mut p, sql).await;
    let _ = p.close().await;
    let pos = pair.primary_position().await.expect("primary position");
    pair.wait_replica_reached(&pos, WAIT)
        .await
        .expect("replica reaches the primary's position");
}

async fn lab_works(engine: Engine) {
    sqlx::any::install_default_drivers();
    let Some(pair) = ReplPair::start_or_skip(engine).await else {
        return;
    };
    let name = engine.name();
    eprintln!("{name}: pair started in {:?}", pair.started_in);
    let db = repl::unique_name("lab");
    let t = Instant::now();
    pair.create_databases(&[&db])
        .await
        .expect("create database");
    eprintln!(
        "{name}: database created and on the replica in {:?}",
        t.elapsed()
    );

    // A row written on the primary appears on the replica.
    let mut p = connect(&pair.primary_url(&db)).await;
    exec(
        &mut p,
        "CREATE TABLE lab_rows (id INT PRIMARY KEY, note VARCHAR(50) NOT NULL)",
    )
    .await;
    let _ = p.close().await;
    write_and_wait(&pair, &db, "INSERT INTO lab_rows VALUES (1, 'first')").await;
    let mut r = connect(&pair.replica_url(&db)).await;
    assert_eq!(notes(&mut r).await, ["first"]);

    // The replica is read-only for the application user.
    let read_only: bool = match engine {
        Engine::MariaDb => {
            sqlx::query_scalar::<_, i64>("SELECT CAST(@@read_only AS SIGNED)")
                .fetch_one(&mut r)
                .await
                .expect("@@read_only")
                == 1
        }
        Engine::Postgres => sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(&mut r)
            .await
            .expect("pg_is_in_recovery()"),
    };
    assert!(read_only, "{name}: the replica says it is not read-only");
    let refused = r
        .execute("INSERT INTO lab_rows VALUES (99, 'on the replica')")
        .await
        .expect_err("a write on the replica must be refused");
    eprintln!("{name}: replica refuses writes: {refused}");
    assert!(
        refused.to_string().to_lowercase().contains("read-only")
            || refused.to_string().to_lowercase().contains("read only"),
        "{refused}"
    );

    // The application user may read what gudang needs to judge the replica's lag.
    match engine {
        Engine::MariaDb => {
            let mut m = sqlx::mysql::MySqlConnection::connect(&pair.replica_url(&db))
                .await
                .expect("app user on the replica");
            let row = sqlx::raw_sql("SHOW SLAVE STATUS")
                .fetch_optional(&mut m)
                .await
                .expect("SHOW SLAVE STATUS as the app user (SLAVE MONITOR)");
            assert!(row.is_some());
            let gtid: String = sqlx::query_scalar("SELECT @@gtid_slave_pos")
                .fetch_one(&mut m)
                .await
                .expect("@@gtid_slave_pos as the app user");
            assert!(!gtid.is_empty());
            let _ = m.close().await;
        }
        Engine::Postgres => {
            let mut m = sqlx::postgres::PgConnection::connect(&pair.replica_url(&db))
                .await
                .expect("app user on the replica");
            let (lsn, _ts): (Option<String>, Option<String>) = sqlx::query_as(
                "SELECT pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp()::text",
            )
            .fetch_one(&mut m)
            .await
            .expect("replay position as the app user");
            assert!(lsn.is_some());
            let _ = m.close().await;
        }
    }
    let lag = pair.replica_lag_seconds().await.expect("lag");
    eprintln!("{name}: lag while following: {lag:?}");
    assert!(lag.is_some_and(|l| l <= 5), "{name}: lag {lag:?}");

    // Paused apply holds a row back; resumed, the replica catches up.
    pair.stop_replication().await.expect("pause apply");
    let mut p = connect(&pair.primary_url(&db)).await;
    exec(&mut p, "INSERT INTO lab_rows VALUES (2, 'second')").await;
    let _ = p.close().await;
    let pos = pair.primary_position().await.expect("primary position");
    assert!(
        pair.wait_replica_reached(&pos, Duration::from_millis(300))
            .await
            .is_err(),
        "{name}: the replica applied a row while paused"
    );
    assert_eq!(notes(&mut r).await, ["first"]);
    eprintln!(
        "{name}: lag while paused: {:?}",
        pair.replica_lag_seconds().await.expect("lag")
    );
    pair.start_replication().await.expect("resume apply");
    pair.wait_replica_reached(&pos, WAIT)
        .await
        .expect("caught up after resume");
    assert_eq!(notes(&mut r).await, ["first", "second"]);

    // Kill the primary: connections to it fail at once, the replica still answers.
    pair.kill_primary().expect("kill the primary");
    let t = Instant::now();
    let down = AnyConnection::connect(&pair.primary_url(&db)).await;
    let refused_in = t.elapsed();
    assert!(
        down.is_err(),
        "{name}: the killed primary accepted a connection"
    );
    eprintln!("{name}: connect to the killed primary failed in {refused_in:?}");
    assert!(refused_in < Duration::from_secs(2), "{refused_in:?}");
    let mut r2 = connect(&pair.replica_url(&db)).await;
    assert_eq!(notes(&mut r2).await, ["first", "second"]);
    assert_eq!(notes(&mut r).await, ["first", "second"]);
    eprintln!(
        "{name}: lag with the primary down: {:?}",
        pair.replica_lag_seconds().await.expect("lag")
    );

    // Restart it: it answers again, the replica reconnects, new writes replicate.
    let took = pair.restart_primary().await.expect("restart the primary");
    eprintln!("{name}: primary restarted and replica reconnected in {took:?}");
    assert!(pair.replica_connected().await.expect("replica state"));
    write_and_wait(&pair, &db, "INSERT INTO lab_rows VALUES (3, 'third')").await;
    assert_eq!(notes(&mut r2).await, ["first", "second", "third"]);
    let _ = r.close().await;
    let _ = r2.close().await;
}
