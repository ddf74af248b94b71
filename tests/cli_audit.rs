//! `gudang audit` through the real binary: a price edit and a location rename with before and
//! after per field in JSON, the text at 80 columns, the filters, bad flags, and a clerk
//! refused.

mod cliutil;

use cliutil::{ADMIN, Gudang, trailing_blanks};
use serde_json::Value;

const CLERK: &str = "cici@example.test";
const SUPERVISOR: &str = "sani@example.test";

/// Renames location A in-process: the CLI has no location edit (the app does).
fn rename_location(g: &Gudang, code: &str, name: &str) {
    let dir = g.data_dir();
    let (code, name) = (code.to_string(), name.to_string());
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async move {
            let cfg = gudang::Config {
                data_dir: Some(dir),
                ..Default::default()
            };
            let s = gudang::Services::open(cfg).await.unwrap();
            let admin = s.actor_by_email(ADMIN).await.unwrap();
            s.update_location(&admin, &code, Some(&name), None, None)
                .await
                .unwrap();
        });
}

fn change<'v>(entry: &'v Value, field: &str) -> &'v Value {
    entry["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["field"] == field))
        .unwrap_or_else(|| panic!("no {field} in {entry}"))
}

#[test]
fn audit_shows_changes_field_by_field() {
    let g = Gudang::seeded();
    g.add_user(CLERK, "clerk");
    g.add_user(SUPERVISOR, "supervisor");
    g.ok(&["product", "edit", "P1", "--price", "3.75"]);
    rename_location(&g, "A", "Gudang Utama");

    let v = g.json(&["--as", SUPERVISOR, "audit", "--limit", "2"]);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{v}");
    let (rename, edit) = (&entries[0], &entries[1]);
    assert_eq!(rename["entity"], "location");
    assert_eq!(rename["code"], "A");
    let name = change(rename, "name");
    assert_eq!(
        (&name["before"], &name["after"]),
        (&"Warehouse A".into(), &"Gudang Utama".into())
    );
    assert_eq!(edit["entity"], "product");
    assert_eq!(edit["code"], "P1");
    assert_eq!(edit["actor"], ADMIN);
    assert_eq!(edit["action"], "update");
    let price = change(edit, "price");
    assert_eq!(
        (&price["before"], &price["after"]),
        (&"2.50".into(), &"3.75".into())
    );
    assert!(edit["doc"].is_null());
    assert!(!v["next"].is_null(), "{v}");

    // Filters: a product's history by barcode, one location, since today.
    let h = g.json(&["audit", "--entity", "product", "--code", "8990000001"]);
    let actions: Vec<&str> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "create"]);
    let h = g.json(&[
        "audit",
        "--entity",
        "location",
        "--code",
        "a",
        "--since",
        "2020-01-01",
    ]);
    assert_eq!(h["entries"].as_array().unwrap().len(), 2, "{h}");
    let h = g.json(&["audit", "--actor", SUPERVISOR]);
    assert!(h["entries"].as_array().unwrap().is_empty(), "{h}");
    assert!(h["next"].is_null());

    // Text: a heading per change and a line per field, within 80 columns.
    let text = g.ok(&["audit", "--entity", "product", "--code", "P1"]);
    assert!(text.contains("product P1 (Product 1)"), "{text}");
    assert!(text.contains("    price: 2.50 -> 3.75"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert_eq!(trailing_blanks(&text), None);

    // A CSV import names its batch as the document, in JSON and in text.
    let csv = g.path("p.csv");
    cliutil::write(&csv, "sku,name,price\nP2,Product 2,4.00\n");
    g.ok(&["product", "import", csv.to_str().unwrap()]);
    let v = g.json(&[
        "audit", "--entity", "product", "--code", "P2", "--limit", "1",
    ]);
    let imported = &v["entries"][0];
    assert_eq!(imported["action"], "import-update");
    let doc = imported["doc"].as_str().unwrap().to_string();
    assert!(doc.starts_with("IMP-"), "{v}");
    let price = change(imported, "price");
    assert_eq!(
        (&price["before"], &price["after"]),
        (&"2.50".into(), &"4.00".into())
    );
    let r = g.run(&["audit", "--code", "P2", "--limit", "1"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("showing the newest 1"), "{r:?}");
    let text = r.stdout;
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(&format!("import-update  {doc}")),
        "{text}"
    );

    // Bad flags: a clear message, exit 1, nothing on stdout.
    for (args, says) in [
        (vec!["audit", "--entity", "shelf"], "unknown entity 'shelf'"),
        (
            vec!["audit", "--since", "26-11-2026"],
            "--since: '26-11-2026' is not a date",
        ),
        (
            vec!["audit", "--actor", "ghost@example.test"],
            "no user with email",
        ),
        (
            vec!["audit", "--entity", "product", "--code", "NOPE"],
            "no product with SKU",
        ),
        (
            vec!["audit", "--limit", "0"],
            "the limit must be between 1 and 500",
        ),
    ] {
        let e = g.fail(&args);
        assert!(e.contains(says), "{args:?}: {e}");
    }
    // A clerk is refused.
    let e = g.fail(&["--as", CLERK, "audit"]);
    assert!(
        e.contains("permission denied: a clerk may not see the audit trail"),
        "{e}"
    );
}
