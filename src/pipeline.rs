//! `stancemap run`: streams a corpus through the stages and writes the tables.
//!
//! Articles are read one at a time: segmented, their entities found, their actors resolved and given corpus
//! ids, their (holder, target) pairs classified, and their rows written at once; only the aggregate cells and
//! the actor and target lists grow with the corpus. Bad input is reported on stderr (file and line) and in
//! run.json, and the run goes on.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::actors::registry::{iso_day, Registry, ACTOR_COLUMNS};
use crate::actors::{resolve, ArticleActors};
use crate::aggregate::{Aggregator, Evidence, Period};
use crate::corpus::{Article, Corpus, Problem, ReadOptions};
use crate::ner::gazetteer::Gazetteer;
use crate::ner::mentions::{mentions, Mention};
use crate::ner::model::EntityModel;
use crate::ner::tagger::find_entities;
use crate::output::stances::{StanceTables, TargetInfo, EVIDENCE_COLUMNS};
use crate::output::{manifest, Format, FormulaGuard, Manifest, ProblemRecord, Style, Table};
use crate::pairs::{Pair, Target};
use crate::span::CharIndex;
use crate::stance::evaluate::{label_of, predict};
use crate::stance::input::StanceQuery;
use crate::stance::model::StanceModel;
use crate::targets::Topics;
use crate::text::{segment, Segmentation};

/// What `stancemap run` was asked to do.
#[derive(Debug, Clone, Serialize)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub out: PathBuf,
    pub max_article_bytes: usize,
    pub formula_guard: FormulaGuard,
    /// The tables' file format.
    pub format: Format,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The entity model folder; None skips entity detection (and mentions.csv).
    pub entity_model: Option<PathBuf>,
    /// Gazetteer files, the shipped one first; later files override earlier rows of the same name.
    pub gazetteers: Vec<PathBuf>,
    /// Windows per model batch.
    pub batch_size: usize,
    /// The stance model folder; None skips the stance stage (no evidence, stances, matrix or actors tables).
    pub stance_model: Option<PathBuf>,
    /// The user's alias table (`actors.csv` format).
    pub actors: Option<PathBuf>,
    /// The user's topics (`target_id, label, keywords`).
    pub targets: Option<PathBuf>,
    /// Find issue targets after cues ("opposes …", "urges X to …").
    pub auto_targets: bool,
    /// Also aggregate per day, week or month of the articles' dates.
    pub period: Option<Period>,
    /// Aggregate rows with fewer pieces of evidence are left out of stances.csv and matrix.csv.
    pub min_evidence: usize,
    /// Evidence whose top probability is lower is left out of the aggregates (never out of evidence.csv).
    pub min_confidence: f32,
}

impl RunOptions {
    fn style(&self) -> Style {
        Style { format: self.format, guard: self.formula_guard }
    }
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
pub const MENTION_COLUMNS: &[&str] = &[
    "article_id",
    "mention_id",
    "sentence_index",
    "start",
    "end",
    "text",
    "type",
    "confidence",
    "country",
    "source",
    "actor_id",
];

/// The tables of one run, open for writing.
struct Tables {
    articles: Table,
    sentences: Table,
    mentions: Option<Table>,
}

impl Tables {
    fn create(dir: &Path, style: Style, with_mentions: bool) -> anyhow::Result<Tables> {
        Ok(Tables {
            articles: Table::create(dir, "articles.csv", ARTICLE_COLUMNS, style)?,
            sentences: Table::create(dir, "sentences.csv", SENTENCE_COLUMNS, style)?,
            mentions: match with_mentions {
                true => Some(Table::create(dir, "mentions.csv", MENTION_COLUMNS, style)?),
                false => None,
            },
        })
    }

