//! Drawing the valuation (its table, and its value per location or category on a chart) and
//! the reorder list.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::ReportsPane;
use crate::domain::say::number_text;
use crate::service::reports::ValuationBy;
use crate::tui::i18n::Msg;
use crate::tui::panes::report_chart;
use crate::tui::panes::report_fmt::{int, money, qty};
use crate::tui::panes::report_table::{self as table, Foot, Styled, fill, num, text};
use crate::tui::shell::Shell;

use super::draw::WIDE;

impl ReportsPane {
    pub(super) fn draw_valuation(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let Some(v) = &self.valuation.data else {
            return;
        };
        let has_chart = v.by != ValuationBy::Product && !v.rows.is_empty();
        let (t_area, c_area) = self.split(area, has_chart);
        if let Some(c) = c_area {
            report_chart::value_per_group(f, c, shell, v);
        }
        let Some(area) = t_area else { return };
        if v.rows.is_empty() {
            table::note(f, area, shell, shell.t(Msg::RptNoRows), false);
            return;
        }
        let wide = area.width >= WIDE;
        let key = match v.by {
            ValuationBy::Location => Msg::ColLocation,
            ValuationBy::Category => Msg::ColCategory,
            ValuationBy::Product => Msg::ColSku,
        };
        let mut cols = vec![if v.by == ValuationBy::Category {
            fill(key)
        } else {
            text(key, if wide { 16 } else { 12 })
        }];
        if v.by != ValuationBy::Category {
            cols.push(fill(Msg::ColName).optional(1));
        }
        cols.extend([
            num(Msg::RptItems, 7).optional(2),
            num(Msg::ColQty, if wide { 14 } else { 11 }),
            num(Msg::ColValue, if wide { 18 } else { 15 }),
            num(Msg::RptShare, 6),
        ]);
        let h = table::body_height(area, true);
        let range = self.valuation.rows.window(h, v.rows.len());
        let th = &shell.theme;
        let share = |m: i64| {
            if v.total_value.0 <= 0 {
                String::new()
            } else {
                let total = i128::from(v.total_value.0);
                let tenths = ((i128::from(m) * 1000 + total / 2) / total) as i64;
                let plain = format!("{}.{}", tenths / 10, (tenths % 10).abs());
                format!("{}%", number_text(shell.lang, &plain))
            }
        };
        let lines: Vec<Styled> = v.rows[range.clone()]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut cells = vec![r.key.clone()];
                if v.by != ValuationBy::Category {
                    cells.push(r.name.clone());
                }
                cells.extend([
                    int(shell, r.items),
                    qty(shell, r.quantity),
                    money(shell, r.value),
                    share(r.value.0),
                ]);
                let style = if range.start + i == self.valuation.rows.cursor {
                    th.selected()
                } else {
                    th.base()
                };
                (cells, style)
            })
            .collect();
        let mut totals = vec![shell.t(Msg::ColTotal).to_string()];
        if v.by != ValuationBy::Category {
            totals.push(String::new());
        }
        totals.extend([
            int(shell, v.total_items),
            qty(shell, v.total_quantity),
            money(shell, v.total_value),
            String::new(),
        ]);
        table::draw(f, area, shell, &cols, lines, Some(Foot::Cells(totals)));
    }

    pub(super) fn draw_reorder(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let Some(r) = &self.reorder.data else { return };
        if r.rows.is_empty() {
            table::note(f, area, shell, shell.t(Msg::RptNothingToReorder), false);
            return;
        }
        let wide = area.width >= WIDE;
        let qw = if wide { 11 } else { 8 };
        let mut cols = vec![
            text(Msg::ColLocation, if wide { 12 } else { 8 }),
            text(Msg::ColSku, if wide { 14 } else { 12 }),
            fill(Msg::ColName).optional(1),
            num(Msg::ColQty, qw),
            num(Msg::ColMin, qw),
        ];
        if wide {
            cols.push(num(Msg::RptMax, qw));
        }
        cols.push(num(Msg::RptSuggested, if wide { 11 } else { 9 }));
        if wide {
            cols.push(num(Msg::ColValue, 15));
        }
        cols.push(text(Msg::RptSurplusAt, if wide { 24 } else { 12 }));
        let h = table::body_height(area, true);
        let range = self.reorder.rows.window(h, r.rows.len());
        let th = &shell.theme;
        let lines: Vec<Styled> = r.rows[range.clone()]
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut cells = vec![
                    row.location.clone(),
                    row.sku.clone(),
                    row.name.clone(),
                    qty(shell, row.quantity),
                    qty(shell, row.min),
                ];
                if wide {
                    cells.push(row.max.map(|m| qty(shell, m)).unwrap_or_default());
                }
                cells.push(qty(shell, row.suggested));
                if wide {
                    cells.push(money(shell, row.suggested_value));
                }
                let surplus = match row.surplus.as_slice() {
                    [] => String::new(),
                    [s, rest @ ..] => {
                        let more = if rest.is_empty() {
                            String::new()
                        } else {
                            format!(" +{}", rest.len())
                        };
                        format!("{} {}{more}", s.location, qty(shell, s.available))
                    }
                };
                cells.push(surplus);
                let style = if range.start + i == self.reorder.rows.cursor {
                    th.selected()
                } else {
                    th.warn()
                };
                (cells, style)
            })
            .collect();
        let rows = int(shell, r.rows.len() as u64);
        if !wide {
            let value = money(shell, r.total_suggested_value);
            let foot = format!(
                "{} · {}",
                shell.t(Msg::ColTotal),
                shell.tf(Msg::RptRowsValue, &[&rows, &value])
            );
            table::draw(f, area, shell, &cols, lines, Some(Foot::Text(foot)));
            return;
        }
        let mut totals = vec![
            shell.t(Msg::ColTotal).to_string(),
            String::new(),
            shell.tf(Msg::RptRows, &[&rows]),
            String::new(),
            String::new(),
        ];
        if wide {
            totals.push(String::new());
        }
        totals.push(String::new());
        if wide {
            totals.push(money(shell, r.total_suggested_value));
        }
        totals.push(String::new());
        table::draw(f, area, shell, &cols, lines, Some(Foot::Cells(totals)));
    }
}
