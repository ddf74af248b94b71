//! `gudang bench --floor` on every backend, one second a phase: its statements run, its jobs
//! apply, and it leaves no scratch database, schema or file behind. Nothing here asserts a time.

mod common;

use common::backend::{Db, TestEnv};
use gudang::db::ShardName;
use gudang::service::bench::floor::{self, FloorOptions};
use sqlx::{AnyConnection, Connection};

/// Scratch copies the floor may have left: SQLite files in the data directory, MySQL
/// databases, PostgreSQL schemas.
async fn leftovers(env: &TestEnv) -> Vec<String> {
    match env.db {
        Db::Sqlite => std::fs::read_dir(env.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("bench_floor_"))
            .collect(),
        Db::Mariadb | Db::Postgres => {
            let mut names = Vec::new();
            for shard in [ShardName::Location, ShardName::Transaction] {
                let mut c = AnyConnection::connect(&env.config.shard_url(shard))
                    .await
                    .unwrap();
                let sql = if env.db == Db::Mariadb {
                    "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata WHERE schema_name LIKE 'bench_floor%'"
                } else {
                    "SELECT CAST(nspname AS TEXT) FROM pg_namespace WHERE nspname LIKE 'bench_floor%'"
                };
                names.extend(
                    sqlx::query_scalar::<_, String>(sql)
                        .fetch_all(&mut c)
                        .await
                        .unwrap(),
                );
                let _ = c.close().await;
            }
            names
        }
    }
}

async fn floor_commits_its_jobs_and_leaves_nothing_behind(db: Db) {
    let env = TestEnv::new(db).await;
    let location = env.config.shard_url(ShardName::Location);
    let transaction = env.config.shard_url(ShardName::Transaction);
    let opts = FloorOptions {
        seconds: 1,
        postings_per_job: 7,
        docs_per_journal_job: 10,
        seed: 5,
        session: Vec::new(),
    };
    let r = floor::run(&location, &transaction, &opts).await.unwrap();
    eprintln!("{r:?}");
    assert_eq!(r.backend, db.backend_name());
    assert!(r.sent.jobs > 0 && r.sent.postings_per_sec > 0.0, "{r:?}");
    assert!(r.sent.journal_jobs > 0, "the journal writer ran: {r:?}");
    assert!(r.commits_per_sec > 0.0, "{r:?}");
    match db {
        Db::Sqlite => {
            assert!(r.one_trip.is_none());
            assert_eq!(r.sent.trips_per_job, 3, "{r:?}");
        }
        _ => {
            let one = r.one_trip.as_ref().expect("servers measure one trip too");
            assert!(one.jobs > 0, "{r:?}");
            assert_eq!(one.trips_per_job, 2, "{r:?}");
            assert!(r.sent.trips_per_job > 8, "one statement a trip: {r:?}");
        }
    }
    assert_eq!(leftovers(&env).await, Vec::<String>::new());
    // The deployment itself is untouched.
    let report = env.services.check().await.unwrap();
    assert!(report.ok(), "{:?}", report.violations);
    // A second run starts clean too (names are reused, not piled up), and runs the session
    // statements it is given on its own connections.
    let opts = FloorOptions {
        session: vec!["SELECT 1".into()],
        ..opts
    };
    floor::run(&location, &transaction, &opts).await.unwrap();
    assert_eq!(leftovers(&env).await, Vec::<String>::new());
}

for_all_backends!(floor_commits_its_jobs_and_leaves_nothing_behind);
