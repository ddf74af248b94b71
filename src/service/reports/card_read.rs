//! Reading a stock card: the balances from the snapshot and the journal's sums of the product,
//! then one page of its movements, from the journal (by the product's (product, time) index)
//! and the outbox, merged in card order.

use std::cmp::Ordering;

use super::card::{CardPage, CardQuery, CardRow, MAX_PAGE, StockCard};
use super::engine::{Flow, Head, LocState, OutboxMove, Scope, line_legs, sums_legs};
use crate::db::multi::Arg;
use crate::db::reports::{self as q, Buckets, CardLine, LineKey, SnapFilter};
use crate::domain::{Quantity, TxKind};
use crate::error::{Error, Result};
use crate::service::Services;

/// One movement leg on its way to a row.
#[derive(Debug, Clone)]
struct Leg {
    key: (i64, String, i64, i64),
    number: String,
    kind: TxKind,
    location_id: String,
    counterpart: String,
    reference: Option<String>,
    delta: i64,
}

type Key = (i64, String, i64, i64);

/// What a card's journal read needs.
#[derive(Clone, Copy)]
struct Read<'a> {
    product_id: &'a str,
    scope: &'a Scope,
    span: (i64, i64),
    back: bool,
    cond: &'a (String, Vec<Arg>),
    limit: usize,
    route: crate::db::Route,
}

fn counterpart(
    kind: TxKind,
    leg: i64,
    partner: Option<&str>,
    reference: Option<&str>,
    (source_code, dest_code): (Option<&str>, Option<&str>),
) -> String {
    match kind {
        TxKind::Receipt | TxKind::Issue => partner.unwrap_or_default().to_string(),
        TxKind::Transfer if leg == 0 => dest_code.unwrap_or_default().to_string(),
        TxKind::Transfer => source_code.unwrap_or_default().to_string(),
        TxKind::Adjustment => reference.unwrap_or_default().to_string(),
    }
}

fn journal_legs(l: &CardLine, scope: &Scope) -> Vec<Leg> {
    let Ok(kind) = l.kind.parse::<TxKind>() else {
        return Vec::new();
    };
    line_legs(
        kind,
        l.source_id.as_deref(),
        l.dest_id.as_deref(),
        l.quantity,
        l.applied_delta,
    )
    .into_iter()
    .filter(|(_, loc, _)| scope.contains(loc))
    .map(|(leg, loc, delta)| Leg {
        key: (l.at, l.txn_id.clone(), l.line_no, leg),
        number: l.number.clone(),
        kind,
        counterpart: counterpart(
            kind,
            leg,
            l.partner.as_deref(),
            l.reference.as_deref(),
            (l.source_code.as_deref(), l.dest_code.as_deref()),
        ),
        reference: l.reference.clone(),
        location_id: loc,
        delta,
    })
    .collect()
}

fn outbox_leg(m: &OutboxMove) -> Option<Leg> {
    let kind = m.kind()?;
    let doc = m.document();
    let h = doc.as_ref().map(|d| &d.header);
    let get = |f: fn(&crate::db::journal::Header) -> Option<&str>| h.and_then(f);
    Some(Leg {
        key: (m.at, m.txn_id.clone(), m.line_no, m.leg),
        number: m.number.clone(),
        kind,
        counterpart: counterpart(
            kind,
            m.leg,
            get(|h| h.partner.as_deref()),
            get(|h| h.reference.as_deref()),
            (
                get(|h| h.source_code.as_deref()),
                get(|h| h.dest_code.as_deref()),
            ),
        ),
        reference: get(|h| h.reference.as_deref()).map(str::to_string),
        location_id: m.location_id.clone(),
        delta: m.delta,
    })
}

