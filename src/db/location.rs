//! Queries of the location shard: locations, stock, movements, and the decisions of postings
//! with their numbers and outbox. A posting is decided here, in one local transaction (see
//! [`super::apply`]): the commit a clerk waits for.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::dialect::Backend;
use super::journal::JournalDoc;
use super::keyset::{self, Seek};
use super::multi::{self, Arg, Statements};
use crate::domain::txn::{Effect, Leg};
use crate::error::{Error, Result};

const S: &str = "location";

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Location {
    pub id: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub active: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct StockRow {
    pub location_id: String,
    pub product_id: String,
    pub quantity: i64,
    pub min_override: Option<i64>,
    pub default_min: i64,
    pub price: i64,
    pub updated_at: i64,
}

impl StockRow {
    pub fn effective_min(&self) -> i64 {
        self.min_override.unwrap_or(self.default_min)
    }
}

const LOC_COLS: &str = "id, code, name, parent_id, active, created_at, updated_at";
const STOCK_COLS: &str =
    "location_id, product_id, quantity, min_override, default_min, price, updated_at";

pub async fn insert_location(c: &mut AnyConnection, b: Backend, l: &Location) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO locations (id, code, code_norm, name, parent_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(&l.id).bind(&l.code).bind(crate::domain::text::norm(&l.code)).bind(&l.name)
        .bind(&l.parent_id).bind(l.active).bind(l.created_at).bind(l.updated_at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

pub async fn update_location(c: &mut AnyConnection, b: Backend, l: &Location) -> Result<u64> {
    let r = sqlx::query(b.sql("UPDATE locations SET code = ?, code_norm = ?, name = ?, parent_id = ?, active = ?, updated_at = ? WHERE id = ?"))
        .bind(&l.code).bind(crate::domain::text::norm(&l.code)).bind(&l.name).bind(&l.parent_id)
        .bind(l.active).bind(l.updated_at).bind(&l.id)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(r.rows_affected())
}

pub async fn list_locations<'e, E>(e: E, b: Backend) -> Result<Vec<Location>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Location>(b.dyn_sql(format!(
        "SELECT {LOC_COLS} FROM locations ORDER BY code_norm"
    )))
    .fetch_all(e)
    .await
    .map_err(Error::db(S))
}

pub async fn location_by_code<'e, E>(e: E, b: Backend, code: &str) -> Result<Option<Location>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Location>(b.dyn_sql(format!(
        "SELECT {LOC_COLS} FROM locations WHERE code_norm = ?"
    )))
    .bind(crate::domain::text::norm(code))
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

pub async fn location_by_id<'e, E>(e: E, b: Backend, id: &str) -> Result<Option<Location>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Location>(
        b.dyn_sql(format!("SELECT {LOC_COLS} FROM locations WHERE id = ?")),
    )
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

/// Stock rows, optionally for one location and/or one product, only those below their minimum
/// when `low` is set.
pub async fn stock_rows(
    p: &AnyPool,
    b: Backend,
    location_id: Option<&str>,
    product_id: Option<&str>,
    low: bool,
    limit: i64,
) -> Result<Vec<StockRow>> {
    let mut sql = format!("SELECT {STOCK_COLS} FROM stock WHERE 1 = 1");
    if location_id.is_some() {
        sql.push_str(" AND location_id = ?");
    }
    if product_id.is_some() {
        sql.push_str(" AND product_id = ?");
    }
    if low {
        sql.push_str(" AND quantity < COALESCE(min_override, default_min)");
    } else {
        sql.push_str(" AND (quantity <> 0 OR min_override IS NOT NULL)");
    }
    sql.push_str(" ORDER BY location_id, product_id LIMIT ?");
    let mut q = sqlx::query_as::<_, StockRow>(b.dyn_sql(sql));
    if let Some(l) = location_id {
        q = q.bind(l);
    }
    if let Some(pid) = product_id {
        q = q.bind(pid);
    }
    q.bind(limit).fetch_all(p).await.map_err(Error::db(S))
}

