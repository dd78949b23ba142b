//! The stance tables: `evidence.csv` (one row per question put to the stance model, written as articles are
//! done), `stances.csv` (one row per holder × target × period cell) and `matrix.csv` (holders as rows,
//! targets as columns, the score in each cell: the one-look spreadsheet view).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::actors::registry::Registry;
use crate::aggregate::{Aggregator, ALL};
use crate::output::schema::STANCE_COLUMNS;
use crate::output::{OutputError, Style, Table};

/// A target's name and type for the tables.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TargetInfo {
    pub label: String,
    /// An actor type (`person`, `country`…), `topic` or `issue`.
    pub target_type: String,
}

/// What the aggregate tables are written from.
pub struct StanceTables<'a> {
    pub dir: &'a Path,
    pub style: Style,
    pub aggregator: &'a Aggregator,
    pub registry: &'a Registry,
    /// Names and types of the targets (actors included), by id.
    pub targets: &'a BTreeMap<String, TargetInfo>,
    /// Cells with fewer pieces of evidence are left out.
    pub min_evidence: usize,
    /// matrix.csv's columns: the targets with the most evidence, at most this many (0: all of them).
    pub matrix_top: usize,
}

/// Which targets matrix.csv shows as columns, and how many it leaves to stances.csv.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MatrixColumns {
    /// Targets shown as columns.
    pub targets: usize,
    /// Targets with evidence that are not columns (not among the `matrix_top` with the most evidence, ties by
    /// id); their cells are in stances.csv.
    pub left_out: usize,
}

impl StanceTables<'_> {
    /// Writes `stances.csv`: every cell with at least `min_evidence` pieces of evidence, by holder, target, period.
    pub fn write_stances(&self) -> Result<PathBuf, OutputError> {
        let (dir, style, aggregator, registry, targets, min_evidence) =
            (self.dir, self.style, self.aggregator, self.registry, self.targets, self.min_evidence);
        let mut table = Table::create(dir, "stances.csv", STANCE_COLUMNS, style)?;
        for ((actor_id, target_id, period), cell) in &aggregator.cells {
            if cell.n_evidence() < min_evidence {
                continue;
            }
            let actor = registry.get(actor_id);
            let target = targets.get(target_id);
            let (ci_low, ci_high) = match cell.interval() {
                Some((low, high)) => (format!("{low:.3}"), format!("{high:.3}")),
                None => (String::new(), String::new()),
            };
            table.row([
                actor_id.as_str(),
                actor.map_or(actor_id.as_str(), |a| a.name.as_str()),
                actor.map_or("", |a| a.actor_type.as_str()),
                target_id,
                target.map_or(target_id.as_str(), |t| t.label.as_str()),
                target.map_or("", |t| t.target_type.as_str()),
                period,
                &cell.n_evidence().to_string(),
                &cell.n_favor.to_string(),
                &cell.n_against.to_string(),
                &cell.n_neutral.to_string(),
                cell.stance(),
                &format!("{:.3}", cell.score()),
                &ci_low,
                &ci_high,
                &cell.articles.len().to_string(),
                cell.top_evidence.as_ref().map_or("", |(_, id)| id.as_str()),
            ])?;
        }
        table.finish()
    }

    /// Writes `matrix.csv`: one row per holder, one column per target (over the whole corpus), the mean score in
    /// each cell that has at least `min_evidence` pieces of evidence, empty otherwise. The columns are the
    /// `matrix_top` targets with the most evidence (ties by id), so that a spreadsheet opens the file (they take
    /// at most 16,384 columns); a holder with no cell among them has no row.
    pub fn write_matrix(&self) -> Result<(PathBuf, MatrixColumns), OutputError> {
        let (dir, style, aggregator, registry, targets, min_evidence) =
            (self.dir, self.style, self.aggregator, self.registry, self.targets, self.min_evidence);
        let kept = || {
            aggregator.cells.iter().filter(|((_, _, period), cell)| period == ALL && cell.n_evidence() >= min_evidence)
        };
        let mut evidence: BTreeMap<&str, usize> = BTreeMap::new();
        for ((_, target, _), cell) in kept() {
            *evidence.entry(target.as_str()).or_default() += cell.n_evidence();
        }
        let mut ranked: Vec<(&str, usize)> = evidence.into_iter().collect();
        ranked.sort_by(|(a, n), (b, m)| m.cmp(n).then(a.cmp(b)));
        let shown = if self.matrix_top == 0 { ranked.len() } else { self.matrix_top.min(ranked.len()) };
        let summary = MatrixColumns { targets: shown, left_out: ranked.len() - shown };
        let mut columns: Vec<&str> = ranked[..shown].iter().map(|(target, _)| *target).collect();
        columns.sort_unstable();
        let labels: Vec<String> =
            columns.iter().map(|id| targets.get(*id).map_or(id.to_string(), |t| t.label.clone())).collect();
        let mut header = MATRIX_KEYS.map(String::from).to_vec();
        header.extend(column_names(&columns, &labels));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = Table::create(dir, "matrix.csv", &header, style)?;
        // The cells come ordered by holder: one row is built at a time (a large corpus has thousands of holders
        // and targets, and the whole grid would not fit in memory).
        let mut row: Option<(&str, Vec<String>)> = None;
        let mut write = |row: Option<(&str, Vec<String>)>| -> Result<(), OutputError> {
            let Some((actor_id, cells)) = row else { return Ok(()) };
            let name = registry.get(actor_id).map_or(actor_id, |a| a.name.as_str());
            table.row([actor_id, name].into_iter().chain(cells.iter().map(String::as_str)))
        };
        for ((actor, target, _), cell) in kept() {
            let Ok(column) = columns.binary_search(&target.as_str()) else { continue };
            if row.as_ref().is_none_or(|(current, _)| *current != actor.as_str()) {
                write(row.take())?;
                row = Some((actor.as_str(), vec![String::new(); columns.len()]));
            }
            if let Some((_, cells)) = row.as_mut() {
                cells[column] = format!("{:.3}", cell.score());
            }
        }
        write(row)?;
        Ok((table.finish()?, summary))
    }
}

