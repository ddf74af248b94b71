//! Throwaway MariaDB and PostgreSQL servers that accept only TLS, for tests/tls.rs (which
//! declares this file with `#[path = "common/tls.rs"] mod tls;` next to `mod common;`, whose
//! `server` plumbing it uses). One server per engine and test process, started on first use and
//! removed by a watchdog when the process ends, as the other throwaway servers are.
//!
//! Each server's directory holds a throwaway CA (`ca.pem`), the server certificate it signed
//! for `IP:127.0.0.1` and `DNS:localhost` (`server.pem`, `server.key`), and a second CA that
//! signed nothing (`wrong-ca.pem`), all made with the `openssl` program. The servers
//! (`tls/mariadb.rs`, `tls/postgres.rs`):
//!
//! - MariaDB: `--ssl-ca/--ssl-cert/--ssl-key` and `--require-secure-transport=ON`; the binary
//!   log on (so a replica can follow it); an account `gudang`@`127.0.0.1` with [`PASSWORD`] and
//!   the grants of docs/replication.md 1.3, on databases `tls\_%`.
//! - PostgreSQL: `ssl = on`, `ssl_cert_file`, `ssl_key_file`, and a pg_hba.conf of `hostssl ...
//!   trust` and `hostnossl ... reject` lines, for databases and replication alike.
//!
//! The tests are skipped with a message when `GUDANG_SKIP_TLS=1` or there is no `openssl`;
//! `GUDANG_SKIP_MARIADB=1` / `GUDANG_SKIP_PG=1` skip one engine. Missing server programs fail,
//! as in the other server tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command};
use std::sync::OnceLock;
use std::time::Duration;

use crate::common::server::{self, run};

// Paths relative to this file's directory, as in common/repl.rs.
#[path = "tls/mariadb.rs"]
mod mariadb;
#[path = "tls/postgres.rs"]
mod postgres;

/// gudang's password in every URL (PostgreSQL's trust lines never ask for it; it is there so
/// that the tests can check that error messages hide it).
pub const PASSWORD: &str = "tls-secret-pw";

/// How long a starting server may take.
const START_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Mariadb,
    Postgres,
}

/// Why this engine's TLS tests are skipped here, if they are.
pub fn skip_reason(engine: Engine) -> Option<String> {
    let set = |v: &str| std::env::var(v).is_ok_and(|v| v.trim() == "1");
    if set("GUDANG_SKIP_TLS") {
        return Some("GUDANG_SKIP_TLS=1".into());
    }
    if openssl().is_none() {
        return Some(
            "no `openssl` program to make certificates (Debian: apt-get install -y openssl)".into(),
        );
    }
    match engine {
        Engine::Mariadb if set("GUDANG_SKIP_MARIADB") => Some("GUDANG_SKIP_MARIADB=1".into()),
        Engine::Postgres if set("GUDANG_SKIP_PG") => Some("GUDANG_SKIP_PG=1".into()),
        _ => None,
    }
}

fn openssl() -> Option<PathBuf> {
    find(&search_path(&["/usr/bin"]), "openssl")
}

/// PATH followed by `extra`.
fn search_path(extra: &[&str]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(extra.iter().map(PathBuf::from));
    dirs
}

fn find(dirs: &[PathBuf], name: &str) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The system user a server runs as when we are root, and its uid/gid.
fn run_as(user: &str) -> Option<(&str, (u32, u32))> {
    if !server::is_root() {
        return None;
    }
    server::system_user(user).map(|ids| (user, ids))
}

/// A running TLS-only server.
pub struct TlsServer {
    pub engine: Engine,
    pub port: u16,
    pub dir: PathBuf,
    /// The CA that signed the server's certificate.
    pub ca: PathBuf,
    /// A CA that signed nothing this server has.
    pub wrong_ca: PathBuf,
    /// Where the server programs are (for replicas).
    bin: PathBuf,
    /// Held, never written: when this process exits the pipe closes and the watchdog cleans up.
    _watchdog: ChildStdin,
}

impl TlsServer {
    fn new(engine: Engine, port: u16, dir: PathBuf, bin: PathBuf, w: ChildStdin) -> TlsServer {
        TlsServer {
            engine,
            port,
            ca: dir.join("ca.pem"),
            wrong_ca: dir.join("wrong-ca.pem"),
            dir,
            bin,
            _watchdog: w,
        }
    }

