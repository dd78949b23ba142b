//! Character classes shared by the segmenters: what counts as blank, which marks end a sentence, and
//! which punctuation opens or closes a stretch of text.
//!
//! Kept in one place so that paragraphs, sentences and quotations agree on, for example, whether a
//! zero-width space is blank.

/// Whitespace, control characters and the invisible characters that news feeds leave around text
/// (zero-width spaces and joiners, word joiner, byte-order mark). Spans are trimmed of these.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Characters that end a line. `\r\n` is handled by the line splitter as one terminator.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Punctuation that can end a sentence.
pub(crate) fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉')
}

/// Marks that may follow a sentence's final punctuation and still belong to the sentence.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | '»' | '›' | ')' | ']' | '}' | '*')
}

/// Marks that may stand before a sentence's first word.
pub(crate) fn is_opener(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '«' | '‹' | '„' | '(' | '[' | '{' | '¿' | '¡' | '*' | '•' | '-' | '—' | '–')
}

/// The first character of `s`, if any.
pub(crate) fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

/// The last character of `s`, if any.
pub(crate) fn last_char(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// `(start, end)` of `s[start..end]` with blank characters trimmed from both ends, as offsets into `s`.
pub(crate) fn trimmed_bounds(s: &str) -> (usize, usize) {
    let start = s.len() - s.trim_start_matches(is_blank).len();
    let end = s.trim_end_matches(is_blank).len();
    if end <= start {
        (start, start)
    } else {
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_control_characters_are_blank() {
        assert!(is_blank('\u{200B}'));
        assert!(is_blank('\u{FEFF}'));
        assert!(is_blank('\t'));
        assert!(is_blank('\u{7}'));
        assert!(!is_blank('a'));
        assert!(!is_blank('“'));
    }

    #[test]
    fn trimming_counts_bytes_of_multibyte_blanks() {
        let s = "\u{FEFF} Kyiv—\u{200B}\r\n";
        let (start, end) = trimmed_bounds(s);
        assert_eq!(&s[start..end], "Kyiv—");
        assert_eq!(trimmed_bounds(" \u{200B} "), (5, 5));
    }
}
