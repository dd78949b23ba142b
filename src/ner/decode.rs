//! From the entity model's per-word class probabilities to entity spans in the article's text.
//!
//! The model scores each word on its own (from the word's first sub-token), so taking each word's most likely
//! tag can produce sequences that mean nothing, such as `B-PER O I-PER` when the model hesitates on a middle
//! name; reading those as entities splits one name into two. Instead the tags are decoded jointly with a
//! constrained Viterbi search: the most probable sequence (sum of log-probabilities) among those where every
//! I-X follows B-X or I-X. Two adjacent names of the same type stay two when the model says B at the second.
//!
//! An entity's span runs from its first word's start to its last word's end in the original text, so what lies
//! between its words (spaces, hyphens) is kept as written. Its confidence is the mean, over its words, of the
//! probability the model gave to the tag that was chosen for that word.

use super::labels::{EntityType, LabelSet, Tag};
use super::scorer::entities_from_tags;
use crate::span::Span;

/// One word of a text and the model's probabilities for it, in [`LabelSet`] class order.
#[derive(Debug, Clone, PartialEq)]
pub struct WordPrediction {
    /// The word's byte span in the text.
    pub span: Span,
    /// One probability per class of the model's [`LabelSet`].
    pub probs: Vec<f32>,
}

/// An entity found in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntitySpan {
    /// Byte span from the entity's first word's start to its last word's end.
    pub span: Span,
    pub entity_type: EntityType,
    /// Mean over the entity's words of the probability of the tag chosen for the word, in [0, 1].
    pub confidence: f32,
}

/// Model output that cannot be decoded: a bug upstream, reported with the word it concerns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("word {word} has {found} class probabilities, expected {expected}")]
    WrongClassCount { word: usize, found: usize, expected: usize },
    #[error("word {word} has probability {value} for class {class}, which is not a probability")]
    NotAProbability { word: usize, class: usize, value: f32 },
    #[error(
        "word {word} has span {start}..{end}, which starts before the previous word ends or ends before it starts"
    )]
    WordsOutOfOrder { word: usize, start: usize, end: usize },
}

/// Log-probabilities are floored here so that a probability of exactly 0 still orders paths.
const LOG_FLOOR: f64 = -1e4;

/// Finds the entities in one text (a sentence or paragraph) from its words' predictions, in text order.
///
/// Never fails: a probability that is missing (a short row) or not a number counts as 0, and an entity's span
/// never ends before it starts. Use [`try_decode`] to reject such output instead.
pub fn decode(words: &[WordPrediction], labels: &LabelSet) -> Vec<EntitySpan> {
    let tags = best_tags(words, labels);
    entities_from_tags(&tags)
        .into_iter()
        .map(|(entity_type, start, end)| {
            let chosen: f32 = (start..end).map(|index| probability(&words[index], labels.index(tags[index]))).sum();
            let span_start = words[start].span.start;
            EntitySpan {
                span: Span::new(span_start, words[end - 1].span.end.max(span_start)),
                entity_type,
                confidence: chosen / (end - start) as f32,
            }
        })
        .collect()
}

/// [`decode`], after checking that every word has one probability per class, each in [0, 1], and that the
/// words' spans are in text order.
pub fn try_decode(words: &[WordPrediction], labels: &LabelSet) -> Result<Vec<EntitySpan>, DecodeError> {
    check_predictions(words, labels)?;
    Ok(decode(words, labels))
}

/// A word's probability for a class; 0 where it is missing or not a number.
fn probability(word: &WordPrediction, class: usize) -> f32 {
    word.probs.get(class).copied().filter(|p| *p >= 0.0).unwrap_or(0.0)
}

fn log_prob(word: &WordPrediction, class: usize) -> f64 {
    f64::from(probability(word, class)).ln().max(LOG_FLOOR)
}

