//! A throwaway MariaDB server for the tests: one per test process, started on first use,
//! removed when the process exits.
//!
//! The server runs from a fresh temp directory `/tmp/gudang-mariadb-XXXXXX` (data directory
//! `data/`, unix socket `sock`, `error.log`, binary log `binlog.*`), created with
//! `mariadb-install-db`, and listens only on 127.0.0.1 on a free port. It keeps the settings
//! gudang insists on: `innodb_flush_log_at_trx_commit=1`, server collation `utf8mb4_nopad_bin`,
//! and, so that replication code can be tested on this single server too, the binary log on
//! (ROW format, server id 1, GTIDs) with `sync_binlog=1`.
//!
//! Who it runs as: when we are root (as in CI) it runs as the `mysql` system user that Debian's
//! `mariadb-server` package creates (`--user=mysql`; the directory is chown'ed to it), so that a
//! test server cannot write where only root may. Without a `mysql` user it falls back to
//! `--user=root`, which mariadbd accepts only when asked explicitly. Not root: it runs as us.
//!
//! Access: `mariadb-install-db --auth-root-authentication-method=normal` creates `root` accounts
//! for localhost, 127.0.0.1 and ::1 with an empty password, so every URL is
//! `mysql://root@127.0.0.1:PORT/DB` (see [`url`]). `--skip-name-resolve` keeps the server from
//! doing DNS look-ups on connect.
//!
//! Clean-up does not rely on the test process ending well: a detached watchdog (see `server`)
//! notices when this process exits for any reason, even SIGKILL, and then kills the server
//! (SIGKILL; the data are throwaway) and deletes the directory.
//!
//! Each test asks for its own databases ([`create_databases`]); they are not dropped, since the
//! whole server goes away with the process.
//!
//! Missing MariaDB binaries make the MariaDB tests FAIL with a message saying what to install,
//! unless `GUDANG_SKIP_MARIADB=1` is set (then they return at once; see [`skipped`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection, Executor};

use super::server::{self, free_port, run};

/// What [`create_database`] gives a database unless told otherwise: what gudang requires.
pub const DEFAULT_DB_OPTIONS: &str = "CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin";

/// How long a starting server may take before we give up on it.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The running server.
pub struct MariadbServer {
    pub port: u16,
    pub dir: PathBuf,
    /// Process id of `mariadbd`.
    pub pid: u32,
    /// Held, never written: when this process exits the pipe closes and the watchdog cleans up.
    _watchdog: ChildStdin,
}

impl MariadbServer {
    /// URL of a database on this server, as `root` (no password, from 127.0.0.1).
    pub fn url(&self, db: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{db}", self.port)
    }
}

/// True when `GUDANG_SKIP_MARIADB=1`: the MariaDB part of the suite is skipped on purpose.
pub fn skipped() -> bool {
    if std::env::var("GUDANG_SKIP_MARIADB").is_ok_and(|v| v.trim() == "1") {
        eprintln!("GUDANG_SKIP_MARIADB=1: skipping a MariaDB test");
        true
    } else {
        false
    }
}

/// The process's server, started on first call. Panics with a clear message if it cannot start.
pub fn server() -> &'static MariadbServer {
    static SERVER: OnceLock<Result<MariadbServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// URL of database `db` on the process's server.
pub fn url(db: &str) -> String {
    server().url(db)
}

/// The server's TCP port on 127.0.0.1.
pub fn port() -> u16 {
    server().port
}

/// The server's directory (data directory `data/`, `sock`, `error.log`, `binlog.*`).
pub fn server_dir() -> &'static Path {
    &server().dir
}

/// Creates fresh, empty databases named `t<n>_<tag>_<suffix>` for each suffix, with
/// [`DEFAULT_DB_OPTIONS`], and returns their URLs.
pub async fn create_databases(suffixes: &[&str]) -> Vec<String> {
    let mut urls = Vec::new();
    for s in suffixes {
        urls.push(create_database(s, "").await);
    }
    urls
}

