//! The movement report, the valuation and the day chart, all from the balances engine
//! ([`super::balances`]) or the same journal sums, so they agree with each other and with the
//! stock card. Values are computed per product and location (quantity times the current
//! price, rounded to the cent) and summed from there, so every grouping adds up to the same
//! totals.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::balances::{BalanceQuery, ProductBalances};
use super::chart::DayFlow;
use super::engine::{Head, LocState, Scope, sums_legs};
use super::movement::{Flows, MovementQuery, MovementReport, MovementRow, MovementTotals};
use super::period::Period;
use super::valuation::{Valuation, ValuationBy, ValuationQuery, ValuationRow};
use crate::db::master;
use crate::db::reports::{self as q, Buckets, LineSums, SnapFilter};
use crate::domain::{Money, Quantity};
use crate::error::Result;
use crate::service::Services;

/// Names the rows need: categories and units by id.
struct Names {
    categories: HashMap<String, String>,
    units: HashMap<String, String>,
}

/// A row's figures, summed over some locations.
#[derive(Default)]
struct Sum {
    opening: i64,
    closing: i64,
    flows: Flows,
    opening_value: i64,
    in_value: i64,
    out_value: i64,
    closing_value: i64,
}

impl Sum {
    fn add(&mut self, st: &LocState, price: Money) {
        let v = |q: i64| price.times(Quantity(q)).0;
        self.opening += st.opening();
        self.closing += st.closing();
        self.flows.add(&st.flows);
        self.opening_value += v(st.opening());
        self.in_value += v(st.flows.qty_in().0);
        self.out_value += v(st.flows.qty_out().0);
        self.closing_value += v(st.closing());
    }
}

fn rows_of(pb: &ProductBalances, by_location: bool, scope: &Scope, n: &Names) -> Vec<MovementRow> {
    let p = &pb.product;
    let price = Money(p.price);
    let row = |location: Option<String>, s: &Sum| MovementRow {
        product_id: p.id.clone(),
        sku: p.sku.clone(),
        name: p.name.clone(),
        category: p
            .category_id
            .as_ref()
            .and_then(|c| n.categories.get(c))
            .cloned()
            .unwrap_or_default(),
        unit: n.units.get(&p.unit_id).cloned().unwrap_or_default(),
        location,
        price,
        opening: Quantity(s.opening),
        flows: s.flows,
        qty_in: s.flows.qty_in(),
        qty_out: s.flows.qty_out(),
        closing: Quantity(s.closing),
        opening_value: Money(s.opening_value),
        in_value: Money(s.in_value),
        out_value: Money(s.out_value),
        closing_value: Money(s.closing_value),
    };
    if by_location {
        let mut rows: Vec<MovementRow> = pb
            .locations
            .iter()
            .map(|(l, st)| {
                let mut s = Sum::default();
                s.add(st, price);
                row(Some(scope.code(l)), &s)
            })
            .collect();
        rows.sort_by(|a, b| a.location.cmp(&b.location));
        rows
    } else {
        let mut s = Sum::default();
        for (_, st) in &pb.locations {
            s.add(st, price);
        }
        vec![row(None, &s)]
    }
}

impl Services {
    async fn names(&self) -> Result<Names> {
        let (categories, units) = self.report_names().await?;
        Ok(Names { categories, units })
    }

    /// The whole report, rows sorted by SKU and location.
    pub async fn movement_report(&self, mq: &MovementQuery) -> Result<MovementReport> {
        let mut rows = Vec::new();
        let (totals, exact) = self
            .movement_report_each(mq, &mut |r| {
                rows.push(r);
                Ok(())
            })
            .await?;
        rows.sort_by(|a, b| (&a.sku, &a.location).cmp(&(&b.sku, &b.location)));
        let scope_name = match &mq.location {
            Some(c) => self
                .report_scope(Some(c), false)
                .await?
                .root
                .map(|r| r.code),
            None => None,
        };
        Ok(MovementReport {
            period: mq.period,
            location: scope_name,
            category: mq.category.clone(),
            by_location: mq.by_location,
            rows,
            totals,
            exact,
        })
    }

    /// The report streamed: `sink` hears each row as it is computed (in product-id order);
    /// returns the totals and whether the figures are exact (see [`MovementReport::exact`]).
    pub async fn movement_report_each(
        &self,
        mq: &MovementQuery,
        sink: &mut (dyn FnMut(MovementRow) -> Result<()> + Send),
    ) -> Result<(MovementTotals, bool)> {
        let scope = self.report_scope(mq.location.as_deref(), true).await?;
        let cat = self.category_products(mq.category.as_deref()).await?;
        let names = self.names().await?;
        let mut totals = MovementTotals::default();
        let bq = BalanceQuery {
            period: mq.period,
            scope: &scope,
            products: cat.as_ref().map(|c| &c.1),
        };
        let exact = self
            .balances_each(&bq, &mut |pb| {
                for r in rows_of(&pb, mq.by_location, &scope, &names) {
                    totals.add(&r);
                    sink(r)?;
                }
                Ok(())
            })
            .await?;
        Ok((totals, exact))
    }

