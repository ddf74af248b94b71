//! `gudang product import` and `product export` through the real binary: round trips, every
//! bad row reported with its line number and nothing imported, header errors, conflicts,
//! roles, the audit trail, and a 100,000-row file.

mod cliutil;

use std::fmt::Write as _;

use cliutil::{Gudang, write};
use serde_json::Value;

const HEADER: &str = "sku,name,barcode,category,unit,price,min_qty,active\n";

/// Products as `product list --json` shows them, without the ids (a fresh catalog makes new
/// ones), in SKU order.
fn products(g: &Gudang) -> Vec<Value> {
    let mut v = g
        .json(&["product", "list", "--limit", "10000"])
        .as_array()
        .unwrap()
        .clone();
    for p in &mut v {
        p.as_object_mut().unwrap().remove("id");
    }
    v.sort_by(|a, b| a["sku"].as_str().cmp(&b["sku"].as_str()));
    v
}

fn import(g: &Gudang, csv: &str) -> String {
    let f = g.path("in.csv");
    write(&f, csv);
    g.ok(&["product", "import", f.to_str().unwrap()])
}

fn import_fails(g: &Gudang, csv: &str) -> String {
    let f = g.path("bad.csv");
    write(&f, csv);
    g.fail(&["product", "import", f.to_str().unwrap()])
}

/// A fresh deployment with the seeded deployment's units and category but no products.
fn same_lookups() -> Gudang {
    let g = Gudang::new();
    g.ok(&["unit", "add", "PCS", "--name", "Pieces"]);
    g.ok(&["unit", "add", "KG", "--name", "Kilogram", "--decimals", "3"]);
    g.ok(&["category", "add", "Hardware"]);
    g
}

#[test]
fn export_then_import_into_an_empty_catalog_reproduces_the_products() {
    let g = Gudang::seeded();
    g.ok(&[
        "product",
        "add",
        "--sku",
        "Q-1",
        "--name",
        "Bolts, \"hex\" M8",
        "--unit",
        "KG",
        "--min-qty",
        "0.125",
        "--price",
        "0.05",
    ]);
    g.ok(&[
        "product",
        "add",
        "--sku",
        "Q-2",
        "--name",
        "Beras 5kg — premium",
        "--unit",
        "PCS",
        "--category",
        "Hardware",
    ]);
    g.ok(&[
        "product",
        "add",
        "--sku",
        "Q-3",
        "--name",
        "Retired",
        "--unit",
        "PCS",
        "--barcode",
        "0001",
    ]);
    g.ok(&["product", "deactivate", "Q-3"]);
    let exported = g.ok(&["product", "export"]);
    assert!(exported.starts_with(HEADER), "{exported}");
    assert_eq!(exported.lines().count(), 7, "{exported}");
    assert!(
        exported.contains("Q-1,\"Bolts, \"\"hex\"\" M8\",,,KG,0.05,0.125,true\n"),
        "{exported}"
    );
    assert!(
        exported.contains("Q-3,Retired,0001,,PCS,0.00,0,false\n"),
        "{exported}"
    );

    let h = same_lookups();
    let out = import(&h, &exported);
    assert!(out.contains("6 created, 0 updated, 0 unchanged"), "{out}");
    assert_eq!(products(&h), products(&g));
    assert_eq!(
        h.ok(&["product", "export"]),
        exported,
        "a second export is byte-identical"
    );
    // Importing the same file again changes nothing.
    let out = import(&h, &exported);
    assert!(out.contains("0 created, 0 updated, 6 unchanged"), "{out}");

    // Export to a file: same bytes, a message on stdout.
    let f = g.path("products.csv");
    let out = g.ok(&["product", "export", f.to_str().unwrap()]);
    assert_eq!(out, format!("exported 6 product(s) to {}\n", f.display()));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), exported);
}