/// Creates one fresh database with `CREATE DATABASE` options `options` (e.g. another
/// collation; empty means [`DEFAULT_DB_OPTIONS`]) and returns its URL.
pub async fn create_database(suffix: &str, options: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let srv = server();
    sqlx::any::install_default_drivers();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tag: u32 = rand::random::<u32>() % 100_000;
    let name = format!("t{n}_{tag}_{suffix}");
    let options = if options.trim().is_empty() {
        DEFAULT_DB_OPTIONS
    } else {
        options
    };
    let mut admin = AnyConnection::connect(&srv.url("mysql"))
        .await
        .expect("connect to the test server");
    let sql = format!("CREATE DATABASE `{name}` {options}");
    admin
        .execute(sqlx::AssertSqlSafe(sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = admin.close().await;
    srv.url(&name)
}

/// A program from the directories in `GUDANG_MARIADB_BIN` (a PATH-style list) if set, and only
/// there; else from PATH, /usr/sbin (where Debian puts `mariadbd`) or /usr/bin.
fn find_program(name: &str) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = match std::env::var_os("GUDANG_MARIADB_BIN") {
        Some(list) => std::env::split_paths(&list).collect(),
        None => std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .chain(["/usr/sbin", "/usr/local/sbin", "/usr/bin"].map(PathBuf::from))
            .collect(),
    };
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn start() -> Result<MariadbServer, String> {
    let (Some(mariadbd), Some(install_db)) =
        (find_program("mariadbd"), find_program("mariadb-install-db"))
    else {
        return Err(
            "MariaDB server programs (mariadbd, mariadb-install-db) not found in GUDANG_MARIADB_BIN, \
             PATH, /usr/sbin or /usr/bin. Install them (Debian/Ubuntu: `apt-get install -y mariadb-server`) or set \
             GUDANG_SKIP_MARIADB=1 to skip the MariaDB part of the service tests."
                .to_string(),
        );
    };
    let started = Instant::now();
    let owner = server::is_root()
        .then(|| server::system_user("mysql"))
        .flatten();
    let user_arg = match (server::is_root(), owner) {
        (false, _) => None,
        (true, Some(_)) => Some("--user=mysql"),
        (true, None) => Some("--user=root"),
    };
    let dir = server::temp_dir("gudang-mariadb-", owner)?;
    let data = dir.join("data");
    let pid_file = dir.join("harness.pid");
    // The watchdog comes first, so that even a failed start leaves nothing behind. It kills the
    // pid we record right after each spawn and waits (bounded) for it to go, reaped or zombie,
    // before deleting the directory under it.
    let stop = format!(
        "p=$(cat {pf} 2>/dev/null); if [ -n \"$p\" ]; then kill -9 \"$p\" 2>/dev/null; n=0; \
         while [ $n -lt 100 ] && [ -d /proc/\"$p\" ] && ! grep -qs '^State:[[:space:]]*Z' /proc/\"$p\"/status; \
         do sleep 0.1; n=$((n+1)); done; fi",
        pf = server::sh_quote(&pid_file),
    );
    let watchdog = server::spawn_watchdog(&dir, &stop)?;

    // --no-defaults must come first; the options after the script's own are passed on to the
    // bootstrapping mariadbd.
    let mut init = server::command(&install_db, &dir, None);
    init.arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args([
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
        ])
        // Its own temp dir: the bootstrap's temporary tables are named after its PID, which
        // another process (in another PID namespace) may share in a common /tmp.
        .arg(format!("--tmpdir={}", dir.display()))
        .args(user_arg);
    run(init, "mariadb-install-db")?;

    let log = dir.join("error.log");
    let sock = dir.join("sock");
    let mut last_err = String::new();
    // Another process may take the free port between our probe and the server's bind: retry.
    for _ in 0..5 {
        let port = free_port()?;
        let mut c = server::command(&mariadbd, &dir, None);
        c.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", sock.display()))
            .arg(format!("--port={port}"))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--pid-file={}", dir.join("mariadbd.pid").display()))
            .arg(format!("--log-error={}", log.display()))
            .arg(format!("--tmpdir={}", dir.display()))
            .args([
                "--innodb-flush-log-at-trx-commit=1",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_nopad_bin",
                "--skip-name-resolve",
                "--max-connections=500",
                "--innodb-buffer-pool-size=256M",
            ])
            .arg(format!("--log-bin={}", dir.join("binlog").display()))
            .args(["--server-id=1", "--binlog-format=ROW", "--sync-binlog=1"])
            .args(user_arg)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().map_err(|e| format!("cannot run mariadbd: {e}"))?;
        std::fs::write(&pid_file, child.id().to_string())
            .map_err(|e| format!("cannot write {}: {e}", pid_file.display()))?;
        match wait_ready(&mut child, &sock, port) {
            Ok(()) => {
                eprintln!(
                    "throwaway MariaDB server on 127.0.0.1:{port} ({}) ready after {} ms",
                    dir.display(),
                    started.elapsed().as_millis()
                );
                return Ok(MariadbServer {
                    port,
                    pid: child.id(),
                    dir,
                    _watchdog: watchdog,
                });
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let tail = server::read_log(&log);
                last_err = format!("{e}\nerror log:\n{tail}");
                if !tail.contains("in use") {
                    break;
                }
                // The next attempt appends to the same log; start it afresh.
                let _ = std::fs::remove_file(&log);
            }
        }
    }
    Err(format!(
        "the throwaway MariaDB server did not start: {last_err}"
    ))
}

/// Waits until the server greets a client on its private unix socket (which proves it is ours
/// and accepting connections; TCP is bound before the socket, and a failed bind is fatal) and
/// then on its TCP port. Fails if the server exits or [`START_TIMEOUT`] passes.
fn wait_ready(child: &mut Child, sock: &Path, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("mariadbd: {e}"))? {
            return Err(format!("mariadbd exited during start-up ({status})"));
        }
        let greeted = std::os::unix::net::UnixStream::connect(sock)
            .ok()
            .is_some_and(|mut s| {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                greets(&mut s)
            });
        if greeted {
            let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| {
                format!("mariadbd greets on its socket but not on port {port}: {e}")
            })?;
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
            return if greets(&mut &tcp) {
                Ok(())
            } else {
                Err(format!("no MariaDB greeting on 127.0.0.1:{port}"))
            };
        }
        if Instant::now() > deadline {
            return Err(format!(
                "mariadbd not ready after {}s",
                START_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True if the stream starts with a MySQL protocol handshake (4-byte packet header, then
/// protocol version 10), which the server sends only once it accepts connections.
fn greets(s: &mut impl Read) -> bool {
    let mut head = [0u8; 5];
    s.read_exact(&mut head).is_ok() && head[4] == 10
}
