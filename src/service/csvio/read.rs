//! Reading an import file: the header (columns by name, in any order) and every data row,
//! with each problem recorded against its line number instead of stopping at the first.

use std::collections::HashMap;
use std::io::Read;

use super::{COLUMNS, REQUIRED, RowError};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::service::catalog::ProductInput;

/// One data row as read: the form it fills, and where it came from.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) input: ProductInput,
    pub(super) has_barcode: bool,
    pub(super) has_category: bool,
}

/// Reads the header and every data row. Header problems are reported on line 1 (and stop
/// the read); a malformed row is reported and skipped so the rest is still checked.
pub(super) fn read_rows<R: Read>(reader: R, errors: &mut Vec<RowError>) -> Result<Vec<Row>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let header_err = |message: String| RowError {
        line: 1,
        field: String::new(),
        message,
    };
    match r.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            errors.push(header_err(format!(
                "the file is empty: expected a header row such as {}",
                COLUMNS.join(",")
            )));
            return Ok(Vec::new());
        }
        Err(e) => {
            errors.push(header_err(format!(
                "unreadable header row: {}",
                csv_message(&e)
            )));
            return Ok(Vec::new());
        }
    }
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in record.iter().enumerate() {
        let h = raw.trim_start_matches('\u{feff}').trim().to_lowercase();
        match COLUMNS.iter().find(|c| **c == h) {
            None => errors.push(header_err(format!(
                "unknown column '{}' (the columns are: {})",
                raw.trim(),
                COLUMNS.join(", ")
            ))),
            Some(c) if index.contains_key(c) => {
                errors.push(header_err(format!("column '{c}' appears twice")))
            }
            Some(c) => {
                index.insert(c, i);
            }
        }
    }
    for c in REQUIRED {
        if !index.contains_key(c) {
            errors.push(header_err(format!("missing required column '{c}'")));
        }
    }
    if !errors.is_empty() {
        return Ok(Vec::new());
    }
    let width = record.len();
    let mut rows = Vec::new();
    loop {
        let line = r.position().line();
        match r.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map(|p| p.line()).unwrap_or(line);
                if record.len() != width {
                    errors.push(RowError {
                        line,
                        field: String::new(),
                        message: format!(
                            "expected {width} fields like the header, found {}",
                            record.len()
                        ),
                    });
                    continue;
                }
                let cell = |c: &str| {
                    index
                        .get(c)
                        .and_then(|i| record.get(*i))
                        .map(str::to_string)
                };
                let active = match cell("active").as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(v) => match parse_bool(v) {
                        Some(b) => Some(b),
                        None => {
                            errors.push(RowError {
                                line,
                                field: "active".into(),
                                message: format!(
                                    "'{v}' is not true or false (also accepted: yes/no, 1/0)"
                                ),
                            });
                            None
                        }
                    },
                };
                rows.push(Row {
                    line,
                    input: ProductInput {
                        sku: cell("sku").unwrap_or_default(),
                        name: cell("name").unwrap_or_default(),
                        barcode: cell("barcode"),
                        category: cell("category"),
                        unit: cell("unit"),
                        price: cell("price"),
                        min_qty: cell("min_qty"),
                        active,
                    },
                    has_barcode: index.contains_key("barcode"),
                    has_category: index.contains_key("category"),
                });
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => return Err(csv_error(e)),
                _ => {
                    let at = e.position().map(|p| p.line()).unwrap_or(line);
                    errors.push(RowError {
                        line: at,
                        field: String::new(),
                        message: csv_message(&e),
                    });
                }
            },
        }
    }
    Ok(rows)
}

/// A SKU or barcode used by two rows of the file: the later row is reported.
pub(super) fn duplicates(rows: &[Row], errors: &mut Vec<RowError>) {
    let mut skus: HashMap<String, u64> = HashMap::with_capacity(rows.len());
    let mut barcodes: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let sku = text::norm(&row.input.sku);
        if !sku.is_empty() {
            let first = *skus.entry(sku).or_insert(row.line);
            if first != row.line {
                errors.push(RowError {
                    line: row.line,
                    field: "sku".into(),
                    message: format!("'{}' is also on line {first}", row.input.sku.trim()),
                });
            }
        }
        if let Some(bc) = row
            .input
            .barcode
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            let first = *barcodes.entry(bc.to_string()).or_insert(row.line);
            if first != row.line {
                errors.push(RowError {
                    line: row.line,
                    field: "barcode".into(),
                    message: format!("'{bc}' is also on line {first}"),
                });
            }
        }
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text (save the file as UTF-8)".into(),
        _ => e.to_string(),
    }
}

pub(super) fn csv_error(e: csv::Error) -> Error {
    let msg = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::Io(io),
        _ => Error::Invalid(format!("CSV: {msg}")),
    }
}
