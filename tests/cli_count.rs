//! `gudang count ...` through the real binary: a whole count (start, scan with `N*CODE`,
//! review, recount, post, show, list), roles, bad input, and a `count post` killed after its
//! first document (and after fixing its documents) then run again: one set of adjustments.

mod cliutil;

use cliutil::{Gudang, is_number, post};
use serde_json::Value;

/// Adjustment documents that name `count` as their reference.
fn adjustments(g: &Gudang, count: &str) -> Vec<Value> {
    g.json(&["txn", "list", "--kind", "adjustment", "--all"])
        .as_array()
        .expect("array")
        .iter()
        .filter(|t| t["reference"].as_str() == Some(count))
        .cloned()
        .collect()
}

fn two_zone_count(g: &Gudang) -> String {
    g.ok(&["location", "add", "W", "--name", "Warehouse W"]);
    g.ok(&[
        "location", "add", "W1", "--name", "Zone W1", "--parent", "W",
    ]);
    g.ok(&[
        "location", "add", "W2", "--name", "Zone W2", "--parent", "W",
    ]);
    post(g, &["receipt", "--to", "W1", "--line", "P1:20"]);
    post(g, &["receipt", "--to", "W2", "--line", "P2:30"]);
    let n = g
        .ok(&["count", "start", "--at", "W", "--with-children"])
        .trim()
        .to_string();
    g.ok(&["count", "scan", &n, "--at", "W1", "--line", "P1:18"]);
    g.ok(&["count", "scan", &n, "--at", "W2", "--line", "33*P2"]);
    n
}

