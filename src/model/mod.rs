//! The base encoders: all-MiniLM-L6-v2 (BERT) and all-mpnet-base-v2 (MPNet), loaded from the publishers' files.
//!
//! Both run on fused kernels (`gelu`, `scaled_dot_product_attention`, one matrix product for query, key and
//! value), which is what makes them as fast as Python on the same libtorch. The model code knows nothing of
//! articles: it takes padded batches of token ids and returns hidden states.

pub mod amx;
mod bert;
pub mod card;
pub mod delta;
mod error;
pub mod export;
pub mod int8;
mod layers;
mod mpnet;
pub mod safetensors;
pub mod threads;
mod tokenize;

pub use bert::{Bert, BertConfig};
pub use error::ModelError;
pub use mpnet::{Mpnet, MpnetConfig};
pub use tokenize::{inference_batches, EncoderTokenizer, TokenBatch, TokenizedText, BATCH_TOKENS};

use std::path::{Path, PathBuf};

use tch::{nn, Device, Kind, Tensor};

/// A transformer encoder over padded batches of token ids.
pub trait Encoder: Send {
    /// Hidden states `[batch, seq, hidden]` for `input_ids` and `attention_mask` (both `[batch, seq]`, int64,
    /// mask 1 for real tokens). `extra_embeddings` (`[batch, seq, hidden]`), when given, is added to the word
    /// embeddings before anything else (task models put learned features there, such as word shape). `train`
    /// switches dropout on.
    fn forward_t(
        &self,
        input_ids: &Tensor,
        attention_mask: &Tensor,
        extra_embeddings: Option<&Tensor>,
        train: bool,
    ) -> Tensor;

    fn hidden_size(&self) -> i64;

    /// The longest input, special tokens included, the position embeddings allow.
    fn max_tokens(&self) -> usize;

    /// Adds trainable low-rank adapters to every projection of every layer, their tensors named
    /// `<p>.<projection checkpoint name>.{a,b}`.
    fn add_lora(&mut self, p: &nn::Path, rank: i64, alpha: f64);

    /// Precomputes fused weights (query, key and value in one matrix) from the current, loaded weights. Call it
    /// once the weights will no longer change; training leaves it off.
    fn fuse_for_inference(&mut self);

    /// Runs the layers' linear projections on int8 weights for `kernel` from now on (after
    /// [`Encoder::fuse_for_inference`]; CPU only).
    fn quantize_for_inference(&mut self, kernel: int8::Kernel);
}

/// The two base encoders this project builds on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaseEncoder {
    /// all-MiniLM-L6-v2: the fast tier.
    MiniLm,
    /// all-mpnet-base-v2: the accurate tier.
    Mpnet,
}

impl BaseEncoder {
    pub const ALL: [BaseEncoder; 2] = [BaseEncoder::MiniLm, BaseEncoder::Mpnet];

    /// The short name used on the command line and in model cards: `minilm`, `mpnet`.
    pub fn name(self) -> &'static str {
        match self {
            BaseEncoder::MiniLm => "minilm",
            BaseEncoder::Mpnet => "mpnet",
        }
    }

    pub fn from_name(name: &str) -> Option<BaseEncoder> {
        BaseEncoder::ALL.into_iter().find(|b| b.name() == name || b.folder() == name)
    }

    /// The folder name under `models/base/` that scripts/setup.sh installs.
    pub fn folder(self) -> &'static str {
        match self {
            BaseEncoder::MiniLm => "all-MiniLM-L6-v2",
            BaseEncoder::Mpnet => "all-mpnet-base-v2",
        }
    }

    /// The sha256 of the publisher's model.safetensors.
    pub fn weights_sha256(self) -> &'static str {
        match self {
            BaseEncoder::MiniLm => "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            BaseEncoder::Mpnet => "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
        }
    }

    /// Its folder inside this repository's `models/base/`.
    pub fn default_dir(self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/base").join(self.folder())
    }
}

/// An encoder with its tokenizer and the variable store that owns its weights.
pub struct LoadedEncoder {
    pub encoder: Box<dyn Encoder>,
    pub tokenizer: EncoderTokenizer,
    pub vars: nn::VarStore,
    pub dir: PathBuf,
    /// The layers run on int8 weights ([`LoadedEncoder::use_int8`]).
    int8: bool,
}

