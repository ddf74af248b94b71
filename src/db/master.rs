//! Queries of the master shard: users, categories, units, products, and its audit log.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::dialect::{Backend, SubstringSearch};
use super::keyset::{self, Seek};
use super::multi::Arg;
use crate::error::{Error, Result};

const S: &str = "master";

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub active: i64,
    pub failed_logins: i64,
    pub last_failed_at: Option<i64>,
    pub locked: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Unit {
    pub id: String,
    pub code: String,
    pub name: String,
    pub decimals: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Product {
    pub id: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    pub category_id: Option<String>,
    pub unit_id: String,
    pub price: i64,
    pub min_qty: i64,
    pub active: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const USER_COLS: &str = "id, email, name, password_hash, role, active, failed_logins, last_failed_at, locked, created_at, updated_at";
pub(crate) const PRODUCT_COLS: &str =
    "id, sku, barcode, name, category_id, unit_id, price, min_qty, active, created_at, updated_at";

// ---- users -------------------------------------------------------------------------------

pub async fn insert_user(c: &mut AnyConnection, b: Backend, u: &User) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO users (id, email, name, password_hash, role, active, failed_logins, last_failed_at, locked, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(&u.id).bind(&u.email).bind(&u.name).bind(&u.password_hash).bind(&u.role)
        .bind(u.active).bind(u.failed_logins).bind(u.last_failed_at).bind(u.locked)
        .bind(u.created_at).bind(u.updated_at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

pub async fn user_by_email<'e, E>(e: E, b: Backend, email: &str) -> Result<Option<User>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, User>(b.dyn_sql(format!("SELECT {USER_COLS} FROM users WHERE email = ?")))
        .bind(email)
        .fetch_optional(e)
        .await
        .map_err(Error::db(S))
}

pub async fn list_users(p: &AnyPool, b: Backend) -> Result<Vec<User>> {
    sqlx::query_as::<_, User>(b.dyn_sql(format!("SELECT {USER_COLS} FROM users ORDER BY email")))
        .fetch_all(p)
        .await
        .map_err(Error::db(S))
}

pub async fn count_users<'e, E>(e: E, b: Backend) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_scalar::<_, i64>(b.sql("SELECT COUNT(*) FROM users"))
        .fetch_one(e)
        .await
        .map_err(Error::db(S))
}

/// Records a failed login; returns the new failure count. Locks the account at `max`.
pub async fn record_login_failure(
    c: &mut AnyConnection,
    b: Backend,
    id: &str,
    at: i64,
    max: i64,
) -> Result<i64> {
    sqlx::query(b.sql("UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = ?, locked = CASE WHEN failed_logins + 1 >= ? THEN 1 ELSE locked END WHERE id = ?"))
        .bind(at).bind(max).bind(id)
        .execute(&mut *c).await.map_err(Error::db(S))?;
    sqlx::query_scalar::<_, i64>(b.sql("SELECT failed_logins FROM users WHERE id = ?"))
        .bind(id)
        .fetch_one(c)
        .await
        .map_err(Error::db(S))
}

pub async fn record_login_success(
    c: &mut AnyConnection,
    b: Backend,
    id: &str,
    new_hash: Option<&str>,
    at: i64,
) -> Result<()> {
    match new_hash {
        Some(h) => sqlx::query(b.sql("UPDATE users SET failed_logins = 0, last_failed_at = NULL, password_hash = ?, updated_at = ? WHERE id = ?"))
            .bind(h).bind(at).bind(id).execute(c).await,
        None => sqlx::query(b.sql("UPDATE users SET failed_logins = 0, last_failed_at = NULL WHERE id = ? AND failed_logins <> 0"))
            .bind(id).execute(c).await,
    }
    .map_err(Error::db(S))?;
    Ok(())
}

/// Writes the mutable fields of a user (name, hash, role, active, lock state).
pub async fn update_user(c: &mut AnyConnection, b: Backend, u: &User) -> Result<()> {
    sqlx::query(b.sql("UPDATE users SET name = ?, password_hash = ?, role = ?, active = ?, failed_logins = ?, last_failed_at = ?, locked = ?, updated_at = ? WHERE id = ?"))
        .bind(&u.name).bind(&u.password_hash).bind(&u.role).bind(u.active).bind(u.failed_logins)
        .bind(u.last_failed_at).bind(u.locked).bind(u.updated_at).bind(&u.id)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

// ---- categories and units ----------------------------------------------------------------

pub async fn insert_category(c: &mut AnyConnection, b: Backend, cat: &Category) -> Result<()> {
    sqlx::query(
        b.sql("INSERT INTO categories (id, name, name_norm, created_at) VALUES (?, ?, ?, ?)"),
    )
    .bind(&cat.id)
    .bind(&cat.name)
    .bind(crate::domain::text::norm(&cat.name))
    .bind(cat.created_at)
    .execute(c)
    .await
    .map_err(Error::db(S))?;
    Ok(())
}

pub async fn rename_category(
    c: &mut AnyConnection,
    b: Backend,
    id: &str,
    name: &str,
) -> Result<u64> {
    let r = sqlx::query(b.sql("UPDATE categories SET name = ?, name_norm = ? WHERE id = ?"))
        .bind(name)
        .bind(crate::domain::text::norm(name))
        .bind(id)
        .execute(c)
        .await
        .map_err(Error::db(S))?;
    Ok(r.rows_affected())
}

pub async fn list_categories<'e, E>(e: E, b: Backend) -> Result<Vec<Category>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Category>(
        b.sql("SELECT id, name, created_at FROM categories ORDER BY name_norm"),
    )
    .fetch_all(e)
    .await
    .map_err(Error::db(S))
}

pub async fn category_by_name<'e, E>(e: E, b: Backend, name: &str) -> Result<Option<Category>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Category>(
        b.sql("SELECT id, name, created_at FROM categories WHERE name_norm = ?"),
    )
    .bind(crate::domain::text::norm(name))
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

