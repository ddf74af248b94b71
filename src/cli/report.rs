//! Reports on the command line: `stock card`, `stock limits`, and `report movement`,
//! `report valuation`, `report reorder`. Text for people (numbers in the configured language),
//! `--json` on stdout, `--csv` / `--xlsx` files (the movement report streams into its file, so a
//! report of every product never sits in memory).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use gudang::Services;
use gudang::domain::Quantity;
use gudang::domain::say::{self, Lang};
use gudang::service::export::{Format, Table, TableWriter};
use gudang::service::reports::tables::{movement_cells, movement_heading, movement_total_cells};
use gudang::service::reports::{
    CardQuery, LimitChange, MovementQuery, Period, ReorderQuery, ValuationBy, ValuationQuery,
    parse_day, today,
};

use super::out::{self, Failure};
use super::{Global, actor};

/// Where a report goes besides the screen.
#[derive(Args, Debug, Clone, Default)]
pub struct Output {
    /// Print JSON instead of the table
    #[arg(long, conflicts_with_all = ["csv", "xlsx"])]
    json: bool,
    /// Write a CSV file
    #[arg(long, value_name = "FILE", conflicts_with = "xlsx")]
    csv: Option<PathBuf>,
    /// Write an XLSX spreadsheet
    #[arg(long, value_name = "FILE")]
    xlsx: Option<PathBuf>,
}

