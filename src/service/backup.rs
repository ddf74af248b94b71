//! Backups of the embedded SQLite deployment: `gudang backup DEST` (an online snapshot of each
//! shard and a manifest), `gudang backup --verify DEST`, and `gudang restore SRC`, which copies a
//! verified backup into an empty data directory and reconciles the three snapshots.
//!
//! The three shards are taken one after another, so they show three different moments. The
//! protocol that still restores them to one consistent deployment (docs/backup.md): the shards
//! are taken transaction -> location -> master; the location shard keeps journaled outbox
//! entries for `backup.outbox_retention_hours` (location migration 7); on restore, documents the
//! location snapshot never decided leave the journal, retained entries the journal lacks are
//! journaled again, and products the other shards name but master lacks come back inactive.

mod products;
mod reconcile;
mod restore;
mod snapshot;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::{Backend, ShardName, migrate};
use crate::error::{Error, Result};

pub use reconcile::{ReconcileReport, RestoredProduct, reconcile};
pub use restore::{RestoreReport, restore};
pub use snapshot::{snapshot_shard, verify};

/// The manifest's file name in a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The manifest's format; a backup in another format is refused.
pub const FORMAT: u32 = 1;
/// The order `gudang backup` takes the shards in: each later snapshot holds everything the
/// earlier ones reference (a journaled document was decided before; a decision names products
/// that existed before it).
pub const ORDER: [ShardName; 3] = [
    ShardName::Transaction,
    ShardName::Location,
    ShardName::Master,
];

/// `manifest.json`: what a backup holds and when each shard was taken.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub gudang_version: String,
    /// When the first and the last shard were taken (UTC, RFC 3339).
    pub started_at: String,
    pub finished_at: String,
    /// The shards in the order they were taken.
    pub order: Vec<String>,
    pub shards: Vec<ShardFile>,
}

/// One shard's snapshot in a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardFile {
    pub shard: String,
    /// The file's name inside the backup directory.
    pub file: String,
    pub schema_version: i64,
    /// When the snapshot's read began (UTC, RFC 3339, and in microseconds).
    pub taken_at: String,
    pub taken_at_micros: i64,
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// Builds the manifest of snapshots taken in the order given.
    pub fn new(shards: Vec<ShardFile>) -> Manifest {
        let first = shards.iter().map(|s| s.taken_at_micros).min().unwrap_or(0);
        let last = shards.iter().map(|s| s.taken_at_micros).max().unwrap_or(0);
        Manifest {
            format: FORMAT,
            gudang_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: rfc3339(first),
            finished_at: rfc3339(last),
            order: shards.iter().map(|s| s.shard.clone()).collect(),
            shards,
        }
    }

    /// The entry of `shard`, if the manifest has one.
    pub fn shard(&self, shard: ShardName) -> Option<&ShardFile> {
        self.shards.iter().find(|s| s.shard == shard.as_str())
    }

    /// Writes the manifest into `dir` (mode 0600).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("cannot write the backup manifest: {e}")))?;
        let path = dir.join(MANIFEST);
        std::fs::write(&path, text + "\n").map_err(|e| io_error(&path, e))?;
        crate::fsmode::make_private_file(&path).map_err(|e| io_error(&path, e))
    }
}

/// A moment in microseconds as RFC 3339 UTC with microseconds.
pub(crate) fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::Invalid(format!("{}: {e}", path.display()))
}

/// The SQLite file of each shard, or a clear refusal when a shard lives on a server.
pub fn embedded_files(config: &Config) -> Result<Vec<(ShardName, PathBuf)>> {
    let mut out = Vec::with_capacity(3);
    for shard in ShardName::ALL {
        let url = config.shard_url(shard);
        let backend = Backend::from_url(&url)?;
        if backend != Backend::Sqlite {
            let engine = if backend == Backend::Postgres {
                "PostgreSQL"
            } else {
                "MariaDB/MySQL"
            };
            return Err(Error::Invalid(format!(
                "the {} shard is on {engine}: gudang backs up and restores the embedded SQLite files only; back a server up with its own tools as docs/backup.md describes, then run gudang recover and gudang check after a restore",
                shard.as_str()
            )));
        }
        let file = crate::db::sqlite_file(&url).ok_or_else(|| {
            Error::Invalid(format!(
                "{url} is an in-memory database, which has nothing to back up"
            ))
        })?;
        out.push((shard, file));
    }
    Ok(out)
}

/// Takes every shard into the new directory `dest`, in [`ORDER`], and writes the manifest.
/// `dest` must be missing or empty; it is created 0700 and each file 0600. On failure the
/// files this call wrote are removed again.
pub async fn backup(config: &Config, dest: &Path) -> Result<Manifest> {
    let files = embedded_files(config)?;
    let created = prepare_dest(dest)?;
    let taken = async {
        let mut shards = Vec::with_capacity(3);
        for shard in ORDER {
            let src = files
                .iter()
                .find(|(s, _)| *s == shard)
                .map(|(_, p)| p.clone())
                .ok_or_else(|| Error::Invalid("no file for a shard".into()))?;
            shards.push(snapshot_shard(shard, &src, dest).await?);
        }
        let m = Manifest::new(shards);
        m.write(dest)?;
        Ok::<_, Error>(m)
    }
    .await;
    if taken.is_err() {
        for shard in ShardName::ALL {
            let _ = std::fs::remove_file(dest.join(snapshot::file_name(shard)));
        }
        let _ = std::fs::remove_file(dest.join(MANIFEST));
        if created {
            let _ = std::fs::remove_dir(dest);
        }
    }
    taken
}

/// Makes `dest` a private, empty directory: refuses one that holds anything. `true` if this
/// call created it.
pub fn prepare_dest(dest: &Path) -> Result<bool> {
    match std::fs::read_dir(dest) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::Invalid(format!(
                    "{} is not empty: a backup goes into a new or empty directory (nothing was written)",
                    dest.display()
                )));
            }
            crate::fsmode::create_private_dir(dest).map_err(|e| io_error(dest, e))?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dest,
                std::fs::Permissions::from_mode(crate::fsmode::DIR_MODE),
            )
            .map_err(|e| io_error(dest, e))?;
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::fsmode::create_private_dir(dest).map_err(|e| io_error(dest, e))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Error::Invalid(format!(
            "{} is a file, not a directory (nothing was written)",
            dest.display()
        ))),
        Err(e) => Err(io_error(dest, e)),
    }
}

/// The newest schema version this gudang knows for `shard` (a backup with a newer one is
/// refused).
fn known_schema(shard: ShardName) -> i64 {
    migrate::latest(shard)
}
