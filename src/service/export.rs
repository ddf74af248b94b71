//! Report tables and their files: CSV, XLSX and JSON, written the same way for the CLI and the
//! app. A table is a title, a few lines about it (period, filters, how values are made),
//! columns, rows and an optional totals row. Rows can be written as they come
//! ([`TableWriter`]), so a long report never has to sit in memory; the file appears under its
//! name only when complete (it is written beside it and renamed), so a failure leaves nothing.
//!
//! Quantities and money stay exact everywhere except in XLSX cells, which hold numbers as
//! spreadsheets do (binary floating point, shown with a fixed number of decimals).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

mod target;
mod xlsx;

pub use target::export_target;

use crate::domain::{Money, Quantity};
use crate::error::{Error, Result};

/// A file format for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    /// The format a file name asks for by its extension, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Some(Format::Csv),
            Some("xlsx") => Some(Format::Xlsx),
            Some("json") => Some(Format::Json),
            _ => None,
        }
    }
}

/// What a column holds: it decides the cell's type and number format in XLSX and its
/// alignment on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Qty,
    Money,
    Int,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The JSON key.
    pub key: &'static str,
    /// The header.
    pub title: &'static str,
    pub kind: Kind,
}

pub const fn col(key: &'static str, title: &'static str, kind: Kind) -> Column {
    Column { key, title, kind }
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Qty(Quantity),
    Money(Money),
    Int(i64),
    Empty,
}

impl Cell {
    /// As the CSV file and the text table show it (plain decimals, no grouping).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Qty(q) => q.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// As JSON: exact decimals as strings (as every other `--json` of gudang), counts as numbers.
    fn json(&self) -> Value {
        match self {
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Qty(_) | Cell::Money(_) => Value::String(self.text()),
            Cell::Int(i) => Value::from(*i),
            Cell::Empty => Value::Null,
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<Quantity> for Cell {
    fn from(q: Quantity) -> Cell {
        Cell::Qty(q)
    }
}
impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

/// The heading of a table: what every format writes before the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub title: String,
    /// (label, value) lines: the period, the filters, how values are made.
    pub notes: Vec<(String, String)>,
    pub columns: Vec<Column>,
}

/// A whole table in memory (for screens and small reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub heading: Heading,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Option<Vec<Cell>>,
}

impl Table {
    /// Writes the table to `path` in `format`.
    pub fn write(&self, path: &Path, format: Format) -> Result<()> {
        let mut w = TableWriter::create(path, format, &self.heading)?;
        for r in &self.rows {
            w.row(r)?;
        }
        w.finish(self.totals.as_deref())
    }

    /// The table as one JSON value (what `write` puts in a JSON file).
    pub fn to_json(&self) -> Value {
        let mut o = json_heading(&self.heading);
        let rows = self
            .rows
            .iter()
            .map(|r| json_row(&self.heading.columns, r))
            .collect();
        o.insert("rows".into(), Value::Array(rows));
        if let Some(t) = &self.totals {
            o.insert("totals".into(), json_row(&self.heading.columns, t));
        }
        Value::Object(o)
    }
}

fn json_heading(h: &Heading) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("title".into(), Value::String(h.title.clone()));
    let notes: Map<String, Value> = h
        .notes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    o.insert("notes".into(), Value::Object(notes));
    o
}

fn json_row(cols: &[Column], cells: &[Cell]) -> Value {
    Value::Object(
        cols.iter()
            .zip(cells)
            .map(|(c, v)| (c.key.to_string(), v.json()))
            .collect(),
    )
}

/// Writes a table row by row into a file that appears under its name only at
/// [`TableWriter::finish`]; dropped unfinished, it removes what it wrote.
pub struct TableWriter {
    path: PathBuf,
    part: PathBuf,
    columns: Vec<Column>,
    /// `None` once finished.
    out: Option<Out>,
    done: bool,
}

enum Out {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Json { w: BufWriter<File>, first: bool },
    Xlsx(Box<xlsx::Xlsx>),
}

pub(crate) fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("cannot write {}: {e}", path.display()))
}

