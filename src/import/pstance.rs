//! P-Stance (Li et al. 2021): tweets about Trump, Biden and Sanders, CSV `Tweet,Target,Stance` with FAVOR /
//! AGAINST (a file or a folder of them). The COVID-HCQ files share the columns (with NONE for neutral) and read
//! the same way. The holder is the author; the target has no span.

use std::path::Path;

use super::{ImportReport, LineCounter};
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

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
    super::read_each(super::files_with(input, "csv")?, report, |path, bytes, report| {
        read_table(path, bytes, report, &mut out)
    });
    Ok(out)
}

/// The rows of one CSV file into `out`; Err (the file is skipped) when it lacks the header or a column.
fn read_table(
    path: &Path,
    bytes: &[u8],
    report: &mut ImportReport,
    out: &mut Vec<StanceExample>,
) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers().map_err(|e| format!("no header row: {e}"))?.clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(tweet), Some(target), Some(stance)) = (column("Tweet"), column("Target"), column("Stance")) else {
        return Err(format!(
            "expected the columns Tweet, Target and Stance, found {:?}",
            header.iter().collect::<Vec<_>>()
        ));
    };
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let source = if stem.starts_with("hcq") { HCQ_SOURCE } else { SOURCE };
    let mut lines = LineCounter::new(bytes);
    for (index, record) in reader.records().enumerate() {
        report.read += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte()));
                report.skip(path, line, format!("malformed CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map(|p| lines.line_at(p.byte()));
        let (Some(text), Some(target), Some(stance)) = (record.get(tweet), record.get(target), record.get(stance))
        else {
            report.skip(path, line, "missing fields");
            continue;
        };
        let label = match stance.trim() {
            "FAVOR" => StanceLabel::Favor,
            "AGAINST" => StanceLabel::Against,
            "NONE" | "NEUTRAL" => StanceLabel::Neutral,
            other => {
                report.skip(path, line, format!("stance {other:?} is not FAVOR, AGAINST or NONE"));
                continue;
            }
        };
        if text.trim().is_empty() {
            report.skip(path, line, "empty text");
            continue;
        }
        let id = format!("{stem}-{}", index + 1);
        out.push(StanceExample::by_author(id, text.to_string(), target_name(target), label, source));
    }
    Ok(())
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

    #[test]
    fn crlf_files_are_numbered_by_their_lines_and_a_bad_file_does_not_stop_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.csv"),
            "Tweet,Target,Stance\r\nYes,Joe Biden,FAVOR\r\nHm,Joe Biden,MAYBE\r\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.csv"), "text,label\nx,1\n").unwrap();
        std::fs::write(dir.path().join("c.csv"), b"\x00\x01\x02binary").unwrap();
        std::fs::write(dir.path().join("d.csv"), "Tweet,Target,Stance\nNo,Donald Trump,AGAINST\n").unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &mut report).unwrap();
        let labels: Vec<(&str, StanceLabel)> = examples.iter().map(|e| (e.target.as_str(), e.label)).collect();
        assert_eq!(labels, [("Joe Biden", StanceLabel::Favor), ("Donald Trump", StanceLabel::Against)]);
        let places: Vec<&str> = report.skipped.iter().map(|s| s.place.as_str()).collect();
        assert_eq!(places.len(), 3, "{:?}", report.skipped);
        assert!(places[0].ends_with("a.csv:3"), "{places:?}");
        assert!(places[1].ends_with("b.csv") && report.skipped[1].reason.contains("Tweet, Target and Stance"));
        assert!(places[2].ends_with("c.csv") && report.skipped[2].reason.contains("binary"));
    }
}
