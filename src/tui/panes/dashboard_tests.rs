//! Pure tests of the shards' health on screen: ticks in, the primary-down banner and the
//! Shards box out, drawn on a `TestBackend`. No database. The helpers make the ticks of a
//! master shard whose primary is down (the transactions pane's tests use them too).

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::Actor;
use crate::config::UiConfig;
use crate::domain::Role;
use crate::service::dashboard::Dashboard;
use crate::tui::app::{App, update};
use crate::tui::event::{Event, NodeMark, PrimaryDown, ShardMark, Tick};
use crate::tui::i18n::Lang;
use crate::tui::theme::Theme;
use crate::tui::view;
use crate::tui::widgets::banner_text;

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap()
}

/// A local wall time as the monitor records moments: microseconds, UTC.
pub(crate) fn micros(t: NaiveDateTime) -> i64 {
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp_micros())
        .unwrap_or(0)
}

/// A node that answers: a primary (read-write) or a replica (read-only, `lag_ms` behind).
pub(crate) fn node(primary: bool, latency_us: u64, lag_ms: Option<i64>) -> NodeMark {
    NodeMark {
        primary,
        url: format!(
            "mysql://g:***@127.0.0.1:{}/m",
            if primary { 3306 } else { 3307 }
        ),
        reachable: true,
        read_only: Some(!primary),
        latency_us: Some(latency_us),
        lag_ms,
        down_since: None,
        error: None,
    }
}

/// A shard with one replica, both answering.
pub(crate) fn healthy() -> ShardMark {
    ShardMark {
        known: true,
        reachable: true,
        down: None,
        nodes: vec![node(true, 412, None), node(false, 655, Some(300))],
    }
}

/// Shard `i`'s primary (0 master, 1 location, 2 transaction) has not answered since `since`;
/// its replica's data is `age_ms` old. The other shards are healthy.
pub(crate) fn primary_down(i: usize, since: NaiveDateTime, age_ms: i64) -> [ShardMark; 3] {
    let since = micros(since);
    let primary = NodeMark {
        reachable: false,
        read_only: None,
        latency_us: None,
        down_since: Some(since),
        error: Some("no answer within 1000 ms".into()),
        ..node(true, 0, None)
    };
    let mut shards = all_up();
    shards[i] = ShardMark {
        known: true,
        reachable: false,
        down: Some(PrimaryDown {
            since,
            replica_answers: true,
            data_age_ms: Some(age_ms),
        }),
        nodes: vec![primary, node(false, 655, Some(age_ms))],
    };
    shards
}

fn master_down(since: NaiveDateTime, age_ms: i64) -> [ShardMark; 3] {
    primary_down(0, since, age_ms)
}

pub(crate) fn all_up() -> [ShardMark; 3] {
    [healthy(), healthy(), healthy()]
}

pub(crate) fn tick(a: &mut App, secs: i64, shards: [ShardMark; 3]) {
    update(
        a,
        Event::Tick(Tick {
            now: t0() + chrono::Duration::seconds(secs),
            shards,
        }),
    );
}

fn figures() -> Box<Dashboard> {
    Box::new(Dashboard {
        active_products: 3,
        locations: 2,
        stock_value: 750,
        txn_today: 0,
        txn_month: 0,
        value_in: 0,
        value_out: 0,
        daily: Vec::new(),
        low_stock: Vec::new(),
        recent: Vec::new(),
        shards: Vec::new(),
        paths: Default::default(),
    })
}

/// Logged in on the dashboard, its figures loaded.
fn on_dashboard(lang: Lang) -> App {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.lang = lang;
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "a@b.test".into(),
        name: "Ana".into(),
        role: Role::Admin,
    });
    a.dashboard.data = Some(figures());
    a
}

fn screen(a: &App, w: u16, h: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| view::draw(f, a)).unwrap();
    let buf = term.backend().buffer();
    buf.content
        .chunks(w as usize)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect()
}

#[test]
fn the_banner_says_which_shard_since_when_and_how_old_the_data_is_then_goes_by_itself() {
    let mut a = on_dashboard(Lang::En);
    a.dirty = false;
    tick(
        &mut a,
        0,
        master_down(t0() - chrono::Duration::seconds(37), 37_000),
    );
    assert!(a.dirty, "the banner is drawn at once");
    assert_eq!(
        banner_text(&a.shell).as_deref(),
        Some("✗ master primary down since 09:29:23 · data 37 s old · writes to it refused")
    );
    let s = screen(&a, 80, 24);
    assert!(
        s[22].starts_with(
            " ✗ master primary down since 09:29:23 · data 37 s old · writes to it refused"
        ),
        "the line above the status bar:\n{}",
        s.join("\n")
    );
    assert!(s[23].contains("M✗ L● T●"), "{}", s[23]);
    let joined = s.join("\n");
    for want in [
        "│master      primary ✗ since 09:29:23  │",
        "│            replica ● ro 0.6ms lag 37s│",
        "│location    primary ● rw 0.4ms        │",
        "│            replica ● ro 0.6ms lag 0s │",
    ] {
        assert!(joined.contains(want), "{want:?} in\n{joined}");
    }

    // The dashboard's ping (a primary read) failed while it was down; the monitor is fresher.
    a.shell.pinged[0] = Some(false);
    a.dirty = false;
    tick(&mut a, 1, all_up());
    assert!(a.dirty);
    assert_eq!(banner_text(&a.shell), None, "it answers again: no banner");
    let s = screen(&a, 80, 24);
    assert!(!s.join("\n").contains("primary down"));
    assert!(s[23].contains("M● L● T●"), "{}", s[23]);
}

