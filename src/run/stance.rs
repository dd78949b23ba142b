//! The run's stance stage: each candidate pair of an article gets its target's corpus id and is put to the stance
//! model; the answers are written as evidence.csv rows and gathered, over the corpus, into the aggregate cells
//! and the list of targets that stances.csv and matrix.csv are written from at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::annotate::ArticleDoc;
use super::journal::{ArticleEntry, EvidenceRecord};
use super::options::RunOptions;
use super::stances::{MatrixColumns, TargetInfo};
use super::tables::{open_table, write_aggregate_tables};
use crate::actors::registry::Registry;
use crate::aggregate::{Aggregator, Evidence};
use crate::corpus::date::iso_day;
use crate::lexicon::Lexicon;
use crate::output::schema::EVIDENCE_COLUMNS;
use crate::output::Table;
use crate::pairs::{Holders, Pair, Question, Target};
use crate::span::CharIndex;
use crate::stance::evaluate::{label_of, logits_of_ids, probabilities, Probabilities};
use crate::stance::model::StanceModel;
use crate::targets::{IssueMerger, Topics};

/// The stance stage, and what it gathers over the corpus: the targets seen and the aggregate cells; evidence
/// rows are written as each article is done.
pub struct StanceStage {
    pub model: StanceModel,
    /// Who holds the stances of a sentence (the run's option, or what the model was trained on).
    pub holders: Holders,
    aggregator: Aggregator,
    /// Targets other than actors, by id.
    targets: BTreeMap<String, TargetInfo>,
    /// Issue ids across the corpus.
    issues: IssueMerger,
    pub evidence: Table,
    batch_size: usize,
}

/// An article's questions for the stance model: each pair's target as (corpus id, the name the model is told),
/// and the encoded input.
pub struct Questions {
    targets: Vec<(String, String)>,
    encoded: Vec<Vec<i64>>,
}

impl StanceStage {
    pub fn open(
        options: &RunOptions,
        model_dir: &Path,
        lexicon: &Lexicon,
        lengths: Option<&BTreeMap<String, u64>>,
    ) -> anyhow::Result<StanceStage> {
        let device = options.device.device()?;
        let mut model = StanceModel::load(model_dir, device)
            .with_context(|| format!("cannot load the stance model in {}", model_dir.display()))?;
        model.encoder.use_precision(options.precision)?;
        let holders = options.holders.unwrap_or_else(|| Holders::trained_for(model.card.as_ref()));
        Ok(StanceStage {
            model,
            holders,
            aggregator: Aggregator::new(options.period, options.min_confidence),
            targets: BTreeMap::new(),
            issues: match options.auto_targets {
                true => IssueMerger::new(device, lexicon),
                false => IssueMerger::by_key(lexicon),
            },
            evidence: open_table(&options.out, "evidence.csv", EVIDENCE_COLUMNS, options.style(), lengths)?,
            batch_size: options.batch_size,
        })
    }

    /// What a finished article of an interrupted run added to the targets and the cells.
    pub fn replay(&mut self, entry: &ArticleEntry) -> anyhow::Result<()> {
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

    /// The document's pairs as questions: their targets' corpus ids and names, and the encoded input, recording
    /// the topics and issues seen. The document's actors have their corpus ids.
    pub fn questions(&mut self, doc: &ArticleDoc, topics: &Topics) -> anyhow::Result<Questions> {
        let (article, actors) = (&doc.article, doc.actors()?);
        let targets: Vec<(String, String)> =
            doc.pairs.iter().map(|pair| self.target_of(pair, doc, topics)).collect::<anyhow::Result<_>>()?;
        let mut encoded = Vec::with_capacity(doc.pairs.len());
        for (pair, (_, name)) in doc.pairs.iter().zip(&targets) {
            let query = Question::of(&article.text, &doc.segmentation, actors, pair, name);
            encoded.push(
                query
                    .as_stance_query()
                    .encode(&self.model.encoder.tokenizer)
                    .with_context(|| format!("article {} ({})", article.id, article.origin))?,
            );
        }
        Ok(Questions { targets, encoded })
    }

    /// Calibrated probabilities for the questions of several articles, in shared length-sorted batches.
    pub fn answer(&self, questions: &[&Questions]) -> Vec<Vec<Probabilities>> {
        let all: Vec<&[i64]> = questions.iter().flat_map(|q| q.encoded.iter().map(Vec::as_slice)).collect();
        let logits = logits_of_ids(&self.model, &all, self.batch_size);
        let mut logits = logits.iter().map(|l| probabilities(l, self.model.temperature));
        questions.iter().map(|q| logits.by_ref().take(q.encoded.len()).collect()).collect()
    }

    /// Writes an article's evidence and adds it to the cells; returns the evidence.
    pub fn write_evidence(
        &mut self,
        doc: &ArticleDoc,
        questions: &Questions,
        predicted: &[Probabilities],
    ) -> anyhow::Result<Vec<EvidenceRecord>> {
        let (article, segmentation) = (&doc.article, &doc.segmentation);
        let text = &article.text;
        let mut records = Vec::with_capacity(doc.pairs.len());
        let mut chars = CharIndex::new(text);
        let answered = doc.pairs.iter().zip(&questions.targets).zip(predicted);
        for (index, ((pair, (target_id, _)), probabilities)) in answered.enumerate() {
            let evidence_id = format!("{}-e{index}", article.id);
            let label = label_of(probabilities);
            // As written to the table, so that a resumed run's cells (replayed from the journal) are the same.
            let probabilities = probabilities.map(|p| (p * 10_000.0).round() / 10_000.0);
            let sentence = segmentation.sentences[pair.sentence_index].span;
            let (start, end) = (chars.to_chars(pair.target_span.start), chars.to_chars(pair.target_span.end));
            let actor_id = doc.actor_ids[pair.holder].as_str();
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
    fn target_of(&mut self, pair: &Pair, doc: &ArticleDoc, topics: &Topics) -> anyhow::Result<(String, String)> {
        Ok(match &pair.target {
            Target::Actor(index) => (doc.actor_ids[*index].clone(), doc.actors()?.actors[*index].name.clone()),
            Target::Topic(index) => {
                let topic = &topics.topics[*index];
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
    pub fn finish(self, options: &RunOptions, registry: &Registry) -> anyhow::Result<(Vec<PathBuf>, MatrixColumns)> {
        let mut written = vec![self.evidence.finish()?];
        let (aggregates, matrix) = write_aggregate_tables(options, &self.aggregator, registry, self.targets)?;
        written.extend(aggregates);
        Ok((written, matrix))
    }
}
