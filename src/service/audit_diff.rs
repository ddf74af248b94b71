//! An audit entry's record before and after, turned into what changed field by field: only
//! changed fields (every set field for a create), bookkeeping fields left out, secrets shown as
//! "(changed)", amounts and quantities as people write them, and references (category, unit,
//! parent location) by name instead of by id.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::Services;
use crate::db::master::AuditEntry;
use crate::domain::{Money, Quantity};
use crate::error::Result;

/// One field's change; None is "not set" (before a create, or a cleared value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Shown instead of a secret's value.
pub const SECRET: &str = "(changed)";

/// Fields every record carries that say nothing about the change.
const SKIP: &[&str] = &["id", "created_at", "updated_at"];

/// References shown by name: (logged key, shown as).
const REFS: &[(&str, &str)] = &[
    ("category_id", "category"),
    ("unit_id", "unit"),
    ("parent_id", "parent"),
];

/// The logged JSON as an object (anything else, or nothing, is an empty one).
pub fn parse(json: Option<&str>) -> Map<String, Value> {
    json.and_then(|j| serde_json::from_str::<Value>(j).ok())
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
}

/// The entity's code and name, from its logged record (after, else before).
pub fn label(
    entity: &str,
    entity_id: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> (String, String) {
    let get = |k: &str| {
        text_of(after.get(k))
            .or_else(|| text_of(before.get(k)))
            .unwrap_or_default()
    };
    match entity {
        "product" if !get("first_sku").is_empty() => {
            let (first, last) = (get("first_sku"), get("last_sku"));
            (format!("{first}..{last}"), String::new())
        }
        "product" => (get("sku"), get("name")),
        "location" | "unit" => (get("code"), get("name")),
        "user" => (get("email"), get("name")),
        "category" => (get("name"), String::new()),
        "stock_limits" => (get("sku"), get("location")),
        _ => (entity_id.to_string(), String::new()),
    }
}

/// What changed, field by field (in the order of the field names).
pub fn changes(
    action: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    names: &Names,
) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = after.keys().collect();
    keys.extend(before.keys().filter(|k| !after.contains_key(*k)));
    let mut out = Vec::new();
    for key in keys {
        if SKIP.contains(&key.as_str()) {
            continue;
        }
        let (b, a) = (before.get(key), after.get(key));
        let unset = |v: Option<&Value>| v.is_none_or(Value::is_null);
        if b == a || (unset(b) && unset(a)) {
            continue;
        }
        if is_secret(key) {
            out.push(FieldChange {
                field: key.clone(),
                before: None,
                after: Some(SECRET.into()),
            });
            continue;
        }
        let field = REFS
            .iter()
            .find(|(k, _)| k == key)
            .map_or(key.as_str(), |(_, shown)| shown);
        out.push(FieldChange {
            field: field.to_string(),
            before: show(key, b, names),
            after: show(key, a, names),
        });
    }
    // A password change logs the user as it was and is (the hash is never logged).
    if action == "password" && out.is_empty() {
        out.push(FieldChange {
            field: "password".into(),
            before: None,
            after: Some(SECRET.into()),
        });
    }
    out
}

fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password") || k.contains("hash") || k.contains("secret")
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn show(key: &str, v: Option<&Value>, names: &Names) -> Option<String> {
    let v = v.filter(|v| !v.is_null())?;
    if REFS.iter().any(|(k, _)| *k == key)
        && let Some(name) = v.as_str().and_then(|id| names.0.get(id))
    {
        return Some(name.clone());
    }
    match (key, v.as_i64()) {
        ("price", Some(n)) => Some(Money(n).to_string()),
        ("min_qty" | "min_override" | "max_qty" | "quantity", Some(n)) => {
            Some(Quantity(n).to_string())
        }
        _ => text_of(Some(v)),
    }
}

/// Names of the categories, units and locations the entries refer to, by id.
#[derive(Debug, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// Loads only the kinds the entries refer to (each a short list).
    pub async fn load(s: &Services, entries: &[AuditEntry]) -> Result<Names> {
        let refers = |key: &str| {
            entries.iter().any(|e| {
                [&e.before_json, &e.after_json]
                    .iter()
                    .any(|j| j.as_deref().is_some_and(|j| j.contains(key)))
            })
        };
        let mut names = HashMap::new();
        if refers("\"category_id\":\"") {
            for c in s.list_categories().await? {
                names.insert(c.id, c.name);
            }
        }
        if refers("\"unit_id\":\"") {
            for u in s.list_units().await? {
                names.insert(u.id, u.code);
            }
        }
        if refers("\"parent_id\":\"") {
            for l in s.list_locations().await? {
                names.insert(l.id, l.code);
            }
        }
        Ok(Names(names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(j: &str) -> Map<String, Value> {
        parse(Some(j))
    }

    #[test]
    fn only_changed_fields_and_secrets_hidden() {
        let before = obj(r#"{"id":"1","sku":"A","price":1250,"password_hash":"x","updated_at":1}"#);
        let after = obj(r#"{"id":"1","sku":"A","price":1500,"password_hash":"y","updated_at":2}"#);
        let c = changes("update", &before, &after, &Names::default());
        assert_eq!(
            c,
            vec![
                FieldChange {
                    field: "password_hash".into(),
                    before: None,
                    after: Some(SECRET.into()),
                },
                FieldChange {
                    field: "price".into(),
                    before: Some("12.50".into()),
                    after: Some("15.00".into()),
                },
            ]
        );
    }

    #[test]
    fn a_create_shows_every_set_field() {
        let after = obj(r#"{"id":"1","code":"A","name":"Gudang A","parent_id":null}"#);
        let c = changes("create", &Map::new(), &after, &Names::default());
        let fields: Vec<&str> = c.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["code", "name"]);
        let (code, name) = label("location", "x", &Map::new(), &after);
        assert_eq!((code.as_str(), name.as_str()), ("A", "Gudang A"));
    }

    #[test]
    fn a_password_change_says_so() {
        let u = obj(r#"{"email":"a@b.c","role":"clerk"}"#);
        let c = changes("password", &u, &u, &Names::default());
        assert_eq!(c[0].field, "password");
        assert_eq!(c[0].after.as_deref(), Some(SECRET));
    }
}
