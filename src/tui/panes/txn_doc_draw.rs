//! Drawing a new document: its header (kind, locations, reference, partner, note), the scan
//! field, the lines and the flagged codes; the confirm screen; and the posting's outcome.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use tui_input::Input;

use super::{Doc, Focus, Step};
use crate::domain::TxKind;
use crate::tui::i18n::{Msg, money};
use crate::tui::panes::pick::{header_row, titled};
use crate::tui::panes::txn::kind_msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::fit;

impl Doc {
    pub fn hint(&self) -> Msg {
        match self.step {
            Step::Locations => Msg::HintPicker,
            Step::Scan if self.edit.is_some() => Msg::HintEditQty,
            Step::Scan => match self.focus {
                Focus::Scan => Msg::HintScan,
                Focus::Lines => Msg::HintLines,
                _ => Msg::HintDocField,
            },
            Step::Confirm => Msg::HintConfirm,
            Step::Posting => Msg::Posting,
            Step::Done => Msg::HintDone,
        }
    }

    /// Where the goods go: "A → B", "→ B" (in), "A →" (out), "@ A" (counted).
    pub(super) fn route(&self) -> String {
        match (&self.source, &self.dest) {
            (Some(a), Some(b)) => format!("{a} → {b}"),
            (Some(a), None) if self.kind == TxKind::Adjustment => format!("@ {a}"),
            (Some(a), None) => format!("{a} →"),
            (None, Some(b)) => format!("→ {b}"),
            (None, None) => "…".into(),
        }
    }

    /// "receipt · → A".
    pub(super) fn route_title(&self, shell: &Shell) -> String {
        format!("{} · {}", shell.t(kind_msg(self.kind)), self.route())
    }

