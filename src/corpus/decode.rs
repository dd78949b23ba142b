//! Turning raw bytes into text: UTF-8 first, Windows-1252 as the fallback, and binary sniffing.
//!
//! News corpora come from many tools. Most files are UTF-8, but files saved by older Windows
//! software are Windows-1252 (a superset of Latin-1 for printable text), and now and then a
//! photo or a PDF lands in the folder. This file decides, for one file or one record, whether
//! the bytes are text at all and how to read them, without ever failing: invalid UTF-8 is
//! decoded byte by byte through the Windows-1252 table and the caller turns the reported line
//! into a warning.

/// How many leading bytes [`looks_binary`] inspects.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The name given in warnings for the fallback encoding.
pub const FALLBACK_ENCODING: &str = "Windows-1252";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters for the bytes 0x80..=0x9F in Windows-1252. The five bytes that Windows-1252 leaves
/// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control with the same number, as
/// browsers do. Bytes 0xA0..=0xFF are the same code points as in Latin-1.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}',
    '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}',
    '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}',
    '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The character a single byte stands for in Windows-1252.
pub fn windows_1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Text decoded from bytes, with the line (1-based, counted in the input bytes) of the first
/// byte that was not valid UTF-8, if there was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub first_bad_line: Option<usize>,
}

/// Removes a leading UTF-8 byte order mark, if present.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// Decodes bytes as UTF-8; where they are not valid UTF-8, each offending byte is read as
/// Windows-1252 instead, so valid UTF-8 stretches in a mixed file stay intact.
pub fn decode(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: text.to_owned(), first_bad_line: None },
        Err(first_error) => {
            let first_bad_line = line_of(bytes, first_error.valid_up_to());
            Decoded { text: decode_mixed(bytes), first_bad_line: Some(first_bad_line) }
        }
    }
}

/// The 1-based line on which byte `offset` lies.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count()
}

fn decode_mixed(mut bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                // `valid` is valid UTF-8 by construction; the lossy call never replaces anything.
                text.push_str(&String::from_utf8_lossy(valid));
                let bad_len = error.error_len().unwrap_or(rest.len());
                for &byte in &rest[..bad_len] {
                    text.push(windows_1252_char(byte));
                }
                bytes = &rest[bad_len..];
            }
        }
    }
}

/// Whether bytes look like a binary file rather than text: a NUL byte among the first
/// [`SNIFF_BYTES`], or more than one in ten of them being control characters that text does not
/// use (anything below 0x20 other than tab, newline, carriage return and form feed, and DEL).
pub fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if sample.is_empty() {
        return false;
    }
    if sample.contains(&0) {
        return true;
    }
    let controls =
        sample.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F).count();
    controls * 10 > sample.len()
}

/// The lines of a file's bytes, numbered from 1 and without their `\n` or `\r\n`, each as text or, where it is
/// not valid UTF-8, as the reason it cannot be read.
pub fn numbered_lines(bytes: &[u8]) -> impl Iterator<Item = (usize, Result<&str, &'static str>)> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let lines = (!bytes.is_empty()).then(|| body.split(|&b| b == b'\n')).into_iter().flatten();
    lines.enumerate().map(|(index, line)| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        (index + 1, std::str::from_utf8(line).map_err(|_| "not valid UTF-8"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_read_as_is() {
        let decoded = decode("Café in São Paulo".as_bytes());
        assert_eq!(decoded.text, "Café in São Paulo");
        assert_eq!(decoded.first_bad_line, None);
    }

    #[test]
    fn latin1_is_read_as_windows_1252() {
        let decoded = decode(b"Caf\xe9 in S\xe3o Paulo");
        assert_eq!(decoded.text, "Café in São Paulo");
        assert_eq!(decoded.first_bad_line, Some(1));
    }

    #[test]
    fn windows_1252_punctuation_and_the_line_of_the_first_bad_byte() {
        let decoded = decode(b"line one\nline two\n\x93quoted\x94 \x96 it\x92s \x80 5");
        assert_eq!(decoded.text, "line one\nline two\n\u{201C}quoted\u{201D} \u{2013} it\u{2019}s \u{20AC} 5");
        assert_eq!(decoded.first_bad_line, Some(3));
    }

    #[test]
    fn mixed_files_keep_their_valid_utf8() {
        let mut bytes = "naïve ".as_bytes().to_vec();
        bytes.extend_from_slice(b"caf\xe9");
        assert_eq!(decode(&bytes).text, "naïve café");
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFhello"), b"hello");
        assert_eq!(strip_bom(b"hello"), b"hello");
    }

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(b"PNG\x00\x01\x02"));
        assert!(looks_binary(&[0x01, 0x02, 0x03, b'a', b'b']));
        assert!(!looks_binary(b"plain text\twith tabs\r\nand lines\x0c"));
        assert!(!looks_binary(b""));
        assert!(!looks_binary(b"Caf\xe9"));
    }

    #[test]
    fn lines_are_numbered_without_their_ends_and_bad_utf8_is_named() {
        let lines: Vec<_> = numbered_lines(b"a\r\n\xffb\n\nc\n").collect();
        assert_eq!(lines, [(1, Ok("a")), (2, Err("not valid UTF-8")), (3, Ok("")), (4, Ok("c"))]);
        assert_eq!(numbered_lines(b"").count(), 0);
        assert_eq!(numbered_lines(b"last").collect::<Vec<_>>(), [(1, Ok("last"))]);
    }
}
