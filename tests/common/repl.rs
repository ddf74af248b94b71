//! The replication lab: a throwaway primary + replica pair of MariaDB or PostgreSQL on
//! 127.0.0.1, for the tests of lag-aware reads, read-your-writes and failover. It is the
//! set-up of docs/replication.md, shrunk onto one machine: same server settings, same users and
//! grants, trust auth instead of passwords on the PostgreSQL side.
//!
//! - MariaDB: `mariadbd` primary (server id 1) and replica (server id 2, `read_only=1`), both
//!   with the binary log in ROW format, `sync_binlog=1`, `innodb_flush_log_at_trx_commit=1`,
//!   GTID strict mode and `log_slave_updates`; the replica follows with
//!   `MASTER_USE_GTID=slave_pos`. Both data directories come from one bootstrap (copied), so the
//!   replica starts "seeded"; the users are created on the primary after replication is set up
//!   and reach the replica through the binary log, as in production.
//! - PostgreSQL: `initdb` primary with `wal_level=replica`, replica made by
//!   `pg_basebackup -R -X stream` with a replication slot, `hot_standby=on`, fsync on.
//!
//! Start-up is fast because the slow parts are skipped, not the durability: MariaDB is
//! bootstrapped without the help tables and the `sys` schema (gudang needs neither) and without
//! fsyncs during the bootstrap only; PostgreSQL uses `recovery_init_sync_method=syncfs` (one
//! syncfs instead of an fsync per file when a replica or a crashed primary starts).
//!
//! The servers are this process's children (PostgreSQL's `postgres` is started directly, not
//! through `pg_ctl`), because killing and restarting a primary needs the old process reaped:
//! a zombie postmaster would keep its PID "alive" and block the restart.
//!
//! Clean-up does not rely on the test process ending well: a detached watchdog (`sh`) holds the
//! read end of a pipe whose write end only this process has. When the process exits for any
//! reason, even SIGKILL, the pipe closes and the watchdog stops the servers and deletes the
//! directory. Dropping a [`ReplPair`] does the same at once.
//!
//! This file is the API; `repl/mariadb.rs` and `repl/postgres.rs` hold each engine's set-up,
//! `repl/process.rs` the processes, the watchdog and the waiting.
//!
//! A pair belongs to one test: `kill_primary` would break any other test sharing it. Missing
//! server programs make the tests FAIL with a message saying what to install, unless
//! `GUDANG_SKIP_MARIADB=1` / `GUDANG_SKIP_PG=1` is set (see [`ReplPair::start_or_skip`]).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::Connection;

// Paths relative to this file's directory, so that the lab compiles the same whether it is
// reached as `common::repl` or through `#[path = "common/repl.rs"]`.
#[path = "repl/mariadb.rs"]
mod mariadb;
#[path = "repl/postgres.rs"]
mod postgres;
#[path = "repl/process.rs"]
mod process;
// Also loaded by `common` where a test has both: the lab must build without `common` too.
#[allow(clippy::duplicate_mod)]
#[path = "server.rs"]
mod server;

use mariadb::{my_exec, my_opt_string, my_opt_u64, my_string};
use postgres::pg_exec;
use process::{alive, children_of, wait_for};

/// The application's user on both nodes (no SUPER, no READ_ONLY ADMIN: `read_only` binds it).
pub const APP_USER: &str = "gudang";
pub const APP_PASSWORD: &str = "gudang-lab-pw";
/// The user the replica connects to the primary as.
pub const REPL_USER: &str = "repl";
pub const REPL_PASSWORD: &str = "repl-lab-pw";

/// How long a starting (or crash-recovering) server may take.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `create_databases` waits for the replica to have them.
pub const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause between two looks at a condition we wait for.
const POLL: Duration = Duration::from_millis(10);

