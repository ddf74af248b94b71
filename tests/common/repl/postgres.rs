//! The PostgreSQL half of the replication lab: `initdb` for the primary, `pg_basebackup -R`
//! for the replica, and the server command line.

use std::io::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};

use super::process::{is_root, run, system_user};
use super::{
    APP_PASSWORD, APP_USER, Engine, LabResult, Node, READY_TIMEOUT, REPL_PASSWORD, REPL_USER,
    ReplPair,
};

impl ReplPair {
    pub(super) async fn start_postgres() -> LabResult<ReplPair> {
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

    pub(super) fn pg_tool(&self, name: &str) -> Command {
        let mut c = Command::new(self.bin.join(name));
        c.current_dir(&self.dir).env("HOME", &self.dir);
        if let Some((uid, gid)) = self.owner {
            c.uid(uid).gid(gid);
        }
        c
    }

    pub(super) fn postgres_command(&self, node: Node) -> Command {
        let mut c = self.pg_tool("postgres");
        c.arg("-D")
            .arg(self.dir.join(node.name()))
            .arg("-p")
            .arg(self.port(node).to_string());
        c
    }

    pub(super) async fn pg_admin(&self, node: Node) -> LabResult<PgConnection> {
        PgConnection::connect(&self.admin_url(node, "postgres"))
            .await
            .map_err(|e| format!("connect to the PostgreSQL {} as postgres: {e}", node.name()))
    }

    pub(super) async fn pg_replica_exec(&self, sql: &str) -> LabResult<()> {
        let mut c = self.pg_admin(Node::Replica).await?;
        let r = pg_exec(&mut c, sql).await;
        let _ = c.close().await;
        r
    }
}

/// Where the PostgreSQL server programs are: `GUDANG_PG_BIN` if set, else Debian's
/// /usr/lib/postgresql/15/bin, else the newest /usr/lib/postgresql/*/bin.
pub(super) fn pg_bin() -> LabResult<PathBuf> {
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

pub(super) async fn pg_exec(c: &mut PgConnection, sql: &str) -> LabResult<()> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(c)
        .await
        .map(|_| ())
        .map_err(|e| format!("{sql}: {e}"))
}
