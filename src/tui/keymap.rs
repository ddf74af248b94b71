//! Keys to actions. What a key means depends on the context: inside a text field letters are
//! text, outside they are commands; an open question only hears yes and no; the help overlay
//! closes on any key. Pure, so it is tested without a terminal.

use crossterm::event::{Event as CtEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Tab};

/// What is on top of the screen when a key arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Modal {
    #[default]
    None,
    Help,
    Confirm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyCtx {
    /// A text field has the focus: printable keys edit it.
    pub text: bool,
    pub modal: Modal,
}

/// The action for `key` in `ctx`, or `None` if the key means nothing there.
pub fn map(key: KeyEvent, ctx: KeyCtx) -> Option<Action> {
    if !matches!(key.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match ctx.modal {
        Modal::Help => return Some(Action::Back),
        Modal::Confirm => {
            return match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::Yes),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
                _ => None,
            };
        }
        Modal::None => {}
    }
    let common = match key.code {
        KeyCode::F(n @ 1..=9) => Some(Action::GoTo(Tab::from_number(n)?)),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Enter => Some(Action::Submit),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Char('l') if ctrl => Some(Action::Redraw),
        KeyCode::Char('r') if ctrl => Some(Action::Refresh),
        KeyCode::Char('s') if ctrl => Some(Action::Finish),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    if ctx.text {
        let ev = CtEvent::Key(key);
        return tui_input::backend::crossterm::to_input_request(&ev).map(Action::Input);
    }
    if ctrl || key.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    Some(match key.code {
        KeyCode::Left => Action::Left,
        KeyCode::Right => Action::Right,
        KeyCode::Home | KeyCode::Char('g') => Action::Home,
        KeyCode::End | KeyCode::Char('G') => Action::End,
        KeyCode::Char('k') => Action::Up,
        KeyCode::Char('j') => Action::Down,
        KeyCode::Char(c @ '1'..='9') => Action::GoTo(Tab::from_number(c as u8 - b'0')?),
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('/') => Action::Search,
        KeyCode::Char('r') => Action::Refresh,
        KeyCode::Char('L') => Action::Logout,
        KeyCode::Char('n') => Action::New,
        KeyCode::Char('e') => Action::Edit,
        KeyCode::Char('d') => Action::ToggleActive,
        KeyCode::Char('s') => Action::Sort,
        KeyCode::Char('S') => Action::SortReverse,
        KeyCode::Char('c') => Action::FilterCategory,
        KeyCode::Char('a') => Action::FilterActive,
        KeyCode::Char('C') => Action::AddCategory,
        KeyCode::Char('U') => Action::AddUnit,
        KeyCode::Char('l') => Action::FilterLocation,
        KeyCode::Char('t') => Action::FilterKind,
        KeyCode::Char('D') => Action::FilterDates,
        KeyCode::Char('w') => Action::LowOnly,
        KeyCode::Char('R') => Action::ChangeRole,
        KeyCode::Char('P') => Action::ResetPassword,
        KeyCode::Delete | KeyCode::Backspace => Action::Delete,
        KeyCode::Char('+') => Action::Increase,
        KeyCode::Char('-') => Action::Decrease,
        KeyCode::Char('K') => Action::StockCard,
        KeyCode::Char('H') => Action::History,
        KeyCode::Char('A') => Action::AuditList,
        KeyCode::Char('p') => Action::Period,
        KeyCode::Char('b') => Action::GroupBy,
        KeyCode::Char('V') => Action::ToggleChart,
        KeyCode::Char('E') => Action::Export,
        KeyCode::Char(' ') => Action::Mark,
        KeyCode::Char('x') => Action::Recount,
        KeyCode::Char('v') => Action::OnlyVariances,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
    fn ch(c: char) -> KeyEvent {
        let m = if c.is_ascii_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        KeyEvent::new(KeyCode::Char(c), m)
    }
    const TEXT: KeyCtx = KeyCtx {
        text: true,
        modal: Modal::None,
    };
    const CMD: KeyCtx = KeyCtx {
        text: false,
        modal: Modal::None,
    };

    #[test]
    fn letters_are_commands_outside_text_and_text_inside() {
        assert_eq!(map(ch('q'), CMD), Some(Action::Quit));
        assert_eq!(
            map(ch('q'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('q')))
        );
        assert_eq!(map(ch('3'), CMD), Some(Action::GoTo(Tab::Stock)));
        assert_eq!(
            map(ch('3'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('3')))
        );
        assert_eq!(map(ch('/'), CMD), Some(Action::Search));
        assert_eq!(
            map(ch('?'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('?')))
        );
        assert_eq!(
            map(ch('N'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('N')))
        );
        assert_eq!(map(ch('L'), CMD), Some(Action::Logout));
        assert_eq!(map(ch('z'), CMD), None);
    }

    #[test]
    fn function_keys_ctrl_c_and_navigation_work_everywhere() {
        for ctx in [TEXT, CMD] {
            assert_eq!(
                map(k(KeyCode::F(1)), ctx),
                Some(Action::GoTo(Tab::Dashboard))
            );
            assert_eq!(map(k(KeyCode::F(5)), ctx), Some(Action::GoTo(Tab::Counts)));
            assert_eq!(
                map(
                    KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                    ctx
                ),
                Some(Action::Quit)
            );
            assert_eq!(map(k(KeyCode::Tab), ctx), Some(Action::NextField));
            assert_eq!(map(k(KeyCode::BackTab), ctx), Some(Action::PrevField));
            assert_eq!(map(k(KeyCode::Enter), ctx), Some(Action::Submit));
            assert_eq!(map(k(KeyCode::Esc), ctx), Some(Action::Back));
            assert_eq!(map(k(KeyCode::Down), ctx), Some(Action::Down));
        }
        assert_eq!(map(k(KeyCode::F(9)), CMD), None, "no ninth screen");
        assert_eq!(map(ch('K'), CMD), Some(Action::StockCard));
        assert_eq!(map(ch('H'), CMD), Some(Action::History));
        assert_eq!(map(ch('A'), CMD), Some(Action::AuditList));
        assert_eq!(map(ch('p'), CMD), Some(Action::Period));
        assert_eq!(map(ch('E'), CMD), Some(Action::Export));
    }

    #[test]
    fn editing_keys_go_to_the_field() {
        assert_eq!(
            map(k(KeyCode::Backspace), TEXT),
            Some(Action::Input(InputRequest::DeletePrevChar))
        );
        assert_eq!(
            map(k(KeyCode::Left), TEXT),
            Some(Action::Input(InputRequest::GoToPrevChar))
        );
        assert_eq!(map(k(KeyCode::Left), CMD), Some(Action::Left));
        assert_eq!(
            map(k(KeyCode::Home), TEXT),
            Some(Action::Input(InputRequest::GoToStart))
        );
        assert_eq!(map(k(KeyCode::Home), CMD), Some(Action::Home));
    }

    #[test]
    fn modals_narrow_the_keys() {
        let help = KeyCtx {
            text: false,
            modal: Modal::Help,
        };
        assert_eq!(map(ch('x'), help), Some(Action::Back));
        let ask = KeyCtx {
            text: true,
            modal: Modal::Confirm,
        };
        assert_eq!(map(ch('y'), ask), Some(Action::Yes));
        assert_eq!(map(k(KeyCode::Enter), ask), Some(Action::Yes));
        assert_eq!(map(ch('n'), ask), Some(Action::No));
        assert_eq!(map(k(KeyCode::Esc), ask), Some(Action::No));
        assert_eq!(map(ch('q'), ask), None);
        assert_eq!(
            map(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                ask
            ),
            Some(Action::Quit)
        );
    }

    #[test]
    fn keys_of_stock_transactions_and_admin() {
        assert_eq!(map(ch('l'), CMD), Some(Action::FilterLocation));
        assert_eq!(map(ch('t'), CMD), Some(Action::FilterKind));
        assert_eq!(map(ch('D'), CMD), Some(Action::FilterDates));
        assert_eq!(map(ch('w'), CMD), Some(Action::LowOnly));
        assert_eq!(map(ch('R'), CMD), Some(Action::ChangeRole));
        assert_eq!(map(ch('P'), CMD), Some(Action::ResetPassword));
        assert_eq!(map(ch('+'), CMD), Some(Action::Increase));
        assert_eq!(map(ch('-'), CMD), Some(Action::Decrease));
        assert_eq!(map(k(KeyCode::Delete), CMD), Some(Action::Delete));
        assert_eq!(
            map(k(KeyCode::Delete), TEXT),
            Some(Action::Input(InputRequest::DeleteNextChar))
        );
        assert_eq!(
            map(ch('-'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('-'))),
            "a quantity or code may hold it"
        );
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(
            map(ctrl_s, TEXT),
            Some(Action::Finish),
            "Ctrl-S reviews from inside the scan field"
        );
        assert_eq!(map(ctrl_s, CMD), Some(Action::Finish));
    }

    #[test]
    fn keys_of_counts() {
        assert_eq!(map(ch(' '), CMD), Some(Action::Mark));
        assert_eq!(map(ch('x'), CMD), Some(Action::Recount));
        assert_eq!(map(ch('v'), CMD), Some(Action::OnlyVariances));
        assert_eq!(
            map(ch('x'), TEXT),
            Some(Action::Input(InputRequest::InsertChar('x'))),
            "a code may hold it"
        );
        assert_eq!(
            map(ch(' '), TEXT),
            Some(Action::Input(InputRequest::InsertChar(' ')))
        );
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut e = ch('q');
        e.kind = KeyEventKind::Release;
        assert_eq!(map(e, CMD), None);
    }
}
