//! `stancemap run`: streams a corpus through the stages and writes the tables.
//!
//! A reader thread reads and segments the articles; the models take them a chunk at a time. Each article becomes
//! an [`ArticleDoc`] ([`annotate`]: entities, attributions, actors, candidate pairs), its actors get corpus ids
//! (the registry), its pairs are put to the stance model ([`stance`]), and its rows are written at once
//! ([`tables`]) with a journal line that lets an interrupted run resume ([`journal`]). Only the aggregate cells
//! and the actor and target lists grow with the corpus. Bad input is reported on stderr (file and line) and in
//! run.json ([`manifest`]), and the run goes on.

pub mod annotate;
pub mod journal;
pub mod manifest;
pub mod options;
pub mod shard;
pub mod stance;
pub mod stances;
pub mod tables;

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

pub use annotate::{Annotator, ArticleDoc};
use journal::{ArticleCounts, ArticleEntry, Journal, JOURNAL};
use manifest::{Manifest, ProblemRecord};
pub use options::{user_table, RunOptions, DEFAULT_MATRIX_TOP};
use shard::SHARD_JOURNAL;
use stance::{Questions, StanceStage};
use tables::{write_actor_table, write_workbook, Tables};

use crate::actors::registry::{ActorRecord, Registry};
use crate::attribution::find::load_tagger;
use crate::corpus::{Article, Corpus, Problem, ReadOptions};
use crate::lexicon::Lexicon;
use crate::ner::model::EntityModel;
use crate::output::lock::FolderLock;
use crate::pairs::Candidates;
use crate::targets::Topics;
use crate::text::{segment, Segmentation};

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

/// Articles read ahead of the models.
const READ_AHEAD: usize = 64;
/// Articles whose text windows and stance questions share model batches.
const CHUNK_ARTICLES: usize = 16;

