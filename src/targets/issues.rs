//! Issues found without being listed: the phrase an actor supports, opposes, urges, demands, criticises or
//! draws a red line on, so that a user learns what actors argue about before listing any topic.
//!
//! A rule reads a sentence's words for a **cue** and takes the phrase after it:
//!
//! * a verb taking the issue as its object: `supports`, `backs`, `opposes`, `rejects`, `condemns`,
//!   `criticises`, `denounces`, `welcomes`, `praises`, `endorses`, `demands`, `downplays`, `fears`, `calls
//!   for`, `pushes for`, `argues for/against`, `objects to`, `is critical of`, `is opposed to`, `in favour of`
//!   (any tense); a leading `the idea of` / `the notion of` / `the prospect of` is skipped ("downplayed the
//!   idea of a prisoner exchange" -> "prisoner exchange");
//! * `urges`, `presses`, `calls on`, `asks` + someone + `to` + a list of verb phrases: each item is an issue,
//!   without a leading `stop`/`end`/`cease`/`halt` ("urges Putin to stop interfering with democratic elections,
//!   ease tensions with Ukraine" -> "interfering with democratic elections", "ease tensions with Ukraine");
//! * a red line: `… red line … is X` -> X; `X is a red line` -> X.
//!
//! The phrase runs to the next punctuation mark or quotation mark, or a word that opens a new clause (`that`,
//! `which`, `because`, `but`, `while`, `when`, `if`, `as`, `so`, `saying`), or an `and` followed by a verb in
//! the past tense ("condemned the hijacking and called for…"). Phrases of more than twelve words are dropped
//! rather than cut, and so are phrases that are only a name or a pronoun (those are actor targets already).
//!
//! The label is the phrase as written, without leading determiners; phrases with the same **key** (lowercase
//! words without determiners, straight apostrophes) are one issue across the corpus, with the id `issue:` +
//! the key's words joined by `-`; phrases that say the same in other words are merged by `merge.rs`.

use crate::actors::words::ArticleWords;
use crate::lexicon::{VerbPreposition, Words};
use crate::span::{Span, SpanIndex};
use crate::vocab::StanceLabel;

/// An issue phrase in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuePhrase {
    /// Byte span of the phrase in the article.
    pub span: Span,
    /// The phrase without leading determiners, as written.
    pub label: String,
    /// What phrases of one issue share (see the module documentation).
    pub key: String,
    /// Byte span of the cue ("opposes", "red line"); None for a phrase the issue tagger found.
    pub cue: Option<Span>,
    /// What the cue says of the holder's stance: `supports`, `calls for`, `urges X to` -> favor; `opposes`,
    /// `condemns`, `urges X to stop`, a red line -> against; None when a negation stands right before the cue
    /// ("does not support") or the cue says nothing either way. Not used by the run (the stance model
    /// decides); it labels training examples (`stancemap import cues`).
    pub polarity: Option<StanceLabel>,
}

impl IssuePhrase {
    /// The corpus-wide target id.
    pub fn id(&self) -> String {
        issue_id(&self.key)
    }
}

/// The target id of the issue first seen with this key.
pub fn issue_id(key: &str) -> String {
    format!("issue:{}", key.replace(' ', "-"))
}

/// The longest phrase kept, in words.
const MAX_WORDS: usize = 12;

/// The byte spans of an article's actor mentions, indexed by position: a phrase that is only a name, or opens
/// with one, is not an issue.
pub(crate) struct Names {
    spans: Vec<Span>,
    index: SpanIndex,
}

impl Names {
    pub(crate) fn new(mut spans: Vec<Span>) -> Names {
        spans.sort_by_key(|span| span.start);
        let index = SpanIndex::new(spans.iter().copied());
        Names { spans, index }
    }

    /// The names that may overlap, contain or lie inside `span` (with at most a few that do not).
    fn around(&self, span: Span) -> &[Span] {
        &self.spans[self.index.around(span)]
    }
}

