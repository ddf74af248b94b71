//! Monthly closing balances (tutup buku): the stock of every product at every location at the
//! end of each closed calendar month, kept on the transaction shard, so that the opening
//! balance of a period far back costs a closing's rows plus the journal lines from that
//! month's end to the period, instead of half the journal.
//!
//! # What a closing is
//!
//! A closing of month M holds the sum of the posted journal lines timed before M's end, per
//! product and location (only rows not zero), and a marker with M's boundaries (micros UTC,
//! the local midnights of the timezone the reports use: a closing made under another timezone
//! has other boundaries and is never used) and a fingerprint of the journal up to M's end:
//! the number of journal headers created before M's end (an index-only count; a line is timed
//! at its document's decision, and a header is created before it), and the daily summaries'
//! totals (documents, lines, quantity, value) of the days up to M's last day.
//!
//! # When a closing is trusted (the rule)
//!
//! A closing is used only while the fingerprint read now equals the one in its marker. A
//! document journaled late into a closed month (an outbox entry decided inside it), or a
//! restore that removes documents, changes the headers created before the month's end, so the
//! closing is stale: it is not used, and the next closer recomputes it from the previous
//! valid closing (its rows then get a new id; the stale rows stay, unused). Besides, a report
//! uses a closing only if no document in its snapshot's outbox is timed before the closing's
//! end (such a document may or may not be in the closing yet), else it sums from the
//! beginning. `gudang check` proves every trusted closing equals the journal's sums.
//!
//! # Who closes
//!
//! Lazily, when a report would read less from a closing than from the stock or the beginning
//! (by the daily summaries), and explicitly through [`Services::close_months`] (the bench calls
//! it after loading history). Only months that ended more than [`MARGIN`] ago are closed, so
//! the decisions in flight at the month's end are journaled. Each month is the previous
//! closing plus the month's journal sums; the month's fingerprint is read before and after its
//! sums (and the previous one's after), and a change stops the closing there. Rows are written
//! insert-or-ignore under an id that hashes month, boundaries and fingerprint, the marker
//! last, so two closers write the same rows and a marker always has all of its rows. With the
//! transaction primary down nothing is written and the reports read as before.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use tokio::sync::mpsc;

use super::engine::sums_legs;
use super::period::{day_start, today};
use crate::db::Route;
use crate::db::reports::closing::{self as cq, Fingerprint, Marker};
use crate::db::reports::{self as q, Buckets, LineSums};
use crate::domain::ids::{local_day, now_micros};
use crate::error::{Error, Result};
use crate::service::Services;

/// A month is closed only this long after its end (micros): decisions in flight at its end
/// are journaled by then.
pub const MARGIN: i64 = 3_600_000_000;

/// Closing rows per write job (a job is one transaction of the shard's writer).
const WRITE_ROWS: usize = 5_000;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first() - Duration::days(1)
    }

    /// Its first instant (local midnight), micros UTC.
    pub fn start(self) -> i64 {
        day_start(self.first())
    }

    /// The first instant after it.
    pub fn end(self) -> i64 {
        self.next().start()
    }

    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// The newest month that may be closed at `now`.
pub fn closable(now: i64) -> Month {
    let mut m = Month::of(today()).prev();
    while m.end().saturating_add(MARGIN) > now {
        m = m.prev();
    }
    m
}

/// A trusted closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Closing {
    pub id: String,
    pub month: Month,
    pub fp: Fingerprint,
}

impl Closing {
    pub fn end(&self) -> i64 {
        self.month.end()
    }
}

/// What [`Services::close_months`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CloseSummary {
    /// Months closed now.
    pub closed: u32,
    /// Rows those closings hold.
    pub rows: u64,
    /// The newest month with a trusted closing, if any.
    pub through: Option<Month>,
}

/// The id of a closing: its month and a hash (FNV-1a, the same in every process) of its
/// boundaries and fingerprint.
fn closing_id(m: Month, fp: &Fingerprint) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        m.key(),
        m.start(),
        m.end(),
        fp.fp_headers,
        fp.fp_txns,
        fp.fp_lines,
        fp.fp_qty,
        fp.fp_value
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{}-{h:016x}", m.key())
}

pub(crate) fn month_of_key(key: &str) -> Option<Month> {
    let (y, m) = key.split_once('-')?;
    let m = Month {
        year: y.parse().ok()?,
        month: m.parse().ok()?,
    };
    (1..=12).contains(&m.month).then_some(m)
}

