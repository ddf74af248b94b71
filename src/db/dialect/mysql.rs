//! The SQL that MySQL/MariaDB spells differently from the SQLite-style text written once for all
//! backends, rewritten mechanically (once per statement text, see [`super::Backend::sql`]):
//!
//! - `CAST(x AS BIGINT)` / `AS TEXT` become `AS SIGNED` / `AS CHAR` (MySQL has no BIGINT cast).
//! - `INSERT ... ON CONFLICT (k) DO UPDATE SET a = excluded.a` becomes
//!   `ON DUPLICATE KEY UPDATE a = VALUES(a)`; `DO NOTHING` becomes a no-op update of the key's
//!   first column (not `INSERT IGNORE`, which would also swallow other errors). Every table
//!   this is used on has no unique key besides the conflict target, so the two mean the same.
//! - `UPDATE t SET ... FROM (VALUES (?, ?), ...) AS v WHERE ...` becomes a join with a derived
//!   table whose columns are named `column1`, `column2`, ... as PostgreSQL and SQLite name them.
//!
//! `INSERT ... RETURNING` is kept: MariaDB (10.5 and later) has it, also with
//! `ON DUPLICATE KEY UPDATE`, where it returns the row as updated. MySQL 8 has no `RETURNING`,
//! which is why gudang supports MariaDB and not (yet) MySQL 8 for the location shard.

/// The statement for MySQL/MariaDB. Placeholders stay `?`.
pub(super) fn rewrite(sql: &str) -> String {
    let mut s = sql
        .replace(" AS BIGINT)", " AS SIGNED)")
        .replace(" AS TEXT)", " AS CHAR)");
    if s.contains(" ON CONFLICT (") {
        s = on_conflict(&s);
    }
    if s.starts_with("UPDATE ") && s.contains(" FROM (VALUES ") {
        s = update_from_values(&s);
    }
    s
}

fn on_conflict(sql: &str) -> String {
    let Some(at) = sql.find(" ON CONFLICT (") else {
        return sql.to_string();
    };
    let head = &sql[..at];
    let rest = &sql[at + " ON CONFLICT (".len()..];
    let Some(close) = rest.find(')') else {
        return sql.to_string();
    };
    let target = &rest[..close];
    let after = rest[close + 1..].trim_start();
    if let Some(tail) = after.strip_prefix("DO NOTHING") {
        let first = target.split(',').next().unwrap_or(target).trim();
        return format!("{head} ON DUPLICATE KEY UPDATE {first} = {first}{tail}");
    }
    let Some(sets) = after.strip_prefix("DO UPDATE SET ") else {
        return sql.to_string();
    };
    let (sets, tail) = match sets.find(" RETURNING ") {
        Some(r) => (&sets[..r], &sets[r..]),
        None => (sets, ""),
    };
    format!(
        "{head} ON DUPLICATE KEY UPDATE {}{tail}",
        excluded_to_values(sets)
    )
}

/// `excluded.col` -> `VALUES(col)`.
fn excluded_to_values(sets: &str) -> String {
    let mut out = String::with_capacity(sets.len() + 16);
    let mut rest = sets;
    while let Some(i) = rest.find("excluded.") {
        // Only where `excluded` starts a name (not `not_excluded.x`).
        let starts_name = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        out.push_str(&rest[..i]);
        let after = &rest[i + "excluded.".len()..];
        if !starts_name {
            out.push_str("excluded.");
            rest = after;
            continue;
        }
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("VALUES(");
        out.push_str(&after[..end]);
        out.push(')');
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `UPDATE t SET s FROM (VALUES r1, r2) AS v WHERE c` ->
/// `UPDATE t, (SELECT ? AS column1, ... UNION ALL SELECT ?, ...) AS v SET s WHERE c`.
fn update_from_values(sql: &str) -> String {
    let parse = || {
        let (head, rest) = sql.split_once(" SET ")?;
        let (sets, rest) = rest.split_once(" FROM (VALUES ")?;
        let (rows, rest) = rest.split_once(") AS ")?;
        let (alias, cond) = rest.split_once(" WHERE ")?;
        Some((head, sets, rows, alias, cond))
    };
    let Some((head, sets, rows, alias, cond)) = parse() else {
        return sql.to_string();
    };
    let rows: Vec<&str> = rows
        .split("),")
        .map(|r| r.trim().trim_start_matches('(').trim_end_matches(')'))
        .collect();
    let selects: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cols: Vec<String> = row
                .split(',')
                .enumerate()
                .map(|(j, v)| {
                    if i == 0 {
                        format!("{} AS column{}", v.trim(), j + 1)
                    } else {
                        v.trim().to_string()
                    }
                })
                .collect();
            format!("SELECT {}", cols.join(", "))
        })
        .collect();
    format!(
        "{head}, ({}) AS {alias} SET {sets} WHERE {cond}",
        selects.join(" UNION ALL ")
    )
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn casts() {
        assert_eq!(
            rewrite("SELECT CAST(SUM(x) AS BIGINT), CAST(y AS TEXT) FROM t"),
            "SELECT CAST(SUM(x) AS SIGNED), CAST(y AS CHAR) FROM t"
        );
    }

    #[test]
    fn upserts() {
        assert_eq!(
            rewrite(
                "INSERT INTO s (a, b, q) VALUES (?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET q = s.q + excluded.q, x = excluded.x_2"
            ),
            "INSERT INTO s (a, b, q) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE q = s.q + VALUES(q), x = VALUES(x_2)"
        );
        assert_eq!(
            rewrite("INSERT INTO s (a, b) VALUES (?, ?) ON CONFLICT (a, b) DO NOTHING"),
            "INSERT INTO s (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = a"
        );
        assert_eq!(
            rewrite(
                "INSERT INTO n (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = n.v + excluded.v RETURNING v"
            ),
            "INSERT INTO n (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = n.v + VALUES(v) RETURNING v"
        );
    }

    #[test]
    fn update_from_values() {
        assert_eq!(
            rewrite(
                "UPDATE stock SET quantity = stock.quantity - v.column2 FROM (VALUES (?, ?), (?, ?)) AS v WHERE stock.id = v.column1 AND stock.quantity >= v.column2"
            ),
            "UPDATE stock, (SELECT ? AS column1, ? AS column2 UNION ALL SELECT ?, ?) AS v SET quantity = stock.quantity - v.column2 WHERE stock.id = v.column1 AND stock.quantity >= v.column2"
        );
    }
}
