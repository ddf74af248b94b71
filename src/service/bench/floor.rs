//! `gudang bench --floor`: the durable commit floor of the posting run's writes, on this engine
//! and this machine. A minimal sqlx program, no gudang services: on scratch copies of the
//! location and transaction shards (made by the same migrations on the same server or in the
//! same directory, dropped after), one writer connection per shard commits, back to back, the
//! statements gudang's decision jobs and journal jobs send (the text of [`crate::db::apply`]'s
//! common case and of the journal's batch), with as many postings per job as the bench's own
//! run had. What gudang does around those statements (services, coalescing, the shard task,
//! its reads, its share of the two cores) is the gap between the floor and the bench. As in
//! gudang, the postings and their journal documents (JSON) are made before the writer needs
//! them (by the clerks there, before each turn here), and a job's statements are built on the
//! writer's clock.
//!
//! Three measurements, taken in turns of one second each (`seconds` turns), so that a machine
//! whose other load comes and goes weighs on all three alike:
//! 1. `sent`: the statements sent as gudang sends them today: the batch opened and committed
//!    as the shard writer does it, the job's statements in one trip on SQLite and one prepared
//!    statement per trip on PostgreSQL and MySQL. The bench is measured against this floor.
//! 2. `one_trip` (PostgreSQL, MySQL): the same statements with their values written into the
//!    text, sent with the batch's opening as one multi-statement query, then the commit: two
//!    trips per job. What the posting path could reach by sending them so.
//! 3. `commits_per_sec`: one connection committing a one-row update back to back, one trip
//!    each: the engine's durable commit rate here, a bound on jobs per second of any size.
//!
//! `session` statements run on the floor's own connections before it measures: a way to try a
//! server setting (`SET SESSION binlog_row_image = MINIMAL`) or a schema change (dropping a
//! trigger) on the scratch copies without touching the deployment.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde::Serialize;
use sqlx::{AnyConnection, Connection, Either, Executor};
use tokio::sync::mpsc;

use crate::db::journal::JournalDoc;
use crate::db::multi::Arg;
use crate::db::{Backend, ShardName};
use crate::error::{Error, Result};

mod jobs;
mod scratch;

use jobs::{Workload, decision_job, journal_job};
use scratch::Scratch;

/// Largest job the floor builds, whatever a run reported.
pub const MAX_JOB: usize = 16_384;

/// What to measure: job sizes as the bench's run had them.
#[derive(Debug, Clone)]
pub struct FloorOptions {
    pub seconds: u64,
    pub postings_per_job: usize,
    pub docs_per_journal_job: usize,
    pub seed: u64,
    /// Run on each of the floor's connections to the scratch copies before measuring.
    pub session: Vec<String>,
}

/// One way of sending the jobs, measured on the decision writer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FloorPhase {
    pub postings_per_sec: f64,
    pub jobs: u64,
    pub ms_per_job: f64,
    /// Of which the commit's trip.
    pub commit_ms_per_job: f64,
    /// Round trips to the database per decision job, commit included.
    pub trips_per_job: usize,
    /// Where a decision job's time goes: milliseconds per job by trip (statement kind).
    pub ms_by_trip: Vec<(String, f64)>,
    pub journal_jobs: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FloorReport {
    pub backend: String,
    pub postings_per_job: usize,
    pub docs_per_journal_job: usize,
    /// Time spent in each measurement.
    pub seconds: f64,
    pub sent: FloorPhase,
    pub one_trip: Option<FloorPhase>,
    pub commits_per_sec: f64,
    pub setup_seconds: f64,
}

/// Measures the floor on scratch copies of `location_url`'s and `transaction_url`'s shards.
/// The scratch databases are dropped whatever happens, unless the process dies first (the
/// next run drops them before starting).
pub async fn run(
    location_url: &str,
    transaction_url: &str,
    opts: &FloorOptions,
) -> Result<FloorReport> {
    sqlx::any::install_default_drivers();
    let b = Backend::from_url(location_url)?;
    if Backend::from_url(transaction_url)? != b {
        return Err(Error::Invalid(
            "the floor needs the location and transaction shards on the same engine".into(),
        ));
    }
    let setup = Instant::now();
    let loc = Scratch::create(b, ShardName::Location, location_url).await?;
    let txn = match Scratch::create(b, ShardName::Transaction, transaction_url).await {
        Ok(t) => t,
        Err(e) => {
            loc.drop_all(b).await;
            return Err(e);
        }
    };
    let r = measure(b, &loc, &txn, opts, setup).await;
    loc.drop_all(b).await;
    txn.drop_all(b).await;
    r
}

