//! What `stancemap run` is asked to do: its options, as run.json records them and a resumed run or a merge
//! compares them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::shard::Shard;
use crate::aggregate::Period;
use crate::attribution::holders::Speakers;
use crate::model::{DeviceChoice, Precision};
use crate::output::{Format, FormulaGuard, Style};
use crate::pairs::Holders;

/// What `stancemap run` was asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub out: PathBuf,
    pub max_article_bytes: usize,
    pub formula_guard: FormulaGuard,
    /// The tables' file format.
    pub format: Format,
    /// Also write the tables as one workbook, `tables.xlsx` (`--format xlsx`; the tables themselves are CSV).
    #[serde(default)]
    pub workbook: bool,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The entity model folder; None skips entity detection (and mentions.csv).
    pub entity_model: Option<PathBuf>,
    /// Gazetteer files, the shipped one first; later files override earlier rows of the same name.
    pub gazetteers: Vec<PathBuf>,
    /// The user's lexicon folders, read over the shipped lists in order (see [`crate::lexicon`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lexicon: Vec<PathBuf>,
    /// Windows per model batch.
    pub batch_size: usize,
    /// The stance model folder; None skips the stance stage (no evidence, stances or matrix tables; actors.csv is
    /// still written wherever entities are found).
    pub stance_model: Option<PathBuf>,
    /// The user's alias table (`actors.csv` format).
    pub actors: Option<PathBuf>,
    /// The user's topics (`target_id, label, keywords`).
    pub targets: Option<PathBuf>,
    /// Find issue targets after cues ("opposes …", "urges X to …"), and with the issue tagger.
    pub auto_targets: bool,
    /// The issue tagger's folder (a span model over the ISSUE label); None finds issues after cues only.
    #[serde(default)]
    pub issue_model: Option<PathBuf>,
    /// The attribution tagger's folder (SOURCE / CUE / CONTENT spans, trained on PolNeAR); None writes no
    /// quotes.csv.
    #[serde(default)]
    pub attribution_model: Option<PathBuf>,
    /// Whose attributions decide who holds a quoted or reported sentence (with an attribution tagger).
    #[serde(default)]
    pub speakers: Speakers,
    /// Who holds the stances of a sentence; None: what the stance model's card says it was trained on.
    pub holders: Option<Holders>,
    /// Also aggregate per day, week or month of the articles' dates.
    pub period: Option<Period>,
    /// Aggregate rows with fewer pieces of evidence are left out of stances.csv and matrix.csv.
    pub min_evidence: usize,
    /// matrix.csv's columns: the targets with the most evidence, at most this many (0: all).
    #[serde(default = "default_matrix_top")]
    pub matrix_top: usize,
    /// Evidence whose top probability is lower is left out of the aggregates (never out of evidence.csv).
    pub min_confidence: f32,
    /// Only this shard's articles (see [`super::shard`]).
    pub shard: Option<Shard>,
    /// Where the models run.
    #[serde(default)]
    pub device: DeviceChoice,
    /// Their number format.
    #[serde(default)]
    pub precision: Precision,
}

/// matrix.csv's columns by default: a spreadsheet opens it, and reads it on one screen or a few.
pub const DEFAULT_MATRIX_TOP: usize = 200;

fn default_matrix_top() -> usize {
    DEFAULT_MATRIX_TOP
}

impl RunOptions {
    pub fn style(&self) -> Style {
        Style { format: self.format, guard: self.formula_guard }
    }

    /// The options an interrupted run must share with this one to be resumed by it. What only the end of a run
    /// reads (the matrix's columns, the workbook) may change in between, and a journal written before those
    /// options existed still matches.
    pub fn resume_settings(&self) -> anyhow::Result<serde_json::Value> {
        let mut settings = serde_json::to_value(self)?;
        if let Some(object) = settings.as_object_mut() {
            for key in ["progress", "matrix_top", "workbook"] {
                object.remove(key);
            }
        }
        Ok(settings)
    }
}

/// The user's table at `path` read with `read`, its row problems added to `problems`; empty without a path.
pub fn user_table<T: Default>(
    path: &Option<PathBuf>,
    read: impl Fn(&Path) -> anyhow::Result<(T, Vec<String>)>,
    problems: &mut Vec<String>,
) -> anyhow::Result<T> {
    let Some(path) = path else { return Ok(T::default()) };
    let (table, found) = read(path)?;
    problems.extend(found);
    Ok(table)
}
