//! `train` and `calibrate`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use stancemap::model::card::Pooling;
use stancemap::model::{BaseEncoder, Precision};
use stancemap::ner::conll::ConllOptions;
use stancemap::ner::model::Adaptation;
use stancemap::train::ner::{train_ner, NerTrainOptions, TrainSource};
use stancemap::train::recipe::Recipe;
use stancemap::train::stance::{calibrate_stance, train_stance, Distillation, StanceSource, StanceTrainOptions};
use stancemap::train::TrainLoop;

use super::Globals;

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Fine-tune an entity model (PER, ORG, LOC, MISC), an issue tagger (ISSUE) or an attribution tagger (SOURCE,
    /// CUE, CONTENT) on CoNLL files; the best epoch on --dev is kept in --out as card.json + model.safetensors (a
    /// delta over the base encoder).
    Ner {
        /// CoNLL training files (token ... TAG per line, IOB1 or IOB2, -DOCSTART- ignored). Tags of the types
        /// PER, ORG, LOC, MISC train an entity model; ISSUE tags (`import seesaw --issues`) train an issue tagger;
        /// SOURCE, CUE and CONTENT tags (`import polnear`) train an attribution tagger.
        #[arg(long, required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// Extra training sets with other labels: PATH@MAP, where MAP is `wnut17`, `wikiann`, or a list like
        /// `person=PER,location=LOC,group=ORG` (types not listed become O).
        #[arg(long)]
        extra: Vec<String>,
        /// CoNLL development file, scored after every epoch.
        #[arg(long)]
        dev: PathBuf,
        /// Leave out the word-shape (capitalisation) embedding, to measure what it gains (a --recipe model
        /// trained without it leaves it out too).
        #[arg(long)]
        no_word_shape: bool,
        #[command(flatten)]
        run: TrainFlags,
    },
    /// Fine-tune a stance classifier (favor, against, neutral) on canonical stance JSONL (see `import`); the
    /// best epoch on --dev (mean macro-F1 over its sources) is kept in --out with a temperature fitted on dev.
    Stance {
        /// Training files, each PATH or PATH@WEIGHT: a weight of 0.5 shows a different half of the file each
        /// epoch, 2 shows it twice.
        #[arg(long, required = true, num_args = 1..)]
        train: Vec<String>,
        /// Development files (canonical JSONL), scored after every epoch, per source.
        #[arg(long, required = true, num_args = 1..)]
        dev: Vec<PathBuf>,
        /// What the head reads: the first token (exports as a standard sequence classifier; the default) or
        /// the mean of all tokens (as the sentence-transformers bases were trained).
        #[arg(long, value_enum)]
        pooling: Option<PoolingName>,
        /// Distil from this trained stance model (for example models/stance-accurate into a MiniLM student):
        /// the student also learns the teacher's probabilities on every training example. The teacher reads
        /// the training set once before the first step.
        #[arg(long)]
        teacher: Option<PathBuf>,
        /// With --teacher: the weight of the gold labels (the teacher gets 1 - alpha).
        #[arg(long, default_value_t = 0.5, requires = "teacher")]
        alpha: f64,
        /// With --teacher: the temperature that softens teacher and student in the distillation loss.
        #[arg(long, default_value_t = 2.0, requires = "teacher")]
        kd_temperature: f64,
        /// Start from this trained stance model (for example models/stance-fast) instead of the bare base: to
        /// teach a shipped model new data, such as your own labels, while it keeps what it knows. Same encoder,
        /// full fine-tuning, same pooling.
        #[arg(long, value_name = "MODEL")]
        init: Option<PathBuf>,
        #[command(flatten)]
        run: TrainFlags,
    },
}

