//! MPNet (Song et al. 2020, <https://arxiv.org/abs/2004.09297>), as in Hugging Face `transformers`'
//! `modeling_mpnet.py`: the architecture of all-mpnet-base-v2, our accurate tier. rust-bert has no MPNet.
//!
//! It differs from BERT in three places: position ids count real tokens from `padding_idx + 1` (as RoBERTa);
//! there are no token type embeddings; and every layer adds a learned bias per head for the bucketed relative
//! position of key to query (T5-style buckets, 32 of them, distances up to 128), computed once per forward as
//! `encoder.relative_attention_bias`. Weights load under the publisher's names (`encoder.layer.N.attention.attn.q`,
//! ...) with no renaming.

use serde::Deserialize;
use tch::{nn, nn::Module, Kind, Tensor};

use super::error::ConfigProblem;
use super::int8::Kernel;
use super::layers::{check_activation, layer_norm, padding_bias, LayerNames, LayerShape, LayerStack};
use super::Encoder;

/// The fields of the publisher's `config.json` that this model reads.
#[derive(Debug, Clone, Deserialize)]
pub struct MpnetConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub hidden_act: String,
    pub hidden_dropout_prob: f64,
    pub attention_probs_dropout_prob: f64,
    pub max_position_embeddings: i64,
    pub layer_norm_eps: f64,
    pub pad_token_id: i64,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: i64,
}

fn default_buckets() -> i64 {
    32
}

/// The longest relative distance that gets its own logarithmic bucket (`max_distance` upstream).
const MAX_DISTANCE: f64 = 128.0;

const NAMES: LayerNames = LayerNames {
    query: "attention.attn.q",
    key: "attention.attn.k",
    value: "attention.attn.v",
    attention_output: "attention.attn.o",
    attention_norm: "attention.LayerNorm",
};

struct MpnetEmbeddings {
    word: nn::Embedding,
    position: nn::Embedding,
    norm: nn::LayerNorm,
    dropout: f64,
    padding_idx: i64,
}

impl MpnetEmbeddings {
    fn forward_t(&self, input_ids: &Tensor, extra: Option<&Tensor>, train: bool) -> Tensor {
        // Real tokens are numbered padding_idx + 1, padding_idx + 2, ...; padding keeps padding_idx.
        let real = input_ids.ne(self.padding_idx).to_kind(Kind::Int64);
        let positions = real.cumsum(1, Kind::Int64) * &real + self.padding_idx;
        let mut words = self.word.forward(input_ids);
        if let Some(extra) = extra {
            words += extra.to_kind(words.kind());
        }
        let summed = words + self.position.forward(&positions);
        summed.apply(&self.norm).dropout(self.dropout, train)
    }
}

pub struct Mpnet {
    embeddings: MpnetEmbeddings,
    layers: LayerStack,
    relative_attention_bias: nn::Embedding,
    buckets: i64,
    hidden_size: i64,
    max_positions: i64,
}

impl Mpnet {
    /// Creates the variables under `p` with the checkpoint's names; load the weights into the store afterwards.
    pub fn new(p: &nn::Path, config: &MpnetConfig) -> Result<Mpnet, ConfigProblem> {
        check_activation(&config.hidden_act)?;
        if config.relative_attention_num_buckets < 4 {
            return Err(ConfigProblem("relative_attention_num_buckets must be at least 4".into()));
        }
        let shape = LayerShape {
            hidden: config.hidden_size,
            heads: config.num_attention_heads,
            intermediate: config.intermediate_size,
            layer_norm_eps: config.layer_norm_eps,
            hidden_dropout: config.hidden_dropout_prob,
            attention_dropout: config.attention_probs_dropout_prob,
        };
        shape.check()?;
        let e = p / "embeddings";
        let embedding = |name: &str, n: i64| nn::embedding(&e / name, n, config.hidden_size, Default::default());
        let embeddings = MpnetEmbeddings {
            word: embedding("word_embeddings", config.vocab_size),
            position: embedding("position_embeddings", config.max_position_embeddings),
            norm: layer_norm(&(&e / "LayerNorm"), &shape),
            dropout: config.hidden_dropout_prob,
            padding_idx: config.pad_token_id,
        };
        let encoder = p / "encoder";
        let layers = LayerStack::new(&encoder, config.num_hidden_layers, &NAMES, &shape);
        let relative_attention_bias = nn::embedding(
            &encoder / "relative_attention_bias",
            config.relative_attention_num_buckets,
            config.num_attention_heads,
            Default::default(),
        );
        Ok(Mpnet {
            embeddings,
            layers,
            relative_attention_bias,
            buckets: config.relative_attention_num_buckets,
            hidden_size: config.hidden_size,
            // Positions start after padding_idx, so the last usable one is max_position_embeddings - 1.
            max_positions: config.max_position_embeddings - config.pad_token_id - 1,
        })
    }

