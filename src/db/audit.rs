//! Reading the audit log (`audit_log`, kept by the master and the location shard alike): one
//! shard's entries newest first, filtered, one keyset page at a time. The service merges the
//! two shards' pages (see `service::audit`).

use sqlx::AnyPool;

use super::dialect::Backend;
use super::master::AuditEntry;
use crate::error::{Error, Result};

const COLS: &str = "id, at, actor, entity, entity_id, action, before_json, after_json, doc";

/// What one shard is asked for. Every filter is optional; an empty `entities` means any.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Entity kinds as stored (`product`, `stock_limits`, ...); empty: all.
    pub entities: Vec<String>,
    /// Only these entity ids (None: any).
    pub entity_ids: Option<Vec<String>>,
    /// Only changes made by this email.
    pub actor: Option<String>,
    /// Only changes at or after this instant (micros, UTC).
    pub since: Option<i64>,
    /// Only entries before this (at, id): the last entry of the previous page.
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// One page of a shard's entries, newest first (by `at`, then `id`).
pub async fn list(
    p: &AnyPool,
    b: Backend,
    shard: &'static str,
    q: &AuditQuery,
) -> Result<Vec<AuditEntry>> {
    if q.entity_ids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let mut conds: Vec<String> = Vec::new();
    if !q.entities.is_empty() {
        conds.push(format!("entity IN ({})", marks(q.entities.len())));
    }
    if let Some(ids) = &q.entity_ids {
        conds.push(format!("entity_id IN ({})", marks(ids.len())));
    }
    if q.actor.is_some() {
        conds.push("actor = ?".into());
    }
    if q.since.is_some() {
        conds.push("at >= ?".into());
    }
    if q.before.is_some() {
        conds.push("(at < ? OR (at = ? AND id < ?))".into());
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let sql = format!("SELECT {COLS} FROM audit_log {filter} ORDER BY at DESC, id DESC LIMIT ?");
    let mut query = sqlx::query_as::<_, AuditEntry>(b.dyn_sql(sql));
    for e in &q.entities {
        query = query.bind(e.clone());
    }
    for id in q.entity_ids.iter().flatten() {
        query = query.bind(id.clone());
    }
    if let Some(a) = &q.actor {
        query = query.bind(a.clone());
    }
    if let Some(s) = q.since {
        query = query.bind(s);
    }
    if let Some((at, id)) = &q.before {
        query = query.bind(*at).bind(*at).bind(id.clone());
    }
    query
        .bind(q.limit)
        .fetch_all(p)
        .await
        .map_err(Error::db(shard))
}

/// Ids of the entities of kind `entity` whose logged record once had `key` = `value` (a SKU or
/// code changed since): a scan of that kind's entries, used only when the value names nothing
/// today.
pub async fn ids_once_named(
    p: &AnyPool,
    b: Backend,
    shard: &'static str,
    entity: &str,
    key: &str,
    value: &str,
) -> Result<Vec<String>> {
    let needle = format!(
        "%\"{key}\":{}%",
        serde_json::to_string(value).unwrap_or_default()
    );
    let rows: Vec<(String,)> = sqlx::query_as(b.sql(
        "SELECT DISTINCT entity_id FROM audit_log WHERE entity = ? AND (after_json LIKE ? OR before_json LIKE ?)",
    ))
    .bind(entity.to_string())
    .bind(needle.clone())
    .bind(needle)
    .fetch_all(p)
    .await
    .map_err(Error::db(shard))?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}
