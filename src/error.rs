//! The library's error type. Every variant carries a message a clerk or an admin can act on;
//! database errors name the shard they came from.

use crate::domain::Role;
use crate::domain::role::Permission;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a form field, a CLI flag, a CSV row, a config value.
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A uniqueness rule would be broken (SKU, barcode, email, location code...).
    #[error("{0}")]
    Conflict(String),
    #[error("permission denied: a {role} may not {what}")]
    Denied { role: Role, what: Permission },
    /// Login failed. Deliberately the same text for every cause.
    #[error("{0}")]
    Auth(String),
    /// A posting was refused by a business rule (e.g. not enough stock).
    #[error("rejected: {0}")]
    Rejected(String),
    #[error("{shard} shard: {source}")]
    Db {
        shard: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// The shard's task is gone or its primary cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// A write (or a read that needs the primary) while the shard's primary is down: refused
    /// before anything was sent, so nothing was saved and the same action can be retried.
    #[error(
        "the {shard} shard's primary ({url}) has not answered since {}: nothing was saved; try the same action again when it is back ({reason})",
        local_time(*since)
    )]
    PrimaryDown {
        shard: &'static str,
        url: String,
        /// Microseconds, UTC.
        since: i64,
        reason: String,
    },
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A moment (microseconds, UTC) as local wall-clock time, for messages.
fn local_time(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| "an unknown time".into())
}

impl Error {
    pub fn db(shard: &'static str) -> impl FnOnce(sqlx::Error) -> Error {
        move |source| Error::Db { shard, source }
    }

    /// Whether this is a unique-constraint violation reported by any backend.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Error::Db {
                source: sqlx::Error::Database(e),
                ..
            } => e.is_unique_violation(),
            _ => false,
        }
    }
}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error::Invalid(s)
    }
}
