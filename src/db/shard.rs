//! One shard: a tokio task that owns the shard's connections and is the only code that talks to
//! its database. Callers hold a cheap [`ShardHandle`] and send it jobs.
//!
//! Writes go to a writer task that practises group commit: it drains every queued write job into
//! one database transaction, gives each job its own savepoint (so one rejected job does not sink
//! its neighbours) and answers each caller only after the batch has committed durably. Reads run
//! concurrently on a pool, so they never wait behind writes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use super::dialect::{Backend, redact_url};
use crate::error::{Error, Result};

/// Which shard a handle serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardName {
    Master,
    Location,
    Transaction,
}

impl ShardName {
    pub const ALL: [ShardName; 3] = [
        ShardName::Master,
        ShardName::Location,
        ShardName::Transaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShardName::Master => "master",
            ShardName::Location => "location",
            ShardName::Transaction => "transaction",
        }
    }
}

/// What a write job leaves for the writer: whether to keep its work, and how to answer its
/// caller once the batch's fate is known.
pub struct Completion {
    ok: bool,
    finish: Box<dyn FnOnce(Result<()>) + Send>,
}

impl Completion {
    /// `keep`: release the job's savepoint (else roll it back); `finish` hears whether the
    /// batch then committed.
    pub fn new(keep: bool, finish: impl FnOnce(Result<()>) + Send + 'static) -> Completion {
        Completion {
            ok: keep,
            finish: Box::new(finish),
        }
    }
}

/// A write job as the writer runs it (see [`ShardHandle::submit`]).
pub type WriteJob =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Completion> + Send>;
type ReadJob = Box<dyn FnOnce(AnyPool) -> BoxFuture<'static, ()> + Send>;

/// Observed health of a shard, shared with `status` and the status bar.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Health {
    pub reachable: bool,
    pub last_latency_us: Option<u64>,
    pub last_error: Option<String>,
    pub batches: u64,
    pub jobs: u64,
    /// Time spent running batches, commit included.
    pub busy_us: u64,
    /// Of which committing (the durable sync, mostly).
    pub commit_us: u64,
}

/// A cheap, cloneable way to reach one shard's task.
#[derive(Clone)]
pub struct ShardHandle {
    name: ShardName,
    backend: Backend,
    url: String,
    /// Write jobs go straight to the writer task; reads to the dispatcher, which runs each on
    /// the read pool.
    writes: mpsc::UnboundedSender<WriteJob>,
    reads: mpsc::UnboundedSender<ReadJob>,
    health: Arc<Mutex<Health>>,
    /// Write batches committed so far, counted before any of the batch's callers hears back,
    /// so a cache stamped with an older count knows it may be stale.
    generation: Arc<AtomicU64>,
}

const MAX_BATCH: usize = 512;

impl ShardHandle {
    /// Connects to `url`, runs `setup` (migrations) on the write connection, and starts the task.
    pub async fn start(name: ShardName, url: &str, read_connections: u32) -> Result<ShardHandle> {
        let backend = Backend::from_url(url)?;
        let shard = name.as_str();
        let opts: AnyConnectOptions = url
            .parse()
            .map_err(|e| Error::Config(format!("{shard} shard URL '{}': {e}", redact_url(url))))?;
        let opts = opts.disable_statement_logging();
        let writer = connect(backend, &opts).await.map_err(Error::db(shard))?;
        let pool = AnyPoolOptions::new()
            .max_connections(read_connections.max(1))
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    for s in backend.session_setup() {
                        conn.execute(*s).await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(opts.clone());
        let (reads, rx) = mpsc::unbounded_channel();
        let health = Arc::new(Mutex::new(Health {
            reachable: true,
            ..Default::default()
        }));
        let generation = Arc::new(AtomicU64::new(0));
        let (writes, wrx) = mpsc::unbounded_channel();
        tokio::spawn(writer_loop(
            backend,
            shard,
            opts,
            Some(writer),
            wrx,
            health.clone(),
            generation.clone(),
        ));
        tokio::spawn(dispatch_loop(rx, pool));
        Ok(ShardHandle {
            name,
            backend,
            url: url.to_string(),
            writes,
            reads,
            health,
            generation,
        })
    }

    /// How many write batches this process has committed on the shard. Data read when this
    /// was `g` is current for as long as it still is `g` (other processes aside).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn name(&self) -> ShardName {
        self.name
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password hidden.
    pub fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    pub fn health(&self) -> Health {
        self.health.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Runs `f` inside the shard's next write batch. `Err` from `f` rolls back only `f`'s own
    /// work. The answer comes after the batch committed, so an `Ok` is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel::<Result<T>>();
        let job: WriteJob = Box::new(move |conn| {
            Box::pin(async move {
                let res = f(conn).await;
                let ok = res.is_ok();
                Completion {
                    ok,
                    finish: Box::new(move |batch: Result<()>| {
                        let answer = match (res, batch) {
                            (Ok(v), Ok(())) => Ok(v),
                            (Ok(_), Err(e)) => Err(e),
                            (Err(e), _) => Err(e),
                        };
                        let _ = reply.send(answer);
                    }),
                }
            })
        });
        self.submit(job)?;
        rx.await.map_err(|_| self.gone())?
    }

    /// Queues a job that answers for itself: it runs inside the next batch, in its own
    /// savepoint, and its [`Completion`] hears whether the batch committed. For one job that
    /// answers many callers (see [`super::coalesce`]); everything else uses [`Self::write`].
    pub fn submit(&self, job: WriteJob) -> Result<()> {
        self.writes.send(job).map_err(|_| self.gone())
    }

    /// Runs `f` on the shard's read pool, concurrently with writes and other reads.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(AnyPool) -> BoxFuture<'static, Result<T>> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel::<Result<T>>();
        let job: ReadJob = Box::new(move |pool| {
            Box::pin(async move {
                let _ = reply.send(f(pool).await);
            })
        });
        self.reads.send(job).map_err(|_| self.gone())?;
        rx.await.map_err(|_| self.gone())?
    }

