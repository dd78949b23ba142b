//! The canonical stance example, one JSON object per line (`../shared/DESIGN.md`):
//! `{"id", "text", "holder", "holder_span", "target", "target_span", "label", "source"}`. Spans are character
//! offsets (as Python indexes strings) into `text`, end exclusive; `holder: null` means the author.

use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::corpus::decode::{looks_binary, numbered_lines};
use crate::vocab::StanceLabel;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StanceExample {
    pub id: String,
    pub text: String,
    pub holder: Option<String>,
    pub holder_span: Option<[usize; 2]>,
    pub target: String,
    pub target_span: Option<[usize; 2]>,
    pub label: StanceLabel,
    pub source: String,
}

impl StanceExample {
    /// An example whose holder is the author and whose target has no span in the text.
    pub fn by_author(id: String, text: String, target: String, label: StanceLabel, source: &str) -> StanceExample {
        StanceExample {
            id,
            text,
            holder: None,
            holder_span: None,
            target,
            target_span: None,
            label,
            source: source.into(),
        }
    }
}

/// Canonical stance JSONL as read from one file: its examples, and each line that was not one (`path:line:
/// reason`: bad JSON, a missing field, an unknown label, a span outside the text, an empty text, bytes that are
/// not UTF-8).
#[derive(Debug, Default)]
pub struct ExampleFile {
    pub examples: Vec<StanceExample>,
    pub skipped: Vec<String>,
}

/// Reads canonical stance JSONL, keeping every line that is a valid example and naming the others with file and
/// line. Fails only when the file cannot be read at all or is not text (a binary file).
pub fn read_example_file(path: &Path) -> anyhow::Result<ExampleFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if looks_binary(&bytes) {
        bail!("{}: a binary file, not stance JSONL", path.display());
    }
    let mut read = ExampleFile::default();
    for (number, line) in numbered_lines(&bytes) {
        match line.map_err(String::from).and_then(parse_example) {
            Ok(Some(example)) => read.examples.push(example),
            Ok(None) => {}
            Err(reason) => read.skipped.push(format!("{}:{number}: {reason}", path.display())),
        }
    }
    Ok(read)
}

/// Reads canonical stance JSONL for training, evaluation or calibration: the lines that are not examples are
/// reported on stderr and left out; a file with no example at all is an error.
pub fn read_examples(path: &Path) -> anyhow::Result<Vec<StanceExample>> {
    read_example_file(path)?.into_examples(path)
}

impl ExampleFile {
    /// The examples, after reporting the skipped lines on stderr; an error when there is none.
    pub fn into_examples(self, path: &Path) -> anyhow::Result<Vec<StanceExample>> {
        for skipped in &self.skipped {
            eprintln!("skipped: {skipped}");
        }
        if self.examples.is_empty() {
            bail!("{}: no stance examples in it ({} lines skipped)", path.display(), self.skipped.len());
        }
        if !self.skipped.is_empty() {
            eprintln!(
                "{}: {} examples read, {} lines skipped",
                path.display(),
                self.examples.len(),
                self.skipped.len()
            );
        }
        Ok(self.examples)
    }
}

/// One line of canonical JSONL: the example, None for a blank line, or why it is not an example.
fn parse_example(line: &str) -> Result<Option<StanceExample>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let example: StanceExample = serde_json::from_str(line).map_err(|e| format!("not a stance example: {e}"))?;
    let length = example.text.chars().count();
    for (name, span) in [("holder_span", example.holder_span), ("target_span", example.target_span)] {
        if let Some([start, end]) = span {
            if start > end || end > length {
                return Err(format!("{name} [{start}, {end}] is outside the text ({length} characters)"));
            }
        }
    }
    if example.text.trim().is_empty() {
        return Err("empty text".into());
    }
    Ok(Some(example))
}

/// The characters `[start, end)` of `text`, or None when the range runs past its end.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut indices = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len()));
    let from = indices.nth(start)?;
    let to = if end == start { from } else { indices.nth(end - start - 1)? };
    Some(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_json_has_the_design_fields_and_lowercase_labels() {
        let mut example = StanceExample::by_author(
            "x1".into(),
            "São Paulo backs it.".into(),
            "it".into(),
            StanceLabel::Favor,
            "test",
        );
        example.target_span = Some([16, 18]);
        let json = serde_json::to_value(&example).unwrap();
        assert_eq!(json["label"], "favor");
        assert_eq!(json["holder"], serde_json::Value::Null);
        assert_eq!(json["target_span"], serde_json::json!([16, 18]));
        assert_eq!(char_slice(&example.text, 16, 18), Some("it"));
        assert_eq!(char_slice("São", 0, 3), Some("São"));
        assert_eq!(char_slice("São", 2, 4), None);
    }
}
