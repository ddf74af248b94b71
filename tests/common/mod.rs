//! Test harness shared by the integration tests: fresh shards on temp SQLite files (or on a
//! throwaway PostgreSQL or MariaDB server, see `pg`, `mariadb` and their shared plumbing in
//! `server`), fast password hashing parameters, and a seeded catalog.

#![allow(dead_code)]

pub mod backend;
pub mod mariadb;
pub mod pg;
pub mod server;

use gudang::config::Config;
use gudang::service::catalog::ProductInput;
use gudang::{Actor, Services};

pub struct Env {
    pub services: Services,
    pub admin: Actor,
    pub dir: tempfile::TempDir,
}

/// A config for tests on temp SQLite files in `dir`.
pub fn sqlite_config(dir: &std::path::Path) -> Config {
    let mut c = Config {
        data_dir: Some(dir.to_path_buf()),
        ..Config::default()
    };
    c.posting.recovery_grace_secs = 0;
    c.security.login_delay_base_ms = 1000;
    c
}

pub async fn sqlite_env() -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let services = Services::open(sqlite_config(dir.path()))
        .await
        .expect("open shards");
    let admin = services
        .create_first_admin("admin@example.test", "Admin", "correct horse battery")
        .await
        .expect("first admin");
    Env {
        services,
        admin,
        dir,
    }
}

/// Adds a unit PCS, a category, locations A and B, and products P1..Pn.
pub async fn seed(env: &Env, products: usize) {
    let s = &env.services;
    s.add_unit(&env.admin, "PCS", "Pieces", 0)
        .await
        .expect("unit");
    s.add_unit(&env.admin, "KG", "Kilogram", 3)
        .await
        .expect("unit");
    s.add_category(&env.admin, "Hardware")
        .await
        .expect("category");
    s.add_location(&env.admin, "A", "Warehouse A", None)
        .await
        .expect("loc A");
    s.add_location(&env.admin, "B", "Warehouse B", None)
        .await
        .expect("loc B");
    for i in 1..=products {
        s.add_product(
            &env.admin,
            &ProductInput {
                sku: format!("P{i}"),
                name: format!("Product {i}"),
                barcode: Some(format!("899{i:07}")),
                category: Some("Hardware".into()),
                unit: Some("PCS".into()),
                price: Some("2.50".into()),
                min_qty: Some("5".into()),
                active: None,
            },
        )
        .await
        .expect("product");
    }
}

/// One daily summary cell: day, kind, documents, lines, quantity, value.
type DayRow = (String, String, i64, i64, i64, i64);

/// Posted headers summed per (day, kind) must equal the daily summaries.
pub async fn assert_summaries_match(s: &Services) {
    // Through the backend's rewrite: MariaDB spells the BIGINT casts differently.
    let b = s.shards.transaction.backend();
    let rows: (Vec<DayRow>, Vec<DayRow>) = s
        .shards
        .transaction
        .read(move |p| {
            Box::pin(async move {
                let from_headers = sqlx::query_as(b.sql("SELECT day, kind, COUNT(*), CAST(SUM(line_count) AS BIGINT), CAST(SUM(total_qty) AS BIGINT), CAST(SUM(total_value) AS BIGINT) FROM transactions WHERE status = 'posted' GROUP BY day, kind ORDER BY day, kind"))
                    .fetch_all(&p)
                    .await
                    .map_err(gudang::Error::db("transaction"))?;
                let summaries = sqlx::query_as("SELECT day, kind, txn_count, line_count, total_qty, total_value FROM daily_summary WHERE txn_count > 0 ORDER BY day, kind")
                    .fetch_all(&p)
                    .await
                    .map_err(gudang::Error::db("transaction"))?;
                Ok((from_headers, summaries))
            })
        })
        .await
        .unwrap();
    assert_eq!(
        rows.0, rows.1,
        "daily summaries must equal the posted documents"
    );
}
