//! The supervisor's review of a count: every line with its book and counted quantity, variance
//! and variance value, largest value first; items in scope with stock that nobody scanned
//! appear as "not counted".

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{CountStatus, CountSummary, scope_locations};
use crate::db::counts as db;
use crate::db::master::Product;
use crate::domain::role::Permission;
use crate::domain::{Money, Quantity, text};
use crate::error::{Error, Result};
use crate::service::{Actor, Services};

/// Which lines a review shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Only lines whose variance is not zero, and the lines not counted (which would be
    /// variances if posted as zero).
    pub only_variances: bool,
    /// Only lines at this location (code) or nested inside it.
    pub location: Option<String>,
    /// Only products of this category (name).
    pub category: Option<String>,
}

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    /// Scanned; `counted` is what everyone scanned together.
    Counted,
    /// Marked for recount and not scanned since.
    Recount,
    /// In scope with stock, never scanned: left alone unless posted with
    /// `uncounted_as_zero`.
    NotCounted,
    /// Never scanned, posted as counted zero (the supervisor's choice).
    Zeroed,
}

impl LineState {
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Counted => "counted",
            LineState::Recount => "recount",
            LineState::NotCounted => "not counted",
            LineState::Zeroed => "zeroed",
        }
    }
}

/// One line of a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewLine {
    pub location: String,
    pub location_id: String,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub state: LineState,
    /// The stock at the line's latest scan; for a line not counted, the stock now.
    pub book: Quantity,
    pub counted: Option<Quantity>,
    /// counted - book; `None` while not counted.
    pub variance: Option<Quantity>,
    /// The stock row's mirrored price (the product's price where there is no row).
    pub price: Money,
    /// variance x price; `None` while not counted.
    pub value: Option<Money>,
    /// What the line would be worth if posted as zero (-book x price) when not counted, else
    /// `value`: the order of the review.
    pub exposure: Money,
    pub counted_by: Option<String>,
    /// Microseconds, UTC.
    pub counted_at: Option<i64>,
    pub scans: i64,
}

/// Sums over the lines shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewTotals {
    pub lines: usize,
    pub counted: usize,
    pub recount: usize,
    pub not_counted: usize,
    /// Counted lines whose variance is not zero.
    pub variances: usize,
    /// Value of the positive variances (found more than the book).
    pub gain: Money,
    /// Value of the negative variances (as a negative amount).
    pub loss: Money,
    pub net: Money,
}

/// A count's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountReview {
    pub count: CountSummary,
    pub lines: Vec<ReviewLine>,
    pub totals: ReviewTotals,
}

