//! Installing gudang like any other tool: `--version` names the commit, and the completion
//! scripts and man pages are generated from the command line's definition, without a config or
//! a data directory, and name every command.

mod cliutil;

use cliutil::Gudang;

/// The commands as `gudang help` lists them (clap writes that list from the same definition
/// the generators read, so this cannot go stale).
fn commands(g: &Gudang) -> Vec<String> {
    let help = g.ok(&["help"]);
    let list = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands: section")
        .split("\n\n")
        .next()
        .unwrap_or_default();
    let names: Vec<String> = list
        .lines()
        // A command's line is indented by two; a wrapped description, deeper.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(str::to_string)
        .collect();
    for expected in ["init", "check", "recover", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    names
}

#[test]
fn version_names_the_commit() {
    let g = Gudang::empty();
    let out = g.ok(&["--version"]);
    let line = out.trim_end();
    let rest = line
        .strip_prefix(&format!("gudang {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line}"));
    let hash = rest.strip_suffix("-dirty").unwrap_or(rest);
    assert!(
        rest == "unknown commit"
            || (hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit())),
        "{line}"
    );
    assert!(!g.data_dir().exists(), "--version made the data directory");
}

#[test]
fn completions_name_every_command_without_a_data_dir() {
    let g = Gudang::empty();
    let names = commands(&g);
    for shell in ["bash", "zsh", "fish"] {
        let script = g.ok(&["completions", shell]);
        for c in &names {
            assert!(script.contains(c.as_str()), "{shell}: no {c}");
        }
    }
    assert!(
        g.ok(&["completions", "bash"])
            .contains("complete -F _gudang")
    );
    assert!(g.ok(&["completions", "zsh"]).starts_with("#compdef gudang"));
    assert!(
        g.ok(&["completions", "fish"])
            .contains("complete -c gudang")
    );
    assert!(
        !g.data_dir().exists(),
        "completions made the data directory"
    );
}

#[test]
fn completions_do_not_read_the_config() {
    let g = Gudang::empty();
    let bad = g.path("bad.toml");
    std::fs::write(&bad, "no such = [toml").unwrap();
    let out = g.ok(&["--config", bad.to_str().unwrap(), "completions", "bash"]);
    assert!(out.contains("gudang"));
}

#[test]
fn a_shell_gudang_does_not_know_is_a_clear_error() {
    let g = Gudang::empty();
    let r = g.run(&["completions", "tcsh"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("invalid value 'tcsh'") && r.stderr.contains("bash"),
        "{r:?}"
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn the_man_page_names_every_command() {
    let g = Gudang::empty();
    let page = g.ok(&["man"]);
    assert!(page.contains(".TH gudang 1"), "not roff: {page}");
    for c in commands(&g) {
        assert!(page.contains(&format!("gudang\\-{c}(1)")), "no {c}");
    }
    assert!(!g.data_dir().exists(), "man made the data directory");
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let g = Gudang::empty();
    let dir = g.path("man");
    g.ok(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(dir.join("gudang.1").exists());
    for c in commands(&g) {
        let page = dir.join(format!("gudang-{c}.1"));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(text.contains(".TH"), "{}", page.display());
    }
    // Nested commands get pages of their own too.
    assert!(dir.join("gudang-user-add.1").exists());
}
