//! Reading transactions: lists with filters, and one document with its lines.

use serde::Serialize;

use super::Services;
use crate::db::journal::{self, Header, Line, TxnCursor, TxnFilter};
use crate::db::keyset::Seek;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct TxnDetail {
    pub header: Header,
    pub lines: Vec<Line>,
}

impl Services {
    /// Transactions newest first; `limit` None means all. `skip` rows are passed over by
    /// paging from key to key, never by OFFSET (the CLI asks for the first rows).
    pub async fn list_transactions(
        &self,
        f: &TxnFilter,
        limit: Option<i64>,
        skip: i64,
    ) -> Result<Vec<Header>> {
        let mut seek = Seek::First;
        let mut skip = skip.max(0);
        while skip > 0 {
            let step = skip.min(10_000);
            let passed = self.transactions_page(f, seek.clone(), Some(step)).await?;
            match passed.last() {
                Some(h) if passed.len() as i64 == step => seek = Seek::After(TxnCursor::of(h)),
                _ => return Ok(Vec::new()),
            }
            skip -= step;
        }
        self.transactions_page(f, seek, limit).await
    }

    /// A page of transactions newest first, from `seek` (keyset paging on time and id, see
    /// [`journal::list_headers`]), `limit` rows (None: to the end).
    pub async fn transactions_page(
        &self,
        f: &TxnFilter,
        seek: Seek<TxnCursor>,
        limit: Option<i64>,
    ) -> Result<Vec<Header>> {
        self.settled().await;
        let b = self.shards.transaction.backend();
        let f = f.clone();
        self.shards
            .transaction
            .browse(move |p| {
                Box::pin(async move { journal::list_headers(&p, b, &f, &seek, limit).await })
            })
            .await
    }

    /// One transaction by its number (e.g. ISS-2026-000123), with its lines.
    pub async fn transaction_detail(&self, number: &str) -> Result<TxnDetail> {
        self.settled().await;
        let b = self.shards.transaction.backend();
        let n = number.to_string();
        let header = self
            .shards
            .transaction
            .browse(move |p| Box::pin(async move { journal::header_by_number(&p, b, &n).await }))
            .await?
            .ok_or_else(|| Error::NotFound(format!("transaction {}", number.trim())))?;
        let id = header.id.clone();
        let lines = self
            .shards
            .transaction
            .browse(move |p| Box::pin(async move { journal::lines_of(&p, b, &id).await }))
            .await?;
        Ok(TxnDetail { header, lines })
    }
}
