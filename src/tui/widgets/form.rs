//! A form of labelled text fields (tui-input) with an error line under each field. Enter moves
//! to the next field and submits on the last; Tab / Shift-Tab and the arrows move; Esc
//! cancels. The pane decides what to do on submit and fills in the errors that come back.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;

use crate::tui::action::Action;
use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;
use crate::tui::widgets::wrap;

#[derive(Debug, Clone)]
pub struct Field {
    /// The name the services use for this field in their errors (`sku`, `min_qty`, ...).
    pub key: &'static str,
    pub label: Msg,
    pub input: Input,
    pub masked: bool,
    pub error: Option<String>,
    /// Shown under the field while it has the focus (e.g. the known categories).
    pub hint: Option<String>,
    initial: String,
}

impl Field {
    pub fn new(key: &'static str, label: Msg) -> Field {
        Field {
            key,
            label,
            input: Input::default(),
            masked: false,
            error: None,
            hint: None,
            initial: String::new(),
        }
    }

    pub fn masked(mut self) -> Field {
        self.masked = true;
        self
    }

    /// Starts with `v` (an edit form); the form is not dirty until it changes.
    pub fn value(mut self, v: &str) -> Field {
        self.input = Input::new(v.to_string());
        self.initial = v.to_string();
        self
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    None,
    Edited,
    /// The focus left this field (a good moment to validate it).
    Left(usize),
    Submit,
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub intro: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A save is in flight: keys other than Esc are ignored.
    pub busy: bool,
    /// An error about the whole form (e.g. a conflict or a shard that is down).
    pub message: Option<String>,
}

impl Form {
    pub fn new(title: String, fields: Vec<Field>) -> Form {
        Form {
            title,
            intro: None,
            fields,
            focus: 0,
            busy: false,
            message: None,
        }
    }

    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.value())
            .unwrap_or("")
    }

    /// The trimmed value, or `None` when empty.
    pub fn opt(&self, key: &str) -> Option<String> {
        let v = self.value(key).trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    pub fn set_value(&mut self, key: &str, v: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.input = Input::new(v.to_string());
        }
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn focused_key(&self) -> &'static str {
        self.fields.get(self.focus).map(|f| f.key).unwrap_or("")
    }

    /// Whether anything was typed that is not saved.
    pub fn dirty(&self) -> bool {
        self.fields.iter().any(|f| f.input.value() != f.initial)
    }

    pub fn clear_errors(&mut self) {
        self.message = None;
        for f in &mut self.fields {
            f.error = None;
        }
    }

    /// Puts each error next to its field; errors for no field become the form's message.
    /// With `focus`, the first field in error gets the focus.
    pub fn set_errors(&mut self, errs: &[(String, String)], focus: bool) {
        let mut first = None;
        for (key, msg) in errs {
            match self.fields.iter().position(|f| f.key == key) {
                Some(i) => {
                    self.fields[i].error = Some(msg.clone());
                    first = Some(first.map_or(i, |f: usize| f.min(i)));
                }
                None => self.message = Some(msg.clone()),
            }
        }
        if focus && let Some(i) = first {
            self.focus = i;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.message.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    pub fn on_action(&mut self, a: Action) -> FormEvent {
        if a == Action::Back {
            return FormEvent::Cancel;
        }
        if self.busy || self.fields.is_empty() {
            return FormEvent::None;
        }
        let n = self.fields.len();
        let old = self.focus;
        match a {
            Action::Input(req) => {
                let f = &mut self.fields[self.focus];
                match f.input.handle(req) {
                    Some(ch) if ch.value => {
                        f.error = None;
                        FormEvent::Edited
                    }
                    Some(_) => FormEvent::Edited,
                    None => FormEvent::None,
                }
            }
            Action::NextField | Action::Down => {
                self.focus = (self.focus + 1) % n;
                FormEvent::Left(old)
            }
            Action::PrevField | Action::Up => {
                self.focus = (self.focus + n - 1) % n;
                FormEvent::Left(old)
            }
            Action::Submit if self.focus + 1 < n => {
                self.focus += 1;
                FormEvent::Left(old)
            }
            Action::Submit => FormEvent::Submit,
            _ => FormEvent::None,
        }
    }

    /// Rows the form needs when drawn `width` columns wide (borders included).
    pub fn height(&self, shell: &Shell, width: u16, footer: &str) -> u16 {
        self.lines(shell, width.saturating_sub(2), footer).0.len() as u16 + 2
    }

    /// The form's lines at `width` inner columns, and where the cursor goes (column, row).
    fn lines(
        &self,
        shell: &Shell,
        width: u16,
        footer: &str,
    ) -> (Vec<Line<'static>>, Option<(u16, u16)>) {
        let th = &shell.theme;
        let label_w = self
            .fields
            .iter()
            .map(|fl| shell.t(fl.label).chars().count())
            .max()
            .unwrap_or(8) as u16
            + 2;
        let input_w = width.saturating_sub(label_w + 2).min(48);
        let indent = " ".repeat(1 + label_w as usize);
        let note_w = (width as usize).saturating_sub(indent.len() + 2).max(10);
        let mut lines: Vec<Line<'static>> = Vec::new();
        let mut cursor = None;
        if let Some(intro) = &self.intro {
            lines.extend(
                wrap(intro, width as usize)
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, th.dim()))),
            );
            lines.push(Line::default());
        }
        for (i, fl) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let shown: String = if fl.masked {
                "*".repeat(fl.input.value().chars().count())
            } else {
                fl.input.value().to_string()
            };
            let scroll = fl.input.visual_scroll(input_w.saturating_sub(1) as usize);
            let visible: String = shown.chars().skip(scroll).take(input_w as usize).collect();
            let pad = (input_w as usize).saturating_sub(visible.chars().count());
            let label = format!("{:<w$}", shell.t(fl.label), w = label_w as usize);
            lines.push(Line::from(vec![
                Span::styled(if focused { "›" } else { " " }, th.key()),
                Span::styled(label, if focused { th.title() } else { th.base() }),
                Span::styled(
                    format!("{visible}{}", " ".repeat(pad)),
                    if focused {
                        th.input_focus()
                    } else {
                        th.input()
                    },
                ),
            ]));
            if focused && !self.busy {
                let x = 1
                    + label_w
                    + (fl.input.visual_cursor().saturating_sub(scroll) as u16)
                        .min(input_w.saturating_sub(1));
                cursor = Some((x, lines.len() as u16 - 1));
            }
            if let Some(e) = &fl.error {
                // A service's field error arrives in English; the form's own are Msg texts.
                let e = shell.say(e);
                for (n, part) in wrap(&e, note_w).into_iter().enumerate() {
                    let mark = if n == 0 { "✗ " } else { "  " };
                    lines.push(Line::from(vec![
                        Span::raw(indent.clone()),
                        Span::styled(format!("{mark}{part}"), th.error()),
                    ]));
                }
            }
            if focused && let Some(h) = &fl.hint {
                for part in wrap(h, note_w + 2) {
                    lines.push(Line::from(vec![
                        Span::raw(indent.clone()),
                        Span::styled(part, th.dim()),
                    ]));
                }
            }
        }
        if let Some(m) = &self.message {
            let m = shell.say(m);
            lines.push(Line::default());
            for (n, part) in wrap(&m, (width as usize).saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let mark = if n == 0 { "✗ " } else { "  " };
                lines.push(Line::from(Span::styled(
                    format!("{mark}{part}"),
                    th.error(),
                )));
            }
        }
        lines.push(Line::default());
        lines.extend(
            wrap(footer, width as usize)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, th.dim()))),
        );
        (lines, cursor)
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell, footer: &str) {
        let th = &shell.theme;
        f.render_widget(Clear, area);
        let block = Block::bordered()
            .title(Span::styled(format!(" {} ", self.title), th.title()))
            .border_style(th.border_focus());
        let inner = block.inner(area);
        f.render_widget(block, area);
        let (lines, cursor) = self.lines(shell, inner.width, footer);
        f.render_widget(Paragraph::new(lines), inner);
        if let Some((x, y)) = cursor
            && y < inner.height
            && x < inner.width
        {
            f.set_cursor_position(Position::new(inner.x + x, inner.y + y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest;

    fn form() -> Form {
        Form::new(
            "t".into(),
            vec![
                Field::new("a", Msg::Name),
                Field::new("b", Msg::Email).value("x@y"),
            ],
        )
    }

    #[test]
    fn enter_walks_the_fields_then_submits() {
        let mut f = form();
        assert_eq!(f.on_action(Action::Submit), FormEvent::Left(0));
        assert_eq!(f.focus, 1);
        assert_eq!(f.on_action(Action::Submit), FormEvent::Submit);
        assert_eq!(f.on_action(Action::NextField), FormEvent::Left(1));
        assert_eq!(f.focus, 0, "Tab wraps around");
        assert_eq!(f.on_action(Action::PrevField), FormEvent::Left(0));
        assert_eq!(f.focus, 1);
        assert_eq!(f.on_action(Action::Back), FormEvent::Cancel);
    }

    #[test]
    fn typing_edits_the_focused_field_and_clears_its_error() {
        let mut f = form();
        assert!(!f.dirty());
        f.set_errors(
            &[("a".into(), "bad".into()), ("form".into(), "whole".into())],
            true,
        );
        assert_eq!(f.fields[0].error.as_deref(), Some("bad"));
        assert_eq!(f.message.as_deref(), Some("whole"));
        assert_eq!(
            f.on_action(Action::Input(InputRequest::InsertChar('z'))),
            FormEvent::Edited
        );
        assert_eq!(f.value("a"), "z");
        assert!(f.fields[0].error.is_none());
        assert!(f.dirty());
    }

    #[test]
    fn busy_form_ignores_keys_but_esc() {
        let mut f = form();
        f.busy = true;
        assert_eq!(
            f.on_action(Action::Input(InputRequest::InsertChar('z'))),
            FormEvent::None
        );
        assert_eq!(f.value("a"), "");
        assert_eq!(f.on_action(Action::Back), FormEvent::Cancel);
    }
}
