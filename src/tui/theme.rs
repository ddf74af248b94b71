//! Colours and emphasis. With colour off (`ui.color = false`, or `NO_COLOR` set to anything
//! non-empty) every style falls back to bold, reverse and underline, so the screen still says
//! which row is selected and which field is in error.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour is on only if the config allows it and `NO_COLOR` is unset or empty.
    pub fn new(config_color: bool, no_color: Option<&str>) -> Theme {
        Theme {
            color: config_color && no_color.is_none_or(str::is_empty),
        }
    }

    /// The theme for this process: the config flag and the `NO_COLOR` variable.
    pub fn from_env(config_color: bool) -> Theme {
        let v = std::env::var("NO_COLOR").ok();
        Theme::new(config_color, v.as_deref())
    }

    fn pick(&self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    pub fn base(&self) -> Style {
        Style::default()
    }

    pub fn title(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn tab(&self) -> Style {
        Style::default()
    }

    pub fn tab_active(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    pub fn selected(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Blue).fg(Color::White),
            Style::default().add_modifier(Modifier::REVERSED),
        )
    }

    pub fn header(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn error(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn ok(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn warn(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Yellow),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn dim(&self) -> Style {
        self.pick(Style::default().fg(Color::DarkGray), Style::default())
    }

    pub fn key(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn border(&self) -> Style {
        self.pick(Style::default().fg(Color::DarkGray), Style::default())
    }

    pub fn border_focus(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Cyan),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn input(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Rgb(40, 40, 48)),
            Style::default().add_modifier(Modifier::UNDERLINED),
        )
    }

    pub fn input_focus(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Rgb(30, 50, 80)),
            Style::default().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        )
    }

    pub fn spark_in(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn spark_out(&self) -> Style {
        self.pick(Style::default().fg(Color::Magenta), Style::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_when_set_and_not_empty() {
        assert!(Theme::new(true, None).color);
        assert!(Theme::new(true, Some("")).color);
        assert!(!Theme::new(true, Some("1")).color);
        assert!(!Theme::new(false, None).color);
    }

    #[test]
    fn plain_theme_has_no_colours() {
        let t = Theme::new(false, None);
        for s in [
            t.title(),
            t.selected(),
            t.error(),
            t.ok(),
            t.warn(),
            t.tab_active(),
            t.input_focus(),
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert_ne!(
            t.selected(),
            Style::default(),
            "selection must still show without colour"
        );
    }
}
