//! Issue phrases that say the same thing in other words are one issue across the corpus: "NATO expansion" and
//! "the expansion of NATO", "a carbon tax" and "a tax on carbon emissions".
//!
//! Each issue gets the sentence embedding of its first label from the `all-MiniLM-L6-v2` base encoder (mean of
//! the token vectors, unit length: how that model was trained to be used). A phrase whose key was seen before
//! keeps that key's issue; a new key joins the most similar issue seen so far when the cosine similarity of
//! the embeddings is at least [`SAME_ISSUE`] and both phrases point the same way (see [`direction`]), and
//! starts an issue of its own otherwise. The decisions depend only on the order of the phrases (text order,
//! corpus order), so runs and resumed runs agree.
//!
//! Embeddings alone would merge opposites: "raising the minimum wage" and "cutting the minimum wage" score
//! .85, "raising taxes on the rich" and "cutting taxes for the rich" .87, above some true paraphrases
//! ("interfering with democratic elections" / "… with elections in other countries" .78, "sanctions on Russia"
//! / "sanctions on Iran", two issues, .74). Hence the high threshold (.90: "NATO expansion" / "the expansion of
//! NATO" .97, "a carbon tax" / "a tax on carbon emissions" .93, "Ukraine joining NATO" / "Ukraine's desire to
//! join NATO" .91 merge) and the direction check. Paraphrases below .90 stay apart; a user who wants them
//! together lists the issue as a topic (`--targets`).
//!
//! A new phrase is compared only with the issues whose labels share a word with it, other than the short
//! function words (the lexicon's `function_words`): an index from each word to the issues that use it, and at most the
//! [`CANDIDATES_PER_WORD`] most recent of them per word. Comparing each new phrase with every issue made the
//! cost grow with the square of the distinct issues of a corpus (or of one long article); with the index it
//! grows linearly. Paraphrases at .90 share their words (all the pairs above that merge do). Measured on the
//! whole BBC set (2,226 articles, 708 issue phrases, 699 distinct issues): for every phrase the index chose the
//! same issue (or none) as the comparison with every issue.

use std::collections::{HashMap, HashSet};

use tch::{Device, Kind};

use crate::model::{load_encoder, BaseEncoder, LoadedEncoder, TokenBatch};

use super::issues::issue_id;
use super::IssuePhrase;
use crate::lexicon::{Lexicon, WordList, Words};
use crate::text::words::word_keys;

/// The cosine similarity from which two phrases may be one issue (measured pairs above and in the test).
pub const SAME_ISSUE: f32 = 0.90;

/// A new phrase is compared with at most this many issues per word it shares with them, the most recent ones.
const CANDIDATES_PER_WORD: usize = 1024;

/// Which way a phrase pushes: (more, less). "raising taxes" is (true, false), "cutting taxes" (false, true),
/// "a carbon tax" (false, false). Phrases are merged only when they agree.
type Direction = (bool, bool);

/// The lowercase words of a label (their keys, [`word_keys`]).
fn words(label: &str) -> Vec<String> {
    word_keys(label).into_iter().map(|(_, key)| key).collect()
}

/// The word lists the merge reads: function words, and the words that push a phrase up or down.
#[derive(Debug, Clone)]
struct MergeWords {
    function: WordList,
    more: WordList,
    less: WordList,
}

impl MergeWords {
    fn of(lexicon: &Lexicon) -> MergeWords {
        MergeWords {
            function: lexicon.list(Words::FunctionWords).clone(),
            more: lexicon.list(Words::More).clone(),
            less: lexicon.list(Words::Less).clone(),
        }
    }

    /// The direction words of a label.
    fn direction(&self, label: &str) -> Direction {
        let words = words(label);
        let has = |list: &WordList| words.iter().any(|w| list.contains(w));
        (has(&self.more), has(&self.less))
    }

    /// The words of a label by which it is indexed: each once, without function words.
    fn index_words(&self, label: &str) -> Vec<String> {
        let mut words: Vec<String> = words(label).into_iter().filter(|w| !self.function.contains(w)).collect();
        words.sort();
        words.dedup();
        words
    }
}

/// One issue of the corpus.
struct Issue {
    id: String,
    direction: Direction,
    /// Unit length; empty without an encoder.
    embedding: Vec<f32>,
}

