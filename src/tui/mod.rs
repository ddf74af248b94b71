//! The full-screen app. One loop ([`runtime::Runtime`]) owns all UI state and reads one channel
//! of [`event::Event`]s: keys and resizes from an input thread, a tick every second, and the
//! replies of service calls that run on tasks of their own. `update` (in [`app`]) turns an
//! event into state changes and requests; [`view`] draws the state when it changed. The loop
//! never awaits a database.
//!
//! Layout: `action` + `keymap` (keys as data), `app` + `shell` (state and `update`), `event`
//! (the messages), `panes/` (one file per screen), `widgets/` (forms, pickers, chrome),
//! `i18n` (English and Bahasa Indonesia), `theme` (colour or not), `terminal` (raw mode,
//! alternate screen, restore on any exit).

pub mod action;
pub mod app;
pub mod event;
pub mod i18n;
pub mod keymap;
pub mod panes;
pub mod runtime;
pub mod shell;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event as ct;
use tokio::sync::mpsc::UnboundedSender;

use crate::config::Config;
use crate::error::Result;
use crate::service::{Services, recovery};
use event::{Event, Tick};

/// The local wall clock, as the app shows it.
pub fn local_now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Opens the shards and runs the app on this terminal until the user quits.
pub async fn run(config: Config) -> Result<()> {
    let notes = crate::logging::start(&config)?;
    let services = Services::open(config).await?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "app started");
    let recovery = recovery::spawn_periodic(services.clone());
    let closing = recovery::spawn_closing(services.clone());
    let follower = crate::service::follow::spawn_config_follower(services.clone());
    let theme = theme::Theme::from_env(services.config.ui.color);
    let (term, guard) = terminal::enter()?;
    let mut rt = runtime::Runtime::new(term, services.clone(), theme, local_now());
    rt.start_warnings(&notes);
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input(rt.sender(), stop.clone());
    let ticker = spawn_ticker(rt.sender(), services.clone());
    let result = rt.run().await;
    // Postings are answered once decided; their journal entries follow a moment later. Should
    // the transaction shard hang, recovery journals them at the next start.
    let _ = tokio::time::timeout(Duration::from_secs(10), services.finish_journal()).await;
    stop.store(true, Ordering::SeqCst);
    ticker.abort();
    recovery.abort();
    closing.abort();
    if let Some(f) = follower {
        f.abort();
    }
    drop(rt);
    drop(guard);
    let _ = input.join();
    tracing::info!("app closed");
    result
}

/// Reads the terminal on a thread of its own (crossterm's reads block) and forwards keys and
/// resizes. Polls with a timeout so that it notices when the app has quit.
fn spawn_input(tx: UnboundedSender<Event>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match ct::poll(Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => {
                    tracing::error!("reading the terminal failed: {e}");
                    break;
                }
            }
            let ev = match ct::read() {
                Ok(ct::Event::Key(k)) => Event::Key(k),
                Ok(ct::Event::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!("reading the terminal failed: {e}");
                    break;
                }
            };
            if tx.send(ev).is_err() {
                break;
            }
        }
    })
}

/// The clock: a tick every second with the shards' health.
fn spawn_ticker(tx: UnboundedSender<Event>, services: Services) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if tx
                .send(Event::Tick(Tick::observe(&services, local_now())))
                .is_err()
            {
                break;
            }
        }
    })
}