/// The issue phrases of the sentence `sentence` (a byte span of the article `words` was made from). `names`
/// are the byte spans of actor mentions: a phrase that is only a name is not an issue.
pub(crate) fn find(words: &ArticleWords<'_>, sentence: Span, names: &Names) -> Vec<IssuePhrase> {
    let range = words.within(sentence);
    let (first, end) = (range.start, range.end);
    let word = |i: usize| words.normalised(i);
    let lexicon = words.lexicon;
    let mut found = Vec::new();
    let mut i = first;
    while i < end {
        let w = word(i);
        // "red line ... is X" and "X is a red line"
        if w == "red" && i + 1 < end && matches!(word(i + 1), "line" | "lines") {
            let cue = Span::new(words.span(i).start, words.span(i + 1).end);
            let after = (i + 2..end).take_while(|&j| !is_boundary(words.written(j)));
            if let Some(is) = after.clone().find(|&j| matches!(word(j), "is" | "was" | "are" | "remains")) {
                if let Some(phrase) = phrase(words, is + 1, end, cue, names) {
                    found.push(IssuePhrase { polarity: Some(StanceLabel::Against), ..phrase });
                }
            } else if let Some(is) = (first..i)
                .rev()
                .find(|&j| matches!(word(j), "is" | "was" | "are" | "remains"))
                .filter(|&is| (is + 1..i).all(|j| lexicon.has(Words::Determiners, word(j))))
            {
                let start = (first..is).rev().take_while(|&j| !is_boundary(words.written(j))).last().unwrap_or(is);
                if let Some(phrase) = phrase(words, start, is, cue, names) {
                    found.push(IssuePhrase { polarity: Some(StanceLabel::Against), ..phrase });
                }
            }
            i += 2;
            continue;
        }
        let cue = words.span(i);
        if words.is_capitalised(i) {
            // Verbs are written in lowercase in running text: "Grand Slams", "Champions League" are names,
            // and a headline's capitalised words are not read.
            i += 1;
            continue;
        }
        let negated = (first.max(i.saturating_sub(3))..i)
            .any(|j| lexicon.has(Words::Negations, word(j)) || word(j).ends_with("n't"));
        let polarity = |against: bool| match (negated, against) {
            (true, _) => None,
            (false, true) => Some(StanceLabel::Against),
            (false, false) => Some(StanceLabel::Favor),
        };
        let verb_preposition = (i + 1 < end).then(|| lexicon.verb_preposition(w, word(i + 1))).flatten();
        // A verb with its preposition says more than the verb alone: "in favour of", "opposed to".
        if let Some(says) = verb_preposition.filter(|&says| says != VerbPreposition::Urged) {
            let cue = Span::new(cue.start, words.span(i + 1).end);
            if let Some(phrase) = phrase(words, skip_opening(words, i + 2, end), end, cue, names) {
                found.push(IssuePhrase { polarity: polarity(says == VerbPreposition::Against), ..phrase });
            }
        } else if lexicon.has(Words::FavorVerbs, w) || lexicon.has(Words::AgainstVerbs, w) {
            if let Some(phrase) = phrase(words, skip_opening(words, i + 1, end), end, cue, names) {
                found.push(IssuePhrase { polarity: polarity(lexicon.has(Words::AgainstVerbs, w)), ..phrase });
            }
        } else if lexicon.has(Words::UrgeVerbs, w) || verb_preposition == Some(VerbPreposition::Urged) {
            // The person urged runs up to "to"; then a list of actions.
            if let Some(to) = (i + 1..end.min(i + 8)).find(|&j| word(j) == "to") {
                let mut start = to + 1;
                while start < end {
                    let stopping = lexicon.has(Words::Stopping, word(start));
                    let action = if stopping { start + 1 } else { start };
                    let stop = phrase_end(words, action, end);
                    if let Some(phrase) = phrase(words, action, stop, cue, names) {
                        found.push(IssuePhrase { polarity: polarity(stopping), ..phrase });
                    }
                    // The next item of the list: ", ease …", ", and stop …".
                    let mut next = stop;
                    while next < end && matches!(word(next), "," | "and" | "or") {
                        next += 1;
                    }
                    if next == stop || next >= end || words.written(stop) != "," {
                        break;
                    }
                    start = next;
                }
            }
        }
        i += 1;
    }
    found
}

/// Past the openings that say nothing of the issue ("the idea of").
fn skip_opening(words: &ArticleWords<'_>, start: usize, end: usize) -> usize {
    for opening in words.lexicon.words(Words::SkippedOpenings) {
        let opening: Vec<&str> = opening.split(' ').collect();
        if start + opening.len() <= end && opening.iter().enumerate().all(|(k, w)| words.normalised(start + k) == *w) {
            return start + opening.len();
        }
    }
    start
}

