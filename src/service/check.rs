//! `gudang check`: proves the posting guarantees on a live deployment. It streams both sides
//! of every cross-shard relation in key order and merges them, so memory stays flat however
//! long the history is.
//!
//! Verified: stock equals the sum of its movements; nothing is negative; every posted line has
//! exactly the movements its kind implies (a transfer moves and creates nothing) and nothing
//! else has any; every decided header has the matching durable outcome and every outcome a
//! header; nothing is pending past the grace period; SQLite files pass their integrity check.

use std::collections::HashSet;

use futures::TryStreamExt;
use serde::Serialize;
use sqlx::{Executor, Row};
use tokio::sync::mpsc;

use super::Services;
use crate::db::Backend;
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
        let mut r = CheckReport::default();
        self.check_integrity(&mut r).await?;
        self.check_stock(&mut r).await?;
        let pending = self.check_outcomes(&mut r).await?;
        self.check_movements(&mut r, pending).await?;
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

    /// Headers against outcomes. Returns the ids of pending headers (whose movements, if any,
    /// belong to postings still in flight).
    async fn check_outcomes(&self, r: &mut CheckReport) -> Result<HashSet<String>> {
        let (tx, mut rx) = mpsc::channel::<Vec<(String, String, i64)>>(4);
        let tb = self.shards.transaction.backend();
        let headers = self.shards.transaction.read(move |p| {
            Box::pin(async move {
                let mut s = sqlx::query_as::<_, (String, String, i64)>(
                    tb.sql("SELECT id, status, created_at FROM transactions ORDER BY id"),
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
        let grace_edge = now_micros() - self.grace_micros();
        let outcomes = self.shards.location.read(move |p| {
            Box::pin(async move {
                let mut found = Vec::new();
                let mut pending = HashSet::new();
                let mut count = 0u64;
                let mut s = sqlx::query_as::<_, (String, String)>(lb.sql("SELECT txn_id, outcome FROM outcomes ORDER BY txn_id")).fetch(&p);
                let mut next_outcome = s.try_next().await.map_err(Error::db("location"))?;
                while let Some(chunk) = rx.recv().await {
                    for (id, status, created) in chunk {
                        count += 1;
                        while let Some((oid, _)) = &next_outcome {
                            if oid.as_str() >= id.as_str() {
                                break;
                            }
                            found.push(("orphan", format!("outcome for transaction {oid} has no header")));
                            next_outcome = s.try_next().await.map_err(Error::db("location"))?;
                        }
                        let outcome = match &next_outcome {
                            Some((oid, o)) if *oid == id => {
                                let o = o.clone();
                                next_outcome = s.try_next().await.map_err(Error::db("location"))?;
                                Some(o)
                            }
                            _ => None,
                        };
                        match (status.as_str(), outcome.as_deref()) {
                            ("posted", Some("applied")) | ("rejected", Some("aborted")) => {}
                            ("pending", _) => {
                                if created < grace_edge {
                                    found.push(("pending", format!("transaction {id} is still pending past the grace period")));
                                }
                                pending.insert(id);
                            }
                            (st, o) => found.push(("all-or-nothing", format!("transaction {id} is {st} but its stock outcome is {}", o.unwrap_or("missing")))),
                        }
                    }
                }
                while let Some((oid, _)) = next_outcome {
                    found.push(("orphan", format!("outcome for transaction {oid} has no header")));
                    next_outcome = s.try_next().await.map_err(Error::db("location"))?;
                }
                Ok((found, pending, count))
            })
        });
        let (h, o) = tokio::join!(headers, outcomes);
        h?;
        let (found, pending, count) = o?;
        r.headers = count;
        for (rule, d) in found {
            r.add(rule, d);
        }
        Ok(pending)
    }

    /// Posted lines against movements, merged in (txn_id, line_no, leg) order.
    async fn check_movements(&self, r: &mut CheckReport, pending: HashSet<String>) -> Result<()> {
        let (tx, mut rx) = mpsc::channel::<Vec<Result<Leg, String>>>(4);
        let tb = self.shards.transaction.backend();
        let lines = self.shards.transaction.read(move |p| {
            Box::pin(async move {
                type Row = (String, i64, String, Option<String>, Option<String>, String, i64, Option<i64>);
                let mut s = sqlx::query_as::<_, Row>(tb.sql("SELECT l.txn_id, l.line_no, t.kind, t.source_id, t.dest_id, l.product_id, l.quantity, l.applied_delta FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE t.status = 'posted' ORDER BY l.txn_id, l.line_no")).fetch(&p);
                let mut chunk = Vec::with_capacity(1000);
                let mut n = 0u64;
                while let Some((id, line, kind, src, dst, prod, qty, applied)) = s.try_next().await.map_err(Error::db("transaction"))? {
                    n += 1;
                    let src = src.unwrap_or_default();
                    let dst = dst.unwrap_or_default();
                    match kind.parse::<TxKind>() {
                        Ok(TxKind::Receipt) => chunk.push(Ok((id, line, 0, dst, prod, qty))),
                        Ok(TxKind::Issue) => chunk.push(Ok((id, line, 0, src, prod, -qty))),
                        Ok(TxKind::Transfer) => {
                            chunk.push(Ok((id.clone(), line, 0, src, prod.clone(), -qty)));
                            chunk.push(Ok((id, line, 1, dst, prod, qty)));
                        }
                        Ok(TxKind::Adjustment) => match applied {
                            Some(d) => chunk.push(Ok((id, line, 0, src, prod, d))),
                            None => chunk.push(Err(format!("posted adjustment {id} line {line} has no applied quantity"))),
                        },
                        Err(e) => chunk.push(Err(format!("transaction {id}: {e}"))),
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
                let mut found: Vec<String> = Vec::new();
                let mut count = 0u64;
                let mut s = sqlx::query_as::<_, Leg>(lb.sql("SELECT txn_id, line_no, leg, location_id, product_id, delta FROM movements ORDER BY txn_id, line_no, leg")).fetch(&p);
                let mut next = s.try_next().await.map_err(Error::db("location"))?;
                let key = |l: &Leg| (l.0.clone(), l.1, l.2);
                while let Some(chunk) = rx.recv().await {
                    for exp in chunk {
                        let exp = match exp {
                            Ok(e) => e,
                            Err(msg) => {
                                found.push(msg);
                                continue;
                            }
                        };
                        while let Some(m) = &next {
                            if key(m) >= key(&exp) {
                                break;
                            }
                            if !pending.contains(&m.0) {
                                found.push(format!("movement {} line {} leg {} has no posted line", m.0, m.1, m.2));
                            }
                            count += 1;
                            next = s.try_next().await.map_err(Error::db("location"))?;
                        }
                        match &next {
                            Some(m) if key(m) == key(&exp) => {
                                if (m.3.as_str(), m.4.as_str(), m.5) != (exp.3.as_str(), exp.4.as_str(), exp.5) {
                                    found.push(format!("movement {} line {} leg {} is {} of product {} at {}, the posted line implies {} at {}", m.0, m.1, m.2, m.5, m.4, m.3, exp.5, exp.3));
                                }
                                count += 1;
                                next = s.try_next().await.map_err(Error::db("location"))?;
                            }
                            _ => found.push(format!("posted transaction {} line {} leg {} has no movement", exp.0, exp.1, exp.2)),
                        }
                    }
                }
                while let Some(m) = next {
                    if !pending.contains(&m.0) {
                        found.push(format!("movement {} line {} leg {} has no posted line", m.0, m.1, m.2));
                    }
                    count += 1;
                    next = s.try_next().await.map_err(Error::db("location"))?;
                }
                Ok((found, count))
            })
        });
        let (l, m) = tokio::join!(lines, movements);
        r.posted_lines = l?;
        let (found, count) = m?;
        r.movements = count;
        for d in found {
            r.add("movements-match-lines", d);
        }
        Ok(())
    }
}
