//! The canonical stance example, one JSON object per line (`../shared/DESIGN.md`):
//! `{"id", "text", "holder", "holder_span", "target", "target_span", "label", "source"}`. Spans are character
//! offsets (as Python indexes strings) into `text`, end exclusive; `holder: null` means the author.

use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceLabel {
    Favor,
    Against,
    Neutral,
}

impl StanceLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            StanceLabel::Neutral => "neutral",
        }
    }
}

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

/// Reads canonical stance JSONL. A line that is not a valid example (bad JSON, a missing field, an unknown
/// label, a span outside the text) is an error naming the file and line: training data is checked, not guessed.
pub fn read_examples(path: &Path) -> anyhow::Result<Vec<StanceExample>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let place = || format!("{}:{}", path.display(), index + 1);
        let line = line.with_context(place)?;
        if line.trim().is_empty() {
            continue;
        }
        let example: StanceExample = serde_json::from_str(&line).with_context(place)?;
        let length = example.text.chars().count();
        for (name, span) in [("holder_span", example.holder_span), ("target_span", example.target_span)] {
            if let Some([start, end]) = span {
                if start > end || end > length {
                    bail!("{}: {name} [{start}, {end}] is outside the text ({length} characters)", place());
                }
            }
        }
        if example.text.trim().is_empty() {
            bail!("{}: empty text", place());
        }
        out.push(example);
    }
    Ok(out)
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