pub async fn insert_unit(c: &mut AnyConnection, b: Backend, u: &Unit) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO units (id, code, code_norm, name, decimals, created_at) VALUES (?, ?, ?, ?, ?, ?)"))
        .bind(&u.id).bind(&u.code).bind(crate::domain::text::norm(&u.code)).bind(&u.name).bind(u.decimals).bind(u.created_at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

pub async fn list_units<'e, E>(e: E, b: Backend) -> Result<Vec<Unit>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Unit>(
        b.sql("SELECT id, code, name, decimals, created_at FROM units ORDER BY code_norm"),
    )
    .fetch_all(e)
    .await
    .map_err(Error::db(S))
}

pub async fn unit_by_code<'e, E>(e: E, b: Backend, code: &str) -> Result<Option<Unit>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Unit>(
        b.sql("SELECT id, code, name, decimals, created_at FROM units WHERE code_norm = ?"),
    )
    .bind(crate::domain::text::norm(code))
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

// ---- products ----------------------------------------------------------------------------

pub async fn insert_product(c: &mut AnyConnection, b: Backend, p: &Product) -> Result<()> {
    use crate::domain::text::norm;
    sqlx::query(b.sql("INSERT INTO products (id, sku, sku_norm, barcode, name, name_norm, category_id, unit_id, price, min_qty, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(&p.id).bind(&p.sku).bind(norm(&p.sku)).bind(&p.barcode).bind(&p.name).bind(norm(&p.name))
        .bind(&p.category_id).bind(&p.unit_id).bind(p.price).bind(p.min_qty).bind(p.active)
        .bind(p.created_at).bind(p.updated_at)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(())
}

pub async fn update_product(c: &mut AnyConnection, b: Backend, p: &Product) -> Result<u64> {
    use crate::domain::text::norm;
    let r = sqlx::query(b.sql("UPDATE products SET sku = ?, sku_norm = ?, barcode = ?, name = ?, name_norm = ?, category_id = ?, unit_id = ?, price = ?, min_qty = ?, active = ?, updated_at = ? WHERE id = ?"))
        .bind(&p.sku).bind(norm(&p.sku)).bind(&p.barcode).bind(&p.name).bind(norm(&p.name))
        .bind(&p.category_id).bind(&p.unit_id).bind(p.price).bind(p.min_qty).bind(p.active)
        .bind(p.updated_at).bind(&p.id)
        .execute(c).await.map_err(Error::db(S))?;
    Ok(r.rows_affected())
}

pub async fn product_by_id<'e, E>(e: E, b: Backend, id: &str) -> Result<Option<Product>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, Product>(
        b.dyn_sql(format!("SELECT {PRODUCT_COLS} FROM products WHERE id = ?")),
    )
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(Error::db(S))
}

/// Exact lookup by SKU (case-insensitive) or barcode (exact), as a scanner sends it.
pub async fn product_by_code(p: &AnyPool, b: Backend, code: &str) -> Result<Option<Product>> {
    let code = code.trim();
    let by_sku = sqlx::query_as::<_, Product>(b.dyn_sql(format!(
        "SELECT {PRODUCT_COLS} FROM products WHERE sku_norm = ?"
    )))
    .bind(crate::domain::text::norm(code))
    .fetch_optional(p)
    .await
    .map_err(Error::db(S))?;
    if by_sku.is_some() {
        return Ok(by_sku);
    }
    sqlx::query_as::<_, Product>(b.dyn_sql(format!(
        "SELECT {PRODUCT_COLS} FROM products WHERE barcode = ?"
    )))
    .bind(code)
    .fetch_optional(p)
    .await
    .map_err(Error::db(S))
}

