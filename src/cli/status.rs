//! `gudang status [--json]`: one row per node (the shard's name on its first row), then the
//! exit code says it all: 0 all well, 1 a replica over its lag bound or not answering, 2 a
//! primary down (2 wins).

use gudang::Config;
use gudang::service::status::{NodeStatus, exit_code, status as probe};

use super::out::{self, Failure};

pub async fn status(config: Config, json: bool) -> Result<(), Failure> {
    let report = probe(&config).await;
    if json {
        out::json(&report)?;
    } else {
        table(&report);
    }
    let code = exit_code(&report);
    match code {
        0 => Ok(()),
        1 => {
            eprintln!("status: a replica is over its lag bound or does not answer");
            Err(Failure::Quiet)
        }
        _ => {
            eprintln!("status: a primary is down");
            Err(Failure::Exit(code))
        }
    }
}

fn table(report: &[NodeStatus]) {
    let dash = || "-".to_string();
    let yes_no = |b: Option<bool>, yes: &str, no: &str| {
        b.map_or_else(dash, |b| if b { yes.into() } else { no.into() })
    };
    let mut last_shard = "";
    let rows: Vec<Vec<String>> = report
        .iter()
        .map(|n| {
            let shard = if n.shard == last_shard { "" } else { n.shard };
            last_shard = n.shard;
            vec![
                shard.to_string(),
                n.role.to_string(),
                n.backend.clone(),
                n.url.clone(),
                if n.reachable { "yes" } else { "NO" }.to_string(),
                n.latency_ms.map_or_else(dash, |l| format!("{l:.1} ms")),
                yes_no(n.read_only, "yes", "no"),
                lag(n),
                n.engine_lag_secs.map_or_else(dash, |s| format!("{s} s")),
                match n.schema_version {
                    Some(v) if v == n.latest_schema => format!("{v}"),
                    Some(v) => format!("{v} (latest {})", n.latest_schema),
                    None => dash(),
                },
                yes_no(n.durable, "yes", "NO"),
                notes(n),
            ]
        })
        .collect();
    out::table(
        &[
            "SHARD",
            "ROLE",
            "BACKEND",
            "URL",
            "UP",
            "LATENCY",
            "READ-ONLY",
            "LAG",
            "ENGINE LAG",
            "SCHEMA",
            "DURABLE",
            "NOTES",
        ],
        &rows,
    );
}

/// The heartbeat lag, or how old the data is when the lag could not be measured.
fn lag(n: &NodeStatus) -> String {
    let over = if n.over_lag_bound { "OVER BOUND " } else { "" };
    match (n.heartbeat_lag_ms, n.data_age_ms) {
        (Some(ms), _) => format!("{over}{ms} ms"),
        (None, Some(age)) => format!("{over}data {}.{} s old", age / 1000, age % 1000 / 100),
        (None, None) if n.over_lag_bound => "OVER BOUND".into(),
        (None, None) => "-".into(),
    }
}

fn notes(n: &NodeStatus) -> String {
    let mut parts: Vec<String> = n.error.iter().map(|e| format!("ERROR: {e}")).collect();
    parts.extend(n.warnings.iter().cloned());
    parts.join("; ")
}
