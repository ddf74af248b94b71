//! Drawing the transactions pane: the filter bar and list, one document's detail, and the
//! pickers and forms on top. The new-document screens are in `txn_doc_draw`.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::{Detail, TxnPane, kind_msg};
use crate::db::journal::Header;
use crate::domain::{Quantity, TxKind};
use crate::tui::i18n::{Msg, money};
use crate::tui::panes::pick::{header_row, rows_label, short_time, titled};
use crate::tui::shell::Shell;
use crate::tui::widgets::{centered, empty_table, fit, loading_line};

/// Where the goods went: "A → B", "→ B" (in), "A →" (out), "@ A" (counted), each location
/// by its full path where `paths` (by id) has it.
pub fn route(h: &Header, paths: &HashMap<String, String>) -> String {
    let (source, dest) = (
        place(&h.source_id, &h.source_code, paths),
        place(&h.dest_id, &h.dest_code, paths),
    );
    match (&source, &dest) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (Some(a), None) if h.kind == "adjustment" => format!("@ {a}"),
        (Some(a), None) => format!("{a} →"),
        (None, Some(b)) => format!("→ {b}"),
        (None, None) => String::new(),
    }
}

/// A document's location by its path, else by the code it was posted with.
fn place(
    id: &Option<String>,
    code: &Option<String>,
    paths: &HashMap<String, String>,
) -> Option<String> {
    id.as_ref()
        .and_then(|i| paths.get(i))
        .or(code.as_ref())
        .cloned()
}

fn kind_label(shell: &Shell, kind: &str) -> String {
    kind.parse::<TxKind>()
        .map(|k| shell.t(kind_msg(k)).to_string())
        .unwrap_or_else(|_| kind.to_string())
}

fn status_style(shell: &Shell, status: &str) -> ratatui::style::Style {
    match status {
        "posted" => shell.theme.ok(),
        "rejected" => shell.theme.error(),
        _ => shell.theme.warn(),
    }
}

