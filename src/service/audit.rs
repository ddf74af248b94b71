//! The audit trail, read back: who changed which master or location data, when, and how, field
//! by field. Master data (products, categories, units, users) is logged on the master shard,
//! locations and stock limits on the location shard; a listing asks both for a keyset page
//! (newest first by `(at, id)`, never OFFSET) and merges them, so a page costs two short index
//! ranges however deep it is. Supervisors and admins only.
//!
//! Where a document caused a change (a CSV import batch today) the entry names it in `doc`.
//! Postings are not here: the journal on the transaction shard is their trail.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::audit_diff::{self, FieldChange};
use super::reports::period::day_start;
use super::{Actor, Services};
use crate::db::audit::{self as q, AuditQuery};
use crate::db::master::{self, AuditEntry};
use crate::db::{Backend, ShardName, location};
use crate::domain::role::Permission;
use crate::domain::{ids, text};
use crate::error::{Error, Result};

/// The most entries one page may hold.
pub const MAX_LIMIT: i64 = 500;

/// What kind of thing an entry is about, as the filter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditEntity {
    Product,
    Location,
    User,
    Category,
    Unit,
}

impl AuditEntity {
    pub const ALL: [AuditEntity; 5] = [
        AuditEntity::Product,
        AuditEntity::Location,
        AuditEntity::User,
        AuditEntity::Category,
        AuditEntity::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::Product => "product",
            AuditEntity::Location => "location",
            AuditEntity::User => "user",
            AuditEntity::Category => "category",
            AuditEntity::Unit => "unit",
        }
    }

    /// The logged kinds it covers on each shard: a product's history includes its stock
    /// limits (logged on the location shard under the product's id).
    fn kinds(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            AuditEntity::Product => (&["product"], &["stock_limits"]),
            AuditEntity::Location => (&[], &["location"]),
            AuditEntity::User => (&["user"], &[]),
            AuditEntity::Category => (&["category"], &[]),
            AuditEntity::Unit => (&["unit"], &[]),
        }
    }

    /// The key of its logged record that holds its code (for codes no longer in use).
    fn code_key(self) -> &'static str {
        match self {
            AuditEntity::Product => "sku",
            AuditEntity::Location | AuditEntity::Unit => "code",
            AuditEntity::User => "email",
            AuditEntity::Category => "name",
        }
    }
}

impl std::str::FromStr for AuditEntity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        AuditEntity::ALL
            .into_iter()
            .find(|e| e.as_str() == t)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown entity '{}' (use one of: product, location, user, category, unit)",
                    s.trim()
                ))
            })
    }
}

/// What to list. Every part is optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<AuditEntity>,
    /// A product's SKU or barcode, a location's or unit's code, a user's email, a category's
    /// name (of `entity`, or of any kind when `entity` is None).
    pub code: Option<String>,
    /// One entity by id (the app's history of the product or location on screen).
    pub entity_id: Option<String>,
    /// Changes made by this user (email).
    pub actor: Option<String>,
    /// Changes on or after this local day.
    pub since: Option<NaiveDate>,
}

/// Where the next page starts: the last entry of this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCursor {
    pub at: i64,
    pub id: String,
}

/// One change, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditLine {
    pub id: String,
    /// Microseconds, UTC.
    pub at: i64,
    /// Local time, `YYYY-MM-DD HH:MM:SS`.
    pub when: String,
    pub actor: String,
    /// As logged: product, category, unit, user, location, stock_limits.
    pub entity: String,
    pub entity_id: String,
    /// SKU, code, email or name, from the logged record.
    pub code: String,
    pub name: String,
    /// create, update, password, role, enable, disable, import-create, import-update, ...
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// The document that caused the change, where one did.
    pub doc: Option<String>,
}

/// A page of changes, newest first, and where the next one starts (None: this is the last).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditLine>,
    pub next: Option<AuditCursor>,
}

