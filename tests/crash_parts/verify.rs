//! What the crash test asserts about the shards after a kill: the parent's ledger of everything
//! the children tried and were told, a look at the shards before recovery (where a posting can be
//! decided but not yet journaled, or journaled but still in the outbox), and the full list of
//! invariants after a restart with recovery. The same on every backend: the SQL below is written
//! SQLite-style and rewritten by gudang's own `Backend::sql`; only the storage integrity checks
//! differ (SQLite's `integrity_check`, MariaDB's `CHECK TABLE`, PostgreSQL's amcheck).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use gudang::db::journal::JournalDoc;
use gudang::db::location::Decision;
use gudang::db::{Backend, ShardHandle, ShardName, Shards};
use gudang::domain::TxKind;
use gudang::{Config, Services};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, FromRow, Row};

use crate::child::{Record, Req};

/// What a client was told about a posting.
#[derive(Debug, Clone, PartialEq)]
pub struct Ack {
    pub number: String,
    pub status: String,
    pub reason: Option<String>,
}

/// Everything submitted so far (by children or the parent) and what was acknowledged.
#[derive(Default)]
pub struct Ledger {
    pub tried: HashMap<String, Req>,
    pub acked: HashMap<String, Ack>,
    /// Ids tried in the current round, in journal order.
    pub round_tried: Vec<String>,
    pub round_acked: Vec<String>,
}

impl Ledger {
    pub fn start_round(&mut self) {
        self.round_tried.clear();
        self.round_acked.clear();
    }

    pub fn absorb(&mut self, records: Vec<Record>) {
        for r in records {
            match r {
                Record::Try { req } => {
                    self.round_tried.push(req.id.clone());
                    assert!(
                        self.tried.insert(req.id.clone(), req).is_none(),
                        "an id was tried twice by children"
                    );
                }
                Record::Ack {
                    id,
                    number,
                    status,
                    reason,
                } => {
                    assert!(self.tried.contains_key(&id), "ack of {id} without a try");
                    self.round_acked.push(id.clone());
                    self.acked.insert(
                        id,
                        Ack {
                            number,
                            status,
                            reason,
                        },
                    );
                }
            }
        }
    }
}

/// A header as stored.
#[derive(Debug, Clone, FromRow)]
pub struct Hdr {
    pub id: String,
    pub number: String,
    pub status: String,
    pub reason: Option<String>,
}

/// An outcome as stored on the location shard.
#[derive(Debug, Clone, FromRow)]
pub struct Outcome {
    pub txn_id: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub number: Option<String>,
}

/// An outbox entry: a decided document waiting for (or already in) the journal.
#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub txn_id: String,
    pub doc: String,
    pub at: i64,
}

/// The shards as a kill left them.
pub struct Snapshot {
    pub headers: HashMap<String, Hdr>,
    pub outcomes: HashMap<String, Outcome>,
    pub outbox: HashMap<String, Entry>,
}

/// Where a posting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing stored.
    Absent,
    /// Outcome and outbox entry, no journal header: decided, not yet journaled.
    Decided,
    /// Journaled, but still in the outbox.
    JournaledInOutbox,
    /// Journaled and out of the outbox.
    Done,
    /// Anything else (never valid).
    Broken,
}

impl Snapshot {
    pub fn state(&self, id: &str) -> State {
        match (
            self.outcomes.contains_key(id),
            self.outbox.contains_key(id),
            self.headers.contains_key(id),
        ) {
            (false, false, false) => State::Absent,
            (true, true, false) => State::Decided,
            (true, true, true) => State::JournaledInOutbox,
            (true, false, true) => State::Done,
            _ => State::Broken,
        }
    }

    /// Ids in the outbox, in the order recovery takes them (oldest first).
    pub fn outbox_ids(&self) -> Vec<String> {
        let mut e: Vec<&Entry> = self.outbox.values().collect();
        e.sort_by(|a, b| (a.at, &a.txn_id).cmp(&(b.at, &b.txn_id)));
        e.into_iter().map(|e| e.txn_id.clone()).collect()
    }

    /// Ids decided but not yet journaled.
    pub fn unjournaled(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .outbox
            .keys()
            .filter(|id| !self.headers.contains_key(*id))
            .cloned()
            .collect();
        v.sort();
        v
    }

    /// The header ids, sorted.
    pub fn header_ids(&self) -> Vec<String> {
        let mut v: Vec<String> = self.headers.keys().cloned().collect();
        v.sort();
        v
    }
}

