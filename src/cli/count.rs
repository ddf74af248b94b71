//! `gudang count ...`: stock opname from the command line. Clerks scan; supervisors and admins
//! start, review, recount, post and cancel. Every rule is the counts service's.

use clap::Subcommand;
use gudang::Services;
use gudang::domain::ids::display_time;
use gudang::domain::{Money, Quantity};
use gudang::service::counts::{
    CountStart, CountSummary, ReviewFilter, ReviewLine, parse_line_key, parse_scan,
};
use serde_json::{Value, json};

use super::out::{self, Failure};
use super::{Global, actor};

#[derive(Subcommand, Debug)]
pub enum CountCmd {
    /// Open a count at a location (supervisor); prints its number
    Start {
        #[arg(long, value_name = "LOC")]
        at: String,
        /// Also count every location nested inside it
        #[arg(long)]
        with_children: bool,
        /// Only products of this category
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add what was found (blind: the book quantity is not shown); a repeated code adds
    Scan {
        number: String,
        /// SKU:QTY, N*CODE or CODE (one of it); SKU may be a barcode; repeat per line
        #[arg(long = "line", value_name = "SKU:QTY", required = true)]
        lines: Vec<String>,
        /// Where it was found (default: the count's location)
        #[arg(long, value_name = "LOC")]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Book, counted, variance and value of every line, largest value first (supervisor)
    Review {
        number: String,
        /// Only lines with a variance (and those not counted yet)
        #[arg(long)]
        only_variances: bool,
        /// Only this location and those nested inside it
        #[arg(long, value_name = "LOC")]
        location: Option<String>,
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Clear lines so they are scanned again (supervisor)
    Recount {
        number: String,
        /// LOC:SKU; repeat per line
        #[arg(long = "line", value_name = "LOC:SKU", required = true)]
        lines: Vec<String>,
    },
    /// Post the variances as adjustments and close the count (supervisor); run again to
    /// finish an interrupted post
    Post {
        number: String,
        /// Items in scope with stock that nobody scanned count as zero (else left alone)
        #[arg(long)]
        uncounted_as_zero: bool,
        #[arg(long)]
        json: bool,
    },
    /// Close an open count without touching stock (supervisor)
    Cancel { number: String },
    /// Open counts, newest first (all with --all)
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One count with its adjustment documents
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn count(s: &Services, g: &Global, c: CountCmd) -> Result<(), Failure> {
    let me = actor(s, g).await?;
    match c {
        CountCmd::Start {
            at,
            with_children,
            category,
            json,
        } => {
            let req = CountStart {
                location: at,
                with_children,
                category,
            };
            let c = s.count_start(&me, &req).await?;
            if json {
                out::json(&c)
            } else {
                println!("{}", c.number);
                Ok(())
            }
        }
        CountCmd::Scan {
            number,
            lines,
            at,
            json,
        } => {
            let lines = lines
                .iter()
                .map(|l| parse_scan(l))
                .collect::<Result<Vec<_>, _>>()?;
            let replies = s.count_scan(&me, &number, at.as_deref(), &lines).await?;
            if json {
                let v: Vec<Value> = replies
                    .iter()
                    .map(|r| {
                        json!({
                            "location": r.location,
                            "sku": r.sku,
                            "name": r.name,
                            "added": r.added.to_string(),
                            "counted": r.counted.to_string(),
                        })
                    })
                    .collect();
                return out::json(&v);
            }
            let rows: Vec<Vec<String>> = replies
                .iter()
                .map(|r| {
                    vec![
                        r.location.clone(),
                        r.sku.clone(),
                        r.name.clone(),
                        format!("+{}", r.added),
                        r.counted.to_string(),
                    ]
                })
                .collect();
            out::table(&["LOCATION", "SKU", "NAME", "ADDED", "COUNTED"], &rows);
            Ok(())
        }
        CountCmd::Review {
            number,
            only_variances,
            location,
            category,
            json,
        } => {
            let f = ReviewFilter {
                only_variances,
                location,
                category,
            };
            let r = s.count_review(&me, &number, &f).await?;
            if json {
                let t = &r.totals;
                return out::json(&json!({
                    "count": r.count,
                    "lines": r.lines.iter().map(line_json).collect::<Vec<_>>(),
                    "totals": {
                        "lines": t.lines,
                        "counted": t.counted,
                        "recount": t.recount,
                        "not_counted": t.not_counted,
                        "variances": t.variances,
                        "gain": t.gain.to_string(),
                        "loss": t.loss.to_string(),
                        "net": t.net.to_string(),
                    },
                }));
            }
            heading(&r.count);
            let rows: Vec<Vec<String>> = r
                .lines
                .iter()
                .map(|l| {
                    vec![
                        l.location.clone(),
                        l.sku.clone(),
                        l.name.clone(),
                        l.state.as_str().to_string(),
                        l.book.to_string(),
                        opt(l.counted),
                        // A line not counted shows, in brackets, what posting it as zero
                        // would do.
                        match l.variance {
                            Some(v) => signed(v),
                            None => format!("({})", signed(Quantity(-l.book.0))),
                        },
                        match l.value {
                            Some(v) => signed_money(v),
                            None => format!("({})", signed_money(l.exposure)),
                        },
                    ]
                })
                .collect();
            out::table(
                &[
                    "LOCATION", "SKU", "NAME", "STATE", "BOOK", "COUNTED", "VARIANCE", "VALUE",
                ],
                &rows,
            );
            if t_has_uncounted(&r.lines) {
                println!("(...) = if posted as zero (count post --uncounted-as-zero)");
            }
            let t = &r.totals;
            println!(
                "{} lines: {} counted, {} to recount, {} not counted; {} with a variance; gain {}, loss {}, net {}",
                t.lines,
                t.counted,
                t.recount,
                t.not_counted,
                t.variances,
                t.gain,
                t.loss,
                signed_money(t.net)
            );
            Ok(())
        }
        CountCmd::Recount { number, lines } => {
            let keys = lines
                .iter()
                .map(|l| parse_line_key(l))
                .collect::<Result<Vec<_>, _>>()?;
            let n = s.count_recount(&me, &number, &keys).await?;
            println!("{n} line(s) to recount");
            Ok(())
        }
        CountCmd::Post {
            number,
            uncounted_as_zero,
            json,
        } => {
            let o = s.count_post(&me, &number, uncounted_as_zero).await?;
            if json {
                out::json(&o)?;
                return if o.is_posted() {
                    Ok(())
                } else {
                    Err(Failure::Quiet)
                };
            }
            if !o.is_posted() {
                let first = o.documents.iter().find(|d| d.status == "rejected");
                return Err(Failure::Error(format!(
                    "count {} is not fully posted: {} of {} adjustment(s) rejected, the first at {}: {}; run count post {} again once the stock allows",
                    o.count.number,
                    o.rejected,
                    o.documents.len(),
                    first.map(|d| d.location.as_str()).unwrap_or("?"),
                    first.and_then(|d| d.reason.as_deref()).unwrap_or("?"),
                    o.count.number
                )));
            }
            documents(&o.count);
            println!("{} posted", o.count.number);
            Ok(())
        }
        CountCmd::Cancel { number } => {
            let c = s.count_cancel(&me, &number).await?;
            println!("{} cancelled", c.number);
            Ok(())
        }
        CountCmd::List { all, json } => {
            let list = s.count_list(all).await?;
            if json {
                return out::json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.number.clone(),
                        c.status.to_string(),
                        scope(c),
                        c.scanned_lines.to_string(),
                        c.started_by.clone(),
                        display_time(c.started_at),
                    ]
                })
                .collect();
            out::table(
                &[
                    "NUMBER",
                    "STATUS",
                    "SCOPE",
                    "LINES",
                    "STARTED BY",
                    "STARTED",
                ],
                &rows,
            );
            Ok(())
        }
        CountCmd::Show { number, json } => {
            let c = s.count_get(&number).await?;
            if json {
                return out::json(&c);
            }
            heading(&c);
            println!("lines scanned: {}", c.scanned_lines);
            if c.uncounted_as_zero {
                println!("items never scanned were posted as zero");
            }
            documents(&c);
            Ok(())
        }
    }
}

fn t_has_uncounted(lines: &[ReviewLine]) -> bool {
    lines.iter().any(|l| l.variance.is_none())
}

fn line_json(l: &ReviewLine) -> Value {
    json!({
        "location": l.location,
        "sku": l.sku,
        "name": l.name,
        "category": l.category,
        "state": l.state.as_str(),
        "book": l.book.to_string(),
        "counted": l.counted.map(|q| q.to_string()),
        "variance": l.variance.map(|q| q.to_string()),
        "price": l.price.to_string(),
        "value": l.value.map(|m| m.to_string()),
        "counted_by": l.counted_by,
        "counted_at": l.counted_at.map(display_time),
        "scans": l.scans,
    })
}

/// `A (with children), category Hardware`.
fn scope(c: &CountSummary) -> String {
    let mut s = c.location.clone();
    if c.with_children {
        s.push_str(" (with children)");
    }
    if let Some(cat) = &c.category {
        s.push_str(&format!(", category {cat}"));
    }
    s
}

fn heading(c: &CountSummary) {
    println!("{}  {}  {}", c.number, c.status, scope(c));
    println!(
        "started by {} at {}",
        c.started_by,
        display_time(c.started_at)
    );
    if let (Some(at), Some(by)) = (c.closed_at, &c.closed_by) {
        println!("closed by {by} at {}", display_time(at));
    }
}

fn documents(c: &CountSummary) {
    if c.documents.is_empty() {
        return;
    }
    // The reason column only when a document was rejected.
    let reasons = c.documents.iter().any(|d| d.reason.is_some());
    let rows: Vec<Vec<String>> = c
        .documents
        .iter()
        .map(|d| {
            let mut row = vec![
                d.number.clone().unwrap_or_else(|| "-".into()),
                d.location.clone(),
                d.lines.to_string(),
                d.status.clone(),
            ];
            if reasons {
                row.push(d.reason.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    let header = ["DOCUMENT", "LOCATION", "LINES", "STATUS", "REASON"];
    out::table(&header[..if reasons { 5 } else { 4 }], &rows);
}

fn opt(q: Option<Quantity>) -> String {
    q.map(|q| q.to_string()).unwrap_or_else(|| "-".into())
}

fn signed(q: Quantity) -> String {
    if q.0 > 0 {
        format!("+{q}")
    } else {
        q.to_string()
    }
}

fn signed_money(m: Money) -> String {
    if m.0 > 0 {
        format!("+{m}")
    } else {
        m.to_string()
    }
}
