//! Attributions as the tagger sees them: BIO tags over SOURCE, CUE and CONTENT on the words of a unit of text
//! (a paragraph, or a part of a long one), on the same word split as entities ([`crate::text::words::words`]).
//!
//! A word takes the role of the annotated piece it overlaps. A span starts (B-) at its first word in the unit,
//! and at the first word of each later piece unless no word lies between the two pieces (so a piece cut only
//! by an annotator's offsets stays one span). PolNeAR is univocal, so a word belongs to one piece at most; were
//! two to claim one, the first annotated keeps it. Spans never cross units: a content over two paragraphs is
//! two spans, one per paragraph, exactly as the tagger, which reads paragraphs one by one, can find them.

use super::{Attribution, Role};
use crate::ner::labels::Tag;
use crate::span::Span;
use crate::text::words::words;

/// A unit's words (byte spans into the article's text) and their tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaggedUnit {
    pub words: Vec<Span>,
    pub tags: Vec<Tag>,
}

/// A piece of an attribution: which attribution, its role, where.
#[derive(Debug, Clone, Copy)]
struct Piece {
    attribution: usize,
    role: Role,
    span: Span,
}

/// Every piece of `attributions`, in order of their starts.
fn pieces(attributions: &[Attribution]) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = attributions
        .iter()
        .enumerate()
        .flat_map(|(attribution, a)| {
            Role::ALL
                .into_iter()
                .flat_map(move |role| a.spans(role).iter().map(move |&span| Piece { attribution, role, span }))
        })
        .collect();
    pieces.sort_by_key(|piece| (piece.span.start, piece.span.end));
    pieces
}

/// The words of `unit` (a span of `text`) with their tags from `attributions`.
pub fn tag_unit(text: &str, unit: Span, attributions: &[Attribution]) -> TaggedUnit {
    let unit_words: Vec<Span> =
        words(unit.slice(text)).into_iter().map(|w| Span::new(w.start + unit.start, w.end + unit.start)).collect();
    let pieces: Vec<Piece> = pieces(attributions).into_iter().filter(|p| p.span.overlaps(unit)).collect();
    let mut tags = Vec::with_capacity(unit_words.len());
    // The piece of the previous word: (attribution, role), for deciding between B- and I-.
    let mut previous: Option<(usize, Role)> = None;
    let mut next_piece = 0;
    for word in &unit_words {
        while next_piece < pieces.len() && pieces[next_piece].span.end <= word.start {
            next_piece += 1;
        }
        // The first piece (in start order) that overlaps the word: pieces from `next_piece` on end after its
        // start; the first of them starting before its end is it.
        let piece =
            pieces[next_piece..].iter().take_while(|p| p.span.start < word.end).find(|p| p.span.overlaps(*word));
        let owner = piece.map(|p| (p.attribution, p.role));
        let tag = match owner {
            None => Tag::Outside,
            Some((_, role)) if previous == owner => Tag::Inside(role.entity_type()),
            Some((_, role)) => Tag::Begin(role.entity_type()),
        };
        tags.push(tag);
        previous = owner;
    }
    TaggedUnit { words: unit_words, tags }
}

/// The spans the tags of a unit mark, with their roles, in text order: a span runs from a B- (or an I- that
/// does not continue its role, read as a start) over the I- of the same role after it.
pub fn spans_of(unit: &TaggedUnit) -> Vec<(Role, Span)> {
    let mut out: Vec<(Role, Span)> = Vec::new();
    let mut open: Option<Role> = None;
    for (word, tag) in unit.words.iter().zip(&unit.tags) {
        let role = tag.entity_type().and_then(Role::of_entity_type);
        match (tag, role) {
            (Tag::Inside(_), Some(role)) if open == Some(role) => {
                if let Some(last) = out.last_mut() {
                    last.1.end = word.end;
                }
            }
            (_, Some(role)) => {
                out.push((role, *word));
                open = Some(role);
            }
            (_, None) => open = None,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_names(unit: &TaggedUnit) -> Vec<String> {
        unit.tags.iter().map(Tag::to_string).collect()
    }

    #[test]
    fn an_interrupted_quote_is_two_content_spans_and_a_source_and_cue() {
        let text = "\"We will win,\" Smith said, \"and soon.\"";
        let find = |s: &str| {
            let start = text.find(s).unwrap();
            Span::new(start, start + s.len())
        };
        let attribution = Attribution {
            source: vec![find("Smith")],
            cue: vec![find("said")],
            content: vec![find("We will win,"), find("and soon.")],
        };
        let unit = tag_unit(text, Span::new(0, text.len()), &[attribution]);
        assert_eq!(
            tag_names(&unit),
            [
                "O",
                "B-CONTENT",
                "I-CONTENT",
                "I-CONTENT",
                "I-CONTENT",
                "O",
                "B-SOURCE",
                "B-CUE",
                "O",
                "O",
                "B-CONTENT",
                "I-CONTENT",
                "I-CONTENT",
                "O"
            ]
        );
        let spans: Vec<(Role, &str)> = spans_of(&unit).into_iter().map(|(r, s)| (r, s.slice(text))).collect();
        assert_eq!(
            spans,
            [
                (Role::Content, "We will win,"),
                (Role::Source, "Smith"),
                (Role::Cue, "said"),
                (Role::Content, "and soon.")
            ]
        );
    }

    #[test]
    fn two_attributions_side_by_side_stay_apart_and_spans_stop_at_the_unit() {
        let text = "Officials fear it. Critics say it works well.";
        let find = |s: &str| {
            let start = text.find(s).unwrap();
            Span::new(start, start + s.len())
        };
        let first = Attribution { source: vec![find("Officials")], cue: vec![find("fear")], content: vec![find("it")] };
        let second =
            Attribution { source: vec![find("Critics")], cue: vec![find("say")], content: vec![find("it works well")] };
        // The unit ends inside the second content: its span is cut there.
        let unit_end = text.find("well").unwrap();
        let unit = tag_unit(text, Span::new(0, unit_end), &[first, second]);
        assert_eq!(
            tag_names(&unit),
            ["B-SOURCE", "B-CUE", "B-CONTENT", "O", "B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT"]
        );
    }
}
