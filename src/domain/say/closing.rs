//! Messages of the closing part. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("a closing's read stopped: {}", "pembacaan tutup buku terhenti: {*}"),
    ("the closing of {} holds {} of product {} at location {} but the journal sums to {} (milli-units)", "tutup buku {} berisi {} untuk produk {} di lokasi {} tetapi jurnal berjumlah {} (mili-unit)"),
    ("the closing of {} differs from the journal in {} more rows", "tutup buku {} berbeda dari jurnal di {#} baris lagi"),
];
