//! The admin CLI, driven through the real binary: init, catalog, locations, posting, stock,
//! transactions, check, status and recover, with bad input, exit codes and JSON output.
//! Roles are in `cli_roles.rs`, CSV import/export in `cli_csv.rs`.

mod cliutil;

use cliutil::{ADMIN, Gudang, PASSWORD, trailing_blanks};
use serde_json::Value;

fn is_number(s: &str, prefix: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3 && parts[0] == prefix && parts[1].len() == 4 && parts[2].len() == 6 && parts[1..].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Posts and returns the transaction number, checking that stdout is only that number.
fn post(g: &Gudang, args: &[&str]) -> String {
    let mut all = vec!["post"];
    all.extend_from_slice(args);
    let out = g.ok(&all);
    let number = out.strip_suffix('\n').expect("one line");
    assert!(!number.contains('\n') && !number.contains(' '), "post printed more than the number: {out:?}");
    number.to_string()
}

#[test]
fn init_creates_the_first_admin_once() {
    let g = Gudang::empty();
    // Refused without an email or with a weak password, and no admin is created.
    let e = g.fail_stdin(&["init", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(e.contains("--admin-email"), "{e}");
    let e = g.fail_stdin(&["init", "--admin-email", ADMIN, "--password-stdin"], "short\n");
    assert!(e.contains("at least 10 characters"), "{e}");
    let e = g.fail_stdin(&["init", "--admin-email", "not-an-email", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(e.contains("not a valid email"), "{e}");
    let e = g.fail(&["user", "list"]);
    assert!(e.contains("gudang init"), "{e}");

    let out = g.ok_stdin(&["init", "--admin-email", ADMIN, "--admin-name", "Ana Admin", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(out.contains(&format!("created admin {ADMIN}")), "{out}");
    for shard in ["master", "location", "transaction"] {
        assert!(g.data_dir().join(format!("{shard}.db")).exists(), "{shard}.db missing");
    }
    let users = g.json(&["user", "list"]);
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["email"], ADMIN);
    assert_eq!(users[0]["name"], "Ana Admin");
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["active"], true);
    assert!(users[0].get("password_hash").is_none(), "hash leaked: {users}");

    // A second init changes nothing.
    let out = g.ok_stdin(&["init", "--admin-email", "other@example.test", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(out.contains("already initialised"), "{out}");
    assert_eq!(g.json(&["user", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(g.ok(&["check"]).lines().count(), 1, "check on a fresh deployment");
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    let g = Gudang::new();
    for args in [
        vec!["frobnicate"],
        vec!["post", "receipt", "--to", "A"],
        vec!["user", "add", "x@example.test"],
        vec!["txn", "list", "--limit", "ten"],
        vec!["stock", "--bogus"],
    ] {
        let r = g.run(&args);
        assert_eq!(r.code, 1, "{args:?}: {r:?}");
        assert!(r.stderr.starts_with("error: "), "{args:?}: {r:?}");
        assert_eq!(r.stdout, "", "{args:?}: {r:?}");
    }
    let r = g.run(&["--help"]);
    assert_eq!(r.code, 0);
    for cmd in ["init", "user", "category", "unit", "product", "location", "post", "stock", "txn", "check", "status"] {
        assert!(r.stdout.contains(cmd), "help lacks {cmd}: {}", r.stdout);
    }
    let bad = g.path("bad.toml");
    cliutil::write(&bad, "[database]\nmaster_ulr = \"x\"\n");
    let e = g.fail(&["--config", bad.to_str().unwrap(), "stock"]);
    assert!(e.contains("master_ulr"), "{e}");
    let e = Gudang::new().with_env("GUDANG_POSTING_RECOVERY_GRACE_SECS", "soon").fail(&["stock"]);
    assert!(e.contains("GUDANG_POSTING_RECOVERY_GRACE_SECS"), "{e}");
}

#[test]
fn categories_units_and_products() {
    let g = Gudang::seeded();
    let cats = g.json(&["category", "list"]);
    assert_eq!(cats[0]["name"], "Hardware");
    let e = g.fail(&["category", "add", "hardware"]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(g.json(&["category", "list"]).as_array().unwrap().len(), 1);

    let units = g.json(&["unit", "list"]);
    let kg = units.as_array().unwrap().iter().find(|u| u["code"] == "KG").expect("KG");
    assert_eq!(kg["decimals"], 3);
    let e = g.fail(&["unit", "add", "BOX", "--name", "Box", "--decimals", "4"]);
    assert!(e.contains("decimals"), "{e}");
    let e = g.fail(&["unit", "add", "pcs", "--name", "Again"]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(g.json(&["unit", "list"]).as_array().unwrap().len(), 2);

    let p = g.json(&["product", "list", "--search", "P1"]);
    let p1 = &p[0];
    for (k, v) in [("sku", "P1"), ("name", "Product 1"), ("barcode", "8990000001"), ("category", "Hardware"), ("unit", "PCS"), ("price", "2.50"), ("min_qty", "5")] {
        assert_eq!(p1[k], v, "{k} in {p1}");
    }
    assert_eq!(p1["active"], true);

    // Bad input: each refused with a message naming the problem, nothing added.
    let e = g.fail(&["product", "add", "--sku", "p1", "--name", "Again"]);
    assert!(e.contains("SKU 'p1'") && e.contains("already exists"), "{e}");
    let e = g.fail(&["product", "add", "--sku", "NEW", "--name", "Clash", "--barcode", "8990000001"]);
    assert!(e.contains("already exists"), "{e}");
    let e = g.fail(&["product", "add", "--sku", "NEW", "--name", "N", "--price", "1.234", "--category", "Nope", "--unit", "LTR"]);
    assert!(e.contains("price:") && e.contains("unknown category 'Nope'") && e.contains("unknown unit 'LTR'"), "{e}");
    let e = g.fail(&["product", "add", "--sku", "NEW", "--name", "N", "--unit", "PCS", "--min-qty", "1.5"]);
    assert!(e.contains("min_qty") && e.contains("whole number"), "{e}");
    let e = g.fail(&["product", "add", "--sku", "has space", "--name", "N"]);
    assert!(e.contains("sku"), "{e}");
    assert_eq!(g.product_count(), 3);

    g.ok(&["product", "add", "--sku", "K1", "--name", "Rice", "--unit", "KG", "--min-qty", "1.25", "--price", "12.5"]);
    let k1 = &g.json(&["product", "list", "--search", "K1"])[0];
    assert_eq!((k1["unit"].as_str(), k1["min_qty"].as_str(), k1["price"].as_str()), (Some("KG"), Some("1.25"), Some("12.50")));
    g.ok(&["product", "edit", "K1", "--price", "13", "--name", "Rice premium"]);
    let k1 = &g.json(&["product", "list", "--search", "K1"])[0];
    assert_eq!((k1["name"].as_str(), k1["price"].as_str(), k1["unit"].as_str()), (Some("Rice premium"), Some("13.00"), Some("KG")));
    let e = g.fail(&["product", "edit", "NOPE", "--price", "1"]);
    assert!(e.contains("not found"), "{e}");

    // Search by name part and by barcode.
    let found = g.json(&["product", "list", "--search", "premium"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(g.json(&["product", "list", "--search", "8990000002"])[0]["sku"], "P2");
}

#[test]
fn locations() {
    let g = Gudang::seeded();
    g.ok(&["location", "add", "A-01", "--name", "Zone 1", "--parent", "A"]);
    let e = g.fail(&["location", "add", "X", "--name", "Orphan", "--parent", "NOPE"]);
    assert!(e.contains("NOPE") && e.contains("not found"), "{e}");
    let e = g.fail(&["location", "add", "a", "--name", "Again"]);
    assert!(e.contains("already exists"), "{e}");
    let e = g.fail(&["location", "add", "B 2", "--name", "Space"]);
    assert!(e.contains("location code"), "{e}");
    let locs = g.json(&["location", "list"]);
    let locs = locs.as_array().unwrap();
    assert_eq!(locs.len(), 3);
    let zone = locs.iter().find(|l| l["code"] == "A-01").expect("A-01");
    assert_eq!(zone["parent"], "A");
    assert_eq!(zone["name"], "Zone 1");
    assert_eq!(zone["active"], true);
    assert!(locs.iter().find(|l| l["code"] == "A").unwrap()["parent"].is_null());
}

#[test]
fn posting_receipts_issues_transfers_and_adjustments() {
    let g = Gudang::seeded();
    let n = post(&g, &["receipt", "--to", "A", "--line", "P1:100", "--line", "P2:10@3.75", "--ref", "PO-1", "--partner", "Supplier"]);
    assert!(is_number(&n, "RCV"), "{n}");
    let n2 = post(&g, &["issue", "--from", "A", "--line", "P1:5", "--partner", "Customer"]);
    assert!(is_number(&n2, "ISS"), "{n2}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("95"));
    let n3 = post(&g, &["transfer", "--from", "A", "--to", "B", "--line", "8990000001:20"]);
    assert!(is_number(&n3, "TRF"), "{n3}");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("75"));
    assert_eq!(g.stock("B", "P1").as_deref(), Some("20"));
    let n4 = post(&g, &["adjust", "--at", "A", "--line", "P2:7", "--reason", "count"]);
    assert!(is_number(&n4, "ADJ"), "{n4}");
    assert_eq!(g.stock("A", "P2").as_deref(), Some("7"));

    // A rejection: exit 1, the reason on stderr, nothing on stdout, stock unchanged, and only
    // the rejected header left behind.
    let e = g.fail(&["post", "issue", "--from", "B", "--line", "P1:21"]);
    assert!(e.contains("rejected") && e.contains("only 20 of SKU P1 left at B"), "{e}");
    assert_eq!(g.stock("B", "P1").as_deref(), Some("20"));
    let rejected = g.json(&["txn", "list", "--kind", "issue"]);
    assert_eq!(rejected[0]["status"], "rejected");
    assert!(rejected[0]["reason"].as_str().unwrap().contains("only 20"), "{rejected}");

    // Bad input: refused before anything is written.
    let before = g.json(&["txn", "list", "--all"]).as_array().unwrap().len();
    for (args, want) in [
        (vec!["post", "receipt", "--to", "A", "--line", "P1:abc"], "not a valid quantity"),
        (vec!["post", "receipt", "--to", "A", "--line", "P1:-3"], "P1:-3"),
        (vec!["post", "receipt", "--to", "A", "--line", "P1:0"], "greater than zero"),
        (vec!["post", "receipt", "--to", "A", "--line", "P1:1.5"], "P1"),
        (vec!["post", "receipt", "--to", "A", "--line", "P1"], "SKU:QTY"),
        (vec!["post", "receipt", "--to", "A", "--line", "NOPE:1"], "unknown SKU or barcode 'NOPE'"),
        (vec!["post", "receipt", "--to", "NOWHERE", "--line", "P1:1"], "unknown location 'NOWHERE'"),
        (vec!["post", "issue", "--from", "A", "--line", "P1:1@2.00"], "only receipts take a unit price"),
        (vec!["post", "transfer", "--from", "A", "--to", "A", "--line", "P1:1"], "two different locations"),
        (vec!["post", "receipt", "--to", "A", "--line", "P1:1", "--id", "not-a-uuid"], "not a valid id"),
    ] {
        let e = g.fail(&args);
        assert!(e.contains(want), "{args:?}: {e}");
    }
    assert_eq!(g.json(&["txn", "list", "--all"]).as_array().unwrap().len(), before, "bad input wrote a transaction");
    assert_eq!(g.stock("A", "P1").as_deref(), Some("75"));

    // --json reports the outcome, posted or rejected.
    let v = g.json(&["post", "receipt", "--to", "B", "--line", "P3:1"]);
    assert_eq!(v["status"], "posted");
    assert!(is_number(v["number"].as_str().unwrap(), "RCV"));
    let r = g.run(&["post", "issue", "--from", "B", "--line", "P3:9", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["status"], "rejected");
    assert!(v["reason"].as_str().unwrap().contains("only 1 of SKU P3 left at B"), "{v}");

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
    let v = g.json(&["post", "receipt", "--to", "A", "--line", "P1:10", "--id", id]);
    assert_eq!(v["replayed"], true);
    assert_eq!(v["number"], n.as_str());

    // A rejected first attempt stays rejected.
    let rid = "0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f61";
    let e1 = g.fail(&["post", "issue", "--from", "A", "--line", "P1:11", "--id", rid]);
    g.ok(&["post", "receipt", "--to", "A", "--line", "P1:5"]);
    let e2 = g.fail(&["post", "issue", "--from", "A", "--line", "P1:11", "--id", rid]);
    assert_eq!(e1, e2);
    assert_eq!(g.stock("A", "P1").as_deref(), Some("15"));
    assert_eq!(g.json(&["txn", "list", "--all"]).as_array().unwrap().len(), 3);
    g.ok(&["check"]);
}

#[test]
fn a_posting_cut_off_by_a_crash_is_finished_by_its_replay() {
    let g = Gudang::seeded();
    let id = "0190f5c2-7b1e-7c3a-9d2f-1b2c3d4e5f70";
    let args = ["post", "receipt", "--to", "A", "--line", "P1:4", "--id", id];
    // Killed after the pending header is durable, before the stock moved.
    let r = g.run_env(&[("GUDANG_FAILPOINT", "post.after_pending")], &args);
    assert_eq!(r.code, -1, "killed by a signal: {r:?}");
    assert_eq!(r.stdout, "");
    // The default grace (30 s) keeps start-up recovery away; the replay finishes the job.
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
    let r1 = post(&g, &["receipt", "--to", "A", "--line", "P1:10@2.00", "--line", "P2:3", "--ref", "PO-7", "--note", "first"]);
    let i1 = post(&g, &["issue", "--from", "A", "--line", "P1:4"]);
    let list = g.json(&["txn", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["number"], i1.as_str(), "newest first");
    for k in ["id", "number", "kind", "status", "created_at", "line_count", "total_value", "reference"] {
        assert!(list[1].get(k).is_some(), "{k} missing in {}", list[1]);
    }
    assert_eq!(list[1]["kind"], "receipt");
    assert_eq!(list[1]["status"], "posted");
    assert_eq!(list[1]["line_count"], 2);
    assert_eq!(list[1]["total_value"], 2750, "10 x 2.00 + 3 x 2.50, in cents");

    assert_eq!(g.json(&["txn", "list", "--kind", "receipt"]).as_array().unwrap().len(), 1);
    assert_eq!(g.json(&["txn", "list", "--ref", "PO-7"])[0]["number"], r1.as_str());
    assert_eq!(g.json(&["txn", "list", "--limit", "1"]).as_array().unwrap().len(), 1);
    assert_eq!(g.json(&["txn", "list", "--since", &today]).as_array().unwrap().len(), 2);
    assert_eq!(g.json(&["txn", "list", "--since", "2999-01-01"]).as_array().unwrap().len(), 0);
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
    assert!(text.starts_with(&format!("{r1}  receipt  POSTED\n")), "{text}");
    assert!(text.contains("ref      PO-7"), "{text}");
}

#[test]
fn check_status_and_recover() {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    post(&g, &["transfer", "--from", "A", "--to", "B", "--line", "P1:4"]);
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
    assert!(out.starts_with("recovered 0 posting(s)"), "{out}");
}

#[test]
fn a_broken_deployment_fails_check_with_each_violation() {
    let g = Gudang::seeded();
    post(&g, &["receipt", "--to", "A", "--line", "P1:10"]);
    // Tamper with the stock behind the services' back.
    let db = g.data_dir().join("location.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::sqlite::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        sqlx::query("UPDATE stock SET quantity = quantity + 1000").execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    });
    let r = g.run(&["check"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.lines().any(|l| l.starts_with("VIOLATION")), "{r:?}");
    let r = g.run(&["check", "--json"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON only");
    assert!(v["violation_count"].as_u64().unwrap() >= 1, "{v}");
}

#[test]
fn text_tables_have_no_trailing_blanks() {
    let g = Gudang::seeded();
    g.ok(&["product", "add", "--sku", "BARE", "--name", "No barcode or category"]);
    post(&g, &["receipt", "--to", "A", "--line", "P1:1", "--line", "P2:50"]);
    for args in [
        vec!["stock"],
        vec!["stock", "--low"],
        vec!["txn", "list"],
        vec!["product", "list"],
        vec!["location", "list"],
        vec!["user", "list"],
        vec!["unit", "list"],
        vec!["category", "list"],
        vec!["status"],
    ] {
        let out = g.ok(&args);
        assert!(out.lines().count() >= 2, "{args:?}: {out}");
        assert_eq!(trailing_blanks(&out), None, "{args:?}:\n{out}");
    }
    let low = g.ok(&["stock", "--low"]);
    assert!(low.contains("LOW") && low.contains("P1") && !low.contains("P2"), "{low}");
    let n = g.json(&["txn", "list"])[0]["number"].as_str().unwrap().to_string();
    assert_eq!(trailing_blanks(&g.ok(&["txn", "show", &n])), None);
}

#[test]
fn every_list_command_prints_only_json() {
    let g = Gudang::seeded();
    let n = post(&g, &["receipt", "--to", "A", "--line", "P1:1"]);
    for args in [
        vec!["user", "list"],
        vec!["category", "list"],
        vec!["unit", "list"],
        vec!["product", "list"],
        vec!["product", "list", "--search", "Product"],
        vec!["location", "list"],
        vec!["stock"],
        vec!["stock", "--low", "--location", "A"],
        vec!["txn", "list"],
        vec!["txn", "show", &n],
        vec!["check"],
        vec!["status"],
    ] {
        let v = g.json(&args);
        assert!(v.is_array() || v.is_object(), "{args:?}: {v}");
    }
    let s = g.json(&["stock", "--location", "A"]);
    for k in ["location", "sku", "name", "quantity", "min", "low"] {
        assert!(s[0].get(k).is_some(), "{k} missing in {s}");
    }
    let e = g.fail(&["stock", "--location", "NOPE", "--json"]);
    assert!(e.contains("NOPE"), "{e}");
    let e = g.fail(&["stock", "--sku", "NOPE", "--json"]);
    assert!(e.contains("NOPE"), "{e}");
}
