//! Running the stance model over examples and scoring it: the one path used by training's dev checks and by
//! `stancemap eval stance`. Scores: accuracy, per-class precision/recall/F1, macro-F1 (over the three labels, or
//! over favor and against when the gold has no neutral), F_avg (SemEval's mean of the favor and against F1), the
//! confusion matrix, the expected calibration error, and all of it per source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tch::{Device, Kind};

use crate::model::{inference_batches, TokenBatch, BATCH_TOKENS};
use crate::output::{Format, FormulaGuard, OutputError, Style, Table};

use super::example::StanceExample;
use super::input::StanceQuery;
use super::model::{StanceModel, LABELS};
use crate::vocab::StanceLabel;

/// Probabilities in [`LABELS`] order: favor, against, neutral.
pub type Probabilities = [f32; 3];

/// Bins of the expected calibration error (equal width over the top probability).
const ECE_BINS: usize = 15;

/// Uncalibrated logits for each query, computed in length-sorted batches.
pub fn logits(model: &StanceModel, queries: &[StanceQuery], batch_size: usize) -> anyhow::Result<Vec<[f32; 3]>> {
    let mut encoded = Vec::with_capacity(queries.len());
    for query in queries {
        encoded.push(query.encode(&model.encoder.tokenizer)?);
    }
    Ok(logits_of_ids(model, &encoded, batch_size))
}

/// Uncalibrated logits for inputs already encoded.
pub fn logits_of_ids<S: AsRef<[i64]>>(model: &StanceModel, encoded: &[S], batch_size: usize) -> Vec<[f32; 3]> {
    let _guard = tch::no_grad_guard();
    let device = model.head_vars.device();
    let lengths: Vec<usize> = encoded.iter().map(|ids| ids.as_ref().len()).collect();
    let mut out = vec![[0.0f32; 3]; encoded.len()];
    for chunk in &inference_batches(&lengths, batch_size, BATCH_TOKENS) {
        let ids: Vec<&[i64]> = chunk.iter().map(|&i| encoded[i].as_ref()).collect();
        let batch = TokenBatch::pad(&ids, model.encoder.tokenizer.pad_id(), device);
        let logits = model.logits(&batch, false).to_kind(Kind::Float).to_device(Device::Cpu);
        let flat = Vec::<f32>::try_from(logits.flatten(0, -1)).unwrap_or_default();
        for (row, &i) in chunk.iter().enumerate() {
            out[i].copy_from_slice(&flat[row * 3..row * 3 + 3]);
        }
    }
    out
}

/// Softmax of `logits / temperature`.
pub fn probabilities(logits: &[f32; 3], temperature: f64) -> Probabilities {
    let scaled: Vec<f64> = logits.iter().map(|&l| l as f64 / temperature).collect();
    let max = scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = scaled.iter().map(|l| (l - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    [(exp[0] / sum) as f32, (exp[1] / sum) as f32, (exp[2] / sum) as f32]
}

/// Calibrated probabilities for each query.
pub fn predict(model: &StanceModel, queries: &[StanceQuery], batch_size: usize) -> anyhow::Result<Vec<Probabilities>> {
    Ok(logits(model, queries, batch_size)?.iter().map(|l| probabilities(l, model.temperature)).collect())
}

/// The label with the highest probability.
pub fn label_of(probabilities: &Probabilities) -> StanceLabel {
    let best = (0..3).max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b])).unwrap_or(2);
    LABELS[best]
}

/// The temperature that minimises the dev negative log-likelihood (golden-section search on its inverse, over
/// which the likelihood is convex).
pub fn fit_temperature(logits: &[[f32; 3]], gold: &[StanceLabel]) -> f64 {
    let nll = |inverse: f64| -> f64 {
        logits
            .iter()
            .zip(gold)
            .map(|(l, g)| {
                let p = probabilities(l, 1.0 / inverse);
                -(p[label_index(*g)] as f64).max(1e-12).ln()
            })
            .sum()
    };
    let (mut low, mut high) = (0.02f64, 10.0f64);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..80 {
        let a = high - ratio * (high - low);
        let b = low + ratio * (high - low);
        if nll(a) < nll(b) {
            high = b;
        } else {
            low = a;
        }
    }
    2.0 / (low + high)
}

