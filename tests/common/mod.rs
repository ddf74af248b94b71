//! Test harness shared by the integration tests: fresh shards on temp SQLite files (or on a
//! throwaway PostgreSQL server, see `pg`), fast password hashing parameters, and a seeded
//! catalog.

#![allow(dead_code)]

pub mod backend;
pub mod pg;

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
    let mut c = Config { data_dir: Some(dir.to_path_buf()), ..Config::default() };
    c.posting.recovery_grace_secs = 0;
    c.security.login_delay_base_ms = 1000;
    c
}

pub async fn sqlite_env() -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let services = Services::open(sqlite_config(dir.path())).await.expect("open shards");
    let admin = services
        .create_first_admin("admin@example.test", "Admin", "correct horse battery")
        .await
        .expect("first admin");
    Env { services, admin, dir }
}

/// Adds a unit PCS, a category, locations A and B, and products P1..Pn.
pub async fn seed(env: &Env, products: usize) {
    let s = &env.services;
    s.add_unit(&env.admin, "PCS", "Pieces", 0).await.expect("unit");
    s.add_unit(&env.admin, "KG", "Kilogram", 3).await.expect("unit");
    s.add_category(&env.admin, "Hardware").await.expect("category");
    s.add_location(&env.admin, "A", "Warehouse A", None).await.expect("loc A");
    s.add_location(&env.admin, "B", "Warehouse B", None).await.expect("loc B");
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
