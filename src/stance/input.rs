//! How a stance question is put to the encoder. The passage is the first segment, with the holder and the
//! target marked where they occur in it (`<h>Putin</h> rejected <t>NATO</t>'s offer`); the second segment names
//! them (`holder: putin. target: nato`, `holder: the author.` when the holder is the author), so a holder or
//! target without a span in the passage is still named. The classifier reads the first token.
//!
//! Passages longer than the model's window are cut to a window of characters around the marked spans.

use crate::model::{EncoderTokenizer, ModelError};

use super::example::StanceExample;

pub const TARGET_OPEN: &str = "<t>";
pub const TARGET_CLOSE: &str = "</t>";
pub const HOLDER_OPEN: &str = "<h>";
pub const HOLDER_CLOSE: &str = "</h>";

/// The longest input, in tokens, the classifier is given (training and inference alike).
pub const MAX_TOKENS: usize = 256;

/// What the model card says about the input, so that users of an exported model write it the same way.
pub const INPUT_DOC: &str = "two segments. First: the passage with the target wrapped as <t>...</t> and the holder \
                             as <h>...</h> where they occur (no spaces added; the holder marker is left out when \
                             its span overlaps the target's). Second: 'holder: NAME. target: NAME' with NAME as \
                             given, 'the author' when the holder is the author. Labels favor, against, neutral; \
                             the class is read from the first token";

/// One stance question: who (None: the author) toward what, in which passage. Spans are character offsets.
#[derive(Debug, Clone, Copy)]
pub struct StanceQuery<'a> {
    pub text: &'a str,
    pub holder: Option<&'a str>,
    pub holder_span: Option<[usize; 2]>,
    pub target: &'a str,
    pub target_span: Option<[usize; 2]>,
}

impl<'a> StanceQuery<'a> {
    pub fn of(example: &'a StanceExample) -> StanceQuery<'a> {
        StanceQuery {
            text: &example.text,
            holder: example.holder.as_deref(),
            holder_span: example.holder_span,
            target: &example.target,
            target_span: example.target_span,
        }
    }

    /// The second segment: names of holder and target.
    pub fn question(&self) -> String {
        format!("holder: {}. target: {}", self.holder.unwrap_or("the author"), self.target)
    }

    /// The passage with its markers, cut to the characters `[from, to)`.
    pub fn marked_text(&self, from: usize, to: usize) -> String {
        let target = self.target_span.filter(|s| s[0] < s[1]);
        let holder = self.holder_span.filter(|h| h[0] < h[1] && target.is_none_or(|t| h[1] <= t[0] || t[1] <= h[0]));
        let mut marks: Vec<(usize, bool, &str)> = Vec::new(); // (char position, is opening, marker)
        for (span, open, close) in [(target, TARGET_OPEN, TARGET_CLOSE), (holder, HOLDER_OPEN, HOLDER_CLOSE)] {
            if let Some([start, end]) = span {
                if start >= from && end <= to {
                    marks.push((start, true, open));
                    marks.push((end, false, close));
                }
            }
        }
        // At one position, a closing marker comes before an opening one.
        marks.sort_by_key(|&(position, opening, _)| (position, opening));
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut marks = marks.into_iter().peekable();
        for (i, c) in self.text.chars().enumerate().skip(from).take(to.saturating_sub(from)) {
            while let Some((_, _, marker)) = marks.next_if(|m| m.0 == i) {
                out.push_str(marker);
            }
            out.push(c);
        }
        for (_, _, marker) in marks {
            out.push_str(marker);
        }
        out
    }

    /// Token ids for the encoder, at most [`MAX_TOKENS`]: the whole passage when it fits, else windows of
    /// characters around the marked spans, halved until it fits.
    pub fn encode(&self, tokenizer: &EncoderTokenizer) -> Result<Vec<i64>, ModelError> {
        let question = self.question();
        let length = self.text.chars().count();
        let (mut from, mut to) = (0, length);
        let spans: Vec<[usize; 2]> = [self.target_span, self.holder_span].into_iter().flatten().collect();
        let (first, last) = match (spans.iter().map(|s| s[0]).min(), spans.iter().map(|s| s[1]).max()) {
            (Some(first), Some(last)) => (first, last),
            _ => (0, 0),
        };
        let mut margin = 1200;
        loop {
            let encoded = tokenizer.encode_pair(&self.marked_text(from, to), &question)?;
            if encoded.len() <= MAX_TOKENS || margin < 20 {
                let mut ids = encoded.ids;
                if ids.len() > MAX_TOKENS {
                    // Even the smallest window is too long (a very long target name): keep the first tokens and
                    // the closing special token.
                    let close = *ids.last().unwrap_or(&0);
                    ids.truncate(MAX_TOKENS - 1);
                    ids.push(close);
                }
                return Ok(ids);
            }
            from = first.saturating_sub(margin);
            to = (last + margin).min(length);
            margin /= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(text: &'a str, holder: Option<[usize; 2]>, target: Option<[usize; 2]>) -> StanceQuery<'a> {
        StanceQuery { text, holder: Some("Putin"), holder_span: holder, target: "NATO", target_span: target }
    }

    #[test]
    fn markers_wrap_holder_and_target_where_they_occur() {
        let text = "Putin rejected NATO’s offer.";
        let q = query(text, Some([0, 5]), Some([15, 19]));
        assert_eq!(q.marked_text(0, 28), "<h>Putin</h> rejected <t>NATO</t>’s offer.");
        assert_eq!(q.question(), "holder: Putin. target: NATO");
        // Adjacent spans: the holder closes before the target opens.
        let q = query("PutinNATO", Some([0, 5]), Some([5, 9]));
        assert_eq!(q.marked_text(0, 9), "<h>Putin</h><t>NATO</t>");
        // A holder overlapping the target is not marked; a span at the very end closes after the last character.
        let q = query("NATO", Some([0, 2]), Some([0, 4]));
        assert_eq!(q.marked_text(0, 4), "<t>NATO</t>");
        // The author as holder, no spans.
        let q = StanceQuery { text: "x", holder: None, holder_span: None, target: "y", target_span: None };
        assert_eq!(q.marked_text(0, 1), "x");
        assert_eq!(q.question(), "holder: the author. target: y");
    }

    #[test]
    fn a_window_keeps_only_spans_inside_it() {
        let q = query("aa NATO bb", Some([0, 2]), Some([3, 7]));
        assert_eq!(q.marked_text(2, 10), " <t>NATO</t> bb");
    }
}