/// Whether a word (as written) ends a phrase by itself: punctuation or a quotation mark.
fn is_boundary(written: &str) -> bool {
    written.chars().all(|c| !c.is_alphanumeric()) && !matches!(written, "'s" | "’s" | "-" | "'" | "’")
}

/// Where a phrase starting at word `start` ends (exclusive), before `end` at the latest.
fn phrase_end(words: &ArticleWords<'_>, start: usize, end: usize) -> usize {
    let mut j = start;
    while j < end {
        let w = words.normalised(j);
        if is_boundary(words.written(j)) || (j > start && words.lexicon.has(Words::ClauseWords, w)) {
            break;
        }
        if w == "and" && j + 1 < end && words.normalised(j + 1).ends_with("ed") {
            break;
        }
        j += 1;
    }
    j
}

/// The issue phrase from word `start` to its end (at most `end`), if it is one.
fn phrase(words: &ArticleWords<'_>, start: usize, end: usize, cue: Span, names: &Names) -> Option<IssuePhrase> {
    let stop = phrase_end(words, start, end);
    checked_phrase(words, start, stop, Some(cue), names)
}

/// The issue phrase of a span the issue tagger found (byte offsets in the article), if it is one: the same
/// checks as a phrase after a cue (not only a name or a pronoun, at most twelve words, leading determiners
/// dropped).
pub(crate) fn tagged(words: &ArticleWords<'_>, span: Span, names: &Names) -> Option<IssuePhrase> {
    let range = words.within(span);
    if range.is_empty() {
        return None;
    }
    checked_phrase(words, range.start, range.end, None, names)
}

