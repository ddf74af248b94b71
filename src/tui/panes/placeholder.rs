//! A screen that is not built yet says so plainly instead of pretending.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::tui::i18n::Msg;
use crate::tui::shell::Shell;

pub struct Placeholder;

impl Placeholder {
    pub fn draw(&self, f: &mut Frame, area: Rect, shell: &Shell) {
        let r = Rect {
            x: area.x + 2,
            y: area.y + 1,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        f.render_widget(
            Paragraph::new(Span::styled(shell.t(Msg::ComingSoon), shell.theme.dim())),
            r,
        );
    }
}
