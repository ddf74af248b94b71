//! What the services say, in English and Bahasa Indonesia, and numbers and dates as each
//! language writes them.
//!
//! Services word their messages in English (errors, posting rejections; rejection reasons are
//! also stored as English text in `outcomes.reason` and `transactions.reason`). Rather than
//! threading a language through every service, the finished English text is translated where
//! it is shown: [`tr`] matches the whole message against a catalog of English templates with
//! `{}` placeholders and fills their Indonesian twins with the captured values. A captured
//! value is itself translated when the twin says so, so nested messages (`rejected: only 3 of
//! SKU X left ...`) translate at every level. Text that matches nothing passes through
//! unchanged. tests/i18n.rs scans the sources for the messages and proves each has a twin.
//!
//! In an Indonesian twin, each placeholder says what to do with its value:
//! `{}` as is (a code, a name, an email), `{*}` translated (a word such as a kind or a role, or
//! a nested message), `{#}` a number written the Indonesian way (`1.234,5`), `{@}` a date or a
//! date-time written the Indonesian way (`26/11/2026 14:30`). `{2}`, `{2*}`, ... take the
//! values in another order.

mod admin;
mod audit;
mod backup;
mod closing;
mod counts;
mod errors;
mod posting;
mod reports;
mod services;
mod system;
mod words;

use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};

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

/// Every catalog entry: (English template, Indonesian twin).
pub fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    errors::ENTRIES
        .iter()
        .chain(posting::ENTRIES)
        .chain(services::ENTRIES)
        .chain(system::ENTRIES)
        .chain(counts::ENTRIES)
        .chain(reports::ENTRIES)
        .chain(backup::ENTRIES)
        .chain(audit::ENTRIES)
        .chain(admin::ENTRIES)
        .chain(closing::ENTRIES)
}

/// Every known word (kinds, roles, statuses, shards, permissions): (English, Indonesian).
pub fn words() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    words::WORDS.iter()
}

/// `text` (a message the services wrote in English) in `lang`. Unknown text comes back as is.
pub fn tr(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Id => translate(text, 0),
    }
}

/// The Indonesian twin of an English template, if the catalog has it.
pub fn twin(template: &str) -> Option<&'static str> {
    entries().find(|(en, _)| *en == template).map(|(_, id)| *id)
}

/// What a placeholder of an Indonesian twin does with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Raw,
    Translate,
    Number,
    Date,
}

/// A piece of an Indonesian twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    /// A placeholder: which captured value, and what to do with it.
    Value(usize, Slot),
}

/// The parts of an Indonesian twin: literal text and placeholders.
pub fn twin_parts(twin: &str) -> Result<Vec<Part<'_>>, String> {
    let mut out = Vec::new();
    let mut next = 0usize;
    let mut rest = twin;
    while let Some(i) = rest.find('{') {
        if i > 0 {
            out.push(Part::Text(&rest[..i]));
        }
        let close = rest[i..]
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in {twin:?}"))?;
        let inner = &rest[i + 1..i + close];
        let split = inner
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(inner.len());
        let (digits, mark) = inner.split_at(split);
        let slot = match mark {
            "" => Slot::Raw,
            "*" => Slot::Translate,
            "#" => Slot::Number,
            "@" => Slot::Date,
            _ => return Err(format!("unknown placeholder {{{inner}}} in {twin:?}")),
        };
        let index = if digits.is_empty() {
            next += 1;
            next - 1
        } else {
            digits.parse::<usize>().map_err(|e| e.to_string())?
        };
        out.push(Part::Value(index, slot));
        rest = &rest[i + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    Ok(out)
}

/// A template split at its `{}`s, with its twin, ready to match.
struct Compiled {
    parts: Vec<&'static str>,
    twin: &'static str,
    /// Literal characters: the most specific template that matches wins.
    weight: usize,
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        let mut v: Vec<Compiled> = entries()
            .map(|(en, id)| {
                let parts: Vec<&'static str> = en.split("{}").collect();
                Compiled {
                    weight: parts.iter().map(|p| p.len()).sum(),
                    parts,
                    twin: id,
                }
            })
            // A bare "{}" would match everything and say nothing.
            .filter(|c| c.weight > 0)
            .collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.weight));
        v
    })
}

