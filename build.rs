//! Build script: names the git commit the binary is built from, for `gudang --version`
//! (`GUDANG_COMMIT`: twelve hex digits, `-dirty` when tracked files differ from it, or
//! "unknown commit" outside a git checkout, e.g. a crates.io or tarball build). A packager
//! building outside git can set `GUDANG_BUILD_COMMIT` instead.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=GUDANG_BUILD_COMMIT");
    let commit = match std::env::var("GUDANG_BUILD_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_string(),
        _ => from_git().unwrap_or_else(|| "unknown commit".to_string()),
    };
    println!("cargo:rustc-env=GUDANG_COMMIT={commit}");
}

fn from_git() -> Option<String> {
    let git = Path::new(".git");
    // A new commit moves HEAD or the branch it points at; rebuild the name then (not on every
    // edit: the dirty marker is as of the last build that ran this script). Said even without
    // .git: cargo reruns a script whose watched file is missing, so a build that once ran
    // outside a checkout does not keep "unknown commit" once there is one.
    println!("cargo:rerun-if-changed=.git/HEAD");
    if !git.exists() {
        return None;
    }
    if let Ok(head) = std::fs::read_to_string(git.join("HEAD"))
        && let Some(r) = head.trim().strip_prefix("ref: ")
    {
        println!("cargo:rerun-if-changed=.git/{r}");
        println!("cargo:rerun-if-changed=.git/packed-refs");
    }
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let hash = String::from_utf8(out.stdout).ok()?.trim().to_string();
    if hash.is_empty() {
        return None;
    }
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    Some(if dirty { format!("{hash}-dirty") } else { hash })
}
