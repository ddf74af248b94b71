//! Drawing the scan loop: the count and where finds are recorded, the scan field (with what
//! is on its way), the last refusal, what this terminal scanned with the counted totals, and
//! the refused codes. Never a book quantity.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::ScanView;
use crate::tui::i18n::Msg;
use crate::tui::panes::count_draw::numeric_header;
use crate::tui::panes::pick::titled;
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

impl ScanView {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        // The newest refusal under the field while it is being corrected; the others (all of
        // them once it is) in a box under the list.
        let boxed = self.errors.len() - usize::from(self.error_shown);
        let errors_h = if boxed > 0 {
            (boxed as u16).min(3) + 2
        } else {
            0
        };
        let err_h = u16::from(self.error_shown) * 2;
        let [head, at, scan, err, list, errors] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(err_h),
            Constraint::Fill(1),
            Constraint::Length(errors_h),
        ])
        .areas(area);
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(
                        " {} ",
                        shell.tf(Msg::CountScanTitle, &[&self.number, &self.title])
                    ),
                    th.title(),
                ),
                Span::styled(format!(" {}", shell.t(Msg::CountBlind)), th.dim()),
            ])),
            head,
        );
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(format!("  {}: ", shell.t(Msg::FoundAt))),
                Span::styled(self.path(&self.at, 40), th.title()),
                Span::styled(format!("   {}", shell.t(Msg::FoundAtHint)), th.dim()),
            ])),
            at,
        );
        self.draw_field(f, scan, shell);
        if let Some(e) = self.errors.last().filter(|_| self.error_shown) {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" ✗ {}", shell.say(e)), th.error()))
                    .wrap(Wrap { trim: true }),
                err,
            );
        }
        self.draw_entries(f, list, shell);
        if errors_h > 0 {
            let block = titled(
                shell,
                shell.tf(Msg::CountRefused, &[&self.errors.len().to_string()]),
            )
            .border_style(th.warn());
            let inner = block.inner(errors);
            f.render_widget(block, errors);
            let shown: Vec<Line> = self
                .errors
                .iter()
                .rev()
                .skip(usize::from(self.error_shown))
                .take(inner.height as usize)
                .map(|m| {
                    let m = shell.say(m);
                    Line::from(Span::styled(fit(&m, inner.width as usize), th.error()))
                })
                .collect();
            f.render_widget(Paragraph::new(shown), inner);
        }
        if let Some(p) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_field(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let label = format!(" ›{} ", shell.t(Msg::ScanLabel));
        let lw = label.chars().count() as u16;
        let w = area.width.saturating_sub(lw + 1).min(32);
        let scroll = self.input.visual_scroll(w.saturating_sub(1) as usize);
        let text: String = self
            .input
            .value()
            .chars()
            .skip(scroll)
            .take(w as usize)
            .collect();
        let pad = (w as usize).saturating_sub(text.chars().count());
        let mut spans = vec![
            Span::styled(label, th.title()),
            Span::styled(format!("{text}{}", " ".repeat(pad)), th.input_focus()),
        ];
        let waiting = self.queue.len() + usize::from(self.sending.is_some());
        if waiting > 0 {
            spans.push(Span::styled(
                format!("  {}", shell.tf(Msg::CountSending, &[&waiting.to_string()])),
                th.warn(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        if self.picker.is_none() {
            let x = area.x
                + lw
                + (self.input.visual_cursor().saturating_sub(scroll) as u16)
                    .min(w.saturating_sub(1));
            f.set_cursor_position(Position::new(x, area.y));
        }
    }

    fn draw_entries(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let title = shell.tf(
            Msg::ScannedHere,
            &[&self.accepted.to_string(), &shell.qty(self.total_here())],
        );
        let block = titled(shell, title);
        let inner = block.inner(area);
        f.render_widget(block, area);
        if self.entries.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(
                    format!(" {}", shell.t(Msg::ScanFirst)),
                    th.dim(),
                )),
                inner,
            );
            return;
        }
        let wide = inner.width >= 100;
        let widths = [
            Constraint::Length(if wide { 20 } else { 12 }),
            Constraint::Fill(1),
            Constraint::Length(if wide { 16 } else { 8 }),
            Constraint::Length(10),
            Constraint::Length(12),
        ];
        let header = numeric_header(
            shell,
            &[
                Msg::ColSku,
                Msg::ColName,
                Msg::ColLocation,
                Msg::ColScannedHere,
                Msg::ColCountedAll,
            ],
            &widths,
        );
        let h = inner.height.saturating_sub(1) as usize;
        let top = self.cursor.saturating_sub(h.saturating_sub(1));
        let rows: Vec<Row> = self
            .entries
            .iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, e)| {
                let row = Row::new(vec![
                    e.sku.clone(),
                    e.name.clone(),
                    self.path(&e.at, if wide { 16 } else { 8 }),
                    format!("{:>10}", shell.qty(e.here)),
                    format!("{:>12}", shell.qty(e.counted)),
                ]);
                if i == self.cursor {
                    row.style(th.tab_active())
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
