//! The XLSX side of [`super::TableWriter`]: one sheet in constant-memory mode (rows go to a
//! temporary file as they come), the title and notes above a bold header row that stays in
//! view, quantities and money as numbers with a number format, the totals row in bold, and an
//! autofilter on the columns.

use std::path::Path;

use super::{Cell, Heading, Kind, io_err};
use crate::error::{Error, Result};

pub(super) struct Xlsx {
    book: rust_xlsxwriter::Workbook,
    row: u32,
    header_row: u32,
    bold: rust_xlsxwriter::Format,
    qty: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
    qty_bold: rust_xlsxwriter::Format,
    money_bold: rust_xlsxwriter::Format,
}

/// Rows XLSX allows on one sheet (the header and notes included).
const XLSX_MAX_ROWS: u32 = 1_048_576;

fn xlsx_err(path: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> Error + '_ {
    move |e| io_err(path, e)
}

impl Xlsx {
    pub(super) fn start(path: &Path, h: &Heading) -> Result<Xlsx> {
        use rust_xlsxwriter::{Format as F, Workbook};
        let mut book = Workbook::new();
        let bold = F::new().set_bold();
        let qty = F::new().set_num_format("#,##0.###");
        let money = F::new().set_num_format("#,##0.00");
        let mut x = Xlsx {
            qty_bold: qty.clone().set_bold(),
            money_bold: money.clone().set_bold(),
            book: Workbook::new(),
            row: 0,
            header_row: 0,
            bold,
            qty,
            money,
        };
        let e = xlsx_err(path);
        {
            let ws = book.add_worksheet_with_constant_memory().map_err(&e)?;
            ws.set_name(sheet_name(&h.title)).map_err(&e)?;
            for (i, c) in h.columns.iter().enumerate() {
                let w = match c.kind {
                    Kind::Text => 24,
                    Kind::Qty | Kind::Money => 16,
                    Kind::Int => 10,
                };
                ws.set_column_width(i as u16, w).map_err(&e)?;
            }
            ws.write_string_with_format(0, 0, &h.title, &x.bold)
                .map_err(&e)?;
            let mut r = 1;
            for (k, v) in &h.notes {
                ws.write_string(r, 0, k).map_err(&e)?;
                ws.write_string(r, 1, v).map_err(&e)?;
                r += 1;
            }
            r += 1;
            for (i, c) in h.columns.iter().enumerate() {
                ws.write_string_with_format(r, i as u16, c.title, &x.bold)
                    .map_err(&e)?;
            }
            x.header_row = r;
            x.row = r + 1;
        }
        x.book = book;
        Ok(x)
    }

    pub(super) fn row(&mut self, path: &Path, cells: &[Cell], totals: bool) -> Result<()> {
        if self.row >= XLSX_MAX_ROWS {
            return Err(Error::Invalid(format!(
                "cannot write {}: more rows than a spreadsheet holds ({XLSX_MAX_ROWS}); use CSV",
                path.display()
            )));
        }
        let e = xlsx_err(path);
        let r = self.row;
        let ws = self.book.worksheet_from_index(0).map_err(&e)?;
        for (i, c) in cells.iter().enumerate() {
            let col = i as u16;
            match c {
                Cell::Text(s) if totals => {
                    ws.write_string_with_format(r, col, s, &self.bold)
                        .map_err(&e)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, col, s).map_err(&e)?;
                }
                Cell::Qty(q) => {
                    let f = if totals { &self.qty_bold } else { &self.qty };
                    ws.write_number_with_format(r, col, q.0 as f64 / 1000.0, f)
                        .map_err(&e)?;
                }
                Cell::Money(m) => {
                    let f = if totals {
                        &self.money_bold
                    } else {
                        &self.money
                    };
                    ws.write_number_with_format(r, col, m.0 as f64 / 100.0, f)
                        .map_err(&e)?;
                }
                Cell::Int(n) => {
                    ws.write_number(r, col, *n as f64).map_err(&e)?;
                }
                Cell::Empty => {}
            }
        }
        self.row += 1;
        Ok(())
    }

    pub(super) fn save(&mut self, path: &Path, part: &Path, columns: usize) -> Result<()> {
        let e = xlsx_err(path);
        let (header, last) = (self.header_row, self.row.saturating_sub(1));
        let ws = self.book.worksheet_from_index(0).map_err(&e)?;
        ws.set_freeze_panes(header + 1, 0).map_err(&e)?;
        if columns > 0 {
            ws.autofilter(header, 0, last.max(header), columns as u16 - 1)
                .map_err(&e)?;
        }
        self.book.save(part).map_err(&e)
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let s: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if s.trim().is_empty() {
        "Report".into()
    } else {
        s
    }
}