/// The lab's error: what went wrong, with the server log's tail where it helps.
pub type LabResult<T> = Result<T, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    MariaDb,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::MariaDb => "MariaDB",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// True when the tests of this engine are skipped on purpose (`GUDANG_SKIP_MARIADB=1`,
    /// `GUDANG_SKIP_PG=1`).
    pub fn skipped(self) -> bool {
        let var = match self {
            Engine::MariaDb => "GUDANG_SKIP_MARIADB",
            Engine::Postgres => "GUDANG_SKIP_PG",
        };
        std::env::var(var).is_ok_and(|v| v.trim() == "1")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Primary,
    Replica,
}

impl Node {
    fn name(self) -> &'static str {
        match self {
            Node::Primary => "primary",
            Node::Replica => "replica",
        }
    }

    fn index(self) -> usize {
        match self {
            Node::Primary => 0,
            Node::Replica => 1,
        }
    }
}

/// A running primary + replica pair.
pub struct ReplPair {
    engine: Engine,
    dir: PathBuf,
    /// Directory of the server programs.
    bin: PathBuf,
    /// uid/gid the servers run as when we are root (`mysql` / `postgres`).
    owner: Option<(u32, u32)>,
    ports: [u16; 2],
    /// The server processes, primary first; `None` while killed.
    procs: Mutex<[Option<Child>; 2]>,
    /// PostgreSQL: the killed postmaster's children, which must be gone before a restart.
    orphans: Mutex<Vec<u32>>,
    /// Write end of the watchdog's pipe (closing it starts the clean-up) and the watchdog.
    watchdog: Option<(ChildStdin, Child)>,
    /// How long [`ReplPair::start`] took.
    pub started_in: Duration,
}

/// A fresh database name `<prefix>_<n>_<random>`, so that tests never collide.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{n}_{}", rand::random::<u32>() % 100_000)
}

impl ReplPair {
    /// Starts a pair and waits until the replica follows the primary.
    pub async fn start(engine: Engine) -> LabResult<ReplPair> {
        let t0 = Instant::now();
        let mut pair = match engine {
            Engine::MariaDb => Self::start_mariadb().await?,
            Engine::Postgres => Self::start_postgres().await?,
        };
        pair.started_in = t0.elapsed();
        Ok(pair)
    }

    /// [`start`](Self::start), or `None` when the engine is skipped on purpose. Panics with the
    /// reason when the pair cannot start.
    pub async fn start_or_skip(engine: Engine) -> Option<ReplPair> {
        if engine.skipped() {
            eprintln!("{} tests skipped on purpose", engine.name());
            return None;
        }
        match Self::start(engine).await {
            Ok(p) => Some(p),
            Err(e) => panic!("{} replication lab: {e}", engine.name()),
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn port(&self, node: Node) -> u16 {
        self.ports[node.index()]
    }

    /// URL of database `db` on `node`, as the application user.
    pub fn url(&self, node: Node, db: &str) -> String {
        let scheme = match self.engine {
            Engine::MariaDb => "mysql",
            Engine::Postgres => "postgres",
        };
        format!(
            "{scheme}://{APP_USER}:{APP_PASSWORD}@127.0.0.1:{}/{db}",
            self.port(node)
        )
    }

    pub fn primary_url(&self, db: &str) -> String {
        self.url(Node::Primary, db)
    }

    pub fn replica_url(&self, db: &str) -> String {
        self.url(Node::Replica, db)
    }

    /// URL of database `db` on `node` as the superuser (`root` / `postgres`, no password).
    pub fn admin_url(&self, node: Node, db: &str) -> String {
        match self.engine {
            Engine::MariaDb => format!("mysql://root@127.0.0.1:{}/{db}", self.port(node)),
            Engine::Postgres => format!("postgres://postgres@127.0.0.1:{}/{db}", self.port(node)),
        }
    }

    /// Creates the databases on the primary, as gudang needs them (MariaDB: utf8mb4 /
    /// utf8mb4_nopad_bin, the app user granted what docs/replication.md grants; PostgreSQL:
    /// UTF8, locale C, owned by the app user), then waits until the replica has them.
    pub async fn create_databases(&self, names: &[&str]) -> LabResult<()> {
        for n in names {
            if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("database name {n:?}: use letters, digits and _"));
            }
        }
        match self.engine {
            Engine::MariaDb => {
                let mut c = self.my_admin(Node::Primary).await?;
                for n in names {
                    my_exec(
                        &mut c,
                        &format!(
                            "CREATE DATABASE `{n}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
                        ),
                    )
                    .await?;
                    my_exec(
                        &mut c,
                        &format!(
                            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, \
                             TRIGGER, REFERENCES ON `{n}`.* TO '{APP_USER}'@'127.0.0.1'"
                        ),
                    )
                    .await?;
                }
                let _ = c.close().await;
            }
            Engine::Postgres => {
                let mut c = self.pg_admin(Node::Primary).await?;
                for n in names {
                    pg_exec(
                        &mut c,
                        &format!(
                            "CREATE DATABASE \"{n}\" OWNER {APP_USER} TEMPLATE template0 \
                             ENCODING 'UTF8' LOCALE 'C'"
                        ),
                    )
                    .await?;
                }
                let _ = c.close().await;
            }
        }
        self.wait_replica_caught_up(CATCH_UP_TIMEOUT).await
    }

