//! Abbreviations and other words that end in a full stop without ending the sentence.
//!
//! News copy is full of them: "Mr. Biden", "U.S. President", "Jan. 6", "No. 10", "George W. Bush",
//! "10 a.m. Wednesday". Each word before a full stop is put in a [`Abbreviation`] class, and the class
//! says what the following word must look like for the full stop to end the sentence after all.

use crate::lexicon::{self, Fixed};

/// What a word standing before a full stop (the stop itself excluded) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbreviation {
    /// An ordinary word: the full stop ends the sentence if the next word may start one.
    None,
    /// A title or similar ("Mr", "Gen", "St", "vs", "e.g"): never ends a sentence.
    Title,
    /// A word that prefixes a number ("No", "Jan", "Sept", "Art"): ends the sentence unless a number follows.
    BeforeNumber,
    /// A word that ends sentences about as often as it sits inside one: company suffixes ("Inc", "Co"),
    /// "Jr", initials ("W", "J.R.R"), initialisms ("U.S", "D.C") and "a.m"/"p.m". The full stop ends the
    /// sentence only if the next word is one that typically opens a sentence ("The", "He", "But", ...) or
    /// a quotation opens.
    Ambiguous,
    /// A numeral opening the sentence, as in a numbered list ("1. The summit ..."): never ends it.
    ListNumber,
}

/// Classifies `word`, the text between the preceding blank and the full stop, with opening quotes and
/// brackets already removed. `opens_sentence` says whether the word is the first of its sentence.
pub(crate) fn classify(word: &str, opens_sentence: bool) -> Abbreviation {
    if word.is_empty() {
        return Abbreviation::None;
    }
    if is_title(word) {
        return Abbreviation::Title;
    }
    if is_before_number(word) {
        return Abbreviation::BeforeNumber;
    }
    if is_ambiguous(word) || is_initialism(word) {
        return Abbreviation::Ambiguous;
    }
    if opens_sentence && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()) {
        return Abbreviation::ListNumber;
    }
    Abbreviation::None
}

/// Titles and fixed abbreviations that in news copy are followed by more of the same sentence.
fn is_title(word: &str) -> bool {
    lexicon::fixed(Fixed::SentenceTitles, word)
}

/// Abbreviations that usually stand before a number: months, "No", "Art", "Vol", page references.
fn is_before_number(word: &str) -> bool {
    lexicon::fixed(Fixed::SentenceBeforeNumber, word)
}

/// Abbreviations that end sentences about as often as they don't.
fn is_ambiguous(word: &str) -> bool {
    lexicon::fixed(Fixed::SentenceAmbiguous, word)
}

/// A letter with the stop after it ("W"), or letters separated by stops ("U.S", "J.R.R", "a.m", "D.C").
fn is_initialism(word: &str) -> bool {
    let mut letters = 0usize;
    for part in word.split('.') {
        let mut chars = part.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphabetic() => letters += 1,
            _ => return false,
        }
    }
    letters > 0
}

/// Words that commonly open a sentence but rarely follow an abbreviation inside a name or phrase
/// ("U.S. President" continues a sentence; "the U.S. The" does not).
pub(crate) fn opens_sentences(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "There"
            | "Here"
            | "It"
            | "Its"
            | "It's"
            | "It’s"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "My"
            | "Your"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "In"
            | "On"
            | "At"
            | "For"
            | "With"
            | "As"
            | "After"
            | "Before"
            | "When"
            | "While"
            | "If"
            | "Although"
            | "Though"
            | "Because"
            | "Since"
            | "Still"
            | "However"
            | "Meanwhile"
            | "Also"
            | "Instead"
            | "Now"
            | "Then"
            | "Some"
            | "Many"
            | "Most"
            | "Both"
            | "Each"
            | "Every"
            | "Not"
            | "What"
            | "Who"
            | "Why"
            | "How"
            | "Where"
            | "Officials"
            | "According"
            | "Earlier"
            | "Later"
            | "Asked"
            | "Such"
            | "Neither"
            | "Nor"
            | "Despite"
            | "During"
            | "Under"
            | "Over"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_never_end_sentences() {
        for word in ["Mr", "Mrs", "Dr", "Gen", "Sen", "Lt", "St", "vs", "e.g"] {
            assert_eq!(classify(word, false), Abbreviation::Title, "{word}");
        }
    }

    #[test]
    fn months_and_no_wait_for_a_number() {
        for word in ["Jan", "Sept", "Dec", "No"] {
            assert_eq!(classify(word, false), Abbreviation::BeforeNumber, "{word}");
        }
    }

    #[test]
    fn initials_and_initialisms_are_ambiguous() {
        for word in ["W", "U.S", "J.R.R", "a.m", "p.m", "D.C", "Inc", "Co", "Jr", "É"] {
            assert_eq!(classify(word, false), Abbreviation::Ambiguous, "{word}");
        }
    }

    #[test]
    fn ordinary_words_are_not_abbreviations() {
        for word in ["summit", "2018", "example.com", "U.S.A.B.CD", "", "Kyiv"] {
            assert_eq!(classify(word, false), Abbreviation::None, "{word}");
        }
        assert_eq!(classify("3", true), Abbreviation::ListNumber);
        assert_eq!(classify("3", false), Abbreviation::None);
    }
}
