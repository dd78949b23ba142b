//! The transformer layer BERT and MPNet share, on fused kernels.
//!
//! Both architectures are post-norm encoders: self-attention, residual, LayerNorm, then a GELU feed-forward,
//! residual, LayerNorm. They differ only in tensor names and in MPNet's relative position bias, which arrives
//! here already folded into the additive attention mask. Query, key and value run as one matrix product once
//! [`SelfAttention::fuse`] has concatenated them; attention is libtorch's `scaled_dot_product_attention`, and
//! GELU is the single exact (erf) kernel, as `hidden_act: "gelu"` in both configs asks.

use tch::{nn, nn::Module, Tensor};

use super::error::ConfigProblem;
use super::int8::{Int8Linear, Kernel};

/// Tensor names of one layer in the publisher's checkpoint, relative to `encoder.layer.N`.
pub struct LayerNames {
    pub query: &'static str,
    pub key: &'static str,
    pub value: &'static str,
    pub attention_output: &'static str,
    pub attention_norm: &'static str,
}

/// Sizes and rates of one layer, from the config.
pub struct LayerShape {
    pub hidden: i64,
    pub heads: i64,
    pub intermediate: i64,
    pub layer_norm_eps: f64,
    pub hidden_dropout: f64,
    pub attention_dropout: f64,
}

impl LayerShape {
    pub fn check(&self) -> Result<(), ConfigProblem> {
        if self.heads <= 0 || self.hidden % self.heads != 0 {
            return Err(ConfigProblem(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                self.hidden, self.heads
            )));
        }
        Ok(())
    }
}

pub fn check_activation(hidden_act: &str) -> Result<(), ConfigProblem> {
    match hidden_act {
        "gelu" => Ok(()),
        other => Err(ConfigProblem(format!("hidden_act '{other}' is not supported (only 'gelu')"))),
    }
}

/// A low-rank adapter (LoRA, Hu et al. 2021, <https://arxiv.org/abs/2106.09685>) on a projection: the
/// projection computes `W x + b + scale * B (A x)` with `A` `[rank, in]`, `B` `[out, rank]` (zero at the start,
/// so the base is unchanged until training moves it). Merged into `W` for inference.
pub struct Lora {
    pub a: Tensor,
    pub b: Tensor,
    pub scale: f64,
}

/// A linear projection under its checkpoint name, with an optional low-rank adapter.
pub struct Projection {
    linear: nn::Linear,
    /// The checkpoint name of the projection, e.g. `encoder.layer.0.attention.attn.q`.
    pub name: String,
    lora: Option<Lora>,
    /// The int8 form that replaces `linear` (and the adapter) once [`Projection::quantize`] ran.
    int8: Option<Int8Linear>,
}

impl Projection {
    fn new(p: &nn::Path, name: &str, inputs: i64, outputs: i64) -> Projection {
        let path = dotted(p, name);
        let full = path.components().collect::<Vec<_>>().join(".");
        Projection { linear: nn::linear(path, inputs, outputs, Default::default()), name: full, lora: None, int8: None }
    }

    /// `keep` is 1 for each text's tokens and 0 for its padding (`[batch, seq, 1]`); only int8 reads it.
    fn forward(&self, x: &Tensor, keep: &Tensor) -> Tensor {
        if let Some(int8) = &self.int8 {
            return int8.forward(x, Some(keep));
        }
        let y = self.linear.forward(x);
        match &self.lora {
            Some(lora) => y + x.matmul(&lora.a.tr()).matmul(&lora.b.tr()) * lora.scale,
            None => y,
        }
    }

    /// Runs on int8 weights from now on: those of the linear layer with the adapter (if any) added in.
    fn quantize(&mut self, kernel: Kernel) {
        let _guard = tch::no_grad_guard();
        let weight = match &self.lora {
            Some(lora) => &self.linear.ws + lora.b.matmul(&lora.a) * lora.scale,
            None => self.linear.ws.shallow_clone(),
        };
        self.int8 = Some(Int8Linear::new(&weight, self.linear.bs.as_ref(), kernel));
    }

    /// Adds a trainable adapter whose tensors live under `p` (`<p>.<name>.a`, `<p>.<name>.b`).
    fn add_lora(&mut self, p: &nn::Path, rank: i64, alpha: f64) {
        let (outputs, inputs) = self.linear.ws.size2().unwrap_or((0, 0));
        let path = dotted(p, &self.name);
        let bound = 1.0 / (inputs as f64).sqrt();
        let a = path.var("a", &[rank, inputs], nn::Init::Uniform { lo: -bound, up: bound });
        let b = path.zeros("b", &[outputs, rank]);
        self.lora = Some(Lora { a, b, scale: alpha / rank as f64 });
    }
}

