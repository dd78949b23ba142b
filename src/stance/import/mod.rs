//! `stancemap import <format> <input> --out FILE.jsonl`: public stance sets into canonical examples. Every
//! importer counts the rows it read, converted and skipped, each skip with its place and reason, and the
//! output is written to a temporary file and renamed, so a failed import leaves no half file.

mod ibm;
mod newsmtsc;
mod pstance;
mod semeval;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use super::example::StanceExample;

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
}

/// Which split to import where a set has several in one place (SemEval folders, the IBM file).
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

/// Reads `input` in `format` and writes canonical JSONL to `out`.
pub fn import(format: ImportFormat, input: &Path, options: &ImportOptions, out: &Path) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let examples = match format {
        ImportFormat::NewsMtsc => newsmtsc::read(input, &mut report)?,
        ImportFormat::PStance => pstance::read(input, &mut report)?,
        ImportFormat::SemEval => semeval::read(input, options, &mut report)?,
        ImportFormat::IbmClaims => ibm::read(input, options, &mut report)?,
    };
    report.converted = examples.len();
    write_jsonl(out, &examples)?;
    Ok(report)
}

fn write_jsonl(path: &Path, examples: &[StanceExample]) -> anyhow::Result<()> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    let file = std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    for example in examples {
        serde_json::to_writer(&mut writer, example)?;
        writer.write_all(b"\n")?;
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
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
