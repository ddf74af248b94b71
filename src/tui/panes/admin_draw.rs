//! Drawing the admin pane: the section bar, the table of the section, and the forms, pickers
//! on top.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::{AdminPane, Section};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::{centered, empty_table, fit};

/// A row's cells, and whether it is active (inactive rows are dimmed).
type TableRow = (Vec<String>, bool);

impl AdminPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let [bar, info, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(area);
        let mut spans = vec![Span::raw(" ")];
        for s in AdminPane::sections(shell) {
            let style = if s == self.section {
                th.tab_active()
            } else {
                th.tab()
            };
            spans.push(Span::styled(format!(" {} ", shell.t(s.title())), style));
            spans.push(Span::raw(" "));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), bar);
        let info_text = match &self.error {
            Some(e) => Span::styled(
                format!(
                    " ✗ {}",
                    fit(&shell.say(e), info.width.saturating_sub(3) as usize)
                ),
                th.error(),
            ),
            None => Span::styled(
                format!(" {}", shell.tf(Msg::Count, &[&self.len().to_string()])),
                th.dim(),
            ),
        };
        f.render_widget(Paragraph::new(info_text), info);
        self.draw_table(f, table, shell);
        if let Some(form) = &self.form {
            let (w, footer) = (area.width.min(72), shell.t(Msg::HintForm));
            let r = centered(area, w, form.form.height(shell, w, footer));
            form.form.draw(f, r, shell, footer);
        }
        if let Some((_, p)) = &self.picker {
            p.draw(f, area, shell);
        }
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let yes_no = |b: bool| shell.t(if b { Msg::Yes } else { Msg::No }).to_string();
        let (head, widths, rows): (Vec<Msg>, Vec<Constraint>, Vec<TableRow>) = match self.section {
            Section::Users => (
                vec![
                    Msg::Email,
                    Msg::Name,
                    Msg::Role,
                    Msg::ColActive,
                    Msg::ColLocked,
                ],
                vec![
                    Constraint::Fill(2),
                    Constraint::Fill(1),
                    Constraint::Length(10),
                    Constraint::Length(6),
                    Constraint::Length(7),
                ],
                self.users
                    .iter()
                    .map(|u| {
                        (
                            vec![
                                u.email.clone(),
                                u.name.clone(),
                                u.role.clone(),
                                yes_no(u.active),
                                if u.locked {
                                    yes_no(true)
                                } else {
                                    String::new()
                                },
                            ],
                            u.active,
                        )
                    })
                    .collect(),
            ),
            Section::Locations => {
                let code_of = |id: &Option<String>| {
                    id.as_ref()
                        .and_then(|p| self.locations.iter().find(|l| &l.id == p))
                        .map(|l| l.code.clone())
                        .unwrap_or_default()
                };
                (
                    vec![Msg::UnitCode, Msg::Name, Msg::ColParent, Msg::ColActive],
                    vec![
                        Constraint::Length(20),
                        Constraint::Fill(1),
                        Constraint::Length(14),
                        Constraint::Length(6),
                    ],
                    self.location_rows()
                        .into_iter()
                        .map(|(d, l)| {
                            (
                                vec![
                                    format!("{}{}", "  ".repeat(d), l.code),
                                    l.name.clone(),
                                    code_of(&l.parent_id),
                                    yes_no(l.active != 0),
                                ],
                                l.active != 0,
                            )
                        })
                        .collect(),
                )
            }
            Section::Categories => (
                vec![Msg::Name],
                vec![Constraint::Fill(1)],
                self.categories
                    .iter()
                    .map(|c| (vec![c.name.clone()], true))
                    .collect(),
            ),
            Section::Units => (
                vec![Msg::UnitCode, Msg::Name, Msg::Decimals],
                vec![
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Length(16),
                ],
                self.units
                    .iter()
                    .map(|u| {
                        (
                            vec![u.code.clone(), u.name.clone(), u.decimals.to_string()],
                            true,
                        )
                    })
                    .collect(),
            ),
        };
        let header = Row::new(head.into_iter().map(|m| shell.t(m).to_string())).style(th.header());
        if rows.is_empty() {
            empty_table(f, area, shell, header, widths, shell.t(Msg::NothingHereYet));
            return;
        }
        let h = area.height.saturating_sub(1) as usize;
        let cursor = self.cursor();
        let top = cursor.saturating_sub(h.saturating_sub(1));
        let rows: Vec<Row> = rows
            .into_iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, (cells, active))| {
                let style = if i == cursor {
                    th.selected()
                } else if active {
                    th.base()
                } else {
                    th.dim()
                };
                Row::new(cells).style(style)
            })
            .collect();
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            area,
        );
    }
}
