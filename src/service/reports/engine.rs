//! What every report shares: the scope (which locations), the snapshot of the location shard
//! and the rule that decides which journal documents count (see the parent module's doc),
//! and how a journal line or a sum of lines moves stock at each location.

use std::collections::{HashMap, HashSet};

use crate::db::Route;
use crate::db::journal::JournalDoc;
use crate::db::location::Location;
use crate::db::multi::Arg;
use crate::db::reports::{self as q, LineSums, MAX_OUTBOX, SnapRow};
use crate::domain::TxKind;
use crate::error::{Error, Result};
use crate::service::Services;
use crate::service::stock_view::subtree;

/// The locations a report covers.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// The root asked for (its code as typed in the database), `None` for all.
    pub root: Option<Location>,
    /// Ids in scope; `None` is every location.
    pub ids: Option<HashSet<String>>,
    /// Every location by id (codes and names for the rows).
    pub all: HashMap<String, Location>,
}

impl Scope {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.as_ref().is_none_or(|s| s.contains(id))
    }

    /// The ids to bind in SQL, if the scope is a short list; otherwise the caller filters.
    pub fn sql_ids(&self) -> Option<Vec<String>> {
        self.ids
            .as_ref()
            .filter(|s| s.len() <= q::MAX_IN)
            .map(|s| s.iter().cloned().collect())
    }

    pub fn code(&self, id: &str) -> String {
        self.all
            .get(id)
            .map_or_else(|| id.to_string(), |l| l.code.clone())
    }

    /// Codes in scope, sorted (empty for all).
    pub fn codes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.ids.iter().flatten().map(|id| self.code(id)).collect();
        v.sort();
        v
    }
}

/// One movement of a document still in the outbox.
#[derive(Debug, Clone)]
pub(crate) struct OutboxMove {
    pub txn_id: String,
    pub number: String,
    pub product_id: String,
    pub location_id: String,
    pub line_no: i64,
    pub leg: i64,
    pub delta: i64,
    pub at: i64,
    pub doc: Option<String>,
}

impl OutboxMove {
    /// The kind, from the number's prefix (`RCV-...`).
    pub fn kind(&self) -> Option<TxKind> {
        let prefix = self.number.split('-').next().unwrap_or_default();
        TxKind::ALL.into_iter().find(|k| k.prefix() == prefix)
    }

    pub fn document(&self) -> Option<JournalDoc> {
        self.doc
            .as_deref()
            .and_then(|d| JournalDoc::from_json(&self.txn_id, d).ok())
    }
}

/// The head of a snapshot: the number sequences and the outbox's movements.
#[derive(Debug, Default)]
pub(crate) struct Head {
    pub seq: Vec<(String, i64, i64)>,
    pub outbox: Vec<OutboxMove>,
}

impl Head {
    /// Takes a snapshot row that belongs to the head; gives back a stock row.
    pub fn take(&mut self, r: SnapRow) -> Option<SnapRow> {
        match r.tag.as_str() {
            "q" => {
                self.seq.push((
                    r.a.unwrap_or_default(),
                    r.n1.unwrap_or(0),
                    r.n2.unwrap_or(0),
                ));
                None
            }
            "o" => {
                self.outbox.push(OutboxMove {
                    txn_id: r.a.unwrap_or_default(),
                    number: r.d.unwrap_or_default(),
                    product_id: r.k.unwrap_or_default(),
                    location_id: r.b.unwrap_or_default(),
                    line_no: r.n1.unwrap_or(0) / 2,
                    leg: r.n1.unwrap_or(0) % 2,
                    delta: r.n2.unwrap_or(0),
                    at: r.n3.unwrap_or(0),
                    doc: r.doc,
                });
                None
            }
            _ => Some(r),
        }
    }

    /// The condition on journal documents (see [`q::counted`]).
    pub fn counted(&self) -> Result<(String, Vec<Arg>)> {
        let ids: Vec<String> = self
            .outbox
            .iter()
            .map(|m| m.txn_id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if ids.len() > MAX_OUTBOX {
            return Err(Error::Unavailable(format!(
                "{} documents are waiting to be journaled; reports are exact again once recovery has journaled them (try again in a moment)",
                ids.len()
            )));
        }
        Ok(q::counted(&self.seq, &ids))
    }
}

/// Which kind of flow a movement is, at its location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Received,
    Issued,
    TransferIn,
    TransferOut,
    AdjustedIn,
    AdjustedOut,
}

impl Flow {
    /// The flow of a movement of `delta` made by a document of `kind`.
    pub fn of(kind: TxKind, delta: i64) -> Flow {
        match kind {
            TxKind::Receipt => Flow::Received,
            TxKind::Issue => Flow::Issued,
            TxKind::Transfer if delta >= 0 => Flow::TransferIn,
            TxKind::Transfer => Flow::TransferOut,
            TxKind::Adjustment if delta >= 0 => Flow::AdjustedIn,
            TxKind::Adjustment => Flow::AdjustedOut,
        }
    }
}

