//! End to end: the real `gudang` binary in a pseudo-terminal, driven by keystrokes as a clerk
//! types them. The data directory is prepared with the CLI (`init --password-stdin`, a unit,
//! a location, a product); the test logs in, posts a receipt by "scanning" its SKU, quits with
//! `q`, checks the exit code and that the terminal was given back (main screen, cursor shown,
//! cooked mode), then finds the posting with `gudang txn list --json`.
//!
//! The pty is opened with `openpty` (libc, already a dependency); what the app draws is fed to
//! a `vt100` parser so the test waits on what a user would see, each wait bounded by a timeout.

#![cfg(unix)]

mod common;
mod tui_support;

use std::os::fd::AsRawFd;
use std::time::Instant;

use tui_support::pty::{Pty, WAIT, gudang};

const EMAIL: &str = "admin@e2e.test";
const PASSWORD: &str = "e2e password 123";

#[test]
fn log_in_scan_a_receipt_and_quit_cleanly_in_a_real_terminal() {
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
        Some(&format!("{PASSWORD}\n")),
    );
    gudang(d, &["unit", "add", "PCS", "--name", "Pieces"], None);
    gudang(
        d,
        &["location", "add", "GDG", "--name", "Gudang Utama"],
        None,
    );
    gudang(
        d,
        &[
            "product",
            "add",
            "--sku",
            "E2E-1",
            "--name",
            "Kardus",
            "--unit",
            "PCS",
            "--price",
            "3.50",
            "--barcode",
            "8990000000011",
        ],
        None,
    );

    let mut pty = Pty::spawn(d);
    pty.wait_for("Log in");
    pty.send(&format!("{EMAIL}\r{PASSWORD}\r"));
    pty.wait_for("Welcome, Admin.");
    pty.send("4");
    pty.wait_for("No transactions match.");
    pty.send("n");
    pty.wait_for("which kind?");
    pty.send("rec\r");
    pty.wait_for("Receive into which location?");
    pty.send("\r");
    pty.wait_for("New receipt · → GDG");
    // A scanner: the SKU, the barcode and the SKU again, Enter after each, in one burst.
    pty.send("E2E-1\r8990000000011\rE2E-1\r");
    pty.wait_for("quantity 3 · value 10.50");
    pty.send("\r");
    pty.wait_for("Confirm: New receipt");
    pty.send("\r");
    let screen = pty.wait_for("Posted RCV-");
    let number = screen
        .split_whitespace()
        .find(|w| w.starts_with("RCV-"))
        .map(|w| w.trim_end_matches('.').to_string())
        .expect("the posted number");
    // Esc alone (so that it is not read together with the next key as Alt+q), back to the
    // list, then q.
    pty.send("\x1b");
    pty.wait_for(&format!("{number} receipt"));
    pty.send("q");
    let status = pty
        .exited
        .recv_timeout(WAIT)
        .expect("the app exits after q")
        .expect("wait for the app");
    assert_eq!(
        status.code(),
        Some(0),
        "exit code; the screen:\n{}",
        pty.screen()
    );
    {
        let (lock, cv) = &*pty.shared;
        let deadline = Instant::now() + WAIT;
        let mut s = lock.lock().expect("screen lock");
        while !s.closed {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "the pty never closed");
            s = cv.wait_timeout(s, left).expect("screen lock").0;
        }
        assert!(
            !s.parser.screen().alternate_screen(),
            "left the alternate screen"
        );
        assert!(
            !s.parser.screen().hide_cursor(),
            "the cursor is shown again"
        );
    }
    // Raw mode is undone: the terminal echoes and reads lines again.
    use std::os::unix::fs::OpenOptionsExt;
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&pty.slave_name)
        .expect("reopen the pty");
    // SAFETY: termios is plain data; tcgetattr fills it for an open terminal descriptor.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(slave.as_raw_fd(), &mut t) }, 0);
    assert_ne!(t.c_lflag & libc::ICANON, 0, "canonical mode restored");
    assert_ne!(t.c_lflag & libc::ECHO, 0, "echo restored");

    let out = gudang(d, &["txn", "list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let posted = list
        .as_array()
        .and_then(|a| a.iter().find(|h| h["number"] == number.as_str()))
        .unwrap_or_else(|| panic!("{number} not in {list}"));
    assert_eq!(posted["status"], "posted");
    assert_eq!(posted["kind"], "receipt");
    assert_eq!(posted["total_qty"], 3000);
    assert_eq!(posted["total_value"], 1050);
}
