//! `stancemap train stance`: fine-tunes a stance classifier on canonical stance JSONL from several sources, each
//! with a weight (how many times per epoch its examples are seen: 0.5 takes a different seeded half each epoch,
//! 2 takes them twice), with checkpoints, resume and best-on-dev selection. Each time the model improves on dev
//! its temperature is fitted on the dev logits and the card records the calibration error before and after.
//!
//! With a teacher (`--teacher DIR`, any trained stance model, usually the accurate tier) the student also learns
//! the teacher's calibrated probabilities on every training example (knowledge distillation): the loss is
//! alpha x cross-entropy on the gold label + (1 - alpha) x T^2 x KL(teacher at T || student at T). The teacher
//! reads the training set once, before the first step; its probabilities are kept beside the checkpoint, so a
//! resumed run does not read it again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use tch::{Device, Kind, Tensor};

use crate::model::card::{ModelCard, TrainingCard, CARD_FILE, DELTA_FILE};
use crate::model::card::{Pooling, StanceCard, Task};
use crate::model::delta::{load_delta, Adaptation};
use crate::model::{Purpose, TokenBatch};
use crate::pairs::Holders;
use crate::stance::evaluate::{
    evaluate, expected_calibration_error, fit_temperature, label_index, predict, probabilities, Probabilities,
    StanceScores,
};
use crate::stance::example::{read_examples, StanceExample};
use crate::stance::input::{StanceQuery, INPUT_DOC};
use crate::stance::model::{StanceModel, LABELS};
use crate::vocab::StanceLabel;

use super::mixed::{self, Autocast};
use super::{length_batches, CheckpointPaths, Optimizers, Rng, Schedule, TrainLoop, TrainProgress};

/// One training file and its weight.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StanceSource {
    pub path: PathBuf,
    pub weight: f64,
}

impl StanceSource {
    /// `PATH` or `PATH@WEIGHT` (a non-negative number; default 1).
    pub fn from_spec(spec: &str) -> anyhow::Result<StanceSource> {
        if let Some((path, weight)) = spec.rsplit_once('@') {
            if let Ok(weight) = weight.parse::<f64>() {
                if !(weight.is_finite() && weight >= 0.0) {
                    bail!("--train {spec}: the weight must be a number of at least 0");
                }
                return Ok(StanceSource { path: path.into(), weight });
            }
        }
        Ok(StanceSource { path: spec.into(), weight: 1.0 })
    }
}

/// Learning from a teacher model as well as from the gold labels.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Distillation {
    /// A trained stance model (any base); its calibrated probabilities are the soft targets.
    pub teacher: PathBuf,
    /// The weight of the gold label's cross-entropy; the teacher gets 1 - alpha.
    pub alpha: f64,
    /// Softens teacher and student alike in the KL term (which is scaled by its square).
    pub temperature: f64,
}

/// Training sources whose licence binds a model trained on them, as the card must say.
const LICENCES: &[(&str, &str)] = &[(
    crate::import::seesaw::SOURCE,
    "CC BY-NC-SA 4.0 (SEESAW, Zhang, Beauchamp & Wang, EMNLP 2022): a model trained on it is for non-commercial use \
     and is shared under the same licence",
)];

/// Where a run keeps its teacher's probabilities (beside the checkpoint, ignored like it).
const TEACHER_FILE: &str = "checkpoint.teacher.safetensors";

#[derive(Debug, Clone, Serialize)]
pub struct StanceTrainOptions {
    pub train: Vec<StanceSource>,
    pub dev: Vec<PathBuf>,
    pub pooling: Pooling,
    pub distill: Option<Distillation>,
    /// A trained stance model to start from instead of the bare base.
    pub init: Option<PathBuf>,
    #[serde(flatten)]
    pub run: TrainLoop,
}

/// What a training run reports.
pub struct StanceTrainReport {
    /// The best dev scores so far (calibrated), None when the run stopped before its first evaluation.
    pub dev: Option<StanceScores>,
    pub losses: Vec<f64>,
    pub finished: bool,
}

/// An example ready for the model.
struct Encoded {
    ids: Vec<i64>,
    label: i64,
}

