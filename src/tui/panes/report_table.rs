//! The tables of the reports and the card: a header, the rows in view (numbers right-aligned,
//! the cursor's row highlighted), and a totals row pinned under them with the same columns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub title: Msg,
    pub width: Constraint,
    /// A number: right-aligned, title too.
    pub right: bool,
}

pub const fn text(title: Msg, width: u16) -> Col {
    Col {
        title,
        width: Constraint::Length(width),
        right: false,
    }
}

pub const fn num(title: Msg, width: u16) -> Col {
    Col {
        title,
        width: Constraint::Length(width),
        right: true,
    }
}

/// The column that takes the room left (names).
pub const fn fill(title: Msg) -> Col {
    Col {
        title,
        width: Constraint::Fill(1),
        right: false,
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
    let widths: Vec<Constraint> = cols.iter().map(|c| c.width).collect();
    let header = row(
        cols,
        cols.iter().map(|c| shell.t(c.title).to_string()).collect(),
    )
    .style(th.header());
    let [body, foot] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::from(totals.is_some())),
    ])
    .areas(area);
    let rows: Vec<Row> = lines
        .into_iter()
        .map(|(cells, style)| row(cols, cells).style(style))
        .collect();
    f.render_widget(
        Table::new(rows, widths.clone())
            .header(header)
            .column_spacing(1),
        body,
    );
    match totals {
        Some(Foot::Cells(t)) => f.render_widget(
            Table::new([row(cols, t).style(th.title())], widths).column_spacing(1),
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
