//! Stance: whether a holder (an actor, or the author) is for, against or neutral toward a target. This module
//! holds the canonical labeled example and the importers that turn public stance sets into it; the classifier
//! comes with it in later work.

pub mod example;
pub mod import;

pub use example::{StanceExample, StanceLabel};