pub struct SelfAttention {
    query: Projection,
    key: Projection,
    value: Projection,
    fused: Option<(Tensor, Tensor)>,
    /// The int8 form of `fused` once [`SelfAttention::quantize`] ran.
    fused_int8: Option<Int8Linear>,
    output: Projection,
    norm: nn::LayerNorm,
    heads: i64,
    hidden_dropout: f64,
    attention_dropout: f64,
}

impl SelfAttention {
    fn new(p: &nn::Path, names: &LayerNames, shape: &LayerShape) -> SelfAttention {
        let linear = |name: &str| Projection::new(p, name, shape.hidden, shape.hidden);
        SelfAttention {
            query: linear(names.query),
            key: linear(names.key),
            value: linear(names.value),
            fused: None,
            fused_int8: None,
            output: linear(names.attention_output),
            norm: layer_norm(&dotted(p, names.attention_norm), shape),
            heads: shape.heads,
            hidden_dropout: shape.hidden_dropout,
            attention_dropout: shape.attention_dropout,
        }
    }

    /// Concatenates query, key and value into one `[3 * hidden, hidden]` matrix (adapters must be merged first).
    fn fuse(&mut self) {
        let (q, k, v) = (&self.query.linear, &self.key.linear, &self.value.linear);
        let weight = Tensor::cat(&[&q.ws, &k.ws, &v.ws], 0).detach();
        let bias = match (&q.bs, &k.bs, &v.bs) {
            (Some(q), Some(k), Some(v)) => Tensor::cat(&[q, k, v], 0).detach(),
            _ => return,
        };
        self.fused = Some((weight, bias));
    }

    /// Runs every projection on int8 weights (the fused one when fused).
    fn quantize(&mut self, kernel: Kernel) {
        match &self.fused {
            Some((weight, bias)) => self.fused_int8 = Some(Int8Linear::new(weight, Some(bias), kernel)),
            None => [&mut self.query, &mut self.key, &mut self.value].into_iter().for_each(|p| p.quantize(kernel)),
        }
        self.output.quantize(kernel);
    }

    fn forward_t(&self, hidden: &Tensor, attention_bias: &Tensor, keep: &Tensor, train: bool) -> Tensor {
        let (batch, seq, width) = hidden.size3().expect("hidden states are [batch, seq, hidden]");
        let head_dim = width / self.heads;
        let qkv = match (&self.fused_int8, &self.fused) {
            (Some(int8), _) => int8.forward(hidden, Some(keep)),
            (None, Some((weight, bias))) => hidden.linear(weight, Some(bias)),
            (None, None) => Tensor::cat(
                &[self.query.forward(hidden, keep), self.key.forward(hidden, keep), self.value.forward(hidden, keep)],
                2,
            ),
        };
        // [batch, seq, 3, heads, head_dim] -> [3, batch, heads, seq, head_dim]
        let qkv = qkv.view([batch, seq, 3, self.heads, head_dim]).permute([2, 0, 3, 1, 4]);
        let dropout = if train { self.attention_dropout } else { 0.0 };
        let context = Tensor::scaled_dot_product_attention(
            &qkv.get(0),
            &qkv.get(1),
            &qkv.get(2),
            Some(attention_bias),
            dropout,
            false,
            None,
        );
        let context = context.transpose(1, 2).reshape([batch, seq, width]);
        let projected = self.output.forward(&context, keep).dropout(self.hidden_dropout, train);
        (projected + hidden).apply(&self.norm)
    }
}

/// The encoder's layers (`encoder.layer.0`, `encoder.layer.1`, ...), run in order.
pub struct LayerStack(Vec<TransformerLayer>);

impl LayerStack {
    /// `count` layers under `encoder` (the path of `encoder`), with the checkpoint's `names`.
    pub fn new(encoder: &nn::Path, count: i64, names: &LayerNames, shape: &LayerShape) -> LayerStack {
        LayerStack((0..count).map(|i| TransformerLayer::new(&(encoder / "layer" / i), names, shape)).collect())
    }

    /// `attention_mask` is `[batch, seq]`, 1 for each text's tokens and 0 for padding.
    pub fn forward_t(
        &self,
        mut hidden: Tensor,
        attention_bias: &Tensor,
        attention_mask: &Tensor,
        train: bool,
    ) -> Tensor {
        let keep = attention_mask.unsqueeze(-1).to_kind(hidden.kind());
        for layer in &self.0 {
            hidden = layer.forward_t(&hidden, attention_bias, &keep, train);
        }
        hidden
    }

