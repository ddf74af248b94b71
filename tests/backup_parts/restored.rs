//! Restoring a backup and proving what the restored deployment holds.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use gudang::Services;
use gudang::db::journal;
use gudang::db::{ShardName, Shards};
use gudang::service::backup::{self, Manifest, RestoreReport, ShardFile};

use super::load::Acked;
use crate::common::{assert_summaries_match, sqlite_config};

/// Takes the shards of `s` one at a time in `order` into `dir`, calling `between` after each
/// but the last, and writes the manifest.
pub async fn snapshots_in_order<F, Fut>(
    s: &Services,
    dir: &Path,
    order: &[ShardName],
    mut between: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    backup::prepare_dest(dir).expect("backup dir");
    let files = backup::embedded_files(&s.config).expect("sqlite files");
    let mut taken: Vec<ShardFile> = Vec::new();
    for (i, shard) in order.iter().enumerate() {
        let src = &files.iter().find(|(n, _)| n == shard).expect("file").1;
        taken.push(
            backup::snapshot_shard(*shard, src, dir)
                .await
                .expect("snapshot"),
        );
        if i + 1 < order.len() {
            between().await;
        }
    }
    Manifest::new(taken).write(dir).expect("manifest");
}

/// Restores `backup` into a new data directory under `root` and proves it: `check` clean, the
/// daily summaries equal the journal, every posting answered before `answered_before` present
/// with its status and number, and every product that has stock known to master.
pub async fn restore_and_prove(
    root: &Path,
    backup: &Path,
    acked: &[Acked],
    answered_before: i64,
) -> RestoreReport {
    let data: PathBuf = root.join(format!(
        "restored-{}",
        backup.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ));
    let report = backup::restore(sqlite_config(&data), backup)
        .await
        .expect("restore");
    assert!(
        report.check.ok(),
        "restored {} fails check: {:?}",
        backup.display(),
        report.check.violations
    );
    let s = Services::open(sqlite_config(&data))
        .await
        .expect("open restored");
    assert_summaries_match(&s).await;
    let want: Vec<&Acked> = acked.iter().filter(|a| a.at < answered_before).collect();
    assert!(
        !want.is_empty(),
        "some postings were answered before the backup"
    );
    let ids: Vec<String> = want.iter().map(|a| a.id.clone()).collect();
    let tb = s.shards.transaction.backend();
    let headers = s
        .shards
        .transaction
        .read(move |p| Box::pin(async move { journal::headers_by_ids(&p, tb, &ids).await }))
        .await
        .expect("headers");
    let found: HashMap<&str, &journal::Header> =
        headers.iter().map(|h| (h.id.as_str(), h)).collect();
    for a in &want {
        let h = found.get(a.id.as_str()).unwrap_or_else(|| {
            panic!("posting {} answered before the backup is missing", a.number)
        });
        assert_eq!(
            (h.status.as_str(), h.number.as_str()),
            (a.status.as_str(), a.number.as_str()),
            "posting {} restored as it was answered",
            a.id
        );
    }
    assert_stock_products_known(&s.shards).await;
    assert_numbers_not_reused(&s.shards, &report.reconcile.removed_numbers).await;
    drop(s);
    report
}

/// Every product with a stock row or a journal line exists in master.
pub async fn assert_stock_products_known(shards: &Shards) {
    let q = |sql: &'static str| sql;
    let lb = shards.location.backend();
    let stocked: Vec<String> = shards
        .location
        .read(move |p| {
            Box::pin(async move {
                sqlx::query_scalar(lb.sql(q("SELECT DISTINCT product_id FROM stock")))
                    .fetch_all(&p)
                    .await
                    .map_err(gudang::Error::db("location"))
            })
        })
        .await
        .expect("stock products");
    let mb = shards.master.backend();
    let known: HashSet<String> = shards
        .master
        .read(move |p| {
            Box::pin(async move {
                let v: Vec<String> = sqlx::query_scalar(mb.sql("SELECT id FROM products"))
                    .fetch_all(&p)
                    .await
                    .map_err(gudang::Error::db("master"))?;
                Ok(v.into_iter().collect())
            })
        })
        .await
        .expect("products");
    for id in stocked {
        assert!(
            known.contains(&id),
            "product {id} has stock but is not in master"
        );
    }
}

/// Every number reconciliation removed from the journal lies behind its sequence on the
/// location shard, so no new document is given it.
async fn assert_numbers_not_reused(shards: &Shards, removed: &[String]) {
    for number in removed {
        let mut parts = number.rsplitn(3, '-');
        let no: i64 = parts.next().and_then(|n| n.parse().ok()).expect("number");
        let year: i64 = parts.next().and_then(|n| n.parse().ok()).expect("year");
        let kind = parts.next().expect("kind").to_string();
        let lb = shards.location.backend();
        let last: i64 = shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_scalar(
                        lb.sql("SELECT last_no FROM number_seq WHERE kind = ? AND year = ?"),
                    )
                    .bind(kind)
                    .bind(year)
                    .fetch_one(&p)
                    .await
                    .map_err(gudang::Error::db("location"))
                })
            })
            .await
            .expect("number sequence");
        assert!(
            last >= no,
            "{number} would be given again (sequence at {last})"
        );
    }
}
