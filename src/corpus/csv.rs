//! CSV and TSV articles: one article per row, columns named by a required header row.
//!
//! Columns `id`, `title`, `text`, `date`, `source`, `url` are found by header name (any case);
//! without a `text` column nothing is read from the file. Rows are RFC 4180 (quoted fields may
//! span lines) and are read one at a time as bytes, so each row is decoded on its own (one
//! Windows-1252 row does not spoil the others) and memory stays flat. A row with the wrong number
//! of fields is reported with its line and skipped. A runaway row (say, an unclosed quote at the
//! top of a huge file) is cut off once it passes the record size cap instead of filling memory;
//! the rest of that file is then skipped, since the row boundaries can no longer be trusted.
//! Windows line ends (CRLF) are read as LF before the parser sees them ([`LineEnds`]), so that line numbers
//! in problems and origins are the ones an editor shows, whichever line ends the file has.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ::csv::{ByteRecord, Reader, ReaderBuilder};

use super::decode::{self, FALLBACK_ENCODING, SNIFF_BYTES};
use super::jsonl::record_byte_cap;
use super::{Article, Origin, Problem, ProblemKind, ReadOptions, RecordFields};

/// Where each known column is in the header.
#[derive(Debug, Clone, Copy)]
struct Columns {
    count: usize,
    text: usize,
    id: Option<usize>,
    title: Option<usize>,
    date: Option<usize>,
    source: Option<usize>,
    url: Option<usize>,
}

/// The CSV parser over the sniffed head, the rest of the input, and the row size guard.
type GuardedReader<R> = Reader<Guarded<LineEnds<Chain<Cursor<Vec<u8>>, R>>>>;

/// Reads articles from CSV (or TSV, or any single-byte delimiter), one row at a time. Yields
/// problems in input order, a warning right before the article it concerns.
pub struct CsvRecords<R> {
    root_relative: String,
    path: PathBuf,
    options: ReadOptions,
    reader: Option<GuardedReader<R>>,
    read_since_record: Arc<AtomicU64>,
    columns: Option<Columns>,
    record: ByteRecord,
    finished: bool,
    pending: VecDeque<Result<Article, Problem>>,
}

impl<R: Read> CsvRecords<R> {
    /// `root_relative` is the file's path relative to the corpus root (it goes into derived ids);
    /// `path` is the path shown in origins and problems; `delimiter` is `b','` or `b'\t'`.
    pub fn new(root_relative: &str, path: &Path, mut reader: R, delimiter: u8, options: ReadOptions) -> Self {
        let mut records = CsvRecords {
            root_relative: root_relative.to_owned(),
            path: path.to_path_buf(),
            options,
            reader: None,
            read_since_record: Arc::new(AtomicU64::new(0)),
            columns: None,
            record: ByteRecord::new(),
            finished: false,
            pending: VecDeque::new(),
        };
        let mut head = Vec::new();
        if let Err(error) = (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut head) {
            records.stop(None, ProblemKind::Unreadable(error.to_string()));
            return records;
        }
        if decode::looks_binary(&head) {
            records.stop(None, ProblemKind::Binary);
            return records;
        }
        let guarded = Guarded {
            inner: LineEnds::new(Cursor::new(head).chain(reader)),
            read_since_record: Arc::clone(&records.read_since_record),
            cap: record_byte_cap(options) as u64,
        };
        records.reader =
            Some(ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(guarded));
        records
    }

    fn stop(&mut self, line: Option<usize>, kind: ProblemKind) {
        self.pending.push_back(Err(Problem::new(self.path.clone(), line, kind)));
        self.finished = true;
    }