    /// "New receipt · → A".
    pub(super) fn title(&self, shell: &Shell) -> String {
        let t = shell.tf(Msg::NewDoc, &[shell.t(kind_msg(self.kind)), &self.route()]);
        let mut c = t.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        match self.step {
            Step::Done => return self.draw_done(f, area, shell),
            Step::Confirm | Step::Posting => return self.draw_confirm(f, area, shell),
            Step::Locations | Step::Scan => {}
        }
        let th = &shell.theme;
        let has_error = self.error.is_some() as u16;
        let flags_h = if self.flags.is_empty() {
            0
        } else {
            (self.flags.len() as u16).min(3) + 2
        };
        let [head, fields, note, scan, err, lines, flags, totals] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(has_error * 2),
            Constraint::Fill(1),
            Constraint::Length(flags_h),
            Constraint::Length(1),
        ])
        .areas(area);
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {}", self.title(shell)), th.title())),
            head,
        );
        let half = fields.width / 2;
        let left = Rect {
            width: half,
            ..fields
        };
        let right = Rect {
            x: fields.x + half,
            width: fields.width - half,
            ..fields
        };
        self.field(
            f,
            left,
            shell,
            Msg::ColReference,
            &self.reference,
            Focus::Reference,
        );
        if self.has_partner() {
            let label = if self.kind == TxKind::Receipt {
                Msg::Supplier
            } else {
                Msg::Customer
            };
            self.field(f, right, shell, label, &self.partner, Focus::Partner);
        }
        self.field(
            f,
            note,
            shell,
            if self.kind == TxKind::Adjustment {
                Msg::ReasonNote
            } else {
                Msg::Note
            },
            &self.note,
            Focus::Note,
        );
        self.field(f, scan, shell, Msg::ScanLabel, &self.scan, Focus::Scan);
        if self.looking_up || !self.queue.is_empty() {
            let text = shell.tf(Msg::LookingUp, &[&self.queue.len().to_string()]);
            let w = text.chars().count() as u16 + 1;
            f.render_widget(
                Paragraph::new(Span::styled(text, th.warn())),
                Rect {
                    x: scan.right().saturating_sub(w),
                    width: w.min(scan.width),
                    ..scan
                },
            );
        }
        if let Some(e) = &self.error {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" ✗ {}", shell.say(e)), th.error()))
                    .wrap(Wrap { trim: true }),
                err,
            );
        }
        self.draw_lines(f, lines, shell, self.focus == Focus::Lines);
        if !self.flags.is_empty() {
            let block = titled(
                shell,
                shell.tf(Msg::FlaggedCodes, &[&self.flags.len().to_string()]),
            )
            .border_style(th.warn());
            let inner = block.inner(flags);
            f.render_widget(block, flags);
            let shown: Vec<Line> = self
                .flags
                .iter()
                .rev()
                .take(inner.height as usize)
                .map(|m| Line::from(Span::styled(fit(m, inner.width as usize), th.error())))
                .collect();
            f.render_widget(Paragraph::new(shown), inner);
        }
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {}", self.totals(shell)), th.dim())),
            totals,
        );
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    pub(super) fn totals(&self, shell: &Shell) -> String {
        shell.tf(
            Msg::DocTotals,
            &[
                &self.lines.len().to_string(),
                &self.total_qty().to_string(),
                &money(shell.lang, self.total_value().0),
            ],
        )
    }

    /// One labelled input on one row; the cursor sits in it when it has the focus.
    fn field(
        &self,
        f: &mut Frame,
        area: Rect,
        shell: &Shell,
        label: Msg,
        input: &Input,
        which: Focus,
    ) {
        let th = &shell.theme;
        let focused = self.focus == which
            && self.step == Step::Scan
            && self.edit.is_none()
            && self.picker.is_none();
        let label = format!(" {}{} ", if focused { "›" } else { " " }, shell.t(label));
        let lw = label.chars().count() as u16;
        let w = area
            .width
            .saturating_sub(lw + 1)
            .min(if which == Focus::Scan { 32 } else { 60 });
        let scroll = input.visual_scroll(w.saturating_sub(1) as usize);
        let text: String = input
            .value()
            .chars()
            .skip(scroll)
            .take(w as usize)
            .collect();
        let pad = (w as usize).saturating_sub(text.chars().count());
        let style: Style = if focused {
            th.input_focus()
        } else {
            th.input()
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, if focused { th.title() } else { th.base() }),
                Span::styled(format!("{text}{}", " ".repeat(pad)), style),
            ])),
            area,
        );
        if focused {
            let x = area.x
                + lw
                + (input.visual_cursor().saturating_sub(scroll) as u16).min(w.saturating_sub(1));
            f.set_cursor_position(Position::new(x, area.y));
        }
    }

    pub(super) fn draw_lines(&self, f: &mut Frame, area: Rect, shell: &Shell, focused: bool) {
        let th = &shell.theme;
        let block = titled(shell, shell.t(Msg::DocLines).into()).border_style(if focused {
            th.border_focus()
        } else {
            th.border()
        });
        let inner = block.inner(area);
        f.render_widget(block, area);
        if self.lines.is_empty() {
            let text = if self.step == Step::Scan {
                shell.t(Msg::ScanFirst)
            } else {
                ""
            };
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {text}"), th.dim())),
                inner,
            );
            return;
        }
        let h = inner.height.saturating_sub(1) as usize;
        let top = self.cursor.saturating_sub(h.saturating_sub(1));
        let qty_head = if self.kind == TxKind::Adjustment {
            Msg::ColCounted
        } else {
            Msg::ColQty
        };
        let widths = [
            Constraint::Length(3),
            Constraint::Length(14),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Length(12),
        ];
        let header = header_row(
            shell,
            &[
                Msg::ColLineNo,
                Msg::ColSku,
                Msg::ColName,
                qty_head,
                Msg::ColUnit,
                Msg::ColTotal,
            ],
            &widths,
        );
        let rows: Vec<Row> = self
            .lines
            .iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, l)| {
                let editing = i == self.cursor && self.edit.is_some();
                let qty = match (&self.edit, editing) {
                    (Some(e), true) => format!("{:>10}", format!("[{}]", e.value())),
                    _ => format!("{:>10}", l.qty.to_string()),
                };
                let row = Row::new(vec![
                    format!("{:>3}", i + 1),
                    l.product.sku.clone(),
                    l.product.name.clone(),
                    qty,
                    l.product.unit.clone(),
                    format!("{:>12}", money(shell.lang, l.value(self.kind).0)),
                ]);
                if i == self.cursor && self.step == Step::Scan {
                    row.style(if focused || editing {
                        th.selected()
                    } else {
                        th.tab_active()
                    })
                } else {
                    row
                }
            })
            .collect();
        f.render_widget(Table::new(rows, widths).header(header), inner);
        if let Some(e) = &self.edit_error {
            let r = Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            };
            f.render_widget(
                Paragraph::new(Span::styled(format!("✗ {}", shell.say(e)), th.error())),
                r,
            );
        }
    }
}
