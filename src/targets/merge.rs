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

use std::collections::HashMap;

use tch::{Device, Kind};

use crate::model::{load_encoder, BaseEncoder, LoadedEncoder, TokenBatch};

use super::issues::issue_id;
use super::IssuePhrase;

/// The cosine similarity from which two phrases may be one issue (measured pairs above and in the test).
pub const SAME_ISSUE: f32 = 0.90;

/// Which way a phrase pushes: (more, less). "raising taxes" is (true, false), "cutting taxes" (false, true),
/// "a carbon tax" (false, false). Phrases are merged only when they agree.
type Direction = (bool, bool);

const MORE: &[&str] = &[
    "raise",
    "raising",
    "raised",
    "increase",
    "increasing",
    "increased",
    "expand",
    "expanding",
    "expansion",
    "extend",
    "extending",
    "extension",
    "hike",
    "hikes",
    "hiking",
    "boost",
    "boosting",
    "more",
    "higher",
    "add",
    "adding",
    "impose",
    "imposing",
    "introduce",
    "introducing",
    "build",
    "building",
];

const LESS: &[&str] = &[
    "cut",
    "cuts",
    "cutting",
    "reduce",
    "reducing",
    "reduction",
    "lower",
    "lowering",
    "decrease",
    "decreasing",
    "scrap",
    "scrapping",
    "end",
    "ending",
    "stop",
    "stopping",
    "ban",
    "banning",
    "lift",
    "lifting",
    "abolish",
    "abolishing",
    "freeze",
    "freezing",
    "less",
    "fewer",
    "remove",
    "removing",
    "withdraw",
    "withdrawing",
    "withdrawal",
    "repeal",
    "repealing",
];

/// The direction words of a label.
fn direction(label: &str) -> Direction {
    let words: Vec<String> =
        label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    (has(MORE), has(LESS))
}

/// Corpus-wide issue ids.
pub struct IssueMerger {
    /// None: merge by key only (the base encoder is not installed).
    encoder: Option<LoadedEncoder>,
    /// Each issue's id, direction and embedding, in order of creation.
    issues: Vec<(String, Direction, Vec<f32>)>,
    /// The issue of each key seen.
    by_key: HashMap<String, String>,
}

impl IssueMerger {
    /// A merger by key alone (for runs that look for no issues).
    pub fn by_key() -> IssueMerger {
        IssueMerger { encoder: None, issues: Vec::new(), by_key: HashMap::new() }
    }

    /// A merger on the MiniLM base encoder, or by key alone when it is not installed.
    pub fn new(device: Device) -> IssueMerger {
        let dir = BaseEncoder::MiniLm.default_dir();
        let encoder = load_encoder(&dir, device).ok();
        if encoder.is_none() {
            eprintln!("warning: no base encoder in {}: issues are merged by their words only", dir.display());
        }
        IssueMerger { encoder, issues: Vec::new(), by_key: HashMap::new() }
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
        let way = direction(label);
        let nearest = self
            .issues
            .iter()
            .filter(|(_, other_way, _)| *other_way == way)
            .map(|(id, _, other)| (id, cosine(&embedding, other)))
            .filter(|&(_, similarity)| similarity >= SAME_ISSUE)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let id = match nearest {
            Some((id, _)) => id.clone(),
            None => {
                let id = issue_id(key);
                self.issues.push((id.clone(), way, embedding));
                id
            }
        };
        self.by_key.insert(key.to_string(), id.clone());
        Ok(id)
    }

    /// Replays a decision of an interrupted run: `key` went to the issue `id` first labelled `label`.
    pub fn remember(&mut self, key: &str, id: &str, label: &str) -> anyhow::Result<()> {
        if !self.issues.iter().any(|(known, _, _)| known == id) {
            let embedding = self.embed(label)?;
            self.issues.push((id.to_string(), direction(label), embedding));
        }
        self.by_key.insert(key.to_string(), id.to_string());
        Ok(())
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
        let mut merger = IssueMerger::new(Device::Cpu);
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
        let mut resumed = IssueMerger::new(Device::Cpu);
        resumed.remember("nato expansion", "issue:nato-expansion", "NATO expansion").unwrap();
        resumed.remember("the expansion of nato", "issue:nato-expansion", "NATO expansion").unwrap();
        assert_eq!(resumed.id_of(&phrase("the expansion of NATO")).unwrap(), first);
        assert_eq!(resumed.id_of(&phrase("expanding NATO")).unwrap(), merger.id_of(&phrase("expanding NATO")).unwrap());
    }

    #[test]
    fn direction_words_point_a_phrase_up_or_down() {
        assert_eq!(direction("raising taxes"), (true, false));
        assert_eq!(direction("Cutting taxes"), (false, true));
        assert_eq!(direction("a carbon tax"), (false, false));
    }
}
