//! Journal writes still under way in this process. A clerk is answered once the decision is
//! durable on the location shard; the document reaches the transaction shard a moment later.
//! Reads of the transaction shard wait here first ([`Settle::settled`]), so anything this
//! process said was posted is also listed, shown and counted (read-your-writes), and the CLI
//! waits before it exits.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

#[derive(Default)]
struct State {
    next: u64,
    open: BTreeSet<u64>,
}

/// Clones share the same count.
#[derive(Clone, Default)]
pub struct Settle {
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
}

/// One journal write under way; dropping it marks it finished (written, or left to recovery).
pub struct Ticket {
    n: u64,
    settle: Settle,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Ok(mut st) = self.settle.state.lock() {
            st.open.remove(&self.n);
        }
        self.settle.changed.notify_waiters();
    }
}

impl Settle {
    pub fn begin(&self) -> Ticket {
        let n = match self.state.lock() {
            Ok(mut st) => {
                let n = st.next;
                st.next += 1;
                st.open.insert(n);
                n
            }
            Err(_) => u64::MAX,
        };
        Ticket {
            n,
            settle: self.clone(),
        }
    }

    /// Waits until every journal write begun before this call has finished. Writes begun later
    /// do not hold it up, so a steady stream of postings never starves a reader.
    pub fn settled(&self) -> impl Future<Output = ()> + Send + 'static {
        let target = self.state.lock().map(|st| st.next).unwrap_or(0);
        let me = self.clone();
        async move {
            loop {
                let changed = me.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                let done = match me.state.lock() {
                    Ok(st) => st.open.first().is_none_or(|n| *n >= target),
                    Err(_) => true,
                };
                if done {
                    return;
                }
                changed.await;
            }
        }
    }

    /// Journal writes under way.
    pub fn open(&self) -> usize {
        self.state.lock().map(|st| st.open.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn waits_for_earlier_writes_only() {
        let s = Settle::default();
        let first = s.begin();
        let waiter = tokio::spawn(s.settled());
        let later = s.begin();
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("settled() returns once the earlier write is done")
            .unwrap();
        assert_eq!(s.open(), 1);
        drop(later);
        assert_eq!(s.open(), 0);
        tokio::time::timeout(Duration::from_secs(5), s.settled())
            .await
            .expect("nothing open");
    }
}
