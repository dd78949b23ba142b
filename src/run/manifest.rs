//! `run.json`: what a run read, with which options, what it counted and skipped, how long it took, and which
//! version of stancemap did it. One per output folder, written last.

use std::collections::BTreeMap;

use serde::Serialize;

use super::journal::ArticleCounts;

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub stancemap_version: &'static str,
    pub command: Vec<String>,
    pub started_at: String,
    pub finished_at: String,
    pub inputs: Inputs,
    /// The models used, each with its card.
    pub models: serde_json::Value,
    pub options: serde_json::Value,
    pub counts: Counts,
    /// Every problem with the input, in input order (the first `MAX_PROBLEMS_LISTED`; all are counted).
    pub problems: Vec<ProblemRecord>,
    pub timings: Timings,
    pub outputs: Vec<String>,
}

/// How many problems run.json lists one by one; beyond it they are only counted.
pub const MAX_PROBLEMS_LISTED: usize = 10_000;

#[derive(Debug, Serialize)]
pub struct Inputs {
    pub corpus: String,
    pub files: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub articles: usize,
    /// Paragraphs, sentences, quotes, chars, words and mentions of all the articles.
    #[serde(flatten)]
    pub text: ArticleCounts,
    /// Rows of evidence.csv: (holder, target, sentence) questions put to the stance model.
    pub evidence: usize,
    /// Items skipped because of a problem.
    pub skipped: usize,
    /// Problems that did not stop an item from being read (e.g. text decoded as Windows-1252).
    pub warnings: usize,
    /// Problems by kind (`binary`, `not_utf8`, `empty`, ...).
    pub problems_by_kind: BTreeMap<String, usize>,
    /// The targets matrix.csv shows as columns and those it leaves to stances.csv (with the stance stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix: Option<super::stances::MatrixColumns>,
}

impl Counts {
    /// Adds a finished article's counts.
    pub fn add(&mut self, article: &ArticleCounts, evidence: usize) {
        self.articles += 1;
        self.text += *article;
        self.evidence += evidence;
    }
}

#[derive(Debug, Serialize)]
pub struct ProblemRecord {
    pub path: String,
    pub line: Option<usize>,
    pub kind: String,
    pub message: String,
    pub skipped: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct Timings {
    pub total_s: f64,
    pub read_s: f64,
    pub segment_s: f64,
    pub entities_s: f64,
    /// The issue tagger.
    #[serde(default)]
    pub issues_s: f64,
    /// The attribution tagger and the grouping of its spans.
    #[serde(default)]
    pub attribution_s: f64,
    pub actors_s: f64,
    pub stance_s: f64,
    pub write_s: f64,
    pub articles_per_s: f64,
    pub words_per_s: f64,
}
