//! `gudang restore SRC`: a verified backup into an empty data directory, then reconciliation,
//! recovery and the same verification as `gudang check`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Manifest, ReconcileReport, embedded_files, io_error, reconcile, snapshot, verify};
use crate::config::Config;
use crate::db::{ShardName, Shards};
use crate::error::{Error, Result};
use crate::service::Services;
use crate::service::check::CheckReport;
use crate::service::recovery::{self, RecoveryReport};

/// What a restore did and found.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub source: String,
    pub data_dir: String,
    pub manifest: Manifest,
    pub reconcile: ReconcileReport,
    pub recovery: RecoveryReport,
    pub check: CheckReport,
}

impl RestoreReport {
    /// The restored deployment passed `check`.
    pub fn ok(&self) -> bool {
        self.check.ok()
    }
}

/// Restores the backup in `src` into `config`'s data directory, which must be empty or missing.
/// Nothing is written unless the backup verifies; the restored deployment is then reconciled,
/// recovered and checked (see [`RestoreReport::ok`]).
pub async fn restore(config: Config, src: &Path) -> Result<RestoreReport> {
    if ShardName::ALL
        .iter()
        .any(|s| !configured_url(&config, *s).is_empty())
    {
        return Err(Error::Invalid(
            "gudang restore writes the three shards into the data directory, but the config names database URLs; restore with a config without database URLs and --data-dir DIR, or use the engines' own tools (docs/backup.md); nothing was changed".into(),
        ));
    }
    let files = embedded_files(&config)?;
    let dir = config.data_dir();
    ensure_empty(&dir)?;
    let verified = verify(src).await?;
    let manifest = match (verified.ok(), verified.manifest) {
        (true, Some(m)) => m,
        _ => {
            return Err(Error::Invalid(format!(
                "the backup in {} does not verify; nothing was restored: {}",
                src.display(),
                verified.problems.join("; ")
            )));
        }
    };
    let created = !dir.exists();
    crate::fsmode::create_private_dir(&dir).map_err(|e| io_error(&dir, e))?;
    let copied = copy_files(&manifest, src, &files).await;
    if let Err(e) = copied {
        for (_, p) in &files {
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(part(p));
        }
        if created {
            let _ = std::fs::remove_dir(&dir);
        }
        return Err(e);
    }
    // From here on the files are in place: a failure says so, and how to finish.
    let finish = async {
        let shards = Shards::open(&config).await?;
        let reconciled = reconcile(&shards).await?;
        let s = Services::new(shards, config);
        recovery::catch_up_numbers(&s).await?;
        let recovered = recovery::recover(&s, 0).await?;
        s.finish_journal().await;
        let check = s.check().await?;
        Ok::<_, Error>((reconciled, recovered, check))
    };
    let (reconciled, recovered, check) = finish.await.map_err(|e| {
        Error::Unavailable(format!(
            "the backup was copied into {} but could not be finished: {e}; run gudang recover --after-restore on that data directory",
            dir.display()
        ))
    })?;
    Ok(RestoreReport {
        source: src.display().to_string(),
        data_dir: dir.display().to_string(),
        manifest,
        reconcile: reconciled,
        recovery: recovered,
        check,
    })
}

fn configured_url(config: &Config, shard: ShardName) -> &str {
    let d = &config.database;
    match shard {
        ShardName::Master => &d.master_url,
        ShardName::Location => &d.location_url,
        ShardName::Transaction => &d.transaction_url,
    }
}

/// Refuses a data directory that holds anything but gudang's own log files.
fn ensure_empty(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::Invalid(format!(
                "the data directory {} is a file; nothing was changed",
                dir.display()
            )));
        }
        Err(e) => return Err(io_error(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let log = name.starts_with("gudang") && name.ends_with(".log");
        if !log {
            return Err(Error::Invalid(format!(
                "the data directory {} is not empty (it holds {name}): restore only into an empty or new data directory; nothing was changed",
                dir.display()
            )));
        }
    }
    Ok(())
}

fn part(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".restoring");
    PathBuf::from(s)
}

/// Copies each shard's file to its place (mode 0600), checked against the manifest again, and
/// named as the shard only once whole.
async fn copy_files(m: &Manifest, src: &Path, files: &[(ShardName, PathBuf)]) -> Result<()> {
    for (shard, dest) in files {
        let e = m.shard(*shard).ok_or_else(|| {
            Error::Invalid(format!(
                "the manifest has no {} shard; nothing was restored",
                shard.as_str()
            ))
        })?;
        let from = src.join(&e.file);
        let tmp = part(dest);
        std::fs::copy(&from, &tmp).map_err(|err| io_error(&from, err))?;
        crate::fsmode::make_private_file(&tmp).map_err(|err| io_error(&tmp, err))?;
        let (size, sha) = snapshot::hash_file(&tmp).await?;
        if size != e.size || sha != e.sha256.to_lowercase() {
            return Err(Error::Invalid(format!(
                "the copy of {} does not match its checksum; nothing was restored",
                e.file
            )));
        }
        std::fs::rename(&tmp, dest).map_err(|err| io_error(dest, err))?;
    }
    Ok(())
}
