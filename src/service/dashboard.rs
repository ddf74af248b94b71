//! The dashboard's figures, fetched from the three shards concurrently and merged: totals,
//! 30 days of daily receipts and issues (from the daily summaries, so the cost does not grow
//! with history), the low-stock list, recent transactions and shard health.

use std::collections::HashMap;

use chrono::{Datelike, Duration, Local, NaiveDate};
use serde::Serialize;

use super::Services;
use super::locations::StockView;
use crate::db::journal::{self, DaySummary, Header, TxnFilter};
use crate::db::keyset::Seek;
use crate::db::location;
use crate::db::master::{self, ProductFilter};
use crate::db::{Health, ShardName};
use crate::error::Result;

/// Days shown in the sparklines.
pub const DAYS: usize = 30;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct DayPoint {
    pub day: String,
    pub receipts: i64,
    pub issues: i64,
    pub value_in: i64,
    pub value_out: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub active_products: i64,
    pub locations: i64,
    /// Cents.
    pub stock_value: i64,
    pub txn_today: i64,
    pub txn_month: i64,
    /// Cents, over the last [`DAYS`] days.
    pub value_in: i64,
    pub value_out: i64,
    /// Oldest first, one point per day, zero-filled.
    pub daily: Vec<DayPoint>,
    pub low_stock: Vec<StockView>,
    pub recent: Vec<Header>,
    pub shards: Vec<(ShardName, Health)>,
    /// Every location's full path (`JKT/A/01`) by id, for the recent documents.
    pub paths: HashMap<String, String>,
}

/// Lays summaries onto the last `DAYS` days ending `today`.
pub fn daily_points(today: NaiveDate, rows: &[DaySummary]) -> Vec<DayPoint> {
    (0..DAYS as i64)
        .rev()
        .map(|back| {
            let d = (today - Duration::days(back))
                .format("%Y-%m-%d")
                .to_string();
            let mut p = DayPoint {
                day: d.clone(),
                ..Default::default()
            };
            for r in rows.iter().filter(|r| r.day == d) {
                match r.kind.as_str() {
                    "receipt" => {
                        p.receipts += r.txn_count;
                        p.value_in += r.total_value;
                    }
                    "issue" => {
                        p.issues += r.txn_count;
                        p.value_out += r.total_value;
                    }
                    _ => {}
                }
            }
            p
        })
        .collect()
}

impl Services {
    pub async fn dashboard(&self) -> Result<Dashboard> {
        self.settled().await;
        let today = Local::now().date_naive();
        let month_start = today.with_day(1).unwrap_or(today);
        let since = (today - Duration::days(DAYS as i64 - 1))
            .min(month_start)
            .format("%Y-%m-%d")
            .to_string();
        let (mb, lb, tb) = (
            self.shards.master.backend(),
            self.shards.location.backend(),
            self.shards.transaction.backend(),
        );
        let products = self.shards.master.browse(move |p| {
            Box::pin(async move {
                master::count_products(
                    &p,
                    mb,
                    &ProductFilter {
                        active: Some(true),
                        ..Default::default()
                    },
                )
                .await
            })
        });
        let stock = self.shards.location.browse(move |p| {
            Box::pin(async move { location::stock_value_and_locations(&p, lb).await })
        });
        let low = self.shards.location.browse(move |p| {
            Box::pin(async move { location::stock_rows(&p, lb, None, None, true, 50).await })
        });
        let sums = self.shards.transaction.browse(move |p| {
            Box::pin(async move { journal::summaries_since(&p, tb, &since).await })
        });
        let recent = self.shards.transaction.browse(move |p| {
            Box::pin(async move {
                journal::list_headers(&p, tb, &TxnFilter::default(), &Seek::First, Some(10)).await
            })
        });
        let (products, stock, low, sums, recent) = tokio::join!(products, stock, low, sums, recent);
        let (stock_value, locations) = stock?;
        let sums = sums?;
        let today_s = today.format("%Y-%m-%d").to_string();
        let month_s = month_start.format("%Y-%m-%d").to_string();
        let txn_today = sums
            .iter()
            .filter(|r| r.day == today_s)
            .map(|r| r.txn_count)
            .sum();
        let txn_month = sums
            .iter()
            .filter(|r| r.day >= month_s)
            .map(|r| r.txn_count)
            .sum();
        let daily = daily_points(today, &sums);
        let paths = super::stock_view::location_paths(&self.list_locations().await?);
        Ok(Dashboard {
            active_products: products?,
            locations,
            stock_value,
            txn_today,
            txn_month,
            value_in: daily.iter().map(|d| d.value_in).sum(),
            value_out: daily.iter().map(|d| d.value_out).sum(),
            daily,
            low_stock: {
                let mut low = self.stock_views(low?).await?;
                for v in &mut low {
                    if let Some(p) = paths.get(&v.location_id) {
                        v.location = p.clone();
                    }
                }
                low
            },
            paths,
            recent: recent?,
            shards: self
                .shards
                .all()
                .iter()
                .map(|s| (s.name(), s.health()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_zero_filled_and_ordered() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let rows = vec![
            DaySummary {
                day: "2026-03-02".into(),
                kind: "receipt".into(),
                txn_count: 2,
                line_count: 2,
                total_qty: 0,
                total_value: 500,
            },
            DaySummary {
                day: "2026-02-28".into(),
                kind: "issue".into(),
                txn_count: 1,
                line_count: 1,
                total_qty: 0,
                total_value: 70,
            },
        ];
        let p = daily_points(today, &rows);
        assert_eq!(p.len(), DAYS);
        assert_eq!(p.last().map(|d| d.receipts), Some(2));
        assert_eq!(p[DAYS - 3].day, "2026-02-28");
        assert_eq!(p[DAYS - 3].value_out, 70);
        assert_eq!(p.iter().map(|d| d.issues).sum::<i64>(), 1);
    }
}