impl Services {
    /// The whole card of the period in one (every page read in turn): for files and prints.
    pub async fn stock_card_whole(&self, cq: &CardQuery) -> Result<StockCard> {
        let mut q = cq.clone();
        q.limit = MAX_PAGE;
        q.page = CardPage::First;
        let mut card = self.stock_card(&q).await?;
        while card.more_after {
            let Some(last) = card.rows.last() else {
                break;
            };
            q.page = CardPage::After(last.cursor());
            // Each page is read in a newer snapshot: the end figures are the last page's,
            // which its rows lead up to.
            let next = self.stock_card(&q).await?;
            card.rows.extend(next.rows);
            card.more_after = next.more_after;
            card.closing = next.closing;
            card.total_in = next.total_in;
            card.total_out = next.total_out;
            card.stock_now = next.stock_now;
            card.exact &= next.exact;
        }
        Ok(card)
    }

    /// One page of a product's stock card (see [`super::card`]).
    pub async fn stock_card(&self, cq: &CardQuery) -> Result<StockCard> {
        if !(1..=MAX_PAGE).contains(&cq.limit) {
            return Err(Error::Invalid(format!(
                "rows per page must be between 1 and {MAX_PAGE}"
            )));
        }
        let code = cq.product.trim();
        if code.is_empty() {
            return Err(Error::Invalid("give a SKU or barcode".into()));
        }
        let p = self
            .product_by_code(code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("product '{code}'")))?;
        let scope = self
            .report_scope(cq.location.as_deref(), cq.with_children)
            .await?;
        let unit = self
            .list_units()
            .await?
            .into_iter()
            .find(|u| u.id == p.unit_id)
            .map(|u| u.code)
            .unwrap_or_default();

        // The snapshot: the product's stock everywhere, its outbox movements, the sequences.
        let lb = self.shards.location.backend();
        let filter = SnapFilter {
            product_id: Some(p.id.clone()),
            locations: None,
            docs: true,
            skip_stock: false,
        };
        let rows = self
            .shards
            .location
            .browse(move |pool| Box::pin(async move { q::snapshot(&pool, lb, &filter).await }))
            .await?;
        let mut head = Head::default();
        let mut state = LocState::default();
        for r in rows {
            if let Some(s) = head.take(r)
                && scope.contains(s.b.as_deref().unwrap_or_default())
            {
                state.stock += s.n1.unwrap_or(0);
            }
        }
        let cond = head.counted()?;
        let (start, end) = (cq.period.start(), cq.period.end());

        // Everything from the period's start on: the balances at both ends.
        let (route, exact) = self.journal_route();
        let tb = self.shards.transaction.backend();
        let (pid, c2) = (p.id.clone(), cond.clone());
        let sums = self
            .shards
            .transaction
            .read_on(route, move |pool| {
                Box::pin(async move {
                    q::product_sums(&pool, tb, &pid, Buckets::Period { from: start, end }, &c2)
                        .await
                })
            })
            .await?;
        for s in &sums {
            for (loc, flow, d) in sums_legs(s) {
                if scope.contains(&loc) {
                    state.add(flow, d, s.bucket == 0);
                }
            }
        }
        for m in &head.outbox {
            if m.at >= start
                && scope.contains(&m.location_id)
                && let Some(k) = m.kind()
            {
                state.add(Flow::of(k, m.delta), m.delta, m.at < end);
            }
        }
        let (opening, closing) = (state.opening(), state.closing());

