//! Backup and restore of the embedded SQLite deployment (docs/backup.md): backups taken while
//! 32 clerks post restore clean with every answered posting; the three shards taken at three
//! moments in every order reconcile; a gap beyond the outbox retention is reported by check;
//! a damaged or incomplete backup is refused, and so is a data directory that is not empty.

mod backup_parts;
mod common;

use std::path::Path;
use std::time::Duration;

use backup_parts::load::Load;
use backup_parts::restored::{restore_and_prove, snapshots_in_order};
use common::backend::{Db, TestEnv};
use gudang::db::ShardName;
use gudang::domain::ids::now_micros;
use gudang::domain::{Quantity, TxKind};
use gudang::service::backup::{self, Manifest};
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::service::recovery;

const T: ShardName = ShardName::Transaction;
const L: ShardName = ShardName::Location;
const M: ShardName = ShardName::Master;

async fn loaded_env(products: usize) -> common::Env {
    let env = common::sqlite_env().await;
    common::seed(&env, products).await;
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backups_during_a_32_clerk_load_restore_clean() {
    let env = loaded_env(20).await;
    let s = &env.services;
    let load = Load::start(s, &env.admin, 32, 20, false);
    let root = tempfile::tempdir().expect("temp dir");
    let mut taken = Vec::new();
    let mut during = 0;
    for i in 0..2 {
        load.advance(1000, false).await;
        let dest = root.path().join(format!("backup-{i}"));
        let began = now_micros();
        let before = load.count();
        let m = backup::backup(&s.config, &dest).await.expect("backup");
        during += load.count() - before;
        assert_eq!(m.order, ["transaction", "location", "master"]);
        let v = backup::verify(&dest).await.expect("verify");
        assert!(v.ok(), "{:?}", v.problems);
        taken.push((dest, began));
    }
    assert!(during > 0, "the clerks kept posting while the backups ran");
    load.advance(100, false).await;
    let acked = load.stop().await;
    for (dest, began) in &taken {
        let r = restore_and_prove(root.path(), dest, &acked, *began).await;
        // Taken in the safe order: nothing to remove or restore, only retained entries to
        // finish (postings decided while the transaction shard was being taken).
        assert_eq!(r.reconcile.removed_documents, 0, "{:?}", r.reconcile);
        assert!(r.reconcile.restored_products.is_empty());
    }
    // The live deployment is untouched by it all.
    s.settled().await;
    assert!(s.check().await.expect("check").ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shards_taken_at_different_moments_in_every_order_reconcile() {
    let env = loaded_env(10).await;
    let s = &env.services;
    let load = Load::start(s, &env.admin, 8, 10, true);
    let root = tempfile::tempdir().expect("temp dir");
    let orders: [[ShardName; 3]; 6] = [
        [T, L, M],
        [T, M, L],
        [L, T, M],
        [L, M, T],
        [M, T, L],
        [M, L, T],
    ];
    let mut taken = Vec::new();
    for order in orders {
        let name: Vec<&str> = order.iter().map(|s| s.as_str()).collect();
        let dest = root.path().join(name.join("-"));
        load.advance(40, false).await;
        let began = now_micros();
        // Between two snapshots clerks post more and a new product is made and received.
        snapshots_in_order(s, &dest, &order, || load.advance(40, true)).await;
        taken.push((order, dest, began));
    }
    let acked = load.stop().await;
    for (order, dest, began) in &taken {
        let r = restore_and_prove(root.path(), dest, &acked, *began).await;
        let pos = |x: ShardName| order.iter().position(|o| *o == x).unwrap_or(0);
        let c = &r.reconcile;
        if pos(T) > pos(L) {
            assert!(
                c.removed_documents > 0,
                "{order:?}: journal newer than location: {c:?}"
            );
        } else {
            assert_eq!(c.removed_documents, 0, "{order:?}: {c:?}");
        }
        if pos(L) > pos(T) {
            assert!(
                c.requeued > 0,
                "{order:?}: location newer than journal: {c:?}"
            );
        }
        if pos(M) < pos(L) {
            assert!(
                !c.restored_products.is_empty(),
                "{order:?}: master older than location: {c:?}"
            );
            assert!(
                c.restored_products
                    .iter()
                    .all(|p| p.name.starts_with("[restored] "))
            );
        }
        if pos(M) == 2 {
            assert!(c.restored_products.is_empty(), "{order:?}: {c:?}");
        }
    }
}

fn receipt(sku: &str, units: i64) -> PostRequest {
    PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![LineRequest {
            code: sku.into(),
            qty: Quantity::units(units),
            price: None,
        }],
        ..Default::default()
    }
}

async fn outbox_rows(s: &gudang::Services, table: &'static str) -> i64 {
    let lb = s.shards.location.backend();
    s.shards
        .location
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_scalar(lb.dyn_sql(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("location"))
            })
        })
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_beyond_the_retention_is_reported_by_check() {
    let env = loaded_env(2).await;
    let s = &env.services;
    for _ in 0..3 {
        s.post(&env.admin, &receipt("P1", 2)).await.expect("post");
    }
    s.finish_journal().await;
    let root = tempfile::tempdir().expect("temp dir");
    let dest = root.path().join("gap");
    let gap_docs = 4;
    snapshots_in_order(s, &dest, &[T, L, M], || async {
        for _ in 0..gap_docs {
            s.post(&env.admin, &receipt("P2", 1)).await.expect("post");
        }
        s.finish_journal().await;
        wait_until_empty_outbox(s).await;
        // The retained entries grow older than the retention and are purged.
        let lb = s.shards.location.backend();
        s.shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    sqlx::query(
                        lb.sql("UPDATE outbox_done SET journaled_at = journaled_at - 90000000000"),
                    )
                    .execute(&mut *c)
                    .await
                    .map_err(gudang::Error::db("location"))?;
                    Ok(())
                })
            })
            .await
            .expect("age");
        let purged = recovery::purge_retained(s).await.expect("purge");
        assert!(purged >= gap_docs as u64, "purged {purged}");
        assert_eq!(outbox_rows(s, "outbox_done").await, 0);
    })
    .await;
    let data = root.path().join("restored");
    let r = backup::restore(common::sqlite_config(&data), &dest)
        .await
        .expect("restore runs");
    assert!(!r.ok(), "a gap beyond the retention must not restore clean");
    let orphans = r
        .check
        .violations
        .iter()
        .filter(|v| v.detail.contains("has no header and nothing in the outbox"))
        .count();
    assert_eq!(orphans, gap_docs, "{:?}", r.check.violations);
    assert_eq!(r.reconcile.requeued, 0);
}

