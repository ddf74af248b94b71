//! Drawing the counts pane: the list of counts and the start pickers on top; the scan loop and
//! the review draw themselves (`count_scan_draw`, `count_review_draw`).

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::count::CountsPane;
use crate::service::counts::{CountStatus, CountSummary};
use crate::tui::i18n::Msg;
use crate::tui::panes::pick::short_time;

/// A stored instant as "YYYY-MM-DD HH:MM" (local), written the way the language writes dates.
pub fn when(shell: &Shell, micros: i64) -> String {
    crate::domain::say::date_text(shell.lang, &short_time(micros))
}
use crate::tui::shell::Shell;
use crate::tui::widgets::{empty_table, fit};

/// A count's status in the user's language.
pub fn status_text(shell: &Shell, status: CountStatus) -> &'static str {
    shell.t(match status {
        CountStatus::Open => Msg::CountOpen,
        CountStatus::Posted => Msg::CountPostedState,
        CountStatus::Cancelled => Msg::CountCancelledState,
        CountStatus::Posting => Msg::CountPostingState,
    })
}

pub fn status_style(shell: &Shell, status: CountStatus) -> Style {
    match status {
        CountStatus::Open => shell.theme.warn(),
        CountStatus::Posted => shell.theme.ok(),
        CountStatus::Posting => shell.theme.error(),
        CountStatus::Cancelled => shell.theme.dim(),
    }
}

/// "A/01 and inside · Hardware", "A/01 only".
pub fn scope_text(shell: &Shell, c: &CountSummary, paths: &HashMap<String, String>) -> String {
    let path = paths.get(&c.location).unwrap_or(&c.location);
    let at = if c.with_children {
        shell.tf(Msg::ScopeWithChildren, &[path])
    } else {
        path.clone()
    };
    match &c.category {
        Some(cat) => format!("{at} · {cat}"),
        None => at,
    }
}

/// Numbers the count screens show in a column of their own: right-aligned titles.
const NUMERIC: [Msg; 9] = [
    Msg::ColBook,
    Msg::ColCountQty,
    Msg::ColCountedAll,
    Msg::ColCounted,
    Msg::ColVariance,
    Msg::ColValue,
    Msg::ColScannedHere,
    Msg::ColLines,
    Msg::ColQty,
];

/// A table's header row, numeric columns (of a fixed width) right-aligned.
pub fn numeric_header(shell: &Shell, cols: &[Msg], widths: &[Constraint]) -> Row<'static> {
    let cells = cols.iter().enumerate().map(|(i, m)| match widths.get(i) {
        Some(Constraint::Length(w)) if NUMERIC.contains(m) => {
            format!("{:>w$}", shell.t(*m), w = usize::from(*w))
        }
        _ => shell.t(*m).to_string(),
    });
    Row::new(cells).style(shell.theme.header())
}

impl CountsPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        if let Some(s) = &self.scan {
            return s.draw(f, area, shell);
        }
        if let Some(r) = &self.review {
            return r.draw(f, area, shell);
        }
        let [bar, table] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        self.draw_bar(f, bar, shell);
        self.draw_list(f, table, shell);
        if let Some(st) = &self.start {
            st.picker.draw(f, area, shell);
        }
    }

    fn draw_bar(&self, f: &mut Frame, bar: Rect, shell: &Shell) {
        let th = &shell.theme;
        let open = self.list.iter().filter(|c| !c.status.is_closed()).count();
        let mut spans = vec![
            Span::styled(format!(" {} ", shell.t(Msg::CountsTitle)), th.title()),
            Span::styled(
                shell.tf(
                    Msg::CountsOpenOf,
                    &[&open.to_string(), &self.list.len().to_string()],
                ),
                th.dim(),
            ),
        ];
        if self.starting {
            spans.push(Span::styled(
                format!("  {}", shell.t(Msg::CountStarting)),
                th.warn(),
            ));
        }
        if let Some(e) = &self.error {
            spans.push(Span::styled(
                format!("  ✗ {}", fit(&shell.say(e), bar.width as usize / 2)),
                th.error(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), bar);
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let wide = area.width >= 120;
        let widths = [
            Constraint::Length(15),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(16),
            Constraint::Length(if wide { 24 } else { 10 }),
            Constraint::Length(7),
        ];
        let head = [
            Msg::ColNumber,
            Msg::ColScope,
            Msg::ColStatus,
            Msg::ColStarted,
            Msg::ColStartedBy,
            Msg::ColLines,
        ];
        let header = numeric_header(shell, &head, &widths);
        let rows = self.visible(shell);
        if rows.is_empty() {
            let note = match () {
                _ if !self.loaded => shell.t(Msg::Loading),
                _ if Self::supervises(shell) => shell.t(Msg::NoCounts),
                _ => shell.t(Msg::NoOpenCounts),
            };
            empty_table(f, area, shell, header, widths.to_vec(), note);
            return;
        }
        let h = area.height.saturating_sub(1) as usize;
        let mut top = self.top.get();
        if self.cursor < top {
            top = self.cursor;
        } else if self.cursor >= top + h.max(1) {
            top = self.cursor + 1 - h.max(1);
        }
        self.top.set(top);
        let by_w = if wide { 24 } else { 10 };
        let rows: Vec<Row> = rows
            .iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, c)| {
                let scope = scope_text(shell, c, &self.paths);
                let row = Row::new(vec![
                    Line::raw(c.number.clone()),
                    Line::raw(scope),
                    Line::styled(status_text(shell, c.status), status_style(shell, c.status)),
                    Line::raw(when(shell, c.started_at)),
                    Line::raw(fit(&c.started_by, by_w)),
                    Line::raw(format!("{:>7}", c.scanned_lines)),
                ]);
                if i == self.cursor {
                    row.style(th.selected())
                } else {
                    row
                }
            })
            .collect();
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            area,
        );
    }
}
