//! stancemap: from raw news to who is for or against what.
//!
//! The modules form layers, each using only those below it (`scripts/structure.py` checks there is no circle):
//! - the vocabulary and plain text: [`vocab`] (stance labels, actor types), [`span`], [`text`] (paragraphs,
//!   sentences, quotations), [`corpus`] (reading articles), [`output`] (writing and reading tables);
//! - the models: [`model`] (base encoders, cards, deltas), [`ner`] (span taggers: entities, issues, attribution
//!   roles), [`stance`] (the holder -> target classifier);
//! - the stages of an article: [`attribution`] (who said it), [`actors`] (mentions into actors), [`targets`]
//!   (topics and issues), [`pairs`] (the holder -> target questions), [`aggregate`] (evidence into cells);
//! - what drives them: [`run`] (`stancemap run`: an article document per article, [`run::annotate`], then
//!   corpus ids, stance, tables), [`merge`] (shards into one run), [`import`] (training data, some of it from
//!   the run's own questions), [`train`], [`article_score`] (a run's tables against annotated articles),
//!   [`report`] and [`network`] (a finished run, seen), and [`bench`].

pub mod actors;
pub mod aggregate;
pub mod article_score;
pub mod attribution;
pub mod bench;
pub mod corpus;
pub mod import;
pub mod lexicon;
pub mod merge;
pub mod model;
pub mod ner;
pub mod network;
pub mod output;
pub mod pairs;
pub mod report;
pub mod run;
pub mod span;
pub mod stance;
pub mod targets;
pub mod text;
pub mod train;
pub mod vocab;
