//! A type-ahead picker: a short list with a filter box on top. Typing narrows the list (every
//! word must appear in the label), Up/Down move, Enter picks, Esc cancels. Used for category
//! filters here and for location pickers elsewhere. A word with a `/` is a path (`JKT/A`): it
//! matches labels whose first word, a location's full path, starts with it, and once it names
//! a location exactly, only that location and what is nested inside it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;

use crate::tui::action::Action;
use crate::tui::shell::Shell;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the caller gets back (an id, a code); empty for "none / all".
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    None,
    Chosen(Item),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    items: Vec<Item>,
    pub filter: Input,
    shown: Vec<usize>,
    cursor: usize,
}

impl Picker {
    pub fn new(title: String, items: Vec<Item>) -> Picker {
        let mut p = Picker {
            title,
            items,
            filter: Input::default(),
            shown: Vec::new(),
            cursor: 0,
        };
        p.refilter();
        p
    }

    fn refilter(&mut self) {
        let words: Vec<String> = self
            .filter
            .value()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let heads: Vec<String> = self
            .items
            .iter()
            .map(|i| {
                i.label
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            })
            .collect();
        // A path that names an item exactly stands for its subtree; else for a prefix.
        let exact: Vec<bool> = words
            .iter()
            .map(|w| w.contains('/') && heads.iter().any(|h| h == w))
            .collect();
        self.shown = (0..self.items.len())
            .filter(|&i| {
                let l = self.items[i].label.to_lowercase();
                let head = &heads[i];
                words.iter().zip(&exact).all(|(w, &exact)| {
                    if !w.contains('/') {
                        l.contains(w.as_str())
                    } else if exact {
                        head == w || head.starts_with(&format!("{w}/"))
                    } else {
                        head.starts_with(w.as_str())
                    }
                })
            })
            .collect();
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
    }

    pub fn visible(&self) -> impl Iterator<Item = &Item> {
        self.shown.iter().map(|&i| &self.items[i])
    }

    pub fn on_action(&mut self, a: Action) -> Picked {
        match a {
            Action::Back => Picked::Cancelled,
            Action::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                Picked::None
            }
            Action::Down | Action::NextField => {
                if self.cursor + 1 < self.shown.len() {
                    self.cursor += 1;
                }
                Picked::None
            }
            Action::PrevField => {
                self.cursor = self.cursor.saturating_sub(1);
                Picked::None
            }
            Action::Submit => match self.shown.get(self.cursor) {
                Some(&i) => Picked::Chosen(self.items[i].clone()),
                None => Picked::None,
            },
            Action::Input(req) => {
                if self.filter.handle(req).is_some_and(|c| c.value) {
                    self.cursor = 0;
                    self.refilter();
                }
                Picked::None
            }
            _ => Picked::None,
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let th = &shell.theme;
        let h = (self.shown.len() as u16 + 4).clamp(6, area.height.min(16));
        // Wide terminals give long labels (a location's full path and name) more room.
        let longest = self
            .items
            .iter()
            .map(|i| i.label.chars().count() as u16 + 4)
            .max()
            .unwrap_or(0);
        let cap = if area.width >= 120 { 90 } else { 50 };
        let w = longest.clamp(50, cap).min(area.width);
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height.saturating_sub(h)) / 2,
            w,
            h,
        );
        f.render_widget(Clear, r);
        let block = Block::bordered()
            .title(Span::styled(format!(" {} ", self.title), th.title()))
            .border_style(th.border_focus());
        let inner = block.inner(r);
        f.render_widget(block, r);
        let rows = inner.height.saturating_sub(2) as usize;
        let top = self.cursor.saturating_sub(rows.saturating_sub(1));
        let mut lines = vec![
            Line::from(vec![
                Span::styled("> ", th.key()),
                Span::styled(self.filter.value().to_string(), th.input_focus()),
            ]),
            Line::default(),
        ];
        for (n, &i) in self.shown.iter().enumerate().skip(top).take(rows) {
            let style = if n == self.cursor {
                th.selected()
            } else {
                th.base()
            };
            lines.push(Line::from(Span::styled(
                format!(
                    " {:<w$}",
                    self.items[i].label,
                    w = inner.width.saturating_sub(1) as usize
                ),
                style,
            )));
        }
        f.render_widget(Paragraph::new(lines), inner);
        f.set_cursor_position(Position::new(
            inner.x + 2 + self.filter.visual_cursor() as u16,
            inner.y,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest;

    fn items() -> Vec<Item> {
        ["All", "Hardware", "Home garden", "Food"]
            .iter()
            .map(|l| Item {
                value: l.to_lowercase(),
                label: l.to_string(),
            })
            .collect()
    }

    #[test]
    fn typing_narrows_and_enter_picks() {
        let mut p = Picker::new("t".into(), items());
        assert_eq!(p.visible().count(), 4);
        p.on_action(Action::Input(InputRequest::InsertChar('h')));
        p.on_action(Action::Input(InputRequest::InsertChar('o')));
        let labels: Vec<_> = p.visible().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["Home garden"]);
        assert_eq!(
            p.on_action(Action::Submit),
            Picked::Chosen(Item {
                value: "home garden".into(),
                label: "Home garden".into()
            })
        );
    }

    #[test]
    fn a_path_narrows_to_its_subtree_and_a_code_alone_still_matches() {
        let items: Vec<Item> = [
            "JKT  Jakarta",
            "  JKT/A  Zone A",
            "    JKT/A/01  Bin 01",
            "  JKT/AB  Zone AB",
            "    JKT/AB/01  Bin 01",
            "SBY  Surabaya",
            "  SBY/A  Zone A",
        ]
        .iter()
        .map(|l| Item {
            value: l.split_whitespace().next().unwrap_or_default().into(),
            label: l.to_string(),
        })
        .collect();
        let typed = |text: &str| {
            let mut p = Picker::new("t".into(), items.clone());
            for c in text.chars() {
                p.on_action(Action::Input(InputRequest::InsertChar(c)));
            }
            p.visible().map(|i| i.value.clone()).collect::<Vec<_>>()
        };
        assert_eq!(
            typed("jkt/a"),
            ["JKT/A", "JKT/A/01"],
            "the subtree of JKT/A"
        );
        assert_eq!(typed("JKT/A/"), ["JKT/A/01"]);
        assert_eq!(
            typed("jkt/"),
            ["JKT/A", "JKT/A/01", "JKT/AB", "JKT/AB/01"],
            "while typing: every path so far"
        );
        assert_eq!(typed("01"), ["JKT/A/01", "JKT/AB/01"], "a bin code alone");
        assert_eq!(typed("jkt/a bin"), ["JKT/A/01"]);
        assert_eq!(typed("sby/a"), ["SBY/A"]);
    }

    #[test]
    fn cursor_stays_in_range_and_esc_cancels() {
        let mut p = Picker::new("t".into(), items());
        for _ in 0..10 {
            p.on_action(Action::Down);
        }
        assert_eq!(
            p.on_action(Action::Submit),
            Picked::Chosen(items()[3].clone())
        );
        p.on_action(Action::Input(InputRequest::InsertChar('z')));
        assert_eq!(p.on_action(Action::Submit), Picked::None, "nothing matches");
        assert_eq!(p.on_action(Action::Back), Picked::Cancelled);
    }
}
