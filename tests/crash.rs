//! Crash test of the cross-shard posting protocol (ARCHITECTURE.md section 4) on every backend: the
//! embedded SQLite default, PostgreSQL and MariaDB. A real child process (this test binary
//! re-executed in child mode) posts receipts, issues and transfers of several lines from a few
//! concurrent workers and is killed with SIGKILL, either by itself at a named failpoint of the
//! protocol (before the decision, between the decision and the journal, between the journal and the
//! outbox delete, and inside start-up recovery before and after its journal writes) or by the
//! parent at a random moment. After every kill the parent looks at the shards as they are (the
//! check must already be clean, and every acknowledged posting durably decided as the client was
//! told, journaled or still in the outbox), then restarts with recovery and asserts: the check
//! finds no violation, the outbox is empty, every acknowledged posting is journaled exactly once as
//! the client was told (number, status, reason), nothing is negative, stock is exactly what the
//! posted documents imply, the daily summaries count each posted document once, the database's own
//! integrity check passes on all three shards, and re-posting an id replays it.
//!
//! On PostgreSQL and MariaDB the shards are three fresh databases on the test process's
//! throwaway server, which keeps running while the children die: only the client is killed, as
//! when an application machine loses power. After a kill the parent first waits for the server to
//! end the dead child's sessions (a COMMIT sent just before the kill may still land), so that it
//! looks at the shards as the kill left them. The child gets the shards as a config file.
//!
//! Kills per backend: `GUDANG_CRASH_KILLS=N` for SQLite (default 200),
//! `GUDANG_CRASH_KILLS_PG=N` and `GUDANG_CRASH_KILLS_MARIADB=N` (default 50 each);
//! `GUDANG_CRASH_SEED=S` replays a run (the seed is printed). `GUDANG_SKIP_PG=1` and
//! `GUDANG_SKIP_MARIADB=1` skip a server backend as in the other tests.

mod common;

#[path = "crash_parts/child.rs"]
mod child;
#[path = "crash_parts/verify.rs"]
mod verify;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gudang::Config;
use gudang::domain::ids;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use child::{CHILD_CONFIG_ENV, CHILD_JOURNAL_ENV, CHILD_SEED_ENV, Record, Req};
use common::backend::{Db, TestEnv};
use verify::{Ack, Ledger, Snapshot, State};

/// How long a child may take to reach its failpoint or its next acknowledgement. Generous: the
/// CI machine is small and shared; a healthy child needs milliseconds.
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// The child: runs only when re-executed by a `crash_kills_*` test (which sets the config path).
#[test]
#[ignore = "child process of crash_kills_*; does nothing unless re-executed by one"]
fn crash_child() {
    if let Ok(config) = std::env::var(CHILD_CONFIG_ENV) {
        child::child_main(Path::new(&config));
    }
}

/// Runs one async phase on a fresh runtime, as a fresh process would: everything it opened
/// (shard tasks, connections) is gone when it returns.
fn phase<T>(f: impl std::future::Future<Output = T>) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(f)
}

/// A running child process with its output read by threads (so waiting is event-driven).
struct Child {
    proc: std::process::Child,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
    journal: PathBuf,
}

