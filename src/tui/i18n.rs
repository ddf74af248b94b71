//! Every user-visible string of the app, in English and Bahasa Indonesia. A screen asks
//! `shell.t(Msg::X)`; texts with values use `{}` placeholders filled by [`fill`]. Messages
//! that come from the services (validation, rejections) stay as the services word them.

/// Interface language (`ui.language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    /// `"id"` is Bahasa Indonesia; anything else is English.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().eq_ignore_ascii_case("id") {
            Lang::Id
        } else {
            Lang::En
        }
    }
}

macro_rules! texts {
    ($($name:ident => $en:literal, $id:literal;)*) => {
        /// A user-visible text, named by what it says.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::En) => $en, (Msg::$name, Lang::Id) => $id,)*
                }
            }
        }
    };
}

texts! {
    AppName => "Gudang", "Gudang";
    TabDashboard => "Dashboard", "Dasbor";
    TabProducts => "Products", "Produk";
    TabStock => "Stock", "Stok";
    TabTransactions => "Transactions", "Transaksi";
    TabAdmin => "Admin", "Admin";
    NotLoggedIn => "not logged in", "belum masuk";
    ComingSoon => "This screen is coming in this build.", "Layar ini segera hadir dalam versi ini.";
    Loading => "Loading…", "Memuat…";
    // Keys and the help overlay.
    HelpTitle => "Keys", "Tombol";
    HelpGlobal => "Everywhere", "Di mana saja";
    HelpScreen => "This screen", "Layar ini";
    HelpClose => "Press any key to close", "Tekan tombol apa saja untuk menutup";
    KeyHelp => "help", "bantuan";
    KeyQuit => "quit", "keluar";
    KeySwitch => "switch screen", "ganti layar";
    KeySearch => "search", "cari";
    KeyBack => "back / cancel", "kembali / batal";
    KeyFields => "next / previous field", "kolom berikut / sebelumnya";
    KeyEnter => "next field / confirm", "kolom berikut / konfirmasi";
    KeyLogout => "log out", "keluar akun";
    KeyRefresh => "refresh", "muat ulang";
    KeyMove => "move", "pindah";
    KeyPage => "page up / down", "halaman atas / bawah";
    KeyNew => "new product", "produk baru";
    KeyEdit => "edit", "ubah";
    KeyToggleActive => "deactivate / activate", "nonaktifkan / aktifkan";
    KeySort => "sort column / reverse", "kolom urutan / balik";
    KeyFilterCategory => "filter by category", "saring kategori";
    KeyFilterActive => "active / inactive / all", "aktif / nonaktif / semua";
    KeyAddCategory => "add a category", "tambah kategori";
    KeyAddUnit => "add a unit", "tambah satuan";
    KeySubmit => "save", "simpan";
    KeyRedraw => "redraw the screen", "gambar ulang layar";
    HintTable => "? help  / search  n new  e edit  d (de)activate  s sort  c category  q quit",
        "? bantuan  / cari  n baru  e ubah  d (non)aktif  s urut  c kategori  q keluar";
    HintForm => "Enter next field  Tab/Shift-Tab move  Esc cancel", "Enter kolom berikut  Tab/Shift-Tab pindah  Esc batal";
    HintDashboard => "? help  1-5 screens  r refresh  / search products  L log out  q quit",
        "? bantuan  1-5 layar  r muat ulang  / cari produk  L keluar akun  q keluar";
    HintLogin => "Enter next field  Tab move  Ctrl-C quit", "Enter kolom berikut  Tab pindah  Ctrl-C keluar";
    // Confirmations.
    ConfirmQuitUnsaved => "A form has unsaved input. Quit anyway? (y/n)", "Ada isian yang belum disimpan. Tetap keluar? (y/n)";
    ConfirmLogoutUnsaved => "A form has unsaved input. Log out anyway? (y/n)", "Ada isian yang belum disimpan. Tetap keluar akun? (y/n)";
    ConfirmDiscard => "Discard the unsaved input? (y/n)", "Buang isian yang belum disimpan? (y/n)";
    ConfirmDeactivate => "Deactivate {} ({})? It stays in history. (y/n)", "Nonaktifkan {} ({})? Tetap ada di riwayat. (y/n)";
    ConfirmActivate => "Activate {} ({}) again? (y/n)", "Aktifkan lagi {} ({})? (y/n)";
    // Login and first run.
    LoginTitle => "Log in", "Masuk";
    FirstRunTitle => "Create the first administrator", "Buat administrator pertama";
    FirstRunIntro => "No users exist yet. This account will be the administrator.", "Belum ada pengguna. Akun ini akan menjadi administrator.";
    Name => "Name", "Nama";
    Email => "Email", "Email";
    Password => "Password", "Kata sandi";
    PasswordAgain => "Password again", "Ulangi sandi";
    PasswordsDiffer => "the passwords do not match", "kata sandi tidak sama";
    Required => "required", "wajib diisi";
    LoginFailed => "Login failed: wrong email or password, or the account is locked or disabled.",
        "Gagal masuk: email atau kata sandi salah, atau akun terkunci atau nonaktif.";
    LoginWait => "Too many failed logins: wait {} s before trying again.", "Terlalu banyak gagal masuk: tunggu {} detik sebelum mencoba lagi.";
    LoginRetry => "You can try again now: press Enter.", "Silakan coba lagi sekarang: tekan Enter.";
    CheckingUsers => "Opening the shards…", "Membuka shard…";
    SigningIn => "Checking…", "Memeriksa…";
    Welcome => "Welcome, {}.", "Selamat datang, {}.";
    LoggedOut => "Logged out.", "Sudah keluar akun.";
    // Dashboard.
    DashTotals => "Totals", "Ringkasan";
    DashActiveProducts => "Active products", "Produk aktif";
    DashLocations => "Locations", "Lokasi";
    DashStockValue => "Stock value", "Nilai stok";
    DashTxnToday => "Transactions today", "Transaksi hari ini";
    DashTxnMonth => "Transactions this month", "Transaksi bulan ini";
    DashValueIn => "Value in (30 days)", "Nilai masuk (30 hari)";
    DashValueOut => "Value out (30 days)", "Nilai keluar (30 hari)";
    DashReceipts => "Receipts per day, 30 days (max {})", "Penerimaan/hari, 30 hari (maks {})";
    DashIssues => "Issues per day, 30 days (max {})", "Pengeluaran/hari, 30 hari (maks {})";
    DashLowStock => "Low stock", "Stok menipis";
    DashNoLowStock => "Nothing is below its minimum.", "Tidak ada yang di bawah minimum.";
    DashRecent => "Recent transactions", "Transaksi terbaru";
    DashNoRecent => "No transactions yet.", "Belum ada transaksi.";
    StatusPosted => "posted", "terposting";
    StatusRejected => "rejected", "ditolak";
    StatusPending => "pending", "tertunda";
    DashShards => "Shards", "Shard";
    DashReachable => "reachable", "terjangkau";
    DashUnreachable => "UNREACHABLE", "TIDAK TERJANGKAU";
    DashUpdated => "updated {}", "diperbarui {}";
    DashFailed => "Could not load the dashboard: {}", "Dasbor gagal dimuat: {}";
    // Products.
    ProductsTitle => "Products", "Produk";
    SearchLabel => "Search", "Cari";
    SearchPlaceholder => "SKU, barcode or name — press / to type", "SKU, barcode atau nama — tekan / untuk mengetik";
    ColSku => "SKU", "SKU";
    ColName => "Name", "Nama";
    ColCategory => "Category", "Kategori";
    ColUnit => "Unit", "Satuan";
    ColPrice => "Price", "Harga";
    ColMin => "Min", "Min";
    ColUpdated => "last change", "perubahan terakhir";
    ColActive => "Active", "Aktif";
    Yes => "yes", "ya";
    No => "no", "tidak";
    FilterAll => "all", "semua";
    FilterActiveOnly => "active", "aktif";
    FilterInactiveOnly => "inactive", "nonaktif";
    AllCategories => "all categories", "semua kategori";
    SortedBy => "sort: {} {}", "urut: {} {}";
    SortRelevance => "sort: best match", "urut: paling cocok";
    RowsOf => "{} of {}", "{} dari {}";
    MatchesCapped => "first {} matches", "{} hasil pertama";
    NoProducts => "No products match.", "Tidak ada produk yang cocok.";
    NewProduct => "New product", "Produk baru";
    EditProduct => "Edit product {}", "Ubah produk {}";
    Barcode => "Barcode", "Barcode";
    Category => "Category", "Kategori";
    Unit => "Unit", "Satuan";
    Price => "Price", "Harga";
    MinQty => "Minimum qty", "Jumlah minimum";
    Known => "known: {}", "tersedia: {}";
    NoneYet => "none yet", "belum ada";
    Saving => "Saving…", "Menyimpan…";
    Saved => "Saved {}.", "{} tersimpan.";
    Deactivated => "{} deactivated.", "{} dinonaktifkan.";
    Activated => "{} activated.", "{} diaktifkan.";
    NewCategory => "New category", "Kategori baru";
    NewUnit => "New unit", "Satuan baru";
    UnitCode => "Code", "Kode";
    Decimals => "Decimals (0-3)", "Desimal (0-3)";
    CategoryAdded => "Category {} added.", "Kategori {} ditambahkan.";
    UnitAdded => "Unit {} added.", "Satuan {} ditambahkan.";
    PickCategory => "Filter by category (type to narrow)", "Saring kategori (ketik untuk mempersempit)";
    NotAllowed => "Your role ({}) may not do this.", "Peran Anda ({}) tidak boleh melakukan ini.";
    AdminOnly => "The Admin screen is for supervisors and admins.", "Layar Admin hanya untuk supervisor dan admin.";
    RequestFailed => "Something went wrong: {}", "Terjadi kesalahan: {}";
    TooSmall => "Make the terminal at least {} columns by {} rows.", "Perbesar terminal, minimal {} kolom x {} baris.";
    DecimalsInvalid => "enter 0, 1, 2 or 3", "isi 0, 1, 2 atau 3";
}

