//! One shard's snapshot (`VACUUM INTO` on a connection of its own: a consistent copy of a live
//! WAL database while clerks post, never a copy of its files) and the verification of a backup
//! directory (manifest, checksums, integrity, schema versions).

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use super::{MANIFEST, Manifest, ShardFile, io_error, known_schema, rfc3339};
use crate::db::ShardName;
use crate::domain::ids::now_micros;
use crate::error::{Error, Result};

/// The name of a shard's file in a backup.
pub(super) fn file_name(shard: ShardName) -> String {
    format!("{}.db", shard.as_str())
}

fn db_error(what: &Path, e: sqlx::Error) -> Error {
    Error::Invalid(format!("{}: {e}", what.display()))
}

/// Takes `shard`'s database file `src` into `dir` (as `<shard>.db`, mode 0600) and describes it.
pub async fn snapshot_shard(shard: ShardName, src: &Path, dir: &Path) -> Result<ShardFile> {
    if !src.is_file() {
        return Err(Error::Invalid(format!(
            "the {} shard's file {} does not exist",
            shard.as_str(),
            src.display()
        )));
    }
    let file = file_name(shard);
    let out = dir.join(&file);
    if out.exists() {
        return Err(Error::Invalid(format!(
            "{} exists already (nothing was written)",
            out.display()
        )));
    }
    let out_text = out
        .to_str()
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{} is not a UTF-8 path; choose another backup directory",
                out.display()
            ))
        })?
        .to_string();
    let mut conn = SqliteConnectOptions::new()
        .filename(src)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .map_err(|e| db_error(src, e))?;
    // The copy reads one snapshot of the database, whatever is committed meanwhile.
    let taken_at = now_micros();
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(out_text)
        .execute(&mut conn)
        .await
        .map_err(|e| db_error(src, e));
    let _ = conn.close().await;
    copied?;
    crate::fsmode::make_private_file(&out).map_err(|e| io_error(&out, e))?;
    // A file on its own: no WAL beside it.
    let mut c = SqliteConnectOptions::new()
        .filename(&out)
        .connect()
        .await
        .map_err(|e| db_error(&out, e))?;
    let version = async {
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut c)
            .await?;
        sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut c)
            .await
    }
    .await
    .map_err(|e| db_error(&out, e));
    let _ = c.close().await;
    let schema_version = version?;
    let (size, sha256) = hash_file(&out).await?;
    Ok(ShardFile {
        shard: shard.as_str().to_string(),
        file,
        schema_version,
        taken_at: rfc3339(taken_at),
        taken_at_micros: taken_at,
        size,
        sha256,
    })
}

/// Size and SHA-256 (lowercase hex) of a file, read off the async threads.
pub(super) async fn hash_file(path: &Path) -> Result<(u64, String)> {
    let p = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut f = std::fs::File::open(&p).map_err(|e| io_error(&p, e))?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = f.read(&mut buf).map_err(|e| io_error(&p, e))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            h.update(&buf[..n]);
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok((size, hex))
    })
    .await
    .map_err(|e| Error::Invalid(format!("hashing {} failed: {e}", path.display())))?
}

/// What `gudang backup --verify` found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    pub manifest: Option<Manifest>,
    /// Every problem found; none means the backup is whole.
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a backup directory without changing anything: the manifest, every file's size and
/// checksum, and each file opened read-only: `PRAGMA integrity_check` and its schema version.
pub async fn verify(dir: &Path) -> Result<VerifyReport> {
    let mut r = VerifyReport::default();
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            r.problems.push(format!(
                "{} has no {MANIFEST}: not a gudang backup, or an unfinished one",
                dir.display()
            ));
            return Ok(r);
        }
        Err(e) => return Err(io_error(&path, e)),
    };
    let m: Manifest = match serde_json::from_str(&text) {
        Ok(m) => m,
        Err(e) => {
            r.problems.push(format!("{MANIFEST} cannot be read: {e}"));
            return Ok(r);
        }
    };
    if m.format != super::FORMAT {
        r.problems.push(format!(
            "{MANIFEST} has format {}; this gudang reads format {}",
            m.format,
            super::FORMAT
        ));
    }
    for shard in ShardName::ALL {
        let s = shard.as_str();
        let entries: Vec<&ShardFile> = m.shards.iter().filter(|e| e.shard == s).collect();
        let [entry] = entries.as_slice() else {
            r.problems.push(format!(
                "{MANIFEST} lists the {s} shard {} times (once expected)",
                entries.len()
            ));
            continue;
        };
        for p in check_file(shard, dir, entry).await {
            r.problems.push(p);
        }
    }
    if let Some(other) = m
        .shards
        .iter()
        .find(|e| ShardName::ALL.iter().all(|s| s.as_str() != e.shard))
    {
        r.problems.push(format!(
            "{MANIFEST} lists an unknown shard '{}'",
            other.shard
        ));
    }
    r.manifest = Some(m);
    Ok(r)
}

/// The problems of one shard's file.
async fn check_file(shard: ShardName, dir: &Path, e: &ShardFile) -> Vec<String> {
    let s = shard.as_str();
    let plain = Path::new(&e.file).file_name().and_then(|n| n.to_str()) == Some(e.file.as_str())
        && !e.file.starts_with('.');
    if !plain {
        return vec![format!(
            "{MANIFEST}: the {s} shard's file name '{}' is not a plain file name",
            e.file
        )];
    }
    let path = dir.join(&e.file);
    if !path.is_file() {
        return vec![format!("the {s} shard's file {} is missing", e.file)];
    }
    let mut out = Vec::new();
    match hash_file(&path).await {
        Ok((size, sha)) => {
            if size != e.size {
                out.push(format!(
                    "the {s} shard's file {} has {size} bytes; the manifest says {}",
                    e.file, e.size
                ));
            }
            if sha != e.sha256.to_lowercase() {
                out.push(format!(
                    "the {s} shard's file {} does not match its checksum (damaged or changed since the backup)",
                    e.file
                ));
            }
        }
        Err(err) => out.push(err.to_string()),
    }
    if e.schema_version > known_schema(shard) {
        out.push(format!(
            "the {s} shard has schema version {}, newer than this gudang knows ({}); use a newer gudang",
            e.schema_version,
            known_schema(shard)
        ));
    }
    if !out.is_empty() {
        // A damaged file is not opened.
        return out;
    }
    match inspect(&path).await {
        Ok((integrity, version)) => {
            if integrity != ["ok"] {
                out.push(format!(
                    "the {s} shard's file {} fails its integrity check: {}",
                    e.file,
                    integrity.join("; ")
                ));
            }
            if version != e.schema_version {
                out.push(format!(
                    "the {s} shard's file {} has schema version {version}; the manifest says {}",
                    e.file, e.schema_version
                ));
            }
        }
        Err(err) => out.push(format!(
            "the {s} shard's file {} cannot be read as a database: {err}",
            e.file
        )),
    }
    out
}

/// `PRAGMA integrity_check` and the schema version of a file, opened read-only and immutable
/// (nothing is written beside it).
async fn inspect(path: &Path) -> std::result::Result<(Vec<String>, i64), sqlx::Error> {
    let mut c = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await?;
    let res = async {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut c)
            .await?;
        let integrity: Vec<String> = rows
            .iter()
            .filter_map(|row| row.try_get::<String, _>(0).ok())
            .collect();
        let version: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                .fetch_one(&mut c)
                .await?;
        Ok((integrity, version))
    }
    .await;
    let _ = c.close().await;
    res
}