pub fn label_index(label: StanceLabel) -> usize {
    LABELS.iter().position(|l| *l == label).unwrap_or(2)
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold examples of the class.
    pub support: usize,
}

/// What `eval stance --json` prints, and what the model cards hold for dev.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StanceScores {
    pub n: usize,
    pub accuracy: f64,
    /// Over the three labels, or over favor and against when the gold has no neutral.
    pub macro_f1: f64,
    /// Mean of the favor and against F1 (SemEval-2016's measure).
    pub f_avg: f64,
    pub per_class: BTreeMap<String, ClassScores>,
    /// gold label -> predicted label -> count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Expected calibration error, 15 equal-width bins over the top probability.
    pub ece: f64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub per_source: BTreeMap<String, StanceScores>,
}

impl StanceScores {
    /// Scores predictions against gold, overall and per source.
    pub fn of(gold: &[StanceLabel], predicted: &[Probabilities], sources: &[&str]) -> StanceScores {
        let mut scores = StanceScores::overall(gold, predicted);
        let mut names: Vec<&str> = sources.to_vec();
        names.sort();
        names.dedup();
        if names.len() > 1 {
            for name in names {
                let rows: Vec<usize> = (0..gold.len()).filter(|&i| sources[i] == name).collect();
                let g: Vec<StanceLabel> = rows.iter().map(|&i| gold[i]).collect();
                let p: Vec<Probabilities> = rows.iter().map(|&i| predicted[i]).collect();
                scores.per_source.insert(name.to_string(), StanceScores::overall(&g, &p));
            }
        }
        scores
    }

    fn overall(gold: &[StanceLabel], predicted: &[Probabilities]) -> StanceScores {
        let n = gold.len();
        let mut confusion = [[0usize; 3]; 3];
        for (g, p) in gold.iter().zip(predicted) {
            confusion[label_index(*g)][label_index(label_of(p))] += 1;
        }
        let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
        let mut per_class = BTreeMap::new();
        for (i, label) in LABELS.iter().enumerate() {
            let support: usize = confusion[i].iter().sum();
            let predicted_as: usize = (0..3).map(|g| confusion[g][i]).sum();
            let tp = confusion[i][i] as f64;
            let precision = if predicted_as == 0 { 0.0 } else { tp / predicted_as as f64 };
            let recall = if support == 0 { 0.0 } else { tp / support as f64 };
            let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
            per_class.insert(label.as_str().to_string(), ClassScores { precision, recall, f1, support });
        }
        let f1 = |label: StanceLabel| per_class[label.as_str()].f1;
        let f_avg = (f1(StanceLabel::Favor) + f1(StanceLabel::Against)) / 2.0;
        let has_neutral = per_class[StanceLabel::Neutral.as_str()].support > 0;
        let macro_f1 = if has_neutral { (2.0 * f_avg + f1(StanceLabel::Neutral)) / 3.0 } else { f_avg };
        let confusion = LABELS
            .iter()
            .enumerate()
            .map(|(g, gold)| {
                let row = LABELS.iter().enumerate().map(|(p, pred)| (pred.as_str().to_string(), confusion[g][p]));
                (gold.as_str().to_string(), row.collect())
            })
            .collect();
        StanceScores {
            n,
            accuracy: if n == 0 { 0.0 } else { correct as f64 / n as f64 },
            macro_f1,
            f_avg,
            per_class,
            confusion,
            ece: expected_calibration_error(gold, predicted),
            per_source: BTreeMap::new(),
        }
    }

    /// The mean of the per-source macro-F1 (the overall macro-F1 with one source): what training selects on,
    /// so that a large source does not drown a small one.
    pub fn selection_score(&self) -> f64 {
        if self.per_source.is_empty() {
            return self.macro_f1;
        }
        self.per_source.values().map(|s| s.macro_f1).sum::<f64>() / self.per_source.len() as f64
    }

