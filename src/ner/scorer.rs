//! The one entity scorer, used by training's dev checks and by `stancemap eval`.
//!
//! It scores as seqeval does by default (and as the CoNLL-2003 `conlleval` script does): an entity counts as
//! correct only when its type and both of its boundaries match a gold entity exactly; partial overlaps count
//! as one false positive and one false negative. Counts are kept per type in a [`Scorer`], which is a sum, so
//! the counts of shards or batches merge into exactly the counts of the whole. [`Scores`] holds the resulting
//! precision, recall and F1, serialises to the JSON written by `eval`, and renders a per-type table like spaCy's
//! `evaluate`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::labels::{EntityType, Tag};

/// An entity in a sentence: its type and its words `[start, end)` (word indices, end exclusive).
pub type WordEntity = (EntityType, usize, usize);

/// Reads the entities off a sentence's IOB2 tags, as seqeval's default mode does.
///
/// An entity starts at B-X, or at an I-X that does not continue an X entity (after O, at the start, or after
/// another type), and runs over the following I-X words.
pub fn entities_from_tags(tags: &[Tag]) -> Vec<WordEntity> {
    let mut entities = Vec::new();
    let mut open: Option<(EntityType, usize)> = None;
    for (index, &tag) in tags.iter().enumerate() {
        let continues = matches!((tag, open), (Tag::Inside(this), Some((current, _))) if this == current);
        if continues {
            continue;
        }
        if let Some((entity_type, start)) = open.take() {
            entities.push((entity_type, start, index));
        }
        open = tag.entity_type().map(|entity_type| (entity_type, index));
    }
    if let Some((entity_type, start)) = open {
        entities.push((entity_type, start, tags.len()));
    }
    entities
}

/// True positives, false positives and false negatives of one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }

    /// The gold entities: true positives plus false negatives.
    pub fn support(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    /// Precision, recall and F1; each is 0 where its denominator is 0 (as seqeval's default).
    pub fn precision_recall_f1(&self) -> (f64, f64, f64) {
        let ratio = |part: usize, whole: usize| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
        let precision = ratio(self.true_positives, self.true_positives + self.false_positives);
        let recall = ratio(self.true_positives, self.support());
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        (precision, recall, f1)
    }
}

/// Entity counts accumulated sentence by sentence; mergeable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scorer {
    per_type: BTreeMap<EntityType, Counts>,
    n_sentences: usize,
}

impl Scorer {
    pub fn new() -> Scorer {
        Scorer::default()
    }

    /// Adds one sentence's gold and predicted entities. A repeated entity in either list counts once.
    pub fn add(&mut self, gold: &[WordEntity], predicted: &[WordEntity]) {
        self.n_sentences += 1;
        let gold: BTreeSet<WordEntity> = gold.iter().copied().collect();
        let predicted: BTreeSet<WordEntity> = predicted.iter().copied().collect();
        for entity in &predicted {
            let counts = self.per_type.entry(entity.0).or_default();
            if gold.contains(entity) {
                counts.true_positives += 1;
            } else {
                counts.false_positives += 1;
            }
        }
        for entity in gold.difference(&predicted) {
            self.per_type.entry(entity.0).or_default().false_negatives += 1;
        }
    }

    /// Adds one sentence given as gold and predicted IOB2 tags (see [`entities_from_tags`]).
    pub fn add_tags(&mut self, gold: &[Tag], predicted: &[Tag]) {
        self.add(&entities_from_tags(gold), &entities_from_tags(predicted));
    }

    /// Adds another scorer (of another shard or batch) to this one.
    pub fn merge(&mut self, other: &Scorer) {
        self.n_sentences += other.n_sentences;
        for (&entity_type, &counts) in &other.per_type {
            self.per_type.entry(entity_type).or_default().add(counts);
        }
    }

    /// The counts of one type (all zero if it never appeared).
    pub fn counts(&self, entity_type: EntityType) -> Counts {
        self.per_type.get(&entity_type).copied().unwrap_or_default()
    }

    /// The counts summed over all types.
    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        for &counts in self.per_type.values() {
            total.add(counts);
        }
        total
    }

    pub fn n_sentences(&self) -> usize {
        self.n_sentences
    }

    /// Precision, recall and F1, micro-averaged over entities and per type.
    pub fn scores(&self) -> Scores {
        let (precision, recall, f1) = self.total().precision_recall_f1();
        let per_type = self
            .per_type
            .iter()
            .map(|(entity_type, counts)| {
                let (precision, recall, f1) = counts.precision_recall_f1();
                (entity_type.to_string(), TypeScores { precision, recall, f1, support: counts.support() })
            })
            .collect();
        Scores { precision, recall, f1, per_type, n_sentences: self.n_sentences }
    }
}

