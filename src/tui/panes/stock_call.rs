//! The service calls of the stock pane. Replies echo what they answer (the view, the product)
//! so the pane can drop one that is out of date.

use super::paged::Place;
use crate::db::keyset::Seek;
use crate::db::location::{Location, StockCursor};
use crate::service::Services;
use crate::service::locations::StockView;
use crate::service::stock_view::{ProductStock, StockQuery};

/// Movements shown in a product's detail.
pub const DETAIL_MOVEMENTS: i64 = 30;

/// What the stock table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockKey {
    /// Location code (with everything nested inside it).
    pub location: Option<String>,
    /// Product search text (empty = all products).
    pub text: String,
    pub low: bool,
}

#[derive(Debug, Clone)]
pub enum Call {
    Page {
        key: StockKey,
        place: Place,
        seek: Seek<StockCursor>,
        limit: i64,
    },
    Locations,
    Detail {
        sku: String,
    },
}

#[derive(Debug)]
pub enum Reply {
    Page {
        key: StockKey,
        place: Place,
        /// The rows the window keeps (one more was asked for).
        limit: i64,
        rows: Result<Vec<StockView>, String>,
    },
    Locations(Result<Vec<Location>, String>),
    Detail {
        sku: String,
        data: Result<Box<ProductStock>, String>,
    },
}

/// Where a stock row stands in the list's order.
pub fn cursor(v: &StockView) -> StockCursor {
    StockCursor {
        location_id: v.location_id.clone(),
        product_id: v.product_id.clone(),
    }
}

impl Call {
    pub async fn run(self, s: &Services) -> Reply {
        match self {
            Call::Page {
                key,
                place,
                seek,
                limit,
            } => {
                let q = StockQuery {
                    location: key.location.clone(),
                    text: Some(key.text.clone()),
                    low: key.low,
                    limit,
                    seek,
                };
                Reply::Page {
                    key,
                    place,
                    limit: limit - 1,
                    rows: s.stock_page(&q).await.map_err(|e| e.to_string()),
                }
            }
            Call::Locations => {
                Reply::Locations(s.list_locations().await.map_err(|e| e.to_string()))
            }
            Call::Detail { sku } => {
                let data = s
                    .product_stock(&sku, DETAIL_MOVEMENTS)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                Reply::Detail { sku, data }
            }
        }
    }
}
