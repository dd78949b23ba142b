//! Quotations: spans of quoted speech, marks included, found across sentences and paragraphs.
//!
//! Curly marks say which way they face (“ opens, ” closes); straight ones (`"`) are read from their
//! neighbours: after a blank or opening punctuation and before a word they open, after a word and before
//! a blank or punctuation they close, and otherwise they close an open quotation or open a new one.
//! Single marks (‘ ’ ') count only at word boundaries, so apostrophes (Biden’s, don’t, ’90s, 'em)
//! are left alone; a closing single mark counts only while a single quotation is open.
//!
//! Only the outermost quotation is reported; quotations nested in it (single inside double, or the
//! reverse) are tracked so that their closing marks are not taken for the outer one's.
//!
//! Multi-paragraph quotations follow the news convention: every paragraph of the quotation opens with
//! a mark and only the last one closes. So a quotation still open at a paragraph's end goes on if the
//! next paragraph opens with a mark of the same kind, and otherwise ends with its paragraph (the span
//! then has no closing mark). A mark that opens a quotation of a kind that is already open closes the
//! open one first: scraped copy often drops the closing mark between two quoted sentences
//! (`26 weeks. "We are going`).

use super::marks::{first_char, is_blank};
use super::{Paragraph, Quote};
use crate::span::Span;

/// How deep nested quotations are tracked; marks opening deeper ones are ignored.
const MAX_DEPTH: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Double,
    Single,
    Guillemet,
}

/// What a quote mark does where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open(Kind),
    Close(Kind),
    /// Closes a quotation of this kind if one is open, opens one otherwise.
    Toggle(Kind),
}

/// An open quotation: its kind and the byte offset of its opening mark.
#[derive(Debug, Clone, Copy)]
struct Opened {
    kind: Kind,
    at: usize,
}

/// Finds the quotations of `text`, whose paragraphs are `paragraphs`, in order and non-overlapping.
pub(crate) fn find_quotes(text: &str, paragraphs: &[Paragraph]) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut open: Vec<Opened> = Vec::new();
    let mut continued = false;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let body = paragraph.span.slice(text);
        let mut prev = None;
        let mut chars = body.char_indices().peekable();
        if continued {
            // The continuation mark opening this paragraph belongs to the quotation already open.
            prev = chars.next().map(|(_, c)| c);
        }
        while let Some((offset, c)) = chars.next() {
            let after = chars.peek().map_or(body.len(), |&(next, _)| next);
            if let Some(mark) = classify(c, prev, &body[after..], &open) {
                apply(text, mark, paragraph.span.start + offset, c.len_utf8(), &mut open, &mut quotes);
            }
            prev = Some(c);
        }
        continued = false;
        if let Some(outer) = open.first().copied() {
            let next_opens_same = paragraphs
                .get(index + 1)
                .and_then(|next| opening_kind(next.span.slice(text)))
                .is_some_and(|kind| kind == outer.kind);
            if next_opens_same {
                open.truncate(1);
                continued = true;
            } else {
                quotes.push(Quote { span: Span::new(outer.at, paragraph.span.end) });
                open.clear();
            }
        }
    }
    quotes
}

/// The kind of quotation that `body` (a trimmed paragraph) opens with, if it opens with a mark.
fn opening_kind(body: &str) -> Option<Kind> {
    let mut chars = body.chars();
    let first = chars.next()?;
    match classify(first, None, chars.as_str(), &[])? {
        Mark::Open(kind) | Mark::Toggle(kind) => Some(kind),
        Mark::Close(_) => None,
    }
}

/// Updates the open quotations for `mark`, found at byte `at` and `len` bytes long.
fn apply(text: &str, mark: Mark, at: usize, len: usize, open: &mut Vec<Opened>, quotes: &mut Vec<Quote>) {
    let position = |kind: Kind, open: &[Opened]| open.iter().position(|o| o.kind == kind);
    let mark = match mark {
        Mark::Toggle(kind) if position(kind, open).is_some() => Mark::Close(kind),
        Mark::Toggle(kind) => Mark::Open(kind),
        other => other,
    };
    match mark {
        Mark::Open(kind) => {
            match position(kind, open) {
                Some(0) => {
                    // The closing mark of the open quotation was left out: end it at the last
                    // non-blank character before this mark.
                    let start = open[0].at;
                    let end = start + text[start..at].trim_end_matches(is_blank).len();
                    quotes.push(Quote { span: Span::new(start, end) });
                    open.clear();
                }
                Some(depth) => open.truncate(depth),
                None => {}
            }
            if open.len() < MAX_DEPTH {
                open.push(Opened { kind, at });
            }
        }
        Mark::Close(kind) => match position(kind, open) {
            Some(0) => {
                quotes.push(Quote { span: Span::new(open[0].at, at + len) });
                open.clear();
            }
            Some(depth) => open.truncate(depth),
            None => {}
        },
        Mark::Toggle(_) => {}
    }
}