#[test]
fn import_updates_existing_skus_and_creates_new_ones_with_audit_entries() {
    let g = Gudang::seeded();
    g.ok(&["post", "receipt", "--to", "A", "--line", "P1:3"]);
    let out = import(
        &g,
        &format!(
            "{HEADER}p1,Product one,8990000001,Hardware,PCS,4.00,10,true\nN1,New one,,,KG,1.5,0.5,false\nP2,Product 2,8990000002,Hardware,PCS,2.50,5,true\n"
        ),
    );
    assert_eq!(
        out,
        format!(
            "imported 3 row(s) from {}: 1 created, 1 updated, 1 unchanged\n",
            g.path("in.csv").display()
        )
    );
    let all = products(&g);
    let p1 = all
        .iter()
        .find(|p| p["sku"] == "P1")
        .expect("P1 keeps its SKU spelling");
    assert_eq!(
        (
            p1["name"].as_str(),
            p1["price"].as_str(),
            p1["min_qty"].as_str()
        ),
        (Some("Product one"), Some("4.00"), Some("10"))
    );
    let n1 = all.iter().find(|p| p["sku"] == "N1").unwrap();
    assert_eq!(
        (
            n1["unit"].as_str(),
            n1["min_qty"].as_str(),
            n1["active"].as_bool()
        ),
        (Some("KG"), Some("0.5"), Some(false))
    );
    assert!(n1["category"].is_null() && n1["barcode"].is_null());
    // The new minimum reaches the stock view (a mirror on the location shard).
    let s = &g.json(&["stock", "--location", "A", "--sku", "P1"])[0];
    assert_eq!(
        (s["min"].as_str(), s["low"].as_bool()),
        (Some("10"), Some(true)),
        "{s}"
    );

    // Columns left out keep their values; an empty barcode cell clears it.
    import(&g, "sku,name,price\nP1,Product one,4.25\n");
    let p1 = products(&g).into_iter().find(|p| p["sku"] == "P1").unwrap();
    assert_eq!(
        (
            p1["barcode"].as_str(),
            p1["category"].as_str(),
            p1["price"].as_str()
        ),
        (Some("8990000001"), Some("Hardware"), Some("4.25"))
    );
    import(&g, "sku,name,barcode\nP1,Product one,\n");
    assert!(products(&g).into_iter().find(|p| p["sku"] == "P1").unwrap()["barcode"].is_null());

    // One audit entry per change, by the acting user.
    let dir = g.data_dir();
    let entries = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async move {
            let cfg = gudang::Config {
                data_dir: Some(dir),
                ..Default::default()
            };
            let s = gudang::Services::open(cfg).await.unwrap();
            let b = s.shards.master.backend();
            s.shards
                .master
                .read(move |p| {
                    Box::pin(
                        async move { gudang::db::master::list_audit(&p, b, "master", 1000).await },
                    )
                })
                .await
                .unwrap()
        });
    let imports: Vec<_> = entries
        .iter()
        .filter(|e| e.action.starts_with("import-"))
        .collect();
    assert_eq!(
        imports.len(),
        4,
        "create N1, update P1 three times: {imports:?}"
    );
    assert!(
        imports
            .iter()
            .all(|e| e.actor == cliutil::ADMIN && e.entity == "product")
    );
    let create = imports
        .iter()
        .find(|e| e.action == "import-create")
        .unwrap();
    assert!(
        create.before_json.is_none()
            && create
                .after_json
                .as_deref()
                .unwrap()
                .contains("\"sku\":\"N1\"")
    );
    assert!(
        imports.iter().any(|e| e.action == "import-update"
            && e.before_json.as_deref().unwrap().contains("\"price\":250")
            && e.after_json.as_deref().unwrap().contains("\"price\":400")),
        "{imports:?}"
    );
    g.ok(&["check"]);
}

#[test]
fn every_bad_row_is_reported_by_line_and_nothing_is_imported() {
    let g = Gudang::seeded();
    let before = products(&g);
    let csv = format!(
        "{HEADER}\
         P1,Changed name,,Hardware,PCS,9.99,1,true\n\
         OK1,Would be fine,,,PCS,1,1,true\n\
         BAD1,Bad price,,,PCS,1.234,1,true\n\
         BAD2,Too few fields\n\
         BAD3,Unknown lookups,,Garden,LTR,1,1,true\n\
         OK1,Duplicate SKU,,,PCS,1,1,true\n\
         BAD4,Taken barcode,8990000002,,PCS,1,1,true\n\
         BAD5,Bad active,,,PCS,1,1,maybe\n\
         \"BAD6\",\"Quoted, with a\nnewline in it\",,,PCS,1,1.5,true\n\
         BAD7,,,,PCS,-1,x,\n"
    );
    let e = import_fails(&g, &csv);
    let lines: Vec<&str> = e.lines().collect();
    for want in [
        "line 4: price: '1.234': price allows at most 2 decimal place(s)",
        "line 5: expected 8 fields like the header, found 2",
        "line 6: category: unknown category 'Garden'",
        "line 6: unit: unknown unit 'LTR'",
        "line 7: sku: 'OK1' is also on line 3",
        "line 8: barcode: '8990000002' already belongs to product P2",
        "line 9: active: 'maybe' is not true or false",
        "line 10: name: name may not contain control characters",
        "line 10: min_qty: '1.5': quantity must be a whole number",
        "line 12: name: name is required",
        "line 12: price: '-1' is not a valid price",
        "line 12: min_qty: 'x' is not a valid quantity",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "missing {want:?} in:\n{e}"
        );
    }
    assert!(lines.iter().all(|l| l.starts_with("error: ")), "{e}");
    assert!(
        !e.contains("line 2:") && !e.contains("line 3:"),
        "good rows are not reported: {e}"
    );
    assert!(
        lines.last().unwrap().contains("nothing was imported"),
        "{e}"
    );
    assert_eq!(products(&g), before, "nothing imported, P1 not updated");
    assert_eq!(
        g.json(&["unit", "list"]).as_array().unwrap().len(),
        2,
        "no unit created"
    );
    assert_eq!(
        g.json(&["category", "list"]).as_array().unwrap().len(),
        1,
        "no category created"
    );
}

