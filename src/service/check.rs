//! `gudang check`: proves the posting guarantees on a live deployment. It streams both sides
//! of every cross-shard relation in key order and merges them, so memory stays flat however
//! long the history is.
//!
//! Verified: stock equals the sum of its movements; nothing is negative; every posted line has
//! exactly the movements its kind implies (a transfer moves and creates nothing) and nothing
//! else has any; every journaled header has the matching durable outcome and number, and every
//! outcome a header unless its document is still on its way from the outbox; nothing waits in
//! the outbox past the grace period; SQLite files pass their integrity check; every monthly
//! closing a report would trust equals the journal's sums up to its month's end.

mod one;

use std::collections::HashSet;

use futures::TryStreamExt;
use serde::Serialize;
use sqlx::{Executor, Row};
use tokio::sync::mpsc;

use super::Services;
use crate::db::{Backend, journal};
use crate::domain::TxKind;
use crate::domain::ids::now_micros;
use crate::error::{Error, Result};

/// Stop collecting after this many violations (the count keeps going).
const MAX_REPORTED: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    pub violation_count: u64,
    pub stock_rows: u64,
    pub movements: u64,
    pub posted_lines: u64,
    pub headers: u64,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.violation_count == 0
    }

    fn add(&mut self, rule: &'static str, detail: String) {
        self.violation_count += 1;
        if self.violations.len() < MAX_REPORTED {
            self.violations.push(Violation { rule, detail });
        }
    }
}

/// An expected movement: (txn_id, line_no, leg, location_id, product_id, delta).
type Leg = (String, i64, i64, String, String, i64);

impl Services {
    pub async fn check(&self) -> Result<CheckReport> {
        // This process's own postings first reach the journal (read-your-writes).
        self.settled().await;
        let mut r = CheckReport::default();
        self.check_integrity(&mut r).await?;
        self.check_stock(&mut r).await?;
        for (rule, detail) in self.check_closings().await? {
            r.add(rule, detail);
        }
        // The streams read the two shards at slightly different moments, so a posting decided
        // or journaled meanwhile can look inconsistent there. Every id that did is looked at
        // again on its own (see [`one`]), where the order of the reads settles it.
        let mut odd = self.check_outcomes(&mut r).await?;
        odd.extend(self.check_movements(&mut r).await?);
        let mut seen = HashSet::new();
        odd.retain(|id| seen.insert(id.clone()));
        for id in &odd {
            for (rule, detail) in self.check_one(id).await? {
                r.add(rule, detail);
            }
        }
        Ok(r)
    }

    async fn check_integrity(&self, r: &mut CheckReport) -> Result<()> {
        for shard in self.shards.all() {
            if shard.backend() != Backend::Sqlite {
                continue;
            }
            let name = shard.name().as_str();
            let res: Vec<String> = shard
                .read(move |p| {
                    Box::pin(async move {
                        let rows = p
                            .fetch_all("PRAGMA quick_check")
                            .await
                            .map_err(Error::db(name))?;
                        Ok(rows
                            .iter()
                            .filter_map(|row| row.try_get::<String, _>(0).ok())
                            .collect())
                    })
                })
                .await?;
            if res != ["ok"] {
                r.add("integrity", format!("{name} shard: {}", res.join("; ")));
            }
        }
        Ok(())
    }

