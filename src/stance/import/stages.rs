//! The run's stages for one article, as the importers that learn from the run's own questions need them
//! (`cues`, `seesaw`): segmentation, the entity model, actors and quotation speakers, and the pair builder, with
//! the shipped gazetteer, issue phrases found after cues and, where it is installed, the issue tagger's issues,
//! as `stancemap run` does by default.

use std::path::Path;

use tch::Device;

use crate::actors::{resolve, ArticleActors};
use crate::ner::gazetteer::Gazetteer;
use crate::ner::mentions::mentions;
use crate::ner::model::EntityModel;
use crate::ner::tagger::find_entities;
use crate::pairs::{build, Holders, Pair};
use crate::span::Span;
use crate::targets::Topics;
use crate::text::{segment, Segmentation};

/// The shipped fast entity model, which the importers read articles with by default.
pub fn entity_model() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-fast")
}

/// The shipped issue tagger, which the importers propose issues with where it is installed.
pub fn issue_model() -> Option<std::path::PathBuf> {
    Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/issues-fast")).filter(|dir| dir.join("card.json").is_file())
}

/// What the stages know of one article.
pub struct Annotated {
    pub segmentation: Segmentation,
    pub actors: ArticleActors,
    pub pairs: Vec<Pair>,
}

pub struct ArticleStages {
    model: EntityModel,
    issue_model: Option<EntityModel>,
    gazetteer: Gazetteer,
}

impl ArticleStages {
    /// The entity model in `model_dir`, the gazetteer beside it (`gazetteer.tsv` in its parent folder) and the
    /// issue tagger in `issue_model_dir`, if given.
    pub fn load(model_dir: &Path, issue_model_dir: Option<&Path>) -> anyhow::Result<ArticleStages> {
        let model = EntityModel::load(model_dir, Device::cuda_if_available())?;
        let issue_model = match issue_model_dir {
            Some(dir) => Some(EntityModel::load(dir, Device::cuda_if_available())?),
            None => None,
        };
        let models = model_dir.parent().unwrap_or(Path::new("."));
        let gazetteer = Gazetteer::from_path(&models.join("gazetteer.tsv"))?;
        Ok(ArticleStages { model, issue_model, gazetteer })
    }

    pub fn annotate(&self, text: &str) -> anyhow::Result<Annotated> {
        let segmentation = segment(text);
        let units: Vec<Span> = segmentation.paragraphs.iter().map(|p| p.span).collect();
        let entities = find_entities(&self.model, text, &units, 32)?;
        let found = mentions(text, &segmentation, &entities, &self.gazetteer);
        let actors = resolve(text, &segmentation, &found, &self.gazetteer);
        let issue_spans: Vec<Span> = match &self.issue_model {
            Some(tagger) => find_entities(tagger, text, &units, 32)?.iter().map(|issue| issue.span).collect(),
            None => Vec::new(),
        };
        let pairs = build(text, &segmentation, &actors, &Topics::default(), true, Holders::Every, &issue_spans);
        Ok(Annotated { segmentation, actors, pairs })
    }
}
