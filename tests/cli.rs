//! The admin CLI, driven through the real binary: init, usage errors, categories, units,
//! products, locations, text tables and JSON output. Posting, transactions and the check are
//! in `cli_post.rs`, roles in `cli_roles.rs`, CSV import/export in `cli_csv.rs`.

mod cliutil;

use cliutil::{ADMIN, Gudang, PASSWORD, post, trailing_blanks};

#[test]
fn init_creates_the_first_admin_once() {
    let g = Gudang::empty();
    // Refused without an email or with a weak password, and no admin is created.
    let e = g.fail_stdin(&["init", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(e.contains("--admin-email"), "{e}");
    let e = g.fail_stdin(
        &["init", "--admin-email", ADMIN, "--password-stdin"],
        "short\n",
    );
    assert!(e.contains("at least 10 characters"), "{e}");
    let e = g.fail_stdin(
        &["init", "--admin-email", "not-an-email", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(e.contains("not a valid email"), "{e}");
    let e = g.fail(&["user", "list"]);
    assert!(e.contains("gudang init"), "{e}");

    let out = g.ok_stdin(
        &[
            "init",
            "--admin-email",
            ADMIN,
            "--admin-name",
            "Ana Admin",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.contains(&format!("created admin {ADMIN}")), "{out}");
    for shard in ["master", "location", "transaction"] {
        assert!(
            g.data_dir().join(format!("{shard}.db")).exists(),
            "{shard}.db missing"
        );
    }
    let users = g.json(&["user", "list"]);
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["email"], ADMIN);
    assert_eq!(users[0]["name"], "Ana Admin");
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["active"], true);
    assert!(
        users[0].get("password_hash").is_none(),
        "hash leaked: {users}"
    );

    // A second init changes nothing.
    let out = g.ok_stdin(
        &[
            "init",
            "--admin-email",
            "other@example.test",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.contains("already initialised"), "{out}");
    assert_eq!(g.json(&["user", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(
        g.ok(&["check"]).lines().count(),
        1,
        "check on a fresh deployment"
    );
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
    for cmd in [
        "init", "user", "category", "unit", "product", "location", "post", "stock", "txn", "check",
        "status",
    ] {
        assert!(r.stdout.contains(cmd), "help lacks {cmd}: {}", r.stdout);
    }
    let bad = g.path("bad.toml");
    cliutil::write(&bad, "[database]\nmaster_ulr = \"x\"\n");
    let e = g.fail(&["--config", bad.to_str().unwrap(), "stock"]);
    assert!(e.contains("master_ulr"), "{e}");
    let e = Gudang::new()
        .with_env("GUDANG_POSTING_RECOVERY_GRACE_SECS", "soon")
        .fail(&["stock"]);
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
    let kg = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "KG")
        .expect("KG");
    assert_eq!(kg["decimals"], 3);
    let e = g.fail(&["unit", "add", "BOX", "--name", "Box", "--decimals", "4"]);
    assert!(e.contains("decimals"), "{e}");
    let e = g.fail(&["unit", "add", "pcs", "--name", "Again"]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(g.json(&["unit", "list"]).as_array().unwrap().len(), 2);

    let p = g.json(&["product", "list", "--search", "P1"]);
    let p1 = &p[0];
    for (k, v) in [
        ("sku", "P1"),
        ("name", "Product 1"),
        ("barcode", "8990000001"),
        ("category", "Hardware"),
        ("unit", "PCS"),
        ("price", "2.50"),
        ("min_qty", "5"),
    ] {
        assert_eq!(p1[k], v, "{k} in {p1}");
    }
    assert_eq!(p1["active"], true);

    // Bad input: each refused with a message naming the problem, nothing added.
    let e = g.fail(&[
        "product", "add", "--sku", "p1", "--name", "Again", "--unit", "PCS",
    ]);
    assert!(
        e.contains("SKU 'p1'") && e.contains("already exists"),
        "{e}"
    );
    let e = g.fail(&[
        "product",
        "add",
        "--sku",
        "NEW",
        "--name",
        "Clash",
        "--barcode",
        "8990000001",
        "--unit",
        "PCS",
    ]);
    assert!(e.contains("already exists"), "{e}");
    let e = g.fail(&[
        "product",
        "add",
        "--sku",
        "NEW",
        "--name",
        "N",
        "--price",
        "1.234",
        "--category",
        "Nope",
        "--unit",
        "LTR",
    ]);
    assert!(
        e.contains("price:")
            && e.contains("unknown category 'Nope'")
            && e.contains("unknown unit 'LTR'"),
        "{e}"
    );
    let e = g.fail(&[
        "product",
        "add",
        "--sku",
        "NEW",
        "--name",
        "N",
        "--unit",
        "PCS",
        "--min-qty",
        "1.5",
    ]);
    assert!(e.contains("min_qty") && e.contains("whole number"), "{e}");
    let e = g.fail(&["product", "add", "--sku", "has space", "--name", "N"]);
    assert!(e.contains("sku"), "{e}");
    // With several units, none is guessed.
    let e = g.fail(&["product", "add", "--sku", "NEW", "--name", "N"]);
    assert!(e.contains("unit: choose a unit"), "{e}");
    assert_eq!(g.product_count(), 3);

    g.ok(&[
        "product",
        "add",
        "--sku",
        "K1",
        "--name",
        "Rice",
        "--unit",
        "KG",
        "--min-qty",
        "1.25",
        "--price",
        "12.5",
    ]);
    let k1 = &g.json(&["product", "list", "--search", "K1"])[0];
    assert_eq!(
        (
            k1["unit"].as_str(),
            k1["min_qty"].as_str(),
            k1["price"].as_str()
        ),
        (Some("KG"), Some("1.25"), Some("12.50"))
    );
    g.ok(&[
        "product",
        "edit",
        "K1",
        "--price",
        "13",
        "--name",
        "Rice premium",
    ]);
    let k1 = &g.json(&["product", "list", "--search", "K1"])[0];
    assert_eq!(
        (
            k1["name"].as_str(),
            k1["price"].as_str(),
            k1["unit"].as_str()
        ),
        (Some("Rice premium"), Some("13.00"), Some("KG"))
    );
    let e = g.fail(&["product", "edit", "NOPE", "--price", "1"]);
    assert!(e.contains("not found"), "{e}");

    // Search by name part and by barcode.
    let found = g.json(&["product", "list", "--search", "premium"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(
        g.json(&["product", "list", "--search", "8990000002"])[0]["sku"],
        "P2"
    );
}

#[test]
fn locations() {
    let g = Gudang::seeded();
    g.ok(&[
        "location", "add", "A-01", "--name", "Zone 1", "--parent", "A",
    ]);
    let e = g.fail(&[
        "location", "add", "X", "--name", "Orphan", "--parent", "NOPE",
    ]);
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
fn text_tables_have_no_trailing_blanks() {
    let g = Gudang::seeded();
    g.ok(&[
        "product",
        "add",
        "--sku",
        "BARE",
        "--name",
        "No barcode or category",
        "--unit",
        "PCS",
    ]);
    post(
        &g,
        &["receipt", "--to", "A", "--line", "P1:1", "--line", "P2:50"],
    );
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
    assert!(
        low.contains("LOW") && low.contains("P1") && !low.contains("P2"),
        "{low}"
    );
    let n = g.json(&["txn", "list"])[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
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
