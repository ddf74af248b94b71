//! Frame and key-to-screen timings of the stock, transactions and admin screens with 100,000
//! products, 100,000 stock rows (200 receipts of 500 lines) and 100 nested locations, at
//! 200x60. Ignored by default (seeding takes a while); run it in release:
//!
//! ```sh
//! cargo test --release --test tui_panes_bench -- --ignored --nocapture
//! ```
//!
//! It prints percentiles; it asserts behaviour only (the right rows arrive), never times.

mod common;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::db::master::{self, Product};
use gudang::domain::ids::now_micros;
use gudang::domain::{Quantity, TxKind, new_id};
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::tui::app::App;
use gudang::tui::event::{Event, Tick};
use gudang::tui::panes::txn_doc::Step;
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const N: usize = 100_000;
const PER_RECEIPT: usize = 500;
const WAIT: Duration = Duration::from_secs(120);

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
    let b = s.shards.master.backend();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2_000) {
        let now = now_micros();
        let rows: Vec<Product> = chunk
            .iter()
            .map(|&i| Product {
                id: new_id(),
                sku: format!("SKU-{i:06}"),
                barcode: Some(format!("899{i:010}")),
                name: format!("Barang {} seri {}", i % 97, i / 97),
                category_id: None,
                unit_id: unit.clone(),
                price: 100 + (i as i64 * 37) % 100_000,
                min_qty: 5_000,
                active: 1,
                created_at: now,
                updated_at: now,
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

/// Receipts of every product into A, `PER_RECEIPT` lines each, through the posting service.
async fn seed_stock(env: &common::Env, n: usize) {
    for start in (0..n).step_by(PER_RECEIPT) {
        let lines = (start..(start + PER_RECEIPT).min(n))
            .map(|i| LineRequest {
                code: format!("SKU-{i:06}"),
                qty: Quantity::units(1 + (i % 9) as i64),
                price: None,
            })
            .collect();
        let req = PostRequest {
            kind: Some(TxKind::Receipt),
            dest: Some("A".into()),
            lines,
            reference: Some(format!("PO-{start}")),
            ..Default::default()
        };
        assert!(
            env.services
                .post(&env.admin, &req)
                .await
                .unwrap()
                .is_posted()
        );
    }
}

async fn seed_locations(env: &common::Env) {
    for w in 1..=4 {
        env.services
            .add_location(
                &env.admin,
                &format!("W{w}"),
                &format!("Warehouse {w}"),
                None,
            )
            .await
            .unwrap();
        for z in 1..=24 {
            env.services
                .add_location(
                    &env.admin,
                    &format!("W{w}-Z{z:02}"),
                    &format!("Zone {z}"),
                    Some(&format!("W{w}")),
                )
                .await
                .unwrap();
        }
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
        self.rt
            .send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
    fn text(&self, s: &str) {
        for c in s.chars() {
            self.key(if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            });
        }
    }
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        self.rt
            .run_until(what, WAIT, done)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
        self.rt.settle(WAIT).await.unwrap();
    }
    /// Sends a key and times it until the frame that shows its effect has been drawn.
    async fn timed(&mut self, code: KeyCode, shown: impl Fn(&App) -> bool) -> Duration {
        let f0 = self.rt.frames;
        let t = Instant::now();
        self.key(code);
        self.rt
            .run_until("the key's frame", WAIT, |a| !a.dirty && shown(a))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
        let d = t.elapsed();
        assert!(self.rt.frames > f0, "a frame was drawn");
        d
    }
    /// Draw times of the screen as it is, `n` frames, forcing a full redraw each time.
    fn draws(&mut self, n: usize) -> Vec<Duration> {
        (0..n)
            .map(|_| {
                self.rt.terminal.clear().unwrap();
                self.rt.app.dirty = true;
                self.rt.draw().unwrap();
                self.rt.last_draw
            })
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "seeds 100,000 products and stock rows; run in release with --ignored --nocapture"]
async fn stock_transactions_and_admin_with_100k_stock_rows() {
    let env = common::sqlite_env().await;
    common::seed(&env, 0).await;
    let t = Instant::now();
    seed_products(&env, N).await;
    seed_stock(&env, N).await;
    seed_locations(&env).await;
    println!(
        "seeded {N} products, {N} stock rows, {} receipts in {:.1} s",
        N / PER_RECEIPT,
        t.elapsed().as_secs_f64()
    );
    let now = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
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
    b.text(&format!("{}\ncorrect horse battery\n", env.admin.email));
    b.until("dashboard", |a| a.dashboard.data.is_some()).await;

    // Stock: the table, moving through it and across pages, searching as you type.
    b.key(KeyCode::Char('3'));
    b.until("stock", |a| a.stock.list.have() && !a.stock.list.at_end)
        .await;
    println!("draw stock table      {}", pct(b.draws(300)));
    let mut nav = Vec::new();
    for i in 0..400 {
        nav.push(
            b.timed(KeyCode::Down, move |a| {
                a.stock.list.cursor == i + 1 && a.stock.list.current().is_some()
            })
            .await,
        );
    }
    for _ in 0..60 {
        let before = b.rt.app.stock.list.cursor;
        nav.push(
            b.timed(KeyCode::PageDown, move |a| {
                a.stock.list.cursor > before && a.stock.list.current().is_some()
            })
            .await,
        );
    }
    println!("key→frame stock nav   {}", pct(nav));
    b.key(KeyCode::Char('/'));
    let mut search = Vec::new();
    for word in ["sku-0421", "barang 5 seri 7", "8990000000042"] {
        let mut typed = String::new();
        for c in word.chars() {
            typed.push(c);
            let (raw, want) = (typed.clone(), typed.trim().to_string());
            // Until the key is in the field and the rows for the text so far are on screen.
            search.push(
                b.timed(KeyCode::Char(c), move |a| {
                    a.stock.search.value() == raw
                        && a.stock
                            .list
                            .rows_key
                            .as_ref()
                            .is_some_and(|k| k.text == want)
                })
                .await,
            );
        }
        assert!(!b.rt.app.stock.list.is_empty(), "stock for {word}");
        b.rt.send(Event::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        b.rt.settle(WAIT).await.unwrap();
    }
    println!("key→rows stock search {}", pct(search));
    b.text("sku-00042\n\n");
    b.until("product detail", |a| {
        a.stock.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    println!("draw stock detail     {}", pct(b.draws(300)));
    b.key(KeyCode::Esc);

    // Transactions: the list and a 500-line detail.
    b.key(KeyCode::Char('4'));
    b.until("transactions", |a| {
        a.txns.list.have() && !a.txns.list.is_empty()
    })
    .await;
    println!("draw txn list         {}", pct(b.draws(300)));
    b.key(KeyCode::Enter);
    b.until("txn detail", |a| {
        a.txns.detail.as_ref().is_some_and(|d| d.data.is_some())
    })
    .await;
    println!("draw txn detail 500   {}", pct(b.draws(300)));
    b.key(KeyCode::Esc);

    // The scan loop: 400 new codes in one burst, then single scans of known and new codes, up
    // to the 500 lines a document may hold.
    b.text("nrec\n\n");
    b.until("scan loop", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.step == Step::Scan)
    })
    .await;
    let codes: String = (0..400)
        .map(|i| format!("SKU-{:06}\n", 50_000 + i * 7))
        .collect();
    let t = Instant::now();
    b.text(&codes);
    b.until("400 lines", |a| {
        a.txns
            .doc
            .as_ref()
            .is_some_and(|d| d.lines.len() == 400 && d.queue.is_empty())
    })
    .await;
    println!(
        "burst of 400 scans    {:.1} ms to the last line shown",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut known = Vec::new();
    for i in 0..100 {
        b.text(&format!("SKU-{:06}", 50_000 + (i % 400) * 7));
        b.rt.settle(WAIT).await.unwrap();
        let total =
            b.rt.app
                .txns
                .doc
                .as_ref()
                .map(|d| d.total_qty())
                .unwrap_or_default();
        known.push(
            b.timed(KeyCode::Enter, move |a| {
                a.txns.doc.as_ref().is_some_and(|d| d.total_qty() > total)
            })
            .await,
        );
    }
    println!("key→frame known scan  {}", pct(known));
    let mut fresh = Vec::new();
    for i in 0..100 {
        b.text(&format!("899{:010}", 10_000 + i));
        b.rt.settle(WAIT).await.unwrap();
        let lines =
            b.rt.app
                .txns
                .doc
                .as_ref()
                .map(|d| d.lines.len())
                .unwrap_or(0);
        fresh.push(
            b.timed(KeyCode::Enter, move |a| {
                a.txns.doc.as_ref().is_some_and(|d| d.lines.len() > lines)
            })
            .await,
        );
    }
    println!("key→frame new scan    {}", pct(fresh));
    println!("draw scan, 500 lines  {}", pct(b.draws(300)));
    b.key(KeyCode::Enter);
    b.until("confirm", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.step == Step::Confirm)
    })
    .await;
    println!("draw confirm          {}", pct(b.draws(300)));
    let t = Instant::now();
    b.key(KeyCode::Enter);
    b.until("posted", |a| {
        a.txns.doc.as_ref().is_some_and(|d| d.step == Step::Done)
    })
    .await;
    println!(
        "post 500 lines        {:.1} ms to the number shown",
        t.elapsed().as_secs_f64() * 1e3
    );
    b.key(KeyCode::Esc);

    // Admin: the location tree.
    b.key(KeyCode::Char(char::from(
        b'0' + gudang::tui::action::Tab::Admin.number() as u8,
    )));
    b.key(KeyCode::Right);
    b.until("locations", |a| a.admin.locations.len() > 90).await;
    println!("draw admin locations  {}", pct(b.draws(300)));
}