/// The document name of a CSV import batch (one per imported file).
pub fn import_doc() -> String {
    let id = ids::new_id().replace('-', "");
    let tail = id.get(id.len().saturating_sub(8)..).unwrap_or_default();
    format!("IMP-{}", tail.to_ascii_uppercase())
}

impl Services {
    /// One page of the audit trail, newest first; `after` is the previous page's `next`.
    pub async fn audit_trail(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        limit: i64,
        after: Option<&AuditCursor>,
    ) -> Result<AuditPage> {
        actor.require(Permission::ViewAudit)?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::Invalid(format!(
                "the limit must be between 1 and {MAX_LIMIT}, not {limit}"
            )));
        }
        let who = match filter.actor.as_deref().map(str::trim) {
            Some(email) if !email.is_empty() => Some(self.audit_actor(email).await?),
            _ => None,
        };
        let ids = match (&filter.entity_id, filter.code.as_deref().map(str::trim)) {
            (Some(id), _) => Some(vec![id.clone()]),
            (None, Some(code)) if !code.is_empty() => {
                Some(self.audit_ids(filter.entity, code).await?)
            }
            _ => None,
        };
        let (master_kinds, location_kinds): (Vec<&str>, Vec<&str>) = match filter.entity {
            Some(e) => (e.kinds().0.to_vec(), e.kinds().1.to_vec()),
            None => (Vec::new(), Vec::new()),
        };
        let base = AuditQuery {
            entities: Vec::new(),
            entity_ids: ids,
            actor: who,
            since: filter.since.map(day_start),
            before: after.map(|c| (c.at, c.id.clone())),
            limit: limit + 1,
        };
        let mut entries = Vec::new();
        for (shard, kinds) in [
            (ShardName::Master, master_kinds),
            (ShardName::Location, location_kinds),
        ] {
            // With an entity given, a shard that logs none of its kinds is not asked.
            if filter.entity.is_some() && kinds.is_empty() {
                continue;
            }
            let mut query = base.clone();
            query.entities = kinds.iter().map(|k| k.to_string()).collect();
            entries.extend(self.audit_page_of(shard, query).await?);
        }
        entries.sort_by(|a, b| (b.at, &b.id).cmp(&(a.at, &a.id)));
        let more = entries.len() as i64 > limit;
        entries.truncate(limit as usize);
        let next = match entries.last() {
            Some(e) if more => Some(AuditCursor {
                at: e.at,
                id: e.id.clone(),
            }),
            _ => None,
        };
        let names = audit_diff::Names::load(self, &entries).await?;
        let entries = entries.iter().map(|e| line(e, &names)).collect();
        Ok(AuditPage { entries, next })
    }

    async fn audit_page_of(&self, shard: ShardName, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        let h = self.shard(shard);
        let b = h.backend();
        let s = shard.as_str();
        h.browse(move |p| Box::pin(async move { q::list(&p, b, s, &query).await }))
            .await
    }

    fn shard(&self, shard: ShardName) -> &crate::db::ShardHandle {
        match shard {
            ShardName::Master => &self.shards.master,
            ShardName::Location => &self.shards.location,
            ShardName::Transaction => &self.shards.transaction,
        }
    }

    /// The stored email of the user named by `--actor`, or a clear refusal.
    async fn audit_actor(&self, email: &str) -> Result<String> {
        let norm = text::email(email).unwrap_or_else(|_| email.to_string());
        let b = self.shards.master.backend();
        let n2 = norm.clone();
        let user = self
            .shards
            .master
            .browse(move |p| Box::pin(async move { master::user_by_email(&p, b, &n2).await }))
            .await?;
        match user {
            Some(u) => Ok(u.email),
            None => Err(Error::Invalid(format!(
                "--actor: no user with email '{}'",
                email.trim()
            ))),
        }
    }

    /// The ids `code` names (of `entity`, or of any kind): today's holder of the code, else
    /// whoever held it according to the log. None at all is a clear refusal.
    async fn audit_ids(&self, entity: Option<AuditEntity>, code: &str) -> Result<Vec<String>> {
        let kinds: Vec<AuditEntity> = match entity {
            Some(e) => vec![e],
            None => AuditEntity::ALL.to_vec(),
        };
        let mut ids = Vec::new();
        for kind in kinds {
            let found = self.current_id(kind, code).await?;
            match found {
                Some(id) => ids.push(id),
                None => {
                    let (h, kind_name) = match kind {
                        AuditEntity::Location => (&self.shards.location, "location"),
                        _ => (&self.shards.master, kind.as_str()),
                    };
                    let b = h.backend();
                    let s = h.name().as_str();
                    let (key, value) = (kind.code_key(), code.to_string());
                    ids.extend(
                        h.browse(move |p| {
                            Box::pin(async move {
                                q::ids_once_named(&p, b, s, kind_name, key, &value).await
                            })
                        })
                        .await?,
                    );
                }
            }
            if kind == AuditEntity::Product {
                // The demo's bulk entries are logged under their first SKU.
                ids.push(code.to_string());
            }
        }
        ids.sort();
        ids.dedup();
        let known = ids.iter().any(|i| i != code);
        if known {
            return Ok(ids);
        }
        Err(Error::Invalid(match entity {
            Some(AuditEntity::Product) => format!("no product with SKU or barcode '{code}'"),
            Some(AuditEntity::Location) => format!("no location with code '{code}'"),
            Some(AuditEntity::User) => format!("no user with email '{code}'"),
            Some(AuditEntity::Category) => format!("no category named '{code}'"),
            Some(AuditEntity::Unit) => format!("no unit with code '{code}'"),
            None => format!("no product, location, user, category or unit is known as '{code}'"),
        }))
    }

    async fn current_id(&self, kind: AuditEntity, code: &str) -> Result<Option<String>> {
        let c = code.to_string();
        match kind {
            AuditEntity::Product => Ok(self.product_by_code(code).await?.map(|p| p.id)),
            AuditEntity::Location => {
                let b = self.shards.location.backend();
                let l = self
                    .shards
                    .location
                    .browse(move |p| {
                        Box::pin(async move { location::location_by_code(&p, b, &c).await })
                    })
                    .await?;
                Ok(l.map(|l| l.id))
            }
            AuditEntity::User => {
                let c = text::email(code).unwrap_or(c);
                self.master_id(move |p, b| {
                    Box::pin(
                        async move { Ok(master::user_by_email(&p, b, &c).await?.map(|u| u.id)) },
                    )
                })
                .await
            }
            AuditEntity::Category => {
                self.master_id(move |p, b| {
                    Box::pin(
                        async move { Ok(master::category_by_name(&p, b, &c).await?.map(|x| x.id)) },
                    )
                })
                .await
            }
            AuditEntity::Unit => {
                self.master_id(move |p, b| {
                    Box::pin(
                        async move { Ok(master::unit_by_code(&p, b, &c).await?.map(|u| u.id)) },
                    )
                })
                .await
            }
        }
    }

    async fn master_id<F>(&self, f: F) -> Result<Option<String>>
    where
        F: FnOnce(
                sqlx::AnyPool,
                Backend,
            ) -> futures::future::BoxFuture<'static, Result<Option<String>>>
            + Send
            + 'static,
    {
        let b = self.shards.master.backend();
        self.shards.master.browse(move |p| f(p, b)).await
    }
}

fn line(e: &AuditEntry, names: &audit_diff::Names) -> AuditLine {
    let before = audit_diff::parse(e.before_json.as_deref());
    let after = audit_diff::parse(e.after_json.as_deref());
    let (code, name) = audit_diff::label(&e.entity, &e.entity_id, &before, &after);
    AuditLine {
        id: e.id.clone(),
        at: e.at,
        when: ids::display_time(e.at),
        actor: e.actor.clone(),
        entity: e.entity.clone(),
        entity_id: e.entity_id.clone(),
        code,
        name,
        action: e.action.clone(),
        changes: audit_diff::changes(&e.action, &before, &after, names),
        doc: e.doc.clone(),
    }
}
