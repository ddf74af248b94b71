//! Configuration: a TOML file (the user's config directory, or `--config FILE`), then
//! `GUDANG_<SECTION>_<KEY>` environment overrides, then validation. Every key is documented in
//! `config.example.toml`; an unknown key or a bad value is an error that names the key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::db::{Backend, ShardName};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the embedded SQLite shards (and the log file) live.
    pub data_dir: Option<PathBuf>,
    pub database: DatabaseConfig,
    pub security: SecurityConfig,
    pub posting: PostingConfig,
    pub ui: UiConfig,
    pub log: LogConfig,
    pub backup: BackupConfig,
    /// The file this config was read from, if any, and the `--data-dir` given beside it: a
    /// running app reads the file again when it changes (see `service::follow`).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    #[serde(skip)]
    pub data_dir_flag: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub master_url: String,
    pub location_url: String,
    pub transaction_url: String,
    pub master_replicas: Vec<String>,
    pub location_replicas: Vec<String>,
    pub transaction_replicas: Vec<String>,
    /// Connections per shard for reads (writes use one connection per shard, batched).
    pub read_connections: u32,
    /// Browsing reads go to a replica only while its data is at most this old.
    pub max_replica_lag_secs: u64,
    /// How long a database server may take to answer before it counts as down (connecting,
    /// and each health probe). Keeps failover detection under two seconds.
    pub primary_timeout_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// How many password hashes may run at once (each takes `argon2_memory_kib`).
    pub hash_concurrency: u32,
    /// Failed logins before an account is locked until an admin resets its password.
    pub max_failed_logins: u32,
    /// First delay after a failed login; doubles with each further failure.
    pub login_delay_base_ms: u64,
    pub login_delay_max_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PostingConfig {
    /// A decided posting whose document waits in the outbox longer than this is journaled by the
    /// periodic recovery, and reported by `check`.
    pub recovery_grace_secs: u64,
    /// How often a running app looks for postings to recover.
    pub recovery_interval_secs: u64,
}

/// Backups (docs/backup.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// How long a journaled outbox entry is kept on the location shard: the largest gap
    /// between the moments two shards of a backup are taken that a restore still reconciles.
    pub outbox_retention_hours: u64,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            outbox_retention_hours: 24,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Interface language: "en" or "id".
    pub language: String,
    /// Colours on or off (the NO_COLOR environment variable also turns them off).
    pub color: bool,
    /// Rows fetched per page in long tables.
    pub page_size: u32,
    /// Folder the app writes report exports to: a path typed in the app is taken inside it,
    /// and one that leads out of it is refused (set it on a shared server). Unset: a relative
    /// path is taken from the working directory. Never inside the data directory.
    pub export_dir: Option<PathBuf>,
}

/// `gudang.log` in the data directory (see `crate::logging`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A new file every "daily" or "hourly" period (named gudang.<date>.log), or "never" (one
    /// gudang.log that grows).
    pub rotation: String,
    /// Log files kept when rotating; older ones are deleted (1..1000).
    pub keep: u32,
    /// What is logged: a level or a filter ("info", "warn", "gudang=debug,info"). The
    /// GUDANG_LOG environment variable wins over it.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            rotation: "daily".into(),
            keep: 14,
            level: "info".into(),
        }
    }
}

impl LogConfig {
    fn validate(&self) -> Result<()> {
        if !["daily", "hourly", "never"].contains(&self.rotation.as_str()) {
            return Err(Error::Config(format!(
                "log.rotation: '{}' is not a rotation (use \"daily\", \"hourly\" or \"never\")",
                self.rotation
            )));
        }
        if self.keep == 0 || self.keep > 1000 {
            return Err(Error::Config("log.keep must be between 1 and 1000".into()));
        }
        tracing_subscriber::EnvFilter::try_new(&self.level).map_err(|e| {
            Error::Config(format!(
                "log.level: '{}' is not a level or filter ({e}); use e.g. \"info\" or \"warn\"",
                self.level
            ))
        })?;
        Ok(())
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            master_url: String::new(),
            location_url: String::new(),
            transaction_url: String::new(),
            master_replicas: Vec::new(),
            location_replicas: Vec::new(),
            transaction_replicas: Vec::new(),
            read_connections: 4,
            max_replica_lag_secs: 2,
            primary_timeout_ms: 1000,
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            argon2_memory_kib: 19456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: 2,
            max_failed_logins: 10,
            login_delay_base_ms: 1000,
            login_delay_max_ms: 60_000,
        }
    }
}

