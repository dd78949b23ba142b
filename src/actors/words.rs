//! The words of an article, as the actor rules read them.
//!
//! Titles ("former President"), pronouns ("he"), descriptions ("the Russian leader") and speech cues
//! ("said", "according to") are all found by looking at the words around a mention. The words are cut as the
//! entity model cuts them (see [`crate::text::words`]: "Mr." and "U.S." whole, a possessive "’s" on its own),
//! and each is also kept in a normalised form for comparisons: lowercase, curly apostrophes straightened, one
//! final full stop dropped (so "Mr." and the British "Mr" are both `mr`).

use std::ops::Range;

use crate::lexicon::{Lexicon, Words};
use crate::span::Span;
use crate::text::Segmentation;

/// The words of one text with their byte spans and normalised forms, in order.
pub(crate) struct ArticleWords<'t> {
    text: &'t str,
    /// The language data the rules read the words with.
    pub(crate) lexicon: &'t Lexicon,
    spans: Vec<Span>,
    normalised: Vec<String>,
}

impl<'t> ArticleWords<'t> {
    pub(crate) fn new(text: &'t str, lexicon: &'t Lexicon) -> ArticleWords<'t> {
        let spans = crate::text::words::words(text);
        let normalised = spans.iter().map(|span| normalise(span.slice(text))).collect();
        ArticleWords { text, lexicon, spans, normalised }
    }

    /// Whether the word at `index` (normalised) is in `list`.
    pub(crate) fn is(&self, index: usize, list: Words) -> bool {
        self.lexicon.has(list, self.normalised(index))
    }

    /// The text the words were cut from.
    pub(crate) fn text(&self) -> &'t str {
        self.text
    }

    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    pub(crate) fn span(&self, index: usize) -> Span {
        self.spans[index]
    }

    /// The word as written.
    pub(crate) fn written(&self, index: usize) -> &'t str {
        self.spans[index].slice(self.text)
    }

    /// The word normalised: lowercase, `’` as `'`, without one final full stop.
    pub(crate) fn normalised(&self, index: usize) -> &str {
        &self.normalised[index]
    }

    /// The words lying inside `span`, as a range of word indices.
    pub(crate) fn within(&self, span: Span) -> Range<usize> {
        let start = self.spans.partition_point(|w| w.start < span.start);
        let end = self.spans.partition_point(|w| w.end <= span.end);
        start..end.max(start)
    }

    /// The index of the first word that starts at or after byte `offset`.
    pub(crate) fn first_from(&self, offset: usize) -> usize {
        self.spans.partition_point(|w| w.start < offset)
    }

    /// Whether a reference at `span` (`with_title`: a person's span with the title before it) stands where the
    /// subject of a clause may: outside quotations, and not governed by a preposition ("about Putin"). The three
    /// readers of a subject start from it, each asking its own question: the pronoun rules take the first such
    /// reference of a sentence's main clause (`coref.rs`), the pair builder the first that can hold a stance
    /// (`pairs.rs`), the speaker rules the nearest before a speech verb (`speakers.rs`).
    pub(crate) fn in_subject_position(&self, segmentation: &Segmentation, span: Span, with_title: Span) -> bool {
        !segmentation.quotes_in(span).iter().any(|q| q.span.contains(span)) && !self.follows_preposition(with_title)
    }

    /// Whether a preposition stands right before the name at `span` ("about Putin", "to President Biden"),
    /// looking back up to four words over articles, "former" and capitalised words (qualifiers and titles the
    /// rules did not read: "including Tory Lord Campbell"), but not over a day or month ("On Tuesday Mr Kennedy
    /// will visit", "In October Tory leader Michael Howard said": the preposition governs the date). Give a
    /// person's span with its title (`ActorMention::with_title`): in "to the Treasury Paul Boateng" the title is
    /// "Chief Secretary to the Treasury" and "to" governs the Treasury.
    pub(crate) fn follows_preposition(&self, span: Span) -> bool {
        let first = self.first_from(span.start);
        for index in (first.saturating_sub(4)..first).rev() {
            let gap_end = if index + 1 < self.len() { self.span(index + 1).start } else { self.text.len() };
            if self.text[self.span(index).end..gap_end].contains('\n') {
                return false; // a headline or paragraph ends here
            }
            let word = self.normalised(index);
            if self.lexicon.has(Words::Prepositions, word) {
                return true;
            }
            let crossed = matches!(word, "the" | "a" | "an" | "former")
                || (self.is_capitalised(index) && !crate::corpus::date::is_day_or_month(word));
            if !crossed {
                return false;
            }
        }
        false
    }

    /// The clause the sentence at `span` opens with before its subject, when its first word is one of
    /// the sentence openers ("When …, Biden said", "In Geneva, …"): that word's span and where the main clause
    /// starts, after the clause's first comma (one that ends before byte `before`).
    pub(crate) fn opening_clause(&self, span: Span, before: usize) -> Option<(Span, usize)> {
        let mut words = self.first_from(span.start)..self.first_from(span.end);
        let first = words.find(|&i| self.written(i).chars().any(char::is_alphanumeric))?;
        if !self.is(first, Words::SentenceOpeners) {
            return None;
        }
        let comma = words.find(|&i| self.written(i) == "," && self.span(i).end <= before)?;
        Some((self.span(first), self.span(comma).end))
    }

    /// Whether `word` (normalised) is one of the prepositions a subject never follows.
    pub(crate) fn is_preposition(&self, word: &str) -> bool {
        self.lexicon.has(Words::Prepositions, word)
    }

    /// Whether the word starts with a capital letter.
    pub(crate) fn is_capitalised(&self, index: usize) -> bool {
        self.written(index).chars().next().is_some_and(char::is_uppercase)
    }
}

