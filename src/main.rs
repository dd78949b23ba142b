//! The `stancemap` command line: a thin layer over the library. Each subcommand parses its flags, calls one
//! library function, and reports; errors print once, with their whole chain of context.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use stancemap::aggregate::Period;
use stancemap::attribution::holders::Speakers;
use stancemap::bench::{bench_encoders, BenchOptions};
use stancemap::model::BaseEncoder;
use stancemap::model::{DeviceChoice, Precision};
use stancemap::ner::conll::ConllOptions;
use stancemap::ner::evaluate::evaluate_file;
use stancemap::ner::export::export_hf;
use stancemap::ner::model::{Adaptation, EntityModel};
use stancemap::output::finished::FinishedRun;
use stancemap::output::{Format, FormulaGuard};
use stancemap::pairs::Holders;
use stancemap::pipeline::{run, RunOptions};
use stancemap::shard::{merge, Shard};
use stancemap::span::whole_word;
use stancemap::stance::evaluate::{label_of, write_predictions};
use stancemap::stance::example::read_example_file;
use stancemap::stance::import::{import, ImportFormat, ImportOptions};
use stancemap::stance::input::StanceQuery;
use stancemap::stance::model::{Pooling, StanceModel};
use stancemap::train::ner::{train_ner, NerTrainOptions, TrainSource};
use stancemap::train::stance::{calibrate_stance, train_stance, Distillation, StanceSource, StanceTrainOptions};
use stancemap::train::TrainLoop;

