//! `gudang product import FILE.csv` and `gudang product export [FILE.csv]`: file handling and
//! reporting around the CSV service ([`gudang::service::csvio`]).

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use gudang::Services;
use gudang::service::csvio::ImportError;

use super::out::{Failure, error_line};
use super::{Global, actor};
use gudang::domain::say::Lang;

/// Imports a CSV file (`-` reads standard input). Every bad row is reported on stderr with its
/// line number, and then nothing is imported.
pub async fn import(s: &Services, g: &Global, file: &Path) -> Result<(), Failure> {
    let a = actor(s, g).await?;
    let stdin = file.as_os_str() == "-";
    let name = if stdin {
        "standard input".to_string()
    } else {
        file.display().to_string()
    };
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(file)
                .map_err(|e| Failure::Error(format!("cannot open {name}: {e}")))?,
        )
    };
    match s.import_products(&a, reader).await {
        Ok(r) => {
            println!(
                "imported {} row(s) from {name}: {} created, {} updated, {} unchanged",
                r.rows, r.created, r.updated, r.unchanged
            );
            Ok(())
        }
        Err(ImportError::Rows(rows)) => {
            let lang = Lang::from_code(&s.config.ui.language);
            for r in &rows {
                eprintln!("{}", error_line(lang, &format!("{name}: {r}")));
            }
            let sum = format!("{} problem(s) in {name}; nothing was imported", rows.len());
            eprintln!("{}", error_line(lang, &sum));
            Err(Failure::Quiet)
        }
        Err(ImportError::Failed(e)) => Err(e.into()),
    }
}

/// Exports every product as CSV to `file`, or to stdout. A file is written next to its final
/// name and renamed into place, so a failed export never leaves half a file behind.
pub async fn export(s: &Services, g: &Global, file: Option<&Path>) -> Result<(), Failure> {
    let a = actor(s, g).await?;
    let Some(path) = file else {
        let mut out = BufWriter::new(std::io::stdout());
        s.export_products(&a, &mut out).await?;
        return out
            .flush()
            .map_err(|e| Failure::Error(format!("cannot write to standard output: {e}")));
    };
    let name = path.display().to_string();
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "export".into()),
        std::process::id()
    ));
    let written = async {
        let f = std::fs::File::create(&tmp)
            .map_err(|e| Failure::Error(format!("cannot create {name}: {e}")))?;
        let mut w = BufWriter::new(f);
        let n = s.export_products(&a, &mut w).await?;
        let f = w
            .into_inner()
            .map_err(|e| Failure::Error(format!("cannot write {name}: {}", e.error())))?;
        f.sync_all()
            .map_err(|e| Failure::Error(format!("cannot write {name}: {e}")))?;
        std::fs::rename(&tmp, path)
            .map_err(|e| Failure::Error(format!("cannot write {name}: {e}")))?;
        Ok::<usize, Failure>(n)
    }
    .await;
    match written {
        Ok(n) => {
            println!("exported {n} product(s) to {name}");
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