#[test]
fn the_banner_in_bahasa_and_without_a_replica() {
    let mut a = on_dashboard(Lang::Id);
    let mut shards = master_down(t0() - chrono::Duration::seconds(37), 37_000);
    tick(&mut a, 0, shards.clone());
    assert_eq!(
        banner_text(&a.shell).as_deref(),
        Some("✗ primer master mati sejak 09:29:23 · data 37 dtk lalu · penulisan ke sana ditolak")
    );
    if let Some(d) = &mut shards[0].down {
        d.replica_answers = false;
        d.data_age_ms = None;
    }
    a.shell.lang = Lang::En;
    tick(&mut a, 1, shards);
    assert_eq!(
        banner_text(&a.shell).as_deref(),
        Some("✗ master primary down since 09:29:23 · no replica answers · writes to it refused")
    );
}

#[test]
fn shards_down_since_the_same_second_share_a_part_and_a_long_banner_is_cut_to_one_line() {
    let mut a = on_dashboard(Lang::En);
    let since = t0() - chrono::Duration::seconds(37);
    let mut shards = master_down(since, 37_000);
    shards[1] = primary_down(1, since, 41_000)[1].clone();
    tick(&mut a, 0, shards.clone());
    assert_eq!(
        banner_text(&a.shell).as_deref(),
        Some(
            "✗ master, location primaries down since 09:29:23 · data 41 s old · writes to them refused"
        ),
        "one server for both: the older data age"
    );
    shards[2] = primary_down(2, since - chrono::Duration::minutes(5), 342_000)[2].clone();
    tick(&mut a, 1, shards);
    assert_eq!(
        banner_text(&a.shell).as_deref(),
        Some(
            "✗ master, location primaries down since 09:29:23 · data 41 s old \
             · transaction primary down since 09:24:23 · data 5 min old · writes to them refused"
        )
    );
    let s = screen(&a, view::MIN_W, view::MIN_H);
    let banner = s[usize::from(view::MIN_H) - 2].trim_end();
    assert!(
        banner.starts_with(" ✗ master, location primaries down since 09:29:23"),
        "{banner}"
    );
    assert!(banner.ends_with('…'), "{banner}");
    assert_eq!(banner.chars().count(), usize::from(view::MIN_W));
    assert!(s[usize::from(view::MIN_H) - 1].contains("M✗ L✗ T✗"));
}

#[test]
fn the_wide_shards_box_spells_it_out() {
    let mut a = on_dashboard(Lang::En);
    tick(
        &mut a,
        0,
        master_down(t0() - chrono::Duration::seconds(37), 37_000),
    );
    let joined = screen(&a, 160, 48).join("\n");
    for want in [
        "│master      primary  ✗ DOWN since 09:29:23  no answer within 1000 ms          │",
        "│            replica  ● reachable   read-only     0.6 ms lag 37 s              │",
        "│location    primary  ● reachable   read-write    0.4 ms                       │",
    ] {
        assert!(joined.contains(want), "{want:?} in\n{joined}");
    }
}

#[test]
fn a_replica_that_does_not_answer_says_so_and_why_when_there_is_room() {
    let mut a = on_dashboard(Lang::En);
    let mut shards = all_up();
    shards[1].nodes[1] = NodeMark {
        reachable: false,
        latency_us: None,
        error: Some("Connection refused (os error 111)".into()),
        ..shards[1].nodes[1].clone()
    };
    tick(&mut a, 0, shards);
    assert_eq!(
        banner_text(&a.shell),
        None,
        "the primary answers: no banner"
    );
    let narrow = screen(&a, 80, 24).join("\n");
    assert!(
        narrow.contains("│            replica ✗ UNREACHABLE     │"),
        "{narrow}"
    );
    let wide = screen(&a, 160, 48).join("\n");
    assert!(
        wide.contains("│            replica  ✗ UNREACHABLE  Connection refused (os error 111)"),
        "{wide}"
    );
}
