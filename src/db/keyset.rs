//! Keyset paging: a page of a long list starts from the sort key of a row the screen already
//! holds, never from an OFFSET, so the last page of a million rows costs what the first does.
//! Each list sorts by its columns with a unique last one (the id breaks ties), and every order
//! it offers has an index on exactly those columns.

use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;

use super::multi::Arg;

/// Where a page starts. Pages always come back in the list's own order, whichever way they
/// were read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Seek<C> {
    /// The first rows of the list.
    #[default]
    First,
    /// The last rows of the list (read in reverse, from its end).
    Last,
    /// The rows after the row with this key.
    After(C),
    /// The rows just before the row with this key.
    Before(C),
    /// The rows from this key on, its own row included (a page read again in place).
    From(C),
}

impl<C> Seek<C> {
    pub fn map<D>(self, f: impl FnOnce(C) -> D) -> Seek<D> {
        match self {
            Seek::First => Seek::First,
            Seek::Last => Seek::Last,
            Seek::After(c) => Seek::After(f(c)),
            Seek::Before(c) => Seek::Before(f(c)),
            Seek::From(c) => Seek::From(f(c)),
        }
    }

    /// Whether the rows are read against the list's order (the nearest first), to be reversed.
    pub fn backward(&self) -> bool {
        matches!(self, Seek::Last | Seek::Before(_))
    }

    pub fn cursor(&self) -> Option<&C> {
        match self {
            Seek::After(c) | Seek::Before(c) | Seek::From(c) => Some(c),
            Seek::First | Seek::Last => None,
        }
    }
}

/// The SQL of one keyset page: ` AND <after the key>` for the WHERE clause (empty without a
/// key), the ORDER BY list, and the key values to bind, in order, after the filter's own.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSql {
    pub condition: String,
    pub order_by: String,
    pub args: Vec<Arg>,
}

/// Builds the page SQL for a list sorted by `cols` (ascending, or descending with `desc`;
/// the columns together unique) from `seek`, whose key holds one value per column.
///
/// The condition "after (a, b)" is written `a >= ? AND (a > ? OR b > ?)` rather than as a row
/// comparison: every backend turns its first part into an index range (MariaDB does not for
/// row values), and the rest only skips the few rows that tie on `a`.
pub fn page_sql(cols: &[&str], desc: bool, seek: &Seek<Vec<Arg>>) -> PageSql {
    // Reading backward is reading forward in the opposite order, from the key.
    let query_desc = desc != seek.backward();
    let dir = if query_desc { "DESC" } else { "ASC" };
    let order_by = cols
        .iter()
        .map(|c| format!("{c} {dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(key) = seek.cursor() else {
        return PageSql {
            condition: String::new(),
            order_by,
            args: Vec::new(),
        };
    };
    let (strict, loose) = if query_desc { ("<", "<=") } else { (">", ">=") };
    let inclusive = matches!(seek, Seek::From(_));
    let n = cols.len().min(key.len());
    let mut args = Vec::new();
    let condition = if n == 0 {
        String::new()
    } else {
        format!(
            " AND {}",
            after(&cols[..n], &key[..n], strict, loose, inclusive, &mut args)
        )
    };
    PageSql {
        condition,
        order_by,
        args,
    }
}

/// "(c0, c1, ..) after (v0, v1, ..)" as `c0 >= ? AND (c0 > ? OR <the rest after theirs>)`;
/// pushes the values to bind in the order the text names them.
fn after(
    cols: &[&str],
    key: &[Arg],
    strict: &str,
    loose: &str,
    inclusive: bool,
    args: &mut Vec<Arg>,
) -> String {
    if cols.len() == 1 {
        args.push(key[0].clone());
        let op = if inclusive { loose } else { strict };
        return format!("{} {op} ?", cols[0]);
    }
    args.push(key[0].clone());
    args.push(key[0].clone());
    let rest = after(&cols[1..], &key[1..], strict, loose, inclusive, args);
    format!("{c} {loose} ? AND ({c} {strict} ? OR {rest})", c = cols[0])
}

/// Binds one key value.
pub fn bind<'q, O>(
    q: QueryAs<'q, sqlx::Any, O, AnyArguments>,
    a: Arg,
) -> QueryAs<'q, sqlx::Any, O, AnyArguments> {
    match a {
        Arg::Int(v) => q.bind(v),
        Arg::Text(v) => q.bind(v),
    }
}

/// Puts rows read backward into the list's order.
pub fn in_order<T>(seek: &Seek<impl Sized>, mut rows: Vec<T>) -> Vec<T> {
    if seek.backward() {
        rows.reverse();
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(a: &str, id: &str) -> Vec<Arg> {
        vec![Arg::Text(Some(a.into())), Arg::Text(Some(id.into()))]
    }

    #[test]
    fn after_a_key_is_a_range_then_the_ties() {
        let p = page_sql(&["name_norm", "id"], false, &Seek::After(key("b", "9")));
        assert_eq!(
            p.condition,
            " AND name_norm >= ? AND (name_norm > ? OR id > ?)"
        );
        assert_eq!(p.order_by, "name_norm ASC, id ASC");
        assert_eq!(p.args.len(), 3);
    }

    #[test]
    fn backward_reads_the_other_way_and_from_includes_the_key() {
        let p = page_sql(&["created_at", "id"], true, &Seek::Before(key("5", "x")));
        assert_eq!(
            p.order_by, "created_at ASC, id ASC",
            "newest first, read back"
        );
        assert_eq!(
            p.condition,
            " AND created_at >= ? AND (created_at > ? OR id > ?)"
        );
        let p = page_sql(&["created_at", "id"], true, &Seek::From(key("5", "x")));
        assert_eq!(
            p.condition,
            " AND created_at <= ? AND (created_at < ? OR id <= ?)"
        );
        let p = page_sql(&["sku_norm"], false, &Seek::<Vec<Arg>>::Last);
        assert_eq!(
            (p.condition.as_str(), p.order_by.as_str()),
            ("", "sku_norm DESC")
        );
        let p = page_sql(
            &["sku_norm"],
            false,
            &Seek::After(vec![Arg::Text(Some("a".into()))]),
        );
        assert_eq!(p.condition, " AND sku_norm > ?");
        assert_eq!(p.args.len(), 1);
    }

    #[test]
    fn three_columns_nest() {
        let k = vec![
            Arg::Text(Some("l".into())),
            Arg::Text(Some("p".into())),
            Arg::Int(Some(1)),
        ];
        let p = page_sql(&["a", "b", "c"], false, &Seek::After(k));
        assert_eq!(
            p.condition,
            " AND a >= ? AND (a > ? OR b >= ? AND (b > ? OR c > ?))"
        );
        assert_eq!(p.args.len(), 5);
    }
}
