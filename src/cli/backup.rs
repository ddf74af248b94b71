//! `gudang backup DEST`, `gudang backup --verify DEST` and `gudang restore SRC`
//! (docs/backup.md). Restore and verify need no deployment to open; a backup is taken by an
//! admin (it holds the password hashes).

use std::path::PathBuf;

use clap::Args;
use gudang::domain::role::Permission;
use gudang::domain::say::{self, Lang};
use gudang::service::backup::{self, Manifest, ReconcileReport};
use gudang::service::check::CheckReport;
use gudang::{Config, Services};

use super::{Failure, Global, out};

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// A new (or empty) directory for the backup; with --verify, the backup to check
    pub dest: PathBuf,
    /// Check a backup (manifest, checksums, integrity, schema versions) and change nothing
    #[arg(long)]
    pub verify: bool,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup directory (made by `gudang backup`)
    pub src: PathBuf,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

fn say(lang: Lang, text: &str) {
    println!("{}", say::tr(lang, text));
}

pub async fn backup(config: Config, g: &Global, a: BackupArgs) -> Result<(), Failure> {
    let lang = Lang::from_code(&config.ui.language);
    if a.verify {
        return verify(lang, a).await;
    }
    // A server shard is refused before anything is opened.
    backup::embedded_files(&config)?;
    let s = Services::open(config.clone()).await?;
    let me = super::actor(&s, g).await?;
    me.require(Permission::ManageUsers)?;
    let m = backup::backup(&config, &a.dest).await?;
    if a.json {
        return out::json(&m);
    }
    say(lang, &format!("backup written to {}", a.dest.display()));
    print_manifest(lang, &m);
    Ok(())
}

fn print_manifest(lang: Lang, m: &Manifest) {
    let rows: Vec<Vec<String>> = m
        .shards
        .iter()
        .map(|e| {
            vec![
                e.shard.clone(),
                e.file.clone(),
                e.schema_version.to_string(),
                e.taken_at.clone(),
                e.size.to_string(),
                e.sha256.clone(),
            ]
        })
        .collect();
    out::table(
        &[
            "shard",
            "file",
            "schema",
            "taken at (UTC)",
            "bytes",
            "sha256",
        ],
        &rows,
    );
    say(
        lang,
        &format!(
            "taken in this order: {} (gudang {})",
            m.order.join(", "),
            m.gudang_version
        ),
    );
}

async fn verify(lang: Lang, a: BackupArgs) -> Result<(), Failure> {
    let r = backup::verify(&a.dest).await?;
    if a.json {
        out::json(&r)?;
    } else {
        for p in &r.problems {
            eprintln!("{}", out::error_line(lang, p));
        }
        if let (true, Some(m)) = (r.ok(), &r.manifest) {
            say(
                lang,
                &format!(
                    "backup {} is whole: manifest, checksums, integrity and schema versions all check",
                    a.dest.display()
                ),
            );
            print_manifest(lang, m);
        }
    }
    if r.ok() { Ok(()) } else { Err(Failure::Quiet) }
}

pub async fn restore(config: Config, a: RestoreArgs) -> Result<(), Failure> {
    let lang = Lang::from_code(&config.ui.language);
    let r = backup::restore(config, &a.src).await?;
    if a.json {
        out::json(&r)?;
        return if r.ok() { Ok(()) } else { Err(Failure::Quiet) };
    }
    say(lang, &format!("restored {} into {}", r.source, r.data_dir));
    say(
        lang,
        &format!(
            "the shards were taken in this order: {}",
            r.manifest.order.join(", ")
        ),
    );
    print_reconciled(lang, &r.reconcile);
    say(
        lang,
        &format!(
            "recovery: journaled {} decided posting(s) left in the outbox: {} posted, {} rejected",
            r.recovery.resolved, r.recovery.posted, r.recovery.rejected
        ),
    );
    print_check(lang, &r.check)
}

/// `gudang recover --after-restore`: the restore's reconciliation on shards restored with the
/// engines' own tools, then recovery and the check.
pub async fn after_restore(s: &Services, me: &gudang::Actor) -> Result<(), Failure> {
    // It may remove documents from the journal: an admin's tool.
    me.require(Permission::ManageUsers)?;
    let lang = Lang::from_code(&s.config.ui.language);
    let c = backup::reconcile(&s.shards).await?;
    print_reconciled(lang, &c);
    let r = gudang::service::recovery::recover(s, 0).await?;
    say(
        lang,
        &format!(
            "recovery: journaled {} decided posting(s) left in the outbox: {} posted, {} rejected",
            r.resolved, r.posted, r.rejected
        ),
    );
    s.finish_journal().await;
    let k = s.check().await?;
    print_check(lang, &k)
}

fn print_reconciled(lang: Lang, c: &ReconcileReport) {
    say(
        lang,
        &format!(
            "reconciliation: {} journaled document(s) the location snapshot never decided were removed",
            c.removed_documents
        ),
    );
    if !c.removed_numbers.is_empty() {
        say(
            lang,
            &format!("  removed: {}", c.removed_numbers.join(", ")),
        );
    }
    say(
        lang,
        &format!(
            "reconciliation: {} decided document(s) missing from the journal were taken from the retained outbox entries",
            c.requeued
        ),
    );
    say(
        lang,
        &format!(
            "reconciliation: {} product(s) missing from master were restored inactive",
            c.restored_products.len()
        ),
    );
    for p in &c.restored_products {
        say(
            lang,
            &format!("  restored product {} '{}' ({})", p.sku, p.name, p.id),
        );
    }
}

fn print_check(lang: Lang, k: &CheckReport) -> Result<(), Failure> {
    for v in &k.violations {
        println!("VIOLATION [{}] {}", v.rule, v.detail);
    }
    if k.ok() {
        say(
            lang,
            &format!(
                "check ok: {} transactions, {} posted lines, {} movements, {} stock rows; no violations",
                k.headers, k.posted_lines, k.movements, k.stock_rows
            ),
        );
        Ok(())
    } else {
        eprintln!(
            "{}",
            out::error_line(
                lang,
                &format!(
                    "the restored deployment fails its check: {} violation(s) (see docs/backup.md)",
                    k.violation_count
                )
            )
        );
        Err(Failure::Quiet)
    }
}
