//! What a key means, as data: the keymap turns key events into these, and `update` acts on
//! them. One flat enum for the whole app, so a test can script actions as easily as keys.

use tui_input::InputRequest;

use super::i18n::Msg;
use crate::domain::Role;

/// The five screens after login, in the order of their number keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    #[default]
    Dashboard,
    Products,
    Stock,
    Transactions,
    Counts,
    Admin,
    Reports,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Dashboard,
        Tab::Products,
        Tab::Stock,
        Tab::Transactions,
        Tab::Counts,
        Tab::Admin,
        Tab::Reports,
    ];

    /// `1`.. or F1.., in the order of [`Tab::ALL`].
    pub fn from_number(n: u8) -> Option<Tab> {
        Tab::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn number(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0) + 1
    }

    pub fn title(self) -> Msg {
        match self {
            Tab::Dashboard => Msg::TabDashboard,
            Tab::Products => Msg::TabProducts,
            Tab::Stock => Msg::TabStock,
            Tab::Transactions => Msg::TabTransactions,
            Tab::Counts => Msg::TabCounts,
            Tab::Admin => Msg::TabAdmin,
            Tab::Reports => Msg::TabReports,
        }
    }

    /// Whether a role sees this screen at all (the services refuse anyway).
    pub fn visible_to(self, role: Role) -> bool {
        match self {
            Tab::Admin => role >= Role::Supervisor,
            Tab::Counts => role >= Role::Clerk,
            _ => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `q` outside text fields, Ctrl-C anywhere.
    Quit,
    Help,
    /// Esc: close, cancel, leave a field.
    Back,
    /// Enter: next field, or confirm on the last one.
    Submit,
    NextField,
    PrevField,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    GoTo(Tab),
    /// `/`: focus the search box of the screen (or go to the product search).
    Search,
    Refresh,
    /// Ctrl-L: repaint the whole terminal (after another program scribbled on it).
    Redraw,
    Logout,
    New,
    Edit,
    ToggleActive,
    Sort,
    SortReverse,
    FilterCategory,
    FilterActive,
    AddCategory,
    AddUnit,
    /// `l`: choose a location to filter by (or, in a document's lines, its locations again).
    FilterLocation,
    /// `t`: filter transactions by kind.
    FilterKind,
    /// `D`: filter transactions by a date range.
    FilterDates,
    /// `w`: only stock below its minimum, or all.
    LowOnly,
    /// `R`: change a user's role.
    ChangeRole,
    /// `P`: reset a user's password.
    ResetPassword,
    /// Delete or Backspace outside text: remove the row.
    Delete,
    /// `+` / `-`: one unit more or less.
    Increase,
    Decrease,
    /// Ctrl-S: done entering, review (e.g. a document's confirm screen).
    Finish,
    /// Answers to a yes/no question.
    Yes,
    No,
    /// Space: mark or unmark the row (a count's line for a recount).
    Mark,
    /// `x`: recount the marked lines of a count.
    Recount,
    /// `v`: only the lines with a variance, or all.
    OnlyVariances,
    /// `K`: the stock card (kartu stok) of the product under the cursor.
    StockCard,
    /// `H`: the audit history of the product, location, user, category or unit under the cursor.
    History,
    /// `A`: the whole audit trail (Admin screen).
    AuditList,
    /// `p`: the next period preset of a report or a card.
    Period,
    /// `b`: a report's grouping (per location, by category...).
    GroupBy,
    /// `V`: a report's chart instead of its table (short screens).
    ToggleChart,
    /// `E`: export the report on screen to a file.
    Export,
    /// Editing the focused text field.
    Input(InputRequest),
}