impl Services {
    /// The journal's fingerprint of month `m`, read on `route`.
    pub(crate) async fn closing_fp(&self, route: Route, m: Month) -> Result<Fingerprint> {
        let b = self.shards.transaction.backend();
        let day = m.last_day().to_string();
        let end = m.end();
        self.shards
            .transaction
            .read_on(route, move |p| {
                Box::pin(async move { cq::fingerprint(&p, b, end, &day).await })
            })
            .await
    }

    /// The newest trusted closing of a month at or before `upto`, read on `route`.
    pub(crate) async fn trusted_closing(
        &self,
        route: Route,
        upto: Month,
    ) -> Result<Option<Closing>> {
        let b = self.shards.transaction.backend();
        let markers: Vec<Marker> = self
            .shards
            .transaction
            .read_on(route, move |p| {
                Box::pin(async move { cq::markers(&p, b).await })
            })
            .await?;
        let mut months: Vec<Month> = Vec::new();
        for k in &markers {
            if let Some(m) = month_of_key(&k.month).filter(|m| *m <= upto) {
                months.push(m);
            }
        }
        months.sort();
        months.dedup();
        for m in months.into_iter().rev() {
            let (start, end) = (m.start(), m.end());
            let key = m.key();
            let candidates: Vec<(String, Fingerprint)> = markers
                .iter()
                .filter(|k| k.month == key && k.start_at == start && k.end_at == end)
                .map(|k| (k.id.clone(), k.fp))
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let fp = self.closing_fp(route, m).await?;
            if let Some((id, _)) = candidates.into_iter().find(|(_, f)| *f == fp) {
                return Ok(Some(Closing { id, month: m, fp }));
            }
        }
        Ok(None)
    }

    /// The balances closing `id` holds, by (product, location).
    pub(crate) async fn closing_balances(
        &self,
        id: &str,
    ) -> Result<HashMap<(String, String), i64>> {
        let b = self.shards.transaction.backend();
        let id = id.to_string();
        let rows = self
            .shards
            .transaction
            .read(move |p| Box::pin(async move { cq::rows(&p, b, &id).await }))
            .await?;
        Ok(rows.into_iter().map(|(p, l, q)| ((p, l), q)).collect())
    }

    /// Whether `c` may still be used: the journal's fingerprint is unchanged.
    pub(crate) async fn closing_still_trusted(&self, route: Route, c: &Closing) -> Result<bool> {
        Ok(self.closing_fp(route, c.month).await? == c.fp)
    }

    /// Closes every closable month (see the module doc); returns what it did.
    pub async fn close_months(&self) -> Result<CloseSummary> {
        Ok(self.close_through(closable(now_micros())).await?.0)
    }

    /// Closes the months up to `upto` that have no trusted closing, each from the previous
    /// one. Stops (without error) where the journal changes meanwhile or the primary cannot
    /// be written; `through` (and the closing returned) is then the newest trusted closing.
    pub(crate) async fn close_through(
        &self,
        upto: Month,
    ) -> Result<(CloseSummary, Option<Closing>)> {
        let upto = upto.min(closable(now_micros()));
        let mut done = CloseSummary::default();
        let mut base = self.trusted_closing(Route::Primary, upto).await?;
        done.through = base.as_ref().map(|c| c.month);
        if base.as_ref().is_some_and(|c| c.month == upto) {
            return Ok((done, base));
        }
        let b = self.shards.transaction.backend();
        let Some(first) = self
            .shards
            .transaction
            .read(move |p| Box::pin(async move { cq::first_created(&p, b).await }))
            .await?
        else {
            return Ok((done, base));
        };
        let first = Month::of(
            NaiveDate::parse_from_str(&local_day(first), "%Y-%m-%d").unwrap_or_else(|_| today()),
        );
        let mut state = match &base {
            Some(c) => self.closing_balances(&c.id).await?,
            None => HashMap::new(),
        };
        let mut m = base.as_ref().map_or(first, |c| c.month.next());
        while m <= upto {
            if self
                .shards
                .transaction
                .health()
                .primary_down_since()
                .is_some()
            {
                return Ok((done, base));
            }
            let fp = self.closing_fp(Route::Primary, m).await?;
            let since = base.as_ref().map_or(i64::MIN, Closing::end);
            self.add_month_sums(&mut state, since, m.end()).await?;
            let moved = self.closing_fp(Route::Primary, m).await? != fp;
            let base_moved = match &base {
                Some(c) => !self.closing_still_trusted(Route::Primary, c).await?,
                None => false,
            };
            if moved || base_moved {
                return Ok((done, if base_moved { None } else { base }));
            }
            let id = closing_id(m, &fp);
            state.retain(|_, q| *q != 0);
            let mut rows: Vec<(&String, &String, i64)> =
                state.iter().map(|((p, l), q)| (p, l, *q)).collect();
            rows.sort();
            let count = rows.len() as u64;
            match self.store_closing(m, &id, fp, &rows).await {
                Ok(true) => {}
                Ok(false) => return Ok((done, base)),
                Err(e) => {
                    tracing::warn!("closing {} not stored: {e}", m.key());
                    return Ok((done, base));
                }
            }
            done.closed += 1;
            done.rows += count;
            done.through = Some(m);
            base = Some(Closing { id, month: m, fp });
            m = m.next();
        }
        Ok((done, base))
    }

