//! One shard: a tokio task that owns the shard's connections and is the only code that talks to
//! its database. Callers hold a cheap [`ShardHandle`] and send it jobs.
//!
//! Writes go to a writer task that practises group commit: it drains every queued write job into
//! one database transaction, gives each job its own savepoint (so one rejected job does not sink
//! its neighbours) and answers each caller only after the batch has committed durably. Reads run
//! concurrently on a pool, so they never wait behind writes.
//!
//! On a database server the shard also has a monitor (see [`super::monitor`]) and may have
//! replicas (see [`super::nodes`]): reads name a [`Route`], and while the primary is down every
//! write is refused at once with a message that says so, and a batch under way when it went
//! down is abandoned rather than left hanging.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{mpsc, oneshot, watch};

use super::dialect::{Backend, redact_url};
use super::nodes::{NodeHealth, NodeSet, Nodes, Position, Primary, Replica, Route};
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
type ReadJob = (
    Route,
    Box<dyn FnOnce(AnyPool) -> BoxFuture<'static, ()> + Send>,
);

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
    /// Server-backed shards: the primary, then each replica, as the monitor last saw them.
    pub nodes: Vec<NodeHealth>,
}

impl Health {
    /// Since when (microseconds, UTC) the primary has been down, if it is.
    pub fn primary_down_since(&self) -> Option<i64> {
        self.nodes.first().and_then(|n| n.down_since)
    }
}

/// Where one shard's data lives and how its nodes are watched.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub url: String,
    pub replicas: Vec<String>,
    pub read_connections: u32,
    /// How long a node may take to answer before it counts as down.
    pub timeout: Duration,
    pub max_replica_lag: Duration,
}

impl NodeSpec {
    pub fn new(url: &str) -> NodeSpec {
        NodeSpec {
            url: url.to_string(),
            replicas: Vec::new(),
            read_connections: 4,
            timeout: Duration::from_secs(1),
            max_replica_lag: Duration::from_secs(2),
        }
    }
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
    /// Server-backed shards: the primary and replicas and what the monitor sees of them.
    nodes: Option<Arc<Nodes>>,
    spec: Arc<Mutex<NodeSpec>>,
}

const MAX_BATCH: usize = 512;