/// Whether a mark after `prev` stands where an opening mark stands: at the start, after a blank, or
/// after opening punctuation.
fn opening_position(prev: Option<char>) -> bool {
    prev.is_none_or(|c| {
        is_blank(c) || matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | '“' | '‘' | '"' | '\'' | '«' | ':')
    })
}

/// Whether a mark before `next` stands where a closing mark stands: at the end, before a blank, or
/// before punctuation.
fn closing_position(next: Option<char>) -> bool {
    next.is_none_or(|c| {
        is_blank(c)
            || matches!(
                c,
                '.' | ','
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | ')'
                    | ']'
                    | '}'
                    | '—'
                    | '–'
                    | '-'
                    | '…'
                    | '”'
                    | '’'
                    | '"'
                    | '\''
                    | '»'
            )
    })
}

/// Words that start with an apostrophe rather than an opening single quote.
fn starts_with_elision(rest: &str) -> bool {
    let word_end = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
    matches!(
        rest[..word_end].to_lowercase().as_str(),
        "s" | "t" | "em" | "n" | "til" | "cause" | "tis" | "twas" | "bout" | "round" | "d" | "ll"
    )
}

/// What the character `c`, between `prev` and the text `rest`, does as a quote mark, if anything.
fn classify(c: char, prev: Option<char>, rest: &str, open: &[Opened]) -> Option<Mark> {
    let next = first_char(rest);
    let single_open = open.iter().any(|o| o.kind == Kind::Single);
    match c {
        '“' => Some(Mark::Open(Kind::Double)),
        '”' if opening_position(prev) && next.is_some_and(char::is_alphanumeric) => Some(Mark::Toggle(Kind::Double)),
        '”' => Some(Mark::Close(Kind::Double)),
        '"' => match (opening_position(prev), closing_position(next)) {
            (true, false) => Some(Mark::Open(Kind::Double)),
            (false, true) => Some(Mark::Close(Kind::Double)),
            _ => Some(Mark::Toggle(Kind::Double)),
        },
        '«' => Some(Mark::Open(Kind::Guillemet)),
        '»' => Some(Mark::Close(Kind::Guillemet)),
        '‘' | '\''
            if opening_position(prev)
                && next.is_some_and(|n| n.is_alphabetic() || matches!(n, '“' | '"'))
                && !starts_with_elision(rest) =>
        {
            Some(Mark::Open(Kind::Single))
        }
        '’' | '\'' if single_open && prev.is_some_and(|p| !is_blank(p)) && closing_position(next) => {
            Some(Mark::Close(Kind::Single))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::paragraphs::find_paragraphs;
    use super::*;

    fn quote_texts(text: &str) -> Vec<&str> {
        find_quotes(text, &find_paragraphs(text)).iter().map(|q| &text[q.span.range()]).collect()
    }

    #[test]
    fn curly_and_straight_double_quotes() {
        assert_eq!(quote_texts("He called it “a reset.” She said \"no,\" twice."), ["“a reset.”", "\"no,\""]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert_eq!(
            quote_texts("Biden’s aides don’t recall the ’90s or rock 'n' roll; Kyiv's view."),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn single_quotes_at_word_boundaries() {
        assert_eq!(
            quote_texts("Talks 'crippled' by rows, and ‘Lavrov’s plan’ stalled."),
            ["'crippled'", "‘Lavrov’s plan’"]
        );
    }

    #[test]
    fn nested_quotes_report_the_outer_one() {
        assert_eq!(
            quote_texts("“She told me ‘never again,’ and left,” he said."),
            ["“She told me ‘never again,’ and left,”"]
        );
    }

    #[test]
    fn multi_paragraph_quote_continues_while_paragraphs_open_with_a_mark() {
        let text = "“First part of the quote.\n“Second part.\n“Last part,” he said.\nAfter.";
        assert_eq!(quote_texts(text), ["“First part of the quote.\n“Second part.\n“Last part,”"]);
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        let text = "He said: “We will not retreat.\nThe talks went on. “Next,” she said.";
        assert_eq!(quote_texts(text), ["“We will not retreat.", "“Next,”"]);
    }

    #[test]
    fn dropped_closing_mark_between_quoted_sentences() {
        let text = "Ms Ortiz said: \"We doubled it. \"We will go further,\" she said.";
        assert_eq!(quote_texts(text), ["\"We doubled it.", "\"We will go further,\""]);
    }

    #[test]
    fn lone_and_stray_marks_never_escape_the_text() {
        for text in ["\"", "”", "“", "‘", "'", "«", "»", "\"\"\"", "a\"b\"c\"", "” “ ” “"] {
            for quote in find_quotes(text, &find_paragraphs(text)) {
                assert!(quote.span.start < quote.span.end && quote.span.end <= text.len());
            }
        }
    }
}