/// The legs of a journal line: (leg, location id, signed delta), in leg order.
pub(crate) fn line_legs(
    kind: TxKind,
    source: Option<&str>,
    dest: Option<&str>,
    quantity: i64,
    applied: Option<i64>,
) -> Vec<(i64, String, i64)> {
    let at = |l: Option<&str>| l.unwrap_or_default().to_string();
    match kind {
        TxKind::Receipt => vec![(0, at(dest), applied.unwrap_or(quantity))],
        TxKind::Issue => vec![(0, at(source), applied.unwrap_or(-quantity))],
        TxKind::Transfer => vec![(0, at(source), -quantity), (1, at(dest), quantity)],
        TxKind::Adjustment => vec![(0, at(source), applied.unwrap_or(0))],
    }
}

/// The movements a group of journal sums stands for: (location id, flow, signed delta).
/// An adjustment group gives its additions and removals apart.
pub(crate) fn sums_legs(s: &LineSums) -> Vec<(String, Flow, i64)> {
    let Ok(kind) = s.kind.parse::<TxKind>() else {
        return Vec::new();
    };
    let src = s.source_id.clone().unwrap_or_default();
    let dst = s.dest_id.clone().unwrap_or_default();
    match kind {
        TxKind::Receipt => vec![(dst, Flow::Received, s.qty)],
        TxKind::Issue => vec![(src, Flow::Issued, -s.qty)],
        TxKind::Transfer => vec![
            (src, Flow::TransferOut, -s.qty),
            (dst, Flow::TransferIn, s.qty),
        ],
        TxKind::Adjustment => vec![
            (src.clone(), Flow::AdjustedIn, s.plus),
            (src, Flow::AdjustedOut, s.minus),
        ],
    }
}

impl Services {
    /// The locations under `code` (itself included; only itself without `children`), or all.
    pub(crate) async fn report_scope(&self, code: Option<&str>, children: bool) -> Result<Scope> {
        let list = self.list_locations().await?;
        let root = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => {
                let norm = crate::domain::text::norm(c);
                Some(
                    list.iter()
                        .find(|l| crate::domain::text::norm(&l.code) == norm)
                        .cloned()
                        .ok_or_else(|| Error::NotFound(format!("location '{c}'")))?,
                )
            }
            None => None,
        };
        let ids = root.as_ref().map(|r| {
            if children {
                subtree(&list, &r.id).into_iter().collect()
            } else {
                HashSet::from([r.id.clone()])
            }
        });
        Ok(Scope {
            root,
            ids,
            all: list.into_iter().map(|l| (l.id.clone(), l)).collect(),
        })
    }

    /// Where the journal is read: its primary while it answers (exact), else a replica.
    pub(crate) fn journal_route(&self) -> (Route, bool) {
        if self
            .shards
            .transaction
            .health()
            .primary_down_since()
            .is_none()
        {
            (Route::Primary, true)
        } else {
            (Route::Browse, false)
        }
    }

    /// Ids of the products of a category (by name), if one is asked for.
    pub(crate) async fn category_products(
        &self,
        name: Option<&str>,
    ) -> Result<Option<(String, HashSet<String>)>> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        let norm = crate::domain::text::norm(name);
        let cat = self
            .list_categories()
            .await?
            .into_iter()
            .find(|c| crate::domain::text::norm(&c.name) == norm)
            .ok_or_else(|| Error::NotFound(format!("category '{name}'")))?;
        let b = self.shards.master.backend();
        let id = cat.id.clone();
        let ids: Vec<String> = self
            .shards
            .master
            .browse(move |p| {
                Box::pin(async move {
                    sqlx::query_scalar(b.sql("SELECT id FROM products WHERE category_id = ?"))
                        .bind(id)
                        .fetch_all(&p)
                        .await
                        .map_err(Error::db("master"))
                })
            })
            .await?;
        Ok(Some((cat.name, ids.into_iter().collect())))
    }

    /// Category names and unit codes by id, for rows.
    pub(crate) async fn report_names(
        &self,
    ) -> Result<(HashMap<String, String>, HashMap<String, String>)> {
        let cats = self
            .list_categories()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let units = self
            .list_units()
            .await?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
        Ok((cats, units))
    }
}

/// Per location: the snapshot's stock, what moved after the period, and the period's flows.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocState {
    pub stock: i64,
    pub after: i64,
    pub flows: super::Flows,
}

impl LocState {
    pub fn add(&mut self, flow: Flow, delta: i64, in_period: bool) {
        if !in_period {
            self.after += delta;
            return;
        }
        let f = &mut self.flows;
        let v = delta.abs();
        match flow {
            Flow::Received => f.received.0 += v,
            Flow::Issued => f.issued.0 += v,
            Flow::TransferIn => f.transfer_in.0 += v,
            Flow::TransferOut => f.transfer_out.0 += v,
            Flow::AdjustedIn => f.adjusted_in.0 += v,
            Flow::AdjustedOut => f.adjusted_out.0 += v,
        }
    }

    /// Adds a movement summed from the beginning (see `Buckets::Forward`): before the period
    /// (`in_period` false) it only makes the balance; in it, it is a flow too.
    pub fn add_forward(&mut self, flow: Flow, delta: i64, in_period: bool) {
        self.stock += delta;
        if in_period {
            self.add(flow, delta, true);
        }
    }

    pub fn closing(&self) -> i64 {
        self.stock - self.after
    }

    pub fn opening(&self) -> i64 {
        self.closing() - self.flows.qty_in().0 + self.flows.qty_out().0
    }

    pub fn is_zero(&self) -> bool {
        self.stock == 0 && self.after == 0 && self.flows.is_zero()
    }
}