impl ShardHandle {
    /// Starts the shard's tasks for the nodes in `spec`. On SQLite the write connection is
    /// opened now (a failure is an error); on a server it is opened by the first batch, so
    /// that a shard whose primary is down still starts and serves reads from its replicas.
    pub async fn start(name: ShardName, spec: &NodeSpec) -> Result<ShardHandle> {
        let backend = Backend::from_url(&spec.url)?;
        let shard = name.as_str();
        let set = node_set(name, backend, spec, 0)?;
        let writer = match backend {
            Backend::Sqlite => Some(
                connect(backend, &set.primary.opts)
                    .await
                    .map_err(Error::db(shard))?,
            ),
            _ => None,
        };
        let (down_tx, down_rx) = watch::channel(false);
        let primary_opts = set.primary.opts.clone();
        let primary_pool = set.primary.pool.clone();
        let nodes = (backend != Backend::Sqlite).then(|| {
            Arc::new(Nodes {
                backend,
                set: std::sync::RwLock::new(Arc::new(set)),
                primary: Mutex::new(NodeHealth {
                    role: "primary",
                    url: redact_url(&spec.url),
                    reachable: true,
                    ..Default::default()
                }),
                last_write: Mutex::new(None),
                max_lag_ms: spec.max_replica_lag.as_millis() as i64,
                timeout: spec.timeout,
            })
        });
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
            Writer {
                conn: writer,
                epoch: 0,
                fixed: primary_opts,
                nodes: nodes.clone(),
                down: down_rx.clone(),
            },
            wrx,
            health.clone(),
            generation.clone(),
        ));
        tokio::spawn(dispatch_loop(
            rx,
            primary_pool,
            nodes.clone(),
            down_rx.clone(),
        ));
        if let Some(n) = &nodes {
            tokio::spawn(super::monitor::monitor_loop(
                name,
                Arc::downgrade(n),
                down_tx,
            ));
        }
        Ok(ShardHandle {
            name,
            backend,
            url: spec.url.clone(),
            writes,
            reads,
            health,
            generation,
            nodes,
            spec: Arc::new(Mutex::new(spec.clone())),
        })
    }

    /// Follows a changed config: new primary or replica URLs take effect for the next batch
    /// and the next read, without a restart. Returns whether anything changed.
    pub fn reconfigure(&self, spec: &NodeSpec) -> Result<bool> {
        let Some(nodes) = &self.nodes else {
            return Ok(false);
        };
        let mut current = self.spec.lock().unwrap_or_else(|p| p.into_inner());
        if current.url == spec.url && current.replicas == spec.replicas {
            return Ok(false);
        }
        if Backend::from_url(&spec.url)? != self.backend {
            return Err(Error::Config(format!(
                "the {} shard cannot change database engine while running; restart gudang",
                self.name.as_str()
            )));
        }
        let epoch = nodes.current().epoch + 1;
        let set = node_set(self.name, self.backend, spec, epoch)?;
        if let Ok(mut w) = nodes.set.write() {
            *w = Arc::new(set);
        }
        nodes.set_primary(|h| h.url = redact_url(&spec.url));
        if let Ok(mut l) = nodes.last_write.lock() {
            *l = None;
        }
        tracing::warn!(
            "{} shard: following the changed config (primary {})",
            self.name.as_str(),
            redact_url(&spec.url)
        );
        *current = spec.clone();
        Ok(true)
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
        let mut h = self.health.lock().map(|h| h.clone()).unwrap_or_default();
        if let Some(n) = &self.nodes {
            h.nodes = n.health();
            if n.primary_down_since().is_some() {
                h.reachable = false;
            }
        }
        h
    }

    /// Records that the primary could not be reached at start-up, so that the first write is
    /// refused at once rather than after the monitor's first look.
    pub fn mark_primary_down(&self, reason: &str) {
        if let Some(n) = &self.nodes {
            let now = crate::domain::ids::now_micros();
            n.set_primary(|h| {
                h.reachable = false;
                h.down_since.get_or_insert(now);
                h.last_error = Some(reason.to_string());
            });
        }
    }

    /// Whether the shard has replicas configured.
    pub fn has_replicas(&self) -> bool {
        self.nodes
            .as_ref()
            .is_some_and(|n| !n.current().replicas.is_empty())
    }

    /// The refusal for a write (or a primary read) while the primary is down, if it is.
    fn refusal(&self) -> Option<Error> {
        let nodes = self.nodes.as_ref()?;
        let since = nodes.primary_down_since()?;
        let h = nodes.primary_health();
        Some(Error::PrimaryDown {
            shard: self.name.as_str(),
            url: h.url,
            since,
            reason: h.last_error.unwrap_or_default(),
        })
    }

    /// Runs `f` inside the shard's next write batch. `Err` from `f` rolls back only `f`'s own
    /// work. The answer comes after the batch committed, so an `Ok` is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        if let Some(e) = self.refusal() {
            return Err(e);
        }
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
        if let Some(e) = self.refusal() {
            return Err(e);
        }
        self.writes.send(job).map_err(|_| self.gone())
    }

    /// Runs `f` on the primary's read pool, concurrently with writes and other reads: for what
    /// a decision rests on. See [`Self::browse`] for what may come from a replica.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(AnyPool) -> BoxFuture<'static, Result<T>> + Send + 'static,
    {
        self.read_on(Route::Primary, f).await
    }

    /// Runs a browsing read (lists, search, dashboard, history): on a replica whose data is
    /// young enough and has this process's own writes, else on the primary, else (primary
    /// down) on the freshest replica.
    pub async fn browse<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(AnyPool) -> BoxFuture<'static, Result<T>> + Send + 'static,
    {
        self.read_on(Route::Browse, f).await
    }

    /// Runs `f` on the pool `route` picks.
    pub async fn read_on<T, F>(&self, route: Route, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(AnyPool) -> BoxFuture<'static, Result<T>> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel::<Result<T>>();
        let job: ReadJob = (
            route,
            Box::new(move |pool| {
                Box::pin(async move {
                    let _ = reply.send(f(pool).await);
                })
            }),
        );
        self.reads.send(job).map_err(|_| self.gone())?;
        rx.await.map_err(|_| self.unreadable(route))?
    }

    /// The error for a read no node could take.
    fn unreadable(&self, route: Route) -> Error {
        match (&self.nodes, self.refusal()) {
            (Some(n), Some(down))
                if route != Route::Primary && !n.current().replicas.is_empty() =>
            {
                Error::Unavailable(format!(
                    "{down}; no replica of the {} shard answers either",
                    self.name.as_str()
                ))
            }
            (_, Some(down)) => down,
            _ => self.gone(),
        }
    }

    /// The error for a request the shard dropped: the primary is down, or the task failed.
    pub(crate) fn gone(&self) -> Error {
        if let Some(e) = self.refusal() {
            return e;
        }
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

/// A read pool on `opts` whose connections get the backend's session settings.
fn read_pool(backend: Backend, opts: &AnyConnectOptions, n: u32, acquire: Duration) -> AnyPool {
    AnyPoolOptions::new()
        .max_connections(n.max(1))
        .min_connections(0)
        .acquire_timeout(acquire)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for s in backend.session_setup() {
                    conn.execute(*s).await?;
                }
                Ok(())
            })
        })
        .connect_lazy_with(opts.clone())
}

