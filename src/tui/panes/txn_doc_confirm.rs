//! Drawing a document's confirm screen (the summary to post) and its outcome (the number).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use tui_input::Input;

use super::{Doc, Step};
use crate::domain::TxKind;
use crate::tui::i18n::{Msg, money};
use crate::tui::panes::pick::titled;
use crate::tui::panes::txn::kind_msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::{centered, fit, wrap};

impl Doc {
    pub(super) fn draw_confirm(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let mut facts = Vec::new();
        let opt = |i: &Input| Some(i.value().trim().to_string()).filter(|v| !v.is_empty());
        if let Some(r) = opt(&self.reference) {
            facts.push(format!("{}: {r}", shell.t(Msg::ColReference)));
        }
        if self.has_partner()
            && let Some(p) = opt(&self.partner)
        {
            facts.push(format!(
                "{}: {p}",
                shell.t(if self.kind == TxKind::Receipt {
                    Msg::Supplier
                } else {
                    Msg::Customer
                })
            ));
        }
        if let Some(n) = opt(&self.note) {
            facts.push(format!("{}: {n}", shell.t(Msg::Note)));
        }
        let mut head = vec![
            Line::from(Span::styled(
                format!(" {}", shell.tf(Msg::ConfirmDoc, &[&self.title(shell)])),
                th.title(),
            )),
            Line::from(format!(" {}", facts.join(" · "))),
        ];
        if !self.flags.is_empty() {
            let text = shell.tf(Msg::FlagsNotAdded, &[&self.flags.len().to_string()]);
            head.push(Line::from(Span::styled(format!(" ! {text}"), th.warn())));
        }
        if let Some(e) = &self.error {
            // All of it (a refusal says whether anything was saved), wrapped, within a third of
            // the screen.
            let mut parts = wrap(e, usize::from(area.width.saturating_sub(3)));
            let most = usize::from(area.height / 3).max(1);
            if parts.len() > most {
                parts.truncate(most);
                if let Some(last) = parts.last_mut() {
                    *last = fit(
                        &format!("{last} …"),
                        usize::from(area.width.saturating_sub(3)),
                    );
                }
            }
            for (i, part) in parts.into_iter().enumerate() {
                let lead = if i == 0 { " ✗ " } else { "   " };
                head.push(Line::from(Span::styled(
                    format!("{lead}{part}"),
                    th.error(),
                )));
            }
        }
        let [top, lines, totals, action] = Layout::vertical([
            Constraint::Length(head.len() as u16),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        f.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), top);
        self.draw_lines(f, lines, shell, false);
        let value = money(shell.lang, self.total_value().0);
        f.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " {}",
                    shell.tf(
                        Msg::DocTotals,
                        &[
                            &self.lines.len().to_string(),
                            &self.total_qty().to_string(),
                            &value
                        ]
                    )
                ),
                th.title(),
            )),
            totals,
        );
        let (text, style) = if self.step == Step::Posting {
            (shell.t(Msg::Posting), th.warn())
        } else {
            (shell.t(Msg::ConfirmPost), th.key())
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {text}"), style)),
            action,
        );
    }

    pub(super) fn draw_done(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let number = self
            .outcome
            .as_ref()
            .map(|o| o.number.clone())
            .unwrap_or_default();
        let lines = vec![
            Line::default(),
            Line::from(Span::styled(
                shell.tf(Msg::PostedNumber, &[&number]),
                th.ok(),
            ))
            .centered(),
            Line::default(),
            Line::from(self.route_title(shell)).centered(),
            Line::from(self.totals(shell)).centered(),
            Line::default(),
            Line::from(Span::styled(
                shell.tf(Msg::DoneNext, &[shell.t(kind_msg(self.kind))]),
                th.dim(),
            ))
            .centered(),
        ];
        let r = centered(area, area.width.min(70), lines.len() as u16 + 2);
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines)
                .block(titled(shell, shell.t(Msg::PostedTitle).into()).border_style(th.ok())),
            r,
        );
    }
}
