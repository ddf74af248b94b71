//! Drawing the stock card: the product and the card's scope and period, the period's figures,
//! then the lines of the page held (opening balance, movements with their running balance,
//! closing balance) with the period's totals pinned under them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::Paragraph;

use super::{Card, Line};
use crate::domain::TxKind;
use crate::tui::i18n::Msg;
use crate::tui::panes::report_fmt::{day, qty, when};
use crate::tui::panes::report_table::{self as table, Col, Foot, Styled, fill, num, text};
use crate::tui::shell::Shell;
use crate::tui::widgets::{centered, fit};

fn kind(k: TxKind) -> Msg {
    match k {
        TxKind::Receipt => Msg::KindReceipt,
        TxKind::Issue => Msg::KindIssue,
        TxKind::Transfer => Msg::KindTransfer,
        TxKind::Adjustment => Msg::KindAdjustment,
    }
}

impl Card {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let [head, body] =
            Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(area);
        let w = usize::from(area.width.saturating_sub(1));
        let scope = match &self.key.location {
            Some(c) => shell.tf(Msg::AtLocation, &[c]),
            None => shell.t(Msg::AllLocations).to_string(),
        };
        let (name, figures) = match self.data.as_ref().filter(|_| self.fresh()) {
            Some(d) => (
                format!("{} ({})", d.name, d.unit),
                shell.tf(
                    Msg::CardFigures,
                    &[
                        &qty(shell, d.opening),
                        &qty(shell, d.total_in),
                        &qty(shell, d.total_out),
                        &qty(shell, d.closing),
                    ],
                ),
            ),
            None => (String::new(), String::new()),
        };
        let title = format!(" {} · {} ", shell.t(Msg::CardTitle), self.key.sku);
        let mut lines = vec![
            TextLine::from(vec![
                Span::styled(title.clone(), th.title()),
                Span::raw(fit(&name, w.saturating_sub(title.chars().count()))),
            ]),
            TextLine::from(Span::styled(
                format!(
                    " {}",
                    fit(&format!("{scope} · {}", self.key.period.label(shell)), w)
                ),
                th.dim(),
            )),
        ];
        let mut third = vec![Span::raw(format!(" {}", fit(&figures, w)))];
        if self.data.as_ref().is_some_and(|d| !d.exact) {
            third.push(Span::styled(
                format!("  {}", shell.t(Msg::RptInexact)),
                th.warn(),
            ));
        }
        lines.push(TextLine::from(third));
        f.render_widget(Paragraph::new(lines), head);
        match (&self.data, &self.error) {
            (_, Some(e)) => table::note(
                f,
                body,
                shell,
                &shell.tf(Msg::RptFailed, &[&shell.say(e)]),
                true,
            ),
            (None, None) => table::note(f, body, shell, shell.t(Msg::Loading), false),
            (Some(_), None) => self.draw_lines(f, body, shell),
        }
        if let Some(form) = &self.period_form {
            let (w, footer) = (area.width.min(70), shell.t(Msg::HintForm));
            let r = centered(area, w, form.height(shell, w, footer));
            form.draw(f, r, shell, footer);
        }
    }

    fn draw_lines(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let Some(d) = &self.data else { return };
        let th = &shell.theme;
        let wide = area.width >= 120;
        let mut cols: Vec<Col> = vec![
            text(Msg::ColWhen, 16),
            text(Msg::ColNumber, if wide { 18 } else { 15 }),
        ];
        if wide {
            cols.push(text(Msg::ColKind, 11));
        }
        // The location as wide as its codes on this page, sharing the room left with the
        // partner on a narrow screen.
        let longest = d
            .rows
            .iter()
            .map(|r| r.location.chars().count())
            .max()
            .unwrap_or(0);
        if wide {
            let w = longest.clamp(8, 16) as u16;
            cols.extend([text(Msg::ColLocation, w), fill(Msg::CardCounterpart)]);
        } else {
            let room = usize::from(area.width.saturating_sub(62)) / 2;
            let w = longest.clamp(4, room.max(4)) as u16;
            cols.extend([text(Msg::CardLoc, w), fill(Msg::ColPartner)]);
        }
        if wide {
            cols.push(text(Msg::ColReference, 16));
        }
        let qw = if wide { 12 } else { 8 };
        cols.extend([
            num(Msg::RptIn, qw),
            num(Msg::RptOut, qw),
            num(Msg::CardBalance, qw + 1),
        ]);
        let all = self.lines();
        let h = table::body_height(area, true);
        let range = self.window(h, all.len());
        let blank = |n: usize| vec![String::new(); n];
        let out: Vec<Styled> = all[range.clone()]
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let mut cells = Vec::with_capacity(cols.len());
                let style = match line {
                    Line::Opening | Line::Closing => {
                        let (date, label, bal) = match line {
                            Line::Opening => (d.period.from, Msg::CardOpening, d.opening),
                            _ => (d.period.to, Msg::CardClosing, d.closing),
                        };
                        cells.push(day(shell, date));
                        cells.push(shell.t(label).to_string());
                        cells.extend(blank(cols.len() - 3));
                        cells.push(qty(shell, bal));
                        th.title()
                    }
                    Line::Row(j) => {
                        let r = &d.rows[*j];
                        cells.push(when(shell, r.at));
                        cells.push(r.number.clone());
                        if wide {
                            cells.push(shell.t(kind(r.kind)).to_string());
                        }
                        cells.push(r.location.clone());
                        cells.push(r.counterpart.clone());
                        if wide {
                            cells.push(r.reference.clone().unwrap_or_default());
                        }
                        let some = |q: crate::domain::Quantity| {
                            if q.0 == 0 {
                                String::new()
                            } else {
                                qty(shell, q)
                            }
                        };
                        cells.extend([some(r.qty_in), some(r.qty_out), qty(shell, r.balance)]);
                        if r.delta() < 0 {
                            th.spark_out()
                        } else {
                            th.spark_in()
                        }
                    }
                };
                let style = if range.start + i == self.cursor {
                    th.selected()
                } else {
                    style
                };
                (cells, style)
            })
            .collect();
        let mut totals = vec![String::new(), shell.t(Msg::ColTotal).to_string()];
        totals.extend(blank(cols.len() - 5));
        totals.extend([
            qty(shell, d.total_in),
            qty(shell, d.total_out),
            qty(shell, d.closing),
        ]);
        table::draw(f, area, shell, &cols, out, Some(Foot::Cells(totals)));
    }
}
