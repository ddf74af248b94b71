//! The data directory holds password hashes and the whole business: it and every file gudang
//! makes in it are private (0700 / 0600), an existing open one is tightened with a warning, one
//! that others can write to is refused untouched, and a config file that shows a database
//! password to other users is warned about.

mod cliutil;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use cliutil::Gudang;

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn set_mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

/// Every entry under `dir` with its mode, sorted.
fn listing(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        out.push((p.clone(), mode(&p)));
        if p.is_dir() {
            out.extend(listing(&p));
        }
    }
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    listing(dir)
        .into_iter()
        .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

fn assert_private(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    for (p, m) in listing(dir) {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(m, want, "{} is {m:o}", p.display());
    }
}

fn log_text(dir: &Path) -> String {
    listing(dir)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "log"))
        .map(|(p, _)| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn a_fresh_data_dir_and_its_files_are_private() {
    let g = Gudang::new();
    let dir = g.data_dir();
    g.ok(&["unit", "add", "PCS", "--name", "Pieces"]);
    let files = names(&dir);
    for f in ["master.db", "location.db", "transaction.db"] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("gudang.") && f.ends_with(".log")),
        "no log: {files:?}"
    );
    assert_private(&dir);
    // While the shards are open, SQLite's -wal and -shm files exist: private too.
    let config = gudang::Config {
        data_dir: Some(dir.clone()),
        ..Default::default()
    };
    let s = gudang::Services::open(config).await.expect("open");
    let files = names(&dir);
    assert!(
        files.iter().any(|f| f.ends_with("-wal")) && files.iter().any(|f| f.ends_with("-shm")),
        "no WAL files while open: {files:?}"
    );
    assert_private(&dir);
    drop(s);
    // The log says which command ran.
    let log = log_text(&dir);
    assert!(log.contains("unit add") && log.contains("exit 0"), "{log}");
}

#[test]
fn an_open_data_dir_is_tightened_with_a_warning() {
    let g = Gudang::new();
    let dir = g.data_dir();
    set_mode(&dir, 0o755);
    for (p, _) in listing(&dir) {
        set_mode(&p, 0o644);
    }
    let r = g.run(&["stock"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "warning: data directory {} was readable by other users (mode 755); it is now 700",
            dir.display()
        )),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("master.db was open to other users (mode 644); it is now 600")
    );
    assert_private(&dir);
    assert!(log_text(&dir).contains("was readable by other users (mode 755)"));
    // Once private, nothing more to say.
    g.ok(&["stock"]);
}

#[test]
fn a_data_dir_others_can_write_to_is_refused_untouched() {
    let g = Gudang::new();
    let dir = g.data_dir();
    for m in [0o777, 0o770, 0o1777] {
        set_mode(&dir, m);
        let before = listing(&dir);
        let err = g.fail(&["stock"]);
        assert!(
            err.contains(&format!(
                "data directory {} can be written by other users",
                dir.display()
            )) && err.contains(&format!("chmod 700 {}", dir.display()))
                && err.contains("nothing was changed"),
            "{err}"
        );
        assert_eq!(mode(&dir), m);
        assert_eq!(listing(&dir), before, "a refused data dir was changed");
    }
    // The app refuses it the same way (it starts through the same check).
    set_mode(&dir, 0o777);
    let err = g.fail(&[]);
    assert!(err.contains("can be written by other users"), "{err}");
    set_mode(&dir, 0o700);
    g.ok(&["stock"]);
}

#[test]
fn a_data_dir_of_another_user_is_refused() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: giving a directory to another user needs root");
        return;
    }
    let g = Gudang::empty();
    let dir = g.data_dir();
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o700);
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    let err = g.fail(&["init", "--admin-email", "a@b.test", "--password-stdin"]);
    assert!(err.contains("belongs to another user (uid 65534)"), "{err}");
    assert!(names(&dir).is_empty(), "files were made in it");
}

const SERVER_WITH_PASSWORD: &str =
    "[database]\nmaster_url = \"postgres://gudang:s3cret@127.0.0.1:1/gudang\"\n";

fn config_file(g: &Gudang, text: &str, m: u32) -> PathBuf {
    let p = g.path("config.toml");
    std::fs::write(&p, text).unwrap();
    set_mode(&p, m);
    p
}

#[test]
fn a_config_with_a_password_readable_by_others_is_warned_about() {
    let g = Gudang::new();
    let warning = "holds a database password and other users can read it";
    for (text, m, warns) in [
        (SERVER_WITH_PASSWORD, 0o644, true),
        (SERVER_WITH_PASSWORD, 0o604, true),
        (SERVER_WITH_PASSWORD, 0o600, false),
        (
            "[database]\nmaster_replicas = [\"postgres://u@127.0.0.1:1/g?password=x\"]\nmaster_url = \"postgres://u@127.0.0.1:1/g\"\n",
            0o644,
            true,
        ),
        ("[ui]\nlanguage = \"en\"\n", 0o644, false),
        (
            "[database]\nmaster_url = \"postgres://gudang@127.0.0.1:1/gudang\"\n",
            0o644,
            false,
        ),
    ] {
        let p = config_file(&g, text, m);
        let r = g.run(&["--config", p.to_str().unwrap(), "stock"]);
        let warned = r.stderr.contains(warning);
        assert_eq!(warned, warns, "{text} at {m:o}: {r:?}");
        if warns {
            assert!(
                r.stderr.contains(&format!("chmod 600 {}", p.display())),
                "{r:?}"
            );
            assert!(
                !r.stderr.contains("s3cret"),
                "the password was printed: {r:?}"
            );
        }
    }
}
