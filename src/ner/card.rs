//! `card.json`: what a shipped model is. Its base encoder and that base's sha256 (so a delta is never applied
//! to other weights), the label list (checked at load time), the training data and the exact command, the dev
//! scores, and the date.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::BaseEncoder;
use crate::train::ner::NerTrainOptions;

use super::model::{Adaptation, EntityModel};
use super::scorer::Scores;

pub const CARD_FILE: &str = "card.json";
pub const DELTA_FILE: &str = "model.safetensors";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelCard {
    pub task: String,
    pub base: BaseCard,
    pub labels: Vec<String>,
    /// How the encoder was adapted (absent in cards of full fine-tunes written before adapters existed).
    #[serde(default)]
    pub adaptation: Option<Adaptation>,
    pub stored_as: String,
    pub training: TrainingCard,
    pub dev: serde_json::Value,
    pub date: String,
    pub stancemap_version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaseCard {
    pub name: String,
    pub folder: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingCard {
    pub data: Vec<String>,
    pub dev: String,
    pub command: String,
    pub options: serde_json::Value,
}

impl ModelCard {
    pub fn for_training(options: &NerTrainOptions, model: &EntityModel, dev: &Scores) -> ModelCard {
        ModelCard {
            task: "ner".into(),
            base: BaseCard {
                name: model.base.name().into(),
                folder: model.base.folder().into(),
                sha256: model.base.weights_sha256().into(),
            },
            labels: model.labels.clone(),
            adaptation: Some(model.adaptation),
            stored_as: match model.adaptation {
                Adaptation::Full => "shape embedding and classifier in fp32; every encoder weight except the word \
                                     embeddings as an fp16 difference from the base (prefix `delta.`)"
                    .into(),
                Adaptation::Lora { .. } => "shape embedding, classifier and low-rank adapters (prefix `lora.`, \
                                            merged as W + alpha/rank * B A) in fp32; layer norms as fp16 \
                                            differences from the base (prefix `delta.`)"
                    .into(),
            },
            training: TrainingCard {
                data: options
                    .train
                    .iter()
                    .map(|s| match &s.label_map {
                        Some(map) => format!("{} ({map})", s.path.display()),
                        None => s.path.display().to_string(),
                    })
                    .collect(),
                dev: options.dev.display().to_string(),
                command: options.command.clone(),
                options: serde_json::to_value(options).unwrap_or_default(),
            },
            dev: serde_json::to_value(dev).unwrap_or_default(),
            date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            stancemap_version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    pub fn read(path: &Path) -> anyhow::Result<ModelCard> {
        let text =
            std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: not a model card: {e}", path.display()))
    }

    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        crate::output::write_json(path, self)?;
        Ok(())
    }

    /// The base encoder this card names, checked against the one installed.
    pub fn base_encoder(&self) -> anyhow::Result<BaseEncoder> {
        let base = BaseEncoder::from_name(&self.base.name)
            .ok_or_else(|| anyhow::anyhow!("the card names an unknown base encoder '{}'", self.base.name))?;
        if base.weights_sha256() != self.base.sha256 {
            anyhow::bail!(
                "the model was trained on {} with sha256 {}, but this stancemap expects {}",
                self.base.folder,
                self.base.sha256,
                base.weights_sha256()
            );
        }
        Ok(base)
    }
}
