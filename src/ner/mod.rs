//! Entity detection: every person, organisation, place and other name in an article, with its character span,
//! type (PER, ORG, LOC, MISC, the CoNLL-2003 scheme) and a confidence, from a token-classification head on a
//! base encoder; plus the gazetteer that says which mentions stand for a country.

pub mod conll;
pub mod decode;
pub mod evaluate;
pub mod export;
pub mod features;
pub mod labels;
pub mod mentions;
pub mod model;
pub mod scorer;
pub mod shape;
pub mod tagger;
pub mod windows;
