//! Paragraph detection: from raw text to trimmed paragraph spans.
//!
//! News text files come in two layouts: one paragraph per line (AP wire copy, scraped pages) and
//! paragraphs separated by blank lines (the BBC corpus). Titles, bylines ("By A and B Associated Press")
//! and datelines ("GENEVA (AP) —") sit on lines of their own. Hard-wrapped text (a paragraph broken
//! over several lines at a fixed width) is rarer but occurs.
//!
//! The rule: every non-blank line starts a new paragraph, except that a line continues the paragraph
//! of the line above (no blank line between them) when the line above plainly stops mid-sentence:
//!
//! * it ends in `,` `;` or a word-joining hyphen (`well-` / `known`), or
//! * it ends in a title abbreviation or an initial ("Mr." / "Biden", "George W." / "Bush"), or
//! * it ends without any sentence-final punctuation, colon or dash, and the next line starts with a
//!   lowercase letter.
//!
//! So a headline or byline (no final punctuation, next line capitalised) stays a paragraph of its own,
//! and in hard-wrapped text a sentence is split at a line break only where the break falls before a
//! capitalised word after a line with no comma — the price of never gluing a headline to its story.

use super::abbreviations::{self, Abbreviation};
use super::marks::{first_char, is_blank, is_closer, is_line_break, last_char, trimmed_bounds};
use super::Paragraph;
use crate::span::Span;

/// One line of the text, trimmed; `blank_before` is true when a blank line (or a paragraph
/// separator character) lies between it and the previous non-blank line.
struct Line {
    span: Span,
    blank_before: bool,
}

/// Splits `text` into paragraphs, in order, each trimmed and non-empty.
pub(crate) fn find_paragraphs(text: &str) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut previous: Option<Span> = None;
    for line in lines(text) {
        let joins = match previous {
            Some(above) if !line.blank_before => continues(above.slice(text), line.span.slice(text)),
            _ => false,
        };
        match paragraphs.last_mut() {
            Some(paragraph) if joins => paragraph.span.end = line.span.end,
            _ => paragraphs.push(Paragraph { span: line.span }),
        }
        previous = Some(line.span);
    }
    paragraphs
}

/// The non-blank lines of `text`, trimmed. `\r\n` counts as one line break.
fn lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut blank_before = false;
    let mut line_start = 0;
    let mut chars = text.char_indices().peekable();
    loop {
        let (line_end, next_start, separator) = match chars.next() {
            None => (text.len(), text.len(), false),
            Some((at, c)) if is_line_break(c) => {
                let mut next_start = at + c.len_utf8();
                if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    chars.next();
                    next_start += 1;
                }
                (at, next_start, c == '\u{2029}')
            }
            Some(_) => continue,
        };
        let (start, end) = trimmed_bounds(&text[line_start..line_end]);
        if start < end {
            lines.push(Line { span: Span::new(line_start + start, line_start + end), blank_before });
            blank_before = false;
        } else {
            blank_before = true;
        }
        blank_before |= separator;
        if next_start >= text.len() {
            break;
        }
        line_start = next_start;
    }
    lines
}

/// Whether line `below` continues the paragraph of line `above` (both trimmed, non-empty).
fn continues(above: &str, below: &str) -> bool {
    let Some(last) = last_char(above) else {
        return false;
    };
    match last {
        ',' | ';' => return true,
        '-' => {
            let before = last_char(&above[..above.len() - 1]);
            return before.is_some_and(char::is_alphabetic);
        }
        ':' | '—' | '–' => return false,
        _ => {}
    }
    let without_closers = above.trim_end_matches(is_closer);
    if let Some(stem) = without_closers.strip_suffix('.') {
        let word = stem.rsplit(is_blank).next().unwrap_or_default().trim_start_matches(|c: char| !c.is_alphanumeric());
        let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        return without_closers.len() == above.len()
            && (initial || abbreviations::classify(word, false) == Abbreviation::Title);
    }
    if last_char(without_closers).is_some_and(super::marks::is_terminal) {
        return false;
    }
    first_char(below).is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph_texts(text: &str) -> Vec<&str> {
        find_paragraphs(text).iter().map(|p| &text[p.span.range()]).collect()
    }

    #[test]
    fn each_line_is_a_paragraph_in_wire_copy() {
        let text =
            "Leaders meet in Geneva\nBy ANA PÉREZ and TOM OKAFOR Associated Press\nGENEVA (AP) —\nThe talks began.\n";
        assert_eq!(
            paragraph_texts(text),
            [
                "Leaders meet in Geneva",
                "By ANA PÉREZ and TOM OKAFOR Associated Press",
                "GENEVA (AP) —",
                "The talks began."
            ]
        );
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_crlf_is_one_break() {
        let text = "\u{FEFF}Title here\r\n\r\n  First one.\r\nSecond one.\r\n\r\n\r\n\tThird.  ";
        assert_eq!(paragraph_texts(text), ["Title here", "First one.", "Second one.", "Third."]);
    }

    #[test]
    fn hard_wrapped_lines_join_where_the_sentence_plainly_goes_on() {
        let text = "The envoys from both capitals agreed on\nthe agenda, the venue and\nthe date. Mr.\nNovak said so.\nA new line.";
        assert_eq!(
            paragraph_texts(text),
            [
                "The envoys from both capitals agreed on\nthe agenda, the venue and\nthe date. Mr.\nNovak said so.",
                "A new line."
            ]
        );
    }

    #[test]
    fn lone_carriage_returns_and_separators_break_lines() {
        assert_eq!(paragraph_texts("One\rTwo\u{2029}Three"), ["One", "Two", "Three"]);
        assert_eq!(paragraph_texts(""), Vec::<&str>::new());
        assert_eq!(paragraph_texts(" \n\u{200B}\n\r\n"), Vec::<&str>::new());
    }
}