#[test]
fn a_whole_count() {
    let g = Gudang::seeded();
    post(
        &g,
        &[
            "receipt", "--to", "A", "--line", "P1:100", "--line", "P2:50",
        ],
    );
    let n = g.ok(&["count", "start", "--at", "A"]).trim().to_string();
    assert!(is_number(&n, "CNT"), "{n}");
    // N*CODE, SKU:QTY and a barcode; a repeated code adds. Blind: no book quantity shown.
    let out = g.ok(&[
        "count",
        "scan",
        &n,
        "--line",
        "40*P1",
        "--line",
        "8990000001:58",
        "--line",
        "P2",
    ]);
    assert!(out.contains("COUNTED") && !out.contains("BOOK"), "{out}");
    let replies = g.json(&["count", "scan", &n, "--line", "P2:46"]);
    assert_eq!(replies[0]["counted"], "47");
    // Movements after the scan are kept.
    post(&g, &["issue", "--from", "A", "--line", "P1:10"]);
    let r = g.json(&["count", "review", &n]);
    let lines = r["lines"].as_array().expect("lines");
    let p1 = lines.iter().find(|l| l["sku"] == "P1").expect("P1");
    assert_eq!(
        (&p1["book"], &p1["counted"], &p1["variance"], &p1["value"]),
        (
            &Value::from("100"),
            &Value::from("98"),
            &Value::from("-2"),
            &Value::from("-5.00")
        )
    );
    assert_eq!(r["totals"]["net"], "-12.50");
    let text = g.ok(&["count", "review", &n, "--only-variances"]);
    assert!(text.contains("-7.50"), "{text}");
    // Recount P2, scan it again.
    assert!(
        g.ok(&["count", "recount", &n, "--line", "A:P2"])
            .contains("1 line")
    );
    let r = g.json(&["count", "review", &n, "--category", "Hardware"]);
    let p2 = r["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["sku"] == "P2")
        .expect("P2")
        .clone();
    assert_eq!(
        (p2["state"].as_str(), p2["counted"].is_null()),
        (Some("recount"), true)
    );
    g.ok(&["count", "scan", &n, "--line", "P2:50"]);
    let posted = g.ok(&["count", "post", &n]);
    assert!(posted.contains(&format!("{n} posted")), "{posted}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("88"));
    assert_eq!(g.stock("A", "P2").as_deref(), Some("50"));
    let shown = g.json(&["count", "show", &n]);
    assert_eq!(shown["status"], "posted");
    let doc = shown["documents"][0]["number"].as_str().expect("number");
    assert!(is_number(doc, "ADJ"), "{doc}");
    assert!(g.ok(&["count", "show", &n]).contains(doc));
    assert_eq!(adjustments(&g, &n).len(), 1);
    // Closed: read-only.
    let e = g.fail(&["count", "scan", &n, "--line", "P1"]);
    assert!(e.contains("closed and read-only"), "{e}");
    assert!(
        g.json(&["count", "list"])
            .as_array()
            .expect("array")
            .is_empty()
    );
    assert_eq!(g.json(&["count", "list", "--all"])[0]["number"], n.as_str());
    g.ok(&["check"]);
}

/// `args` run as the clerk.
fn clerk<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--as", "clerk@example.test"];
    v.extend_from_slice(args);
    v
}

#[test]
fn roles_and_bad_input() {
    let g = Gudang::seeded();
    g.add_user("clerk@example.test", "clerk");
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    let e = g.fail(&clerk(&["count", "start", "--at", "A"]));
    assert!(e.contains("permission denied"), "{e}");
    let n = g.ok(&["count", "start", "--at", "A"]).trim().to_string();
    g.ok(&clerk(&["count", "scan", &n, "--line", "P1:9"]));
    for cmd in ["post", "review", "cancel"] {
        let e = g.fail(&clerk(&["count", cmd, &n]));
        assert!(e.contains("permission denied"), "{cmd}: {e}");
    }
    for (line, want) in [
        ("NOPE:1", "unknown SKU or barcode 'NOPE'"),
        ("P1:-1", "scan 'P1:-1'"),
        ("P1:1.5", "whole PCSs"),
    ] {
        let e = g.fail(&["count", "scan", &n, "--line", line]);
        assert!(e.contains(want), "{line}: {e}");
    }
    let e = g.fail(&["count", "scan", &n, "--at", "B", "--line", "P1"]);
    assert!(e.contains("not part of count"), "{e}");
    let e = g.fail(&["count", "scan", "CNT-2026-999999", "--line", "P1"]);
    assert!(e.contains("count 'CNT-2026-999999' not found"), "{e}");
    let e = g.fail(&["count", "recount", &n, "--line", "P1"]);
    assert!(e.contains("expected LOCATION:SKU"), "{e}");
    let e = g.fail(&["count", "start", "--at", "A", "--category", "Toys"]);
    assert!(e.contains("unknown category 'Toys'"), "{e}");
    // Nothing of the refused scans counted.
    let r = g.json(&["count", "review", &n]);
    assert_eq!(r["lines"][0]["counted"], "9");
    assert!(g.ok(&["count", "cancel", &n]).contains("cancelled"));
    assert_eq!(g.stock("A", "P1").as_deref(), Some("10"));
    g.ok(&["check"]);
}

#[test]
fn post_killed_after_its_first_document_then_finished() {
    let g = Gudang::seeded();
    let n = two_zone_count(&g);
    let r = g.run_env(
        &[("GUDANG_FAILPOINT", "count.after_doc_post")],
        &["count", "post", &n],
    );
    assert_eq!(r.code, -1, "killed by a signal: {r:?}");
    assert!(r.stderr.contains("failpoint count.after_doc_post"), "{r:?}");
    assert_eq!(g.json(&["count", "show", &n])["status"], "posting");
    // Again: the first document is found posted (by its fixed id), the second is posted.
    let out = g.ok(&["count", "post", &n]);
    assert!(out.contains(&format!("{n} posted")), "{out}");
    let docs = adjustments(&g, &n);
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(g.stock("W1", "P1").as_deref(), Some("18"));
    assert_eq!(g.stock("W2", "P2").as_deref(), Some("33"));
    g.ok(&["check"]);
}

#[test]
fn post_killed_after_fixing_its_documents_then_finished() {
    let g = Gudang::seeded();
    let n = two_zone_count(&g);
    let r = g.run_env(
        &[("GUDANG_FAILPOINT", "count.after_fix")],
        &["count", "post", &n, "--uncounted-as-zero"],
    );
    assert_eq!(r.code, -1, "killed by a signal: {r:?}");
    let shown = g.json(&["count", "show", &n]);
    assert_eq!(shown["status"], "posting");
    let ids: Vec<String> = shown["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["txn_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    let o = g.json(&["count", "post", &n]);
    assert_eq!(o["count"]["status"], "posted");
    let posted: Vec<&str> = o["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["txn_id"].as_str().expect("id"))
        .collect();
    assert_eq!(posted, ids);
    assert_eq!(adjustments(&g, &n).len(), 2);
    g.ok(&["check"]);
}
