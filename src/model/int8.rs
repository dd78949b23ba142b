//! int8 weights on the CPU (`--precision int8`): dynamic quantisation of the encoders' linear layers.
//!
//! Each weight matrix is stored as int8 with one scale per output channel (symmetric, the largest magnitude of
//! a row maps to 127), and multiplied by fbgemm's int8 kernel, which libtorch ships. The activations are
//! quantised to uint8 on every call from their own range (hence "dynamic"), the product is accumulated in int32
//! and comes back as fp32. This is what PyTorch's `quantize_dynamic` does to `nn.Linear`.
//!
//! fbgemm quantises the activations with one range for the whole input. A batch is therefore multiplied one
//! text at a time: with one range for the batch, a text's numbers depended on the texts beside it, and one
//! text with large activations coarsened the others (NewsMTSC dev macro-F1 .793 against .802 per text, at the
//! same speed).
//!
//! fbgemm's entry point takes one scale for the whole matrix. The per-channel scales are applied around it:
//! the kernel gets the integer weights with scale 1 and the bias divided by each channel's scale, and its output
//! is multiplied by the scales: `(x·qᵀ + b/s)·s = x·(s·q)ᵀ + b`.
//!
//! Embeddings, LayerNorms, attention and the task heads stay in fp32.

use tch::{Kind, Scalar, Tensor};

/// The largest int8 magnitude used (symmetric: -127..=127, so that 0 is exact and no zero point is needed).
const LEVELS: f64 = 127.0;

/// A linear layer `y = x Wᵀ + b` with int8 weights.
pub struct Int8Linear {
    /// `[out, in]`, int8.
    weight: Tensor,
    /// fbgemm's packed form of `weight`.
    packed: Tensor,
    /// `[out]`, int32: the sum of each row of `weight`, which the kernel needs to undo the activations' zero
    /// point.
    row_sums: Tensor,
    /// `[out]`, fp32: each output channel's scale.
    scales: Tensor,
    /// `[out]`, fp32: the bias divided by the scales.
    scaled_bias: Tensor,
}

impl Int8Linear {
    /// Quantises `weight` (`[out, in]`) and keeps `bias` (`[out]`, or none). Both must be on the CPU.
    pub fn new(weight: &Tensor, bias: Option<&Tensor>) -> Int8Linear {
        let _guard = tch::no_grad_guard();
        let weight = weight.to_kind(Kind::Float).contiguous();
        let outputs = weight.size()[0];
        let scales = weight.abs().amax([1].as_slice(), true).clamp_min(1e-12) / LEVELS;
        let quantized = (&weight / &scales).round().clamp(-LEVELS, LEVELS).to_kind(Kind::Int8).contiguous();
        let row_sums = quantized.sum_dim_intlist([1].as_slice(), false, Kind::Int).contiguous();
        let packed = quantized.fbgemm_pack_quantized_matrix();
        let scales = scales.squeeze_dim(1).contiguous();
        let bias = match bias {
            Some(bias) => bias.to_kind(Kind::Float),
            None => Tensor::zeros([outputs], (Kind::Float, weight.device())),
        };
        let scaled_bias = (bias / &scales).contiguous();
        Int8Linear { weight: quantized, packed, row_sums, scales, scaled_bias }
    }

    /// `x` is `[batch, seq, in]` (each text's activations quantised from its own range) or `[rows, in]` (one
    /// range for all).
    pub fn forward(&self, x: &Tensor) -> Tensor {
        match x.size().as_slice() {
            [batch, _, _] if *batch > 1 => {
                let texts: Vec<Tensor> = x.unbind(0).iter().map(|text| self.product(&text.unsqueeze(0))).collect();
                Tensor::cat(&texts, 0)
            }
            _ => self.product(x),
        }
    }

    /// fbgemm's product, the activations quantised with one range for all of `x`.
    fn product(&self, x: &Tensor) -> Tensor {
        let x = x.to_kind(Kind::Float).contiguous();
        let y = x.fbgemm_linear_int8_weight_fp32_activation(
            &self.weight,
            &self.packed,
            &self.row_sums,
            Scalar::float(1.0),
            Scalar::int(0),
            &self.scaled_bias,
        );
        y * &self.scales
    }

    /// The kind the weights are stored in (int8): what shows that a model really runs quantised.
    pub fn weight_kind(&self) -> Kind {
        self.weight.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_weights_give_the_fp32_product_within_quantisation_error() {
        tch::manual_seed(7);
        let weight = Tensor::randn([48, 64], (Kind::Float, tch::Device::Cpu)) * 0.05;
        // Rows of very different sizes: one scale for the whole matrix would flatten the small rows to zero.
        let row_sizes = Tensor::linspace(0.01, 3.0, 48, (Kind::Float, tch::Device::Cpu)).unsqueeze(1);
        let weight = weight * row_sizes;
        let x = Tensor::randn([2, 5, 64], (Kind::Float, tch::Device::Cpu));
        let linear = Int8Linear::new(&weight, None);
        assert_eq!(linear.weight_kind(), Kind::Int8);
        let exact = x.linear::<Tensor>(&weight, None);
        let approximate = linear.forward(&x);
        assert_eq!(approximate.size(), vec![2, 5, 48]);
        // Relative to each output channel's size, so the small rows count as much as the large ones.
        let mean_per_channel = |t: &Tensor| t.abs().mean_dim([0, 1].as_slice(), false, Kind::Float);
        let error = (mean_per_channel(&(&approximate - &exact)) / mean_per_channel(&exact)).max().double_value(&[]);
        assert!(error < 0.05, "largest mean relative error of a channel: {error}");
        // The bias is added exactly once.
        let bias = Tensor::randn([48], (Kind::Float, tch::Device::Cpu));
        let with_bias = Int8Linear::new(&weight, Some(&bias)).forward(&x);
        let difference = (&with_bias - (&approximate + &bias)).abs().max().double_value(&[]);
        assert!(difference < 1e-3, "bias off by {difference}");
        // And not the product of some other matrix: another weight is far off.
        let other = Int8Linear::new(&weight.flip([0]), None).forward(&x);
        assert!((&other - &exact).abs().mean(Kind::Float).double_value(&[]) > 0.1);
    }
}
