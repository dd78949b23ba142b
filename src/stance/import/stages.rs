//! The run's stages for one article, as the importers that learn from the run's own questions need them
//! (`cues`, `seesaw`): segmentation, the entity model, actors and quotation speakers, and the pair builder, with
//! the shipped gazetteer and issue phrases found after cues, as `stancemap run` does by default.

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

/// What the stages know of one article.
pub struct Annotated {
    pub segmentation: Segmentation,
    pub actors: ArticleActors,
    pub pairs: Vec<Pair>,
}

pub struct ArticleStages {
    model: EntityModel,
    gazetteer: Gazetteer,
}

impl ArticleStages {
    /// The entity model in `model_dir` and the gazetteer beside it (`gazetteer.tsv` in its parent folder).
    pub fn load(model_dir: &Path) -> anyhow::Result<ArticleStages> {
        let model = EntityModel::load(model_dir, Device::cuda_if_available())?;
        let models = model_dir.parent().unwrap_or(Path::new("."));
        let gazetteer = Gazetteer::from_path(&models.join("gazetteer.tsv"))?;
        Ok(ArticleStages { model, gazetteer })
    }

    pub fn annotate(&self, text: &str) -> anyhow::Result<Annotated> {
        let segmentation = segment(text);
        let units: Vec<Span> = segmentation.paragraphs.iter().map(|p| p.span).collect();
        let entities = find_entities(&self.model, text, &units, 32)?;
        let found = mentions(text, &segmentation, &entities, &self.gazetteer);
        let actors = resolve(text, &segmentation, &found, &self.gazetteer);
        let pairs = build(text, &segmentation, &actors, &Topics::default(), true, Holders::Every);
        Ok(Annotated { segmentation, actors, pairs })
    }
}
