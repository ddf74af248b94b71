//! Figures for keyset paging at 1,000,000 rows: 1,000,000 products, 1,000,000 stock rows and
//! 1,000,000 transactions, loaded straight into the shards (not timed). For each list it times
//! the page queries the screens make (first page, End = the last rows, PgUp from there, a PgDn
//! half-way and near the end, each `PAGE` rows + 1) next to the LIMIT/OFFSET query the screens
//! used to make for the same rows, and then the whole app's key-to-screen time for End, PgUp
//! and PgDn held down on each list (the real event loop on a TestBackend, 200x60). Ignored by
//! default (loading takes a minute or two); run it in release:
//!
//! ```sh
//! cargo test --release --test paging_bench -- --ignored --nocapture
//! GUDANG_BENCH_DB=postgres cargo test --release --test paging_bench -- --ignored --nocapture
//! ```
//!
//! It prints timings; it asserts behaviour only (the right rows arrive), never times.

mod common;

use std::time::{Duration, Instant};

use common::backend::{Db, TestEnv};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gudang::db::journal::{TxnCursor, TxnFilter};
use gudang::db::keyset::Seek;
use gudang::db::location::StockCursor;
use gudang::db::master::{Product, ProductFilter, ProductSort};
use gudang::domain::ids::now_micros;
use gudang::domain::new_id;
use gudang::service::Services;
use gudang::service::catalog::ProductQuery;
use gudang::service::stock_view::StockQuery;
use gudang::tui::app::App;
use gudang::tui::event::{Event, Tick};
use gudang::tui::runtime::Runtime;
use gudang::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const N: usize = 1_000_000;
const PAGE: i64 = 200;
const CHUNK: usize = 5_000;
const WAIT: Duration = Duration::from_secs(300);

fn db() -> Db {
    match std::env::var("GUDANG_BENCH_DB").as_deref() {
        Ok("postgres") => Db::Postgres,
        Ok("mariadb") => Db::Mariadb,
        _ => Db::Sqlite,
    }
}

/// Multi-row INSERT of `rows` rows of `cols` columns.
fn insert_sql(head: &str, cols: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(", "));
    format!("{head} VALUES {}", vec![one.as_str(); rows].join(", "))
}

async fn load_products(s: &Services) -> Vec<String> {
    let unit = s.list_units().await.unwrap()[0].id.clone();
    let cat = s.list_categories().await.unwrap()[0].id.clone();
    let b = s.shards.master.backend();
    let mut ids = Vec::with_capacity(N);
    for start in (0..N).step_by(CHUNK) {
        let now = now_micros();
        let rows: Vec<Product> = (start..(start + CHUNK).min(N))
            .map(|i| Product {
                id: new_id(),
                sku: format!("SKU-{i:07}"),
                barcode: None,
                name: format!("Barang {} seri {}", i % 997, i / 997),
                category_id: Some(cat.clone()),
                unit_id: unit.clone(),
                // Many ties: a thousand prices.
                price: 100 * (1 + (i as i64 * 7919) % 1000),
                min_qty: 0,
                active: 1,
                created_at: now,
                updated_at: now + (i % 50_000) as i64,
            })
            .collect();
        ids.extend(rows.iter().map(|p| p.id.clone()));
        s.shards
            .master
            .write(move |c| {
                Box::pin(async move { gudang::db::bulk::insert_products(c, b, &rows).await })
            })
            .await
            .unwrap();
    }
    ids
}

