//! Drawing the stock pane: the filter bar, the stock table, and a product's detail.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::pick::{fit_path, header_row, rows_label, short_time, titled};
use super::{Detail, StockPane};
use crate::domain::say;
use crate::tui::i18n::{Msg, money};
use crate::tui::shell::Shell;
use crate::tui::widgets::{empty_table, fit, loading_line};

impl StockPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        if let Some(d) = &self.detail {
            draw_detail(f, area, shell, d);
        } else {
            let [bar, info, table] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Fill(1),
            ])
            .areas(area);
            // The table first: it places the rows, which the counter in the bar names.
            self.draw_table(f, table, shell);
            self.draw_bar(f, bar, info, shell);
        }
        if let Some(p) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_bar(&self, f: &mut Frame, bar: Rect, info: Rect, shell: &Shell) {
        let th = &shell.theme;
        let count = rows_label(shell, &self.list);
        let cursor = self.search_focus && self.picker.is_none();
        let placeholder = shell.t(Msg::StockSearchPlaceholder);
        crate::tui::widgets::search_bar(
            f,
            bar,
            shell,
            &self.search,
            self.search_focus,
            cursor,
            placeholder,
            &count,
            40,
        );
        let key = &self.list.key;
        let loc = match &key.location {
            Some(c) => shell.tf(Msg::AtLocation, &[self.paths.get(c).unwrap_or(c)]),
            None => shell.t(Msg::AllLocations).to_string(),
        };
        let low = if key.low {
            shell.t(Msg::LowOnlyOn)
        } else {
            shell.t(Msg::LowOnlyOff)
        };
        let mut spans = vec![Span::styled(format!(" {loc} · {low}"), th.dim())];
        if let Some(e) = &self.list.error {
            spans.push(Span::styled(
                format!("  ✗ {}", fit(e, info.width as usize / 2)),
                th.error(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), info);
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let wide = area.width >= 100;
        // Locations show their full path: on a wide screen the column grows to the longest
        // path held (up to a third of the width); a path that still does not fit keeps its end.
        let longest = self
            .list
            .rows
            .iter()
            .map(|r| r.location.chars().count())
            .max()
            .unwrap_or(0) as u16;
        let loc_w = if wide {
            longest.clamp(20, (area.width / 3).max(20))
        } else {
            12
        };
        let mut widths = vec![
            Constraint::Length(loc_w),
            Constraint::Length(16),
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(6),
        ];
        if wide {
            widths[1] = Constraint::Length(24);
        }
        let header = header_row(
            shell,
            &[
                Msg::ColLocation,
                Msg::ColSku,
                Msg::ColName,
                Msg::ColQty,
                Msg::ColMin,
                Msg::ColLow,
            ],
            &widths,
        );
        if self.list.is_empty() {
            empty_table(f, area, shell, header, widths, shell.t(Msg::NoStock));
            return;
        }
        if !self.list.have() {
            empty_table(f, area, shell, header, widths, shell.t(Msg::Loading));
            return;
        }
        let low_mark = shell.t(Msg::StockLow);
        let rows: Vec<Row> = self
            .list
            .visible(area.height.saturating_sub(1) as i64)
            .into_iter()
            .map(|(at, s)| {
                let selected = at == self.list.cursor;
                let Some(s) = s else {
                    // On its way: a placeholder keeps the cursor where the key put it.
                    let dim = th.dim();
                    return Row::new(vec!["…".to_string()]).style(if selected {
                        th.selected()
                    } else {
                        dim
                    });
                };
                let base = if s.low { th.warn() } else { th.base() };
                let style = if selected { th.selected() } else { base };
                Row::new(vec![
                    fit_path(&s.location, usize::from(loc_w)),
                    s.sku.clone(),
                    s.name.clone(),
                    format!("{:>12}", say::number_text(shell.lang, &s.quantity)),
                    format!("{:>10}", say::number_text(shell.lang, &s.min)),
                    if s.low {
                        low_mark.to_string()
                    } else {
                        String::new()
                    },
                ])
                .style(style)
            })
            .collect();
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            area,
        );
    }
}

fn draw_detail(f: &mut Frame, area: Rect, shell: &Shell, d: &Detail) {
    let th = &shell.theme;
    let Some(data) = &d.data else {
        loading_line(f, area, shell, &d.sku, d.error.as_deref());
        return;
    };
    let p = &data.product;
    let [head, stock, moves] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length((data.stock.len() as u16 + 3).clamp(4, 12)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let mut facts = vec![
        format!("{} {}", shell.t(Msg::Unit), p.unit),
        format!(
            "{} {}",
            shell.t(Msg::Price),
            money(shell.lang, p.price_cents)
        ),
        format!("{} {}", shell.t(Msg::ColMin), p.min_qty),
    ];
    if let Some(b) = &p.barcode {
        facts.push(format!("{} {b}", shell.t(Msg::Barcode)));
    }
    if !p.active {
        facts.push(shell.t(Msg::FilterInactiveOnly).to_string());
    }
    let lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", p.sku), th.title()),
            Span::raw(fit(
                &p.name,
                area.width.saturating_sub(p.sku.len() as u16 + 3) as usize,
            )),
        ]),
        Line::from(Span::styled(
            format!(
                " {}",
                fit(&facts.join(" · "), area.width.saturating_sub(1) as usize)
            ),
            th.dim(),
        )),
    ];
    f.render_widget(Paragraph::new(lines), head);
    let block = titled(shell, shell.tf(Msg::StockByLocation, &[&data.total]));
    let inner = block.inner(stock);
    f.render_widget(block, stock);
    if data.stock.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(shell.t(Msg::NoStock), th.dim())),
            inner,
        );
    } else {
        let rows: Vec<Row> = data
            .stock
            .iter()
            .map(|s| {
                let mark = if s.low { shell.t(Msg::StockLow) } else { "" };
                Row::new(vec![
                    s.location.clone(),
                    format!("{:>12}", say::number_text(shell.lang, &s.quantity)),
                    format!("{:>10}", say::number_text(shell.lang, &s.min)),
                    mark.to_string(),
                ])
                .style(if s.low { th.warn() } else { th.base() })
            })
            .collect();
        let widths = [
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(6),
        ];
        let header = header_row(
            shell,
            &[Msg::ColLocation, Msg::ColQty, Msg::ColMin, Msg::ColLow],
            &widths,
        );
        f.render_widget(Table::new(rows, widths).header(header), inner);
    }
    let block = titled(shell, shell.t(Msg::RecentMovements).to_string());
    let inner = block.inner(moves);
    f.render_widget(block, moves);
    if data.movements.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(shell.t(Msg::NoMovements), th.dim())),
            inner,
        );
        return;
    }
    let rows: Vec<Row> = data
        .movements
        .iter()
        .map(|m| {
            let delta = if m.delta_milli > 0 {
                format!("+{}", m.delta)
            } else {
                m.delta.clone()
            };
            Row::new(vec![
                short_time(m.at),
                m.number.clone(),
                m.kind.clone(),
                m.location.clone(),
                format!("{delta:>12}"),
            ])
            .style(if m.delta_milli < 0 {
                th.spark_out()
            } else {
                th.spark_in()
            })
        })
        .collect();
    let widths = [
        Constraint::Length(16),
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Fill(1),
        Constraint::Length(12),
    ];
    let header = header_row(
        shell,
        &[
            Msg::ColWhen,
            Msg::ColNumber,
            Msg::ColKind,
            Msg::ColLocation,
            Msg::ColChange,
        ],
        &widths,
    );
    f.render_widget(Table::new(rows, widths).header(header), inner);
}
