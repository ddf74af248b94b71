//! Group commit one level down: statements, not just commits, shared between callers.
//!
//! Callers hand in items of one kind (a posting to decide, a document to journal). The first
//! item finding no job on its way queues one write job; that job takes every item queued by
//! the time it runs and writes them together (multi-row statements, one trip to the database
//! for many items), and each caller hears its own result only after the batch committed, as
//! with any write. A job that fails as a whole is rolled back (its savepoint) and every caller
//! in it gets the error; item-level failures (a duplicate id, say) reach only their caller.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::AnyConnection;
use tokio::sync::oneshot;

use super::dialect::Backend;
use super::shard::{Completion, ShardHandle, WriteJob};
use crate::error::{Error, Result};

/// Writes every item of one job; one result per item, in order.
pub type RunMany<I, O> =
    for<'c> fn(&'c mut AnyConnection, Backend, Vec<I>) -> BoxFuture<'c, Result<Vec<Result<O>>>>;

type Waiting<I, O> = Vec<(I, oneshot::Sender<Result<O>>)>;

struct State<I, O> {
    queue: Waiting<I, O>,
    /// A job is queued that has not yet taken the queue.
    scheduled: bool,
}

/// One kind of coalesced write for one shard. Clones share the queue.
pub struct Coalescer<I, O> {
    state: Arc<Mutex<State<I, O>>>,
    run: RunMany<I, O>,
    /// How long the first item waits for company before its job is queued. Zero for writes
    /// someone waits on; background writes gather more items per commit this way.
    linger: Duration,
}

impl<I, O> Clone for Coalescer<I, O> {
    fn clone(&self) -> Self {
        Coalescer {
            state: self.state.clone(),
            run: self.run,
            linger: self.linger,
        }
    }
}

fn lock<I, O>(m: &Mutex<State<I, O>>) -> std::sync::MutexGuard<'_, State<I, O>> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Hands the queue to the job that runs; if the job is dropped unrun (its batch failed before
/// it), the waiting callers are released with an error and the next item schedules afresh.
struct Take<I, O>(Option<Arc<Mutex<State<I, O>>>>);

impl<I, O> Take<I, O> {
    fn take(mut self) -> Waiting<I, O> {
        match self.0.take() {
            Some(state) => {
                let mut st = lock(&state);
                st.scheduled = false;
                std::mem::take(&mut st.queue)
            }
            None => Vec::new(),
        }
    }
}

impl<I, O> Drop for Take<I, O> {
    fn drop(&mut self) {
        if let Some(state) = self.0.take() {
            let mut st = lock(&state);
            st.scheduled = false;
            st.queue.clear();
        }
    }
}

impl<I: Send + 'static, O: Send + 'static> Coalescer<I, O> {
    pub fn new(run: RunMany<I, O>) -> Self {
        Self::lingering(run, Duration::ZERO)
    }

    /// A coalescer whose jobs wait `linger` after their first item before they queue.
    pub fn lingering(run: RunMany<I, O>, linger: Duration) -> Self {
        Coalescer {
            state: Arc::new(Mutex::new(State {
                queue: Vec::new(),
                scheduled: false,
            })),
            run,
            linger,
        }
    }

    /// Writes `item` together with whatever else is queued; answers after the commit.
    pub async fn submit(&self, shard: &ShardHandle, item: I) -> Result<O> {
        let (tx, rx) = oneshot::channel();
        let schedule = {
            let mut st = lock(&self.state);
            st.queue.push((item, tx));
            !std::mem::replace(&mut st.scheduled, true)
        };
        if schedule {
            let take = Take(Some(self.state.clone()));
            let (run, b, name) = (self.run, shard.backend(), shard.name().as_str());
            let job: WriteJob = Box::new(move |c| {
                Box::pin(async move {
                    let (items, replies): (Vec<I>, Vec<_>) = take.take().into_iter().unzip();
                    let n = items.len();
                    let results = run(c, b, items).await;
                    let keep = results.is_ok();
                    Completion::new(keep, move |batch| {
                        let results = match (results, batch) {
                            (Ok(r), Ok(())) if r.len() == n => r,
                            (Ok(_), Ok(())) => (0..n)
                                .map(|_| {
                                    Err(Error::Unavailable(format!(
                                        "{name} shard: a batched write lost track of its items"
                                    )))
                                })
                                .collect(),
                            (Err(e), _) | (Ok(_), Err(e)) => {
                                let msg = e.to_string();
                                (0..n)
                                    .map(|_| Err(Error::Unavailable(msg.clone())))
                                    .collect()
                            }
                        };
                        for (r, reply) in results.into_iter().zip(replies) {
                            let _ = reply.send(r);
                        }
                    })
                })
            });
            // If the shard is gone the job is dropped here, which releases every waiter.
            if self.linger.is_zero() {
                let _ = shard.submit(job);
            } else {
                let (shard, linger) = (shard.clone(), self.linger);
                tokio::spawn(async move {
                    tokio::time::sleep(linger).await;
                    let _ = shard.submit(job);
                });
            }
        }
        rx.await.map_err(|_| shard.gone())?
    }
}