pub fn run(options: &RunOptions) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create the output folder {}", options.out.display()))?;
    let _lock = FolderLock::take(&options.out)?;
    if options.corpus.canonicalize().ok() == options.out.canonicalize().ok() {
        anyhow::bail!(
            "--out {} is the corpus folder itself: the tables would be read as articles next time; write them to \
             a folder of their own",
            options.out.display()
        );
    }
    let read = ReadOptions { max_article_bytes: options.max_article_bytes };
    let corpus = Corpus::open_beside(&options.corpus, read, Some(&options.out))?;
    let files = corpus.file_count();
    let lexicon = Lexicon::load(&options.lexicon, &options.gazetteers)?;
    let entity_model = match &options.entity_model {
        Some(dir) => Some(
            EntityModel::load(dir, options.device.device()?)
                .and_then(|mut model| {
                    model.encoder.use_precision(options.precision)?;
                    Ok(model)
                })
                .with_context(|| format!("cannot load the entity model in {}", dir.display()))?,
        ),
        None => None,
    };
    let mut models = serde_json::Map::new();
    if let (Some(dir), Some(model)) = (&options.entity_model, &entity_model) {
        models.insert("entities".into(), model_entry(dir, model));
    }
    // An interrupted run in --out with the same options is finished rather than started again.
    let settings = options.resume_settings()?;
    if options.out.join("run.json").is_file() && !options.out.join(JOURNAL).exists() {
        eprintln!("stancemap: {} holds a finished run; running again (its tables are replaced)", options.out.display());
    }
    let resumed = Journal::resume(&options.out, &settings, corpus.stamps(), CHUNK_ARTICLES)?;
    if let Some(change) = resumed.as_ref().and_then(|run| run.changed.as_ref()) {
        eprintln!(
            "stancemap: the corpus changed since the run in {} was interrupted ({change}): the articles from there \
             on are done again",
            options.out.display()
        );
    }
    let interrupted = resumed.filter(|run| !run.entries.is_empty());
    let lengths = interrupted.as_ref().and_then(|run| run.entries.last()).map(|entry| &entry.lengths);
    let mut table_problems = Vec::new();
    // Corpus-wide actor ids, wherever entities are found (the user's alias table among them).
    let mut registry = match entity_model {
        Some(_) => Some(user_table(&options.actors, Registry::with_table, &mut table_problems)?),
        None => None,
    };
    let mut stance = match (&options.stance_model, &entity_model) {
        (Some(dir), Some(_)) => Some(StanceStage::open(options, dir, &lexicon, lengths)?),
        _ => None,
    };
    let topics = match stance {
        Some(_) => user_table(&options.targets, Topics::read, &mut table_problems)?,
        None => Topics::default(),
    };
    for problem in &table_problems {
        eprintln!("skipped: {problem}");
    }
    let issues = match (&options.issue_model, &stance, options.auto_targets) {
        (Some(dir), Some(_), true) => {
            Some(annotate::load_issue_tagger(dir, options.device.device()?, options.precision)?)
        }
        _ => None,
    };
    if let (Some(dir), Some(stage)) = (&options.stance_model, &stance) {
        models.insert(
            "stance".into(),
            serde_json::json!({
                "path": dir,
                "card": stage.model.card,
                "holders": stage.holders.as_str(),
                "precision": stage.model.encoder.precision_name(),
            }),
        );
        if let (Some(dir), Some(tagger)) = (&options.issue_model, &issues) {
            models.insert("issues".into(), model_entry(dir, tagger));
        }
    }
    let attribution = match &options.attribution_model {
        Some(dir) => {
            let model = load_tagger(dir, options.device.device()?, options.precision)?;
            models.insert("attribution".into(), model_entry(dir, &model));
            Some(model)
        }
        None => None,
    };
    let tables = Tables::open(&options.out, options.style(), entity_model.is_some(), attribution.is_some(), lengths)?;
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
    let mut done = HashSet::new();
    let journal = match interrupted {
        Some(run) => {
            for entry in &run.entries {
                if let Some(registry) = registry.as_mut() {
                    identify(registry, entry.date.as_deref(), &entry.actors);
                }
                if let Some(stage) = stance.as_mut() {
                    stage.replay(entry)?;
                }
                counts.add(&entry.counts, entry.evidence.len());
                done.insert(entry.article_id.clone());
            }
            eprintln!("stancemap: resuming the run in {}: {} articles already done", options.out.display(), done.len());
            run.journal
        }
        None => Journal::create(&options.out, &settings, corpus.stamps())?,
    };
    let candidates =
        stance.as_ref().map(|stage| Candidates { topics, auto_targets: options.auto_targets, holders: stage.holders });
    let annotator = Annotator {
        entities: entity_model,
        issues,
        attribution,
        speakers: options.speakers,
        lexicon,
        candidates,
        batch_size: options.batch_size,
    };
    let mut stages = Stages {
        root: corpus.root().to_path_buf(),
        annotator,
        registry,
        stance,
        tables,
        journal,
        counts,
        timings: manifest::Timings::default(),
    };
    // A reader thread reads and segments articles ahead of the models, through a bounded queue (memory stays
    // flat however large the corpus); the models take them a chunk at a time, sharing batches.
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Read>(READ_AHEAD);
        scope.spawn(move || read_corpus(corpus, sender));
        let mut chunk = Vec::with_capacity(CHUNK_ARTICLES);
        for read in receiver {
            stages.timings.read_s += read.read_s;
            stages.timings.segment_s += read.segment_s;
            match read.item {
                Ok((article, _, _)) if done.contains(&article.id) => {}
                Ok((article, _, _)) if options.shard.is_some_and(|shard| !shard.holds(&article.id)) => {}
                Ok(segmented) => {
                    chunk.push(segmented);
                    if chunk.len() == CHUNK_ARTICLES {
                        stages.chunk(std::mem::take(&mut chunk))?;
                    }
                }
                Err(problem) => {
                    progress.suspend(|| {
                        eprintln!("{}: {}", if problem.kind.skips() { "skipped" } else { "warning" }, problem)
                    });
                    record_problem(&problem, &mut stages.counts, &mut problems);
                }
            }
            progress.set_position(read.files_done as u64);
            progress.set_message(format!("{} articles", stages.counts.articles + chunk.len()));
        }
        stages.chunk(chunk)
    })?;
    let Stages { registry, stance, tables, journal, mut counts, mut timings, .. } = stages;
    progress.finish_and_clear();
    let mut outputs = tables.finish()?;
    if let Some(registry) = &registry {
        if let Some(stage) = stance {
            let (written, matrix) = stage.finish(options, registry)?;
            outputs.extend(written);
            counts.matrix = Some(matrix);
        }
        outputs.push(write_actor_table(options, registry)?);
    }
    if options.workbook {
        outputs.push(write_workbook(&options.out, options.format, &outputs)?);
    }

    let elapsed = started.elapsed();
    timings.total_s = elapsed.as_secs_f64();
    timings.articles_per_s = counts.articles as f64 / timings.total_s.max(1e-9);
    timings.words_per_s = counts.text.words as f64 / timings.total_s.max(1e-9);
    let summary = RunSummary {
        articles: counts.articles,
        sentences: counts.text.sentences,
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
    match options.shard {
        Some(_) => journal.keep_as(SHARD_JOURNAL)?,
        None => journal.remove()?,
    }
    Ok(summary)
}

/// A model as run.json's `models` names it: its folder, its card and the precision it ran in.
fn model_entry(dir: &std::path::Path, model: &EntityModel) -> serde_json::Value {
    serde_json::json!({ "path": dir, "card": model.card, "precision": model.encoder.precision_name() })
}

/// Corpus ids for the actors of an article dated `date`.
fn identify(registry: &mut Registry, date: Option<&str>, actors: &[ActorRecord]) -> Vec<String> {
    actors.iter().map(|actor| registry.identify(actor, date)).collect()
}

