//! Plain domain types and rules: no IO. Everything here is exact (integers), validated on
//! construction ("parse, don't validate"), and shared by the services, the CLI and the TUI.

pub mod ids;
pub mod qty;
pub mod role;
pub mod say;
pub mod text;
pub mod txn;

pub use ids::new_id;
pub use qty::{Money, Quantity};
pub use role::Role;
pub use txn::{TxKind, TxStatus};
