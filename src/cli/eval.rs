//! `eval`: a model on labeled data, or a run's tables on annotated articles.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use stancemap::ner::evaluate::evaluate_file;
use stancemap::ner::model::EntityModel;
use stancemap::output::Format;
use stancemap::run::run;
use stancemap::stance::evaluate::write_predictions;
use stancemap::stance::example::read_example_file;
use stancemap::stance::model::StanceModel;

use super::run::RunFlags;
use super::{models_dir, Globals};

#[derive(Subcommand)]
pub enum EvalCommand {
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
    /// below), or scores the finished run in --run, or a second annotator's rows in --annotator.
    Articles {
        /// The annotated articles (runs stancemap on them); or give --run or --annotator.
        #[arg(required_unless_present_any = ["run", "annotator"], conflicts_with_all = ["run", "annotator"])]
        corpus: Option<PathBuf>,
        /// The gold rows (CSV).
        #[arg(long)]
        gold: PathBuf,
        /// Score the tables of this finished run instead of running.
        #[arg(long, conflicts_with = "annotator")]
        run: Option<PathBuf>,
        /// Score a second annotator's rows (CSV, the gold's columns) as if they were a run, on the articles it
        /// annotated: each row a cell named by its holder, target and aliases. The F1 is the two annotators'
        /// agreement.
        #[arg(long)]
        annotator: Option<PathBuf>,
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

/// `stancemap eval`.
pub fn eval(command: EvalCommand, g: &Globals) -> anyhow::Result<ExitCode> {
    match command {
        EvalCommand::Ner { data, model, json } => {
            tch::set_num_threads(g.threads);
            let mut loaded = EntityModel::load(&model, g.device.device()?)?;
            loaded.encoder.use_precision(g.precision)?;
            let scores = evaluate_file(&loaded, &data, 64)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&scores)?);
            } else {
                println!("{}", scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Attribution { data, model, rules, json } => {
            tch::set_num_threads(g.threads);
            let (articles, report) = stancemap::attribution::polnear::read_split(&data)?;
            for skipped in &report.skipped {
                eprintln!("skipped: {skipped}");
            }
            let scores = match model {
                Some(model) if !rules => {
                    let loaded = stancemap::attribution::find::load_tagger(&model, g.device.device()?, g.precision)?;
                    stancemap::attribution::evaluate::evaluate(&loaded, &articles, 64)?
                }
                _ => {
                    let annotator = stancemap::import::stages::annotator(&models_dir().join("ner-fast"), None)?;
                    stancemap::attribution::evaluate::evaluate_rules(&articles, |article| {
                        anyhow::Context::context(
                            annotator.annotate_text(&article.id, &article.text)?.actors,
                            "no entity model",
                        )
                    })?
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&scores)?);
            } else {
                print!("{}", scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        EvalCommand::Stance { data, model, json, predictions } => {
            tch::set_num_threads(g.threads);
            let mut loaded = StanceModel::load(&model, g.device.device()?)?;
            loaded.encoder.use_precision(g.precision)?;
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
        EvalCommand::Articles { corpus, gold, run: finished, annotator, out, json, errors, flags } => {
            use stancemap::article_score::{annotator_cells, read_cells, read_gold, score, write_errors, GoldRow};
            let read = |path: &PathBuf| -> anyhow::Result<_> {
                let gold = read_gold(path)?;
                for skipped in &gold.skipped {
                    eprintln!("skipped: {skipped}");
                }
                Ok(gold.rows)
            };
            let mut gold_rows = read(&gold)?;
            let mut temporary = None;
            let cells = match (finished, corpus, annotator) {
                (_, _, Some(second)) => {
                    // Agreement is measured on the articles both annotated.
                    let cells = annotator_cells(&read(&second)?);
                    let shared = |row: &GoldRow| cells.articles.iter().any(|(id, _)| *id == row.article);
                    let before = gold_rows.len();
                    gold_rows.retain(shared);
                    eprintln!(
                        "{} of {before} gold rows are of articles the second annotator annotated",
                        gold_rows.len()
                    );
                    cells
                }
                (Some(dir), ..) => read_cells(&dir)?,
                (None, Some(corpus), None) => {
                    tch::set_num_threads(g.threads);
                    let out = match out {
                        Some(out) => out,
                        None => temporary.insert(tempfile::tempdir()?).path().join("run"),
                    };
                    let options = (*flags).options(corpus, out.clone(), g.device, g.precision);
                    if options.format == Format::Jsonl {
                        anyhow::bail!("eval articles scores CSV or TSV tables: leave out --format jsonl");
                    }
                    run(&options)?;
                    read_cells(&out)?
                }
                (None, None, None) => {
                    anyhow::bail!("give the annotated corpus, --run with a finished run's folder, or --annotator")
                }
            };
            let scores = score(&gold_rows, &cells);
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
    }
}
