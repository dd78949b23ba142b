//! `stancemap run`: streams a corpus through the stages and writes the tables.
//!
//! Articles are read one at a time: segmented, their entities found, their actors resolved and given corpus
//! ids, their (holder, target) pairs classified, and their rows written at once; only the aggregate cells and
//! the actor and target lists grow with the corpus. Bad input is reported on stderr (file and line) and in
//! run.json, and the run goes on.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::actors::registry::{ActorRecord, Registry};
use crate::actors::{resolve, ArticleActors};
use crate::aggregate::{Aggregator, Evidence, Period};
use crate::attribution::find::{find_attributions, load_tagger, FoundAttribution};
use crate::attribution::holders::{combine, quotations, Speakers};
use crate::attribution::quotes::quote_rows;
use crate::corpus::date::iso_day;
use crate::corpus::{Article, Corpus, Problem, ReadOptions};
use crate::model::{DeviceChoice, Precision};
use crate::ner::gazetteer::Gazetteer;
use crate::ner::mentions::{mentions, Mention};
use crate::ner::model::EntityModel;
use crate::ner::tagger::{find_entities_in, Document};
use crate::output::journal::{ArticleCounts, ArticleEntry, EvidenceRecord, Journal, JOURNAL};
use crate::output::lock::FolderLock;
use crate::output::schema::{
    ACTOR_COLUMNS, ARTICLE_COLUMNS, EVIDENCE_COLUMNS, MENTION_COLUMNS, QUOTE_COLUMNS, SENTENCE_COLUMNS,
};
use crate::output::stances::{MatrixColumns, StanceTables, TargetInfo};
use crate::output::workbook;
use crate::output::{manifest, Format, FormulaGuard, Manifest, ProblemRecord, Style, Table};
use crate::pairs::{Holders, Pair, Question, Target};
use crate::shard::{Shard, SHARD_JOURNAL};
use crate::span::{CharIndex, Span};
use crate::stance::evaluate::{label_of, logits_of_ids, probabilities, Probabilities};
use crate::stance::model::StanceModel;
use crate::targets::{IssueMerger, Topics};
use crate::text::{segment, Segmentation};

/// What `stancemap run` was asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub out: PathBuf,
    pub max_article_bytes: usize,
    pub formula_guard: FormulaGuard,
    /// The tables' file format.
    pub format: Format,
    /// Also write the tables as one workbook, `tables.xlsx` (`--format xlsx`; the tables themselves are CSV).
    #[serde(default)]
    pub workbook: bool,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The entity model folder; None skips entity detection (and mentions.csv).
    pub entity_model: Option<PathBuf>,
    /// Gazetteer files, the shipped one first; later files override earlier rows of the same name.
    pub gazetteers: Vec<PathBuf>,
    /// Windows per model batch.
    pub batch_size: usize,
    /// The stance model folder; None skips the stance stage (no evidence, stances or matrix tables; actors.csv is
    /// still written wherever entities are found).
    pub stance_model: Option<PathBuf>,
    /// The user's alias table (`actors.csv` format).
    pub actors: Option<PathBuf>,
    /// The user's topics (`target_id, label, keywords`).
    pub targets: Option<PathBuf>,
    /// Find issue targets after cues ("opposes …", "urges X to …"), and with the issue tagger.
    pub auto_targets: bool,
    /// The issue tagger's folder (a span model over the ISSUE label); None finds issues after cues only.
    #[serde(default)]
    pub issue_model: Option<PathBuf>,
    /// The attribution tagger's folder (SOURCE / CUE / CONTENT spans, trained on PolNeAR); None writes no
    /// quotes.csv.
    #[serde(default)]
    pub attribution_model: Option<PathBuf>,
    /// Whose attributions decide who holds a quoted or reported sentence (with an attribution tagger).
    #[serde(default)]
    pub speakers: Speakers,
    /// Who holds the stances of a sentence; None: what the stance model's card says it was trained on.
    pub holders: Option<Holders>,
    /// Also aggregate per day, week or month of the articles' dates.
    pub period: Option<Period>,
    /// Aggregate rows with fewer pieces of evidence are left out of stances.csv and matrix.csv.
    pub min_evidence: usize,
    /// matrix.csv's columns: the targets with the most evidence, at most this many (0: all).
    #[serde(default = "default_matrix_top")]
    pub matrix_top: usize,
    /// Evidence whose top probability is lower is left out of the aggregates (never out of evidence.csv).
    pub min_confidence: f32,
    /// Only this shard's articles (see [`crate::shard`]).
    pub shard: Option<Shard>,
    /// Where the models run.
    #[serde(default)]
    pub device: DeviceChoice,
    /// Their number format.
    #[serde(default)]
    pub precision: Precision,
}

