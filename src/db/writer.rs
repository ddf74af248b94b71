//! A shard's writer task: group commit. It drains every queued write job into one database
//! transaction, gives each job its own savepoint (so one rejected job does not sink its
//! neighbours) and answers each caller only after the batch has committed durably. On a server
//! it opens its connection lazily (refusing a node that says it is a replica), refuses batches
//! at once while the monitor sees the primary down, abandons a batch the primary stops
//! answering in the middle of, and learns the batch's replication position before its callers
//! hear back (read-your-writes, see [`super::nodes`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Executor};
use tokio::sync::{mpsc, watch};

use super::dialect::{Backend, redact_url};
use super::nodes::{Nodes, Position};
use super::shard::{Completion, Health, MAX_BATCH, WriteJob, connect};
use crate::error::{Error, Result};

/// The writer's connection and what it needs to (re)open it.
pub(super) struct Writer {
    pub(super) conn: Option<AnyConnection>,
    /// The node set the connection was opened for.
    pub(super) epoch: u64,
    /// SQLite's (fixed) options; server shards take the current primary's from `nodes`.
    pub(super) fixed: AnyConnectOptions,
    pub(super) nodes: Option<Arc<Nodes>>,
    /// True while the monitor sees the primary down.
    pub(super) down: watch::Receiver<bool>,
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

pub(super) async fn writer_loop(
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
