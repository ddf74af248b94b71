//! The real `gudang` binary in a pseudo-terminal, for end-to-end tests: `gudang(...)` runs a
//! CLI command (to prepare a data directory), [`Pty::spawn`] starts the app on a pty of 80x24,
//! `send` types keys and `wait_for` waits (bounded) until the screen, as a `vt100` emulator
//! shows it, contains a text. The same harness as `tests/tui_pty.rs`, for other test files.

#![allow(dead_code)]

use std::ffi::CStr;
use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);
const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(80).unwrap();

/// Runs `gudang --data-dir DIR ARGS` (stdin from `stdin`) and asserts it succeeded.
pub fn gudang(dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
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
pub struct Shared {
    pub parser: vt100::Parser,
    pub closed: bool,
}

pub struct Pty {
    pid: libc::pid_t,
    master: File,
    pub slave_name: String,
    pub shared: Arc<(Mutex<Shared>, Condvar)>,
    pub exited: mpsc::Receiver<std::io::Result<ExitStatus>>,
}

impl Pty {
    /// Starts `gudang --data-dir DIR` on a new pseudo-terminal of 80x24.
    pub fn spawn(dir: &Path) -> Pty {
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

    pub fn screen(&self) -> String {
        self.shared
            .0
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
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

    pub fn send(&mut self, keys: &str) {
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