    /// A plain-text table for the terminal.
    pub fn table(&self) -> String {
        let mut out = format!(
            "n {}  accuracy {:.4}  macro-F1 {:.4}  F_avg {:.4}  ECE {:.4}\n",
            self.n, self.accuracy, self.macro_f1, self.f_avg, self.ece
        );
        out.push_str(&format!("{:<10}{:>10}{:>10}{:>10}{:>10}\n", "label", "precision", "recall", "F1", "support"));
        for (name, s) in &self.per_class {
            out.push_str(&format!(
                "{name:<10}{:>10.4}{:>10.4}{:>10.4}{:>10}\n",
                s.precision, s.recall, s.f1, s.support
            ));
        }
        out.push_str("confusion (rows gold, columns predicted: favor against neutral)\n");
        for label in LABELS {
            let row = &self.confusion[label.as_str()];
            let cells: Vec<String> = LABELS.iter().map(|p| format!("{:>8}", row[p.as_str()])).collect();
            out.push_str(&format!("{:<10}{}\n", label.as_str(), cells.join("")));
        }
        for (source, s) in &self.per_source {
            out.push_str(&format!(
                "source {source}: n {} accuracy {:.4} macro-F1 {:.4} F_avg {:.4} ECE {:.4}\n",
                s.n, s.accuracy, s.macro_f1, s.f_avg, s.ece
            ));
        }
        out
    }
}

/// The gap between confidence and accuracy, averaged over equal-width bins of the top probability, weighted by
/// the share of examples in each bin.
pub fn expected_calibration_error(gold: &[StanceLabel], predicted: &[Probabilities]) -> f64 {
    if gold.is_empty() {
        return 0.0;
    }
    let mut bins = [(0usize, 0.0f64, 0usize); ECE_BINS]; // (count, confidence sum, correct)
    for (g, p) in gold.iter().zip(predicted) {
        let confidence = p.iter().copied().fold(0.0f32, f32::max) as f64;
        let bin = ((confidence * ECE_BINS as f64) as usize).min(ECE_BINS - 1);
        bins[bin].0 += 1;
        bins[bin].1 += confidence;
        bins[bin].2 += usize::from(label_of(p) == *g);
    }
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|&(_, confidence, correct)| (correct as f64 - confidence).abs() / gold.len() as f64)
        .sum()
}

/// Scores the model on examples; also returns the uncalibrated logits (for fitting the temperature).
pub fn evaluate(
    model: &StanceModel,
    examples: &[StanceExample],
    batch_size: usize,
) -> anyhow::Result<(StanceScores, Vec<[f32; 3]>)> {
    let queries: Vec<StanceQuery> = examples.iter().map(StanceQuery::of).collect();
    let logits = logits(model, &queries, batch_size)?;
    let predicted: Vec<Probabilities> = logits.iter().map(|l| probabilities(l, model.temperature)).collect();
    let gold: Vec<StanceLabel> = examples.iter().map(|e| e.label).collect();
    let sources: Vec<&str> = examples.iter().map(|e| e.source.as_str()).collect();
    Ok((StanceScores::of(&gold, &predicted, &sources), logits))
}

/// The columns of [`write_predictions`]. `text`, `actor_surface`, `target_surface` and `label` are the columns
/// `stancemap import evidence` reads, so a corrected `label` column can be imported back as training data.
pub const PREDICTION_COLUMNS: [&str; 11] = [
    "evidence_id",
    "source",
    "label",
    "predicted",
    "correct",
    "p_favor",
    "p_against",
    "p_neutral",
    "actor_surface",
    "target_surface",
    "text",
];

