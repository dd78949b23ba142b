//! What can be wrong with one input item, said so that a user knows what to fix.
//!
//! A corpus of thousands of files always holds a few bad ones. Reading never stops for them:
//! each becomes a [`Problem`] naming the file (and line, for record-based files), it is counted in
//! the run's manifest under its [`ProblemKind::code`], and reading goes on. Most problems mean the
//! item was skipped; a few are only warnings about an item that was still read
//! ([`ProblemKind::skips`]).

use std::fmt;
use std::path::PathBuf;

use super::Origin;

/// One problem with one input item: a file, or a line/record inside a JSONL/CSV/TSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// The 1-based line of the record concerned; `None` when the problem is about a whole file.
    pub line: Option<usize>,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, kind: ProblemKind) -> Problem {
        Problem { path: path.into(), line, kind }
    }

    /// A problem about the item at `origin`.
    pub fn at(origin: &Origin, kind: ProblemKind) -> Problem {
        Problem::new(origin.path.clone(), origin.line, kind)
    }

    /// Whether the item was skipped (`true`) or only warned about (`false`).
    pub fn skips(&self) -> bool {
        self.kind.skips()
    }

    /// The stable machine name of the problem's kind, for counting.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.kind),
            None => write!(f, "{}: {}", self.path.display(), self.kind),
        }
    }
}

impl std::error::Error for Problem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// What is wrong with an item. The `Display` text is the message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// The file could not be opened or read: permissions, a dangling symlink, a folder that
    /// cannot be listed, an I/O error half-way.
    #[error("cannot read: {0}")]
    Unreadable(String),
    /// NUL bytes or many control characters: a photo, a PDF, an archive.
    #[error("binary file, not text")]
    Binary,
    /// A warning: the bytes were not valid UTF-8 and were read in the fallback encoding.
    #[error("not valid UTF-8 (first bad byte on line {first_bad_line}); read as {decoded_as}")]
    NotUtf8 { decoded_as: &'static str, first_bad_line: usize },
    #[error("empty article: no text")]
    Empty,
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("malformed CSV: {0}")]
    MalformedCsv(String),
    /// No `text` in a JSON record (`"field"`) or in a CSV header (`"column"`).
    #[error("no 'text' {0}")]
    MissingText(&'static str),
    #[error("{}", too_large_message(*.bytes, *.limit))]
    TooLarge { bytes: u64, limit: u64 },
    /// A file in a folder whose extension stancemap does not read; holds the extension.
    #[error("unsupported file type '.{0}' (stancemap reads .txt, .jsonl, .csv, .tsv)")]
    UnsupportedType(String),
    #[error("duplicate article id '{id}' (first seen at {first_seen})")]
    DuplicateId { id: String, first_seen: Origin },
    /// A warning: the article's date is no day stancemap can read; the article is read, undated.
    #[error("cannot read the date {0:?} (stancemap reads ISO 8601 such as 2021-06-16 or 2021-06-16T10:00:00Z, RFC 2822 such as Wed, 16 Jun 2021 10:00:00 +0000, and 16 June 2021 or June 16, 2021); the article counts under 'all' but in no period")]
    UnreadableDate(String),
    /// A named pipe, a socket or a device in a corpus folder: never opened.
    #[error("{0}, not a file of articles: skipped without reading")]
    NotAFile(&'static str),
    /// A warning: a folder of the corpus that is the run's output or holds another run's tables.
    #[error("{0}, not articles: not read")]
    RunFolder(&'static str),
}

impl ProblemKind {
    /// A short, stable, machine-readable name, for counting problems in a manifest.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::Unreadable(_) => "unreadable",
            ProblemKind::Binary => "binary",
            ProblemKind::NotUtf8 { .. } => "not_utf8",
            ProblemKind::Empty => "empty",
            ProblemKind::MalformedJson(_) => "malformed_json",
            ProblemKind::MalformedCsv(_) => "malformed_csv",
            ProblemKind::MissingText(_) => "missing_text",
            ProblemKind::TooLarge { .. } => "too_large",
            ProblemKind::UnsupportedType(_) => "unsupported_type",
            ProblemKind::DuplicateId { .. } => "duplicate_id",
            ProblemKind::UnreadableDate(_) => "unreadable_date",
            ProblemKind::NotAFile(_) => "not_a_file",
            ProblemKind::RunFolder(_) => "run_folder",
        }
    }

    /// Whether the item was skipped; `false` for warnings about items that were still read.
    pub fn skips(&self) -> bool {
        !matches!(self, ProblemKind::NotUtf8 { .. } | ProblemKind::UnreadableDate(_) | ProblemKind::RunFolder(_))
    }
}

fn too_large_message(bytes: u64, limit: u64) -> String {
    let (mut size, mut max) = (human_size(bytes), human_size(limit));
    if size == max {
        // Rounding hid the difference ("1 MB, over the limit of 1 MB"): give exact numbers.
        size = format!("{bytes} bytes");
        max = format!("{limit} bytes");
    }
    format!("article is {size}, over the limit of {max}; raise it with --max-article-bytes")
}

/// Sizes in decimal units with one decimal place at most: "2.1 MB", "1 MB", "512 bytes".
fn human_size(bytes: u64) -> String {
    let scaled = |unit: f64, name: &str| {
        let text = format!("{:.1}", bytes as f64 / unit);
        let text = text.strip_suffix(".0").unwrap_or(&text).to_owned();
        format!("{text} {name}")
    };
    if bytes >= 1_000_000_000 {
        scaled(1e9, "GB")
    } else if bytes >= 1_000_000 {
        scaled(1e6, "MB")
    } else if bytes >= 1_000 {
        scaled(1e3, "KB")
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let too_large = ProblemKind::TooLarge { bytes: 2_100_000, limit: 1_000_000 };
        assert_eq!(
            too_large.to_string(),
            "article is 2.1 MB, over the limit of 1 MB; raise it with --max-article-bytes"
        );
        let barely = ProblemKind::TooLarge { bytes: 1_000_001, limit: 1_000_000 };
        assert!(barely.to_string().starts_with("article is 1000001 bytes, over the limit of 1000000 bytes"));
        let not_utf8 = ProblemKind::NotUtf8 { decoded_as: "Windows-1252", first_bad_line: 3 };
        assert_eq!(not_utf8.to_string(), "not valid UTF-8 (first bad byte on line 3); read as Windows-1252");
        assert!(!not_utf8.skips());
        assert!(ProblemKind::Binary.skips());
        assert_eq!(
            ProblemKind::UnsupportedType("xyz".into()).to_string(),
            "unsupported file type '.xyz' (stancemap reads .txt, .jsonl, .csv, .tsv)"
        );
        let duplicate = ProblemKind::DuplicateId {
            id: "a1".into(),
            first_seen: Origin { path: PathBuf::from("c/news.jsonl"), line: Some(2) },
        };
        assert_eq!(duplicate.to_string(), "duplicate article id 'a1' (first seen at c/news.jsonl:2)");
    }

    #[test]
    fn display_names_path_and_line() {
        let with_line = Problem::new("a/b.jsonl", Some(7), ProblemKind::Empty);
        assert_eq!(with_line.to_string(), "a/b.jsonl:7: empty article: no text");
        let whole_file = Problem::new("a/photo.txt", None, ProblemKind::Binary);
        assert_eq!(whole_file.to_string(), "a/photo.txt: binary file, not text");
        assert_eq!(whole_file.code(), "binary");
    }
}
