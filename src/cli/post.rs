//! Commands on transactions: post, list, show; and the check and recovery commands.

use clap::{Args, Subcommand};
use gudang::Services;
use gudang::db::journal::TxnFilter;
use gudang::domain::ids::display_time;
use gudang::domain::say::{self, Lang};
use gudang::domain::{Money, Quantity, TxKind};
use gudang::service::posting::{PostRequest, parse_line_spec};

use super::out::{self, Failure};
use super::{Global, actor};

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// A line: SKU:QTY, or SKU:QTY@PRICE for receipts (SKU may be a barcode); repeat per line
    #[arg(long = "line", value_name = "SKU:QTY", required = true)]
    lines: Vec<String>,
    /// External reference (purchase order, delivery note...)
    #[arg(long = "ref")]
    reference: Option<String>,
    #[arg(long)]
    note: Option<String>,
    /// Client-made transaction id (UUID); posting the same id again never posts twice
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
pub enum PostCmd {
    /// Goods received into a location
    Receipt {
        #[arg(long, value_name = "LOC")]
        to: String,
        /// Supplier
        #[arg(long)]
        partner: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Goods issued from a location
    Issue {
        #[arg(long, value_name = "LOC")]
        from: String,
        /// Customer or recipient
        #[arg(long)]
        partner: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Goods moved between two locations
    Transfer {
        #[arg(long, value_name = "LOC")]
        from: String,
        #[arg(long, value_name = "LOC")]
        to: String,
        #[command(flatten)]
        common: Common,
    },
    /// Stock counted at a location: each line sets the counted quantity
    Adjust {
        #[arg(long, value_name = "LOC")]
        at: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand, Debug)]
pub enum TxnCmd {
    /// List transactions, newest first
    List {
        #[arg(long)]
        kind: Option<String>,
        /// From this date (YYYY-MM-DD, local time)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long = "ref")]
        reference: Option<String>,
        #[arg(long, default_value_t = 50, conflicts_with = "all")]
        limit: i64,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one transaction with its lines
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn post(s: &Services, g: &Global, c: PostCmd) -> Result<(), Failure> {
    let (kind, source, dest, partner, notes, common) = match c {
        PostCmd::Receipt {
            to,
            partner,
            common,
        } => (
            TxKind::Receipt,
            None,
            Some(to),
            partner,
            common.note.clone(),
            common,
        ),
        PostCmd::Issue {
            from,
            partner,
            common,
        } => (
            TxKind::Issue,
            Some(from),
            None,
            partner,
            common.note.clone(),
            common,
        ),
        PostCmd::Transfer { from, to, common } => (
            TxKind::Transfer,
            Some(from),
            Some(to),
            None,
            common.note.clone(),
            common,
        ),
        PostCmd::Adjust { at, reason, common } => {
            let notes = match (reason, common.note.clone()) {
                (Some(r), Some(n)) => Some(format!("{r}: {n}")),
                (r, n) => r.or(n),
            };
            (TxKind::Adjustment, Some(at), None, None, notes, common)
        }
    };
    let lines = common
        .lines
        .iter()
        .map(|l| parse_line_spec(l))
        .collect::<Result<Vec<_>, _>>()?;
    let req = PostRequest {
        id: common.id.clone(),
        kind: Some(kind),
        source,
        dest,
        lines,
        partner,
        reference: common.reference.clone(),
        notes,
    };
    let a = actor(s, g).await?;
    let outcome = s.post(&a, &req).await?;
    if common.json {
        out::json(&outcome)?;
    } else if outcome.is_posted() {
        println!("{}", outcome.number);
    }
    if outcome.is_posted() {
        Ok(())
    } else {
        if !common.json {
            let lang = Lang::from_code(&s.config.ui.language);
            let line = format!(
                "{} rejected: {}",
                outcome.number,
                outcome.reason.unwrap_or_default()
            );
            eprintln!("{}", out::error_line(lang, &line));
        }
        Err(Failure::Quiet)
    }
}

fn parse_day(s: &str) -> Result<i64, Failure> {
    use chrono::TimeZone;
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::Error(format!("--since '{s}': expected a date like 2026-01-31")))?;
    let t = d
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| Failure::Error(format!("--since '{s}': invalid date")))?;
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp_micros())
        .ok_or_else(|| Failure::Error(format!("--since '{s}': that local time does not exist")))
}

pub async fn txn(s: &Services, _g: &Global, c: TxnCmd) -> Result<(), Failure> {
    match c {
        TxnCmd::List {
            kind,
            since,
            reference,
            limit,
            all,
            json,
        } => {
            if !all && !(1..=100_000).contains(&limit) {
                return Err(Failure::Error(
                    "--limit must be between 1 and 100000 (or use --all)".into(),
                ));
            }
            let f = TxnFilter {
                kind: kind
                    .map(|k| k.parse::<TxKind>().map(|k| k.as_str().to_string()))
                    .transpose()?,
                since: since.as_deref().map(parse_day).transpose()?,
                reference,
                ..Default::default()
            };
            let rows = s
                .list_transactions(&f, if all { None } else { Some(limit) }, 0)
                .await?;
            if json {
                return out::json(&rows);
            }
            let table = rows
                .iter()
                .map(|h| {
                    let route = match (&h.source_code, &h.dest_code) {
                        (Some(a), Some(b)) => format!("{a} -> {b}"),
                        (Some(a), None) => a.clone(),
                        (None, Some(b)) => format!("-> {b}"),
                        (None, None) => String::new(),
                    };
                    vec![
                        h.number.clone(),
                        h.kind.clone(),
                        h.status.clone(),
                        display_time(h.created_at),
                        route,
                        h.line_count.to_string(),
                        Money(h.total_value).to_string(),
                        h.reference.clone().unwrap_or_default(),
                    ]
                })
                .collect::<Vec<_>>();
            out::table(
                &[
                    "NUMBER",
                    "KIND",
                    "STATUS",
                    "CREATED",
                    "LOCATIONS",
                    "LINES",
                    "VALUE",
                    "REF",
                ],
                &table,
            );
        }
        TxnCmd::Show { number, json } => {
            let d = s.transaction_detail(&number).await?;
            if json {
                return out::json(&d);
            }
            let h = &d.header;
            println!("{}  {}  {}", h.number, h.kind, h.status.to_uppercase());
            println!(
                "created  {} by {}",
                display_time(h.created_at),
                h.created_by
            );
            if let Some(src) = &h.source_code {
                println!("from     {src}");
            }
            if let Some(dst) = &h.dest_code {
                println!("to       {dst}");
            }
            for (label, v) in [
                ("partner", &h.partner),
                ("ref", &h.reference),
                ("notes", &h.notes),
                ("reason", &h.reason),
            ] {
                if let Some(v) = v {
                    // A rejection's reason is the services' message: in the configured language.
                    let v = match label {
                        "reason" => say::tr(Lang::from_code(&s.config.ui.language), v),
                        _ => v.clone(),
                    };
                    println!("{label:<8} {v}");
                }
            }
            let rows = d
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.line_no.to_string(),
                        l.sku.clone(),
                        l.product_name.clone(),
                        Quantity(l.quantity).to_string(),
                        Money(l.unit_price).to_string(),
                        Money(l.total).to_string(),
                        l.applied_delta
                            .map(|d| Quantity(d).to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect::<Vec<_>>();
            out::table(
                &["#", "SKU", "NAME", "QTY", "PRICE", "TOTAL", "APPLIED"],
                &rows,
            );
        }
    }
    Ok(())
}

pub async fn check(s: &Services, json: bool) -> Result<(), Failure> {
    let r = s.check().await?;
    if json {
        out::json(&r)?;
    } else {
        for v in &r.violations {
            println!("VIOLATION [{}] {}", v.rule, v.detail);
        }
        if r.violation_count as usize > r.violations.len() {
            println!(
                "... and {} more",
                r.violation_count as usize - r.violations.len()
            );
        }
        if r.ok() {
            println!(
                "ok: {} transactions, {} posted lines, {} movements, {} stock rows; no violations",
                r.headers, r.posted_lines, r.movements, r.stock_rows
            );
        } else {
            eprintln!("{} violation(s)", r.violation_count);
        }
    }
    if r.ok() { Ok(()) } else { Err(Failure::Quiet) }
}

pub async fn recover(s: &Services, grace: Option<u64>) -> Result<(), Failure> {
    let grace = grace
        .map(|g| (g as i64).saturating_mul(1_000_000))
        .unwrap_or_else(|| s.grace_micros());
    let r = gudang::service::recovery::recover(s, grace).await?;
    println!(
        "journaled {} decided posting(s) left in the outbox: {} posted, {} rejected",
        r.resolved, r.posted, r.rejected
    );
    // The reports' monthly balances of the months that ended, so that no report pays for them.
    let closed = s.close_months().await?;
    if closed.closed > 0 {
        println!("closed {} month(s) of stock balances", closed.closed);
    }
    Ok(())
}
