//! A test environment on any backend: fresh shards on temp SQLite files, or fresh databases on
//! the process's throwaway PostgreSQL server (see `pg`) or MariaDB server (see `mariadb`).
//! Service tests take a [`Db`] and [`for_all_backends!`](crate::for_all_backends) runs each one
//! on all three.

use gudang::config::Config;
use gudang::db::{Backend, ShardName};
use gudang::domain::{Quantity, Role, TxKind};
use gudang::service::catalog::ProductInput;
use gudang::service::posting::{LineRequest, PostRequest};
use gudang::{Actor, Services};
use sqlx::{AnyConnection, Connection, Executor};

use super::{mariadb, pg};

/// Which database the shards live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    Mariadb,
}

impl Db {
    /// The name gudang reports for this backend (`Backend::name`, as in `gudang status`).
    pub fn backend_name(self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
            Db::Mariadb => "mysql",
        }
    }

    /// A test's SQL adjusted for this backend. Tests write SQL as gudang does, SQLite-style
    /// (e.g. integer casts as `CAST(x AS BIGINT)`, values inlined as literals). On MariaDB it
    /// goes through gudang's own MySQL rewrite (`Backend::dyn_sql`), which among other things
    /// turns ` AS BIGINT)` into ` AS SIGNED)` (MariaDB has no BIGINT cast target; SIGNED is
    /// 64-bit too) and ` AS TEXT)` into ` AS CHAR)`. SQLite and PostgreSQL get the text as it
    /// is (tests use no `?` placeholders here, so PostgreSQL needs no renumbering).
    pub fn sql(self, sql: &str) -> String {
        match self {
            Db::Mariadb => Backend::Mysql.dyn_sql(sql.to_string()).0,
            Db::Sqlite | Db::Postgres => sql.to_string(),
        }
    }
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

/// A config whose three shard URLs point at fresh, empty databases of `db`, with the temp
/// directory that holds the SQLite files (and nothing else, for the servers).
pub async fn fresh_config(db: Db) -> (Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..Config::default()
    };
    c.posting.recovery_grace_secs = 0;
    c.database.read_connections = 2;
    const SHARDS: [&str; 3] = ["master", "location", "transaction"];
    let urls = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(pg::create_databases(&SHARDS).await),
        Db::Mariadb => Some(mariadb::create_databases(&SHARDS).await),
    };
    if let Some(urls) = urls {
        c.database.master_url = urls[0].clone();
        c.database.location_url = urls[1].clone();
        c.database.transaction_url = urls[2].clone();
    }
    (c, dir)
}

/// Open services on fresh shards, with a first admin.
pub struct TestEnv {
    pub db: Db,
    pub config: Config,
    pub services: Services,
    pub admin: Actor,
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    /// Posts `r` as the admin and insists that it was posted; returns its number.
    pub async fn post_ok(&self, r: &PostRequest) -> String {
        let o = self.services.post(&self.admin, r).await.expect("post");
        assert!(o.is_posted(), "{o:?}");
        o.number
    }

    pub async fn new(db: Db) -> TestEnv {
        TestEnv::with(db, |_| {}).await
    }

    /// Like [`TestEnv::new`], with the config adjusted first.
    pub async fn with(db: Db, adjust: impl FnOnce(&mut Config)) -> TestEnv {
        let (mut config, dir) = fresh_config(db).await;
        adjust(&mut config);
        let services = Services::open(config.clone()).await.expect("open shards");
        let admin = services
            .create_first_admin("admin@example.test", "Admin", PASSWORD)
            .await
            .expect("first admin");
        TestEnv {
            db,
            config,
            services,
            admin,
            dir,
        }
    }

    /// A second set of services on the same shards, with the config adjusted (e.g. stronger
    /// argon2 parameters), as a restarted or second process would have.
    pub async fn reopen(&self, adjust: impl FnOnce(&mut Config)) -> Services {
        let mut c = self.config.clone();
        adjust(&mut c);
        Services::open(c).await.expect("reopen shards")
    }

    /// A raw connection to one shard, for the test to look at or tamper with the data directly.
    /// On MariaDB it gets gudang's session settings (standard quoting, strict mode, literals
    /// compared in the database's byte order), so that a test's SQL means what gudang's does.
    pub async fn raw(&self, shard: ShardName) -> AnyConnection {
        sqlx::any::install_default_drivers();
        let mut c = AnyConnection::connect(&self.config.shard_url(shard))
            .await
            .expect("raw connection");
        if self.db == Db::Mariadb {
            for stmt in Backend::Mysql.session_setup() {
                c.execute(*stmt).await.expect(stmt);
            }
        }
        c
    }

    /// Runs one statement on a shard (adjusted by [`Db::sql`]); returns the rows it changed.
    pub async fn exec(&self, shard: ShardName, sql: &str) -> u64 {
        let mut c = self.raw(shard).await;
        let n = c
            .execute(sqlx::AssertSqlSafe(self.db.sql(sql)))
            .await
            .expect(sql)
            .rows_affected();
        let _ = c.close().await;
        n
    }

