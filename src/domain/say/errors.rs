//! The error type's own wording (src/error.rs) around the messages it carries.
//!
//! One line per message: `("English template", "Indonesian twin"),`. See the module above for
//! the placeholders (`{}` as is, `{*}` translated, `{#}` number, `{@}` date).

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("{} not found", "{*} tidak ditemukan"),
    ("permission denied: a {} may not {}", "izin ditolak: {*} tidak boleh {*}"),
    ("rejected: {}", "ditolak: {*}"),
    ("{} shard: {}", "shard {*}: {*}"),
    ("the {} shard's primary ({}) has not answered since {}: nothing was saved; try the same action again when it is back ({})", "primer shard {*} ({}) tidak menjawab sejak {@}: tidak ada yang tersimpan; coba lagi tindakan yang sama setelah primer kembali ({*})"),
    ("configuration: {}", "konfigurasi: {*}"),
    ("an unknown time", "waktu yang tidak diketahui"),
    // Several messages joined (field errors): each translated. Tried before "{}: {}" below.
    ("{}; {}", "{*}; {*}"),
    // A message inside one of the app's own texts ("Not posted: {} — Enter tries again").
    ("{} — {}", "{*} — {*}"),
    // A form field's error (src/service/catalog.rs, csvio): "sku: SKU is required". ("barcode"
    // is the same word in both languages: the entry below answers it.)
    ("sku: {}", "SKU: {*}"),
    ("name: {}", "nama: {*}"),
    ("price: {}", "harga: {*}"),
    ("category: {}", "kategori: {*}"),
    ("unit: {}", "satuan: {*}"),
    ("min_qty: {}", "jumlah minimum: {*}"),
    ("active: {}", "aktif: {*}"),
    ("form: {}", "formulir: {*}"),
    // A message after a prefix that no other entry knows ("ISS-2026-000001 ditolak: ..."):
    // the prefix as is (a code, or the app's own words), the message translated. The least
    // specific entry, tried last.
    ("{}: {}", "{}: {*}"),
];
