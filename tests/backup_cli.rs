//! `gudang backup`, `gudang backup --verify` and `gudang restore` through the binary: exit codes
//! and messages, refusals that change nothing.

mod cliutil;

use cliutil::{Gudang, PASSWORD, post};

fn backed_up() -> (Gudang, std::path::PathBuf) {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    post(&g, &["issue", "--from", "A", "--line", "P1:3"]);
    post(
        &g,
        &["transfer", "--from", "A", "--to", "B", "--line", "P1:2"],
    );
    let dest = g.path("backup");
    let out = g.ok(&["backup", dest.to_str().expect("utf-8")]);
    assert!(out.contains("backup written to"), "{out}");
    assert!(out.contains("transaction, location, master"), "{out}");
    (g, dest)
}

#[test]
fn backup_verify_and_restore_round_trip() {
    let (g, dest) = backed_up();
    let d = dest.to_str().expect("utf-8");
    for f in [
        "manifest.json",
        "master.db",
        "location.db",
        "transaction.db",
    ] {
        assert!(dest.join(f).is_file(), "{f}");
    }
    let out = g.ok(&["backup", "--verify", d]);
    assert!(out.contains("is whole"), "{out}");
    let v = g.json(&["backup", "--verify", d]);
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["manifest"]["order"][0], "transaction");

    // A second backup into the same directory is refused.
    let e = g.fail(&["backup", d]);
    assert!(e.contains("is not empty"), "{e}");

    // Restored into a new data directory: reconciled, recovered, checked; the stock is there.
    let r = Gudang::empty();
    let out = r.ok(&["restore", d]);
    assert!(out.contains("check ok"), "{out}");
    assert!(
        out.contains("reconciliation: 0 journaled document(s)"),
        "{out}"
    );
    assert_eq!(r.stock("A", "P1").as_deref(), Some("5"));
    assert_eq!(r.stock("B", "P1").as_deref(), Some("2"));
    r.ok(&["check"]);
    // What a server restore runs; on a deployment that needs nothing it changes nothing.
    let out = r.ok(&["recover", "--after-restore"]);
    assert!(out.contains("reconciliation: 0 product(s)"), "{out}");
    assert!(out.contains("check ok"), "{out}");

    // Into a data directory in use: refused, nothing changed.
    let e = g.fail(&["restore", d]);
    assert!(e.contains("is not empty"), "{e}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("5"));
}

#[test]
fn damaged_and_incomplete_backups_fail_with_exit_1() {
    let (g, dest) = backed_up();
    let d = dest.to_str().expect("utf-8");
    let file = dest.join("location.db");
    let mut bytes = std::fs::read(&file).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&file, bytes).expect("write");
    let e = g.fail(&["backup", "--verify", d]);
    assert!(
        e.contains("location shard's file location.db does not match its checksum"),
        "{e}"
    );
    let r = Gudang::empty();
    let e = r.fail(&["restore", d]);
    assert!(e.contains("does not verify; nothing was restored"), "{e}");
    assert!(!r.data_dir().join("location.db").exists());

    std::fs::remove_file(dest.join("manifest.json")).expect("rm");
    let e = g.fail(&["backup", "--verify", d]);
    assert!(e.contains("has no manifest.json"), "{e}");
    let e = g.fail(&[
        "backup",
        "--verify",
        g.path("nowhere").to_str().expect("utf-8"),
    ]);
    assert!(e.contains("is not a directory"), "{e}");
}

#[test]
fn only_an_admin_backs_up_and_servers_are_referred_to_the_docs() {
    let g = Gudang::seeded();
    g.ok_stdin(
        &[
            "user",
            "add",
            "clerk@example.test",
            "--name",
            "Clerk",
            "--role",
            "clerk",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    let dest = g.path("b");
    let e = g.fail(&[
        "--as",
        "clerk@example.test",
        "backup",
        dest.to_str().expect("utf-8"),
    ]);
    assert!(e.contains("permission denied"), "{e}");
    assert!(!dest.join("manifest.json").exists());

    let config = g.path("server.toml");
    std::fs::write(
        &config,
        "[database]\nlocation_url = \"postgres://gudang@127.0.0.1:1/gudang_location\"\n",
    )
    .expect("config");
    let c = config.to_str().expect("utf-8");
    let e = g.fail(&["--config", c, "backup", dest.to_str().expect("utf-8")]);
    assert!(
        e.contains("location shard is on PostgreSQL") && e.contains("docs/backup.md"),
        "{e}"
    );
    let r = Gudang::empty();
    let e = r.fail(&["--config", c, "restore", dest.to_str().expect("utf-8")]);
    assert!(e.contains("docs/backup.md"), "{e}");
    assert!(!r.data_dir().exists());
}