impl Default for PostingConfig {
    fn default() -> Self {
        PostingConfig {
            recovery_grace_secs: 30,
            recovery_interval_secs: 60,
        }
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            language: "en".into(),
            color: true,
            page_size: 200,
            export_dir: None,
        }
    }
}

impl Config {
    /// The config file used when `--config` is not given (it need not exist).
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "gudang").map(|d| d.config_dir().join("config.toml"))
    }

    /// Loads the config: `explicit` must exist; the default path is used only if present.
    /// `data_dir` (from `--data-dir`) wins over everything else.
    pub fn load(explicit: Option<&Path>, data_dir: Option<&Path>) -> Result<Config> {
        let source = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Self::default_path().filter(|p| p.exists()),
        };
        let text = match &source {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                Error::Config(format!("cannot read config file {}: {e}", p.display()))
            })?),
            None => None,
        };
        let env: Vec<(String, String)> = std::env::vars().collect();
        let mut cfg = Self::from_sources(text.as_deref(), &env)?;
        if let Some(d) = data_dir {
            cfg.data_dir = Some(d.to_path_buf());
        }
        cfg.validate()?;
        cfg.source = source;
        cfg.data_dir_flag = data_dir.map(Path::to_path_buf);
        Ok(cfg)
    }

    /// Parses TOML text (if any) and applies `GUDANG_*` overrides from `env`.
    pub fn from_sources(text: Option<&str>, env: &[(String, String)]) -> Result<Config> {
        let mut table: toml::Table = match text {
            Some(t) => t
                .parse()
                .map_err(|e: toml::de::Error| Error::Config(e.to_string()))?,
            None => toml::Table::new(),
        };
        let defaults =
            toml::Table::try_from(Config::default()).map_err(|e| Error::Config(e.to_string()))?;
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("GUDANG_") else {
                continue;
            };
            let rest = rest.to_ascii_lowercase();
            if rest == "data_dir" {
                table.insert("data_dir".into(), toml::Value::String(value.clone()));
                continue;
            }
            for (section, keys) in defaults
                .iter()
                .filter_map(|(k, v)| v.as_table().map(|t| (k, t)))
            {
                let Some(key) = rest.strip_prefix(&format!("{section}_")) else {
                    continue;
                };
                let Some(default) = keys.get(key) else {
                    continue;
                };
                let parsed = env_value(default, value)
                    .map_err(|m| Error::Config(format!("environment variable {name}: {m}")))?;
                let sec = table
                    .entry(section.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let Some(t) = sec.as_table_mut() {
                    t.insert(key.to_string(), parsed);
                }
            }
        }
        toml::Value::Table(table)
            .try_into::<Config>()
            .map_err(|e| Error::Config(e.to_string().trim().replace('\n', " ")))
    }

    pub fn validate(&self) -> Result<()> {
        let d = &self.database;
        for (key, url) in [
            ("database.master_url", &d.master_url),
            ("database.location_url", &d.location_url),
            ("database.transaction_url", &d.transaction_url),
        ] {
            if !url.is_empty() {
                Backend::from_url(url).map_err(|e| Error::Config(format!("{key}: {e}")))?;
            }
        }
        for shard in ShardName::ALL {
            let key = format!("database.{}_replicas", shard.as_str());
            let primary = Backend::from_url(&self.shard_url(shard))?;
            for url in self.replica_urls(shard) {
                let b = Backend::from_url(url).map_err(|e| Error::Config(format!("{key}: {e}")))?;
                if b == Backend::Sqlite {
                    return Err(Error::Config(format!(
                        "{key}: an embedded SQLite file cannot be a replica; replicas are MariaDB/MySQL or PostgreSQL servers"
                    )));
                }
                if b != primary {
                    return Err(Error::Config(format!(
                        "{key}: a {} replica cannot follow a {} primary",
                        b.name(),
                        primary.name()
                    )));
                }
            }
        }
        if d.max_replica_lag_secs == 0 || d.max_replica_lag_secs > 86_400 {
            return Err(Error::Config(
                "database.max_replica_lag_secs must be between 1 and 86400".into(),
            ));
        }
        if d.primary_timeout_ms < 100 || d.primary_timeout_ms > 60_000 {
            return Err(Error::Config(
                "database.primary_timeout_ms must be between 100 and 60000".into(),
            ));
        }
        if d.read_connections == 0 || d.read_connections > 64 {
            return Err(Error::Config(
                "database.read_connections must be between 1 and 64".into(),
            ));
        }
        let s = &self.security;
        if s.argon2_memory_kib < 19456 || s.argon2_iterations < 2 || s.argon2_parallelism < 1 {
            return Err(Error::Config(
                "security.argon2_*: below OWASP's minimum (memory 19456 KiB, 2 iterations, parallelism 1)".into(),
            ));
        }
        if s.argon2_memory_kib > 4 * 1024 * 1024
            || s.argon2_iterations > 100
            || s.argon2_parallelism > 16
        {
            return Err(Error::Config(
                "security.argon2_*: values are unreasonably large".into(),
            ));
        }
        if s.hash_concurrency == 0 || s.hash_concurrency > 64 {
            return Err(Error::Config(
                "security.hash_concurrency must be between 1 and 64".into(),
            ));
        }
        if s.max_failed_logins == 0 || s.max_failed_logins > 100 {
            return Err(Error::Config(
                "security.max_failed_logins must be between 1 and 100".into(),
            ));
        }
        if s.login_delay_max_ms < s.login_delay_base_ms || s.login_delay_max_ms > 3_600_000 {
            return Err(Error::Config(
                "security.login_delay_max_ms must be at least login_delay_base_ms and at most one hour".into(),
            ));
        }
        if self.posting.recovery_interval_secs == 0 {
            return Err(Error::Config(
                "posting.recovery_interval_secs must be at least 1".into(),
            ));
        }
        if self.backup.outbox_retention_hours == 0 || self.backup.outbox_retention_hours > 8760 {
            return Err(Error::Config(
                "backup.outbox_retention_hours must be between 1 and 8760 (a year)".into(),
            ));
        }
        if !["en", "id"].contains(&self.ui.language.as_str()) {
            return Err(Error::Config(format!(
                "ui.language: '{}' is not available (use \"en\" or \"id\")",
                self.ui.language
            )));
        }
        if self.ui.page_size < 10 || self.ui.page_size > 10_000 {
            return Err(Error::Config(
                "ui.page_size must be between 10 and 10000".into(),
            ));
        }
        if let Some(d) = &self.ui.export_dir
            && !d.is_absolute()
        {
            return Err(Error::Config(format!(
                "ui.export_dir: '{}' must be an absolute path",
                d.display()
            )));
        }
        self.log.validate()?;
        Ok(())
    }

    /// A warning when the config file holds a database password (a URL with one in
    /// `[database]`) and users other than its owner may read it.
    pub fn password_exposure(&self) -> Option<String> {
        let path = self.source.as_deref()?;
        if !crate::fsmode::readable_by_others(path).ok()? {
            return None;
        }
        let table: toml::Table = std::fs::read_to_string(path).ok()?.parse().ok()?;
        let database = table.get("database")?.as_table()?;
        let urls = database.values().flat_map(|v| match v {
            toml::Value::String(s) => vec![s.as_str()],
            toml::Value::Array(a) => a.iter().filter_map(toml::Value::as_str).collect(),
            _ => Vec::new(),
        });
        let mut with_password = urls.filter(|u| crate::db::dialect::redact_url(u) != *u);
        with_password.next()?;
        Some(format!(
            "config file {} holds a database password and other users can read it; make it private: chmod 600 {} (or 640 with a group that only gudang's admins are in)",
            path.display(),
            path.display()
        ))
    }

    /// The data directory: configured, or the platform's data directory for gudang.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| {
            directories::ProjectDirs::from("", "", "gudang")
                .map(|d| d.data_dir().to_path_buf())
                .unwrap_or_else(|| PathBuf::from("gudang-data"))
        })
    }

    /// The URL of a shard: configured, or a SQLite file in the data directory.
    pub fn shard_url(&self, shard: ShardName) -> String {
        let d = &self.database;
        let url = match shard {
            ShardName::Master => &d.master_url,
            ShardName::Location => &d.location_url,
            ShardName::Transaction => &d.transaction_url,
        };
        if url.is_empty() {
            format!(
                "sqlite://{}",
                self.data_dir()
                    .join(format!("{}.db", shard.as_str()))
                    .display()
            )
        } else {
            url.clone()
        }
    }

    /// The replica URLs of a shard, in the configured order.
    pub fn replica_urls(&self, shard: ShardName) -> &[String] {
        let d = &self.database;
        match shard {
            ShardName::Master => &d.master_replicas,
            ShardName::Location => &d.location_replicas,
            ShardName::Transaction => &d.transaction_replicas,
        }
    }

    /// The data directory, if any shard is embedded and so needs it to exist.
    pub fn sqlite_dir_to_create(&self) -> Option<PathBuf> {
        ShardName::ALL
            .iter()
            .any(|s| self.shard_url(*s).starts_with("sqlite:"))
            .then(|| self.data_dir())
    }
}

