//! Frame and key-to-screen timings of the full-screen app with 100,000 products, at 200x60.
//! Ignored by default (it seeds 100k products); run it in release:
//!
//! ```sh
//! cargo test --release --test tui_bench -- --ignored --nocapture
//! ```
//!
//! It prints percentiles; the only assertions are about behaviour (the right rows arrive),
//! never about wall-clock time.

mod common;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::db::master::{self, Product};
use gudang::domain::ids::now_micros;
use gudang::domain::new_id;
use gudang::tui::app::App;
use gudang::tui::event::{Event, Tick};
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const N: usize = 100_000;
const WAIT: Duration = Duration::from_secs(60);

const THINGS: [&str; 12] = [
    "Baut", "Mur", "Sekrup", "Paku", "Kabel", "Pipa", "Lampu", "Cat", "Semen", "Kunci", "Engsel",
    "Selang",
];
const STUFF: [&str; 8] = [
    "baja",
    "kuningan",
    "plastik",
    "besi",
    "tembaga",
    "aluminium",
    "galvanis",
    "nilon",
];

/// Inserts `n` products straight through the master shard's queries, 2,000 per write batch.
async fn seed_products(env: &common::Env, n: usize) {
    let s = &env.services;
    let unit = s
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == "PCS")
        .unwrap()
        .id;
    let cat = s.list_categories().await.unwrap()[0].id.clone();
    let b = s.shards.master.backend();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let rows: Vec<Product> = chunk
            .iter()
            .map(|&i| {
                let now = now_micros();
                Product {
                    id: new_id(),
                    sku: format!("SKU-{i:06}"),
                    barcode: Some(format!("899{i:010}")),
                    name: format!(
                        "{} {} M{} seri {}",
                        THINGS[i % 12],
                        STUFF[(i / 12) % 8],
                        3 + i % 17,
                        i / 96
                    ),
                    category_id: Some(cat.clone()),
                    unit_id: unit.clone(),
                    price: 100 + (i as i64 * 37) % 100_000,
                    min_qty: 5_000,
                    active: i64::from(i % 50 != 0),
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        s.shards
            .master
            .write(move |c| {
                Box::pin(async move {
                    for p in &rows {
                        master::insert_product(&mut *c, b, p).await?;
                    }
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
}

fn pct(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    format!(
        "n={:<4} p50={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms",
        v.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3
    )
}

struct Bench {
    rt: Runtime<TestBackend>,
}

impl Bench {
    fn key(&self, code: KeyCode) {
        self.key_mod(code, KeyModifiers::NONE);
    }
    fn key_mod(&self, code: KeyCode, m: KeyModifiers) {
        self.rt.send(Event::Key(KeyEvent::new(code, m)));
    }
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        self.rt
            .run_until(what, WAIT, done)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
    }
    async fn settle(&mut self) {
        self.rt.settle(WAIT).await.unwrap();
    }
    /// Sends a key and times it until the frame that shows its effect has been drawn.
    async fn timed(
        &mut self,
        code: KeyCode,
        m: KeyModifiers,
        shown: impl Fn(&App) -> bool,
    ) -> Duration {
        let frames = self.rt.frames;
        let t = Instant::now();
        self.key_mod(code, m);
        let f0 = frames;
        self.rt
            .run_until("the key's frame", WAIT, |a| !a.dirty && shown(a))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
        let d = t.elapsed();
        assert!(self.rt.frames > f0, "a frame was drawn");
        d
    }
    /// Draw times of the screen as it is, `n` frames, forcing a full redraw each time: wall
    /// time, and the CPU time of the drawing thread (which other processes cannot inflate).
    fn draws(&mut self, n: usize) -> (Vec<Duration>, Vec<Duration>) {
        (0..n)
            .map(|_| {
                self.rt.terminal.clear().unwrap();
                self.rt.app.dirty = true;
                let cpu = thread_cpu();
                self.rt.draw().unwrap();
                (self.rt.last_draw, thread_cpu().saturating_sub(cpu))
            })
            .unzip()
    }
}

/// CPU time used by this thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if ok {
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    } else {
        Duration::ZERO
    }
}

fn report(what: &str, (wall, cpu): (Vec<Duration>, Vec<Duration>)) {
    println!("draw {what:<17} wall {}", pct(wall));
    println!("draw {what:<17} cpu  {}", pct(cpu));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "seeds 100,000 products; run in release with --ignored --nocapture"]
async fn frames_and_keys_with_100k_products() {
    let env = common::sqlite_env().await;
    common::seed(&env, 0).await;
    let t = Instant::now();
    seed_products(&env, N).await;
    println!("seeded {N} products in {:.1} s", t.elapsed().as_secs_f64());
    let actor = env.admin.clone();
    let now = NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap();
    let term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut b = Bench {
        rt: Runtime::new(term, env.services.clone(), Theme::new(true, None), now),
    };
    b.rt.send(Event::Tick(Tick::observe(&env.services, now)));
    b.until("login form", |a| {
        a.login.mode == gudang::tui::panes::login::Mode::Login
    })
    .await;
    for c in actor.email.chars() {
        b.key(KeyCode::Char(c));
    }
    b.key(KeyCode::Enter);
    for c in "correct horse battery".chars() {
        b.key(KeyCode::Char(c));
    }
    b.key(KeyCode::Enter);
    b.until("dashboard", |a| a.dashboard.data.is_some()).await;
    b.settle().await;
    report("dashboard", b.draws(300));
    b.key(KeyCode::Char('?'));
    b.settle().await;
    report("help overlay", b.draws(300));
    b.key(KeyCode::Esc);
    b.key(KeyCode::Char('2'));
    b.until("products", |a| {
        a.products.len() > 50_000 && a.products.current().is_some()
    })
    .await;
    b.settle().await;
    report("products table", b.draws(300));
    b.key(KeyCode::Char('n'));
    b.settle().await;
    report("product form", b.draws(300));
    b.key(KeyCode::Esc);
    b.settle().await;

    // Navigation: Down through the first rows and across window edges, then pages.
    let mut nav = Vec::new();
    for i in 0..600 {
        let want = i + 1;
        nav.push(
            b.timed(KeyCode::Down, KeyModifiers::NONE, move |a| {
                a.products.list.cursor == want
            })
            .await,
        );
    }
    for _ in 0..100 {
        let before = b.rt.app.products.list.cursor;
        nav.push(
            b.timed(KeyCode::PageDown, KeyModifiers::NONE, move |a| {
                a.products.list.cursor > before
            })
            .await,
        );
    }
    for _ in 0..100 {
        let before = b.rt.app.products.list.cursor;
        nav.push(
            b.timed(KeyCode::Up, KeyModifiers::NONE, move |a| {
                a.products.list.cursor < before
            })
            .await,
        );
    }
    println!("key→frame navigation  {}", pct(nav));
    // Jumps far away: the cursor moves at once, the rows arrive after their query.
    let mut jump_first = Vec::new();
    let mut jump_loaded = Vec::new();
    for k in [
        KeyCode::End,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Home,
    ] {
        let t = Instant::now();
        let home = k == KeyCode::Home;
        jump_first.push(
            b.timed(k, KeyModifiers::NONE, move |a| {
                let p = &a.products;
                if home {
                    p.list.cursor == 0
                } else {
                    p.list.cursor == p.len() - 1
                }
            })
            .await,
        );
        b.until("rows", |a| a.products.current().is_some()).await;
        jump_loaded.push(t.elapsed());
        b.settle().await;
    }
    println!("key→frame End/Home    {}", pct(jump_first));
    println!("key→rows End/Home     {}", pct(jump_loaded));

    // Search as you type: each key until the frame shows the matches for the text so far.
    b.key(KeyCode::Home);
    b.key(KeyCode::Char('/'));
    b.settle().await;
    let mut search = Vec::new();
    for word in [
        "kabel tem",
        "baut baja m8",
        "sku-0421",
        "8990000000042",
        "selang nil",
        "semen",
        "paku besi",
    ] {
        let mut typed = String::new();
        for c in word.chars() {
            typed.push(c);
            let want = typed.clone();
            search.push(
                b.timed(KeyCode::Char(c), KeyModifiers::NONE, move |a| {
                    a.products
                        .list
                        .rows_key
                        .as_ref()
                        .is_some_and(|k| k.text == want)
                })
                .await,
            );
        }
        assert!(
            !b.rt.app.products.is_empty() || word == "semen",
            "matches for {word}"
        );
        b.key_mod(KeyCode::Char('u'), KeyModifiers::CONTROL);
        b.settle().await;
    }
    println!("key→results search    {}", pct(search));
    b.key(KeyCode::Enter);
    b.settle().await;
    report("search results", b.draws(300));
}