async fn wait_until_empty_outbox(s: &gudang::Services) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    while outbox_rows(s, "outbox").await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox never emptied"
        );
        s.finish_journal().await;
        tick.tick().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retained_entries_are_kept_then_purged_after_the_retention() {
    let env = loaded_env(1).await;
    let s = &env.services;
    for _ in 0..5 {
        s.post(&env.admin, &receipt("P1", 1)).await.expect("post");
    }
    s.finish_journal().await;
    wait_until_empty_outbox(s).await;
    assert_eq!(outbox_rows(s, "outbox_done").await, 5);
    // Within the retention: kept.
    assert_eq!(recovery::purge_retained(s).await.expect("purge"), 0);
    assert_eq!(outbox_rows(s, "outbox_done").await, 5);
    // Two of them grow older than the retention (25 h): the next start-up purges just those.
    let lb = s.shards.location.backend();
    s.shards
        .location
        .write(move |c| {
            Box::pin(async move {
                sqlx::query(lb.sql("UPDATE outbox_done SET journaled_at = journaled_at - 90000000000 WHERE txn_id IN (SELECT txn_id FROM outbox_done ORDER BY journaled_at LIMIT 2)"))
                    .execute(&mut *c)
                    .await
                    .map_err(gudang::Error::db("location"))?;
                Ok(())
            })
        })
        .await
        .expect("age");
    let again = gudang::Services::open(common::sqlite_config(env.dir.path()))
        .await
        .expect("open again");
    assert_eq!(outbox_rows(&again, "outbox_done").await, 3);
}

