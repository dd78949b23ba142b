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