    async fn check_stock(&self, r: &mut CheckReport) -> Result<()> {
        let b = self.shards.location.backend();
        let (rows, bad): (u64, Vec<(String, String, i64, i64)>) = self
            .shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    let rows: i64 = sqlx::query_scalar(b.sql("SELECT COUNT(*) FROM stock")).fetch_one(&p).await.map_err(Error::db("location"))?;
                    let bad: Vec<(String, String, i64, i64)> = sqlx::query_as(b.sql(
                        "SELECT s.location_id, s.product_id, s.quantity, COALESCE(m.total, 0) FROM stock s LEFT JOIN (SELECT location_id, product_id, CAST(SUM(delta) AS BIGINT) AS total FROM movements GROUP BY location_id, product_id) m ON m.location_id = s.location_id AND m.product_id = s.product_id WHERE s.quantity <> COALESCE(m.total, 0) OR s.quantity < 0 \
                         UNION ALL SELECT m.location_id, m.product_id, 0, m.total FROM (SELECT location_id, product_id, CAST(SUM(delta) AS BIGINT) AS total FROM movements GROUP BY location_id, product_id) m WHERE m.total <> 0 AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.location_id = m.location_id AND s.product_id = m.product_id)",
                    ))
                    .fetch_all(&p)
                    .await
                    .map_err(Error::db("location"))?;
                    Ok((rows as u64, bad))
                })
            })
            .await?;
        r.stock_rows = rows;
        for (loc, prod, qty, sum) in bad {
            if qty < 0 {
                r.add(
                    "never-negative",
                    format!("stock of product {prod} at location {loc} is {qty} (milli-units)"),
                );
            }
            if qty != sum {
                r.add("conservation", format!("stock of product {prod} at location {loc} is {qty} but its movements sum to {sum} (milli-units)"));
            }
        }
        Ok(())
    }

    /// Headers against outcomes, merged in id order; and how long decided documents have
    /// waited in the outbox. Returns the ids whose two sides disagreed when streamed.
    async fn check_outcomes(&self, r: &mut CheckReport) -> Result<Vec<String>> {
        type HeaderRow = (String, String, String);
        let (tx, mut rx) = mpsc::channel::<Vec<HeaderRow>>(4);
        let tb = self.shards.transaction.backend();
        let headers = self.shards.transaction.read(move |p| {
            Box::pin(async move {
                let mut s = sqlx::query_as::<_, HeaderRow>(
                    tb.sql("SELECT id, status, number FROM transactions ORDER BY id"),
                )
                .fetch(&p);
                let mut chunk = Vec::with_capacity(1000);
                while let Some(row) = s.try_next().await.map_err(Error::db("transaction"))? {
                    chunk.push(row);
                    if chunk.len() == 1000 && tx.send(std::mem::take(&mut chunk)).await.is_err() {
                        return Ok(());
                    }
                }
                let _ = tx.send(chunk).await;
                Ok(())
            })
        });
        let lb = self.shards.location.backend();
        let outcomes = self.shards.location.read(move |p| {
            Box::pin(async move {
                type OutcomeRow = (String, String, Option<String>);
                let mut odd = Vec::new();
                let mut count = 0u64;
                let mut s = sqlx::query_as::<_, OutcomeRow>(
                    lb.sql("SELECT txn_id, outcome, number FROM outcomes ORDER BY txn_id"),
                )
                .fetch(&p);
                let mut next = s.try_next().await.map_err(Error::db("location"))?;
                while let Some(chunk) = rx.recv().await {
                    for (id, status, number) in chunk {
                        count += 1;
                        while let Some((oid, ..)) = &next {
                            if oid.as_str() >= id.as_str() {
                                break;
                            }
                            odd.push(oid.clone());
                            next = s.try_next().await.map_err(Error::db("location"))?;
                        }
                        let agree = match &next {
                            Some((oid, o, n)) if *oid == id => {
                                let agree = matches!(
                                    (status.as_str(), o.as_str()),
                                    ("posted", "applied") | ("rejected", "aborted")
                                ) && n.as_ref().is_none_or(|n| *n == number);
                                next = s.try_next().await.map_err(Error::db("location"))?;
                                agree
                            }
                            _ => false,
                        };
                        if !agree {
                            odd.push(id);
                        }
                    }
                }
                while let Some((oid, ..)) = next {
                    odd.push(oid);
                    next = s.try_next().await.map_err(Error::db("location"))?;
                }
                Ok((odd, count))
            })
        });
        let (h, o) = tokio::join!(headers, outcomes);
        h?;
        let (odd, count) = o?;
        r.headers = count;
        let edge = now_micros() - self.grace_micros();
        let late: Vec<(String, i64)> = self
            .shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    sqlx::query_as(lb.sql("SELECT txn_id, at FROM outbox WHERE at < ? ORDER BY at"))
                        .bind(edge)
                        .fetch_all(&p)
                        .await
                        .map_err(Error::db("location"))
                })
            })
            .await?;
        // An old entry whose document the journal has is only left over (its removal is done
        // in passing by later batches, or by recovery); one the journal lacks is late.
        let ids: Vec<String> = late.iter().map(|(id, _)| id.clone()).collect();
        let journaled: HashSet<String> = self
            .shards
            .transaction
            .read(move |p| Box::pin(async move { journal::headers_by_ids(&p, tb, &ids).await }))
            .await?
            .into_iter()
            .map(|h| h.id)
            .collect();
        for (id, at) in late {
            if journaled.contains(&id) {
                continue;
            }
            r.add(
                "journal",
                format!(
                    "transaction {id} was decided {} s ago and is still not in the journal",
                    (now_micros() - at) / 1_000_000
                ),
            );
        }
        Ok(odd)
    }

    /// Posted lines against movements, merged in (txn_id, line_no, leg) order. Returns the ids
    /// whose two sides disagreed when streamed.
    async fn check_movements(&self, r: &mut CheckReport) -> Result<Vec<String>> {
        let (tx, mut rx) = mpsc::channel::<Vec<(String, Result<Leg, String>)>>(4);
        let tb = self.shards.transaction.backend();
        let lines = self.shards.transaction.read(move |p| {
            Box::pin(async move {
                let mut s = sqlx::query_as::<_, LineRow>(tb.sql("SELECT l.txn_id, l.line_no, t.kind, t.source_id, t.dest_id, l.product_id, l.quantity, l.applied_delta FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE t.status = 'posted' ORDER BY l.txn_id, l.line_no")).fetch(&p);
                let mut chunk = Vec::with_capacity(1000);
                let mut n = 0u64;
                while let Some(row) = s.try_next().await.map_err(Error::db("transaction"))? {
                    n += 1;
                    let id = row.0.clone();
                    match expected_legs(row) {
                        Ok(legs) => chunk.extend(legs.into_iter().map(|l| (id.clone(), Ok(l)))),
                        Err(msg) => chunk.push((id, Err(msg))),
                    }
                    if chunk.len() >= 1000 && tx.send(std::mem::take(&mut chunk)).await.is_err() {
                        return Ok(n);
                    }
                }
                let _ = tx.send(chunk).await;
                Ok(n)
            })
        });
        let lb = self.shards.location.backend();
        let movements = self.shards.location.read(move |p| {
            Box::pin(async move {
                let mut odd: Vec<String> = Vec::new();
                let mut count = 0u64;
                let mut s = sqlx::query_as::<_, Leg>(lb.sql("SELECT txn_id, line_no, leg, location_id, product_id, delta FROM movements ORDER BY txn_id, line_no, leg")).fetch(&p);
                let mut next = s.try_next().await.map_err(Error::db("location"))?;
                let key = |l: &Leg| (l.0.clone(), l.1, l.2);
                while let Some(chunk) = rx.recv().await {
                    for (id, exp) in chunk {
                        let Ok(exp) = exp else {
                            odd.push(id);
                            continue;
                        };
                        while let Some(m) = &next {
                            if key(m) >= key(&exp) {
                                break;
                            }
                            odd.push(m.0.clone());
                            count += 1;
                            next = s.try_next().await.map_err(Error::db("location"))?;
                        }
                        match &next {
                            Some(m) if key(m) == key(&exp) => {
                                if *m != exp {
                                    odd.push(id);
                                }
                                count += 1;
                                next = s.try_next().await.map_err(Error::db("location"))?;
                            }
                            _ => odd.push(id),
                        }
                    }
                }
                while let Some(m) = next {
                    odd.push(m.0);
                    count += 1;
                    next = s.try_next().await.map_err(Error::db("location"))?;
                }
                Ok((odd, count))
            })
        });
        let (l, m) = tokio::join!(lines, movements);
        r.posted_lines = l?;
        let (odd, count) = m?;
        r.movements = count;
        Ok(odd)
    }
}