impl Output {
    fn file(&self) -> Option<(PathBuf, Format)> {
        match (&self.csv, &self.xlsx) {
            (Some(p), _) => Some((p.clone(), Format::Csv)),
            (None, Some(p)) => Some((p.clone(), Format::Xlsx)),
            _ => None,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Movement report (laporan mutasi): opening, in, out, closing per product for a period
    ///
    /// Values are quantity x the product's current price. Files list the products in the order
    /// they were created (the report streams into them); the screen and --json sort by SKU.
    Movement {
        /// First day (YYYY-MM-DD; default: the first of --to's month)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day (YYYY-MM-DD; default: today)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// A location and everything nested inside it
        #[arg(long, value_name = "LOC")]
        location: Option<String>,
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        /// One row per product and location
        #[arg(long)]
        by_location: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Stock and its value at the end of a day (default: today)
    Valuation {
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// location, category or product
        #[arg(long, value_name = "GROUP", default_value = "location")]
        by: String,
        #[arg(long, value_name = "LOC")]
        location: Option<String>,
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// What is at or below its minimum, how much to bring it to its maximum, and where
    /// another location holds a surplus
    Reorder {
        #[arg(long, value_name = "LOC")]
        location: Option<String>,
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        #[command(flatten)]
        out: Output,
    },
}

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

fn lang(s: &Services) -> Lang {
    Lang::from_code(&s.config.ui.language)
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

fn write(table: &Table, path: &std::path::Path, f: Format) -> Result<(), Failure> {
    table.write(path, f)?;
    println!("wrote {} ({} rows)", path.display(), table.rows.len());
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

pub async fn report(s: &Services, c: ReportCmd) -> Result<(), Failure> {
    let lg = lang(s);
    match c {
        ReportCmd::Movement {
            from,
            to,
            location,
            category,
            by_location,
            out,
        } => {
            let period = Period::parse(from.as_deref(), to.as_deref())?;
            let q = MovementQuery {
                period,
                location,
                category,
                by_location,
            };
            if let Some((path, f)) = out.file() {
                return movement_file(s, &q, &path, f).await;
            }
            let r = s.movement_report(&q).await?;
            if out.json {
                return out::json(&r.table().to_json());
            }
            println!(
                "Movement report {} to {}{}{} (values: quantity x current price)",
                say::date(lg, period.from),
                say::date(lg, period.to),
                r.location
                    .as_ref()
                    .map(|l| format!(", {l} and inside it"))
                    .unwrap_or_default(),
                r.category
                    .as_ref()
                    .map(|c| format!(", category {c}"))
                    .unwrap_or_default(),
            );
            let mut header = vec!["SKU", "NAME"];
            if by_location {
                header.push("LOCATION");
            }
            header.extend(["OPENING", "IN", "OUT", "CLOSING", "VALUE"]);
            let mut rows: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| {
                    let mut v = vec![row.sku.clone(), row.name.clone()];
                    if by_location {
                        v.push(row.location.clone().unwrap_or_default());
                    }
                    v.extend([
                        say::qty(lg, row.opening),
                        say::qty(lg, row.qty_in),
                        say::qty(lg, row.qty_out),
                        say::qty(lg, row.closing),
                        say::money(lg, row.closing_value),
                    ]);
                    v
                })
                .collect();
            let t = &r.totals;
            let mut total = vec![format!("TOTAL ({} rows)", t.rows), String::new()];
            if by_location {
                total.push(String::new());
            }
            total.extend([
                say::qty(lg, t.opening),
                say::qty(lg, t.qty_in),
                say::qty(lg, t.qty_out),
                say::qty(lg, t.closing),
                say::money(lg, t.closing_value),
            ]);
            rows.push(total);
            out::table(&header, &rows);
            Ok(())
        }
        ReportCmd::Valuation {
            at,
            by,
            location,
            category,
            out,
        } => {
            let at = match at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => parse_day(t, "--at")?,
                None => today(),
            };
            let by: ValuationBy = by.parse()?;
            let v = s
                .valuation(&ValuationQuery {
                    at,
                    by,
                    location,
                    category,
                })
                .await?;
            let table = v.table();
            if let Some((path, f)) = out.file() {
                return write(&table, &path, f);
            }
            if out.json {
                return out::json(&table.to_json());
            }
            println!(
                "Valuation at the end of {} (values: quantity x current price)",
                say::date(lg, at)
            );
            text_table(lg, &table);
            Ok(())
        }
        ReportCmd::Reorder {
            location,
            category,
            out,
        } => {
            let r = s.reorder(&ReorderQuery { location, category }).await?;
            let table = r.table();
            if let Some((path, f)) = out.file() {
                return write(&table, &path, f);
            }
            if out.json {
                return out::json(&table.to_json());
            }
            text_table(lg, &table);
            Ok(())
        }
    }
}

/// A table as text, numbers in the configured language.
fn text_table(lg: Lang, t: &Table) {
    use gudang::service::export::Cell;
    let header: Vec<String> = t
        .heading
        .columns
        .iter()
        .map(|c| c.title.to_uppercase())
        .collect();
    let cell = |c: &Cell| match c {
        Cell::Qty(q) => say::qty(lg, *q),
        Cell::Money(m) => say::money(lg, *m),
        Cell::Int(n) => say::int(lg, *n),
        other => other.text(),
    };
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .chain(t.totals.iter())
        .map(|r| r.iter().map(cell).collect())
        .collect();
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    out::table(&h, &rows);
}

/// The movement report streamed into a file: rows are written as they are computed.
async fn movement_file(
    s: &Services,
    q: &MovementQuery,
    path: &std::path::Path,
    f: Format,
) -> Result<(), Failure> {
    let heading = movement_heading(
        &q.period,
        q.location.as_deref(),
        q.category.as_deref(),
        q.by_location,
    );
    // Dropped on an error, the writer removes what it wrote: nothing appears at `path`.
    let mut w = TableWriter::create(path, f, &heading)?;
    let by = q.by_location;
    let (totals, exact) = s
        .movement_report_each(q, &mut |row| w.row(&movement_cells(&row, by)))
        .await?;
    w.finish(Some(&movement_total_cells(&totals, by)))?;
    println!("wrote {} ({} rows)", path.display(), totals.rows);
    if !exact {
        eprintln!(
            "note: the journal's primary did not answer; the newest documents may be missing"
        );
    }
    Ok(())
}
