//! The log: `tracing` output goes to a file in the data directory (never to the terminal,
//! which belongs to the app), rotated daily or hourly by tracing-appender, keeping `[log] keep`
//! files, every one 0600. Start-up makes the data directory private first ([`prepare`]), so
//! what it had to tighten and a config file that shows its database password to others are
//! the first lines of the log.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;

use crate::config::{Config, LogConfig};
use crate::error::{Error, Result};
use crate::fsmode;

/// The log file's name: `gudang.log` without rotation, else `gudang.<period>.log`.
const PREFIX: &str = "gudang";
const SUFFIX: &str = "log";

/// Makes the data directory private (refusing one others can write to) and returns the
/// start-up warnings: what was tightened, and a config file that shows a database password.
pub fn prepare(config: &Config) -> Result<Vec<String>> {
    let mut notes = fsmode::secure_data_dir(&config.data_dir())?;
    notes.extend(config.password_exposure());
    Ok(notes)
}

/// For the app: [`prepare`], then the log file, then the warnings into it. Returns the
/// warnings, for the app to show as well (an admin starting it should not have to read the log
/// to learn that the data directory was open or the config shows a password).
pub fn start(config: &Config) -> Result<Vec<String>> {
    let notes = prepare(config)?;
    init_file(config)?;
    for note in &notes {
        tracing::warn!("{note}");
    }
    Ok(notes)
}

/// Sends `tracing` output to the log file in the data directory (which must exist).
/// `GUDANG_LOG` sets the filter, else `[log] level`. Another subscriber (a test harness) may
/// already be installed; then that one logs.
pub fn init_file(config: &Config) -> Result<()> {
    let writer = PrivateLog::open(&config.data_dir(), &config.log)?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("GUDANG_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&config.log.level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(())
}

/// The rotating appender, with each new file made 0600. tracing-appender opens its files with
/// the default mode (0644 less the umask); the data directory around them is 0700 already, and
/// the first write to a new period's file sets it to 0600.
pub struct PrivateLog {
    appender: RollingFileAppender,
    dir: PathBuf,
    rotation: Rotation,
    /// The file last made private (the current period's).
    secured: Mutex<String>,
}

impl PrivateLog {
    /// Opens (creating) the current log file in `dir`, pruning files beyond `keep`.
    pub fn open(dir: &Path, log: &LogConfig) -> Result<PrivateLog> {
        let rotation = match log.rotation.as_str() {
            "hourly" => Rotation::HOURLY,
            "never" => Rotation::NEVER,
            _ => Rotation::DAILY,
        };
        let mut builder = RollingFileAppender::builder()
            .rotation(rotation.clone())
            .filename_prefix(PREFIX)
            .filename_suffix(SUFFIX);
        if rotation != Rotation::NEVER {
            builder = builder.max_log_files(usize::try_from(log.keep).unwrap_or(usize::MAX));
        }
        let appender = builder.build(dir).map_err(|e| {
            Error::Config(format!(
                "cannot open the log file in {}: {e}",
                dir.display()
            ))
        })?;
        let log = PrivateLog {
            appender,
            dir: dir.to_path_buf(),
            rotation,
            secured: Mutex::new(String::new()),
        };
        log.secure_current();
        Ok(log)
    }

    /// The name of the current period's file, as tracing-appender names it (UTC).
    pub fn current_name(&self) -> String {
        let now = chrono::Utc::now();
        let period = match self.rotation {
            Rotation::HOURLY => now.format("%Y-%m-%d-%H").to_string(),
            Rotation::NEVER => return format!("{PREFIX}.{SUFFIX}"),
            _ => now.format("%Y-%m-%d").to_string(),
        };
        format!("{PREFIX}.{period}.{SUFFIX}")
    }

    /// Sets the current file to 0600 once per period.
    fn secure_current(&self) {
        let name = self.current_name();
        let Ok(mut secured) = self.secured.lock() else {
            return;
        };
        if *secured != name && fsmode::make_private_file(&self.dir.join(&name)).is_ok() {
            *secured = name;
        }
    }
}

/// One write to the log; made private after it, should it have opened a new period's file.
pub struct Entry<'a> {
    inner: <RollingFileAppender as MakeWriter<'a>>::Writer,
    log: &'a PrivateLog,
}

impl Write for Entry<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        self.log.secure_current();
    }
}

impl<'a> MakeWriter<'a> for PrivateLog {
    type Writer = Entry<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Entry {
            inner: self.appender.make_writer(),
            log: self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn log(rotation: &str, keep: u32) -> LogConfig {
        LogConfig {
            rotation: rotation.into(),
            keep,
            level: "info".into(),
        }
    }

    #[test]
    fn writes_private_files_and_keeps_the_configured_number() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // Older periods' files, as earlier runs left them.
        for day in ["2020-01-01", "2020-01-02", "2020-01-03"] {
            std::fs::write(dir.join(format!("gudang.{day}.log")), b"old\n").unwrap();
        }
        let w = PrivateLog::open(dir, &log("daily", 2)).unwrap();
        w.make_writer().write_all(b"hello\n").unwrap();
        let current = dir.join(w.current_name());
        assert_eq!(std::fs::read_to_string(&current).unwrap(), "hello\n");
        let mode = std::fs::metadata(&current).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let logs = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
            .count();
        assert_eq!(logs, 2, "keep = 2 keeps the current file and one more");
    }

    #[test]
    fn never_rotates_into_one_file() {
        let tmp = tempfile::tempdir().unwrap();
        let w = PrivateLog::open(tmp.path(), &log("never", 1)).unwrap();
        assert_eq!(w.current_name(), "gudang.log");
        w.make_writer().write_all(b"x\n").unwrap();
        let mode = std::fs::metadata(tmp.path().join("gudang.log"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn log_keys_are_validated() {
        for (text, key) in [
            ("[log]\nrotation = \"weekly\"", "log.rotation"),
            ("[log]\nkeep = 0", "log.keep"),
            ("[log]\nlevel = \"loud=[\"", "log.level"),
        ] {
            let c = Config::from_sources(Some(text), &[]).unwrap();
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(key), "{text}: {e}");
        }
        let e = Config::from_sources(Some("[log]\nrotaton = \"daily\""), &[]).unwrap_err();
        assert!(e.to_string().contains("rotaton"), "{e}");
    }
}