async fn measure(
    b: Backend,
    loc: &Scratch,
    txn: &Scratch,
    opts: &FloorOptions,
    setup: Instant,
) -> Result<FloorReport> {
    let mut lc = loc.connect(b).await?;
    let mut tc = txn.connect(b).await?;
    let mut w = Workload::seed(&mut lc, b, opts.seed).await?;
    for q in &opts.session {
        for (c, s) in [(&mut lc, "location"), (&mut tc, "transaction")] {
            c.execute(sqlx::AssertSqlSafe(q.clone()))
                .await
                .map_err(Error::db(s))?;
        }
    }
    let mut r = FloorReport {
        backend: b.name().into(),
        postings_per_job: opts.postings_per_job.max(1),
        docs_per_journal_job: opts.docs_per_journal_job.max(1),
        setup_seconds: setup.elapsed().as_secs_f64(),
        ..Default::default()
    };
    let turn = Duration::from_secs(1);
    let (mut sent, mut one) = (Tally::default(), Tally::default());
    let (mut commits, mut commit_time) = (0u64, Duration::ZERO);
    // Postings drawn ahead of each turn: a little more than the last turn of its kind used.
    let (mut ahead_sent, mut ahead_one) = (4_000, 4_000);
    for _ in 0..opts.seconds.max(1) {
        w.draw_ahead(ahead_sent);
        let t = phase(b, &mut lc, &mut tc, &mut w, &r, Trips::AsSent, turn).await?;
        ahead_sent = (t.postings as usize) * 5 / 4 + r.postings_per_job;
        sent.add(t);
        if b != Backend::Sqlite {
            w.draw_ahead(ahead_one);
            let t = phase(b, &mut lc, &mut tc, &mut w, &r, Trips::OneTrip, turn).await?;
            ahead_one = (t.postings as usize) * 5 / 4 + r.postings_per_job;
            one.add(t);
        }
        let (n, took) = commit_only(b, &mut lc, turn).await?;
        commits += n;
        commit_time += took;
    }
    r.seconds = sent.elapsed.as_secs_f64();
    r.sent = sent.phase();
    r.one_trip = (b != Backend::Sqlite).then(|| one.phase());
    r.commits_per_sec = commits as f64 / commit_time.as_secs_f64().max(1e-9);
    let _ = lc.close().await;
    let _ = tc.close().await;
    Ok(r)
}

/// What one way of sending did over its turns.
#[derive(Default)]
struct Tally {
    postings: u64,
    jobs: u64,
    elapsed: Duration,
    busy: Duration,
    commit: Duration,
    trips: usize,
    by_trip: Vec<(String, Duration)>,
    journal_jobs: u64,
}

impl Tally {
    fn trip(&mut self, what: String, took: Duration) {
        match self.by_trip.iter_mut().find(|(w, _)| *w == what) {
            Some(e) => e.1 += took,
            None => self.by_trip.push((what, took)),
        }
    }

    fn add(&mut self, t: Tally) {
        self.postings += t.postings;
        self.jobs += t.jobs;
        self.elapsed += t.elapsed;
        self.busy += t.busy;
        self.commit += t.commit;
        self.trips = self.trips.max(t.trips);
        self.journal_jobs += t.journal_jobs;
        for (what, took) in t.by_trip {
            self.trip(what, took);
        }
    }

    fn phase(&self) -> FloorPhase {
        let jobs = self.jobs.max(1) as f64;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0 / jobs;
        FloorPhase {
            postings_per_sec: self.postings as f64 / self.elapsed.as_secs_f64().max(1e-9),
            jobs: self.jobs,
            ms_per_job: ms(self.busy),
            commit_ms_per_job: ms(self.commit),
            trips_per_job: self.trips,
            ms_by_trip: self
                .by_trip
                .iter()
                .map(|(w, d)| (w.clone(), ms(*d)))
                .collect(),
            journal_jobs: self.journal_jobs,
        }
    }
}

/// How a job's statements travel.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Trips {
    AsSent,
    OneTrip,
}

type Stmt = (String, Vec<Arg>);

/// One statement as a prepared (and cached) query with its arguments: one trip, plus one to
/// prepare it the first time its text is seen.
async fn prepared(
    c: &mut AnyConnection,
    b: Backend,
    s: &'static str,
    sql: String,
    args: Vec<Arg>,
) -> Result<u64> {
    let mut q = sqlx::query(b.dyn_sql(sql));
    for a in args {
        q = crate::db::multi::bind(q, a);
    }
    Ok(c.execute(q).await.map_err(Error::db(s))?.rows_affected())
}

