//! Gudang: a terminal inventory system for warehouses.
//!
//! Data lives in three shards split by domain: **master** (users, categories, units,
//! products), **location** (locations, stock, movements, posting outcomes) and **transaction**
//! (transaction headers, lines, daily summaries). Each shard is served by its own tokio task
//! ([`db::ShardHandle`]) that owns its connections, batches writes into group commits and
//! serves reads from a pool. The [`service`] layer holds every business rule once and joins
//! across shards in the application; the CLI and the full-screen app both call it.
//!
//! A posting spans the transaction and location shards yet is all-or-nothing, idempotent by a
//! client-made id, never drives stock negative, conserves stock, and heals itself after a
//! crash; [`service::check`] proves it on a live deployment.

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod failpoint;
pub mod fsmode;
pub mod logging;
pub mod service;
pub mod tui;

/// `0.1.0 (1a2b3c4d5e6f)`: the version and the git commit built from (see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GUDANG_COMMIT"), ")");

pub use config::Config;
pub use error::{Error, Result};
pub use service::{Actor, Services};
