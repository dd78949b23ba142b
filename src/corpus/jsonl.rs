//! JSON Lines articles: one JSON object per line (`.jsonl`, `.ndjson`).
//!
//! Each line is read on its own, as bytes and with a bounded length, so a file of any size takes
//! flat memory and one bad line (broken JSON, a stray Windows-1252 byte, a runaway line) spoils
//! only itself. Fields: `text` (required, a string), `id` (a string or a number), `title`, `date`,
//! `source`, `url` (strings); other fields are ignored and blank lines skipped.

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::decode::{self, FALLBACK_ENCODING, SNIFF_BYTES};
use super::{Article, Origin, Problem, ProblemKind, ReadOptions, RecordFields};

/// The longest line read whole: room for a text at the size limit with escapes and other fields.
/// Longer lines are skipped (and never held in memory) as too large.
pub(crate) fn record_byte_cap(options: ReadOptions) -> usize {
    options.max_article_bytes.saturating_mul(2).saturating_add(64 * 1024)
}

/// Reads articles from JSON Lines, one line at a time. Yields problems in input order, a warning
/// right before the article it concerns.
pub struct JsonlRecords<R> {
    root_relative: String,
    path: PathBuf,
    reader: R,
    options: ReadOptions,
    line: usize,
    started: bool,
    finished: bool,
    pending: VecDeque<Result<Article, Problem>>,
}

impl<R: BufRead> JsonlRecords<R> {
    /// `root_relative` is the file's path relative to the corpus root (it goes into derived ids);
    /// `path` is the path shown in origins and problems.
    pub fn new(root_relative: &str, path: &Path, reader: R, options: ReadOptions) -> Self {
        JsonlRecords {
            root_relative: root_relative.to_owned(),
            path: path.to_path_buf(),
            reader,
            options,
            line: 0,
            started: false,
            finished: false,
            pending: VecDeque::new(),
        }
    }

    fn problem(&mut self, line: Option<usize>, kind: ProblemKind) {
        self.pending.push_back(Err(Problem::new(self.path.clone(), line, kind)));
    }

    fn stop_unreadable(&mut self, line: Option<usize>, error: std::io::Error) {
        self.problem(line, ProblemKind::Unreadable(error.to_string()));
        self.finished = true;
    }

    /// Reads the next line into `pending` (which may stay empty for a blank line).
    fn read_line(&mut self) {
        if !self.started {
            self.started = true;
            match self.reader.fill_buf() {
                Ok(head) if decode::looks_binary(&head[..head.len().min(SNIFF_BYTES)]) => {
                    self.problem(None, ProblemKind::Binary);
                    self.finished = true;
                    return;
                }
                Ok(_) => {}
                Err(error) => return self.stop_unreadable(None, error),
            }
        }

        let cap = record_byte_cap(self.options);
        let mut bytes = Vec::new();
        let read = Read::take(&mut self.reader, cap as u64 + 1).read_until(b'\n', &mut bytes);
        match read {
            Ok(0) => {
                self.finished = true;
                return;
            }
            Ok(_) => self.line += 1,
            Err(error) => return self.stop_unreadable(Some(self.line + 1), error),
        }
        let line = self.line;
        if bytes.len() > cap && bytes.last() != Some(&b'\n') {
            match skip_rest_of_line(&mut self.reader) {
                Ok(rest) => self.problem(
                    Some(line),
                    ProblemKind::TooLarge {
                        bytes: (bytes.len() + rest) as u64,
                        limit: self.options.max_article_bytes as u64,
                    },
                ),
                Err(error) => self.stop_unreadable(Some(line), error),
            }
            return;
        }

        let mut content: &[u8] = &bytes;
        content = content.strip_suffix(b"\n").unwrap_or(content);
        content = content.strip_suffix(b"\r").unwrap_or(content);
        if line == 1 {
            content = decode::strip_bom(content);
        }
        if content.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let decoded = decode::decode(content);
        let origin = Origin { path: self.path.clone(), line: Some(line) };
        if decoded.first_bad_line.is_some() {
            self.problem(Some(line), ProblemKind::NotUtf8 { decoded_as: FALLBACK_ENCODING, first_bad_line: line });
        }
        let item = parse_record(&decoded.text)
            .and_then(|fields| fields.into_article(&self.root_relative, origin.clone(), self.options))
            .map_err(|kind| Problem::at(&origin, kind));
        self.pending.push_back(item);
    }
}

impl<R: BufRead> Iterator for JsonlRecords<R> {
    type Item = Result<Article, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            self.read_line();
        }
    }
}

/// Consumes the reader up to and including the next newline; returns how many bytes came before it.
fn skip_rest_of_line(reader: &mut impl BufRead) -> std::io::Result<usize> {
    let mut skipped = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(skipped);
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(end) => {
                reader.consume(end + 1);
                return Ok(skipped + end);
            }
            None => {
                let len = available.len();
                reader.consume(len);
                skipped += len;
            }
        }
    }
}