    fn write_mentions(
        &mut self,
        article: &Article,
        found: &[Mention],
        actors: &ArticleActors,
        actor_ids: &[String],
    ) -> anyhow::Result<()> {
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
                actors.actor_at(mention.span).and_then(|a| actor_ids.get(a)).map_or("", String::as_str),
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

/// The stance stage, and what it gathers over the corpus: corpus-wide actor ids, the targets seen, the
/// aggregate cells; evidence rows are written as each article is done.
struct StanceStage {
    model: StanceModel,
    registry: Registry,
    topics: Topics,
    auto_targets: bool,
    aggregator: Aggregator,
    /// Targets other than actors, by id.
    targets: BTreeMap<String, TargetInfo>,
    evidence: Table,
    batch_size: usize,
}

impl StanceStage {
    fn open(options: &RunOptions, model_dir: &Path, problems: &mut Vec<String>) -> anyhow::Result<StanceStage> {
        let model = StanceModel::load(model_dir, tch::Device::cuda_if_available())
            .with_context(|| format!("cannot load the stance model in {}", model_dir.display()))?;
        let registry = match &options.actors {
            Some(path) => {
                let (registry, found) = Registry::with_table(path)?;
                problems.extend(found);
                registry
            }
            None => Registry::default(),
        };
        let topics = match &options.targets {
            Some(path) => {
                let (topics, found) = Topics::read(path)?;
                problems.extend(found);
                topics
            }
            None => Topics::default(),
        };
        Ok(StanceStage {
            model,
            registry,
            topics,
            auto_targets: options.auto_targets,
            aggregator: Aggregator::new(options.period, options.min_confidence),
            targets: BTreeMap::new(),
            evidence: Table::create(&options.out, "evidence.csv", EVIDENCE_COLUMNS, options.style())?,
            batch_size: options.batch_size,
        })
    }

    /// Corpus ids for the article's actors.
    fn identify(&mut self, article: &Article, actors: &ArticleActors) -> Vec<String> {
        actors.actors.iter().map(|actor| self.registry.identify(actor, article.date.as_deref())).collect()
    }

    /// Classifies the article's pairs, writes its evidence and adds it to the cells; returns the evidence count.
    fn article(
        &mut self,
        article: &Article,
        segmentation: &Segmentation,
        actors: &ArticleActors,
        actor_ids: &[String],
    ) -> anyhow::Result<usize> {
        let text = &article.text;
        let pairs = crate::pairs::build(text, segmentation, actors, &self.topics, self.auto_targets);
        if pairs.is_empty() {
            return Ok(0);
        }
        let targets: Vec<(String, String)> = pairs.iter().map(|pair| self.target_of(pair, actors, actor_ids)).collect();
        let queries: Vec<Query> = pairs
            .iter()
            .zip(&targets)
            .map(|(pair, (_, name))| Query::of(text, segmentation, actors, pair, name))
            .collect();
        let stance_queries: Vec<StanceQuery> = queries.iter().map(Query::as_stance_query).collect();
        let predicted = predict(&self.model, &stance_queries, self.batch_size)
            .with_context(|| format!("article {} ({})", article.id, article.origin))?;
        let day = article.date.as_deref().map(iso_day).unwrap_or_default();
        let mut chars = CharIndex::new(text);
        for (index, ((pair, (target_id, _)), probabilities)) in pairs.iter().zip(&targets).zip(&predicted).enumerate() {
            let evidence_id = format!("{}-e{index}", article.id);
            let label = label_of(probabilities);
            let sentence = segmentation.sentences[pair.sentence_index].span;
            let (start, end) = (chars.to_chars(pair.target_span.start), chars.to_chars(pair.target_span.end));
            let actor_id = actor_ids[pair.holder].as_str();
            self.evidence.row([
                evidence_id.as_str(),
                article.id.as_str(),
                &pair.sentence_index.to_string(),
                &start.to_string(),
                &end.to_string(),
                actor_id,
                &pair.holder_surface,
                target_id,
                pair.target_span.slice(text),
                if pair.in_quote { "true" } else { "false" },
                label.as_str(),
                &format!("{:.4}", probabilities[0]),
                &format!("{:.4}", probabilities[1]),
                &format!("{:.4}", probabilities[2]),
                sentence.slice(text),
            ])?;
            self.aggregator.add(&Evidence {
                evidence_id: &evidence_id,
                article_id: &article.id,
                actor_id,
                target_id,
                day: &day,
                label,
                probabilities: *probabilities,
            });
        }
        Ok(pairs.len())
    }

    /// The target's corpus id and the name the stance model is told, recording topics and issues seen.
    fn target_of(&mut self, pair: &Pair, actors: &ArticleActors, actor_ids: &[String]) -> (String, String) {
        match &pair.target {
            Target::Actor(index) => (actor_ids[*index].clone(), actors.actors[*index].name.clone()),
            Target::Topic(index) => {
                let topic = &self.topics.topics[*index];
                self.targets
                    .entry(topic.id.clone())
                    .or_insert_with(|| TargetInfo { label: topic.label.clone(), target_type: "topic".into() });
                (topic.id.clone(), topic.label.clone())
            }
            Target::Issue(phrase) => {
                let id = phrase.id();
                let info = self
                    .targets
                    .entry(id.clone())
                    .or_insert_with(|| TargetInfo { label: phrase.label.clone(), target_type: "issue".into() });
                (id, info.label.clone())
            }
        }
    }

    /// Writes stances.csv, matrix.csv and actors.csv.
    fn finish(self, options: &RunOptions) -> anyhow::Result<Vec<PathBuf>> {
        let mut written = vec![self.evidence.finish()?];
        let mut targets = self.targets;
        for row in self.registry.rows() {
            targets.insert(row[0].clone(), TargetInfo { label: row[1].clone(), target_type: row[2].clone() });
        }
        let style = options.style();
        let tables = StanceTables {
            dir: &options.out,
            style,
            aggregator: &self.aggregator,
            registry: &self.registry,
            targets: &targets,
            min_evidence: options.min_evidence,
        };
        written.push(tables.write_stances()?);
        written.push(tables.write_matrix()?);
        let mut actors = Table::create(&options.out, "actors.csv", ACTOR_COLUMNS, style)?;
        for row in self.registry.rows() {
            actors.row(row)?;
        }
        written.push(actors.finish()?);
        Ok(written)
    }
}

/// A pair put as the stance model's question: the sentence, with the spans in characters from its start.
struct Query<'t> {
    text: &'t str,
    holder: String,
    holder_span: Option<[usize; 2]>,
    target: String,
    target_span: Option<[usize; 2]>,
}

impl<'t> Query<'t> {
    fn of(text: &'t str, segmentation: &Segmentation, actors: &ArticleActors, pair: &Pair, target: &str) -> Query<'t> {
        let sentence = segmentation.sentences[pair.sentence_index].span;
        let local = |span: crate::span::Span| {
            (sentence.contains(span)).then(|| {
                let start = text[sentence.start..span.start].chars().count();
                [start, start + span.slice(text).chars().count()]
            })
        };
        Query {
            text: sentence.slice(text),
            holder: actors.actors[pair.holder].name.clone(),
            holder_span: pair.holder_span.and_then(local),
            target: target.to_string(),
            target_span: local(pair.target_span),
        }
    }

    fn as_stance_query(&self) -> StanceQuery<'_> {
        StanceQuery {
            text: self.text,
            holder: Some(&self.holder),
            holder_span: self.holder_span,
            target: &self.target,
            target_span: self.target_span,
        }
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
    let mut table_problems = Vec::new();
    let mut stance = match (&options.stance_model, &entity_model) {
        (Some(dir), Some(_)) => Some(StanceStage::open(options, dir, &mut table_problems)?),
        _ => None,
    };
    for problem in &table_problems {
        eprintln!("skipped: {problem}");
    }
    if let (Some(dir), Some(stage)) = (&options.stance_model, &stance) {
        models.insert("stance".into(), serde_json::json!({ "path": dir, "card": stage.model.card }));
    }
    let mut tables = Tables::create(&options.out, options.style(), entity_model.is_some())?;
    let progress = progress_bar(options.progress, files);

    let mut counts = manifest::Counts::default();
    let mut problems = Vec::new();
    // Rows of the user's actors.csv / targets.csv that were left out (each message names its file and line).
    for message in table_problems {
        counts.skipped += 1;
        *counts.problems_by_kind.entry("table_row".into()).or_default() += 1;
        let path = message.split(':').next().unwrap_or_default().to_string();
        problems.push(ProblemRecord { path, line: None, kind: "table_row".into(), message, skipped: true });
    }
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
                    let clock = Instant::now();
                    let actors = resolve(&article.text, &segmentation, &found, &gazetteer);
                    let actor_ids = match stance.as_mut() {
                        Some(stage) => stage.identify(&article, &actors),
                        None => Vec::new(),
                    };
                    timings.actors_s += clock.elapsed().as_secs_f64();
                    tables.write_mentions(&article, &found, &actors, &actor_ids)?;
                    if let Some(stage) = stance.as_mut() {
                        let clock = Instant::now();
                        counts.evidence += stage.article(&article, &segmentation, &actors, &actor_ids)?;
                        timings.stance_s += clock.elapsed().as_secs_f64();
                    }
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
    let mut outputs = tables.finish()?;
    if let Some(stage) = stance {
        outputs.extend(stage.finish(options)?);
    }

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
