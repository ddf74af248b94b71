//! `gudang audit [--entity E] [--code CODE] [--actor EMAIL] [--since DATE] [--limit N]
//! [--json]`: who changed which master or location data, newest first, field by field.
//! Supervisors and admins only (the service checks).

use clap::Args;
use gudang::Services;
use gudang::domain::say;
use gudang::service::audit::{AuditEntity, AuditFilter, AuditLine};
use gudang::service::reports::period::parse_day;

use super::out::{self, Failure};
use super::{Global, actor};

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Only changes of this kind: product, location, user, category or unit
    #[arg(long, value_name = "ENTITY")]
    pub entity: Option<String>,
    /// Only changes of this one: SKU or barcode, location or unit code, email, category name
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Only changes made by this user
    #[arg(long, value_name = "EMAIL")]
    pub actor: Option<String>,
    /// Only changes on or after this local day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// At most this many entries, newest first (1-500)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: i64,
    /// Print JSON (every field's before and after) instead of text
    #[arg(long)]
    pub json: bool,
}

pub async fn audit(s: &Services, g: &Global, a: AuditArgs) -> Result<(), Failure> {
    let me = actor(s, g).await?;
    let filter = AuditFilter {
        entity: a
            .entity
            .as_deref()
            .map(str::parse::<AuditEntity>)
            .transpose()?,
        code: a.code,
        entity_id: None,
        actor: a.actor,
        since: a
            .since
            .as_deref()
            .map(|d| parse_day(d, "--since"))
            .transpose()?,
    };
    let page = s.audit_trail(&me, &filter, a.limit, None).await?;
    if a.json {
        return out::json(&page);
    }
    let lg = super::report::lang(s);
    for e in &page.entries {
        print_entry(lg, e);
    }
    if page.entries.is_empty() {
        println!("(none)");
    }
    if page.next.is_some() {
        eprintln!(
            "(showing the newest {}; use --limit, --since or a filter for the rest)",
            page.entries.len()
        );
    }
    Ok(())
}

/// Width the text is kept to.
const WIDTH: usize = 80;

/// A heading line (when, who, the change, the document behind it), a line naming what changed,
/// and one indented line per changed field.
fn print_entry(lg: say::Lang, e: &AuditLine) {
    let doc = e
        .doc
        .as_deref()
        .map(|d| format!("  {d}"))
        .unwrap_or_default();
    let head = format!("{}  {}  {}{doc}", say::instant(lg, e.at), e.actor, e.action);
    println!("{}", cut(&head, WIDTH));
    let mut what = format!("  {} {}", e.entity, e.code);
    if !e.name.is_empty() && e.name != e.code {
        what.push_str(&format!(" ({})", e.name));
    }
    println!("{}", cut(&what, WIDTH));
    for c in &e.changes {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".into());
        let line = if c.before.is_none() {
            format!("    {}: {}", c.field, v(&c.after))
        } else {
            format!("    {}: {} -> {}", c.field, v(&c.before), v(&c.after))
        };
        println!("{}", cut(&line, WIDTH));
    }
}

/// `s` cut to `w` characters, the cut marked with an ellipsis.
fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
    t.push('…');
    t
}
