//! Installing gudang like any other tool: shell completions and man pages, generated from the
//! command-line definition ([`super::Cli`]) so they never drift from it. Neither needs a config
//! or a database.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;
use super::out::Failure;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish (also elvish, powershell)
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (gudang.1, gudang-check.1, ...) into DIR instead of printing
    /// gudang(1) on standard output
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `gudang completions SHELL`: the completion script on standard output.
pub fn completions(a: CompletionsArgs) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "gudang", &mut buf);
    print(&buf)
}

/// `gudang man [--dir DIR]`.
pub fn man(a: ManArgs) -> Result<(), Failure> {
    match a.dir {
        Some(dir) => man_pages(&dir),
        None => print(&man_page()?),
    }
}

/// gudang(1): the top page, with every command listed and described.
fn man_page() -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Failure::Error(format!("cannot write the man page: {e}")))?;
    Ok(buf)
}

/// gudang.1 and a page for each command and subcommand (gudang-user-add.1, ...) in `dir`.
fn man_pages(dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Error(format!("cannot create {}: {e}", dir.display())))?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(|e| {
        Failure::Error(format!(
            "cannot write the man pages into {}: {e}",
            dir.display()
        ))
    })
}

fn print(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Error(format!("cannot write to standard output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands() -> Vec<String> {
        Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect()
    }

    #[test]
    fn completions_name_every_command() {
        assert!(commands().len() > 10);
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "gudang", &mut buf);
            let text = String::from_utf8(buf).unwrap();
            for c in commands() {
                assert!(text.contains(&c), "{shell}: no {c}");
            }
        }
    }

    #[test]
    fn man_page_names_every_command() {
        let text = String::from_utf8(man_page().ok().unwrap()).unwrap();
        for c in commands() {
            assert!(
                text.contains(&format!("gudang\\-{c}")),
                "no {c} in the man page"
            );
        }
    }

    #[test]
    fn man_dir_has_a_page_per_command() {
        let tmp = tempfile::tempdir().unwrap();
        man_pages(tmp.path()).ok().unwrap();
        assert!(tmp.path().join("gudang.1").exists());
        for c in commands() {
            let page = tmp.path().join(format!("gudang-{c}.1"));
            assert!(page.exists(), "no {}", page.display());
        }
    }
}
