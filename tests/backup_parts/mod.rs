//! Shared parts of the backup tests: the clerks' load and the proofs on a restored deployment.

pub mod load;
pub mod restored;
