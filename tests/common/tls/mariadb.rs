//! The TLS-only MariaDB server (see `tls.rs`), and a plain replica that follows it over TLS.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::{Engine, PASSWORD, START_TIMEOUT, TlsServer, find, make_certs, run_as, search_path};
use crate::common::server::{self, free_port, run, sh_quote};

/// InnoDB sizes small enough for a throwaway server (bootstrap and server must agree).
const SIZES: [&str; 2] = [
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
];

/// Who mariadbd runs as: as us; as `mysql` when we are root; as root (which it accepts only
/// when told) when there is no `mysql` user. And the owner of its files.
fn user() -> (Option<String>, Option<(u32, u32)>) {
    match (server::is_root(), run_as("mysql")) {
        (false, _) => (None, None),
        (true, Some((u, ids))) => (Some(format!("--user={u}")), Some(ids)),
        (true, None) => (Some("--user=root".into()), None),
    }
}

fn bin() -> Result<PathBuf, String> {
    let dirs = match std::env::var_os("GUDANG_MARIADB_BIN") {
        Some(list) => std::env::split_paths(&list).collect(),
        None => search_path(&["/usr/sbin", "/usr/local/sbin", "/usr/bin"]),
    };
    let found = find(&dirs, "mariadbd").and_then(|p| p.parent().map(Path::to_path_buf));
    found.ok_or_else(|| {
        "mariadbd not found (GUDANG_MARIADB_BIN, PATH, /usr/sbin). Install it (Debian: \
         apt-get install -y mariadb-server) or set GUDANG_SKIP_MARIADB=1."
            .to_string()
    })
}

pub(super) fn start() -> Result<TlsServer, String> {
    let t = Instant::now();
    let bin = bin()?;
    let dir = server::temp_dir("gudang-tls-my-", user().1)?;
    // Every mariadbd we start (the server, a replica) appends its pid to `pids`; the watchdog
    // kills them all and waits (bounded) for each to go before deleting the directory.
    let stop = format!(
        "for p in $(cat {pids} 2>/dev/null); do kill -9 \"$p\" 2>/dev/null; n=0; \
         while [ $n -lt 100 ] && [ -d /proc/\"$p\" ] && ! grep -qs '^State:[[:space:]]*Z' /proc/\"$p\"/status; \
         do sleep 0.1; n=$((n+1)); done; done",
        pids = sh_quote(&dir.join("pids")),
    );
    let watchdog = server::spawn_watchdog(&dir, &stop)?;
    make_certs(&dir, user().1)?;
    // Run at every start, before the server takes connections.
    let init = dir.join("init.sql");
    let sql = format!(
        "CREATE USER IF NOT EXISTS 'gudang'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}';\n\
         GRANT SLAVE MONITOR ON *.* TO 'gudang'@'127.0.0.1';\n\
         GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, TRIGGER, REFERENCES \
         ON `tls\\_%`.* TO 'gudang'@'127.0.0.1';\n"
    );
    std::fs::write(&init, sql).map_err(|e| format!("{}: {e}", init.display()))?;
    bootstrap(&bin, &dir, "data")?;
    let d = |f: &str| dir.join(f).display().to_string();
    let options = [
        format!("--ssl-ca={}", d("ca.pem")),
        format!("--ssl-cert={}", d("server.pem")),
        format!("--ssl-key={}", d("server.key")),
        "--require-secure-transport=ON".into(),
        format!("--init-file={}", d("init.sql")),
        format!("--log-bin={}", d("binlog")),
        "--server-id=1".into(),
        // gudang's migrations make triggers; its user has no SUPER (docs/replication.md 1.2).
        "--log-bin-trust-function-creators=1".into(),
    ];
    let port = run_server(&bin, &dir, "primary", "data", &options)?;
    eprintln!(
        "TLS-only MariaDB on 127.0.0.1:{port} ready after {:?}",
        t.elapsed()
    );
    Ok(TlsServer::new(Engine::Mariadb, port, dir, bin, watchdog))
}

impl TlsServer {
    /// Starts a plain (not TLS-only) MariaDB replica beside this server, not yet following it,
    /// and returns its port; root@127.0.0.1 has no password there.
    pub fn start_mariadb_replica(&self) -> Result<u16, String> {
        bootstrap(&self.bin, &self.dir, "replica-data")?;
        let options = ["--server-id=2", "--read-only=1", "--log-bin=replica-bin"].map(String::from);
        run_server(&self.bin, &self.dir, "replica", "replica-data", &options)
    }
}