/// Products by id, in chunks that every backend's parameter limit allows.
pub async fn products_by_ids(p: &AnyPool, b: Backend, ids: &[String]) -> Result<Vec<Product>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!("SELECT {PRODUCT_COLS} FROM products WHERE id IN ({marks})");
        let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql));
        for id in chunk {
            q = q.bind(id);
        }
        out.extend(q.fetch_all(p).await.map_err(Error::db(S))?);
    }
    Ok(out)
}

/// Sort orders for the product table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProductSort {
    #[default]
    Sku,
    Name,
    Price,
    Updated,
}

impl ProductSort {
    /// The columns of the order: the SKU alone (unique), else the value and the id.
    fn columns(self) -> &'static [&'static str] {
        match self {
            ProductSort::Sku => &["sku_norm"],
            ProductSort::Name => &["name_norm", "id"],
            ProductSort::Price => &["price", "id"],
            ProductSort::Updated => &["updated_at", "id"],
        }
    }

    /// Where a product stands in this order.
    pub fn cursor(self, p: &Product) -> ProductCursor {
        use crate::domain::text::norm;
        let value = match self {
            ProductSort::Sku => SortValue::Text(norm(&p.sku)),
            ProductSort::Name => SortValue::Text(norm(&p.name)),
            ProductSort::Price => SortValue::Int(p.price),
            ProductSort::Updated => SortValue::Int(p.updated_at),
        };
        ProductCursor {
            value,
            id: p.id.clone(),
        }
    }
}

/// A sort column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Text(String),
    Int(i64),
}

/// A product's place in a sort order (see [`ProductSort::cursor`]), to page from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductCursor {
    pub value: SortValue,
    pub id: String,
}

impl ProductCursor {
    fn args(&self) -> Vec<Arg> {
        vec![
            match &self.value {
                SortValue::Text(t) => Arg::Text(Some(t.clone())),
                SortValue::Int(i) => Arg::Int(Some(*i)),
            },
            Arg::Text(Some(self.id.clone())),
        ]
    }
}

/// Filters shared by browsing and searching.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub category_id: Option<String>,
    pub active: Option<bool>,
}

impl ProductFilter {
    fn sql(&self) -> (String, Vec<String>) {
        let mut w = Vec::new();
        let mut args = Vec::new();
        if let Some(c) = &self.category_id {
            w.push("category_id = ?");
            args.push(c.clone());
        }
        match self.active {
            Some(true) => w.push("active = 1"),
            Some(false) => w.push("active = 0"),
            None => {}
        }
        (w.iter().map(|c| format!(" AND {c}")).collect(), args)
    }
}

/// A page of products in a sort order, with filters; no text search. Keyset paging: `seek`
/// names the row the page starts after (or before), so every page, the last included, is one
/// index range (master migration 6 has an index for each order, with and without a category).
/// The rows come back in the list's order.
#[allow(clippy::too_many_arguments)]
pub async fn browse_products(
    p: &AnyPool,
    b: Backend,
    f: &ProductFilter,
    sort: ProductSort,
    desc: bool,
    seek: &Seek<ProductCursor>,
    limit: i64,
) -> Result<Vec<Product>> {
    let (w, args) = f.sql();
    let cols = sort.columns();
    let page = keyset::page_sql(cols, desc, &seek.clone().map(|c| c.args()));
    let sql = format!(
        "SELECT {PRODUCT_COLS} FROM products WHERE 1 = 1{w}{} ORDER BY {} LIMIT ?",
        page.condition, page.order_by
    );
    let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql));
    for a in args {
        q = q.bind(a);
    }
    for a in page.args {
        q = keyset::bind(q, a);
    }
    let rows = q.bind(limit).fetch_all(p).await.map_err(Error::db(S))?;
    Ok(keyset::in_order(seek, rows))
}