/// The words `start..stop` as an issue phrase, if they are one.
fn checked_phrase(
    words: &ArticleWords<'_>,
    start: usize,
    stop: usize,
    cue: Option<Span>,
    names: &Names,
) -> Option<IssuePhrase> {
    let mut first = start;
    while first < stop && words.is(first, Words::Determiners) {
        first += 1;
    }
    if first >= stop || stop - first > MAX_WORDS || words.is(first, Words::OpeningPrepositions) {
        return None;
    }
    let span = Span::new(words.span(first).start, words.span(stop - 1).end);
    // The names that can matter: those around the phrase and those that start within its first three words.
    let reach = if first + 2 < words.len() { words.span(first + 2).start.max(span.end) } else { usize::MAX };
    let names = names.around(Span::new(span.start, reach));
    let only_a_name = names.iter().any(|name| name.contains(span) || span == *name);
    // "praised President Diallo for his leadership": the object is an actor (a target already), and what
    // follows it is not the issue. "Russia's invasion", "U.S. military operations" are issues: the name
    // qualifies a noun.
    let opens_with_a_name = names.iter().any(|name| {
        let at = words.first_from(name.start);
        let after = words.within(*name).end;
        let head = after >= stop || {
            let next = words.normalised(after);
            words.is(after, Words::OpeningPrepositions) || words.is(after, Words::ClauseWords) || next == "and"
        };
        name.start >= span.start && at < first + 3 && (first..at).all(|j| words.is_capitalised(j)) && head
    });
    if opens_with_a_name {
        return None;
    }
    let contentful = (first..stop).any(|j| {
        let w = words.normalised(j);
        w.chars().filter(|c| c.is_alphabetic()).count() >= 3 && !words.lexicon.has(Words::NotIssues, w)
    });
    if only_a_name || !contentful {
        return None;
    }
    let mut key_words: Vec<String> = Vec::new();
    for w in (first..stop).map(|j| words.normalised(j)) {
        if w == "'s" {
            // A possessive stays on its word: "ukraine's".
            if let Some(last) = key_words.last_mut() {
                last.push_str(w);
            }
        } else if !words.lexicon.has(Words::Determiners, w) && !is_boundary(w) {
            key_words.push(w.to_string());
        }
    }
    let label = span.slice(words.text()).to_string();
    Some(IssuePhrase { span, label, key: key_words.join(" "), cue, polarity: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(text: &str, names: &[&str]) -> Vec<String> {
        let words = ArticleWords::new(text, crate::lexicon::Lexicon::shipped());
        let names = Names::new(
            names.iter().map(|n| Span::new(text.find(n).unwrap(), text.find(n).unwrap() + n.len())).collect(),
        );
        find(&words, Span::new(0, text.len()), &names)
            .into_iter()
            .map(|p| format!("{} [{}]", p.label, p.id()))
            .collect()
    }

    #[test]
    fn phrases_after_cues_become_issues() {
        assert_eq!(
            issues(
                "Biden urges Putin to stop interfering with democratic elections, ease tensions with Ukraine, and stop \
                 giving hackers conducting cyber and ransomware attacks a safe harbor.",
                &["Biden", "Putin", "Ukraine"]
            ),
            [
                "interfering with democratic elections [issue:interfering-with-democratic-elections]",
                "ease tensions with Ukraine [issue:ease-tensions-with-ukraine]",
                "giving hackers conducting cyber and ransomware attacks a safe harbor \
                 [issue:giving-hackers-conducting-cyber-and-ransomware-attacks-safe-harbor]",
            ]
        );
        assert_eq!(
            issues("The White House has strongly downplayed the idea of cybercrime prisoner exchange.", &[]),
            ["cybercrime prisoner exchange [issue:cybercrime-prisoner-exchange]"]
        );
        assert_eq!(
            issues("The main red line in Moscow is Ukraine’s desire to join NATO.", &["Moscow", "Ukraine", "NATO"]),
            ["Ukraine’s desire to join NATO [issue:ukraine's-desire-to-join-nato]"]
        );
        assert_eq!(
            issues("Lithuania condemned the hijacking and called for new sanctions, officials said.", &["Lithuania"]),
            ["hijacking [issue:hijacking]", "new sanctions [issue:new-sanctions]"]
        );
        assert_eq!(
            issues("Moscow was critical of U.S. operations, but feared that instability would spread.", &[]),
            ["U.S. operations [issue:u.s-operations]", "instability would spread [issue:instability-would-spread]"]
        );
        assert_eq!(
            issues(
                "Moscow was critical of U.S. military operations in Afghanistan.",
                &["Moscow", "U.S.", "Afghanistan"]
            ),
            ["U.S. military operations in Afghanistan [issue:u.s-military-operations-in-afghanistan]"]
        );
        assert_eq!(
            issues("For Kyiv, membership is the red line. His main goal is to draw his red line.", &["Kyiv"]),
            ["membership [issue:membership]"]
        );
    }

    #[test]
    fn cues_say_for_or_against_unless_negated() {
        let polarities = |text: &str| -> Vec<(String, Option<StanceLabel>)> {
            let words = ArticleWords::new(text, crate::lexicon::Lexicon::shipped());
            find(&words, Span::new(0, text.len()), &Names::new(Vec::new()))
                .into_iter()
                .map(|p| (p.label, p.polarity))
                .collect()
        };
        use StanceLabel::{Against, Favor};
        assert_eq!(
            polarities("Biden urges Putin to stop interfering with elections, ease tensions with Ukraine."),
            [("interfering with elections".into(), Some(Against)), ("ease tensions with Ukraine".into(), Some(Favor))]
        );
        assert_eq!(polarities("The union strongly supports the new contract."), [("new contract".into(), Some(Favor))]);
        assert_eq!(polarities("The mayor does not support the new contract."), [("new contract".into(), None)]);
        assert_eq!(polarities("The party objected to the budget cuts."), [("budget cuts".into(), Some(Against))]);
        assert_eq!(polarities("Rebels called for a ceasefire."), [("ceasefire".into(), Some(Favor))]);
        assert_eq!(polarities("The MPs voted in favour of the treaty."), [("treaty".into(), Some(Favor))]);
        assert_eq!(
            polarities("Senators are calling on the president to end the shutdown."),
            [("shutdown".into(), Some(Against))]
        );
        assert_eq!(polarities("For Kyiv, membership is the red line."), [("membership".into(), Some(Against))]);
    }

    #[test]
    fn names_pronouns_and_long_phrases_are_not_issues() {
        assert!(issues("Trump praised Putin, who smiled.", &["Putin"]).is_empty());
        assert!(issues("Trump praised him.", &[]).is_empty());
        assert!(issues("Hart praised President Omar Diallo for his leadership.", &["Omar Diallo"]).is_empty());
        assert_eq!(
            issues("Kyiv condemned Russia’s invasion of the east.", &["Kyiv", "Russia"]),
            ["Russia’s invasion of the east [issue:russia's-invasion-of-east]"]
        );
        assert!(issues(
            "She supports one two three four five six seven eight nine ten eleven twelve thirteen words.",
            &[]
        )
        .is_empty());
        assert!(issues("The weather was mild and nobody said anything.", &[]).is_empty());
    }
}