/// Rows changed by each statement of one trip.
async fn one_query<'q, E>(c: &mut AnyConnection, q: E, s: &'static str) -> Result<Vec<u64>>
where
    E: sqlx::Execute<'q, sqlx::Any> + 'q,
{
    let mut out = Vec::new();
    let mut rows = c.fetch_many(q);
    while let Some(item) = rows.try_next().await.map_err(Error::db(s))? {
        if let Either::Left(done) = item {
            out.push(done.rows_affected());
        }
    }
    Ok(out)
}

/// `sql` with each `?` replaced by its argument as a literal. Standard quoting only: gudang's
/// MySQL sessions set `NO_BACKSLASH_ESCAPES`, PostgreSQL's strings are standard by default.
fn inline(sql: &str, args: &[Arg]) -> String {
    let mut out = String::with_capacity(sql.len() + args.len() * 12);
    let mut args = args.iter();
    for ch in sql.chars() {
        if ch != '?' {
            out.push(ch);
            continue;
        }
        match args.next() {
            Some(Arg::Int(Some(v))) => out.push_str(&v.to_string()),
            Some(Arg::Text(Some(t))) => {
                out.push('\'');
                out.push_str(&t.replace('\'', "''"));
                out.push('\'');
            }
            Some(Arg::Int(None) | Arg::Text(None)) => out.push_str("NULL"),
            None => out.push('?'),
        }
    }
    out
}

/// What a statement of the decision job is, for the time breakdown: its verb and table.
fn label(sql: &str) -> String {
    let w: Vec<&str> = sql.split_whitespace().take(3).collect();
    match w.as_slice() {
        ["INSERT" | "DELETE", _, table, ..] => format!("{} {table}", w[0]),
        ["UPDATE" | "SAVEPOINT", x, ..] => format!("{} {x}", w[0]),
        ["SELECT", ..] => "writer lock".into(),
        ["BEGIN" | "START", ..] => "begin".into(),
        _ => sql.chars().take(24).collect(),
    }
}

/// Each trip of a job: what it carried and how long it took.
type Trace = Vec<(String, Duration)>;

/// Commits `stmts` as one job in its own batch, as the shard writer runs a batch of one job.
/// Returns the rows each statement changed and each trip's time (the last is the commit).
async fn commit_job(
    c: &mut AnyConnection,
    b: Backend,
    s: &'static str,
    how: Trips,
    stmts: Vec<Stmt>,
) -> Result<(Vec<u64>, Trace)> {
    let opening: Vec<&str> = match b.serialize_writers(s) {
        None => vec![b.begin_write_batch()],
        Some(lock) => vec![b.begin_write(), lock, "SAVEPOINT job"],
    };
    let mut trace = Trace::new();
    let work = async {
        let mut t = Instant::now();
        let mut lap = |what: String, trace: &mut Trace| {
            trace.push((what, t.elapsed()));
            t = Instant::now();
        };
        if b == Backend::Sqlite || how == Trips::AsSent {
            for q in &opening {
                c.execute(*q).await.map_err(Error::db(s))?;
                lap(label(q), &mut trace);
            }
        }
        let done = match (b, how) {
            (Backend::Sqlite, _) => {
                let sql = stmts
                    .iter()
                    .map(|(q, _)| q.as_str())
                    .collect::<Vec<_>>()
                    .join(";\n");
                let keep = sql.len() <= 16 * 1024;
                let mut q = sqlx::query(b.dyn_sql(sql)).persistent(keep);
                for a in stmts.into_iter().flat_map(|(_, a)| a) {
                    q = crate::db::multi::bind(q, a);
                }
                let done = one_query(c, q, s).await?;
                lap("the job's statements (one trip)".into(), &mut trace);
                done
            }
            (_, Trips::AsSent) => {
                let mut done = Vec::with_capacity(stmts.len());
                for (sql, args) in stmts {
                    let what = label(&sql);
                    done.push(prepared(c, b, s, sql, args).await?);
                    lap(what, &mut trace);
                }
                done
            }
            (_, Trips::OneTrip) => {
                let mut text: Vec<String> = opening.iter().map(|q| q.to_string()).collect();
                for (sql, args) in &stmts {
                    let sql = match b {
                        Backend::Mysql => b.dyn_sql(sql.clone()).0,
                        _ => sql.clone(),
                    };
                    text.push(inline(&sql, args));
                }
                let q = sqlx::raw_sql(sqlx::AssertSqlSafe(text.join(";\n")));
                let done = one_query(c, q, s).await?;
                lap("opening and statements (one trip)".into(), &mut trace);
                // The opening's answers first (on MySQL each statement answers once; on
                // PostgreSQL `BEGIN ...; SAVEPOINT job` is sent as one text and answers twice).
                let skip = done.len().saturating_sub(stmts.len());
                done[skip..].to_vec()
            }
        };
        c.execute("RELEASE SAVEPOINT job; COMMIT")
            .await
            .map_err(Error::db(s))?;
        lap("commit".into(), &mut trace);
        Ok::<_, Error>(done)
    }
    .await;
    match work {
        Ok(done) => Ok((done, trace)),
        Err(e) => {
            let _ = c.execute("ROLLBACK").await;
            Err(e)
        }
    }
}

