//! Property tests: on any input, segmentation terminates without panicking and every span is valid,
//! trimmed, ordered and nested as the types promise.

use super::{segment, Segmentation};
use crate::span::Span;
use proptest::prelude::*;

/// Checks every promise [`Segmentation`] makes about its spans.
fn check_invariants(text: &str, segmentation: &Segmentation) -> Result<(), TestCaseError> {
    let valid = |span: Span| -> Result<(), TestCaseError> {
        prop_assert!(span.start < span.end, "empty or reversed span {span:?}");
        prop_assert!(span.end <= text.len(), "span {span:?} past the end");
        prop_assert!(text.is_char_boundary(span.start), "start of {span:?} inside a character");
        prop_assert!(text.is_char_boundary(span.end), "end of {span:?} inside a character");
        Ok(())
    };
    let trimmed = |span: Span| -> Result<(), TestCaseError> {
        let slice = &text[span.range()];
        prop_assert_eq!(slice.trim_matches(super::marks::is_blank), slice);
        Ok(())
    };
    let mut previous: Option<Span> = None;
    for paragraph in &segmentation.paragraphs {
        valid(paragraph.span)?;
        trimmed(paragraph.span)?;
        if let Some(previous) = previous {
            prop_assert!(previous.end < paragraph.span.start, "paragraphs out of order");
        }
        previous = Some(paragraph.span);
    }
    let mut previous: Option<Span> = None;
    for sentence in &segmentation.sentences {
        valid(sentence.span)?;
        trimmed(sentence.span)?;
        let paragraph = segmentation.paragraphs.get(sentence.paragraph);
        prop_assert!(paragraph.is_some_and(|p| p.span.contains(sentence.span)));
        if let Some(previous) = previous {
            prop_assert!(previous.end <= sentence.span.start, "sentences overlap or out of order");
        }
        previous = Some(sentence.span);
    }
    let mut previous: Option<Span> = None;
    for quote in &segmentation.quotes {
        valid(quote.span)?;
        if let Some(previous) = previous {
            prop_assert!(previous.end <= quote.span.start, "quotes overlap or out of order");
        }
        previous = Some(quote.span);
    }
    // Every non-blank character belongs to some paragraph.
    let covered: usize = segmentation
        .paragraphs
        .iter()
        .map(|p| p.span.slice(text).chars().filter(|&c| !super::marks::is_blank(c)).count())
        .sum();
    prop_assert_eq!(covered, text.chars().filter(|&c| !super::marks::is_blank(c)).count());
    Ok(())
}

/// Strings made of the pieces of news text that trouble segmenters.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a", "Z", "é", "Kyiv", "São", "7", " ", ". ", ".", "!", "? ", "…", "...", "\n", "\n\n", "\r\n", "\r", "\t",
        "\"", "“", "”", "‘", "’", "'", "«", "»", "(", ")", "Mr. ", "U.S.", "No. 10", "Jan. ", "W. ", "a.m. ", "—",
        "\u{200B}", "\u{FEFF}", ",", ":", " said.", "The ",
    ]);
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn any_unicode_segments_validly(text in any::<String>()) {
        check_invariants(&text, &segment(&text))?;
    }

    #[test]
    fn newsish_text_segments_validly(text in newsish()) {
        check_invariants(&text, &segment(&text))?;
    }

    #[test]
    fn control_and_odd_characters_segment_validly(text in "[\\x00-\\x1f\\u{85}\\u{2028}\\u{2029}\\u{200B}.!?\"'“”‘’ aA\\u{10000}-\\u{10FFFF}]{0,60}") {
        check_invariants(&text, &segment(&text))?;
    }
}
