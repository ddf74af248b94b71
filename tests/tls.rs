//! TLS to the databases, with gudang itself, on throwaway MariaDB and PostgreSQL servers that
//! accept only TLS (see common/tls.rs), as docs/replication.md section 4 has it:
//!
//! - with the server verified (`ssl-mode=VERIFY_IDENTITY&ssl-ca=...` /
//!   `sslmode=verify-full&sslrootcert=...`) gudang opens all three shards, migrates them and
//!   posts a receipt;
//! - without TLS the server refuses, and gudang's error names the shard and hides the password;
//! - with the wrong CA the certificate check fails, and the error says so;
//! - the replication link can use verified TLS too (MariaDB `MASTER_SSL=1`, PostgreSQL
//!   `sslmode=verify-full` in `primary_conninfo`).
//!
//! Skipped with a message when `GUDANG_SKIP_TLS=1` or `openssl` is missing; an engine is also
//! skipped by `GUDANG_SKIP_MARIADB=1` / `GUDANG_SKIP_PG=1`.

mod common;
#[path = "common/tls.rs"]
mod tls;

use std::time::{Duration, Instant};

use common::backend::{PASSWORD as ADMIN_PW, line, product};
use gudang::config::Config;
use gudang::domain::{TxKind, TxStatus};
use gudang::service::posting::PostRequest;
use gudang::{Error, Services};
use sqlx::{AnyConnection, Connection, Executor, Row};
use tls::{Engine, TlsServer};

/// The engine's server, or None (with a message) when its TLS tests are skipped here.
fn server_or_skip(engine: Engine) -> Option<&'static TlsServer> {
    match tls::skip_reason(engine) {
        Some(why) => {
            eprintln!("skipping a TLS test ({engine:?}): {why}");
            None
        }
        None => Some(tls::server(engine)),
    }
}