/// Sets or clears a location's minimum for one product.
pub async fn set_min_override(
    c: &mut AnyConnection,
    b: Backend,
    location_id: &str,
    product_id: &str,
    min: Option<i64>,
    at: i64,
) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at) VALUES (?, ?, 0, ?, 0, 0, ?) ON CONFLICT (location_id, product_id) DO UPDATE SET min_override = excluded.min_override, updated_at = excluded.updated_at"))
        .bind(location_id).bind(product_id).bind(min).bind(at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

/// Refreshes the product mirror (price, default minimum) on every stock row of a product.
pub async fn refresh_product_mirror(
    c: &mut AnyConnection,
    b: Backend,
    product_id: &str,
    price: i64,
    default_min: i64,
) -> Result<()> {
    sqlx::query(b.sql("UPDATE stock SET price = ?, default_min = ? WHERE product_id = ?"))
        .bind(price)
        .bind(default_min)
        .bind(product_id)
        .execute(c)
        .await
        .map_err(Error::db(S))?;
    Ok(())
}

/// One stock effect to apply, with the product mirror values to refresh on its row.
#[derive(Debug, Clone)]
pub struct ApplyLeg {
    pub leg: Leg,
    /// SKU and location code, for the rejection message.
    pub sku: String,
    pub location_code: String,
    pub price: i64,
    pub default_min: i64,
}

/// How a posting's stock side was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Applied; the signed delta of each (line_no, leg).
    Applied(Vec<(i64, i64, i64)>),
    /// Not applied, with the reason.
    Aborted(String),
}

/// What the location shard decided for a transaction id.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub decision: Decision,
    /// The document number given with the decision (`None` only for decisions made before
    /// numbers were given here: their header has it).
    pub number: Option<String>,
    /// When it was decided (microseconds, UTC).
    pub at: i64,
    /// For an earlier decision: its journal entry, decided, while it waits in the outbox;
    /// `None` once the journal has it. (A new decision's caller holds its own document.)
    pub doc: Option<JournalDoc>,
    /// Decided by an earlier attempt with the same id, not by this one.
    pub earlier: bool,
}

/// The decision stored for a transaction id, if one was made, with its journal entry if that is
/// still waiting in the outbox.
pub async fn stored(c: &mut AnyConnection, b: Backend, txn_id: &str) -> Result<Option<Decided>> {
    let row: Option<(String, Option<String>, Option<String>, i64)> =
        sqlx::query_as(b.sql("SELECT outcome, reason, number, at FROM outcomes WHERE txn_id = ?"))
            .bind(txn_id)
            .fetch_optional(&mut *c)
            .await
            .map_err(Error::db(S))?;
    let Some((outcome, reason, number, at)) = row else {
        return Ok(None);
    };
    let decision = if outcome == "applied" {
        let deltas: Vec<(i64, i64, i64)> = sqlx::query_as(b.sql(
            "SELECT line_no, leg, delta FROM movements WHERE txn_id = ? ORDER BY line_no, leg",
        ))
        .bind(txn_id)
        .fetch_all(&mut *c)
        .await
        .map_err(Error::db(S))?;
        Decision::Applied(deltas)
    } else {
        Decision::Aborted(reason.unwrap_or_else(|| "not applied".into()))
    };
    let doc: Option<String> = sqlx::query_scalar(b.sql("SELECT doc FROM outbox WHERE txn_id = ?"))
        .bind(txn_id)
        .fetch_optional(&mut *c)
        .await
        .map_err(Error::db(S))?;
    // The outbox holds the document as submitted; the decision is applied to it here.
    let doc = match doc {
        Some(json) => {
            let mut d = JournalDoc::from_json(txn_id, &json)?;
            d.decide(number.as_deref().unwrap_or_default(), &decision, at);
            Some(d)
        }
        None => None,
    };
    Ok(Some(Decided {
        decision,
        number,
        at,
        doc,
        earlier: true,
    }))
}