pub async fn count_products(p: &AnyPool, b: Backend, f: &ProductFilter) -> Result<i64> {
    if f.category_id.is_none() {
        // Kept by triggers (migration 003): one row, however many products.
        let (all, active): (i64, i64) =
            sqlx::query_as(b.sql("SELECT products, active FROM product_counts WHERE id = 1"))
                .fetch_one(p)
                .await
                .map_err(Error::db(S))?;
        return Ok(match f.active {
            None => all,
            Some(true) => active,
            Some(false) => all - active,
        });
    }
    let (w, args) = f.sql();
    let mut q = sqlx::query_scalar::<_, i64>(
        b.dyn_sql(format!("SELECT COUNT(*) FROM products WHERE 1 = 1{w}")),
    );
    for a in args {
        q = q.bind(a);
    }
    q.fetch_one(p).await.map_err(Error::db(S))
}

/// The smallest string greater than every string that starts with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Products whose SKU or name starts with `prefix` (normalised), each by its own index range.
pub async fn products_with_prefix(
    p: &AnyPool,
    b: Backend,
    prefix: &str,
    f: &ProductFilter,
    limit: i64,
) -> Result<Vec<Product>> {
    let (w, args) = f.sql();
    let mut out: Vec<Product> = Vec::new();
    for col in ["sku_norm", "name_norm"] {
        let sql = format!(
            "SELECT {PRODUCT_COLS} FROM products WHERE {col} >= ? AND {col} < ?{w} ORDER BY {col} LIMIT ?"
        );
        let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql))
            .bind(prefix)
            .bind(prefix_end(prefix));
        for a in &args {
            q = q.bind(a);
        }
        for prod in q.bind(limit).fetch_all(p).await.map_err(Error::db(S))? {
            if !out.iter().any(|x| x.id == prod.id) {
                out.push(prod);
            }
        }
    }
    out.truncate(limit.max(0) as usize);
    Ok(out)
}

/// Products whose name contains every word of `needle` (normalised), in any order: a trigram
/// index where the backend has one (see [`SubstringSearch`]), a bounded scan for words too short
/// for trigrams.
pub async fn products_containing(
    p: &AnyPool,
    b: Backend,
    needle: &str,
    f: &ProductFilter,
    limit: i64,
) -> Result<Vec<Product>> {
    let mut words: Vec<&str> = Vec::new();
    for word in needle.split_whitespace() {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = match b.substring_search() {
        SubstringSearch::Fts5 => containing_fts5(p, b, &words, f, limit).await?,
        SubstringSearch::IndexedLike => containing_like(p, b, &words, f, limit).await?,
        SubstringSearch::TrigramTable => containing_trigrams(p, b, &words, f, limit).await?,
    };
    rows.truncate(limit.max(0) as usize);
    Ok(rows)
}

/// `%word%` for `LIKE ? ESCAPE '\'`, the word's own `%`, `_` and `\` taken literally.
fn like_pattern(word: &str) -> String {
    format!(
        "%{}%",
        word.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// One ` AND name_norm LIKE ?` per word.
fn like_conditions(words: &[&str]) -> String {
    words
        .iter()
        .map(|_| " AND name_norm LIKE ? ESCAPE '\\'")
        .collect()
}

/// Every word by LIKE alone: PostgreSQL's trigram index serves it, and on every backend it is
/// the way for words too short for trigrams (a scan that stops at `limit`).
async fn containing_like(
    p: &AnyPool,
    b: Backend,
    words: &[&str],
    f: &ProductFilter,
    limit: i64,
) -> Result<Vec<Product>> {
    let (w, args) = f.sql();
    let likes = like_conditions(words);
    let sql = format!("SELECT {PRODUCT_COLS} FROM products WHERE 1 = 1{likes}{w} LIMIT ?");
    let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql));
    for word in words {
        q = q.bind(like_pattern(word));
    }
    for a in &args {
        q = q.bind(a);
    }
    q.bind(limit).fetch_all(p).await.map_err(Error::db(S))
}

/// SQLite: the FTS5 trigram index answers the words of three characters or more; shorter ones
/// filter by LIKE.
async fn containing_fts5(
    p: &AnyPool,
    b: Backend,
    words: &[&str],
    f: &ProductFilter,
    limit: i64,
) -> Result<Vec<Product>> {
    let (indexed, scanned): (Vec<&str>, Vec<&str>) =
        words.iter().partition(|word| word.chars().count() >= 3);
    if indexed.is_empty() {
        return containing_like(p, b, &scanned, f, limit).await;
    }
    let (w, args) = f.sql();
    let likes = like_conditions(&scanned);
    let sql = format!(
        "SELECT {PRODUCT_COLS} FROM products WHERE rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ? LIMIT ?){likes}{w}"
    );
    let pattern = indexed
        .iter()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ");
    // Filters apply after the index, so ask it for more than one page when there are any.
    let unfiltered = args.is_empty() && f.active.is_none() && scanned.is_empty();
    let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql))
        .bind(pattern)
        .bind(limit.saturating_mul(if unfiltered { 1 } else { 20 }));
    for word in &scanned {
        q = q.bind(like_pattern(word));
    }
    for a in &args {
        q = q.bind(a);
    }
    q.fetch_all(p).await.map_err(Error::db(S))
}