    pub fn add_lora(&mut self, p: &nn::Path, rank: i64, alpha: f64) {
        for layer in &mut self.0 {
            layer.add_lora(p, rank, alpha);
        }
    }

    pub fn fuse(&mut self) {
        self.0.iter_mut().for_each(TransformerLayer::fuse);
    }

    /// Runs every linear layer on int8 weights from now on (after [`LayerStack::fuse`]).
    pub fn quantize(&mut self, kernel: Kernel) {
        self.0.iter_mut().for_each(|layer| layer.quantize(kernel));
    }
}

pub struct TransformerLayer {
    attention: SelfAttention,
    intermediate: Projection,
    output: Projection,
    output_norm: nn::LayerNorm,
    hidden_dropout: f64,
}

impl TransformerLayer {
    /// A layer under `p` (= `encoder.layer.N`); the feed-forward names (`intermediate.dense`, `output.dense`,
    /// `output.LayerNorm`) are the same in both checkpoints.
    fn new(p: &nn::Path, names: &LayerNames, shape: &LayerShape) -> TransformerLayer {
        TransformerLayer {
            attention: SelfAttention::new(p, names, shape),
            intermediate: Projection::new(p, "intermediate.dense", shape.hidden, shape.intermediate),
            output: Projection::new(p, "output.dense", shape.intermediate, shape.hidden),
            output_norm: layer_norm(&(p / "output" / "LayerNorm"), shape),
            hidden_dropout: shape.hidden_dropout,
        }
    }

    fn fuse(&mut self) {
        self.attention.fuse();
    }

    fn quantize(&mut self, kernel: Kernel) {
        self.attention.quantize(kernel);
        self.intermediate.quantize(kernel);
        self.output.quantize(kernel);
    }

    /// Adds a low-rank adapter to every projection of the layer (query, key, value, attention output, and both
    /// feed-forward matrices), its tensors under `p`.
    fn add_lora(&mut self, p: &nn::Path, rank: i64, alpha: f64) {
        let a = &mut self.attention;
        for projection in
            [&mut a.query, &mut a.key, &mut a.value, &mut a.output, &mut self.intermediate, &mut self.output]
        {
            projection.add_lora(p, rank, alpha);
        }
    }

    /// `attention_bias` is added to the attention scores (`[batch or 1, heads or 1, seq, seq]`, large negative
    /// values on padding), or, if boolean, says which keys each query may attend to.
    fn forward_t(&self, hidden: &Tensor, attention_bias: &Tensor, keep: &Tensor, train: bool) -> Tensor {
        let attended = self.attention.forward_t(hidden, attention_bias, keep, train);
        let expanded = self.intermediate.forward(&attended, keep).gelu("none");
        let projected = self.output.forward(&expanded, keep).dropout(self.hidden_dropout, train);
        (projected + attended).apply(&self.output_norm)
    }
}

/// The sub-path of `p` named by a checkpoint's dotted name (`attention.self.query`).
pub fn dotted<'a>(p: &nn::Path<'a>, name: &str) -> nn::Path<'a> {
    let mut parts = name.split('.');
    let first = p.sub(parts.next().unwrap_or(name));
    parts.fold(first, |path, part| path.sub(part))
}

pub fn layer_norm(p: &nn::Path, shape: &LayerShape) -> nn::LayerNorm {
    let config = nn::LayerNormConfig { eps: shape.layer_norm_eps, ..Default::default() };
    nn::layer_norm(p, vec![shape.hidden], config)
}

/// The boolean attention mask for padding, `[batch, 1, 1, seq]`, true where a key may be attended to. Cheaper
/// than an additive float mask in libtorch's CPU attention kernel (measured 7.9 against 8.9 ms per call at
/// 32 x 12 heads x 128 tokens).
pub fn padding_mask(attention_mask: &Tensor) -> Tensor {
    attention_mask.ne(0).unsqueeze(1).unsqueeze(1)
}

/// The additive attention bias for padding: 0 where `attention_mask` is 1, the lowest finite value of `kind`
/// where it is 0; shape `[batch, 1, 1, seq]`.
pub fn padding_bias(attention_mask: &Tensor, kind: tch::Kind) -> Tensor {
    let lowest = match kind {
        tch::Kind::Half => -65504.0,
        tch::Kind::BFloat16 => -3.38e38,
        _ => f32::MIN as f64,
    };
    let blocked = attention_mask.eq(0).unsqueeze(1).unsqueeze(1);
    Tensor::zeros(blocked.size(), (kind, attention_mask.device())).masked_fill(&blocked, lowest)
}
