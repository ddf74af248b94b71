//! Reusable pieces of the screen: forms, pickers, and the chrome around every pane (tab bar,
//! message line, status bar, help overlay, yes/no question).

pub mod form;
pub mod picker;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

use super::action::Tab;
use super::event::SHARD_LETTERS;
use super::i18n::{Msg, age};
use super::shell::Shell;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A rectangle of at most `w` x `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Cuts `s` to `w` display columns (by chars; our texts are narrow characters), with `…`.
pub fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// Breaks `s` into lines of at most `w` characters at spaces (a word longer than `w` is cut).
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    if s.chars().count() <= w {
        return vec![s.to_string()];
    }
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > w {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(w).collect();
            word = word.chars().skip(w).collect();
            out.push(head);
        }
        let need = if line.is_empty() {
            word.chars().count()
        } else {
            line.chars().count() + 1 + word.chars().count()
        };
        if need > w && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The top line: the app's name and the screens this role may open.
pub fn tab_bar(f: &mut Frame, area: Rect, shell: &Shell, current: Tab) {
    let th = &shell.theme;
    let mut spans = vec![
        Span::styled(format!(" {} ", shell.t(Msg::AppName)), th.title()),
        Span::raw(" "),
    ];
    let role = shell.actor.as_ref().map(|a| a.role);
    let tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|t| role.is_none_or(|r| t.visible_to(r)))
        .collect();
    let room = (area.width as usize).saturating_sub(spans.iter().map(|s| s.width()).sum());
    let cut = tab_title_room(&tabs, current, room, |t| shell.t(t.title()));
    for tab in tabs {
        let title = shell.t(tab.title());
        let title = match cut {
            Some(n) if tab != current => fit(title, n),
            _ => title.to_string(),
        };
        spans.push(Span::styled(
            format!(" {} {} ", tab.number(), title),
            if tab == current {
                th.tab_active()
            } else {
                th.tab()
            },
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// How many characters the other tabs' titles may keep so that every tab's number stays on a
/// line of `room` columns (the current tab keeps its whole title); `None` when all fit whole.
fn tab_title_room<'a>(
    tabs: &[Tab],
    current: Tab,
    room: usize,
    title: impl Fn(Tab) -> &'a str,
) -> Option<usize> {
    let width = |n: Option<usize>| -> usize {
        tabs.iter()
            .map(|&t| {
                let w = title(t).chars().count();
                let w = match n {
                    Some(n) if t != current => w.min(n),
                    _ => w,
                };
                w + 4
            })
            .sum()
    };
    if width(None) <= room {
        return None;
    }
    let longest = tabs.iter().map(|&t| title(t).chars().count()).max()?;
    (1..longest)
        .rev()
        .find(|&n| width(Some(n)) <= room)
        .or(Some(1))
}

/// The line above the status bar: the latest message, or the keys of this screen.
pub fn message_line(f: &mut Frame, area: Rect, shell: &Shell, hint: &str) {
    let th = &shell.theme;
    let line = match &shell.toast {
        Some(t) => Line::from(Span::styled(
            format!(" {}", fit(&t.text, area.width.saturating_sub(1) as usize)),
            if t.error { th.error() } else { th.ok() },
        )),
        None => Line::from(Span::styled(
            format!(" {}", fit(hint, area.width.saturating_sub(1) as usize)),
            th.dim(),
        )),
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The bottom line: who is logged in, the three shard marks, a spinner while requests are
/// pending, and the clock.
pub fn status_bar(f: &mut Frame, area: Rect, shell: &Shell, spin: usize) {
    let th = &shell.theme;
    let who = match &shell.actor {
        Some(a) => format!(" {} · {}", a.email, shell.say(a.role.as_str())),
        None => format!(" {}", shell.t(Msg::NotLoggedIn)),
    };
    let mut right = Vec::new();
    for (i, (_, letter)) in SHARD_LETTERS.iter().enumerate() {
        let m = &shell.shards[i];
        // Down if its writes failed or it did not answer the last ping. A server shard's
        // monitor looks every half second: its view (in `m`) is fresher than the dashboard's
        // last ping, which may date from before the primary came back.
        let pinged = if m.nodes.is_empty() {
            shell.pinged[i]
        } else {
            None
        };
        let reachable = m.reachable && pinged != Some(false);
        let (mark, style) = match (m.known || pinged.is_some(), reachable) {
            (false, _) => ("·", th.dim()),
            (true, true) => ("●", th.ok()),
            (true, false) => ("✗", th.error()),
        };
        right.push(Span::raw(*letter));
        right.push(Span::styled(mark, style));
        right.push(Span::raw(" "));
    }
    let spinner = if shell.pending() > 0 {
        SPINNER[spin % SPINNER.len()]
    } else {
        " "
    };
    right.push(Span::styled(format!("{spinner} "), th.key()));
    right.push(Span::raw(format!("{} ", shell.now.format("%H:%M"))));
    let right_w: u16 = right.iter().map(|s| s.content.chars().count() as u16).sum();
    let left_w = area.width.saturating_sub(right_w);
    f.render_widget(
        Paragraph::new(Span::styled(fit(&who, left_w as usize), th.dim())),
        Rect {
            width: left_w,
            ..area
        },
    );
    f.render_widget(
        Paragraph::new(Line::from(right)).alignment(Alignment::Right),
        area,
    );
}

/// A moment (microseconds, UTC) as local time: `09:29:23` on the day of `shell.now`, else
/// with its date.
pub fn local_clock(shell: &Shell, micros: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_micros(micros) else {
        return "?".into();
    };
    let t = t.with_timezone(&chrono::Local).naive_local();
    if t.date() == shell.now.date() {
        t.format("%H:%M:%S").to_string()
    } else {
        shell.datetime(t)
    }
}

/// What the primary-down banner says, or `None` while every primary answers: per shard whose
/// primary is down, since when and how old the data now read (from a replica) is, then that
/// writes to it are refused. Shards down since the same second (one server for several) share
/// a part, with the oldest of their data ages. The most telling words come first, for the cut.
pub fn banner_text(shell: &Shell) -> Option<String> {
    // (shard names, since, whether a replica answers for every one, the oldest data age).
    let mut groups: Vec<(Vec<&str>, String, bool, Option<i64>)> = Vec::new();
    for ((name, _), m) in SHARD_LETTERS.iter().zip(&shell.shards) {
        let Some(d) = m.down else {
            continue;
        };
        let since = local_clock(shell, d.since);
        let age = d.data_age_ms.filter(|_| d.replica_answers);
        match groups.iter_mut().find(|g| g.1 == since) {
            Some(g) => {
                g.0.push(name.as_str());
                g.2 &= d.replica_answers;
                g.3 = g.3.max(age);
            }
            None => groups.push((vec![name.as_str()], since, d.replica_answers, age)),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(names, since, answers, age_ms)| {
            let down = match names.as_slice() {
                [one] => shell.tf(Msg::BannerDown, &[one, since]),
                many => shell.tf(Msg::BannerDownMany, &[&many.join(", "), since]),
            };
            let age = match (answers, age_ms) {
                (false, _) => shell.t(Msg::BannerNoReplica).to_string(),
                (true, None) => shell.t(Msg::BannerAgeUnknown).to_string(),
                (true, Some(ms)) => shell.tf(Msg::BannerDataAge, &[&age(shell.lang, *ms, false)]),
            };
            format!("{down} · {age}")
        })
        .collect();
    let shards: usize = groups.iter().map(|g| g.0.len()).sum();
    let refused = shell.t(if shards == 1 {
        Msg::BannerRefusedOne
    } else {
        Msg::BannerRefusedMany
    });
    Some(format!("✗ {} · {refused}", parts.join(" · ")))
}

/// The one-line banner above the status bar while a shard's primary is down; cut to the width.
pub fn banner(f: &mut Frame, area: Rect, shell: &Shell) {
    let Some(text) = banner_text(shell) else {
        return;
    };
    let w = area.width as usize;
    let text = format!(" {}", fit(&text, w.saturating_sub(1)));
    let pad = w.saturating_sub(text.chars().count());
    f.render_widget(
        Paragraph::new(Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            shell.theme.error().add_modifier(Modifier::REVERSED),
        )),
        area,
    );
}

/// Spans cut to `w` columns in all (the last one that does not fit ends in `…`).
pub fn fit_spans(spans: Vec<(String, Style)>, w: usize) -> Line<'static> {
    let mut left = w;
    let mut out = Vec::new();
    for (text, style) in spans {
        if left == 0 {
            break;
        }
        let text = fit(&text, left);
        left -= text.chars().count();
        out.push(Span::styled(text, style));
    }
    Line::from(out)
}

/// The `?` overlay: global keys, then this screen's.
pub fn help(f: &mut Frame, area: Rect, shell: &Shell, screen: &[(&str, Msg)]) {
    let th = &shell.theme;
    let global: [(&str, Msg); 9] = [
        ("?", Msg::KeyHelp),
        ("1-7 F1-F7", Msg::KeySwitch),
        ("/", Msg::KeySearch),
        ("Esc", Msg::KeyBack),
        ("Tab S-Tab", Msg::KeyFields),
        ("Enter", Msg::KeyEnter),
        ("L", Msg::KeyLogout),
        ("Ctrl-L", Msg::KeyRedraw),
        ("q Ctrl-C", Msg::KeyQuit),
    ];
    let key_line = |k: &str, m: Msg| {
        Line::from(vec![
            Span::styled(format!("  {k:<12}"), th.key()),
            Span::raw(shell.t(m)),
        ])
    };
    let mut left = vec![Line::from(Span::styled(
        shell.t(Msg::HelpGlobal),
        th.header(),
    ))];
    left.extend(global.iter().map(|(k, m)| key_line(k, *m)));
    let mut right = Vec::new();
    if !screen.is_empty() {
        right.push(Line::from(Span::styled(
            shell.t(Msg::HelpScreen),
            th.header(),
        )));
        right.extend(screen.iter().map(|(k, m)| key_line(k, *m)));
    }
    let close = Line::from(Span::styled(shell.t(Msg::HelpClose), th.dim()));
    // One column if it fits; side by side when the screen is short but wide enough.
    let one_col = left.len() + right.len() + 3 + 2;
    let two_cols = area.height < one_col as u16 && area.width >= 76;
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", shell.t(Msg::HelpTitle)),
            th.title(),
        ))
        .border_style(th.border_focus());
    if two_cols {
        let h = left.len().max(right.len()) as u16 + 2 + 2;
        let r = centered(area, 76, h);
        f.render_widget(Clear, r);
        let inner = block.inner(r);
        f.render_widget(block, r);
        let [cols, foot] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
        let [l, rr] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(cols);
        f.render_widget(Paragraph::new(left), l);
        f.render_widget(Paragraph::new(right), rr);
        f.render_widget(Paragraph::new(close), foot);
        return;
    }
    let mut lines = left;
    if !right.is_empty() {
        lines.push(Line::default());
        lines.extend(right);
    }
    lines.push(Line::default());
    lines.push(close);
    let r = centered(area, 60, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// A yes/no question in a box.
pub fn confirm(f: &mut Frame, area: Rect, shell: &Shell, question: &str) {
    let th = &shell.theme;
    let w = (question.chars().count() as u16 + 4).clamp(30, area.width.min(70));
    let inner_w = w.saturating_sub(2).max(1);
    let h = (question.chars().count() as u16).div_ceil(inner_w) + 2;
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let block = Block::bordered().border_style(th.warn());
    f.render_widget(
        Paragraph::new(Span::styled(question.to_string(), th.warn()))
            .wrap(Wrap { trim: true })
            .block(block),
        r,
    );
}

/// A table's header with no rows and, under it, a dim note saying why (nothing found, still
/// loading).
pub fn empty_table<'a>(
    f: &mut Frame,
    area: Rect,
    shell: &Shell,
    header: Row<'a>,
    widths: Vec<Constraint>,
    note: &str,
) {
    f.render_widget(Table::new(Vec::<Row>::new(), widths).header(header), area);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {note}"), shell.theme.dim())),
        Rect {
            y: area.y + 2,
            height: 1,
            ..area
        },
    );
}

/// One line for a view whose data has not arrived: `what` followed by the error (red), or by
/// "loading" (dim) while none came.
pub fn loading_line(f: &mut Frame, area: Rect, shell: &Shell, what: &str, error: Option<&str>) {
    let th = &shell.theme;
    let (text, style) = match error {
        Some(e) => (shell.say(e), th.error()),
        None => (shell.t(Msg::Loading).to_string(), th.dim()),
    };
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {what}  {text}"), style)),
        area,
    );
}

/// The one-line search bar of a list pane: a label, the input (or a dim placeholder when empty
/// and unfocused), a right-aligned row count, and the cursor when `cursor` is set.
#[allow(clippy::too_many_arguments)]
pub fn search_bar(
    f: &mut Frame,
    bar: Rect,
    shell: &Shell,
    input: &tui_input::Input,
    focused: bool,
    cursor: bool,
    placeholder: &str,
    count: &str,
    max_w: u16,
) {
    let th = &shell.theme;
    let label = format!(" {}: ", shell.t(Msg::SearchLabel));
    let input_w = bar
        .width
        .saturating_sub(label.chars().count() as u16 + count.chars().count() as u16 + 2)
        .min(max_w);
    let scroll = input.visual_scroll(input_w.saturating_sub(1) as usize);
    let (text, style) = if input.value().is_empty() && !focused {
        (fit(placeholder, input_w as usize), th.dim())
    } else {
        let style = if focused {
            th.input_focus()
        } else {
            th.input()
        };
        (
            input.value().chars().skip(scroll).collect::<String>(),
            style,
        )
    };
    let pad = (input_w as usize).saturating_sub(text.chars().count());
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(label.clone(), th.title()),
            Span::styled(format!("{text}{}", " ".repeat(pad)), style),
        ])),
        bar,
    );
    f.render_widget(
        Paragraph::new(Span::styled(format!("{count} "), th.dim())).alignment(Alignment::Right),
        bar,
    );
    if cursor {
        let x = bar.x + label.chars().count() as u16 + (input.visual_cursor() - scroll) as u16;
        f.set_cursor_position((x.min(bar.right().saturating_sub(1)), bar.y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_number_fits_a_narrow_line() {
        let title = |t: Tab| match t {
            Tab::Dashboard => "Dashboard",
            Tab::Products => "Products",
            Tab::Stock => "Stock",
            Tab::Transactions => "Transactions",
            Tab::Counts => "Counts",
            Tab::Admin => "Admin",
            Tab::Reports => "Reports",
        };
        let tabs = Tab::ALL.to_vec();
        assert_eq!(tab_title_room(&tabs, Tab::Stock, 200, title), None);
        // 80 columns less the app name: the other titles are cut, every number stays.
        let n = tab_title_room(&tabs, Tab::Stock, 71, title).unwrap();
        let width: usize = tabs
            .iter()
            .map(|&t| {
                let w = title(t).len();
                if t == Tab::Stock { w + 4 } else { w.min(n) + 4 }
            })
            .sum();
        assert!(width <= 71, "{width}");
        assert!(n >= 5, "{n}");
        // Hardly any room: one character each, the numbers still there.
        assert_eq!(tab_title_room(&tabs, Tab::Stock, 40, title), Some(1));
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn centered_stays_inside() {
        let a = Rect::new(0, 0, 80, 24);
        assert_eq!(centered(a, 100, 10), Rect::new(0, 7, 80, 10));
    }
}
