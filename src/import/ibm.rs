//! IBM Debater claim stance (Bar-Haim et al. 2017): claims PRO or CON a debate motion. The distributed copy
//! wraps each CSV record in quotes with a `;;;;` tail, so each line is unwrapped and parsed again. (In that copy
//! a few claims that held semicolons lost their quoting; they are reported and skipped.) The example's
//! text is the claim, its holder the author, its target the motion (`topicText`); `--split train|test` keeps one
//! split (all by default).

use std::path::Path;

use anyhow::Context;

use super::{ImportOptions, ImportReport};
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

pub const SOURCE: &str = "ibm-claims";

/// One record: the line itself, or the record inside a quoted, `;;;;`-tailed line.
fn fields(line: &str) -> Option<csv::StringRecord> {
    let parse =
        |text: &str| csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes()).records().next()?.ok();
    let trimmed = line.trim_end().trim_end_matches(';');
    let record = parse(trimmed)?;
    if record.len() == 1 {
        parse(record.get(0)?)
    } else {
        Some(record)
    }
}

pub fn read(input: &Path, options: &ImportOptions, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .and_then(|(_, line)| fields(line))
        .with_context(|| format!("{}: no header row", input.display()))?;
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(split), Some(topic), Some(stance), Some(claim), Some(claim_id)) = (
        column("split"),
        column("topicText"),
        column("claims.stance"),
        column("claims.claimCorrectedText"),
        column("claims.claimId"),
    ) else {
        anyhow::bail!("{}: not the IBM claim stance columns: {:?}", input.display(), header);
    };
    let mut out = Vec::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        report.read += 1;
        let Some(record) = fields(line) else {
            report.skip(input, Some(number), "malformed CSV line");
            continue;
        };
        let get = |i: usize| record.get(i).unwrap_or_default();
        if options.split.as_deref().is_some_and(|wanted| wanted != get(split)) {
            continue;
        }
        let label = match get(stance) {
            "PRO" => StanceLabel::Favor,
            "CON" => StanceLabel::Against,
            other => {
                report.skip(input, Some(number), format!("stance {other:?} is not PRO or CON"));
                continue;
            }
        };
        out.push(StanceExample::by_author(
            format!("ibm-{}", get(claim_id)),
            get(claim).to_string(),
            get(topic).to_string(),
            label,
            SOURCE,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_are_unwrapped_and_split_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("claims.csv");
        std::fs::write(
            &path,
            concat!(
                "\"topicId,\"\"split\"\",\"\"topicText\"\",\"\"claims.claimId\"\",\"\"claims.stance\"\",\"\"claims.claimCorrectedText\"\"\";;;;\n",
                "\"1,\"\"train\"\",\"\"Ban X\"\",\"\"7\"\",\"\"PRO\"\",\"\"X harms, badly\"\"\";;;;\n",
                "\"1,\"\"test\"\",\"\"Ban X\"\",\"\"8\"\",\"\"CON\"\",\"\"X helps\"\"\";;;;\n",
                "\"1,\"\"train\"\",\"\"Ban X\"\",\"\"9\"\",\"\"MAYBE\"\",\"\"hm\"\"\";;;;\n",
            ),
        )
        .unwrap();
        let mut report = ImportReport::default();
        let all = read(&path, &ImportOptions { split: None }, &mut report).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            (all[0].id.as_str(), all[0].text.as_str(), all[0].target.as_str()),
            ("ibm-7", "X harms, badly", "Ban X")
        );
        assert_eq!((all[0].label, all[1].label), (StanceLabel::Favor, StanceLabel::Against));
        assert_eq!(report.skipped.len(), 1);
        let mut report = ImportReport::default();
        let train = read(&path, &ImportOptions { split: Some("train".into()) }, &mut report).unwrap();
        assert_eq!(train.len(), 1);
    }
}
