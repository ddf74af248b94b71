//! The screens. Each pane is a plain struct with the same few methods (`on_enter`,
//! `on_action` -> handled?, `on_reply`, `on_failed`, `keys`, `draw`, and where it has them
//! `text_focused`, `unsaved`, `modal`, `question`, `on_tick`) and its own `Call`/`Reply` enums
//! for the service calls it makes (with `Call::run`, which runs on a task, never on the loop).
//!
//! Adding a pane `foo`:
//! 1. `panes/foo.rs`: `FooPane`, `Call`, `Reply`, `Call::run(self, &Services, Option<Actor>)`.
//!    Send calls with `shell.send("slot", event::Call::Foo(Call::...))`; a newer call in the
//!    same slot supersedes the older one, whose reply is dropped before it reaches the pane.
//! 2. `event.rs`: `PaneId::Foo`, `Call::Foo`, `Reply::Foo`, and their arms in `Call::pane` and
//!    `Call::run`.
//! 3. `app.rs`: the `foo` field (and in `reset_panes`), and one arm in each dispatching
//!    method: `text_focused`, `unsaved`, `pane_modal`, `screen_keys`, `hint`, `question`,
//!    `enter`, `act`, `tick` (if it refreshes itself), `reply`.
//! 4. `view.rs`: its arm in `draw`; texts in `i18n.rs` (English and Bahasa Indonesia).
//! 5. Tests: pure `update` tests in `app_tests.rs`, screens in `tests/tui_app.rs`.

pub mod admin;
mod admin_call;
mod admin_forms;
pub mod audit;
pub mod card;
pub mod count;
mod count_call;
mod count_draw;
mod count_review;
mod count_scan;
pub mod dashboard;
pub mod login;
pub mod paged;
pub mod pick;
pub mod products;
mod products_call;
mod products_edit;
pub mod report;
mod report_call;
mod report_chart;
mod report_export;
pub mod report_fmt;
pub mod report_period;
mod report_rows;
pub mod report_table;
pub mod stock;
mod stock_call;
pub mod txn;
mod txn_call;
pub mod txn_doc;
