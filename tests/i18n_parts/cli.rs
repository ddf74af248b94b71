//! The CLI in Bahasa Indonesia (`ui.language = "id"`): errors and rejection reasons are said in
//! the configured language, English stays as it was, and a broken config is reported in the
//! language it asks for.

#[path = "../cliutil/mod.rs"]
mod cliutil;

use cliutil::Gudang;

#[test]
fn cli_errors_and_rejections_in_indonesian() {
    let g = Gudang::seeded().with_env("GUDANG_UI_LANGUAGE", "id");
    let r = g.run(&["product", "deactivate", "NOPE"]);
    assert_eq!(
        (r.code, r.stderr.trim_end()),
        (1, "kesalahan: produk 'NOPE' tidak ditemukan"),
        "{r:?}"
    );
    // Not enough stock: the posting is rejected and its reason (stored in English) is said in
    // Indonesian, numbers the Indonesian way.
    let r = g.run(&["post", "issue", "--from", "A", "--line", "P1:2000"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.starts_with("kesalahan: ISS-")
            && r.stderr
                .contains(" ditolak: stok SKU P1 di A tinggal 0 (baris 1 butuh 2.000)"),
        "{r:?}"
    );
    // The stored reason reads in Indonesian in `txn show` too.
    let number = r
        .stderr
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let shown = g.ok(&["txn", "show", &number]);
    assert!(
        shown.contains("reason   stok SKU P1 di A tinggal 0 (baris 1 butuh 2.000)"),
        "{shown}"
    );
    // A bad line spec, with the nested quantity message.
    let r = g.run(&["post", "receipt", "--to", "A", "--line", "P1:abc"]);
    assert_eq!(
        r.stderr.trim_end(),
        "kesalahan: baris 'P1:abc': 'abc' bukan jumlah yang sah (pakai angka dan boleh satu '.')"
    );
    // A clerk may not adjust.
    g.add_user("clerk@example.test", "clerk");
    let r = g.run(&[
        "--as",
        "clerk@example.test",
        "post",
        "adjust",
        "--at",
        "A",
        "--line",
        "P1:1",
    ]);
    assert_eq!(
        r.stderr.trim_end(),
        "kesalahan: izin ditolak: petugas tidak boleh memposting penyesuaian stok",
        "{r:?}"
    );
}

#[test]
fn cli_english_is_unchanged_and_a_bad_config_speaks_its_language() {
    let g = Gudang::seeded();
    let e = g.fail(&["product", "deactivate", "NOPE"]);
    assert_eq!(e.trim_end(), "error: product 'NOPE' not found");
    // The config does not load (a bad page size), yet it asks for Indonesian.
    let r = g.run_env(
        &[("GUDANG_UI_LANGUAGE", "id"), ("GUDANG_UI_PAGE_SIZE", "5")],
        &["product", "list"],
    );
    assert_eq!(
        r.stderr.trim_end(),
        "kesalahan: konfigurasi: ui.page_size harus antara 10 dan 10000",
        "{r:?}"
    );
}
