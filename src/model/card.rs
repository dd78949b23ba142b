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
    pub task: String,
    pub base: BaseCard,
    pub labels: Vec<String>,
    /// How the encoder was adapted (absent in cards of full fine-tunes written before adapters existed).
    #[serde(default)]
    pub adaptation: Option<Adaptation>,
    pub stored_as: String,
    /// How the model's input is written (stance: the markers and the second segment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// What a sequence classifier's head reads (stance): `first` token or `mean` of all tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pooling: Option<crate::stance::model::Pooling>,
    /// Temperature scaling fitted on dev, with the calibration error before and after (stance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<serde_json::Value>,
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
    /// Whatever else the trainer recorded (scripts/gpu writes `reproduce` and `teacher`), kept as it is when
    /// stancemap rewrites the card (`calibrate stance`).
    #[serde(flatten)]
    pub more: serde_json::Map<String, serde_json::Value>,
}

impl ModelCard {
    /// A card for a model just trained on `base`, dated now.
    pub fn new(
        task: &str,
        base: BaseEncoder,
        labels: Vec<String>,
        adaptation: Adaptation,
        training: TrainingCard,
        dev: serde_json::Value,
    ) -> ModelCard {
        ModelCard {
            task: task.into(),
            base: BaseCard {
                name: base.name().into(),
                folder: base.folder().into(),
                sha256: base.weights_sha256().into(),
            },
            labels,
            adaptation: Some(adaptation),
            stored_as: adaptation.stored_as().into(),
            input: None,
            pooling: None,
            calibration: None,
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
