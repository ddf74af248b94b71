//! Stock as the full-screen app browses it: pages of stock rows (a location and everything
//! nested inside it, products matching a search, low rows only) and one product's picture:
//! its stock at every location and its recent movements, with transaction numbers and
//! location codes resolved from the other shards.

use std::collections::HashMap;

use serde::Serialize;

use super::Services;
use super::catalog::{ProductQuery, ProductView};
use super::locations::StockView;
use crate::db::journal;
use crate::db::keyset::Seek;
use crate::db::location::{self, Location, StockCursor, StockRow};
use crate::db::master::ProductFilter;
use crate::domain::{Quantity, TxKind};
use crate::error::{Error, Result};

/// How many products a stock search matches at most (the best matches first).
pub const SEARCH_PRODUCTS: i64 = 200;

/// One page of the stock screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockQuery {
    /// A location code: rows at it and at every location nested inside it.
    pub location: Option<String>,
    /// SKU, barcode or name: rows of the best-matching products.
    pub text: Option<String>,
    pub low: bool,
    pub limit: i64,
    /// Where the page starts (keyset paging, see [`crate::db::keyset`]).
    pub seek: Seek<StockCursor>,
}

/// One stock movement with names resolved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MovementView {
    pub at: i64,
    pub number: String,
    pub kind: String,
    pub location: String,
    /// Signed quantity, as text.
    pub delta: String,
    #[serde(skip)]
    pub delta_milli: i64,
}

/// A product's stock everywhere and its latest movements.
#[derive(Debug, Clone, Serialize)]
pub struct ProductStock {
    pub product: ProductView,
    pub stock: Vec<StockView>,
    pub total: String,
    pub movements: Vec<MovementView>,
}

/// Each location's full path, its parents' codes and its own joined by `/` (`JKT/A/01`), by
/// id. A parent that is missing or caught in a cycle ends the path where it is.
pub fn location_paths(all: &[Location]) -> HashMap<String, String> {
    let by_id: HashMap<&str, &Location> = all.iter().map(|l| (l.id.as_str(), l)).collect();
    all.iter()
        .map(|l| {
            let mut codes = vec![l.code.as_str()];
            let mut seen = vec![l.id.as_str()];
            let mut cur = l.parent_id.as_deref();
            while let Some(p) = cur.and_then(|id| by_id.get(id)) {
                if seen.contains(&p.id.as_str()) {
                    break;
                }
                seen.push(p.id.as_str());
                codes.push(p.code.as_str());
                cur = p.parent_id.as_deref();
            }
            codes.reverse();
            (l.id.clone(), codes.join("/"))
        })
        .collect()
}

/// The ids of `root` and of every location nested inside it.
pub fn subtree(all: &[Location], root: &str) -> Vec<String> {
    let mut out = vec![root.to_string()];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        out.extend(
            all.iter()
                .filter(|l| l.parent_id.as_deref() == Some(parent.as_str()))
                .map(|l| l.id.clone()),
        );
        i += 1;
    }
    out
}

