//! Configuration, the shards and their servers, and the app's start-up.
//!
//! One line per message: `("English template", "Indonesian twin"),`. See src/domain/say.rs for
//! the placeholders (`{}` as is, `{*}` translated, `{#}` number, `{@}` date).

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    // Configuration (src/config.rs).
    ("cannot read config file {}: {}", "tidak bisa membaca berkas konfigurasi {}: {}"),
    ("environment variable {}: {}", "variabel lingkungan {}: {*}"),
    ("'{}' is not a whole number", "'{}' bukan bilangan bulat"),
    ("'{}' is not true or false", "'{}' bukan true atau false"),
    ("{}: an embedded SQLite file cannot be a replica; replicas are MariaDB/MySQL or PostgreSQL servers", "{}: berkas SQLite tertanam tidak bisa menjadi replika; replika adalah server MariaDB/MySQL atau PostgreSQL"),
    ("{}: a {} replica cannot follow a {} primary", "{}: replika {} tidak bisa mengikuti primer {}"),
    ("database.max_replica_lag_secs must be between 1 and 86400", "database.max_replica_lag_secs harus antara 1 dan 86400"),
    ("database.primary_timeout_ms must be between 100 and 60000", "database.primary_timeout_ms harus antara 100 dan 60000"),
    ("database.read_connections must be between 1 and 64", "database.read_connections harus antara 1 dan 64"),
    ("security.argon2_*: below OWASP's minimum (memory 19456 KiB, 2 iterations, parallelism 1)", "security.argon2_*: di bawah batas minimum OWASP (memori 19456 KiB, 2 iterasi, paralelisme 1)"),
    ("security.argon2_*: values are unreasonably large", "security.argon2_*: nilainya terlalu besar"),
    ("security.argon2_*: {}", "security.argon2_*: nilai tidak sah ({})"),
    ("security.hash_concurrency must be between 1 and 64", "security.hash_concurrency harus antara 1 dan 64"),
    ("security.max_failed_logins must be between 1 and 100", "security.max_failed_logins harus antara 1 dan 100"),
    ("security.login_delay_max_ms must be at least login_delay_base_ms and at most one hour", "security.login_delay_max_ms harus paling sedikit login_delay_base_ms dan paling lama satu jam"),
    ("posting.recovery_interval_secs must be at least 1", "posting.recovery_interval_secs paling sedikit 1"),
    ("ui.language: '{}' is not available (use \"en\" or \"id\")", "ui.language: '{}' tidak tersedia (pakai \"en\" atau \"id\")"),
    ("ui.page_size must be between 10 and 10000", "ui.page_size harus antara 10 dan 10000"),
    // Database URLs and opening the shards (src/db).
    ("unsupported database URL '{}' (use sqlite://PATH, postgres://USER@HOST/DB or mysql://USER@HOST/DB)", "URL basis data '{}' tidak didukung (pakai sqlite://PATH, postgres://USER@HOST/DB atau mysql://USER@HOST/DB)"),
    ("{} shard URL '{}': {}", "URL shard {*} '{}': {}"),
    ("cannot create data directory {}: {}", "tidak bisa membuat direktori data {}: {}"),
    ("cannot open the log file {}: {}", "tidak bisa membuka berkas log {}: {}"),
    ("cannot open the {} shard at {}: no answer within {} s (is the server running and reachable?)", "tidak bisa membuka shard {*} di {}: tidak ada jawaban dalam {} detik (apakah server berjalan dan bisa dijangkau?)"),
    ("database.{}_url points at {}, which says it is a replica (read-only); gudang writes only to a primary. Put that URL in database.{}_replicas and {}_url at the primary", "database.{}_url menunjuk ke {}, yang mengaku replika (hanya-baca); gudang hanya menulis ke primer. Taruh URL itu di database.{}_replicas dan arahkan {}_url ke primer"),
    ("the {} shard's database at {} does not compare text byte by byte (collation '{}'); {}", "basis data shard {*} di {} tidak membandingkan teks byte demi byte (collation '{}'); {}"),
    ("the {} shard's primary is down and no replica can serve it ({}); start again when the primary answers", "primer shard {*} mati dan tidak ada replika yang bisa melayani ({}); jalankan lagi setelah primer menjawab"),
    ("no shards", "tidak ada shard"),
    ("the {} shard has schema version {}, newer than this gudang knows ({}); upgrade gudang", "shard {*} berskema versi {}, lebih baru dari yang dikenal gudang ini ({}); perbarui gudang"),
    ("the {} shard cannot change database engine while running; restart gudang", "shard {*} tidak bisa berganti mesin basis data selagi berjalan; jalankan ulang gudang"),
    ("the {} shard could not complete the request (its database failed or its task stopped)", "shard {*} tidak bisa menyelesaikan permintaan (basis datanya gagal atau tugasnya berhenti)"),
    ("the {} shard cannot be read: its primary ({}) is down ({}) and no replica answers either; try again in a moment", "shard {*} tidak bisa dibaca: primernya ({}) mati ({}) dan tidak ada replika yang menjawab; coba lagi sebentar lagi"),
    ("the {} shard's primary at {} says it is a replica (read-only): gudang does not write to it; point {}_url at the primary", "primer shard {*} di {} mengaku replika (hanya-baca): gudang tidak menulis ke sana; arahkan {}_url ke primer"),
    ("{} says it is a replica (read-only): gudang does not write to it", "{} mengaku replika (hanya-baca): gudang tidak menulis ke sana"),
    ("the {} shard's primary cannot be reached", "primer shard {*} tidak bisa dijangkau"),
    ("the {} shard's primary cannot be reached: no answer within {} ms", "primer shard {*} tidak bisa dijangkau: tidak ada jawaban dalam {} ms"),
    ("the {} shard's primary cannot be reached: {}", "primer shard {*} tidak bisa dijangkau: {*}"),
    ("the {} shard's primary is down", "primer shard {*} mati"),
    ("the {} shard's primary stopped answering during the write", "primer shard {*} berhenti menjawab saat menulis"),
    ("no answer within {} ms", "tidak ada jawaban dalam {} ms"),
    ("{} shard: a batched write lost track of its items", "shard {*}: penulisan berkelompok kehilangan jejak itemnya"),
    ("{} shard: batch not committed: {}", "shard {*}: kelompok tidak tersimpan: {}"),
    ("{} shard: {} statements sent, {} answered", "shard {*}: {} perintah terkirim, {} terjawab"),
    ("location shard: a number reservation returned nothing", "shard lokasi: pemesanan nomor tidak menghasilkan apa-apa"),
    ("journal entry of {}: {}", "catatan jurnal {}: {}"),
    ("the stored journal entry of transaction {} cannot be read: {}", "catatan jurnal transaksi {} yang tersimpan tidak bisa dibaca: {}"),
    ("posted adjustment {} line {} has no applied quantity", "penyesuaian terposting {} baris {} tidak punya jumlah yang diterapkan"),
    // The app (src/tui).
    ("timed out after {} waiting for the app to settle", "habis waktu setelah {} menunggu aplikasi tenang"),
    ("timed out after {} waiting for {}", "habis waktu setelah {} menunggu {}"),
];
