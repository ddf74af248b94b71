//! One transaction looked at on its own, for ids that the streaming merge found inconsistent.
//! The location shard is read first and the journal second: a decided document stays in the
//! outbox until the journal has it, so anything missing from the journal at the second read
//! either is still in the outbox at the first or is truly missing.

use sqlx::Row;

use super::{Leg, LineRow, expected_legs};
use crate::db::journal;
use crate::error::{Error, Result};
use crate::service::Services;

/// The location side of one transaction.
struct Side {
    outcome: Option<(String, Option<String>)>,
    in_outbox: bool,
    movements: Vec<Leg>,
}

impl Services {
    /// The violations of one transaction id, as of now.
    pub(super) async fn check_one(&self, id: &str) -> Result<Vec<(&'static str, String)>> {
        let lb = self.shards.location.backend();
        let id2 = id.to_string();
        let side = self
            .shards
            .location
            .read(move |p| {
                Box::pin(async move {
                    let e = Error::db("location");
                    let outcome: Option<(String, Option<String>)> = sqlx::query_as(lb.sql(
                        "SELECT outcome, number FROM outcomes WHERE txn_id = ?",
                    ))
                    .bind(&id2)
                    .fetch_optional(&p)
                    .await
                    .map_err(e)?;
                    let in_outbox = sqlx::query(lb.sql("SELECT 1 FROM outbox WHERE txn_id = ?"))
                        .bind(&id2)
                        .fetch_optional(&p)
                        .await
                        .map_err(Error::db("location"))?
                        .is_some();
                    let movements: Vec<Leg> = sqlx::query_as(lb.sql("SELECT txn_id, line_no, leg, location_id, product_id, delta FROM movements WHERE txn_id = ? ORDER BY line_no, leg"))
                        .bind(&id2)
                        .fetch_all(&p)
                        .await
                        .map_err(Error::db("location"))?;
                    Ok(Side { outcome, in_outbox, movements })
                })
            })
            .await?;
        let tb = self.shards.transaction.backend();
        let id2 = id.to_string();
        let (header, lines) = self
            .shards
            .transaction
            .read(move |p| {
                Box::pin(async move {
                    let h = journal::header_by_id(&p, tb, &id2).await?;
                    let rows = sqlx::query(tb.sql("SELECT l.txn_id, l.line_no, t.kind, t.source_id, t.dest_id, l.product_id, l.quantity, l.applied_delta FROM transaction_lines l JOIN transactions t ON t.id = l.txn_id WHERE l.txn_id = ? ORDER BY l.line_no"))
                        .bind(&id2)
                        .fetch_all(&p)
                        .await
                        .map_err(Error::db("transaction"))?;
                    let lines = rows
                        .iter()
                        .map(|r| {
                            Ok::<LineRow, sqlx::Error>((
                                r.try_get(0)?,
                                r.try_get(1)?,
                                r.try_get(2)?,
                                r.try_get(3)?,
                                r.try_get(4)?,
                                r.try_get(5)?,
                                r.try_get(6)?,
                                r.try_get(7)?,
                            ))
                        })
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(Error::db("transaction"))?;
                    Ok((h, lines))
                })
            })
            .await?;
        Ok(judge(id, side, header, lines))
    }
}

fn judge(
    id: &str,
    side: Side,
    header: Option<journal::Header>,
    lines: Vec<LineRow>,
) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let Some(h) = header else {
        if side.outcome.is_some() && !side.in_outbox {
            found.push((
                "orphan",
                format!("outcome for transaction {id} has no header and nothing in the outbox"),
            ));
        }
        if side.outcome.is_none() && !side.movements.is_empty() {
            found.push((
                "orphan",
                format!("transaction {id} has movements but no outcome and no header"),
            ));
        }
        return found;
    };
    if h.status == "pending" {
        found.push((
            "pending",
            format!("transaction {id} is still pending (written by an older version)"),
        ));
        return found;
    }
    let Some((outcome, number)) = side.outcome else {
        found.push((
            "all-or-nothing",
            format!(
                "transaction {} is {} but its stock outcome is missing",
                h.number, h.status
            ),
        ));
        return found;
    };
    match (h.status.as_str(), outcome.as_str()) {
        ("posted", "applied") | ("rejected", "aborted") => {}
        (st, o) => found.push((
            "all-or-nothing",
            format!(
                "transaction {} is {st} but its stock outcome is {o}",
                h.number
            ),
        )),
    }
    if let Some(n) = number
        && n != h.number
    {
        found.push((
            "numbers",
            format!(
                "transaction {id} is numbered {} in the journal but {n} by its decision",
                h.number
            ),
        ));
    }
    let mut expected = Vec::new();
    if h.status == "posted" {
        for row in lines {
            match expected_legs(row) {
                Ok(legs) => expected.extend(legs),
                Err(msg) => found.push(("movements-match-lines", msg)),
            }
        }
    }
    if expected != side.movements {
        found.push((
            "movements-match-lines",
            format!(
                "transaction {} ({}) has {} movement(s) {:?} where its lines imply {:?}",
                h.number,
                h.status,
                side.movements.len(),
                side.movements
                    .iter()
                    .map(|m| (m.1, m.2, &m.3, m.5))
                    .collect::<Vec<_>>(),
                expected
                    .iter()
                    .map(|m| (m.1, m.2, &m.3, m.5))
                    .collect::<Vec<_>>()
            ),
        ));
    }
    found
}