/// Corpus-wide issue ids.
pub struct IssueMerger {
    words: MergeWords,
    /// None: merge by key only (the base encoder is not installed).
    encoder: Option<LoadedEncoder>,
    /// In order of creation.
    issues: Vec<Issue>,
    /// The ids in `issues`.
    ids: HashSet<String>,
    /// The positions in `issues` of the issues whose labels use each word, in order.
    by_word: HashMap<String, Vec<usize>>,
    /// The issue of each key seen.
    by_key: HashMap<String, String>,
}

impl IssueMerger {
    /// A merger by key alone (for runs that look for no issues).
    pub fn by_key(lexicon: &Lexicon) -> IssueMerger {
        IssueMerger::with_encoder(None, lexicon)
    }

    /// A merger on the MiniLM base encoder, or by key alone when it is not installed.
    pub fn new(device: Device, lexicon: &Lexicon) -> IssueMerger {
        let dir = BaseEncoder::MiniLm.default_dir();
        let encoder = load_encoder(&dir, device).ok();
        if encoder.is_none() {
            eprintln!("warning: no base encoder in {}: issues are merged by their words only", dir.display());
        }
        IssueMerger::with_encoder(encoder, lexicon)
    }

    fn with_encoder(encoder: Option<LoadedEncoder>, lexicon: &Lexicon) -> IssueMerger {
        IssueMerger {
            words: MergeWords::of(lexicon),
            encoder,
            issues: Vec::new(),
            ids: HashSet::new(),
            by_word: HashMap::new(),
            by_key: HashMap::new(),
        }
    }

    /// The id of the issue `phrase` belongs to (see the module documentation).
    pub fn id_of(&mut self, phrase: &IssuePhrase) -> anyhow::Result<String> {
        self.id_of_key(&phrase.key, &phrase.label)
    }

    /// The id of the issue of a phrase with this key and label ([`IssueMerger::id_of`] without the phrase).
    pub fn id_of_key(&mut self, key: &str, label: &str) -> anyhow::Result<String> {
        if let Some(id) = self.by_key.get(key) {
            return Ok(id.clone());
        }
        let embedding = self.embed(label)?;
        let way = self.words.direction(label);
        let nearest = self
            .candidates(label)
            .into_iter()
            .map(|position| &self.issues[position])
            .filter(|issue| issue.direction == way)
            .map(|issue| (&issue.id, cosine(&embedding, &issue.embedding)))
            .filter(|&(_, similarity)| similarity >= SAME_ISSUE)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let id = match nearest {
            Some((id, _)) => id.clone(),
            None => {
                let id = issue_id(key);
                self.add(Issue { id: id.clone(), direction: way, embedding }, label);
                id
            }
        };
        self.by_key.insert(key.to_string(), id.clone());
        Ok(id)
    }

    /// Replays a decision of an interrupted run: `key` went to the issue `id` first labelled `label`.
    pub fn remember(&mut self, key: &str, id: &str, label: &str) -> anyhow::Result<()> {
        if !self.ids.contains(id) {
            let embedding = self.embed(label)?;
            let direction = self.words.direction(label);
            self.add(Issue { id: id.to_string(), direction, embedding }, label);
        }
        self.by_key.insert(key.to_string(), id.to_string());
        Ok(())
    }

