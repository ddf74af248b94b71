//! Output helpers: JSON on stdout, aligned text tables, password input, and the error type
//! that becomes "error: ..." on stderr with exit code 1.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use gudang::Config;
use gudang::domain::say::{self, Lang};
use serde::Serialize;

/// Why a command failed.
pub enum Failure {
    /// Printed as `error: ...`.
    Error(String),
    /// Already reported on stdout/stderr (e.g. `check` violations, a rejected posting).
    Quiet,
    /// Already reported, with an exit code of its own (`status`: 2 when a primary is down).
    Exit(i32),
}

impl From<gudang::Error> for Failure {
    fn from(e: gudang::Error) -> Self {
        Failure::Error(e.to_string())
    }
}

impl From<String> for Failure {
    fn from(e: String) -> Self {
        Failure::Error(e)
    }
}

/// The configured language (`ui.language`), for messages. A config that does not load still
/// gets its language from `GUDANG_UI_LANGUAGE` or the file's `[ui] language`, so that its own
/// error is said in that language.
pub fn language(config: Option<&Path>, data_dir: Option<&Path>) -> Lang {
    if let Ok(c) = Config::load(config, data_dir) {
        return Lang::from_code(&c.ui.language);
    }
    if let Ok(code) = std::env::var("GUDANG_UI_LANGUAGE") {
        return Lang::from_code(&code);
    }
    let path = config.map(Path::to_path_buf).or_else(Config::default_path);
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("ui")?.get("language")?.as_str().map(Lang::from_code))
        .unwrap_or_default()
}

/// `error: <message>` (`kesalahan: <pesan>`), the message in `lang`.
pub fn error_line(lang: Lang, message: &str) -> String {
    let lead = match lang {
        Lang::En => "error",
        Lang::Id => "kesalahan",
    };
    format!("{lead}: {}", say::tr(lang, message))
}

/// Prints `v` as pretty JSON on stdout.
pub fn json<T: Serialize>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::Error(e.to_string()))?;
    println!("{s}");
    Ok(())
}

/// Prints rows as a text table with a header, columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}", w = widths[i]));
            }
        }
        s
    };
    // Trimmed so that an empty last column leaves no trailing blanks.
    println!("{}", line(header.to_vec()).trim_end());
    for r in rows {
        println!(
            "{}",
            line(r.iter().map(String::as_str).collect()).trim_end()
        );
    }
    if rows.is_empty() {
        println!("(none)");
    }
}

/// Reads a password: one line from stdin with `from_stdin`, else a prompt without echo.
pub fn password(prompt: &str, from_stdin: bool, confirm: bool) -> Result<String, Failure> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Error(format!("cannot read password: {e}")))?;
        let pw = line.trim_end_matches(['\n', '\r']).to_string();
        if pw.is_empty() {
            return Err(Failure::Error("no password given on standard input".into()));
        }
        return Ok(pw);
    }
    let pw = rpassword::prompt_password(prompt)
        .map_err(|e| Failure::Error(format!("cannot read password: {e}")))?;
    if confirm {
        let again = rpassword::prompt_password("Repeat password: ")
            .map_err(|e| Failure::Error(format!("cannot read password: {e}")))?;
        if again != pw {
            return Err(Failure::Error("the passwords do not match".into()));
        }
    }
    Ok(pw)
}
