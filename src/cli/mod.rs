//! Command-line interface: argument definitions and dispatch. Every command calls the
//! services; this layer only parses, prints and turns errors into exit codes (stderr, 1).

mod audit;
mod backup;
mod count;
mod csv;
mod data;
mod demo;
mod out;
mod post;
mod report;
mod ship;
mod status;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use gudang::domain::role::Permission;
use gudang::{Actor, Config, Services};

pub use out::Failure;

#[derive(Parser, Debug)]
#[command(
    name = "gudang",
    version = gudang::VERSION,
    about = "Terminal inventory system for warehouses",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Directory of the embedded SQLite shards (default: the user's data directory)
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file (default: the user's config directory, if it has one)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Act as this user (default: the first admin); their role is checked
    #[arg(long = "as", global = true, value_name = "EMAIL")]
    pub as_user: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the shards, migrate them, and create the first admin
    Init {
        #[arg(long, value_name = "EMAIL")]
        admin_email: Option<String>,
        #[arg(long, value_name = "NAME")]
        admin_name: Option<String>,
        /// Read the password from standard input instead of prompting
        #[arg(long)]
        password_stdin: bool,
    },
    /// Manage users
    #[command(subcommand)]
    User(data::UserCmd),
    /// Manage product categories
    #[command(subcommand)]
    Category(data::CategoryCmd),
    /// Manage units of measure
    #[command(subcommand)]
    Unit(data::UnitCmd),
    /// Manage products
    #[command(subcommand)]
    Product(data::ProductCmd),
    /// Manage locations (warehouse > zone > bin)
    #[command(subcommand)]
    Location(data::LocationCmd),
    /// Post a transaction
    #[command(subcommand)]
    Post(post::PostCmd),
    /// Show stock per location and product
    Stock(data::StockArgs),
    /// List and show transactions
    #[command(subcommand)]
    Txn(post::TxnCmd),
    /// Reports: movement (laporan mutasi), valuation, reorder
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Stock opname: count sessions (start, scan, review, recount, post, cancel, list, show)
    #[command(subcommand)]
    Count(count::CountCmd),
    /// Verify stock, movements and postings across shards (exit 1 on any violation)
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Journal decided postings left in the outbox (normally automatic at start-up)
    Recover {
        /// Only postings waiting longer than this many seconds (default: the configured grace)
        #[arg(long, value_name = "SECS")]
        grace: Option<u64>,
        /// After restoring the shards with the engines' own tools: reconcile them first (see
        /// docs/backup.md), then journal everything waiting and run the check
        #[arg(long)]
        after_restore: bool,
    },
    /// Show each shard's nodes: role, reachable, latency, lag, read-only, schema, durability
    ///
    /// Exits 0 when all is well, 1 when a replica is over its lag bound or does not answer,
    /// 2 when a primary is down (2 wins).
    Status {
        /// Print a JSON array, one object per node, instead of the table
        #[arg(long)]
        json: bool,
    },
    /// Back up the embedded SQLite shards into a new directory while clerks post (admins);
    /// --verify checks a backup and changes nothing
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty data directory, reconcile it, recover and check it
    Restore(backup::RestoreArgs),
    /// Fill an empty deployment with realistic demo data (catalog, locations, history)
    Demo(demo::DemoArgs),
    /// Who changed which master or location data, and how (supervisors and admins)
    Audit(audit::AuditArgs),
    /// Measure posting throughput, dashboard and search times; leaves its data for `check`
    Bench(demo::BenchArgs),
    /// Print a shell completion script (bash, zsh, fish) on standard output
    Completions(ship::CompletionsArgs),
    /// Print the man page gudang(1), or write one page per command with --dir
    Man(ship::ManArgs),
}

/// Runs a parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let lang = out::language(cli.global.config.as_deref(), cli.global.data_dir.as_deref());
    let code = match dispatch(cli).await {
        Ok(()) => 0,
        Err(Failure::Error(e)) => {
            tracing::warn!("error: {e}");
            eprintln!("{}", out::error_line(lang, &e));
            1
        }
        Err(Failure::Quiet) => 1,
        Err(Failure::Exit(code)) => code,
    };
    // The log (if the command opened it) shows how each admin run ended.
    tracing::info!("exit {code}");
    code
}