async fn load_stock(s: &Services, products: &[String]) {
    let locs = s.list_locations().await.unwrap();
    let b = s.shards.location.backend();
    for (n, chunk) in products.chunks(CHUNK / 5).enumerate() {
        let loc = locs[n % locs.len()].id.clone();
        let rows: Vec<String> = chunk.to_vec();
        s.shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    let sql = insert_sql(
                        "INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at)",
                        7,
                        rows.len(),
                    );
                    let mut q = sqlx::query(b.dyn_sql(sql));
                    for (i, p) in rows.iter().enumerate() {
                        q = q
                            .bind(loc.clone())
                            .bind(p.clone())
                            .bind(1_000 * (1 + i as i64 % 9))
                            .bind(None::<i64>)
                            .bind(0_i64)
                            .bind(100_i64)
                            .bind(0_i64);
                    }
                    q.execute(&mut *c)
                        .await
                        .map_err(gudang::Error::db("location"))?;
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
}

async fn load_transactions(s: &Services) {
    let b = s.shards.transaction.backend();
    let t0 = now_micros() - N as i64 * 1_000_000;
    for start in (0..N).step_by(CHUNK / 2) {
        let end = (start + CHUNK / 2).min(N);
        s.shards
            .transaction
            .write(move |c| {
                Box::pin(async move {
                    let sql = insert_sql(
                        "INSERT INTO transactions (id, number, kind, status, dest_code, created_by, created_at, decided_at, day, line_count, total_qty, total_value)",
                        12,
                        end - start,
                    );
                    let mut q = sqlx::query(b.dyn_sql(sql));
                    for i in start..end {
                        // Two documents per second: ties in the time column too.
                        let at = t0 + (i as i64 / 2) * 1_000_000;
                        q = q
                            .bind(new_id())
                            .bind(format!("RCV-2025-{i:07}"))
                            .bind(if i % 3 == 0 { "issue" } else { "receipt" })
                            .bind("posted")
                            .bind("A")
                            .bind("bench@example.test")
                            .bind(at)
                            .bind(at)
                            .bind("2025-01-01")
                            .bind(1_i64)
                            .bind(1_000_i64)
                            .bind(250_i64);
                    }
                    q.execute(&mut *c)
                        .await
                        .map_err(gudang::Error::db("transaction"))?;
                    Ok(())
                })
            })
            .await
            .unwrap();
    }
}

/// Median and maximum of `runs` timings of `f`, in milliseconds.
async fn time<F, Fut, T>(runs: usize, mut f: F) -> (f64, f64, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut v = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f().await);
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[v.len() - 1], last.unwrap())
}

fn line(what: &str, (p50, max): (f64, f64)) {
    println!("  {what:<44} p50 {p50:>8.2} ms   max {max:>8.2} ms");
}

/// The query the list screens made before keyset paging: LIMIT/OFFSET.
async fn offset_query(s: &Services, shard: &str, sql: &'static str, offset: i64) -> usize {
    let h = match shard {
        "master" => &s.shards.master,
        "location" => &s.shards.location,
        _ => &s.shards.transaction,
    };
    let b = h.backend();
    h.read(move |p| {
        Box::pin(async move {
            let rows = sqlx::query(b.sql(sql))
                .bind(PAGE + 1)
                .bind(offset)
                .fetch_all(&p)
                .await
                .map_err(gudang::Error::db("bench"))?;
            Ok(rows.len())
        })
    })
    .await
    .unwrap()
}