pub async fn rows<T>(shard: &ShardHandle, sql: &'static str) -> Vec<T>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin + 'static,
{
    let sql = shard.backend().sql(sql);
    shard
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_as::<_, T>(sql)
                    .fetch_all(&p)
                    .await
                    .map_err(gudang::Error::db("test"))
            })
        })
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn snapshot(s: &Services) -> Snapshot {
    let headers: Vec<Hdr> = rows(
        &s.shards.transaction,
        "SELECT id, number, status, reason FROM transactions",
    )
    .await;
    let outcomes: Vec<Outcome> = rows(
        &s.shards.location,
        "SELECT txn_id, outcome, reason, number FROM outcomes",
    )
    .await;
    let outbox: Vec<Entry> = rows(&s.shards.location, "SELECT txn_id, doc, at FROM outbox").await;
    Snapshot {
        headers: headers.into_iter().map(|h| (h.id.clone(), h)).collect(),
        outcomes: outcomes
            .into_iter()
            .map(|o| (o.txn_id.clone(), o))
            .collect(),
        outbox: outbox.into_iter().map(|e| (e.txn_id.clone(), e)).collect(),
    }
}

/// The journal status an outcome implies.
fn status_of(outcome: &str) -> &'static str {
    match outcome {
        "applied" => "posted",
        "aborted" => "rejected",
        o => panic!("unknown outcome {o:?}"),
    }
}

/// Asserts what every stored posting must satisfy at any moment: the outcome carries the number;
/// an outbox entry is the finished document of its outcome; a journal header agrees with its
/// outcome; header numbers are unique; and everything stored was submitted by someone.
fn assert_stored(ledger: &Ledger, snap: &Snapshot) {
    for (id, o) in &snap.outcomes {
        assert!(
            ledger.tried.contains_key(id),
            "outcome {id} was never submitted"
        );
        let number = o
            .number
            .as_ref()
            .unwrap_or_else(|| panic!("outcome {id} has no number"));
        let st = snap.state(id);
        assert_ne!(st, State::Broken, "{id}: {st:?}");
        if let Some(e) = snap.outbox.get(id) {
            // The outbox keeps the document as submitted; the stored decision applies to it.
            let mut doc = JournalDoc::from_json(id, &e.doc).expect("outbox document");
            let decision = match o.outcome.as_str() {
                "applied" => Decision::Applied(Vec::new()),
                _ => Decision::Aborted(o.reason.clone().unwrap_or_default()),
            };
            doc.decide(number, &decision, e.at);
            assert_eq!(
                (
                    &doc.header.id,
                    &doc.header.number,
                    doc.header.status.as_str(),
                    &doc.header.reason
                ),
                (id, number, status_of(&o.outcome), &o.reason),
                "outbox entry of {id} differs from its outcome"
            );
        }
        if let Some(h) = snap.headers.get(id) {
            assert_eq!(
                (&h.number, h.status.as_str(), &h.reason),
                (number, status_of(&o.outcome), &o.reason),
                "header of {id} differs from its outcome"
            );
        }
    }
    for id in snap.headers.keys().chain(snap.outbox.keys()) {
        assert!(
            ledger.tried.contains_key(id),
            "{id} was never submitted by anyone"
        );
        assert!(
            snap.outcomes.contains_key(id),
            "{id} is journaled or in the outbox without an outcome"
        );
    }
    let numbers: HashSet<&String> = snap.headers.values().map(|h| &h.number).collect();
    assert_eq!(
        numbers.len(),
        snap.headers.len(),
        "two headers share a number"
    );
}

/// Asserts that every acknowledged posting is durably decided as the client was told (number,
/// status, reason); with `journaled`, that it is also in the journal so.
fn assert_acked(ledger: &Ledger, snap: &Snapshot, journaled: bool) {
    assert_stored(ledger, snap);
    for (id, ack) in &ledger.acked {
        let o = snap
            .outcomes
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged {} {id} has no decision", ack.number));
        assert_eq!(
            (o.number.as_ref(), status_of(&o.outcome), &o.reason),
            (Some(&ack.number), ack.status.as_str(), &ack.reason),
            "acknowledged {id} is decided otherwise than the client was told"
        );
        if journaled {
            let h = snap
                .headers
                .get(id)
                .unwrap_or_else(|| panic!("acknowledged {} {id} is not journaled", ack.number));
            assert_eq!(h.number, ack.number, "acknowledged {id} changed its number");
            assert_eq!(
                h.status, ack.status,
                "acknowledged {} changed status",
                ack.number
            );
            if ack.status == "rejected" {
                assert_eq!(
                    h.reason, ack.reason,
                    "acknowledged rejection {} changed its reason",
                    ack.number
                );
            }
        }
    }
}