impl TxnPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        if let Some(doc) = &self.doc {
            doc.draw(f, area, shell);
            return;
        }
        if let Some(d) = &self.detail {
            draw_detail(f, area, shell, d, &self.paths);
        } else {
            let [bar, info, table] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Fill(1),
            ])
            .areas(area);
            // The table first: it places the rows, which the counter in the bar names.
            self.draw_list(f, table, shell);
            self.draw_bar(f, bar, info, shell);
        }
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, shell);
        }
        if let Some(form) = &self.dates {
            let (w, footer) = (area.width.min(60), shell.t(Msg::HintForm));
            let r = centered(area, w, form.height(shell, w, footer));
            form.draw(f, r, shell, footer);
        }
    }

    fn draw_bar(&self, f: &mut Frame, bar: Rect, info: Rect, shell: &Shell) {
        let th = &shell.theme;
        let count = rows_label(shell, &self.list);
        let cursor = self.search_focus && self.picker.is_none() && self.dates.is_none();
        let placeholder = shell.t(Msg::TxnSearchPlaceholder);
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
        let k = &self.list.key;
        let kind = k
            .kind
            .map(|k| shell.t(kind_msg(k)))
            .unwrap_or(shell.t(Msg::AllKinds));
        let loc = match &k.location {
            Some((id, c)) => shell.tf(Msg::AtLocation, &[self.paths.get(id).unwrap_or(c)]),
            None => shell.t(Msg::AllLocations).to_string(),
        };
        let day =
            |d: Option<chrono::NaiveDate>| d.map(|d| shell.date(d)).unwrap_or_else(|| "…".into());
        let dates = if k.since.is_none() && k.until.is_none() {
            shell.t(Msg::AnyDate).to_string()
        } else {
            format!("{} – {}", day(k.since), day(k.until))
        };
        let mut spans = vec![Span::styled(format!(" {kind} · {loc} · {dates}"), th.dim())];
        if let Some(e) = &self.list.error {
            spans.push(Span::styled(
                format!("  ✗ {}", fit(e, info.width as usize / 2)),
                th.error(),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), info);
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let wide = area.width >= 120;
        let mut widths = vec![
            Constraint::Length(15),
            Constraint::Length(10),
            Constraint::Length(8),
            Constraint::Length(16),
            Constraint::Fill(1),
            Constraint::Length(12),
        ];
        let mut head = vec![
            Msg::ColNumber,
            Msg::ColKind,
            Msg::ColStatus,
            Msg::ColWhen,
            Msg::ColRoute,
            Msg::ColValue,
        ];
        if wide {
            // Reference and partner get more of a very wide screen; the route takes the rest.
            let (r, p) = if area.width >= 150 {
                (24, 28)
            } else {
                (18, 20)
            };
            widths.extend([
                Constraint::Length(5),
                Constraint::Length(r),
                Constraint::Length(p),
            ]);
            head.extend([Msg::ColLines, Msg::ColReference, Msg::ColPartner]);
        }
        let header = header_row(shell, &head, &widths);
        if !self.list.have() || self.list.is_empty() {
            let note = if self.list.have() {
                shell.t(Msg::NoTransactions)
            } else {
                shell.t(Msg::Loading)
            };
            empty_table(f, area, shell, header, widths, note);
            return;
        }
        let rows: Vec<Row> = self
            .list
            .visible(area.height.saturating_sub(1) as i64)
            .into_iter()
            .map(|(at, h)| {
                let selected = at == self.list.cursor;
                let Some(h) = h else {
                    let row = Row::new(vec![Line::raw("…")]).style(th.dim());
                    return if selected {
                        row.style(th.selected())
                    } else {
                        row
                    };
                };
                let mut cells = vec![
                    Line::raw(h.number.clone()),
                    Line::raw(kind_label(shell, &h.kind)),
                    Line::styled(h.status.clone(), status_style(shell, &h.status)),
                    Line::raw(short_time(h.created_at)),
                    Line::raw(route(h, &self.paths)),
                    Line::raw(format!("{:>12}", money(shell.lang, h.total_value))),
                ];
                if wide {
                    cells.extend([
                        Line::raw(format!("{:>5}", h.line_count)),
                        Line::raw(h.reference.clone().unwrap_or_default()),
                        Line::raw(h.partner.clone().unwrap_or_default()),
                    ]);
                }
                let row = Row::new(cells);
                if selected {
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

fn draw_detail(
    f: &mut Frame,
    area: Rect,
    shell: &Shell,
    d: &Detail,
    paths: &HashMap<String, String>,
) {
    let th = &shell.theme;
    let Some(data) = &d.data else {
        loading_line(f, area, shell, &d.number, d.error.as_deref());
        return;
    };
    let h = &data.header;
    let mut facts: Vec<String> = Vec::new();
    if let Some(s) = &place(&h.source_id, &h.source_code, paths) {
        let m = if h.kind == "adjustment" {
            Msg::FactAt
        } else {
            Msg::FactFrom
        };
        facts.push(shell.tf(m, &[s]));
    }
    if let Some(s) = &place(&h.dest_id, &h.dest_code, paths) {
        facts.push(shell.tf(Msg::FactTo, &[s]));
    }
    for (m, v) in [
        (Msg::ColPartner, &h.partner),
        (Msg::ColReference, &h.reference),
        (Msg::Note, &h.notes),
    ] {
        if let Some(v) = v {
            facts.push(format!("{}: {v}", shell.t(m)));
        }
    }
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", h.number), th.title()),
            Span::raw(format!(" {} ", kind_label(shell, &h.kind))),
            Span::styled(
                format!(" {} ", h.status.to_uppercase()),
                status_style(shell, &h.status),
            ),
        ]),
        Line::from(Span::styled(
            format!(
                " {}",
                shell.tf(Msg::CreatedBy, &[&short_time(h.created_at), &h.created_by])
            ),
            th.dim(),
        )),
        Line::from(format!(" {}", facts.join(" · "))),
    ];
    if let Some(r) = &h.reason {
        lines.push(Line::from(Span::styled(
            format!(" {}", shell.tf(Msg::ReasonIs, &[&shell.say(r)])),
            th.error(),
        )));
    }
    let head_h = lines.len() as u16 + 1;
    let [head, body] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Fill(1)]).areas(area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), head);
    let totals = shell.tf(
        Msg::DocTotals,
        &[
            &h.line_count.to_string(),
            &Quantity(h.total_qty).to_string(),
            &money(shell.lang, h.total_value),
        ],
    );
    let block = titled(shell, shell.t(Msg::DocLines).to_string())
        .title_bottom(Line::from(Span::styled(format!(" {totals} "), th.dim())).right_aligned());
    let inner = block.inner(body);
    f.render_widget(block, body);
    let wide = area.width >= 100;
    // Only the lines that fit are built: a document may have hundreds.
    let rows: Vec<Row> = data
        .lines
        .iter()
        .skip(d.scroll)
        .take(inner.height.saturating_sub(1) as usize)
        .map(|l| {
            let mut cells = vec![
                format!("{:>3}", l.line_no),
                l.sku.clone(),
                l.product_name.clone(),
                format!("{:>10}", Quantity(l.quantity).to_string()),
                format!("{:>10}", money(shell.lang, l.unit_price)),
                format!("{:>12}", money(shell.lang, l.total)),
            ];
            if wide {
                cells.push(format!(
                    "{:>10}",
                    l.applied_delta
                        .map(|d| Quantity(d).to_string())
                        .unwrap_or_else(|| "—".into())
                ));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(3),
        Constraint::Length(14),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(12),
    ];
    let mut head = vec![
        Msg::ColLineNo,
        Msg::ColSku,
        Msg::ColName,
        Msg::ColQty,
        Msg::ColPrice,
        Msg::ColTotal,
    ];
    if wide {
        widths.push(Constraint::Length(10));
        head.push(Msg::ColApplied);
    }
    let header = header_row(shell, &head, &widths);
    f.render_widget(Table::new(rows, widths).header(header), inner);
}
