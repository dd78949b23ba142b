//! stancemap: from raw news to who is for or against what.
//!
//! The pipeline runs one direction, one stage per module, plain types between them:
//! [`corpus`] reads articles, [`text`] segments them into paragraphs, sentences and quotations, [`model`] holds
//! the base encoders, [`ner`] finds the names, [`actors`] turns an article's mentions into actors and finds who
//! speaks each quotation, [`stance`] classifies what a holder thinks of a target, and [`output`] writes the
//! tables; [`train`] fine-tunes the task models; [`pipeline`] drives the stages for `stancemap run`, [`shard`]
//! splits a run over machines and merges the parts, [`article_score`] scores a run's tables against annotated
//! articles, and [`bench`] measures throughput.

pub mod actors;
pub mod aggregate;
pub mod article_score;
pub mod attribution;
pub mod bench;
pub mod corpus;
pub mod model;
pub mod ner;
pub mod network;
pub mod output;
pub mod pairs;
pub mod pipeline;
pub mod report;
pub mod shard;
pub mod span;
pub mod stance;
pub mod targets;
pub mod text;
pub mod train;
