//! BERT (Devlin et al. 2019, <https://arxiv.org/abs/1810.04805>), as in Hugging Face `transformers`'
//! `modeling_bert.py`: the architecture of all-MiniLM-L6-v2, our fast tier.
//!
//! Weights load under the publisher's names (`embeddings.word_embeddings.weight`, `encoder.layer.N.attention.
//! self.query.weight`, ...). rust-bert's `BertModel` computes the same function with unfused ops; the parity
//! tests keep it as the oracle.

use serde::Deserialize;
use tch::{nn, nn::Module, Kind, Tensor};

use super::error::ConfigProblem;
use super::int8::Kernel;
use super::layers::{check_activation, layer_norm, padding_mask, LayerNames, LayerShape, LayerStack};
use super::Encoder;

/// The fields of the publisher's `config.json` that this model reads.
#[derive(Debug, Clone, Deserialize)]
pub struct BertConfig {
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub num_hidden_layers: i64,
    pub num_attention_heads: i64,
    pub intermediate_size: i64,
    pub hidden_act: String,
    pub hidden_dropout_prob: f64,
    pub attention_probs_dropout_prob: f64,
    pub max_position_embeddings: i64,
    pub type_vocab_size: i64,
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub position_embedding_type: Option<String>,
}

const NAMES: LayerNames = LayerNames {
    query: "attention.self.query",
    key: "attention.self.key",
    value: "attention.self.value",
    attention_output: "attention.output.dense",
    attention_norm: "attention.output.LayerNorm",
};

struct BertEmbeddings {
    word: nn::Embedding,
    position: nn::Embedding,
    token_type: nn::Embedding,
    norm: nn::LayerNorm,
    dropout: f64,
}

impl BertEmbeddings {
    fn forward_t(&self, input_ids: &Tensor, extra: Option<&Tensor>, train: bool) -> Tensor {
        let seq = input_ids.size()[1];
        let positions = Tensor::arange(seq, (Kind::Int64, input_ids.device())).unsqueeze(0);
        // Single-segment inputs: token type 0 everywhere, whose embedding is one row broadcast over the batch.
        let token_type = self.token_type.ws.get(0);
        let mut words = self.word.forward(input_ids);
        if let Some(extra) = extra {
            words += extra.to_kind(words.kind());
        }
        let summed = words + self.position.forward(&positions) + token_type;
        summed.apply(&self.norm).dropout(self.dropout, train)
    }
}

pub struct Bert {
    embeddings: BertEmbeddings,
    layers: LayerStack,
    hidden_size: i64,
    max_positions: i64,
}

impl Bert {
    /// Creates the variables under `p` with the checkpoint's names; load the weights into the store afterwards.
    pub fn new(p: &nn::Path, config: &BertConfig) -> Result<Bert, ConfigProblem> {
        check_activation(&config.hidden_act)?;
        if let Some(kind) = config.position_embedding_type.as_deref().filter(|k| *k != "absolute") {
            return Err(ConfigProblem(format!("position_embedding_type '{kind}' is not supported")));
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
        let embeddings = BertEmbeddings {
            word: embedding("word_embeddings", config.vocab_size),
            position: embedding("position_embeddings", config.max_position_embeddings),
            token_type: embedding("token_type_embeddings", config.type_vocab_size),
            norm: layer_norm(&(&e / "LayerNorm"), &shape),
            dropout: config.hidden_dropout_prob,
        };
        let layers = LayerStack::new(&(p / "encoder"), config.num_hidden_layers, &NAMES, &shape);
        Ok(Bert { embeddings, layers, hidden_size: config.hidden_size, max_positions: config.max_position_embeddings })
    }
}

impl Encoder for Bert {
    fn forward_t(&self, input_ids: &Tensor, attention_mask: &Tensor, extra: Option<&Tensor>, train: bool) -> Tensor {
        let hidden = self.embeddings.forward_t(input_ids, extra, train);
        let mask = padding_mask(attention_mask);
        self.layers.forward_t(hidden, &mask, attention_mask, train)
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