/// Reserves `count` numbers of a (prefix, year) sequence inside the caller's write job and
/// returns the first, so numbers are unique under any concurrency and a rolled-back job gives
/// its numbers back.
pub async fn reserve_numbers(
    c: &mut AnyConnection,
    b: Backend,
    prefix: &str,
    year: i64,
    count: i64,
) -> Result<i64> {
    let last: i64 = sqlx::query_scalar(b.sql(RESERVE_NUMBERS))
        .bind(prefix)
        .bind(year)
        .bind(count)
        .fetch_one(&mut *c)
        .await
        .map_err(Error::db(S))?;
    Ok(last - count + 1)
}

/// Advances a (kind prefix, year) sequence by the third argument; returns the new last number.
pub(crate) const RESERVE_NUMBERS: &str = "INSERT INTO number_seq (kind, year, last_no) VALUES (?, ?, ?) ON CONFLICT (kind, year) DO UPDATE SET last_no = number_seq.last_no + excluded.last_no RETURNING last_no";

/// `KIND-YEAR-000123`.
pub fn format_number(prefix: &str, year: i64, n: i64) -> String {
    format!("{prefix}-{year}-{n:06}")
}

/// Applies every leg with conditional updates and records their movements; if a leg cannot
/// apply, undoes the legs before it and returns `Aborted` with the reason. The outcome is the
/// caller's to record ([`record`]).
pub async fn decide_legs(
    c: &mut AnyConnection,
    b: Backend,
    txn_id: &str,
    legs: &[ApplyLeg],
    at: i64,
) -> Result<Decision> {
    // Only a refusal after an earlier leg changed stock leaves something to undo: a document
    // whose only leg that can be refused is its first (every single-line one) needs no
    // savepoint of its own.
    let undo = legs
        .iter()
        .skip(1)
        .any(|l| matches!(l.leg.effect, Effect::Delta(d) if d < 0));
    if undo {
        sqlx::query("SAVEPOINT legs")
            .execute(&mut *c)
            .await
            .map_err(Error::db(S))?;
    }
    let mut deltas = Vec::with_capacity(legs.len());
    let mut failure: Option<String> = None;
    for l in legs {
        match apply_leg(c, b, l, at).await? {
            Ok(delta) => deltas.push((l.leg.line_no, l.leg.leg, delta)),
            Err(reason) => {
                failure = Some(reason);
                break;
            }
        }
    }
    match failure {
        None => {
            if undo {
                sqlx::query("RELEASE SAVEPOINT legs")
                    .execute(&mut *c)
                    .await
                    .map_err(Error::db(S))?;
            }
            insert_movements(c, b, txn_id, legs, &deltas, at).await?;
            Ok(Decision::Applied(deltas))
        }
        Some(reason) => {
            if undo {
                for undo in ["ROLLBACK TO SAVEPOINT legs", "RELEASE SAVEPOINT legs"] {
                    sqlx::query(undo)
                        .execute(&mut *c)
                        .await
                        .map_err(Error::db(S))?;
                }
            }
            Ok(Decision::Aborted(reason))
        }
    }
}

/// Records a decision: the outcome row with its number under the transaction id's primary key
/// (a second decision for the id fails with a unique violation), and the document (as its
/// poster serialized it, [`JournalDoc::to_json`]) in the outbox.
pub async fn record(
    c: &mut AnyConnection,
    b: Backend,
    id: &str,
    number: &str,
    decision: &Decision,
    doc_json: &str,
    at: i64,
) -> Result<()> {
    let mut st = Statements::default();
    st.push(OUTCOME_ROW_SQL, outcome_args(id, number, decision, at))
        .push(OUTBOX_ROW_SQL, outbox_args(id, doc_json, at));
    st.run(c, b, S).await?;
    Ok(())
}

pub(crate) const OUTCOME_ROW_SQL: &str =
    "INSERT INTO outcomes (txn_id, outcome, reason, at, number) VALUES (?, ?, ?, ?, ?)";
pub(crate) const OUTBOX_ROW_SQL: &str = "INSERT INTO outbox (txn_id, doc, at) VALUES (?, ?, ?)";