async fn product_queries(s: &Services) {
    let f = ProductFilter {
        active: Some(true),
        ..Default::default()
    };
    for sort in [ProductSort::Sku, ProductSort::Price] {
        println!("products by {sort:?} ({N} rows, pages of {PAGE} + 1):");
        let q = |seek: Seek<&Product>| ProductQuery {
            filter: f.clone(),
            sort,
            limit: PAGE + 1,
            seek: seek.map(|p| sort.cursor(p)),
            ..Default::default()
        };
        let (a, m, first) = time(5, || {
            let q = q(Seek::First);
            async move { s.search_products(&q).await }
        })
        .await;
        let first = first.unwrap();
        line("first page", (a, m));
        let (a, m, last) = time(5, || {
            let q = q(Seek::Last);
            async move { s.search_products(&q).await }
        })
        .await;
        let last = last.unwrap();
        assert_eq!(last.len() as i64, PAGE + 1);
        line("End: the last page (keyset)", (a, m));
        let (a, m, up) = time(5, || {
            let q = q(Seek::Before(&last[1]));
            async move { s.search_products(&q).await }
        })
        .await;
        assert_eq!(up.unwrap().len() as i64, PAGE + 1);
        line("PgUp from the end (keyset)", (a, m));
        // A PgDn far down: the page after a row half-way, whose key the screen holds.
        let mid = s
            .search_products(&ProductQuery {
                limit: 1,
                ..q(Seek::First)
            })
            .await
            .unwrap();
        assert!(!mid.is_empty() && !first.is_empty());
        let col = if sort == ProductSort::Sku {
            "sku_norm"
        } else {
            "price, id"
        };
        let half: Product = half_way(s, col).await;
        let (a, m, down) = time(5, || {
            let q = q(Seek::After(&half));
            async move { s.search_products(&q).await }
        })
        .await;
        assert_eq!(down.unwrap().len() as i64, PAGE + 1);
        line("PgDn half-way (keyset)", (a, m));
        let (sql_half, sql_end): (&'static str, &'static str) = if sort == ProductSort::Sku {
            (
                "SELECT id FROM products WHERE 1 = 1 AND active = 1 ORDER BY sku_norm ASC, id ASC LIMIT ? OFFSET ?",
                "SELECT id FROM products WHERE 1 = 1 AND active = 1 ORDER BY sku_norm ASC, id ASC LIMIT ? OFFSET ?",
            )
        } else {
            (
                "SELECT id FROM products WHERE 1 = 1 AND active = 1 ORDER BY price ASC, id ASC LIMIT ? OFFSET ?",
                "SELECT id FROM products WHERE 1 = 1 AND active = 1 ORDER BY price ASC, id ASC LIMIT ? OFFSET ?",
            )
        };
        let (a, m, n) = time(3, || offset_query(s, "master", sql_half, N as i64 / 2)).await;
        assert_eq!(n as i64, PAGE + 1);
        line("before: PgDn half-way (OFFSET 500000)", (a, m));
        let (a, m, _) = time(3, || offset_query(s, "master", sql_end, N as i64 - PAGE)).await;
        line("before: End (OFFSET 999800)", (a, m));
    }
}

/// The product half-way through an order (found once, untimed).
async fn half_way(s: &Services, order: &'static str) -> Product {
    let b = s.shards.master.backend();
    s.shards
        .master
        .read(move |p| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT id, sku, barcode, name, category_id, unit_id, price, min_qty, active, created_at, updated_at FROM products ORDER BY {order} LIMIT 1 OFFSET {}",
                    N / 2
                );
                sqlx::query_as::<_, Product>(b.dyn_sql(sql))
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("bench"))
            })
        })
        .await
        .unwrap()
}