/// One type's scores; `support` is its number of gold entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Entity-level scores: micro-averaged totals and one entry per type seen in gold or predictions (keyed "LOC",
/// "MISC", "ORG", "PER", in that order). Serialises as
/// `{"precision", "recall", "f1", "per_type": {"PER": {"precision", "recall", "f1", "support"}, ...},
/// "n_sentences"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub per_type: BTreeMap<String, TypeScores>,
    pub n_sentences: usize,
}

impl Scores {
    /// The unweighted mean of the per-type F1 scores (0 when no type was seen).
    pub fn macro_f1(&self) -> f64 {
        if self.per_type.is_empty() {
            return 0.0;
        }
        self.per_type.values().map(|scores| scores.f1).sum::<f64>() / self.per_type.len() as f64
    }

    /// A readable table, percentages with two decimals, like spaCy's `evaluate`:
    ///
    /// ```text
    ///              P        R        F  support
    /// LOC      92.31    90.00    91.14       10
    /// ...
    /// micro    90.00    90.00    90.00       40
    /// macro                      89.50
    /// 3 sentences
    /// ```
    pub fn table(&self) -> String {
        let mut table = String::new();
        let _ = writeln!(table, "{:<6} {:>8} {:>8} {:>8} {:>8}", "", "P", "R", "F", "support");
        let mut row = |name: &str, precision: f64, recall: f64, f1: f64, support: usize| {
            let _ = writeln!(
                table,
                "{name:<6} {:>8.2} {:>8.2} {:>8.2} {support:>8}",
                100.0 * precision,
                100.0 * recall,
                100.0 * f1
            );
        };
        for (name, scores) in &self.per_type {
            row(name, scores.precision, scores.recall, scores.f1, scores.support);
        }
        let support = self.per_type.values().map(|scores| scores.support).sum();
        row("micro", self.precision, self.recall, self.f1, support);
        let _ = writeln!(table, "{:<6} {:>8} {:>8} {:>8.2}", "macro", "", "", 100.0 * self.macro_f1());
        let _ = writeln!(table, "{} sentences", self.n_sentences);
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityType::*;

    fn tags(names: &str) -> Vec<Tag> {
        names.split_whitespace().map(|name| name.parse().unwrap()).collect()
    }

    #[test]
    fn chunks_iob2_like_seqeval() {
        assert_eq!(entities_from_tags(&tags("B-PER I-PER O B-LOC")), vec![(Per, 0, 2), (Loc, 3, 4)]);
        // Two adjacent names of the same type stay two.
        assert_eq!(entities_from_tags(&tags("B-PER B-PER I-PER")), vec![(Per, 0, 1), (Per, 1, 3)]);
        // An I- that continues nothing starts an entity; a type change ends one.
        assert_eq!(entities_from_tags(&tags("I-ORG I-ORG O I-LOC")), vec![(Org, 0, 2), (Loc, 3, 4)]);
        assert_eq!(entities_from_tags(&tags("B-ORG I-LOC I-LOC")), vec![(Org, 0, 1), (Loc, 1, 3)]);
        assert_eq!(entities_from_tags(&tags("B-MISC I-MISC")), vec![(Misc, 0, 2)]);
        assert_eq!(entities_from_tags(&[]), vec![]);
        assert_eq!(entities_from_tags(&tags("O O")), vec![]);
    }

    /// Three sentences with hand-counted results (per sentence in the comments):
    /// PER tp 2 fp 0 fn 1; ORG tp 0 fp 2 fn 1; LOC tp 1 fp 1 fn 1; MISC tp 0 fp 1 fn 1; total tp 3 fp 4 fn 4.
    fn fixture() -> Scorer {
        let mut scorer = Scorer::new();
        // "Biden met Vladimir Putin in Geneva ."
        scorer.add_tags(
            &tags("B-PER O B-PER I-PER O B-LOC O"),
            &tags("B-PER O B-PER I-PER O B-LOC O"), // PER tp 2, LOC tp 1
        );
        // "The White House said Russia must act ."
        scorer.add_tags(
            &tags("O B-ORG I-ORG O B-LOC O O O"),
            &tags("O B-ORG O O B-ORG O O O"), // ORG: fp (White) + fn (White House); LOC fn; ORG fp (Russia)
        );
        // "Trump praised the Geneva Summit ."
        scorer.add_tags(
            &tags("B-PER O O B-MISC I-MISC O"),
            &tags("O O O B-LOC B-MISC O"), // PER fn; MISC fn; LOC fp; MISC fp (Summit alone)
        );
        scorer
    }

    #[test]
    fn hand_counted_fixture() {
        let scorer = fixture();
        let counts = |tp, fp, fn_| Counts { true_positives: tp, false_positives: fp, false_negatives: fn_ };
        assert_eq!(scorer.counts(Per), counts(2, 0, 1));
        assert_eq!(scorer.counts(Org), counts(0, 2, 1));
        assert_eq!(scorer.counts(Loc), counts(1, 1, 1));
        assert_eq!(scorer.counts(Misc), counts(0, 1, 1));
        assert_eq!(scorer.total(), counts(3, 4, 4));
        assert_eq!(scorer.n_sentences(), 3);

        let scores = scorer.scores();
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-9, "{a} != {b}");
        close(scores.precision, 3.0 / 7.0);
        close(scores.recall, 3.0 / 7.0);
        close(scores.f1, 3.0 / 7.0);
        let per = &scores.per_type["PER"];
        close(per.precision, 1.0);
        close(per.recall, 2.0 / 3.0);
        close(per.f1, 0.8);
        assert_eq!(per.support, 3);
        let loc = &scores.per_type["LOC"];
        close(loc.f1, 0.5);
        assert_eq!(loc.support, 2);
        // No correct ORG or MISC entity: everything is 0, not NaN.
        assert_eq!(scores.per_type["ORG"], TypeScores { precision: 0.0, recall: 0.0, f1: 0.0, support: 1 });
        assert_eq!(scores.per_type["MISC"].f1, 0.0);
        close(scores.macro_f1(), (0.8 + 0.5) / 4.0);
    }

