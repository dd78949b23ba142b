//! `stancemap run`: streams a corpus through the stages that exist and writes the tables.
//!
//! Articles are read one at a time, segmented, and written out at once, so memory does not grow with the
//! corpus. Bad input is reported on stderr (file and line) and in run.json, and the run goes on.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::corpus::{Article, Corpus, Problem, ReadOptions};
use crate::ner::gazetteer::Gazetteer;
use crate::ner::mentions::{mentions, Mention};
use crate::ner::model::EntityModel;
use crate::ner::tagger::find_entities;
use crate::output::{manifest, FormulaGuard, Manifest, ProblemRecord, Table};
use crate::span::CharIndex;
use crate::text::{segment, Segmentation};

/// What `stancemap run` was asked to do.
#[derive(Debug, Clone, Serialize)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub out: PathBuf,
    pub max_article_bytes: usize,
    pub formula_guard: FormulaGuard,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The entity model folder; None skips entity detection (and mentions.csv).
    pub entity_model: Option<PathBuf>,
    /// Gazetteer files, the shipped one first; later files override earlier rows of the same name.
    pub gazetteers: Vec<PathBuf>,
    /// Windows per model batch.
    pub batch_size: usize,
}

/// What a finished run counted, for the caller's summary and exit code.
#[derive(Debug)]
pub struct RunSummary {
    pub articles: usize,
    pub sentences: usize,
    pub skipped: usize,
    pub warnings: usize,
    pub elapsed: Duration,
    pub out: PathBuf,
}

pub const ARTICLE_COLUMNS: &[&str] =
    &["article_id", "title", "date", "source", "n_sentences", "n_chars", "url", "origin"];
pub const SENTENCE_COLUMNS: &[&str] =
    &["article_id", "sentence_index", "start", "end", "in_quote", "text", "paragraph_index"];
pub const MENTION_COLUMNS: &[&str] =
    &["article_id", "mention_id", "sentence_index", "start", "end", "text", "type", "confidence", "country", "source"];

/// The tables of one run, open for writing.
struct Tables {
    articles: Table,
    sentences: Table,
    mentions: Option<Table>,
}

impl Tables {
    fn create(dir: &Path, guard: FormulaGuard, with_mentions: bool) -> anyhow::Result<Tables> {
        Ok(Tables {
            articles: Table::create(dir, "articles.csv", ARTICLE_COLUMNS, guard)?,
            sentences: Table::create(dir, "sentences.csv", SENTENCE_COLUMNS, guard)?,
            mentions: match with_mentions {
                true => Some(Table::create(dir, "mentions.csv", MENTION_COLUMNS, guard)?),
                false => None,
            },
        })
    }

    fn write_mentions(&mut self, article: &Article, found: &[Mention]) -> anyhow::Result<()> {
        let Some(table) = self.mentions.as_mut() else { return Ok(()) };
        let text = &article.text;
        let mut chars = CharIndex::new(text);
        for (index, mention) in found.iter().enumerate() {
            let start = chars.to_chars(mention.span.start);
            let end = chars.to_chars(mention.span.end);
            table.row([
                article.id.as_str(),
                &format!("{}-m{index}", article.id),
                &mention.sentence_index.to_string(),
                &start.to_string(),
                &end.to_string(),
                mention.span.slice(text),
                mention.entity_type.as_str(),
                &format!("{:.4}", mention.confidence),
                mention.country.as_deref().unwrap_or(""),
                mention.source.as_str(),
            ])?;
        }
        Ok(())
    }

    fn write(&mut self, article: &Article, segmentation: &Segmentation) -> anyhow::Result<()> {
        let text = &article.text;
        let mut chars = CharIndex::new(text);
        for (index, sentence) in segmentation.sentences.iter().enumerate() {
            let start = chars.to_chars(sentence.span.start);
            let end = chars.to_chars(sentence.span.end);
            self.sentences.row([
                article.id.as_str(),
                &index.to_string(),
                &start.to_string(),
                &end.to_string(),
                if sentence.in_quote { "true" } else { "false" },
                sentence.span.slice(text),
                &sentence.paragraph.to_string(),
            ])?;
        }
        let n_chars = chars.to_chars(text.len());
        self.articles.row([
            article.id.as_str(),
            &article.title,
            article.date.as_deref().unwrap_or(""),
            article.source.as_deref().unwrap_or(""),
            &segmentation.sentences.len().to_string(),
            &n_chars.to_string(),
            article.url.as_deref().unwrap_or(""),
            &article.origin.to_string(),
        ])?;
        Ok(())
    }

    fn finish(self) -> anyhow::Result<Vec<PathBuf>> {
        let mut written = vec![self.articles.finish()?, self.sentences.finish()?];
        if let Some(mentions) = self.mentions {
            written.push(mentions.finish()?);
        }
        Ok(written)
    }
}

