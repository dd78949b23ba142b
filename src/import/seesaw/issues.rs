//! SEESAW's topics and events as issue spans in its sentences, for training the issue tagger
//! (`import seesaw --split S --issues FILE.conll`, then `train ner --train FILE.conll`).
//!
//! SEESAW lists each article's topics and events by a canonical name ("executive action on immigration") but
//! does not mark where its sentences name them. Each sentence is cut into words as the tagger reads them
//! ([`crate::text::words::words`]), and each topic or event of the article is looked for in them:
//!
//! * **as written**: the name's words in a row, a word of four letters or more also matching a longer word it
//!   begins ("executive action" in "executive actions");
//! * **nearly**: else, the shortest run of words, at most two longer than the name, that holds at least two
//!   thirds (and at least two) of the name's content words, from the first of them to the last ("Idaho's gay
//!   marriage ban" in "Idaho's ban on gay marriage").
//!
//! Where two names' spans overlap, the longer is kept. Every other word is O, so the tagger also learns what is
//! not an issue; a sentence that names a topic in other words ("the rule") teaches it O there too, which is why
//! the near match is kept. The file is CoNLL: a word and its tag per line, a blank line between sentences.

use std::path::Path;

use super::read_split;
use crate::import::issue_spans::{lowercase_words, occurrences, place_runs, same_word, write_conll, TaggedSentence};
use crate::ner::labels::Tag;
use crate::span::Span;

/// SEESAW's types of issue targets the tagger learns.
const ISSUE_TYPES: [&str; 2] = ["Topic", "Event"];

/// Words that carry no content of a name: a near match needs the others.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "on", "in", "to", "for", "and", "or", "with", "by", "from", "at", "as", "its", "their",
    "his", "her", "this", "that", "'s", "’s",
];

/// How many words longer than the name a near match may be.
const NEAR_SLACK: usize = 2;

/// What one `import seesaw --issues` wrote.
#[derive(Debug, Default)]
pub struct IssueSpans {
    pub articles: usize,
    /// Sentences written, and of them those with an issue span.
    pub sentences: usize,
    pub tagged_sentences: usize,
    /// Spans found as written and nearly.
    pub exact: usize,
    pub near: usize,
    /// Files left out, with the reason.
    pub skipped: Vec<String>,
}

/// Writes the sentences of `split` in the SEESAW folder `input` to `out` as CoNLL, their topics and events
/// tagged ISSUE. With `unlabelled` = Some(n), every sentence with an issue span is written but only n of those
/// without one, evenly spread over the split (every k-th): SEESAW lists a few topics per article, so a sentence
/// with no span is mostly one whose issue SEESAW did not list or named in other words, not a sentence without
/// an issue, and a tagger trained on all of them learns to tag too little.
pub fn write_issue_spans(
    input: &Path,
    split: &str,
    out: &Path,
    unlabelled: Option<usize>,
) -> anyhow::Result<IssueSpans> {
    let mut report = IssueSpans::default();
    let articles = read_split(input, split, &mut report.skipped)?;
    // Each sentence's words and tags, in split order.
    let mut sentences: Vec<TaggedSentence> = Vec::new();
    for article in &articles {
        report.articles += 1;
        let names: Vec<&str> = article
            .annotation
            .entities
            .iter()
            .filter(|(_, types, ..)| types.first().is_some_and(|t| ISSUE_TYPES.contains(&t.as_str())))
            .map(|(name, ..)| name.as_str())
            .collect();
        for (_, span) in &article.sentences {
            let text = span.slice(&article.body);
            let words = crate::text::words::words(text);
            if words.is_empty() {
                continue;
            }
            let tags = issue_tags(text, &words, &names, &mut report);
            sentences.push(TaggedSentence { words: words.iter().map(|w| w.slice(text).to_string()).collect(), tags });
        }
    }
    let written = write_conll(out, &sentences, unlabelled)?;
    report.sentences = written.sentences;
    report.tagged_sentences = written.with_issue;
    Ok(report)
}

/// The tag of each word of a sentence: ISSUE over the spans where it names one of `names`.
fn issue_tags(text: &str, words: &[Span], names: &[&str], report: &mut IssueSpans) -> Vec<Tag> {
    let lower: Vec<String> = words.iter().map(|w| w.slice(text).to_lowercase()).collect();
    let found: Vec<(std::ops::Range<usize>, bool)> = names
        .iter()
        .filter_map(|name| {
            let name_words = lowercase_words(name);
            as_written(&name_words, &lower)
                .map(|r| (r, true))
                .or_else(|| nearly(&name_words, &lower).map(|r| (r, false)))
        })
        .collect();
    let (tags, placed) = place_runs(words.len(), found);
    report.exact += placed.iter().filter(|exact| **exact).count();
    report.near += placed.iter().filter(|exact| !**exact).count();
    tags
}

fn is_content(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric) && !FUNCTION_WORDS.contains(&word)
}

/// The first run of `words` that is the name's words in a row.
fn as_written(name: &[String], words: &[String]) -> Option<std::ops::Range<usize>> {
    occurrences(name, words).into_iter().next()
}

