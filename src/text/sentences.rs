//! Sentence boundaries inside one paragraph.
//!
//! A sentence ends at a run of `.` `!` `?` `…` (plus any closing quotes or brackets right after it,
//! which stay with the sentence: `."` `.”` `?’` `.)`) when blank space follows and the next word may
//! open a sentence: it starts, after any opening quotes or brackets, with anything but a lowercase
//! letter or closing punctuation. A paragraph's end always ends its sentence, so a headline with no
//! final punctuation is one sentence. Line breaks inside a paragraph (see [`super::paragraphs`]) count
//! as spaces.
//!
//! A lone full stop is checked against the word before it ([`super::abbreviations`]): titles never end
//! a sentence, months and "No" end one unless a number follows, and initials, initialisms and company
//! suffixes end one only before a word that usually opens sentences ("The", "He", "But", ...) or a
//! quotation. Full stops with no space after them (3.5, example.com, U.S.A) never end a sentence. An
//! ellipsis ends one only when it is attached to the word before it and a capitalised word follows;
//! a free-standing " ... " marks an omission inside a quotation.
//!
//! Stray marks standing alone after the final punctuation and a space (`respond? ”`, `interests.” ..`),
//! slips common in scraped copy, are taken into the sentence.

use super::abbreviations::{self, Abbreviation};
use super::marks::{first_char, is_blank, is_closer, is_opener, is_terminal, trimmed_bounds};
use super::Sentence;
use crate::span::Span;

/// Longest word, in bytes, looked at before a full stop; longer ones are ordinary words. Bounds the work
/// per full stop, so segmentation stays linear on text without spaces.
const MAX_WORD_BYTES: usize = 40;

/// Appends the sentences of the paragraph at `paragraph` (index `index`) to `sentences`.
/// `in_quote` is left false; the caller fills it in.
pub(crate) fn split_paragraph(text: &str, paragraph: Span, index: usize, sentences: &mut Vec<Sentence>) {
    let body = paragraph.slice(text);
    let mut push = |from: usize, to: usize| {
        let (start, end) = trimmed_bounds(&body[from..to]);
        if start < end {
            sentences.push(Sentence {
                span: Span::new(paragraph.start + from + start, paragraph.start + from + end),
                paragraph: index,
                in_quote: false,
            });
        }
    };
    let mut sentence_start = 0;
    let mut at = 0;
    while let Some(c) = first_char(&body[at..]) {
        if !is_terminal(c) {
            at += c.len_utf8();
            continue;
        }
        let punctuation_end = skip(body, at, is_terminal);
        let mut end = skip(body, punctuation_end, is_closer);
        let mut next = skip(body, end, is_blank);
        if next == end {
            // No space after the punctuation: a decimal, a domain name, "U.S.A", or the paragraph end.
            at = end;
            continue;
        }
        let stray_end = skip(body, next, |c| is_terminal(c) || c == '”' || c == '"');
        if stray_end > next && first_char(&body[stray_end..]).is_none_or(is_blank) {
            end = stray_end;
            next = skip(body, end, is_blank);
        }
        if next >= body.len() {
            break;
        }
        if ends_sentence(body, sentence_start, at, punctuation_end, next) {
            push(sentence_start, end);
            sentence_start = next;
        }
        at = next;
    }
    push(sentence_start, body.len());
}

/// The offset of the first character at or after `from` that is not `class`.
fn skip(body: &str, from: usize, class: impl Fn(char) -> bool) -> usize {
    let rest = &body[from..];
    from + (rest.len() - rest.trim_start_matches(class).len())
}

/// Whether the punctuation `body[punctuation..punctuation_end]`, with the next word starting at `next`
/// (after blank space), ends the sentence that began at `sentence_start`.
fn ends_sentence(body: &str, sentence_start: usize, punctuation: usize, punctuation_end: usize, next: usize) -> bool {
    let next_word = next_word(body, next);
    let Some(lead) = first_char(next_word.word) else {
        // Only openers follow, or nothing that can be read as a word: take it as a new sentence
        // unless it is closing punctuation.
        return next_word.opened
            || first_char(&body[next..]).is_some_and(|c| !matches!(c, ',' | ';' | ':' | ')' | ']'));
    };
    if lead.is_lowercase()
        || is_terminal(lead)
        || matches!(lead, ',' | ';' | ':' | ')' | ']' | '}' | '%' | '”' | '’' | '»')
    {
        return false;
    }
    let punctuation_text = &body[punctuation..punctuation_end];
    if punctuation_text.contains(['!', '?', '‼', '⁇', '⁈', '⁉']) {
        return true;
    }
    if punctuation_text != "." {
        // An ellipsis: it ends the sentence only when attached to the word before it.
        let before = body[..punctuation].chars().next_back();
        return before.is_some_and(|c| !is_blank(c));
    }
    let word = word_before(body, sentence_start, punctuation);
    let opens_sentence = word.is_some_and(|(start, _)| start == sentence_start);
    match word.map_or(Abbreviation::None, |(_, word)| abbreviations::classify(word, opens_sentence)) {
        Abbreviation::None => true,
        Abbreviation::Title | Abbreviation::ListNumber => false,
        Abbreviation::BeforeNumber => !lead.is_numeric(),
        Abbreviation::Ambiguous => next_word.opened || abbreviations::opens_sentences(next_word.word),
    }
}