    /// URL of database `db` as gudang's user, with `query` (e.g. `sslmode=disable`) appended.
    pub fn url(&self, db: &str, query: &str) -> String {
        let (scheme, user) = match self.engine {
            Engine::Mariadb => ("mysql", "gudang"),
            Engine::Postgres => ("postgres", "postgres"),
        };
        let q = if query.is_empty() { "" } else { "?" };
        let port = self.port;
        format!("{scheme}://{user}:{PASSWORD}@127.0.0.1:{port}/{db}{q}{query}")
    }

    /// The URL query that verifies the server against `ca` and the host name (127.0.0.1).
    pub fn verify_query(&self, ca: &Path) -> String {
        let ca = ca.display();
        match self.engine {
            Engine::Mariadb => format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
            Engine::Postgres => format!("sslmode=verify-full&sslrootcert={ca}"),
        }
    }

    /// An administrator's URL (root / postgres), verified TLS, for making databases.
    pub fn admin_url(&self) -> String {
        let (q, port) = (self.verify_query(&self.ca), self.port);
        match self.engine {
            Engine::Mariadb => format!("mysql://root@127.0.0.1:{port}/mysql?{q}"),
            Engine::Postgres => format!("postgres://postgres@127.0.0.1:{port}/postgres?{q}"),
        }
    }
}

/// The process's TLS-only server of `engine`, started on first call. Panics with the reason if
/// it cannot start.
pub fn server(engine: Engine) -> &'static TlsServer {
    static MARIADB: OnceLock<Result<TlsServer, String>> = OnceLock::new();
    static POSTGRES: OnceLock<Result<TlsServer, String>> = OnceLock::new();
    let s = match engine {
        Engine::Mariadb => MARIADB.get_or_init(mariadb::start),
        Engine::Postgres => POSTGRES.get_or_init(postgres::start),
    };
    s.as_ref().unwrap_or_else(|e| panic!("{e}"))
}

/// The `openssl` configuration: a CA (webpki refuses a CA certificate without `CA:TRUE`) and
/// a server certificate whose names are in subjectAltName (webpki ignores the CN).
const OPENSSL_CNF: &str = "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n\
[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\n\
subjectKeyIdentifier = hash\n\
[server]\nsubjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\n\
keyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n\
authorityKeyIdentifier = keyid\n";

/// Writes `ca.pem`, `wrong-ca.pem`, `server.pem` and `server.key` into `dir`, owned by
/// `owner` (the server must read its key; PostgreSQL wants it mode 0600).
fn make_certs(dir: &Path, owner: Option<(u32, u32)>) -> Result<(), String> {
    let openssl = openssl().ok_or("no openssl program")?;
    let cnf = dir.join("openssl.cnf");
    std::fs::write(&cnf, OPENSSL_CNF).map_err(|e| format!("{}: {e}", cnf.display()))?;
    let ssl = |args: String, subject: Option<&str>| {
        let mut c = Command::new(&openssl);
        c.current_dir(dir).args(args.split_whitespace());
        c.args(
            subject
                .map(|s| ["-subj".to_string(), s.to_string()])
                .into_iter()
                .flatten(),
        );
        c.arg(if args.starts_with("x509") {
            "-extfile"
        } else {
            "-config"
        });
        c.arg(&cnf);
        run(c, &format!("openssl {args}"))
    };
    // P-256 keys: quick to make, and every TLS stack in play (rustls, OpenSSL) takes them.
    let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    for (name, cn) in [("ca", "/CN=gudang test CA"), ("wrong-ca", "/CN=another CA")] {
        let args =
            format!("req -x509 -days 2 -extensions ca {key} -keyout {name}.key -out {name}.pem");
        ssl(args, Some(cn))?;
    }
    let args = format!("req -new {key} -keyout server.key -out server.csr");
    ssl(args, Some("/CN=localhost"))?;
    let args = "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 2 \
                -out server.pem -extensions server";
    ssl(args.to_string(), None)?;
    use std::os::unix::fs::PermissionsExt;
    for f in ["ca.pem", "wrong-ca.pem", "server.pem", "server.key"] {
        let p = dir.join(f);
        let mode = if f.ends_with(".key") { 0o600 } else { 0o644 };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("chmod {}: {e}", p.display()))?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&p, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", p.display()))?;
        }
    }
    Ok(())
}