async fn dispatch(cli: Cli) -> Result<(), Failure> {
    let g = cli.global;
    // Generated from the command line alone: no config, no data directory, no database.
    match cli.command {
        Some(Command::Completions(a)) => return ship::completions(a),
        Some(Command::Man(a)) => return ship::man(a),
        _ => {}
    }
    let Some(command) = cli.command else {
        let config = Config::load(g.config.as_deref(), g.data_dir.as_deref())?;
        return Ok(gudang::tui::run(config).await?);
    };
    let config = Config::load(g.config.as_deref(), g.data_dir.as_deref())?;
    // A restore wants its data directory empty: it makes it private itself, and its run is
    // logged by the first command after it.
    if !matches!(command, Command::Restore(_)) {
        log_command(&config, &command)?;
    }
    match command {
        Command::Init {
            admin_email,
            admin_name,
            password_stdin,
        } => data::init(config, admin_email, admin_name, password_stdin).await,
        Command::Status { json } => status::status(config, json).await,
        Command::Backup(a) => backup::backup(config, &g, a).await,
        Command::Restore(a) => backup::restore(config, a).await,
        other => {
            let s = Services::open(config).await?;
            // Every command acts as someone: a wrong, disabled or unknown `--as` is refused
            // even by commands that only read.
            let me = actor(&s, &g).await?;
            me.require(Permission::Read)?;
            if matches!(other, Command::Recover { .. }) {
                // An operator's tool (it journals what a crash left behind), left to
                // supervisors and admins.
                me.require(Permission::Adjust)?;
            }
            let done = match other {
                Command::User(c) => data::user(&s, &g, c).await,
                Command::Category(c) => data::category(&s, &g, c).await,
                Command::Unit(c) => data::unit(&s, &g, c).await,
                Command::Product(c) => data::product(&s, &g, c).await,
                Command::Location(c) => data::location(&s, &g, c).await,
                Command::Stock(a) => data::stock(&s, &g, a).await,
                Command::Post(c) => post::post(&s, &g, c).await,
                Command::Txn(c) => post::txn(&s, &g, c).await,
                Command::Report(c) => report::report(&s, c).await,
                Command::Count(c) => count::count(&s, &g, c).await,
                Command::Check { json } => post::check(&s, json).await,
                Command::Recover {
                    after_restore: true,
                    ..
                } => backup::after_restore(&s, &me).await,
                Command::Recover { grace, .. } => post::recover(&s, grace).await,
                Command::Demo(a) => demo::demo(&s, &g, a).await,
                Command::Bench(a) => demo::bench(&s, &g, a).await,
                Command::Audit(a) => audit::audit(&s, &g, a).await,
                Command::Init { .. }
                | Command::Status { .. }
                | Command::Completions(_)
                | Command::Man(_)
                | Command::Backup(_)
                | Command::Restore(_) => Ok(()),
            };
            // Postings are answered once decided; their journal entries follow a moment
            // later and must be written before the process ends.
            s.finish_journal().await;
            done
        }
    }
}

/// Makes the data directory private (refusing one that others can write to), logs the command
/// to the log file, and says on stderr what start-up had to warn about (also in the log).
fn log_command(config: &Config, command: &Command) -> Result<(), Failure> {
    let notes = gudang::logging::prepare(config)?;
    // The log is the admin's record of `check`, `recover`, ... runs; a command still runs
    // when the log cannot be opened.
    let _ = gudang::logging::init_file(config);
    let lang = gudang::domain::say::Lang::from_code(&config.ui.language);
    for note in notes {
        tracing::warn!("{note}");
        eprintln!("{}", warning_line(lang, &note));
    }
    tracing::info!("gudang {}: {}", gudang::VERSION, command_name(command));
    Ok(())
}

/// `check`, `user add`: the command's words, without its values (which may be personal).
fn command_name(command: &Command) -> String {
    let debug = format!("{command:?}");
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric()).collect() };
    let kebab = |w: &str| -> String {
        let mut out = String::new();
        for (i, c) in w.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    let first = ident(&debug);
    // Only a nested subcommand follows its command's name directly: `User(Add { .. })`.
    let second = debug[first.len()..]
        .strip_prefix('(')
        .map(ident)
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()) && !w.ends_with("Args"));
    match second {
        Some(w) => format!("{} {}", kebab(&first), kebab(&w)),
        None => kebab(&first),
    }
}

/// `warning: <message>` (`peringatan: <pesan>`), the message in `lang`.
fn warning_line(lang: gudang::domain::say::Lang, message: &str) -> String {
    use gudang::domain::say::{self, Lang};
    let lead = match lang {
        Lang::En => "warning",
        Lang::Id => "peringatan",
    };
    format!("{lead}: {}", say::tr(lang, message))
}

/// The acting user: `--as EMAIL`, or the first admin.
pub async fn actor(s: &Services, g: &Global) -> Result<Actor, Failure> {
    Ok(match &g.as_user {
        Some(email) => s.actor_by_email(email).await?,
        None => s.first_admin().await?,
    })
}
