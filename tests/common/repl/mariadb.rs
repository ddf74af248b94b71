//! The MariaDB half of the replication lab: bootstrapping the data directories, the server
//! command line (the settings of docs/replication.md), and the users and `CHANGE MASTER TO` that
//! make the second server follow the first by GTID.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{AssertSqlSafe, Connection, Row};

use super::process::{is_root, run, system_user, whoami};
use super::{
    APP_PASSWORD, APP_USER, CATCH_UP_TIMEOUT, Engine, LabResult, Node, READY_TIMEOUT,
    REPL_PASSWORD, REPL_USER, ReplPair,
};

impl ReplPair {
    pub(super) async fn start_mariadb() -> LabResult<ReplPair> {
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
    pub(super) fn mariadb_bootstrap(&self, data: &Path) -> LabResult<()> {
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
                .arg(format!("--tmpdir={}", self.dir.display()))
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
            // Its own temp dir: temporary tables are named after the PID, which another
            // process (in another PID namespace) may share in a common /tmp.
            .arg(format!("--tmpdir={}", self.dir.display()))
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

    pub(super) fn mariadb_user_arg(&self) -> String {
        if self.owner.is_some() {
            "--user=mysql".into()
        } else {
            // Not root: the server runs as us; the flag is then only a no-op statement of it.
            format!("--user={}", whoami())
        }
    }

    pub(super) fn mariadb_command(&self, node: Node) -> Command {
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

    pub(super) async fn my_admin(&self, node: Node) -> LabResult<MySqlConnection> {
        MySqlConnection::connect(&self.admin_url(node, ""))
            .await
            .map_err(|e| format!("connect to the MariaDB {} as root: {e}", node.name()))
    }

    pub(super) async fn my_replica_exec(&self, sql: &str) -> LabResult<()> {
        let mut c = self.my_admin(Node::Replica).await?;
        let r = my_exec(&mut c, sql).await;
        let _ = c.close().await;
        r
    }
}

/// InnoDB sizes small enough for a lab (the bootstrap and the servers must agree).
pub(super) const MARIADB_SIZES: [&str; 2] = [
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
];

/// Where `mariadbd` is: `GUDANG_MARIADB_BIN` if set, else /usr/sbin, /usr/bin, PATH.
pub(super) fn mariadb_bin() -> LabResult<PathBuf> {
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

pub(super) async fn my_exec(c: &mut MySqlConnection, sql: &str) -> LabResult<()> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .execute(c)
        .await
        .map(|_| ())
        .map_err(|e| format!("{sql}: {e}"))
}

pub(super) async fn my_string(c: &mut MySqlConnection, sql: &str) -> LabResult<String> {
    let row = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
        .fetch_one(c)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    row.try_get::<String, _>(0)
        .map_err(|e| format!("{sql}: {e}"))
}

/// A column of `SHOW SLAVE STATUS` as text (its column types vary by server version).
pub(super) fn my_opt_string(row: &MySqlRow, col: &str) -> Option<String> {
    row.try_get::<Option<String>, _>(col).ok().flatten()
}

/// A numeric column of `SHOW SLAVE STATUS`, whatever integer type the server reports it as.
pub(super) fn my_opt_u64(row: &MySqlRow, col: &str) -> Option<u64> {
    if let Ok(v) = row.try_get::<Option<u64>, _>(col) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(col) {
        return v.map(|v| v.max(0).unsigned_abs());
    }
    my_opt_string(row, col).and_then(|s| s.trim().parse().ok())
}
