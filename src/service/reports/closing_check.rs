//! `gudang check`'s part on the monthly closings (see [`super::closing`]): every closing that
//! a report would trust equals the journal's sums up to its month's end. The journal is read
//! once, month by month, in the order of the closings (linear in the journal, plus the rows of
//! the trusted closings); a closing whose month's journal changed during the check is left to
//! the next one (it is no longer trusted anyway).

use std::collections::HashMap;

use super::closing::{Closing, Month};
use crate::db::Route;
use crate::db::reports::closing as cq;
use crate::error::Result;
use crate::service::Services;

/// Most differences reported per closing (the rest are counted in one line).
const MAX_PER_CLOSING: usize = 20;

impl Services {
    /// Violations `(rule, detail)` of trusted closings that differ from the journal.
    pub(crate) async fn check_closings(&self) -> Result<Vec<(&'static str, String)>> {
        let b = self.shards.transaction.backend();
        let markers = self
            .shards
            .transaction
            .read(move |p| Box::pin(async move { cq::markers(&p, b).await }))
            .await?;
        let mut months: Vec<Month> = Vec::new();
        for k in &markers {
            if let Some(m) = super::closing::month_of_key(&k.month) {
                months.push(m);
            }
        }
        months.sort();
        months.dedup();
        let mut trusted: Vec<Closing> = Vec::new();
        for m in months {
            let fp = self.closing_fp(Route::Primary, m).await?;
            let (key, start, end) = (m.key(), m.start(), m.end());
            if let Some(k) = markers
                .iter()
                .find(|k| k.month == key && k.start_at == start && k.end_at == end && k.fp == fp)
            {
                trusted.push(Closing {
                    id: k.id.clone(),
                    month: m,
                    fp,
                });
            }
        }
        let mut out = Vec::new();
        let mut state: HashMap<(String, String), i64> = HashMap::new();
        let mut since = i64::MIN;
        for c in trusted {
            self.add_month_sums(&mut state, since, c.end()).await?;
            since = c.end();
            let stored = self.closing_balances(&c.id).await?;
            if !self.closing_still_trusted(Route::Primary, &c).await? {
                continue;
            }
            let mut diffs: Vec<(String, String, i64, i64)> = Vec::new();
            for ((p, l), q) in &stored {
                let j = state.get(&(p.clone(), l.clone())).copied().unwrap_or(0);
                if *q != j {
                    diffs.push((p.clone(), l.clone(), *q, j));
                }
            }
            for ((p, l), j) in &state {
                if *j != 0 && !stored.contains_key(&(p.clone(), l.clone())) {
                    diffs.push((p.clone(), l.clone(), 0, *j));
                }
            }
            diffs.sort();
            let month = c.month.key();
            for (p, l, q, j) in diffs.iter().take(MAX_PER_CLOSING) {
                out.push((
                    "closing",
                    format!(
                        "the closing of {month} holds {q} of product {p} at location {l} but the journal sums to {j} (milli-units)"
                    ),
                ));
            }
            if diffs.len() > MAX_PER_CLOSING {
                out.push((
                    "closing",
                    format!(
                        "the closing of {month} differs from the journal in {} more rows",
                        diffs.len() - MAX_PER_CLOSING
                    ),
                ));
            }
        }
        Ok(out)
    }
}