/// Three fresh databases `tls_<n>_<shard>` on the server; their names.
async fn databases(srv: &TlsServer) -> [String; 3] {
    sqlx::any::install_default_drivers();
    let tag = rand::random::<u32>() % 1_000_000;
    let names = ["m", "l", "t"].map(|s| format!("tls_{tag}_{s}"));
    let mut admin = AnyConnection::connect(&srv.admin_url())
        .await
        .expect("admin connection over verified TLS");
    for n in &names {
        let sql = match srv.engine {
            Engine::Mariadb => {
                format!("CREATE DATABASE `{n}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
            }
            Engine::Postgres => format!("CREATE DATABASE \"{n}\""),
        };
        admin
            .execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("create database");
    }
    let _ = admin.close().await;
    names
}

/// A config whose three shards are `dbs` on the server, each URL ending in `query`.
fn config(dir: &std::path::Path, srv: &TlsServer, dbs: &[String; 3], query: &str) -> Config {
    let mut c = Config {
        data_dir: Some(dir.to_path_buf()),
        ..Config::default()
    };
    c.posting.recovery_grace_secs = 0;
    c.database.read_connections = 2;
    c.database.master_url = srv.url(&dbs[0], query);
    c.database.location_url = srv.url(&dbs[1], query);
    c.database.transaction_url = srv.url(&dbs[2], query);
    c
}

/// gudang's error for shards whose URLs end in `query`. The databases need not exist: the
/// server refuses before it looks for them.
async fn open_error(srv: &TlsServer, query: &str) -> String {
    let dbs = ["m", "l", "t"].map(|s| format!("tls_none_{s}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let e: Error = match Services::open(config(dir.path(), srv, &dbs, query)).await {
        Ok(_) => panic!("gudang opened shards with `{query}` on a TLS-only server"),
        Err(e) => e,
    };
    let msg = e.to_string();
    eprintln!(
        "{:?}, `{query}`, after {:?}: {msg}",
        srv.engine,
        started.elapsed()
    );
    assert!(msg.contains("master shard"), "names the shard: {msg}");
    assert!(!msg.contains(tls::PASSWORD), "hides the password: {msg}");
    assert!(
        msg.contains(":***@127.0.0.1"),
        "shows where, password hidden: {msg}"
    );
    msg
}

// (a) --------------------------------------------------------------------------------------

async fn verified_tls_opens_migrates_and_posts(engine: Engine) {
    let Some(srv) = server_or_skip(engine) else {
        return;
    };
    let dbs = databases(srv).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let query = srv.verify_query(&srv.ca);
    let s = Services::open(config(dir.path(), srv, &dbs, &query))
        .await
        .unwrap_or_else(|e| panic!("open over verified TLS ({query}): {e}"));
    let admin = s
        .create_first_admin("admin@example.test", "Admin", ADMIN_PW)
        .await
        .expect("first admin");
    s.add_unit(&admin, "PCS", "Pieces", 0).await.expect("unit");
    s.add_category(&admin, "Hardware").await.expect("category");
    s.add_location(&admin, "A", "Warehouse A", None)
        .await
        .expect("location");
    s.add_product(&admin, &product("P1", "Product 1", None))
        .await
        .expect("product");
    let r = s
        .post(
            &admin,
            &PostRequest {
                kind: Some(TxKind::Receipt),
                dest: Some("A".into()),
                lines: vec![line("P1", 7)],
                ..Default::default()
            },
        )
        .await
        .expect("post a receipt over TLS");
    assert_eq!(r.status, TxStatus::Posted, "{r:?}");
    s.settled().await;
    let stock = s
        .stock(Some("A"), Some("P1"), false, 10)
        .await
        .expect("stock");
    assert_eq!(stock[0].quantity, "7");
    let report = s.check().await.expect("check");
    assert!(report.ok(), "{:?}", report.violations);

    // The same connection as gudang's, asked what it is: TLS, as the server insists.
    let verified = tls_version(engine, &srv.url(&dbs[0], &query)).await;
    // The driver's default (PREFERRED / prefer) gets TLS from this server too, but without
    // checking its certificate: docs/replication.md says to name a verifying mode.
    let default = tls_version(engine, &srv.url(&dbs[0], "")).await;
    eprintln!("{engine:?}: gudang over {verified} with `{query}`; default mode: {default}");
}

/// The TLS version of a connection to `url`, as the server reports it.
async fn tls_version(engine: Engine, url: &str) -> String {
    let mut c = AnyConnection::connect(url).await.expect("connect");
    let q = match engine {
        Engine::Mariadb => {
            "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_VERSION'"
        }
        Engine::Postgres => "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    };
    let v: String = sqlx::query_scalar(q)
        .fetch_one(&mut c)
        .await
        .expect("TLS version");
    let _ = c.close().await;
    assert!(v.starts_with("TLSv1."), "{url}: {v}");
    v
}

// (b) --------------------------------------------------------------------------------------

async fn plaintext_is_refused_clearly(engine: Engine) {
    let Some(srv) = server_or_skip(engine) else {
        return;
    };
    let query = match engine {
        Engine::Mariadb => "ssl-mode=DISABLED",
        Engine::Postgres => "sslmode=disable",
    };
    let msg = open_error(srv, query).await;
    // What each server says to a client that will not use TLS.
    let said = match engine {
        // MariaDB 10.11 answers with the same words as for a wrong password.
        Engine::Mariadb => "Access denied for user 'gudang'@'127.0.0.1'",
        Engine::Postgres => "no encryption",
    };
    assert!(msg.contains(said), "{msg}");
}

// (c) --------------------------------------------------------------------------------------

async fn wrong_ca_fails_verification(engine: Engine) {
    let Some(srv) = server_or_skip(engine) else {
        return;
    };
    let msg = open_error(srv, &srv.verify_query(&srv.wrong_ca)).await;
    // rustls's words, passed on by sqlx as an I/O error ("error communicating with database").
    assert!(
        msg.contains("invalid peer certificate: UnknownIssuer"),
        "{msg}"
    );
}

// The replication link ------------------------------------------------------------------------

/// Polls `query` (one integer) on `c` until it gives 1, for up to 10 s.
async fn wait_for_one(c: &mut AnyConnection, query: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_string()))
            .fetch_one(&mut *c)
            .await
            .ok();
        if n == Some(1) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn mariadb_replica_follows_over_tls() {
    let Some(srv) = server_or_skip(Engine::Mariadb) else {
        return;
    };
    let port = srv.start_mariadb_replica().expect("replica");
    let mut r = AnyConnection::connect(&format!("mysql://root@127.0.0.1:{port}/mysql"))
        .await
        .expect("replica");
    let change = format!(
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {}, MASTER_USER = 'root', \
         MASTER_SSL = 1, MASTER_SSL_CA = '{}', MASTER_SSL_VERIFY_SERVER_CERT = 1, \
         MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
        srv.port,
        srv.ca.display()
    );
    r.execute(sqlx::AssertSqlSafe(change))
        .await
        .expect("CHANGE MASTER");
    r.execute("START SLAVE").await.expect("START SLAVE");
    // A database made on the primary (which takes only TLS) shows up on the replica.
    let [name, ..] = databases(srv).await;
    let probe =
        format!("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'");
    wait_for_one(&mut r, &probe, "the replica has the new database").await;
    // The primary takes only TLS, so the link is TLS; this says it checks the certificate.
    let st = sqlx::query("SHOW SLAVE STATUS")
        .fetch_one(&mut r)
        .await
        .expect("status");
    for col in ["Master_SSL_Allowed", "Master_SSL_Verify_Server_Cert"] {
        let v: String = st.try_get(col).expect(col);
        assert_eq!(v, "Yes", "{col}");
    }
    let _ = r.close().await;
}

async fn pg_replica_streams_over_tls() {
    let Some(srv) = server_or_skip(Engine::Postgres) else {
        return;
    };
    let (_port, conninfo) = srv.start_pg_replica().expect("replica");
    // `-R` keeps the connection's settings, quoted: `sslmode=''verify-full''`.
    assert!(conninfo.contains("sslmode=''verify-full''"), "{conninfo}");
    let mut p = AnyConnection::connect(&srv.admin_url())
        .await
        .expect("primary");
    let q = "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid \
             WHERE r.state = 'streaming' AND s.ssl";
    wait_for_one(&mut p, q, "a streaming replica over TLS").await;
    eprintln!("PostgreSQL replica streams over TLS with {conninfo}");
}

mod mariadb {
    use super::*;

    #[tokio::test]
    async fn verified_tls_opens_migrates_and_posts() {
        super::verified_tls_opens_migrates_and_posts(Engine::Mariadb).await
    }

    #[tokio::test]
    async fn plaintext_is_refused_clearly() {
        super::plaintext_is_refused_clearly(Engine::Mariadb).await
    }

    #[tokio::test]
    async fn wrong_ca_fails_verification() {
        super::wrong_ca_fails_verification(Engine::Mariadb).await
    }

    #[tokio::test]
    async fn replica_follows_over_tls() {
        super::mariadb_replica_follows_over_tls().await
    }
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn verified_tls_opens_migrates_and_posts() {
        super::verified_tls_opens_migrates_and_posts(Engine::Postgres).await
    }

    #[tokio::test]
    async fn plaintext_is_refused_clearly() {
        super::plaintext_is_refused_clearly(Engine::Postgres).await
    }

    #[tokio::test]
    async fn wrong_ca_fails_verification() {
        super::wrong_ca_fails_verification(Engine::Postgres).await
    }

    #[tokio::test]
    async fn replica_streams_over_tls() {
        super::pg_replica_streams_over_tls().await
    }
}