/// Looks at the shards exactly as the kill left them, without recovery: the check must already
/// be clean (documents on their way from the outbox are within the grace period) and every
/// acknowledged posting durably decided as the client was told.
pub async fn inspect(config: &Config, ledger: &Ledger) -> Snapshot {
    dead_sessions_gone(config).await;
    let mut config = config.clone();
    config.posting.recovery_grace_secs = 24 * 3600;
    let shards = Shards::open(&config)
        .await
        .expect("open shards without recovery");
    let s = Services::new(shards, config);
    let report = s.check().await.expect("check");
    assert!(
        report.ok(),
        "check before recovery: {:#?}",
        report.violations
    );
    let snap = snapshot(&s).await;
    assert_acked(ledger, &snap, false);
    snap
}

/// Restarts the services with recovery grace 0 and asserts every invariant; then re-posts a few
/// acknowledged ids (they must replay) and retries the round's unacknowledged ones, as a clerk
/// would after a crash (each ends posted or rejected, exactly once).
pub async fn verify_after_restart(config: &Config, ledger: &mut Ledger, rng: &mut StdRng) -> Stats {
    assert_eq!(config.posting.recovery_grace_secs, 0);
    let s = Services::open(config.clone())
        .await
        .expect("restart with recovery");
    let report = s.check().await.expect("check");
    assert!(
        report.ok(),
        "check after recovery: {:#?}",
        report.violations
    );
    integrity(&s, config).await;
    let snap = snapshot(&s).await;
    assert!(
        snap.outbox.is_empty(),
        "left in the outbox after recovery: {:?}",
        snap.outbox_ids()
    );
    assert_eq!(
        snap.header_ids().len(),
        snap.outcomes.len(),
        "every decision is journaled after recovery"
    );
    assert_acked(ledger, &snap, true);
    for h in snap.headers.values() {
        if h.status == "rejected" {
            let r = h.reason.as_deref().unwrap_or_default();
            assert!(r.starts_with("only "), "unexpected rejection reason {r:?}");
        }
    }
    let stock_before = conservation(&s).await;
    summaries_in_step(&s).await;

    // Replays of acknowledged postings: the first answer again, nothing new.
    let admin = s.first_admin().await.expect("admin");
    let mut replay_ids: Vec<String> = ledger.round_acked.clone();
    while replay_ids.len() > 3 {
        replay_ids.swap_remove(rng.random_range(0..replay_ids.len()));
    }
    let mut all: Vec<&String> = ledger.acked.keys().collect();
    all.sort();
    if !all.is_empty() {
        replay_ids.push(all[rng.random_range(0..all.len())].clone());
    }
    for id in &replay_ids {
        let ack = &ledger.acked[id];
        let out = s
            .post(&admin, &ledger.tried[id].to_post())
            .await
            .expect("replay");
        assert!(
            out.replayed,
            "re-posting acknowledged {} was not a replay",
            ack.number
        );
        assert_eq!(
            (&out.number, out.status.as_str(), &out.reason),
            (&ack.number, ack.status.as_str(), &ack.reason)
        );
    }
    let after = snapshot(&s).await;
    assert_eq!(
        after.headers.len(),
        snap.headers.len(),
        "a replay created a posting"
    );
    assert_eq!(
        conservation(&s).await,
        stock_before,
        "a replay changed stock"
    );

    // Retries of what the clerk never heard back about.
    let mut stats = Stats::default();
    let unacked: Vec<String> = ledger
        .round_tried
        .iter()
        .filter(|id| !ledger.acked.contains_key(*id))
        .cloned()
        .collect();
    for id in unacked {
        let req = ledger.tried[&id].clone();
        let out = s.post(&admin, &req.to_post()).await.expect("retry");
        match snap.headers.get(&id) {
            Some(h) => {
                stats.recovered += 1;
                assert!(
                    out.replayed,
                    "retry of stored {} was not a replay",
                    h.number
                );
                assert_eq!(
                    (&out.number, out.status.as_str()),
                    (&h.number, h.status.as_str())
                );
            }
            None => {
                stats.reposted += 1;
                assert!(!out.replayed, "retry of never-stored {id} claims a replay");
            }
        }
        let again = s.post(&admin, &req.to_post()).await.expect("second retry");
        assert!(again.replayed);
        assert_eq!(
            (&again.number, again.status, &again.reason),
            (&out.number, out.status, &out.reason)
        );
        ledger.round_acked.push(id.clone());
        ledger.acked.insert(
            id,
            Ack {
                number: out.number,
                status: out.status.as_str().into(),
                reason: out.reason,
            },
        );
    }
    // This process's journal writes finish before it ends (as the CLI's do): the next child
    // starts from a journal with every retry in it.
    s.settled().await;
    stats.headers = after.headers.len();
    stats
}

