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