/// A posted line as `check` reads it: (txn_id, line_no, kind, source_id, dest_id, product_id,
/// quantity, applied_delta).
type LineRow = (
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<i64>,
);

/// The movements a posted line implies: one leg, or two for a transfer (it moves quantity and
/// creates none).
fn expected_legs(row: LineRow) -> std::result::Result<Vec<Leg>, String> {
    let (id, line, kind, src, dst, prod, qty, applied) = row;
    let src = src.unwrap_or_default();
    let dst = dst.unwrap_or_default();
    match kind.parse::<TxKind>() {
        Ok(TxKind::Receipt) => Ok(vec![(id, line, 0, dst, prod, qty)]),
        Ok(TxKind::Issue) => Ok(vec![(id, line, 0, src, prod, -qty)]),
        Ok(TxKind::Transfer) => Ok(vec![
            (id.clone(), line, 0, src, prod.clone(), -qty),
            (id, line, 1, dst, prod, qty),
        ]),
        Ok(TxKind::Adjustment) => match applied {
            Some(d) => Ok(vec![(id, line, 0, src, prod, d)]),
            None => Err(format!(
                "posted adjustment {id} line {line} has no applied quantity"
            )),
        },
        Err(e) => Err(format!("transaction {id}: {e}")),
    }
}
