//! One article with everything the stages know of it ([`ArticleDoc`]), and the one way to make it
//! ([`Annotator::annotate`]): segmentation (done by the reader), the attribution tagger, the entity model and the
//! issue tagger, the mentions, the actors and who speaks each quotation, and the (holder, target) candidates the
//! stance model is asked about. `stancemap run`, the importers that learn from the run's own questions and the
//! attribution rules' evaluation all read articles through it, so they see the same document.
//!
//! What only a corpus knows is added to the document by the run: the actors' corpus ids, then the evidence.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use tch::Device;

use super::journal::EvidenceRecord;
use super::manifest::Timings;
use crate::actors::{resolve, ArticleActors};
use crate::attribution::find::{find_attributions, FoundAttribution};
use crate::attribution::holders::{combine, quotations, Speakers};
use crate::corpus::Article;
use crate::lexicon::Lexicon;
use crate::model::Precision;
use crate::ner::labels::LabelSet;
use crate::ner::mentions::{mentions, Mention};
use crate::ner::model::EntityModel;
use crate::ner::tagger::{find_entities_in, Document};
use crate::pairs::{Candidates, Pair};
use crate::span::Span;
use crate::text::Segmentation;

/// An article and what the stages found in it.
pub struct ArticleDoc {
    pub article: Article,
    pub segmentation: Segmentation,
    /// The attributions the tagger found (none without one).
    pub attributions: Vec<FoundAttribution>,
    /// The entity mentions, in text order (none without an entity model).
    pub mentions: Vec<Mention>,
    /// Where the issue tagger found issues.
    pub issue_spans: Vec<Span>,
    /// The actors and the quotations with their speakers; None without an entity model.
    pub actors: Option<ArticleActors>,
    /// The (holder, target) questions for the stance model; none without [`Candidates`].
    pub pairs: Vec<Pair>,
    /// The corpus id of each of `actors`, in order, once the run has given them.
    pub actor_ids: Vec<String>,
    /// What the stance model said of each of `pairs`, once asked.
    pub evidence: Vec<EvidenceRecord>,
}

impl ArticleDoc {
    /// The actors, or an error for an annotator without an entity model.
    pub fn actors(&self) -> anyhow::Result<&ArticleActors> {
        self.actors.as_ref().with_context(|| format!("article {}: no entity model read it", self.article.id))
    }
}

/// The models and language data the stages read an article with.
pub struct Annotator {
    /// None: no mentions, actors or candidates.
    pub entities: Option<EntityModel>,
    /// Proposes issue targets (read only with an entity model).
    pub issues: Option<EntityModel>,
    /// The attribution tagger; None: the speaker rules alone say who speaks.
    pub attribution: Option<EntityModel>,
    /// Whose attributions decide who holds a quoted or reported sentence, with an attribution tagger.
    pub speakers: Speakers,
    /// The language data the rules read with, the gazetteer among them.
    pub lexicon: Lexicon,
    /// None: no pairs (the run has no stance stage).
    pub candidates: Option<Candidates>,
    /// Windows per model batch.
    pub batch_size: usize,
}

impl Annotator {
    /// Reads a chunk of segmented articles, their windows sharing the models' batches.
    pub fn annotate(
        &self,
        articles: Vec<(Article, Segmentation)>,
        timings: &mut Timings,
    ) -> anyhow::Result<Vec<ArticleDoc>> {
        let mut docs: Vec<ArticleDoc> = articles
            .into_iter()
            .map(|(article, segmentation)| ArticleDoc {
                article,
                segmentation,
                attributions: Vec::new(),
                mentions: Vec::new(),
                issue_spans: Vec::new(),
                actors: None,
                pairs: Vec::new(),
                actor_ids: Vec::new(),
                evidence: Vec::new(),
            })
            .collect();
        let Some(first) = docs.first() else { return Ok(docs) };
        let chunk = format!("the {} articles from {} ({})", docs.len(), first.article.id, first.article.origin);
        if let Some(tagger) = &self.attribution {
            let clock = Instant::now();
            let texts: Vec<(&str, &Segmentation)> =
                docs.iter().map(|d| (d.article.text.as_str(), &d.segmentation)).collect();
            let found = find_attributions(tagger, &texts, self.batch_size)
                .with_context(|| format!("the attribution tagger on {chunk}"))?;
            for (doc, found) in docs.iter_mut().zip(found) {
                doc.attributions = found;
            }
            timings.attribution_s += clock.elapsed().as_secs_f64();
        }
        let Some(model) = &self.entities else { return Ok(docs) };
        let clock = Instant::now();
        let units: Vec<Vec<Span>> =
            docs.iter().map(|d| d.segmentation.paragraphs.iter().map(|q| q.span).collect()).collect();
        let documents: Vec<Document> =
            docs.iter().zip(&units).map(|(d, units)| Document { text: &d.article.text, units }).collect();
        let entities = find_entities_in(model, &documents, self.batch_size).with_context(|| chunk.clone())?;
        timings.entities_s += clock.elapsed().as_secs_f64();
        let mut issue_spans: Vec<Vec<Span>> = vec![Vec::new(); docs.len()];
        if let Some(tagger) = &self.issues {
            let clock = Instant::now();
            let issues = find_entities_in(tagger, &documents, self.batch_size)
                .with_context(|| format!("the issue tagger on {chunk}"))?;
            issue_spans = issues.iter().map(|issues| issues.iter().map(|issue| issue.span).collect()).collect();
            timings.issues_s += clock.elapsed().as_secs_f64();
        }
        let clock = Instant::now();
        for ((doc, entities), issue_spans) in docs.iter_mut().zip(entities).zip(issue_spans) {
            doc.mentions = mentions(&doc.article.text, &doc.segmentation, &entities, &self.lexicon.gazetteer);
            doc.issue_spans = issue_spans;
        }
        timings.entities_s += clock.elapsed().as_secs_f64();

        let clock = Instant::now();
        for doc in &mut docs {
            let text = &doc.article.text;
            let mut actors = resolve(text, &doc.segmentation, &doc.mentions, &self.lexicon);
            if self.attribution.is_some() {
                let tagged = quotations(&doc.segmentation, &doc.attributions, &actors);
                actors.quotes = combine(std::mem::take(&mut actors.quotes), tagged, self.speakers);
            }
            if let Some(candidates) = &self.candidates {
                let (segmentation, issues) = (&doc.segmentation, &doc.issue_spans);
                doc.pairs = crate::pairs::build(text, segmentation, &actors, candidates, issues, &self.lexicon);
            }
            doc.actors = Some(actors);
        }
        timings.actors_s += clock.elapsed().as_secs_f64();
        Ok(docs)
    }

    /// Reads one article, segmenting it first.
    pub fn annotate_article(&self, article: Article) -> anyhow::Result<ArticleDoc> {
        let segmentation = crate::text::segment(&article.text);
        let mut docs = self.annotate(vec![(article, segmentation)], &mut Timings::default())?;
        docs.pop().context("one article in, one document out")
    }

    /// Reads one bare text (see [`Article::of_text`]).
    pub fn annotate_text(&self, id: &str, text: &str) -> anyhow::Result<ArticleDoc> {
        self.annotate_article(Article::of_text(id, text))
    }
}

/// The issue tagger in `dir` (a span model over the ISSUE label), in `precision`.
pub fn load_issue_tagger(dir: &Path, device: Device, precision: Precision) -> anyhow::Result<EntityModel> {
    EntityModel::load_as(dir, "an issue tagger", &LabelSet::issues(), device, precision)
}