#[derive(Debug, Default)]
pub struct Stats {
    pub headers: usize,
    /// Unacknowledged postings that had been decided before the kill (journaled by recovery).
    pub recovered: usize,
    /// Unacknowledged postings that were never decided and were posted by the retry.
    pub reposted: usize,
}

/// The daily summaries count every posted document exactly once (the journal write is the only
/// writer and may be repeated by recovery or a retry, so a document counted twice or lost shows
/// here).
async fn summaries_in_step(s: &Services) {
    type Day = (String, String, i64, i64, i64, i64);
    let mut kept: Vec<Day> =
        rows(&s.shards.transaction, "SELECT day, kind, txn_count, line_count, total_qty, total_value FROM daily_summary WHERE txn_count <> 0").await;
    let mut derived: Vec<Day> = rows(
        &s.shards.transaction,
        "SELECT day, kind, COUNT(*), CAST(SUM(line_count) AS BIGINT), CAST(SUM(total_qty) AS BIGINT), CAST(SUM(total_value) AS BIGINT) FROM transactions WHERE status = 'posted' GROUP BY day, kind",
    )
    .await;
    kept.sort();
    derived.sort();
    assert_eq!(
        kept, derived,
        "daily summaries out of step with the posted headers"
    );
}

/// The database's own check of its storage, on every shard.
async fn integrity(s: &Services, config: &Config) {
    for shard in s.shards.all() {
        let name = shard.name().as_str();
        let url = config.shard_url(shard.name());
        match shard.backend() {
            Backend::Sqlite => {
                let res: Vec<(String,)> = rows(shard, "PRAGMA integrity_check").await;
                assert_eq!(
                    res,
                    vec![("ok".to_string(),)],
                    "integrity_check of the {name} shard"
                );
            }
            Backend::Mysql => {
                let mut c = connect(&url).await;
                let tables: Vec<(String,)> = sqlx::query_as("SHOW TABLES")
                    .fetch_all(&mut c)
                    .await
                    .expect("SHOW TABLES");
                assert!(!tables.is_empty(), "no tables in the {name} shard");
                // All tables in one statement, sent as plain text (not prepared), as the
                // mariadb client would. One or more rows per table; the last says OK.
                let list: Vec<String> = tables.iter().map(|(t,)| format!("`{t}`")).collect();
                let sql = format!("CHECK TABLE {}", list.join(", "));
                let res = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                    .fetch_all(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let mut msgs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
                for r in &res {
                    let get = |i: usize| r.try_get::<String, _>(i).expect("CHECK TABLE column");
                    let table = get(0);
                    let table = table.rsplit('.').next().unwrap_or(&table).to_string();
                    msgs.entry(table).or_default().push((get(2), get(3)));
                }
                for (t,) in &tables {
                    let m = msgs.get(t).cloned().unwrap_or_default();
                    assert!(
                        m.iter().any(|(ty, text)| ty == "status" && text == "OK")
                            && !m.iter().any(|(ty, _)| ty == "error"),
                        "CHECK TABLE {t} on the {name} shard: {m:?}"
                    );
                }
                let _ = c.close().await;
            }
            Backend::Postgres => {
                let mut c = connect(&url).await;
                // amcheck ships with Debian's PostgreSQL server package; a server without it
                // just skips this look.
                if sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
                    .execute(&mut c)
                    .await
                    .is_err()
                {
                    eprintln!(
                        "amcheck is not available: the {name} shard's storage goes unchecked"
                    );
                    continue;
                }
                // The relations are picked first (MATERIALIZED), so the checks run on exactly
                // them; each check raises an error on a corrupt index.
                let checked: i64 = sqlx::query_scalar(
                    "WITH ix AS MATERIALIZED (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam WHERE n.nspname = 'public' AND c.relkind = 'i' AND a.amname = 'btree') SELECT CAST(COUNT(*) AS BIGINT) FROM ix WHERE CAST(bt_index_check(ix.oid, true) AS TEXT) = ''",
                )
                .fetch_one(&mut c)
                .await
                .unwrap_or_else(|e| panic!("amcheck of the {name} shard's indexes: {e}"));
                assert!(checked > 0, "no indexes checked in the {name} shard");
                let heap: Vec<(String,)> = sqlx::query_as(
                    "WITH t AS MATERIALIZED (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r') SELECT CAST(v.msg AS TEXT) FROM t, verify_heapam(t.oid) v",
                )
                .fetch_all(&mut c)
                .await
                .unwrap_or_else(|e| panic!("amcheck of the {name} shard's tables: {e}"));
                assert!(
                    heap.is_empty(),
                    "corrupt heap in the {name} shard: {heap:?}"
                );
                let _ = c.close().await;
            }
        }
    }
}

async fn connect(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// How long a killed child's server sessions may take to end.
const SESSIONS_TIMEOUT: Duration = Duration::from_secs(60);

/// On a server, waits until no session but this one is connected to the three shard databases.
/// A killed child's statements may still be running (a COMMIT sent just before the kill still
/// commits): only when its sessions are gone are the shards as the kill left them, as SQLite's
/// files are the moment the process is dead. The parent's own earlier sessions (previous phases)
/// end at the same time, which also means no lock they held can get in the way.
async fn dead_sessions_gone(config: &Config) {
    let urls: Vec<String> = ShardName::ALL
        .iter()
        .map(|s| config.shard_url(*s))
        .collect();
    let backend = Backend::from_url(&urls[0]).expect("backend");
    let sql = match backend {
        Backend::Sqlite => return,
        Backend::Postgres => {
            "SELECT CAST(datname AS TEXT), CAST(COUNT(*) AS BIGINT) FROM pg_stat_activity WHERE CAST(datname AS TEXT) IN (?, ?, ?) AND backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY datname"
        }
        Backend::Mysql => {
            "SELECT CAST(DB AS CHAR), CAST(COUNT(*) AS SIGNED) FROM information_schema.PROCESSLIST WHERE DB IN (?, ?, ?) AND ID <> CONNECTION_ID() GROUP BY DB"
        }
    };
    let names: Vec<String> = urls
        .iter()
        .map(|u| {
            let path = u.split('?').next().unwrap_or(u);
            path.rsplit('/').next().unwrap_or(path).to_string()
        })
        .collect();
    let mut c = connect(&urls[0]).await;
    let deadline = Instant::now() + SESSIONS_TIMEOUT;
    loop {
        let mut q = sqlx::query_as::<_, (String, i64)>(backend.sql(sql));
        for n in &names {
            q = q.bind(n.clone());
        }
        let left = q.fetch_all(&mut c).await.expect("sessions");
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "sessions of a killed child still open after {SESSIONS_TIMEOUT:?}: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = c.close().await;
}

/// Asserts nothing is negative and that stock at every (location, product) is exactly what the
/// posted documents imply (receipts add, issues remove, transfers move), then returns the stock.
pub async fn conservation(s: &Services) -> BTreeMap<(String, String), i64> {
    let stock: Vec<(String, String, i64)> = rows(
        &s.shards.location,
        "SELECT location_id, product_id, quantity FROM stock",
    )
    .await;
    /// (kind, source, destination, product, quantity) summed over posted lines.
    type Posted = (String, Option<String>, Option<String>, String, i64);
    let posted: Vec<Posted> = rows(
        &s.shards.transaction,
        "SELECT t.kind, t.source_id, t.dest_id, l.product_id, CAST(SUM(l.quantity) AS BIGINT) FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE t.status = 'posted' GROUP BY t.kind, t.source_id, t.dest_id, l.product_id",
    )
    .await;
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut created: BTreeMap<String, i64> = BTreeMap::new();
    for (kind, src, dst, prod, qty) in posted {
        let mut add = |loc: Option<String>, d: i64| {
            *expected
                .entry((loc.expect("location"), prod.clone()))
                .or_default() += d
        };
        match kind.parse::<TxKind>().expect("kind") {
            TxKind::Receipt => {
                add(dst, qty);
                *created.entry(prod.clone()).or_default() += qty;
            }
            TxKind::Issue => {
                add(src, -qty);
                *created.entry(prod.clone()).or_default() -= qty;
            }
            TxKind::Transfer => {
                add(src, -qty);
                add(dst, qty);
            }
            TxKind::Adjustment => panic!("the crash test posts no adjustments"),
        }
    }
    expected.retain(|_, q| *q != 0);
    let mut actual: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for (loc, prod, q) in stock {
        assert!(q >= 0, "negative stock {q} of {prod} at {loc}");
        *totals.entry(prod.clone()).or_default() += q;
        if q != 0 {
            actual.insert((loc, prod), q);
        }
    }
    created.retain(|_, q| *q != 0);
    totals.retain(|_, q| *q != 0);
    assert_eq!(
        totals, created,
        "total stock per product differs from receipts minus issues"
    );
    assert_eq!(
        actual, expected,
        "stock differs from what the posted documents imply"
    );
    actual
}
