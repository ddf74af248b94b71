//! Idempotency of posting by client-made id (ARCHITECTURE.md section 4, guarantee 4): the same
//! id submitted concurrently and repeatedly posts once; a retry after the first attempt was cut
//! off (the `gudang` binary killed at a protocol failpoint: before its decision, after it but
//! before the journal, after the journal but before the outbox entry was dropped, or a
//! recovery killed half-way) finishes it exactly once, journaled once and counted once; an id
//! whose first attempt was refused keeps reporting that refusal.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::time::Duration;

use gudang::domain::{Quantity, TxKind, TxStatus, ids};
use gudang::service::posting::{LineRequest, PostOutcome, PostRequest};
use gudang::{Actor, Services};
use tokio::sync::Barrier;

fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

fn receipt(id: &str, to: &str, lines: Vec<LineRequest>) -> PostRequest {
    PostRequest {
        id: Some(id.into()),
        kind: Some(TxKind::Receipt),
        dest: Some(to.into()),
        lines,
        ..Default::default()
    }
}

/// Posts `req` from `tasks` tasks released together, each `attempts` times.
async fn post_concurrently(
    s: &Services,
    actor: &Actor,
    req: &PostRequest,
    tasks: usize,
    attempts: usize,
) -> Vec<PostOutcome> {
    let start = Arc::new(Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (s, actor, req, start) = (s.clone(), actor.clone(), req.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let mut outs = Vec::new();
                for _ in 0..attempts {
                    outs.push(s.post(&actor, &req).await.expect("post"));
                }
                outs
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all
}

/// Asserts every outcome reports the same posting, and returns it.
fn one_result(outs: &[PostOutcome]) -> PostOutcome {
    let first = outs[0].clone();
    for o in outs {
        assert_eq!(
            (&o.id, &o.number, o.status, &o.reason),
            (&first.id, &first.number, first.status, &first.reason)
        );
    }
    PostOutcome {
        replayed: false,
        ..first
    }
}

async fn scalar(s: &Services, location_shard: bool, sql: &'static str, arg: &str) -> i64 {
    let shard = if location_shard {
        &s.shards.location
    } else {
        &s.shards.transaction
    };
    let arg = arg.to_string();
    shard
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .bind(arg)
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("test"))
            })
        })
        .await
        .unwrap()
}

async fn movements_of(s: &Services, id: &str) -> i64 {
    scalar(
        s,
        true,
        "SELECT COUNT(*) FROM movements WHERE txn_id = ?",
        id,
    )
    .await
}

async fn headers(s: &Services) -> i64 {
    scalar(
        s,
        false,
        "SELECT COUNT(*) FROM transactions WHERE id <> ?",
        "",
    )
    .await
}

async fn posted_in_summary(s: &Services, kind: &str) -> i64 {
    scalar(
        s,
        false,
        "SELECT CAST(COALESCE(SUM(txn_count), 0) AS BIGINT) FROM daily_summary WHERE kind = ?",
        kind,
    )
    .await
}

async fn qty(s: &Services, loc: &str, sku: &str) -> i64 {
    s.stock(Some(loc), Some(sku), false, 10)
        .await
        .unwrap()
        .first()
        .map(|v| v.quantity_milli)
        .unwrap_or(0)
}

