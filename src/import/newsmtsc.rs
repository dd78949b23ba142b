//! NewsMTSC (Hamborg & Donnay 2021): sentiment of political news toward a target mentioned in the sentence.
//! One example per target; the holder is the author (null); polarity 2/4/6 (or -1/0/1 in the `hf_*` files) is
//! against/neutral/favor; the target span is `from`/`to` (character offsets), checked against `mention`.

use std::path::Path;

use serde_json::Value;

use super::ImportReport;
use crate::stance::example::{char_slice, StanceExample};
use crate::vocab::StanceLabel;

pub const SOURCE: &str = "newsmtsc";

fn label(polarity: f64) -> Option<StanceLabel> {
    match polarity {
        p if p == 2.0 || p == -1.0 => Some(StanceLabel::Against),
        p if p == 4.0 || p == 0.0 => Some(StanceLabel::Neutral),
        p if p == 6.0 || p == 1.0 => Some(StanceLabel::Favor),
        _ => None,
    }
}

pub fn read(input: &Path, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let mut out = Vec::new();
    for path in super::files_with(input, "jsonl")? {
        let Some(bytes) = super::text_bytes(&path, report) else { continue };
        for (number, line) in super::numbered_lines(&bytes) {
            let line = match line {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => line,
                Err(reason) => {
                    report.read += 1;
                    report.skip(&path, Some(number), reason);
                    continue;
                }
            };
            let record: Value = match serde_json::from_str(line) {
                Ok(value) => value,
                Err(e) => {
                    report.read += 1;
                    report.skip(&path, Some(number), format!("malformed JSON: {e}"));
                    continue;
                }
            };
            // Two layouts: a sentence with a list of targets, or one flat target per line.
            let (sentence, id, targets) = match record.get("targets").and_then(Value::as_array) {
                Some(targets) => {
                    (record["sentence_normalized"].as_str(), record["primary_gid"].as_str(), targets.clone())
                }
                None => (record["sentence"].as_str(), record["id"].as_str(), vec![record.clone()]),
            };
            let Some(sentence) = sentence else {
                report.read += targets.len().max(1);
                report.skip(&path, Some(number), "no sentence text");
                continue;
            };
            for (t, target) in targets.iter().enumerate() {
                report.read += 1;
                let mention = target["mention"].as_str().unwrap_or_default();
                let (Some(from), Some(to)) = (target["from"].as_u64(), target["to"].as_u64()) else {
                    report.skip(&path, Some(number), format!("target {t}: no from/to"));
                    continue;
                };
                let Some(label) = target["polarity"].as_f64().and_then(label) else {
                    report.skip(
                        &path,
                        Some(number),
                        format!("target {t}: polarity {} is not 2/4/6 or -1/0/1", target["polarity"]),
                    );
                    continue;
                };
                let (from, to) = (from as usize, to as usize);
                if char_slice(sentence, from, to) != Some(mention) {
                    report.skip(
                        &path,
                        Some(number),
                        format!("target {t}: characters {from}..{to} are not {mention:?}"),
                    );
                    continue;
                }
                out.push(StanceExample {
                    id: format!(
                        "{}#{t}",
                        id.map(String::from).unwrap_or_else(|| format!("{}:{number}", path.display()))
                    ),
                    text: sentence.to_string(),
                    holder: None,
                    holder_span: None,
                    target: mention.to_string(),
                    target_span: Some([from, to]),
                    label,
                    source: SOURCE.into(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_give_one_example_per_target_and_bad_rows_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"primary_gid": "g1", "sentence_normalized": "Kyiv thanked São Paulo and Lula.", "targets": [{"from": 13, "to": 22, "mention": "São Paulo", "polarity": 6.0}, {"from": 27, "to": 31, "mention": "Lula", "polarity": 2.0}]}"#,
                "\n",
                r#"{"mention": "Obama", "polarity": 0, "from": 0, "to": 5, "sentence": "Obama spoke.", "id": "h1"}"#,
                "\n",
                r#"{"primary_gid": "g2", "sentence_normalized": "Abc.", "targets": [{"from": 0, "to": 2, "mention": "Abc", "polarity": 4.0}]}"#,
                "\n{broken\n"
            ),
        )
        .unwrap();
        let mut report = ImportReport::default();
        let examples = read(&path, &mut report).unwrap();
        let summary: Vec<(&str, &str, StanceLabel)> =
            examples.iter().map(|e| (e.id.as_str(), e.target.as_str(), e.label)).collect();
        assert_eq!(
            summary,
            [
                ("g1#0", "São Paulo", StanceLabel::Favor),
                ("g1#1", "Lula", StanceLabel::Against),
                ("h1#0", "Obama", StanceLabel::Neutral)
            ]
        );
        assert_eq!(examples[0].target_span, Some([13, 22]));
        assert_eq!(report.read, 5);
        assert_eq!(report.skipped.len(), 2);
        assert!(report.skipped[0].place.ends_with("x.jsonl:3") && report.skipped[0].reason.contains("not \"Abc\""));
        assert!(report.skipped[1].reason.contains("malformed JSON"));
    }
}