/// One turn: the decision writer commits jobs of `postings_per_job` postings back to back for
/// `turn` while the journal writer journals what was decided, `docs_per_journal_job` documents
/// at a time (and what is left when the turn ends, untimed).
async fn phase(
    b: Backend,
    lc: &mut AnyConnection,
    tc: &mut AnyConnection,
    w: &mut Workload,
    r: &FloorReport,
    how: Trips,
    turn: Duration,
) -> Result<Tally> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<JournalDoc>>();
    let forgets = w.forgets.clone();
    let per_journal = r.docs_per_journal_job;
    let journal = async move {
        let (mut jobs, mut pending, mut open) = (0u64, Vec::<JournalDoc>::new(), true);
        while open || !pending.is_empty() {
            while open && pending.len() < per_journal {
                match rx.recv().await {
                    Some(docs) => pending.extend(docs),
                    None => open = false,
                }
            }
            if pending.is_empty() {
                break;
            }
            let docs = std::mem::take(&mut pending);
            commit_job(tc, b, "transaction", how, journal_job(&docs)).await?;
            jobs += 1;
            let mut f = forgets.lock().unwrap_or_else(|p| p.into_inner());
            f.extend(docs.into_iter().map(|d| d.header.id));
        }
        Ok::<u64, Error>(jobs)
    };
    let decide = async move {
        let mut tally = Tally::default();
        let started = Instant::now();
        while started.elapsed() < turn {
            let t = Instant::now();
            let mut batch = w.next_job(r.postings_per_job);
            let forgets = std::mem::take(&mut *w.forgets.lock().unwrap_or_else(|p| p.into_inner()));
            let (stmts, cas, takes, must) = decision_job(w, &mut batch, &forgets);
            let (done, trace) = commit_job(lc, b, "location", how, stmts).await?;
            let numbered = done.get(cas).is_some_and(|d| d.iter().all(|n| *n == 1));
            let taken: u64 = done.get(takes).map_or(0, |d| d.iter().sum());
            if !numbered || taken != must {
                return Err(Error::Unavailable(format!(
                    "bench floor: a decision job did not apply (numbers {numbered}, {taken} of {must} takes)"
                )));
            }
            tally.busy += t.elapsed();
            tally.commit += trace.last().map_or(Duration::ZERO, |l| l.1);
            tally.jobs += 1;
            tally.trips = trace.len();
            for (what, took) in trace {
                tally.trip(what, took);
            }
            tally.postings += batch.len() as u64;
            let _ = tx.send(batch.into_iter().map(|p| p.doc).collect());
        }
        tally.elapsed = started.elapsed();
        drop(tx);
        Ok::<Tally, Error>(tally)
    };
    let (tally, journaled) = tokio::join!(decide, journal);
    let mut tally = tally?;
    tally.journal_jobs = journaled?;
    Ok(tally)
}

/// Durable commits of a one-row update, one trip each, back to back for `turn`: how many,
/// and the time they took.
async fn commit_only(b: Backend, c: &mut AnyConnection, turn: Duration) -> Result<(u64, Duration)> {
    let sql = format!(
        "{}; UPDATE heartbeat SET at = at + 1 WHERE id = 1; COMMIT",
        b.begin_write()
    );
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < turn {
        if let Err(e) = c
            .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())))
            .await
        {
            let _ = c.execute("ROLLBACK").await;
            return Err(Error::db("location")(e));
        }
        n += 1;
    }
    Ok((n, started.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_in_as_standard_literals() {
        assert_eq!(
            inline(
                "INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?)",
                &[
                    Arg::from(-5),
                    Arg::from("it's"),
                    Arg::Text(None),
                    Arg::Int(None)
                ]
            ),
            "INSERT INTO t (a, b, c, d) VALUES (-5, 'it''s', NULL, NULL)"
        );
        assert_eq!(
            inline("SELECT '\\' || ?", &["\\n".into()]),
            "SELECT '\\' || '\\n'"
        );
    }
}