/// Fills each `{}` in `template` with the next of `args`, in order.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    let mut args = args.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// Money for display, grouped as the language writes it: `1,251,275.00` or `1.251.275,00`.
/// (Forms keep the plain `1251275.00` that the parser takes.)
pub fn money(lang: Lang, cents: i64) -> String {
    let plain = crate::domain::Money(cents).to_string();
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let (group, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Id => ('.', ','),
    };
    let mut out = String::with_capacity(plain.len() + 6);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    out.push(point);
    out.push_str(frac);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_per_language() {
        assert_eq!(money(Lang::En, 125_127_500), "1,251,275.00");
        assert_eq!(money(Lang::Id, 125_127_500), "1.251.275,00");
        assert_eq!(money(Lang::En, 5), "0.05");
        assert_eq!(money(Lang::En, -123_456), "-1,234.56");
        assert_eq!(money(Lang::Id, 99_999), "999,99");
    }

    #[test]
    fn every_text_has_both_languages_with_the_same_placeholders() {
        for m in Msg::ALL {
            let (en, id) = (m.text(Lang::En), m.text(Lang::Id));
            assert!(!en.is_empty() && !id.is_empty(), "{m:?}");
            assert_eq!(en.matches("{}").count(), id.matches("{}").count(), "{m:?}");
        }
    }

    #[test]
    fn fill_in_order() {
        assert_eq!(fill("wait {} s, {}", &["5", "ok"]), "wait 5 s, ok");
        assert_eq!(fill("no args", &["x"]), "no args");
        assert_eq!(fill("{} and {}", &["a"]), "a and ");
    }

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code("id"), Lang::Id);
        assert_eq!(Lang::from_code("en"), Lang::En);
    }
}
