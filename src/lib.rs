//! stancemap: from raw news to who is for or against what.
//!
//! The pipeline runs one direction, one stage per module, plain types between them:
//! [`corpus`] reads articles, [`text`] segments them into paragraphs, sentences and quotations, [`model`] holds
//! the base encoders, and [`output`] writes the tables; [`pipeline`] drives them for `stancemap run`, and
//! [`bench`] measures throughput.

pub mod bench;
pub mod corpus;
pub mod model;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod span;
pub mod stance;
pub mod text;
pub mod train;
