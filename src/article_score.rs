//! Article-level scoring: a run's tables against the rows a careful reader writes down for each article
//! (`../shared/ANNOTATION.md`), the product's headline number.
//!
//! A run's **cells** are its (article, holder actor, target) groups of evidence (`evidence.csv`). A cell says
//! favor or against when its favor/against evidence agrees, otherwise by the sign of its summed
//! `p_favor - p_against`; a cell with only neutral evidence says nothing. A gold row is **found** by a cell of
//! the same article whose holder matches (a holder alias and one of the names the cell's holder goes by contain
//! each other as whole words; pronouns never count) and whose target matches (a target alias occurs, as whole
//! words, in one of the target's names; a word of an alias of 4 or more letters also matches the longer words it
//! begins, so "election" finds "elections"). Then:
//! - recall: gold rows found by a cell with their stance, over gold rows;
//! - precision: cells that find a gold row with their stance, over the cells that say favor or against;
//! - pair recall: gold rows found by any cell, whatever its stance; label accuracy: rows found with their
//!   stance over rows found;
//! - candidate recall: gold rows whose holder and target the run put to the stance model at all (a cell,
//!   neutral-only ones included): what the model could have found.
//!
//! Each is given overall and by target kind (`actor`, `issue`: a cell's kind is its target's type, topics and
//! issues being issues).
//!
//! Gold rows name their article by file name (`abc_1.txt`, matched against the file of each article's
//! `origin`) or by article id.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::output::finished::{FinishedRun, Record};
use crate::text::words::word_keys;
use crate::vocab::StanceLabel;

/// The two kinds of target the scores are broken down by.
pub const KINDS: [&str; 2] = ["actor", "issue"];

/// Words that name nobody by themselves: a name made only of them matches no holder.
const PRONOUNS: &[&str] = &[
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "hers", "it", "its", "they",
    "them", "their", "theirs", "who", "whom", "whose",
];

/// One annotated row (ANNOTATION.md).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldRow {
    /// The article's file name or id, as written.
    pub article: String,
    pub holder: String,
    pub holder_aliases: Vec<String>,
    pub target: String,
    pub target_aliases: Vec<String>,
    /// `actor` or `issue`.
    pub kind: String,
    pub stance: StanceLabel,
    pub evidence: String,
    /// `file:line` of the row.
    pub place: String,
}

/// The gold rows of a file, and the rows left out (each named with file and line, and why).
#[derive(Debug, Default)]
pub struct Gold {
    pub rows: Vec<GoldRow>,
    pub skipped: Vec<String>,
}

/// Reads a gold CSV with the columns of ANNOTATION.md (by name, any order; other columns are ignored).
pub fn read_gold(path: &Path) -> anyhow::Result<Gold> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read the gold rows in {}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let wanted = ["article_file", "holder", "holder_aliases", "target", "target_aliases", "target_kind", "stance"];
    let missing: Vec<&str> = wanted.iter().copied().filter(|name| column(name).is_none()).collect();
    if !missing.is_empty() {
        anyhow::bail!("{}: no column {} (ANNOTATION.md names the columns)", path.display(), missing.join(", "));
    }
    let at = |name: &str| column(name).unwrap_or(0);
    let evidence = column("evidence");
    let mut gold = Gold::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                gold.skipped.push(format!("{}:{line}: malformed CSV: {error}", path.display()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let place = format!("{}:{line}", path.display());
        let cell = |name: &str| record.get(at(name)).unwrap_or("").trim().to_string();
        let aliases = |name: &str, first: &str| -> Vec<String> {
            let mut all: Vec<String> = std::iter::once(first.to_string())
                .chain(cell(name).split('|').map(|a| a.trim().to_string()))
                .filter(|a| !a.is_empty())
                .collect();
            all.dedup();
            all
        };
        let (holder, target) = (cell("holder"), cell("target"));
        let kind = cell("target_kind").to_lowercase();
        let stance = match cell("stance").to_lowercase().as_str() {
            "favor" => StanceLabel::Favor,
            "against" => StanceLabel::Against,
            other => {
                gold.skipped.push(format!("{place}: stance {other:?} is not favor or against"));
                continue;
            }
        };
        if !KINDS.contains(&kind.as_str()) {
            gold.skipped.push(format!("{place}: target_kind {kind:?} is not actor or issue"));
            continue;
        }
        if cell("article_file").is_empty() || holder.is_empty() || target.is_empty() {
            gold.skipped.push(format!("{place}: an empty article_file, holder or target"));
            continue;
        }
        gold.rows.push(GoldRow {
            article: cell("article_file"),
            holder_aliases: aliases("holder_aliases", &holder),
            target_aliases: aliases("target_aliases", &target),
            holder,
            target,
            kind,
            stance,
            evidence: evidence.and_then(|i| record.get(i)).unwrap_or("").to_string(),
            place,
        });
    }
    Ok(gold)
}