/// Writes one row per example with its gold label, the model's label and its calibrated probabilities, to a CSV,
/// TSV or JSONL file (by the extension of `path`; CSV otherwise, under the name given), for reading the errors in
/// a spreadsheet.
pub fn write_predictions(
    path: &Path,
    examples: &[StanceExample],
    logits: &[[f32; 3]],
    temperature: f64,
) -> Result<PathBuf, OutputError> {
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("tsv") => Format::Tsv,
        Some("jsonl") => Format::Jsonl,
        _ => Format::Csv,
    };
    let mut table = Table::create_at(path, &PREDICTION_COLUMNS, Style { format, guard: FormulaGuard::On })?;
    for (example, logits) in examples.iter().zip(logits) {
        let p = probabilities(logits, temperature);
        let predicted = label_of(&p);
        table.row([
            example.id.as_str(),
            example.source.as_str(),
            example.label.as_str(),
            predicted.as_str(),
            if predicted == example.label { "yes" } else { "no" },
            &format!("{:.4}", p[0]),
            &format!("{:.4}", p[1]),
            &format!("{:.4}", p[2]),
            example.holder.as_deref().unwrap_or(""),
            example.target.as_str(),
            example.text.as_str(),
        ])?;
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use StanceLabel::*;

    fn one_hot(label: StanceLabel, confidence: f32) -> Probabilities {
        let mut p = [(1.0 - confidence) / 2.0; 3];
        p[label_index(label)] = confidence;
        p
    }

    #[test]
    fn hand_counted_scores() {
        // gold favor x3, against x2, neutral x1; predictions: favor ok ok against; against ok favor; neutral ok.
        let gold = [Favor, Favor, Favor, Against, Against, Neutral];
        let pred = [Favor, Favor, Against, Against, Favor, Neutral].map(|l| one_hot(l, 0.9));
        let s = StanceScores::of(&gold, &pred, &["a"; 6]);
        assert_eq!(s.n, 6);
        assert!((s.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // favor: P 2/3 R 2/3 F1 2/3; against: P 1/2 R 1/2 F1 1/2; neutral: 1.
        assert!((s.per_class["favor"].f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.per_class["against"].f1 - 0.5).abs() < 1e-12);
        assert!((s.f_avg - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
        assert!((s.macro_f1 - (2.0 / 3.0 + 0.5 + 1.0) / 3.0).abs() < 1e-12);
        assert_eq!(s.confusion["favor"]["against"], 1);
        assert_eq!(s.confusion["against"]["favor"], 1);
        // All at confidence 0.9 with accuracy 2/3: ECE = |0.667 - 0.9|.
        assert!((s.ece - (0.9 - 4.0 / 6.0)).abs() < 1e-6, "{}", s.ece);
        assert!(s.per_source.is_empty(), "one source: no breakdown");
    }

    #[test]
    fn gold_without_neutral_takes_macro_f1_over_favor_and_against() {
        let gold = [Favor, Against];
        let pred = [one_hot(Favor, 0.8), one_hot(Neutral, 0.8)];
        let s = StanceScores::of(&gold, &pred, &["p", "q"]);
        assert!((s.macro_f1 - s.f_avg).abs() < 1e-12);
        assert!((s.f_avg - 0.5).abs() < 1e-12, "favor F1 1, against F1 0");
        assert_eq!(s.per_source.len(), 2);
        assert!((s.per_source["p"].accuracy - 1.0).abs() < 1e-12);
        // p: favor F1 1, against F1 0 (no gold, none predicted: 0, as scikit-learn) -> 0.5; q: 0 -> mean 0.25.
        assert!((s.selection_score() - 0.25).abs() < 1e-12, "{}", s.selection_score());
    }

    #[test]
    fn temperature_undoes_overconfidence() {
        // Logits that say 99% but are right 70% of the time: the fitted temperature is above 1 and lowers ECE.
        let mut logits = Vec::new();
        let mut gold = Vec::new();
        for i in 0..100 {
            logits.push([6.0, 0.0, 0.0]);
            gold.push(if i < 70 { Favor } else { Against });
        }
        let t = fit_temperature(&logits, &gold);
        assert!(t > 2.0, "temperature {t}");
        let before: Vec<Probabilities> = logits.iter().map(|l| probabilities(l, 1.0)).collect();
        let after: Vec<Probabilities> = logits.iter().map(|l| probabilities(l, t)).collect();
        let (e0, e1) = (expected_calibration_error(&gold, &before), expected_calibration_error(&gold, &after));
        assert!(e1 < 0.02 && e0 > 0.25, "ECE before {e0}, after {e1}");
        assert!((after[0][0] - 0.7).abs() < 0.02, "calibrated confidence {}", after[0][0]);
    }
}
