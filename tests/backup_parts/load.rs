//! Clerks posting through the services while backups are taken, and what a restored
//! deployment must show of their postings.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gudang::domain::ids::now_micros;
use gudang::domain::{Quantity, TxKind, TxStatus, new_id};
use gudang::service::catalog::ProductInput;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::{Actor, Services};

/// A posting the clerk was answered for, and when (microseconds, UTC).
#[derive(Debug, Clone)]
pub struct Acked {
    pub id: String,
    pub status: TxStatus,
    pub number: String,
    pub at: i64,
}

/// Clerk tasks posting until stopped; optionally one more task adding products and receiving
/// each (so master changes while the other shards follow).
pub struct Load {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<Acked>>>,
    new_products: Arc<AtomicUsize>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

fn line(sku: &str, units: i64) -> LineRequest {
    LineRequest {
        code: sku.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

fn request(n: usize, sku: &str) -> PostRequest {
    let (kind, source, dest) = match n % 3 {
        0 => (TxKind::Receipt, None, Some("A")),
        1 => (TxKind::Issue, Some("A"), None),
        _ => (TxKind::Transfer, Some("A"), Some("B")),
    };
    PostRequest {
        id: Some(new_id()),
        kind: Some(kind),
        source: source.map(Into::into),
        dest: dest.map(Into::into),
        lines: vec![line(sku, if kind == TxKind::Receipt { 5 } else { 1 })],
        ..Default::default()
    }
}

fn record(acked: &Mutex<Vec<Acked>>, id: String, status: TxStatus, number: String) {
    let at = now_micros();
    acked.lock().expect("acked").push(Acked {
        id,
        status,
        number,
        at,
    });
}

impl Load {
    pub fn start(
        s: &Services,
        admin: &Actor,
        clerks: usize,
        skus: usize,
        add_products: bool,
    ) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let new_products = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for c in 0..clerks {
            let (s, admin, stop, acked) = (s.clone(), admin.clone(), stop.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let mut n = c;
                while !stop.load(Ordering::Relaxed) {
                    let sku = format!("P{}", 1 + (n * 7 + c) % skus);
                    let req = request(n, &sku);
                    let id = req.id.clone().unwrap_or_default();
                    let out = s.post(&admin, &req).await.expect("post");
                    record(&acked, id, out.status, out.number);
                    n += 1;
                }
            }));
        }
        if add_products {
            let (s, admin, stop, acked, made) = (
                s.clone(),
                admin.clone(),
                stop.clone(),
                acked.clone(),
                new_products.clone(),
            );
            tasks.push(tokio::spawn(async move {
                // Paced: a new product every few milliseconds is plenty.
                let mut pace = tokio::time::interval(Duration::from_millis(15));
                let mut k = 0;
                while !stop.load(Ordering::Relaxed) {
                    pace.tick().await;
                    k += 1;
                    let sku = format!("N{k}");
                    s.add_product(
                        &admin,
                        &ProductInput {
                            sku: sku.clone(),
                            name: format!("New product {k}"),
                            barcode: None,
                            category: None,
                            unit: Some("PCS".into()),
                            price: Some("1.25".into()),
                            min_qty: None,
                            active: None,
                        },
                    )
                    .await
                    .expect("add product");
                    let req = request(0, &sku);
                    let id = req.id.clone().unwrap_or_default();
                    let out = s.post(&admin, &req).await.expect("post new product");
                    record(&acked, id, out.status, out.number);
                    made.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        Load {
            stop,
            acked,
            new_products,
            tasks,
        }
    }

    pub fn count(&self) -> usize {
        self.acked.lock().expect("acked").len()
    }

    pub fn products_made(&self) -> usize {
        self.new_products.load(Ordering::SeqCst)
    }

    /// Waits until `more` postings more than now were answered and, with `product`, a product
    /// made after this call began was received (the second one from now: the first may have
    /// been made before).
    pub async fn advance(&self, more: usize, product: bool) {
        let (target, made) = (self.count() + more, self.products_made());
        wait_until("the clerks to post more", || {
            self.count() >= target && (!product || self.products_made() >= made + 2)
        })
        .await;
    }

    /// Stops every task and returns every answered posting.
    pub async fn stop(self) -> Vec<Acked> {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.tasks {
            t.await.expect("clerk task");
        }
        self.acked.lock().expect("acked").clone()
    }
}

/// Polls `cond` until it holds; fails the test after 60 s.
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tick.tick().await;
    }
}
