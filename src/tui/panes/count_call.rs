//! The service calls of the counts pane (all in `crate::service::counts`): the list, the
//! locations and categories for the pickers, start, one scan at a time, a review with its
//! filters, and recount, post and cancel. Replies name the count (and the scan) they answer.

use crate::Actor;
use crate::db::location::Location;
use crate::db::master::Category;
use crate::domain::Quantity;
use crate::service::Services;
use crate::service::counts::{CountReview, CountStart, CountSummary, ReviewFilter, ScanReply};
use crate::service::posting::LineRequest;
use crate::tui::event::need_actor;

/// What a recount, post or cancel was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Recount,
    Posted,
    Cancelled,
}

#[derive(Debug, Clone)]
pub enum Call {
    /// Every count (open and posting first on screen).
    List,
    Lookups,
    Start(CountStart),
    Scan {
        number: String,
        /// The pane's own id of this scan, echoed in the reply.
        id: String,
        code: String,
        qty: Quantity,
        at: String,
    },
    Review {
        number: String,
        filter: ReviewFilter,
    },
    Recount {
        number: String,
        /// (location code, SKU).
        lines: Vec<(String, String)>,
    },
    Post {
        number: String,
        uncounted_as_zero: bool,
    },
    Cancel {
        number: String,
    },
}

/// A post's answer as the review shows it: the count after it, the document numbers, and
/// what was rejected (the count then stays `posting`; post again once fixed).
#[derive(Debug, Clone)]
pub struct PostAnswer {
    pub count: CountSummary,
    pub numbers: Vec<String>,
    pub rejected: Vec<String>,
}

#[derive(Debug)]
pub enum Reply {
    List(Result<Vec<CountSummary>, String>),
    Lookups(Result<(Vec<Location>, Vec<Category>), String>),
    Started(Result<CountSummary, String>),
    Scanned {
        number: String,
        id: String,
        result: Result<ScanReply, String>,
    },
    Review {
        number: String,
        filter: ReviewFilter,
        result: Result<Box<CountReview>, String>,
    },
    Acted {
        number: String,
        what: Acted,
        result: Result<Option<PostAnswer>, String>,
    },
}

impl Call {
    pub async fn run(self, s: &Services, actor: Option<Actor>) -> Reply {
        let err = |e: crate::error::Error| e.to_string();
        match self {
            Call::List => Reply::List(s.count_list(true).await.map_err(err)),
            Call::Lookups => Reply::Lookups(
                async { Ok((s.list_locations().await?, s.list_categories().await?)) }
                    .await
                    .map_err(err),
            ),
            Call::Start(req) => Reply::Started(match need_actor(actor) {
                Ok(a) => s.count_start(&a, &req).await.map_err(err),
                Err(e) => Err(e),
            }),
            Call::Scan {
                number,
                id,
                code,
                qty,
                at,
            } => {
                let line = LineRequest {
                    code,
                    qty,
                    price: None,
                };
                let result = match need_actor(actor) {
                    Ok(a) => s
                        .count_scan(&a, &number, Some(&at), std::slice::from_ref(&line))
                        .await
                        .map_err(err)
                        .and_then(|mut v| v.pop().ok_or_else(|| "no answer".to_string())),
                    Err(e) => Err(e),
                };
                Reply::Scanned { number, id, result }
            }
            Call::Review { number, filter } => {
                let result = match need_actor(actor) {
                    Ok(a) => s
                        .count_review(&a, &number, &filter)
                        .await
                        .map(Box::new)
                        .map_err(err),
                    Err(e) => Err(e),
                };
                Reply::Review {
                    number,
                    filter,
                    result,
                }
            }
            Call::Recount { number, lines } => {
                let result = match need_actor(actor) {
                    Ok(a) => s
                        .count_recount(&a, &number, &lines)
                        .await
                        .map(|_| None)
                        .map_err(err),
                    Err(e) => Err(e),
                };
                Reply::Acted {
                    number,
                    what: Acted::Recount,
                    result,
                }
            }
            Call::Post {
                number,
                uncounted_as_zero,
            } => {
                let result = match need_actor(actor) {
                    Ok(a) => s
                        .count_post(&a, &number, uncounted_as_zero)
                        .await
                        .map(|o| {
                            Some(PostAnswer {
                                numbers: o
                                    .documents
                                    .iter()
                                    .filter(|d| d.status == "posted")
                                    .filter_map(|d| d.number.clone())
                                    .collect(),
                                rejected: o
                                    .documents
                                    .iter()
                                    .filter(|d| d.status == "rejected")
                                    .map(|d| {
                                        let n = d.number.clone().unwrap_or_default();
                                        let why = d.reason.clone().unwrap_or_default();
                                        format!("{n} ({}): {why}", d.location)
                                    })
                                    .collect(),
                                count: o.count,
                            })
                        })
                        .map_err(err),
                    Err(e) => Err(e),
                };
                Reply::Acted {
                    number,
                    what: Acted::Posted,
                    result,
                }
            }
            Call::Cancel { number } => {
                let result = match need_actor(actor) {
                    Ok(a) => s.count_cancel(&a, &number).await.map(|_| None).map_err(err),
                    Err(e) => Err(e),
                };
                Reply::Acted {
                    number,
                    what: Acted::Cancelled,
                    result,
                }
            }
        }
    }
}
