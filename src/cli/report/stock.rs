//! `gudang stock card` and `gudang stock limits`.

use std::path::PathBuf;

use clap::Args;
use gudang::Services;
use gudang::domain::Quantity;
use gudang::domain::say;
use gudang::service::export::{Format, Table};
use gudang::service::reports::{CardQuery, LimitChange, Period};

use super::super::out::{self, Failure};
use super::super::{Global, actor};
use super::{lang, write};

/// `gudang stock card`.
#[derive(Args, Debug)]
pub struct CardArgs {
    /// SKU or barcode
    product: String,
    /// A location (with the locations inside it); default: all
    #[arg(long, value_name = "LOC")]
    location: Option<String>,
    /// With --location: that location only, not the ones inside it
    #[arg(long, requires = "location")]
    no_children: bool,
    /// First day (YYYY-MM-DD; default: the first of --to's month)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day (YYYY-MM-DD; default: today)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    #[arg(long, conflicts_with_all = ["csv", "xlsx"])]
    json: bool,
    /// CSV on stdout, or into FILE
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with = "xlsx")]
    csv: Option<Option<PathBuf>>,
    /// Write an XLSX spreadsheet
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
}

/// `gudang stock limits`.
#[derive(Args, Debug)]
pub struct LimitsArgs {
    /// The location
    #[arg(long, value_name = "LOC")]
    at: String,
    /// SKU or barcode
    #[arg(long, value_name = "SKU")]
    sku: String,
    /// The location's minimum; `default` goes back to the product's
    #[arg(long, value_name = "QTY")]
    min: Option<String>,
    /// The location's maximum; `none` removes it
    #[arg(long, value_name = "QTY")]
    max: Option<String>,
    #[arg(long)]
    json: bool,
}

fn limit(v: Option<&str>, clear: &str, what: &str) -> Result<LimitChange, Failure> {
    match v.map(str::trim) {
        None => Ok(LimitChange::Keep),
        Some(t) if t.eq_ignore_ascii_case(clear) => Ok(LimitChange::Clear),
        Some(t) => Quantity::parse_any(t)
            .map(LimitChange::Set)
            .map_err(|e| Failure::Error(format!("--{what}: {e}"))),
    }
}

pub async fn limits(s: &Services, g: &Global, a: LimitsArgs) -> Result<(), Failure> {
    let min = limit(a.min.as_deref(), "default", "min")?;
    let max = limit(a.max.as_deref(), "none", "max")?;
    if min == LimitChange::Keep && max == LimitChange::Keep {
        return Err(Failure::Error("give --min or --max (or both)".into()));
    }
    let me = actor(s, g).await?;
    let l = s.set_stock_limits(&me, &a.at, &a.sku, min, max).await?;
    if a.json {
        // Quantities as exact decimal text, as every `--json` of gudang prints them.
        let q = |v: Option<Quantity>| v.map(|q| q.to_string());
        return out::json(&serde_json::json!({
            "location": l.location,
            "sku": l.sku,
            "quantity": l.quantity.to_string(),
            "min": l.min.to_string(),
            "min_override": q(l.min_override),
            "max": q(l.max),
        }));
    }
    let lg = lang(s);
    println!(
        "{} at {}: stock {}, minimum {}{}, maximum {}",
        l.sku,
        l.location,
        say::qty(lg, l.quantity),
        say::qty(lg, l.min),
        if l.min_override.is_some() {
            ""
        } else {
            " (product default)"
        },
        l.max.map_or_else(|| "none".into(), |m| say::qty(lg, m))
    );
    Ok(())
}

pub async fn card(s: &Services, a: CardArgs) -> Result<(), Failure> {
    let period = Period::parse(a.from.as_deref(), a.to.as_deref())?;
    let mut q = CardQuery::new(&a.product, period);
    q.location = a.location.clone();
    q.with_children = !a.no_children;
    let card = s.stock_card_whole(&q).await?;
    let table = card.table();
    if a.json {
        return out::json(&table.to_json());
    }
    match (&a.csv, &a.xlsx) {
        (Some(Some(path)), _) => return write(&table, path, Format::Csv),
        (Some(None), _) => return csv_stdout(&table),
        (None, Some(path)) => return write(&table, path, Format::Xlsx),
        (None, None) => {}
    }
    let lg = lang(s);
    println!("Stock card {} {} ({})", card.sku, card.name, card.unit);
    println!(
        "{}, {} to {}",
        match &card.location {
            None => "all locations".to_string(),
            Some(c) if card.with_children => format!("{c} and the locations inside it"),
            Some(c) => c.clone(),
        },
        say::date(lg, card.period.from),
        say::date(lg, card.period.to)
    );
    let mut rows = vec![vec![
        String::new(),
        String::new(),
        "opening balance".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        say::qty(lg, card.opening),
    ]];
    let nz = |q: Quantity| {
        if q.0 == 0 {
            String::new()
        } else {
            say::qty(lg, q)
        }
    };
    for r in &card.rows {
        rows.push(vec![
            say::instant(lg, r.at),
            r.number.clone(),
            r.kind.as_str().into(),
            r.location.clone(),
            r.counterpart.clone(),
            nz(r.qty_in),
            nz(r.qty_out),
            say::qty(lg, r.balance),
        ]);
    }
    rows.push(vec![
        String::new(),
        String::new(),
        "closing balance".into(),
        String::new(),
        String::new(),
        say::qty(lg, card.total_in),
        say::qty(lg, card.total_out),
        say::qty(lg, card.closing),
    ]);
    out::table(
        &[
            "TIME",
            "NUMBER",
            "KIND",
            "LOCATION",
            "PARTNER/OTHER",
            "IN",
            "OUT",
            "BALANCE",
        ],
        &rows,
    );
    if !card.exact {
        eprintln!(
            "note: the journal's primary did not answer; the newest documents may be missing"
        );
    }
    Ok(())
}

fn csv_stdout(table: &Table) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    let err = |e: csv::Error| Failure::Error(format!("cannot write CSV: {e}"));
    w.write_record(table.heading.columns.iter().map(|c| c.title))
        .map_err(err)?;
    for r in table.rows.iter().chain(table.totals.iter()) {
        w.write_record(r.iter().map(|c| c.text())).map_err(err)?;
    }
    w.flush()
        .map_err(|e| Failure::Error(format!("cannot write CSV: {e}")))
}
