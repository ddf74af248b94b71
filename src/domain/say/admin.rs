//! Messages of the admin part. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("cannot read data directory {}: {}", "tidak bisa membaca direktori data {}: {}"),
    ("data directory {} is not a directory", "direktori data {} bukan direktori"),
    ("data directory {} belongs to another user (uid {}); run gudang as that user (e.g. sudo -u <owner> gudang ...) or give it to this one: chown -R {} {}", "direktori data {} milik pengguna lain (uid {}); jalankan gudang sebagai pengguna itu (mis. sudo -u <pemilik> gudang ...) atau serahkan ke pengguna ini: chown -R {} {}"),
    ("data directory {} can be written by other users (mode {}); nothing was changed. Make it private first: chmod 700 {}", "direktori data {} bisa ditulisi pengguna lain (mode {}); tidak ada yang diubah. Jadikan privat dulu: chmod 700 {}"),
    ("data directory {} was readable by other users (mode {}); it is now 700", "direktori data {} tadinya bisa dibaca pengguna lain (mode {}); sekarang 700"),
    ("{} was open to other users (mode {}); it is now {}", "{} tadinya terbuka bagi pengguna lain (mode {}); sekarang {}"),
    ("cannot make {} private: {}; fix it by hand: chmod {} {}", "tidak bisa menjadikan {} privat: {}; perbaiki sendiri: chmod {} {}"),
    ("log.rotation: '{}' is not a rotation (use \"daily\", \"hourly\" or \"never\")", "log.rotation: '{}' bukan rotasi (pakai \"daily\", \"hourly\" atau \"never\")"),
    ("log.keep must be between 1 and 1000", "log.keep harus antara 1 dan 1000"),
    ("log.level: '{}' is not a level or filter ({}); use e.g. \"info\" or \"warn\"", "log.level: '{}' bukan level atau filter ({}); pakai mis. \"info\" atau \"warn\""),
    ("config file {} holds a database password and other users can read it; make it private: chmod 600 {} (or 640 with a group that only gudang's admins are in)", "berkas konfigurasi {} berisi kata sandi basis data dan bisa dibaca pengguna lain; jadikan privat: chmod 600 {} (atau 640 dengan grup yang hanya berisi admin gudang)"),
    ("cannot open the log file in {}: {}", "tidak bisa membuka berkas log di {}: {}"),
    ("cannot write the man page: {}", "tidak bisa menulis halaman man: {}"),
    ("cannot write the man pages into {}: {}", "tidak bisa menulis halaman man ke {}: {}"),
    ("cannot tell the working directory: {}", "tidak bisa mengetahui direktori kerja: {}"),
    ("exports are written inside {}: give a file name there", "ekspor ditulis di dalam {}: berikan nama berkas di sana"),
    ("ui.export_dir: '{}' must be an absolute path", "ui.export_dir: '{}' harus berupa path absolut"),
    ("{} is gudang's own data; choose another place for the export", "{} adalah data milik gudang; pilih tempat lain untuk ekspor"),
];