async fn assert_clean(s: &Services) {
    // The journal follows the answers (and the test config has no grace period).
    s.settled().await;
    let r = s.check().await.unwrap();
    assert!(r.ok(), "{:#?}", r.violations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_id_concurrently_and_repeatedly_posts_once() {
    let env = common::sqlite_env().await;
    common::seed(&env, 2).await;
    let s = &env.services;

    let id = ids::new_id();
    let req = receipt(&id, "A", vec![line("P1", 10), line("P2", 4)]);
    let outs = post_concurrently(s, &env.admin, &req, 16, 4).await;
    assert_eq!(outs.len(), 64);
    let r = one_result(&outs);
    assert_eq!(r.status, TxStatus::Posted);
    assert_eq!(
        outs.iter().filter(|o| !o.replayed).count(),
        1,
        "exactly one call made the posting"
    );
    s.settled().await;
    assert_eq!(headers(s).await, 1);
    assert_eq!(movements_of(s, &id).await, 2);
    assert_eq!(
        (qty(s, "A", "P1").await, qty(s, "A", "P2").await),
        (10_000, 4_000)
    );
    assert_eq!(posted_in_summary(s, "receipt").await, 1);

    // A transfer has two legs per line; the same holds.
    let id = ids::new_id();
    let req = PostRequest {
        id: Some(id.clone()),
        kind: Some(TxKind::Transfer),
        source: Some("A".into()),
        dest: Some("B".into()),
        lines: vec![line("P1", 3), line("P2", 1)],
        ..Default::default()
    };
    let outs = post_concurrently(s, &env.admin, &req, 16, 3).await;
    let t = one_result(&outs);
    assert_eq!(t.status, TxStatus::Posted);
    assert_ne!(t.number, r.number);
    assert_eq!(outs.iter().filter(|o| !o.replayed).count(), 1);
    s.settled().await;
    assert_eq!(headers(s).await, 2);
    assert_eq!(movements_of(s, &id).await, 4);
    assert_eq!(
        (qty(s, "A", "P1").await, qty(s, "B", "P1").await),
        (7_000, 3_000)
    );
    assert_eq!(posted_in_summary(s, "transfer").await, 1);
    assert_clean(s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_id_keeps_its_refusal() {
    let env = common::sqlite_env().await;
    common::seed(&env, 1).await;
    let s = &env.services;
    let id = ids::new_id();
    let issue = PostRequest {
        id: Some(id.clone()),
        kind: Some(TxKind::Issue),
        source: Some("A".into()),
        lines: vec![line("P1", 5)],
        ..Default::default()
    };
    let outs = post_concurrently(s, &env.admin, &issue, 8, 3).await;
    let r = one_result(&outs);
    assert_eq!(r.status, TxStatus::Rejected);
    assert_eq!(
        r.reason.as_deref(),
        Some("only 0 of SKU P1 left at A (line 1 needs 5)")
    );
    assert_eq!(outs.iter().filter(|o| !o.replayed).count(), 1);

    // Stock arrives; the refused id still reports its refusal and takes none of it.
    assert!(
        s.post(
            &env.admin,
            &receipt(&ids::new_id(), "A", vec![line("P1", 100)])
        )
        .await
        .unwrap()
        .is_posted()
    );
    let again = s.post(&env.admin, &issue).await.unwrap();
    assert!(again.replayed);
    assert_eq!(
        (again.number.as_str(), again.status, &again.reason),
        (r.number.as_str(), TxStatus::Rejected, &r.reason)
    );
    assert_eq!(qty(s, "A", "P1").await, 100_000);
    assert_eq!(movements_of(s, &id).await, 0);
    s.settled().await;
    assert_eq!(posted_in_summary(s, "issue").await, 0);
    let (st, outcomes, _) = status_of(s, &id).await;
    assert_eq!((st.as_deref(), outcomes), (Some("rejected"), 1));
    assert_clean(s).await;
}

/// Runs `gudang post receipt` with `id` and a failpoint armed, and asserts it was killed there.
async fn killed_cli_receipt(env: &common::Env, failpoint: &str, id: &str) {
    let args = [
        "post", "receipt", "--to", "A", "--line", "P1:5", "--line", "P2:2", "--id", id,
    ];
    killed_cli(env, failpoint, &args).await;
}

/// Runs `gudang ARGS` with a failpoint armed, and asserts it was killed there.
async fn killed_cli(env: &common::Env, failpoint: &str, args: &[&str]) {
    // Every start recovers whatever is in the outbox (with no grace): the tests below only
    // leave something there for a process that is killed before or inside its recovery.
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gudang"))
        .arg("--data-dir")
        .arg(env.dir.path())
        .args(args)
        .env("GUDANG_FAILPOINT", failpoint)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run gudang");
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("gudang did not exit")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = failpoint.split('@').next().unwrap_or(failpoint);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGKILL),
        "gudang was not killed at {failpoint}: {stderr}"
    );
    assert!(
        stderr.contains(&format!("failpoint {name}: killing process")),
        "{stderr}"
    );
}

/// What the shards hold for `id`: its journal status (`None`: not journaled), its outcomes on
/// the location shard, and its outbox entries.
async fn status_of(s: &Services, id: &str) -> (Option<String>, i64, i64) {
    let st = s
        .shards
        .transaction
        .read({
            let id = id.to_string();
            move |p| {
                Box::pin(async move {
                    sqlx::query_scalar::<_, String>("SELECT status FROM transactions WHERE id = ?")
                        .bind(id)
                        .fetch_optional(&p)
                        .await
                        .map_err(gudang::Error::db("test"))
                })
            }
        })
        .await
        .unwrap();
    (
        st,
        scalar(
            s,
            true,
            "SELECT COUNT(*) FROM outcomes WHERE txn_id = ?",
            id,
        )
        .await,
        scalar(s, true, "SELECT COUNT(*) FROM outbox WHERE txn_id = ?", id).await,
    )
}

/// Retries `id` (P1:5 and P2:2 into A) from 8 tasks twice each, as a clerk and an impatient
/// second terminal would, and asserts it was posted once, by the first attempt.
async fn retries_replay(s: &Services, actor: &Actor, id: &str, cut: &str) {
    let req = receipt(id, "A", vec![line("P1", 5), line("P2", 2)]);
    let outs = post_concurrently(s, actor, &req, 8, 2).await;
    let r = one_result(&outs);
    assert_eq!(r.status, TxStatus::Posted, "retry after {cut}");
    assert!(
        outs.iter().all(|o| o.replayed),
        "the first attempt made the posting, so every retry after {cut} is a replay"
    );
    assert_eq!(movements_of(s, id).await, 2);
    s.settled().await;
    let (st, outcomes, _) = status_of(s, id).await;
    assert_eq!(
        (st.as_deref(), outcomes),
        (Some("posted"), 1),
        "journaled after the retries of {cut}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_finishes_a_cut_off_posting_exactly_once() {
    let env = common::sqlite_env().await;
    common::seed(&env, 2).await;
    let s = &env.services;
    let mut expected_p1 = 0;
    let mut posted = 0;
    // Killed after the decision committed (not journaled), or after the journal commit (still
    // in the outbox): the decision stands and the retries only finish the journal.
    for (failpoint, journaled) in [("post.after_decide", false), ("post.after_journal", true)] {
        let id = ids::new_id();
        killed_cli_receipt(&env, failpoint, &id).await;
        assert_eq!(
            status_of(s, &id).await,
            (journaled.then(|| "posted".to_string()), 1, 1),
            "state left by a kill at {failpoint}"
        );
        expected_p1 += 5_000;
        assert_eq!(
            qty(s, "A", "P1").await,
            expected_p1,
            "the decision moved the stock before the kill at {failpoint}"
        );
        let before = headers(s).await;
        retries_replay(s, &env.admin, &id, failpoint).await;
        assert_eq!(headers(s).await, before + i64::from(!journaled));
        posted += 1;
        assert_eq!(
            qty(s, "A", "P1").await,
            expected_p1,
            "stock after finishing a posting cut off at {failpoint}"
        );
        assert_eq!(posted_in_summary(s, "receipt").await, posted);
        assert_clean(s).await;
    }

    // Cut off before its decision: nothing is stored, so the next start has nothing to recover
    // and the retry posts it (once).
    let id = ids::new_id();
    killed_cli_receipt(&env, "post.before_decide", &id).await;
    assert_eq!(status_of(s, &id).await, (None, 0, 0));
    assert_eq!(movements_of(s, &id).await, 0);
    let restarted = Services::open(common::sqlite_config(env.dir.path()))
        .await
        .unwrap();
    assert_eq!(status_of(&restarted, &id).await, (None, 0, 0));
    let req = receipt(&id, "A", vec![line("P1", 5), line("P2", 2)]);
    let r = restarted.post(&env.admin, &req).await.unwrap();
    assert!(!r.replayed, "nothing was stored, so the retry posts");
    assert!(r.is_posted());
    let again = restarted.post(&env.admin, &req).await.unwrap();
    assert!(again.replayed);
    assert_eq!((&again.number, again.status), (&r.number, r.status));
    expected_p1 += 5_000;
    posted += 1;
    assert_eq!(qty(s, "A", "P1").await, expected_p1);
    assert_eq!(movements_of(s, &id).await, 2);
    restarted.settled().await;
    assert_eq!(posted_in_summary(s, "receipt").await, posted);
    assert_clean(&restarted).await;

    // Decided, then another process's start-up recovery was killed before journaling it, or
    // after journaling it but before dropping it from the outbox: the retries report that
    // decision, journal it at most once and count it once.
    for (failpoint, journaled) in [
        ("recover.before_journal", false),
        ("recover.after_journal", true),
    ] {
        let id = ids::new_id();
        killed_cli_receipt(&env, "post.after_decide", &id).await;
        assert_eq!(status_of(s, &id).await, (None, 1, 1));
        killed_cli(&env, failpoint, &["recover", "--grace", "0"]).await;
        assert_eq!(
            status_of(s, &id).await,
            (journaled.then(|| "posted".to_string()), 1, 1),
            "state left by a recovery killed at {failpoint}"
        );
        expected_p1 += 5_000;
        let before = headers(s).await;
        retries_replay(s, &env.admin, &id, failpoint).await;
        assert_eq!(headers(s).await, before + i64::from(!journaled));
        posted += 1;
        assert_eq!(qty(s, "A", "P1").await, expected_p1);
        assert_eq!(posted_in_summary(s, "receipt").await, posted);
        assert_clean(s).await;
    }

    // A restart (recovery with no grace) leaves the outbox empty and changes nothing.
    let restarted = Services::open(common::sqlite_config(env.dir.path()))
        .await
        .unwrap();
    assert_eq!(
        scalar(
            &restarted,
            true,
            "SELECT COUNT(*) FROM outbox WHERE txn_id <> ?",
            ""
        )
        .await,
        0
    );
    assert_eq!(qty(&restarted, "A", "P1").await, expected_p1);
    assert_eq!(posted_in_summary(&restarted, "receipt").await, posted);
    assert_clean(&restarted).await;
}