/// One predicted cell: an article's holder x target, with the names each goes by and what the cell says.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub article_id: String,
    /// The article's file name (from its origin).
    pub article_file: String,
    pub actor_id: String,
    pub holder_names: Vec<String>,
    pub target_id: String,
    pub target_names: Vec<String>,
    /// `actor` or `issue`.
    pub kind: String,
    /// Favor or against; None for a cell that says nothing.
    pub stance: Option<StanceLabel>,
    /// The sentence of its strongest evidence.
    pub evidence: String,
}

/// What the scores read of a run: its articles (id and file name) and its cells.
#[derive(Debug, Default)]
pub struct RunCells {
    pub articles: Vec<(String, String)>,
    pub cells: Vec<Cell>,
}

/// Reads the articles and cells of a finished run's tables in `dir` (CSV, TSV or JSONL).
pub fn read_cells(dir: &Path) -> anyhow::Result<RunCells> {
    let run = FinishedRun::open(dir)?;
    if !run.has("evidence") {
        anyhow::bail!("{}: no evidence table: the run was made without the stance stage", dir.display());
    }
    let read = |name: &str| run.read_all(name);
    let articles: Vec<(String, String)> =
        read("articles")?.into_iter().map(|r| (get(&r, "article_id"), file_name(&get(&r, "origin")))).collect();
    let files: HashMap<String, String> = articles.iter().cloned().collect();
    let mut actor_names: HashMap<String, Vec<String>> = HashMap::new();
    for row in read("actors")? {
        let mut names = vec![get(&row, "name")];
        names.extend(get(&row, "aliases").split('|').map(str::to_string));
        actor_names.insert(get(&row, "actor_id"), names);
    }
    let mut target_info: HashMap<String, (String, String)> = HashMap::new();
    for row in read("stances")? {
        target_info.entry(get(&row, "target_id")).or_insert((get(&row, "target"), get(&row, "target_type")));
    }
    // Evidence grouped by cell, in the order cells first appear.
    let mut order: Vec<(String, String, String)> = Vec::new();
    let mut groups: HashMap<(String, String, String), Vec<Record>> = HashMap::new();
    for row in read("evidence")? {
        let key = (get(&row, "article_id"), get(&row, "actor_id"), get(&row, "target_id"));
        let group = groups.entry(key.clone()).or_default();
        if group.is_empty() {
            order.push(key);
        }
        group.push(row);
    }
    let mut cells = Vec::with_capacity(order.len());
    for key in order {
        let evidence = &groups[&key];
        let (article_id, actor_id, target_id) = key;
        let mut holder_names = actor_names.get(&actor_id).cloned().unwrap_or_default();
        holder_names.extend(evidence.iter().map(|r| get(r, "actor_surface")));
        // stances.csv names the target; a target it leaves out (--min-evidence, --min-confidence) is an actor
        // when actors.csv has it, otherwise a topic or an issue.
        let (label, target_type) = target_info.get(&target_id).cloned().unwrap_or_else(|| {
            let kind = if actor_names.contains_key(&target_id) { "actor" } else { "issue" };
            (String::new(), kind.to_string())
        });
        let mut target_names = actor_names.get(&target_id).cloned().unwrap_or_default();
        target_names.push(label);
        target_names.extend(evidence.iter().map(|r| get(r, "target_surface")));
        let number = |r: &Record, name: &str| r.number(name);
        let (mut favor, mut against, mut sum) = (0, 0, 0.0);
        for r in evidence {
            match get(r, "label").as_str() {
                "favor" => favor += 1,
                "against" => against += 1,
                _ => {}
            }
            sum += number(r, "p_favor") - number(r, "p_against");
        }
        let stance = match (favor, against) {
            (0, 0) => None,
            (_, 0) => Some(StanceLabel::Favor),
            (0, _) => Some(StanceLabel::Against),
            _ if sum > 0.0 => Some(StanceLabel::Favor),
            _ if sum < 0.0 => Some(StanceLabel::Against),
            _ => None,
        };
        let strongest = evidence
            .iter()
            .max_by(|a, b| {
                let strength = |r| (number(r, "p_favor") - number(r, "p_against")).abs();
                strength(a).total_cmp(&strength(b))
            })
            .map(|r| get(r, "text"))
            .unwrap_or_default();
        cells.push(Cell {
            article_file: files.get(&article_id).cloned().unwrap_or_default(),
            article_id,
            actor_id,
            holder_names: clean(holder_names),
            target_id,
            target_names: clean(target_names),
            kind: if matches!(target_type.as_str(), "topic" | "issue") { "issue" } else { "actor" }.to_string(),
            stance,
            evidence: strongest,
        });
    }
    Ok(RunCells { articles, cells })
}

