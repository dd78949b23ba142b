//! SemEval-2016 Task 6 in the TweetEval layout: a folder per target holding `{split}_text.txt` and
//! `{split}_labels.txt` (0 none -> neutral, 1 against, 2 favor), one tweet per line. The input is a folder of
//! target folders or one target folder; `--split` picks the files (default `train`). Folder names are mapped to
//! the task's target phrases ("abortion" -> "Legalization of Abortion").

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{ImportOptions, ImportReport};
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

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
        let found = splits_in(input);
        if found.is_empty() {
            anyhow::bail!("{}: no {text_file} in it or in its folders", input.display());
        }
        let names: Vec<String> = found.iter().map(|split| format!("--split {split}")).collect();
        anyhow::bail!(
            "{}: no {text_file} in it or in its folders, but it holds the {} split{}: pass {}",
            input.display(),
            found.join(", "),
            if found.len() == 1 { "" } else { "s" },
            names.join(" or ")
        );
    }
    let mut out = Vec::new();
    for folder in folders {
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let target = target_of(&name);
        let texts_path = folder.join(&text_file);
        let labels_path = folder.join(format!("{split}_labels.txt"));
        let (Some(texts), Some(labels)) =
            (super::text_bytes(&texts_path, report), super::text_bytes(&labels_path, report))
        else {
            continue;
        };
        let texts: Vec<_> = super::numbered_lines(&texts).collect();
        let labels: Vec<_> = super::numbered_lines(&labels).collect();
        if texts.len() != labels.len() {
            report.skip(
                &labels_path,
                None,
                format!("{} labels for {} texts; lines paired up to the shorter", labels.len(), texts.len()),
            );
        }
        for (&(number, text), &(_, label)) in texts.iter().zip(&labels) {
            report.read += 1;
            let label = match label.map(str::trim) {
                Ok("0") => StanceLabel::Neutral,
                Ok("1") => StanceLabel::Against,
                Ok("2") => StanceLabel::Favor,
                Ok(other) => {
                    report.skip(&labels_path, Some(number), format!("label {other:?} is not 0, 1 or 2"));
                    continue;
                }
                Err(reason) => {
                    report.skip(&labels_path, Some(number), reason);
                    continue;
                }
            };
            let text = match text.map(str::trim_end) {
                Ok("") => {
                    report.skip(&texts_path, Some(number), "empty text");
                    continue;
                }
                Ok(text) => text,
                Err(reason) => {
                    report.skip(&texts_path, Some(number), reason);
                    continue;
                }
            };
            let id = format!("{name}-{split}-{number}");
            out.push(StanceExample::by_author(id, text.to_string(), target.clone(), label, SOURCE));
        }
    }
    Ok(out)
}

/// The splits (`train`, `val`, `test`...) that `input` or its folders hold a `{split}_text.txt` of, sorted.
fn splits_in(input: &Path) -> Vec<String> {
    let mut folders = vec![input.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(input) {
        folders.extend(entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()));
    }
    let mut splits = std::collections::BTreeSet::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            if let Some(split) = entry.file_name().to_str().and_then(|name| name.strip_suffix("_text.txt")) {
                splits.insert(split.to_string());
            }
        }
    }
    splits.into_iter().collect()
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

    #[test]
    fn a_folder_without_the_split_names_the_splits_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        for target in ["abortion", "atheism"] {
            let folder = dir.path().join(target);
            std::fs::create_dir(&folder).unwrap();
            std::fs::write(folder.join("test_text.txt"), "a tweet\n").unwrap();
            std::fs::write(folder.join("test_labels.txt"), "1\n").unwrap();
        }
        let error = read(dir.path(), &ImportOptions { split: None }, &mut ImportReport::default()).unwrap_err();
        let said = error.to_string();
        assert!(said.contains("no train_text.txt") && said.contains("pass --split test"), "{said}");
        let test = read(dir.path(), &ImportOptions { split: Some("test".into()) }, &mut ImportReport::default());
        assert_eq!(test.unwrap().len(), 2);
        let empty = tempfile::tempdir().unwrap();
        let said = read(empty.path(), &ImportOptions { split: None }, &mut ImportReport::default()).unwrap_err();
        assert!(!said.to_string().contains("--split"), "{said}");
    }

    #[test]
    fn a_line_that_is_not_utf8_is_skipped_and_its_neighbours_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("test_text.txt"), b"Hillary for president\r\nvote \xff her out\r\nnever\r\n")
            .unwrap();
        std::fs::write(dir.path().join("test_labels.txt"), "2\r\n1\r\n1\r\n").unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &ImportOptions { split: Some("test".into()) }, &mut report).unwrap();
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["Hillary for president", "never"]);
        assert!(examples[1].id.ends_with("-test-3"), "{}", examples[1].id);
        assert_eq!(report.read, 3);
        assert!(report.skipped[0].place.ends_with("test_text.txt:2") && report.skipped[0].reason.contains("UTF-8"));
    }
}
