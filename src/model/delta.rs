//! A task model is stored as a delta over its base encoder: the task head in full, and for every encoder
//! weight that training changed the difference from the publisher's weight in fp16 (prefix `delta.`), plus
//! low-rank adapters (prefix `lora.`) when the encoder was adapted rather than fine-tuned. Loading adds the
//! differences back onto the sha256-checked base and folds the adapters into their projections.

use std::collections::HashMap;
use std::path::Path;

use tch::{nn, Device, Kind, Tensor};

use super::{LoadedEncoder, ModelError};

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

/// Adapters of rank r are scaled by alpha = this x r.
pub const LORA_ALPHA_PER_RANK: f64 = 2.0;

impl Adaptation {
    /// `0` means full fine-tuning; a rank gets adapters with alpha = [`LORA_ALPHA_PER_RANK`] x rank.
    pub fn from_rank(rank: i64) -> Adaptation {
        match rank {
            0 => Adaptation::Full,
            rank => Adaptation::Lora { rank, alpha: LORA_ALPHA_PER_RANK * rank as f64 },
        }
    }

    /// Whether an encoder weight is trained under this adaptation.
    pub fn trains(self, name: &str) -> bool {
        match self {
            Adaptation::Full => !FROZEN.contains(&name),
            Adaptation::Lora { .. } => name.contains("LayerNorm") || name.contains("relative_attention_bias"),
        }
    }

    /// What the delta file holds, for the model card.
    pub fn stored_as(self) -> &'static str {
        match self {
            Adaptation::Full => {
                "head in fp32; every encoder weight except the word embeddings as an fp16 difference from the base \
                 (prefix `delta.`)"
            }
            Adaptation::Lora { .. } => {
                "head and low-rank adapters (prefix `lora.`, merged as W + alpha/rank * B A) in fp32; layer norms as \
                 fp16 differences from the base (prefix `delta.`)"
            }
        }
    }

    /// Freezes what this adaptation leaves alone and, for LoRA, adds the adapters (under `head/lora`).
    pub fn prepare(self, encoder: &mut LoadedEncoder, head: &nn::Path) {
        for (name, tensor) in encoder.vars.variables() {
            if !self.trains(&name) {
                let _ = tensor.set_requires_grad(false);
            }
        }
        if let Adaptation::Lora { rank, alpha } = self {
            encoder.encoder.add_lora(&(head / "lora"), rank, alpha);
        }
    }
}

/// Every weight that differs from the base: the head in full, the encoder as fp16 differences.
pub fn delta_tensors(
    encoder: &LoadedEncoder,
    head: &nn::VarStore,
    adaptation: Adaptation,
    base_weights: &HashMap<String, Tensor>,
) -> Result<Vec<(String, Tensor)>, ModelError> {
    let _guard = tch::no_grad_guard();
    let mut out: Vec<(String, Tensor)> =
        head.variables().into_iter().map(|(name, t)| (name, t.to_device(Device::Cpu))).collect();
    for (name, tensor) in encoder.vars.variables() {
        if !adaptation.trains(&name) {
            continue;
        }
        let Some(base) = base_weights.get(&name) else {
            return Err(ModelError::Config {
                path: encoder.dir.join("model.safetensors"),
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
pub fn save_delta(
    encoder: &LoadedEncoder,
    head: &nn::VarStore,
    adaptation: Adaptation,
    path: &Path,
) -> Result<(), ModelError> {
    let base_path = encoder.dir.join("model.safetensors");
    let base: HashMap<String, Tensor> = Tensor::read_safetensors(&base_path)
        .map_err(|source| ModelError::Weights { path: base_path.clone(), source })?
        .into_iter()
        .collect();
    let tensors = delta_tensors(encoder, head, adaptation, &base)?;
    Tensor::write_safetensors(&tensors, path).map_err(|source| ModelError::Weights { path: path.into(), source })
}

/// Applies a delta written by [`save_delta`] onto a freshly loaded base (unfused, without adapters) and head.
pub fn load_delta(
    encoder: &mut LoadedEncoder,
    head: &mut nn::VarStore,
    adaptation: Adaptation,
    path: &Path,
) -> Result<(), ModelError> {
    let failed = |message: String| ModelError::Config { path: path.to_path_buf(), message };
    let tensors = Tensor::read_safetensors(path).map_err(|source| ModelError::Weights { path: path.into(), source })?;
    let _guard = tch::no_grad_guard();
    let mut head = head.variables();
    let mut weights = encoder.vars.variables();
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
            let Some(target) = weights.get_mut(encoder_name) else {
                return Err(failed(format!("the delta names {encoder_name}, which the base encoder lacks")));
            };
            if target.size() != value.size() {
                return Err(failed(format!("{encoder_name}: shape {:?}, base has {:?}", value.size(), target.size())));
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
    let scale = match adaptation {
        Adaptation::Lora { rank, alpha } => alpha / rank as f64,
        Adaptation::Full if adapters.is_empty() => 1.0,
        Adaptation::Full => return Err(failed("adapters in a model whose card says full fine-tuning".into())),
    };
    for (projection, parts) in adapters {
        let (Some(a), Some(b)) = parts else {
            return Err(failed(format!("adapter {projection} lacks its a or b matrix")));
        };
        let weight_name = format!("{projection}.weight");
        let Some(weight) = weights.get_mut(&weight_name) else {
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