/// The word after a possible sentence boundary.
struct NextWord<'t> {
    /// Whether an opening quote or bracket stands before the word.
    opened: bool,
    /// The word up to the next blank or punctuation other than an apostrophe; may be empty.
    word: &'t str,
}

fn next_word(body: &str, next: usize) -> NextWord<'_> {
    let start = skip(body, next, is_opener);
    let rest = &body[start..];
    let mut len = 0;
    for (offset, c) in rest.char_indices() {
        if offset > MAX_WORD_BYTES {
            break;
        }
        let part_of_word = c.is_alphanumeric() || (offset > 0 && matches!(c, '\'' | '’'));
        if !part_of_word {
            if offset == 0 {
                len = c.len_utf8();
            }
            break;
        }
        len = offset + c.len_utf8();
    }
    NextWord {
        opened: start > next && body[next..start].contains(['"', '“', '‘', '\'', '«', '„']), word: &rest[..len]
    }
}

/// The word right before the full stop at `stop`, without opening quotes or brackets, with its start;
/// `None` when it is longer than [`MAX_WORD_BYTES`].
fn word_before(body: &str, sentence_start: usize, stop: usize) -> Option<(usize, &str)> {
    let mut lower = sentence_start.max(stop.saturating_sub(MAX_WORD_BYTES + 1));
    while !body.is_char_boundary(lower) {
        lower += 1;
    }
    let mut start = stop;
    for (offset, c) in body[lower..stop].char_indices().rev() {
        if is_blank(c) {
            break;
        }
        start = lower + offset;
        if start == lower && lower > sentence_start {
            // The word may go on beyond what we look at: too long to be an abbreviation.
            let before = body[..lower].chars().next_back();
            if before.is_some_and(|c| !is_blank(c)) {
                return None;
            }
        }
    }
    let word = &body[start..stop];
    let trimmed = word.trim_start_matches(is_opener);
    Some((stop - trimmed.len(), trimmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence_texts(body: &str) -> Vec<&str> {
        let mut sentences = Vec::new();
        split_paragraph(body, Span::new(0, body.len()), 0, &mut sentences);
        sentences.iter().map(|s| &body[s.span.range()]).collect()
    }

    #[test]
    fn splits_at_final_punctuation_before_capitals() {
        assert_eq!(
            sentence_texts("The summit opened. Was it late? Yes! 2021 was tense."),
            ["The summit opened.", "Was it late?", "Yes!", "2021 was tense."]
        );
    }

    #[test]
    fn closing_quotes_and_brackets_stay_with_the_sentence() {
        assert_eq!(
            sentence_texts("He said “no.” Then he left. (It was brief.) “Why?’ she asked."),
            ["He said “no.”", "Then he left.", "(It was brief.)", "“Why?’ she asked."]
        );
    }

    #[test]
    fn lowercase_after_the_stop_continues_the_sentence() {
        assert_eq!(
            sentence_texts("“Is that so?” he asked at 9 a.m. local time, etc. and left."),
            ["“Is that so?” he asked at 9 a.m. local time, etc. and left."]
        );
    }

    #[test]
    fn abbreviations_and_numbers() {
        assert_eq!(
            sentence_texts(
                "Mr. Novak met Gen. Ortiz at No. 10 on Jan. 5 at 3.5 p.m. The talks at example.com ended. He spoke to Jan. She agreed."
            ),
            [
                "Mr. Novak met Gen. Ortiz at No. 10 on Jan. 5 at 3.5 p.m.",
                "The talks at example.com ended.",
                "He spoke to Jan.",
                "She agreed."
            ]
        );
    }

    #[test]
    fn initials_and_initialisms() {
        assert_eq!(
            sentence_texts(
                "George W. Bush and J.R.R. Tolkien fans met U.S. President Lee in the U.S. The U.K. and E.U. agreed."
            ),
            ["George W. Bush and J.R.R. Tolkien fans met U.S. President Lee in the U.S.", "The U.K. and E.U. agreed."]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            sentence_texts("“We will ... Respond,” she said. He paused… Then left... and came back."),
            ["“We will ... Respond,” she said.", "He paused…", "Then left... and came back."]
        );
    }

    #[test]
    fn stray_closing_quote_after_a_space_joins_the_sentence() {
        assert_eq!(sentence_texts("Do you agree? ” Then silence."), ["Do you agree? ”", "Then silence."]);
    }

    #[test]
    fn numbered_list_items_keep_their_numbers() {
        assert_eq!(sentence_texts("1. The envoys met. 2. They left."), ["1. The envoys met.", "2. They left."]);
    }

    #[test]
    fn very_long_words_before_a_stop_are_ordinary() {
        let body = format!("{}. Next.", "x".repeat(100));
        assert_eq!(sentence_texts(&body).len(), 2);
    }
}
