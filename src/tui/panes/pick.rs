//! What the stock, transactions and admin panes share: locations as a tree (for pickers and
//! tables), dates as clerks type them, and a few drawing helpers.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use ratatui::layout::Constraint;
use ratatui::text::Span;
use ratatui::widgets::{Block, Row};

use super::paged::Paged;
use crate::db::location::Location;
use crate::domain::ids::display_time;
use crate::service::stock_view::location_paths;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::picker::Item;

/// Locations in tree order (each parent followed by what is nested inside it), with depth.
/// A location whose parent is missing shows at the top level; one caught in a cycle (which
/// the service refuses to make) still shows once, at the end. Linear in the number of
/// locations, so a table of thousands redraws in no time.
pub fn tree(all: &[Location]) -> Vec<(usize, &Location)> {
    let ids: HashSet<&str> = all.iter().map(|l| l.id.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&Location>> = HashMap::new();
    for l in all {
        let parent = l.parent_id.as_deref().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(l);
    }
    let mut out = Vec::with_capacity(all.len());
    let mut seen: HashSet<&str> = HashSet::with_capacity(all.len());
    let mut stack: Vec<(usize, &Location)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|l| (0, *l)).collect())
        .unwrap_or_default();
    while let Some((depth, l)) = stack.pop() {
        if !seen.insert(l.id.as_str()) {
            continue;
        }
        out.push((depth, l));
        if let Some(kids) = children.get(&Some(l.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (depth + 1, *k)));
        }
    }
    for l in all {
        if seen.insert(l.id.as_str()) {
            out.push((0, l));
        }
    }
    out
}

/// Picker items for locations (value = code), each labelled with its full path (`JKT/A/01`,
/// so typing `JKT/A` narrows to that subtree and a bin code alone still matches), nested ones
/// indented; `first` adds a first item with an empty value ("all"). Inactive locations are
/// left out, unless `inactive` is the mark to show them with (filters over history still find
/// them).
pub fn location_items(all: &[Location], first: Option<&str>, inactive: Option<&str>) -> Vec<Item> {
    let paths = location_paths(all);
    let mut items: Vec<Item> = first
        .map(|l| Item {
            value: String::new(),
            label: l.to_string(),
        })
        .into_iter()
        .collect();
    for (d, l) in tree(all) {
        let mark = match (l.active != 0, inactive) {
            (true, _) => String::new(),
            (false, Some(m)) => format!(" ({m})"),
            (false, None) => continue,
        };
        let path = paths.get(&l.id).unwrap_or(&l.code);
        items.push(Item {
            value: l.code.clone(),
            label: format!("{}{path}  {}{mark}", "  ".repeat(d), l.name),
        });
    }
    items
}

/// Full paths by location code (codes are unique), for what names a location by its code.
pub fn paths_by_code(all: &[Location]) -> HashMap<String, String> {
    let by_id = location_paths(all);
    all.iter()
        .map(|l| {
            let path = by_id.get(&l.id).cloned().unwrap_or_else(|| l.code.clone());
            (l.code.clone(), path)
        })
        .collect()
}

/// A location's path in `w` columns: whole if it fits, else its end (the most specific part)
/// after "…".
pub fn fit_path(path: &str, w: usize) -> String {
    let n = path.chars().count();
    if n <= w {
        return path.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let tail: String = path.chars().skip(n - (w - 1)).collect();
    format!("…{tail}")
}

/// A date typed as `YYYY-MM-DD` (or `today`), relative to `today`.
pub fn parse_date(s: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.eq_ignore_ascii_case("today") || t.eq_ignore_ascii_case("hari ini") {
        return Ok(Some(today));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("'{t}' is not a date like {}", today.format("%Y-%m-%d")))
}

/// A bordered box with a title, as the panes of this branch draw them.
pub fn titled(shell: &Shell, title: String) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(format!(" {title} "), shell.theme.title()))
        .border_style(shell.theme.border())
}

/// "YYYY-MM-DD HH:MM" in local time.
pub fn short_time(micros: i64) -> String {
    display_time(micros).chars().take(16).collect()
}

