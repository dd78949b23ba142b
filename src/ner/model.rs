//! The entity model: a base encoder, a learned word-shape embedding added to its input, and a linear head over
//! the BIO labels at each word's first sub-token.
//!
//! Stored as a delta over the base (see [`crate::model::delta`]): the shape embedding and the head in full, the
//! encoder's changes as fp16 differences or adapters.

use std::path::Path;

use tch::{nn, nn::Module, Device, Tensor};

use crate::model::card::{ModelCard, CARD_FILE, DELTA_FILE};
pub use crate::model::delta::Adaptation;
use crate::model::{delta, load_encoder_for, BaseEncoder, LoadedEncoder, ModelError, Purpose, TokenBatch};

use super::features::EntityInput;
use super::labels::LabelSet;
use super::shape::WordShape;

pub struct EntityModel {
    pub base: BaseEncoder,
    pub encoder: LoadedEncoder,
    /// The task's own weights: `shape_embedding.weight`, `classifier.weight`, `classifier.bias`.
    pub head_vars: nn::VarStore,
    shape_embedding: nn::Embedding,
    classifier: nn::Linear,
    pub labels: Vec<String>,
    /// The classes of `labels`: the entity model's or the issue tagger's.
    pub label_set: LabelSet,
    pub adaptation: Adaptation,
    /// The card it was loaded with (None while training).
    pub card: Option<ModelCard>,
    dropout: f64,
}

/// A padded batch for the entity model.
pub struct EntityBatch {
    pub tokens: TokenBatch,
    /// `[batch, seq]` int64 shape ids.
    pub shapes: Tensor,
}

impl EntityBatch {
    pub fn new(inputs: &[&EntityInput], pad_id: i64, device: Device) -> EntityBatch {
        let ids: Vec<&[i64]> = inputs.iter().map(|i| i.tokens.ids.as_slice()).collect();
        let tokens = TokenBatch::pad(&ids, pad_id, device);
        let shapes: Vec<&[i64]> = inputs.iter().map(|i| i.shapes.as_slice()).collect();
        let shapes = TokenBatch::pad(&shapes, WordShape::Special.id(), device).input_ids;
        EntityBatch { tokens, shapes }
    }
}

impl EntityModel {
    /// A new, untrained model on `base` (from `base_dir`) for the classes of `label_set`: shape embedding zero,
    /// head small random.
    pub fn new(
        base: BaseEncoder,
        base_dir: &Path,
        label_set: LabelSet,
        adaptation: Adaptation,
        device: Device,
        purpose: Purpose,
    ) -> Result<EntityModel, ModelError> {
        let labels = label_set.names();
        let mut encoder = load_encoder_for(base_dir, device, purpose)?;
        let hidden = encoder.encoder.hidden_size();
        let head_vars = nn::VarStore::new(device);
        let root = head_vars.root();
        let shape_embedding = nn::embedding(
            &root / "shape_embedding",
            WordShape::COUNT,
            hidden,
            nn::EmbeddingConfig { ws_init: nn::Init::Const(0.0), ..Default::default() },
        );
        let classifier = nn::linear(&root / "classifier", hidden, labels.len() as i64, Default::default());
        if purpose == Purpose::Training {
            adaptation.prepare(&mut encoder, &root);
        }
        Ok(EntityModel {
            base,
            encoder,
            head_vars,
            shape_embedding,
            classifier,
            labels,
            label_set,
            adaptation,
            card: None,
            dropout: 0.1,
        })
    }

    /// Label logits `[batch, seq, labels]` at every token.
    pub fn logits(&self, batch: &EntityBatch, train: bool) -> Tensor {
        let shapes = self.shape_embedding.forward(&batch.shapes);
        let hidden =
            self.encoder.encoder.forward_t(&batch.tokens.input_ids, &batch.tokens.attention_mask, Some(&shapes), train);
        // The head runs in fp32 whatever the encoder's precision.
        self.classifier.forward(&hidden.to_kind(tch::Kind::Float).dropout(self.dropout, train))
    }

    /// Writes the delta over the base to `path` (safetensors).
    pub fn save_delta(&self, path: &Path) -> Result<(), ModelError> {
        delta::save_delta(&self.encoder, &self.head_vars, self.adaptation, path)
    }

    /// Applies a delta written by [`EntityModel::save_delta`] onto this model (freshly built on the same base).
    pub fn load_delta(&mut self, path: &Path) -> Result<(), ModelError> {
        delta::load_delta(&mut self.encoder, &mut self.head_vars, self.adaptation, path)
    }
}

impl EntityModel {
    /// The span model in `dir` that must have `labels` (what it is called in errors: `what`, "the issue
    /// tagger"), on `device` in `precision`; an error naming the folder when it cannot be loaded or is another kind
    /// of span model.
    pub fn load_as(
        dir: &Path,
        what: &str,
        labels: &LabelSet,
        device: Device,
        precision: crate::model::Precision,
    ) -> anyhow::Result<EntityModel> {
        let mut model = EntityModel::load(dir, device)
            .map_err(|e| e.context(format!("cannot load {what} in {}", dir.display())))?;
        if model.label_set != *labels {
            anyhow::bail!("{}: not {what} (its labels are {:?})", dir.display(), model.labels);
        }
        model.encoder.use_precision(precision)?;
        Ok(model)
    }

    /// Loads a trained model folder (`card.json` + `model.safetensors`) onto its base encoder, ready for
    /// inference. The card's base must be the installed one (same sha256) and its labels the entity model's or
    /// the issue tagger's.
    pub fn load(dir: &Path, device: Device) -> anyhow::Result<EntityModel> {
        let card = ModelCard::read(&dir.join(CARD_FILE))?;
        let base = card.base_encoder()?;
        let label_set =
            LabelSet::of_names(&card.labels).map_err(|error| anyhow::anyhow!("{}: {error}", dir.display()))?;
        // Built unfused and without adapters: the delta (adapters included) is merged into the weights, and
        // only then are they frozen and fused.
        let mut model =
            EntityModel::new(base, &base.default_dir(), label_set, Adaptation::Full, device, Purpose::Training)?;
        model.adaptation = card.adaptation.unwrap_or(Adaptation::Full);
        model.card = Some(card);
        model.load_delta(&dir.join(DELTA_FILE))?;
        model.encoder.prepare_for_inference();
        model.head_vars.freeze();
        Ok(model)
    }
}