pub fn run(options: &RunOptions) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create the output folder {}", options.out.display()))?;
    let corpus = Corpus::open(&options.corpus, ReadOptions { max_article_bytes: options.max_article_bytes })?;
    let files = corpus.file_count();
    let mut gazetteer = Gazetteer::default();
    for path in &options.gazetteers {
        gazetteer.extend(Gazetteer::from_path(path)?);
    }
    let entity_model = match &options.entity_model {
        Some(dir) => Some(
            EntityModel::load(dir, tch::Device::cuda_if_available())
                .with_context(|| format!("cannot load the entity model in {}", dir.display()))?,
        ),
        None => None,
    };
    let mut models = serde_json::Map::new();
    if let (Some(dir), Some(model)) = (&options.entity_model, &entity_model) {
        models.insert("entities".into(), serde_json::json!({ "path": dir, "card": model.card }));
    }
    let mut tables = Tables::create(&options.out, options.formula_guard, entity_model.is_some())?;
    let progress = progress_bar(options.progress, files);

    let mut counts = manifest::Counts::default();
    let mut problems = Vec::new();
    let mut timings = manifest::Timings::default();
    let mut corpus = corpus;
    loop {
        let clock = Instant::now();
        let Some(item) = corpus.next() else { break };
        timings.read_s += clock.elapsed().as_secs_f64();
        match item {
            Ok(article) => {
                let clock = Instant::now();
                let segmentation = segment(&article.text);
                timings.segment_s += clock.elapsed().as_secs_f64();
                if let Some(model) = &entity_model {
                    let clock = Instant::now();
                    let units: Vec<_> = segmentation.paragraphs.iter().map(|p| p.span).collect();
                    let entities = find_entities(model, &article.text, &units, options.batch_size)
                        .with_context(|| format!("article {} ({})", article.id, article.origin))?;
                    let found = mentions(&article.text, &segmentation, &entities, &gazetteer);
                    timings.entities_s += clock.elapsed().as_secs_f64();
                    counts.mentions += found.len();
                    tables.write_mentions(&article, &found)?;
                }
                let clock = Instant::now();
                tables.write(&article, &segmentation)?;
                timings.write_s += clock.elapsed().as_secs_f64();
                counts.articles += 1;
                counts.paragraphs += segmentation.paragraphs.len();
                counts.sentences += segmentation.sentences.len();
                counts.quotes += segmentation.quotes.len();
                counts.chars += article.text.chars().count();
                counts.words += article.text.split_whitespace().count();
            }
            Err(problem) => {
                progress
                    .suspend(|| eprintln!("{}: {}", if problem.kind.skips() { "skipped" } else { "warning" }, problem));
                record_problem(&problem, &mut counts, &mut problems);
            }
        }
        progress.set_position(corpus.files_done() as u64);
        progress.set_message(format!("{} articles", counts.articles));
    }
    progress.finish_and_clear();
    let outputs = tables.finish()?;

    let elapsed = started.elapsed();
    timings.total_s = elapsed.as_secs_f64();
    timings.articles_per_s = counts.articles as f64 / timings.total_s.max(1e-9);
    timings.words_per_s = counts.words as f64 / timings.total_s.max(1e-9);
    let summary = RunSummary {
        articles: counts.articles,
        sentences: counts.sentences,
        skipped: counts.skipped,
        warnings: counts.warnings,
        elapsed,
        out: options.out.clone(),
    };
    let manifest = Manifest {
        stancemap_version: env!("CARGO_PKG_VERSION"),
        command: std::env::args().collect(),
        started_at: rfc3339(started_at),
        finished_at: rfc3339(SystemTime::now()),
        inputs: manifest::Inputs { corpus: options.corpus.display().to_string(), files },
        models: serde_json::Value::Object(models),
        options: serde_json::to_value(options)?,
        counts,
        problems,
        timings,
        outputs: outputs
            .iter()
            .chain(std::iter::once(&options.out.join("run.json")))
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect(),
    };
    crate::output::write_json(&options.out.join("run.json"), &manifest)?;
    Ok(summary)
}

fn record_problem(problem: &Problem, counts: &mut manifest::Counts, problems: &mut Vec<ProblemRecord>) {
    if problem.kind.skips() {
        counts.skipped += 1;
    } else {
        counts.warnings += 1;
    }
    *counts.problems_by_kind.entry(problem.kind.code().to_string()).or_default() += 1;
    if problems.len() < manifest::MAX_PROBLEMS_LISTED {
        problems.push(ProblemRecord {
            path: problem.path.display().to_string(),
            line: problem.line,
            kind: problem.kind.code().to_string(),
            message: problem.kind.to_string(),
            skipped: problem.kind.skips(),
        });
    }
}

fn progress_bar(wanted: bool, files: usize) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files as u64);
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {msg} ({per_sec}, ETA {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}
