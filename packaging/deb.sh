#!/usr/bin/env bash
# Builds the Debian package target/debian/gudang_<version>-1_<arch>.deb with cargo-deb
# (`cargo install --locked cargo-deb`): the release binary, then the man pages and shell
# completions it generates from its own command line (into target/packaging/, where the
# [package.metadata.deb] assets in Cargo.toml expect them), then `cargo deb --no-build`.
# Extra arguments go to cargo deb (e.g. --output DIR). Prints the package's path last.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
    echo "cargo-deb is not installed: cargo install --locked cargo-deb" >&2
    exit 1
fi

# The binary cargo deb packs is target/release/gudang (cargo-deb maps that path to
# CARGO_TARGET_DIR itself); the generated files go to ./target/packaging either way.
# GUDANG_DEB_PROFILE=dev packs the debug build instead (the test suite's quick check of the
# package's layout; never ship it).
target="${CARGO_TARGET_DIR:-target}"
profile="${GUDANG_DEB_PROFILE:-release}"
if [ "$profile" = dev ]; then
    # The debug binary `cargo test` built (a plain `cargo build` would rebuild the dependencies
    # without the test-only features).
    bin="$target/debug/gudang"
    [ -x "$bin" ] || cargo build --locked
else
    cargo build --release --locked
    bin="$target/release/gudang"
fi

out=target/packaging
rm -rf "$out"
mkdir -p "$out/man" "$out/completions"
"$bin" man --dir "$out/man"
gzip -9n "$out"/man/*.1
"$bin" completions bash >"$out/completions/gudang"
"$bin" completions zsh >"$out/completions/_gudang"
"$bin" completions fish >"$out/completions/gudang.fish"

# Stripped: the release profile keeps line tables for backtraces, which triples the size.
cargo deb --no-build --locked --strip --profile "$profile" "$@" | tail -n 1
