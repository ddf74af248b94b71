//! Harness for the CLI tests: runs the real `gudang` binary against a temp data directory,
//! isolated from the user's config and from `GUDANG_*` variables of the calling shell.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const ADMIN: &str = "admin@example.test";
pub const PASSWORD: &str = "correct horse battery";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct Gudang {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Gudang {
    /// A data directory where `gudang init` has not run.
    pub fn empty() -> Gudang {
        Gudang {
            dir: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// Initialised, with the first admin [`ADMIN`].
    pub fn new() -> Gudang {
        let g = Gudang::empty();
        g.ok_stdin(
            &[
                "init",
                "--admin-email",
                ADMIN,
                "--admin-name",
                "Admin",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
        g
    }

    /// Initialised, with units PCS (0 decimals) and KG (3), category Hardware, locations A and
    /// B, and products P1 (barcode 8990000001), P2, P3 at 2.50 with minimum 5.
    pub fn seeded() -> Gudang {
        let g = Gudang::new();
        g.ok(&["unit", "add", "PCS", "--name", "Pieces"]);
        g.ok(&["unit", "add", "KG", "--name", "Kilogram", "--decimals", "3"]);
        g.ok(&["category", "add", "Hardware"]);
        g.ok(&["location", "add", "A", "--name", "Warehouse A"]);
        g.ok(&["location", "add", "B", "--name", "Warehouse B"]);
        for i in 1..=3 {
            let (sku, name, barcode) = (
                format!("P{i}"),
                format!("Product {i}"),
                format!("899000000{i}"),
            );
            g.ok(&[
                "product",
                "add",
                "--sku",
                &sku,
                "--name",
                &name,
                "--barcode",
                &barcode,
                "--category",
                "Hardware",
                "--unit",
                "PCS",
                "--price",
                "2.50",
                "--min-qty",
                "5",
            ]);
        }
        g
    }

    /// Sets an environment variable for every later run.
    pub fn with_env(mut self, key: &str, value: &str) -> Gudang {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A file path inside the test's temp directory (outside the data directory).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gudang"));
        for (k, _) in std::env::vars() {
            if k.starts_with("GUDANG_") {
                c.env_remove(k);
            }
        }
        c.env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.arg("--data-dir").arg(self.data_dir()).args(args);
        c
    }

    /// Runs with `stdin` as standard input.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn gudang");
        let mut input = child.stdin.take().expect("stdin");
        // A command may exit before reading its input; a broken pipe is then expected.
        let _ = input.write_all(stdin.as_bytes());
        drop(input);
        let out = child.wait_with_output().expect("wait for gudang");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs once with extra environment variables.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.stdin(Stdio::null()).output().expect("run gudang");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, "")
    }

    /// Runs, expecting exit 0 and nothing on stderr; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, 0, "gudang {args:?} failed: {r:?}");
        assert_eq!(r.stderr, "", "gudang {args:?} wrote to stderr: {r:?}");
        r.stdout
    }

    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        let r = self.run_stdin(args, stdin);
        assert_eq!(r.code, 0, "gudang {args:?} failed: {r:?}");
        r.stdout
    }

    /// Runs, expecting exit 1 with `error: ...` on stderr and nothing on stdout; returns stderr.
    pub fn fail(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_fails(args, &r);
        r.stderr
    }

    pub fn fail_stdin(&self, args: &[&str], stdin: &str) -> String {
        let r = self.run_stdin(args, stdin);
        assert_fails(args, &r);
        r.stderr
    }

    /// Runs a `--json` command, expecting exit 0 and ONLY JSON on stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("gudang {all:?}: stdout is not JSON ({e}): {out}"))
    }

    /// The stock quantity of `sku` at `loc`, as printed (None when there is no stock row).
    pub fn stock(&self, loc: &str, sku: &str) -> Option<String> {
        let v = self.json(&["stock", "--location", loc, "--sku", sku]);
        v.as_array()
            .expect("array")
            .first()
            .map(|r| r["quantity"].as_str().expect("quantity").to_string())
    }

    pub fn product_count(&self) -> usize {
        self.json(&["product", "list", "--limit", "10000"])
            .as_array()
            .expect("array")
            .len()
    }

    /// Adds a user with `role` (one password hash per call: keep the count low).
    pub fn add_user(&self, email: &str, role: &str) {
        self.ok_stdin(
            &[
                "user",
                "add",
                email,
                "--name",
                email,
                "--role",
                role,
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
    }
}

fn assert_fails(args: &[&str], r: &Run) {
    assert_eq!(r.code, 1, "gudang {args:?} should fail with exit 1: {r:?}");
    assert_eq!(
        r.stdout, "",
        "gudang {args:?} failed but wrote to stdout: {r:?}"
    );
    assert!(
        r.stderr.starts_with("error: "),
        "gudang {args:?}: stderr should start with 'error: ': {r:?}"
    );
}

/// Whether `s` looks like a transaction number with this prefix, e.g. `RCV-2026-000001`.
pub fn is_number(s: &str, prefix: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0] == prefix
        && parts[1].len() == 4
        && parts[2].len() == 6
        && parts[1..]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Runs `gudang post ARGS` and returns the transaction number, checking that stdout is only
/// that number.
pub fn post(g: &Gudang, args: &[&str]) -> String {
    let mut all = vec!["post"];
    all.extend_from_slice(args);
    let out = g.ok(&all);
    let number = out.strip_suffix('\n').expect("one line");
    assert!(
        !number.contains('\n') && !number.contains(' '),
        "post printed more than the number: {out:?}"
    );
    number.to_string()
}

/// Whether a text output has a line ending in whitespace.
pub fn trailing_blanks(out: &str) -> Option<&str> {
    out.lines().find(|l| l.ends_with(' ') || l.ends_with('\t'))
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write file");
}
