//! Validation and normalisation of the short texts users type: SKUs, codes, emails, names.

/// Lowercased, trimmed form used for case-insensitive uniqueness and prefix search.
pub fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// A SKU, barcode or location code: 1..=64 visible characters, no spaces or ':' / '@' (they
/// separate fields on the command line).
pub fn code(s: &str, what: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is required"));
    }
    if t.chars().count() > 64 {
        return Err(format!("{what} '{t}' is longer than 64 characters"));
    }
    if let Some(c) = t
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == ':' || *c == '@' || *c == ',')
    {
        return Err(format!("{what} '{t}' may not contain {c:?}"));
    }
    Ok(t.to_string())
}

/// A display name: 1..=200 characters, no control characters.
pub fn name(s: &str, what: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is required"));
    }
    if t.chars().count() > 200 {
        return Err(format!("{what} is longer than 200 characters"));
    }
    if t.chars().any(char::is_control) {
        return Err(format!("{what} may not contain control characters"));
    }
    Ok(t.to_string())
}

/// Optional free text (notes, references, partner): trimmed, at most `max` characters.
pub fn optional(s: Option<&str>, what: &str, max: usize) -> Result<Option<String>, String> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max => {
            Err(format!("{what} is longer than {max} characters"))
        }
        Some(t) if t.chars().any(|c| c.is_control() && c != '\n') => {
            Err(format!("{what} may not contain control characters"))
        }
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// An email address, lowercased. Deliberately simple: one '@', a dot in the domain, no spaces.
pub fn email(s: &str) -> Result<String, String> {
    let t = s.trim().to_lowercase();
    let ok = t.len() <= 254
        && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(t.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@'));
    if ok {
        Ok(t)
    } else {
        Err(format!("'{}' is not a valid email address", s.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(code(" ABC-1 ", "SKU").unwrap(), "ABC-1");
        assert!(code("", "SKU").is_err());
        assert!(code("A B", "SKU").is_err());
        assert!(code("A:B", "SKU").is_err());
        assert!(code(&"x".repeat(65), "SKU").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Ana@Example.COM ").unwrap(), "ana@example.com");
        assert!(email("ana").is_err());
        assert!(email("ana@host").is_err());
        assert!(email("a b@x.io").is_err());
    }
}
