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
//! A pair belongs to one test: `kill_primary` would break any other test sharing it. Missing
//! server programs make the tests FAIL with a message saying what to install, unless
//! `GUDANG_SKIP_MARIADB=1` / `GUDANG_SKIP_PG=1` is set (see [`ReplPair::start_or_skip`]).

#![allow(dead_code)]

use std::io::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection, Row};

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

    // ---- MariaDB ----------------------------------------------------------------------------

    async fn start_mariadb() -> LabResult<ReplPair> {
        let bin = mariadb_bin()?;
        let owner = if is_root() {
            Some(system_user("mysql").ok_or(
                "the tests run as root and need the `mysql` system user (Debian's mariadb-server \
                 package creates it) to run the lab's servers as",
            )?)
        } else {
            None
        };
        let mut pair = Self::new(Engine::MariaDb, bin, owner)?;
        let t = Instant::now();
        let primary = pair.dir.join("primary");
        pair.mkdir(&primary)?;
        pair.mariadb_bootstrap(&primary)?;
        // The replica starts as a byte copy of the freshly bootstrapped primary: no binary log
        // yet on either, so the replica replays the primary's binary log from its first event.
        let mut cp = Command::new("cp");
        cp.arg("-a").arg(&primary).arg(pair.dir.join("replica"));
        run(cp, "cp -a of the bootstrapped data directory")?;
        eprintln!("repl lab: MariaDB bootstrap {:?}", t.elapsed());
        pair.start_node_first_time(Node::Primary).await?;
        pair.start_node_first_time(Node::Replica).await?;

        let mut c = pair.my_admin(Node::Primary).await?;
        for sql in [
            format!("CREATE USER '{REPL_USER}'@'127.0.0.1' IDENTIFIED BY '{REPL_PASSWORD}'"),
            format!("GRANT REPLICATION SLAVE ON *.* TO '{REPL_USER}'@'127.0.0.1'"),
            format!("CREATE USER '{APP_USER}'@'127.0.0.1' IDENTIFIED BY '{APP_PASSWORD}'"),
            // Lets gudang read Seconds_Behind_Master on the replica; it does not lift read_only.
            format!("GRANT SLAVE MONITOR ON *.* TO '{APP_USER}'@'127.0.0.1'"),
        ] {
            my_exec(&mut c, &sql).await?;
        }
        let _ = c.close().await;
        pair.my_replica_exec(&format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={}, MASTER_USER='{REPL_USER}', \
             MASTER_PASSWORD='{REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1",
            pair.port(Node::Primary)
        ))
        .await?;
        pair.my_replica_exec("START SLAVE").await?;
        pair.wait_replica_connected(READY_TIMEOUT).await?;
        pair.wait_replica_caught_up(CATCH_UP_TIMEOUT).await?;
        Ok(pair)
    }

    /// `mariadbd --bootstrap` with the system tables, as `mariadb-install-db` does, less the
    /// help tables and the `sys` schema (seconds of fsyncs, and gudang uses neither).
    fn mariadb_bootstrap(&self, data: &Path) -> LabResult<()> {
        let share = ["/usr/share/mariadb", "/usr/share/mysql"]
            .into_iter()
            .map(PathBuf::from)
            .find(|d| d.join("mysql_system_tables.sql").is_file());
        let Some(share) = share else {
            // Not a Debian layout: the full installer, slower but complete.
            let mut c = Command::new(self.bin.join("mariadb-install-db"));
            c.arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg("--auth-root-authentication-method=normal")
                .arg("--skip-test-db")
                .args(MARIADB_SIZES);
            if self.owner.is_some() {
                c.arg("--user=mysql");
            }
            return run(c, "mariadb-install-db");
        };
        let mut sql =
            b"create database if not exists mysql;\nuse mysql;\nSET @auth_root_socket=NULL;\n"
                .to_vec();
        for f in [
            "mysql_system_tables.sql",
            "mysql_performance_tables.sql",
            "mysql_system_tables_data.sql",
            "maria_add_gis_sp_bootstrap.sql",
        ] {
            let p = share.join(f);
            sql.extend(std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?);
            sql.push(b'\n');
        }
        let mut c = Command::new(self.bin.join("mariadbd"));
        c.arg("--no-defaults")
            .arg("--bootstrap")
            .arg(format!("--datadir={}", data.display()))
            .args(["--log-warnings=0", "--enforce-storage-engine="])
            .args(["--max-allowed-packet=8M", "--net-buffer-length=16K"])
            .args(MARIADB_SIZES)
            // The bootstrap only: it need not survive a power cut; the servers run durably.
            .args([
                "--innodb-flush-log-at-trx-commit=0",
                "--innodb-doublewrite=0",
                "--innodb-flush-method=nosync",
            ])
            .arg(self.mariadb_user_arg())
            .current_dir(&self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c
            .spawn()
            .map_err(|e| format!("cannot run mariadbd --bootstrap: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(&sql)
                .map_err(|e| format!("feeding mariadbd --bootstrap: {e}"))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| format!("mariadbd --bootstrap: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "mariadbd --bootstrap failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn mariadb_user_arg(&self) -> String {
        if self.owner.is_some() {
            "--user=mysql".into()
        } else {
            // Not root: the server runs as us; the flag is then only a no-op statement of it.
            format!("--user={}", whoami())
        }
    }

    fn mariadb_command(&self, node: Node) -> Command {
        let data = self.dir.join(node.name());
        let mut c = Command::new(self.bin.join("mariadbd"));
        // --no-defaults first: no /etc/mysql settings leak into the lab.
        c.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!(
                "--socket={}",
                self.dir.join(format!("{}.sock", node.name())).display()
            ))
            .arg(format!(
                "--pid-file={}",
                self.dir
                    .join(format!("{}.mariadb.pid", node.name()))
                    .display()
            ))
            .arg(format!("--log-error={}", self.log_file(node).display()))
            .arg(format!("--port={}", self.port(node)))
            .arg("--bind-address=127.0.0.1")
            .arg("--skip-name-resolve")
            .arg(self.mariadb_user_arg())
            .arg(format!("--server-id={}", node.index() + 1))
            .arg(format!("--log-bin={}-bin", node.name()))
            .arg(format!("--relay-log={}-relay-bin", node.name()))
            .args([
                "--binlog-format=ROW",
                "--sync-binlog=1",
                "--innodb-flush-log-at-trx-commit=1",
                "--gtid-strict-mode=1",
                "--log-slave-updates",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_nopad_bin",
                "--log-bin-trust-function-creators=1",
                "--max-connections=300",
            ])
            .args(MARIADB_SIZES);
        if node == Node::Replica {
            c.arg("--read-only=1");
        }
        c
    }

    async fn my_admin(&self, node: Node) -> LabResult<MySqlConnection> {
        MySqlConnection::connect(&self.admin_url(node, ""))
            .await
            .map_err(|e| format!("connect to the MariaDB {} as root: {e}", node.name()))
    }

    async fn my_replica_exec(&self, sql: &str) -> LabResult<()> {
        let mut c = self.my_admin(Node::Replica).await?;
        let r = my_exec(&mut c, sql).await;
        let _ = c.close().await;
        r
    }

    // ---- PostgreSQL -------------------------------------------------------------------------

    async fn start_postgres() -> LabResult<ReplPair> {
        let bin = pg_bin()?;
        let owner = if is_root() {
            Some(system_user("postgres").ok_or(
                "the tests run as root and PostgreSQL refuses to; they need the `postgres` \
                 system user (Debian's postgresql package creates it)",
            )?)
        } else {
            None
        };
        let mut pair = Self::new(Engine::Postgres, bin, owner)?;
        let primary = pair.dir.join("primary");
        let mut init = pair.pg_tool("initdb");
        // --no-sync only skips initdb's final flush of its own files; the server runs with
        // fsync on, and a crashed primary syncs its data directory when it starts again.
        init.arg("-D").arg(&primary).args([
            "--locale=C",
            "--encoding=UTF8",
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        ]);
        let t = Instant::now();
        run(init, "initdb")?;
        let initdb = t.elapsed();
        let conf = format!(
            "\n# gudang replication lab\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\n\
             fsync = on\n\
             synchronous_commit = on\n\
             wal_level = replica\n\
             max_wal_senders = 10\n\
             max_replication_slots = 10\n\
             hot_standby = on\n\
             wal_retrieve_retry_interval = 100ms\n\
             recovery_init_sync_method = syncfs\n\
             max_connections = 200\n\
             shared_buffers = 32MB\n",
            pair.dir.display()
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(primary.join("postgresql.conf"))
            .and_then(|mut f| f.write_all(conf.as_bytes()))
            .map_err(|e| format!("cannot write postgresql.conf: {e}"))?;
        let t = Instant::now();
        pair.start_node_first_time(Node::Primary).await?;
        let primary_up = t.elapsed();
        let mut c = pair.pg_admin(Node::Primary).await?;
        for sql in [
            format!("CREATE ROLE {REPL_USER} REPLICATION LOGIN PASSWORD '{REPL_PASSWORD}'"),
            format!("CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_PASSWORD}'"),
        ] {
            pg_exec(&mut c, &sql).await?;
        }
        let _ = c.close().await;
        let mut bb = pair.pg_tool("pg_basebackup");
        bb.args(["-h", "127.0.0.1", "-p"])
            .arg(pair.port(Node::Primary).to_string())
            .args(["-U", REPL_USER, "-D"])
            .arg(pair.dir.join("replica"))
            .args(["-R", "-X", "stream", "-C", "-S", "lab_replica"])
            // --no-sync: the replica syncs its data directory (syncfs) when it starts.
            .args(["--checkpoint=fast", "--no-sync"]);
        let t = Instant::now();
        run(bb, "pg_basebackup")?;
        let backup = t.elapsed();
        let t = Instant::now();
        pair.start_node_first_time(Node::Replica).await?;
        pair.wait_replica_connected(READY_TIMEOUT).await?;
        eprintln!(
            "repl lab: PostgreSQL initdb {initdb:?}, primary up {primary_up:?}, \
             pg_basebackup {backup:?}, replica streaming {:?}",
            t.elapsed()
        );
        Ok(pair)
    }

    fn pg_tool(&self, name: &str) -> Command {
        let mut c = Command::new(self.bin.join(name));
        c.current_dir(&self.dir).env("HOME", &self.dir);
        if let Some((uid, gid)) = self.owner {
            c.uid(uid).gid(gid);
        }
        c
    }

    fn postgres_command(&self, node: Node) -> Command {
        let mut c = self.pg_tool("postgres");
        c.arg("-D")
            .arg(self.dir.join(node.name()))
            .arg("-p")
            .arg(self.port(node).to_string());
        c
    }

    async fn pg_admin(&self, node: Node) -> LabResult<PgConnection> {
        PgConnection::connect(&self.admin_url(node, "postgres"))
            .await
            .map_err(|e| format!("connect to the PostgreSQL {} as postgres: {e}", node.name()))
    }

    async fn pg_replica_exec(&self, sql: &str) -> LabResult<()> {
        let mut c = self.pg_admin(Node::Replica).await?;
        let r = pg_exec(&mut c, sql).await;
        let _ = c.close().await;
        r
    }

    // ---- both -------------------------------------------------------------------------------

    fn new(engine: Engine, bin: PathBuf, owner: Option<(u32, u32)>) -> LabResult<ReplPair> {
        // /tmp rather than $TMPDIR: the server user must reach it, and unix socket paths inside
        // must stay under the kernel's ~107-byte limit.
        let base = Some(PathBuf::from("/tmp"))
            .filter(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let dir = tempfile::Builder::new()
            .prefix("gudang-repl-")
            .tempdir_in(base)
            .map_err(|e| format!("cannot make a temp dir for the lab: {e}"))?
            .keep();
        let mut pair = ReplPair {
            engine,
            dir,
            bin,
            owner,
            ports: [0, 0],
            procs: Mutex::new([None, None]),
            orphans: Mutex::new(Vec::new()),
            watchdog: None,
            started_in: Duration::ZERO,
        };
        // The watchdog comes before anything else, so that even a failed start leaves nothing.
        pair.watchdog = Some(spawn_watchdog(&pair.dir, engine)?);
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&pair.dir, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", pair.dir.display()))?;
        }
        Ok(pair)
    }

    fn mkdir(&self, p: &Path) -> LabResult<()> {
        std::fs::create_dir(p).map_err(|e| format!("mkdir {}: {e}", p.display()))?;
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(p, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", p.display()))?;
        }
        Ok(())
    }

    fn pid_file(&self, node: Node) -> PathBuf {
        self.dir.join(format!("{}.lab-pid", node.name()))
    }

    fn log_file(&self, node: Node) -> PathBuf {
        self.dir.join(format!("{}.log", node.name()))
    }

    fn is_running(&self, node: Node) -> bool {
        self.procs
            .lock()
            .map(|p| p[node.index()].is_some())
            .unwrap_or(false)
    }

    /// Starts a server process for `node` (the port already chosen) in its own session, with
    /// its log appended to `<node>.log`, and records its pid for the watchdog.
    fn spawn(&self, node: Node) -> LabResult<Child> {
        let mut c = match self.engine {
            Engine::MariaDb => self.mariadb_command(node),
            Engine::Postgres => self.postgres_command(node),
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_file(node))
            .map_err(|e| format!("cannot open the {} log: {e}", node.name()))?;
        let log2 = log
            .try_clone()
            .map_err(|e| format!("cannot open the {} log: {e}", node.name()))?;
        c.current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log2));
        // SAFETY: setsid is async-signal-safe. A new session keeps the server out of our
        // terminal's process group, so a Ctrl-C aimed at the tests leaves it to the watchdog.
        unsafe {
            c.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        let child = c
            .spawn()
            .map_err(|e| format!("cannot start the {} server: {e}", node.name()))?;
        std::fs::write(self.pid_file(node), child.id().to_string())
            .map_err(|e| format!("cannot write the {} pid file: {e}", node.name()))?;
        Ok(child)
    }

    fn store(&self, node: Node, child: Child) -> LabResult<()> {
        let mut procs = self
            .procs
            .lock()
            .map_err(|_| "lab lock poisoned".to_string())?;
        procs[node.index()] = Some(child);
        Ok(())
    }

    /// Picks a free port for `node` and starts it, trying another port if a different process
    /// took the one we probed before the server bound it.
    async fn start_node_first_time(&mut self, node: Node) -> LabResult<()> {
        let mut last = String::new();
        for _ in 0..5 {
            self.ports[node.index()] = free_port()?;
            let child = self.spawn(node)?;
            self.store(node, child)?;
            match self.wait_ready(node).await {
                Ok(()) => return Ok(()),
                Err(e) => {
                    let busy = e.contains("in use") || e.contains("could not bind");
                    last = e;
                    if !busy {
                        break;
                    }
                }
            }
        }
        Err(last)
    }

    /// Waits until `node` accepts a superuser connection, or fails with its log when the
    /// process ended or the time is up.
    async fn wait_ready(&self, node: Node) -> LabResult<()> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let ok = match self.engine {
                Engine::MariaDb => match self.my_admin(node).await {
                    Ok(c) => c.close().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                },
                Engine::Postgres => match self.pg_admin(node).await {
                    Ok(c) => c.close().await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                },
            };
            if ok.is_ok() {
                return Ok(());
            }
            {
                let mut procs = self
                    .procs
                    .lock()
                    .map_err(|_| "lab lock poisoned".to_string())?;
                if let Some(child) = procs[node.index()].as_mut()
                    && let Ok(Some(status)) = child.try_wait()
                {
                    procs[node.index()] = None;
                    let _ = std::fs::remove_file(self.pid_file(node));
                    return Err(format!(
                        "the {} {} server exited ({status}); its log:\n{}",
                        self.engine.name(),
                        node.name(),
                        self.log_tail(node)
                    ));
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the {} {} server did not answer within {READY_TIMEOUT:?} ({}); its log:\n{}",
                    self.engine.name(),
                    node.name(),
                    ok.err().unwrap_or_default(),
                    self.log_tail(node)
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the primary sees the replica connected and streaming (MariaDB: a
    /// `Binlog Dump` thread on the primary and `Slave_IO_Running = Yes` on the replica;
    /// PostgreSQL: a `streaming` row in the primary's `pg_stat_replication`).
    async fn wait_replica_connected(&self, timeout: Duration) -> LabResult<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let on_primary = match self.engine {
                Engine::MariaDb => {
                    let mut c = self.my_admin(Node::Primary).await?;
                    let n: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST \
                         WHERE COMMAND = 'Binlog Dump'",
                    )
                    .fetch_one(&mut c)
                    .await
                    .map_err(|e| format!("PROCESSLIST on the primary: {e}"))?;
                    let _ = c.close().await;
                    n
                }
                Engine::Postgres => {
                    let mut c = self.pg_admin(Node::Primary).await?;
                    let n: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
                    )
                    .fetch_one(&mut c)
                    .await
                    .map_err(|e| format!("pg_stat_replication on the primary: {e}"))?;
                    let _ = c.close().await;
                    n
                }
            };
            if on_primary > 0 && self.replica_connected().await? {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the replica did not connect to the primary within {timeout:?}; its log:\n{}",
                    self.log_tail(Node::Replica)
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for ReplPair {
    /// Stops the servers (PostgreSQL: immediate shutdown, which also frees its shared memory;
    /// MariaDB: SIGKILL, the data are throwaway), reaps them, then lets the watchdog delete the
    /// directory and waits for it.
    fn drop(&mut self) {
        if let Ok(mut procs) = self.procs.lock() {
            for node in [Node::Replica, Node::Primary] {
                if let Some(mut child) = procs[node.index()].take() {
                    let sig = match self.engine {
                        Engine::MariaDb => libc::SIGKILL,
                        Engine::Postgres => libc::SIGQUIT,
                    };
                    if let Ok(pid) = i32::try_from(child.id()) {
                        // SAFETY: kill has no memory-safety preconditions; the pid is our
                        // unreaped child, so it cannot name another process.
                        unsafe { libc::kill(pid, sig) };
                    }
                    let _ = child.wait();
                    let _ = std::fs::remove_file(self.pid_file(node));
                }
            }
        }
        if let Some((stdin, mut child)) = self.watchdog.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// Starts the detached watchdog: when its stdin reaches EOF (this process ended, or the pair
/// was dropped), it stops the servers named in the lab's pid files and deletes `dir`.
fn spawn_watchdog(dir: &Path, engine: Engine) -> LabResult<(ChildStdin, Child)> {
    let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
    // PostgreSQL: SIGQUIT (immediate shutdown, frees the shared memory); MariaDB: SIGKILL.
    let sig = match engine {
        Engine::MariaDb => "KILL",
        Engine::Postgres => "QUIT",
    };
    // `alive`: not gone and not a zombie (an orphan's zombie may never be reaped here).
    // The cmdline check keeps a stale pid file from ever naming an unrelated process.
    let script = format!(
        "cat >/dev/null\n\
         d={d}\n\
         alive() {{ s=$(sed 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -c1); [ -n \"$s\" ] && [ \"$s\" != Z ]; }}\n\
         for f in {d}/replica.lab-pid {d}/primary.lab-pid; do\n\
           [ -f \"$f\" ] || continue\n\
           p=$(cat \"$f\")\n\
           tr '\\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -qF {d} || continue\n\
           kill -{sig} \"$p\" 2>/dev/null\n\
           i=0; while alive \"$p\" && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n\
           kill -KILL \"$p\" 2>/dev/null\n\
         done\n\
         {shm}\
         rm -rf {d}\n",
        d = q(dir),
        shm = if engine == Engine::Postgres {
            PG_FREE_SHM
        } else {
            ""
        },
    );
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(script)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: as in `spawn`; a Ctrl-C aimed at the tests must not kill the watchdog before it
    // has cleaned up.
    unsafe {
        c.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot start the lab's watchdog: {e}"))?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| "watchdog has no stdin".to_string())?;
    Ok((stdin, child))
}

/// Watchdog step for PostgreSQL: a postmaster that died without shutting down (SIGKILLed by
/// `kill_primary` and never restarted) leaves its small System V shared memory segment behind,
/// named by line 7 of its `postmaster.pid` ("key id"). Remove it once nothing is attached,
/// and only if key and id both still match.
const PG_FREE_SHM: &str = "for f in $d/primary/postmaster.pid $d/replica/postmaster.pid; do\n\
   [ -f \"$f\" ] || continue\n\
   set -- $(sed -n 7p \"$f\")\n\
   [ $# -eq 2 ] || continue\n\
   k=$(printf '0x%08x' \"$1\")\n\
   i=0; while [ $i -lt 100 ]; do\n\
     n=$(ipcs -m 2>/dev/null | awk -v k=\"$k\" -v id=\"$2\" '$1==k && $2==id {print $6}')\n\
     [ -z \"$n\" ] && break\n\
     if [ \"$n\" = 0 ]; then ipcrm -m \"$2\"; break; fi\n\
     sleep 0.05; i=$((i+1))\n\
   done\n\
 done\n";

/// InnoDB sizes small enough for a lab (the bootstrap and the servers must agree).
const MARIADB_SIZES: [&str; 2] = [
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
];

/// Where `mariadbd` is: `GUDANG_MARIADB_BIN` if set, else /usr/sbin, /usr/bin, PATH.
fn mariadb_bin() -> LabResult<PathBuf> {
    let has = |d: &Path| d.join("mariadbd").is_file();
    let mut dirs: Vec<PathBuf> = std::env::var_os("GUDANG_MARIADB_BIN")
        .map(|d| vec![PathBuf::from(d)])
        .unwrap_or_else(|| {
            let mut v = vec![PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")];
            v.extend(
                std::env::var_os("PATH")
                    .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                    .unwrap_or_default(),
            );
            v
        });
    dirs.retain(|d| has(d));
    dirs.into_iter().next().ok_or_else(|| {
        "mariadbd not found in GUDANG_MARIADB_BIN, /usr/sbin, /usr/bin or PATH. Install it \
         (Debian: `apt-get install -y mariadb-server`) or set GUDANG_SKIP_MARIADB=1."
            .to_string()
    })
}

/// Where the PostgreSQL server programs are: `GUDANG_PG_BIN` if set, else Debian's
/// /usr/lib/postgresql/15/bin, else the newest /usr/lib/postgresql/*/bin.
fn pg_bin() -> LabResult<PathBuf> {
    let has = |d: &Path| {
        ["initdb", "postgres", "pg_basebackup"]
            .iter()
            .all(|p| d.join(p).is_file())
    };
    let missing = || {
        "PostgreSQL server programs (initdb, postgres, pg_basebackup) not found in GUDANG_PG_BIN \
         or /usr/lib/postgresql/*/bin. Install them (Debian: `apt-get install -y postgresql`) or \
         set GUDANG_SKIP_PG=1."
            .to_string()
    };
    if let Some(d) = std::env::var_os("GUDANG_PG_BIN") {
        return Some(PathBuf::from(d))
            .filter(|d| has(d))
            .ok_or_else(missing);
    }
    let preferred = PathBuf::from("/usr/lib/postgresql/15/bin");
    if has(&preferred) {
        return Ok(preferred);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d): &(u32, PathBuf)| has(d))
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d).ok_or_else(missing)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "root".into())
}

/// uid and gid of a system user, from /etc/passwd.
fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

fn free_port() -> LabResult<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn run(mut c: Command, what: &str) -> LabResult<()> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Runs `f` until it is true, `POLL` apart, for at most `timeout`.
async fn wait_for(timeout: Duration, what: &str, mut f: impl FnMut() -> bool) -> LabResult<()> {
    let deadline = Instant::now() + timeout;
    while !f() {
        if Instant::now() > deadline {
            return Err(format!("timed out after {timeout:?} waiting for {what}"));
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

/// Whether a process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, _)| state != 'Z')
}

/// State letter and parent pid from /proc/PID/stat.
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: read after the last ')'.
    let rest = &s[s.rfind(')')? + 1..];
    let mut f = rest.split_whitespace();
    let state = f.next()?.chars().next()?;
    let ppid = f.next()?.parse().ok()?;
    Some((state, ppid))
}

/// The live children of `pid` (a postmaster's backends and helpers).
fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| proc_stat(*p).is_some_and(|(st, pp)| pp == pid && st != 'Z'))
        .collect()
}

async fn my_exec(c: &mut MySqlConnection, sql: &str) -> LabResult<()> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(c)
        .await
        .map(|_| ())
        .map_err(|e| format!("{sql}: {e}"))
}

async fn my_string(c: &mut MySqlConnection, sql: &str) -> LabResult<String> {
    let row = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .fetch_one(c)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    row.try_get::<String, _>(0)
        .map_err(|e| format!("{sql}: {e}"))
}

/// A column of `SHOW SLAVE STATUS` as text (its column types vary by server version).
fn my_opt_string(row: &MySqlRow, col: &str) -> Option<String> {
    row.try_get::<Option<String>, _>(col).ok().flatten()
}

/// A numeric column of `SHOW SLAVE STATUS`, whatever integer type the server reports it as.
fn my_opt_u64(row: &MySqlRow, col: &str) -> Option<u64> {
    if let Ok(v) = row.try_get::<Option<u64>, _>(col) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(col) {
        return v.map(|v| v.max(0).unsigned_abs());
    }
    my_opt_string(row, col).and_then(|s| s.trim().parse().ok())
}

async fn pg_exec(c: &mut PgConnection, sql: &str) -> LabResult<()> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(c)
        .await
        .map(|_| ())
        .map_err(|e| format!("{sql}: {e}"))
}
