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
    // A message with a prefix ("line 3: ...", "sku: ...") that no other entry knows: both
    // sides translated. The least specific entry, tried last.
    ("{}: {}", "{*}: {*}"),
];
