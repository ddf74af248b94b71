//! Drawing a count's review: what is counted and how (scope, status, the documents a posting
//! made), the filters and totals, and the lines with book, counted, variance and value, the
//! ones marked for a recount ticked.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::ReviewView;
use crate::service::counts::{CountStatus, LineState};
use crate::tui::i18n::{Msg, money};
use crate::tui::panes::count_draw::when;
use crate::tui::panes::count_draw::{numeric_header, scope_text, status_style, status_text};
use crate::tui::panes::pick::titled;
use crate::tui::shell::Shell;
use crate::tui::widgets::{fit, loading_line};

impl ReviewView {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let Some(head) = &self.head else {
            return loading_line(f, area, shell, &self.number, self.error.as_deref());
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" {} ", self.number), th.title()),
            Span::raw(format!(" {} ", scope_text(shell, head, &self.paths))),
            Span::styled(
                format!(" {} ", status_text(shell, head.status).to_uppercase()),
                status_style(shell, head.status),
            ),
        ])];
        let by = shell.tf(
            Msg::CountStartedBy,
            &[&when(shell, head.started_at), &head.started_by],
        );
        lines.push(Line::from(Span::styled(format!(" {by}"), th.dim())));
        if let (Some(at), Some(who)) = (head.closed_at, &head.closed_by) {
            let closed = shell.tf(Msg::CountClosedBy, &[&when(shell, at), who]);
            lines.push(Line::from(Span::styled(format!(" {closed}"), th.dim())));
        }
        let numbers: Vec<&str> = head
            .documents
            .iter()
            .filter_map(|d| d.number.as_deref())
            .collect();
        if !numbers.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(" {}", shell.tf(Msg::AdjustmentDocs, &[&numbers.join(", ")])),
                th.ok(),
            )));
        } else if head.status == CountStatus::Posted {
            lines.push(Line::from(Span::styled(
                format!(" {}", shell.t(Msg::CountNoDocs)),
                th.ok(),
            )));
        }
        let f_ = &self.filter;
        let filters = [
            shell.t(if f_.only_variances {
                Msg::OnlyVariances
            } else {
                Msg::AllLines
            }),
            &f_.location
                .as_deref()
                .map(|l| self.paths.get(l).cloned().unwrap_or_else(|| l.to_string()))
                .unwrap_or_else(|| shell.t(Msg::AllLocations).to_string()),
            f_.category
                .as_deref()
                .unwrap_or(shell.t(Msg::AllCategories)),
        ]
        .join(" · ");
        lines.push(Line::from(Span::styled(format!(" {filters}"), th.dim())));
        let t = &self.totals;
        let mut totals = shell.tf(
            Msg::ReviewTotals,
            &[
                &t.lines.to_string(),
                &t.variances.to_string(),
                &money(shell.lang, t.net.0),
            ],
        );
        if t.not_counted > 0 {
            totals.push_str(" · ");
            totals.push_str(&shell.tf(Msg::NotCountedYet, &[&t.not_counted.to_string()]));
        }
        if t.recount > 0 {
            totals.push_str(" · ");
            totals.push_str(&shell.tf(Msg::ToRecount, &[&t.recount.to_string()]));
        }
        if !self.marked.is_empty() {
            totals.push_str(" · ");
            totals.push_str(&shell.tf(Msg::MarkedCount, &[&self.marked.len().to_string()]));
        }
        lines.push(Line::from(totals));
        if let Some(w) = self.working {
            lines.push(Line::from(Span::styled(
                format!(" {}", shell.t(w)),
                th.warn(),
            )));
        } else if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(
                format!(" ✗ {}", shell.say(e)),
                th.error(),
            )));
        }
        let [top, body] =
            Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Fill(1)])
                .areas(area);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), top);
        self.draw_lines(f, body, shell);
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_lines(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let shown = &self.lines;
        let th = &shell.theme;
        let mut block = titled(shell, shell.t(Msg::DocLines).into());
        if self.lines.iter().any(|l| l.value.is_none()) {
            block = block.title_bottom(
                Line::from(Span::styled(
                    format!(" {} ", shell.t(Msg::ExposureLegend)),
                    th.dim(),
                ))
                .right_aligned(),
            );
        }
        let inner = block.inner(area);
        f.render_widget(block, area);
        if shown.is_empty() {
            let note = if self.loaded() {
                shell.t(Msg::NoCountLines)
            } else {
                shell.t(Msg::Loading)
            };
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {note}"), th.dim())),
                inner,
            );
            return;
        }
        let wide = inner.width >= 120;
        let mut widths = vec![
            Constraint::Length(1),
            Constraint::Length(if wide { 18 } else { 9 }),
            Constraint::Fill(1),
            Constraint::Length(if wide { 14 } else { 8 }),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(if wide { 16 } else { 12 }),
        ];
        let mut head = vec![
            Msg::ColMark,
            Msg::ColSku,
            Msg::ColName,
            Msg::ColLocation,
            Msg::ColBook,
            Msg::ColCountQty,
            Msg::ColVariance,
            Msg::ColValue,
        ];
        if wide {
            widths.insert(3, Constraint::Length(16));
            head.insert(3, Msg::ColCategory);
        }
        let header = numeric_header(shell, &head, &widths);
        let h = inner.height.saturating_sub(1) as usize;
        let mut top = self.top.get();
        if self.cursor < top {
            top = self.cursor;
        } else if self.cursor >= top + h.max(1) {
            top = self.cursor + 1 - h.max(1);
        }
        self.top.set(top);
        let rows: Vec<Row> = shown
            .iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, l)| {
                let mark = if self.marked.contains(&super::line_key(l)) {
                    "✓"
                } else if l.state == LineState::Recount {
                    "↻"
                } else {
                    " "
                };
                let counted = match (l.counted, l.state) {
                    (Some(q), _) => shell.qty(q),
                    (None, LineState::Recount) => shell.t(Msg::LineRecount).to_string(),
                    (None, _) => "—".into(),
                };
                let var = l.variance.map(|v| v.0).unwrap_or(0);
                let var_text = match l.variance {
                    Some(v) if v.0 > 0 => format!("+{}", shell.qty(v)),
                    Some(v) => shell.qty(v),
                    None => "—".into(),
                };
                let var_style = match var {
                    0 => th.base(),
                    v if v > 0 => th.ok(),
                    _ => th.error(),
                };
                let value = match l.value {
                    Some(v) if v.0 > 0 => format!("+{}", money(shell.lang, v.0)),
                    Some(v) => money(shell.lang, v.0),
                    // Not counted: what posting it as zero would be worth, in brackets.
                    None => format!("({})", money(shell.lang, l.exposure.0)),
                };
                let mut cells = vec![
                    Line::raw(mark),
                    Line::raw(l.sku.clone()),
                    Line::raw(l.name.clone()),
                    Line::raw(self.path(&l.location, if wide { 14 } else { 8 })),
                    Line::raw(format!("{:>8}", shell.qty(l.book))),
                    Line::raw(format!("{counted:>8}")),
                    Line::styled(format!("{var_text:>8}"), var_style),
                    Line::styled(
                        format!("{value:>w$}", w = if wide { 16 } else { 12 }),
                        var_style,
                    ),
                ];
                if wide {
                    cells.insert(3, Line::raw(fit(l.category.as_deref().unwrap_or(""), 16)));
                }
                let row = Row::new(cells);
                if i == self.cursor {
                    row.style(th.selected())
                } else {
                    row
                }
            })
            .collect();
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            inner,
        );
    }
}
