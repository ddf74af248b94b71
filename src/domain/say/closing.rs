//! Messages of the closing part. One line per message:
//! `("English template", "Indonesian twin"),`; see src/domain/say.rs for the placeholders
//! (`{}` as is, `{*}` translated, `{#}` number, `{@}` date). Append; keep one per line.

#[rustfmt::skip]
pub(super) const ENTRIES: &[(&str, &str)] = &[
];
