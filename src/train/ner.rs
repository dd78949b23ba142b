//! `stancemap train ner`: fine-tunes an entity model on CoNLL data, with checkpoints, resume and best-on-dev
//! selection; the dev scores come from the same scorer as `stancemap eval ner`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use tch::{nn, Device, Tensor};

use crate::model::card::{ModelCard, Task, TrainingCard, CARD_FILE, DELTA_FILE};
use crate::model::Purpose;
use crate::ner::conll::{read_conll, ConllOptions, ConllSentence, LabelMap};
use crate::ner::evaluate::evaluate;
use crate::ner::features::EntityInput;
use crate::ner::labels::LabelSet;
use crate::ner::model::{EntityBatch, EntityModel};
use crate::ner::scorer::Scores;

use super::mixed::{self, Autocast};
use super::{length_batches, CheckpointPaths, CheckpointState, Optimizers, Schedule, TrainLoop, TrainProgress};

/// One training file and how to read it.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSource {
    pub path: PathBuf,
    #[serde(skip)]
    pub options: ConllOptions,
    /// How the file's labels were mapped (for the card), e.g. "person=PER,location=LOC".
    pub label_map: Option<String>,
}

impl TrainSource {
    /// `PATH@MAP` (from `--extra`): a CoNLL-style file whose labels are mapped onto ours. MAP is `wnut17`,
    /// `wikiann` (PER/ORG/LOC as they are, the `en:` prefix stripped from tokens) or a list such as
    /// `person=PER,group=ORG` (types not listed become O).
    pub fn from_spec(spec: &str) -> anyhow::Result<TrainSource> {
        let (path, map) = spec.rsplit_once('@').with_context(|| format!("--extra {spec}: expected PATH@MAP"))?;
        let (map_spec, strip_language_prefix) = match map {
            "wnut17" => (LabelMap::WNUT17, false),
            "wikiann" => ("PER=PER,ORG=ORG,LOC=LOC", true),
            other => (other, false),
        };
        let label_map: LabelMap = map_spec.parse().with_context(|| format!("--extra {spec}"))?;
        Ok(TrainSource {
            path: PathBuf::from(path),
            options: ConllOptions { strip_language_prefix, label_map: Some(label_map) },
            label_map: Some(map.to_string()),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NerTrainOptions {
    pub train: Vec<TrainSource>,
    pub dev: PathBuf,
    /// Learn the word-shape embedding (capitalisation); off keeps it at zero, to measure what it gains.
    pub word_shape: bool,
    #[serde(flatten)]
    pub run: TrainLoop,
}

/// A training sentence ready for the model: inputs and the label index at each token (-100 where the model is
/// not asked: special tokens and the non-first sub-tokens of words).
struct Example {
    input: EntityInput,
    labels: Vec<i64>,
}

const IGNORE: i64 = -100;

fn examples(sentences: &[ConllSentence], model: &EntityModel) -> anyhow::Result<(Vec<Example>, usize)> {
    let label_set = &model.label_set;
    let max = model.encoder.encoder.max_tokens();
    let mut out = Vec::with_capacity(sentences.len());
    let mut too_long = 0;
    for sentence in sentences {
        let (text, spans) = sentence.text_and_spans();
        let input = EntityInput::new(&model.encoder.tokenizer, &text, spans)?;
        if input.tokens.len() > max {
            too_long += 1;
            continue;
        }
        let mut labels = vec![IGNORE; input.tokens.len()];
        for (word, first) in input.first_tokens.iter().enumerate() {
            if let Some(first) = first {
                labels[*first] = label_set.try_index(sentence.tags[word])? as i64;
            }
        }
        out.push(Example { input, labels });
    }
    Ok((out, too_long))
}

/// The classes a model learns from these sentences: the issue tagger's when their tags are ISSUE spans, the
/// attribution tagger's when they are SOURCE / CUE / CONTENT spans, the entity model's when they are CoNLL types;
/// an error when they mix kinds.
fn label_set_of(sentences: &[ConllSentence]) -> anyhow::Result<LabelSet> {
    let kinds = [LabelSet::conll(), LabelSet::issues(), LabelSet::attribution()];
    let mut counts = [0usize; 3];
    for entity_type in sentences.iter().flat_map(|s| &s.tags).filter_map(|tag| tag.entity_type()) {
        if let Some(kind) = kinds.iter().position(|set| set.has(entity_type)) {
            counts[kind] += 1;
        }
    }
    match counts {
        [_, 0, 0] => Ok(LabelSet::conll()),
        [0, _, 0] => Ok(LabelSet::issues()),
        [0, 0, _] => Ok(LabelSet::attribution()),
        [entities, issues, attribution] => bail!(
            "the training files tag {entities} words with entity types, {issues} ISSUE and {attribution} with \
             attribution roles: an entity model, an issue tagger and an attribution tagger are trained apart"
        ),
    }
}

/// What a training run reports: the best dev scores and the loss of every step it ran.
pub struct TrainReport {
    /// The best dev scores so far (empty when the run stopped before its first evaluation).
    pub dev: Scores,
    pub losses: Vec<f64>,
    /// False when `stop_after` ended the run early.
    pub finished: bool,
}

pub fn train_ner(options: &NerTrainOptions) -> anyhow::Result<TrainReport> {
    tch::manual_seed(options.run.seed as i64);
    std::fs::create_dir_all(&options.run.out)
        .with_context(|| format!("cannot create {}", options.run.out.display()))?;
    let device = Device::cuda_if_available();
    let mut train_sentences = Vec::new();
    for source in &options.train {
        let sentences = read_conll(&source.path, &source.options)?;
        eprintln!("train: {} sentences from {}", sentences.len(), source.path.display());
        train_sentences.extend(sentences);
    }
    if let Some(limit) = options.run.limit {
        train_sentences.truncate(limit);
    }
    let label_set = label_set_of(&train_sentences)?;
    let model = EntityModel::new(
        options.run.encoder,
        &options.run.base_dir,
        label_set,
        options.run.adaptation,
        device,
        Purpose::Training,
    )?;
    if !options.word_shape {
        for (name, tensor) in model.head_vars.variables() {
            if name.starts_with("shape_embedding") {
                let _ = tensor.set_requires_grad(false);
            }
        }
    }

    let dev_sentences = read_conll(&options.dev, &ConllOptions::default())?;
    let (train, skipped) = examples(&train_sentences, &model)?;
    if train.is_empty() {
        bail!("no training sentences");
    }
    if skipped > 0 {
        eprintln!("train: {skipped} sentences longer than the encoder's window left out");
    }

    let batches_per_epoch = train.len().div_ceil(options.run.batch_size);
    let total_steps = batches_per_epoch * options.run.epochs;
    let schedule = Schedule::new(options.run.lr, options.run.warmup, total_steps);
    let mut optimizers =
        Optimizers::new(&model.encoder.vars, &model.head_vars, options.run.lr, options.run.weight_decay)?;

    let autocast = options.run.mixed_bf16.then(|| Autocast::new(device)).transpose()?;
    let paths = CheckpointPaths::in_dir(&options.run.out);
    let mut state = paths.begin(&options.run, &stores(&model), total_steps)?;

    let lengths: Vec<usize> = train.iter().map(|e| e.input.tokens.len()).collect();
    let progress = TrainProgress::new(total_steps, state.step);
    let mut best: Option<Scores> = None;
    let (mut tokens_seen, mut clock) = (0usize, Instant::now());
    let mut losses = Vec::new();
    let mut stopped_early = false;
    'epochs: while state.epoch < options.run.epochs {
        let batches = length_batches(&lengths, options.run.batch_size, options.run.seed, state.epoch);
        for batch_indices in batches.iter().skip(state.batch_in_epoch) {
            let inputs: Vec<&EntityInput> = batch_indices.iter().map(|&i| &train[i].input).collect();
            let batch = EntityBatch::new(&inputs, model.encoder.tokenizer.pad_id(), device);
            let label_rows: Vec<&[i64]> = batch_indices.iter().map(|&i| train[i].labels.as_slice()).collect();
            let targets = crate::model::TokenBatch::pad(&label_rows, IGNORE, device).input_ids;
            let logits = mixed::logits(autocast.as_ref(), || model.logits(&batch, true));
            let loss = logits.view([-1, model.labels.len() as i64]).cross_entropy_loss::<Tensor>(
                &targets.view([-1]),
                None,
                tch::Reduction::Mean,
                IGNORE,
                0.0,
            );
            optimizers.step(&loss, schedule.lr(state.step));
            state.step += 1;
            state.batch_in_epoch += 1;
            tokens_seen += inputs.iter().map(|i| i.tokens.len()).sum::<usize>();
            let speed = tokens_seen as f64 / clock.elapsed().as_secs_f64().max(1e-9);
            let loss = loss.double_value(&[]);
            losses.push(loss);
            progress.step(state.step, total_steps, loss, speed);
            if options.run.checkpoint_every > 0 && state.step.is_multiple_of(options.run.checkpoint_every) {
                save_checkpoint(&paths, &model, &state)?;
            }
            if options.run.stop_after.is_some_and(|n| losses.len() >= n) && state.step < total_steps {
                save_checkpoint(&paths, &model, &state)?;
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
        let scores = evaluate(&model, &dev_sentences, 64)?;
        progress.println(&format!(
            "epoch {}/{}: dev precision {:.4} recall {:.4} F1 {:.4}",
            state.epoch, options.run.epochs, scores.precision, scores.recall, scores.f1
        ));
        if state.best_dev_f1.is_none_or(|best| scores.f1 > best) {
            state.best_dev_f1 = Some(scores.f1);
            save_model(options, &model, &scores)?;
            best = Some(scores);
        }
        save_checkpoint(&paths, &model, &state)?;
        (tokens_seen, clock) = (0, Instant::now());
    }
    progress.finish();
    if stopped_early {
        return Ok(TrainReport { dev: best.unwrap_or_default(), losses, finished: false });
    }
    let dev = match best {
        Some(scores) => scores,
        // Resumed after the last epoch's evaluation: score the saved best again.
        None => EntityModel::load(&options.run.out, device).and_then(|best| evaluate(&best, &dev_sentences, 64))?,
    };
    Ok(TrainReport { dev, losses, finished: true })
}

fn save_model(options: &NerTrainOptions, model: &EntityModel, dev: &Scores) -> anyhow::Result<()> {
    model.save_delta(&options.run.out.join(DELTA_FILE))?;
    let training = TrainingCard {
        data: options
            .train
            .iter()
            .map(|s| match &s.label_map {
                Some(map) => format!("{} ({map})", s.path.display()),
                None => s.path.display().to_string(),
            })
            .collect(),
        dev: options.dev.display().to_string(),
        command: options.run.command.clone(),
        options: serde_json::to_value(options).unwrap_or_default(),
        more: Default::default(),
    };
    let mut training = training;
    if model.label_set == LabelSet::attribution() {
        training.more.insert("licence".into(), serde_json::json!([crate::attribution::polnear::LICENCE]));
    }
    let dev = serde_json::to_value(dev).unwrap_or_default();
    let card = ModelCard::new(Task::Ner, model.base, model.labels.clone(), model.adaptation, training, dev);
    card.write(&options.run.out.join(CARD_FILE))?;
    Ok(())
}

fn stores(model: &EntityModel) -> [(&'static str, &nn::VarStore); 2] {
    [("encoder.", &model.encoder.vars), ("head.", &model.head_vars)]
}

fn save_checkpoint(paths: &CheckpointPaths, model: &EntityModel, state: &CheckpointState) -> anyhow::Result<()> {
    paths.save(&stores(model), state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::labels::{EntityType, Tag};

    #[test]
    fn extra_sets_map_their_labels_onto_ours() {
        let dir = tempfile::tempdir().unwrap();
        let wnut = dir.path().join("wnut.txt");
        std::fs::write(&wnut, "Apple\tB-corporation\nsold\tO\niPhones\tB-product\nin\tO\nParis\tB-location\n").unwrap();
        let source = TrainSource::from_spec(&format!("{}@wnut17", wnut.display())).unwrap();
        let sentences = read_conll(&source.path, &source.options).unwrap();
        use EntityType::*;
        assert_eq!(sentences[0].tags, [Tag::Begin(Org), Tag::Outside, Tag::Begin(Misc), Tag::Outside, Tag::Begin(Loc)]);

        let wikiann = dir.path().join("wikiann.txt");
        std::fs::write(&wikiann, "en:Lionel\tB-PER\nen:Messi\tI-PER\nen:of\tO\nen:Argentina\tB-LOC\n").unwrap();
        let source = TrainSource::from_spec(&format!("{}@wikiann", wikiann.display())).unwrap();
        let sentences = read_conll(&source.path, &source.options).unwrap();
        assert_eq!(sentences[0].tokens, ["Lionel", "Messi", "of", "Argentina"]);
        assert_eq!(sentences[0].tags, [Tag::Begin(Per), Tag::Inside(Per), Tag::Outside, Tag::Begin(Loc)]);

        let custom = TrainSource::from_spec(&format!("{}@person=PER,location=O", wnut.display())).unwrap();
        let sentences = read_conll(&custom.path, &custom.options).unwrap();
        assert!(sentences[0].tags.iter().all(|t| *t == Tag::Outside), "unlisted and O-mapped types become O");
        assert!(TrainSource::from_spec("no-map-given.txt").is_err());
        assert!(TrainSource::from_spec("x.txt@person=NOPE").is_err());
    }
}