pub(crate) fn outcome_args(id: &str, number: &str, decision: &Decision, at: i64) -> Vec<Arg> {
    let (outcome, reason) = match decision {
        Decision::Applied(_) => ("applied", None),
        Decision::Aborted(r) => ("aborted", Some(r.as_str())),
    };
    vec![
        id.into(),
        outcome.into(),
        reason.into(),
        at.into(),
        number.into(),
    ]
}

pub(crate) fn outbox_args(id: &str, doc_json: &str, at: i64) -> Vec<Arg> {
    vec![id.into(), doc_json.into(), at.into()]
}

/// Ids of journal entries waiting in the outbox since before `before`, oldest first.
pub async fn outbox_before(
    p: &AnyPool,
    b: Backend,
    before: i64,
    limit: i64,
) -> Result<Vec<String>> {
    sqlx::query_scalar(b.sql("SELECT txn_id FROM outbox WHERE at < ? ORDER BY at, txn_id LIMIT ?"))
        .bind(before)
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

/// Removes journaled entries from the outbox, for many callers in one write job.
pub async fn forget_batch(
    c: &mut AnyConnection,
    b: Backend,
    ids: Vec<String>,
) -> Result<Vec<Result<()>>> {
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut q = sqlx::query(b.dyn_sql(format!("DELETE FROM outbox WHERE txn_id IN ({marks})")));
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(ids.iter().map(|_| Ok(())).collect())
}

/// Rows of `outbox_done` one purge job removes at most, so that a long backlog is cleared in
/// write jobs short enough to let postings through between them.
const PURGE_ROWS: i64 = 5000;

/// Removes journaled entries retained for backups (location migration 7) that were journaled
/// before `before`, in write jobs of at most [`PURGE_ROWS`]: this call does one and returns how
/// many it removed (0: nothing left to purge).
pub async fn purge_outbox_done(c: &mut AnyConnection, b: Backend, before: i64) -> Result<u64> {
    // The newest time of the oldest PURGE_ROWS rows bounds the job (portable: no DELETE ... LIMIT).
    let edge: Option<i64> = sqlx::query_scalar(b.sql(
        "SELECT journaled_at FROM outbox_done WHERE journaled_at < ? ORDER BY journaled_at LIMIT 1 OFFSET ?",
    ))
    .bind(before)
    .bind(PURGE_ROWS)
    .fetch_optional(&mut *c)
    .await
    .map_err(Error::db(S))?;
    let upto = edge.map_or(before, |e| e.min(before));
    let r = sqlx::query(b.sql("DELETE FROM outbox_done WHERE journaled_at < ?"))
        .bind(upto)
        .execute(&mut *c)
        .await
        .map_err(Error::db(S))?;
    Ok(r.rows_affected())
}

/// The movements of applied legs (`deltas[i]` belongs to `legs[i]`), many rows per statement.
async fn insert_movements(
    c: &mut AnyConnection,
    b: Backend,
    txn_id: &str,
    legs: &[ApplyLeg],
    deltas: &[(i64, i64, i64)],
    at: i64,
) -> Result<()> {
    for (ls, ds) in legs.chunks(100).zip(deltas.chunks(100)) {
        let sql = super::bulk::values_sql(
            "INSERT INTO movements (txn_id, line_no, leg, location_id, product_id, delta, at)",
            7,
            ls.len(),
            "",
        );
        let mut q = sqlx::query(b.dyn_sql(sql));
        for (l, (line_no, leg, delta)) in ls.iter().zip(ds) {
            q = q
                .bind(txn_id)
                .bind(*line_no)
                .bind(*leg)
                .bind(&l.leg.location_id)
                .bind(&l.leg.product_id)
                .bind(*delta)
                .bind(at);
        }
        q.execute(&mut *c).await.map_err(Error::db(S))?;
    }
    Ok(())
}

/// Applies one leg. The outer `Result` is a database failure; the inner `Err` is a business
/// refusal with its message.
async fn apply_leg(
    c: &mut AnyConnection,
    b: Backend,
    l: &ApplyLeg,
    at: i64,
) -> Result<std::result::Result<i64, String>> {
    let leg = &l.leg;
    match leg.effect {
        Effect::Delta(d) if d >= 0 => {
            let mut q = sqlx::query(b.sql(ADD_STOCK));
            for a in add_args(l, d, at) {
                q = multi::bind(q, a);
            }
            q.execute(c).await.map_err(Error::db(S))?;
            Ok(Ok(d))
        }
        Effect::Delta(d) => {
            let mut q = sqlx::query(b.sql(TAKE_STOCK));
            for a in take_args(l, d, at) {
                q = multi::bind(q, a);
            }
            if q.execute(&mut *c)
                .await
                .map_err(Error::db(S))?
                .rows_affected()
                == 1
            {
                return Ok(Ok(d));
            }
            Ok(Err(refusal(c, b, l).await?))
        }
        Effect::SetTo(counted) => {
            // The delta is counted minus what is there, so what is there must not change
            // between the read and the write. Write batches already exclude each other (see
            // `Backend::serialize_writers`); the row lock also holds off any other writer.
            // The row is made first because locking a row that does not exist locks nothing.
            sqlx::query(b.sql("INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at) VALUES (?, ?, 0, NULL, ?, ?, ?) ON CONFLICT (location_id, product_id) DO NOTHING"))
                .bind(&leg.location_id).bind(&leg.product_id).bind(l.default_min).bind(l.price).bind(at)
                .execute(&mut *c).await.map_err(Error::db(S))?;
            let before: i64 = sqlx::query_scalar(b.dyn_sql(format!(
                "SELECT quantity FROM stock WHERE location_id = ? AND product_id = ?{}",
                b.for_update()
            )))
            .bind(&leg.location_id)
            .bind(&leg.product_id)
            .fetch_one(&mut *c)
            .await
            .map_err(Error::db(S))?;
            sqlx::query(b.sql("UPDATE stock SET quantity = ?, default_min = ?, price = ?, updated_at = ? WHERE location_id = ? AND product_id = ?"))
                .bind(counted).bind(l.default_min).bind(l.price).bind(at).bind(&leg.location_id).bind(&leg.product_id)
                .execute(c).await.map_err(Error::db(S))?;
            Ok(Ok(counted - before))
        }
    }
}

/// Adds to a stock row, creating it if needed, and refreshes its product mirror.
pub(crate) const ADD_STOCK: &str = "INSERT INTO stock (location_id, product_id, quantity, min_override, default_min, price, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?) ON CONFLICT (location_id, product_id) DO UPDATE SET quantity = stock.quantity + excluded.quantity, default_min = excluded.default_min, price = excluded.price, updated_at = excluded.updated_at";
/// The conflict clause of [`ADD_STOCK`], for adds of many rows in one statement.
pub(crate) const ADD_STOCK_CONFLICT: &str = " ON CONFLICT (location_id, product_id) DO UPDATE SET quantity = stock.quantity + excluded.quantity, default_min = excluded.default_min, price = excluded.price, updated_at = excluded.updated_at";

/// Takes from a stock row only if enough is there. The check and the decrement are one
/// statement, never read-then-write; it changes no row when there is not enough.
pub(crate) const TAKE_STOCK: &str = "UPDATE stock SET quantity = quantity + ?, default_min = ?, price = ?, updated_at = ? WHERE location_id = ? AND product_id = ? AND quantity >= ?";

pub(crate) fn add_args(l: &ApplyLeg, d: i64, at: i64) -> Vec<Arg> {
    vec![
        (&l.leg.location_id).into(),
        (&l.leg.product_id).into(),
        d.into(),
        l.default_min.into(),
        l.price.into(),
        at.into(),
    ]
}

/// Arguments of [`TAKE_STOCK`] for a negative `d`.
pub(crate) fn take_args(l: &ApplyLeg, d: i64, at: i64) -> Vec<Arg> {
    vec![
        d.into(),
        l.default_min.into(),
        l.price.into(),
        at.into(),
        (&l.leg.location_id).into(),
        (&l.leg.product_id).into(),
        (-d).into(),
    ]
}

/// Why a leg that takes stock was refused, e.g. "only 3 of SKU X left at GDG-A (line 1 needs 5)".
pub(crate) async fn refusal(c: &mut AnyConnection, b: Backend, l: &ApplyLeg) -> Result<String> {
    let leg = &l.leg;
    let have: Option<i64> = sqlx::query_scalar(
        b.sql("SELECT quantity FROM stock WHERE location_id = ? AND product_id = ?"),
    )
    .bind(&leg.location_id)
    .bind(&leg.product_id)
    .fetch_optional(c)
    .await
    .map_err(Error::db(S))?;
    let needs = match leg.effect {
        Effect::Delta(d) | Effect::SetTo(d) => crate::domain::Quantity(d.abs()),
    };
    Ok(format!(
        "only {} of SKU {} left at {} (line {} needs {needs})",
        crate::domain::Quantity(have.unwrap_or(0)),
        l.sku,
        l.location_code,
        leg.line_no
    ))
}

/// Value of all stock at the mirrored product prices, in cents (sub-cent parts of each row
/// dropped), and the number of active locations.
pub async fn stock_value_and_locations(p: &AnyPool, b: Backend) -> Result<(i64, i64)> {
    // Kept by triggers (migration 002): one row, however many stock rows.
    let value: i64 =
        sqlx::query_scalar(b.sql("SELECT CAST(value AS BIGINT) FROM stock_value WHERE id = 1"))
            .fetch_one(p)
            .await
            .map_err(Error::db(S))?;
    let locations: i64 =
        sqlx::query_scalar(b.sql("SELECT COUNT(*) FROM locations WHERE active = 1"))
            .fetch_one(p)
            .await
            .map_err(Error::db(S))?;
    Ok((value, locations))
}

/// A stock row's place in the stock screen's order (location id, product id: the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCursor {
    pub location_id: String,
    pub product_id: String,
}

