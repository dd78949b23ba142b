//! P-Stance (Li et al. 2021): tweets about Trump, Biden and Sanders, CSV `Tweet,Target,Stance` with FAVOR /
//! AGAINST (a file or a folder of them). The COVID-HCQ files share the columns (with NONE for neutral) and read
//! the same way. The holder is the author; the target has no span.

use std::path::Path;

use anyhow::Context;

use super::ImportReport;
use crate::stance::example::{StanceExample, StanceLabel};

pub const SOURCE: &str = "pstance";
/// The source of the COVID-HCQ files (`hcq_*.csv`), kept apart so that scores are reported per set.
pub const HCQ_SOURCE: &str = "covid_hcq";

/// The set's own target names, spelled out where they are abbreviations (the model reads the name).
fn target_name(raw: &str) -> String {
    match raw.trim() {
        "hcq" | "HCQ" => "hydroxychloroquine (HCQ)".into(),
        other => other.to_string(),
    }
}

pub fn read(input: &Path, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let mut out = Vec::new();
    for path in super::files_with(input, "csv")? {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader.headers().with_context(|| format!("{}: no header row", path.display()))?.clone();
        let column = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(tweet), Some(target), Some(stance)) = (column("Tweet"), column("Target"), column("Stance")) else {
            anyhow::bail!("{}: expected the columns Tweet, Target and Stance, found {:?}", path.display(), header);
        };
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let source = if stem.starts_with("hcq") { HCQ_SOURCE } else { SOURCE };
        for (index, record) in reader.records().enumerate() {
            report.read += 1;
            let line = record.as_ref().ok().and_then(|r| r.position()).map(|p| p.line() as usize);
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    report.skip(&path, line, format!("malformed CSV: {e}"));
                    continue;
                }
            };
            let (Some(text), Some(target), Some(stance)) = (record.get(tweet), record.get(target), record.get(stance))
            else {
                report.skip(&path, line, "missing fields");
                continue;
            };
            let label = match stance.trim() {
                "FAVOR" => StanceLabel::Favor,
                "AGAINST" => StanceLabel::Against,
                "NONE" | "NEUTRAL" => StanceLabel::Neutral,
                other => {
                    report.skip(&path, line, format!("stance {other:?} is not FAVOR, AGAINST or NONE"));
                    continue;
                }
            };
            if text.trim().is_empty() {
                report.skip(&path, line, "empty text");
                continue;
            }
            let id = format!("{stem}-{}", index + 1);
            out.push(StanceExample::by_author(id, text.to_string(), target_name(target), label, source));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_author_stances_toward_the_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("raw_train_biden.csv"),
            "Tweet,Target,Stance\n\"Go \"\"Joe\"\", go\",Joe Biden,FAVOR\nNo way,Joe Biden,AGAINST\nHm,Joe Biden,MAYBE\n",
        )
        .unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &mut report).unwrap();
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].text, "Go \"Joe\", go");
        assert_eq!(examples[0].target, "Joe Biden");
        assert_eq!(examples[0].label, StanceLabel::Favor);
        assert_eq!(examples[1].label, StanceLabel::Against);
        assert_eq!(examples[0].id, "raw_train_biden-1");
        assert_eq!((report.read, report.skipped.len()), (3, 1));
        assert!(report.skipped[0].place.ends_with(":4"), "{:?}", report.skipped);
    }
}
