//! Every user-visible string of the app, in English and Bahasa Indonesia. A screen asks
//! `shell.t(Msg::X)`; texts with values use `{}` placeholders filled by [`fill`]. Messages
//! that come from the services (validation, rejections) stay as the services word them.

/// Interface language (`ui.language`); it lives with the services' message catalog.
pub use crate::domain::say::Lang;

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
    // Stock, transactions and admin.
    AllLocations => "all locations", "semua lokasi";
    AtLocation => "at {} (and inside it)", "di {} (dan di dalamnya)";
    PickLocation => "Filter by location (type to narrow)", "Saring lokasi (ketik untuk mempersempit)";
    LowOnlyOn => "below minimum only", "hanya di bawah minimum";
    LowOnlyOff => "all stock", "semua stok";
    StockSearchPlaceholder => "product SKU, barcode or name — press /", "SKU, barcode atau nama produk — tekan /";
    StockLow => "LOW", "KURANG";
    NoStock => "No stock matches.", "Tidak ada stok yang cocok.";
    StockByLocation => "Stock by location (total {})", "Stok per lokasi (total {})";
    RecentMovements => "Recent movements", "Pergerakan terakhir";
    NoMovements => "No movements yet.", "Belum ada pergerakan.";
    RowsRange => "rows {}–{}", "baris {}–{}";
    RowsRangeOf => "rows {}–{} of {}", "baris {}–{} dari {}";
    RowsFromEnd => "rows {}–{} from the end", "baris {}–{} dari akhir";
    ColLocation => "Location", "Lokasi";
    ColQty => "Qty", "Jumlah";
    ColCounted => "Counted", "Terhitung";
    ColLow => "Low", "Kurang";
    ColWhen => "When", "Waktu";
    ColNumber => "Number", "Nomor";
    ColKind => "Kind", "Jenis";
    ColStatus => "Status", "Status";
    ColRoute => "Locations", "Lokasi";
    ColValue => "Value", "Nilai";
    ColLines => "Lines", "Baris";
    ColReference => "Reference", "Referensi";
    ColPartner => "Partner", "Mitra";
    ColChange => "Change", "Perubahan";
    ColLineNo => "#", "#";
    ColTotal => "Total", "Total";
    ColApplied => "Applied", "Diterapkan";
    ColLocked => "Locked", "Terkunci";
    KeyStockDetail => "product detail: stock everywhere, movements", "rincian produk: stok di semua lokasi, pergerakan";
    KeyFilterLocation => "filter by location", "saring lokasi";
    KeyLowOnly => "below minimum only / all", "hanya di bawah minimum / semua";
    HintStock => "? help  / search  l location  w low only  Enter detail  q quit", "? bantuan  / cari  l lokasi  w di bawah min  Enter rincian  q keluar";
    HintStockDetail => "Esc back  r refresh  ? help", "Esc kembali  r muat ulang  ? bantuan";
    KindReceipt => "receipt", "penerimaan";
    KindIssue => "issue", "pengeluaran";
    KindTransfer => "transfer", "pemindahan";
    KindAdjustment => "adjustment", "penyesuaian";
    AllKinds => "all kinds", "semua jenis";
    AnyDate => "any date", "semua tanggal";
    PickKind => "Filter by kind", "Saring jenis";
    PickNewKind => "New transaction: which kind?", "Transaksi baru: jenis apa?";
    PickReceiveInto => "Receive into which location?", "Terima ke lokasi mana?";
    PickIssueFrom => "Issue from which location?", "Keluarkan dari lokasi mana?";
    PickTransferFrom => "Transfer from which location?", "Pindahkan dari lokasi mana?";
    PickTransferTo => "Transfer to which location?", "Pindahkan ke lokasi mana?";
    PickCountAt => "Count stock at which location?", "Hitung stok di lokasi mana?";
    TxnSearchPlaceholder => "number, reference, partner, note (/)", "nomor, referensi, mitra, catatan (/)";
    NoTransactions => "No transactions match.", "Tidak ada transaksi yang cocok.";
    DateRange => "Date range (YYYY-MM-DD or today; empty = open)", "Rentang tanggal (YYYY-MM-DD atau hari ini; kosong = bebas)";
    DateFrom => "From", "Dari";
    DateTo => "To (inclusive)", "Sampai (termasuk)";
    DateOrder => "must not be before the start", "tidak boleh sebelum tanggal awal";
    KeyTxnDetail => "open the transaction", "buka transaksi";
    KeyNewTxn => "new receipt / issue / transfer / adjustment", "penerimaan / pengeluaran / pemindahan / penyesuaian baru";
    KeyFilterKind => "filter by kind", "saring jenis";
    KeyFilterDates => "filter by dates", "saring tanggal";
    KeyScanAdd => "add the code scanned (N*CODE adds N)", "tambah kode terpindai (N*KODE: N)";
    KeyReview => "review and post (or an empty Enter)", "periksa dan posting (atau Enter kosong)";
    KeyDocFocus => "scan field, lines, reference, partner, note", "kolom pindai, baris, referensi, mitra, catatan";
    KeyLineKeys => "lines: move, qty, ±1, remove, l places", "baris: pindah, jumlah, ±1, hapus, l lokasi";
    HintTxnList => "? help  n new  Enter open  / search  t kind  l location  D dates  q quit", "? bantuan  n baru  Enter buka  / cari  t jenis  l lokasi  D tanggal  q keluar";
    HintTxnDetail => "↑↓ PgUp PgDn scroll the lines  Esc back to the list  r refresh", "↑↓ PgUp PgDn gulir baris  Esc kembali ke daftar  r muat ulang";
    HintPicker => "type to narrow  ↑↓ choose  Enter pick  Esc cancel", "ketik untuk mempersempit  ↑↓ pilih  Enter ambil  Esc batal";
    HintScan => "scan + Enter adds  N*CODE adds N  empty Enter: review  Tab: lines  Esc", "pindai + Enter menambah  N*KODE tambah N  Enter kosong: periksa  Tab: baris  Esc";
    HintLines => "↑↓ line  e quantity  + - step  Del remove  l locations  Tab next  Esc scan", "↑↓ baris  e jumlah  + - langkah  Del hapus  l lokasi  Tab berikut  Esc pindai";
    HintEditQty => "type the quantity  Enter keep  Esc cancel", "ketik jumlah  Enter simpan  Esc batal";
    HintDocField => "Enter back to scanning  Tab next field  Ctrl-S review", "Enter kembali memindai  Tab kolom berikut  Ctrl-S periksa";
    HintConfirm => "Enter post  Esc back to scanning", "Enter posting  Esc kembali memindai";
    HintDone => "Enter another of the same  Esc back to the list", "Enter buat lagi yang sama  Esc kembali ke daftar";
    NewDoc => "New {} · {}", "{} baru · {}";
    ScanLabel => "Scan", "Pindai";
    Supplier => "Supplier", "Pemasok";
    Customer => "Customer", "Pelanggan";
    Note => "Note", "Catatan";
    ReasonNote => "Reason / note", "Alasan / catatan";
    DocLines => "Lines", "Baris";
    DocTotals => "lines {} · quantity {} · value {}", "baris {} · jumlah {} · nilai {}";
    ScanFirst => "Scan a barcode or type a SKU and press Enter.", "Pindai barcode atau ketik SKU lalu tekan Enter.";
    LookingUp => "looking up {}…", "mencari {}…";
    FlagsNotAdded => "{} scanned code(s) were not added: see the scan screen (Esc).", "{} kode terpindai tidak ditambahkan: lihat layar pindai (Esc).";
    FlaggedCodes => "Not added ({})", "Tidak ditambahkan ({})";
    UnknownCode => "{}: no product has this SKU or barcode", "{}: tidak ada produk dengan SKU atau barcode ini";
    InactiveCode => "{}: product {} is inactive", "{}: produk {} nonaktif";
    WholeUnits => "{}: counted in whole {}", "{}: dihitung dalam {} utuh";
    ScanZero => "{}: the quantity must be more than 0", "{}: jumlah harus lebih dari 0";
    QtyPositive => "must be more than 0 (Del removes the line)", "harus lebih dari 0 (Del menghapus baris)";
    TooManyLines => "a document holds at most {} lines", "satu dokumen paling banyak {} baris";
    NothingToPost => "Scan at least one product first.", "Pindai setidaknya satu produk dulu.";
    ChooseLocations => "Choose the location(s) first.", "Pilih lokasi dulu.";
    ConfirmDoc => "Confirm: {}", "Konfirmasi: {}";
    ConfirmPost => "Enter: post it   Esc: back to scanning", "Enter: posting   Esc: kembali memindai";
    Posting => "Posting…", "Memposting…";
    PostedTitle => "Posted", "Terposting";
    PostedNumber => "Posted {}.", "{} terposting.";
    RejectedReason => "{} rejected: {}", "{} ditolak: {}";
    NotPosted => "Not posted: {} — Enter tries again (it cannot post twice).", "Belum terposting: {} — Enter coba lagi (tidak mungkin terposting dua kali).";
    DoneNext => "Enter: another {} here   Esc: back to the list", "Enter: {} lagi di sini   Esc: kembali ke daftar";
    ConfirmDiscardDoc => "Throw this document away? Nothing was posted. (y/n)", "Buang dokumen ini? Belum ada yang diposting. (y/n)";
    FactFrom => "from {}", "dari {}";
    FactTo => "to {}", "ke {}";
    FactAt => "counted at {}", "dihitung di {}";
    CreatedBy => "created {} by {}", "dibuat {} oleh {}";
    ReasonIs => "reason: {}", "alasan: {}";
    SectionUsers => "Users", "Pengguna";
    SectionLocations => "Locations", "Lokasi";
    SectionCategories => "Categories", "Kategori";
    SectionUnits => "Units", "Satuan";
    Count => "rows: {}", "baris: {}";
    NothingHereYet => "Nothing here yet: press n to add.", "Belum ada isi: tekan n untuk menambah.";
    Role => "Role", "Peran";
    Parent => "Inside (parent)", "Di dalam (induk)";
    ColParent => "Parent", "Induk";
    ParentEmpty => "empty = top level", "kosong = tingkat atas";
    UnknownLocation => "no location has the code '{}'", "tidak ada lokasi dengan kode '{}'";
    NewUser => "New user", "Pengguna baru";
    NewLocation => "New location", "Lokasi baru";
    EditLocation => "Edit location {}", "Ubah lokasi {}";
    ResetPasswordOf => "New password for {}", "Kata sandi baru untuk {}";
    PickRole => "Role of {}", "Peran {}";
    UserAdded => "User {} added.", "Pengguna {} ditambahkan.";
    UserEnabled => "{} can log in again.", "{} bisa masuk lagi.";
    UserDisabled => "{} is disabled.", "{} dinonaktifkan.";
    RoleChanged => "Role of {} changed.", "Peran {} diubah.";
    PasswordReset => "Password of {} reset.", "Kata sandi {} diatur ulang.";
    LocationAdded => "Location {} added.", "Lokasi {} ditambahkan.";
    ConfirmDisableUser => "Disable {}? They can no longer log in. (y/n)", "Nonaktifkan {}? Tidak bisa masuk lagi. (y/n)";
    ConfirmEnableUser => "Enable {} again? (y/n)", "Aktifkan lagi {}? (y/n)";
    ConfirmDeactivateLocation => "Deactivate location {}? Its history stays. (y/n)", "Nonaktifkan lokasi {}? Riwayatnya tetap. (y/n)";
    ConfirmActivateLocation => "Activate location {} again? (y/n)", "Aktifkan lagi lokasi {}? (y/n)";
    KeySection => "users / locations / categories / units", "pengguna / lokasi / kategori / satuan";
    KeyAdd => "add", "tambah";
    KeyChangeRole => "change the role", "ubah peran";
    KeyResetPassword => "reset the password", "atur ulang kata sandi";
    KeyToggleUser => "disable / enable", "nonaktifkan / aktifkan";
    KeyEditLocation => "rename, nest under a parent", "ganti nama, pindah ke induk";
    HintUsers => "? help  ←→ section  n add  R role  P password  d disable  q quit", "? bantuan  ←→ bagian  n tambah  R peran  P sandi  d nonaktif  q keluar";
    HintLocations => "? help  ←→ section  n add  e edit / nest  d (de)activate  q quit", "? bantuan  ←→ bagian  n tambah  e ubah / induk  d (non)aktif  q keluar";
    HintLookups => "? help  ←→ section  n add  r refresh  q quit", "? bantuan  ←→ bagian  n tambah  r muat ulang  q keluar";
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
    HintDashboard => "? help  1-7 screens  r refresh  / search products  L log out  q quit",
        "? bantuan  1-7 layar  r muat ulang  / cari produk  L keluar akun  q keluar";
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
    DashDocsPerDay => "Documents per day, 30 days", "Dokumen per hari, 30 hari";
    DashValuePerDay => "Value per day, 30 days", "Nilai per hari, 30 hari";
    DashAxisDocs => "documents", "dokumen";
    DashAxisValue => "value", "nilai";
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
    // A shard's nodes (dashboard) and the banner while a primary is down.
    NodePrimary => "primary", "primer";
    NodeReplica => "replica", "replika";
    NodeDown => "DOWN", "MATI";
    NodeReadOnly => "read-only", "hanya-baca";
    NodeReadWrite => "read-write", "baca-tulis";
    NodeRo => "ro", "hb";
    NodeRw => "rw", "bt";
    NodeSince => "since {}", "sejak {}";
    NodeLag => "lag {}", "lag {}";
    BannerDown => "{} primary down since {}", "primer {} mati sejak {}";
    BannerDownMany => "{} primaries down since {}", "primer {} mati sejak {}";
    BannerDataAge => "data {} old", "data {} lalu";
    BannerRefusedOne => "writes to it refused", "penulisan ke sana ditolak";
    BannerRefusedMany => "writes to them refused", "penulisan ke sana ditolak";
    BannerNoReplica => "no replica answers", "tak ada replika yang menjawab";
    BannerAgeUnknown => "data age unknown", "umur data tak diketahui";
    AgeSecs => "{} s", "{} dtk";
    AgeMins => "{} min", "{} mnt";
    AgeHours => "{} h", "{} jam";
    AgeDays => "{} d", "{} hari";
    AgeSecsShort => "{}s", "{}d";
    AgeMinsShort => "{}m", "{}m";
    AgeHoursShort => "{}h", "{}j";
    AgeDaysShort => "{}d", "{}h";
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
    // Counts (stock opname): the counts-tui block.
    TabCounts => "Counts", "Opname";
    CountsTitle => "Stock counts", "Stok opname";
    CountsOpenOf => "{} open of {}", "{} terbuka dari {}";
    CountStarting => "starting the count…", "memulai opname…";
    ColScope => "Location / scope", "Lokasi / cakupan";
    ColStarted => "Started", "Mulai";
    ColStartedBy => "By", "Oleh";
    NoCounts => "No counts yet: press n to start one.", "Belum ada opname: tekan n untuk memulai.";
    NoOpenCounts => "No count is open. A supervisor starts one.", "Tidak ada opname terbuka. Supervisor yang memulainya.";
    CountOpen => "open", "terbuka";
    CountPostedState => "posted", "terposting";
    CountCancelledState => "cancelled", "dibatalkan";
    CountPostingState => "posting", "diposting";
    ScopeWithChildren => "{} and inside", "{} dan isinya";
    PickWithChildren => "Count what is inside {} too?", "Hitung juga isi {}?";
    WithChildrenYes => "{} and everything inside it", "{} dan semua di dalamnya";
    WithChildrenNo => "only {} itself", "hanya {} saja";
    PickCountCategory => "Count which products?", "Hitung produk apa?";
    CountStarted => "Count {} started.", "Opname {} dimulai.";
    CountScanTitle => "Count {} · {}", "Opname {} · {}";
    CountBlind => "blind: no book quantities", "buta: tanpa jumlah buku";
    FoundAt => "Found at", "Ditemukan di";
    FoundAtHint => "(Tab: another place of this count)", "(Tab: tempat lain dalam opname ini)";
    PickFoundAt => "Where was it found?", "Ditemukan di mana?";
    CountSending => "sending {}…", "mengirim {}…";
    CountRefused => "Refused ({})", "Ditolak ({})";
    ScannedHere => "Scanned on this terminal · scans {} · units {}", "Dipindai di terminal ini · pindaian {} · unit {}";
    ColScannedHere => "Here", "Di sini";
    ColCountedAll => "All counted", "Total hitung";
    CountStartedBy => "started {} by {}", "dimulai {} oleh {}";
    AdjustmentDocs => "Adjustments: {}", "Penyesuaian: {}";
    OnlyVariances => "only variances", "hanya selisih";
    AllLines => "all lines", "semua baris";
    ReviewTotals => " lines {} · with variance {} · value {}", " baris {} · berselisih {} · nilai {}";
    NotCountedYet => "not counted {}", "belum dihitung {}";
    ToRecount => "to recount {}", "hitung ulang {}";
    ExposureLegend => "(value) = if counted as zero", "(nilai) = jika dihitung nol";
    LineRecount => "recount", "ulang";
    CountClosedBy => "closed {} by {}", "ditutup {} oleh {}";
    CountDocsRejected => "Not everything was posted (fix it, then post again): {}", "Belum semua terposting (perbaiki, lalu posting lagi): {}";
    MarkedCount => "marked {}", "ditandai {}";
    NoCountLines => "Nothing counted yet.", "Belum ada yang dihitung.";
    ColMark => "✓", "✓";
    ColBook => "Book", "Buku";
    ColVariance => "Variance", "Selisih";
    ColCountQty => "Counted", "Hitung";
    PostCountTitle => "Post {}: items never scanned?", "Posting {}: barang tak terpindai?";
    PostKeepUnscanned => "{} never scanned: keep their book stock", "{} tak terpindai: stok buku tetap";
    PostZeroUnscanned => "{} never scanned: count them as zero", "{} tak terpindai: dihitung nol";
    ConfirmCancelCount => "Cancel count {}? Its scans are dropped; stock stays as it is. (y/n)", "Batalkan opname {}? Hasil pindai dibuang; stok tetap. (y/n)";
    CountCancelled => "Count {} cancelled.", "Opname {} dibatalkan.";
    RecountAsked => "Recount asked for {} line(s): scan them again.", "Hitung ulang diminta untuk {} baris: pindai lagi.";
    CountNoDocs => "no variances: no adjustment was needed", "tidak ada selisih: tanpa penyesuaian";
    CountPostedDocs => "Count {} posted: {}", "Opname {} terposting: {}";
    CountBusy => "Wait: the last request is still on its way.", "Tunggu: permintaan terakhir masih diproses.";
    CountCancelling => "Cancelling…", "Membatalkan…";
    CountPosting => "Posting the count…", "Memposting opname…";
    CountRecounting => "Asking for the recount…", "Meminta hitung ulang…";
    NothingMarked => "Nothing to recount.", "Tidak ada yang dihitung ulang.";
    CountWaitScans => "Wait: {} scan(s) still on their way.", "Tunggu: {} pindaian masih dikirim.";
    KeyCountScan => "count a code (N*CODE: N)", "hitung kode (N*KODE: N)";
    KeyFoundAt => "where it was found", "tempat ditemukan";
    KeyOnlyVariances => "only variances / all", "hanya selisih / semua";
    KeyMarkRecount => "mark for a recount", "tandai hitung ulang";
    KeyRecount => "recount marked lines", "hitung ulang bertanda";
    KeyCountItToo => "scan it yourself", "ikut memindai";
    KeyPostCount => "post the variances", "posting selisih";
    KeyCancelCount => "cancel the count", "batalkan opname";
    KeyOpenCount => "review or scan it", "tinjau atau pindai";
    KeyNewCount => "start a count", "mulai opname";
    HintCountList => "? help  Enter open  e scan  n new count  Del cancel  r refresh  q quit", "? bantuan  Enter buka  e pindai  n opname baru  Del batal  r muat ulang  q keluar";
    HintCountListClerk => "? help  Enter count (scan)  r refresh  q quit", "? bantuan  Enter hitung (pindai)  r muat ulang  q keluar";
    HintCountScan => "scan + Enter counts  N*CODE counts N  Tab where found  ↑↓ list  Esc back", "pindai+Enter hitung  N*KODE hitung N  Tab lokasi  ↑↓ daftar  Esc kembali";
    HintCountReview => "Space mark  x recount  v variances  l c filter  Ctrl-S post  Del cancel  Esc", "Spasi tandai  x hitung ulang  v selisih  l c saring  Ctrl-S posting  Del batal";
    HintCountPosting => "posting was interrupted: Ctrl-S posts the rest  r refresh  Esc back", "posting terputus: Ctrl-S posting sisanya  r muat ulang  Esc kembali";
    HintCountClosed => "read-only  ↑↓ scroll  v variances  l location  c category  Esc back", "hanya-baca  ↑↓ gulir  v selisih  l lokasi  c kategori  Esc kembali";
    // End of the counts-tui block.
    // Reports and the stock card: the reports-tui block.
    TabReports => "Reports", "Laporan";
    RptMovement => "Movement", "Mutasi";
    RptValuation => "Valuation", "Nilai stok";
    RptReorder => "Reorder", "Pesan ulang";
    RptThisMonth => "this month", "bulan ini";
    RptPrevMonth => "previous month", "bulan lalu";
    RptToday => "today", "hari ini";
    RptLast7 => "last 7 days", "7 hari terakhir";
    RptThisYear => "this year", "tahun ini";
    RptTyped => "typed", "diketik";
    RptPeriodTitle => "Period", "Periode";
    RptPeriodIntro => "Dates as YYYY-MM-DD (or today); both days included.", "Tanggal sebagai YYYY-MM-DD (atau hari ini); kedua hari termasuk.";
    RptBadDate => "not a date like 2026-03-31", "bukan tanggal seperti 2026-03-31";
    RptTooLong => "at most ten years", "paling lama sepuluh tahun";
    RptAt => "at the end of {}", "per akhir {}";
    RptPerLocation => "per location", "per lokasi";
    RptByLocation => "by location", "per lokasi";
    RptByCategory => "by category", "per kategori";
    RptByProduct => "by product", "per produk";
    RptInexact => "⚠ read on a replica: the newest documents may be missing", "⚠ dibaca dari replika: dokumen terbaru mungkin belum ada";
    RptComputing => "computing…", "menghitung…";
    RptFailed => "The report failed: {}", "Laporan gagal: {}";
    RptRowOf => "row {} of {}", "baris {} dari {}";
    RptRows => "{} rows", "{} baris";
    RptNoRows => "Nothing moved and nothing is in stock here.", "Tidak ada mutasi dan tidak ada stok di sini.";
    RptNothingToReorder => "Nothing is at or below its minimum.", "Tidak ada yang mencapai atau di bawah minimum.";
    RptOpening => "Opening", "Awal";
    RptIn => "In", "Masuk";
    RptOut => "Out", "Keluar";
    RptClosing => "Closing", "Akhir";
    RptOpeningValue => "Opening value", "Nilai awal";
    RptInValue => "Value in", "Nilai masuk";
    RptOutValue => "Value out", "Nilai keluar";
    RptClosingValue => "Closing value", "Nilai akhir";
    RptItems => "Items", "Item";
    RptShare => "Share", "Porsi";
    RptMax => "Max", "Maks";
    RptSuggested => "Suggest", "Saran";
    RptSurplusAt => "Surplus at", "Lebih di";
    RptRowsValue => "{} rows · value {}", "{} baris · nilai {}";
    RptChartInOut => "Value in and out per day", "Nilai masuk dan keluar per hari";
    RptChartByLocation => "Value by location", "Nilai per lokasi";
    RptChartByCategory => "Value by category", "Nilai per kategori";
    RptExportTitle => "Export to a file", "Ekspor ke berkas";
    RptExportPath => "File", "Berkas";
    StartWarningsMore => "{} start-up warnings (all in the log): {}", "{} peringatan saat mulai (semua di log): {}";
    RptExportIntro => "A path ending in .csv or .xlsx; a relative one is from the export folder (ui.export_dir) or else the folder the app started in.", "Path berakhiran .csv atau .xlsx; path relatif dihitung dari folder ekspor (ui.export_dir) atau dari folder tempat aplikasi dijalankan.";
    RptExportFormat => "end the name in .csv or .xlsx", "akhiri nama dengan .csv atau .xlsx";
    RptExported => "Exported {} rows to {}", "{} baris diekspor ke {}";
    RptExportFailed => "Export failed: {}", "Ekspor gagal: {}";
    RptExportFooter => "Enter export  Esc cancel", "Enter ekspor  Esc batal";
    RptKeyReport => "movement / valuation / reorder", "mutasi / nilai stok / pesan ulang";
    RptKeyPeriod => "period: this month, previous month, today, 7 days, year", "periode: bulan ini, bulan lalu, hari ini, 7 hari, tahun";
    RptKeyDates => "type the period's dates", "ketik tanggal periode";
    RptKeyBy => "per location (movement) / group by (valuation)", "per lokasi (mutasi) / kelompok (nilai stok)";
    RptKeyChart => "chart or table (short screens)", "grafik atau tabel (layar pendek)";
    RptKeyExport => "export to CSV or XLSX", "ekspor ke CSV atau XLSX";
    RptKeyCard => "stock card of the row's product", "kartu stok produk baris ini";
    RptHint => "? help  ←→ report  p D period  l location  c category  E export  Enter card", "? bantuan  ←→ laporan  p D periode  l lokasi  c kategori  E ekspor  Enter kartu";
    KeyStockCard => "stock card (kartu stok)", "kartu stok";
    CardTitle => "Stock card", "Kartu stok";
    CardFigures => "opening {} · in {} · out {} · closing {}", "awal {} · masuk {} · keluar {} · akhir {}";
    CardOpening => "Opening", "Saldo awal";
    CardClosing => "Closing", "Saldo akhir";
    CardCounterpart => "Partner / other", "Mitra / lawan";
    CardBalance => "Balance", "Saldo";
    CardLoc => "Loc.", "Lok.";
    CardKeyEnds => "first / last page", "halaman awal / akhir";
    CardHint => "Esc back  ↑↓ PgUp PgDn  Home End ends  p D period  r refresh", "Esc kembali  ↑↓ PgUp PgDn  Home End ujung  p D periode  r muat ulang";
    // End of the reports-tui block.
    // The audit trail (src/tui/panes/audit.rs).
    AuditTitle => "Audit trail", "Jejak audit";
    AuditTitleOf => "History of {} {}", "Riwayat {} {}";
    AuditAllKinds => "all kinds", "semua jenis";
    AuditOnlyKind => "kind: {}", "jenis: {}";
    AuditPageNo => "page {}", "halaman {}";
    AuditMore => "more: PgDn", "berikutnya: PgDn";
    AuditNone => "No changes recorded.", "Belum ada perubahan tercatat.";
    AuditNoFields => "(no field changed)", "(tidak ada kolom yang berubah)";
    AuditDoc => "Document: {}", "Dokumen: {}";
    AuditColWhen => "When", "Waktu";
    AuditColWho => "Who", "Oleh";
    AuditColWhat => "What", "Apa";
    AuditColAction => "Change", "Perubahan";
    AuditKindProduct => "product", "produk";
    AuditKindLocation => "location", "lokasi";
    AuditKindUser => "user", "pengguna";
    AuditKindCategory => "category", "kategori";
    AuditKindUnit => "unit", "satuan";
    AuditKindLimits => "limits", "batas stok";
    AuditActCreate => "created", "dibuat";
    AuditActUpdate => "changed", "diubah";
    AuditActPassword => "password reset", "kata sandi diganti";
    AuditActRole => "role changed", "peran diubah";
    AuditActEnable => "enabled", "diaktifkan";
    AuditActDisable => "disabled", "dinonaktifkan";
    AuditActImportCreate => "import: new", "impor: baru";
    AuditActImportUpdate => "import: changed", "impor: diubah";
    AuditActBulkCreate => "created in bulk", "dibuat massal";
    AuditNotAllowed => "The audit trail is for supervisors and admins.", "Jejak audit hanya untuk supervisor dan admin.";
    AuditNoSubject => "Choose a product, location, user, category or unit first.", "Pilih dulu produk, lokasi, pengguna, kategori atau satuan.";
    HintAudit => "Esc back  ↑↓ entry  PgUp PgDn page  t kind  r refresh", "Esc kembali  ↑↓ entri  PgUp PgDn halaman  t jenis  r muat ulang";
    HintAuditOne => "Esc back  ↑↓ entry  PgUp PgDn page  r refresh", "Esc kembali  ↑↓ entri  PgUp PgDn halaman  r muat ulang";
    KeyHistory => "change history", "riwayat perubahan";
    KeyAuditList => "audit trail", "jejak audit";
    KeyAuditPages => "newer / older page", "halaman lebih baru / lebih lama";
    KeyAuditKind => "kind shown", "jenis yang ditampilkan";
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
    crate::domain::say::money_grouped(lang, crate::domain::Money(cents))
}