    /// `[1, heads, seq, seq]`: the learned bias of each head for each (query, key) pair's distance bucket.
    fn position_bias(&self, seq: i64, device: tch::Device) -> Tensor {
        let positions = Tensor::arange(seq, (Kind::Int64, device));
        let relative = positions.unsqueeze(0) - positions.unsqueeze(1); // key - query
        let buckets = relative_position_bucket(&relative, self.buckets, MAX_DISTANCE);
        self.relative_attention_bias.forward(&buckets).permute([2, 0, 1]).unsqueeze(0)
    }
}

/// T5's bucketing of relative positions, as `MPNetEncoder.relative_position_bucket`: half the buckets for keys
/// before the query, half after; within each half, exact buckets for distances below a quarter of the buckets,
/// logarithmic ones up to `max_distance`, and the last bucket beyond.
fn relative_position_bucket(relative: &Tensor, buckets: i64, max_distance: f64) -> Tensor {
    let half = buckets / 2;
    let n = -relative;
    let after = n.lt(0).to_kind(Kind::Int64) * half;
    let n = n.abs();
    let max_exact = half / 2;
    let is_small = n.lt(max_exact);
    let scaled = (n.to_kind(Kind::Float) / max_exact as f64).log() / (max_distance / max_exact as f64).ln()
        * (half - max_exact) as f64;
    let large = (scaled.to_kind(Kind::Int64) + max_exact).clamp_max(half - 1);
    after + n.where_self(&is_small, &large)
}

impl Encoder for Mpnet {
    fn forward_t(&self, input_ids: &Tensor, attention_mask: &Tensor, extra: Option<&Tensor>, train: bool) -> Tensor {
        let hidden = self.embeddings.forward_t(input_ids, extra, train);
        let seq = input_ids.size()[1];
        let bias = self.position_bias(seq, input_ids.device()).to_kind(hidden.kind())
            + padding_bias(attention_mask, hidden.kind());
        self.layers.forward_t(hidden, &bias, attention_mask, train)
    }

    fn hidden_size(&self) -> i64 {
        self.hidden_size
    }

    fn max_tokens(&self) -> usize {
        self.max_positions as usize
    }

    fn add_lora(&mut self, p: &nn::Path, rank: i64, alpha: f64) {
        self.layers.add_lora(p, rank, alpha);
    }

    fn fuse_for_inference(&mut self) {
        self.layers.fuse();
    }

    fn quantize_for_inference(&mut self, kernel: Kernel) {
        self.layers.quantize(kernel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_match_the_upstream_formula() {
        // Values computed with transformers' MPNetEncoder.relative_position_bucket(num_buckets=32, max_distance=128)
        // for key - query distances -200, -128, -20, -8, -7, -1, 0, 1, 7, 8, 20, 128, 200.
        let relative = Tensor::from_slice(&[-200i64, -128, -20, -8, -7, -1, 0, 1, 7, 8, 20, 128, 200]);
        let buckets = relative_position_bucket(&relative, 32, MAX_DISTANCE);
        let got: Vec<i64> = Vec::<i64>::try_from(&buckets).unwrap();
        assert_eq!(got, vec![15, 15, 10, 8, 7, 1, 0, 17, 23, 24, 26, 31, 31]);
    }
}
