//! The replication lab's processes: the temp directory, starting a server as our child (so a
//! killed one can be reaped and restarted), waiting until it answers, the watchdog that cleans
//! up after this process however it ends, and small /proc helpers.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::Connection;

use super::{Engine, LabResult, Node, POLL, READY_TIMEOUT, ReplPair};

impl ReplPair {
    pub(super) fn new(
        engine: Engine,
        bin: PathBuf,
        owner: Option<(u32, u32)>,
    ) -> LabResult<ReplPair> {
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

    pub(super) fn mkdir(&self, p: &Path) -> LabResult<()> {
        std::fs::create_dir(p).map_err(|e| format!("mkdir {}: {e}", p.display()))?;
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(p, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", p.display()))?;
        }
        Ok(())
    }

    pub(super) fn pid_file(&self, node: Node) -> PathBuf {
        self.dir.join(format!("{}.lab-pid", node.name()))
    }

    pub(super) fn log_file(&self, node: Node) -> PathBuf {
        self.dir.join(format!("{}.log", node.name()))
    }

    pub(super) fn is_running(&self, node: Node) -> bool {
        self.procs
            .lock()
            .map(|p| p[node.index()].is_some())
            .unwrap_or(false)
    }

    /// Starts a server process for `node` (the port already chosen) in its own session, with
    /// its log appended to `<node>.log`, and records its pid for the watchdog.
    pub(super) fn spawn(&self, node: Node) -> LabResult<Child> {
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

    pub(super) fn store(&self, node: Node, child: Child) -> LabResult<()> {
        let mut procs = self
            .procs
            .lock()
            .map_err(|_| "lab lock poisoned".to_string())?;
        procs[node.index()] = Some(child);
        Ok(())
    }

    /// Picks a free port for `node` and starts it, trying another port if a different process
    /// took the one we probed before the server bound it.
    pub(super) async fn start_node_first_time(&mut self, node: Node) -> LabResult<()> {
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
    pub(super) async fn wait_ready(&self, node: Node) -> LabResult<()> {
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
            self.fail_if_exited(node)?;
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
    pub(super) async fn wait_replica_connected(&self, timeout: Duration) -> LabResult<()> {
        let deadline = Instant::now() + timeout;
        loop {
            // A server just restarted after a kill may drop the first connections while it
            // finishes recovery: an error here is retried until the deadline, unless the
            // process has exited.
            let last = match self.primary_streams_to_replica().await {
                Ok(true) => return Ok(()),
                Ok(false) => "not streaming yet".to_string(),
                Err(e) => {
                    self.fail_if_exited(Node::Primary)?;
                    e
                }
            };
            if Instant::now() > deadline {
                return Err(format!(
                    "the replica did not connect to the primary within {timeout:?} ({last}); \
                     the primary's log:\n{}\nthe replica's log:\n{}",
                    self.log_tail(Node::Primary),
                    self.log_tail(Node::Replica)
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether the primary has a replication client and the replica says it receives.
    async fn primary_streams_to_replica(&self) -> LabResult<bool> {
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
        Ok(on_primary > 0 && self.replica_connected().await?)
    }

    /// Fails with the node's log when its process has exited.
    fn fail_if_exited(&self, node: Node) -> LabResult<()> {
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
        Ok(())
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
pub(super) fn spawn_watchdog(dir: &Path, engine: Engine) -> LabResult<(ChildStdin, Child)> {
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
pub(super) const PG_FREE_SHM: &str = "for f in $d/primary/postmaster.pid $d/replica/postmaster.pid; do\n\
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

pub(super) fn whoami() -> String {
    std::env::var("USER").unwrap_or_else(|_| "root".into())
}

// The plain process helpers are the single-server harness's own (tests/common/server.rs).
pub(super) use super::server::{free_port, is_root, run, system_user};

/// Runs `f` until it is true, `POLL` apart, for at most `timeout`.
pub(super) async fn wait_for(
    timeout: Duration,
    what: &str,
    mut f: impl FnMut() -> bool,
) -> LabResult<()> {
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
pub(super) fn alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, _)| state != 'Z')
}

/// State letter and parent pid from /proc/PID/stat.
pub(super) fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: read after the last ')'.
    let rest = &s[s.rfind(')')? + 1..];
    let mut f = rest.split_whitespace();
    let state = f.next()?.chars().next()?;
    let ppid = f.next()?.parse().ok()?;
    Some((state, ppid))
}

/// The live children of `pid` (a postmaster's backends and helpers).
pub(super) fn children_of(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| proc_stat(*p).is_some_and(|(st, pp)| pp == pid && st != 'Z'))
        .collect()
}
