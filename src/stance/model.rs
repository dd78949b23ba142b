//! The stance classifier: a base encoder reading the marked passage and the question (see [`super::input`]),
//! and on its first token the standard sequence-classification head (dense, tanh, linear over favor, against,
//! neutral), so that an export is an ordinary `*ForSequenceClassification` model. The logits are divided by a
//! temperature fitted on dev, which makes the probabilities calibrated.
//!
//! Stored as a delta over the base (see [`crate::model::delta`]).

use std::path::Path;

use tch::{nn, nn::Module, Device, Kind, Tensor};

use crate::model::card::{ModelCard, Pooling, CARD_FILE, DELTA_FILE};
use crate::model::delta::{self, Adaptation};
use crate::model::{load_encoder_for, BaseEncoder, LoadedEncoder, ModelError, Purpose, TokenBatch};

use crate::vocab::StanceLabel;

/// The label order of every stance model: the order of `p_favor, p_against, p_neutral` in the outputs.
pub const LABELS: [StanceLabel; 3] = [StanceLabel::Favor, StanceLabel::Against, StanceLabel::Neutral];

pub struct StanceModel {
    pub base: BaseEncoder,
    pub encoder: LoadedEncoder,
    /// The head: `dense.{weight,bias}`, `out.{weight,bias}` (and the adapters under `lora`).
    pub head_vars: nn::VarStore,
    dense: nn::Linear,
    out: nn::Linear,
    pub adaptation: Adaptation,
    pub pooling: Pooling,
    /// Logits are divided by it before the softmax (1 until calibrated).
    pub temperature: f64,
    /// The card it was loaded with (None while training).
    pub card: Option<ModelCard>,
    dropout: f64,
}

impl StanceModel {
    /// A new, untrained model on `base` (from `base_dir`). The dense layer starts from the base's pooler (the
    /// same shape and place), the output layer small random.
    pub fn new(
        base: BaseEncoder,
        base_dir: &Path,
        adaptation: Adaptation,
        pooling: Pooling,
        device: Device,
        purpose: Purpose,
    ) -> Result<StanceModel, ModelError> {
        let mut encoder = load_encoder_for(base_dir, device, purpose)?;
        let hidden = encoder.encoder.hidden_size();
        let head_vars = nn::VarStore::new(device);
        let root = head_vars.root();
        let dense = nn::linear(&root / "dense", hidden, hidden, Default::default());
        let out = nn::linear(&root / "out", hidden, LABELS.len() as i64, Default::default());
        if purpose == Purpose::Training {
            adaptation.prepare(&mut encoder, &root);
            copy_pooler(&encoder.dir.join("model.safetensors"), &dense)?;
        }
        Ok(StanceModel {
            base,
            encoder,
            head_vars,
            dense,
            out,
            adaptation,
            pooling,
            temperature: 1.0,
            card: None,
            dropout: 0.1,
        })
    }

    /// Uncalibrated label logits `[batch, 3]`.
    pub fn logits(&self, batch: &TokenBatch, train: bool) -> Tensor {
        let hidden = self.encoder.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, train);
        // The head runs in fp32 whatever the encoder's precision.
        let hidden = hidden.to_kind(Kind::Float);
        let read = match self.pooling {
            Pooling::First => hidden.select(1, 0),
            Pooling::Mean => {
                let mask = batch.attention_mask.unsqueeze(-1).to_kind(hidden.kind());
                (hidden * &mask).sum_dim_intlist(1, false, None) / mask.sum_dim_intlist(1, false, None).clamp_min(1.0)
            }
        };
        let pooled = self.dense.forward(&read.dropout(self.dropout, train)).tanh().dropout(self.dropout, train);
        self.out.forward(&pooled)
    }

    /// Writes the delta over the base to `path` (safetensors).
    pub fn save_delta(&self, path: &Path) -> Result<(), ModelError> {
        delta::save_delta(&self.encoder, &self.head_vars, self.adaptation, path)
    }

    /// Loads a trained model folder (`card.json` + `model.safetensors`) onto its base encoder, ready for
    /// inference, with the card's temperature.
    pub fn load(dir: &Path, device: Device) -> anyhow::Result<StanceModel> {
        let card = ModelCard::read(&dir.join(CARD_FILE))?;
        let stance = card.stance(dir)?;
        let names: Vec<&str> = LABELS.iter().map(|l| l.as_str()).collect();
        if card.labels.iter().map(String::as_str).ne(names.iter().copied()) {
            anyhow::bail!("{}: labels {:?}, expected {names:?}", dir.display(), card.labels);
        }
        let base = card.base_encoder()?;
        // Built unfused and without adapters: the delta (adapters included) is merged into the weights, and only
        // then are they frozen and fused.
        let pooling = stance.pooling.unwrap_or_default();
        let mut model =
            StanceModel::new(base, &base.default_dir(), Adaptation::Full, pooling, device, Purpose::Training)?;
        model.adaptation = card.adaptation.unwrap_or(Adaptation::Full);
        delta::load_delta(&mut model.encoder, &mut model.head_vars, model.adaptation, &dir.join(DELTA_FILE))
            .map_err(anyhow::Error::from)?;
        model.temperature =
            stance.calibration.as_ref().and_then(|c| c["temperature"].as_f64()).filter(|t| *t > 0.0).unwrap_or(1.0);
        model.card = Some(card);
        model.encoder.prepare_for_inference();
        model.head_vars.freeze();
        Ok(model)
    }
}

/// Starts `dense` from the base checkpoint's `pooler.dense` when it has one (both shipped bases do).
fn copy_pooler(weights: &Path, dense: &nn::Linear) -> Result<(), ModelError> {
    let tensors =
        Tensor::read_safetensors(weights).map_err(|source| ModelError::Weights { path: weights.into(), source })?;
    let _guard = tch::no_grad_guard();
    for (name, value) in tensors {
        let target = match name.as_str() {
            "pooler.dense.weight" => &dense.ws,
            "pooler.dense.bias" => match &dense.bs {
                Some(bias) => bias,
                None => continue,
            },
            _ => continue,
        };
        if target.size() == value.size() {
            let mut target = target.shallow_clone();
            target.copy_(&value.to_device(target.device()));
        }
    }
    Ok(())
}
