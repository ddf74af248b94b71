//! Named failpoints for crash tests. `GUDANG_FAILPOINT=name` (or `name@N`, the N-th time it is
//! reached) makes the process kill itself with SIGKILL at that point, exactly as a power cut or
//! `kill -9` would stop it. Unset, a failpoint costs one relaxed atomic load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

struct Armed {
    name: String,
    at_hit: u64,
    hits: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("GUDANG_FAILPOINT").ok()?;
            let (name, at) = match spec.split_once('@') {
                Some((n, k)) => (n.to_string(), k.parse().unwrap_or(1)),
                None => (spec, 1),
            };
            Some(Armed {
                name,
                at_hit: at.max(1),
                hits: AtomicU64::new(0),
            })
        })
        .as_ref()
}

/// Kills the process here if this failpoint is armed and due.
pub fn hit(name: &str) {
    if let Some(a) = armed()
        && a.name == name
        && a.hits.fetch_add(1, Ordering::Relaxed) + 1 == a.at_hit
    {
        eprintln!("failpoint {name}: killing process");
        // SAFETY: kill(2) on our own pid has no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
