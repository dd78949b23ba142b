//! `stancemap import <format> <input> --out FILE.jsonl`: stance sets into canonical examples. Every
//! importer counts the rows it read, converted and skipped, each skip with its place and reason, and the
//! output is written to a temporary file and renamed, so a failed import leaves no half file. A file that cannot
//! be read, is not text (a binary file) or lacks the columns its format needs is skipped with its reason, like a
//! bad row, and the import goes on with the other files.

pub mod articles;
mod basil;
mod cues;
mod evidence;
mod ibm;
mod issue_spans;
mod newsmtsc;
mod pstance;
pub mod seesaw;
mod semeval;
pub mod stages;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::corpus::decode::{looks_binary, numbered_lines};
use crate::output::staging_path;
use crate::span::{whole_word, CharIndex, Span};
use crate::stance::example::StanceExample;

/// The formats `stancemap import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// NewsMTSC JSONL (`sentence_normalized` + `targets`, or the flat `hf_*` files).
    NewsMtsc,
    /// P-Stance CSV `Tweet,Target,Stance` (a file or a folder of them); also reads the COVID-HCQ files.
    PStance,
    /// SemEval-2016 Task 6 in TweetEval layout: `<target>/{split}_text.txt` + `{split}_labels.txt`.
    SemEval,
    /// IBM Debater claim stance CSV.
    IbmClaims,
    /// BASIL media bias annotations: a folder with `articles/<year>/` and `annotations/<year>/`.
    Basil,
    /// stancemap's own `evidence.csv` (or a folder of `evidence*.csv`) with a corrected `label` column.
    Evidence,
    /// Any news corpus: holder -> issue examples labelled by the cue that found the issue (distant supervision).
    Cues,
}

/// Which split to import where a set has several in one place (SemEval folders, the IBM file, BASIL years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    pub split: Option<String>,
}

/// One row that could not be converted.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// `path:line` (or `path`).
    pub place: String,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub read: usize,
    pub converted: usize,
    pub skipped: Vec<Skipped>,
}

impl ImportReport {
    fn skip(&mut self, path: &Path, line: Option<usize>, reason: impl Into<String>) {
        let place = match line {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        };
        self.skipped.push(Skipped { place, reason: reason.into() });
    }
}

/// Reads `input` in `format` and writes canonical JSONL to `out`; when no record converts, nothing is written
/// (the report says what was skipped).
pub fn import(format: ImportFormat, input: &Path, options: &ImportOptions, out: &Path) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let examples = match format {
        ImportFormat::NewsMtsc => newsmtsc::read(input, &mut report)?,
        ImportFormat::PStance => pstance::read(input, &mut report)?,
        ImportFormat::SemEval => semeval::read(input, options, &mut report)?,
        ImportFormat::IbmClaims => ibm::read(input, options, &mut report)?,
        ImportFormat::Basil => basil::read(input, options, &mut report)?,
        ImportFormat::Evidence => evidence::read(input, &mut report)?,
        ImportFormat::Cues => cues::read(input, &stages::entity_model(), &mut report)?,
    };
    report.converted = examples.len();
    if !examples.is_empty() {
        write_examples(out, &examples)?;
    }
    Ok(report)
}

/// Writes the examples through a `.partial` file renamed into place at the end (see [`staging_path`]: a device or
/// pipe such as `--out /dev/null` is written to directly).
pub fn write_examples(path: &Path, examples: &[StanceExample]) -> anyhow::Result<()> {
    let written = staging_path(path);
    let file = std::fs::File::create(&written).with_context(|| format!("cannot write {}", written.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    for example in examples {
        serde_json::to_writer(&mut writer, example)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    drop(writer);
    if written != path {
        std::fs::rename(&written, path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The files to read: `input` itself, or the files with `extension` in the folder `input`, sorted.
fn files_with(input: &Path, extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    if input.is_file() {
        return Ok(vec![input.to_path_buf()]);
    }
    let entries = std::fs::read_dir(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("{}: no .{extension} files", input.display());
    }
    Ok(files)
}

/// The bytes of one input file, or None when it cannot be read or is not text (a binary file): the file is then
/// skipped with its reason and the import goes on with the others.
fn text_bytes(path: &Path, report: &mut ImportReport) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Err(e) => report.skip(path, None, format!("cannot read it: {e}")),
        Ok(bytes) if looks_binary(&bytes) => report.skip(path, None, "a binary file, not text"),
        Ok(bytes) => return Some(bytes),
    }
    None
}

/// Reads each file's bytes with `read_file`. A file that cannot be read, is binary, or that `read_file` rejects
/// (its header lacks a column, say) is skipped with its reason, and the others are read.
fn read_each(
    files: Vec<PathBuf>,
    report: &mut ImportReport,
    mut read_file: impl FnMut(&Path, &[u8], &mut ImportReport) -> Result<(), String>,
) {
    for path in files {
        let Some(bytes) = text_bytes(&path, report) else { continue };
        if let Err(reason) = read_file(&path, &bytes, report) {
            report.skip(&path, None, reason);
        }
    }
}

/// Line numbers of CSV records from their byte offsets. The CSV reader's own line numbers lag one behind after a
/// CRLF line end (it counts the `\n` of `\r\n` only when it reads the next record), and spreadsheets write CRLF.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter { bytes, counted_to: 0, newlines: 0 }
    }

    /// The line (from 1) of the record whose reading began at `byte`, past any line ends left before it.
    /// Fastest with increasing offsets.
    fn line_at(&mut self, byte: u64) -> usize {
        let mut start = (byte as usize).min(self.bytes.len());
        while self.bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.counted_to {
            (self.counted_to, self.newlines) = (0, 0);
        }
        self.newlines += self.bytes[self.counted_to..start].iter().filter(|&&b| b == b'\n').count();
        self.counted_to = start;
        self.newlines + 1
    }
}

/// A byte span of `text` as the character offsets the canonical JSONL holds.
fn char_span(text: &str, span: Span) -> [usize; 2] {
    let mut index = CharIndex::new(text);
    [index.to_chars(span.start), index.to_chars(span.end)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::example::char_slice;
    use crate::vocab::StanceLabel;

    #[test]
    fn whole_words_skip_longer_words_and_spans_count_characters() {
        let text = "Bidenomics, São Paulo said: “Biden’s plan”.";
        let span = whole_word(text, "Biden").unwrap();
        assert_eq!(span.slice(text), "Biden");
        let [start, end] = char_span(text, span);
        assert_eq!([start, end], [29, 34]);
        assert_eq!(char_slice(text, start, end), Some("Biden"));
        assert_eq!(whole_word(text, "Pau"), None);
        assert_eq!(whole_word(text, ""), None);
    }

    #[cfg(unix)]
    #[test]
    fn out_to_a_named_pipe_is_written_through_not_replaced_by_a_file() {
        // Regression: `import ... --out /dev/null` renamed its `.partial` file over /dev/null.
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("out.jsonl");
        let name = std::ffi::CString::new(pipe.as_os_str().as_bytes()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path in our own temporary folder.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let reader = {
            let pipe = pipe.clone();
            std::thread::spawn(move || std::fs::read_to_string(pipe).unwrap())
        };
        let example = StanceExample::by_author("p1".into(), "Yes.".into(), "it".into(), StanceLabel::Favor, "test");
        write_examples(&pipe, &[example]).unwrap();
        assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo(), "the pipe is still a pipe");
        assert!(reader.join().unwrap().contains("\"id\":\"p1\""));
        assert!(!dir.path().join("out.jsonl.partial").exists());
    }
}