async fn stock_queries(s: &Services) {
    println!("stock rows ({N} rows, pages of {PAGE} + 1):");
    let q = |seek: Seek<StockCursor>| StockQuery {
        limit: PAGE + 1,
        seek,
        ..Default::default()
    };
    let cursor = |v: &gudang::service::locations::StockView| StockCursor {
        location_id: v.location_id.clone(),
        product_id: v.product_id.clone(),
    };
    let (a, m, _) = time(5, || {
        let q = q(Seek::First);
        async move { s.stock_page(&q).await }
    })
    .await;
    line("first page", (a, m));
    let (a, m, last) = time(5, || {
        let q = q(Seek::Last);
        async move { s.stock_page(&q).await }
    })
    .await;
    let last = last.unwrap();
    assert_eq!(last.len() as i64, PAGE + 1);
    line("End: the last page (keyset)", (a, m));
    let c = cursor(&last[1]);
    let (a, m, _) = time(5, || {
        let q = q(Seek::Before(c.clone()));
        async move { s.stock_page(&q).await }
    })
    .await;
    line("PgUp from the end (keyset)", (a, m));
    let b = s.shards.location.backend();
    let (lid, pid): (String, String) = s
        .shards
        .location
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_as(b.dyn_sql(format!(
                    "SELECT location_id, product_id FROM stock ORDER BY location_id, product_id LIMIT 1 OFFSET {}",
                    N / 2
                )))
                .fetch_one(&p)
                .await
                .map_err(gudang::Error::db("bench"))
            })
        })
        .await
        .unwrap();
    let c = StockCursor {
        location_id: lid,
        product_id: pid,
    };
    let (a, m, down) = time(5, || {
        let q = q(Seek::After(c.clone()));
        async move { s.stock_page(&q).await }
    })
    .await;
    assert_eq!(down.unwrap().len() as i64, PAGE + 1);
    line("PgDn half-way (keyset)", (a, m));
    let sql = "SELECT location_id FROM stock WHERE 1 = 1 AND (quantity <> 0 OR min_override IS NOT NULL) ORDER BY location_id, product_id LIMIT ? OFFSET ?";
    let (a, m, _) = time(3, || offset_query(s, "location", sql, N as i64 / 2)).await;
    line("before: PgDn half-way (OFFSET 500000)", (a, m));
    let (a, m, _) = time(3, || offset_query(s, "location", sql, N as i64 - PAGE)).await;
    line("before: End (OFFSET 999800)", (a, m));
}

async fn transaction_queries(s: &Services) {
    println!("transactions ({N} rows, pages of {PAGE} + 1):");
    let f = TxnFilter::default();
    let (a, m, _) = time(5, || s.transactions_page(&f, Seek::First, Some(PAGE + 1))).await;
    line("first page", (a, m));
    let (a, m, last) = time(5, || s.transactions_page(&f, Seek::Last, Some(PAGE + 1))).await;
    let last = last.unwrap();
    assert_eq!(last.len() as i64, PAGE + 1);
    line("End: the last page (keyset)", (a, m));
    let c = TxnCursor::of(&last[1]);
    let (a, m, _) = time(5, || {
        s.transactions_page(&f, Seek::Before(c.clone()), Some(PAGE + 1))
    })
    .await;
    line("PgUp from the end (keyset)", (a, m));
    let mid = s
        .list_transactions(&f, Some(1), N as i64 / 2)
        .await
        .unwrap();
    let c = TxnCursor::of(&mid[0]);
    let (a, m, down) = time(5, || {
        s.transactions_page(&f, Seek::After(c.clone()), Some(PAGE + 1))
    })
    .await;
    assert_eq!(down.unwrap().len() as i64, PAGE + 1);
    line("PgDn half-way (keyset)", (a, m));
    let kinds = TxnFilter {
        kind: Some("issue".into()),
        ..Default::default()
    };
    let (a, m, _) = time(5, || {
        s.transactions_page(&kinds, Seek::Last, Some(PAGE + 1))
    })
    .await;
    line("End, issues only (keyset)", (a, m));
    let sql = "SELECT id FROM transactions WHERE 1 = 1 ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
    let (a, m, _) = time(3, || offset_query(s, "transaction", sql, N as i64 / 2)).await;
    line("before: PgDn half-way (OFFSET 500000)", (a, m));
    let (a, m, _) = time(3, || offset_query(s, "transaction", sql, N as i64 - PAGE)).await;
    line("before: End (OFFSET 999800)", (a, m));
}

struct Ui {
    rt: Runtime<TestBackend>,
}

impl Ui {
    fn key(&self, code: KeyCode) {
        self.rt
            .send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        self.rt
            .run_until(what, WAIT, done)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
        self.rt.settle(WAIT).await.unwrap();
    }
    /// Sends a key and times it until the frame that shows its effect has been drawn.
    async fn timed(&mut self, code: KeyCode, shown: impl Fn(&App) -> bool) -> f64 {
        let t = Instant::now();
        self.key(code);
        self.rt
            .run_until("the key's frame", WAIT, |a| !a.dirty && shown(a))
            .await
            .unwrap_or_else(|e| panic!("{e}\n{}", self.rt.screen()));
        t.elapsed().as_secs_f64() * 1e3
    }
}

