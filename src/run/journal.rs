//! Resuming an interrupted run. While a run writes its tables (each to `NAME.partial`), it keeps a journal,
//! `resume.jsonl` in the output folder: a first line with the run's options, then one line per finished
//! article with the length every per-article table had once the article's rows were in, and what the
//! corpus-wide stages learnt from it (its actors, its evidence, its counts). The line is written after the
//! rows, so whatever is in the journal is in the tables.
//!
//! A run started with the same `--out` and the same options after a Ctrl-C or a `kill -9` at any point reads
//! the journal (a torn last line is dropped), keeps the articles of the whole groups the models took together
//! (see [`Journal::resume`]), cuts each `.partial` table back to the length the last kept line gives (rows of
//! the articles after it go), replays the journal into the actor registry and the aggregate cells, and carries
//! on with the articles not yet done: none is processed twice or lost, and the tables come out byte for byte
//! an uninterrupted run's, on any machine. The journal is removed once run.json is written.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::stances::TargetInfo;
use crate::actors::registry::ActorRecord;
use crate::corpus::FileStamp;
pub use crate::output::schema::JOURNAL;
use crate::vocab::StanceLabel;

/// What one finished article left behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEntry {
    pub article_id: String,
    /// Its place in the corpus (0 for the first article read), counting the articles of every shard.
    #[serde(default)]
    pub position: usize,
    /// The file it was read from, relative to the corpus (as [`FileStamp::path`] gives it).
    #[serde(default)]
    pub file: String,
    pub date: Option<String>,
    /// The length in bytes of each per-article table's `.partial` file after this article, by file name.
    pub lengths: BTreeMap<String, u64>,
    pub counts: ArticleCounts,
    /// Its actors, in the order they were given corpus ids.
    pub actors: Vec<ActorRecord>,
    /// The corpus id each of its actors got.
    #[serde(default)]
    pub actor_ids: Vec<String>,
    /// Its evidence, in evidence.csv order.
    pub evidence: Vec<EvidenceRecord>,
}

/// What an article holds (and, summed, a run: see [`super::manifest::Counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleCounts {
    pub paragraphs: usize,
    pub sentences: usize,
    pub quotes: usize,
    pub chars: usize,
    pub words: usize,
    pub mentions: usize,
}

impl std::ops::AddAssign for ArticleCounts {
    fn add_assign(&mut self, other: ArticleCounts) {
        self.paragraphs += other.paragraphs;
        self.sentences += other.sentences;
        self.quotes += other.quotes;
        self.chars += other.chars;
        self.words += other.words;
        self.mentions += other.mentions;
    }
}

/// One piece of evidence as the aggregate tables need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub actor_id: String,
    pub target_id: String,
    /// The name and type of a topic or issue target (actors are named by the registry).
    pub target: Option<TargetInfo>,
    /// The key of an issue phrase (which issue it went to is the merger's decision, replayed on resuming).
    pub issue_key: Option<String>,
    /// The issue phrase as written in this sentence (what `stancemap merge` decides the issue from again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_label: Option<String>,
    pub label: StanceLabel,
    /// favor, against, neutral, as written to evidence.csv (four decimals).
    pub probabilities: [f32; 3],
}

/// The journal of the run being written.
pub struct Journal {
    file: File,
    path: PathBuf,
}

/// An interrupted run found in the output folder.
pub struct Interrupted {
    pub journal: Journal,
    pub entries: Vec<ArticleEntry>,
    /// What changed in the corpus since the run was interrupted (the first change in reading order), if
    /// anything did: the articles from there on are done again.
    pub changed: Option<String>,
}