/// matrix.csv's columns by default: a spreadsheet opens it, and reads it on one screen or a few.
pub const DEFAULT_MATRIX_TOP: usize = 200;

fn default_matrix_top() -> usize {
    DEFAULT_MATRIX_TOP
}

impl RunOptions {
    pub fn style(&self) -> Style {
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

/// The tables of one run, open for writing.
struct Tables {
    articles: Table,
    sentences: Table,
    mentions: Option<Table>,
    quotes: Option<Table>,
}

impl Tables {
    /// New tables, or with `lengths` from a resume journal, the tables an interrupted run was writing.
    fn open(
        dir: &Path,
        style: Style,
        with_mentions: bool,
        with_quotes: bool,
        lengths: Option<&BTreeMap<String, u64>>,
    ) -> anyhow::Result<Tables> {
        Ok(Tables {
            articles: open_table(dir, "articles.csv", ARTICLE_COLUMNS, style, lengths)?,
            sentences: open_table(dir, "sentences.csv", SENTENCE_COLUMNS, style, lengths)?,
            mentions: match with_mentions {
                true => Some(open_table(dir, "mentions.csv", MENTION_COLUMNS, style, lengths)?),
                false => None,
            },
            quotes: match with_quotes {
                true => Some(open_table(dir, "quotes.csv", QUOTE_COLUMNS, style, lengths)?),
                false => None,
            },
        })
    }

    /// The length of each table's file, for the resume journal.
    fn lengths(&mut self, lengths: &mut BTreeMap<String, u64>) -> anyhow::Result<()> {
        let tables =
            [Some(&mut self.articles), Some(&mut self.sentences), self.mentions.as_mut(), self.quotes.as_mut()];
        for table in tables.into_iter().flatten() {
            lengths.insert(table.partial_name(), table.length()?);
        }
        Ok(())
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
        let actor_of = actors.actors_by_span();
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
                actor_of.get(&mention.span).and_then(|&a| actor_ids.get(a)).map_or("", String::as_str),
            ])?;
        }
        Ok(())
    }

    /// The article's rows of quotes.csv: one per attribution found, sorted by start.
    fn write_quotes(
        &mut self,
        article: &Article,
        rows: &[crate::attribution::quotes::QuoteRow],
        actor_ids: &[String],
    ) -> anyhow::Result<()> {
        let Some(table) = self.quotes.as_mut() else { return Ok(()) };
        let mut chars = CharIndex::new(&article.text);
        for (index, row) in rows.iter().enumerate() {
            let start = chars.to_chars(row.span.start);
            let end = chars.to_chars(row.span.end);
            table.row([
                article.id.as_str(),
                &format!("{}-q{index}", article.id),
                &start.to_string(),
                &end.to_string(),
                &row.text,
                if row.direct { "direct" } else { "indirect" },
                &row.cue,
                row.speaker.and_then(|a| actor_ids.get(a)).map_or("", String::as_str),
                &row.speaker_surface,
                &format!("{:.4}", row.confidence),
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
        for table in [self.mentions, self.quotes].into_iter().flatten() {
            written.push(table.finish()?);
        }
        Ok(written)
    }
}

/// A new table, or (with the lengths of a resume journal) the one an interrupted run was writing, cut back to
/// the length it had after the last finished article.
fn open_table(
    dir: &Path,
    name: &str,
    columns: &[&str],
    style: Style,
    lengths: Option<&BTreeMap<String, u64>>,
) -> anyhow::Result<Table> {
    let partial = format!("{}.partial", Path::new(name).with_extension(style.format.extension()).display());
    Ok(match lengths.and_then(|l| l.get(&partial)) {
        Some(&length) => Table::reopen(dir, name, style, length)?,
        None => Table::create(dir, name, columns, style)?,
    })
}

/// The stance stage, and what it gathers over the corpus: the targets seen and the aggregate cells; evidence
/// rows are written as each article is done.
struct StanceStage {
    model: StanceModel,
    /// Proposes issue targets; None: issues are found after cues only.
    issue_model: Option<EntityModel>,
    topics: Topics,
    auto_targets: bool,
    holders: Holders,
    aggregator: Aggregator,
    /// Targets other than actors, by id.
    targets: BTreeMap<String, TargetInfo>,
    /// Issue ids across the corpus.
    issues: IssueMerger,
    evidence: Table,
    batch_size: usize,
}

impl StanceStage {
    fn open(
        options: &RunOptions,
        model_dir: &Path,
        lengths: Option<&BTreeMap<String, u64>>,
        problems: &mut Vec<String>,
    ) -> anyhow::Result<StanceStage> {
        let device = options.device.device()?;
        let mut model = StanceModel::load(model_dir, device)
            .with_context(|| format!("cannot load the stance model in {}", model_dir.display()))?;
        model.encoder.use_precision(options.precision)?;
        let holders = options.holders.unwrap_or_else(|| Holders::trained_for(model.card.as_ref()));
        let issue_model = match (&options.issue_model, options.auto_targets) {
            (Some(dir), true) => {
                let mut tagger = EntityModel::load(dir, device)
                    .with_context(|| format!("cannot load the issue tagger in {}", dir.display()))?;
                if tagger.label_set != crate::ner::labels::LabelSet::issues() {
                    anyhow::bail!(
                        "{}: an entity model, not an issue tagger (its labels are {:?})",
                        dir.display(),
                        tagger.labels
                    );
                }
                tagger.encoder.use_precision(options.precision)?;
                Some(tagger)
            }
            _ => None,
        };
        Ok(StanceStage {
            model,
            issue_model,
            topics: user_table(&options.targets, Topics::read, problems)?,
            auto_targets: options.auto_targets,
            holders,
            aggregator: Aggregator::new(options.period, options.min_confidence),
            targets: BTreeMap::new(),
            issues: match options.auto_targets {
                true => IssueMerger::new(device),
                false => IssueMerger::by_key(),
            },
            evidence: open_table(&options.out, "evidence.csv", EVIDENCE_COLUMNS, options.style(), lengths)?,
            batch_size: options.batch_size,
        })
    }

    /// What a finished article of an interrupted run added to the targets and the cells.
    fn replay(&mut self, entry: &ArticleEntry) -> anyhow::Result<()> {
        for record in &entry.evidence {
            if let (Some(key), Some(info)) = (&record.issue_key, &record.target) {
                self.issues.remember(key, &record.target_id, &info.label)?;
            }
        }
        self.add(&entry.article_id, entry.date.as_deref(), &entry.evidence);
        Ok(())
    }

    /// Adds an article's evidence to the cells, and its topics and issues to the targets.
    fn add(&mut self, article_id: &str, date: Option<&str>, evidence: &[EvidenceRecord]) {
        let day = date.map(iso_day).unwrap_or_default();
        for (index, record) in evidence.iter().enumerate() {
            if let Some(info) = &record.target {
                self.targets.entry(record.target_id.clone()).or_insert_with(|| info.clone());
            }
            self.aggregator.add(&Evidence {
                evidence_id: &format!("{article_id}-e{index}"),
                article_id,
                actor_id: &record.actor_id,
                target_id: &record.target_id,
                day: &day,
                label: record.label,
                probabilities: record.probabilities,
            });
        }
    }

    /// The article's (holder, target) pairs, their targets' corpus ids and names, and the questions to put to
    /// the model (encoded), recording the topics and issues seen.
    fn questions(
        &mut self,
        article: &Article,
        segmentation: &Segmentation,
        actors: &ArticleActors,
        actor_ids: &[String],
        issue_spans: &[Span],
    ) -> anyhow::Result<Questions> {
        let text = &article.text;
        let pairs =
            crate::pairs::build(text, segmentation, actors, &self.topics, self.auto_targets, self.holders, issue_spans);
        let targets: Vec<(String, String)> =
            pairs.iter().map(|pair| self.target_of(pair, actors, actor_ids)).collect::<anyhow::Result<_>>()?;
        let mut encoded = Vec::with_capacity(pairs.len());
        for (pair, (_, name)) in pairs.iter().zip(&targets) {
            let query = Question::of(text, segmentation, actors, pair, name);
            encoded.push(
                query
                    .as_stance_query()
                    .encode(&self.model.encoder.tokenizer)
                    .with_context(|| format!("article {} ({})", article.id, article.origin))?,
            );
        }
        Ok(Questions { pairs, targets, encoded })
    }

    /// Calibrated probabilities for the questions of several articles, in shared length-sorted batches.
    fn answer(&self, questions: &[&Questions]) -> Vec<Vec<Probabilities>> {
        let all: Vec<&[i64]> = questions.iter().flat_map(|q| q.encoded.iter().map(Vec::as_slice)).collect();
        let logits = logits_of_ids(&self.model, &all, self.batch_size);
        let mut logits = logits.iter().map(|l| probabilities(l, self.model.temperature));
        questions.iter().map(|q| logits.by_ref().take(q.encoded.len()).collect()).collect()
    }

    /// Writes an article's evidence and adds it to the cells; returns the evidence.
    fn write_evidence(
        &mut self,
        article: &Article,
        segmentation: &Segmentation,
        actor_ids: &[String],
        questions: &Questions,
        predicted: &[Probabilities],
    ) -> anyhow::Result<Vec<EvidenceRecord>> {
        let text = &article.text;
        let mut records = Vec::with_capacity(questions.pairs.len());
        let mut chars = CharIndex::new(text);
        let answered = questions.pairs.iter().zip(&questions.targets).zip(predicted);
        for (index, ((pair, (target_id, _)), probabilities)) in answered.enumerate() {
            let evidence_id = format!("{}-e{index}", article.id);
            let label = label_of(probabilities);
            // As written to the table, so that a resumed run's cells (replayed from the journal) are the same.
            let probabilities = probabilities.map(|p| (p * 10_000.0).round() / 10_000.0);
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
            records.push(EvidenceRecord {
                actor_id: actor_id.to_string(),
                target_id: target_id.clone(),
                target: match &pair.target {
                    Target::Actor(_) => None,
                    Target::Topic(_) | Target::Issue(_) => self.targets.get(target_id).cloned(),
                },
                issue_key: match &pair.target {
                    Target::Issue(phrase) => Some(phrase.key.clone()),
                    _ => None,
                },
                issue_label: match &pair.target {
                    Target::Issue(phrase) => Some(phrase.label.clone()),
                    _ => None,
                },
                label,
                probabilities,
            });
        }
        self.add(&article.id, article.date.as_deref(), &records);
        Ok(records)
    }

    /// The target's corpus id and the name the stance model is told, recording topics and issues seen.
    fn target_of(
        &mut self,
        pair: &Pair,
        actors: &ArticleActors,
        actor_ids: &[String],
    ) -> anyhow::Result<(String, String)> {
        Ok(match &pair.target {
            Target::Actor(index) => (actor_ids[*index].clone(), actors.actors[*index].name.clone()),
            Target::Topic(index) => {
                let topic = &self.topics.topics[*index];
                self.targets
                    .entry(topic.id.clone())
                    .or_insert_with(|| TargetInfo { label: topic.label.clone(), target_type: "topic".into() });
                (topic.id.clone(), topic.label.clone())
            }
            Target::Issue(phrase) => {
                // The issue is named by its first phrase; the model is told this sentence's own.
                let id = self.issues.id_of(phrase)?;
                self.targets
                    .entry(id.clone())
                    .or_insert_with(|| TargetInfo { label: phrase.label.clone(), target_type: "issue".into() });
                (id, phrase.label.clone())
            }
        })
    }

    /// Finishes evidence.csv and writes stances.csv and matrix.csv.
    fn finish(self, options: &RunOptions, registry: &Registry) -> anyhow::Result<(Vec<PathBuf>, MatrixColumns)> {
        let mut written = vec![self.evidence.finish()?];
        let (aggregates, matrix) = write_aggregate_tables(options, &self.aggregator, registry, self.targets)?;
        written.extend(aggregates);
        Ok((written, matrix))
    }
}

/// Corpus ids for the actors of an article dated `date`.
fn identify(registry: &mut Registry, date: Option<&str>, actors: &[ActorRecord]) -> Vec<String> {
    actors.iter().map(|actor| registry.identify(actor, date)).collect()
}

/// Writes `actors.csv`: one row per actor of the corpus, whether or not the stance stage ran.
pub fn write_actor_table(options: &RunOptions, registry: &Registry) -> anyhow::Result<PathBuf> {
    let mut actors = Table::create(&options.out, "actors.csv", ACTOR_COLUMNS, options.style())?;
    for row in registry.rows() {
        actors.row(row)?;
    }
    Ok(actors.finish()?)
}

/// Writes stances.csv and matrix.csv from the cells, the actors and the other targets of a run; says which
/// targets matrix.csv shows.
pub fn write_aggregate_tables(
    options: &RunOptions,
    aggregator: &Aggregator,
    registry: &Registry,
    mut targets: BTreeMap<String, TargetInfo>,
) -> anyhow::Result<(Vec<PathBuf>, MatrixColumns)> {
    for row in registry.rows() {
        targets.insert(row[0].clone(), TargetInfo { label: row[1].clone(), target_type: row[2].clone() });
    }
    let style = options.style();
    let tables = StanceTables {
        dir: &options.out,
        style,
        aggregator,
        registry,
        targets: &targets,
        min_evidence: options.min_evidence,
        matrix_top: options.matrix_top,
    };
    let stances = tables.write_stances()?;
    let (matrix, columns) = tables.write_matrix()?;
    Ok((vec![stances, matrix], columns))
}

/// Writes `tables.xlsx` from the tables just `written` in `dir`, and says so when a table goes on over several
/// sheets or a cell was cut.
pub fn write_workbook(dir: &Path, format: Format, written: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let tables = written.iter().filter_map(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned()).collect();
    let run = crate::output::finished::FinishedRun::new(dir, format, Some(tables));
    let summary = workbook::write(&run, &dir.join(workbook::WORKBOOK), workbook::SHEET_ROWS)?;
    for notice in summary.notices() {
        eprintln!("stancemap: {notice}");
    }
    Ok(summary.path)
}

/// The user's table at `path` read with `read`, its row problems added to `problems`; empty without a path.
pub fn user_table<T: Default>(
    path: &Option<PathBuf>,
    read: impl Fn(&Path) -> anyhow::Result<(T, Vec<String>)>,
    problems: &mut Vec<String>,
) -> anyhow::Result<T> {
    let Some(path) = path else { return Ok(T::default()) };
    let (table, found) = read(path)?;
    problems.extend(found);
    Ok(table)
}

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
    let mut gazetteer = Gazetteer::default();
    for path in &options.gazetteers {
        gazetteer.extend(Gazetteer::from_path(path)?);
    }
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
        let precision = model.encoder.precision_name();
        models
            .insert("entities".into(), serde_json::json!({ "path": dir, "card": model.card, "precision": precision }));
    }
    // An interrupted run in --out with the same options is finished rather than started again. What only the end
    // of a run reads (the matrix's columns, the workbook) may change in between, and a journal written before
    // those options existed still matches.
    let mut settings = serde_json::to_value(options)?;
    if let Some(object) = settings.as_object_mut() {
        for key in ["progress", "matrix_top", "workbook"] {
            object.remove(key);
        }
    }
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
        (Some(dir), Some(_)) => Some(StanceStage::open(options, dir, lengths, &mut table_problems)?),
        _ => None,
    };
    for problem in &table_problems {
        eprintln!("skipped: {problem}");
    }
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
        if let (Some(dir), Some(tagger)) = (&options.issue_model, &stage.issue_model) {
            let precision = tagger.encoder.precision_name();
            models.insert(
                "issues".into(),
                serde_json::json!({ "path": dir, "card": tagger.card, "precision": precision }),
            );
        }
    }
    let attribution_model = match &options.attribution_model {
        Some(dir) => {
            let model = load_tagger(dir, options.device.device()?, options.precision)?;
            let precision = model.encoder.precision_name();
            models.insert(
                "attribution".into(),
                serde_json::json!({ "path": dir, "card": model.card, "precision": precision }),
            );
            Some(model)
        }
        None => None,
    };
    let tables =
        Tables::open(&options.out, options.style(), entity_model.is_some(), attribution_model.is_some(), lengths)?;
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
    let timings = manifest::Timings::default();
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
    let mut stages = Stages {
        root: corpus.root().to_path_buf(),
        entity_model,
        attribution_model,
        speakers: options.speakers,
        gazetteer,
        registry,
        stance,
        tables,
        journal,
        counts,
        timings,
        batch_size: options.batch_size,
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

/// Articles read ahead of the models.
const READ_AHEAD: usize = 64;
/// Articles whose text windows and stance questions share model batches.
const CHUNK_ARTICLES: usize = 16;

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
    entity_model: Option<EntityModel>,
    /// The attribution tagger; None writes no quotes.csv.
    attribution_model: Option<EntityModel>,
    /// Whose attributions the holders read.
    speakers: Speakers,
    gazetteer: Gazetteer,
    /// Corpus-wide actor ids; None when no entities are found.
    registry: Option<Registry>,
    stance: Option<StanceStage>,
    tables: Tables,
    journal: Journal,
    counts: manifest::Counts,
    timings: manifest::Timings,
    batch_size: usize,
}