    /// Stock and its value at the end of `vq.at`: the movement report's closing balance of
    /// that day, grouped.
    pub async fn valuation(&self, vq: &ValuationQuery) -> Result<Valuation> {
        let scope = self.report_scope(vq.location.as_deref(), true).await?;
        let cat = self.category_products(vq.category.as_deref()).await?;
        let names = self.names().await?;
        let bq = BalanceQuery {
            period: Period {
                from: vq.at,
                to: vq.at,
            },
            scope: &scope,
            products: cat.as_ref().map(|c| &c.1),
        };
        let mut groups: BTreeMap<String, ValuationRow> = BTreeMap::new();
        let exact = self
            .balances_each(&bq, &mut |pb| {
                let p = &pb.product;
                let price = Money(p.price);
                for (l, st) in &pb.locations {
                    let qty = st.closing();
                    if qty == 0 {
                        continue;
                    }
                    let (key, name) = match vq.by {
                        ValuationBy::Location => (
                            scope.code(l),
                            scope.all.get(l).map(|l| l.name.clone()).unwrap_or_default(),
                        ),
                        ValuationBy::Category => (
                            p.category_id
                                .as_ref()
                                .and_then(|c| names.categories.get(c))
                                .cloned()
                                .unwrap_or_else(|| "(none)".into()),
                            String::new(),
                        ),
                        ValuationBy::Product => (p.sku.clone(), p.name.clone()),
                    };
                    let g = groups.entry(key.clone()).or_insert_with(|| ValuationRow {
                        key,
                        name,
                        items: 0,
                        quantity: Quantity(0),
                        value: Money(0),
                    });
                    g.items += 1;
                    g.quantity.0 += qty;
                    g.value.0 += price.times(Quantity(qty)).0;
                }
                Ok(())
            })
            .await?;
        let rows: Vec<ValuationRow> = groups.into_values().collect();
        Ok(Valuation {
            at: vq.at,
            by: vq.by,
            location: scope.root.as_ref().map(|r| r.code.clone()),
            category: cat.map(|c| c.0),
            total_items: rows.iter().map(|r| r.items).sum(),
            total_quantity: Quantity(rows.iter().map(|r| r.quantity.0).sum()),
            total_value: Money(rows.iter().map(|r| r.value.0).sum()),
            rows,
            exact,
        })
    }

    /// In and out per day of the report `mq` would give, every day of its period.
    pub async fn movement_by_day(&self, mq: &MovementQuery) -> Result<Vec<DayFlow>> {
        let scope = self.report_scope(mq.location.as_deref(), true).await?;
        let cat = self.category_products(mq.category.as_deref()).await?;
        let (start, end) = (mq.period.start(), mq.period.end());
        let lb = self.shards.location.backend();
        let filter = SnapFilter {
            skip_stock: true,
            ..SnapFilter::default()
        };
        let mut head = Head::default();
        for r in self
            .shards
            .location
            .browse(move |p| Box::pin(async move { q::snapshot(&p, lb, &filter).await }))
            .await?
        {
            head.take(r);
        }
        let cond = head.counted()?;
        let (route, _) = self.journal_route();
        let tb = self.shards.transaction.backend();
        let sums: Vec<LineSums> = self
            .shards
            .transaction
            .read_on(route, move |p| {
                Box::pin(async move {
                    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
                    let read = q::line_sums_stream(
                        &p,
                        tb,
                        Buckets::Chart { from: start, end },
                        None,
                        &cond,
                        tx,
                    );
                    let collect = async {
                        let mut out = Vec::new();
                        while let Some(c) = rx.recv().await {
                            out.extend(c);
                        }
                        out
                    };
                    let (r, out) = tokio::join!(read, collect);
                    r.map(|_| out)
                })
            })
            .await?;
        let wanted = |pid: &str| cat.as_ref().is_none_or(|c| c.1.contains(pid));
        // (day, product) -> (in, out)
        let mut moved: HashMap<(NaiveDate, String), (i64, i64)> = HashMap::new();
        let mut add = |at: i64, pid: &str, d: i64| {
            if d == 0 {
                return;
            }
            let e = moved.entry((local_day(at), pid.to_string())).or_default();
            if d >= 0 {
                e.0 += d;
            } else {
                e.1 -= d;
            }
        };
        for s in sums.iter().filter(|s| wanted(&s.product_id)) {
            for (l, _, d) in sums_legs(s) {
                if scope.contains(&l) {
                    add(s.bucket, &s.product_id, d);
                }
            }
        }
        for m in &head.outbox {
            if m.at >= start
                && m.at < end
                && m.kind().is_some()
                && scope.contains(&m.location_id)
                && wanted(&m.product_id)
            {
                add(m.at, &m.product_id, m.delta);
            }
        }
        let ids: Vec<String> = moved
            .keys()
            .map(|k| k.1.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mb = self.shards.master.backend();
        let prices: HashMap<String, i64> = self
            .shards
            .master
            .browse(move |p| Box::pin(async move { master::products_by_ids(&p, mb, &ids).await }))
            .await?
            .into_iter()
            .map(|p| (p.id, p.price))
            .collect();
        let mut days: BTreeMap<NaiveDate, DayFlow> = BTreeMap::new();
        let mut d = mq.period.from;
        while d <= mq.period.to {
            days.insert(
                d,
                DayFlow {
                    day: d,
                    qty_in: Quantity(0),
                    qty_out: Quantity(0),
                    value_in: Money(0),
                    value_out: Money(0),
                },
            );
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        for ((day, pid), (i, o)) in moved {
            let price = Money(prices.get(&pid).copied().unwrap_or(0));
            if let Some(f) = days.get_mut(&day) {
                f.qty_in.0 += i;
                f.qty_out.0 += o;
                f.value_in.0 += price.times(Quantity(i)).0;
                f.value_out.0 += price.times(Quantity(o)).0;
            }
        }
        Ok(days.into_values().collect())
    }
}

/// The local day of an instant.
fn local_day(micros: i64) -> NaiveDate {
    use chrono::TimeZone;
    match chrono::Local.timestamp_micros(micros) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.date_naive(),
        chrono::LocalResult::None => NaiveDate::default(),
    }
}