fn flip_byte(path: &Path, at: u64) {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open");
    let mut b = [0u8; 1];
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.read_exact(&mut b).expect("read");
    f.seek(SeekFrom::Start(at)).expect("seek");
    f.write_all(&[b[0] ^ 0xff]).expect("write");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_or_incomplete_backups_and_busy_data_dirs_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = loaded_env(2).await;
    let s = &env.services;
    s.post(&env.admin, &receipt("P1", 3)).await.expect("post");
    s.finish_journal().await;
    let root = tempfile::tempdir().expect("temp dir");
    let good = root.path().join("good");
    backup::backup(&s.config, &good).await.expect("backup");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&good), 0o700);
    for f in [
        "master.db",
        "location.db",
        "transaction.db",
        "manifest.json",
    ] {
        assert_eq!(mode(&good.join(f)), 0o600, "{f}");
    }
    assert!(backup::verify(&good).await.expect("verify").ok());
    // Into a directory that is not empty: refused, nothing written.
    let e = backup::backup(&s.config, &good)
        .await
        .expect_err("non-empty dest");
    assert!(e.to_string().contains("is not empty"), "{e}");

    // One flipped byte: the checksum says so, and restore writes nothing.
    let bad = root.path().join("bad");
    copy_dir(&good, &bad);
    let size = std::fs::metadata(bad.join("location.db"))
        .expect("meta")
        .len();
    flip_byte(&bad.join("location.db"), size / 2);
    let v = backup::verify(&bad).await.expect("verify");
    assert!(!v.ok());
    assert!(
        v.problems
            .iter()
            .any(|p| p.contains("location") && p.contains("checksum")),
        "{:?}",
        v.problems
    );
    let data = root.path().join("data-bad");
    let e = backup::restore(common::sqlite_config(&data), &bad)
        .await
        .expect_err("damaged backup");
    assert!(e.to_string().contains("does not verify"), "{e}");
    assert!(!data.exists(), "nothing written for a damaged backup");

    // A damaged page whose manifest was made to match: the integrity check finds it.
    let forged = root.path().join("forged");
    copy_dir(&good, &forged);
    let file = forged.join("transaction.db");
    let size = std::fs::metadata(&file).expect("meta").len();
    // Every b-tree page after the first gets an impossible page type.
    for at in (4096..size).step_by(4096) {
        flip_byte(&file, at);
    }
    let text = std::fs::read_to_string(forged.join("manifest.json")).expect("manifest");
    let mut m: Manifest = serde_json::from_str(&text).expect("parse");
    let bytes = std::fs::read(&file).expect("read");
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    for e in &mut m.shards {
        if e.shard == "transaction" {
            e.sha256 = sha.clone();
        }
    }
    m.write(&forged).expect("write manifest");
    let v = backup::verify(&forged).await.expect("verify");
    assert!(
        v.problems.iter().any(|p| p.contains("transaction")
            && (p.contains("integrity") || p.contains("cannot be read"))),
        "{:?}",
        v.problems
    );

    // No manifest, or one that is not JSON: refused.
    let bare = root.path().join("bare");
    copy_dir(&good, &bare);
    std::fs::remove_file(bare.join("manifest.json")).expect("rm");
    let v = backup::verify(&bare).await.expect("verify");
    assert!(
        v.problems[0].contains("has no manifest.json"),
        "{:?}",
        v.problems
    );
    std::fs::write(bare.join("manifest.json"), "{ not json").expect("write");
    let v = backup::verify(&bare).await.expect("verify");
    assert!(
        v.problems[0].contains("manifest.json cannot be read"),
        "{:?}",
        v.problems
    );
    assert!(
        backup::restore(common::sqlite_config(&root.path().join("d2")), &bare)
            .await
            .is_err()
    );

    // A data directory that holds anything: refused, left as it was.
    let busy = root.path().join("busy");
    std::fs::create_dir_all(&busy).expect("dir");
    std::fs::write(busy.join("notes.txt"), "keep me").expect("write");
    let e = backup::restore(common::sqlite_config(&busy), &good)
        .await
        .expect_err("busy data dir");
    assert!(e.to_string().contains("is not empty"), "{e}");
    let left: Vec<_> = std::fs::read_dir(&busy).expect("dir").collect();
    assert_eq!(left.len(), 1);
    assert_eq!(
        std::fs::read_to_string(busy.join("notes.txt")).expect("read"),
        "keep me"
    );

    // The good one restores, private.
    let fresh = root.path().join("fresh");
    let r = backup::restore(common::sqlite_config(&fresh), &good)
        .await
        .expect("restore");
    assert!(r.ok(), "{:?}", r.check.violations);
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("location.db")), 0o600);
}

/// On every engine: migration 7 applies, journaled entries are retained where a trigger keeps
/// them (SQLite, PostgreSQL; not MariaDB), the purge spares them within the retention, and the
/// reconciliation of `gudang recover --after-restore` changes nothing on a deployment that
/// needs nothing.
async fn retention_and_reconciliation_on_a_live_deployment(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let s = &env.services;
    for _ in 0..3 {
        env.post_ok(&receipt("P1", 2)).await;
    }
    s.finish_journal().await;
    wait_until_empty_outbox(s).await;
    let kept = if db == Db::Mariadb { 0 } else { 3 };
    assert_eq!(outbox_rows(s, "outbox_done").await, kept);
    assert_eq!(recovery::purge_retained(s).await.expect("purge"), 0);
    assert_eq!(outbox_rows(s, "outbox_done").await, kept);
    let r = backup::reconcile(&s.shards).await.expect("reconcile");
    assert_eq!((r.removed_documents, r.requeued), (0, 0), "{r:?}");
    assert!(r.restored_products.is_empty());
    assert!(s.check().await.expect("check").ok());
}

for_all_backends!(retention_and_reconciliation_on_a_live_deployment);