    #[test]
    fn json_has_exactly_the_documented_fields() {
        let json = serde_json::to_value(fixture().scores()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["f1", "n_sentences", "per_type", "precision", "recall"]);
        let per_type = json["per_type"].as_object().unwrap();
        assert_eq!(per_type.keys().collect::<Vec<_>>(), ["LOC", "MISC", "ORG", "PER"]);
        let per: Vec<&str> = per_type["PER"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(per, ["f1", "precision", "recall", "support"]);
        assert_eq!(json["per_type"]["PER"]["support"], 3);
        assert_eq!(json["n_sentences"], 3);
        assert_eq!(json["per_type"]["PER"]["precision"], 1.0);
    }

    #[test]
    fn table_shows_each_type_and_the_totals() {
        let table = fixture().scores().table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 1 + 4 + 2 + 1, "{table}");
        assert!(lines[0].contains('P') && lines[0].contains("support"));
        assert_eq!(lines[4].split_whitespace().collect::<Vec<_>>(), ["PER", "100.00", "66.67", "80.00", "3"]);
        assert_eq!(lines[5].split_whitespace().collect::<Vec<_>>(), ["micro", "42.86", "42.86", "42.86", "7"]);
        assert_eq!(lines[6].split_whitespace().collect::<Vec<_>>(), ["macro", "32.50"]);
        assert_eq!(lines[7], "3 sentences");
    }

    #[test]
    fn empty_scorer_scores_zero() {
        let scores = Scorer::new().scores();
        assert_eq!((scores.precision, scores.recall, scores.f1, scores.n_sentences), (0.0, 0.0, 0.0, 0));
        assert!(scores.per_type.is_empty());
        assert_eq!(scores.macro_f1(), 0.0);
    }

    #[test]
    fn repeated_entities_count_once() {
        let mut scorer = Scorer::new();
        scorer.add(&[(Per, 0, 1), (Per, 0, 1)], &[(Per, 0, 1), (Per, 0, 1), (Per, 2, 3)]);
        assert_eq!(scorer.counts(Per), Counts { true_positives: 1, false_positives: 1, false_negatives: 0 });
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn tag() -> impl Strategy<Value = Tag> {
            (0usize..9).prop_map(|index| crate::ner::labels::LabelSet::conll().tags()[index])
        }

        fn sentence() -> impl Strategy<Value = (Vec<Tag>, Vec<Tag>)> {
            (0usize..12).prop_flat_map(|len| (prop::collection::vec(tag(), len), prop::collection::vec(tag(), len)))
        }

        proptest! {
            #[test]
            fn merged_shards_equal_the_sequential_scorer(
                sentences in prop::collection::vec(sentence(), 0..40),
                cut in 0usize..40,
            ) {
                let cut = cut.min(sentences.len());
                let mut whole = Scorer::new();
                let (mut first, mut second) = (Scorer::new(), Scorer::new());
                for (index, (gold, predicted)) in sentences.iter().enumerate() {
                    whole.add_tags(gold, predicted);
                    if index < cut { &mut first } else { &mut second }.add_tags(gold, predicted);
                }
                first.merge(&second);
                prop_assert_eq!(&first, &whole);
                prop_assert_eq!(first.scores(), whole.scores());
            }

            #[test]
            fn entities_cover_exactly_the_tagged_words(tags in prop::collection::vec(tag(), 0..20)) {
                let entities = entities_from_tags(&tags);
                let mut covered = vec![false; tags.len()];
                let mut last_end = 0;
                for &(entity_type, start, end) in &entities {
                    prop_assert!(start < end && start >= last_end);
                    last_end = end;
                    for index in start..end {
                        prop_assert_eq!(tags[index].entity_type(), Some(entity_type));
                        covered[index] = true;
                    }
                }
                for (index, tag) in tags.iter().enumerate() {
                    prop_assert_eq!(covered[index], *tag != Tag::Outside);
                }
            }
        }
    }
}
