//! The run's stages as the importers that learn from the run's own questions read an article with them (`cues`,
//! `seesaw`, `articles`): the run's [`Annotator`] with the shipped gazetteer, issue phrases found after cues and, where
//! it is installed, the issue tagger's issues, every actor as a holder, and the speaker rules (no attribution tagger:
//! the training questions are asked as the shipped stance models were trained).

use std::path::{Path, PathBuf};

use tch::Device;

use crate::attribution::holders::Speakers;
use crate::lexicon::gazetteer::Gazetteer;
use crate::lexicon::Lexicon;
use crate::model::Precision;
use crate::ner::model::EntityModel;
use crate::pairs::{Candidates, Holders};
use crate::run::annotate::load_issue_tagger;
use crate::run::Annotator;
use crate::targets::Topics;

/// The shipped fast entity model, which the importers read articles with by default.
pub fn entity_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-fast")
}

/// The shipped issue tagger, which the importers propose issues with where it is installed.
pub fn issue_model() -> Option<PathBuf> {
    Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/issues-fast")).filter(|dir| dir.join("card.json").is_file())
}

/// The entity model in `model_dir`, the gazetteer beside it (`gazetteer.tsv` in its parent folder) and the issue
/// tagger in `issue_model_dir`, if given, on a GPU when there is one.
pub fn annotator(model_dir: &Path, issue_model_dir: Option<&Path>) -> anyhow::Result<Annotator> {
    let device = Device::cuda_if_available();
    let issues = match issue_model_dir {
        Some(dir) => Some(load_issue_tagger(dir, device, Precision::Fp32)?),
        None => None,
    };
    let models = model_dir.parent().unwrap_or(Path::new("."));
    Ok(Annotator {
        entities: Some(EntityModel::load(model_dir, device)?),
        issues,
        attribution: None,
        speakers: Speakers::Rules,
        lexicon: Lexicon::with_gazetteer(Gazetteer::from_path(&models.join("gazetteer.tsv"))?),
        candidates: Some(Candidates { topics: Topics::default(), auto_targets: true, holders: Holders::Every }),
        batch_size: 32,
    })
}

/// The names an actor of an article goes by, as gold rows are matched against them
/// ([`crate::article_score::holder_matches`], [`crate::article_score::target_matches`]): its name and each way
/// the article names it.
pub fn actor_names(text: &str, actors: &crate::actors::ArticleActors, index: usize) -> Vec<String> {
    let actor = &actors.actors[index];
    let mut names = vec![actor.name.clone()];
    for mention in actor.mentions_of(crate::actors::MentionKind::Name) {
        let surface = mention.span.slice(text).to_string();
        if !names.contains(&surface) {
            names.push(surface);
        }
    }
    names
}
