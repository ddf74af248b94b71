//! Export of the report on screen: a one-field form for the file's path (its extension picks
//! CSV or XLSX), checked before anything is written, then the service's export function on a
//! task. The pane says where the file went, or why it did not.

use std::path::{Path, PathBuf};

use super::report_call::{Filters, Kind};
use crate::service::Services;
use crate::service::export::Format;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::form::{Field, Form};

/// A file name to start from: `mutasi-2026-03-01-2026-03-31.xlsx` and the like.
pub fn default_name(kind: Kind, f: &Filters) -> String {
    let (from, to) = (
        f.period.from.format("%Y-%m-%d"),
        f.period.to.format("%Y-%m-%d"),
    );
    match kind {
        Kind::Movement => format!("mutasi-{from}-{to}.xlsx"),
        Kind::Valuation => format!("nilai-stok-{to}.xlsx"),
        Kind::Reorder => format!("pesan-ulang-{to}.xlsx"),
    }
}

pub fn form(shell: &Shell, kind: Kind, f: &Filters) -> Form {
    let mut form = Form::new(
        shell.t(Msg::RptExportTitle).into(),
        vec![Field::new("path", Msg::RptExportPath).value(&default_name(kind, f))],
    );
    form.intro = Some(shell.t(Msg::RptExportIntro).into());
    form
}

/// The path typed and its format; or the message for the field. Where it may be written is
/// the service's to say when the export runs (`export::export_target`).
pub fn check(shell: &Shell, typed: &str) -> Result<(PathBuf, Format), String> {
    let t = typed.trim();
    if t.is_empty() {
        return Err(shell.t(Msg::Required).into());
    }
    let path = Path::new(t);
    let format = match Format::from_path(path) {
        Some(f @ (Format::Csv | Format::Xlsx)) => f,
        _ => return Err(shell.t(Msg::RptExportFormat).into()),
    };
    Ok((path.to_path_buf(), format))
}

/// Writes the report `kind` with `filters` to `path` (computed afresh, in the order the
/// screen shows it, through the reports' own tables): the number of rows written and the
/// file's absolute path, so the user sees where a relative name went.
pub async fn export(
    s: &Services,
    kind: Kind,
    filters: &Filters,
    path: &str,
) -> Result<(u64, String), String> {
    let path = crate::service::export::export_target(&s.config, Path::new(path))
        .map_err(|e| e.to_string())?;
    let format =
        Format::from_path(&path).ok_or_else(|| format!("{}: use .csv or .xlsx", path.display()))?;
    let table = match kind {
        Kind::Movement => s
            .movement_report(&filters.movement())
            .await
            .map(|r| r.table()),
        Kind::Valuation => s.valuation(&filters.valuation()).await.map(|r| r.table()),
        Kind::Reorder => s.reorder(&filters.reorder()).await.map(|r| r.table()),
    }
    .map_err(|e| e.to_string())?;
    let rows = table.rows.len() as u64;
    // A spreadsheet of many rows takes a while: off the async workers.
    let written = path.display().to_string();
    tokio::task::spawn_blocking(move || table.write(&path, format))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    Ok((rows, written))
}