    /// Reads the next row into `self.record`; false (with the problem queued) when there is none.
    fn read_record(&mut self) -> bool {
        let Some(reader) = self.reader.as_mut() else {
            self.finished = true;
            return false;
        };
        match reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                self.read_since_record.store(0, Ordering::Relaxed);
                true
            }
            Ok(false) => {
                self.finished = true;
                false
            }
            Err(error) => {
                let line = Some(reader.position().line() as usize);
                let read = self.read_since_record.load(Ordering::Relaxed);
                let kind = match error.kind() {
                    ::csv::ErrorKind::Io(io_error) if is_cut_off(io_error) => {
                        ProblemKind::TooLarge { bytes: read, limit: self.options.max_article_bytes as u64 }
                    }
                    _ => ProblemKind::Unreadable(error.to_string()),
                };
                self.stop(line, kind);
                false
            }
        }
    }

    fn line(&self) -> usize {
        self.record.position().map_or(0, |position| position.line() as usize)
    }

    fn read_header(&mut self) {
        if !self.read_record() {
            if self.pending.is_empty() {
                self.stop(
                    None,
                    ProblemKind::MalformedCsv(
                        "no header row; the first row must name the columns, e.g. id,title,text".into(),
                    ),
                );
            }
            return;
        }
        let names: Vec<String> = self
            .record
            .iter()
            .map(|name| {
                let name = decode::decode(decode::strip_bom(name)).text;
                name.trim().to_lowercase()
            })
            .collect();
        let find = |wanted: &str| names.iter().position(|name| name == wanted);
        match find("text") {
            Some(text) => {
                self.columns = Some(Columns {
                    count: names.len(),
                    text,
                    id: find("id"),
                    title: find("title"),
                    date: find("date"),
                    source: find("source"),
                    url: find("url"),
                })
            }
            None => self.stop(Some(self.line()), ProblemKind::MissingText("column")),
        }
    }

    /// Reads the next row into `pending`.
    fn read_row(&mut self, columns: Columns) {
        if !self.read_record() {
            return;
        }
        let line = self.line();
        let origin = Origin { path: self.path.clone(), line: Some(line) };
        if self.record.len() != columns.count {
            let kind = ProblemKind::MalformedCsv(format!(
                "row has {} field{}, but the header has {}",
                self.record.len(),
                if self.record.len() == 1 { "" } else { "s" },
                columns.count
            ));
            self.pending.push_back(Err(Problem::at(&origin, kind)));
            return;
        }
        let text_bytes = self.record.get(columns.text).unwrap_or_default();
        if decode::looks_binary(text_bytes) {
            self.pending.push_back(Err(Problem::at(&origin, ProblemKind::Binary)));
            return;
        }

        let mut first_bad_line: Option<usize> = None;
        let mut field = |index: Option<usize>| -> Option<String> {
            let index = index?;
            let bytes = self.record.get(index)?;
            let decoded = decode::decode(bytes);
            if let Some(bad_in_field) = decoded.first_bad_line {
                // Newlines only occur inside (quoted) fields, so the lines before this field's bad
                // byte are the newlines in the fields before it plus those in it up to that byte.
                let before: usize = (0..index)
                    .filter_map(|earlier| self.record.get(earlier))
                    .map(|earlier| earlier.iter().filter(|&&b| b == b'\n').count())
                    .sum();
                let bad_line = line + before + bad_in_field - 1;
                first_bad_line = Some(first_bad_line.map_or(bad_line, |seen| seen.min(bad_line)));
            }
            Some(decoded.text)
        };
        let fields = RecordFields {
            text: field(Some(columns.text)).unwrap_or_default(),
            id: field(columns.id),
            title: field(columns.title),
            date: field(columns.date).filter(|value| !value.trim().is_empty()),
            source: field(columns.source).filter(|value| !value.trim().is_empty()),
            url: field(columns.url).filter(|value| !value.trim().is_empty()),
        };
        if let Some(first_bad_line) = first_bad_line {
            let warning = ProblemKind::NotUtf8 { decoded_as: FALLBACK_ENCODING, first_bad_line };
            self.pending.push_back(Err(Problem::at(&origin, warning)));
        }
        let item = fields
            .into_article(&self.root_relative, origin.clone(), self.options)
            .map_err(|kind| Problem::at(&origin, kind));
        self.pending.push_back(item);
    }
}

