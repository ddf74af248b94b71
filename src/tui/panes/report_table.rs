//! The tables of the reports and the card: a header, the rows in view (numbers right-aligned,
//! the cursor's row highlighted), and a totals row pinned under them with the same columns.
//!
//! A number is never cut: number columns grow to their widest figure (the totals, usually,
//! and in Bahasa Indonesia with its thousands points), and when the table is then too wide
//! for the screen the columns marked optional go, the least needed first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

/// The least room a name column keeps before it is given up.
const FILL_MIN: u16 = 8;

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub title: Msg,
    pub width: Constraint,
    /// A number: right-aligned, title too, as wide as its widest figure.
    pub right: bool,
    /// When the table is too wide: 0 stays, higher goes first.
    pub drop: u8,
}

impl Col {
    /// Marks the column as one to give up when the screen is too narrow (`rank` 1 goes last).
    pub const fn optional(mut self, rank: u8) -> Col {
        self.drop = rank;
        self
    }
}

pub const fn text(title: Msg, width: u16) -> Col {
    Col {
        title,
        width: Constraint::Length(width),
        right: false,
        drop: 0,
    }
}

pub const fn num(title: Msg, width: u16) -> Col {
    Col {
        title,
        width: Constraint::Length(width),
        right: true,
        drop: 0,
    }
}

/// The column that takes the room left (names).
pub const fn fill(title: Msg) -> Col {
    Col {
        title,
        width: Constraint::Fill(1),
        right: false,
        drop: 0,
    }
}

fn row<'a>(cols: &[Col], cells: Vec<String>) -> Row<'a> {
    Row::new(cols.iter().zip(cells).map(|(c, s)| {
        let line = Line::from(s);
        Cell::from(if c.right { line.right_aligned() } else { line })
    }))
}

/// One line of a table: its cells and its style.
pub type Styled = (Vec<String>, Style);

/// The totals under a table: in its columns, or one line of text across it.
pub enum Foot {
    Cells(Vec<String>),
    Text(String),
}

fn chars(s: &str) -> u16 {
    u16::try_from(s.chars().count()).unwrap_or(u16::MAX)
}

/// The columns kept at `width` (indices into `cols`) and their widths: number columns as wide
/// as their widest cell, then optional columns dropped until the table fits.
pub fn layout(
    shell: &Shell,
    cols: &[Col],
    lines: &[Styled],
    totals: Option<&Foot>,
    width: u16,
) -> Vec<(usize, Constraint)> {
    let mut widths: Vec<Constraint> = cols.iter().map(|c| c.width).collect();
    for (i, c) in cols.iter().enumerate() {
        let Constraint::Length(min) = c.width else {
            continue;
        };
        if !c.right {
            continue;
        }
        let mut w = min.max(chars(shell.t(c.title)));
        for (cells, _) in lines {
            w = w.max(cells.get(i).map_or(0, |s| chars(s)));
        }
        if let Some(Foot::Cells(t)) = totals {
            w = w.max(t.get(i).map_or(0, |s| chars(s)));
        }
        widths[i] = Constraint::Length(w);
    }
    let mut kept: Vec<usize> = (0..cols.len()).collect();
    let need = |kept: &[usize]| -> u32 {
        let sum: u32 = kept
            .iter()
            .map(|&i| match widths[i] {
                Constraint::Length(w) => u32::from(w),
                _ => u32::from(FILL_MIN),
            })
            .sum();
        sum + kept.len().saturating_sub(1) as u32
    };
    while need(&kept) > u32::from(width) {
        let Some(pos) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| cols[**i].drop > 0)
            .max_by_key(|(_, i)| cols[**i].drop)
            .map(|(p, _)| p)
        else {
            break;
        };
        kept.remove(pos);
    }
    kept.into_iter().map(|i| (i, widths[i])).collect()
}

fn pick(cells: Vec<String>, kept: &[(usize, Constraint)]) -> Vec<String> {
    kept.iter()
        .map(|(i, _)| cells.get(*i).cloned().unwrap_or_default())
        .collect()
}

/// Draws the header, `lines` (already cut to the window) and, on the last line of `area`,
/// `totals` in the header's style.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    shell: &Shell,
    cols: &[Col],
    lines: Vec<Styled>,
    totals: Option<Foot>,
) {
    let th = &shell.theme;
    let kept = layout(shell, cols, &lines, totals.as_ref(), area.width);
    let shown: Vec<Col> = kept.iter().map(|(i, _)| cols[*i]).collect();
    let widths: Vec<Constraint> = kept.iter().map(|(_, w)| *w).collect();
    let titles = shown.iter().map(|c| shell.t(c.title).to_string()).collect();
    let header = row(&shown, titles).style(th.header());
    let [body, foot] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::from(totals.is_some())),
    ])
    .areas(area);
    let rows: Vec<Row> = lines
        .into_iter()
        .map(|(cells, style)| row(&shown, pick(cells, &kept)).style(style))
        .collect();
    f.render_widget(
        Table::new(rows, widths.clone())
            .header(header)
            .column_spacing(1),
        body,
    );
    match totals {
        Some(Foot::Cells(t)) => f.render_widget(
            Table::new([row(&shown, pick(t, &kept)).style(th.title())], widths).column_spacing(1),
            foot,
        ),
        Some(Foot::Text(t)) => f.render_widget(
            Paragraph::new(Span::styled(fit(&t, usize::from(foot.width)), th.title())),
            foot,
        ),
        None => {}
    }
}

/// Rows the table shows in `area` (header and totals taken off).
pub fn body_height(area: Rect, totals: bool) -> usize {
    usize::from(area.height.saturating_sub(1 + u16::from(totals)))
}

/// A dim note (nothing found, loading) or an error in place of a table.
pub fn note(f: &mut Frame, area: Rect, shell: &Shell, text: &str, error: bool) {
    let style = if error {
        shell.theme.error()
    } else {
        shell.theme.dim()
    };
    let w = usize::from(area.width.saturating_sub(1));
    let lines: Vec<Line> = crate::tui::widgets::wrap(text, w)
        .into_iter()
        .map(|l| Line::from(Span::styled(format!(" {}", fit(&l, w)), style)))
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::i18n::Lang;
    use crate::tui::theme::Theme;

    #[test]
    fn numbers_widen_and_optional_columns_go_when_too_narrow() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        let shell = Shell::new(Lang::En, Theme::new(false, None), now, 50);
        let cols = [
            text(Msg::ColSku, 10),
            fill(Msg::ColName).optional(1),
            num(Msg::ColQty, 5),
            num(Msg::ColValue, 6).optional(2),
        ];
        let lines = vec![(
            vec!["P1".into(), "Nail".into(), "1".into(), "2.50".into()],
            Style::default(),
        )];
        let totals = Foot::Cells(vec!["".into(), "".into(), "1234567".into(), "".into()]);
        let widths = |w| layout(&shell, &cols, &lines, Some(&totals), w);
        let wide = widths(80);
        assert_eq!(wide.len(), 4);
        assert_eq!(wide[2], (2, Constraint::Length(7)), "as wide as the total");
        assert_eq!(wide[3], (3, Constraint::Length(6)));
        // 10 + 8 + 7 + 6 + 3 gaps = 34: at 30 the value goes, at 25 the name too.
        assert_eq!(
            widths(30).iter().map(|c| c.0).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(widths(25).iter().map(|c| c.0).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(widths(5).len(), 2, "what must stay stays");
    }
}