fn parse_opts(shard: &str, url: &str) -> Result<AnyConnectOptions> {
    let opts: AnyConnectOptions = url
        .parse()
        .map_err(|e| Error::Config(format!("{shard} shard URL '{}': {e}", redact_url(url))))?;
    Ok(opts.disable_statement_logging())
}

/// The primary and replicas of `spec`, with their (lazy) pools.
fn node_set(name: ShardName, backend: Backend, spec: &NodeSpec, epoch: u64) -> Result<NodeSet> {
    let shard = name.as_str();
    let opts = parse_opts(shard, &spec.url)?;
    let pool = read_pool(
        backend,
        &opts,
        spec.read_connections,
        Duration::from_secs(10),
    );
    let mut replicas = Vec::new();
    for url in &spec.replicas {
        let opts = parse_opts(shard, url)?;
        replicas.push(Arc::new(Replica {
            url: url.clone(),
            pool: read_pool(
                backend,
                &opts,
                spec.read_connections,
                spec.timeout.max(Duration::from_secs(2)),
            ),
            opts,
            health: Mutex::new(NodeHealth {
                role: "replica",
                url: redact_url(url),
                ..Default::default()
            }),
        }));
    }
    Ok(NodeSet {
        primary: Primary {
            url: spec.url.clone(),
            opts,
            pool,
        },
        replicas,
        epoch,
    })
}

async fn dispatch_loop(
    mut rx: mpsc::UnboundedReceiver<ReadJob>,
    pool: AnyPool,
    nodes: Option<Arc<Nodes>>,
    down: watch::Receiver<bool>,
) {
    while let Some((route, job)) = rx.recv().await {
        let chosen = match &nodes {
            None => Some((pool.clone(), false)),
            Some(n) => n.pick(route),
        };
        // No node can serve it: dropping the job tells the caller (see `ShardHandle::gone`).
        let Some((p, on_replica)) = chosen else {
            continue;
        };
        let mut down = down.clone();
        let watched = nodes.is_some() && !on_replica;
        tokio::spawn(async move {
            if !watched {
                job(p).await;
                return;
            }
            // A read on a primary that stops answering (a host gone, no reset) is abandoned
            // once the monitor sees it down, rather than hanging until the system gives up.
            tokio::select! {
                _ = job(p) => {}
                _ = async {
                    // No monitor any more: nothing will say "down".
                    if down.wait_for(|d| *d).await.is_err() {
                        std::future::pending::<()>().await;
                    }
                } => {}
            }
        });
    }
    pool.close().await;
}

/// The writer's connection and what it needs to (re)open it.
struct Writer {
    conn: Option<AnyConnection>,
    /// The node set the connection was opened for.
    epoch: u64,
    /// SQLite's (fixed) options; server shards take the current primary's from `nodes`.
    fixed: AnyConnectOptions,
    nodes: Option<Arc<Nodes>>,
    /// True while the monitor sees the primary down.
    down: watch::Receiver<bool>,
}

