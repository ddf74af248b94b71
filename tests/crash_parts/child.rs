//! The child side of the crash test: a process that posts receipts, issues and transfers in a
//! loop from a few concurrent workers until it is killed, and journals what it did to a file the
//! parent reads after the kill. Every posting is journalled twice: `try` (with the full request)
//! before the first write, `ack` (with the outcome) once `post` returned; each record is fsynced
//! before the worker goes on, so an `ack` in the file is a posting the clerk was told about.
//!
//! The child gets its shards as a config file written by the parent ([`write_config`]): temp
//! SQLite files, or databases on the parent's throwaway PostgreSQL or MariaDB server (which
//! lives on while the child is killed).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gudang::domain::{Quantity, TxKind, ids};
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::{Actor, Config, Services};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Set (to the path of the config file) only in the re-executed child.
pub const CHILD_CONFIG_ENV: &str = "GUDANG_CRASH_CHILD_CONFIG";
pub const CHILD_JOURNAL_ENV: &str = "GUDANG_CRASH_JOURNAL";
pub const CHILD_SEED_ENV: &str = "GUDANG_CRASH_CHILD_SEED";

pub const LOCATIONS: [&str; 3] = ["A", "B", "C"];
pub const PRODUCTS: [&str; 4] = ["P1", "P2", "P3", "P4"];
/// Concurrent posting workers in the child, so kills also land inside multi-job commit batches.
pub const WORKERS: u64 = 3;
/// Postings per worker after which a child that was never killed stops (the parent treats that
/// as a failure: a failpoint that is never reached tests nothing).
pub const MAX_PER_WORKER: usize = 400;

/// A posting request in a form the journal can hold and the parent can replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Req {
    pub id: String,
    pub kind: String,
    pub source: Option<String>,
    pub dest: Option<String>,
    /// (SKU, quantity in milli-units)
    pub lines: Vec<(String, i64)>,
}

impl Req {
    pub fn to_post(&self) -> PostRequest {
        PostRequest {
            id: Some(self.id.clone()),
            kind: Some(self.kind.parse().expect("kind")),
            source: self.source.clone(),
            dest: self.dest.clone(),
            lines: self
                .lines
                .iter()
                .map(|(code, q)| LineRequest {
                    code: code.clone(),
                    qty: Quantity(*q),
                    price: None,
                })
                .collect(),
            reference: Some("crash-test".into()),
            ..Default::default()
        }
    }

    /// A random receipt, issue or transfer of 1 to 3 lines.
    pub fn random(rng: &mut StdRng) -> Req {
        let pick = |rng: &mut StdRng| LOCATIONS[rng.random_range(0..LOCATIONS.len())].to_string();
        let (kind, source, dest) = match rng.random_range(0..10) {
            0..=3 => (TxKind::Receipt, None, Some(pick(rng))),
            4..=6 => (TxKind::Issue, Some(pick(rng)), None),
            _ => {
                let s = pick(rng);
                let mut d = pick(rng);
                while d == s {
                    d = pick(rng);
                }
                (TxKind::Transfer, Some(s), Some(d))
            }
        };
        let n = rng.random_range(1..=3);
        let lines = (0..n)
            .map(|_| {
                (
                    PRODUCTS[rng.random_range(0..PRODUCTS.len())].to_string(),
                    Quantity::units(rng.random_range(1..=12)).0,
                )
            })
            .collect();
        Req {
            id: ids::new_id(),
            kind: kind.as_str().into(),
            source,
            dest,
            lines,
        }
    }
}

/// One journal record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "lowercase")]
pub enum Record {
    Try {
        req: Req,
    },
    Ack {
        id: String,
        number: String,
        status: String,
        reason: Option<String>,
    },
}

/// Reads a journal. A kill can cut the last record short; only that one may be incomplete.
pub fn read_journal(path: &Path) -> Vec<Record> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("cannot read journal {}: {e}", path.display()),
    };
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    complete
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad journal line {l:?}: {e}")))
        .collect()
}

/// Writes the config the children open their shards with, as a gudang config file.
pub fn write_config(config: &Config, path: &Path) {
    let text = toml::to_string(config).expect("config as TOML");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Reads a config written by [`write_config`], as gudang reads a config file (no environment
/// overrides: the child must open exactly the parent's shards).
pub fn read_config(path: &Path) -> Config {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let config = Config::from_sources(Some(&text), &[]).expect("child config");
    config.validate().expect("valid child config");
    config
}

fn append(file: &Mutex<File>, rec: &Record) {
    let mut line = serde_json::to_string(rec).expect("json");
    line.push('\n');
    let mut f = file.lock().expect("journal lock");
    f.write_all(line.as_bytes()).expect("journal write");
    f.sync_data().expect("journal fsync");
}

/// The child process: opens the services (which runs recovery, where the recovery failpoints
/// fire), then posts from [`WORKERS`] workers until killed.
pub fn child_main(config: &Path) {
    let config = read_config(config);
    let journal = PathBuf::from(std::env::var(CHILD_JOURNAL_ENV).expect("journal path"));
    let seed: u64 = std::env::var(CHILD_SEED_ENV)
        .expect("seed")
        .parse()
        .expect("seed number");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let s = Services::open(config)
            .await
            .expect("open services in child");
        let actor = s.first_admin().await.expect("admin");
        let file = Arc::new(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&journal)
                .expect("open journal"),
        ));
        println!("READY");
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                tokio::spawn(worker(
                    s.clone(),
                    actor.clone(),
                    file.clone(),
                    seed.wrapping_add(w),
                ))
            })
            .collect();
        for w in workers {
            w.await.expect("worker panicked");
        }
        println!("DONE");
    });
}

async fn worker(s: Services, actor: Actor, file: Arc<Mutex<File>>, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for _ in 0..MAX_PER_WORKER {
        let req = Req::random(&mut rng);
        append(&file, &Record::Try { req: req.clone() });
        let out = s
            .post(&actor, &req.to_post())
            .await
            .unwrap_or_else(|e| panic!("posting {} failed without a kill: {e}", req.id));
        assert!(
            !out.replayed,
            "a fresh id {} was reported as a replay",
            req.id
        );
        append(
            &file,
            &Record::Ack {
                id: out.id.clone(),
                number: out.number,
                status: out.status.as_str().into(),
                reason: out.reason,
            },
        );
        println!("ACK {}", out.id);
    }
}