/// The flags every `train` subcommand takes: the encoder, where the model goes, and the training loop.
#[derive(Args)]
pub struct TrainFlags {
    /// Train the way this model was trained (for example models/attribution-fast): its encoder, adaptation,
    /// pooling, epochs, batch size, learning rate, warm-up, weight decay and seed, as its card.json records them.
    /// Flags given beside it win.
    #[arg(long, value_name = "MODEL")]
    recipe: Option<PathBuf>,
    /// The base encoder [default: minilm].
    #[arg(long, value_enum)]
    encoder: Option<EncoderName>,
    /// Output folder: the model, its card, and checkpoints.
    #[arg(long)]
    out: PathBuf,
    /// [default: 3]
    #[arg(long)]
    epochs: Option<usize>,
    /// [default: 32]
    #[arg(long)]
    batch_size: Option<usize>,
    /// Peak learning rate (default with adapters: ner 3e-4, stance 5e-4; full fine-tuning: ner 1e-4, stance
    /// 1e-4 on minilm and 5e-5 on mpnet).
    #[arg(long)]
    lr: Option<f64>,
    /// Share of the steps spent warming up [default: 0.06].
    #[arg(long)]
    warmup: Option<f64>,
    /// [default: 0.01]
    #[arg(long)]
    weight_decay: Option<f64>,
    /// [default: 13]
    #[arg(long)]
    seed: Option<u64>,
    /// Save a checkpoint every N steps (and after every epoch).
    #[arg(long, default_value_t = 200)]
    checkpoint_every: usize,
    /// Continue from the checkpoint in --out.
    #[arg(long)]
    resume: bool,
    /// Train on the first N training sentences (ner) or examples of each file (stance) only, for a quick trial.
    #[arg(long)]
    limit: Option<usize>,
    /// Train low-rank adapters of this rank instead of the whole encoder (default: 16 for mpnet, whose full
    /// delta would not fit 25 MB; full fine-tuning for minilm). 0 means full fine-tuning.
    #[arg(long)]
    lora_rank: Option<i64>,
    /// Stop after N steps, leaving a checkpoint for --resume (to fit training into time-limited sessions).
    #[arg(long)]
    stop_after: Option<usize>,
}

impl TrainFlags {
    /// The recipe of --recipe, for a trainer of `task`.
    fn recipe(&self, task: &str) -> anyhow::Result<Option<Recipe>> {
        self.recipe.as_deref().map(|model| Recipe::for_task(model, task)).transpose()
    }

    /// The training loop these flags ask for: a flag given, else the recipe's setting, else the default;
    /// `default_lr` gives the task's peak rate.
    fn train_loop(
        self,
        precision: Precision,
        recipe: Option<&Recipe>,
        default_lr: impl Fn(Adaptation, BaseEncoder) -> f64,
    ) -> anyhow::Result<TrainLoop> {
        let encoder = self.encoder.map(EncoderName::base).or(recipe.map(|r| r.encoder)).unwrap_or(BaseEncoder::MiniLm);
        // A recipe's adaptation goes with its encoder: another encoder gets that encoder's default.
        let adaptation = match (self.lora_rank, recipe.filter(|r| r.encoder == encoder)) {
            (Some(rank), _) => Adaptation::from_rank(rank),
            (None, Some(recipe)) => recipe.adaptation,
            (None, None) => Adaptation::from_rank(if encoder == BaseEncoder::Mpnet { 16 } else { 0 }),
        };
        let mixed_bf16 = match precision {
            Precision::Auto | Precision::Fp32 => false,
            Precision::Bf16 => true,
            Precision::Int8 => anyhow::bail!("training runs in fp32 or, with --precision bf16, in mixed precision"),
        };
        Ok(TrainLoop {
            encoder,
            base_dir: stancemap::train::base_dir(encoder)?,
            adaptation,
            out: self.out,
            epochs: self.epochs.or(recipe.and_then(|r| r.epochs)).unwrap_or(3),
            batch_size: self.batch_size.or(recipe.and_then(|r| r.batch_size)).unwrap_or(32),
            lr: self.lr.or(recipe.and_then(|r| r.lr)).unwrap_or_else(|| default_lr(adaptation, encoder)),
            warmup: self.warmup.or(recipe.and_then(|r| r.warmup)).unwrap_or(0.06),
            weight_decay: self.weight_decay.or(recipe.and_then(|r| r.weight_decay)).unwrap_or(0.01),
            seed: self.seed.or(recipe.and_then(|r| r.seed)).unwrap_or(13),
            checkpoint_every: self.checkpoint_every,
            resume: self.resume,
            limit: self.limit,
            stop_after: self.stop_after,
            mixed_bf16,
            command: std::env::args().collect::<Vec<_>>().join(" "),
        })
    }
}

/// What a training command says at its end: where the model is, or how to continue a run stopped early.
fn finished_training(finished: bool, run: &TrainLoop) -> ExitCode {
    if finished {
        println!("best model in {}", run.out.display());
    } else {
        println!("stopped early; continue with the same command and --resume");
    }
    ExitCode::SUCCESS
}

