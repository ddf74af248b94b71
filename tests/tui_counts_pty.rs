//! A stock count end to end on the real `gudang` binary in a pseudo-terminal: the data
//! directory prepared with the CLI, then the app started, a count started, scanned (a scanner's
//! burst), reviewed and posted with the never-scanned item counted as zero, the app quit with
//! `q`; the CLI then finds the count posted and the stock as counted.

#![cfg(unix)]

mod common;
mod tui_support;

use gudang::tui::action::Tab;
use tui_support::pty::{Pty, WAIT, gudang};

#[test]
fn a_count_end_to_end_in_a_real_terminal() {
    const EMAIL: &str = "admin@e2e.test";
    const PW: &str = "e2e password 123";
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    gudang(
        d,
        &[
            "init",
            "--admin-email",
            EMAIL,
            "--admin-name",
            "Admin",
            "--password-stdin",
        ],
        Some(&format!("{PW}\n")),
    );
    gudang(d, &["unit", "add", "PCS", "--name", "Pieces"], None);
    gudang(
        d,
        &["location", "add", "GDG", "--name", "Gudang Utama"],
        None,
    );
    for (sku, barcode) in [("E2E-1", "8990000000011"), ("E2E-2", "8990000000028")] {
        gudang(
            d,
            &[
                "product",
                "add",
                "--sku",
                sku,
                "--name",
                "Kardus",
                "--unit",
                "PCS",
                "--price",
                "3.50",
                "--barcode",
                barcode,
            ],
            None,
        );
    }
    gudang(
        d,
        &[
            "post", "receipt", "--to", "GDG", "--line", "E2E-1:5", "--line", "E2E-2:4",
        ],
        None,
    );

    let mut pty = Pty::spawn(d);
    pty.wait_for("Log in");
    pty.send(&format!("{EMAIL}\r{PW}\r"));
    pty.wait_for("Welcome, Admin.");
    pty.send(&Tab::Counts.number().to_string());
    pty.wait_for("No counts yet");
    // Start: GDG (nothing inside it), all categories.
    pty.send("n");
    pty.wait_for("Count stock at which location?");
    pty.send("\r");
    pty.wait_for("Count which products?");
    pty.send("\r");
    let screen = pty.wait_for(" started.");
    let number = screen
        .split_whitespace()
        .find(|w| w.starts_with("CNT-"))
        .map(|w| w.trim_end_matches('.').to_string())
        .expect("the count's number");
    // Scan it too (e): a scanner's burst, the SKU, the barcode, 2 more by N*CODE.
    pty.send("e");
    pty.wait_for("Found at");
    pty.send("E2E-1\r8990000000011\r2*E2E-1\r");
    pty.wait_for("scans 3 · units 4");
    // Esc alone (not read together with the next key as Alt+Enter), then the review.
    pty.send("\x1b");
    pty.wait_for("1 open of 1");
    pty.send("\r");
    pty.wait_for("Variance");
    // Ctrl-S: post; the never-scanned E2E-2 counts as zero this time.
    pty.send("\x13");
    pty.wait_for("never scanned: keep");
    pty.send("\x1b[B\r");
    pty.wait_for("Adjustments: ADJ-");
    pty.send("\x1b");
    pty.wait_for("0 open of 1");
    pty.send("q");
    let status = pty
        .exited
        .recv_timeout(WAIT)
        .expect("the app exits after q")
        .expect("wait for the app");
    assert_eq!(status.code(), Some(0), "the screen:\n{}", pty.screen());

    let out = gudang(d, &["count", "review", &number, "--json"], None);
    let review: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(review["count"]["status"], "posted", "{review}");
    let out = gudang(d, &["stock", "--json"], None);
    let stock: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let qty = |sku: &str| {
        stock
            .as_array()
            .and_then(|a| a.iter().find(|r| r["sku"] == sku))
            .map(|r| r["quantity"].clone())
    };
    assert_eq!(qty("E2E-1"), Some(serde_json::json!("4")), "{stock}");
    // Zeroed: a stock row at zero is not listed.
    assert!(
        qty("E2E-2").is_none_or(|q| q == serde_json::json!("0")),
        "{stock}"
    );
}