impl Writer {
    /// The connection, opened if need be (within the shard's timeout, refusing a node that
    /// says it is a replica).
    async fn ready(&mut self, backend: Backend, shard: &'static str) -> Result<&mut AnyConnection> {
        if let Some(n) = &self.nodes {
            let set = n.current();
            if set.epoch != self.epoch {
                self.conn = None;
                self.epoch = set.epoch;
            }
            if self.conn.is_none() {
                let opened = tokio::time::timeout(n.timeout, async {
                    let mut c = connect(backend, &set.primary.opts).await?;
                    let replica: i64 = sqlx::query_scalar(backend.is_replica_probe())
                        .fetch_one(&mut c)
                        .await?;
                    Ok::<_, sqlx::Error>((c, replica))
                })
                .await;
                match opened {
                    Ok(Ok((_, r))) if r != 0 => {
                        return Err(Error::Unavailable(format!(
                            "the {shard} shard's primary at {} says it is a replica (read-only): gudang does not write to it; point {shard}_url at the primary",
                            redact_url(&set.primary.url)
                        )));
                    }
                    Ok(Ok((c, _))) => self.conn = Some(c),
                    Ok(Err(e)) => {
                        return Err(Error::Unavailable(format!(
                            "the {shard} shard's primary cannot be reached: {e}"
                        )));
                    }
                    Err(_) => {
                        return Err(Error::Unavailable(format!(
                            "the {shard} shard's primary cannot be reached: no answer within {} ms",
                            n.timeout.as_millis()
                        )));
                    }
                }
            }
        } else if self.conn.is_none() {
            self.conn = connect(backend, &self.fixed).await.ok();
        }
        self.conn.as_mut().ok_or_else(|| {
            Error::Unavailable(format!("the {shard} shard's primary cannot be reached"))
        })
    }
}

async fn writer_loop(
    backend: Backend,
    shard: &'static str,
    mut w: Writer,
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
        let replicated = w
            .nodes
            .as_ref()
            .is_some_and(|n| !n.current().replicas.is_empty());
        // The primary went down (and maybe came back) since the last batch: the connection
        // the writer holds died with it.
        if w.down.has_changed().unwrap_or(false) {
            w.down.borrow_and_update();
            w.conn = None;
        }
        let mut down = w.down.clone();
        let nodes_for_track = w.nodes.clone();
        let result = if *down.borrow() {
            // Refused at once: the callers hear that the primary is down.
            Err(Error::Unavailable(format!(
                "the {shard} shard's primary is down"
            )))
        } else {
            match w.ready(backend, shard).await {
                Ok(c) => {
                    // Where the batch's commit puts the primary, learnt before any caller hears
                    // back, so that their next read knows which replicas have it.
                    let track = nodes_for_track
                        .as_deref()
                        .filter(|_| replicated)
                        .zip(backend.write_position());
                    let run = run_batch(
                        backend,
                        shard,
                        c,
                        &mut batch,
                        &generation,
                        &mut commit_us,
                        track,
                    );
                    // A primary that stops answering mid-batch must not hold the writer (and
                    // every caller queued behind it) until the operating system gives up.
                    let went_down = async {
                        // No monitor (SQLite), or it has ended: nothing will say "down".
                        if down.wait_for(|d| *d).await.is_err() {
                            std::future::pending::<()>().await;
                        }
                    };
                    tokio::select! {
                        r = run => r,
                        _ = went_down => Err(Error::Unavailable(format!(
                            "the {shard} shard's primary stopped answering during the write"
                        ))),
                    }
                }
                Err(e) => Err(e),
            }
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
            w.conn = None;
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
    track: Option<(&Nodes, &'static str)>,
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
        if let Some((nodes, q)) = track
            && let Ok(Some(text)) = sqlx::query_scalar::<_, Option<String>>(q)
                .fetch_one(&mut *conn)
                .await
        {
            nodes.note_write(Position::parse(backend, &text));
        }
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
