//! The reports on the command line, through the real binary: `stock card` (text, JSON, CSV),
//! `stock limits`, `report movement / valuation / reorder` with their files (CSV read back,
//! XLSX a zip holding the sheet), and bad input that writes nothing.

mod cliutil;

use cliutil::{Gudang, PASSWORD, post, trailing_blanks};

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// Seeded, plus A1 inside A, and a few movements of P1 and P2.
fn warehouse() -> Gudang {
    let g = Gudang::seeded();
    g.ok(&["location", "add", "A1", "--name", "Bin A1", "--parent", "A"]);
    post(
        &g,
        &[
            "receipt",
            "--to",
            "A",
            "--partner",
            "PT Maju",
            "--line",
            "P1:100",
            "--line",
            "P2:10",
        ],
    );
    post(
        &g,
        &[
            "issue",
            "--from",
            "A",
            "--partner",
            "Toko Jaya",
            "--line",
            "P1:30",
        ],
    );
    post(
        &g,
        &["transfer", "--from", "A", "--to", "B", "--line", "P1:20"],
    );
    post(
        &g,
        &["transfer", "--from", "A", "--to", "A1", "--line", "P1:5"],
    );
    g
}

#[test]
fn stock_card_text_json_and_csv() {
    let g = warehouse();
    let out = g.ok(&["stock", "card", "P1"]);
    assert!(out.contains("Stock card P1 Product 1"), "{out}");
    assert!(out.contains("opening balance"), "{out}");
    assert!(out.contains("closing balance"), "{out}");
    assert!(
        out.contains("PT Maju") && out.contains("Toko Jaya"),
        "{out}"
    );
    assert_eq!(trailing_blanks(&out), None, "{out}");
    // The closing balance is the stock everywhere: 100 - 30 = 70.
    let last = out.lines().last().unwrap();
    assert!(last.trim_end().ends_with("70"), "{last}");

    let v = g.json(&[
        "stock",
        "card",
        "8990000001",
        "--location",
        "A",
        "--no-children",
    ]);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.first().unwrap()["kind"], "Opening balance");
    assert_eq!(v["totals"]["balance"], "45");
    assert_eq!(v["totals"]["out"], "55");
    let kinds: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["receipt", "issue", "transfer", "transfer"]);
    assert_eq!(v["notes"]["Location"], "A");

    // CSV on stdout: header, opening, four rows at A and A1, closing.
    let csv = g.ok(&["stock", "card", "P1", "--location", "A", "--csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Date/time,Number,Kind,Location,Partner / other location,In,Out,Balance"
    );
    assert_eq!(lines.len(), 1 + 1 + 5 + 1, "{csv}");
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with(",Closing balance,,,105,55,50"),
        "{csv}"
    );
    // And into a file.
    let f = g.path("card.csv");
    g.ok(&["stock", "card", "P1", "--csv", f.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&f)
            .unwrap()
            .starts_with("Date/time,")
    );
}

