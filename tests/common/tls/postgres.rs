//! The TLS-only PostgreSQL server (see `tls.rs`), and a streaming replica made over TLS.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::{Engine, TlsServer, make_certs, run_as, search_path};
use crate::common::server::{self, free_port, run, sh_quote};

/// `GUDANG_PG_BIN` if set, else Debian's versioned directory (15 preferred, then the newest),
/// else PATH.
fn bin() -> Result<PathBuf, String> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let found = if let Some(d) = std::env::var_os("GUDANG_PG_BIN") {
        Some(PathBuf::from(d)).filter(|d| has(d))
    } else {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
            .filter(|(_, d)| has(d))
            .collect();
        versions.sort_by_key(|(v, _)| (*v == 15, *v));
        let newest = versions.pop().map(|v| v.1);
        newest.or_else(|| search_path(&[]).into_iter().find(|d| has(d)))
    };
    found.ok_or_else(|| {
        "PostgreSQL server programs (initdb, pg_ctl) not found. Install them (Debian: apt-get \
         install -y postgresql) or set GUDANG_SKIP_PG=1."
            .to_string()
    })
}

/// A PostgreSQL program, run as `postgres` when we are root (PostgreSQL refuses root).
fn command(bin: &Path, tool: &str, dir: &Path) -> Command {
    server::command(&bin.join(tool), dir, run_as("postgres").map(|o| o.0))
}

pub(super) fn start() -> Result<TlsServer, String> {
    let t = Instant::now();
    let bin = bin()?;
    let owner = run_as("postgres").map(|o| o.1);
    if server::is_root() && owner.is_none() {
        return Err(
            "the tests run as root and PostgreSQL refuses to; they need a `postgres` user".into(),
        );
    }
    let dir = server::temp_dir("gudang-tls-pg-", owner)?;
    let as_pg = if owner.is_some() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let ctl = sh_quote(&bin.join("pg_ctl"));
    let stop = ["data", "replica-data"]
        .map(|d| {
            let data = sh_quote(&dir.join(d));
            format!(
                "if [ -f {data}/postmaster.pid ]; then {as_pg}{ctl} -D {data} stop -m immediate -w >/dev/null 2>&1; fi"
            )
        })
        .join("; ");
    let watchdog = server::spawn_watchdog(&dir, &stop)?;
    make_certs(&dir, owner)?;
    let data = dir.join("data");
    let mut init = command(&bin, "initdb", &dir);
    init.arg("-D").arg(&data);
    init.args("--locale=C --encoding=UTF8 -U postgres --auth=trust --no-sync".split(' '));
    run(init, "initdb")?;
    let conf = format!(
        "\n# gudang TLS test server\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{d}'\n\
         fsync = on\nlog_min_messages = warning\nssl = on\nssl_cert_file = '{d}/server.pem'\n\
         ssl_key_file = '{d}/server.key'\n",
        d = dir.display()
    );
    // The whole pg_hba.conf: from 127.0.0.1 TLS or nothing, for databases and replication.
    let hba = "local all all trust\n\
               hostssl all all 127.0.0.1/32 trust\n\
               hostssl replication all 127.0.0.1/32 trust\n\
               hostnossl all all 127.0.0.1/32 reject\n\
               hostnossl replication all 127.0.0.1/32 reject\n";
    std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, conf.as_bytes()))
        .and_then(|()| std::fs::write(data.join("pg_hba.conf"), hba))
        .map_err(|e| format!("cannot write the server's configuration: {e}"))?;
    let port = pg_ctl_start(&bin, &dir, &data, &dir.join("server.log"))?;
    eprintln!(
        "TLS-only PostgreSQL on 127.0.0.1:{port} ready after {:?}",
        t.elapsed()
    );
    Ok(TlsServer::new(Engine::Postgres, port, dir, bin, watchdog))
}

/// Starts the data directory `data` with `pg_ctl` on a free port of 127.0.0.1 (retrying when
/// another process takes the port first) and returns the port.
fn pg_ctl_start(bin: &Path, dir: &Path, data: &Path, log: &Path) -> Result<u16, String> {
    let mut last = String::new();
    for _ in 0..5 {
        let port = free_port()?;
        let mut c = command(bin, "pg_ctl", dir);
        c.arg("-D").arg(data).arg("-l").arg(log);
        c.args(["-w", "-t", "30", "-o", &format!("-p {port}"), "start"]);
        match run(c, "pg_ctl start") {
            Ok(()) => return Ok(port),
            Err(e) => {
                let tail = server::read_log(log);
                last = format!("{e}\nserver log:\n{tail}");
                if !tail.contains("could not bind") && !tail.contains("in use") {
                    break;
                }
            }
        }
    }
    Err(format!(
        "a TLS-only PostgreSQL server did not start: {last}"
    ))
}

impl TlsServer {
    /// Makes a streaming replica of this PostgreSQL server with `pg_basebackup -R` over a
    /// verified TLS connection (`-d` with `sslmode=verify-full`), starts it, and returns its
    /// port and the `primary_conninfo` line that `-R` wrote.
    pub fn start_pg_replica(&self) -> Result<(u16, String), String> {
        let data = self.dir.join("replica-data");
        let conninfo = format!(
            "host=127.0.0.1 port={} user=postgres sslmode=verify-full sslrootcert={}",
            self.port,
            self.ca.display()
        );
        let mut bb = command(&self.bin, "pg_basebackup", &self.dir);
        bb.arg("-d").arg(&conninfo).arg("-D").arg(&data);
        bb.args(["-R", "-X", "stream", "--checkpoint=fast", "--no-sync"]);
        run(bb, "pg_basebackup over TLS")?;
        let auto = std::fs::read_to_string(data.join("postgresql.auto.conf"))
            .map_err(|e| format!("postgresql.auto.conf: {e}"))?;
        let primary_conninfo = auto
            .lines()
            .find(|l| l.starts_with("primary_conninfo"))
            .unwrap_or_default()
            .to_string();
        let port = pg_ctl_start(&self.bin, &self.dir, &data, &self.dir.join("replica.log"))?;
        Ok((port, primary_conninfo))
    }
}
