//! Drawing the audit trail: a title line, the entries (when, who, what, action), and the entry
//! under the cursor field by field (before → after) with the document that caused it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use super::AuditPane;
use crate::domain::{Money, say};
use crate::service::audit::{AuditEntity, AuditLine};
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::{empty_table, fit};

/// Fields whose values are amounts or quantities (written the language's way).
const NUMBERS: &[&str] = &["price", "min_qty", "min_override", "max_qty", "quantity"];

impl AuditPane {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let list_h = (area.height.saturating_sub(1) / 2).max(4);
        let [title, list, detail] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(list_h),
            Constraint::Fill(1),
        ])
        .areas(area);
        self.draw_title(f, title, shell);
        self.draw_list(f, list, shell);
        self.draw_detail(f, detail, shell);
    }

    fn draw_title(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let what = match &self.subject {
            Some(s) => shell.tf(Msg::AuditTitleOf, &[kind(shell, s.entity), &s.code]),
            None => {
                let k = match self.kind {
                    Some(k) => shell.tf(Msg::AuditOnlyKind, &[kind(shell, k)]),
                    None => shell.t(Msg::AuditAllKinds).to_string(),
                };
                format!("{} · {k}", shell.t(Msg::AuditTitle))
            }
        };
        let mut page = shell.tf(Msg::AuditPageNo, &[&self.page().to_string()]);
        if self.next.is_some() {
            page.push_str(&format!(" · {}", shell.t(Msg::AuditMore)));
        }
        let mut spans = vec![
            Span::styled(format!(" {what}"), th.title()),
            Span::styled(format!(" · {page}"), th.dim()),
        ];
        if let Some(e) = &self.error {
            spans.push(Span::styled(format!("  ✗ {}", shell.say(e)), th.error()));
        } else if self.loading {
            spans.push(Span::styled(
                format!("  {}", shell.t(Msg::Loading)),
                th.dim(),
            ));
        }
        let w = area.width as usize;
        let line = Line::from(spans);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        if text.chars().count() > w {
            let style = if self.error.is_some() {
                th.error()
            } else {
                th.title()
            };
            f.render_widget(Paragraph::new(Span::styled(fit(&text, w), style)), area);
        } else {
            f.render_widget(Paragraph::new(line), area);
        }
    }

    fn draw_list(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let header = Row::new(
            [
                Msg::AuditColWhen,
                Msg::AuditColWho,
                Msg::AuditColWhat,
                Msg::AuditColAction,
            ]
            .map(|m| shell.t(m).to_string()),
        )
        .style(th.header());
        // The actor's column as wide as its longest email, up to two fifths of what is left
        // after the time and the change; the rest says what changed.
        let rest = (area.width as usize).saturating_sub(16 + 18 + 3);
        let longest = self
            .entries
            .iter()
            .map(|e| e.actor.chars().count())
            .max()
            .unwrap_or(0);
        let who_w = longest.clamp(3, (rest * 2 / 5).max(3));
        let widths = vec![
            Constraint::Length(16),
            Constraint::Length(who_w as u16),
            Constraint::Fill(1),
            Constraint::Length(18),
        ];
        let what_w = rest.saturating_sub(who_w);
        if self.entries.is_empty() {
            let note = if self.loading {
                shell.t(Msg::Loading)
            } else {
                shell.t(Msg::AuditNone)
            };
            empty_table(f, area, shell, header, widths, note);
            return;
        }
        let h = area.height.saturating_sub(1) as usize;
        let top = self.cursor.saturating_sub(h.saturating_sub(1));
        let rows: Vec<Row> = self
            .entries
            .iter()
            .enumerate()
            .skip(top)
            .take(h)
            .map(|(i, e)| {
                let style = if i == self.cursor {
                    th.selected()
                } else {
                    th.base()
                };
                let mut act = action(shell, &e.action);
                if e.doc.is_some() {
                    act.push_str(" ⎘");
                }
                let mut subject = what(shell, e);
                if !e.name.is_empty() && e.name != e.code {
                    subject.push_str(&format!(" ({})", e.name));
                }
                let cells = vec![
                    when(shell, e),
                    fit(&e.actor, who_w),
                    fit(&subject, what_w),
                    act,
                ];
                Row::new(cells).style(style)
            })
            .collect();
        f.render_widget(
            Table::new(rows, widths).header(header).column_spacing(1),
            area,
        );
    }

    fn draw_detail(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let Some(e) = self.current() else {
            return;
        };
        let w = area.width as usize;
        let mut lines = vec![Line::from(Span::styled("─".repeat(w), th.dim()))];
        let head = format!(
            " {}  {}  {}",
            when(shell, e),
            e.actor,
            action(shell, &e.action)
        );
        lines.push(Line::from(Span::styled(fit(&head, w), th.header())));
        let mut subject = format!(" {}", what(shell, e));
        if !e.name.is_empty() && e.name != e.code {
            subject.push_str(&format!(" — {}", e.name));
        }
        lines.push(Line::from(fit(&subject, w)));
        if let Some(d) = &e.doc {
            let doc = format!(" {}", shell.tf(Msg::AuditDoc, &[d]));
            lines.push(Line::from(Span::styled(fit(&doc, w), th.key())));
        }
        if e.changes.is_empty() {
            let none = format!("   {}", shell.t(Msg::AuditNoFields));
            lines.push(Line::from(Span::styled(none, th.dim())));
        }
        let field_w = e
            .changes
            .iter()
            .map(|c| shell.say(&c.field).chars().count())
            .max()
            .unwrap_or(0)
            .min(16);
        for c in &e.changes {
            let field = fit(&shell.say(&c.field), field_w);
            let val = |v: &Option<String>| {
                let v = v.clone().unwrap_or_else(|| "–".into());
                if c.field == "price" {
                    // As the products list writes prices (grouped).
                    Money::parse(&v).map_or(v, |m| shell.money(m))
                } else if NUMBERS.contains(&c.field.as_str()) {
                    say::number_text(shell.lang, &v)
                } else {
                    shell.say(&v)
                }
            };
            let change = match &c.before {
                None => val(&c.after),
                Some(_) => format!("{} → {}", val(&c.before), val(&c.after)),
            };
            let text = format!("   {field:<field_w$}  {change}");
            lines.push(Line::from(fit(&text, w)));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

fn when(shell: &Shell, e: &AuditLine) -> String {
    chrono::DateTime::from_timestamp_micros(e.at)
        .map(|t| shell.datetime(t.with_timezone(&chrono::Local).naive_local()))
        .unwrap_or_else(|| "?".into())
}

fn what(shell: &Shell, e: &AuditLine) -> String {
    let k = match e.entity.as_str() {
        "product" => kind(shell, AuditEntity::Product),
        "location" => kind(shell, AuditEntity::Location),
        "user" => kind(shell, AuditEntity::User),
        "category" => kind(shell, AuditEntity::Category),
        "unit" => kind(shell, AuditEntity::Unit),
        "stock_limits" => shell.t(Msg::AuditKindLimits),
        other => other,
    };
    format!("{k} {}", e.code)
}

fn kind(shell: &Shell, k: AuditEntity) -> &'static str {
    shell.t(match k {
        AuditEntity::Product => Msg::AuditKindProduct,
        AuditEntity::Location => Msg::AuditKindLocation,
        AuditEntity::User => Msg::AuditKindUser,
        AuditEntity::Category => Msg::AuditKindCategory,
        AuditEntity::Unit => Msg::AuditKindUnit,
    })
}

fn action(shell: &Shell, a: &str) -> String {
    let m = match a {
        "create" => Msg::AuditActCreate,
        "update" => Msg::AuditActUpdate,
        "password" => Msg::AuditActPassword,
        "role" => Msg::AuditActRole,
        "enable" => Msg::AuditActEnable,
        "disable" => Msg::AuditActDisable,
        "import-create" => Msg::AuditActImportCreate,
        "import-update" => Msg::AuditActImportUpdate,
        "bulk-create" => Msg::AuditActBulkCreate,
        other => return other.to_string(),
    };
    shell.t(m).to_string()
}
