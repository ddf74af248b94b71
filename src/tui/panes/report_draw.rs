//! Drawing the Reports screen: the report switcher, the line of filters, and the report's
//! table and chart. A tall screen shows both, the chart under the table; a short one shows
//! the table, or the chart after `v`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Kind, ReportsPane};
use crate::domain::Money;
use crate::service::reports::ValuationBy;
use crate::tui::i18n::Msg;
use crate::tui::panes::report_chart;
use crate::tui::panes::report_fmt::{day, int, money, qty};
use crate::tui::panes::report_table::{self as table, Col, Foot, Styled, fill, num, text};
use crate::tui::shell::Shell;
use crate::tui::widgets::{centered, fit};

/// From this height on the chart shows under the table.
const TALL: u16 = 30;
/// From this width on the tables show every column.
pub(super) const WIDE: u16 = 120;

impl ReportsPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        if let Some(c) = &self.card {
            c.draw(f, area, shell);
            return;
        }
        let [tabs, info, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        self.draw_tabs(f, tabs, shell);
        self.draw_info(f, info, shell);
        let error = match self.kind {
            Kind::Movement => self.movement.error.as_deref(),
            Kind::Valuation => self.valuation.error.as_deref(),
            Kind::Reorder => self.reorder.error.as_deref(),
        };
        let have = match self.kind {
            Kind::Movement => self.movement.data.is_some(),
            Kind::Valuation => self.valuation.data.is_some(),
            Kind::Reorder => self.reorder.data.is_some(),
        };
        if let Some(e) = error {
            table::note(
                f,
                body,
                shell,
                &shell.tf(Msg::RptFailed, &[&shell.say(e)]),
                true,
            );
        } else if !have {
            table::note(f, body, shell, shell.t(Msg::RptComputing), false);
        } else {
            match self.kind {
                Kind::Movement => self.draw_movement(f, body, shell),
                Kind::Valuation => self.draw_valuation(f, body, shell),
                Kind::Reorder => self.draw_reorder(f, body, shell),
            }
        }
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, shell);
        }
        let form = match (&self.period_form, &self.export_form) {
            (Some(f), _) => Some((f, Msg::HintForm)),
            (None, Some((_, f))) => Some((f, Msg::RptExportFooter)),
            (None, None) => None,
        };
        if let Some((form, footer)) = form {
            let (w, footer) = (area.width.min(70), shell.t(footer));
            let r = centered(area, w, form.height(shell, w, footer));
            form.draw(f, r, shell, footer);
        }
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let mut spans = vec![Span::raw(" ")];
        for k in Kind::ALL {
            let title = match k {
                Kind::Movement => Msg::RptMovement,
                Kind::Valuation => Msg::RptValuation,
                Kind::Reorder => Msg::RptReorder,
            };
            let style = if k == self.kind {
                th.tab_active()
            } else {
                th.tab()
            };
            spans.push(Span::styled(format!(" {} ", shell.t(title)), style));
            spans.push(Span::raw(" "));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        let right = if self.loading(shell) {
            shell.t(Msg::RptComputing).to_string()
        } else if self.is_empty() {
            String::new()
        } else {
            let cursor = match self.kind {
                Kind::Movement => self.movement.rows.cursor,
                Kind::Valuation => self.valuation.rows.cursor,
                Kind::Reorder => self.reorder.rows.cursor,
            };
            shell.tf(
                Msg::RptRowOf,
                &[&(cursor + 1).to_string(), &int(shell, self.len() as u64)],
            )
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!("{right} "), th.dim())).right_aligned(),
            area,
        );
    }

    fn draw_info(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let Some(fl) = &self.filters else { return };
        let mut parts = Vec::new();
        match self.kind {
            Kind::Movement => parts.push(fl.period.label(shell)),
            Kind::Valuation => parts.push(shell.tf(Msg::RptAt, &[&day(shell, fl.period.to)])),
            Kind::Reorder => {}
        }
        parts.push(match &fl.location {
            Some(c) => shell.tf(Msg::AtLocation, &[c]),
            None => shell.t(Msg::AllLocations).to_string(),
        });
        parts.push(match &fl.category {
            Some(c) => c.clone(),
            None => shell.t(Msg::AllCategories).to_string(),
        });
        match self.kind {
            Kind::Movement if fl.by_location => parts.push(shell.t(Msg::RptPerLocation).into()),
            Kind::Valuation => parts.push(
                shell
                    .t(match fl.by {
                        ValuationBy::Location => Msg::RptByLocation,
                        ValuationBy::Category => Msg::RptByCategory,
                        ValuationBy::Product => Msg::RptByProduct,
                    })
                    .into(),
            ),
            _ => {}
        }
        let inexact = match self.kind {
            Kind::Movement => self.movement.data.as_ref().is_some_and(|d| !d.report.exact),
            Kind::Valuation => self.valuation.data.as_ref().is_some_and(|d| !d.exact),
            Kind::Reorder => false,
        };
        let w = usize::from(area.width.saturating_sub(1));
        let mut spans = vec![Span::styled(
            format!(" {}", fit(&parts.join(" · "), w)),
            th.dim(),
        )];
        if inexact {
            spans.push(Span::styled(
                format!("  {}", shell.t(Msg::RptInexact)),
                th.warn(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    /// The table's area and the chart's: both on a tall screen, else one of them.
    pub(super) fn split(&self, area: Rect, has_chart: bool) -> (Option<Rect>, Option<Rect>) {
        if !has_chart {
            return (Some(area), None);
        }
        if area.height >= TALL {
            let chart_h = (area.height / 3).max(10);
            let [t, c] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(chart_h)]).areas(area);
            (Some(t), Some(c))
        } else if self.chart {
            (None, Some(area))
        } else {
            (Some(area), None)
        }
    }

    fn draw_movement(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let Some(d) = &self.movement.data else { return };
        let rep = &d.report;
        let (t_area, c_area) = self.split(area, true);
        if let Some(c) = c_area {
            report_chart::in_out_per_day(f, c, shell, &d.days);
        }
        let Some(area) = t_area else { return };
        if rep.rows.is_empty() {
            table::note(f, area, shell, shell.t(Msg::RptNoRows), false);
            return;
        }
        let wide = area.width >= WIDE;
        let by_loc = rep.by_location;
        // Every column; what does not fit goes (values first, then names, then the opening).
        let mut cols: Vec<Col> = vec![
            text(Msg::ColSku, if wide { 14 } else { 12 }),
            fill(Msg::ColName).optional(2),
        ];
        if by_loc {
            cols.push(text(Msg::ColLocation, 10));
        }
        let qw = if wide { 11 } else { 9 };
        cols.extend([
            text(Msg::ColUnit, 6).optional(6),
            num(Msg::RptOpening, qw).optional(1),
            num(Msg::RptIn, qw),
            num(Msg::RptOut, qw),
            num(Msg::RptClosing, qw),
            num(Msg::RptOpeningValue, 15).optional(5),
            num(Msg::RptInValue, 15).optional(4),
            num(Msg::RptOutValue, 15).optional(3),
            num(Msg::RptClosingValue, 14),
        ]);
        let h = table::body_height(area, true);
        let range = self.movement.rows.window(h, rep.rows.len());
        let th = &shell.theme;
        let figures = |opening, qty_in, qty_out, closing, values: [Money; 4]| {
            let mut v = vec![
                qty(shell, opening),
                qty(shell, qty_in),
                qty(shell, qty_out),
                qty(shell, closing),
            ];
            v.extend(values.map(|m| money(shell, m)));
            v
        };
        let mut lines: Vec<Styled> = Vec::with_capacity(range.len());
        for (i, r) in rep.rows[range.clone()].iter().enumerate() {
            let mut cells = vec![r.sku.clone(), r.name.clone()];
            if by_loc {
                cells.push(r.location.clone().unwrap_or_default());
            }
            cells.push(r.unit.clone());
            cells.extend(figures(
                r.opening,
                r.qty_in,
                r.qty_out,
                r.closing,
                [r.opening_value, r.in_value, r.out_value, r.closing_value],
            ));
            let style = if range.start + i == self.movement.rows.cursor {
                th.selected()
            } else {
                th.base()
            };
            lines.push((cells, style));
        }
        let t = &rep.totals;
        let mut totals = vec![
            shell.t(Msg::ColTotal).to_string(),
            shell.tf(Msg::RptRows, &[&int(shell, t.rows)]),
        ];
        if by_loc {
            totals.push(String::new());
        }
        totals.push(String::new());
        totals.extend(figures(
            t.opening,
            t.qty_in,
            t.qty_out,
            t.closing,
            [t.opening_value, t.in_value, t.out_value, t.closing_value],
        ));
        table::draw(f, area, shell, &cols, lines, Some(Foot::Cells(totals)));
    }
}
