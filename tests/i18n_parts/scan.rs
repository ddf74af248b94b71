//! Finds the messages in the sources: the string literals that become a message a user reads
//! (an error, a rejection reason, a field error), as templates with every placeholder written
//! `{}`. A small Rust lexer (strings, raw strings, chars, comments, identifiers, brackets)
//! tracks which call or function each literal sits in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Calls whose string arguments are messages: the error constructors, `Err`, the closures that
/// make errors, the conflict helper, the CLI's failure, a refused posting, `#[error(...)]`.
const MESSAGE_CALLS: &[&str] = &[
    "Err",
    "Invalid",
    "Conflict",
    "NotFound",
    "Rejected",
    "Auth",
    "Unavailable",
    "Config",
    "Aborted",
    "map_err",
    "ok_or_else",
    "ok_or",
    "conflict",
    "Error",
    "error",
];

/// Where a message was found.
#[derive(Debug, Clone)]
pub struct Site {
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Str(String),
    Ident(String),
    Punct(char),
}

/// Tokens with their byte offsets.
fn lex(src: &str) -> Vec<(Tok, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |j| i + j);
        } else if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |j| i + j + 4);
        } else if c == b'r'
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            && src[i + 1..].trim_start_matches('#').starts_with('"')
        {
            let hashes = src[i + 1..].len() - src[i + 1..].trim_start_matches('#').len();
            let start = i + 2 + hashes;
            let end = format!("\"{}", "#".repeat(hashes));
            let j = src[start..].find(&end).map_or(b.len(), |j| start + j);
            out.push((Tok::Str(src[start..j].to_string()), i));
            i = j + end.len();
        } else if c == b'"' {
            let (s, j) = string(src, i + 1);
            out.push((Tok::Str(s), i));
            i = j;
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\'') or a lifetime ('a): skip either.
            let rest = &src[i + 1..];
            let len = if let Some(esc) = rest.strip_prefix('\\') {
                // The escaped character itself may be a quote ('\'').
                esc.get(1..).and_then(|r| r.find('\'')).map_or(1, |k| k + 4)
            } else {
                let ch = rest.chars().next().map_or(1, char::len_utf8);
                if rest[ch..].starts_with('\'') {
                    ch + 2
                } else {
                    1
                }
            };
            i += len;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let j = src[i..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .map_or(b.len(), |j| i + j);
            out.push((Tok::Ident(src[i..j].to_string()), i));
            i = j;
        } else {
            if b"()[]{}!:|,.;#".contains(&c) {
                out.push((Tok::Punct(c as char), i));
            }
            i += src[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// A string literal's value from after its opening quote; returns it and the offset after it.
fn string(src: &str, mut i: usize) -> (String, usize) {
    let b = src.as_bytes();
    let mut s = String::new();
    while i < b.len() && b[i] != b'"' {
        if b[i] == b'\\' {
            let next = src[i + 1..].chars().next().unwrap_or(' ');
            match next {
                '\n' => {
                    // A continuation: the newline and the next line's indentation vanish.
                    i += 2;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    continue;
                }
                'n' => s.push('\n'),
                't' => s.push('\t'),
                '0' => s.push('\0'),
                'u' => {
                    let close = src[i..].find('}').map_or(i + 2, |k| i + k);
                    let hex = src[i + 3..close].trim_matches(['{', '}']);
                    s.extend(u32::from_str_radix(hex, 16).ok().and_then(char::from_u32));
                    i = close + 1;
                    continue;
                }
                other => s.push(other),
            }
            i += 1 + next.len_utf8();
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            s.push(ch);
            i += ch.len_utf8();
        }
    }
    (s, i + 1)
}

/// A format string as a template: `{name}`, `{0}`, `{:?}`, `{x:>5}` become `{}`; `{{` `}}`
/// become braces.
pub fn template(fmt: &str) -> String {
    let mut out = String::with_capacity(fmt.len());
    let mut rest = fmt;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") {
            out.push('{');
            rest = &rest[2..];
        } else if rest.starts_with("}}") {
            out.push('}');
            rest = &rest[2..];
        } else if c == '{' {
            out.push_str("{}");
            rest = rest.find('}').map_or("", |k| &rest[k + 1..]);
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Whether a literal is not a sentence: SQL, or no letters at all (`"{}"`, `", "`).
fn not_words(s: &str) -> bool {
    let t = s.trim_start();
    !s.chars().any(|c| c.is_alphabetic())
        || [
            "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "ALTER ", "DROP ", "WITH ",
        ]
        .iter()
        .any(|k| t.starts_with(k))
}

/// The messages of one source file: template -> line numbers.
pub fn messages_in(src: &str, in_app: bool) -> Vec<(String, usize)> {
    // Unit tests at the end of a file are not messages a user reads.
    let src = match src.find("#[cfg(test)]\nmod ") {
        Some(k) => &src[..k],
        None => src,
    };
    let toks = lex(src);
    let line_of = |off: usize| src[..off].matches('\n').count() + 1;
    // Open brackets: the call or function each belongs to (`None`: a plain block or group).
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut pending_fn: Option<String> = None;
    let mut out = Vec::new();
    for (k, (t, off)) in toks.iter().enumerate() {
        let prev = |n: usize| k.checked_sub(n).map(|j| &toks[j].0);
        match t {
            Tok::Punct(c @ ('(' | '[' | '{')) => {
                let name = match (c, prev(1), prev(2)) {
                    ('{', _, _) if pending_fn.is_some() => {
                        pending_fn.take().map(|f| format!("fn {f}"))
                    }
                    ('(', Some(Tok::Punct('!')), Some(Tok::Ident(m))) => Some(format!("{m}!")),
                    ('(', Some(Tok::Ident(f)), _) => Some(f.clone()),
                    _ => None,
                };
                stack.push(name);
            }
            Tok::Punct(')' | ']' | '}') => {
                stack.pop();
            }
            Tok::Punct(';') => pending_fn = None,
            Tok::Ident(f) if f == "fn" => {
                if let Some((Tok::Ident(name), _)) = toks.get(k + 1) {
                    pending_fn = Some(name.clone());
                }
            }
            Tok::Str(s) => {
                if not_words(&template(s)) {
                    continue;
                }
                // `message: "..."` or `message: format!("...")` in a struct literal.
                let is = |n: usize, want: &Tok| prev(n) == Some(want);
                let ident = |n: usize, w: &str| matches!(prev(n), Some(Tok::Ident(i)) if i == w);
                let field = (is(1, &Tok::Punct(':')) && ident(2, "message"))
                    || (is(1, &Tok::Punct('('))
                        && is(2, &Tok::Punct('!'))
                        && ident(3, "format")
                        && is(4, &Tok::Punct(':'))
                        && ident(5, "message"));
                // The nearest enclosing call that is not `format!` (nor a plain block) decides.
                let call = stack
                    .iter()
                    .rev()
                    .flatten()
                    .find(|n| n.as_str() != "format!");
                // `write!` makes a message only in a `Display` (an error's text), and not in the
                // app, whose `Display`s are the `Debug` texts of its requests.
                let in_fmt = !in_app && stack.iter().flatten().any(|n| n == "fn fmt");
                let by_call = call.is_some_and(|n| {
                    MESSAGE_CALLS.contains(&n.as_str())
                        || n.ends_with("_err")
                        || (n == "write!" && in_fmt)
                });
                // Functions that build a message or a reason return it.
                let by_fn = stack.iter().flatten().any(|n| {
                    n.strip_prefix("fn ").is_some_and(|f| {
                        ["message", "reason", "refusal"]
                            .iter()
                            .any(|w| f.contains(w))
                    })
                });
                if field || by_call || by_fn {
                    out.push((template(s), line_of(*off)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The messages of the crate's sources (`src/`), each with where it was found. Skipped: the
/// catalog itself and test files.
pub fn messages(root: &Path) -> BTreeMap<String, Vec<Site>> {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut all: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f).to_path_buf();
        let name = rel.to_string_lossy().replace('\\', "/");
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("src/domain/say")
            || stem == "tests"
            || stem.ends_with("_tests")
            || stem.starts_with("app_tests")
        {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (t, line) in messages_in(&src, name.starts_with("src/tui/")) {
            all.entry(t).or_default().push(Site {
                file: rel.clone(),
                line,
            });
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_messages_by_where_they_sit() {
        let src = r#"
            fn f() -> Result<(), String> {
                let q = '\''; let s = "not a message"; let l: &'static str = "x";
                tracing::info!("a log line");
                if q == '"' { return Err(format!("a '{q}' \
                    is wrong")); }
                let p = x.ok_or_else(|| Error::NotFound(format!("thing {}", 1)))?;
                sqlx::query(format!("SELECT {x} FROM t")).map_err(|e| e.to_string())?;
                Err(if a { "one".into() } else { format!("two {a:?}") })
            }
            fn refusal_reason() -> String { format!("only {n} left") }
        "#;
        let found: Vec<String> = messages_in(src, false)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(
            found,
            [
                "a '{}' is wrong",
                "thing {}",
                "one",
                "two {}",
                "only {} left"
            ]
        );
    }

    #[test]
    fn templates() {
        assert_eq!(
            template("line {line_no}: {} x {0} {a:>5} {:?}"),
            "line {}: {} x {} {} {}"
        );
        assert_eq!(template("a {{b}} c"), "a {b} c");
    }
}