impl Child {
    fn spawn(config: &Path, journal: PathBuf, seed: u64, failpoint: Option<&str>) -> Child {
        let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
        cmd.args([
            "--exact",
            "crash_child",
            "--nocapture",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD_CONFIG_ENV, config)
        .env(CHILD_JOURNAL_ENV, &journal)
        .env(CHILD_SEED_ENV, seed.to_string())
        .env_remove("GUDANG_FAILPOINT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        if let Some(fp) = failpoint {
            cmd.env("GUDANG_FAILPOINT", fp);
        }
        let mut proc = cmd.spawn().expect("spawn child");
        let out = proc.stdout.take().expect("stdout");
        let mut err = proc.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let stderr = Some(std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        }));
        Child {
            proc,
            lines,
            stderr,
            journal,
        }
    }

    /// Waits until the child has acknowledged `n` postings; false if it exited first.
    fn wait_acks(&mut self, n: usize) -> bool {
        let deadline = Instant::now() + CHILD_TIMEOUT;
        let mut seen = 0;
        while seen < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) if l.starts_with("ACK ") => seen += 1,
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = self.proc.kill();
                    panic!("child acknowledged only {seen} of {n} postings in {CHILD_TIMEOUT:?}");
                }
            }
        }
        true
    }

    /// Waits for the child to exit (its stdout closes first); returns its status and stderr.
    fn wait_exit(mut self) -> (ExitStatus, String, Vec<Record>) {
        let deadline = Instant::now() + CHILD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = self.proc.kill();
                    panic!("child did not exit within {CHILD_TIMEOUT:?}");
                }
            }
        }
        let status = self.proc.wait().expect("wait child");
        let err = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (status, err, child::read_journal(&self.journal))
    }

    fn kill(mut self) -> (ExitStatus, String, Vec<Record>) {
        self.proc.kill().expect("SIGKILL child");
        self.wait_exit()
    }
}

fn assert_sigkilled(status: ExitStatus, stderr: &str, failpoint: Option<&str>) {
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "child was not killed ({status}); stderr:\n{stderr}"
    );
    if let Some(fp) = failpoint {
        let name = fp.split('@').next().unwrap_or(fp);
        assert!(
            stderr.contains(&format!("failpoint {name}: killing process")),
            "child died elsewhere than {fp}:\n{stderr}"
        );
    }
}

