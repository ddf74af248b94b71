//! Draws the app from its state: tab bar, the pane on screen, the message line, the status bar,
//! and whatever overlay is open. Reads the state only (panes may remember their scroll
//! position in a `Cell`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

use super::action::Tab;
use super::app::{App, Overlay};
use super::i18n::Msg;
use super::widgets;

/// The smallest terminal the screens are laid out for.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    let shell = &app.shell;
    if area.width < MIN_W || area.height < MIN_H {
        let text = shell.tf(Msg::TooSmall, &[&MIN_W.to_string(), &MIN_H.to_string()]);
        f.render_widget(
            Paragraph::new(Span::styled(text, shell.theme.warn())).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let hint = shell.t(app.hint());
    // The bottom lines: the message line, the banner while a shard's primary is down, and
    // the status bar.
    let banner = u16::from(widgets::banner_text(shell).is_some());
    let [area, msg, banner_line, status] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = if app.logged_in() {
        let [tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        widgets::tab_bar(f, tabs, shell, app.tab);
        match app.tab {
            // The audit trail opens over the screen it was asked from.
            _ if app.audit.open => app.audit.draw(f, body, shell),
            Tab::Dashboard => app.dashboard.draw(f, body, shell),
            Tab::Products => app.products.draw(f, body, shell),
            Tab::Stock => app.stock.draw(f, body, shell),
            Tab::Transactions => app.txns.draw(f, body, shell),
            Tab::Counts => app.counts.draw(f, body, shell),
            Tab::Admin => app.admin.draw(f, body, shell),
            Tab::Reports => app.reports.draw(f, body, shell),
        }
        body
    } else {
        app.login.draw(f, area, shell);
        area
    };
    widgets::message_line(f, msg, shell, hint);
    widgets::banner(f, banner_line, shell);
    widgets::status_bar(f, status, shell, app.spin);
    overlay(f, app, body);
}

fn overlay(f: &mut Frame, app: &App, body: Rect) {
    if app.overlay == Overlay::Help {
        widgets::help(f, body, &app.shell, &app.screen_keys());
    } else if let Some(q) = app.question() {
        widgets::confirm(f, body, &app.shell, &q);
    }
}