#[derive(Subcommand)]
pub enum CalibrateCommand {
    /// Refit the temperature that divides a stance model's logits on labeled stance JSONL; prints the scores.
    Stance {
        /// The model folder, e.g. models/stance-fast (its card.json is rewritten).
        #[arg(long)]
        model: PathBuf,
        /// Canonical stance JSONL with gold labels (see `import`).
        #[arg(long, num_args = 1.., required = true)]
        dev: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PoolingName {
    First,
    Mean,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EncoderName {
    Minilm,
    Mpnet,
}

impl EncoderName {
    pub fn base(self) -> BaseEncoder {
        match self {
            EncoderName::Minilm => BaseEncoder::MiniLm,
            EncoderName::Mpnet => BaseEncoder::Mpnet,
        }
    }
}

/// `stancemap train`.
pub fn train(command: TrainCommand, g: &Globals) -> anyhow::Result<ExitCode> {
    match command {
        TrainCommand::Ner { train, extra, dev, no_word_shape, run } => {
            tch::set_num_threads(g.threads);
            let mut sources: Vec<TrainSource> = train
                .into_iter()
                .map(|path| TrainSource { path, options: ConllOptions::default(), label_map: None })
                .collect();
            for spec in &extra {
                sources.push(TrainSource::from_spec(spec)?);
            }
            let recipe = run.recipe("ner")?;
            let options = NerTrainOptions {
                train: sources,
                dev,
                word_shape: !no_word_shape && recipe.as_ref().and_then(|r| r.word_shape).unwrap_or(true),
                run: run.train_loop(g.precision, recipe.as_ref(), |adaptation, _| {
                    if adaptation == Adaptation::Full {
                        1e-4
                    } else {
                        3e-4
                    }
                })?,
            };
            let report = train_ner(&options)?;
            if report.finished {
                println!("{}", report.dev.table());
            }
            Ok(finished_training(report.finished, &options.run))
        }
        TrainCommand::Stance { train, dev, pooling, teacher, alpha, kd_temperature, init, run } => {
            tch::set_num_threads(g.threads);
            if !(0.0..=1.0).contains(&alpha) || kd_temperature.is_nan() || kd_temperature <= 0.0 {
                anyhow::bail!("--alpha must lie in [0, 1] and --kd-temperature be above 0");
            }
            let recipe = run.recipe("stance")?;
            let options = StanceTrainOptions {
                train: train.iter().map(|spec| StanceSource::from_spec(spec)).collect::<anyhow::Result<_>>()?,
                dev,
                pooling: match pooling {
                    Some(PoolingName::First) => Pooling::First,
                    Some(PoolingName::Mean) => Pooling::Mean,
                    None => recipe.as_ref().and_then(|r| r.pooling).unwrap_or_default(),
                },
                distill: teacher.map(|teacher| Distillation { teacher, alpha, temperature: kd_temperature }),
                init,
                run: run.train_loop(g.precision, recipe.as_ref(), |adaptation, base| match (adaptation, base) {
                    (Adaptation::Lora { .. }, _) => 5e-4,
                    (Adaptation::Full, BaseEncoder::MiniLm) => 1e-4,
                    (Adaptation::Full, BaseEncoder::Mpnet) => 5e-5,
                })?,
            };
            let report = train_stance(&options)?;
            if let (true, Some(dev)) = (report.finished, &report.dev) {
                println!("{}", dev.table());
            }
            Ok(finished_training(report.finished, &options.run))
        }
    }
}

/// `stancemap calibrate`.
pub fn calibrate(command: CalibrateCommand, g: &Globals) -> anyhow::Result<ExitCode> {
    let CalibrateCommand::Stance { model, dev } = command;
    tch::set_num_threads(g.threads);
    let (scores, calibration) = calibrate_stance(&model, &dev, g.device.device()?)?;
    println!("{}", scores.table());
    println!(
        "temperature {:.3} (ECE {:.4} -> {:.4} on {} examples), written to {}",
        calibration.temperature,
        calibration.ece_before,
        calibration.ece_after,
        calibration.fitted_on,
        model.join("card.json").display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum EncodeCommand {
    /// Stance JSONL files as the token ids stancemap puts to the model (DIR/NAME.ids.jsonl), and
    /// DIR/contract.json: the card, padding id and tensor names the Python GPU trainer (scripts/gpu/train_stance.py)
    /// writes its model by. Rows without a label are kept (label null), for distillation.
    Stance {
        /// Stance JSONL files (see `import`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = EncoderName::Minilm)]
        encoder: EncoderName,
        #[arg(long)]
        out: PathBuf,
    },
}

/// `stancemap encode`.
pub fn encode(command: EncodeCommand) -> anyhow::Result<ExitCode> {
    let EncodeCommand::Stance { files, encoder, out } = command;
    let report = stancemap::train::contract::encode_stance(&files, encoder.base(), &out)?;
    for skipped in &report.skipped {
        eprintln!("skipped: {skipped}");
    }
    for (path, rows) in &report.files {
        println!("{rows} rows to {}", path.display());
    }
    println!("contract in {}", out.join(stancemap::train::contract::CONTRACT_FILE).display());
    Ok(ExitCode::SUCCESS)
}