impl Services {
    /// A page of stock rows in a stable order (location, then product, by id), with names.
    /// Keyset paging: the page starts after (or before) the row `q.seek` names.
    pub async fn stock_page(&self, q: &StockQuery) -> Result<Vec<StockView>> {
        let locations = match q
            .location
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => {
                let root = self.location(code).await?;
                Some(subtree(&self.list_locations().await?, &root.id))
            }
            None => None,
        };
        let products = match q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => {
                let pq = ProductQuery {
                    text: Some(t.to_string()),
                    filter: ProductFilter::default(),
                    limit: SEARCH_PRODUCTS,
                    ..Default::default()
                };
                Some(
                    self.search_products(&pq)
                        .await?
                        .into_iter()
                        .map(|p| p.id)
                        .collect::<Vec<_>>(),
                )
            }
            None => None,
        };
        let b = self.shards.location.backend();
        let (low, limit, seek) = (q.low, q.limit.clamp(1, 10_000), q.seek.clone());
        let rows: Vec<StockRow> = self
            .shards
            .location
            .browse(move |p| {
                Box::pin(async move {
                    location::stock_page(
                        &p,
                        b,
                        locations.as_deref(),
                        products.as_deref(),
                        low,
                        &seek,
                        limit,
                    )
                    .await
                })
            })
            .await?;
        let mut views = self.views_in_order(rows).await?;
        self.with_paths(&mut views).await?;
        Ok(views)
    }

    /// Shows each row's location by its full path (`JKT/A/01`) instead of its code.
    pub(crate) async fn with_paths(&self, views: &mut [StockView]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let paths = location_paths(&self.list_locations().await?);
        for v in views {
            if let Some(p) = paths.get(&v.location_id) {
                v.location = p.clone();
            }
        }
        Ok(())
    }

    /// Names for `rows`, keeping their order (the page order, not a re-sort of one page).
    async fn views_in_order(&self, rows: Vec<StockRow>) -> Result<Vec<StockView>> {
        let order: HashMap<(String, String), usize> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.location_id.clone(), r.product_id.clone()), i))
            .collect();
        let mut views = self.stock_views(rows).await?;
        views.sort_by_key(|v| {
            order
                .get(&(v.location_id.clone(), v.product_id.clone()))
                .copied()
                .unwrap_or(usize::MAX)
        });
        Ok(views)
    }

    /// A product (by SKU or barcode) with its stock at every location and its `movements`
    /// latest movements.
    pub async fn product_stock(&self, code: &str, movements: i64) -> Result<ProductStock> {
        let p = self
            .product_by_code(code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("product '{}'", code.trim())))?;
        let product = self
            .product_views(std::slice::from_ref(&p))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("product '{}'", code.trim())))?;
        let b = self.shards.location.backend();
        let pid = p.id.clone();
        let rows = self
            .shards
            .location
            .browse(move |pool| {
                Box::pin(async move {
                    location::stock_rows(&pool, b, None, Some(&pid), false, 10_000).await
                })
            })
            .await?;
        let total = Quantity(rows.iter().map(|r| r.quantity).sum());
        let mut stock = self.stock_views(rows).await?;
        self.with_paths(&mut stock).await?;
        stock.sort_by(|a, b| a.location.cmp(&b.location));
        let all = self.list_locations().await?;
        let ids = location_paths(&all);
        let by_code: HashMap<&str, &String> = all
            .iter()
            .filter_map(|l| Some((l.code.as_str(), ids.get(&l.id)?)))
            .collect();
        // The journal holds every posted line with its time; each implies its movements (two
        // for a transfer line), so the history needs no index of movements by product on the
        // location shard.
        self.settled().await;
        let tb = self.shards.transaction.backend();
        let pid = p.id.clone();
        let limit = movements.clamp(1, 1000);
        let lines = self
            .shards
            .transaction
            .browse(move |pool| {
                Box::pin(async move { journal::product_lines(&pool, tb, &pid, limit).await })
            })
            .await?;
        let mut movements = Vec::with_capacity(lines.len());
        for l in lines {
            let view = |location: Option<&String>, delta: i64| MovementView {
                at: l.at,
                number: l.number.clone(),
                kind: l.kind.clone(),
                location: location
                    .map(|c| by_code.get(c.as_str()).map_or(c.clone(), |p| (*p).clone()))
                    .unwrap_or_default(),
                delta: Quantity(delta).to_string(),
                delta_milli: delta,
            };
            match l.kind.parse::<TxKind>() {
                Ok(TxKind::Receipt) => movements.push(view(l.dest_code.as_ref(), l.quantity)),
                Ok(TxKind::Issue) => movements.push(view(l.source_code.as_ref(), -l.quantity)),
                Ok(TxKind::Transfer) => {
                    // Newest first: the arriving leg is recorded after the leaving one.
                    movements.push(view(l.dest_code.as_ref(), l.quantity));
                    movements.push(view(l.source_code.as_ref(), -l.quantity));
                }
                Ok(TxKind::Adjustment) => {
                    movements.push(view(l.source_code.as_ref(), l.applied_delta.unwrap_or(0)))
                }
                Err(_) => {}
            }
        }
        movements.truncate(limit as usize);
        Ok(ProductStock {
            product,
            stock,
            total: total.to_string(),
            movements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(id: &str, parent: Option<&str>) -> Location {
        Location {
            id: id.into(),
            code: id.to_uppercase(),
            name: id.into(),
            parent_id: parent.map(Into::into),
            active: 1,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn subtree_takes_every_level_below() {
        let all = [
            loc("w", None),
            loc("z1", Some("w")),
            loc("b1", Some("z1")),
            loc("b2", Some("z1")),
            loc("other", None),
        ];
        let mut got = subtree(&all, "w");
        got.sort();
        assert_eq!(got, ["b1", "b2", "w", "z1"]);
        assert_eq!(subtree(&all, "other"), ["other"]);
        let paths = location_paths(&all);
        assert_eq!(paths["b2"], "W/Z1/B2");
        assert_eq!(paths["other"], "OTHER");
        let cycle = [loc("p", Some("q")), loc("q", Some("p"))];
        assert_eq!(location_paths(&cycle)["p"], "Q/P", "a cycle ends the path");
    }
}
