//! Reports on the command line: `stock card`, `stock limits`, and `report movement`,
//! `report valuation`, `report reorder`. Text for people (numbers in the configured language),
//! `--json` on stdout, `--csv` / `--xlsx` files (the movement report streams into its file, so a
//! report of every product never sits in memory).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use gudang::Services;
use gudang::domain::say::{self, Lang};
use gudang::service::export::{Format, Table, TableWriter};
use gudang::service::reports::tables::{movement_cells, movement_heading, movement_total_cells};
use gudang::service::reports::{
    MovementQuery, Period, ReorderQuery, ValuationBy, ValuationQuery, parse_day, today,
};

mod stock;

pub use stock::{CardArgs, LimitsArgs, card, limits};

use super::out::{self, Failure};

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
    /// Close the months that ended (tutup buku): store each product's closing balance per
    /// location, so reports far back read from there. Reports also close on their own when
    /// needed; a closing the journal no longer matches is never used.
    Close,
}

pub(super) fn lang(s: &Services) -> Lang {
    Lang::from_code(&s.config.ui.language)
}

pub(super) fn write(table: &Table, path: &std::path::Path, f: Format) -> Result<(), Failure> {
    table.write(path, f)?;
    println!("wrote {} ({} rows)", path.display(), table.rows.len());
    Ok(())
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
        ReportCmd::Close => {
            let c = s.close_months().await?;
            match c.through {
                Some(m) => println!(
                    "closed {} months now ({} rows); closing balances hold through {}",
                    c.closed,
                    c.rows,
                    m.key()
                ),
                None => println!("no month to close yet"),
            }
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
