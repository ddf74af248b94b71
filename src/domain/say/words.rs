//! Words the services put into messages as values: kinds, statuses, roles, shards, what a
//! permission allows, form fields. One line per word: `("English", "Indonesian"),`.

#[rustfmt::skip]
pub(super) const WORDS: &[(&str, &str)] = &[
    // Transaction kinds and statuses (src/domain/txn.rs).
    ("receipt", "penerimaan"),
    ("issue", "pengeluaran"),
    ("transfer", "pemindahan"),
    ("adjustment", "penyesuaian"),
    ("posted", "terposting"),
    ("rejected", "ditolak"),
    ("pending", "tertunda"),
    // Roles and permissions (src/domain/role.rs).
    ("viewer", "pengamat"),
    ("clerk", "petugas"),
    ("supervisor", "supervisor"),
    ("admin", "admin"),
    ("read data", "membaca data"),
    ("post receipts, issues and transfers", "memposting penerimaan, pengeluaran dan pemindahan"),
    ("post stock adjustments", "memposting penyesuaian stok"),
    ("manage products, categories and units", "mengelola produk, kategori dan satuan"),
    ("manage locations", "mengelola lokasi"),
    ("manage users", "mengelola pengguna"),
    ("scan in stock counts", "memindai dalam stok opname"),
    ("open, review, post or cancel stock counts", "membuka, meninjau, memposting atau membatalkan stok opname"),
    // Count statuses (src/service/counts.rs).
    ("open", "terbuka"),
    ("posting", "sedang diposting"),
    ("cancelled", "dibatalkan"),
    // Shards.
    ("master", "master"),
    ("location", "lokasi"),
    ("transaction", "transaksi"),
    // Form fields named in field errors (src/service/catalog.rs).
    ("sku", "SKU"),
    ("name", "nama"),
    ("barcode", "barcode"),
    ("category", "kategori"),
    ("unit", "satuan"),
    ("price", "harga"),
    ("min_qty", "jumlah minimum"),
    ("email", "email"),
    ("password", "kata sandi"),
    ("role", "peran"),
    ("code", "kode"),
    ("parent", "induk"),
    ("quantity", "jumlah"),
    ("form", "formulir"),
    ("active", "aktif"),
    // What a name or code is, in "{} is required" and the like (src/domain/text.rs callers).
    ("SKU", "SKU"),
    ("category name", "nama kategori"),
    ("unit code", "kode satuan"),
    ("unit name", "nama satuan"),
    ("location code", "kode lokasi"),
    ("location name", "nama lokasi"),
    // Stock limits (src/service/reports/reorder_read.rs).
    ("minimum", "minimum"),
    ("maximum", "maksimum"),
];
