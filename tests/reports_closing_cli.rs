//! `gudang report close` through the real binary: with nothing to close it says so, and it may
//! be run again at any time (closing is idempotent).

mod cliutil;

use cliutil::{Gudang, post};

#[test]
fn report_close_runs_and_reruns() {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:5"]);
    let first = g.ok(&["report", "close"]);
    assert!(first.contains("no month to close yet"), "{first}");
    let again = g.ok(&["report", "close"]);
    assert_eq!(first, again);
    let help = g.ok(&["report", "close", "--help"]);
    assert!(help.contains("tutup buku"), "{help}");
}

/// `gudang recover` also closes the months that ended (the app does it in the background), so
/// that no report waits for it; a second run finds them closed and `check` verifies them.
#[test]
fn recover_closes_the_months_that_ended() {
    let g = Gudang::new();
    g.ok(&["demo", "--products", "20", "--days", "75"]);
    let first = g.ok(&["recover"]);
    assert!(first.contains("closed "), "{first}");
    let again = g.ok(&["recover"]);
    assert!(!again.contains("closed "), "{again}");
    let close = g.ok(&["report", "close"]);
    assert!(!close.contains("no month to close yet"), "{close}");
    g.ok(&["check"]);
}