/// How old something is, `ms` milliseconds: tenths of a second while under ten seconds, then
/// seconds, minutes, hours, days. `short` is the unspaced form for narrow columns (`37s`).
pub fn age(lang: Lang, ms: i64, short: bool) -> String {
    let ms = ms.max(0);
    let secs = ms / 1000;
    let (m, n) = match () {
        _ if short && secs < 60 => (Msg::AgeSecsShort, secs.to_string()),
        _ if short && secs < 3600 => (Msg::AgeMinsShort, (secs / 60).to_string()),
        _ if short && secs < 48 * 3600 => (Msg::AgeHoursShort, (secs / 3600).to_string()),
        _ if short => (Msg::AgeDaysShort, (secs / 86_400).to_string()),
        _ if secs < 10 => {
            let point = if lang == Lang::Id { ',' } else { '.' };
            (Msg::AgeSecs, format!("{secs}{point}{}", (ms % 1000) / 100))
        }
        _ if secs < 120 => (Msg::AgeSecs, secs.to_string()),
        _ if secs < 120 * 60 => (Msg::AgeMins, (secs / 60).to_string()),
        _ if secs < 48 * 3600 => (Msg::AgeHours, (secs / 3600).to_string()),
        _ => (Msg::AgeDays, (secs / 86_400).to_string()),
    };
    fill(m.text(lang), &[&n])
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
    fn ages_in_both_languages() {
        assert_eq!(age(Lang::En, 300, false), "0.3 s");
        assert_eq!(age(Lang::Id, 9_950, false), "9,9 dtk");
        assert_eq!(age(Lang::En, 37_000, false), "37 s");
        assert_eq!(age(Lang::En, 600_000, false), "10 min");
        assert_eq!(age(Lang::Id, 3 * 3_600_000, false), "3 jam");
        assert_eq!(age(Lang::En, 3 * 86_400_000, false), "3 d");
        assert_eq!(age(Lang::En, -5, false), "0.0 s");
        assert_eq!(age(Lang::En, 37_000, true), "37s");
        assert_eq!(age(Lang::Id, 37_000, true), "37d");
        assert_eq!(age(Lang::En, 61_000, true), "1m");
        assert_eq!(age(Lang::Id, 5 * 3_600_000, true), "5j");
        assert_eq!(age(Lang::En, 50 * 3_600_000, true), "2d");
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