/// Captures of `text` against `parts` (literal, `{}`, literal, ...), the earlier placeholders
/// taking as little as they can.
fn capture<'t>(parts: &[&str], text: &'t str) -> Option<Vec<&'t str>> {
    let first = parts.first()?;
    let rest = text.strip_prefix(first)?;
    let mut caps = Vec::with_capacity(parts.len() - 1);
    if go(&parts[1..], rest, &mut caps) {
        Some(caps)
    } else {
        None
    }
}

fn go<'t>(parts: &[&str], text: &'t str, caps: &mut Vec<&'t str>) -> bool {
    let Some((lit, more)) = parts.split_first() else {
        return text.is_empty();
    };
    if more.is_empty() {
        // The last placeholder takes all up to the closing literal.
        if let Some(v) = text.strip_suffix(lit) {
            caps.push(v);
            return true;
        }
        return false;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(lit).map(|i| i + from) {
        caps.push(&text[..i]);
        if go(more, &text[i + lit.len()..], caps) {
            return true;
        }
        caps.pop();
        from = i + text[i..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

const MAX_DEPTH: usize = 6;

fn translate(text: &str, depth: usize) -> String {
    if text.is_empty() || depth > MAX_DEPTH {
        return text.to_string();
    }
    if let Some((_, id)) = words::WORDS.iter().find(|(en, _)| *en == text) {
        return (*id).to_string();
    }
    // A message of several lines (a CSV import's bad rows): line by line.
    if text.contains('\n') {
        return text
            .split('\n')
            .map(|l| translate(l, depth + 1))
            .collect::<Vec<_>>()
            .join("\n");
    }
    for c in compiled() {
        let Some(caps) = capture(&c.parts, text) else {
            continue;
        };
        let Ok(parts) = twin_parts(c.twin) else {
            continue;
        };
        let mut out = String::with_capacity(text.len() + 16);
        for p in parts {
            match p {
                Part::Text(lit) => out.push_str(lit),
                Part::Value(i, slot) => {
                    let v = caps.get(i).copied().unwrap_or("");
                    match slot {
                        Slot::Raw => out.push_str(v),
                        Slot::Translate => out.push_str(&translate(v, depth + 1)),
                        Slot::Number => out.push_str(&number_text(Lang::Id, v)),
                        Slot::Date => {
                            let d = date_text(Lang::Id, v);
                            // Not a date ("an unknown time"): maybe words to translate.
                            out.push_str(&if d == v { translate(v, depth + 1) } else { d });
                        }
                    }
                }
            }
        }
        return out;
    }
    text.to_string()
}

// ---- Numbers and dates ----

/// Groups the digits of a plain decimal (`-1234567.5`) as `lang` writes them: English keeps
/// the plain text (as every screen showed it so far), Indonesian writes `-1.234.567,5`. Text
/// that is not a plain decimal comes back as is.
pub fn number_text(lang: Lang, plain: &str) -> String {
    if lang == Lang::En {
        return plain.to_string();
    }
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (frac.is_empty() != digits.contains('.'));
    if !ok {
        return plain.to_string();
    }
    let mut out = String::with_capacity(plain.len() + 4);
    out.push_str(sign);
    out.push_str(&group(int, '.'));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

fn group(int: &str, sep: char) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A quantity for display: English as `Quantity`'s `Display` (`1234.5`), Indonesian grouped
/// with a decimal comma (`1.234,5`).
pub fn qty(lang: Lang, q: crate::domain::Quantity) -> String {
    number_text(lang, &q.to_string())
}

/// An amount for display: English as `Money`'s `Display` (`1234.50`), Indonesian grouped with
/// a decimal comma (`1.234,50`). (The app's tables group English too: see `money_grouped`.)
pub fn money(lang: Lang, m: crate::domain::Money) -> String {
    number_text(lang, &m.to_string())
}

/// An amount grouped in both languages: `1,251,275.00` / `1.251.275,00`.
pub fn money_grouped(lang: Lang, m: crate::domain::Money) -> String {
    let plain = m.to_string();
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let (sep, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Id => ('.', ','),
    };
    format!("{sign}{}{point}{frac}", group(int, sep))
}

/// A whole number (a count of rows, lines, documents): English plain (`1234`), Indonesian
/// grouped (`1.234`).
pub fn int(lang: Lang, n: i64) -> String {
    number_text(lang, &n.to_string())
}

/// A calendar date: `2026-11-26` / `26/11/2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%Y-%m-%d").to_string(),
        Lang::Id => d.format("%d/%m/%Y").to_string(),
    }
}

/// A date and time to the minute: `2026-11-26 14:30` / `26/11/2026 14:30`.
pub fn datetime(lang: Lang, t: NaiveDateTime) -> String {
    match lang {
        Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
        Lang::Id => t.format("%d/%m/%Y %H:%M").to_string(),
    }
}

/// A date and time to the second: `2026-11-26 14:30:05` / `26/11/2026 14:30:05`.
pub fn datetime_secs(lang: Lang, t: NaiveDateTime) -> String {
    match lang {
        Lang::En => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Lang::Id => t.format("%d/%m/%Y %H:%M:%S").to_string(),
    }
}

/// A stored instant (microseconds, UTC) in local time to the second, like
/// `ids::display_time` in English.
pub fn instant(lang: Lang, micros: i64) -> String {
    match chrono::DateTime::from_timestamp_micros(micros) {
        Some(t) => datetime_secs(lang, t.with_timezone(&chrono::Local).naive_local()),
        None => "?".into(),
    }
}

/// Rewrites a date (`2026-11-26`) or date-time (`2026-11-26 14:30[:05]`) written in English
/// the way `lang` writes it; other text comes back as is.
pub fn date_text(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date(lang, d);
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return datetime_secs(lang, t);
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        return datetime(lang, t);
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Money, Quantity};

    #[test]
    fn english_is_untouched() {
        assert_eq!(
            tr(Lang::En, "product 'X' not found"),
            "product 'X' not found"
        );
        assert_eq!(qty(Lang::En, Quantity(1_234_500)), "1234.5");
        assert_eq!(money(Lang::En, Money(123_456)), "1234.56");
    }

    #[test]
    fn numbers_and_dates_in_indonesian() {
        assert_eq!(qty(Lang::Id, Quantity(1_234_567_500)), "1.234.567,5");
        assert_eq!(qty(Lang::Id, Quantity(-2_500)), "-2,5");
        assert_eq!(money(Lang::Id, Money(99_999)), "999,99");
        assert_eq!(money_grouped(Lang::En, Money(125_127_500)), "1,251,275.00");
        assert_eq!(
            money_grouped(Lang::Id, Money(-125_127_500)),
            "-1.251.275,00"
        );
        assert_eq!(int(Lang::Id, 1_000_000), "1.000.000");
        assert_eq!(int(Lang::Id, 999), "999");
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(date(Lang::Id, d), "26/11/2026");
        assert_eq!(date(Lang::En, d), "2026-11-26");
        assert_eq!(
            date_text(Lang::Id, "2026-11-26 14:30:05"),
            "26/11/2026 14:30:05"
        );
        assert_eq!(number_text(Lang::Id, "1.2.3"), "1.2.3");
        assert_eq!(number_text(Lang::Id, "12."), "12.");
        assert_eq!(number_text(Lang::Id, "SKU-1"), "SKU-1");
    }

    #[test]
    fn captures_prefer_short_early_values() {
        let parts = ["line '", "': ", ""];
        assert_eq!(
            capture(&parts, "line 'A:1': bad: worse"),
            Some(vec!["A:1", "bad: worse"])
        );
        assert_eq!(capture(&["a ", " b"], "a x b"), Some(vec!["x"]));
        assert_eq!(capture(&["a ", " b"], "a x c"), None);
    }

    #[test]
    fn unknown_text_passes_through() {
        assert_eq!(tr(Lang::Id, "Selamat datang"), "Selamat datang");
        assert_eq!(tr(Lang::Id, ""), "");
    }
}