    pub(crate) fn gone(&self) -> Error {
        Error::Unavailable(format!(
            "the {} shard could not complete the request (its database failed or its task stopped)",
            self.name.as_str()
        ))
    }
}

async fn connect(backend: Backend, opts: &AnyConnectOptions) -> sqlx::Result<AnyConnection> {
    let mut conn = AnyConnection::connect_with(opts).await?;
    for s in backend.session_setup() {
        conn.execute(*s).await?;
    }
    Ok(conn)
}

async fn dispatch_loop(mut rx: mpsc::UnboundedReceiver<ReadJob>, pool: AnyPool) {
    while let Some(job) = rx.recv().await {
        tokio::spawn(job(pool.clone()));
    }
    pool.close().await;
}

async fn writer_loop(
    backend: Backend,
    shard: &'static str,
    opts: AnyConnectOptions,
    mut conn: Option<AnyConnection>,
    mut rx: mpsc::UnboundedReceiver<WriteJob>,
    health: Arc<Mutex<Health>>,
    generation: Arc<AtomicU64>,
) {
    let mut batch: Vec<WriteJob> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let n = batch.len() as u64;
        let started = Instant::now();
        let mut commit_us = 0;
        if conn.is_none() {
            conn = connect(backend, &opts).await.ok();
        }
        let result = match conn.as_mut() {
            Some(c) => run_batch(backend, shard, c, &mut batch, &generation, &mut commit_us).await,
            None => Err(Error::Unavailable(format!(
                "the {shard} shard's primary cannot be reached"
            ))),
        };
        // Jobs that never ran (the batch failed before them) are dropped: their callers see
        // the shard as unable to complete the request.
        batch.clear();
        if let Ok(mut h) = health.lock() {
            let took = started.elapsed().as_micros() as u64;
            h.batches += 1;
            h.jobs += n;
            h.busy_us += took;
            h.commit_us += commit_us;
            h.last_latency_us = Some(took);
            match &result {
                Ok(()) => {
                    h.reachable = true;
                    h.last_error = None;
                }
                Err(e) => {
                    h.reachable = !matches!(e, Error::Unavailable(_));
                    h.last_error = Some(e.to_string());
                }
            }
        }
        if let Err(e) = &result
            && (matches!(e, Error::Unavailable(_))
                || matches!(
                    e,
                    Error::Db {
                        source: sqlx::Error::Io(_),
                        ..
                    }
                ))
        {
            conn = None;
        }
    }
}

/// Runs one batch: every job in its own savepoint, one commit for all, then the answers.
///
/// The statements between two jobs (end the last job's savepoint, open the next one's) travel
/// to the database together, so a job costs one round trip more than its own statements.
async fn run_batch(
    backend: Backend,
    shard: &'static str,
    conn: &mut AnyConnection,
    batch: &mut Vec<WriteJob>,
    generation: &AtomicU64,
    commit_us: &mut u64,
) -> Result<()> {
    const KEEP_NEXT: &str = "RELEASE SAVEPOINT job; SAVEPOINT job";
    const UNDO_NEXT: &str = "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; SAVEPOINT job";
    const KEEP_COMMIT: &str = "RELEASE SAVEPOINT job; COMMIT";
    const UNDO_COMMIT: &str = "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; COMMIT";
    let mut done: Vec<Completion> = Vec::with_capacity(batch.len());
    let outcome = async {
        match backend.serialize_writers(shard) {
            None => {
                conn.execute(backend.begin_write_batch())
                    .await
                    .map_err(Error::db(shard))?;
            }
            // The writers' lock comes before the first savepoint, so that no job's rollback
            // can release it.
            Some(lock) => {
                conn.execute(backend.begin_write())
                    .await
                    .map_err(Error::db(shard))?;
                conn.execute(lock).await.map_err(Error::db(shard))?;
                conn.execute("SAVEPOINT job")
                    .await
                    .map_err(Error::db(shard))?;
            }
        }
        let last = batch.len().saturating_sub(1);
        for (i, job) in batch.drain(..).enumerate() {
            let c = job(conn).await;
            let next = match (c.ok, i == last) {
                (true, false) => KEEP_NEXT,
                (false, false) => UNDO_NEXT,
                (true, true) => KEEP_COMMIT,
                (false, true) => UNDO_COMMIT,
            };
            done.push(c);
            let t = Instant::now();
            conn.execute(next).await.map_err(Error::db(shard))?;
            if i == last {
                *commit_us = t.elapsed().as_micros() as u64;
            }
        }
        Ok::<(), Error>(())
    }
    .await;
    if outcome.is_ok() {
        generation.fetch_add(1, Ordering::AcqRel);
    }
    if outcome.is_err() {
        let _ = conn.execute("ROLLBACK").await;
    }
    let msg = outcome.as_ref().err().map(ToString::to_string);
    for c in done {
        let r = match &msg {
            None => Ok(()),
            Some(m) => Err(Error::Unavailable(format!(
                "{shard} shard: batch not committed: {m}"
            ))),
        };
        (c.finish)(r);
    }
    outcome
}