/// Makes the data directory `dir/data`: `mariadbd --bootstrap` with the system tables, as
/// `mariadb-install-db` does less the help tables and `sys` (seconds faster; gudang uses
/// neither), or `mariadb-install-db` itself where the SQL files are not in Debian's place.
fn bootstrap(bin: &Path, dir: &Path, data: &str) -> Result<(), String> {
    let (user, owner) = user();
    let data = dir.join(data);
    let datadir = format!("--datadir={}", data.display());
    let share = ["/usr/share/mysql", "/usr/share/mariadb"]
        .map(PathBuf::from)
        .into_iter()
        .find(|d| d.join("mysql_system_tables.sql").is_file());
    let Some(share) = share else {
        let mut c = server::command(&bin.join("mariadb-install-db"), dir, None);
        c.args([
            "--no-defaults",
            &datadir,
            "--auth-root-authentication-method=normal",
        ]);
        c.arg("--skip-test-db").args(user);
        return run(c, "mariadb-install-db");
    };
    let mut sql =
        b"create database if not exists mysql;\nuse mysql;\nSET @auth_root_socket=NULL;\n".to_vec();
    for f in [
        "mysql_system_tables",
        "mysql_performance_tables",
        "mysql_system_tables_data",
    ]
    .into_iter()
    .chain(["maria_add_gis_sp_bootstrap"])
    {
        let p = share.join(format!("{f}.sql"));
        sql.extend(std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?);
        sql.push(b'\n');
    }
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&data, Some(uid), Some(gid)).map_err(|e| format!("chown: {e}"))?;
    }
    let mut c = server::command(&bin.join("mariadbd"), dir, None);
    c.args(["--no-defaults", "--bootstrap", &datadir, "--log-warnings=0"]);
    c.arg("--enforce-storage-engine=").args(SIZES).args(user);
    // The bootstrap only need not survive a power cut; the server itself runs durably.
    c.args(
        "--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-flush-method=nosync"
            .split(' '),
    );
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot run mariadbd --bootstrap: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, &sql)
            .map_err(|e| format!("mariadbd --bootstrap: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("mariadbd --bootstrap: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(format!(
        "mariadbd --bootstrap failed ({}):\n{err}",
        out.status
    ))
}

/// Starts `mariadbd` named `name` on `dir/<data>` with `options`, on a free port of
/// 127.0.0.1, with gudang's settings (durable commits, byte-order collation, ROW binlog with
/// GTID strict mode); returns the port once it greets clients.
fn run_server(
    bin: &Path,
    dir: &Path,
    name: &str,
    data: &str,
    options: &[String],
) -> Result<u16, String> {
    let d = |f: String| dir.join(f).display().to_string();
    let (sock, log) = (d(format!("{name}.sock")), d(format!("{name}.log")));
    let mut last = String::new();
    // Another process may take the free port between our probe and the server's bind: retry.
    for _ in 0..5 {
        let port = free_port()?;
        let mut c = server::command(&bin.join("mariadbd"), dir, None);
        c.arg("--no-defaults")
            .arg(format!("--datadir={}", d(data.into())))
            .arg(format!("--socket={sock}"))
            .arg(format!("--port={port}"))
            .arg(format!("--pid-file={}", d(format!("{name}.pid"))))
            .arg(format!("--log-error={log}"))
            .arg(format!("--tmpdir={}", dir.display()))
            .args(
                "--bind-address=127.0.0.1 --skip-name-resolve --innodb-flush-log-at-trx-commit=1"
                    .split(' '),
            )
            .args(
                "--sync-binlog=1 --binlog-format=ROW --gtid-strict-mode=1 --log-slave-updates=1"
                    .split(' '),
            )
            .args([
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_nopad_bin",
            ])
            .args(SIZES)
            .args(options)
            .args(user().0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().map_err(|e| format!("cannot run mariadbd: {e}"))?;
        let pids = dir.join("pids");
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&pids)
            .and_then(|mut f| {
                std::io::Write::write_all(&mut f, format!("{}\n", child.id()).as_bytes())
            })
            .map_err(|e| format!("{}: {e}", pids.display()))?;
        match ready(&mut child, Path::new(&sock), port) {
            Ok(()) => return Ok(port),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let tail = server::read_log(Path::new(&log));
                last = format!("{e}\nerror log:\n{tail}");
                if !tail.contains("in use") {
                    break;
                }
                let _ = std::fs::remove_file(&log);
            }
        }
    }
    Err(format!("the TLS-only MariaDB {name} did not start: {last}"))
}

/// Waits until the server greets on its own unix socket (so the port is really ours) and then
/// on its TCP port. The greeting comes before any TLS, so this works on a TLS-only server.
fn ready(child: &mut Child, sock: &Path, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    // A MySQL handshake: a 4-byte packet header, then protocol version 10.
    let greets = |s: &mut dyn Read| {
        let mut head = [0u8; 5];
        s.read_exact(&mut head).is_ok() && head[4] == 10
    };
    loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("mariadbd: {e}"))? {
            return Err(format!("mariadbd exited during start-up ({status})"));
        }
        let on_socket = std::os::unix::net::UnixStream::connect(sock)
            .ok()
            .is_some_and(|mut s| {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                greets(&mut s)
            });
        if on_socket {
            let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| {
                format!("mariadbd greets on its socket but not on port {port}: {e}")
            })?;
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
            return match greets(&mut tcp) {
                true => Ok(()),
                false => Err(format!("no MariaDB greeting on port {port}")),
            };
        }
        if Instant::now() > deadline {
            return Err(format!("mariadbd not ready after {START_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