/// The row keys of matrix.csv, before the target columns.
const MATRIX_KEYS: [&str; 2] = ["actor_id", "actor"];

/// The names of matrix.csv's target columns: each target's label, or `label [target_id]` where the label is
/// also another column's (case aside) or a row key, so that every name is unique in every format (a JSONL row
/// keyed by them loses nothing) and a column's name depends only on the labels of the run.
fn column_names(ids: &[&str], labels: &[String]) -> Vec<String> {
    let mut uses: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for label in labels.iter().map(|l| l.to_lowercase()).chain(MATRIX_KEYS.map(String::from)) {
        *uses.entry(label).or_default() += 1;
    }
    let mut names: Vec<String> = ids
        .iter()
        .zip(labels)
        .map(|(id, label)| match uses[&label.to_lowercase()] {
            1 => label.clone(),
            _ => format!("{label} [{id}]"),
        })
        .collect();
    // A plain label that reads like another column's `label [id]` takes its own id too (ids are unique).
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for name in &names {
        *seen.entry(name.to_lowercase()).or_default() += 1;
    }
    for ((name, id), label) in names.iter_mut().zip(ids).zip(labels) {
        if seen[&name.to_lowercase()] > 1 && name == label {
            *name = format!("{label} [{id}]");
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn matrix_columns_are_unique_and_never_shadow_the_row_keys() {
        let ids = ["actor", "actor_id", "issue:plan", "plan", "joe-biden"];
        let labels = ["actor", "Actor_ID", "plan", "Plan", "Joe Biden"].map(String::from);
        let names = column_names(&ids, &labels);
        assert_eq!(names, ["actor [actor]", "Actor_ID [actor_id]", "plan [issue:plan]", "Plan [plan]", "Joe Biden"]);
        let mut all: Vec<String> = MATRIX_KEYS.map(String::from).to_vec();
        all.extend(names.iter().cloned());
        let unique: BTreeSet<String> = all.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(unique.len(), all.len());
        let tricky = column_names(&["a", "b", "c"], &["plan".into(), "Plan".into(), "plan [a]".into()]);
        assert_eq!(tricky, ["plan [a]", "Plan [b]", "plan [a] [c]"]);
        // A label that clashes with nothing keeps its plain name, whatever else the run holds.
        assert_eq!(column_names(&["joe-biden"], &["Joe Biden".into()]), ["Joe Biden"]);
    }
}
