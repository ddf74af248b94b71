//! Application-made ids. Every row id is a UUIDv7 made here, never by a database's
//! auto-increment, so a row has the same id on every node, replica and journal, and ids sort by
//! creation time.

use uuid::Uuid;

/// A fresh time-ordered id, as its canonical lowercase text (how every shard stores ids).
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Parses a client-supplied id (e.g. `gudang post --id`), answering a clear message on bad input.
pub fn parse_id(s: &str) -> Result<String, String> {
    Uuid::parse_str(s.trim())
        .map(|u| u.to_string())
        .map_err(|_| format!("'{s}' is not a valid id (expected a UUID such as 0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f60)"))
}

/// Microseconds since the Unix epoch, UTC: how every shard stores instants.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// Local calendar date of an instant, as `YYYY-MM-DD` (the key of the daily summaries).
pub fn local_day(micros: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_micros(micros) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d").to_string()
        }
        chrono::LocalResult::None => chrono::Utc::now().format("%Y-%m-%d").to_string(),
    }
}

/// Formats a stored instant for display in local time.
pub fn display_time(micros: i64) -> String {
    use chrono::TimeZone;
    match chrono::Local.timestamp_micros(micros) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.format("%Y-%m-%d %H:%M:%S").to_string()
        }
        chrono::LocalResult::None => String::from("?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_time_ordered() {
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
        assert!(a < b, "{a} should sort before {b}");
    }

    #[test]
    fn parse_id_rejects_garbage() {
        assert!(parse_id("nope").is_err());
        let id = new_id();
        assert_eq!(parse_id(&id.to_uppercase()).unwrap(), id);
    }
}