#[test]
fn header_problems_name_the_column() {
    let g = Gudang::seeded();
    for (csv, want) in [
        (
            "sku,name,colour\nX,Y,red\n",
            "line 1: unknown column 'colour'",
        ),
        ("name,price\nX,1\n", "line 1: missing required column 'sku'"),
        ("sku,price\nX,1\n", "line 1: missing required column 'name'"),
        (
            "sku,name,SKU\nX,Y,Z\n",
            "line 1: column 'sku' appears twice",
        ),
        ("", "line 1: the file is empty"),
    ] {
        let e = import_fails(&g, csv);
        assert!(e.contains(want), "{csv:?}: {e}");
    }
    // Header names are case- and space-insensitive, a UTF-8 BOM is ignored, the order is free.
    let out = import(
        &g,
        "\u{feff} Name ,SKU, Price , UNIT\nNew product,NEW-1,3,PCS\n",
    );
    assert!(out.contains("1 created"), "{out}");
    let e = g.fail(&["product", "import", g.path("missing.csv").to_str().unwrap()]);
    assert!(
        e.contains("cannot open") && e.contains("missing.csv"),
        "{e}"
    );
    // Standard input works too.
    let out = g.ok_stdin(
        &["product", "import", "-"],
        "sku,name,unit\nNEW-2,From stdin,PCS\n",
    );
    assert!(out.contains("1 created"), "{out}");
    let e = g.fail_stdin(&["product", "import", "-"], "sku,name\nNEW-3\n");
    assert!(
        e.contains("standard input: line 2: expected 2 fields"),
        "{e}"
    );
    assert_eq!(g.product_count(), 5);
}

#[test]
fn import_needs_catalog_rights_and_export_any_role() {
    let g = Gudang::seeded();
    g.add_user("clerk@example.test", "clerk");
    let f = g.path("in.csv");
    write(&f, "sku,name\nC1,By clerk\n");
    let e = g.fail(&[
        "--as",
        "clerk@example.test",
        "product",
        "import",
        f.to_str().unwrap(),
    ]);
    assert!(
        e.contains("permission denied") && e.contains("manage products"),
        "{e}"
    );
    assert_eq!(g.product_count(), 3);
    let out = g.ok(&["--as", "clerk@example.test", "product", "export"]);
    assert_eq!(out.lines().count(), 4);
}

#[test]
fn a_hundred_thousand_rows_import_and_export() {
    let g = same_lookups();
    let n = 100_000;
    let mut csv = String::from(HEADER);
    for i in 0..n {
        let _ = writeln!(
            csv,
            "SKU-{i:06},Product {i} widget,{},Hardware,PCS,{}.{:02},{},true",
            8_990_000_000_000u64 + i,
            i % 1000,
            i % 100,
            i % 50
        );
    }
    let out = import(&g, &csv);
    assert!(
        out.contains(&format!("imported {n} row(s)")) && out.contains(&format!("{n} created")),
        "{out}"
    );
    let exported = g.ok(&["product", "export"]);
    assert_eq!(
        exported, csv,
        "the export is the imported file, in SKU order"
    );
    // A bad row at the very end still refuses the whole file.
    let bad = format!(
        "{}SKU-X,Last,,Hardware,PCS,oops,0,true\n",
        csv.replace("Product 7 widget", "Renamed")
    );
    let e = import_fails(&g, &bad);
    assert!(e.contains(&format!("line {}: price:", n + 2)), "{e}");
    assert!(
        !g.ok(&["product", "list", "--search", "Renamed"])
            .contains("SKU-"),
        "nothing imported"
    );
}