fn env_value(default: &toml::Value, raw: &str) -> std::result::Result<toml::Value, String> {
    Ok(match default {
        toml::Value::Integer(_) => toml::Value::Integer(
            raw.trim()
                .parse::<i64>()
                .map_err(|_| format!("'{raw}' is not a whole number"))?,
        ),
        toml::Value::Boolean(_) => toml::Value::Boolean(match raw.trim() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => return Err(format!("'{raw}' is not true or false")),
        }),
        toml::Value::Array(_) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        ),
        _ => toml::Value::String(raw.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn defaults_validate() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn unknown_key_is_named() {
        let e = Config::from_sources(Some("[database]\nmaster_ulr = \"x\""), &[]).unwrap_err();
        assert!(e.to_string().contains("master_ulr"), "{e}");
    }

    #[test]
    fn bad_url_is_named() {
        let c =
            Config::from_sources(Some("[database]\nmaster_url = \"mongodb://x\""), &[]).unwrap();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("database.master_url"), "{e}");
    }

    #[test]
    fn env_overrides() {
        let c = Config::from_sources(
            Some("[posting]\nrecovery_grace_secs = 5"),
            &env(&[
                ("GUDANG_POSTING_RECOVERY_GRACE_SECS", "0"),
                ("GUDANG_UI_COLOR", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(c.posting.recovery_grace_secs, 0);
        assert!(!c.ui.color);
        let e = Config::from_sources(None, &env(&[("GUDANG_SECURITY_MAX_FAILED_LOGINS", "lots")]))
            .unwrap_err();
        assert!(e.to_string().contains("GUDANG_SECURITY_MAX_FAILED_LOGINS"));
    }

    #[test]
    fn weak_argon2_refused() {
        let c = Config::from_sources(Some("[security]\nargon2_memory_kib = 1024"), &[]).unwrap();
        assert!(c.validate().is_err());
    }

    #[test]
    fn example_config_parses() {
        let text = include_str!("../config.example.toml");
        let c = Config::from_sources(Some(text), &[]).unwrap();
        c.validate().unwrap();
    }
}
