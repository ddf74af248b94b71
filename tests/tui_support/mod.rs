//! The harness of the whole-app tests: the real event loop on ratatui's TestBackend, driven by
//! scripted keys, on real temp SQLite shards. The clock is injected (every tick says
//! 2026-03-02 09:30 + n s), and what still varies between runs (shard latencies, the year in
//! transaction numbers) is redacted before the insta snapshots.

#![allow(dead_code)]

/// The real binary on a pseudo-terminal (end-to-end tests).
#[cfg(unix)]
pub mod pty;

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::service::Services;
use gudang::tui::event::{Event, Tick};
use gudang::tui::panes::login::Mode;
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const WAIT: Duration = Duration::from_secs(30);

pub fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

pub struct Ui {
    pub rt: Runtime<TestBackend>,
    pub secs: i64,
}

impl Ui {
    pub async fn new(services: Services) -> Ui {
        let term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut ui = Ui {
            rt: Runtime::new(term, services, Theme::new(true, None), t0()),
            secs: 0,
        };
        ui.tick(0).await;
        ui
    }

    pub async fn settle(&mut self) {
        if let Err(e) = self.rt.settle(WAIT).await {
            panic!("{e}\n{}", self.rt.screen());
        }
    }

    pub async fn until(&mut self, what: &str, done: impl Fn(&gudang::tui::app::App) -> bool) {
        if let Err(e) = self.rt.run_until(what, WAIT, done).await {
            panic!("{e}\n{}", self.rt.screen());
        }
        self.settle().await;
    }

    /// The clock moves `secs` forward and the shards' health is observed.
    pub async fn tick(&mut self, secs: i64) {
        self.secs += secs;
        let now = t0() + chrono::Duration::seconds(self.secs);
        self.rt
            .send(Event::Tick(Tick::observe(self.rt.services(), now)));
        self.settle().await;
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE).await;
    }

    pub async fn key_mod(&mut self, code: KeyCode, m: KeyModifiers) {
        self.rt.send(Event::Key(KeyEvent::new(code, m)));
        self.settle().await;
    }

    /// Types text as a user (or a scanner) would: one key event per character, `\n` as Enter.
    /// Every key is queued before the app handles any, as when a barcode scanner types
    /// faster than the loop turns.
    pub async fn typ(&mut self, s: &str) {
        for c in s.chars() {
            let key = match c {
                '\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                c if c.is_ascii_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
                c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            };
            self.rt.send(Event::Key(key));
        }
        self.settle().await;
    }

    pub async fn enter(&mut self) {
        self.key(KeyCode::Enter).await;
    }

    pub fn screen(&self) -> String {
        redact(&self.rt.screen())
    }

    pub async fn resize(&mut self, w: u16, h: u16) {
        self.rt.terminal.backend_mut().resize(w, h);
        self.rt.send(Event::Resize(w, h));
        self.settle().await;
    }

    /// Snapshots the screen at 80x24, then at 160x48 (the app adapts to the resize), and
    /// returns to 80x24.
    pub async fn snap(&mut self, name: &str) {
        let small = self.screen();
        self.resize(160, 48).await;
        let wide = self.screen();
        self.resize(80, 24).await;
        // One folder and plain names for every test file that uses this harness.
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{name}_80x24"), small);
            insta::assert_snapshot!(format!("{name}_160x48"), wide);
        });
    }

    pub async fn login(&mut self, email: &str, password: &str) {
        self.until("the login form", |a| a.login.mode == Mode::Login)
            .await;
        self.typ(email).await;
        self.enter().await;
        self.typ(password).await;
        self.enter().await;
    }
}

/// Whether `b` starts with the shape `pat`, where `9` stands for any digit.
fn shaped(b: &[u8], pat: &[u8]) -> bool {
    b.len() >= pat.len()
        && pat.iter().zip(b).all(|(p, c)| {
            if *p == b'9' {
                c.is_ascii_digit()
            } else {
                p == c
            }
        })
}

/// Local date-times of stored records ("2026-03-02 09:31") become "YYYY-MM-DD hh:mm".
fn redact_times(line: &str) -> String {
    let mut b = line.as_bytes().to_vec();
    let mut i = 0;
    while i < b.len() {
        if shaped(&b[i..], b"9999-99-99 99:99") {
            b.splice(i..i + 16, b"YYYY-MM-DD hh:mm".iter().copied());
            i += 16;
        } else {
            i += 1;
        }
    }
    String::from_utf8(b).unwrap_or_else(|_| line.to_string())
}

/// Hides what differs between runs: write latencies ("12.3 ms"), the current year in
/// transaction numbers, and the times of stored records.
pub fn redact(s: &str) -> String {
    let year = chrono::Local::now().format("%Y").to_string();
    let s = s.replace(&format!("-{year}-"), "-YYYY-");
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut l = redact_times(line);
        while let Some(i) = l.find(" ms") {
            // The app right-aligns latencies in a fixed width: keep the width, hide the digits.
            let start = l[..i]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ' '))
                .map_or(0, |(j, c)| j + c.len_utf8());
            if start == i {
                break;
            }
            let width = i - start;
            l = format!(
                "{}{:>width$}{}",
                &l[..start],
                "#",
                &l[i..].replacen(" ms", " µs", 1)
            );
        }
        out.push_str(&l.replace(" µs", " ms"));
        out.push('\n');
    }
    out
}

pub async fn fresh_services(dir: &std::path::Path) -> Services {
    Services::open(crate::common::sqlite_config(dir))
        .await
        .unwrap()
}

pub const ADMIN: &str = "admin@example.test";
pub const PASSWORD: &str = "correct horse battery";

impl Ui {
    pub async fn snap_login_form(&mut self) {
        self.until("the login form", |a| a.login.mode == Mode::Login)
            .await;
        self.snap("login").await;
    }
}

pub async fn hold_master_reads(s: &Services, release: std::sync::Arc<tokio::sync::Notify>) {
    let n = s.config.database.read_connections as usize;
    let (held_tx, mut held_rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..n {
        let (release, held) = (release.clone(), held_tx.clone());
        let s = s.clone();
        tokio::spawn(async move {
            let _ = s
                .shards
                .master
                .read(move |p| {
                    Box::pin(async move {
                        let conn = p.acquire().await;
                        // Registered before saying "held", so the release cannot be missed.
                        let notified = release.notified();
                        tokio::pin!(notified);
                        notified.as_mut().enable();
                        let _ = held.send(());
                        notified.await;
                        drop(conn);
                        Ok(())
                    })
                })
                .await;
        });
    }
    for _ in 0..n {
        held_rx.recv().await.unwrap();
    }
}
