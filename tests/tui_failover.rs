//! Whole-app screens of a shard whose primary is down: the banner above the status bar and the
//! dashboard's Shards box, from ticks that say what a shard's monitor would have seen (the
//! shards themselves are temp SQLite files, which have no nodes). Snapshotted at 80x24 and at
//! 160x48.

mod common;
mod tui_support;

use chrono::{Duration, NaiveDateTime, TimeZone};
use gudang::tui::event::{Event, NodeMark, PrimaryDown, ShardMark, Tick};
use gudang::tui::widgets::banner_text;
use tui_support::*;

/// A local wall time as the monitor records moments: microseconds, UTC.
fn micros(t: NaiveDateTime) -> i64 {
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp_micros())
        .unwrap()
}

/// A node that answers: a primary (read-write) or a replica (read-only, `lag_ms` behind).
fn node(primary: bool, latency_us: u64, lag_ms: Option<i64>) -> NodeMark {
    NodeMark {
        primary,
        url: "mysql://g:***@127.0.0.1:33306/x".into(),
        reachable: true,
        read_only: Some(!primary),
        latency_us: Some(latency_us),
        lag_ms,
        down_since: None,
        error: None,
    }
}

fn healthy() -> ShardMark {
    ShardMark {
        known: true,
        reachable: true,
        down: None,
        nodes: vec![node(true, 412, None), node(false, 655, Some(300))],
    }
}

/// The master's primary has not answered since `since`; its replica's data is 37 s old.
fn master_down(since: NaiveDateTime) -> [ShardMark; 3] {
    let since = micros(since);
    let primary = NodeMark {
        reachable: false,
        read_only: None,
        latency_us: None,
        down_since: Some(since),
        error: Some("Connection refused (os error 111)".into()),
        ..node(true, 0, None)
    };
    let master = ShardMark {
        known: true,
        reachable: false,
        down: Some(PrimaryDown {
            since,
            replica_answers: true,
            data_age_ms: Some(37_000),
        }),
        nodes: vec![primary, node(false, 655, Some(37_000))],
    };
    [master, healthy(), healthy()]
}

impl Ui {
    async fn tick_with(&mut self, secs: i64, shards: [ShardMark; 3]) {
        self.secs += secs;
        let now = t0() + Duration::seconds(self.secs);
        self.rt.send(Event::Tick(Tick { now, shards }));
        self.settle().await;
    }
}

#[tokio::test]
async fn a_down_primary_shows_a_banner_until_it_answers_again() {
    let env = common::sqlite_env().await;
    common::seed(&env, 3).await;
    let mut ui = Ui::new(env.services.clone()).await;
    ui.login(ADMIN, PASSWORD).await;
    ui.until("the dashboard", |a| a.dashboard.data.is_some())
        .await;

    let since = t0() + Duration::seconds(ui.secs + 1 - 37);
    ui.tick_with(1, master_down(since)).await;
    assert_eq!(
        banner_text(&ui.rt.app.shell).as_deref(),
        Some("✗ master primary down since 09:29:24 · data 37 s old · writes to it refused")
    );
    let screen = ui.screen();
    let bottom: Vec<&str> = screen.lines().rev().take(2).collect();
    assert!(
        bottom[1].starts_with(" ✗ master primary down since 09:29:24 · data 37 s old"),
        "{screen}"
    );
    assert!(bottom[0].contains("M✗ L● T●"), "{screen}");
    ui.snap("dashboard_primary_down").await;

    ui.tick_with(1, [healthy(), healthy(), healthy()]).await;
    assert_eq!(banner_text(&ui.rt.app.shell), None);
    assert!(!ui.screen().contains("primary down"), "{}", ui.screen());
    ui.snap("dashboard_primary_back").await;
}
