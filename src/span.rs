//! Spans into an article's text.
//!
//! Inside the program every span is a pair of byte offsets into the original text (so `&text[span.range()]`
//! is always valid). They become character offsets, counted as Python counts (Unicode scalar values), only
//! where they leave the program: CSV and JSONL outputs call [`CharIndex::to_chars`].

use std::ops::Range;

/// A half-open byte range `[start, end)` into a text, on character boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text this span covers.
    pub fn slice(self, text: &str) -> &str {
        &text[self.range()]
    }
}

/// Where a list of spans in order of their starts lies around a span, found in O(log n) instead of by scanning
/// the list: what a pass over an article's sentences uses to look up the mentions, quotations and phrases of
/// each, so that its cost grows with the article's length and not with its square.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanIndex {
    starts: Vec<usize>,
    /// `reach[i]`: the furthest end of spans `0..=i`.
    reach: Vec<usize>,
}

impl SpanIndex {
    /// The index of `spans`, which are in order of their starts.
    pub fn new(spans: impl IntoIterator<Item = Span>) -> SpanIndex {
        let mut index = SpanIndex::default();
        for span in spans {
            debug_assert!(index.starts.last().is_none_or(|&start| start <= span.start), "spans out of order");
            index.reach.push(index.reach.last().map_or(span.end, |&reach| reach.max(span.end)));
            index.starts.push(span.start);
        }
        index
    }

    /// The positions of the spans that may overlap, contain, touch or lie inside `span`: every one that does is
    /// among them, with at most a few that do not (callers still test each).
    pub fn around(&self, span: Span) -> Range<usize> {
        let first = self.reach.partition_point(|&reach| reach < span.start);
        let end = self.starts.partition_point(|&start| start <= span.end);
        first..end.max(first)
    }
}

/// Converts byte offsets of one text into character offsets, in order, in amortised constant time.
pub struct CharIndex<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharIndex<'t> {
    pub fn new(text: &'t str) -> CharIndex<'t> {
        CharIndex { text, byte: 0, chars: 0 }
    }

    /// The number of characters before byte offset `byte`. Fastest when called with increasing offsets.
    pub fn to_chars(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// The first occurrence of `word` in `text` that is a whole word (no letter or digit right before or after it),
/// so that a name is not found inside a longer one ("Biden" in "Bidenomics").
pub fn whole_word(text: &str, word: &str) -> Option<Span> {
    if word.is_empty() {
        return None;
    }
    text.match_indices(word).map(|(start, _)| Span::new(start, start + word.len())).find(|span| {
        let before = text[..span.start].chars().next_back();
        let after = text[span.end..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_index_finds_every_span_around_a_span_and_skips_the_far_ones() {
        // A long span (0..50) reaches past many short ones: it must still be found around 40..45.
        let spans = [Span::new(0, 50), Span::new(2, 4), Span::new(10, 12), Span::new(41, 43), Span::new(60, 70)];
        let index = SpanIndex::new(spans);
        for probe in [Span::new(40, 45), Span::new(3, 3), Span::new(12, 12), Span::new(55, 58), Span::new(0, 100)] {
            let around = index.around(probe);
            let expected: Vec<usize> = (0..spans.len())
                .filter(|&i| spans[i].overlaps(probe) || spans[i].contains(probe) || probe.contains(spans[i]))
                .collect();
            assert!(expected.iter().all(|i| around.contains(i)), "{probe:?}: {around:?} misses one of {expected:?}");
        }
        assert_eq!(index.around(Span::new(55, 58)), 4..4, "none lies there: nothing is offered");
        assert_eq!(index.around(Span::new(71, 80)), 5..5, "past the last span: nothing");
        let short = SpanIndex::new([Span::new(2, 4), Span::new(10, 12), Span::new(41, 43)]);
        assert_eq!(short.around(Span::new(40, 45)), 2..3, "only the span inside, not the ones before it");
    }

    #[test]
    fn char_offsets_count_unicode_scalars_as_python_does() {
        let text = "Zelenskyy met Lavrov in São Paulo — “yes”.";
        let start = text.find("São").unwrap();
        let span = Span::new(start, start + "São Paulo".len());
        assert_eq!(span.slice(text), "São Paulo");
        let mut index = CharIndex::new(text);
        assert_eq!(index.to_chars(span.start), 24);
        assert_eq!(index.to_chars(span.end), 33);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[24..33].iter().collect::<String>(), "São Paulo");
        // Going back restarts the count.
        assert_eq!(index.to_chars(0), 0);
    }
}
