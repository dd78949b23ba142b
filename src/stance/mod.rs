//! Stance: whether a holder (an actor, or the author) is for, against or neutral toward a target. The canonical
//! labeled example and its importers, how a question is put to the encoder, the classifier, and its scoring.

pub mod evaluate;
pub mod example;
pub mod export;
pub mod input;
pub mod model;

pub use example::StanceExample;
