//! The search half of the benchmark: real products picked at random across the catalog, then
//! timed queries of each kind a clerk or a scanner makes.

use sqlx::Row;

use super::{BenchReport, SAMPLE, SEARCH_QUERIES, quantile_ms, timed};
use crate::db::master::{self, Product, ProductFilter, ProductSort};
use crate::error::{Error, Result};
use crate::service::Services;
use crate::service::catalog::ProductQuery;
use crate::service::demo::{Rng, Sources, product};

impl Services {
    /// Up to [`SAMPLE`] real products spread over the catalog: the first product at or after
    /// the SKU of a demo product at a random position, in pages.
    pub(super) async fn sample_products(
        &self,
        src: &Sources,
        seed: u64,
        products: u64,
    ) -> Result<Vec<Product>> {
        let b = self.shards.master.backend();
        if products <= SAMPLE as u64 {
            let f = ProductFilter::default();
            return self
                .shards
                .master
                .read(move |p| {
                    Box::pin(async move {
                        master::browse_products(
                            &p,
                            b,
                            &f,
                            ProductSort::Sku,
                            false,
                            &crate::db::keyset::Seek::First,
                            SAMPLE as i64,
                        )
                        .await
                    })
                })
                .await;
        }
        let mut rng = Rng::new(seed ^ 0x7361_6d70);
        let starts: Vec<String> = (0..SAMPLE / 100)
            .map(|_| crate::domain::text::norm(&product(src, seed, rng.below(products)).sku))
            .collect();
        let ids: Vec<String> = self
            .shards
            .master
            .read(move |p| {
                Box::pin(async move {
                    let mut ids = Vec::new();
                    for s in starts {
                        let rows = sqlx::query(b.sql("SELECT id FROM products WHERE sku_norm >= ? ORDER BY sku_norm LIMIT 100")).bind(s).fetch_all(&p).await.map_err(Error::db("master"))?;
                        ids.extend(rows.iter().filter_map(|r| r.try_get::<String, _>(0).ok()));
                    }
                    Ok(ids)
                })
            })
            .await?;
        let mut ids: Vec<String> = ids
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        ids.truncate(SAMPLE);
        self.shards
            .master
            .read(move |p| Box::pin(async move { master::products_by_ids(&p, b, &ids).await }))
            .await
    }

    pub(super) async fn time_searches(
        &self,
        sample: &[Product],
        seed: u64,
        r: &mut BenchReport,
    ) -> Result<()> {
        let mut rng = Rng::new(seed ^ 0x7365_6172);
        let (mut exact, mut prefix, mut substring) = (Vec::new(), Vec::new(), Vec::new());
        let page = |text: String| ProductQuery {
            text: Some(text),
            limit: 50,
            ..Default::default()
        };
        for i in 0..SEARCH_QUERIES {
            let Some(p) = rng.pick(sample) else { break };
            let code = match (&p.barcode, i % 2) {
                (Some(bc), 1) => bc.clone(),
                _ => p.sku.clone(),
            };
            let (us, found) = timed(self.product_by_code(&code)).await?;
            exact.push(us);
            r.search_misses += usize::from(found.is_none());
            let words: Vec<&str> = p.name.split_whitespace().collect();
            let pre = if i % 2 == 0 {
                p.sku
                    .chars()
                    .take(p.sku.chars().count().saturating_sub(2).max(1))
                    .collect::<String>()
            } else {
                let second: String = words
                    .get(1)
                    .map(|w| w.chars().take(3).collect())
                    .unwrap_or_default();
                format!("{} {second}", words.first().copied().unwrap_or_default())
                    .trim()
                    .to_string()
            };
            let (us, found) = timed(self.search_products(&page(pre))).await?;
            prefix.push(us);
            r.search_misses += usize::from(found.is_empty());
            // A word from the middle of the name (the brand, a size, a variant).
            let middle: Vec<&str> = words
                .iter()
                .skip(1)
                .copied()
                .filter(|w| w.chars().count() >= 4)
                .collect();
            let word = rng
                .pick(&middle)
                .copied()
                .unwrap_or(p.name.as_str())
                .to_string();
            let (us, found) = timed(self.search_products(&page(word))).await?;
            substring.push(us);
            r.search_misses += usize::from(found.is_empty());
        }
        for v in [&mut exact, &mut prefix, &mut substring] {
            v.sort_unstable();
        }
        r.search_queries = exact.len();
        r.search_exact_p99_ms = quantile_ms(&exact, 0.99);
        r.search_prefix_p99_ms = quantile_ms(&prefix, 0.99);
        r.search_substring_p99_ms = quantile_ms(&substring, 0.99);
        Ok(())
    }
}