/// At most this many trigrams are joined. Each costs the optimizer an estimate of its range
/// (two index descents) and each candidate a key lookup, so a few, spread over the words, do
/// better than all: they already leave LIKE few candidates to reject.
const MAX_GRAMS: usize = 4;

/// The trigrams the trigram join uses, from the words of three characters or more: each word's
/// first, last and middle ones before the rest, taken from the words in turn, without repeats.
fn query_grams(words: &[&str]) -> Vec<String> {
    let per_word: Vec<Vec<String>> = words
        .iter()
        .map(|word| {
            let chars: Vec<char> = word.chars().collect();
            let grams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
            let n = grams.len();
            let mut order: Vec<usize> = vec![0, n.saturating_sub(1), n / 2];
            order.extend(1..n);
            let mut picked: Vec<String> = Vec::new();
            for i in order {
                if let Some(g) = grams.get(i)
                    && !picked.contains(g)
                {
                    picked.push(g.clone());
                }
            }
            picked
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let longest = per_word.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for grams in &per_word {
            if let Some(g) = grams.get(i)
                && !out.contains(g)
                && out.len() < MAX_GRAMS
            {
                out.push(g.clone());
            }
        }
    }
    out
}

/// MySQL/MariaDB: one alias of `product_trigrams` per trigram, joined on the product. The
/// optimizer estimates each gram's range from the index and drives with the rarest; the others
/// are single key lookups, and the product row is read only for a candidate holding them all.
/// LIKE then confirms each word (trigrams say nothing about their order), and short words
/// filter by LIKE alone. The join stops at `limit` rows.
async fn containing_trigrams(
    p: &AnyPool,
    b: Backend,
    words: &[&str],
    f: &ProductFilter,
    limit: i64,
) -> Result<Vec<Product>> {
    let grams = query_grams(words);
    if grams.is_empty() {
        return containing_like(p, b, words, f, limit).await;
    }
    let (w, args) = f.sql();
    let joins: String = (1..grams.len())
        .map(|i| format!(" JOIN product_trigrams g{i} ON g{i}.product_no = g0.product_no"))
        .collect();
    let on_grams: String = (1..grams.len())
        .map(|i| format!(" AND g{i}.gram = ?"))
        .collect();
    let likes = like_conditions(words);
    let sql = format!(
        "SELECT {PRODUCT_COLS} FROM product_trigrams g0{joins} JOIN products ON products.search_no = g0.product_no WHERE g0.gram = ?{on_grams}{likes}{w} LIMIT ?"
    );
    let mut q = sqlx::query_as::<_, Product>(b.dyn_sql(sql));
    for g in &grams {
        q = q.bind(g.as_str());
    }
    for word in words {
        q = q.bind(like_pattern(word));
    }
    for a in &args {
        q = q.bind(a);
    }
    q.bind(limit).fetch_all(p).await.map_err(Error::db(S))
}

// ---- audit -------------------------------------------------------------------------------

/// One audit entry: who changed what, with the record before and after as JSON.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The document that caused the change, where one did (e.g. a CSV import batch).
    #[sqlx(default)]
    pub doc: Option<String>,
}

/// Writes an audit entry on whichever shard's connection is given (master and location both
/// keep one).
pub async fn insert_audit(
    c: &mut AnyConnection,
    b: Backend,
    shard: &'static str,
    a: &AuditEntry,
) -> Result<()> {
    sqlx::query(b.sql("INSERT INTO audit_log (id, at, actor, entity, entity_id, action, before_json, after_json, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(&a.id).bind(a.at).bind(&a.actor).bind(&a.entity).bind(&a.entity_id).bind(&a.action)
        .bind(&a.before_json).bind(&a.after_json).bind(&a.doc)
        .execute(c).await.map_err(Error::db(shard))?;
    Ok(())
}

pub async fn list_audit<'e, E>(
    e: E,
    b: Backend,
    shard: &'static str,
    limit: i64,
) -> Result<Vec<AuditEntry>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, AuditEntry>(b.sql("SELECT id, at, actor, entity, entity_id, action, before_json, after_json FROM audit_log ORDER BY at DESC, id DESC LIMIT ?"))
        .bind(limit)
        .fetch_all(e).await.map_err(Error::db(shard))
}
