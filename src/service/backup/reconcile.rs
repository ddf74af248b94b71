//! Restore-time reconciliation of three snapshots taken at three moments (docs/backup.md, "How
//! a backup stays consistent"). Runs on the restored shards before recovery:
//!
//! 1. A journaled document the location snapshot never decided (the transaction shard was taken
//!    later) leaves the journal: header, lines and its share of the daily summary.
//! 2. A decided document the journal lacks whose outbox entry had already gone (the location
//!    shard was taken later) goes back into the outbox from the retained entries (location
//!    migration 7); recovery then journals it as after a crash.
//! 3. A product that the location or transaction shard names but master lacks (master was taken
//!    earlier) comes back as an inactive product marked as restored, with the SKU and name the
//!    journal knows, so no stock is ever dropped.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use sqlx::AnyConnection;

use crate::db::journal;
use crate::db::{Backend, ShardHandle, Shards};
use crate::domain::TxStatus;
use crate::error::{Error, Result};

/// Rows compared per round.
const PAGE: i64 = 500;
/// Document numbers named in the report at most (the count keeps going).
const NAMED: usize = 50;

/// What reconciliation changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReconcileReport {
    /// Journaled documents the location snapshot never decided, removed from the journal.
    pub removed_documents: u64,
    /// Their numbers (the first 50).
    pub removed_numbers: Vec<String>,
    /// Decided documents the journal lacked, put back in the outbox from the retained entries.
    pub requeued: u64,
    /// Products named by stock or the journal but missing from master, restored inactive.
    pub restored_products: Vec<RestoredProduct>,
}

pub use super::products::RestoredProduct;

/// Reconciles restored shards (see the module's documentation).
pub async fn reconcile(shards: &Shards) -> Result<ReconcileReport> {
    let mut r = ReconcileReport::default();
    remove_undecided(shards, &mut r).await?;
    requeue_retained(shards, &mut r).await?;
    r.restored_products = super::products::restore_missing(shards).await?;
    Ok(r)
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Which of `ids` appear in `column` of `table` on `shard` (outcomes or the outbox on the
/// location shard, headers in the journal).
async fn present(
    shard: &ShardHandle,
    table: &'static str,
    column: &'static str,
    ids: Vec<String>,
) -> Result<HashSet<String>> {
    let b = shard.backend();
    let name = shard.name().as_str();
    shard
        .read(move |p| {
            Box::pin(async move {
                let mut q = sqlx::query_scalar::<_, String>(b.dyn_sql(format!(
                    "SELECT {column} FROM {table} WHERE {column} IN ({})",
                    marks(ids.len())
                )));
                for id in &ids {
                    q = q.bind(id.clone());
                }
                let found = q.fetch_all(&p).await.map_err(Error::db(name))?;
                Ok(found.into_iter().collect())
            })
        })
        .await
}

/// Step 1: the journal's documents without a decision on the location shard leave it.
async fn remove_undecided(shards: &Shards, r: &mut ReconcileReport) -> Result<()> {
    let tb = shards.transaction.backend();
    let mut after = String::new();
    loop {
        let a = after.clone();
        let page: Vec<String> = shards
            .transaction
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_scalar(
                        tb.sql("SELECT id FROM transactions WHERE id > ? ORDER BY id LIMIT ?"),
                    )
                    .bind(a)
                    .bind(PAGE)
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("transaction"))
                })
            })
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.clone();
        let decided = present(&shards.location, "outcomes", "txn_id", page.clone()).await?;
        let undecided: Vec<String> = page
            .into_iter()
            .filter(|id| !decided.contains(id))
            .collect();
        if undecided.is_empty() {
            continue;
        }
        let numbers = shards
            .transaction
            .write(move |c| Box::pin(unjournal(c, tb, undecided)))
            .await?;
        r.removed_documents += numbers.len() as u64;
        keep_numbers_used(shards, &numbers).await?;
        for n in numbers {
            if r.removed_numbers.len() < NAMED {
                r.removed_numbers.push(n);
            }
        }
    }
}

/// The numbers of removed documents were given out (a clerk may hold a slip with one), so the
/// location shard's sequences move past them: a number never names two documents.
async fn keep_numbers_used(shards: &Shards, numbers: &[String]) -> Result<()> {
    let mut top: HashMap<(String, i64), i64> = HashMap::new();
    for n in numbers {
        if let Some((kind, year, no)) = split_number(n) {
            let e = top.entry((kind, year)).or_insert(no);
            *e = (*e).max(no);
        }
    }
    if top.is_empty() {
        return Ok(());
    }
    let lb = shards.location.backend();
    shards
        .location
        .write(move |c| {
            Box::pin(async move {
                for ((kind, year), no) in top {
                    sqlx::query(lb.sql(
                        "UPDATE number_seq SET last_no = ? WHERE kind = ? AND year = ? AND last_no < ?",
                    ))
                    .bind(no)
                    .bind(&kind)
                    .bind(year)
                    .bind(no)
                    .execute(&mut *c)
                    .await
                    .map_err(Error::db("location"))?;
                    sqlx::query(lb.sql(
                        "INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, ?) ON CONFLICT (kind, year) DO NOTHING",
                    ))
                    .bind(&kind)
                    .bind(year)
                    .bind(no)
                    .execute(&mut *c)
                    .await
                    .map_err(Error::db("location"))?;
                }
                Ok(())
            })
        })
        .await
}

