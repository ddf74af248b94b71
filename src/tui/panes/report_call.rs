//! The service calls of the Reports screen and the stock card. Replies echo what they answer
//! (the filters, the card and page) so the pane can drop one that is out of date.

use super::report_period::Period;
use crate::db::location::Location;
use crate::db::master::Category;
use crate::service::Services;
use crate::service::reports::{
    self, CardPage, CardQuery, DayFlow, MovementQuery, MovementReport, ReorderQuery, ReorderReport,
    StockCard, Valuation, ValuationBy, ValuationQuery,
};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Movement,
    Valuation,
    Reorder,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Movement, Kind::Valuation, Kind::Reorder];
}

/// What the reports are asked for: the period (valuation: at its last day), the location (a
/// code, with everything inside it), the category (a name), the valuation's grouping, and
/// whether the movement report has a row per product and location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub period: Period,
    pub location: Option<String>,
    pub category: Option<String>,
    pub by: ValuationBy,
    pub by_location: bool,
}

impl Filters {
    pub fn new(period: Period) -> Filters {
        Filters {
            period,
            location: None,
            category: None,
            by: ValuationBy::Location,
            by_location: false,
        }
    }

    fn service_period(&self) -> reports::Period {
        reports::Period {
            from: self.period.from,
            to: self.period.to,
        }
    }

    pub fn movement(&self) -> MovementQuery {
        MovementQuery {
            period: self.service_period(),
            location: self.location.clone(),
            category: self.category.clone(),
            by_location: self.by_location,
        }
    }

    pub fn valuation(&self) -> ValuationQuery {
        ValuationQuery {
            at: self.period.to,
            by: self.by,
            location: self.location.clone(),
            category: self.category.clone(),
        }
    }

    pub fn reorder(&self) -> ReorderQuery {
        ReorderQuery {
            location: self.location.clone(),
            category: self.category.clone(),
        }
    }
}

/// Which stock card: a product (SKU) at a location (with what is inside it) or everywhere,
/// over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardKey {
    pub sku: String,
    pub location: Option<String>,
    pub period: Period,
}

impl CardKey {
    pub fn query(&self, page: CardPage, limit: usize) -> CardQuery {
        CardQuery {
            product: self.sku.clone(),
            location: self.location.clone(),
            with_children: true,
            period: reports::Period {
                from: self.period.from,
                to: self.period.to,
            },
            page,
            limit,
        }
    }
}

/// A movement report with its flows per day (for the chart).
#[derive(Debug)]
pub struct MovementData {
    pub report: MovementReport,
    pub days: Vec<DayFlow>,
}

#[derive(Debug, Clone)]
pub enum Call {
    Lookups,
    Movement(Filters),
    Valuation(Filters),
    Reorder(Filters),
    Export {
        kind: Kind,
        filters: Filters,
        path: String,
    },
    Card {
        key: CardKey,
        page: CardPage,
        limit: usize,
    },
}

#[derive(Debug)]
pub enum Reply {
    Lookups(Result<(Vec<Location>, Vec<Category>), String>),
    Movement(Filters, Result<Box<MovementData>, String>),
    Valuation(Filters, Result<Box<Valuation>, String>),
    Reorder(Filters, Result<Box<ReorderReport>, String>),
    /// The export asked for as `path`: its rows and the file written (absolute), or why not.
    Exported {
        path: String,
        result: Result<(u64, String), String>,
    },
    Card {
        key: CardKey,
        page: CardPage,
        data: Result<Box<StockCard>, String>,
    },
}

fn text(e: impl ToString) -> String {
    e.to_string()
}

impl Call {
    pub async fn run(self, s: &Services) -> Reply {
        match self {
            Call::Lookups => Reply::Lookups(
                async { Ok((s.list_locations().await?, s.list_categories().await?)) }
                    .await
                    .map_err(|e: crate::Error| text(e)),
            ),
            Call::Movement(f) => {
                let q = f.movement();
                let (report, days) = tokio::join!(s.movement_report(&q), s.movement_by_day(&q));
                let data = match (report, days) {
                    (Ok(report), Ok(days)) => Ok(Box::new(MovementData { report, days })),
                    (Err(e), _) | (_, Err(e)) => Err(text(e)),
                };
                Reply::Movement(f, data)
            }
            Call::Valuation(f) => {
                let data = s.valuation(&f.valuation()).await;
                Reply::Valuation(f, data.map(Box::new).map_err(text))
            }
            Call::Reorder(f) => {
                let data = s.reorder(&f.reorder()).await;
                Reply::Reorder(f, data.map(Box::new).map_err(text))
            }
            Call::Export {
                kind,
                filters,
                path,
            } => {
                let result = super::report_export::export(s, kind, &filters, &path).await;
                Reply::Exported { path, result }
            }
            Call::Card { key, page, limit } => {
                let data = s.stock_card(&key.query(page.clone(), limit)).await;
                Reply::Card {
                    key,
                    page,
                    data: data.map(Box::new).map_err(text),
                }
            }
        }
    }
}