    /// Adds the posted journal lines timed in `[since, end)` to `state`.
    pub(crate) async fn add_month_sums(
        &self,
        state: &mut HashMap<(String, String), i64>,
        since: i64,
        end: i64,
    ) -> Result<()> {
        let b = self.shards.transaction.backend();
        let (tx, mut rx) = mpsc::channel::<Vec<LineSums>>(4);
        let tr = self.shards.transaction.clone();
        let read = tokio::spawn(async move {
            tr.read(move |p| {
                Box::pin(async move {
                    let cond = (" AND t.status = 'posted'".to_string(), Vec::new());
                    let buckets = Buckets::Forward {
                        since,
                        from: since,
                        end,
                    };
                    q::line_sums_stream(&p, b, buckets, None, &cond, tx).await
                })
            })
            .await
        });
        while let Some(chunk) = rx.recv().await {
            for s in chunk {
                for (l, _, d) in sums_legs(&s) {
                    *state.entry((s.product_id.clone(), l)).or_default() += d;
                }
            }
        }
        read.await
            .map_err(|e| Error::Unavailable(format!("a closing's read stopped: {e}")))?
    }

    /// Writes a closing's rows, then its marker if the month's fingerprint is still `fp` (read
    /// in the marker's own write). `Ok(false)`: the journal changed; no marker written.
    async fn store_closing(
        &self,
        m: Month,
        id: &str,
        fp: Fingerprint,
        rows: &[(&String, &String, i64)],
    ) -> Result<bool> {
        let b = self.shards.transaction.backend();
        let count = rows.len() as i64;
        for chunk in rows.chunks(WRITE_ROWS) {
            let id = id.to_string();
            let chunk: Vec<(String, String, i64)> = chunk
                .iter()
                .map(|(p, l, q)| ((*p).clone(), (*l).clone(), *q))
                .collect();
            self.shards
                .transaction
                .write(move |c| Box::pin(async move { cq::insert_rows(c, b, &id, &chunk).await }))
                .await?;
        }
        let marker = Marker {
            id: id.to_string(),
            month: m.key(),
            start_at: m.start(),
            end_at: m.end(),
            fp,
            row_count: count,
            closed_at: now_micros(),
        };
        let day = m.last_day().to_string();
        self.shards
            .transaction
            .write(move |c| {
                Box::pin(async move {
                    if cq::fingerprint_on(c, b, marker.end_at, &day).await? != marker.fp {
                        return Ok(false);
                    }
                    cq::insert_marker(c, b, &marker).await?;
                    Ok(true)
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_over_years() {
        let m = Month::of(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
        assert_eq!(m.prev().key(), "2025-12");
        assert_eq!(m.prev().next(), m);
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        assert!(m.start() < m.end());
        assert_eq!(month_of_key("2025-12"), Some(m.prev()));
        assert_eq!(month_of_key("2025-13"), None);
    }

    #[test]
    fn closing_ids_follow_the_fingerprint() {
        let m = Month {
            year: 2026,
            month: 3,
        };
        let fp = Fingerprint::default();
        let other = Fingerprint {
            fp_headers: 1,
            ..fp
        };
        assert_eq!(closing_id(m, &fp), closing_id(m, &fp));
        assert_ne!(closing_id(m, &fp), closing_id(m, &other));
        assert!(closing_id(m, &fp).len() <= 40);
    }
}
