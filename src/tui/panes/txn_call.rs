//! The service calls of the transactions pane: pages of the list, one document's detail, the
//! locations for the pickers, product lookups for the scan loop, and posting. Replies echo what
//! they answer (the view, the number, the document id) so late ones are recognised.

use chrono::{NaiveDate, TimeZone};

use super::paged::Place;
use crate::Actor;
use crate::db::journal::{Header, TxnCursor, TxnFilter};
use crate::db::keyset::Seek;
use crate::db::location::Location;
use crate::domain::TxKind;
use crate::service::Services;
use crate::service::catalog::ProductView;
use crate::service::posting::{PostOutcome, PostRequest};
use crate::service::txns::TxnDetail;
use crate::tui::event::need_actor;

/// What the transaction list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxnKey {
    pub kind: Option<TxKind>,
    /// (id, code) of a location the documents leave from or arrive at.
    pub location: Option<(String, String)>,
    pub since: Option<NaiveDate>,
    /// Inclusive.
    pub until: Option<NaiveDate>,
    pub text: String,
}

/// Local midnight at the start of `d`, in stored micros.
fn start_of(d: NaiveDate) -> Option<i64> {
    let t = d.and_hms_opt(0, 0, 0)?;
    chrono::Local
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.timestamp_micros())
}

impl TxnKey {
    pub fn filter(&self) -> TxnFilter {
        TxnFilter {
            kind: self.kind.map(|k| k.as_str().to_string()),
            location_id: self.location.as_ref().map(|(id, _)| id.clone()),
            since: self.since.and_then(start_of),
            until: self.until.and_then(|d| d.succ_opt()).and_then(start_of),
            text: Some(self.text.trim().to_string()).filter(|t| !t.is_empty()),
            ..Default::default()
        }
    }
}

/// One scanned code's lookup: the product, none, or why the lookup failed.
pub type Found = (String, Result<Option<ProductView>, String>);

#[derive(Debug, Clone)]
pub enum Call {
    Page {
        key: TxnKey,
        place: Place,
        seek: Seek<TxnCursor>,
        limit: i64,
    },
    Detail {
        number: String,
    },
    Locations,
    Lookup {
        doc: String,
        codes: Vec<String>,
    },
    Post {
        req: Box<PostRequest>,
    },
}

#[derive(Debug)]
pub enum Reply {
    Page {
        key: TxnKey,
        place: Place,
        /// The rows the window keeps (one more was asked for).
        limit: i64,
        rows: Result<Vec<Header>, String>,
    },
    Detail {
        number: String,
        data: Result<Box<TxnDetail>, String>,
    },
    Locations(Result<Vec<Location>, String>),
    Lookup {
        doc: String,
        found: Vec<Found>,
    },
    Posted {
        doc: String,
        result: Result<PostOutcome, String>,
    },
}

async fn lookup(s: &Services, code: String) -> Found {
    let r = match s.product_by_code(&code).await {
        Ok(Some(p)) => s
            .product_views(&[p])
            .await
            .map(|mut v| v.pop())
            .map_err(|e| e.to_string()),
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
    };
    (code, r)
}

impl Call {
    pub async fn run(self, s: &Services, actor: Option<Actor>) -> Reply {
        match self {
            Call::Page {
                key,
                place,
                seek,
                limit,
            } => {
                let rows = s
                    .transactions_page(&key.filter(), seek, Some(limit))
                    .await
                    .map_err(|e| e.to_string());
                Reply::Page {
                    key,
                    place,
                    limit: limit - 1,
                    rows,
                }
            }
            Call::Detail { number } => {
                let data = s
                    .transaction_detail(&number)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                Reply::Detail { number, data }
            }
            Call::Locations => {
                Reply::Locations(s.list_locations().await.map_err(|e| e.to_string()))
            }
            Call::Lookup { doc, codes } => {
                let found =
                    futures::future::join_all(codes.into_iter().map(|c| lookup(s, c))).await;
                Reply::Lookup { doc, found }
            }
            Call::Post { req } => {
                let doc = req.id.clone().unwrap_or_default();
                let result = match need_actor(actor) {
                    Ok(a) => s.post(&a, &req).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                Reply::Posted { doc, result }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_until_date_is_inclusive() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let k = TxnKey {
            since: Some(d),
            until: Some(d),
            ..Default::default()
        };
        let f = k.filter();
        let (since, until) = (f.since.unwrap(), f.until.unwrap());
        assert!(
            until - since >= 23 * 3_600_000_000 && until - since <= 25 * 3_600_000_000,
            "one local day"
        );
        assert_eq!(
            TxnKey {
                text: "  ".into(),
                ..Default::default()
            }
            .filter()
            .text,
            None
        );
    }
}
