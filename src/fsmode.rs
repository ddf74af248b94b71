//! Private files: the data directory holds password hashes and the whole business, so
//! everything gudang creates in it (databases, WAL, logs, backups) is readable by its owner
//! only. One place for the Unix modes, so every part creates files the same way.

use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

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
}