impl<R: Read> Iterator for CsvRecords<R> {
    type Item = Result<Article, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.columns {
                None => self.read_header(),
                Some(columns) => self.read_row(columns),
            }
        }
    }
}

/// The error a [`Guarded`] reader gives once a row has grown past the cap.
#[derive(Debug)]
struct RowCutOff;

impl std::fmt::Display for RowCutOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("row is over the record size cap")
    }
}

impl std::error::Error for RowCutOff {}

fn is_cut_off(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<RowCutOff>())
}

/// A reader that fails once more than `cap` bytes were read since the last complete row, so that
/// the CSV parser never buffers a runaway row.
struct Guarded<R> {
    inner: R,
    read_since_record: Arc<AtomicU64>,
    cap: u64,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read_since_record.load(Ordering::Relaxed) > self.cap {
            return Err(io::Error::other(RowCutOff));
        }
        let read = self.inner.read(buf)?;
        self.read_since_record.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// A reader that turns each CRLF into LF (a lone CR is kept). The CSV parser counts a CRLF row's line before
/// it has passed the LF, which put every row of a Windows file one line too early.
struct LineEnds<R> {
    inner: BufReader<R>,
}

impl<R: Read> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds { inner: BufReader::with_capacity(64 * 1024, inner) }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut written = 0;
        while written < out.len() {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            if available == b"\r" {
                // A CR at the end of the buffer: whether it is dropped depends on the byte after it.
                self.inner.consume(1);
                if self.inner.fill_buf()?.first() != Some(&b'\n') {
                    out[written] = b'\r';
                    written += 1;
                }
                continue;
            }
            // A final CR waits for the next buffer, where it is alone.
            let usable = available.len() - usize::from(available.last() == Some(&b'\r'));
            let mut taken = 0;
            while taken < usable && written < out.len() {
                let byte = available[taken];
                if !(byte == b'\r' && available.get(taken + 1) == Some(&b'\n')) {
                    out[written] = byte;
                    written += 1;
                }
                taken += 1;
            }
            self.inner.consume(taken);
            if written > 0 {
                break;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_rows_have_the_line_numbers_an_editor_shows() {
        let lf = b"id,title,text\na1,T1,Estonia spoke.\na2,T2,Turkey spoke.\na2,T3,Dup.\na4,T4\n\"q\",T5,\"two\nlines\"\na6,T6,x\n";
        let crlf: Vec<u8> = String::from_utf8_lossy(lf).replace('\n', "\r\n").into_bytes();
        let places = |items: &[Result<Article, Problem>]| -> Vec<(Option<usize>, String)> {
            items
                .iter()
                .map(|item| match item {
                    Ok(article) => (article.origin.line, article.text.clone()),
                    Err(problem) => (problem.line, problem.code().to_string()),
                })
                .collect()
        };
        let from_lf = places(&read(lf, b',', ReadOptions::default()));
        assert_eq!(
            from_lf,
            [
                (Some(2), "Estonia spoke.".to_string()),
                (Some(3), "Turkey spoke.".to_string()),
                (Some(4), "Dup.".to_string()),
                (Some(5), "malformed_csv".to_string()),
                (Some(6), "two\nlines".to_string()),
                (Some(8), "x".to_string()),
            ]
        );
        assert_eq!(places(&read(&crlf, b',', ReadOptions::default())), from_lf, "CRLF reads as LF");
        // A lone CR inside a field is kept, and a CRLF split between two reads is still one line end.
        let items = read(b"text\r\n\"a\rb\"\r\nc\r\n", b',', ReadOptions::default());
        assert_eq!(places(&items), [(Some(2), "a\rb".to_string()), (Some(3), "c".to_string())]);
        for split in 1..12 {
            let bytes = b"text\r\nfirst\r\nsecond\r\n";
            let reader = io::Read::chain(&bytes[..split], &bytes[split..]);
            let mut ends = LineEnds { inner: BufReader::with_capacity(split, reader) };
            let mut seen = Vec::new();
            ends.read_to_end(&mut seen).unwrap();
            assert_eq!(seen, b"text\nfirst\nsecond\n", "split at {split}");
        }
    }

    fn read(bytes: &[u8], delimiter: u8, options: ReadOptions) -> Vec<Result<Article, Problem>> {
        CsvRecords::new("n.csv", Path::new("c/n.csv"), bytes, delimiter, options).collect()
    }

    fn codes(items: &[Result<Article, Problem>]) -> Vec<(Option<usize>, &'static str)> {
        items
            .iter()
            .map(|item| match item {
                Ok(article) => (article.origin.line, "article"),
                Err(problem) => (problem.line, problem.code()),
            })
            .collect()
    }

    #[test]
    fn rows_with_quoted_multiline_fields_and_a_short_row() {
        let input = "\u{feff}ID,Title,Text,Extra\n1,First,\"Line one\nline \"\"two\"\"\",x\n2,Short\n,Third,Plain,y\n3,Fourth,\"  \",z\n";
        let items = read(input.as_bytes(), b',', ReadOptions::default());
        assert_eq!(
            codes(&items),
            vec![(Some(2), "article"), (Some(4), "malformed_csv"), (Some(5), "article"), (Some(6), "empty"),]
        );
        let first = items[0].as_ref().expect("article");
        assert_eq!(first.id, "1");
        assert_eq!(first.title, "First");
        assert_eq!(first.text, "Line one\nline \"two\"");
        assert_eq!(
            items[1].as_ref().expect_err("problem").to_string(),
            "c/n.csv:4: malformed CSV: row has 2 fields, but the header has 4"
        );
        let third = items[2].as_ref().expect("article");
        assert_eq!(third.id.len(), 16);
        assert_eq!(third.date, None);
    }

    #[test]
    fn tsv_and_missing_text_column() {
        let items = read(b"title\ttext\nA\tSome text\n", b'\t', ReadOptions::default());
        assert_eq!(items[0].as_ref().expect("article").text, "Some text");
        let items = read(b"title,body\nA,B\n", b',', ReadOptions::default());
        assert_eq!(codes(&items), vec![(Some(1), "missing_text")]);
        assert_eq!(items[0].as_ref().expect_err("problem").to_string(), "c/n.csv:1: no 'text' column");
        assert_eq!(codes(&read(b"", b',', ReadOptions::default())), vec![(None, "malformed_csv")]);
    }

    #[test]
    fn latin1_warning_points_at_the_line_of_the_bad_byte() {
        let input = b"id,text\nx,\"multi\nline Caf\xe9\"\ny,fine\n";
        let items = read(input, b',', ReadOptions::default());
        assert_eq!(codes(&items), vec![(Some(2), "not_utf8"), (Some(2), "article"), (Some(4), "article")]);
        assert!(items[0].as_ref().expect_err("warning").to_string().contains("first bad byte on line 3"));
        assert_eq!(items[1].as_ref().expect("article").text, "multi\nline Café");
    }

    #[test]
    fn runaway_row_is_cut_off() {
        let options = ReadOptions { max_article_bytes: 100 };
        let mut input = b"id,text\n1,ok\n2,\"never closed ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 500_000));
        let items = read(&input, b',', options);
        assert_eq!(codes(&items), vec![(Some(2), "article"), (Some(3), "too_large")]);
    }

    #[test]
    fn binary_file_is_one_problem() {
        let items = read(b"text\n\x00\x01\x02", b',', ReadOptions::default());
        assert_eq!(codes(&items), vec![(None, "binary")]);
    }
}