/// An article's pairs, their targets' corpus ids and names, and the encoded questions for the stance model.
struct Questions {
    pairs: Vec<Pair>,
    targets: Vec<(String, String)>,
    encoded: Vec<Vec<i64>>,
}

/// An article between its entities and its rows.
struct Pending {
    article: Article,
    segmentation: Segmentation,
    entry: ArticleEntry,
    found: Vec<Mention>,
    /// Where the issue tagger found issues.
    issue_spans: Vec<Span>,
    actors: Option<ArticleActors>,
    questions: Option<Questions>,
    /// The attributions the tagger found.
    attributions: Vec<FoundAttribution>,
}

impl Stages {
    /// Runs a chunk of articles through the models together, then writes each article's rows and its journal
    /// line, in corpus order.
    fn chunk(&mut self, chunk: Vec<(Article, usize, Segmentation)>) -> anyhow::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let mut pending: Vec<Pending> = chunk
            .into_iter()
            .map(|(article, position, segmentation)| Pending {
                entry: ArticleEntry {
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
                        mentions: 0,
                    },
                    actors: Vec::new(),
                    actor_ids: Vec::new(),
                    evidence: Vec::new(),
                },
                article,
                segmentation,
                found: Vec::new(),
                issue_spans: Vec::new(),
                actors: None,
                questions: None,
                attributions: Vec::new(),
            })
            .collect();
        if let Some(tagger) = &self.attribution_model {
            let clock = Instant::now();
            let texts: Vec<(&str, &Segmentation)> =
                pending.iter().map(|p| (p.article.text.as_str(), &p.segmentation)).collect();
            let found = find_attributions(tagger, &texts, self.batch_size).with_context(|| {
                let first = &pending[0].article;
                format!("the attribution tagger on the {} articles from {} ({})", pending.len(), first.id, first.origin)
            })?;
            for (p, found) in pending.iter_mut().zip(found) {
                p.attributions = found;
            }
            self.timings.attribution_s += clock.elapsed().as_secs_f64();
        }
        if let Some(model) = &self.entity_model {
            let clock = Instant::now();
            let units: Vec<Vec<Span>> =
                pending.iter().map(|p| p.segmentation.paragraphs.iter().map(|q| q.span).collect()).collect();
            let documents: Vec<Document> =
                pending.iter().zip(&units).map(|(p, units)| Document { text: &p.article.text, units }).collect();
            let entities = find_entities_in(model, &documents, self.batch_size).with_context(|| {
                let first = &pending[0].article;
                format!("the {} articles from {} ({})", pending.len(), first.id, first.origin)
            })?;
            self.timings.entities_s += clock.elapsed().as_secs_f64();
            let mut issue_spans: Vec<Vec<Span>> = vec![Vec::new(); pending.len()];
            if let Some(tagger) = self.stance.as_ref().and_then(|stage| stage.issue_model.as_ref()) {
                let clock = Instant::now();
                let issues = find_entities_in(tagger, &documents, self.batch_size).with_context(|| {
                    let first = &pending[0].article;
                    format!("the issue tagger on the {} articles from {} ({})", pending.len(), first.id, first.origin)
                })?;
                issue_spans = issues.iter().map(|issues| issues.iter().map(|issue| issue.span).collect()).collect();
                self.timings.issues_s += clock.elapsed().as_secs_f64();
            }
            let clock = Instant::now();
            for ((p, entities), issue_spans) in pending.iter_mut().zip(entities).zip(issue_spans) {
                p.found = mentions(&p.article.text, &p.segmentation, &entities, &self.gazetteer);
                p.entry.counts.mentions = p.found.len();
                p.issue_spans = issue_spans;
            }
            self.timings.entities_s += clock.elapsed().as_secs_f64();

            let clock = Instant::now();
            for p in &mut pending {
                let mut actors = resolve(&p.article.text, &p.segmentation, &p.found, &self.gazetteer);
                if self.attribution_model.is_some() {
                    let tagged = quotations(&p.segmentation, &p.attributions, &actors);
                    actors.quotes = combine(std::mem::take(&mut actors.quotes), tagged, self.speakers);
                }
                p.entry.actors = actors.actors.iter().map(ActorRecord::of).collect();
                if let Some(registry) = self.registry.as_mut() {
                    p.entry.actor_ids = identify(registry, p.article.date.as_deref(), &p.entry.actors);
                }
                if let Some(stage) = self.stance.as_mut() {
                    let questions =
                        stage.questions(&p.article, &p.segmentation, &actors, &p.entry.actor_ids, &p.issue_spans)?;
                    p.questions = Some(questions);
                }
                p.actors = Some(actors);
            }
            self.timings.actors_s += clock.elapsed().as_secs_f64();
        }
        let mut answers = Vec::new();
        if let Some(stage) = &self.stance {
            let clock = Instant::now();
            let questions: Vec<&Questions> = pending.iter().filter_map(|p| p.questions.as_ref()).collect();
            answers = stage.answer(&questions);
            self.timings.stance_s += clock.elapsed().as_secs_f64();
        }
        let mut answers = answers.into_iter();
        for mut p in pending {
            let clock = Instant::now();
            if let Some(actors) = &p.actors {
                self.tables.write_mentions(&p.article, &p.found, actors, &p.entry.actor_ids)?;
            }
            let quotes = quote_rows(&p.article.text, &p.segmentation, &p.attributions, p.actors.as_ref());
            self.tables.write_quotes(&p.article, &quotes, &p.entry.actor_ids)?;
            if let (Some(stage), Some(questions)) = (self.stance.as_mut(), &p.questions) {
                let predicted = answers.next().unwrap_or_default();
                p.entry.evidence =
                    stage.write_evidence(&p.article, &p.segmentation, &p.entry.actor_ids, questions, &predicted)?;
            }
            self.tables.write(&p.article, &p.segmentation)?;
            // The rows first, then the journal line that says they are there.
            self.tables.lengths(&mut p.entry.lengths)?;
            if let Some(stage) = self.stance.as_mut() {
                p.entry.lengths.insert(stage.evidence.partial_name(), stage.evidence.length()?);
            }
            self.journal.record(&p.entry)?;
            self.timings.write_s += clock.elapsed().as_secs_f64();
            self.counts.add(&p.entry.counts, p.entry.evidence.len());
        }
        Ok(())
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
