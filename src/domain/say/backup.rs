//! Messages of the backup part. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
    ("backup.outbox_retention_hours must be between 1 and 8760 (a year)", "backup.outbox_retention_hours harus antara 1 dan 8760 (setahun)"),
];
