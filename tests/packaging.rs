//! The Debian package: `packaging/deb.sh` builds it with cargo-deb and it holds the binary, a
//! man page per command, the shell completions and the docs. Where `cargo deb` and `dpkg-deb`
//! are installed (CI installs cargo-deb) it packs the debug build the tests already made, which
//! checks the package's layout in seconds; `GUDANG_PACKAGING=1` packs a release build as a
//! packager would (minutes). Without cargo-deb it says so and passes.

mod cliutil;

use std::path::Path;
use std::process::Command;

fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_debian_package_holds_binary_man_pages_completions_and_docs() {
    // `cargo deb` alone would build a whole release package: ask for its version only.
    if !available("cargo", &["deb", "--version"]) {
        eprintln!("skipped: cargo-deb is not installed (cargo install --locked cargo-deb)");
        return;
    }
    if !available("dpkg-deb", &["--version"]) {
        eprintln!("skipped: dpkg-deb is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp dir");
    let release = std::env::var("GUDANG_PACKAGING").as_deref() == Ok("1");
    let built = Command::new("bash")
        .arg(root.join("packaging/deb.sh"))
        .env(
            "GUDANG_DEB_PROFILE",
            if release { "release" } else { "dev" },
        )
        .arg("--output")
        .arg(out.path())
        .current_dir(root)
        .output()
        .expect("run packaging/deb.sh");
    assert!(
        built.status.success(),
        "packaging/deb.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    let deb = std::fs::read_dir(out.path())
        .expect("output dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .expect("a .deb in the output directory");

    let fields = Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .args(["Package", "Version"])
        .output()
        .expect("dpkg-deb -f");
    let fields = String::from_utf8_lossy(&fields.stdout).into_owned();
    assert!(fields.contains("Package: gudang"), "{fields}");
    assert!(
        fields.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{fields}"
    );

    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(&deb)
        .output()
        .expect("dpkg-deb -c");
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    eprintln!("{}:\n{listing}", deb.display());
    let has = |path: &str| {
        listing
            .lines()
            .any(|l| l.ends_with(&format!(".{path}")) || l.contains(&format!(".{path} ->")))
    };
    let mut wanted = vec![
        "/usr/bin/gudang".to_string(),
        "/usr/share/man/man1/gudang.1.gz".to_string(),
        "/usr/share/bash-completion/completions/gudang".to_string(),
        "/usr/share/zsh/vendor-completions/_gudang".to_string(),
        "/usr/share/fish/vendor_completions.d/gudang.fish".to_string(),
        "/usr/share/doc/gudang/config.example.toml".to_string(),
        "/usr/share/doc/gudang/README.md".to_string(),
        "/usr/share/doc/gudang/deploy.md".to_string(),
    ];
    for c in commands() {
        wanted.push(format!("/usr/share/man/man1/gudang-{c}.1.gz"));
    }
    for doc in std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .flatten()
    {
        let name = doc.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            wanted.push(format!("/usr/share/doc/gudang/{name}"));
        }
    }
    for w in &wanted {
        assert!(has(w), "{w} is not in the package");
    }
    let binary = listing
        .lines()
        .find(|l| l.ends_with("./usr/bin/gudang"))
        .unwrap_or_default();
    assert!(
        binary.starts_with("-rwxr-xr-x root/root") || binary.starts_with("-rwxr-xr-x 0/0"),
        "{binary}"
    );
}

/// The commands, as the binary lists them.
fn commands() -> Vec<String> {
    let help = cliutil::Gudang::empty().ok(&["help"]);
    help.split("Commands:")
        .nth(1)
        .unwrap_or_default()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "help")
        .map(str::to_string)
        .collect()
}