/// The kinds of rounds, in the order they repeat.
#[derive(Debug, Clone, Copy)]
enum Plan {
    /// Kill a posting child at this failpoint.
    Post(&'static str),
    /// Kill a posting child after a decision commit (leaving decided documents in the outbox,
    /// not journaled), then kill the next child inside its start-up recovery at this failpoint.
    Recovery(&'static str),
    /// Kill a posting child after a random number of acknowledgements and a random delay.
    Random,
}

const PLANS: [Plan; 8] = [
    Plan::Post("post.before_decide"),
    Plan::Post("post.after_decide"),
    Plan::Post("post.after_journal"),
    Plan::Recovery("recover.before_journal"),
    Plan::Recovery("recover.after_journal"),
    Plan::Random,
    Plan::Random,
    Plan::Random,
];

/// Recovery journals the outbox in rounds of this many entries (`service::recovery`).
const RECOVERY_ROUND: usize = 500;

struct Run {
    /// The shards, and the file the children read them from.
    config: Config,
    config_file: PathBuf,
    /// Where the children's journals go.
    dir: PathBuf,
    rng: StdRng,
    ledger: Ledger,
    kills: usize,
    children: usize,
}

impl Run {
    fn journal(&mut self) -> PathBuf {
        self.children += 1;
        self.dir.join(format!("journal-{:05}.jsonl", self.children))
    }

    /// Runs a child to its death; returns the state it left, before recovery.
    fn kill_child(&mut self, failpoint: Option<String>, random: Option<(usize, u64)>) -> Snapshot {
        let journal = self.journal();
        let seed = self.rng.random();
        let c = Child::spawn(&self.config_file, journal, seed, failpoint.as_deref());
        let (status, stderr, records) = match random {
            None => c.wait_exit(),
            Some((acks, delay_us)) => {
                let mut c = c;
                assert!(
                    c.wait_acks(acks),
                    "child exited before {acks} acknowledgements"
                );
                // A randomized kill moment, on top of the acknowledgement count.
                std::thread::sleep(Duration::from_micros(delay_us));
                c.kill()
            }
        };
        assert_sigkilled(status, &stderr, failpoint.as_deref());
        self.kills += 1;
        self.ledger.absorb(records);
        phase(verify::inspect(&self.config, &self.ledger))
    }

    fn round(&mut self, plan: Plan) -> verify::Stats {
        self.ledger.start_round();
        match plan {
            Plan::Post(fp) => {
                let n = self.rng.random_range(1..=8);
                let snap = self.kill_child(Some(format!("{fp}@{n}")), None);
                self.assert_failpoint_state(fp, &snap);
            }
            Plan::Recovery(fp) => {
                let n = self.rng.random_range(1..=8);
                let snap = self.kill_child(Some(format!("post.after_decide@{n}")), None);
                self.assert_failpoint_state("post.after_decide", &snap);
                let waiting = snap.outbox_ids();
                let unjournaled = snap.unjournaled();
                assert!(!unjournaled.is_empty());
                assert!(
                    waiting.len() <= RECOVERY_ROUND,
                    "more than one recovery round waiting: {}",
                    waiting.len()
                );
                // The next child dies inside its start-up recovery, in its first round.
                let tried_before = self.ledger.round_tried.len();
                let after = self.kill_child(Some(format!("{fp}@1")), None);
                assert_eq!(
                    self.ledger.round_tried.len(),
                    tried_before,
                    "a child killed in its start-up recovery posted"
                );
                assert_eq!(
                    after.outbox_ids(),
                    waiting,
                    "recovery killed at {fp} dropped outbox entries"
                );
                match fp {
                    "recover.before_journal" => {
                        assert_eq!(
                            after.header_ids(),
                            snap.header_ids(),
                            "recovery journaled before its failpoint"
                        );
                        assert_eq!(after.unjournaled(), unjournaled);
                    }
                    _ => {
                        assert!(
                            after.unjournaled().is_empty(),
                            "recovery killed after its journal writes left {:?} unjournaled",
                            after.unjournaled()
                        );
                        let mut want = snap.header_ids();
                        want.extend(unjournaled.iter().cloned());
                        want.sort();
                        assert_eq!(
                            after.header_ids(),
                            want,
                            "recovery journaled exactly the waiting documents"
                        );
                        for id in &waiting {
                            assert_eq!(after.state(id), State::JournaledInOutbox);
                        }
                    }
                }
            }
            Plan::Random => {
                let acks = self.rng.random_range(0..=12);
                let delay = self.rng.random_range(0..=20_000);
                self.kill_child(None, Some((acks, delay)));
            }
        }
        let (config, ledger, rng) = (&self.config, &mut self.ledger, &mut self.rng);
        phase(verify::verify_after_restart(config, ledger, rng))
    }

    /// What a kill at a posting failpoint must have left: evidence of a posting cut off there.
    fn assert_failpoint_state(&self, fp: &str, snap: &Snapshot) {
        let unacked: Vec<&String> = self
            .ledger
            .round_tried
            .iter()
            .filter(|id| !self.ledger.acked.contains_key(*id))
            .collect();
        let (want, among) = match fp {
            // Nothing written yet, and the clerk was told nothing.
            "post.before_decide" => (State::Absent, unacked),
            // Decided, not journaled, and the clerk was told nothing.
            "post.after_decide" => (State::Decided, unacked),
            // Journaled in the background after the answer (which may or may not have reached
            // the child's journal before the kill), still in the outbox.
            _ => (
                State::JournaledInOutbox,
                self.ledger.round_tried.iter().collect(),
            ),
        };
        assert!(
            among.iter().any(|id| snap.state(id) == want),
            "after a kill at {fp} no posting of the round is {want:?}: {:?}",
            among.iter().map(|id| snap.state(id)).collect::<Vec<_>>()
        );
    }
}

/// Opening stock of every product at every location. Low enough that issues and transfers
/// (1 to 12 units a line) run a location out of a product early even in a short run (the 50 kills
/// on a server): rejected postings must be crash-tested too.
const OPENING_UNITS: i64 = 15;

/// Creates fresh shards on `db` and seeds the catalog once: products P1..P4, locations A, B, C,
/// and opening stock. Returns the shards' config and the temp directory (SQLite files, journals).
fn seed_catalog(db: Db, ledger: &mut Ledger) -> (Config, tempfile::TempDir) {
    phase(async {
        // The default read pool size, as the crash test has always run with on SQLite.
        let read_connections = Config::default().database.read_connections;
        let env = TestEnv::with(db, |c| c.database.read_connections = read_connections).await;
        env.seed(child::PRODUCTS.len()).await;
        let s = &env.services;
        s.add_location(&env.admin, "C", "Warehouse C", None)
            .await
            .expect("loc C");
        for loc in child::LOCATIONS {
            let req = Req {
                id: ids::new_id(),
                kind: "receipt".into(),
                source: None,
                dest: Some(loc.into()),
                lines: child::PRODUCTS
                    .iter()
                    .map(|p| {
                        (
                            p.to_string(),
                            gudang::domain::Quantity::units(OPENING_UNITS).0,
                        )
                    })
                    .collect(),
            };
            let out = s
                .post(&env.admin, &req.to_post())
                .await
                .expect("opening stock");
            assert!(out.is_posted());
            ledger.acked.insert(
                req.id.clone(),
                Ack {
                    number: out.number,
                    status: "posted".into(),
                    reason: None,
                },
            );
            ledger.tried.insert(req.id.clone(), req);
        }
        s.settled().await;
        let TestEnv { config, dir, .. } = env;
        (config, dir)
    })
}

#[test]
fn crash_kills_sqlite() {
    crash_kills(Db::Sqlite, "GUDANG_CRASH_KILLS", 200);
}

#[test]
fn crash_kills_postgres() {
    if common::pg::skipped() {
        return;
    }
    crash_kills(Db::Postgres, "GUDANG_CRASH_KILLS_PG", 50);
}

#[test]
fn crash_kills_mariadb() {
    if common::mariadb::skipped() {
        return;
    }
    crash_kills(Db::Mariadb, "GUDANG_CRASH_KILLS_MARIADB", 50);
}

/// Kills children on `db` until `kills_env` (or `default_kills`) kills are done, verifying after
/// each.
fn crash_kills(db: Db, kills_env: &str, default_kills: usize) {
    let name = db.backend_name();
    let target: usize = std::env::var(kills_env)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_kills);
    let seed: u64 = std::env::var("GUDANG_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("crash test on {name}: {target} kills ({kills_env}), GUDANG_CRASH_SEED={seed}");
    let mut ledger = Ledger::default();
    let (config, tmp) = seed_catalog(db, &mut ledger);
    let config_file = tmp.path().join("crash-config.toml");
    child::write_config(&config, &config_file);
    let mut run = Run {
        config,
        config_file,
        dir: tmp.path().to_path_buf(),
        rng: StdRng::seed_from_u64(seed),
        ledger,
        kills: 0,
        children: 0,
    };
    let started = Instant::now();
    let (mut rounds, mut recovered, mut reposted, mut headers) = (0usize, 0usize, 0usize, 0usize);
    while run.kills < target {
        let plan = PLANS[rounds % PLANS.len()];
        let stats = run.round(plan);
        rounds += 1;
        recovered += stats.recovered;
        reposted += stats.reposted;
        headers = stats.headers;
    }
    let rejected = run
        .ledger
        .acked
        .values()
        .filter(|a| a.status == "rejected")
        .count();
    eprintln!(
        "crash test on {name}: {} kills in {rounds} rounds ({} children), {} postings acknowledged ({rejected} rejected), \
         {recovered} cut-off postings found decided and replayed, {reposted} never decided and re-posted, \
         {headers} headers, {:.1?} (GUDANG_CRASH_SEED={seed})",
        run.kills,
        run.children,
        run.ledger.acked.len(),
        started.elapsed()
    );
    assert!(
        rejected > 0,
        "the mix never ran out of stock on {name}: rejections went untested"
    );
}