/// A page of stock rows in key order (location, product) for the stock screen: rows at any of
/// `location_ids` and of any of `product_ids` (`None` = no restriction), only those below their
/// minimum with `low`. Empty id lists match nothing. Keyset paging on the primary key: `seek`
/// names the row the page starts after (or before), so the last page costs what the first
/// does; the rows come back in key order.
#[allow(clippy::too_many_arguments)]
pub async fn stock_page(
    p: &AnyPool,
    b: Backend,
    location_ids: Option<&[String]>,
    product_ids: Option<&[String]>,
    low: bool,
    seek: &Seek<StockCursor>,
    limit: i64,
) -> Result<Vec<StockRow>> {
    if location_ids.is_some_and(<[String]>::is_empty)
        || product_ids.is_some_and(<[String]>::is_empty)
    {
        return Ok(Vec::new());
    }
    let marks = |n: usize| vec!["?"; n].join(", ");
    let mut sql = format!("SELECT {STOCK_COLS} FROM stock WHERE 1 = 1");
    if let Some(l) = location_ids {
        sql.push_str(&format!(" AND location_id IN ({})", marks(l.len())));
    }
    if let Some(ps) = product_ids {
        sql.push_str(&format!(" AND product_id IN ({})", marks(ps.len())));
    }
    if low {
        sql.push_str(" AND quantity < COALESCE(min_override, default_min)");
    } else {
        sql.push_str(" AND (quantity <> 0 OR min_override IS NOT NULL)");
    }
    let page = keyset::page_sql(
        &["location_id", "product_id"],
        false,
        &seek.clone().map(|c| {
            vec![
                Arg::Text(Some(c.location_id)),
                Arg::Text(Some(c.product_id)),
            ]
        }),
    );
    sql.push_str(&format!(
        "{} ORDER BY {} LIMIT ?",
        page.condition, page.order_by
    ));
    let mut q = sqlx::query_as::<_, StockRow>(b.dyn_sql(sql));
    for id in location_ids
        .unwrap_or_default()
        .iter()
        .chain(product_ids.unwrap_or_default())
    {
        q = q.bind(id.clone());
    }
    for a in page.args {
        q = keyset::bind(q, a);
    }
    let rows = q.bind(limit).fetch_all(p).await.map_err(Error::db(S))?;
    Ok(keyset::in_order(seek, rows))
}
