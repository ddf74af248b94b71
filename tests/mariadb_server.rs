//! The throwaway MariaDB server of the test harness (`common::mariadb`) has the settings gudang
//! requires: a new database gets `utf8mb4_nopad_bin`, InnoDB flushes its log at every commit,
//! and the binary log is on and synced at every commit. Also: byte-order text decodes as
//! strings through sqlx Any, and missing MariaDB programs fail the tests loudly unless skipped.

mod common;

use common::mariadb;
use sqlx::{AnyConnection, Connection, Executor};

#[tokio::test]
async fn server_has_durable_settings_and_byte_order_collation() {
    if mariadb::skipped() {
        return;
    }
    let url = mariadb::create_database("settings", "").await;
    assert!(
        url.starts_with(&format!("mysql://root@127.0.0.1:{}/", mariadb::port())),
        "{url}"
    );
    sqlx::any::install_default_drivers();
    let mut c = AnyConnection::connect(&url).await.expect("connect");
    // sqlx's Any driver cannot decode DECIMAL and is strict about integer widths: cast.
    let (collation, flush, sync, log_bin): (String, i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(@@collation_database AS CHAR), CAST(@@innodb_flush_log_at_trx_commit AS SIGNED), \
         CAST(@@sync_binlog AS SIGNED), CAST(@@log_bin AS SIGNED)",
    )
    .fetch_one(&mut c)
    .await
    .expect("settings");
    assert_eq!(
        (collation.as_str(), flush, sync, log_bin),
        ("utf8mb4_nopad_bin", 1, 1, 1)
    );
    // Only loopback, and the directory the watchdog will delete.
    let bind: String = sqlx::query_scalar("SELECT CAST(@@bind_address AS CHAR)")
        .fetch_one(&mut c)
        .await
        .expect("bind address");
    assert_eq!(bind, "127.0.0.1");
    assert!(mariadb::server_dir().join("data").is_dir());
    let _ = c.close().await;
}

#[tokio::test]
async fn another_collation_can_be_asked_for() {
    if mariadb::skipped() {
        return;
    }
    let url =
        mariadb::create_database("ci", "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci").await;
    sqlx::any::install_default_drivers();
    let mut c = AnyConnection::connect(&url).await.expect("connect");
    let collation: String = sqlx::query_scalar("SELECT CAST(@@collation_database AS CHAR)")
        .fetch_one(&mut c)
        .await
        .expect("collation");
    assert_eq!(collation, "utf8mb4_general_ci");
    let _ = c.close().await;
}

/// Text in a byte-order (`_bin`) column comes back as a string through sqlx's Any driver (the
/// MySQL protocol flags such columns BINARY; a driver could mistake them for bytes).
#[tokio::test]
async fn byte_order_text_columns_decode_as_strings() {
    if mariadb::skipped() {
        return;
    }
    let url = mariadb::create_database("text", "").await;
    sqlx::any::install_default_drivers();
    let mut c = AnyConnection::connect(&url).await.expect("connect");
    c.execute("CREATE TABLE t (k VARCHAR(20) PRIMARY KEY, v TEXT)")
        .await
        .expect("create");
    c.execute("INSERT INTO t VALUES ('b', 'Zürich'), ('B', 'x')")
        .await
        .expect("insert");
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT k, v FROM t ORDER BY k")
        .fetch_all(&mut c)
        .await
        .expect("select");
    // Byte order: 'B' (0x42) before 'b' (0x62), and the two are different keys.
    assert_eq!(
        rows,
        vec![("B".into(), "x".into()), ("b".into(), "Zürich".into())]
    );
    let _ = c.close().await;
}

/// Without MariaDB the MariaDB tests fail and say what to install; they pass only when skipped
/// on purpose. Runs one of them in a child copy of this test binary.
#[test]
fn missing_mariadb_fails_loudly_unless_skipped() {
    let run = |skip: bool| {
        let mut c = std::process::Command::new(std::env::current_exe().expect("test binary"));
        c.args([
            "another_collation_can_be_asked_for",
            "--exact",
            "--nocapture",
        ])
        .env("GUDANG_MARIADB_BIN", "/nonexistent/gudang-test");
        if skip {
            c.env("GUDANG_SKIP_MARIADB", "1");
        } else {
            c.env_remove("GUDANG_SKIP_MARIADB");
        }
        let out = c.output().expect("run the test binary");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = run(false);
    assert!(!ok, "must fail without MariaDB:\n{text}");
    assert!(
        text.contains("mariadbd, mariadb-install-db")
            && text.contains("apt-get install -y mariadb-server")
            && text.contains("GUDANG_SKIP_MARIADB=1"),
        "{text}"
    );
    let (ok, text) = run(true);
    assert!(ok, "{text}");
    assert!(text.contains("skipping a MariaDB test"), "{text}");
}
