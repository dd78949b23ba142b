//! Distant supervision: holder -> issue examples from any news corpus, labelled by the cue that found the
//! issue. The public stance sets are nearly all about the author's view (tweets, NewsMTSC's sentiment toward a
//! mentioned entity); what `stancemap run` asks is a holder's view ("Okafor opposes the port deal": Okafor
//! against the deal, whatever the author thinks). This importer makes examples of that kind from unlabelled
//! news: each article goes through the run's own stages (segmentation, the fast entity model, actors and quote
//! speakers, the pair builder), and every (holder, issue) pair whose cue says for or against (see
//! [`crate::targets::issues`]: `supports` -> favor, `opposes`, `urges … to stop` -> against, negated cues left
//! out) becomes an example: the sentence, the holder (named, and marked where it occurs), the issue phrase
//! marked, and the cue's label, source `cues`. The labels are as good as the cue rules (silver, not gold): use
//! them to teach the format, and measure on gold sets.
//!
//! Only pairs where the holder is plainly the cue's subject are kept: its reference ends at most
//! [`MAX_GAP`] words before the cue with no punctuation between ("TCI and Atticus have opposed the bid"), or,
//! inside a quotation, "I" or "we" stands in those words (`"We oppose the plan," she said`).

use std::path::Path;

use super::ImportReport;
use crate::actors::words::ArticleWords;
use crate::corpus::{Corpus, ReadOptions};
use crate::pairs::{Question, Target};
use crate::span::Span;
use crate::stance::example::StanceExample;

pub const SOURCE: &str = "cues";

/// The most words between the holder's reference and the cue.
pub const MAX_GAP: usize = 5;

/// Reads the corpus at `input` (any layout `stancemap run` reads) with the entity model in `model_dir`.
pub fn read(input: &Path, model_dir: &Path, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let annotator = super::stages::annotator(model_dir, super::stages::issue_model().as_deref())?;
    let corpus = Corpus::open(input, ReadOptions { max_article_bytes: 1_000_000 })?;
    let mut out = Vec::new();
    for item in corpus {
        let article = match item {
            Ok(article) => article,
            Err(problem) => {
                report.skip(&problem.path, problem.line, problem.kind.to_string());
                continue;
            }
        };
        report.read += 1;
        let doc = annotator.annotate_article(article)?;
        let (article, text, actors) = (&doc.article, &doc.article.text, doc.actors()?);
        let words = ArticleWords::new(text, &annotator.lexicon);
        for (index, pair) in doc.pairs.iter().enumerate() {
            let Target::Issue(phrase) = &pair.target else { continue };
            let (Some(label), Some(cue)) = (phrase.polarity, phrase.cue) else { continue };
            if !is_subject_of_cue(&words, pair.holder_span, pair.in_quote, cue) {
                continue;
            }
            let question = Question::of(text, &doc.segmentation, actors, pair, &phrase.label);
            out.push(question.example(format!("{}-p{index}", article.id), label, SOURCE));
        }
    }
    Ok(out)
}

/// Whether the holder is plainly the subject of the cue (see the module documentation).
fn is_subject_of_cue(words: &ArticleWords<'_>, holder: Option<Span>, in_quote: bool, cue: Span) -> bool {
    let cue_word = words.first_from(cue.start);
    let before = cue_word.saturating_sub(MAX_GAP)..cue_word;
    if in_quote {
        return before.into_iter().any(|i| matches!(words.normalised(i), "i" | "we"));
    }
    let Some(holder) = holder.filter(|h| h.end <= cue.start) else { return false };
    let gap = words.first_from(holder.end)..cue_word;
    gap.len() <= MAX_GAP
        && gap.into_iter().all(|i| words.written(i).chars().any(char::is_alphanumeric) || words.normalised(i) == "'s")
}
