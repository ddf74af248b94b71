//! The parts of tests/counts.rs.

pub(crate) mod crash;
pub(crate) mod flow;
pub(crate) mod posting;
pub(crate) mod rules;