fn get(row: &Record, name: &str) -> String {
    row.get(name).to_string()
}

/// The file name in an `origin` (`corpus/abc_1.txt`, `news.jsonl:3` -> `abc_1.txt`, `news.jsonl`).
pub fn file_name(origin: &str) -> String {
    let path = match origin.rsplit_once(':') {
        Some((path, line)) if line.chars().all(|c| c.is_ascii_digit()) => path,
        _ => origin,
    };
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Names without blanks, duplicates or pronouns.
fn clean(names: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim().to_string();
        let words = words(&name);
        if words.is_empty() || words.iter().all(|w| PRONOUNS.contains(&w.as_str())) || kept.contains(&name) {
            continue;
        }
        kept.push(name);
    }
    kept
}

/// Lowercase words: the keys of the pipeline's words ([`word_keys`]: letters and digits, apostrophes and the rest
/// of punctuation taken as breaks).
fn words(text: &str) -> Vec<String> {
    word_keys(text).into_iter().map(|(_, key)| key).collect()
}

/// Whether `part` occurs in `whole` as whole words; with `prefixes`, a word of `part` of 4 or more letters also
/// matches a longer word that it begins.
fn occurs(part: &[String], whole: &[String], prefixes: bool) -> bool {
    if part.is_empty() || part.len() > whole.len() {
        return false;
    }
    let same = |p: &String, w: &String| p == w || (prefixes && p.chars().count() >= 4 && w.starts_with(p.as_str()));
    whole.windows(part.len()).any(|window| part.iter().zip(window).all(|(p, w)| same(p, w)))
}

/// A second annotator's rows of the same articles as the cells of a run, so that [`score`] measures how far two
/// annotators agree (ANNOTATION.md's .84): each row is a cell of its article with its stance, named by its
/// holder and target with their aliases (which [`read_gold`] begins with the name itself).
pub fn annotator_cells(rows: &[GoldRow]) -> RunCells {
    let mut articles: Vec<(String, String)> = rows.iter().map(|r| (r.article.clone(), r.article.clone())).collect();
    articles.sort();
    articles.dedup();
    let cells = rows
        .iter()
        .map(|row| Cell {
            article_id: row.article.clone(),
            article_file: row.article.clone(),
            actor_id: row.holder.clone(),
            holder_names: row.holder_aliases.clone(),
            target_id: row.target.clone(),
            target_names: row.target_aliases.clone(),
            kind: row.kind.clone(),
            stance: Some(row.stance),
            evidence: row.evidence.clone(),
        })
        .collect();
    RunCells { articles, cells }
}

/// Whether a gold holder (by its aliases) is the cell's holder.
pub fn holder_matches(aliases: &[String], names: &[String]) -> bool {
    aliases.iter().map(|a| words(a)).filter(|a| !a.iter().all(|w| PRONOUNS.contains(&w.as_str()))).any(|alias| {
        names.iter().map(|n| words(n)).any(|name| occurs(&alias, &name, false) || occurs(&name, &alias, false))
    })
}

/// Whether a gold target (by its aliases) is the cell's target.
pub fn target_matches(aliases: &[String], names: &[String]) -> bool {
    aliases.iter().map(|a| words(a)).any(|alias| names.iter().any(|name| occurs(&alias, &words(name), true)))
}