#[test]
fn movement_report_files_and_json() {
    let g = warehouse();
    let t = today();
    let out = g.ok(&["report", "movement", "--from", &t, "--to", &t]);
    assert!(out.contains("TOTAL (2 rows)"), "{out}");
    assert_eq!(trailing_blanks(&out), None, "{out}");
    let v = g.json(&[
        "report",
        "movement",
        "--from",
        &t,
        "--to",
        &t,
        "--by-location",
    ]);
    let rows = v["rows"].as_array().unwrap();
    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["sku"].as_str().unwrap(), r["location"].as_str().unwrap()))
        .collect();
    assert_eq!(keys, [("P1", "A"), ("P1", "A1"), ("P1", "B"), ("P2", "A")]);
    assert_eq!(v["totals"]["closing"], "80");
    assert_eq!(v["totals"]["closing_value"], "200.00");
    assert_eq!(
        v["notes"]["Values"],
        "quantity x the product's current price"
    );

    let csv = g.path("mutasi.csv");
    let out = g.ok(&[
        "report",
        "movement",
        "--location",
        "A",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.contains("wrote"), "{out}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..4], ["SKU", "Name", "Category", "Unit"]);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let p1 = recs.iter().find(|r| &r[0] == "P1").unwrap();
    // At A and A1 together: in 100 (+5 and -5 between them), out 30 + 20.
    assert_eq!(&p1[col("Opening")], "0");
    assert_eq!(&p1[col("Received")], "100");
    assert_eq!(&p1[col("Transfer in")], "5");
    assert_eq!(&p1[col("Transfer out")], "25");
    assert_eq!(&p1[col("Closing")], "50");
    assert_eq!(&p1[col("Closing value")], "125.00");
    let total = recs.last().unwrap();
    assert!(total[0].starts_with("Total (2 rows)"), "{total:?}");
    assert_eq!(&total[col("Closing")], "60");

    let xlsx = g.path("mutasi.xlsx");
    g.ok(&[
        "report",
        "movement",
        "--category",
        "Hardware",
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert_xlsx(&xlsx);
}

/// An XLSX file is a zip holding a workbook and its sheet.
fn assert_xlsx(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "not a zip");
    let text = String::from_utf8_lossy(&bytes);
    for part in [
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "[Content_Types].xml",
    ] {
        assert!(text.contains(part), "{part} missing");
    }
}

#[test]
fn valuation_and_reorder() {
    let g = warehouse();
    let out = g.ok(&["report", "valuation"]);
    assert!(out.contains("Valuation at the end of"), "{out}");
    let v = g.json(&["report", "valuation", "--by", "location"]);
    let rows: Vec<(&str, &str)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["location"].as_str().unwrap(),
                r["quantity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("A", "55"), ("A1", "5"), ("B", "20")]);
    assert_eq!(v["totals"]["value"], "200.00");
    let v = g.json(&["report", "valuation", "--by", "category", "--at", &today()]);
    assert_eq!(v["rows"][0]["category"], "Hardware");
    let f = g.path("nilai.xlsx");
    g.ok(&[
        "report",
        "valuation",
        "--by",
        "product",
        "--xlsx",
        f.to_str().unwrap(),
    ]);
    assert_xlsx(&f);

    // P2 at A: 10 with a minimum of 12 and a maximum of 30; B holds 40 of it with a maximum
    // of 15: 25 could come from there.
    let out = g.ok(&[
        "stock", "limits", "--at", "A", "--sku", "P2", "--min", "12", "--max", "30",
    ]);
    assert!(
        out.contains("minimum 12") && out.contains("maximum 30"),
        "{out}"
    );
    post(&g, &["receipt", "--to", "B", "--line", "P2:40"]);
    g.ok(&["stock", "limits", "--at", "B", "--sku", "P2", "--max", "15"]);
    let v = g.json(&["report", "reorder", "--location", "A"]);
    let rows = v["rows"].as_array().unwrap();
    let p2 = rows.iter().find(|r| r["sku"] == "P2").unwrap();
    assert_eq!(p2["suggested"], "20");
    assert_eq!(p2["surplus"], "B (25)");
    assert_eq!(p2["value"], "50.00");
    // P1 at A1: 5, at its default minimum 5, no maximum: up to twice the minimum.
    let v = g.json(&["report", "reorder"]);
    let a1 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["location"] == "A1")
        .unwrap()
        .clone();
    assert_eq!(
        (a1["sku"].as_str(), a1["suggested"].as_str()),
        (Some("P1"), Some("5"))
    );
    let f = g.path("reorder.csv");
    g.ok(&["report", "reorder", "--csv", f.to_str().unwrap()]);
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(
        text.starts_with("Location,SKU,Name,Unit,Quantity,Min,Max,Suggested"),
        "{text}"
    );
    // Clearing: the maximum goes, the minimum falls back to the product's.
    let v = g.json(&[
        "stock", "limits", "--at", "A", "--sku", "P2", "--min", "default", "--max", "none",
    ]);
    assert_eq!(
        (v["min"].as_str(), v["max"].as_null()),
        (Some("5"), Some(()))
    );
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    let g = warehouse();
    let f = g.path("out.csv");
    let fs = f.to_str().unwrap();
    for (args, says) in [
        (
            vec!["report", "movement", "--from", "2026-02-30", "--csv", fs],
            "--from",
        ),
        (
            vec!["report", "movement", "--from", "26-01-01"],
            "YYYY-MM-DD",
        ),
        (
            vec![
                "report",
                "movement",
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-01",
                "--csv",
                fs,
            ],
            "after it ends",
        ),
        (
            vec!["report", "movement", "--location", "NOPE", "--csv", fs],
            "location 'NOPE' not found",
        ),
        (
            vec!["report", "movement", "--category", "Nothing", "--csv", fs],
            "category 'Nothing' not found",
        ),
        (
            vec!["report", "valuation", "--at", "yesterday", "--csv", fs],
            "--at",
        ),
        (
            vec!["report", "valuation", "--by", "colour", "--csv", fs],
            "--by",
        ),
        (
            vec!["report", "reorder", "--location", "NOPE", "--csv", fs],
            "not found",
        ),
        (vec!["stock", "card", "NOPE"], "product 'NOPE' not found"),
        (
            vec!["stock", "card", "P1", "--location", "ZZ"],
            "location 'ZZ' not found",
        ),
        (vec!["stock", "card", "P1", "--to", "2026-13-01"], "--to"),
        (
            vec!["stock", "limits", "--at", "A", "--sku", "P1"],
            "--min or --max",
        ),
        (
            vec!["stock", "limits", "--at", "A", "--sku", "P1", "--min=-1"],
            "--min",
        ),
        (
            vec![
                "stock", "limits", "--at", "A", "--sku", "P1", "--min", "10", "--max", "3",
            ],
            "below its minimum",
        ),
        (
            vec![
                "stock", "limits", "--at", "A", "--sku", "P1", "--max", "1.5",
            ],
            "decimal",
        ),
        (
            vec!["report", "movement", "--xlsx", "/nonexistent-dir/r.xlsx"],
            "does not exist",
        ),
    ] {
        let e = g.fail(&args);
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(!f.exists(), "{args:?} left {fs}");
    }
    // Nothing was changed by the refused limits.
    let v = g.json(&["report", "reorder"]);
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["max"].is_null()),
        "{v}"
    );
    // A clerk reads reports but may not set limits.
    g.ok_stdin(
        &[
            "user",
            "add",
            "c@example.test",
            "--name",
            "Clerk",
            "--role",
            "clerk",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    let e = g.fail(&[
        "--as",
        "c@example.test",
        "stock",
        "limits",
        "--at",
        "A",
        "--sku",
        "P1",
        "--min",
        "3",
    ]);
    assert!(e.contains("permission denied"), "{e}");
    g.ok(&["--as", "c@example.test", "report", "valuation"]);
    // No leftovers beside the files that were refused.
    let left: Vec<_> = std::fs::read_dir(g.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
