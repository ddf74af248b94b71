//! The screens. Each pane is a plain struct with the same few methods (`on_action`,
//! `on_reply`, `draw`, `keys`, ...) and its own `Call`/`Reply` enums for the service calls it
//! makes; the app dispatches to it with one match arm per method. Adding a pane means adding a
//! file here, a [`crate::tui::event::PaneId`] and `Call`/`Reply` variant, and those arms.

pub mod admin;
mod admin_call;
mod admin_forms;
pub mod dashboard;
pub mod login;
pub mod paged;
pub mod pick;
pub mod products;
mod products_call;
mod products_edit;
pub mod stock;
mod stock_call;
pub mod txn;
mod txn_call;
pub mod txn_doc;
