//! SemEval-2016 Task 6 in the TweetEval layout: a folder per target holding `{split}_text.txt` and
//! `{split}_labels.txt` (0 none -> neutral, 1 against, 2 favor), one tweet per line. The input is a folder of
//! target folders or one target folder; `--split` picks the files (default `train`). Folder names are mapped to
//! the task's target phrases ("abortion" -> "Legalization of Abortion").

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{ImportOptions, ImportReport};
use crate::stance::example::{StanceExample, StanceLabel};

pub const SOURCE: &str = "semeval2016";

/// The SemEval-2016 target of each TweetEval folder.
fn target_of(folder: &str) -> String {
    match folder {
        "abortion" => "Legalization of Abortion",
        "atheism" => "Atheism",
        "climate" => "Climate Change is a Real Concern",
        "feminist" => "Feminist Movement",
        "hillary" => "Hillary Clinton",
        other => other,
    }
    .to_string()
}

pub fn read(input: &Path, options: &ImportOptions, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let split = options.split.as_deref().unwrap_or("train");
    let text_file = format!("{split}_text.txt");
    let folders: Vec<PathBuf> = if input.join(&text_file).is_file() {
        vec![input.to_path_buf()]
    } else {
        let mut folders: Vec<PathBuf> = std::fs::read_dir(input)
            .with_context(|| format!("cannot read {}", input.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join(&text_file).is_file())
            .collect();
        folders.sort();
        folders
    };
    if folders.is_empty() {
        anyhow::bail!("{}: no {text_file} in it or in its folders", input.display());
    }
    let mut out = Vec::new();
    for folder in folders {
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let target = target_of(&name);
        let texts_path = folder.join(&text_file);
        let labels_path = folder.join(format!("{split}_labels.txt"));
        let texts =
            std::fs::read_to_string(&texts_path).with_context(|| format!("cannot read {}", texts_path.display()))?;
        let labels =
            std::fs::read_to_string(&labels_path).with_context(|| format!("cannot read {}", labels_path.display()))?;
        let texts: Vec<&str> = texts.lines().collect();
        let labels: Vec<&str> = labels.lines().collect();
        if texts.len() != labels.len() {
            report.skip(
                &labels_path,
                None,
                format!("{} labels for {} texts; lines paired up to the shorter", labels.len(), texts.len()),
            );
        }
        for (index, (text, label)) in texts.iter().zip(&labels).enumerate() {
            report.read += 1;
            let label = match label.trim() {
                "0" => StanceLabel::Neutral,
                "1" => StanceLabel::Against,
                "2" => StanceLabel::Favor,
                other => {
                    report.skip(&labels_path, Some(index + 1), format!("label {other:?} is not 0, 1 or 2"));
                    continue;
                }
            };
            let text = text.trim_end();
            if text.is_empty() {
                report.skip(&texts_path, Some(index + 1), "empty text");
                continue;
            }
            let id = format!("{name}-{split}-{}", index + 1);
            out.push(StanceExample::by_author(id, text.to_string(), target.clone(), label, SOURCE));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_targets_or_one_target_reads_the_split() {
        let dir = tempfile::tempdir().unwrap();
        let abortion = dir.path().join("abortion");
        std::fs::create_dir(&abortion).unwrap();
        std::fs::write(abortion.join("train_text.txt"), "all lives matter \nmy body my choice\nhm\n").unwrap();
        std::fs::write(abortion.join("train_labels.txt"), "1\n2\n7\n").unwrap();
        std::fs::write(abortion.join("val_text.txt"), "later\n").unwrap();
        std::fs::write(abortion.join("val_labels.txt"), "0\n").unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &ImportOptions { split: None }, &mut report).unwrap();
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].target, "Legalization of Abortion");
        assert_eq!(examples[0].text, "all lives matter");
        assert_eq!((examples[0].label, examples[1].label), (StanceLabel::Against, StanceLabel::Favor));
        assert_eq!(report.skipped.len(), 1);
        let mut report = ImportReport::default();
        let val = read(&abortion, &ImportOptions { split: Some("val".into()) }, &mut report).unwrap();
        assert_eq!((val.len(), val[0].label), (1, StanceLabel::Neutral));
    }
}