/// Parses one line into the fields of an article.
fn parse_record(line: &str) -> Result<RecordFields, ProblemKind> {
    let value: Value = serde_json::from_str(line).map_err(|error| {
        // serde_json counts lines inside the record, always line 1 here: give the column only.
        let message = error.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => format!("{} at column {}", &message[..at], error.column()),
            None => message,
        };
        ProblemKind::MalformedJson(message)
    })?;
    let mut object = match value {
        Value::Object(object) => object,
        other => {
            return Err(ProblemKind::MalformedJson(format!(
                "expected an object with a 'text' field, found {}",
                json_type(&other)
            )));
        }
    };
    let text = match object.remove("text") {
        None | Some(Value::Null) => return Err(ProblemKind::MissingText("field")),
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err(ProblemKind::MalformedJson(format!("'text' must be a string, found {}", json_type(&other))));
        }
    };
    let id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id),
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(other) => {
            return Err(ProblemKind::MalformedJson(format!(
                "'id' must be a string or a number, found {}",
                json_type(&other)
            )));
        }
    };
    Ok(RecordFields {
        id,
        title: optional_string(&mut object, "title")?,
        date: optional_string(&mut object, "date")?,
        source: optional_string(&mut object, "source")?,
        url: optional_string(&mut object, "url")?,
        text,
    })
}

fn optional_string(object: &mut Map<String, Value>, name: &str) -> Result<Option<String>, ProblemKind> {
    match object.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(other) => {
            Err(ProblemKind::MalformedJson(format!("'{name}' must be a string, found {}", json_type(&other))))
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], options: ReadOptions) -> Vec<Result<Article, Problem>> {
        JsonlRecords::new("n.jsonl", Path::new("c/n.jsonl"), bytes, options).collect()
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
    fn good_and_bad_lines() {
        let input = concat!(
            "\u{feff}{\"id\": 7, \"title\": \"Budget\", \"text\": \"Brown's budget\", \"extra\": [1]}\n",
            "\n",
            "{\"text\": \"No id here\", \"date\": \"2005-01-02\", \"source\": \"BBC\", \"url\": null}\r\n",
            "{not json}\n",
            "[1, 2]\n",
            "{\"title\": \"no text\"}\n",
            "{\"text\": 5}\n",
            "{\"text\": \"  \\n \"}\n",
            "{\"id\": \"\", \"text\": \"Blank id\"}",
        );
        let items = read(input.as_bytes(), ReadOptions::default());
        assert_eq!(
            codes(&items),
            vec![
                (Some(1), "article"),
                (Some(3), "article"),
                (Some(4), "malformed_json"),
                (Some(5), "malformed_json"),
                (Some(6), "missing_text"),
                (Some(7), "malformed_json"),
                (Some(8), "empty"),
                (Some(9), "article"),
            ]
        );
        let first = items[0].as_ref().expect("article");
        assert_eq!((first.id.as_str(), first.title.as_str()), ("7", "Budget"));
        let second = items[1].as_ref().expect("article");
        assert_eq!(second.title, "");
        assert_eq!(second.date.as_deref(), Some("2005-01-02"));
        assert_eq!(second.source.as_deref(), Some("BBC"));
        assert_eq!(second.url, None);
        assert_eq!(second.id.len(), 16);
        let broken = items[2].as_ref().expect_err("problem");
        assert_eq!(broken.to_string(), "c/n.jsonl:4: malformed JSON: key must be a string at column 2");
        assert_eq!(items[4].as_ref().expect_err("problem").to_string(), "c/n.jsonl:6: no 'text' field");
    }

    #[test]
    fn latin1_line_warns_then_reads() {
        let items = read(b"{\"text\": \"ok\"}\n{\"text\": \"Caf\xe9\"}\n", ReadOptions::default());
        assert_eq!(codes(&items), vec![(Some(1), "article"), (Some(2), "not_utf8"), (Some(2), "article")]);
        assert_eq!(items[2].as_ref().expect("article").text, "Café");
    }

    #[test]
    fn overlong_line_is_skipped_and_reading_goes_on() {
        let options = ReadOptions { max_article_bytes: 10 };
        let long_text = "x".repeat(200 * 1024);
        let input = format!("{{\"text\": \"{long_text}\"}}\n{{\"text\": \"short\"}}\n{{\"text\": \"eleven char\"}}\n");
        let items = read(input.as_bytes(), options);
        assert_eq!(codes(&items), vec![(Some(1), "too_large"), (Some(2), "article"), (Some(3), "too_large")]);
        match &items[0] {
            Err(Problem { kind: ProblemKind::TooLarge { bytes, .. }, .. }) => {
                assert_eq!(*bytes as usize, input.find('\n').unwrap_or(0))
            }
            other => panic!("expected too large, got {other:?}"),
        }
    }

    #[test]
    fn binary_file_is_one_problem() {
        let items = read(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ReadOptions::default());
        assert_eq!(codes(&items), vec![(None, "binary")]);
    }
}