/// `text` after the possessive "'s" it starts with ("'s Holyrood leader"); None when it does not start with one.
pub(crate) fn after_possessive_mark(text: &str) -> Option<&str> {
    ["'s", "’s"].iter().find_map(|mark| text.strip_prefix(mark))
}

/// The text after the name at `span` when the name is written as a possessive, its "'s" inside the span or
/// right after it ("Labour's Robin Cook", "BBC Radio 4's Today programme"); None when it is not.
pub(crate) fn after_possessive(text: &str, span: Span) -> Option<&str> {
    let after = &text[span.end..];
    let surface = span.slice(text);
    if ["'s", "’s"].iter().any(|mark| surface.ends_with(mark)) {
        return Some(after);
    }
    after_possessive_mark(after)
}

/// Whether `text` ends with the whole word `word` ("told" in "he told", not in "foretold").
pub(crate) fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word).is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
}

/// `text` without the listed words at its end, each taken once in the order given ("…, a former" without
/// `["former", "a"]` is "…,"), trimmed.
pub(crate) fn without_final_words<'t>(text: &'t str, words: &[&str]) -> &'t str {
    let mut text = text.trim_end();
    for word in words {
        if ends_with_word(text, word) {
            text = text[..text.len() - word.len()].trim_end();
        }
    }
    text
}

/// Lowercase, `’` and `‘` as `'`, without one final full stop (unless the word is only that).
pub(crate) fn normalise(word: &str) -> String {
    let lowered: String =
        word.chars().map(|c| if matches!(c, '’' | '‘') { '\'' } else { c }).flat_map(char::to_lowercase).collect();
    match lowered.strip_suffix('.') {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => lowered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised_and_found_by_offset() {
        let text = "Mr. Putin’s aides met Sen. Ruiz in São Paulo.";
        let words = ArticleWords::new(text, Lexicon::shipped());
        let normalised: Vec<&str> = (0..words.len()).map(|i| words.normalised(i)).collect();
        assert_eq!(normalised, ["mr", "putin", "'s", "aides", "met", "sen", "ruiz", "in", "são", "paulo", "."]);
        let start = text.find("São").unwrap();
        let span = Span::new(start, start + "São Paulo".len());
        let inside = words.within(span);
        assert_eq!(inside, 8..10);
        assert_eq!(words.written(inside.start), "São");
        assert_eq!(words.span(9).slice(text), "Paulo");
        assert_eq!(words.first_from(start), 8);
        assert!(words.is_capitalised(0) && !words.is_capitalised(3));
        let ruiz = text.find("Ruiz").unwrap();
        assert!(!words.follows_preposition(Span::new(ruiz, ruiz + 4)), "met Sen. Ruiz");
        let text = "He spoke to President Ruiz about the U.S. and Putin.";
        let words = ArticleWords::new(text, Lexicon::shipped());
        let at = |needle: &str| Span::new(text.find(needle).unwrap(), text.find(needle).unwrap() + needle.len());
        assert!(words.follows_preposition(at("Ruiz")) && words.follows_preposition(at("U.S.")));
        assert!(!words.follows_preposition(at("Putin")) && !words.follows_preposition(at("He")));
        // Given with its title, a name follows a preposition only when the title does.
        let text = "In October Tory leader Michael Howard met Chief Secretary to the Treasury Paul Boateng. He \
                    spoke to Labour leader Tony Blair.";
        let words = ArticleWords::new(text, Lexicon::shipped());
        let at = |needle: &str| Span::new(text.find(needle).unwrap(), text.find(needle).unwrap() + needle.len());
        assert!(!words.follows_preposition(at("leader Michael Howard")), "a month is not crossed");
        assert!(!words.follows_preposition(at("Chief Secretary to the Treasury Paul Boateng")));
        assert!(words.follows_preposition(at("Paul Boateng")), "without its title, Treasury would be");
        assert!(words.follows_preposition(at("leader Tony Blair")), "Labour is crossed");
        let text = "Kennedy questions trust of Blair\n\nLib Dem leader Charles Kennedy has said";
        let words = ArticleWords::new(text, Lexicon::shipped());
        let at = |needle: &str| Span::new(text.find(needle).unwrap(), text.find(needle).unwrap() + needle.len());
        assert!(!words.follows_preposition(at("leader Charles Kennedy")), "not across a headline");
    }
}
