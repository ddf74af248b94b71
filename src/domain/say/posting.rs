//! Posting: document checks, line specs, quantities and prices, and the rejection reasons the
//! location shard stores with a refused posting (`outcomes.reason`, `transactions.reason`).
//!
//! One line per message: `("English template", "Indonesian twin"),`. See src/domain/say.rs for
//! the placeholders (`{}` as is, `{*}` translated, `{#}` number, `{@}` date).

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    // Rejection reasons (src/db/location.rs), stored in the database as English text.
    ("only {} of SKU {} left at {} (line {} needs {})", "stok SKU {1} di {2} tinggal {0#} (baris {3} butuh {4#})"),
    ("not applied", "tidak diterapkan"),
    // Document checks (src/service/posting.rs).
    ("choose a transaction kind", "pilih jenis transaksi"),
    ("a transaction needs at least one line", "transaksi perlu paling sedikit satu baris"),
    ("a transaction may have at most {} lines", "transaksi paling banyak {#} baris"),
    ("a {} needs a {} location", "{*} perlu lokasi {*}"),
    ("counted (--at)", "hitung (--at)"),
    ("source (--from)", "asal (--from)"),
    ("a {} has no source location", "{*} tidak memakai lokasi asal"),
    ("a {} needs a destination location (--to)", "{*} perlu lokasi tujuan (--to)"),
    ("a {} has no destination location", "{*} tidak memakai lokasi tujuan"),
    ("a transfer needs two different locations (both are {})", "pemindahan perlu dua lokasi yang berbeda (keduanya {})"),
    ("unknown SKU or barcode '{}'", "SKU atau barcode '{}' tidak dikenal"),
    ("product {} ({}) is inactive", "produk {} ({}) nonaktif"),
    ("line {}: {} is counted in whole {}s; {} has too many decimals", "baris {}: {} dihitung dalam {} utuh; {#} terlalu banyak desimal"),
    ("line {}: {} is counted twice in one adjustment", "baris {}: {} dihitung dua kali dalam satu penyesuaian"),
    ("line {}: quantity must be greater than zero", "baris {}: jumlah harus lebih dari nol"),
    ("line {}: only receipts take a unit price", "baris {}: hanya penerimaan yang memakai harga satuan"),
    ("unknown location '{}'", "lokasi '{}' tidak dikenal"),
    ("location {} is inactive", "lokasi {} nonaktif"),
    ("line '{}': expected SKU:QTY or SKU:QTY@PRICE", "baris '{}': seharusnya SKU:JUMLAH atau SKU:JUMLAH@HARGA"),
    ("line '{}': {}", "baris '{}': {*}"),
    ("line {}: {}", "baris {}: {*}"),
    // Quantities and prices (src/domain/qty.rs).
    ("{} is empty", "{*} kosong"),
    ("'{}' is not a valid {} (use digits and an optional '.')", "'{}' bukan {*} yang sah (pakai angka dan boleh satu '.')"),
    ("'{}': {} must be a whole number", "'{}': {*} harus bilangan bulat"),
    ("'{}': {} allows at most {} decimal place(s)", "'{}': {*} paling banyak {} angka desimal"),
    ("'{}': {} is too large", "'{}': {*} terlalu besar"),
    ("'{}': quantity is too large", "'{}': jumlah terlalu besar"),
    ("'{}': price is too large", "'{}': harga terlalu besar"),
    // Kinds and statuses typed by a user (src/domain/txn.rs).
    ("unknown transaction kind '{}' (use receipt, issue, transfer or adjustment)", "jenis transaksi '{}' tidak dikenal (pakai receipt, issue, transfer atau adjustment)"),
    ("unknown status '{}'", "status '{}' tidak dikenal"),
];
