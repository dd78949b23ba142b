//! `run`, `merge`, and what reads a finished run: `report`, `network`, `workbook`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use stancemap::aggregate::Period;
use stancemap::attribution::holders::Speakers;
use stancemap::merge::merge;
use stancemap::model::{DeviceChoice, Precision};
use stancemap::output::finished::FinishedRun;
use stancemap::output::{Format, FormulaGuard};
use stancemap::pairs::Holders;
use stancemap::run::shard::Shard;
use stancemap::run::{run, RunOptions};

use super::{default_entity_model, default_model, models_dir, Globals};

/// `run`'s arguments.
#[derive(Args)]
pub struct RunArgs {
    /// The corpus: a folder or a .txt, .jsonl, .csv or .tsv file.
    corpus: PathBuf,
    /// The folder for the output tables (created if missing).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    flags: RunFlags,
}

/// `merge`'s arguments.
#[derive(Args)]
pub struct MergeArgs {
    /// The shards' output folders (all N, any order).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// The folder for the merged tables.
    #[arg(long)]
    out: PathBuf,
}

/// `report`'s arguments.
#[derive(Args)]
pub struct ReportArgs {
    /// The run's output folder.
    run_dir: PathBuf,
    /// The HTML file to write (default: RUN_DIR/report.html).
    #[arg(long)]
    out: Option<PathBuf>,
    /// At most this many evidence sentences per holder and target (the strongest first; evidence.csv has
    /// them all).
    #[arg(long, value_name = "N", default_value_t = 5)]
    evidence_per_cell: usize,
}

/// `network`'s arguments.
#[derive(Args)]
pub struct NetworkArgs {
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
}

/// `workbook`'s arguments.
#[derive(Args)]
pub struct WorkbookArgs {
    /// The run's output folder.
    run_dir: PathBuf,
    /// The .xlsx file to write (default: RUN_DIR/tables.xlsx).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// How `run` (and `eval articles`, which runs the pipeline) reads, detects, decides and writes.
#[derive(Args)]
pub struct RunFlags {
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
    /// A folder of word lists of your own, read on top of the shipped ones in models/lexicon/en (titles, speech
    /// and stance verbs, cue words, ...): a file named like a shipped list adds its words, a line `-word` takes
    /// one out. Repeat for several.
    #[arg(long, value_name = "DIR")]
    lexicon: Vec<PathBuf>,
    /// At most this many texts per model batch (batches also stop at about 512 tokens, padding included).
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// The stance model folder (default: models/relations-fast, the holder -> target model, where installed; else
    /// models/stance-fast on CPU, models/stance-accurate on a GPU).
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
    #[arg(long, value_name = "N", default_value_t = stancemap::run::DEFAULT_MATRIX_TOP)]
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
pub enum TablesFormat {
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
    pub fn options(self, corpus: PathBuf, out: PathBuf, device: DeviceChoice, precision: Precision) -> RunOptions {
        let RunFlags {
            max_article_bytes,
            no_formula_guard,
            format,
            quiet,
            model,
            no_entities,
            gazetteer,
            lexicon,
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
        let entity_model = chosen(no_entities, model, || default_entity_model(device));
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
            lexicon,
            batch_size,
            stance_model: chosen(no_stance, stance_model, || {
                installed(models_dir().join("relations-fast")).or_else(|| installed(default_model("stance", device)))
            }),
            actors,
            targets,
            auto_targets: !no_auto_targets,
            issue_model: chosen(no_issue_model, issue_model, || installed(models_dir().join("issues-fast"))),
            attribution_model: chosen(no_attribution, attribution_model, || {
                installed(default_model("attribution", device))
            }),
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

/// The model folder a run uses: none when switched off (`--no-X`), the one given, else the default.
fn chosen(off: bool, given: Option<PathBuf>, default: impl FnOnce() -> Option<PathBuf>) -> Option<PathBuf> {
    match (off, given) {
        (true, _) => None,
        (false, Some(dir)) => Some(dir),
        (false, None) => default(),
    }
}

/// `dir` when a model is installed there.
fn installed(dir: PathBuf) -> Option<PathBuf> {
    Some(dir).filter(|dir| dir.join("card.json").is_file())
}

/// `stancemap run`.
pub fn run_corpus(args: RunArgs, g: &Globals) -> anyhow::Result<ExitCode> {
    let RunArgs { corpus, out, flags } = args;
    tch::set_num_threads(g.threads);
    let options = flags.options(corpus, out, g.device, g.precision);
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

/// `stancemap merge`.
pub fn merge_shards(args: MergeArgs, g: &Globals) -> anyhow::Result<ExitCode> {
    let MergeArgs { dirs, out } = args;
    tch::set_num_threads(g.threads);
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

/// `stancemap report`.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let ReportArgs { run_dir, out, evidence_per_cell } = args;
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

/// `stancemap network`.
pub fn network(args: NetworkArgs) -> anyhow::Result<ExitCode> {
    let NetworkArgs { run_dir, mode, format, out, min_evidence, actor_type, min_mentions, period } = args;
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

/// `stancemap workbook`.
pub fn workbook(args: WorkbookArgs) -> anyhow::Result<ExitCode> {
    let WorkbookArgs { run_dir, out } = args;
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
