//! The entity model: a base encoder, a learned word-shape embedding added to its input, and a linear head over
//! the BIO labels at each word's first sub-token.
//!
//! Stored as a delta over the base (`model.safetensors` in the model folder): the shape embedding and the head
//! in full, and for every encoder weight but the word embeddings (which training leaves frozen) the difference
//! from the publisher's weight in fp16. Loading adds the differences back onto the sha256-checked base.

use std::collections::HashMap;
use std::path::Path;

use tch::{nn, nn::Module, Device, Kind, Tensor};

use crate::model::{load_encoder_for, BaseEncoder, LoadedEncoder, ModelError, Purpose, TokenBatch};

use super::features::EntityInput;
use super::shape::WordShape;

/// The encoder weight that training leaves untouched (and the delta leaves out).
pub const FROZEN: &[&str] = &["embeddings.word_embeddings.weight"];
const DELTA_PREFIX: &str = "delta.";
const LORA_PREFIX: &str = "lora.";

/// How training changes the encoder, and so what the delta stores.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Adaptation {
    /// Every weight but the word embeddings is trained; the delta holds their fp16 differences (MiniLM: 21 MB).
    Full,
    /// The encoder's matrices stay frozen; low-rank adapters on every projection are trained with the layer
    /// norms (and MPNet's relative position bias), which the delta holds as fp16 differences. For MPNet, whose
    /// full delta (172 MB) would not fit a 25 MB model.
    Lora { rank: i64, alpha: f64 },
}

impl Adaptation {
    /// Whether an encoder weight is trained under this adaptation.
    fn trains(self, name: &str) -> bool {
        match self {
            Adaptation::Full => !FROZEN.contains(&name),
            Adaptation::Lora { .. } => name.contains("LayerNorm") || name.contains("relative_attention_bias"),
        }
    }
}

