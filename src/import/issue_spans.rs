//! Sentences with their issue spans, written as CoNLL for training an issue tagger (`train ner --train FILE`):
//! what `import seesaw --issues` and `import articles --issues` share.
//!
//! A sentence is cut into words as the tagger reads them ([`crate::text::words::words`]). The importers find the
//! runs of words that name an issue; where two runs overlap the longer is kept, and every other word is O, so
//! the tagger also learns what is not an issue. The file holds a word and its tag per line and a blank line
//! between sentences.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use anyhow::Context;

use crate::lexicon::{Lexicon, Words};
use crate::ner::labels::{EntityType, Tag};

/// One sentence's words and their tags.
pub struct TaggedSentence {
    pub words: Vec<String>,
    pub tags: Vec<Tag>,
}

impl TaggedSentence {
    fn has_issue(&self) -> bool {
        self.tags.iter().any(|t| *t != Tag::Outside)
    }
}

/// The tags of a sentence of `len` words with the issue runs `found`, longest first (a run overlapping one
/// already placed is dropped), and the payloads of the runs placed.
pub fn place_runs<T>(len: usize, mut found: Vec<(Range<usize>, T)>) -> (Vec<Tag>, Vec<T>) {
    found.sort_by_key(|(range, _)| (std::cmp::Reverse(range.len()), range.start));
    let mut tags = vec![Tag::Outside; len];
    let mut placed = Vec::new();
    for (range, payload) in found {
        if range.is_empty() || range.end > len || range.clone().any(|i| tags[i] != Tag::Outside) {
            continue;
        }
        for i in range.clone() {
            tags[i] = if i == range.start { Tag::Begin(EntityType::Issue) } else { Tag::Inside(EntityType::Issue) };
        }
        placed.push(payload);
    }
    (tags, placed)
}

/// Whether a name's word matches a sentence's word (both lowercase): the same, or (four letters or more) its
/// beginning, so "executive action" finds "executive actions".
pub fn same_word(name_word: &str, word: &str) -> bool {
    name_word == word || (name_word.chars().count() >= 4 && word.starts_with(name_word))
}

/// Every run of `words` that is the name's words in a row (not overlapping an earlier one).
pub fn occurrences(name: &[String], words: &[String]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    if name.is_empty() || name.len() > words.len() {
        return found;
    }
    let mut start = 0;
    while start + name.len() <= words.len() {
        if name.iter().zip(&words[start..]).all(|(n, w)| same_word(n, w)) {
            found.push(start..start + name.len());
            start += name.len();
        } else {
            start += 1;
        }
    }
    found
}

/// A name's lowercase words without the determiner it begins with (the shipped lexicon's `determiners`: "the
/// border wall" -> "border wall"), as the run labels an issue.
pub fn without_determiner(mut name: Vec<String>) -> Vec<String> {
    if name.len() > 1 && Lexicon::shipped().has(Words::Determiners, &name[0]) {
        name.remove(0);
    }
    name
}

/// The lowercase words of a text as the tagger cuts them.
pub fn lowercase_words(text: &str) -> Vec<String> {
    crate::text::words::words(text).iter().map(|w| w.slice(text).to_lowercase()).collect()
}

/// What [`write_conll`] wrote: sentences, and of them those with an issue span.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub sentences: usize,
    pub with_issue: usize,
}

/// Writes `sentences` to `out` as CoNLL. With `unlabelled` = Some(n), every sentence with an issue span is
/// written but only n of those without one, evenly spread (every k-th); None writes them all.
pub fn write_conll(out: &Path, sentences: &[TaggedSentence], unlabelled: Option<usize>) -> anyhow::Result<Written> {
    let without = sentences.iter().filter(|s| !s.has_issue()).count();
    // Of the sentences without a span, every `stride`-th is kept (none when 0 are asked for).
    let stride = match unlabelled {
        Some(0) => None,
        Some(n) => Some(without.div_ceil(n).max(1)),
        None => Some(1),
    };
    let file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    let mut written = Written::default();
    let mut seen_without = 0;
    for sentence in sentences {
        if sentence.has_issue() {
            written.with_issue += 1;
        } else {
            seen_without += 1;
            if stride.is_none_or(|stride| (seen_without - 1) % stride != 0) {
                continue;
            }
        }
        for (word, tag) in sentence.words.iter().zip(&sentence.tags) {
            writeln!(writer, "{word}\t{tag}")?;
        }
        writeln!(writer)?;
        written.sentences += 1;
    }
    writer.flush().with_context(|| format!("cannot write {}", out.display()))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        lowercase_words(text)
    }

    #[test]
    fn every_occurrence_of_a_name_is_found_and_a_longer_name_wins_an_overlap() {
        let sentence = words("The wall divides them: border walls cost money, said a wall builder.");
        assert_eq!(occurrences(&words("wall"), &sentence), [1..2, 6..7, 12..13]);
        let mut found: Vec<(Range<usize>, &str)> =
            occurrences(&words("wall"), &sentence).into_iter().map(|r| (r, "wall")).collect();
        found.extend(occurrences(&words("border wall"), &sentence).into_iter().map(|r| (r, "border wall")));
        let (tags, placed) = place_runs(sentence.len(), found);
        assert_eq!(placed, ["border wall", "wall", "wall"]);
        assert_eq!(tags[5], Tag::Begin(EntityType::Issue));
        assert_eq!(tags[6], Tag::Inside(EntityType::Issue));
    }
}
