//! One shard: tokio tasks that own the shard's connections and are the only code that talks to
//! its database. Callers hold a cheap [`ShardHandle`] and send it jobs.
//!
//! Writes go to a writer task that practises group commit (see [`super::writer`]): queued write
//! jobs share one database transaction, each in its own savepoint, and each caller is answered
//! only after the batch has committed durably. Reads run concurrently on a pool, so they never
//! wait behind writes.
//!
//! On a database server the shard also has a monitor (see [`super::monitor`]) and may have
//! replicas (see [`super::nodes`]): reads name a [`Route`], and while the primary is down every
//! write is refused at once with a message that says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{mpsc, oneshot, watch};

use super::dialect::{Backend, redact_url};
use super::nodes::{NodeHealth, NodeSet, Nodes, Primary, Replica, Route};
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
    pub(super) ok: bool,
    pub(super) finish: Box<dyn FnOnce(Result<()>) + Send>,
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

pub(super) const MAX_BATCH: usize = 512;

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
        tokio::spawn(super::writer::writer_loop(
            backend,
            shard,
            super::writer::Writer {
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
            // A read saves nothing: say what cannot be reached, not what to retry saving.
            (Some(n), Some(Error::PrimaryDown { url, reason, .. }))
                if route != Route::Primary && !n.current().replicas.is_empty() =>
            {
                Error::Unavailable(format!(
                    "the {} shard cannot be read: its primary ({url}) is down ({reason}) and no replica answers either; try again in a moment",
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

pub(super) async fn connect(
    backend: Backend,
    opts: &AnyConnectOptions,
) -> sqlx::Result<AnyConnection> {
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