pub struct EntityModel {
    pub base: BaseEncoder,
    pub encoder: LoadedEncoder,
    /// The task's own weights: `shape_embedding.weight`, `classifier.weight`, `classifier.bias`.
    pub head_vars: nn::VarStore,
    shape_embedding: nn::Embedding,
    classifier: nn::Linear,
    pub labels: Vec<String>,
    pub adaptation: Adaptation,
    /// The card it was loaded with (None while training).
    pub card: Option<super::card::ModelCard>,
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
    /// A new, untrained model on `base` (from `base_dir`): shape embedding zero, head small random.
    pub fn new(
        base: BaseEncoder,
        base_dir: &Path,
        labels: Vec<String>,
        adaptation: Adaptation,
        device: Device,
        purpose: Purpose,
    ) -> Result<EntityModel, ModelError> {
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
            for (name, tensor) in encoder.vars.variables() {
                if !adaptation.trains(&name) {
                    let _ = tensor.set_requires_grad(false);
                }
            }
            if let Adaptation::Lora { rank, alpha } = adaptation {
                encoder.encoder.add_lora(&(&root / "lora"), rank, alpha);
            }
        }
        Ok(EntityModel {
            base,
            encoder,
            head_vars,
            shape_embedding,
            classifier,
            labels,
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
        self.classifier.forward(&hidden.dropout(self.dropout, train))
    }

    /// Every weight that differs from the base: the head in full, the encoder as fp16 differences.
    pub fn delta_tensors(&self, base_weights: &HashMap<String, Tensor>) -> Result<Vec<(String, Tensor)>, ModelError> {
        let _guard = tch::no_grad_guard();
        let mut out: Vec<(String, Tensor)> =
            self.head_vars.variables().into_iter().map(|(name, t)| (name, t.to_device(Device::Cpu))).collect();
        for (name, tensor) in self.encoder.vars.variables() {
            if !self.adaptation.trains(&name) {
                continue;
            }
            let Some(base) = base_weights.get(&name) else {
                return Err(ModelError::Config {
                    path: self.encoder.dir.join("model.safetensors"),
                    message: format!("the base has no tensor {name}"),
                });
            };
            let delta = (tensor.to_device(Device::Cpu) - base).to_kind(Kind::Half);
            out.push((format!("{DELTA_PREFIX}{name}"), delta));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Writes the delta to `path` (safetensors).
    pub fn save_delta(&self, path: &Path) -> Result<(), ModelError> {
        let base_path = self.encoder.dir.join("model.safetensors");
        let base: HashMap<String, Tensor> = Tensor::read_safetensors(&base_path)
            .map_err(|source| ModelError::Weights { path: base_path.clone(), source })?
            .into_iter()
            .collect();
        let tensors = self.delta_tensors(&base)?;
        Tensor::write_safetensors(&tensors, path).map_err(|source| ModelError::Weights { path: path.into(), source })
    }

    /// Applies a delta written by [`EntityModel::save_delta`] onto this model (freshly built on the same base).
    pub fn load_delta(&mut self, path: &Path) -> Result<(), ModelError> {
        let failed = |message: String| ModelError::Config { path: path.to_path_buf(), message };
        let tensors =
            Tensor::read_safetensors(path).map_err(|source| ModelError::Weights { path: path.into(), source })?;
        let _guard = tch::no_grad_guard();
        let mut head = self.head_vars.variables();
        let mut encoder = self.encoder.vars.variables();
        let mut seen_head = 0;
        let mut adapters: HashMap<String, (Option<Tensor>, Option<Tensor>)> = HashMap::new();
        for (name, value) in tensors {
            if let Some(adapter) = name.strip_prefix(LORA_PREFIX) {
                let (projection, part) = adapter.rsplit_once('.').unwrap_or((adapter, ""));
                let entry = adapters.entry(projection.to_string()).or_default();
                match part {
                    "a" => entry.0 = Some(value),
                    "b" => entry.1 = Some(value),
                    _ => return Err(failed(format!("unexpected adapter tensor {name}"))),
                }
            } else if let Some(encoder_name) = name.strip_prefix(DELTA_PREFIX) {
                let Some(target) = encoder.get_mut(encoder_name) else {
                    return Err(failed(format!("the delta names {encoder_name}, which the base encoder lacks")));
                };
                if target.size() != value.size() {
                    return Err(failed(format!(
                        "{encoder_name}: shape {:?}, base has {:?}",
                        value.size(),
                        target.size()
                    )));
                }
                let updated = &*target + value.to_kind(target.kind()).to_device(target.device());
                target.copy_(&updated);
            } else {
                let Some(target) = head.get_mut(&name) else {
                    return Err(failed(format!("unexpected tensor {name}")));
                };
                if target.size() != value.size() {
                    return Err(failed(format!(
                        "{name}: shape {:?}, this model has {:?} (a different label set or encoder?)",
                        value.size(),
                        target.size()
                    )));
                }
                target.copy_(&value.to_device(target.device()));
                seen_head += 1;
            }
        }
        if seen_head != head.len() {
            return Err(failed(format!("{} of the {} head tensors are missing", head.len() - seen_head, head.len())));
        }
        // Merge each adapter into its projection: W += scale * B A.
        let scale = match self.adaptation {
            Adaptation::Lora { rank, alpha } => alpha / rank as f64,
            Adaptation::Full if adapters.is_empty() => 1.0,
            Adaptation::Full => return Err(failed("adapters in a model whose card says full fine-tuning".into())),
        };
        for (projection, parts) in adapters {
            let (Some(a), Some(b)) = parts else {
                return Err(failed(format!("adapter {projection} lacks its a or b matrix")));
            };
            let weight_name = format!("{projection}.weight");
            let Some(weight) = encoder.get_mut(&weight_name) else {
                return Err(failed(format!("adapter for {projection}, which the base encoder lacks")));
            };
            let update = b.to_kind(Kind::Float).matmul(&a.to_kind(Kind::Float)) * scale;
            if update.size() != weight.size() {
                return Err(failed(format!("adapter for {projection} has shape {:?}", update.size())));
            }
            let merged = &*weight + update.to_device(weight.device());
            weight.copy_(&merged);
        }
        Ok(())
    }
}

impl EntityModel {
    /// Loads a trained model folder (`card.json` + `model.safetensors`) onto its base encoder, ready for
    /// inference. The card's base must be the installed one (same sha256) and its labels ours.
    pub fn load(dir: &Path, device: Device) -> anyhow::Result<EntityModel> {
        use super::card::{ModelCard, CARD_FILE, DELTA_FILE};
        let card = ModelCard::read(&dir.join(CARD_FILE))?;
        let base = card.base_encoder()?;
        if card.labels.iter().map(String::as_str).ne(super::evaluate::LABELS) {
            anyhow::bail!("{}: labels {:?} are not the entity labels this stancemap uses", dir.display(), card.labels);
        }
        // Built unfused and without adapters: the delta (adapters included) is merged into the weights, and
        // only then are they frozen and fused.
        let mut model = EntityModel::new(
            base,
            &base.default_dir(),
            card.labels.clone(),
            Adaptation::Full,
            device,
            Purpose::Training,
        )?;
        model.adaptation = card.adaptation.unwrap_or(Adaptation::Full);
        model.card = Some(card);
        model.load_delta(&dir.join(DELTA_FILE))?;
        model.encoder.prepare_for_inference();
        model.head_vars.freeze();
        Ok(model)
    }
}