    /// The first column of the first row of a query, as an integer. Cast it with
    /// `CAST(x AS BIGINT)` (sums and the like); on MariaDB that becomes `AS SIGNED` (see
    /// [`Db::sql`]).
    pub async fn int(&self, shard: ShardName, sql: &str) -> i64 {
        let mut c = self.raw(shard).await;
        let v: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(self.db.sql(sql)))
            .fetch_one(&mut c)
            .await
            .expect(sql);
        let _ = c.close().await;
        v
    }

    /// The first column of the first row of a query (adjusted by [`Db::sql`]), as text.
    pub async fn text(&self, shard: ShardName, sql: &str) -> String {
        let mut c = self.raw(shard).await;
        let v: String = sqlx::query_scalar(sqlx::AssertSqlSafe(self.db.sql(sql)))
            .fetch_one(&mut c)
            .await
            .expect(sql);
        let _ = c.close().await;
        v
    }

    /// Adds a user with `role` (email `<role><n>@example.test`) and returns it as an actor.
    /// Moves posted document `number` `days` back in time on both shards (header, lines,
    /// movements, decision), as if it had been posted then. The daily summaries are left as
    /// they were.
    pub async fn backdate(&self, number: &str, days: i64) {
        self.services.finish_journal().await;
        let id = self
            .text(
                ShardName::Transaction,
                &format!("SELECT id FROM transactions WHERE number = '{number}'"),
            )
            .await;
        let by = days * 86_400_000_000;
        let at = self
            .int(
                ShardName::Transaction,
                &format!("SELECT created_at FROM transactions WHERE id = '{id}'"),
            )
            .await
            - by;
        let day = gudang::domain::ids::local_day(at);
        for sql in [
            format!(
                "UPDATE transactions SET created_at = created_at - {by}, decided_at = decided_at - {by}, day = '{day}' WHERE id = '{id}'"
            ),
            format!("UPDATE transaction_lines SET at = at - {by} WHERE txn_id = '{id}'"),
        ] {
            self.exec(ShardName::Transaction, &sql).await;
        }
        for sql in [
            format!("UPDATE movements SET at = at - {by} WHERE txn_id = '{id}'"),
            format!("UPDATE outcomes SET at = at - {by} WHERE txn_id = '{id}'"),
        ] {
            self.exec(ShardName::Location, &sql).await;
        }
    }

    pub async fn user(&self, role: Role, n: u32) -> Actor {
        let email = format!("{role}{n}@example.test");
        self.services
            .add_user(&self.admin, &email, &format!("{role} {n}"), role, PASSWORD)
            .await
            .expect("add user");
        self.services.actor_by_email(&email).await.expect("actor")
    }

    /// Units PCS (whole) and KG (3 decimals), category Hardware, locations A and B, and
    /// products P1..Pn (PCS, price 2.50, minimum 5, barcode 899000000n).
    pub async fn seed(&self, products: usize) {
        let (s, a) = (&self.services, &self.admin);
        s.add_unit(a, "PCS", "Pieces", 0).await.expect("unit");
        s.add_unit(a, "KG", "Kilogram", 3).await.expect("unit");
        s.add_category(a, "Hardware").await.expect("category");
        s.add_location(a, "A", "Warehouse A", None)
            .await
            .expect("loc A");
        s.add_location(a, "B", "Warehouse B", None)
            .await
            .expect("loc B");
        for i in 1..=products {
            s.add_product(
                a,
                &product(
                    &format!("P{i}"),
                    &format!("Product {i}"),
                    Some(&format!("899{i:07}")),
                ),
            )
            .await
            .expect("product");
        }
    }
}

/// A product form in category Hardware, unit PCS, price 2.50, minimum 5.
pub fn product(sku: &str, name: &str, barcode: Option<&str>) -> ProductInput {
    ProductInput {
        sku: sku.into(),
        name: name.into(),
        barcode: barcode.map(Into::into),
        category: Some("Hardware".into()),
        unit: Some("PCS".into()),
        price: Some("2.50".into()),
        min_qty: Some("5".into()),
        active: None,
    }
}

/// A document line of whole units at the product's price.
/// A posting request of `kind` between `source` and `dest` (location codes).
pub fn req(
    kind: TxKind,
    source: Option<&str>,
    dest: Option<&str>,
    lines: Vec<LineRequest>,
) -> PostRequest {
    PostRequest {
        kind: Some(kind),
        source: source.map(Into::into),
        dest: dest.map(Into::into),
        lines,
        ..Default::default()
    }
}

pub fn line(code: &str, units: i64) -> LineRequest {
    LineRequest {
        code: code.into(),
        qty: Quantity::units(units),
        price: None,
    }
}

/// Instantiates each named `async fn NAME(db: Db)` of the calling file as a test on SQLite
/// (`sqlite::NAME`), on PostgreSQL (`postgres::NAME`) and on MariaDB (`mariadb::NAME`).
#[macro_export]
macro_rules! for_all_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::backend::Db::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if $crate::common::pg::skipped() {
                        return;
                    }
                    super::$name($crate::common::backend::Db::Postgres).await
                }
            )+
        }
        mod mariadb {
            $(
                #[tokio::test]
                async fn $name() {
                    if $crate::common::mariadb::skipped() {
                        return;
                    }
                    super::$name($crate::common::backend::Db::Mariadb).await
                }
            )+
        }
    };
}