/// What the reader thread hands over: a segmented article or a problem with the input, with the time each took
/// and how many files are done.
struct Read {
    /// The article with its place in the corpus, and its segmentation.
    item: Result<(Article, usize, Segmentation), Problem>,
    files_done: usize,
    read_s: f64,
    segment_s: f64,
}

/// Reads and segments the corpus into `sender`, waiting while the queue is full.
fn read_corpus(mut corpus: Corpus, sender: std::sync::mpsc::SyncSender<Read>) {
    let mut position = 0;
    loop {
        let clock = Instant::now();
        let Some(item) = corpus.next() else { return };
        let read_s = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let item = item.map(|article| {
            let segmentation = segment(&article.text);
            position += 1;
            (article, position - 1, segmentation)
        });
        let read = Read { item, files_done: corpus.files_done(), read_s, segment_s: clock.elapsed().as_secs_f64() };
        if sender.send(read).is_err() {
            return; // the run stopped
        }
    }
}

/// The stages after reading, and what they write to.
struct Stages {
    /// The corpus folder, which the journal's file paths are relative to.
    root: PathBuf,
    annotator: Annotator,
    /// Corpus-wide actor ids; None when no entities are found.
    registry: Option<Registry>,
    stance: Option<StanceStage>,
    tables: Tables,
    journal: Journal,
    counts: manifest::Counts,
    timings: manifest::Timings,
}

impl Stages {
    /// Runs a chunk of articles through the models together, then writes each article's rows and its journal
    /// line, in corpus order.
    fn chunk(&mut self, chunk: Vec<(Article, usize, Segmentation)>) -> anyhow::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let positions: Vec<usize> = chunk.iter().map(|(_, position, _)| *position).collect();
        let articles = chunk.into_iter().map(|(article, _, segmentation)| (article, segmentation)).collect();
        let mut docs = self.annotator.annotate(articles, &mut self.timings)?;

        let clock = Instant::now();
        let mut questions: Vec<Option<Questions>> = Vec::with_capacity(docs.len());
        for doc in &mut docs {
            let (Some(actors), Some(registry)) = (&doc.actors, self.registry.as_mut()) else {
                questions.push(None);
                continue;
            };
            let records: Vec<ActorRecord> = actors.actors.iter().map(ActorRecord::of).collect();
            doc.actor_ids = identify(registry, doc.article.date.as_deref(), &records);
            questions.push(match (self.stance.as_mut(), &self.annotator.candidates) {
                (Some(stage), Some(candidates)) => Some(stage.questions(doc, &candidates.topics)?),
                _ => None,
            });
        }
        self.timings.actors_s += clock.elapsed().as_secs_f64();

        let mut answers = Vec::new();
        if let Some(stage) = &self.stance {
            let clock = Instant::now();
            answers = stage.answer(&questions.iter().flatten().collect::<Vec<_>>());
            self.timings.stance_s += clock.elapsed().as_secs_f64();
        }
        let mut answers = answers.into_iter();
        for ((mut doc, position), questions) in docs.into_iter().zip(positions).zip(questions) {
            let clock = Instant::now();
            self.tables.write_mentions(&doc)?;
            self.tables.write_quotes(&doc)?;
            if let (Some(stage), Some(questions)) = (self.stance.as_mut(), &questions) {
                let predicted = answers.next().unwrap_or_default();
                doc.evidence = stage.write_evidence(&doc, questions, &predicted)?;
            }
            self.tables.write(&doc)?;
            let mut entry = self.entry(&doc, position);
            // The rows first, then the journal line that says they are there.
            self.tables.lengths(&mut entry.lengths)?;
            if let Some(stage) = self.stance.as_mut() {
                entry.lengths.insert(stage.evidence.partial_name(), stage.evidence.length()?);
            }
            self.counts.add(&entry.counts, entry.evidence.len());
            self.journal.record(&entry)?;
            self.timings.write_s += clock.elapsed().as_secs_f64();
        }
        Ok(())
    }

    /// The journal line of a finished document (the table lengths still to be filled in).
    fn entry(&self, doc: &ArticleDoc, position: usize) -> ArticleEntry {
        let (article, segmentation) = (&doc.article, &doc.segmentation);
        ArticleEntry {
            article_id: article.id.clone(),
            position,
            file: crate::corpus::id::root_relative(&self.root, &article.origin.path),
            date: article.date.clone(),
            lengths: BTreeMap::new(),
            counts: ArticleCounts {
                paragraphs: segmentation.paragraphs.len(),
                sentences: segmentation.sentences.len(),
                quotes: segmentation.quotes.len(),
                chars: article.text.chars().count(),
                words: article.text.split_whitespace().count(),
                mentions: doc.mentions.len(),
            },
            actors: doc.actors.iter().flat_map(|actors| actors.actors.iter().map(ActorRecord::of)).collect(),
            actor_ids: doc.actor_ids.clone(),
            evidence: doc.evidence.clone(),
        }
    }
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