impl TableWriter {
    /// Starts `path` (refused if its folder does not exist); nothing appears under that name
    /// until [`Self::finish`].
    pub fn create(path: &Path, format: Format, heading: &Heading) -> Result<TableWriter> {
        if path.as_os_str().is_empty() {
            return Err(Error::Invalid("no file name given".into()));
        }
        if path.is_dir() {
            return Err(Error::Invalid(format!(
                "{} is a folder; give a file name",
                path.display()
            )));
        }
        let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(d) => d.to_path_buf(),
            None => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::Invalid(format!(
                "cannot write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            )));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let part = dir.join(format!(".{name}.part-{}", std::process::id()));
        let open = || File::create(&part).map_err(|e| io_err(path, e));
        let out = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(BufWriter::new(open()?));
                w.write_record(heading.columns.iter().map(|c| c.title))
                    .map_err(|e| io_err(path, e))?;
                Out::Csv(Box::new(w))
            }
            Format::Json => {
                let mut w = BufWriter::new(open()?);
                let mut head = serde_json::to_string(&Value::Object(json_heading(heading)))
                    .map_err(|e| io_err(path, e))?;
                head.pop(); // the closing brace: rows follow
                write!(w, "{head},\"rows\":[").map_err(|e| io_err(path, e))?;
                Out::Json { w, first: true }
            }
            Format::Xlsx => Out::Xlsx(Box::new(xlsx::Xlsx::start(path, heading)?)),
        };
        Ok(TableWriter {
            path: path.to_path_buf(),
            part,
            columns: heading.columns.clone(),
            out: Some(out),
            done: false,
        })
    }

    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let path = self.path.clone();
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        match out {
            Out::Csv(w) => w
                .write_record(cells.iter().map(Cell::text))
                .map_err(|e| io_err(&path, e)),
            Out::Json { w, first } => {
                let v = serde_json::to_string(&json_row(&self.columns, cells))
                    .map_err(|e| io_err(&path, e))?;
                let sep = if *first { "" } else { "," };
                *first = false;
                write!(w, "{sep}{v}").map_err(|e| io_err(&path, e))
            }
            Out::Xlsx(x) => x.row(&path, cells, false),
        }
    }

    /// Writes the totals row (if any), closes the file and gives it its name.
    pub fn finish(mut self, totals: Option<&[Cell]>) -> Result<()> {
        let path = self.path.clone();
        let Some(out) = self.out.take() else {
            return Ok(());
        };
        match out {
            Out::Csv(mut w) => {
                if let Some(t) = totals {
                    w.write_record(t.iter().map(Cell::text))
                        .map_err(|e| io_err(&path, e))?;
                }
                w.flush().map_err(|e| io_err(&path, e))?;
                let f = (*w).into_inner().map_err(|e| io_err(&path, e.error()))?;
                f.into_inner()
                    .map_err(|e| io_err(&path, e.error()))?
                    .sync_all()
                    .map_err(|e| io_err(&path, e))?;
            }
            Out::Json { mut w, .. } => {
                write!(w, "]").map_err(|e| io_err(&path, e))?;
                if let Some(t) = totals {
                    let v = serde_json::to_string(&json_row(&self.columns, t))
                        .map_err(|e| io_err(&path, e))?;
                    write!(w, ",\"totals\":{v}").map_err(|e| io_err(&path, e))?;
                }
                writeln!(w, "}}").map_err(|e| io_err(&path, e))?;
                w.flush().map_err(|e| io_err(&path, e))?;
            }
            Out::Xlsx(mut x) => {
                if let Some(t) = totals {
                    x.row(&path, t, true)?;
                }
                x.save(&path, &self.part, self.columns.len())?;
            }
        }
        std::fs::rename(&self.part, &self.path).map_err(|e| io_err(&path, e))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading() -> Heading {
        Heading {
            title: "Movement report".into(),
            notes: vec![("Period".into(), "2026-11-01 to 2026-11-30".into())],
            columns: vec![
                col("sku", "SKU", Kind::Text),
                col("qty", "Quantity", Kind::Qty),
                col("value", "Value", Kind::Money),
            ],
        }
    }

    fn table() -> Table {
        Table {
            heading: heading(),
            rows: vec![
                vec!["A-1".into(), Quantity(1500).into(), Money(375).into()],
                vec!["B,2".into(), Quantity(-2000).into(), Money(0).into()],
            ],
            totals: Some(vec![
                "Total".into(),
                Quantity(-500).into(),
                Money(375).into(),
            ]),
        }
    }

    #[test]
    fn csv_json_and_xlsx_files() {
        let dir = tempfile::tempdir().unwrap();
        let t = table();
        let csv = dir.path().join("r.csv");
        t.write(&csv, Format::Csv).unwrap();
        assert_eq!(
            std::fs::read_to_string(&csv).unwrap(),
            "SKU,Quantity,Value\nA-1,1.5,3.75\n\"B,2\",-2,0.00\nTotal,-0.5,3.75\n"
        );
        let json = dir.path().join("r.json");
        t.write(&json, Format::Json).unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(v, t.to_json());
        assert_eq!(v["rows"][0]["qty"], "1.5");
        assert_eq!(v["totals"]["value"], "3.75");
        let xlsx = dir.path().join("r.xlsx");
        t.write(&xlsx, Format::Xlsx).unwrap();
        let bytes = std::fs::read(&xlsx).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let names = String::from_utf8_lossy(&bytes);
        assert!(names.contains("xl/worksheets/sheet1.xml"));
        // Nothing but the three files is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }

    #[test]
    fn a_bad_path_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").join("r.csv");
        let e = table()
            .write(&missing, Format::Csv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        let e = table()
            .write(dir.path(), Format::Csv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a folder"), "{e}");
        {
            let mut w =
                TableWriter::create(&dir.path().join("x.csv"), Format::Csv, &heading()).unwrap();
            w.row(&["a".into(), Quantity(1).into(), Money(1).into()])
                .unwrap();
            // Dropped unfinished (an error while streaming): nothing stays.
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert_eq!(Format::from_path(Path::new("a/b.XLSX")), Some(Format::Xlsx));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
    }
}
