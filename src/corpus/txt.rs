//! Plain-text articles: one article per `.txt` file.
//!
//! The text is the whole file, kept byte-for-byte apart from decoding (and a UTF-8 byte order
//! mark, which is dropped), and the title is its first non-empty line. Many scrapers write a small
//! header first, so a file may instead start with `key: value` lines (keys `title`, `date`,
//! `source`, `url`, any case) ended by a blank line; then the fields come from the header and
//! the text is everything after that blank line. It is only a header if every line before the
//! blank line is such a key line, so an ordinary article is never mistaken for one.

use std::path::Path;

use super::decode::{self, FALLBACK_ENCODING};
use super::id::derived_id;
use super::{Article, Origin, Problem, ProblemKind, ReadOptions};

/// Reads one `.txt` article from the file's bytes. Returns the article, if one could be read,
/// and the problems found: a skip reason when there is no article, or warnings to show before it.
pub fn read_txt(
    root_relative: &str,
    path: &Path,
    bytes: &[u8],
    options: ReadOptions,
) -> (Option<Article>, Vec<Problem>) {
    let origin = Origin { path: path.to_path_buf(), line: None };
    let skipped = |kind| (None, vec![Problem::at(&origin, kind)]);

    let bytes = decode::strip_bom(bytes);
    if bytes.len() > options.max_article_bytes {
        return skipped(ProblemKind::TooLarge { bytes: bytes.len() as u64, limit: options.max_article_bytes as u64 });
    }
    if decode::looks_binary(bytes) {
        return skipped(ProblemKind::Binary);
    }
    let decoded = decode::decode(bytes);
    let mut problems = Vec::new();
    if let Some(first_bad_line) = decoded.first_bad_line {
        problems.push(Problem::at(&origin, ProblemKind::NotUtf8 { decoded_as: FALLBACK_ENCODING, first_bad_line }));
    }

    let content = decoded.text;
    let (header, text) = match split_header(&content) {
        Some((header, body_start)) => (header, content[body_start..].to_owned()),
        None => (Header::default(), content),
    };
    if text.trim().is_empty() {
        return skipped(ProblemKind::Empty);
    }
    if text.len() > options.max_article_bytes {
        // Windows-1252 decoding can make the text longer than the file.
        return skipped(ProblemKind::TooLarge { bytes: text.len() as u64, limit: options.max_article_bytes as u64 });
    }
    let title = header.title.unwrap_or_else(|| first_non_empty_line(&text).to_owned());
    let article = Article {
        id: derived_id(root_relative, None, &text),
        title,
        date: header.date,
        source: header.source,
        url: header.url,
        text,
        origin,
    };
    (Some(article), problems)
}

/// The first line with something on it, trimmed; empty if there is none.
pub fn first_non_empty_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("")
}

/// Fields given in a file's header.
#[derive(Debug, Default, PartialEq, Eq)]
struct Header {
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    url: Option<String>,
}

/// If `content` starts with a header, returns its fields and the byte offset where the text
/// starts (just after the blank line that ends the header).
fn split_header(content: &str) -> Option<(Header, usize)> {
    let mut header = Header::default();
    let mut offset = 0;
    for (key_lines, line) in content.split_inclusive('\n').enumerate() {
        offset += line.len();
        let bare = line.trim();
        if bare.is_empty() {
            return (key_lines > 0).then_some((header, offset));
        }
        let (key, value) = bare.split_once(':')?;
        let value = value.trim();
        let value = (!value.is_empty()).then(|| value.to_owned());
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "title" => &mut header.title,
            "date" => &mut header.date,
            "source" => &mut header.source,
            "url" => &mut header.url,
            _ => return None,
        };
        if slot.is_none() {
            *slot = value;
        }
    }
    // No blank line ended it: this is text that happens to start with "key: value".
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> (Option<Article>, Vec<Problem>) {
        read_txt("a.txt", Path::new("corpus/a.txt"), bytes, ReadOptions::default())
    }

    #[test]
    fn plain_article_keeps_text_and_takes_first_line_as_title() {
        let content = "\n  Labour plans maternity pay rise  \n\nMaternity pay for new mothers...\n";
        let (article, problems) = read(content.as_bytes());
        let article = article.expect("article");
        assert!(problems.is_empty());
        assert_eq!(article.title, "Labour plans maternity pay rise");
        assert_eq!(article.text, content);
        assert_eq!(article.date, None);
        assert_eq!(article.origin.to_string(), "corpus/a.txt");
    }

    #[test]
    fn header_fields_and_text_after_blank_line() {
        let content = "Title: Budget row\nDATE: 2005-02-01\nsource:  BBC \nUrl: http://x.test/a:b\n\nThe text.\n";
        let (article, problems) = read(content.as_bytes());
        let article = article.expect("article");
        assert!(problems.is_empty());
        assert_eq!(article.title, "Budget row");
        assert_eq!(article.date.as_deref(), Some("2005-02-01"));
        assert_eq!(article.source.as_deref(), Some("BBC"));
        assert_eq!(article.url.as_deref(), Some("http://x.test/a:b"));
        assert_eq!(article.text, "The text.\n");
    }

    #[test]
    fn header_without_title_takes_title_from_text() {
        let (article, _) = read(b"date: 2005\r\n\r\nFirst line\r\nmore");
        let article = article.expect("article");
        assert_eq!(article.title, "First line");
        assert_eq!(article.text, "First line\r\nmore");
    }

    #[test]
    fn not_a_header_when_any_line_is_not_a_key_line() {
        let content = "Title: x\nSomething else\n\nbody";
        let (article, _) = read(content.as_bytes());
        let article = article.expect("article");
        assert_eq!(article.title, "Title: x");
        assert_eq!(article.text, content);
        let unknown_key = "Note: x\n\nbody";
        assert_eq!(read(unknown_key.as_bytes()).0.expect("article").text, unknown_key);
        let no_blank_line = "Title: only a header";
        assert_eq!(read(no_blank_line.as_bytes()).0.expect("article").title, "Title: only a header");
    }

    #[test]
    fn header_with_nothing_after_is_empty() {
        let (article, problems) = read(b"title: x\n\n  \n");
        assert!(article.is_none());
        assert_eq!(problems[0].kind, ProblemKind::Empty);
    }

    #[test]
    fn bom_is_dropped_and_latin1_warns() {
        let (article, problems) = read(b"\xEF\xBB\xBFHello");
        assert_eq!(article.expect("article").text, "Hello");
        assert!(problems.is_empty());
        let (article, problems) = read(b"Headline\n\nCaf\xe9");
        assert_eq!(article.expect("article").text, "Headline\n\nCafé");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code(), "not_utf8");
        assert_eq!(problems[0].line, None);
        assert!(problems[0].to_string().contains("first bad byte on line 3"));
    }

    #[test]
    fn too_large_binary_and_empty_are_skipped() {
        let options = ReadOptions { max_article_bytes: 4 };
        let (article, problems) = read_txt("a.txt", Path::new("a.txt"), b"12345", options);
        assert!(article.is_none());
        assert_eq!(problems[0].code(), "too_large");
        assert_eq!(read(b"GIF89a\x00\x01").1[0].code(), "binary");
        assert_eq!(read(b" \n\t\n").1[0].code(), "empty");
        assert_eq!(read(b"").1[0].code(), "empty");
    }
}