impl LoadedEncoder {
    /// The number format the encoder's weights are in, as `--precision` names it: `int8` when its layers run
    /// on int8 weights, else `fp32`, `bf16`, `fp16`, or `mixed` when they are not all one.
    pub fn precision_name(&self) -> &'static str {
        if self.int8 {
            return "int8";
        }
        let kinds: std::collections::BTreeSet<&'static str> = self
            .vars
            .variables()
            .values()
            .map(|tensor| match tensor.kind() {
                Kind::Float => "fp32",
                Kind::BFloat16 => "bf16",
                Kind::Half => "fp16",
                _ => "other",
            })
            .collect();
        match kinds.len() {
            1 => kinds.into_iter().next().unwrap_or("fp32"),
            _ => "mixed",
        }
    }

    /// Freezes the weights and fuses kernels, once the weights are final (after a task's delta is applied).
    pub fn prepare_for_inference(&mut self) {
        self.vars.freeze();
        self.encoder.fuse_for_inference();
    }

    /// Runs the encoder in the number format `precision` chooses for its device. int8 runs on the CPU only.
    pub fn use_precision(&mut self, precision: Precision) -> anyhow::Result<()> {
        if precision == Precision::Int8 {
            return self.use_int8();
        }
        if let Some(kind) = precision.half_kind(self.vars.device()) {
            self.use_half(kind);
        }
        Ok(())
    }

    /// Runs the layers' linear projections on int8 weights from now on (see [`int8`]); embeddings, layer norms
    /// and attention stay in fp32. Call after [`LoadedEncoder::prepare_for_inference`].
    pub fn use_int8(&mut self) -> anyhow::Result<()> {
        if self.vars.device() != Device::Cpu {
            anyhow::bail!("--precision int8 runs on the CPU only (fbgemm); on a GPU use bf16 (the default there)");
        }
        let Some(kernel) = int8::Kernel::of_this_cpu() else {
            anyhow::bail!("--precision int8 needs a CPU with AVX2 (fbgemm's kernels); use fp32 here");
        };
        if !self.int8 {
            int8::quiet_deprecation_notices();
            self.encoder.quantize_for_inference(kernel);
            self.int8 = true;
        }
        Ok(())
    }

    /// Runs the encoder in half precision (`BFloat16` or `Half`) from now on: its weights are cast (after
    /// [`LoadedEncoder::prepare_for_inference`]) and the fused matrices rebuilt from them. Its hidden states come
    /// out in that kind; task heads cast them back to fp32.
    pub fn use_half(&mut self, kind: Kind) {
        match kind {
            Kind::BFloat16 => self.vars.bfloat16(),
            Kind::Half => self.vars.half(),
            _ => return,
        }
        self.encoder.fuse_for_inference();
    }
}

/// Loads the encoder in `dir` (`config.json`, `model.safetensors`, `tokenizer.json`) for inference: weights
/// frozen, query/key/value fused. See [`load_encoder_for`].
pub fn load_encoder(dir: &Path, device: Device) -> Result<LoadedEncoder, ModelError> {
    load_encoder_for(dir, device, Purpose::Inference)
}

/// What an encoder is loaded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Frozen weights, fused kernels.
    Inference,
    /// Trainable weights, unfused (the fused matrices would not follow the updates).
    Training,
}

/// Loads the encoder in `dir`, choosing the architecture by the config's `model_type`. Weights keep the
/// publisher's tensor names.
pub fn load_encoder_for(dir: &Path, device: Device, purpose: Purpose) -> Result<LoadedEncoder, ModelError> {
    let config_path = dir.join("config.json");
    let config_text = read_text(&config_path)?;
    let model_type: ModelType = parse_json(&config_path, &config_text)?;
    let mut vars = nn::VarStore::new(device);
    let encoder: Box<dyn Encoder> = match model_type.model_type.as_str() {
        "bert" => {
            let config: BertConfig = parse_json(&config_path, &config_text)?;
            Box::new(Bert::new(&vars.root(), &config).map_err(|e| e.at(&config_path))?)
        }
        "mpnet" => {
            let config: MpnetConfig = parse_json(&config_path, &config_text)?;
            Box::new(Mpnet::new(&vars.root(), &config).map_err(|e| e.at(&config_path))?)
        }
        other => return Err(ModelError::UnsupportedModel { path: config_path, model_type: other.to_string() }),
    };
    let weights = dir.join("model.safetensors");
    if !weights.is_file() {
        return Err(ModelError::Missing { path: weights });
    }
    vars.load(&weights).map_err(|source| ModelError::Weights { path: weights.clone(), source })?;
    let tokenizer = EncoderTokenizer::from_file(&dir.join("tokenizer.json"))?;
    let mut loaded = LoadedEncoder { encoder, tokenizer, vars, dir: dir.to_path_buf(), int8: false };
    if purpose == Purpose::Inference {
        loaded.prepare_for_inference();
    }
    Ok(loaded)
}

#[derive(serde::Deserialize)]
struct ModelType {
    model_type: String,
}

fn read_text(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|source| ModelError::Io { path: path.to_path_buf(), source })
}

fn parse_json<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, ModelError> {
    serde_json::from_str(text).map_err(|source| ModelError::Json { path: path.to_path_buf(), source })
}

/// The number format of inference (`--precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// bf16 on a GPU and on a CPU with AMX ([`amx`]); fp32 on other CPUs, where bf16 was measured slower.
    #[default]
    Auto,
    Fp32,
    Bf16,
    /// int8 weights for the encoders' linear layers, on the CPU only (fbgemm, dynamic quantisation).
    Int8,
}

impl Precision {
    /// The kind the encoders run in on `device`: None for fp32.
    pub fn half_kind(self, device: Device) -> Option<Kind> {
        match self {
            Precision::Auto if device.is_cuda() || amx::bf16_tiles_usable() => Some(Kind::BFloat16),
            Precision::Auto | Precision::Fp32 | Precision::Int8 => None,
            Precision::Bf16 => Some(Kind::BFloat16),
        }
    }
}

/// Where the models run (`--device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// The first CUDA GPU when this stancemap's libtorch sees one, else the CPU.
    #[default]
    Auto,
    Cpu,
    /// The first CUDA GPU; an error when there is none.
    Cuda,
}

impl DeviceChoice {
    pub fn device(self) -> anyhow::Result<Device> {
        match self {
            DeviceChoice::Auto => Ok(Device::cuda_if_available()),
            DeviceChoice::Cpu => Ok(Device::Cpu),
            DeviceChoice::Cuda if tch::Cuda::is_available() => Ok(Device::Cuda(0)),
            DeviceChoice::Cuda => anyhow::bail!(
                "--device cuda: this stancemap sees no CUDA GPU (the libtorch that scripts/setup.sh installs is the \
                 CPU build; build against a CUDA libtorch to use a GPU)"
            ),
        }
    }
}
