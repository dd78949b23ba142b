//! The pipeline's one word split: CoNLL-style tokens of running text, as the entity model sees them, and the
//! lowercase keys of those words that keyword matching compares.
//!
//! The model is trained on CoNLL-2003, whose tokens are whitespace-separated words with punctuation and the
//! possessive split off ("Germany 's", "( AP )") but abbreviations kept whole ("U.S.", "Mr."). Raw article text
//! is split the same way here, so that the model predicts at the same places it learned to: the first sub-token
//! of each word. Spans are byte offsets into the text.

use crate::lexicon::{self, Fixed};
use crate::span::Span;

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in text.split_inclusive(char::is_whitespace) {
        let trimmed = chunk.trim_end_matches(char::is_whitespace);
        if !trimmed.is_empty() {
            split_chunk(trimmed, offset, &mut out);
        }
        offset += chunk.len();
    }
    out
}

/// The keys of the words of `text`, in order, with their byte spans: each word's runs of letters and digits,
/// lowercased. Keys are what matching by words compares (topic keywords, the issue merge, the article scorer's
/// names), so that "climate-change" and "climate change", "Trump’s" and "Trump" share them.
/// A word cut at an apostrophe, hyphen or full stop gives a key per part ("don't" gives "don" and "t"), the same
/// in a keyword as in the text. [`words`] cuts only at spaces and beside marks, never inside a run of letters and
/// digits, so the keys are the text's runs of letters and digits, read here without cutting the words first.
pub fn word_keys(text: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let key = Span::new(s, i);
                out.push((key, key.slice(text).to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits one whitespace-free chunk into words: leading and trailing punctuation marks one by one, a final
/// possessive `'s`, and the rest whole.
fn split_chunk(chunk: &str, offset: usize, out: &mut Vec<Span>) {
    // Leading marks: each its own word.
    let mut start = 0;
    for (i, c) in chunk.char_indices() {
        if is_word_char(c) {
            break;
        }
        out.push(Span::new(offset + i, offset + i + c.len_utf8()));
        start = i + c.len_utf8();
    }
    if start == chunk.len() {
        return;
    }
    // Trailing marks, collected from the end.
    let mut end = chunk.len();
    let mut trailing = Vec::new();
    while end > start {
        let c = chunk[start..end].chars().next_back().unwrap_or('a');
        if is_word_char(c) {
            break;
        }
        if c == '.' && keeps_period(&chunk[start..end - 1]) {
            break;
        }
        trailing.push(Span::new(offset + end - c.len_utf8(), offset + end));
        end -= c.len_utf8();
    }
    let core = &chunk[start..end];
    // A possessive "'s" is its own word, as in CoNLL.
    let possessive = ["'s", "’s", "'S", "’S"].iter().find(|p| core.len() > p.len() && core.ends_with(*p));
    match possessive {
        Some(p) => {
            let split = end - p.len();
            out.push(Span::new(offset + start, offset + split));
            out.push(Span::new(offset + split, offset + end));
        }
        None => out.push(Span::new(offset + start, offset + end)),
    }
    out.extend(trailing.into_iter().rev());
}

/// Whether `body.` keeps its period: initials and acronyms with periods (W., U.S.) and known abbreviations.
fn keeps_period(body: &str) -> bool {
    let letters = body.chars().filter(|c| c.is_alphabetic()).count();
    (letters == 1 && body.chars().count() == 1)
        || (body.contains('.') && body.split('.').all(|part| part.chars().count() <= 1))
        || lexicon::fixed(Fixed::WordAbbreviations, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).into_iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn keys_are_the_lowercase_runs_of_letters_and_digits_in_each_word() {
        let text = "Trump’s climate-change plan, the U.S. and don't 2020!";
        let keys: Vec<String> = word_keys(text).into_iter().map(|(_, key)| key).collect();
        assert_eq!(keys, ["trump", "s", "climate", "change", "plan", "the", "u", "s", "and", "don", "t", "2020"]);
        for (span, key) in word_keys(text) {
            assert_eq!(span.slice(text).to_lowercase(), key);
        }
        let runs: Vec<String> =
            text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        assert_eq!(word_keys(text).into_iter().map(|(_, key)| key).collect::<Vec<_>>(), runs);
        // Each key lies inside one of the pipeline's words.
        let words = words(text);
        for (span, key) in word_keys(text) {
            assert!(words.iter().any(|word| word.start <= span.start && span.end <= word.end), "{key}");
        }
    }

    #[test]
    fn words_split_like_conll() {
        assert_eq!(
            texts("  Mr. Biden met Putin’s aides (in Geneva), said U.S. officials."),
            [
                "Mr.",
                "Biden",
                "met",
                "Putin",
                "’s",
                "aides",
                "(",
                "in",
                "Geneva",
                ")",
                ",",
                "said",
                "U.S.",
                "officials",
                "."
            ]
        );
        assert_eq!(texts("“São Paulo,” Zelenskyy said—"), ["“", "São", "Paulo", ",", "”", "Zelenskyy", "said", "—"]);
        assert_eq!(texts("George W. Bush"), ["George", "W.", "Bush"]);
        assert_eq!(texts("Anglo-Dutch 2021."), ["Anglo-Dutch", "2021", "."]);
    }

    #[test]
    fn no_panic_and_spans_in_order_on_odd_text() {
        for text in ["", " ", "...", "'s", "’", "a.", "\u{200b}x", "éé. ’s’s", "((((", "U.S.A.\t\n"] {
            let spans = words(text);
            let mut last = 0;
            for span in spans {
                assert!(span.start >= last && span.end <= text.len() && !span.is_empty(), "{text:?}");
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                last = span.end;
            }
        }
    }
}