/// The "rows a–b" counter of a paged list: the rows on screen, "of N" when the list was
/// counted or walked to its end, "+" when more follow, "from the end" after End (until the
/// walk back reaches the first row). Only what is known is said.
pub fn rows_label<K: Clone + PartialEq, T>(shell: &Shell, list: &Paged<K, T>) -> String {
    let Some((a, b)) = list.shown() else {
        return String::new();
    };
    if list.from_end {
        return shell.tf(Msg::RowsFromEnd, &[&(-a).to_string(), &(-b).to_string()]);
    }
    let (a, b) = ((a + 1).to_string(), (b + 1).to_string());
    match list.total {
        Some(t) if list.at_start && list.at_end && a == "1" && b == t.to_string() => {
            shell.tf(Msg::RowsRange, &[&a, &b])
        }
        Some(t) => shell.tf(Msg::RowsRangeOf, &[&a, &b, &t.to_string()]),
        None => format!("{}+", shell.tf(Msg::RowsRange, &[&a, &b])),
    }
}

/// Columns that hold numbers: their titles are right-aligned like their values.
const NUMERIC: [Msg; 9] = [
    Msg::ColQty,
    Msg::ColCounted,
    Msg::ColMin,
    Msg::ColTotal,
    Msg::ColValue,
    Msg::ColChange,
    Msg::ColPrice,
    Msg::ColApplied,
    Msg::ColLines,
];

/// A table's header row for columns `cols` of `widths`.
pub fn header_row(shell: &Shell, cols: &[Msg], widths: &[Constraint]) -> Row<'static> {
    let cells = cols.iter().enumerate().map(|(i, m)| match widths.get(i) {
        Some(Constraint::Length(w)) if NUMERIC.contains(m) => {
            format!("{:>w$}", shell.t(*m), w = usize::from(*w))
        }
        _ => shell.t(*m).to_string(),
    });
    Row::new(cells).style(shell.theme.header())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(id: &str, parent: Option<&str>, active: i64) -> Location {
        Location {
            id: id.into(),
            code: id.to_uppercase(),
            name: format!("Loc {id}"),
            parent_id: parent.map(Into::into),
            active,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn tree_nests_children_under_parents() {
        let all = [
            loc("b", None, 1),
            loc("a1", Some("a"), 1),
            loc("a", None, 1),
            loc("x", Some("gone"), 1),
            loc("c", None, 0),
        ];
        let order: Vec<(usize, &str)> = tree(&all)
            .into_iter()
            .map(|(d, l)| (d, l.id.as_str()))
            .collect();
        assert_eq!(
            order,
            [(0, "b"), (0, "a"), (1, "a1"), (0, "x"), (0, "c")],
            "the orphan x at the top level"
        );
        let with_inactive: Vec<String> = location_items(&all, None, Some("inactive"))
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(with_inactive.len(), 5);
        assert!(with_inactive.contains(&"C  Loc c (inactive)".to_string()));
        let labels: Vec<String> = location_items(&all, Some("All"), None)
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(
            labels,
            ["All", "B  Loc b", "A  Loc a", "  A/A1  Loc a1", "X  Loc x"],
            "inactive C is not offered; nested ones show their path"
        );
        assert_eq!(paths_by_code(&all)["A1"], "A/A1");
    }

    #[test]
    fn a_long_path_keeps_its_end() {
        assert_eq!(fit_path("JKT/A/01", 8), "JKT/A/01");
        assert_eq!(fit_path("JKT/ZONE-A/RACK-3/B07", 10), "…ACK-3/B07");
        assert_eq!(fit_path("JKT", 0), "");
    }

    #[test]
    fn a_cycle_still_shows_each_location_once() {
        let all = [
            loc("p", Some("q"), 1),
            loc("q", Some("p"), 1),
            loc("r", None, 1),
        ];
        let order: Vec<&str> = tree(&all).into_iter().map(|(_, l)| l.id.as_str()).collect();
        assert_eq!(order, ["r", "p", "q"]);
    }

    #[test]
    fn dates() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(parse_date("", today), Ok(None));
        assert_eq!(parse_date("today", today), Ok(Some(today)));
        assert_eq!(
            parse_date("2026-01-31", today),
            Ok(NaiveDate::from_ymd_opt(2026, 1, 31))
        );
        assert!(parse_date("31/01/2026", today).is_err());
    }
}
