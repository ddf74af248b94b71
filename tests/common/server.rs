//! Process plumbing shared by the throwaway database servers (`pg`, `mariadb`): a private temp
//! directory, a free loopback port, commands detached into their own session, and the watchdog
//! that removes the server and its directory when the test process ends, however it ends.
//!
//! The watchdog is a detached `sh` that holds the read end of a pipe whose write end only the
//! test process has. When that process exits for any reason, even SIGKILL, the pipe closes, `cat`
//! returns, and the watchdog runs the server's stop command and deletes the directory.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};

/// True when the tests run as root (as in CI), where both servers must drop to a system user.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// uid and gid of a system user, from /etc/passwd.
pub fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// A fresh directory `/tmp/<prefix>XXXXXX`, kept (the watchdog deletes it), owned by `owner`
/// if given.
///
/// /tmp rather than $TMPDIR: a server running as a system user must be able to reach it, and a
/// unix socket path inside it must stay under the kernel's ~107-byte limit.
pub fn temp_dir(prefix: &str, owner: Option<(u32, u32)>) -> Result<PathBuf, String> {
    let base = Some(PathBuf::from("/tmp"))
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(base)
        .map_err(|e| format!("cannot make a temp dir under /tmp: {e}"))?
        .keep();
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
            .map_err(|e| format!("chown {}: {e}", dir.display()))?;
    }
    Ok(dir)
}

/// A command in its own session (so a Ctrl-C aimed at the tests leaves the server to the
/// watchdog), run from `dir`, as system user `as_user` through `runuser` if given.
pub fn command(program: &Path, dir: &Path, as_user: Option<&str>) -> Command {
    let mut c = if let Some(user) = as_user {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    c.current_dir(dir);
    setsid(&mut c);
    c
}

fn setsid(c: &mut Command) {
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        c.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
}

/// Runs a command to its end; its output becomes the error if it fails.
pub fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A port on 127.0.0.1 that was free a moment ago. Another process may take it before the
/// server binds it, so callers retry on "address in use".
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// A path quoted for `sh`.
pub fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The contents of a log file ("" if it cannot be read), for error messages.
pub fn read_log(path: &Path) -> String {
    let mut s = String::new();
    let _ = std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut s));
    s
}

/// Starts the detached watchdog for a server in `dir`: once this process has ended it runs
/// `stop` (a shell snippet; it must not fail the script) and then deletes `dir`. Start it before
/// the server, so that even a failed start leaves nothing behind.
pub fn spawn_watchdog(dir: &Path, stop: &str) -> Result<ChildStdin, String> {
    let script = format!("cat >/dev/null; {stop}; rm -rf {}", sh_quote(dir));
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(script)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // A Ctrl-C aimed at the tests must not kill the watchdog before it has cleaned up.
    setsid(&mut c);
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot start the server watchdog: {e}"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| "watchdog has no stdin".to_string())
}
