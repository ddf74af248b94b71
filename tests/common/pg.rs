//! A throwaway PostgreSQL server for the tests: one per test process, started on first use,
//! removed when the process exits.
//!
//! The server runs from a fresh temp directory (data directory, unix socket and log), created
//! with `initdb --locale=C --encoding=UTF8`, listens only on 127.0.0.1 on a free port, and keeps
//! fsync on. When we are root (as in CI) it runs as the `postgres` system user through
//! `runuser`, because PostgreSQL refuses to run as root.
//!
//! Clean-up does not rely on the test process ending well: a detached watchdog (see `server`)
//! notices when this process exits for any reason, even SIGKILL, and then stops the server
//! (`pg_ctl stop -m immediate`) and deletes the directory.
//!
//! Each test asks for its own databases ([`create_databases`]); they are not dropped (a
//! `DROP DATABASE` costs a checkpoint), since the whole server goes away with the process.
//!
//! Missing PostgreSQL binaries make the PostgreSQL tests FAIL with a message saying what to
//! install, unless `GUDANG_SKIP_PG=1` is set (then they return at once; see [`skipped`]).

use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AnyConnection, Connection, Executor};

use super::server::{self, free_port, run};

/// The running server.
pub struct PgServer {
    pub port: u16,
    pub dir: PathBuf,
    /// Held, never written: when this process exits the pipe closes and the watchdog cleans up.
    _watchdog: ChildStdin,
}

impl PgServer {
    /// URL of a database on this server, as the superuser (trust auth on loopback).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

/// True when `GUDANG_SKIP_PG=1`: the PostgreSQL half of the suite is skipped on purpose.
pub fn skipped() -> bool {
    if std::env::var("GUDANG_SKIP_PG").is_ok_and(|v| v.trim() == "1") {
        eprintln!("GUDANG_SKIP_PG=1: skipping a PostgreSQL test");
        true
    } else {
        false
    }
}

/// The process's server, started on first call. Panics with a clear message if it cannot start.
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// Creates fresh, empty databases named `t<n>_<tag>_<suffix>` for each suffix and returns
/// their URLs.
pub async fn create_databases(suffixes: &[&str]) -> Vec<String> {
    let mut urls = Vec::new();
    for s in suffixes {
        urls.push(create_database(s, "").await);
    }
    urls
}

/// Creates one fresh database with extra `CREATE DATABASE` options (e.g. another collation)
/// and returns its URL.
pub async fn create_database(suffix: &str, options: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let srv = server();
    sqlx::any::install_default_drivers();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tag: u32 = rand::random::<u32>() % 100_000;
    let name = format!("t{n}_{tag}_{suffix}");
    let mut admin = AnyConnection::connect(&srv.url("postgres"))
        .await
        .expect("connect to the test server");
    let sql = format!("CREATE DATABASE \"{name}\" {options}");
    admin
        .execute(sqlx::AssertSqlSafe(sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = admin.close().await;
    srv.url(&name)
}

/// Where the PostgreSQL server programs are: `GUDANG_PG_BIN` if set (and only there), else
/// Debian's versioned directory (15 preferred, then the newest), else PATH.
fn bin_dir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("GUDANG_PG_BIN") {
        return Some(PathBuf::from(d)).filter(|d| has(d));
    }
    let preferred = PathBuf::from("/usr/lib/postgresql/15/bin");
    if has(&preferred) {
        return Some(preferred);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            Some((
                e.file_name().to_str()?.parse::<u32>().ok()?,
                e.path().join("bin"),
            ))
        })
        .filter(|(_, d)| has(d))
        .collect();
    versions.sort();
    if let Some((_, d)) = versions.pop() {
        return Some(d);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has(d))
}

/// A command for a PostgreSQL program, run as `postgres` when we are root.
fn pg_command(bin: &Path, dir: &Path, as_postgres: bool) -> Command {
    server::command(bin, dir, as_postgres.then_some("postgres"))
}

fn start() -> Result<PgServer, String> {
    let bin = bin_dir().ok_or_else(|| {
        "PostgreSQL server programs (initdb, pg_ctl) not found in GUDANG_PG_BIN, /usr/lib/postgresql/*/bin or PATH. \
         Install them (Debian/Ubuntu: `apt-get install -y postgresql`) or set GUDANG_SKIP_PG=1 to skip \
         the PostgreSQL half of the service tests."
            .to_string()
    })?;
    let root = server::is_root();
    let owner = if root {
        Some(server::system_user("postgres").ok_or_else(|| {
            "the tests run as root and PostgreSQL refuses to; they need a `postgres` system user to run \
             the throwaway server as (the Debian `postgresql` package creates it)"
                .to_string()
        })?)
    } else {
        None
    };
    let dir = server::temp_dir("gudang-pg-", owner)?;
    // The watchdog comes first, so that even a failed start leaves nothing behind.
    let as_pg = if root { "runuser -u postgres -- " } else { "" };
    let data = dir.join("data");
    let stop = format!(
        "if [ -f {pid} ]; then {as_pg}{ctl} -D {data} stop -m immediate -w >/dev/null 2>&1; fi",
        pid = server::sh_quote(&data.join("postmaster.pid")),
        ctl = server::sh_quote(&bin.join("pg_ctl")),
        data = server::sh_quote(&data),
    );
    let watchdog = server::spawn_watchdog(&dir, &stop)?;
    let mut init = pg_command(&bin.join("initdb"), &dir, root);
    // --no-sync only skips initdb's final flush of its own files; the server runs with fsync on.
    init.arg("-D").arg(&data).args([
        "--locale=C",
        "--encoding=UTF8",
        "-U",
        "postgres",
        "--auth=trust",
        "--no-sync",
    ]);
    run(init, "initdb")?;
    let conf = format!(
        "\n# gudang test server\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = on\nsynchronous_commit = on\nmax_connections = 400\nlog_min_messages = warning\n",
        dir.display()
    );
    std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, conf.as_bytes()))
        .map_err(|e| format!("cannot write postgresql.conf: {e}"))?;
    let log = dir.join("server.log");
    let mut last_err = String::new();
    // Another process may take the free port between our probe and the server's bind: retry.
    for _ in 0..5 {
        let port = free_port()?;
        let mut c = pg_command(&bin.join("pg_ctl"), &dir, root);
        c.arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {port}"))
            .arg("start");
        match run(c, "pg_ctl start") {
            Ok(()) => {
                return Ok(PgServer {
                    port,
                    dir,
                    _watchdog: watchdog,
                });
            }
            Err(e) => {
                let tail = server::read_log(&log);
                last_err = format!("{e}\nserver log:\n{tail}");
                if !tail.contains("could not bind") && !tail.contains("in use") {
                    break;
                }
            }
        }
    }
    Err(format!(
        "the throwaway PostgreSQL server did not start: {last_err}"
    ))
}
