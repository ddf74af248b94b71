//! The event loop. One channel carries every [`Event`]; each is applied with [`update`], the
//! requests it returns are spawned as tasks that call the services and post their replies back
//! on the same channel, and a frame is drawn only when the state changed. Nothing here awaits a
//! database: the loop awaits only its channel (and a spinner timer while work is pending).
//! Tests drive this same loop on ratatui's `TestBackend`.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use futures::FutureExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::app::{App, update};
use super::event::{Event, PaneId, Reply, Request};
use super::i18n::Msg;
use super::shell::Toast;
use super::theme::Theme;
use super::view;
use crate::error::{Error, Result};
use crate::service::Services;

/// Events handled before a frame is drawn, so a burst (a barcode scanner typing) costs one frame.
const MAX_BATCH: usize = 256;
const SPIN_EVERY: Duration = Duration::from_millis(100);

pub struct Runtime<B: Backend> {
    pub app: App,
    pub terminal: Terminal<B>,
    services: Services,
    tx: mpsc::UnboundedSender<Event>,
    rx: mpsc::UnboundedReceiver<Event>,
    tasks: HashMap<(PaneId, &'static str), AbortHandle>,
    spin: tokio::time::Interval,
    /// How long the last frame took to draw, and how many were drawn.
    pub last_draw: Duration,
    pub frames: u64,
}

fn draw_error(e: impl std::fmt::Display) -> Error {
    Error::Io(std::io::Error::other(format!(
        "drawing the screen failed: {e}"
    )))
}

impl<B: Backend> Runtime<B> {
    /// A loop on `terminal` whose clock starts at `now`; it has already asked its first question.
    pub fn new(
        terminal: Terminal<B>,
        services: Services,
        theme: Theme,
        now: NaiveDateTime,
    ) -> Runtime<B> {
        let (tx, rx) = mpsc::unbounded_channel();
        let app = App::new(&services.config.ui, theme, now);
        let mut spin = tokio::time::interval(SPIN_EVERY);
        spin.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut rt = Runtime {
            app,
            terminal,
            services,
            tx,
            rx,
            tasks: HashMap::new(),
            spin,
            last_draw: Duration::ZERO,
            frames: 0,
        };
        let first = rt.app.start();
        rt.execute(first);
        rt
    }

    /// Shows what start-up had to warn about (see `logging::start`) on the message line until
    /// the next message: how many there are, and the first.
    pub fn start_warnings(&mut self, notes: &[String]) {
        let Some(first) = notes.first() else {
            return;
        };
        let shell = &mut self.app.shell;
        let first = shell.say(first);
        let text = match notes.len() {
            1 => first,
            n => shell.tf(Msg::StartWarningsMore, &[&n.to_string(), &first]),
        };
        shell.toast = Some(Toast {
            text,
            error: true,
            until: None,
        });
        self.app.dirty = true;
    }

    /// Where keys, ticks and replies are sent.
    pub fn sender(&self) -> mpsc::UnboundedSender<Event> {
        self.tx.clone()
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Applies one event and starts the calls it asks for.
    pub fn handle(&mut self, ev: Event) {
        let reqs = update(&mut self.app, ev);
        self.execute(reqs);
    }

    fn execute(&mut self, reqs: Vec<Request>) {
        if reqs.is_empty() {
            return;
        }
        self.tasks.retain(|_, h| !h.is_finished());
        for r in reqs {
            let key = (r.call.pane(), r.slot);
            // The superseded call's reply would be dropped anyway; stop waiting for it.
            if let Some(old) = self.tasks.remove(&key) {
                old.abort();
            }
            let (tx, s, id) = (self.tx.clone(), self.services.clone(), r.id);
            tracing::debug!(id, slot = r.slot, call = ?r.call, "request");
            let task = tokio::spawn(async move {
                let reply = match AssertUnwindSafe(r.call.run(s, r.actor))
                    .catch_unwind()
                    .await
                {
                    Ok(reply) => reply,
                    Err(p) => {
                        let msg = p
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| p.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        tracing::error!(id, "request task panicked: {msg}");
                        Reply::Failed(format!("internal error ({msg})"))
                    }
                };
                let _ = tx.send(Event::Reply(id, reply));
            });
            self.tasks.insert(key, task.abort_handle());
        }
    }

    pub fn draw(&mut self) -> Result<()> {
        if self.app.clear {
            self.terminal.clear().map_err(draw_error)?;
            self.app.clear = false;
        }
        let started = Instant::now();
        let app = &self.app;
        self.terminal
            .draw(|f| view::draw(f, app))
            .map_err(draw_error)?;
        self.last_draw = started.elapsed();
        self.frames += 1;
        self.app.dirty = false;
        Ok(())
    }

    /// Waits for the next event, applies it and whatever else is already queued, then draws
    /// if anything changed. `false` once the user has quit.
    pub async fn step(&mut self) -> Result<bool> {
        let pending = self.app.shell.pending() > 0;
        tokio::select! {
            ev = self.rx.recv() => {
                let Some(ev) = ev else { return Ok(false) };
                self.handle(ev);
                for _ in 0..MAX_BATCH {
                    match self.rx.try_recv() {
                        Ok(ev) => self.handle(ev),
                        Err(_) => break,
                    }
                }
            }
            _ = self.spin.tick(), if pending => {
                self.app.spin = self.app.spin.wrapping_add(1);
                self.app.dirty = true;
            }
        }
        if self.app.dirty {
            self.draw()?;
        }
        Ok(!self.app.quit)
    }

    /// Runs until the user quits.
    pub async fn run(&mut self) -> Result<()> {
        self.draw()?;
        while self.step().await? {}
        Ok(())
    }

    /// Steps the loop until `done` holds, or fails after `timeout` (tests and benchmarks).
    pub async fn run_until(
        &mut self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&App) -> bool,
    ) -> std::result::Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        while !done(&self.app) {
            match tokio::time::timeout_at(deadline, self.step()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err(format!("timed out after {timeout:?} waiting for {what}")),
            }
        }
        Ok(())
    }

    /// Sends an event through the channel, as the input task would.
    pub fn send(&self, ev: Event) {
        let _ = self.tx.send(ev);
    }

    /// Steps until every queued event is handled and no reply is awaited.
    pub async fn settle(&mut self, timeout: Duration) -> std::result::Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.app.dirty {
                self.draw().map_err(|e| e.to_string())?;
            }
            if self.app.shell.pending() == 0 && self.rx.is_empty() {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, self.step()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => {
                    return Err(format!(
                        "timed out after {timeout:?} waiting for the app to settle"
                    ));
                }
            }
        }
    }
}

impl Runtime<TestBackend> {
    /// The screen as text, one line per row, trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let buf = self.terminal.backend().buffer();
        let w = buf.area.width as usize;
        let mut out = String::new();
        for row in buf.content.chunks(w) {
            let line: String = row.iter().map(|c| c.symbol()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