impl Services {
    /// A count's lines with book, counted, variance and value, sorted by the absolute value
    /// (largest first), filtered (supervisor, admin: clerks count blind).
    pub async fn count_review(
        &self,
        actor: &Actor,
        number: &str,
        filter: &ReviewFilter,
    ) -> Result<CountReview> {
        actor.require(Permission::ManageCounts)?;
        let count = self.count_get(number).await?;
        let all = self.list_locations().await?;
        let codes: HashMap<&str, &str> = all
            .iter()
            .map(|l| (l.id.as_str(), l.code.as_str()))
            .collect();
        let code = |id: &str| {
            codes
                .get(id)
                .map_or_else(|| id.to_string(), |c| c.to_string())
        };
        let only_at = match filter.location.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => {
                let l = all
                    .iter()
                    .find(|l| text::norm(&l.code) == text::norm(c))
                    .ok_or_else(|| Error::Invalid(format!("unknown location '{c}'")))?;
                Some(
                    crate::service::stock_view::subtree(&all, &l.id)
                        .into_iter()
                        .collect::<HashSet<_>>(),
                )
            }
            _ => None,
        };
        let categories = self.list_categories().await?;
        let only_cat = match filter.category.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => Some(
                categories
                    .iter()
                    .find(|k| text::norm(&k.name) == text::norm(c))
                    .map(|k| k.id.clone())
                    .ok_or_else(|| Error::Invalid(format!("unknown category '{c}'")))?,
            ),
            _ => None,
        };
        let b = self.shards.location.backend();
        let id = count.id.clone();
        let rows = self
            .shards
            .location
            .read(move |p| Box::pin(async move { db::lines(&p, b, &id).await }))
            .await?;
        // Only an open count has items still waiting to be counted; a fixed one shows what it
        // fixed.
        let uncounted = if count.status == CountStatus::Open {
            let locs = scope_locations(&count, &all);
            let id = count.id.clone();
            self.shards
                .location
                .read(move |p| Box::pin(async move { db::uncounted(&p, b, &id, &locs).await }))
                .await?
        } else {
            Vec::new()
        };
        let products = self
            .products_of(
                rows.iter()
                    .map(|r| r.product_id.clone())
                    .chain(uncounted.iter().map(|u| u.1.clone())),
            )
            .await?;
        let cat_name = |p: Option<&Product>| {
            p.and_then(|p| p.category_id.as_ref())
                .and_then(|cid| categories.iter().find(|k| &k.id == cid))
                .map(|k| k.name.clone())
        };
        let mut lines = Vec::with_capacity(rows.len() + uncounted.len());
        for r in rows {
            let p = products.get(&r.product_id);
            let price = Money(r.price.or(p.map(|p| p.price)).unwrap_or(0));
            let state = match (r.counted, r.zeroed != 0) {
                (_, true) => LineState::Zeroed,
                (Some(_), false) => LineState::Counted,
                (None, false) => LineState::Recount,
            };
            let variance = r.counted.map(|c| Quantity(c - r.book));
            let value = variance.map(|v| price.times(v));
            lines.push(ReviewLine {
                location: code(&r.location_id),
                location_id: r.location_id,
                sku: p
                    .map(|p| p.sku.clone())
                    .unwrap_or_else(|| r.product_id.clone()),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                category: cat_name(p),
                product_id: r.product_id,
                state,
                book: Quantity(r.book),
                counted: r.counted.map(Quantity),
                variance,
                price,
                value,
                exposure: value.unwrap_or_else(|| price.times(Quantity(-r.book))),
                counted_by: r.counted_by,
                counted_at: r.counted_at,
                scans: r.scans,
            });
        }
        for (loc, pid, qty, price) in uncounted {
            let p = products.get(&pid);
            if let Some(cid) = &count.category_id
                && p.and_then(|p| p.category_id.as_ref()) != Some(cid)
            {
                continue;
            }
            let price = Money(price);
            lines.push(ReviewLine {
                location: code(&loc),
                location_id: loc,
                sku: p.map(|p| p.sku.clone()).unwrap_or_else(|| pid.clone()),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                category: cat_name(p),
                product_id: pid,
                state: LineState::NotCounted,
                book: Quantity(qty),
                counted: None,
                variance: None,
                price,
                value: None,
                exposure: price.times(Quantity(-qty)),
                counted_by: None,
                counted_at: None,
                scans: 0,
            });
        }
        lines.retain(|l| {
            only_at
                .as_ref()
                .is_none_or(|ids| ids.contains(&l.location_id))
                && only_cat.as_ref().is_none_or(|cid| {
                    products
                        .get(&l.product_id)
                        .and_then(|p| p.category_id.as_ref())
                        == Some(cid)
                })
                // Lines not (yet) counted are variances-to-be.
                && (!filter.only_variances || l.variance.is_none_or(|v| v.0 != 0))
        });
        lines.sort_by(|a, b| {
            b.exposure
                .0
                .unsigned_abs()
                .cmp(&a.exposure.0.unsigned_abs())
                .then_with(|| {
                    b.variance
                        .map(|v| v.0.unsigned_abs())
                        .cmp(&a.variance.map(|v| v.0.unsigned_abs()))
                })
                .then_with(|| (&a.location, &a.sku).cmp(&(&b.location, &b.sku)))
        });
        let mut t = ReviewTotals {
            lines: lines.len(),
            ..Default::default()
        };
        for l in &lines {
            match l.state {
                LineState::Counted | LineState::Zeroed => t.counted += 1,
                LineState::Recount => t.recount += 1,
                LineState::NotCounted => t.not_counted += 1,
            }
            if let Some(v) = l.value {
                if l.variance.is_some_and(|q| q.0 != 0) {
                    t.variances += 1;
                }
                if v.0 > 0 {
                    t.gain.0 += v.0;
                } else {
                    t.loss.0 += v.0;
                }
            }
        }
        t.net = Money(t.gain.0 + t.loss.0);
        Ok(CountReview {
            count,
            lines,
            totals: t,
        })
    }

    /// Products by id (one master read per 500).
    pub(crate) async fn products_of(
        &self,
        ids: impl Iterator<Item = String>,
    ) -> Result<HashMap<String, Product>> {
        let ids: Vec<String> = ids
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let b = self.shards.master.backend();
        let found = self
            .shards
            .master
            .read_on(crate::db::Route::PrimaryElseReplica, move |p| {
                Box::pin(async move { crate::db::master::products_by_ids(&p, b, &ids).await })
            })
            .await?;
        Ok(found.into_iter().map(|p| (p.id.clone(), p)).collect())
    }
}