/// The examples of one epoch: each source's examples `floor(weight)` times, plus a seeded sample of the
/// fractional part, so that the count per epoch is fixed and the sample changes with the epoch.
fn epoch_examples(sizes: &[(usize, f64)], seed: u64, epoch: usize) -> Vec<usize> {
    let mut rng = Rng::new(seed ^ 0x5EED ^ (epoch as u64).wrapping_mul(0x9E37_79B9));
    let mut out = Vec::new();
    let mut offset = 0;
    for &(size, weight) in sizes {
        let whole = weight.floor() as usize;
        for _ in 0..whole {
            out.extend(offset..offset + size);
        }
        let extra = ((weight - whole as f64) * size as f64).round() as usize;
        if extra > 0 {
            let mut pick: Vec<usize> = (offset..offset + size).collect();
            rng.shuffle(&mut pick);
            out.extend_from_slice(&pick[..extra.min(size)]);
        }
        offset += size;
    }
    out
}

pub fn train_stance(options: &StanceTrainOptions) -> anyhow::Result<StanceTrainReport> {
    tch::manual_seed(options.run.seed as i64);
    std::fs::create_dir_all(&options.run.out)
        .with_context(|| format!("cannot create {}", options.run.out.display()))?;
    let device = Device::cuda_if_available();
    let mut model = StanceModel::new(
        options.run.encoder,
        &options.run.base_dir,
        options.run.adaptation,
        options.pooling,
        device,
        Purpose::Training,
    )?;
    if let Some(init) = &options.init {
        start_from(&mut model, init)?;
    }

    let mut train: Vec<Encoded> = Vec::new();
    let mut sources = std::collections::BTreeSet::new();
    let mut all_examples = Vec::new();
    let mut sizes = Vec::new();
    for source in &options.train {
        let mut examples = read_examples(&source.path)?;
        if let Some(limit) = options.run.limit {
            examples.truncate(limit);
        }
        let counts = label_counts(&examples);
        eprintln!(
            "train: {} examples from {} (weight {}; favor {}, against {}, neutral {})",
            examples.len(),
            source.path.display(),
            source.weight,
            counts[0],
            counts[1],
            counts[2]
        );
        sizes.push((examples.len(), source.weight));
        sources.extend(examples.iter().map(|e| e.source.clone()));
        for example in &examples {
            let ids = StanceQuery::of(example).encode(&model.encoder.tokenizer)?;
            train.push(Encoded { ids, label: label_index(example.label) as i64 });
        }
        if options.distill.is_some() {
            all_examples.extend(examples);
        }
    }
    let teacher = match &options.distill {
        Some(distill) => Some(teacher_probabilities(distill, &all_examples, options, device)?),
        None => None,
    };
    drop(all_examples);
    let mut dev = Vec::new();
    for path in &options.dev {
        let mut examples = read_examples(path)?;
        if let Some(limit) = options.run.limit {
            examples.truncate(limit);
        }
        eprintln!("dev: {} examples from {}", examples.len(), path.display());
        dev.extend(examples);
    }
    let per_epoch = epoch_examples(&sizes, options.run.seed, 0).len();
    if per_epoch == 0 {
        bail!("no training examples (check the files and their weights)");
    }
    if dev.is_empty() {
        bail!("no dev examples: the best epoch and the temperature are chosen on dev");
    }

    let batches_per_epoch = per_epoch.div_ceil(options.run.batch_size);
    let total_steps = batches_per_epoch * options.run.epochs;
    let schedule = Schedule::new(options.run.lr, options.run.warmup, total_steps);
    let mut optimizers =
        Optimizers::new(&model.encoder.vars, &model.head_vars, options.run.lr, options.run.weight_decay)?;

    let autocast = options.run.mixed_bf16.then(|| Autocast::new(device)).transpose()?;
    let paths = CheckpointPaths::in_dir(&options.run.out);
    let stores = [("encoder.", &model.encoder.vars), ("head.", &model.head_vars)];
    let mut state = paths.begin(&options.run, &stores, total_steps)?;

    let progress = TrainProgress::new(total_steps, state.step);
    let mut best: Option<StanceScores> = None;
    let (mut tokens_seen, mut clock) = (0usize, Instant::now());
    let mut losses = Vec::new();
    let mut stopped_early = false;
    'epochs: while state.epoch < options.run.epochs {
        let chosen = epoch_examples(&sizes, options.run.seed, state.epoch);
        let lengths: Vec<usize> = chosen.iter().map(|&i| train[i].ids.len()).collect();
        let batches = length_batches(&lengths, options.run.batch_size, options.run.seed, state.epoch);
        for batch in batches.iter().skip(state.batch_in_epoch) {
            let rows: Vec<&Encoded> = batch.iter().map(|&b| &train[chosen[b]]).collect();
            let ids: Vec<&[i64]> = rows.iter().map(|r| r.ids.as_slice()).collect();
            let tokens = TokenBatch::pad(&ids, model.encoder.tokenizer.pad_id(), device);
            let labels: Vec<i64> = rows.iter().map(|r| r.label).collect();
            let labels = Tensor::from_slice(&labels).to_device(device);
            let logits = mixed::logits(autocast.as_ref(), || model.logits(&tokens, true));
            let mut loss = logits.cross_entropy_for_logits(&labels);
            if let (Some(distill), Some(teacher)) = (&options.distill, &teacher) {
                let rows: Vec<i64> = batch.iter().map(|&b| chosen[b] as i64).collect();
                let soft = teacher.index_select(0, &Tensor::from_slice(&rows).to_device(device));
                loss = loss * distill.alpha
                    + distillation_loss(&logits, &soft, distill.temperature) * (1.0 - distill.alpha);
            }
            optimizers.step(&loss, schedule.lr(state.step));
            state.step += 1;
            state.batch_in_epoch += 1;
            tokens_seen += rows.iter().map(|r| r.ids.len()).sum::<usize>();
            let speed = tokens_seen as f64 / clock.elapsed().as_secs_f64().max(1e-9);
            let loss = loss.double_value(&[]);
            losses.push(loss);
            progress.step(state.step, total_steps, loss, speed);
            if options.run.checkpoint_every > 0 && state.step.is_multiple_of(options.run.checkpoint_every) {
                paths.save(&stores, &state)?;
            }
            if options.run.stop_after.is_some_and(|n| losses.len() >= n) && state.step < total_steps {
                paths.save(&stores, &state)?;
                progress.println(&format!(
                    "stopped after {} steps at step {}; continue with --resume",
                    losses.len(),
                    state.step
                ));
                stopped_early = true;
                break 'epochs;
            }
        }
        state.epoch += 1;
        state.batch_in_epoch = 0;
        let (scores, calibration) = score_and_calibrate(&model, &dev)?;
        progress.println(&format!(
            "epoch {}/{}: dev accuracy {:.4} macro-F1 {:.4} F_avg {:.4} (selection {:.4}), temperature {:.3}, ECE {:.4} -> {:.4}",
            state.epoch,
            options.run.epochs,
            scores.accuracy,
            scores.macro_f1,
            scores.f_avg,
            scores.selection_score(),
            calibration.temperature,
            calibration.ece_before,
            calibration.ece_after
        ));
        for (source, s) in &scores.per_source {
            progress.println(&format!("  {source}: n {} macro-F1 {:.4} F_avg {:.4}", s.n, s.macro_f1, s.f_avg));
        }
        if state.best_dev_f1.is_none_or(|best| scores.selection_score() > best) {
            state.best_dev_f1 = Some(scores.selection_score());
            save_model(options, &model, &scores, &calibration, &sources)?;
            best = Some(scores);
        }
        paths.save(&stores, &state)?;
        (tokens_seen, clock) = (0, Instant::now());
    }
    progress.finish();
    if stopped_early {
        return Ok(StanceTrainReport { dev: best, losses, finished: false });
    }
    let dev = match best {
        Some(scores) => scores,
        // Resumed after the last epoch's evaluation: score the saved best again.
        None => {
            let saved = StanceModel::load(&options.run.out, device)?;
            evaluate(&saved, &dev, 64)?.0
        }
    };
    Ok(StanceTrainReport { dev: Some(dev), losses, finished: true })
}

