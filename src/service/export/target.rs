//! Where the app may write an export. A clerk types the file's path, and the app writes it as
//! the user gudang runs as, which on a shared server owns the databases: a typed path must
//! never reach the data directory or the config file, and with `[ui] export_dir` set it stays
//! inside that folder. Paths are compared after `.` and `..` are taken out and the folder is
//! resolved through its symbolic links, so neither leads around the rule.

use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, Result};

/// The absolute path an export typed as `typed` is written to, or why it may not be.
pub fn export_target(config: &Config, typed: &Path) -> Result<PathBuf> {
    if typed.as_os_str().is_empty() {
        return Err(Error::Invalid("no file name given".into()));
    }
    let base = match &config.ui.export_dir {
        Some(d) => d.clone(),
        None => std::env::current_dir()
            .map_err(|e| Error::Invalid(format!("cannot tell the working directory: {e}")))?,
    };
    let path = resolve(&lexical(&base.join(typed)));
    if let Some(d) = &config.ui.export_dir
        && !path.starts_with(resolve(&lexical(d)))
    {
        return Err(Error::Invalid(format!(
            "exports are written inside {}: give a file name there",
            d.display()
        )));
    }
    let data = resolve(&lexical(&absolute(&config.data_dir())));
    let config_file = config
        .source
        .as_deref()
        .map(|f| resolve(&lexical(&absolute(f))));
    if path.starts_with(&data) || config_file.as_ref() == Some(&path) {
        return Err(Error::Invalid(format!(
            "{} is gudang's own data; choose another place for the export",
            path.display()
        )));
    }
    Ok(path)
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `p` with `.` dropped and each `..` taking away the part before it, without asking the disk.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `p` with its longest existing ancestor resolved through symbolic links (the rest, not yet
/// on disk, appended as is).
fn resolve(p: &Path) -> PathBuf {
    let mut head = p.to_path_buf();
    let mut tail = Vec::new();
    loop {
        if let Ok(real) = head.canonicalize() {
            return tail.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (head.file_name().map(|n| n.to_os_string()), head.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                head = parent.to_path_buf();
            }
            _ => return p.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(data: &Path, export: Option<&Path>) -> Config {
        let mut c = Config {
            data_dir: Some(data.to_path_buf()),
            ..Config::default()
        };
        c.ui.export_dir = export.map(Path::to_path_buf);
        c
    }

    #[test]
    fn never_into_the_data_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let c = config(&data, None);
        for typed in [
            data.join("master.db"),
            data.join("x/../master.db"),
            tmp.path().join("other/../data/master.db"),
        ] {
            let e = export_target(&c, &typed).unwrap_err().to_string();
            assert!(e.contains("gudang's own data"), "{typed:?}: {e}");
        }
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&data, &link).unwrap();
        assert!(export_target(&c, &link.join("master.db")).is_err());
        let ok = export_target(&c, &tmp.path().join("report.csv")).unwrap();
        assert_eq!(ok, tmp.path().canonicalize().unwrap().join("report.csv"));
    }

    #[test]
    fn inside_the_export_dir_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("exports");
        std::fs::create_dir(&out).unwrap();
        let c = config(&tmp.path().join("data"), Some(&out));
        let ok = export_target(&c, Path::new("mutasi.xlsx")).unwrap();
        assert_eq!(ok, out.canonicalize().unwrap().join("mutasi.xlsx"));
        for typed in ["../x.csv", "/etc/x.csv", "a/../../x.csv"] {
            let e = export_target(&c, Path::new(typed)).unwrap_err().to_string();
            assert!(e.contains("exports are written inside"), "{typed}: {e}");
        }
    }
}
