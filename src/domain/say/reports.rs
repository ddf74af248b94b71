//! Messages of the reports services. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    // ("count {} is closed", "hitungan {} sudah ditutup"),
    ("{}: '{}' is not a date (use YYYY-MM-DD, e.g. 2026-11-26)", "{}: '{}' bukan tanggal (pakai YYYY-MM-DD, mis. 2026-11-26)"),
    ("the period starts ({}) after it ends ({})", "periode dimulai ({@}) sesudah berakhir ({@})"),
    ("rows per page must be between 1 and {}", "baris per halaman harus antara 1 dan {#}"),
    ("give a SKU or barcode", "isi SKU atau barcode"),
    ("category '{}'", "kategori '{}'"),
    ("{} documents are waiting to be journaled; reports are exact again once recovery has journaled them (try again in a moment)", "{#} dokumen menunggu dicatat di jurnal; laporan kembali tepat setelah pemulihan mencatatnya (coba lagi sebentar lagi)"),
    ("a report's read stopped: {}", "pembacaan laporan terhenti: {}"),
    ("a report's rows came out of order (product {}); the database does not sort ids byte by byte", "baris laporan datang tidak berurutan (produk {}); basis data tidak mengurutkan id byte demi byte"),
    ("{} {}: {} allows {} decimal place(s) and no negative quantity", "{*} {#}: {} hanya boleh {#} angka desimal dan tidak boleh negatif"),
    ("the maximum ({}) of {} at {} is below its minimum ({})", "maksimum ({0#}) {1} di {2} di bawah minimumnya ({3#})"),
    ("--by: '{}' is not a grouping (use location, category or product)", "--by: '{}' bukan pengelompokan (pakai location, category atau product)"),
    ("no file name given", "nama berkas belum diisi"),
    ("{} is a folder; give a file name", "{} adalah folder; isi nama berkas"),
    ("cannot write {}: the folder {} does not exist", "tidak dapat menulis {}: folder {} tidak ada"),
    ("cannot write {}: more rows than a spreadsheet holds ({}); use CSV", "tidak dapat menulis {}: barisnya lebih banyak dari yang muat di lembar kerja ({#}); pakai CSV"),
    ("cannot write CSV: {}", "tidak dapat menulis CSV: {}"),
    ("give --min or --max (or both)", "isi --min atau --max (atau keduanya)"),
    // The Reports screen's export (src/tui/panes/report_export.rs).
    ("{}: use .csv or .xlsx", "{}: pakai .csv atau .xlsx"),
];
