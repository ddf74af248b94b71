//! Messages of the audit part. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("see the audit trail", "melihat jejak audit"),
    ("(changed)", "(diubah)"),
    ("unknown entity '{}' (use one of: product, location, user, category, unit)", "entitas '{}' tidak dikenal (gunakan salah satu: product, location, user, category, unit)"),
    ("the limit must be between 1 and {}, not {}", "batasnya harus antara 1 dan {#}, bukan {#}"),
    ("--actor: no user with email '{}'", "--actor: tidak ada pengguna dengan email '{}'"),
    ("no product with SKU or barcode '{}'", "tidak ada produk dengan SKU atau barcode '{}'"),
    ("no location with code '{}'", "tidak ada lokasi dengan kode '{}'"),
    ("no user with email '{}'", "tidak ada pengguna dengan email '{}'"),
    ("no category named '{}'", "tidak ada kategori bernama '{}'"),
    ("no unit with code '{}'", "tidak ada satuan dengan kode '{}'"),
    ("no product, location, user, category or unit is known as '{}'", "tidak ada produk, lokasi, pengguna, kategori atau satuan yang dikenal sebagai '{}'"),
];
