//! Opening shards: several processes migrating the same databases at once, status, and clear
//! errors when a PostgreSQL shard is unreachable, missing or wrongly collated.

mod common;

use common::backend::{Db, fresh_config};
use common::pg;
use gudang::Services;
use gudang::db::{ShardName, Shards, migrate};
use gudang::service::status::status;

async fn concurrent_first_start_migrates_once(db: Db) {
    let (config, _dir) = fresh_config(db).await;
    // Like several workstations starting at once against new, empty databases.
    let opens: Vec<_> = (0..6)
        .map(|_| {
            let c = config.clone();
            tokio::spawn(async move { Shards::open(&c).await.map(|_| ()) })
        })
        .collect();
    for o in opens {
        o.await.unwrap().unwrap();
    }
    let report = status(&config).await;
    for (st, shard) in report.iter().zip(ShardName::ALL) {
        assert!(st.reachable, "{st:?}");
        assert_eq!(st.schema_version, Some(migrate::latest(shard)), "{st:?}");
        assert_eq!(st.backend, db.backend_name());
    }
    // Every migration recorded exactly once.
    sqlx::any::install_default_drivers();
    for shard in ShardName::ALL {
        use sqlx::Connection;
        let mut c = sqlx::AnyConnection::connect(&config.shard_url(shard))
            .await
            .unwrap();
        let sql = db.sql("SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(DISTINCT version) AS BIGINT) FROM schema_migrations");
        let (rows, distinct): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(
            (rows, distinct),
            (migrate::latest(shard), migrate::latest(shard)),
            "{shard:?}"
        );
    }
    // And the result is usable.
    let s = Services::open(config).await.unwrap();
    s.create_first_admin("admin@example.test", "Admin", common::backend::PASSWORD)
        .await
        .unwrap();
}

for_all_backends!(concurrent_first_start_migrates_once);

fn open_error(r: Result<Services, gudang::Error>) -> String {
    match r {
        Ok(_) => panic!("opening should have failed"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut config, _dir) = fresh_config(Db::Sqlite).await;
    config.database.location_url = format!("postgres://gudang:s3cret@127.0.0.1:{port}/inventory");
    let msg = open_error(Services::open(config).await);
    assert!(msg.contains("location shard"), "{msg}");
    assert!(
        msg.contains(&format!("postgres://gudang:***@127.0.0.1:{port}/inventory")),
        "{msg}"
    );
    assert!(!msg.contains("s3cret"), "{msg}");
    assert!(msg.contains("running"), "{msg}");
}

#[tokio::test]
async fn missing_postgres_database_is_a_clear_error() {
    if pg::skipped() {
        return;
    }
    let (mut config, _dir) = fresh_config(Db::Postgres).await;
    config.database.transaction_url = pg::server().url("no_such_database");
    let msg = open_error(Services::open(config).await);
    assert!(msg.contains("transaction shard"), "{msg}");
    assert!(
        msg.contains("no_such_database") && msg.contains("does not exist"),
        "{msg}"
    );
    assert!(msg.contains("create the database first"), "{msg}");
}

#[tokio::test]
async fn non_byte_order_collation_is_refused() {
    if pg::skipped() {
        return;
    }
    let (mut config, _dir) = fresh_config(Db::Postgres).await;
    config.database.master_url = pg::create_database(
        "icu",
        "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
    )
    .await;
    let msg = open_error(Services::open(config).await);
    assert!(
        msg.contains("master shard") && msg.contains("C collation"),
        "{msg}"
    );
}

#[tokio::test]
async fn missing_mariadb_database_is_a_clear_error() {
    if common::mariadb::skipped() {
        return;
    }
    let (mut config, _dir) = fresh_config(Db::Mariadb).await;
    config.database.transaction_url = common::mariadb::url("no_such_database");
    let msg = open_error(Services::open(config).await);
    assert!(msg.contains("transaction shard"), "{msg}");
    assert!(msg.contains("no_such_database"), "{msg}");
    assert!(msg.contains("create the database first"), "{msg}");
}

/// MariaDB's usual `utf8mb4_bin` sorts by bytes but pads with spaces ('a' sorts after 'a\t'),
/// and the default `utf8mb4_general_ci` ignores case: both are refused, naming the database.
#[tokio::test]
async fn mariadb_collation_that_is_not_byte_order_is_refused() {
    if common::mariadb::skipped() {
        return;
    }
    for collation in ["utf8mb4_bin", "utf8mb4_general_ci"] {
        let (mut config, _dir) = fresh_config(Db::Mariadb).await;
        config.database.location_url = common::mariadb::create_database(
            "coll",
            &format!("CHARACTER SET utf8mb4 COLLATE {collation}"),
        )
        .await;
        let msg = open_error(Services::open(config).await);
        assert!(
            msg.contains("location shard") && msg.contains(collation),
            "{msg}"
        );
        assert!(msg.contains("utf8mb4_nopad_bin"), "the fix is named: {msg}");
        assert!(msg.contains("_coll"), "the database is named: {msg}");
    }
}

#[tokio::test]
async fn postgres_status_and_search_extension() {
    if pg::skipped() {
        return;
    }
    let (config, _dir) = fresh_config(Db::Postgres).await;
    Services::open(config.clone()).await.unwrap();
    let report = status(&config).await;
    assert!(
        report.iter().all(|s| s.reachable
            && s.backend == "postgres"
            && s.url.starts_with("postgres://postgres@127.0.0.1:")),
        "{report:?}"
    );
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(&config.shard_url(ShardName::Master))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_indexes WHERE indexname = 'products_name_trgm'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(n, 1, "the trigram index for substring search exists");
}

/// Without PostgreSQL the PostgreSQL tests fail and say what to install; they pass only when
/// skipped on purpose. Runs one of them in a child copy of this test binary.
#[test]
fn missing_postgres_fails_loudly_unless_skipped() {
    let run = |skip: bool| {
        let mut c = std::process::Command::new(std::env::current_exe().unwrap());
        c.args([
            "postgres::concurrent_first_start_migrates_once",
            "--exact",
            "--nocapture",
        ])
        .env("GUDANG_PG_BIN", "/nonexistent/gudang-test");
        if skip {
            c.env("GUDANG_SKIP_PG", "1");
        } else {
            c.env_remove("GUDANG_SKIP_PG");
        }
        let out = c.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = run(false);
    assert!(!ok, "must fail without PostgreSQL:\n{text}");
    assert!(
        text.contains("initdb, pg_ctl")
            && text.contains("apt-get install -y postgresql")
            && text.contains("GUDANG_SKIP_PG=1"),
        "{text}"
    );
    let (ok, text) = run(true);
    assert!(ok, "{text}");
    assert!(text.contains("skipping a PostgreSQL test"), "{text}");
}