/// `KIND-YEAR-000123` as (kind, year, number); `None` for anything else.
pub(crate) fn split_number(number: &str) -> Option<(String, i64, i64)> {
    let mut parts = number.rsplitn(3, '-');
    let no = parts.next()?.parse().ok()?;
    let year = parts.next()?.parse().ok()?;
    let kind = parts.next()?;
    (!kind.is_empty()).then(|| (kind.to_string(), year, no))
}

/// Removes documents from the journal, undoing their daily-summary share as journaling added
/// it (posted documents only). Returns their numbers.
async fn unjournal(c: &mut AnyConnection, b: Backend, ids: Vec<String>) -> Result<Vec<String>> {
    const S: &str = "transaction";
    let mut numbers = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(h) = journal::header_by_id(&mut *c, b, &id).await? else {
            continue;
        };
        for sql in [
            "DELETE FROM transaction_lines WHERE txn_id = ?",
            "DELETE FROM transactions WHERE id = ?",
        ] {
            sqlx::query(b.sql(sql))
                .bind(&id)
                .execute(&mut *c)
                .await
                .map_err(Error::db(S))?;
        }
        if h.status == TxStatus::Posted.as_str() {
            sqlx::query(b.sql("UPDATE daily_summary SET txn_count = txn_count - 1, line_count = line_count - ?, total_qty = total_qty - ?, total_value = total_value - ? WHERE day = ? AND kind = ?"))
                .bind(h.line_count).bind(h.total_qty).bind(h.total_value).bind(&h.day).bind(&h.kind)
                .execute(&mut *c).await.map_err(Error::db(S))?;
            sqlx::query(
                b.sql("DELETE FROM daily_summary WHERE day = ? AND kind = ? AND txn_count <= 0"),
            )
            .bind(&h.day)
            .bind(&h.kind)
            .execute(&mut *c)
            .await
            .map_err(Error::db(S))?;
        }
        numbers.push(h.number);
    }
    Ok(numbers)
}

/// A retained journaled entry: (journaled_at, txn_id, doc, at).
type Retained = (i64, String, String, i64);

/// Step 2: retained entries whose document the journal lacks go back into the outbox.
async fn requeue_retained(shards: &Shards, r: &mut ReconcileReport) -> Result<()> {
    let lb = shards.location.backend();
    let mut after: (i64, String) = (i64::MIN, String::new());
    let mut queued: HashSet<String> = HashSet::new();
    loop {
        let (aj, ai) = after.clone();
        let page: Vec<Retained> = shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_as(lb.sql("SELECT journaled_at, txn_id, doc, at FROM outbox_done WHERE journaled_at >= ? AND (journaled_at > ? OR txn_id > ?) ORDER BY journaled_at, txn_id LIMIT ?"))
                        .bind(aj).bind(aj).bind(ai).bind(PAGE)
                        .fetch_all(&p).await.map_err(Error::db("location"))
                })
            })
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = (last.0, last.1.clone());
        let ids: Vec<String> = page.iter().map(|e| e.1.clone()).collect();
        let have = present(&shards.transaction, "transactions", "id", ids.clone()).await?;
        let waiting = present(&shards.location, "outbox", "txn_id", ids).await?;
        let missing: Vec<Retained> = page
            .into_iter()
            .filter(|e| !have.contains(&e.1) && !waiting.contains(&e.1))
            .filter(|e| queued.insert(e.1.clone()))
            .collect();
        if missing.is_empty() {
            continue;
        }
        r.requeued += missing.len() as u64;
        shards
            .location
            .write(move |c| {
                Box::pin(async move {
                    for (journaled_at, id, doc, at) in missing {
                        sqlx::query(
                            lb.sql("INSERT INTO outbox (txn_id, doc, at) VALUES (?, ?, ?)"),
                        )
                        .bind(&id)
                        .bind(doc)
                        .bind(at)
                        .execute(&mut *c)
                        .await
                        .map_err(Error::db("location"))?;
                        sqlx::query(
                            lb.sql("DELETE FROM outbox_done WHERE journaled_at = ? AND txn_id = ?"),
                        )
                        .bind(journaled_at)
                        .bind(&id)
                        .execute(&mut *c)
                        .await
                        .map_err(Error::db("location"))?;
                    }
                    Ok(())
                })
            })
            .await?;
    }
}

#[cfg(test)]
mod tests {
    use super::split_number;

    #[test]
    fn splits_document_numbers() {
        assert_eq!(
            split_number("RCV-2026-000123"),
            Some(("RCV".to_string(), 2026, 123))
        );
        assert_eq!(split_number("RCV-2026"), None);
        assert_eq!(split_number("-2026-1"), None);
        assert_eq!(split_number("RCV-x-1"), None);
    }
}