/// The figures of one slice (overall, or one target kind).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub gold: usize,
    pub predicted: usize,
    /// Gold rows found by a cell with their stance.
    pub found_with_stance: usize,
    /// Gold rows found by any cell.
    pub found: usize,
    /// Gold rows whose pair is a cell, neutral-only cells included.
    pub candidates: usize,
    /// Predicted cells that find a gold row with their stance.
    pub correct_cells: usize,
    pub recall: f64,
    pub precision: f64,
    pub f1: f64,
    pub pair_recall: f64,
    pub label_accuracy: f64,
    pub candidate_recall: f64,
}

impl Figures {
    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.recall = ratio(self.found_with_stance, self.gold);
        self.precision = ratio(self.correct_cells, self.predicted);
        self.f1 = match self.recall + self.precision {
            sum if sum > 0.0 => 2.0 * self.recall * self.precision / sum,
            _ => 0.0,
        };
        self.pair_recall = ratio(self.found, self.gold);
        self.label_accuracy = ratio(self.found_with_stance, self.found);
        self.candidate_recall = ratio(self.candidates, self.gold);
    }
}

/// What went wrong with one row or cell, for `--errors`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreError {
    /// `missed` (no cell found it), `wrong_stance` (found, never with its stance), `false_positive` (a cell that
    /// finds no gold row with its stance).
    pub error: &'static str,
    pub article: String,
    pub holder: String,
    pub target: String,
    pub target_kind: String,
    pub gold: String,
    pub predicted: String,
    pub gold_evidence: String,
    pub predicted_evidence: String,
}

/// The scores of a run: overall, by target kind, and per article.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArticleScores {
    pub overall: Figures,
    pub by_kind: BTreeMap<String, Figures>,
    pub per_article: BTreeMap<String, Figures>,
    /// Gold articles that the run has no article for (their rows count as missed).
    pub articles_not_in_run: Vec<String>,
    #[serde(skip)]
    pub errors: Vec<ScoreError>,
}

/// Scores the cells of a run against the gold rows.
pub fn score(gold: &[GoldRow], run: &RunCells) -> ArticleScores {
    let cells = &run.cells;
    let said: Vec<&Cell> = cells.iter().filter(|c| c.stance.is_some()).collect();
    let in_article = |row: &GoldRow, cell: &Cell| row.article == cell.article_file || row.article == cell.article_id;
    let finds = |row: &GoldRow, cell: &Cell| {
        in_article(row, cell)
            && holder_matches(&row.holder_aliases, &cell.holder_names)
            && target_matches(&row.target_aliases, &cell.target_names)
    };
    let mut scores = ArticleScores::default();
    let mut slices = |article: &str, kind: &str, update: &dyn Fn(&mut Figures)| {
        update(&mut scores.overall);
        update(scores.by_kind.entry(kind.to_string()).or_default());
        update(scores.per_article.entry(article.to_string()).or_default());
    };
    let known: std::collections::HashSet<&str> =
        run.articles.iter().flat_map(|(id, file)| [id.as_str(), file.as_str()]).collect();
    let mut errors = Vec::new();
    for row in gold {
        let found: Vec<&&Cell> = said.iter().filter(|cell| finds(row, cell)).collect();
        let right = found.iter().find(|cell| cell.stance == Some(row.stance));
        let candidate = !found.is_empty() || cells.iter().any(|cell| finds(row, cell));
        slices(&row.article, &row.kind, &|f| {
            f.gold += 1;
            f.candidates += usize::from(candidate);
            f.found += usize::from(!found.is_empty());
            f.found_with_stance += usize::from(right.is_some());
        });
        if right.is_none() {
            let predicted = found.first();
            errors.push(ScoreError {
                error: if predicted.is_some() { "wrong_stance" } else { "missed" },
                article: row.article.clone(),
                holder: row.holder.clone(),
                target: row.target.clone(),
                target_kind: row.kind.clone(),
                gold: row.stance.as_str().to_string(),
                predicted: predicted.and_then(|c| c.stance).map_or("", |s| s.as_str()).to_string(),
                gold_evidence: row.evidence.clone(),
                predicted_evidence: predicted.map_or(String::new(), |c| c.evidence.clone()),
            });
        }
    }
    for cell in &said {
        let correct = gold.iter().any(|row| row.stance == cell.stance.unwrap_or(row.stance) && finds(row, cell));
        let article = if cell.article_file.is_empty() { &cell.article_id } else { &cell.article_file };
        slices(article, &cell.kind, &|f| {
            f.predicted += 1;
            f.correct_cells += usize::from(correct);
        });
        if !correct {
            errors.push(ScoreError {
                error: "false_positive",
                article: article.clone(),
                holder: cell.holder_names.first().cloned().unwrap_or_else(|| cell.actor_id.clone()),
                target: cell.target_names.first().cloned().unwrap_or_else(|| cell.target_id.clone()),
                target_kind: cell.kind.clone(),
                gold: String::new(),
                predicted: cell.stance.map_or("", |s| s.as_str()).to_string(),
                gold_evidence: String::new(),
                predicted_evidence: cell.evidence.clone(),
            });
        }
    }
    scores.overall.finish();
    scores.by_kind.values_mut().for_each(Figures::finish);
    scores.per_article.values_mut().for_each(Figures::finish);
    let mut missing: Vec<String> =
        gold.iter().map(|r| r.article.clone()).filter(|a| !known.contains(a.as_str())).collect();
    missing.sort();
    missing.dedup();
    scores.articles_not_in_run = missing;
    scores.errors = errors;
    scores
}

