//! Private files: the data directory holds password hashes and the whole business, so
//! everything gudang creates in it (databases, WAL, logs, backups) is readable by its owner
//! only. One place for the Unix modes, so every part creates files the same way.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::error::{Error, Result};

/// Mode of a directory gudang creates: owner only.
pub const DIR_MODE: u32 = 0o700;
/// Mode of a file gudang creates: owner read and write only.
pub const FILE_MODE: u32 = 0o600;

/// Creates `path` (and missing parents) with mode 0700. An existing directory is left as it is.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)
}

/// Sets `path` (a file) to mode 0600.
pub fn make_private_file(path: &Path) -> io::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE))
}

/// Creates `path` as an empty file with mode 0600 if it does not exist yet, so that what is
/// written into it later (and SQLite's `-wal` and `-shm` files, which take the database file's
/// mode) is never readable by others, not even for a moment. An existing file is left alone.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether users other than the owner may read `path`: its world read bit, or its group read
/// bit unless the group is this process's own group with no further members (the
/// `root:gudang 0640` set-up of docs/deploy.md).
pub fn readable_by_others(path: &Path) -> io::Result<bool> {
    let meta = std::fs::metadata(path)?;
    let mode = meta.permissions().mode();
    if mode & 0o004 != 0 {
        return Ok(true);
    }
    if mode & 0o040 == 0 {
        return Ok(false);
    }
    // SAFETY: getegid has no preconditions and cannot fail.
    let own = meta.gid() == unsafe { libc::getegid() };
    Ok(!(own && group_without_members(meta.gid())))
}

/// Whether the group `gid` lists no supplementary members (an unknown group counts as having
/// some: it cannot be vouched for).
fn group_without_members(gid: u32) -> bool {
    let mut group: libc::group = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; `buf` outlives the use of `group`'s fields.
    let rc = unsafe { libc::getgrgid_r(gid, &mut group, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || group.gr_mem.is_null() {
        return false;
    }
    // SAFETY: gr_mem is a NULL-terminated array filled in by getgrgid_r inside `buf`.
    unsafe { (*group.gr_mem).is_null() }
}

/// Makes the data directory private before gudang puts anything in it, and returns a note for
/// everything it had to tighten (the caller logs them; the CLI also prints them).
///
/// - A missing directory is created 0700.
/// - A directory that belongs to another user, or that the group or the world may write to, is
///   refused: whoever can write there can swap the databases, so gudang changes nothing and
///   says how to fix it.
/// - A directory that others may read or enter is set to 0700, and every file under it that
///   others may read or write to 0600 (subdirectories 0700). Symbolic links are not followed.
pub fn secure_data_dir(dir: &Path) -> Result<Vec<String>> {
    let shown = dir.display();
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            create_private_dir(dir)
                .map_err(|e| Error::Config(format!("cannot create data directory {shown}: {e}")))?;
            return Ok(Vec::new());
        }
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read data directory {shown}: {e}"
            )));
        }
    };
    if !meta.is_dir() {
        return Err(Error::Config(format!(
            "data directory {shown} is not a directory"
        )));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Error::Config(format!(
            "data directory {shown} belongs to another user (uid {}); run gudang as that user (e.g. sudo -u <owner> gudang ...) or give it to this one: chown -R {me} {shown}",
            meta.uid()
        )));
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(Error::Config(format!(
            "data directory {shown} can be written by other users (mode {mode:o}); nothing was changed. Make it private first: chmod 700 {shown}"
        )));
    }
    let mut notes = Vec::new();
    if mode & 0o077 != 0 {
        set_mode(dir, DIR_MODE)?;
        notes.push(format!(
            "data directory {shown} was readable by other users (mode {mode:o}); it is now 700"
        ));
    }
    tighten_tree(dir, &mut notes, 0)?;
    Ok(notes)
}

/// Sets every entry under `dir` that others may use to 0600 (files) or 0700 (directories).
fn tighten_tree(dir: &Path, notes: &mut Vec<String>, depth: usize) -> Result<()> {
    // Backups and logs are at most a level or two down; a deeper tree is not gudang's.
    if depth > 4 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Config(format!("cannot read data directory {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o7777;
        let want = if meta.is_dir() {
            DIR_MODE
        } else if meta.is_file() {
            FILE_MODE
        } else {
            continue;
        };
        if mode & 0o077 != 0 {
            set_mode(&path, want)?;
            notes.push(format!(
                "{} was open to other users (mode {mode:o}); it is now {want:o}",
                path.display()
            ));
        }
        if meta.is_dir() {
            tighten_tree(&path, notes, depth + 1)?;
        }
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        Error::Config(format!(
            "cannot make {} private: {e}; fix it by hand: chmod {mode:o} {}",
            path.display(),
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_private_dirs_and_files() {
        let tmp = std::env::temp_dir().join(format!("gudang-fsmode-{}", std::process::id()));
        let dir = tmp.join("a/b");
        create_private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, DIR_MODE);
        let f = dir.join("f");
        std::fs::write(&f, b"x").unwrap();
        make_private_file(&f).unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, FILE_MODE);
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn secures_refuses_and_tells() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        assert!(secure_data_dir(&dir).unwrap().is_empty());
        let db = dir.join("master.db");
        create_private_file(&db).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!((mode(&dir), mode(&db)), (DIR_MODE, FILE_MODE));
        assert!(!readable_by_others(&db).unwrap());
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(readable_by_others(&db).unwrap());
        // An existing file is left as it is.
        create_private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o644);
        let notes = secure_data_dir(&dir).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(mode(&db), FILE_MODE);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o775)).unwrap();
        let e = secure_data_dir(&dir).unwrap_err().to_string();
        assert!(
            e.contains("can be written by other users (mode 775)"),
            "{e}"
        );
        assert_eq!(mode(&dir), 0o775);
    }
}
