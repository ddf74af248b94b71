//! Posting through the real binary: receipts, issues, transfers and adjustments, rejections
//! and bad input, idempotent `--id` replays (also after a crash), transaction lists and
//! documents, and `check`, `status` and `recover`.

mod cliutil;

use cliutil::{Gudang, is_number, post};
use serde_json::Value;

#[test]
fn posting_receipts_issues_transfers_and_adjustments() {
    let g = Gudang::seeded();
    let n = post(
        &g,
        &[
            "receipt",
            "--to",
            "A",
            "--line",
            "P1:100",
            "--line",
            "P2:10@3.75",
            "--ref",
            "PO-1",
            "--partner",
            "Supplier",
        ],
    );
    assert!(is_number(&n, "RCV"), "{n}");
    let n2 = post(
        &g,
        &[
            "issue",
            "--from",
            "A",
            "--line",
            "P1:5",
            "--partner",
            "Customer",
        ],
    );
    assert!(is_number(&n2, "ISS"), "{n2}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("95"));
    let n3 = post(
        &g,
        &[
            "transfer",
            "--from",
            "A",
            "--to",
            "B",
            "--line",
            "8990000001:20",
        ],
    );
    assert!(is_number(&n3, "TRF"), "{n3}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("75"));
    assert_eq!(g.stock("B", "P1").as_deref(), Some("20"));
    let n4 = post(
        &g,
        &["adjust", "--at", "A", "--line", "P2:7", "--reason", "count"],
    );
    assert!(is_number(&n4, "ADJ"), "{n4}");
    assert_eq!(g.stock("A", "P2").as_deref(), Some("7"));

    // A rejection: exit 1, the reason on stderr, nothing on stdout, stock unchanged, and only
    // the rejected header left behind.
    let e = g.fail(&["post", "issue", "--from", "B", "--line", "P1:21"]);
    assert!(
        e.contains("rejected") && e.contains("only 20 of SKU P1 left at B"),
        "{e}"
    );
    assert_eq!(g.stock("B", "P1").as_deref(), Some("20"));
    let rejected = g.json(&["txn", "list", "--kind", "issue"]);
    assert_eq!(rejected[0]["status"], "rejected");
    assert!(
        rejected[0]["reason"].as_str().unwrap().contains("only 20"),
        "{rejected}"
    );

    // Bad input: refused before anything is written.
    let before = g.json(&["txn", "list", "--all"]).as_array().unwrap().len();
    for (args, want) in [
        (
            vec!["post", "receipt", "--to", "A", "--line", "P1:abc"],
            "not a valid quantity",
        ),
        (
            vec!["post", "receipt", "--to", "A", "--line", "P1:-3"],
            "P1:-3",
        ),
        (
            vec!["post", "receipt", "--to", "A", "--line", "P1:0"],
            "greater than zero",
        ),
        (
            vec!["post", "receipt", "--to", "A", "--line", "P1:1.5"],
            "P1",
        ),
        (
            vec!["post", "receipt", "--to", "A", "--line", "P1"],
            "SKU:QTY",
        ),
        (
            vec!["post", "receipt", "--to", "A", "--line", "NOPE:1"],
            "unknown SKU or barcode 'NOPE'",
        ),
        (
            vec!["post", "receipt", "--to", "NOWHERE", "--line", "P1:1"],
            "unknown location 'NOWHERE'",
        ),
        (
            vec!["post", "issue", "--from", "A", "--line", "P1:1@2.00"],
            "only receipts take a unit price",
        ),
        (
            vec![
                "post", "transfer", "--from", "A", "--to", "A", "--line", "P1:1",
            ],
            "two different locations",
        ),
        (
            vec![
                "post",
                "receipt",
                "--to",
                "A",
                "--line",
                "P1:1",
                "--id",
                "not-a-uuid",
            ],
            "not a valid id",
        ),
    ] {
        let e = g.fail(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
    assert_eq!(
        g.json(&["txn", "list", "--all"]).as_array().unwrap().len(),
        before,
        "bad input wrote a transaction"
    );
    assert_eq!(g.stock("A", "P1").as_deref(), Some("75"));

    // --json reports the outcome, posted or rejected.
    let v = g.json(&["post", "receipt", "--to", "B", "--line", "P3:1"]);
    assert_eq!(v["status"], "posted");
    assert!(is_number(v["number"].as_str().unwrap(), "RCV"));
    let r = g.run(&["post", "issue", "--from", "B", "--line", "P3:9", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["status"], "rejected");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("only 1 of SKU P3 left at B"),
        "{v}"
    );

    // Inactive products cannot be posted.
    g.ok(&["product", "deactivate", "P3"]);
    let e = g.fail(&["post", "receipt", "--to", "A", "--line", "P3:1"]);
    assert!(e.contains("inactive"), "{e}");
    g.ok(&["product", "activate", "P3"]);
    post(&g, &["receipt", "--to", "A", "--line", "P3:1"]);
    g.ok(&["check"]);
}

#[test]
fn same_id_posts_once_and_replays_the_first_result() {
    let g = Gudang::seeded();
    let id = "0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f60";
    let n = post(&g, &["receipt", "--to", "A", "--line", "P1:10", "--id", id]);
    let again = post(&g, &["receipt", "--to", "A", "--line", "P1:10", "--id", id]);
    assert_eq!(n, again);
    // Even a different document under the same id reports the first one and posts nothing.
    let other = post(&g, &["receipt", "--to", "B", "--line", "P2:99", "--id", id]);
    assert_eq!(n, other);
    assert_eq!(g.stock("A", "P1").as_deref(), Some("10"));
    assert_eq!(g.stock("B", "P2"), None);
    let v = g.json(&[
        "post", "receipt", "--to", "A", "--line", "P1:10", "--id", id,
    ]);
    assert_eq!(v["replayed"], true);
    assert_eq!(v["number"], n.as_str());

    // A rejected first attempt stays rejected.
    let rid = "0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f61";
    let e1 = g.fail(&[
        "post", "issue", "--from", "A", "--line", "P1:11", "--id", rid,
    ]);
    g.ok(&["post", "receipt", "--to", "A", "--line", "P1:5"]);
    let e2 = g.fail(&[
        "post", "issue", "--from", "A", "--line", "P1:11", "--id", rid,
    ]);
    assert_eq!(e1, e2);
    assert_eq!(g.stock("A", "P1").as_deref(), Some("15"));
    assert_eq!(
        g.json(&["txn", "list", "--all"]).as_array().unwrap().len(),
        3
    );
    g.ok(&["check"]);
}

#[test]
fn a_posting_cut_off_by_a_crash_is_finished_by_its_replay() {
    let g = Gudang::seeded();
    let id = "0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f70";
    let args = ["post", "receipt", "--to", "A", "--line", "P1:4", "--id", id];
    // Killed after the decision is durable, before the journal has it: the clerk heard nothing.
    let r = g.run_env(&[("GUDANG_FAILPOINT", "post.after_decide")], &args);
    assert_eq!(r.code, -1, "killed by a signal: {r:?}");
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr
            .contains("failpoint post.after_decide: killing process"),
        "{r:?}"
    );
    // The next start journals it (recovery); the replay reports the first attempt's number.
    let n = post(&g, &args[1..]);
    assert!(is_number(&n, "RCV"), "{n}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("4"));
    assert_eq!(post(&g, &args[1..]), n);
    assert_eq!(g.stock("A", "P1").as_deref(), Some("4"));
    g.ok(&["check"]);
}

#[test]
fn transaction_list_and_show() {
    let g = Gudang::seeded();
    // Taken before posting, so that midnight cannot fall between the posting and the query.
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let r1 = post(
        &g,
        &[
            "receipt",
            "--to",
            "A",
            "--line",
            "P1:10@2.00",
            "--line",
            "P2:3",
            "--ref",
            "PO-7",
            "--note",
            "first",
        ],
    );
    let i1 = post(&g, &["issue", "--from", "A", "--line", "P1:4"]);
    let list = g.json(&["txn", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["number"], i1.as_str(), "newest first");
    for k in [
        "id",
        "number",
        "kind",
        "status",
        "created_at",
        "line_count",
        "total_value",
        "reference",
    ] {
        assert!(list[1].get(k).is_some(), "{k} missing in {}", list[1]);
    }
    assert_eq!(list[1]["kind"], "receipt");
    assert_eq!(list[1]["status"], "posted");
    assert_eq!(list[1]["line_count"], 2);
    assert_eq!(
        list[1]["total_value"], 2750,
        "10 x 2.00 + 3 x 2.50, in cents"
    );

    assert_eq!(
        g.json(&["txn", "list", "--kind", "receipt"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        g.json(&["txn", "list", "--ref", "PO-7"])[0]["number"],
        r1.as_str()
    );
    assert_eq!(
        g.json(&["txn", "list", "--limit", "1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        g.json(&["txn", "list", "--since", &today])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        g.json(&["txn", "list", "--since", "2999-01-01"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    for (args, want) in [
        (vec!["txn", "list", "--since", "yesterday"], "--since"),
        (vec!["txn", "list", "--since", "2026-02-30"], "--since"),
        (vec!["txn", "list", "--kind", "sale"], "sale"),
        (vec!["txn", "list", "--limit", "0"], "--limit"),
        (vec!["txn", "show", "RCV-1999-000001"], "not found"),
    ] {
        let e = g.fail(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }

    let d = g.json(&["txn", "show", &r1]);
    assert_eq!(d["header"]["number"], r1.as_str());
    assert_eq!(d["header"]["reference"], "PO-7");
    assert_eq!(d["header"]["notes"], "first");
    let lines = d["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["sku"], "P1");
    assert_eq!(lines[0]["quantity"], 10_000, "milli-units");
    assert_eq!(lines[0]["unit_price"], 200);
    let text = g.ok(&["txn", "show", &r1]);
    assert!(
        text.starts_with(&format!("{r1}  receipt  POSTED\n")),
        "{text}"
    );
    assert!(text.contains("ref      PO-7"), "{text}");
}

#[test]
fn check_status_and_recover() {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    post(
        &g,
        &["transfer", "--from", "A", "--to", "B", "--line", "P1:4"],
    );
    let out = g.ok(&["check"]);
    assert!(out.starts_with("ok: 2 transactions"), "{out}");
    let v = g.json(&["check"]);
    assert_eq!(v["violation_count"], 0);
    assert_eq!(v["headers"], 2);
    assert_eq!(v["movements"], 3);

    let st = g.json(&["status"]);
    let st = st.as_array().unwrap();
    assert_eq!(st.len(), 3);
    for s in st {
        assert_eq!(s["backend"], "sqlite");
        assert_eq!(s["reachable"], true, "{s}");
        assert_eq!(s["schema_version"], s["latest_schema"], "{s}");
    }
    assert!(g.ok(&["status"]).contains("master"));

    let out = g.ok(&["recover"]);
    assert!(out.starts_with("journaled 0 decided posting(s)"), "{out}");
}

#[test]
fn a_broken_deployment_fails_check_with_each_violation() {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    // Tamper with the stock behind the services' back.
    let db = g.data_dir().join("location.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("UPDATE stock SET quantity = quantity + 1000")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    let r = g.run(&["check"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.lines().any(|l| l.starts_with("VIOLATION")),
        "{r:?}"
    );
    let r = g.run(&["check", "--json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON only");
    assert!(v["violation_count"].as_u64().unwrap() >= 1, "{v}");
}
