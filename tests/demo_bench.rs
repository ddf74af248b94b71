//! `gudang demo` and `gudang bench` against real temp shards: the data they leave passes
//! `check`, daily summaries match the documents, and the bench report has every key scripts
//! compare runs by. Nothing here asserts a time.

mod common;

use common::backend::{Db, TestEnv};

use gudang::Error;
use gudang::db::master::ProductFilter;
use gudang::service::bench::BenchOptions;
use gudang::service::catalog::ProductQuery;
use gudang::service::demo::{DemoOptions, is_valid_ean13};

async fn demo_fills_an_empty_deployment_consistently_and_refuses_a_second_time(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    let opts = DemoOptions {
        products: 300,
        days: 6,
        seed: 7,
        force: false,
    };
    let r = s.demo(&env.admin, &opts).await.unwrap();
    assert_eq!(r.products, 300);
    assert!(
        r.units >= 5 && r.categories >= 5 && r.locations >= 10,
        "{r:?}"
    );
    assert!(r.posted > 50, "days of history were posted: {r:?}");
    // The journal follows the answers (and the test config has no grace period).
    s.settled().await;
    let report = s.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.violations);
    assert_eq!(report.headers, r.postings);
    common::assert_summaries_match(s).await;
    assert_counters_match(s).await;
    let products = s
        .search_products(&ProductQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(products.len(), 300);
    assert!(
        products
            .iter()
            .all(|p| p.barcode.as_deref().is_some_and(is_valid_ean13))
    );
    let kg = s
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == "KG")
        .unwrap();
    assert_eq!(kg.decimals, 3);
    let dash = s.dashboard().await.unwrap();
    assert!(
        dash.daily.iter().filter(|d| d.receipts > 0).count() >= 5,
        "history spreads over the days"
    );

    let again = s.demo(&env.admin, &opts).await.unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref m) if m.contains("--force")),
        "{again}"
    );
    assert_eq!(
        s.count_products(&ProductFilter::default()).await.unwrap(),
        300,
        "a refused run changes nothing"
    );

    let more = s
        .demo(
            &env.admin,
            &DemoOptions {
                products: 40,
                days: 1,
                seed: 7,
                force: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        more.units + more.categories,
        0,
        "existing units and categories are reused"
    );
    assert_eq!(
        s.count_products(&ProductFilter::default()).await.unwrap(),
        340
    );
    s.settled().await;
    assert!(s.check().await.unwrap().ok());
}

async fn demo_is_refused_to_a_clerk_and_on_bad_sizes(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    s.add_user(
        &env.admin,
        "clerk@example.test",
        "Clerk",
        gudang::domain::Role::Clerk,
        "correct horse battery",
    )
    .await
    .unwrap();
    let clerk = s.actor_by_email("clerk@example.test").await.unwrap();
    assert!(matches!(
        s.demo(&clerk, &DemoOptions::default()).await,
        Err(Error::Denied { .. })
    ));
    let zero = DemoOptions {
        products: 0,
        ..Default::default()
    };
    assert!(matches!(
        s.demo(&env.admin, &zero).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(
        s.count_products(&ProductFilter::default()).await.unwrap(),
        0
    );
}

async fn a_tiny_bench_leaves_consistent_data_and_reports_every_key(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    let opts = BenchOptions {
        clerks: 2,
        seconds: 1,
        products: 1000,
        history_lines: 2000,
        seed: 3,
    };
    let r = s.bench(&env.admin, &opts, &|_| {}).await.unwrap();
    assert_eq!(r.products, 1000);
    assert!(r.history_lines >= 2000, "{}", r.history_lines);
    assert!(r.durable, "{:?}", r.synchronous);
    assert_eq!(r.errors, 0, "{:?}", r.first_error);
    assert!(r.postings > 0 && r.postings == r.posted + r.rejected);
    assert_eq!(
        r.search_misses, 0,
        "every query is built from a real product"
    );
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "postings_per_sec",
        "posting_p50_ms",
        "posting_p99_ms",
        "durable",
        "clerks",
        "seconds",
        "postings",
        "dashboard_ms",
        "history_lines",
        "products",
        "search_exact_p99_ms",
        "search_prefix_p99_ms",
        "search_substring_p99_ms",
        "peak_rss_mb",
    ] {
        assert!(json.get(key).is_some(), "the report lacks {key}: {json}");
    }
    // The journal follows the answers (and the test config has no grace period).
    s.settled().await;
    let report = s.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.violations);
    common::assert_summaries_match(s).await;
    assert_counters_match(s).await;

    // A second run tops nothing up and still leaves consistent data.
    let again = s.bench(&env.admin, &opts, &|_| {}).await.unwrap();
    assert_eq!((again.products_added, again.history_lines_added), (0, 0));
    s.settled().await;
    assert!(s.check().await.unwrap().ok());
}

/// The trigger-kept product counts and stock value equal what counting and summing give.
async fn assert_counters_match(s: &gudang::Services) {
    // Through the backend's rewrite: MariaDB spells the BIGINT casts differently.
    let b = s.shards.master.backend();
    let counts: ((i64, i64), (i64, i64)) = s
        .shards
        .master
        .read(move |p| {
            Box::pin(async move {
                let kept = sqlx::query_as("SELECT products, active FROM product_counts")
                    .fetch_one(&p)
                    .await
                    .map_err(Error::db("master"))?;
                let counted = sqlx::query_as(b.sql(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(active), 0) AS BIGINT) FROM products",
                ))
                .fetch_one(&p)
                .await
                .map_err(Error::db("master"))?;
                Ok((kept, counted))
            })
        })
        .await
        .unwrap();
    assert_eq!(counts.0, counts.1);
    let values: (i64, i64) = s
        .shards
        .location
        .read(move |p| {
            Box::pin(async move {
                let kept = sqlx::query_scalar(b.sql("SELECT CAST(value AS BIGINT) FROM stock_value")).fetch_one(&p).await.map_err(Error::db("location"))?;
                // Whole currency units per row, truncated: `/` on integers does that on SQLite
                // and PostgreSQL, but gives a decimal on MariaDB, where `DIV` truncates.
                let summed = sqlx::query_scalar(b.sql(if b == gudang::db::Backend::Mysql {
                    "SELECT CAST(COALESCE(SUM(quantity * price DIV 1000), 0) AS BIGINT) FROM stock WHERE quantity > 0"
                } else {
                    "SELECT CAST(COALESCE(SUM(quantity * price / 1000), 0) AS BIGINT) FROM stock WHERE quantity > 0"
                }))
                .fetch_one(&p)
                .await
                .map_err(Error::db("location"))?;
                Ok((kept, summed))
            })
        })
        .await
        .unwrap();
    assert_eq!(values.0, values.1);
    assert!(values.0 > 0);
}

for_all_backends!(
    demo_fills_an_empty_deployment_consistently_and_refuses_a_second_time,
    demo_is_refused_to_a_clerk_and_on_bad_sizes,
    a_tiny_bench_leaves_consistent_data_and_reports_every_key,
);
