//! Bahasa Indonesia for what the services say. Proves that every message in the sources has an
//! Indonesian twin in the catalog (src/domain/say), that the catalog is sound, that real
//! errors and stored rejection reasons translate (nested ones too), and that numbers and dates
//! follow the language. The app's and the CLI's Indonesian screens are in `i18n_parts/`.

mod common;
mod tui_support;

#[path = "i18n_parts/app.rs"]
mod app;
#[path = "i18n_parts/cli.rs"]
mod cli;
#[path = "i18n_parts/scan.rs"]
mod scan;

use std::collections::BTreeSet;
use std::path::Path;

use gudang::Error;
use gudang::domain::Role;
use gudang::domain::role::Permission;
use gudang::domain::say::{self, Lang, Part, Slot};

/// What is wrong with an entry (English template, Indonesian twin), if anything.
fn entry_problem(en: &str, id: &str) -> Option<String> {
    if id.trim().is_empty() {
        return Some("the Indonesian text is empty".into());
    }
    let parts = match say::twin_parts(id) {
        Ok(p) => p,
        Err(e) => return Some(e),
    };
    let n = en.matches("{}").count();
    let used: Vec<usize> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Value(i, _) => Some(*i),
            Part::Text(_) => None,
        })
        .collect();
    let distinct: BTreeSet<usize> = used.iter().copied().collect();
    if used.len() != n || distinct != (0..n).collect() {
        return Some(format!(
            "{n} placeholder(s) in English, the Indonesian uses values {used:?}"
        ));
    }
    // Said differently: compare the words with every placeholder written alike.
    let plain: String = parts
        .iter()
        .map(|p| match p {
            Part::Text(lit) => *lit,
            Part::Value(..) => "{}",
        })
        .collect();
    if plain == en && en.chars().any(char::is_alphabetic) {
        return Some("the Indonesian text is the English one".into());
    }
    None
}