    /// The positions of the issues a phrase labelled `label` is compared with, in order of creation.
    fn candidates(&self, label: &str) -> Vec<usize> {
        let mut positions: Vec<usize> = self
            .words
            .index_words(label)
            .iter()
            .filter_map(|word| self.by_word.get(word))
            .flat_map(|list| &list[list.len().saturating_sub(CANDIDATES_PER_WORD)..])
            .copied()
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// A new issue, first labelled `label`.
    fn add(&mut self, issue: Issue, label: &str) {
        let position = self.issues.len();
        for word in self.words.index_words(label) {
            self.by_word.entry(word).or_default().push(position);
        }
        self.ids.insert(issue.id.clone());
        self.issues.push(issue);
    }

    /// The unit-length mean of the token vectors of `text`; empty without an encoder.
    fn embed(&self, text: &str) -> anyhow::Result<Vec<f32>> {
        let Some(encoder) = &self.encoder else { return Ok(Vec::new()) };
        let _guard = tch::no_grad_guard();
        let ids = encoder.tokenizer.encode(text)?.ids;
        let batch = TokenBatch::pad(&[&ids], encoder.tokenizer.pad_id(), encoder.vars.device());
        let hidden = encoder.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, false);
        let mean = hidden.mean_dim(1, false, Kind::Float).squeeze_dim(0);
        let unit = &mean / mean.norm().clamp_min(1e-12);
        Ok(Vec::<f32>::try_from(unit.to_device(Device::Cpu).to_kind(Kind::Float))?)
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn phrase(label: &str) -> IssuePhrase {
        let key = label.to_lowercase();
        IssuePhrase { span: Span::new(0, label.len()), label: label.into(), key, cue: None, polarity: None }
    }

    #[test]
    fn paraphrases_share_an_issue_and_opposites_do_not_needs_base() {
        let mut merger = IssueMerger::new(Device::Cpu, Lexicon::shipped());
        if merger.encoder.is_none() {
            eprintln!("skipped: the MiniLM base encoder is not installed");
            return;
        }
        let similarity =
            |merger: &IssueMerger, a: &str, b: &str| cosine(&merger.embed(a).unwrap(), &merger.embed(b).unwrap());
        for (a, b) in [
            ("NATO expansion", "the expansion of NATO"),
            ("a carbon tax", "a tax on carbon emissions"),
            ("interfering with democratic elections", "interfering with elections in other countries"),
            ("raising the minimum wage", "cutting the minimum wage"),
            ("raising taxes on the rich", "cutting taxes for the rich"),
            ("sanctions on Russia", "sanctions on Iran"),
            ("NATO expansion", "climate change"),
        ] {
            eprintln!("{a} / {b}: {:.3}", similarity(&merger, a, b));
        }
        assert!(similarity(&merger, "NATO expansion", "the expansion of NATO") > SAME_ISSUE);
        assert!(similarity(&merger, "raising taxes on the rich", "cutting taxes for the rich") > 0.8);
        let first = merger.id_of(&phrase("NATO expansion")).unwrap();
        assert_eq!(first, "issue:nato-expansion");
        assert_eq!(merger.id_of(&phrase("the expansion of NATO")).unwrap(), first, "a paraphrase");
        assert_eq!(merger.id_of(&phrase("nato EXPANSION")).unwrap(), first, "the same key");
        assert_ne!(merger.id_of(&phrase("climate change")).unwrap(), first);
        let raise = merger.id_of(&phrase("raising taxes on the rich")).unwrap();
        assert_ne!(merger.id_of(&phrase("cutting taxes for the rich")).unwrap(), raise, "opposites stay apart");
        let russia = merger.id_of(&phrase("sanctions on Russia")).unwrap();
        assert_ne!(merger.id_of(&phrase("sanctions on Iran")).unwrap(), russia);
        // A resumed run replays the decisions, then decides as the uninterrupted one did.
        let mut resumed = IssueMerger::new(Device::Cpu, Lexicon::shipped());
        resumed.remember("nato expansion", "issue:nato-expansion", "NATO expansion").unwrap();
        resumed.remember("the expansion of nato", "issue:nato-expansion", "NATO expansion").unwrap();
        assert_eq!(resumed.id_of(&phrase("the expansion of NATO")).unwrap(), first);
        assert_eq!(resumed.id_of(&phrase("expanding NATO")).unwrap(), merger.id_of(&phrase("expanding NATO")).unwrap());
    }

    #[test]
    fn a_new_phrase_is_compared_only_with_recent_issues_that_share_a_word() {
        let mut merger = IssueMerger::by_key(Lexicon::shipped());
        for n in 0..3000 {
            merger.id_of_key(&format!("tax plan {n}"), &format!("the tax plan {n}")).unwrap();
        }
        merger.id_of_key("climate change", "climate change").unwrap();
        let newest_taxes: Vec<usize> = (3000 - CANDIDATES_PER_WORD..3000).collect();
        assert_eq!(merger.candidates("a carbon tax"), newest_taxes, "the most recent issues with 'tax'");
        assert_eq!(merger.candidates("the plan for a tax"), newest_taxes, "each issue once");
        assert_eq!(merger.candidates("the plan 12"), [12].into_iter().chain(newest_taxes.clone()).collect::<Vec<_>>());
        assert_eq!(merger.candidates("tackling the climate"), vec![3000]);
        assert!(merger.candidates("of the").is_empty(), "function words make no candidates");
        assert_eq!(merger.id_of_key("tax plan 7", "Tax plan 7").unwrap(), "issue:tax-plan-7", "a key seen before");
    }

    #[test]
    fn direction_words_point_a_phrase_up_or_down() {
        assert_eq!(MergeWords::of(Lexicon::shipped()).direction("raising taxes"), (true, false));
        assert_eq!(MergeWords::of(Lexicon::shipped()).direction("Cutting taxes"), (false, true));
        assert_eq!(MergeWords::of(Lexicon::shipped()).direction("a carbon tax"), (false, false));
    }
}