fn pct(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[v.len() - 1])
}

/// End, PgUp and PgDn held down, key to frame, on one list screen.
async fn screen_keys(ui: &mut Ui, name: &str, cursor: fn(&App) -> (i64, bool)) {
    println!("{name} screen, key to frame (200x60):");
    let mut end = Vec::new();
    for _ in 0..3 {
        ui.key(KeyCode::Home);
        ui.until("home", |a| cursor(a) == (0, true)).await;
        end.push(
            ui.timed(KeyCode::End, |a| cursor(a).1 && cursor(a).0 != 0)
                .await,
        );
    }
    line("End", pct(end));
    let mut up = Vec::new();
    for _ in 0..30 {
        let before = cursor(&ui.rt.app).0;
        up.push(
            ui.timed(KeyCode::PageUp, move |a| {
                cursor(a).1 && cursor(a).0 < before
            })
            .await,
        );
    }
    line("PgUp x30 from the end", pct(up));
    ui.key(KeyCode::Home);
    ui.until("home", |a| cursor(a) == (0, true)).await;
    // Held down: 300 PgDn sent at the rate a terminal repeats a key (30 a second), each
    // timed to the frame that shows its row.
    let mut down = Vec::new();
    for _ in 0..300 {
        let before = cursor(&ui.rt.app).0;
        let t = Instant::now();
        down.push(
            ui.timed(KeyCode::PageDown, move |a| {
                cursor(a).1 && cursor(a).0 > before
            })
            .await,
        );
        let spent = t.elapsed();
        if spent < Duration::from_millis(33) {
            tokio::time::sleep(Duration::from_millis(33) - spent).await;
        }
    }
    line("PgDn held down x300 (row ~17000)", pct(down));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "loads 1,000,000 products, stock rows and transactions; run in release with --ignored --nocapture"]
async fn keyset_pages_at_a_million_rows() {
    let env = TestEnv::new(db()).await;
    env.seed(0).await;
    let s = &env.services;
    let t = Instant::now();
    let ids = load_products(s).await;
    load_stock(s, &ids).await;
    load_transactions(s).await;
    println!(
        "loaded {N} products, stock rows and transactions on {:?} in {:.1} s",
        env.db,
        t.elapsed().as_secs_f64()
    );
    product_queries(s).await;
    stock_queries(s).await;
    transaction_queries(s).await;

    let now = chrono::Local::now().naive_local();
    let term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut ui = Ui {
        rt: Runtime::new(term, s.clone(), Theme::new(true, None), now),
    };
    ui.rt.send(Event::Tick(Tick::observe(s, now)));
    ui.until("login form", |a| {
        a.login.mode == gudang::tui::panes::login::Mode::Login
    })
    .await;
    for c in format!("{}\n{}\n", env.admin.email, common::backend::PASSWORD).chars() {
        ui.key(if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        });
    }
    ui.until("dashboard", |a| a.dashboard.data.is_some()).await;
    ui.key(KeyCode::Char('2'));
    ui.until("products", |a| !a.products.is_empty()).await;
    screen_keys(&mut ui, "products", |a| {
        (a.products.list.cursor, a.products.current().is_some())
    })
    .await;
    ui.key(KeyCode::Char('3'));
    ui.until("stock", |a| a.stock.list.current().is_some())
        .await;
    screen_keys(&mut ui, "stock", |a| {
        (a.stock.list.cursor, a.stock.list.current().is_some())
    })
    .await;
    ui.key(KeyCode::Char('4'));
    ui.until("transactions", |a| a.txns.list.current().is_some())
        .await;
    screen_keys(&mut ui, "transactions", |a| {
        (a.txns.list.cursor, a.txns.list.current().is_some())
    })
    .await;
}
