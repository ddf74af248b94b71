//! Reading transactions: lists with filters, and one document with its lines.

use serde::Serialize;

use super::Services;
use crate::db::journal::{self, Header, Line, TxnFilter};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize)]
pub struct TxnDetail {
    pub header: Header,
    pub lines: Vec<Line>,
}

impl Services {
    /// Transactions newest first; `limit` None means all.
    pub async fn list_transactions(
        &self,
        f: &TxnFilter,
        limit: Option<i64>,
        offset: i64,
    ) -> Result<Vec<Header>> {
        self.settled().await;
        let b = self.shards.transaction.backend();
        let f = f.clone();
        self.shards
            .transaction
            .browse(move |p| {
                Box::pin(async move { journal::list_headers(&p, b, &f, limit, offset).await })
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