#[test]
fn every_message_in_the_sources_has_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = scan::messages(root);
    let sites: usize = found.values().map(Vec::len).sum();
    // The scan must see the messages, not pass for finding none: the error constructors,
    // validation and rejection messages numbered about 160 distinct texts at over 200 sites
    // when this test was written.
    assert!(
        found.len() >= 150 && sites >= 200,
        "the scan found only {} messages at {sites} sites",
        found.len()
    );
    eprintln!("{} messages at {sites} sites", found.len());
    if std::env::var("I18N_LIST").is_ok() {
        for (t, s) in &found {
            eprintln!("{}:{}\t{t:?}", s[0].file.display(), s[0].line);
        }
    }
    for known in [
        "only {} of SKU {} left at {} (line {} needs {})",
        "unknown SKU or barcode '{}'",
        "{} not found",
        "permission denied: a {} may not {}",
        "ui.page_size must be between 10 and 10000",
        "'{}' is not a valid email address",
        "a product with SKU '{}' already exists",
        "{} bad row(s); nothing was imported",
    ] {
        assert!(found.contains_key(known), "the scan missed {known:?}");
    }
    let mut problems = Vec::new();
    for (en, sites) in &found {
        let at = format!("{}:{}", sites[0].file.display(), sites[0].line);
        // A word alone (a field name such as "form") is in the words list.
        let word = say::words().find(|(w, _)| w == en).map(|(_, id)| *id);
        match say::twin(en).or(word) {
            None => problems.push(format!("{at}: no Indonesian for {en:?}")),
            Some(id) => {
                if let Some(p) = entry_problem(en, id) {
                    problems.push(format!("{at}: {en:?}: {p}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} message(s) need an entry in src/domain/say/ (see /work/notes/api-i18n.md):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_catalog_is_sound() {
    let mut seen = BTreeSet::new();
    for (en, id) in say::entries() {
        assert!(seen.insert(*en), "{en:?} is in the catalog twice");
        if let Some(p) = entry_problem(en, id) {
            panic!("{en:?} -> {id:?}: {p}");
        }
    }
    let mut words = BTreeSet::new();
    for (en, id) in say::words() {
        assert!(words.insert(*en), "word {en:?} twice");
        assert!(!id.trim().is_empty(), "word {en:?} has no Indonesian");
    }
    // Every word a message may carry is known: kinds, statuses, roles and permissions.
    for k in [
        "receipt",
        "issue",
        "transfer",
        "adjustment",
        "posted",
        "rejected",
        "pending",
    ] {
        assert!(words.contains(k), "{k}");
    }
    for r in Role::ALL {
        assert!(words.contains(r.as_str()), "{r}");
    }
    use Permission::*;
    for p in [
        Read,
        PostMovement,
        Adjust,
        ManageCatalog,
        ManageLocations,
        ManageUsers,
    ] {
        assert!(words.contains(p.to_string().as_str()), "{p}");
    }
    // The placeholder forms of a twin.
    let parts = say::twin_parts("{1} di {0#}").unwrap();
    assert_eq!(parts[0], Part::Value(1, Slot::Raw));
    assert_eq!(parts[2], Part::Value(0, Slot::Number));
    let parts = say::twin_parts("sejak {@}: {*}").unwrap();
    assert_eq!(parts[1], Part::Value(0, Slot::Date));
    assert_eq!(parts[3], Part::Value(1, Slot::Translate));
    assert!(say::twin_parts("{x}").is_err());
}

#[test]
fn each_entry_is_the_one_that_answers_its_message() {
    // Filled with plain values, each template must come back as its own twin: no other entry
    // (a more specific or a more generic one) takes its messages.
    for (en, id) in say::entries() {
        let n = en.matches("{}").count();
        let vals: Vec<String> = (0..n).map(|i| format!("⟨{i}⟩")).collect();
        let mut msg = String::new();
        for (i, piece) in en.split("{}").enumerate() {
            if i > 0 {
                msg.push_str(&vals[i - 1]);
            }
            msg.push_str(piece);
        }
        let want: String = say::twin_parts(id)
            .unwrap()
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.to_string(),
                Part::Value(i, _) => vals[*i].clone(),
            })
            .collect();
        assert_eq!(say::tr(Lang::Id, &msg), want, "{en:?}");
    }
}

fn id(e: &str) -> String {
    say::tr(Lang::Id, e)
}

#[test]
fn real_errors_translate_at_every_level() {
    let cases: Vec<(Error, &str)> = vec![
        (
            Error::NotFound("product 'P-1'".into()),
            "produk 'P-1' tidak ditemukan",
        ),
        (
            Error::Denied {
                role: Role::Clerk,
                what: Permission::Adjust,
            },
            "izin ditolak: petugas tidak boleh memposting penyesuaian stok",
        ),
        (
            Error::Rejected("only 3 of SKU P1 left at GDG/A (line 1 needs 1250.5)".into()),
            "ditolak: stok SKU P1 di GDG/A tinggal 3 (baris 1 butuh 1.250,5)",
        ),
        (
            Error::Invalid("a issue needs a source (--from) location".into()),
            "pengeluaran perlu lokasi asal (--from)",
        ),
        (
            Error::Invalid(
                "line 'P1:x': 'x' is not a valid quantity (use digits and an optional '.')".into(),
            ),
            "baris 'P1:x': 'x' bukan jumlah yang sah (pakai angka dan boleh satu '.')",
        ),
        (
            Error::Invalid("sku: SKU is required; name: name is required".into()),
            "SKU: SKU wajib diisi; nama: nama wajib diisi",
        ),
        (
            Error::Config("ui.page_size must be between 10 and 10000".into()),
            "konfigurasi: ui.page_size harus antara 10 dan 10000",
        ),
        (
            Error::Conflict("a product with SKU 'P1' already exists".into()),
            "produk dengan SKU 'P1' sudah ada",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(id(&e.to_string()), want, "{e}");
        // English stays exactly as the services wrote it.
        assert_eq!(say::tr(Lang::En, &e.to_string()), e.to_string());
    }
    // A primary down: the time in the Indonesian way.
    let since = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
        .and_then(|d| d.and_hms_opt(14, 30, 5))
        .unwrap()
        .and_local_timezone(chrono::Local)
        .earliest()
        .unwrap()
        .timestamp_micros();
    let e = Error::PrimaryDown {
        shard: "location",
        url: "postgres://db1/loc".into(),
        since,
        reason: "the location shard's primary is down".into(),
    };
    assert_eq!(
        id(&e.to_string()),
        "primer shard lokasi (postgres://db1/loc) tidak menjawab sejak 26/11/2026 14:30:05: \
         tidak ada yang tersimpan; coba lagi tindakan yang sama setelah primer kembali \
         (primer shard lokasi mati)"
    );
    // A CSV import's rows, line by line.
    assert_eq!(
        id(
            "2 bad row(s); nothing was imported\nline 3: sku: SKU is required\nline 4: 'x' is also on line 2"
        ),
        "2 baris salah; tidak ada yang diimpor\nbaris 3: SKU: SKU wajib diisi\nbaris 4: 'x' juga ada di baris 2"
    );
    // Text the catalog does not know, and the app's own Indonesian texts, pass through.
    for t in [
        "error returned from database: disk I/O error",
        "Gagal masuk: email atau kata sandi salah",
        "Peran Anda (clerk) tidak boleh melakukan ini.",
    ] {
        assert_eq!(id(t), t);
    }
    // A code before a colon is a value, even when it reads like a word.
    assert_eq!(
        id("transfer: tidak ada produk dengan SKU atau barcode ini"),
        "transfer: tidak ada produk dengan SKU atau barcode ini"
    );
    // A rejection the app words itself around the stored English reason.
    assert_eq!(
        id("RCV-2026-000001 rejected: only 0 of SKU P2 left at B (line 2 needs 5)"),
        "RCV-2026-000001 ditolak: stok SKU P2 di B tinggal 0 (baris 2 butuh 5)"
    );
    // Values the user typed are never translated, even when they look like words.
    assert_eq!(
        id("unknown location 'transfer'"),
        "lokasi 'transfer' tidak dikenal"
    );
}

#[test]
fn numbers_and_dates_follow_the_language() {
    use gudang::domain::{Money, Quantity};
    assert_eq!(say::qty(Lang::Id, Quantity(1_234_567_500)), "1.234.567,5");
    assert_eq!(say::qty(Lang::En, Quantity(1_234_567_500)), "1234567.5");
    assert_eq!(say::money(Lang::Id, Money(123_456_789)), "1.234.567,89");
    assert_eq!(say::money(Lang::En, Money(123_456_789)), "1234567.89");
    assert_eq!(
        say::money_grouped(Lang::En, Money(123_456_789)),
        "1,234,567.89"
    );
    assert_eq!(say::int(Lang::Id, 1_000_000), "1.000.000");
    assert_eq!(say::int(Lang::En, 1_000_000), "1000000");
    let t = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 5, 7))
        .unwrap();
    assert_eq!(say::date(Lang::Id, t.date()), "02/03/2026");
    assert_eq!(say::datetime(Lang::Id, t), "02/03/2026 09:05");
    assert_eq!(say::datetime(Lang::En, t), "2026-03-02 09:05");
    assert_eq!(say::datetime_secs(Lang::Id, t), "02/03/2026 09:05:07");
    // The app's money helper is the same function.
    assert_eq!(
        gudang::tui::i18n::money(Lang::Id, 125_127_500),
        say::money_grouped(Lang::Id, Money(125_127_500))
    );
}
