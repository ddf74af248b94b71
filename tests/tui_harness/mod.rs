//! Drives the real event loop on ratatui's TestBackend for whole-app tests: scripted keys
//! (one event per character, as a keyboard or a barcode scanner sends them), an injected
//! clock, waits on conditions with a timeout, and a screen text with what varies between runs
//! (clock times of stored records, the year in transaction numbers, latencies) redacted.

#![allow(dead_code)]

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::service::Services;
use gudang::tui::app::App;
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
        .expect("a valid date")
}

pub struct Ui {
    pub rt: Runtime<TestBackend>,
    secs: i64,
}

impl Ui {
    pub async fn new(services: Services) -> Ui {
        let term = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
        let mut ui = Ui {
            rt: Runtime::new(term, services, Theme::new(true, None), t0()),
            secs: 0,
        };
        ui.tick(0).await;
        ui
    }

    pub fn app(&self) -> &App {
        &self.rt.app
    }

    pub async fn settle(&mut self) {
        if let Err(e) = self.rt.settle(WAIT).await {
            panic!("{e}\n{}", self.rt.screen());
        }
    }

    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
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

    fn send_text(&self, s: &str) {
        for c in s.chars() {
            let ev = match c {
                '\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                c if c.is_ascii_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
                c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            };
            self.rt.send(Event::Key(ev));
        }
    }

    /// Types text (`\n` is Enter), then lets the app finish what it started. Every key is
    /// queued before the app handles any, as when a barcode scanner types faster than the
    /// loop turns.
    pub async fn typ(&mut self, s: &str) {
        self.send_text(s);
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

    pub async fn login(&mut self, email: &str, password: &str) {
        self.until("the login form", |a| a.login.mode == Mode::Login)
            .await;
        self.typ(email).await;
        self.enter().await;
        self.typ(password).await;
        self.enter().await;
        self.until("the dashboard", |a| {
            a.logged_in() && a.dashboard.data.is_some()
        })
        .await;
    }
}

/// Snapshots the screen at 80x24, then at 160x48 (the app adapts to the resize), and returns
/// to 80x24.
#[macro_export]
macro_rules! snap {
    ($ui:expr, $name:expr) => {{
        insta::assert_snapshot!(format!("{}_80x24", $name), $ui.screen());
        $ui.resize(160, 48).await;
        insta::assert_snapshot!(format!("{}_160x48", $name), $ui.screen());
        $ui.resize(80, 24).await;
    }};
}

/// Whether `b` matches `pat`, where `9` stands for any digit and every other byte for itself.
fn shape(b: &[u8], pat: &[u8]) -> bool {
    b.len() >= pat.len()
        && pat.iter().zip(b).all(|(p, c)| {
            if *p == b'9' {
                c.is_ascii_digit()
            } else {
                p == c
            }
        })
}

/// Hides what differs between runs: local date-times of stored records, the current year in
/// transaction numbers, and latencies ("12.3 ms"), keeping every width.
pub fn redact(s: &str) -> String {
    let year = chrono::Local::now().format("%Y").to_string();
    let s = s.replace(&format!("-{year}-"), "-YYYY-");
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut l = line.as_bytes().to_vec();
        let mut i = 0;
        while i < l.len() {
            if shape(&l[i..], b"9999-99-99 99:99") {
                l.splice(i..i + 16, b"YYYY-MM-DD hh:mm".iter().copied());
                i += 16;
            } else {
                i += 1;
            }
        }
        let mut l = String::from_utf8(l).unwrap_or_default();
        while let Some(i) = l.find(" ms") {
            let start = l[..i]
                .rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ' '))
                .map_or(0, |j| j + 1);
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

#[test]
fn redaction_keeps_widths() {
    assert_eq!(redact("a 2026-03-02 09:31 b\n"), "a YYYY-MM-DD hh:mm b\n");
    assert_eq!(redact("M  12.5 ms\n"), "M     # ms\n");
}