/// The run of `words` (at most [`NEAR_SLACK`] longer than the name) holding the most, and at least two thirds
/// and two, of the name's content words, from the first of them to the last; the shortest of equals.
fn nearly(name: &[String], words: &[String]) -> Option<std::ops::Range<usize>> {
    let content: Vec<&String> = name.iter().filter(|w| is_content(w)).collect();
    if content.len() < 2 {
        return None;
    }
    let needed = (2 * content.len()).div_ceil(3).max(2);
    let longest = name.len() + NEAR_SLACK;
    let mut best: Option<(usize, std::ops::Range<usize>)> = None;
    for start in 0..words.len() {
        let mut matched = vec![false; content.len()];
        let (mut count, mut last) = (0, start);
        for (end, word) in words.iter().enumerate().take(start + longest).skip(start) {
            if let Some(k) = (0..content.len()).find(|&k| !matched[k] && same_word(content[k], word)) {
                matched[k] = true;
                count += 1;
                last = end;
            } else if end == start {
                break;
            }
        }
        let better = best.as_ref().is_none_or(|(c, r)| count > *c || (count == *c && last + 1 - start < r.len()));
        if count >= needed && better {
            best = Some((count, start..last + 1));
        }
    }
    best.map(|(_, range)| range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(sentence: &str, names: &[&str]) -> Vec<String> {
        let words = crate::text::words::words(sentence);
        let tags = issue_tags(sentence, &words, names, &mut IssueSpans::default());
        let mut spans: Vec<String> = Vec::new();
        for (word, tag) in words.iter().zip(tags) {
            match tag {
                Tag::Begin(_) => spans.push(word.slice(sentence).to_string()),
                Tag::Inside(_) => {
                    let last = spans.last_mut().unwrap();
                    last.push(' ');
                    last.push_str(word.slice(sentence));
                }
                Tag::Outside => {}
            }
        }
        spans
    }

    #[test]
    fn a_topic_is_tagged_where_the_sentence_names_it_as_written_or_nearly() {
        assert_eq!(
            tagged(
                "Obama defended his executive actions on immigration on Monday.",
                &["executive action on immigration"]
            ),
            ["executive actions on immigration"]
        );
        assert_eq!(
            tagged("Idaho's ban on gay marriage was struck down.", &["Idaho's gay marriage ban", "same-sex marriage"]),
            ["Idaho 's ban on gay marriage"]
        );
        // One content word in common is not the topic; nor is a name written far apart.
        assert!(tagged("The marriage of two friends.", &["same-sex marriage"]).is_empty());
        assert!(tagged("Idaho voters, who met in a marriage hall in Boise, left.", &["Idaho's gay marriage ban"])
            .is_empty());
    }

    #[test]
    fn of_overlapping_names_the_longer_span_is_kept() {
        assert_eq!(
            tagged("They opposed the withdrawal of troops from Syria.", &["troops", "withdrawal of troops from Syria"]),
            ["withdrawal of troops from Syria"]
        );
    }

    #[test]
    fn sentences_without_an_issue_are_thinned_to_the_number_asked_and_the_tagged_ones_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path();
        let write = |path: &str, text: &str| {
            std::fs::create_dir_all(input.join(path).parent().unwrap()).unwrap();
            std::fs::write(input.join(path), text).unwrap();
        };
        write("meta/TRIPLET_001.json", r#"{"Split": "train"}"#);
        let mut sentences: Vec<String> =
            (0..9).map(|i| format!(r#"{{"id": {i}, "text": "Hart spoke on day {i}."}}"#)).collect();
        sentences.insert(4, r#"{"id": 9, "text": "Hart opposed the port deal."}"#.to_string());
        write(
            "articles/TRIPLET_001_DOCUMENT_0.json",
            &format!(r#"{{"title": "Day one", "text": [{}]}}"#, sentences.join(", ")),
        );
        write(
            "annotations/TRIPLET_001_DOCUMENT_0.json",
            r#"{"entity lists": [["port deal", ["Topic"], ["Main"], ["A"]]], "sentence-level stances": {}}"#,
        );
        let sentences_of = |unlabelled: Option<usize>| {
            let out = input.join("out.conll");
            let report = write_issue_spans(input, "train", &out, unlabelled).unwrap();
            let text = std::fs::read_to_string(&out).unwrap();
            let firsts: Vec<String> = text
                .split("\n\n")
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.lines().nth(3).unwrap().to_string())
                .collect();
            (report.sentences, report.tagged_sentences, firsts)
        };
        // Nine sentences without the topic, one with it (the title is no sentence of SEESAW's).
        let (all, tagged, _) = sentences_of(None);
        assert_eq!((all, tagged), (10, 1));
        let (kept, tagged, fourth_words) = sentences_of(Some(3));
        assert_eq!((kept, tagged), (1 + 3, 1), "{fourth_words:?}");
        assert!(fourth_words.contains(&"port\tB-ISSUE".to_string()), "{fourth_words:?}");
        assert_eq!(sentences_of(Some(0)).0, 1, "none without a span");
        assert_eq!(sentences_of(Some(50)).0, 10, "asking for more keeps them all");
    }
}
