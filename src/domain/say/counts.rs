//! Messages of the counts services. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("count '{}'", "hitungan '{}'"),
    ("count {}", "hitungan {}"),
    ("count {} cannot be posted, nothing was posted: {} line(s) would take more than the stock left now, e.g. {} at {}: variance {} but only {} left; movements since the scan took it: recount them", "hitungan {} tidak dapat diposting, tidak ada yang diposting: {#} baris akan mengambil lebih dari stok yang tersisa sekarang, mis. {} di {}: selisih {#} tetapi hanya tersisa {#}; mutasi sejak pemindaian mengambilnya: hitung ulang baris tersebut"),
    ("count {} changed meanwhile; try again", "hitungan {} berubah sementara itu; coba lagi"),
    ("count {} is being posted: it no longer changes (run `count post {}` again to finish)", "hitungan {} sedang diposting: tidak dapat diubah lagi (jalankan `count post {}` lagi untuk menyelesaikannya)"),
    ("count {} is not fully posted: {} of {} adjustment(s) rejected, the first at {}: {}; run count post {} again once the stock allows", "hitungan {} belum terposting seluruhnya: {#} dari {#} penyesuaian ditolak, yang pertama di {}: {*}; jalankan count post {} lagi setelah stok mencukupi"),
    ("count {} is {}: it is closed and read-only", "hitungan {} {*}: sudah ditutup dan hanya bisa dibaca"),
    ("count {}: a counted product ({}) no longer exists; nothing more was posted", "hitungan {}: produk yang dihitung ({}) sudah tidak ada; tidak ada lagi yang diposting"),
    ("count {}: its stored lines no longer match its documents; nothing was posted", "hitungan {}: baris tersimpannya tidak lagi cocok dengan dokumennya; tidak ada yang diposting"),
    ("count {}: the adjustment for {} could not be posted ({}); run count post {} again", "hitungan {}: penyesuaian untuk {} tidak dapat diposting ({*}); jalankan count post {} lagi"),
    ("give a count number (CNT-...)", "berikan nomor hitungan (CNT-...)"),
    ("line '{}': expected LOCATION:SKU", "baris '{}': seharusnya LOKASI:SKU"),
    ("line {} was never scanned in this count: nothing to recount", "baris {} belum pernah dipindai dalam hitungan ini: tidak ada yang perlu dihitung ulang"),
    ("line {}: a change of zero changes nothing", "baris {}: perubahan nol tidak mengubah apa pun"),
    ("location of count {}", "lokasi hitungan {}"),
    ("location {} is not part of count {} ({})", "lokasi {} tidak termasuk hitungan {} ({*})"),
    ("{} and everything inside it", "{} beserta semua yang ada di dalamnya"),
    ("{} and everything inside it, category {}", "{} beserta semua yang ada di dalamnya, kategori {}"),
    ("only {}", "hanya {}"),
    ("only {}, category {}", "hanya {}, kategori {}"),
    ("name at least one line to recount", "sebutkan setidaknya satu baris untuk dihitung ulang"),
    ("only an adjustment can change stock by a signed quantity", "hanya penyesuaian yang dapat mengubah stok dengan jumlah bertanda"),
    ("scan '{}': the quantity cannot be negative", "pindaian '{}': jumlah tidak boleh negatif"),
    ("scan '{}': {}", "pindaian '{}': {*}"),
    ("scan at least one code", "pindai setidaknya satu kode"),
    ("scan at most {} codes at once", "pindai paling banyak {#} kode sekaligus"),
    ("scan {} ({}): the quantity cannot be negative", "pindaian {} ({}): jumlah tidak boleh negatif"),
    ("scan {}: product {} ({}) is inactive", "pindaian {}: produk {} ({}) tidak aktif"),
    ("scan {}: unknown SKU or barcode '{}'", "pindaian {}: SKU atau barcode '{}' tidak dikenal"),
    ("scan {}: {} ({}) is not in category {}, the only one count {} covers", "pindaian {}: {} ({}) tidak termasuk kategori {}, satu-satunya kategori yang dicakup hitungan {}"),
    ("scan {}: {} is counted in whole {}s; {} has too many decimals", "pindaian {}: {} dihitung dalam {} utuh; {#} memiliki terlalu banyak desimal"),
    ("the category name is empty", "nama kategori kosong"),
];