/// The most probable valid IOB2 tag sequence (constrained Viterbi); ties go to the lower class index.
pub fn best_tags(words: &[WordPrediction], labels: &LabelSet) -> Vec<Tag> {
    let classes = labels.tags();
    let Some(first) = words.first() else {
        return Vec::new();
    };

    // best[class]: score of the best valid sequence ending in `class` at the current word.
    let mut best: Vec<f64> = classes
        .iter()
        .enumerate()
        .map(|(class, &tag)| if can_start(tag) { log_prob(first, class) } else { f64::NEG_INFINITY })
        .collect();
    let mut back_pointers: Vec<Vec<usize>> = Vec::with_capacity(words.len());
    for word in &words[1..] {
        let mut next = vec![f64::NEG_INFINITY; classes.len()];
        let mut from = vec![0; classes.len()];
        for (class, &tag) in classes.iter().enumerate() {
            for (previous_class, &previous) in classes.iter().enumerate() {
                if can_follow(previous, tag) && best[previous_class] > next[class] {
                    next[class] = best[previous_class];
                    from[class] = previous_class;
                }
            }
            next[class] += log_prob(word, class);
        }
        best = next;
        back_pointers.push(from);
    }

    let mut class =
        (0..classes.len()).fold(0, |best_class, class| if best[class] > best[best_class] { class } else { best_class });
    let mut path = vec![class];
    for from in back_pointers.iter().rev() {
        class = from[class];
        path.push(class);
    }
    path.into_iter().rev().map(|class| classes[class]).collect()
}

/// Whether a sentence may start with `tag`.
fn can_start(tag: Tag) -> bool {
    !matches!(tag, Tag::Inside(_))
}

/// Whether `tag` may follow `previous` in IOB2.
fn can_follow(previous: Tag, tag: Tag) -> bool {
    match tag {
        Tag::Inside(entity_type) => previous.entity_type() == Some(entity_type),
        Tag::Outside | Tag::Begin(_) => true,
    }
}