/// The teacher's calibrated probabilities for every training example, `[n, 3]` on `device`: read from the run's
/// folder when resuming with the same number of examples, else computed (and written there).
fn teacher_probabilities(
    distill: &Distillation,
    examples: &[StanceExample],
    options: &StanceTrainOptions,
    device: Device,
) -> anyhow::Result<Tensor> {
    let path = options.run.out.join(TEACHER_FILE);
    if options.run.resume && path.is_file() {
        let saved = Tensor::read_safetensors(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if let Some((_, probabilities)) = saved.into_iter().find(|(name, _)| name == "probabilities") {
            if probabilities.size() == [examples.len() as i64, 3] {
                return Ok(probabilities.to_device(device));
            }
        }
    }
    let started = Instant::now();
    let teacher = StanceModel::load(&distill.teacher, device)
        .with_context(|| format!("cannot load the teacher {}", distill.teacher.display()))?;
    let queries: Vec<StanceQuery> = examples.iter().map(StanceQuery::of).collect();
    let probabilities: Vec<f32> = predict(&teacher, &queries, 64)?.into_iter().flatten().collect();
    let probabilities = Tensor::from_slice(&probabilities).view([examples.len() as i64, 3]);
    Tensor::write_safetensors(&[("probabilities", &probabilities)], &path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "teacher: {} labelled {} training examples in {:.0} s",
        distill.teacher.display(),
        examples.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(probabilities.to_device(device))
}

/// Puts the weights of the trained model in `dir` into `model` (a new model on the same base, fully fine-tuned,
/// with the same pooling).
fn start_from(model: &mut StanceModel, dir: &Path) -> anyhow::Result<()> {
    let card = ModelCard::read(&dir.join(CARD_FILE))?;
    let stance = card.stance(dir).map_err(|e| anyhow::anyhow!("--init {e}"))?;
    let base = card.base_encoder()?;
    let adaptation = card.adaptation.unwrap_or(Adaptation::Full);
    if base != model.base || adaptation != Adaptation::Full || model.adaptation != Adaptation::Full {
        bail!(
            "--init {}: a {} model with {}; it can start a full fine-tuning of the same encoder only (here {})",
            dir.display(),
            base.name(),
            adaptation.stored_as(),
            model.base.name()
        );
    }
    if stance.pooling.unwrap_or_default() != model.pooling {
        bail!("--init {}: its pooling differs from --pooling", dir.display());
    }
    load_delta(&mut model.encoder, &mut model.head_vars, Adaptation::Full, &dir.join(DELTA_FILE))?;
    eprintln!("init: starting from {}", dir.display());
    Ok(())
}

/// T^2 x KL(teacher at T || student at T), averaged over the batch; `teacher` holds probabilities.
fn distillation_loss(student_logits: &Tensor, teacher: &Tensor, temperature: f64) -> Tensor {
    let target = (teacher.clamp_min(1e-8).log() / temperature).softmax(-1, Kind::Float);
    let student = (student_logits / temperature).log_softmax(-1, Kind::Float);
    let kl = (&target * (target.clamp_min(1e-8).log() - student)).sum_dim_intlist(-1, false, Kind::Float);
    kl.mean(Kind::Float) * (temperature * temperature)
}

fn label_counts(examples: &[StanceExample]) -> [usize; 3] {
    let mut counts = [0; 3];
    for e in examples {
        counts[label_index(e.label)] += 1;
    }
    counts
}

/// Temperature scaling fitted on dev, and the calibration error before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    pub temperature: f64,
    pub ece_before: f64,
    pub ece_after: f64,
    pub fitted_on: usize,
}

/// Fits a trained model's temperature again on `dev` (the user's own labeled data, or the dev sets of a model
/// trained elsewhere, e.g. by scripts/gpu/train_stance.py), and writes the temperature and the dev scores into its
/// card. The weights are not touched.
pub fn calibrate_stance(
    model_dir: &Path,
    dev: &[PathBuf],
    device: Device,
) -> anyhow::Result<(StanceScores, Calibration)> {
    let mut model = StanceModel::load(model_dir, device)?;
    model.temperature = 1.0;
    let mut examples = Vec::new();
    for path in dev {
        let read = read_examples(path)?;
        eprintln!("dev: {} examples from {}", read.len(), path.display());
        examples.extend(read);
    }
    if examples.is_empty() {
        bail!("no dev examples to fit the temperature on");
    }
    let (scores, calibration) = score_and_calibrate(&model, &examples)?;
    let mut card = model.card.take().context("a loaded model has its card")?;
    card.stance_mut().context("a stance model has a stance card")?.calibration =
        Some(serde_json::to_value(&calibration)?);
    card.dev = serde_json::to_value(&scores)?;
    card.write(&model_dir.join(CARD_FILE))?;
    Ok((scores, calibration))
}

/// Scores the model (uncalibrated while it trains) on dev with the temperature fitted there.
fn score_and_calibrate(model: &StanceModel, dev: &[StanceExample]) -> anyhow::Result<(StanceScores, Calibration)> {
    let (raw, logits) = evaluate(model, dev, 64)?;
    let gold: Vec<StanceLabel> = dev.iter().map(|e| e.label).collect();
    let temperature = fit_temperature(&logits, &gold);
    let calibrated: Vec<Probabilities> = logits.iter().map(|l| probabilities(l, temperature)).collect();
    let sources: Vec<&str> = dev.iter().map(|e| e.source.as_str()).collect();
    let scores = StanceScores::of(&gold, &calibrated, &sources);
    let calibration = Calibration {
        temperature,
        ece_before: raw.ece,
        ece_after: expected_calibration_error(&gold, &calibrated),
        fitted_on: dev.len(),
    };
    Ok((scores, calibration))
}

fn save_model(
    options: &StanceTrainOptions,
    model: &StanceModel,
    dev: &StanceScores,
    calibration: &Calibration,
    sources: &std::collections::BTreeSet<String>,
) -> anyhow::Result<()> {
    model.save_delta(&options.run.out.join(DELTA_FILE))?;
    let mut more = serde_json::Map::new();
    if let Some(init) = &options.init {
        // What the model started from, as its own card says.
        let card = ModelCard::read(&init.join(CARD_FILE))?;
        more.insert("started_from".into(), serde_json::to_value(&card)?);
    }
    let licences: Vec<String> = sources
        .iter()
        .filter_map(|source| LICENCES.iter().find(|(name, _)| name == source))
        .map(|(name, licence)| format!("{name}: {licence}"))
        .collect();
    if !licences.is_empty() {
        more.insert("licence".into(), serde_json::to_value(licences)?);
    }
    // Questions of the pair builder with every holder (`import seesaw`) teach it to answer for every holder.
    if sources.contains(crate::import::seesaw::SOURCE) {
        more.insert("holders".into(), Holders::Every.as_str().into());
    }
    let training = TrainingCard {
        data: options.train.iter().map(|s| format!("{} (weight {})", s.path.display(), s.weight)).collect(),
        dev: options.dev.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        command: options.run.command.clone(),
        options: serde_json::to_value(options).unwrap_or_default(),
        more,
    };
    let labels = LABELS.iter().map(|l| l.as_str().to_string()).collect();
    let stance = StanceCard {
        input: Some(INPUT_DOC.into()),
        pooling: Some(model.pooling),
        calibration: Some(serde_json::to_value(calibration)?),
    };
    let card = ModelCard::new(
        Task::Stance(stance),
        model.base,
        labels,
        model.adaptation,
        training,
        serde_json::to_value(dev).unwrap_or_default(),
    );
    card.write(&options.run.out.join(CARD_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_weights_set_how_often_examples_are_seen() {
        let sizes = [(4, 1.0), (10, 0.5), (3, 2.0)];
        let epoch0 = epoch_examples(&sizes, 1, 0);
        assert_eq!(epoch0.len(), 4 + 5 + 6);
        assert_eq!(epoch0.iter().filter(|&&i| i < 4).count(), 4);
        assert_eq!(epoch0.iter().filter(|&&i| i >= 14).count(), 6, "weight 2: twice");
        let half = |e: &[usize]| -> Vec<usize> { e.iter().copied().filter(|i| (4..14).contains(i)).collect() };
        assert_eq!(epoch0, epoch_examples(&sizes, 1, 0), "same seed and epoch, same sample");
        assert_ne!(half(&epoch0), half(&epoch_examples(&sizes, 1, 1)), "another epoch, another half");
        assert_eq!(StanceSource::from_spec("a.jsonl@0.25").unwrap().weight, 0.25);
        assert_eq!(
            StanceSource::from_spec("a@b.jsonl").unwrap(),
            StanceSource { path: "a@b.jsonl".into(), weight: 1.0 }
        );
        assert!(StanceSource::from_spec("a.jsonl@-1").is_err());
    }
}