impl Journal {
    /// A new journal in `dir` for a run with these options over a corpus of these files.
    pub fn create(dir: &Path, options: &serde_json::Value, files: &[FileStamp]) -> anyhow::Result<Journal> {
        let path = dir.join(JOURNAL);
        let mut file = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(file, "{}", serde_json::json!({ "options": options, "files": files }))
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Journal { file, path })
    }

    /// The interrupted run in `dir`, if there is one. Fails when it was started with other options.
    ///
    /// `files` is the corpus as it is now. The articles kept are those read before the first file that changed
    /// since the interrupted run listed it (edited, added or removed, in reading order): the tables of the rest
    /// are cut away and the articles done again, so the run ends with the tables of an uninterrupted run of
    /// the corpus as it is now. Then only whole groups of `group` articles are kept: the models batch a group's
    /// articles together, and the same articles batched otherwise can differ in the last digit of a
    /// probability, so the articles after the last whole group are done again, in the groups an uninterrupted
    /// run gives them.
    pub fn resume(
        dir: &Path,
        options: &serde_json::Value,
        files: &[FileStamp],
        group: usize,
    ) -> anyhow::Result<Option<Interrupted>> {
        let path = dir.join(JOURNAL);
        let Ok(file) = File::open(&path) else { return Ok(None) };
        // Only lines that end in a newline are whole: a kill between a line and its newline leaves it torn.
        let mut reader = BufReader::new(file);
        let mut whole_line = move || -> Option<String> {
            let mut bytes = Vec::new();
            match reader.read_until(b'\n', &mut bytes) {
                Ok(_) if bytes.last() == Some(&b'\n') => {
                    bytes.pop();
                    String::from_utf8(bytes).ok()
                }
                _ => None,
            }
        };
        let first_line = whole_line().unwrap_or_default();
        let first: serde_json::Value = serde_json::from_str(&first_line).unwrap_or_default();
        if first.get("options").is_none() {
            return Ok(None); // torn before its first line was whole: nothing was finished
        }
        if first["options"] != *options {
            anyhow::bail!(
                "{} holds an interrupted run started with other options; run again with the same options to \
                 finish it, or use another --out (or delete the folder) to start afresh",
                dir.display()
            );
        }
        let mut entries = Vec::new();
        // The journal's length after its options line and after each entry.
        let mut ends = vec![first_line.len() as u64 + 1];
        while let Some(line) = whole_line() {
            let Ok(entry) = serde_json::from_str::<ArticleEntry>(&line) else { break };
            ends.push(ends[ends.len() - 1] + line.len() as u64 + 1);
            entries.push(entry);
        }
        let listed: Vec<FileStamp> = serde_json::from_value(first["files"].clone()).unwrap_or_default();
        let same = listed.iter().zip(files).take_while(|(then, now)| then == now).count();
        let was_listed = |path: &str| listed.iter().any(|f| f.path == path);
        let changed = match (listed.get(same), files.get(same)) {
            (None, None) => None,
            (Some(then), Some(now)) if then.path == now.path => Some(format!("{} was edited", now.path)),
            (_, Some(now)) if !was_listed(&now.path) => Some(format!("{} was added", now.path)),
            (Some(then), _) => Some(format!("{} was removed", then.path)),
            (None, Some(now)) => Some(format!("{} was added", now.path)),
        };
        let unchanged: std::collections::HashSet<&str> = listed[..same].iter().map(|f| f.path.as_str()).collect();
        let kept = entries.iter().take_while(|entry| unchanged.contains(entry.file.as_str())).count();
        entries.truncate(kept);
        entries.truncate(entries.len() - entries.len() % group.max(1));
        let whole = ends[entries.len()];
        // Drop a torn last line and the lines after the last whole group, so the next entry starts on a line
        // of its own.
        let file =
            OpenOptions::new().append(true).open(&path).with_context(|| format!("cannot write {}", path.display()))?;
        file.set_len(whole).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(Some(Interrupted { journal: Journal { file, path }, entries, changed }))
    }

    /// Records a finished article.
    pub fn record(&mut self, entry: &ArticleEntry) -> anyhow::Result<()> {
        // One write with its newline, so that a kill leaves a line whole or visibly torn.
        let line = serde_json::to_string(entry)? + "\n";
        self.file.write_all(line.as_bytes()).with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// The run is complete: no journal any more.
    pub fn remove(self) -> anyhow::Result<()> {
        std::fs::remove_file(&self.path).with_context(|| format!("cannot remove {}", self.path.display()))
    }

    /// The run of one shard is complete: the journal stays, as `name`, for `stancemap merge`.
    pub fn keep_as(self, name: &str) -> anyhow::Result<()> {
        let kept = self.path.with_file_name(name);
        std::fs::rename(&self.path, &kept).with_context(|| format!("cannot write {}", kept.display()))
    }

    /// The options line and the article lines of a finished journal (a shard's, kept by [`Journal::keep_as`]).
    pub fn read(path: &Path) -> anyhow::Result<(serde_json::Value, Vec<ArticleEntry>)> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = text.lines().enumerate();
        let first: serde_json::Value = lines
            .next()
            .and_then(|(_, line)| serde_json::from_str(line).ok())
            .with_context(|| format!("{}: no options line", path.display()))?;
        let mut entries = Vec::new();
        for (index, line) in lines {
            let entry = serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), index + 1))?;
            entries.push(entry);
        }
        Ok((first["options"].clone(), entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(path: &str, bytes: u64) -> FileStamp {
        FileStamp { path: path.into(), bytes, modified_ns: 7 }
    }

    fn entry(id: &str, file: &str) -> ArticleEntry {
        ArticleEntry {
            article_id: id.into(),
            position: 0,
            file: file.into(),
            date: None,
            lengths: BTreeMap::new(),
            counts: ArticleCounts::default(),
            actors: Vec::new(),
            actor_ids: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// What a resume keeps of a journal of articles in files a, a, b, c, d when the corpus is now `now`.
    fn kept(now: &[FileStamp], group: usize) -> (Vec<String>, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let options = serde_json::json!({ "k": 1 });
        let then = [stamp("a.jsonl", 10), stamp("b.txt", 3), stamp("c.txt", 4), stamp("d.txt", 5)];
        let mut journal = Journal::create(dir.path(), &options, &then).unwrap();
        for (id, file) in [("a1", "a.jsonl"), ("a2", "a.jsonl"), ("b", "b.txt"), ("c", "c.txt"), ("d", "d.txt")] {
            journal.record(&entry(id, file)).unwrap();
        }
        drop(journal);
        let run = Journal::resume(dir.path(), &options, now, group).unwrap().unwrap();
        (run.entries.iter().map(|e| e.article_id.clone()).collect(), run.changed)
    }

    #[test]
    fn a_whole_entry_without_its_newline_is_torn_and_the_next_one_starts_a_line_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let options = serde_json::json!({ "k": 1 });
        let files = [stamp("a.jsonl", 10)];
        let mut journal = Journal::create(dir.path(), &options, &files).unwrap();
        journal.record(&entry("a1", "a.jsonl")).unwrap();
        drop(journal);
        // A kill between a line and its newline.
        let torn = serde_json::to_string(&entry("a2", "a.jsonl")).unwrap();
        let mut file = OpenOptions::new().append(true).open(dir.path().join(JOURNAL)).unwrap();
        file.write_all(torn.as_bytes()).unwrap();
        drop(file);
        let mut run = Journal::resume(dir.path(), &options, &files, 1).unwrap().unwrap();
        assert_eq!(run.entries.len(), 1);
        run.journal.record(&entry("a2", "a.jsonl")).unwrap();
        drop(run);
        let text = std::fs::read_to_string(dir.path().join(JOURNAL)).unwrap();
        assert!(!text.contains('\0'), "{text:?}");
        let (_, entries) = Journal::read(&dir.path().join(JOURNAL)).unwrap();
        assert_eq!(entries.iter().map(|e| e.article_id.as_str()).collect::<Vec<_>>(), ["a1", "a2"]);
    }

    #[test]
    fn a_resume_keeps_the_articles_read_before_the_first_change_in_the_corpus() {
        let same = [stamp("a.jsonl", 10), stamp("b.txt", 3), stamp("c.txt", 4), stamp("d.txt", 5)];
        assert_eq!(kept(&same, 1), (vec!["a1".into(), "a2".into(), "b".into(), "c".into(), "d".into()], None));
        assert_eq!(kept(&same, 2).0, ["a1", "a2", "b", "c"], "whole groups of two");
        let edited = [stamp("a.jsonl", 10), stamp("b.txt", 3), stamp("c.txt", 9), stamp("d.txt", 5)];
        assert_eq!(kept(&edited, 1), (vec!["a1".into(), "a2".into(), "b".into()], Some("c.txt was edited".into())));
        let added = [stamp("a.jsonl", 10), stamp("b.txt", 3), stamp("bb.txt", 1), stamp("c.txt", 4), stamp("d.txt", 5)];
        assert_eq!(kept(&added, 1), (vec!["a1".into(), "a2".into(), "b".into()], Some("bb.txt was added".into())));
        let removed = [stamp("a.jsonl", 10), stamp("c.txt", 4), stamp("d.txt", 5)];
        assert_eq!(kept(&removed, 1), (vec!["a1".into(), "a2".into()], Some("b.txt was removed".into())));
        let appended =
            [stamp("a.jsonl", 10), stamp("b.txt", 3), stamp("c.txt", 4), stamp("d.txt", 5), stamp("e.txt", 1)];
        assert_eq!(kept(&appended, 1).0.len(), 5, "a file after all the done ones changes none of them");
        assert_eq!(kept(&appended, 1).1.as_deref(), Some("e.txt was added"));
    }
}