impl ArticleScores {
    /// The figures as a plain-text table, overall then by target kind.
    pub fn table(&self) -> String {
        let mut lines = vec![format!(
            "{:<10} {:>6} {:>9} {:>7} {:>9} {:>6} {:>11} {:>14} {:>16}",
            "", "gold", "predicted", "recall", "precision", "F1", "pair recall", "label accuracy", "candidate recall"
        )];
        let line = |name: &str, f: &Figures| {
            format!(
                "{name:<10} {:>6} {:>9} {:>7.3} {:>9.3} {:>6.3} {:>11.3} {:>14.3} {:>16.3}",
                f.gold, f.predicted, f.recall, f.precision, f.f1, f.pair_recall, f.label_accuracy, f.candidate_recall
            )
        };
        lines.push(line("overall", &self.overall));
        for (kind, figures) in &self.by_kind {
            lines.push(line(kind, figures));
        }
        if !self.articles_not_in_run.is_empty() {
            lines.push(format!("not in the run (all rows missed): {}", self.articles_not_in_run.join(", ")));
        }
        lines.join("\n")
    }
}

/// Writes one row per missed row, wrong stance and false positive to `path` (CSV).
pub fn write_errors(path: &Path, errors: &[ScoreError]) -> anyhow::Result<PathBuf> {
    let mut writer = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    for error in errors {
        writer.serialize(error).with_context(|| format!("cannot write {}", path.display()))?;
    }
    writer.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn holders_match_by_whole_words_either_way_and_never_by_pronoun() {
        assert!(holder_matches(&names(&["Nancy Pelosi", "Pelosi"]), &names(&["Speaker Nancy Pelosi"])));
        assert!(holder_matches(&names(&["Speaker Pelosi"]), &names(&["Pelosi"])), "a name inside an alias");
        assert!(!holder_matches(&names(&["Pelosi"]), &names(&["Pelosis"])), "whole words only");
        assert!(!holder_matches(&names(&["he"]), &names(&["he"])), "pronouns never count");
        assert!(holder_matches(&names(&["Russia", "the Kremlin"]), &names(&["Kremlin"])));
    }

    #[test]
    fn targets_match_by_alias_in_a_name_with_prefixes_of_four_letters() {
        assert!(target_matches(&names(&["election"]), &names(&["the midterm elections"])));
        assert!(!target_matches(&names(&["tax"]), &names(&["taxes"])), "three letters match only whole words");
        assert!(target_matches(&names(&["border wall", "wall"]), &names(&["a wall on the border"])));
        assert!(!target_matches(&names(&["border wall"]), &names(&["the wall"])), "the whole alias must occur");
    }

    #[test]
    fn file_names_come_from_origins_with_or_without_a_line() {
        assert_eq!(file_name("corpus/abc_1.txt"), "abc_1.txt");
        assert_eq!(file_name("c/news.jsonl:3"), "news.jsonl");
    }
}
