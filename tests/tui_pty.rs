//! End to end: the real `gudang` binary in a pseudo-terminal, driven by keystrokes as a clerk
//! types them. The data directory is prepared with the CLI (`init --password-stdin`, a unit,
//! a location, a product); the test logs in, posts a receipt by "scanning" its SKU, quits with
//! `q`, checks the exit code and that the terminal was given back (main screen, cursor shown,
//! cooked mode), then finds the posting with `gudang txn list --json`.
//!
//! The pty is opened with `openpty` (libc, already a dependency); what the app draws is fed to
//! a `vt100` parser so the test waits on what a user would see, each wait bounded by a timeout.

#![cfg(unix)]

use std::ffi::CStr;
use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
const EMAIL: &str = "admin@e2e.test";
const PASSWORD: &str = "e2e password 123";
const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(80).unwrap();

fn gudang(dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gudang"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gudang");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("gudang output");
    assert!(
        out.status.success(),
        "gudang {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What the reader thread shares: the emulated screen, and whether the pty closed.
struct Shared {
    parser: vt100::Parser,
    closed: bool,
}

struct Pty {
    pid: libc::pid_t,
    master: File,
    slave_name: String,
    shared: Arc<(Mutex<Shared>, Condvar)>,
    exited: mpsc::Receiver<std::io::Result<ExitStatus>>,
}

impl Pty {
    /// Starts `gudang --data-dir DIR` on a new pseudo-terminal of 80x24.
    fn spawn(dir: &Path) -> Pty {
        let (mut m, mut s) = (-1, -1);
        let mut name = [0 as libc::c_char; 128];
        let size = libc::winsize {
            ws_row: ROWS.get(),
            ws_col: COLS.get(),
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors and the slave's name (within 128 bytes).
        let rc =
            unsafe { libc::openpty(&mut m, &mut s, name.as_mut_ptr(), std::ptr::null(), &size) };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: both descriptors were just opened and are owned here alone.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
        // SAFETY: openpty wrote a NUL-terminated name.
        let slave_name = unsafe { CStr::from_ptr(name.as_ptr()) }
            .to_string_lossy()
            .into_owned();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gudang"));
        cmd.arg("--data-dir")
            .arg(dir)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR");
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup")));
        cmd.stdout(Stdio::from(slave.try_clone().expect("dup")));
        cmd.stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
        // controlling terminal is the pty, as a terminal emulator starts a shell.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn gudang on the pty");
        let pid = libc::pid_t::try_from(child.id()).expect("a pid");
        drop(cmd); // closes the parent's copies of the slave
        let master = File::from(master);
        let shared = Arc::new((
            Mutex::new(Shared {
                parser: vt100::Parser::new(ROWS, COLS, 0),
                closed: false,
            }),
            Condvar::new(),
        ));
        let (reader, state, mut answer) = (
            master.try_clone().expect("dup"),
            shared.clone(),
            master.try_clone().expect("dup"),
        );
        std::thread::spawn(move || read_screen(reader, state, &mut answer));
        let (tx, exited) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        Pty {
            pid,
            master,
            slave_name,
            shared,
            exited,
        }
    }

    fn screen(&self) -> String {
        self.shared
            .0
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let (lock, cv) = &*self.shared;
        let mut s = lock.lock().expect("screen lock");
        loop {
            let contents = s.parser.screen().contents();
            if contents.contains(text) {
                return contents;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !s.closed,
                "timed out waiting for {text:?}; the screen:\n{contents}"
            );
            s = cv.wait_timeout(s, left).expect("screen lock").0;
        }
    }

    fn send(&mut self, keys: &str) {
        self.master
            .write_all(keys.as_bytes())
            .expect("write to the pty");
        self.master.flush().expect("flush the pty");
    }
}

impl Drop for Pty {
    /// A failed test must not leave the app running: end it (it is our own child).
    fn drop(&mut self) {
        if matches!(self.exited.try_recv(), Err(mpsc::TryRecvError::Empty)) {
            // SAFETY: signals our own child process, started by this test.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
    }
}

/// Feeds what the app writes to the emulator and wakes the waiters. Answers a cursor
/// position query, as a terminal would, in case the app asks.
fn read_screen(mut from: File, shared: Arc<(Mutex<Shared>, Condvar)>, answer: &mut File) {
    let mut buf = [0u8; 8192];
    loop {
        let n = from.read(&mut buf).unwrap_or(0);
        let (lock, cv) = &*shared;
        let Ok(mut s) = lock.lock() else { return };
        if n == 0 {
            // EIO: every copy of the slave is closed, the app has exited.
            s.closed = true;
            cv.notify_all();
            return;
        }
        if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
            let (row, col) = s.parser.screen().cursor_position();
            let _ = write!(answer, "\x1b[{};{}R", row + 1, col + 1);
        }
        s.parser.process(&buf[..n]);
        cv.notify_all();
    }
}

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