/// Checks model output before decoding: one probability per class, each in [0, 1] (with a little slack for
/// rounding), and word spans in text order.
pub fn check_predictions(words: &[WordPrediction], labels: &LabelSet) -> Result<(), DecodeError> {
    let mut previous_end = 0;
    for (index, word) in words.iter().enumerate() {
        if word.probs.len() != labels.len() {
            return Err(DecodeError::WrongClassCount { word: index, found: word.probs.len(), expected: labels.len() });
        }
        if let Some((class, &value)) =
            word.probs.iter().enumerate().find(|(_, value)| !(0.0..=1.0 + 1e-3).contains(*value))
        {
            return Err(DecodeError::NotAProbability { word: index, class, value });
        }
        let Span { start, end } = word.span;
        if start > end || start < previous_end {
            return Err(DecodeError::WordsOutOfOrder { word: index, start, end });
        }
        previous_end = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityType::*;

    /// Words of `text` split on whitespace, each given the probabilities in `probs`.
    fn words(text: &str, probs: &[Vec<f32>]) -> Vec<WordPrediction> {
        let mut spans = Vec::new();
        let mut offset = 0;
        for word in text.split_whitespace() {
            let start = offset + text[offset..].find(word).unwrap();
            offset = start + word.len();
            spans.push(Span::new(start, offset));
        }
        assert_eq!(spans.len(), probs.len());
        spans.into_iter().zip(probs).map(|(span, probs)| WordPrediction { span, probs: probs.clone() }).collect()
    }

    /// Probabilities with `p` on `tag` and the rest spread evenly.
    fn sure(tag: &str, p: f32) -> Vec<f32> {
        mix(&[(tag, p)])
    }

    fn mix(weights: &[(&str, f32)]) -> Vec<f32> {
        let labels = LabelSet::conll();
        let rest = (1.0 - weights.iter().map(|(_, p)| p).sum::<f32>()) / (9 - weights.len()) as f32;
        let mut probs = vec![rest; 9];
        for (tag, p) in weights {
            probs[labels.index_of_name(tag).unwrap()] = *p;
        }
        probs
    }

    fn found<'t>(text: &'t str, entities: &[EntitySpan]) -> Vec<(&'t str, EntityType)> {
        entities.iter().map(|entity| (entity.span.slice(text), entity.entity_type)).collect()
    }

    #[test]
    fn adjacent_names_of_one_type_stay_two() {
        let text = "Biden Putin";
        let entities = decode(&words(text, &[sure("B-PER", 0.9), sure("B-PER", 0.8)]), &LabelSet::conll());
        assert_eq!(found(text, &entities), [("Biden", Per), ("Putin", Per)]);
        assert!((entities[0].confidence - 0.9).abs() < 1e-6);
        assert!((entities[1].confidence - 0.8).abs() < 1e-6);
    }

    #[test]
    fn a_weak_middle_word_never_splits_a_name() {
        // Word by word, the most likely tags are B-PER O I-PER: two names, "Martin" and "King".
        let text = "Martin Luther King spoke";
        let probs = [
            sure("B-PER", 0.9),
            mix(&[("O", 0.45), ("I-PER", 0.4)]),
            mix(&[("I-PER", 0.85), ("B-PER", 0.1)]),
            sure("O", 0.95),
        ];
        let entities = decode(&words(text, &probs), &LabelSet::conll());
        assert_eq!(found(text, &entities), [("Martin Luther King", Per)]);
        assert!((entities[0].confidence - (0.9 + 0.4 + 0.85) / 3.0).abs() < 1e-6);
    }

    #[test]
    fn an_attribution_content_stays_whole_and_never_continues_another_role() {
        // The attribution tagger's classes: O, B-/I-SOURCE, B-/I-CUE, B-/I-CONTENT.
        let labels = LabelSet::attribution();
        let at = |weights: &[(&str, f32)]| {
            let rest = (1.0 - weights.iter().map(|(_, p)| p).sum::<f32>()) / (7 - weights.len()) as f32;
            let mut probs = vec![rest; 7];
            for (tag, p) in weights {
                probs[labels.index_of_name(tag).unwrap()] = *p;
            }
            probs
        };
        // Word by word: B-SOURCE B-CUE B-CONTENT O I-CONTENT I-CONTENT, which would cut the content in two, and
        // an I-CONTENT right after the cue, which would be a content starting with I.
        let text = "Smith said the deal is dead";
        let probs = [
            at(&[("B-SOURCE", 0.9)]),
            at(&[("B-CUE", 0.9)]),
            at(&[("B-CONTENT", 0.8)]),
            at(&[("O", 0.45), ("I-CONTENT", 0.4)]),
            at(&[("I-CONTENT", 0.9)]),
            at(&[("I-CONTENT", 0.9)]),
        ];
        let spans = decode(&words(text, &probs), &labels);
        assert_eq!(found(text, &spans), [("Smith", Source), ("said", Cue), ("the deal is dead", Content)]);
        let probs = [at(&[("B-CUE", 0.9)]), at(&[("I-CONTENT", 0.6), ("B-CONTENT", 0.3)])];
        let tags = best_tags(&words("said yes", &probs), &labels);
        assert_eq!(tags, [Tag::Begin(Cue), Tag::Begin(Content)], "no I-CONTENT after a cue");
    }

    #[test]
    fn an_entity_cannot_start_with_i() {
        let text = "Kyiv and Lviv";
        let probs = [mix(&[("I-LOC", 0.6), ("B-LOC", 0.3)]), sure("O", 0.9), mix(&[("I-LOC", 0.5), ("B-LOC", 0.4)])];
        let tags = best_tags(&words(text, &probs), &LabelSet::conll());
        assert_eq!(tags, [Tag::Begin(Loc), Tag::Outside, Tag::Begin(Loc)]);
    }

    #[test]
    fn non_ascii_names_slice_back_exactly() {
        let text = "Zelenskyy flew to São Paulo — and Łódź.";
        let probs = [
            sure("B-PER", 0.9),
            sure("O", 0.9),
            sure("O", 0.9),
            sure("B-LOC", 0.9),
            sure("I-LOC", 0.9),
            sure("O", 0.9),
            sure("O", 0.9),
            sure("B-LOC", 0.7),
        ];
        let entities = decode(&words(text, &probs), &LabelSet::conll());
        assert_eq!(found(text, &entities), [("Zelenskyy", Per), ("São Paulo", Loc), ("Łódź.", Loc)]);
    }

    #[test]
    fn leading_whitespace_and_inner_punctuation_are_kept_as_written() {
        // The hyphen is not a word of its own here; it lies between the entity's words.
        let text = "  \tRolls-Royce said";
        let spans = [Span::new(3, 8), Span::new(9, 14), Span::new(15, 19)];
        let probs = [sure("B-ORG", 0.8), sure("I-ORG", 0.7), sure("O", 0.9)];
        let words: Vec<WordPrediction> =
            spans.iter().zip(&probs).map(|(&span, probs)| WordPrediction { span, probs: probs.clone() }).collect();
        let entities = decode(&words, &LabelSet::conll());
        assert_eq!(found(text, &entities), [("Rolls-Royce", Org)]);
        assert_eq!(entities[0].span, Span::new(3, 14));
    }

    #[test]
    fn zero_probabilities_and_empty_input() {
        assert_eq!(decode(&[], &LabelSet::conll()), []);
        let mut probs = vec![0.0; 9];
        probs[LabelSet::conll().index(Tag::Inside(Misc))] = 1.0;
        let text = "Euro";
        let entities = decode(&words(text, &[probs]), &LabelSet::conll());
        // I-MISC is forbidden at the start; among the zero-probability rest the lowest class (O) wins.
        assert_eq!(entities, []);
    }

    #[test]
    fn malformed_model_output_is_reported_with_its_word() {
        let text = "a b";
        let short = words(text, &[sure("O", 0.9), vec![0.5; 8]]);
        assert_eq!(
            try_decode(&short, &LabelSet::conll()),
            Err(DecodeError::WrongClassCount { word: 1, found: 8, expected: 9 })
        );
        let mut nan = sure("O", 0.9);
        nan[4] = f32::NAN;
        let nan_words = words(text, &[nan, sure("O", 0.9)]);
        let error = try_decode(&nan_words, &LabelSet::conll()).unwrap_err();
        assert!(matches!(error, DecodeError::NotAProbability { word: 0, class: 4, .. }));
        let reversed = vec![
            WordPrediction { span: Span::new(2, 3), probs: sure("O", 0.9) },
            WordPrediction { span: Span::new(0, 1), probs: sure("O", 0.9) },
        ];
        assert_eq!(
            try_decode(&reversed, &LabelSet::conll()),
            Err(DecodeError::WordsOutOfOrder { word: 1, start: 0, end: 1 })
        );
        // Without the check, decoding still runs: missing and NaN probabilities count as 0.
        assert_eq!(decode(&short, &LabelSet::conll()), []);
        assert_eq!(decode(&nan_words, &LabelSet::conll()), []);
        let mut reversed_names = reversed;
        reversed_names[0].probs = sure("B-PER", 0.9);
        reversed_names[1].probs = sure("I-PER", 0.9);
        assert_eq!(decode(&reversed_names, &LabelSet::conll())[0].span, Span::new(2, 2));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn predictions(max_words: usize) -> impl Strategy<Value = Vec<WordPrediction>> {
            prop::collection::vec(prop::collection::vec(0.0f32..1.0, 9), 0..max_words).prop_map(|rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(index, row)| {
                        let total: f32 = row.iter().sum::<f32>().max(1e-6);
                        let probs = row.into_iter().map(|p| p / total).collect();
                        WordPrediction { span: Span::new(2 * index, 2 * index + 1), probs }
                    })
                    .collect()
            })
        }

        fn valid(tags: &[Tag]) -> bool {
            tags.iter().enumerate().all(|(index, &tag)| match index {
                0 => can_start(tag),
                _ => can_follow(tags[index - 1], tag),
            })
        }

        fn score(words: &[WordPrediction], tags: &[Tag]) -> f64 {
            let labels = LabelSet::conll();
            words
                .iter()
                .zip(tags)
                .map(|(word, &tag)| f64::from(word.probs[labels.index(tag)]).ln().max(LOG_FLOOR))
                .sum()
        }

        proptest! {
            #[test]
            fn decoded_tags_are_valid_iob2(words in predictions(30)) {
                let tags = best_tags(&words, &LabelSet::conll());
                prop_assert_eq!(tags.len(), words.len());
                prop_assert!(valid(&tags));
                for entity in try_decode(&words, &LabelSet::conll()).unwrap() {
                    prop_assert!((0.0..=1.0).contains(&entity.confidence));
                }
            }

            #[test]
            fn viterbi_finds_the_best_valid_sequence(words in predictions(4)) {
                let tags = best_tags(&words, &LabelSet::conll());
                let best = score(&words, &tags);
                let classes = LabelSet::conll().tags().to_vec();
                let n = words.len();
                for code in 0..9usize.pow(n as u32) {
                    let candidate: Vec<Tag> = (0..n).map(|i| classes[code / 9usize.pow(i as u32) % 9]).collect();
                    if valid(&candidate) {
                        prop_assert!(score(&words, &candidate) <= best + 1e-9);
                    }
                }
            }
        }
    }
}