        let (back, cursor, mut balance) = match &cq.page {
            CardPage::First => (false, None, opening),
            CardPage::Last => (true, None, closing),
            CardPage::After(c) => (false, Some(c), c.balance),
            CardPage::Before(c) => (true, Some(c), c.balance - c.delta),
        };
        let ckey: Option<Key> = cursor.map(|c| (c.at, c.txn_id.clone(), c.line_no, c.leg));
        let past = |k: &Key| match &ckey {
            None => true,
            Some(c) => {
                k.cmp(c)
                    == if back {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
            }
        };
        let mut legs: Vec<Leg> = head
            .outbox
            .iter()
            .filter(|m| m.at >= start && m.at < end && scope.contains(&m.location_id))
            .filter_map(outbox_leg)
            .filter(|l| past(&l.key))
            .collect();
        let from = ckey.as_ref().map(|c| LineKey {
            at: c.0,
            txn_id: c.1.clone(),
            line_no: c.2,
        });
        let read = Read {
            product_id: &p.id,
            scope: &scope,
            span: (start, end),
            back,
            cond: &cond,
            limit: cq.limit,
            route,
        };
        legs.extend(self.card_journal_legs(&read, from, &past).await?);
        legs.sort_by(|a, b| {
            if back {
                b.key.cmp(&a.key)
            } else {
                a.key.cmp(&b.key)
            }
        });
        let more = legs.len() > cq.limit;
        legs.truncate(cq.limit);
        let mut rows = Vec::with_capacity(legs.len());
        for l in legs {
            if !back {
                balance += l.delta;
            }
            rows.push(CardRow {
                at: l.key.0,
                number: l.number,
                kind: l.kind,
                location: scope.code(&l.location_id),
                counterpart: l.counterpart,
                reference: l.reference,
                qty_in: Quantity(l.delta.max(0)),
                qty_out: Quantity((-l.delta).max(0)),
                balance: Quantity(balance),
                txn_id: l.key.1,
                line_no: l.key.2,
                leg: l.key.3,
            });
            if back {
                balance -= l.delta;
            }
        }
        if back {
            rows.reverse();
        }
        let (more_before, more_after) = match &cq.page {
            CardPage::First => (false, more),
            CardPage::After(_) => (true, more),
            CardPage::Last => (more, false),
            CardPage::Before(_) => (more, true),
        };
        Ok(StockCard {
            product_id: p.id,
            sku: p.sku,
            name: p.name,
            unit,
            location: scope.root.as_ref().map(|r| r.code.clone()),
            with_children: cq.with_children,
            locations: scope.codes(),
            period: cq.period,
            opening: Quantity(opening),
            total_in: state.flows.qty_in(),
            total_out: state.flows.qty_out(),
            closing: Quantity(closing),
            stock_now: Quantity(state.stock),
            rows,
            more_before,
            more_after,
            exact,
        })
    }

    /// Journal legs in scope past the cursor (in card order, or backward), at least
    /// `limit + 1` of them unless the period has fewer. `key` is the cursor's line.
    async fn card_journal_legs(
        &self,
        r: &Read<'_>,
        mut key: Option<LineKey>,
        past: &(dyn Fn(&Key) -> bool + Sync),
    ) -> Result<Vec<Leg>> {
        let Read {
            product_id,
            scope,
            span,
            back,
            cond,
            limit,
            route,
        } = *r;
        let tb = self.shards.transaction.backend();
        let sql_ids = scope.sql_ids();
        // A scope too long to bind is filtered here; read more lines per trip then.
        let batch = if scope.ids.is_some() && sql_ids.is_none() {
            (limit + 1) * 4
        } else {
            limit + 1
        } as i64;
        let mut out: Vec<Leg> = Vec::new();
        // The line a continued read starts at (read again by the inclusive key): skipped.
        let mut seen: Option<LineKey> = None;
        loop {
            let (pid, k, ids, c) = (
                product_id.to_string(),
                key.clone(),
                sql_ids.clone(),
                cond.clone(),
            );
            let lines = self
                .shards
                .transaction
                .read_on(route, move |pool| {
                    Box::pin(async move {
                        q::card_lines(
                            &pool,
                            tb,
                            &pid,
                            span,
                            k.as_ref(),
                            back,
                            ids.as_deref(),
                            &c,
                            batch,
                        )
                        .await
                    })
                })
                .await?;
            let n = lines.len() as i64;
            let last = lines.last().map(|l| LineKey {
                at: l.at,
                txn_id: l.txn_id.clone(),
                line_no: l.line_no,
            });
            for l in &lines {
                let lk = LineKey {
                    at: l.at,
                    txn_id: l.txn_id.clone(),
                    line_no: l.line_no,
                };
                if seen.as_ref() == Some(&lk) {
                    continue;
                }
                out.extend(journal_legs(l, scope).into_iter().filter(|l| past(&l.key)));
            }
            if n < batch || out.len() > limit || last.is_none() {
                return Ok(out);
            }
            seen = last.clone();
            key = last;
        }
    }
}