#[derive(Parser)]
#[command(
    name = "stancemap",
    version,
    about = "From raw news to who is for or against what, as spreadsheet-ready tables."
)]
struct Cli {
    /// CPU threads for model inference (default: all cores).
    #[arg(long, global = true)]
    threads: Option<i32>,
    /// Where the models run: auto (a CUDA GPU when this build sees one, else the CPU), cpu or cuda.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    device: DeviceChoice,
    /// The models' number format: auto (bf16 on a GPU, fp32 on the CPU, where bf16 is slower), fp32, bf16, or
    /// int8 (the encoders' linear layers on int8 weights; CPU only).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    precision: Precision,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a corpus and write the tables (articles, sentences, mentions, evidence, stances, matrix, actors; run.json)
    /// to --out.
    ///
    /// CORPUS is a folder (read recursively: .txt files are one article each, the first non-empty line the
    /// title; .jsonl has one JSON article per line; .csv/.tsv one per row with a header) or a single such file.
    /// Bad input is reported with its file and line and skipped; the run goes on and exits 0.
    Run {
        /// The corpus: a folder or a .txt, .jsonl, .csv or .tsv file.
        corpus: PathBuf,
        /// The folder for the output tables (created if missing).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        flags: RunFlags,
    },
    /// Put the folders of the N shards of a run (`run --shard I/N`) together: the tables one run over the whole
    /// corpus writes.
    Merge {
        /// The shards' output folders (all N, any order).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The folder for the merged tables.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write one self-contained HTML page of a finished run (no network needed to open it): the actor network,
    /// filters, a page per actor and per target with the evidence sentences, and a search box.
    Report {
        /// The run's output folder.
        run_dir: PathBuf,
        /// The HTML file to write (default: RUN_DIR/report.html).
        #[arg(long)]
        out: Option<PathBuf>,
        /// At most this many evidence sentences per holder and target (the strongest first; evidence.csv has
        /// them all).
        #[arg(long, value_name = "N", default_value_t = 5)]
        evidence_per_cell: usize,
    },
    /// Write a finished run's stances as a network file for Gephi, visone or a graph library: actors x targets
    /// (two-mode), or actors linked by the targets they agree (congruence) or disagree (conflict) on, as the
    /// Discourse Network Analyzer defines them.
    Network {
        /// The run's output folder.
        run_dir: PathBuf,
        #[arg(long, value_enum, default_value = "two-mode")]
        mode: stancemap::network::Mode,
        #[arg(long, value_enum, default_value = "graphml")]
        format: stancemap::network::NetworkFormat,
        /// The file to write (default: RUN_DIR/network-MODE.EXT; csv: the edges there, the nodes in
        /// NAME.nodes.csv beside it).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only stances with at least this many favor or against sentences.
        #[arg(long, default_value_t = 1)]
        min_evidence: usize,
        /// Only holders of this actor type (person, organisation, country, ...); repeat for several.
        #[arg(long)]
        actor_type: Vec<String>,
        /// Leave out rare actors: those with fewer mentions in the corpus (actors.csv's n_mentions), as holders
        /// and as targets.
        #[arg(long, default_value_t = 0)]
        min_mentions: usize,
        /// The period (a `run --period` row such as 2021-06; default: the whole corpus).
        #[arg(long, default_value = "all")]
        period: String,
    },
    /// Write a finished run's tables as one workbook (one sheet per table) for a spreadsheet; `run --format
    /// xlsx` does it at the end of a run.
    Workbook {
        /// The run's output folder.
        run_dir: PathBuf,
        /// The .xlsx file to write (default: RUN_DIR/tables.xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Train a model on labeled data.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Score a trained model on labeled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Fit a trained model's probability calibration again on labeled data (your own domain's, or the dev sets of
    /// a model trained outside stancemap) and write it, with the scores, into the model's card.
    #[command(subcommand)]
    Calibrate(CalibrateCommand),
    /// Convert a public stance set, or a corrected evidence.csv, into canonical stance JSONL (one example per line),
    /// reporting rows read, converted and skipped. `cues` reads a news corpus instead and labels holder -> issue
    /// pairs by the cue that found them ("opposes": against), a silver training set.
    Import {
        #[arg(value_enum)]
        format: ImportFormatName,
        /// The file or folder to read.
        input: PathBuf,
        /// The JSONL file to write.
        #[arg(long, required_unless_present_any = ["gold", "issues"])]
        out: Option<PathBuf>,
        /// The split to take where the input holds several (semeval: train by default; ibm-claims: all; basil:
        /// a year or years such as 2010-2015, all by default; seesaw: train or valid, required).
        #[arg(long)]
        split: Option<String>,
        /// seesaw only: write the split's articles to DIR/corpus/ and their article-level gold rows (the columns
        /// of ANNOTATION.md) to DIR/gold.csv, for `eval articles`.
        #[arg(long, value_name = "DIR", conflicts_with = "out")]
        gold: Option<PathBuf>,
        /// seesaw only: write the split's sentences to FILE as CoNLL with their topics and events tagged ISSUE,
        /// to train an issue tagger (`train ner --train FILE`).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["out", "gold"])]
        issues: Option<PathBuf>,
    },
    /// Classify one stance: is HOLDER for, against or neutral toward TARGET in TEXT? Prints the label and the
    /// three calibrated probabilities. Holder and target are marked where they first occur in the text as whole
    /// words (else anywhere).
    Stance {
        text: String,
        /// Who holds the stance (default: the author).
        #[arg(long)]
        holder: Option<String>,
        #[arg(long)]
        target: String,
        /// The model folder (default: models/stance-fast, or stance-accurate on a GPU).
        #[arg(long)]
        model: Option<PathBuf>,
        /// One JSON object instead of a line: the label, the three probabilities in full, and the precision and
        /// device the model ran in.
        #[arg(long)]
        json: bool,
    },
    /// Write a trained model in another format.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Measure throughput.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A merged Hugging Face folder (config.json, model.safetensors, tokenizer.json) that Python transformers
    /// loads: entity models with AutoModelForTokenClassification (token_type_ids carry word shapes, see its
    /// config.json), stance models with AutoModelForSequenceClassification (config.json says how the markers
    /// and the second segment are written, and the temperature). parity.json holds sample inputs with our
    /// logits (bench/check_hf_export.py compares them).
    Hf {
        /// The model folder, e.g. models/ner-fast.
        #[arg(long)]
        model: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum TrainCommand {
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
        /// Leave out the word-shape (capitalisation) embedding, to measure what it gains.
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
        /// What the head reads: the first token (exports as a standard sequence classifier) or the mean of all
        /// tokens (as the sentence-transformers bases were trained).
        #[arg(long, value_enum, default_value_t = PoolingName::First)]
        pooling: PoolingName,
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
struct TrainFlags {
    #[arg(long, value_enum, default_value_t = EncoderName::Minilm)]
    encoder: EncoderName,
    /// Output folder: the model, its card, and checkpoints.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Peak learning rate (default with adapters: ner 3e-4, stance 5e-4; full fine-tuning: ner 1e-4, stance
    /// 1e-4 on minilm and 5e-5 on mpnet).
    #[arg(long)]
    lr: Option<f64>,
    /// Share of the steps spent warming up.
    #[arg(long, default_value_t = 0.06)]
    warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    weight_decay: f64,
    #[arg(long, default_value_t = 13)]
    seed: u64,
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
    fn adaptation(&self) -> Adaptation {
        let base = self.encoder.base();
        Adaptation::from_rank(self.lora_rank.unwrap_or(if base == BaseEncoder::Mpnet { 16 } else { 0 }))
    }

    /// The training loop these flags ask for; `default_lr` gives the task's peak rate when --lr is not given.
    fn train_loop(self, default_lr: impl Fn(Adaptation, BaseEncoder) -> f64) -> anyhow::Result<TrainLoop> {
        let encoder = self.encoder.base();
        let adaptation = self.adaptation();
        Ok(TrainLoop {
            encoder,
            base_dir: stancemap::train::base_dir(encoder)?,
            adaptation,
            out: self.out,
            epochs: self.epochs,
            batch_size: self.batch_size,
            lr: self.lr.unwrap_or_else(|| default_lr(adaptation, encoder)),
            warmup: self.warmup,
            weight_decay: self.weight_decay,
            seed: self.seed,
            checkpoint_every: self.checkpoint_every,
            resume: self.resume,
            limit: self.limit,
            stop_after: self.stop_after,
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

/// How `run` (and `eval articles`, which runs the pipeline) reads, detects, decides and writes.
#[derive(Args)]
struct RunFlags {
    /// Articles longer than this many bytes are skipped with a message.
    #[arg(long, default_value_t = 1_000_000)]
    max_article_bytes: usize,
    /// Write text cells exactly as they are, even those a spreadsheet would run as formulas.
    #[arg(long)]
    no_formula_guard: bool,
    /// The tables' format: csv, tsv (tab-separated), jsonl (one JSON object per row), or xlsx (the CSV tables
    /// and, beside them, tables.xlsx: one sheet per table, for a spreadsheet).
    #[arg(long, value_enum, default_value = "csv")]
    format: TablesFormat,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// The entity model folder (default: models/ner-fast on CPU, models/ner-accurate on a GPU).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Skip entity detection (no mentions.csv).
    #[arg(long)]
    no_entities: bool,
    /// A gazetteer file of your own (same format as models/gazetteer.tsv), read on top of the shipped one.
    #[arg(long)]
    gazetteer: Vec<PathBuf>,
    /// At most this many texts per model batch (batches also stop at about 512 tokens, padding included).
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// The stance model folder (default: models/stance-fast on CPU, models/stance-accurate on a GPU).
    #[arg(long)]
    stance_model: Option<PathBuf>,
    /// Skip the stance stage (no evidence.csv, stances.csv or matrix.csv; actors.csv is still written).
    #[arg(long)]
    no_stance: bool,
    /// Your alias table (actor_id, name, type, aliases separated by |, valid_from, valid_to): overrides and
    /// extends the automatic merging of actors. Every run writes its own actors.csv in this format.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Your topics (target_id, label, keywords separated by |), matched by keyword as stance targets.
    #[arg(long)]
    targets: Option<PathBuf>,
    /// Do not look for issue targets, neither after cues ("opposes …", "urges X to …") nor with the issue
    /// tagger.
    #[arg(long)]
    no_auto_targets: bool,
    /// The issue tagger, which proposes issue targets ("the border wall", "the withdrawal of U.S. troops from
    /// Syria") wherever a sentence names one (default: models/issues-fast where installed).
    #[arg(long, value_name = "DIR", conflicts_with = "no_issue_model")]
    issue_model: Option<PathBuf>,
    /// Find issue targets after cues only, without the issue tagger.
    #[arg(long)]
    no_issue_model: bool,
    /// The attribution tagger, which finds who said, thought or intends what (source, cue and content) and
    /// writes quotes.csv (default: models/attribution-fast where installed, models/attribution-accurate on a GPU).
    #[arg(long, value_name = "DIR", conflicts_with = "no_attribution")]
    attribution_model: Option<PathBuf>,
    /// Do not look for attributions (no quotes.csv).
    #[arg(long)]
    no_attribution: bool,
    /// Whose attributions decide who holds a quoted or reported sentence: the speaker `rules`, the attribution
    /// `tagger`, or `both` (the tagger's, and the rules' where it found no content). Without an attribution
    /// tagger (`--no-attribution`), the rules'.
    #[arg(long, value_enum, default_value_t = Speakers::default())]
    speakers: Speakers,
    /// Who holds a sentence's stances: `every` actor it names that can (the rules' speaker or subject first; the
    /// model decides), or the rules' `subjects` only (about half the stance stage's time). Default: what the
    /// stance model was trained to answer (its card's `holders`; `subjects` for a model whose card does not say).
    #[arg(long, value_enum)]
    holders: Option<Holders>,
    /// Also aggregate per day, week or month of the articles' dates.
    #[arg(long, value_enum)]
    period: Option<Period>,
    /// Leave out of stances.csv and matrix.csv the cells with fewer pieces of evidence.
    #[arg(long, default_value_t = 1)]
    min_evidence: usize,
    /// matrix.csv's columns: the N targets with the most evidence (0: every target; a spreadsheet opens at most
    /// 16,384 columns). stances.csv has every target; run.json says how many the matrix left out.
    #[arg(long, value_name = "N", default_value_t = stancemap::pipeline::DEFAULT_MATRIX_TOP)]
    matrix_top: usize,
    /// Leave out of the aggregates the evidence whose top probability is lower (evidence.csv keeps it).
    #[arg(long, default_value_t = 0.0)]
    min_confidence: f32,
    /// Process only shard I of N (I from 1): the articles whose id falls to it, the same split on every
    /// machine. Run all N (a job array), then `stancemap merge` their folders.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
}

/// The tables' format as `--format` names it: one of the table formats, or `xlsx`, which writes CSV tables (the
/// ones a resume, a merge, `report` and `network` read) and a workbook of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TablesFormat {
    Csv,
    Tsv,
    Jsonl,
    Xlsx,
}

impl TablesFormat {
    fn tables(self) -> Format {
        match self {
            TablesFormat::Csv | TablesFormat::Xlsx => Format::Csv,
            TablesFormat::Tsv => Format::Tsv,
            TablesFormat::Jsonl => Format::Jsonl,
        }
    }
}

impl RunFlags {
    /// The options of a run of `corpus` into `out` with these flags.
    fn options(self, corpus: PathBuf, out: PathBuf, device: DeviceChoice, precision: Precision) -> RunOptions {
        let RunFlags {
            max_article_bytes,
            no_formula_guard,
            format,
            quiet,
            model,
            no_entities,
            gazetteer,
            batch_size,
            stance_model,
            no_stance,
            actors,
            targets,
            no_auto_targets,
            issue_model,
            no_issue_model,
            attribution_model,
            no_attribution,
            speakers,
            holders,
            period,
            min_evidence,
            matrix_top,
            min_confidence,
            shard,
        } = self;
        let entity_model = match (no_entities, model) {
            (true, _) => None,
            (false, Some(dir)) => Some(dir),
            (false, None) => default_entity_model(device),
        };
        let mut gazetteers = vec![models_dir().join("gazetteer.tsv")];
        gazetteers.extend(gazetteer);
        RunOptions {
            corpus,
            out,
            max_article_bytes,
            formula_guard: if no_formula_guard { FormulaGuard::Off } else { FormulaGuard::On },
            format: format.tables(),
            workbook: format == TablesFormat::Xlsx,
            progress: !quiet,
            entity_model,
            gazetteers,
            batch_size,
            stance_model: match (no_stance, stance_model) {
                (true, _) => None,
                (false, Some(dir)) => Some(dir),
                (false, None) => Some(default_model("stance", device)).filter(|dir| dir.join("card.json").is_file()),
            },
            actors,
            targets,
            auto_targets: !no_auto_targets,
            issue_model: match (no_issue_model, issue_model) {
                (true, _) => None,
                (false, Some(dir)) => Some(dir),
                (false, None) => Some(models_dir().join("issues-fast")).filter(|dir| dir.join("card.json").is_file()),
            },
            attribution_model: match (no_attribution, attribution_model) {
                (true, _) => None,
                (false, Some(dir)) => Some(dir),
                (false, None) => {
                    Some(default_model("attribution", device)).filter(|dir| dir.join("card.json").is_file())
                }
            },
            speakers,
            holders,
            period,
            min_evidence,
            matrix_top,
            min_confidence,
            shard,
            device,
            precision,
        }
    }
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Entity-level precision, recall and F1 (exact type and boundaries, as seqeval), overall and per type.
    Ner {
        /// A CoNLL file with gold tags.
        #[arg(long)]
        data: PathBuf,
        /// The model folder (card.json + model.safetensors), e.g. models/ner-fast.
        #[arg(long)]
        model: PathBuf,
        /// Print JSON {"precision","recall","f1","per_type":{...},"n_sentences"} instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Attribution: exact-match precision/recall/F1 per role (source, cue, content; as CofeNet reports them), the
    /// same by overlap (at least half of a span covered), whole attributions by content overlap, speaker accuracy
    /// on found contents and attributed recall.
    Attribution {
        /// A PolNeAR split folder with text/ and attributions/ (polnear/dev).
        #[arg(long)]
        data: PathBuf,
        /// The attribution tagger's folder (`train ner` on `import polnear` output).
        #[arg(long, required_unless_present = "rules", conflicts_with = "rules")]
        model: Option<PathBuf>,
        /// Score the speaker rules instead of a tagger (what `run --speakers rules` reads holders from), with the
        /// fast entity model.
        #[arg(long)]
        rules: bool,
        /// Print the scores as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Accuracy, per-class precision/recall/F1, macro-F1, F_avg (mean of favor and against F1), the confusion
    /// matrix and the expected calibration error, overall and per source.
    Stance {
        /// Canonical stance JSONL with gold labels (see `import`); several files are scored together, each
        /// example under its own `source` in the per-source breakdown.
        #[arg(long, num_args = 1.., required = true)]
        data: Vec<PathBuf>,
        /// The model folder, e.g. models/stance-fast.
        #[arg(long)]
        model: PathBuf,
        /// Print JSON {"accuracy","macro_f1","f_avg","per_class","confusion","n","ece","per_source","skipped"}
        /// (skipped: lines of the file that are not examples, named on stderr).
        #[arg(long)]
        json: bool,
        /// Also write each example with its gold label, the model's label and probabilities to this CSV (.tsv
        /// and .jsonl by extension). Its columns are those `import evidence` reads: correct `label` in a
        /// spreadsheet and import the file back to retrain on it.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Article-level recall, precision and F1 of the stance tables against rows annotated per ANNOTATION.md
    /// (article_file, holder, holder_aliases, target, target_aliases, target_kind, stance, evidence), overall and
    /// by target kind, with pair recall and label accuracy. Runs the pipeline on CORPUS (with the run flags
    /// below), or scores the finished run in --run.
    Articles {
        /// The annotated articles (runs stancemap on them); or give --run.
        #[arg(required_unless_present = "run", conflicts_with = "run")]
        corpus: Option<PathBuf>,
        /// The gold rows (CSV).
        #[arg(long)]
        gold: PathBuf,
        /// Score the tables of this finished run instead of running.
        #[arg(long)]
        run: Option<PathBuf>,
        /// Where the run on CORPUS writes its tables (default: a temporary folder, removed afterwards).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print JSON {"overall","by_kind","per_article","articles_not_in_run"}, each figure set with gold,
        /// predicted, found_with_stance, found, correct_cells, recall, precision, f1, pair_recall, label_accuracy.
        #[arg(long)]
        json: bool,
        /// Write one row per missed row, wrong stance and false positive, with its sentences, to this CSV.
        #[arg(long)]
        errors: Option<PathBuf>,
        #[command(flatten)]
        flags: Box<RunFlags>,
    },
}

#[derive(Subcommand)]
enum CalibrateCommand {
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
enum ImportFormatName {
    Newsmtsc,
    Pstance,
    Semeval,
    IbmClaims,
    Basil,
    Evidence,
    Cues,
    /// SEESAW's stories as annotated articles (with --gold DIR).
    Seesaw,
    /// A PolNeAR split folder (polnear/train or polnear/dev) as CoNLL for the attribution tagger (`--out
    /// FILE.conll`, then `train ner --train FILE.conll`).
    Polnear,
}

impl ImportFormatName {
    fn format(self) -> ImportFormat {
        match self {
            ImportFormatName::Newsmtsc => ImportFormat::NewsMtsc,
            ImportFormatName::Pstance => ImportFormat::PStance,
            ImportFormatName::Semeval => ImportFormat::SemEval,
            ImportFormatName::IbmClaims => ImportFormat::IbmClaims,
            ImportFormatName::Basil => ImportFormat::Basil,
            ImportFormatName::Evidence => ImportFormat::Evidence,
            ImportFormatName::Cues => ImportFormat::Cues,
            ImportFormatName::Seesaw => unreachable!("seesaw is imported with --gold, before any format is read"),
            ImportFormatName::Polnear => unreachable!("polnear is imported as CoNLL, before any format is read"),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum PoolingName {
    First,
    Mean,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncoderName {
    Minilm,
    Mpnet,
}

impl EncoderName {
    fn base(self) -> BaseEncoder {
        match self {
            EncoderName::Minilm => BaseEncoder::MiniLm,
            EncoderName::Mpnet => BaseEncoder::Mpnet,
        }
    }
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Tokens per second of the base encoders on a fixed batch (default 32 x 128), appended to a CSV.
    Encoders {
        /// Which encoders.
        #[arg(long, value_enum, default_value_t = EncoderChoice::All)]
        encoder: EncoderChoice,
        #[arg(long, default_value_t = 32)]
        batch: usize,
        #[arg(long, default_value_t = 128)]
        seq: usize,
        #[arg(long, default_value_t = 10)]
        iters: usize,
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        /// The CSV the results are appended to.
        #[arg(long, default_value = "bench/results/encoders.csv")]
        out: PathBuf,
        /// Skip timing rust-bert's own BertModel beside ours.
        #[arg(long)]
        no_rust_bert: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum EncoderChoice {
    Minilm,
    Mpnet,
    All,
}

impl EncoderChoice {
    fn encoders(self) -> Vec<BaseEncoder> {
        match self {
            EncoderChoice::Minilm => vec![BaseEncoder::MiniLm],
            EncoderChoice::Mpnet => vec![BaseEncoder::Mpnet],
            EncoderChoice::All => BaseEncoder::ALL.to_vec(),
        }
    }
}

/// Run by the dynamic loader before any library initialiser: libtorch's idle threads are to spin only briefly
/// before they sleep, which libgomp reads as it loads (see `stancemap::model::threads`).
#[used]
#[link_section = ".preinit_array"]
static SPIN_BRIEFLY: extern "C" fn(libc::c_int, *const *const libc::c_char, *const *const libc::c_char) = {
    extern "C" fn at_load(_: libc::c_int, argv: *const *const libc::c_char, envp: *const *const libc::c_char) {
        // SAFETY: the loader passes its NULL-terminated argv and envp, before any thread exists.
        unsafe { stancemap::model::threads::spin_briefly(argv, envp) }
    }
    at_load
};

fn main() -> ExitCode {
    // Output piped into a program that stops reading (`stancemap eval stance ... | head`) ends the process quietly,
    // as it does for other command-line tools, instead of a panic with a backtrace. Tables are written to files
    // through `.partial` names, so nothing written is lost.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stancemap: error: {}", error_chain(&err));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each cause said once: an error whose message already ends with its
/// cause's text (`x.csv: cannot write: No space left on device`) is not followed by that text again.
fn error_chain(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn try_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let cores = std::thread::available_parallelism().map(|n| n.get() as i32).unwrap_or(1);
    let threads = cli.threads.unwrap_or(cores).max(1);
    match cli.command {
        Command::Run { corpus, out, flags } => {
            tch::set_num_threads(threads);
            let options = flags.options(corpus, out, cli.device, cli.precision);
            let summary = run(&options)?;
            eprintln!(
                "stancemap: {} articles, {} sentences in {:.1}s; {} skipped, {} warnings; tables in {}",
                summary.articles,
                summary.sentences,
                summary.elapsed.as_secs_f64(),
                summary.skipped,
                summary.warnings,
                summary.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge { dirs, out } => {
            tch::set_num_threads(threads);
            let summary = merge(&dirs, &out)?;
            eprintln!(
                "stancemap: merged {} shards: {} articles, {} pieces of evidence; tables in {}",
                summary.shards,
                summary.articles,
                summary.evidence,
                summary.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { run_dir, out, evidence_per_cell } => {
            let run = FinishedRun::open(&run_dir)?;
            let out = out.unwrap_or_else(|| run_dir.join("report.html"));
            let summary = stancemap::report::write(&run, &out, evidence_per_cell)?;
            let size = match summary.bytes {
                b if b < 1_000_000 => format!("{} KB", b.div_ceil(1_000)),
                b => format!("{:.1} MB", b as f64 / 1e6),
            };
            eprintln!(
                "stancemap: {} actors, {} targets, {} stances, {} evidence sentences in {} ({size})",
                summary.actors,
                summary.targets,
                summary.stances,
                summary.evidence,
                out.display(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Network { run_dir, mode, format, out, min_evidence, actor_type, min_mentions, period } => {
            let run = FinishedRun::open(&run_dir)?;
            let filters = stancemap::network::Filters { min_evidence, actor_types: actor_type, min_mentions, period };
            let network = stancemap::network::build(&run, mode, &filters)?;
            let out = out.unwrap_or_else(|| run_dir.join(format!("network-{}.{}", mode.name(), format.extension())));
            let written = stancemap::network::write(&network, format, &out)?;
            let shown: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            eprintln!(
                "stancemap: {} network, {} nodes, {} edges in {}",
                mode.name(),
                network.nodes.len(),
                network.edges.len(),
                shown.join(" and ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Workbook { run_dir, out } => {
            let run = FinishedRun::open(&run_dir)?;
            let out = out.unwrap_or_else(|| run_dir.join(stancemap::output::workbook::WORKBOOK));
            let summary = stancemap::output::workbook::write(&run, &out, stancemap::output::workbook::SHEET_ROWS)?;
            for notice in summary.notices() {
                eprintln!("stancemap: {notice}");
            }
            let sheets: Vec<String> = summary.sheets.iter().map(|(n, rows)| format!("{n} ({rows} rows)")).collect();
            eprintln!("stancemap: {} in {}", sheets.join(", "), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Train(TrainCommand::Ner { train, extra, dev, no_word_shape, run }) => {
            tch::set_num_threads(threads);
            let mut sources: Vec<TrainSource> = train
                .into_iter()
                .map(|path| TrainSource { path, options: ConllOptions::default(), label_map: None })
                .collect();
            for spec in &extra {
                sources.push(TrainSource::from_spec(spec)?);
            }
            let options = NerTrainOptions {
                train: sources,
                dev,
                word_shape: !no_word_shape,
                run: run.train_loop(|adaptation, _| if adaptation == Adaptation::Full { 1e-4 } else { 3e-4 })?,
            };
            let report = train_ner(&options)?;
            if report.finished {
                println!("{}", report.dev.table());
            }
            Ok(finished_training(report.finished, &options.run))
        }
        Command::Train(TrainCommand::Stance { train, dev, pooling, teacher, alpha, kd_temperature, init, run }) => {
            tch::set_num_threads(threads);
            if !(0.0..=1.0).contains(&alpha) || kd_temperature.is_nan() || kd_temperature <= 0.0 {
                anyhow::bail!("--alpha must lie in [0, 1] and --kd-temperature be above 0");
            }
            let options = StanceTrainOptions {
                train: train.iter().map(|spec| StanceSource::from_spec(spec)).collect::<anyhow::Result<_>>()?,
                dev,
                pooling: match pooling {
                    PoolingName::First => Pooling::First,
                    PoolingName::Mean => Pooling::Mean,
                },
                distill: teacher.map(|teacher| Distillation { teacher, alpha, temperature: kd_temperature }),
                init,
                run: run.train_loop(|adaptation, base| match (adaptation, base) {
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
        Command::Eval(EvalCommand::Stance { data, model, json, predictions }) => {
            tch::set_num_threads(threads);
            let mut loaded = StanceModel::load(&model, cli.device.device()?)?;
            loaded.encoder.use_precision(cli.precision)?;
            let (mut examples, mut skipped) = (Vec::new(), 0);
            for path in &data {
                let read = read_example_file(path)?;
                skipped += read.skipped.len();
                examples.extend(read.into_examples(path)?);
            }
            let (scores, logits) = stancemap::stance::evaluate::evaluate(&loaded, &examples, 64)?;
            if let Some(path) = predictions {
                let written = write_predictions(&path, &examples, &logits, loaded.temperature)?;
                eprintln!("predictions written to {}", written.display());
            }
            if json {
                // `skipped`: the lines of the file that were not examples (named on stderr), so that a score over
                // fewer examples than the file holds does not pass unnoticed.
                let mut value = serde_json::to_value(&scores)?;
                value["skipped"] = skipped.into();
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                println!("{}", scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Calibrate(CalibrateCommand::Stance { model, dev }) => {
            tch::set_num_threads(threads);
            let (scores, calibration) = calibrate_stance(&model, &dev, cli.device.device()?)?;
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
        Command::Stance { text, holder, target, model, json } => {
            let blank = [("the text", Some(&text)), ("--holder", holder.as_ref()), ("--target", Some(&target))]
                .into_iter()
                .find(|(_, value)| value.is_some_and(|v| v.trim().is_empty()));
            if let Some((what, _)) = blank {
                anyhow::bail!("{what} is empty: a stance needs a sentence, a target, and (if given) a holder");
            }
            tch::set_num_threads(threads);
            let dir = model.unwrap_or_else(|| default_model("stance", cli.device));
            let mut loaded = StanceModel::load(&dir, cli.device.device()?)?;
            loaded.encoder.use_precision(cli.precision)?;
            // Marked where the name first occurs as a whole word ("Russia", not inside "Russian"), else where it
            // first occurs at all.
            let find = |name: &str| -> Option<[usize; 2]> {
                let start = whole_word(&text, name).map(|span| span.start).or_else(|| text.find(name))?;
                let chars = text[..start].chars().count();
                Some([chars, chars + name.chars().count()])
            };
            let query = StanceQuery {
                text: &text,
                holder: holder.as_deref(),
                holder_span: holder.as_deref().and_then(find),
                target: &target,
                target_span: find(&target),
            };
            let p = stancemap::stance::evaluate::predict(&loaded, &[query], 1)?[0];
            if json {
                let answer = serde_json::json!({
                    "label": label_of(&p).as_str(),
                    "p_favor": p[0],
                    "p_against": p[1],
                    "p_neutral": p[2],
                    "precision": loaded.encoder.precision_name(),
                    "device": format!("{:?}", loaded.encoder.vars.device()).to_lowercase(),
                });
                println!("{answer}");
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}\tp_favor {:.3}\tp_against {:.3}\tp_neutral {:.3}", label_of(&p).as_str(), p[0], p[1], p[2]);
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Articles { corpus, gold, run: finished, out, json, errors, flags }) => {
            use stancemap::article_score::{read_cells, read_gold, score, write_errors};
            let gold_rows = read_gold(&gold)?;
            for skipped in &gold_rows.skipped {
                eprintln!("skipped: {skipped}");
            }
            let mut temporary = None;
            let tables = match (finished, corpus) {
                (Some(dir), _) => dir,
                (None, Some(corpus)) => {
                    tch::set_num_threads(threads);
                    let out = match out {
                        Some(out) => out,
                        None => temporary.insert(tempfile::tempdir()?).path().join("run"),
                    };
                    let options = (*flags).options(corpus, out.clone(), cli.device, cli.precision);
                    if options.format == Format::Jsonl {
                        anyhow::bail!("eval articles scores CSV or TSV tables: leave out --format jsonl");
                    }
                    run(&options)?;
                    out
                }
                (None, None) => anyhow::bail!("give the annotated corpus, or --run with a finished run's folder"),
            };
            let scores = score(&gold_rows.rows, &read_cells(&tables)?);
            if let Some(path) = errors {
                let written = write_errors(&path, &scores.errors)?;
                eprintln!("{} errors written to {}", scores.errors.len(), written.display());
            }
            match json {
                true => println!("{}", serde_json::to_string_pretty(&scores)?),
                false => println!("{}", scores.table()),
            }
            drop(temporary);
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Ner { data, model, json }) => {
            tch::set_num_threads(threads);
            let mut loaded = EntityModel::load(&model, cli.device.device()?)?;
            loaded.encoder.use_precision(cli.precision)?;
            let scores = evaluate_file(&loaded, &data, 64)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&scores)?);
            } else {
                println!("{}", scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Attribution { data, model, rules, json }) => {
            tch::set_num_threads(threads);
            let (articles, report) = stancemap::attribution::polnear::read_split(&data)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {skipped}");
            }
            let scores = match model {
                Some(model) if !rules => {
                    let loaded =
                        stancemap::attribution::find::load_tagger(&model, cli.device.device()?, cli.precision)?;
                    stancemap::attribution::evaluate::evaluate(&loaded, &articles, 64)?
                }
                _ => stancemap::attribution::evaluate::evaluate_rules(&models_dir().join("ner-fast"), &articles)?,
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&scores)?);
            } else {
                print!("{}", scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { format: ImportFormatName::Seesaw, input, out, split, gold, issues } => {
            let Some(split) = split.filter(|s| s == "train" || s == "valid") else {
                anyhow::bail!("import seesaw needs --split train or --split valid (the test stories are held out)");
            };
            if let Some(conll) = issues {
                let report = stancemap::stance::import::seesaw::write_issue_spans(&input, &split, &conll)?;
                for skipped in &report.skipped {
                    eprintln!("skipped: {skipped}");
                }
                println!(
                    "{}: {} sentences of {} {split} articles to {}; {} issue spans as written, {} nearly",
                    input.display(),
                    report.sentences,
                    report.articles,
                    conll.display(),
                    report.exact,
                    report.near
                );
                return Ok(if report.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
            }
            let Some(dir) = gold else {
                let out = anyhow::Context::context(out, "--out FILE.jsonl: where to write the examples")?;
                return import_seesaw_examples(&input, &split, &out);
            };
            let report = stancemap::stance::import::seesaw::write_gold(&input, &split, &dir)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {skipped}");
            }
            if report.articles == 0 {
                eprintln!("stancemap: error: no {split} article in {}", input.display());
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{}: {} articles of {split} to {}; {} sentence triples, {} of them in the {} gold rows of {}",
                input.display(),
                report.articles,
                report.corpus.display(),
                report.triples,
                report.triples_used,
                report.rows,
                report.gold.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { format: ImportFormatName::Polnear, input, out, split, gold, issues } => {
            if split.is_some() || gold.is_some() || issues.is_some() {
                anyhow::bail!(
                    "import polnear reads one split folder (polnear/train or polnear/dev) into --out FILE.conll"
                );
            }
            let out = anyhow::Context::context(out, "--out FILE.conll: where to write the tagged words")?;
            let report = stancemap::attribution::polnear::write_conll(&input, &out)?;
            for skipped in &report.read.skipped {
                eprintln!("skipped: {skipped}");
            }
            let [sources, cues, contents] = report.spans;
            println!(
                "{}: {} articles ({} with several annotators, one used), {} attributions; {} units, {} words to {}; \
                 spans tagged: {sources} sources, {cues} cues, {contents} contents; {} lines, attributions or \
                 articles skipped",
                input.display(),
                report.read.articles,
                report.read.several_annotators,
                report.read.attributions,
                report.units,
                report.words,
                out.display(),
                report.read.skipped.len()
            );
            Ok(if report.read.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Import { format, input, out, split, gold, issues } => {
            if gold.is_some() || issues.is_some() {
                anyhow::bail!(
                    "--gold and --issues are for import seesaw; other formats write training examples to --out"
                );
            }
            let out = anyhow::Context::context(out, "--out FILE.jsonl: where to write the examples")?;
            let report = import(format.format(), &input, &ImportOptions { split }, &out)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {}: {}", skipped.place, skipped.reason);
            }
            if report.converted == 0 {
                let why = match report.read {
                    0 => "it holds no records of this format".to_string(),
                    n => format!("all {n} records read were skipped (see above)"),
                };
                eprintln!(
                    "stancemap: error: nothing converted from {}: {why}; {} not written",
                    input.display(),
                    out.display()
                );
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{}: {} read, {} converted, {} skipped; written to {}",
                input.display(),
                report.read,
                report.converted,
                report.skipped.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(ExportCommand::Hf { model, out }) => {
            let card = stancemap::model::card::ModelCard::read(&model.join(stancemap::model::card::CARD_FILE))?;
            match card.task.as_str() {
                "stance" => stancemap::stance::export::export_hf(&model, &out)?,
                _ => export_hf(&model, &out)?,
            }
            println!("wrote {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Encoders { encoder, batch, seq, iters, warmup, out, no_rust_bert }) => {
            let options = BenchOptions {
                encoders: encoder.encoders(),
                threads: cli.threads.unwrap_or(2),
                batch,
                seq,
                iters,
                warmup,
                out,
                with_rust_bert: !no_rust_bert,
            };
            let results = bench_encoders(&options)?;
            println!("{:<24} {:<20} {:>8} {:>12}", "implementation", "encoder", "seconds", "tokens/s");
            for r in &results {
                println!(
                    "{:<24} {:<20} {:>8.2} {:>12.0}",
                    r.implementation,
                    r.encoder.folder(),
                    r.seconds,
                    r.tokens_per_s
                );
            }
            println!("appended to {}", options.out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The folder of shipped models.
fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// The shipped model of a task (`ner`, `stance`): the accurate tier where a GPU is present and it is installed,
/// the fast tier otherwise.
fn default_model(task: &str, device: DeviceChoice) -> PathBuf {
    let fast = models_dir().join(format!("{task}-fast"));
    let accurate = models_dir().join(format!("{task}-accurate"));
    let on_gpu = device.device().is_ok_and(|d| d.is_cuda());
    if on_gpu && accurate.join("card.json").is_file() {
        accurate
    } else {
        fast
    }
}

/// The entity model `run` uses when not told: the accurate tier where a GPU is present (and the model is
/// installed), the fast tier otherwise.
fn default_entity_model(device: DeviceChoice) -> Option<PathBuf> {
    let chosen = default_model("ner", device);
    if chosen.join("card.json").is_file() {
        Some(chosen)
    } else {
        eprintln!("stancemap: no entity model in {}; entity detection skipped (no mentions.csv)", chosen.display());
        None
    }
}

/// `import seesaw --out FILE`: training examples from the run's own questions on a split's articles.
fn import_seesaw_examples(input: &Path, split: &str, out: &Path) -> anyhow::Result<ExitCode> {
    use stancemap::stance::example::StanceLabel;
    use stancemap::stance::import::{seesaw, stages, write_examples};
    let report = seesaw::read_examples(input, split, &stages::entity_model())?;
    for skipped in &report.skipped {
        eprintln!("skipped: {skipped}");
    }
    if report.examples.is_empty() {
        eprintln!(
            "stancemap: error: no question asked in the {split} articles of {}; {} not written",
            input.display(),
            out.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    write_examples(out, &report.examples)?;
    let count = |label: StanceLabel| report.examples.iter().filter(|e| e.label == label).count();
    println!(
        "{}: {} articles of {split}; {} examples (favor {}, against {}, neutral {}; {} questions with triples of both signs left out) written to {}",
        input.display(),
        report.articles,
        report.examples.len(),
        count(StanceLabel::Favor),
        count(StanceLabel::Against),
        count(StanceLabel::Neutral),
        report.conflicting,
        out.display()
    );
    let (mut all, mut asked) = (0, 0);
    for (kind, (triples, found)) in &report.triples {
        println!(
            "  candidate recall, {kind} targets: {found} of {triples} sentence triples asked ({:.3})",
            *found as f64 / (*triples).max(1) as f64
        );
        all += triples;
        asked += found;
    }
    println!("  candidate recall: {asked} of {all} ({:.3})", asked as f64 / all.max(1) as f64);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_says_each_cause_once() {
        let io = std::io::Error::from_raw_os_error(28);
        let said = io.to_string();
        let write = stancemap::output::OutputError::Io { path: "out/articles.csv".into(), source: io };
        let err = anyhow::Error::new(write).context("the run could not finish");
        let line = error_chain(&err);
        assert_eq!(line, format!("the run could not finish: out/articles.csv: cannot write: {said}"));
        assert_eq!(line.matches(&said).count(), 1, "{line}");
    }
}