    /// The primary's replication position now: MariaDB `@@gtid_binlog_pos`, PostgreSQL
    /// `pg_current_wal_lsn()`.
    pub async fn primary_position(&self) -> LabResult<String> {
        match self.engine {
            Engine::MariaDb => {
                let mut c = self.my_admin(Node::Primary).await?;
                let pos = my_string(&mut c, "SELECT @@gtid_binlog_pos").await;
                let _ = c.close().await;
                pos
            }
            Engine::Postgres => {
                let mut c = self.pg_admin(Node::Primary).await?;
                let pos = sqlx::query_scalar::<_, String>("SELECT pg_current_wal_lsn()::text")
                    .fetch_one(&mut c)
                    .await
                    .map_err(|e| format!("pg_current_wal_lsn on the primary: {e}"));
                let _ = c.close().await;
                pos
            }
        }
    }

    /// Waits until the replica has applied everything up to `pos` (a [`primary_position`]):
    /// MariaDB `MASTER_GTID_WAIT`, PostgreSQL `pg_last_wal_replay_lsn() >= pos`.
    ///
    /// [`primary_position`]: Self::primary_position
    pub async fn wait_replica_reached(&self, pos: &str, timeout: Duration) -> LabResult<()> {
        match self.engine {
            Engine::MariaDb => {
                let mut c = self.my_admin(Node::Replica).await?;
                let r: i64 = sqlx::query_scalar("SELECT CAST(MASTER_GTID_WAIT(?, ?) AS SIGNED)")
                    .bind(pos)
                    .bind(timeout.as_secs_f64())
                    .fetch_one(&mut c)
                    .await
                    .map_err(|e| format!("MASTER_GTID_WAIT on the replica: {e}"))?;
                let _ = c.close().await;
                if r == 0 {
                    Ok(())
                } else {
                    Err(format!(
                        "the replica did not reach GTID {pos} within {timeout:?}; its log:\n{}",
                        self.log_tail(Node::Replica)
                    ))
                }
            }
            Engine::Postgres => {
                let mut c = self.pg_admin(Node::Replica).await?;
                let deadline = Instant::now() + timeout;
                loop {
                    let done: bool = sqlx::query_scalar(
                        "SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)",
                    )
                    .bind(pos)
                    .fetch_one(&mut c)
                    .await
                    .map_err(|e| format!("pg_last_wal_replay_lsn on the replica: {e}"))?;
                    if done {
                        let _ = c.close().await;
                        return Ok(());
                    }
                    if Instant::now() > deadline {
                        return Err(format!(
                            "the replica did not replay up to {pos} within {timeout:?}; its log:\n{}",
                            self.log_tail(Node::Replica)
                        ));
                    }
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Waits until the replica has applied everything the primary has committed so far.
    pub async fn wait_replica_caught_up(&self, timeout: Duration) -> LabResult<()> {
        let pos = self.primary_position().await?;
        self.wait_replica_reached(&pos, timeout).await
    }

    /// SIGKILLs the primary server (MariaDB `mariadbd`, PostgreSQL's postmaster) and reaps it.
    /// New connections to its port are refused at once; the replica keeps answering reads.
    pub fn kill_primary(&self) -> LabResult<()> {
        let mut procs = self
            .procs
            .lock()
            .map_err(|_| "lab lock poisoned".to_string())?;
        let mut child = procs[0]
            .take()
            .ok_or_else(|| "the primary is not running".to_string())?;
        let children = if self.engine == Engine::Postgres {
            children_of(child.id())
        } else {
            Vec::new()
        };
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_file(self.pid_file(Node::Primary));
        if let Ok(mut o) = self.orphans.lock() {
            *o = children;
        }
        Ok(())
    }

    /// Starts the primary again on the same data directory and port, waits until it answers
    /// (after its crash recovery) and until the replica is connected to it again. Returns how
    /// long that took.
    pub async fn restart_primary(&self) -> LabResult<Duration> {
        let t0 = Instant::now();
        if self.is_running(Node::Primary) {
            return Err("the primary is running".into());
        }
        if self.engine == Engine::Postgres {
            // The killed postmaster's backends must have exited, or the new postmaster refuses
            // the old shared memory block as still in use.
            let orphans = self.orphans.lock().map(|o| o.clone()).unwrap_or_default();
            wait_for(READY_TIMEOUT, "the old primary's processes to exit", || {
                !orphans.iter().any(|p| alive(*p))
            })
            .await?;
        }
        let child = self.spawn(Node::Primary)?;
        self.store(Node::Primary, child)?;
        self.wait_ready(Node::Primary).await?;
        self.wait_replica_connected(READY_TIMEOUT).await?;
        Ok(t0.elapsed())
    }

    /// Pauses applying on the replica; it keeps receiving. MariaDB: `STOP SLAVE SQL_THREAD`
    /// (`Seconds_Behind_Master` is then NULL); PostgreSQL: `pg_wal_replay_pause()`.
    pub async fn stop_replication(&self) -> LabResult<()> {
        match self.engine {
            Engine::MariaDb => self.my_replica_exec("STOP SLAVE SQL_THREAD").await,
            Engine::Postgres => self.pg_replica_exec("SELECT pg_wal_replay_pause()").await,
        }
    }

    /// Resumes applying on the replica.
    pub async fn start_replication(&self) -> LabResult<()> {
        match self.engine {
            Engine::MariaDb => self.my_replica_exec("START SLAVE SQL_THREAD").await,
            Engine::Postgres => self.pg_replica_exec("SELECT pg_wal_replay_resume()").await,
        }
    }

    /// The replica's lag in seconds as the engine reports it, `None` when it does not know.
    /// MariaDB: `Seconds_Behind_Master` (NULL while a replication thread is not running).
    /// PostgreSQL: 0 when all received WAL is replayed, else the age of the last replayed
    /// transaction; `None` when no WAL receiver is streaming.
    pub async fn replica_lag_seconds(&self) -> LabResult<Option<u64>> {
        match self.engine {
            Engine::MariaDb => {
                let mut c = self.my_admin(Node::Replica).await?;
                let row = sqlx::raw_sql("SHOW SLAVE STATUS")
                    .fetch_optional(&mut c)
                    .await
                    .map_err(|e| format!("SHOW SLAVE STATUS: {e}"))?;
                let _ = c.close().await;
                let Some(row) = row else {
                    return Err("the replica has no replication set up".into());
                };
                Ok(my_opt_u64(&row, "Seconds_Behind_Master"))
            }
            Engine::Postgres => {
                let mut c = self.pg_admin(Node::Replica).await?;
                let lag: Option<i64> = sqlx::query_scalar(
                    "SELECT CASE \
                       WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') \
                         THEN NULL \
                       WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
                       ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::bigint \
                     END",
                )
                .fetch_one(&mut c)
                .await
                .map_err(|e| format!("replica lag: {e}"))?;
                let _ = c.close().await;
                Ok(lag.map(|l| l.max(0).unsigned_abs()))
            }
        }
    }

    /// Whether the replica's replication threads / WAL receiver are connected and running.
    pub async fn replica_connected(&self) -> LabResult<bool> {
        match self.engine {
            Engine::MariaDb => {
                let mut c = self.my_admin(Node::Replica).await?;
                let row = sqlx::raw_sql("SHOW SLAVE STATUS")
                    .fetch_optional(&mut c)
                    .await
                    .map_err(|e| format!("SHOW SLAVE STATUS: {e}"))?;
                let _ = c.close().await;
                Ok(row.is_some_and(|r| {
                    my_opt_string(&r, "Slave_IO_Running").as_deref() == Some("Yes")
                }))
            }
            Engine::Postgres => {
                let mut c = self.pg_admin(Node::Replica).await?;
                let n: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'",
                )
                .fetch_one(&mut c)
                .await
                .map_err(|e| format!("pg_stat_wal_receiver: {e}"))?;
                let _ = c.close().await;
                Ok(n > 0)
            }
        }
    }

    /// The last lines of a node's server log, for error messages.
    pub fn log_tail(&self, node: Node) -> String {
        let text = std::fs::read(self.log_file(node))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// Three fresh databases on the pair, named `<prefix>_m`, `_l`, `_t` plus a unique tail, and
/// already on the replica.
pub async fn three_databases(pair: &ReplPair, prefix: &str) -> [String; 3] {
    let names = ["m", "l", "t"].map(|s| unique_name(&format!("{prefix}_{s}")));
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    pair.create_databases(&refs).await.expect("lab databases");
    names
}

/// A gudang config for the tests on a pair: the shards (master, location, transaction) at
/// `urls`, each with its `replicas`, the short timeouts of a failover drill, and recovery with
/// no grace period.
pub fn gudang_config(
    dir: &Path,
    urls: [String; 3],
    replicas: [Vec<String>; 3],
) -> gudang::config::Config {
    let mut c = gudang::config::Config {
        data_dir: Some(dir.to_path_buf()),
        ..Default::default()
    };
    c.posting.recovery_grace_secs = 0;
    c.database.read_connections = 2;
    c.database.primary_timeout_ms = 500;
    c.database.max_replica_lag_secs = 2;
    let [m, l, t] = urls;
    let [mr, lr, tr] = replicas;
    c.database.master_url = m;
    c.database.location_url = l;
    c.database.transaction_url = t;
    c.database.master_replicas = mr;
    c.database.location_replicas = lr;
    c.database.transaction_replicas = tr;
    c
}

/// Every shard on the pair's primary, each with the pair's replica.
pub fn pair_config(pair: &ReplPair, dir: &Path, names: &[String; 3]) -> gudang::config::Config {
    gudang_config(
        dir,
        names.clone().map(|n| pair.primary_url(&n)),
        names.clone().map(|n| vec![pair.replica_url(&n)]),
    )
}

/// Instantiates each named `async fn NAME(engine: Engine)` of the calling file as a test on a
/// MariaDB pair (`mariadb_pair::NAME`) and on a PostgreSQL pair (`postgres_pair::NAME`).
#[macro_export]
macro_rules! for_both_engines {
    ($($name:ident),+ $(,)?) => {
        mod mariadb_pair {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::repl::Engine::MariaDb).await
                }
            )+
        }
        mod postgres_pair {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::repl::Engine::Postgres).await
                }
            )+
        }
    };
}
