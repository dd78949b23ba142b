//! `card.json`: what a shipped model is. Its base encoder and that base's sha256 (so a delta is never applied
//! to other weights), the label list (checked at load time), the training data and the exact command, the dev
//! scores, and the date. Every task model (entities, stance) has one.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::delta::Adaptation;
use super::BaseEncoder;

pub const CARD_FILE: &str = "card.json";
pub const DELTA_FILE: &str = "model.safetensors";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelCard {
    /// What the model does, and what only that kind of model records (the JSON key `task` names it).
    #[serde(flatten)]
    pub task: Task,
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

/// The model's task, with what the card records for it alone. On disk its fields sit beside the card's others,
/// under `"task": "ner"` or `"task": "stance"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "lowercase")]
pub enum Task {
    /// A span tagger: entities, issues or attribution roles, as its label list says.
    Ner,
    /// A stance classifier.
    Stance(StanceCard),
}

impl Task {
    pub fn name(&self) -> &'static str {
        match self {
            Task::Ner => "ner",
            Task::Stance(_) => "stance",
        }
    }
}

/// What a stance classifier's card records beyond the common fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StanceCard {
    /// How the model's input is written: the markers and the second segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// What the head reads (absent in cards written before pooling could be chosen: the first token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pooling: Option<Pooling>,
    /// Temperature scaling fitted on dev, with the calibration error before and after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<serde_json::Value>,
}

/// What a sequence classifier's head reads from the encoder's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// The first token (`[CLS]`, `<s>`), as `*ForSequenceClassification` does: exportable as is.
    #[default]
    First,
    /// The mean over all tokens, as the sentence-transformers bases were trained to be read.
    Mean,
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
    /// Whatever else the trainer recorded (scripts/gpu writes `reproduce` and `teacher`), kept as it is when
    /// stancemap rewrites the card (`calibrate stance`).
    #[serde(flatten)]
    pub more: serde_json::Map<String, serde_json::Value>,
}

impl ModelCard {
    /// A card for a model just trained on `base`, dated now.
    pub fn new(
        task: Task,
        base: BaseEncoder,
        labels: Vec<String>,
        adaptation: Adaptation,
        training: TrainingCard,
        dev: serde_json::Value,
    ) -> ModelCard {
        ModelCard {
            task,
            base: BaseCard {
                name: base.name().into(),
                folder: base.folder().into(),
                sha256: base.weights_sha256().into(),
            },
            labels,
            adaptation: Some(adaptation),
            stored_as: adaptation.stored_as().into(),
            training,
            dev,
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

    /// The stance section, or an error naming `dir` when the card is another task's.
    pub fn stance(&self, dir: &Path) -> anyhow::Result<&StanceCard> {
        match &self.task {
            Task::Stance(stance) => Ok(stance),
            other => anyhow::bail!("{}: a {} model, not a stance model", dir.display(), other.name()),
        }
    }

    pub fn stance_mut(&mut self) -> Option<&mut StanceCard> {
        match &mut self.task {
            Task::Stance(stance) => Some(stance),
            Task::Ner => None,
        }
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
