//! int8 weights on the CPU (`--precision int8`): dynamic quantisation of the encoders' linear layers.
//!
//! Each weight matrix is stored as int8 with one scale per output channel (symmetric, the largest magnitude of
//! a row maps to 127, or to 64 on a CPU without VNNI: see below), and multiplied by fbgemm's int8 kernel, which libtorch ships. The activations are
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
//!
//! How exact the integer product is depends on the CPU ([`Kernel`]). With AVX-512 VNNI every product of a
//! uint8 activation and an int8 weight is summed in int32. Without it (AVX2, or AVX-512 without VNNI) fbgemm
//! first adds pairs of products in int16, which saturates: 255·127·2 is past 32,767. That cost the fast stance
//! model .0079 NewsMTSC and .0165 SemEval dev macro-F1 (measured by forcing fbgemm's AVX2 kernel with
//! `FBGEMM_ENABLE_INSTRUCTIONS=AVX2` on a VNNI CPU). There the weights are therefore limited to ±64, so that no
//! pair can saturate (255·64·2 = 32,640) and the sums are exact again, at a coarser step.

use tch::{Kind, Scalar, Tensor};

/// How this CPU runs fbgemm's int8 product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 VNNI: the products are summed in int32; weights use -127..=127.
    Vnni,
    /// AVX2, or AVX-512 without VNNI: pairs of products are summed in int16 first; weights use -64..=64.
    Pairs,
}

impl Kernel {
    /// The kernel fbgemm runs here: None where the CPU lacks AVX2 (no int8 kernel at all). fbgemm also honours
    /// `FBGEMM_ENABLE_INSTRUCTIONS`, which can only take VNNI away (AVX2 or AVX512 there).
    pub fn of_this_cpu() -> Option<Kernel> {
        #[cfg(target_arch = "x86_64")]
        {
            if !std::is_x86_feature_detected!("avx2") {
                return None;
            }
            let vnni = std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512vnni");
            let allowed = !matches!(
                std::env::var("FBGEMM_ENABLE_INSTRUCTIONS").as_deref().map(str::to_ascii_uppercase).as_deref(),
                Ok("AVX2" | "AVX512" | "AVX512_256")
            );
            Some(if vnni && allowed { Kernel::Vnni } else { Kernel::Pairs })
        }
        #[cfg(not(target_arch = "x86_64"))]
        None
    }

    /// The largest int8 magnitude of a weight (symmetric, so that 0 is exact and no zero point is needed).
    fn levels(self) -> f64 {
        match self {
            Kernel::Vnni => 127.0,
            Kernel::Pairs => 64.0,
        }
    }
}

/// libtorch 2.4 prints once per process that the two fbgemm entry points used here are deprecated, on every run
/// that uses int8. Both are first called here on a tiny matrix with standard error pointed at /dev/null, before
/// any other thread of stancemap writes there, so a user sees only stancemap's own messages.
pub fn quiet_deprecation_notices() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let first_calls = || {
            let weight = Tensor::ones([2, 4], (Kind::Float, tch::Device::Cpu));
            let _ = Int8Linear::new(&weight, None, Kernel::Pairs).forward(&weight, None);
        };
        // SAFETY: plain descriptor calls on descriptors this function owns; standard error is restored before
        // it returns, and nothing else runs on this thread meanwhile.
        unsafe {
            let saved = libc::dup(2);
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if saved < 0 || null < 0 || libc::dup2(null, 2) < 0 {
                first_calls();
            } else {
                first_calls();
                libc::dup2(saved, 2);
            }
            for fd in [saved, null] {
                if fd >= 0 {
                    libc::close(fd);
                }
            }
        }
    });
}

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
    /// Quantises `weight` (`[out, in]`) for `kernel` and keeps `bias` (`[out]`, or none). Both must be on the CPU.
    pub fn new(weight: &Tensor, bias: Option<&Tensor>, kernel: Kernel) -> Int8Linear {
        let _guard = tch::no_grad_guard();
        let weight = weight.to_kind(Kind::Float).contiguous();
        let outputs = weight.size()[0];
        let levels = kernel.levels();
        let scales = weight.abs().amax([1].as_slice(), true).clamp_min(1e-12) / levels;
        let quantized = (&weight / &scales).round().clamp(-levels, levels).to_kind(Kind::Int8).contiguous();
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
    /// range for all). `keep` (`[batch, seq, 1]`, 1 for a text's tokens and 0 for its padding) leaves padding out
    /// of the range: the kernel's range always holds 0, so zeroed padding cannot widen it, and a text's range
    /// depends on that text alone (not on how much padding its batch gave it).
    pub fn forward(&self, x: &Tensor, keep: Option<&Tensor>) -> Tensor {
        let x = match keep {
            Some(keep) => x * keep,
            None => x.shallow_clone(),
        };
        match x.size().as_slice() {
            [batch, _, _] if *batch > 1 => {
                let texts: Vec<Tensor> = x.unbind(0).iter().map(|text| self.product(&text.unsqueeze(0))).collect();
                Tensor::cat(&texts, 0)
            }
            _ => self.product(&x),
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
        let Some(here) = Kernel::of_this_cpu() else { return };
        for kernel in [Kernel::Pairs, here] {
            product_within_quantisation_error(kernel);
        }
    }

    fn product_within_quantisation_error(kernel: Kernel) {
        tch::manual_seed(7);
        let weight = Tensor::randn([48, 64], (Kind::Float, tch::Device::Cpu)) * 0.05;
        // Rows of very different sizes: one scale for the whole matrix would flatten the small rows to zero.
        let row_sizes = Tensor::linspace(0.01, 3.0, 48, (Kind::Float, tch::Device::Cpu)).unsqueeze(1);
        let weight = weight * row_sizes;
        let x = Tensor::randn([2, 5, 64], (Kind::Float, tch::Device::Cpu));
        let linear = Int8Linear::new(&weight, None, kernel);
        assert_eq!(linear.weight_kind(), Kind::Int8);
        let exact = x.linear::<Tensor>(&weight, None);
        let approximate = linear.forward(&x, None);
        assert_eq!(approximate.size(), vec![2, 5, 48]);
        // Relative to each output channel's size, so the small rows count as much as the large ones.
        let mean_per_channel = |t: &Tensor| t.abs().mean_dim([0, 1].as_slice(), false, Kind::Float);
        let error = (mean_per_channel(&(&approximate - &exact)) / mean_per_channel(&exact)).max().double_value(&[]);
        assert!(error < 0.05, "largest mean relative error of a channel: {error}");
        // The bias is added exactly once.
        let bias = Tensor::randn([48], (Kind::Float, tch::Device::Cpu));
        let with_bias = Int8Linear::new(&weight, Some(&bias), kernel).forward(&x, None);
        let difference = (&with_bias - (&approximate + &bias)).abs().max().double_value(&[]);
        assert!(difference < 1e-3, "bias off by {difference}");
        // And not the product of some other matrix: another weight is far off.
        let other = Int8Linear::new(&weight.flip([0]), None, kernel).forward(&x, None);
        assert!((&other - &exact).abs().mean(Kind::Float).double_value(&[]) > 0.1);
    }
}

#[cfg(test)]
mod padding {
    use super::*;

    /// A text batched with a longer one gets padding rows; whatever they hold (here, large values) must not
    /// change the text's numbers, or a corpus split into shards would not give the tables of one run.
    #[test]
    fn a_texts_product_does_not_depend_on_its_padding() {
        let Some(kernel) = Kernel::of_this_cpu() else { return };
        tch::manual_seed(3);
        let cpu = (Kind::Float, tch::Device::Cpu);
        let linear = Int8Linear::new(&(Tensor::randn([16, 32], cpu) * 0.1), None, kernel);
        let text = Tensor::randn([1, 3, 32], cpu);
        let alone = linear.forward(&text, None);
        let padded = Tensor::cat(&[&text, &(Tensor::randn([1, 3, 32], cpu) * 40.0)], 1);
        let batch = Tensor::cat(&[&padded, &Tensor::randn([1, 6, 32], cpu)], 0);
        let keep = Tensor::cat(&[&Tensor::ones([1, 3, 1], cpu), &Tensor::zeros([1, 3, 1], cpu)], 1);
        let keep = Tensor::cat(&[&keep, &Tensor::ones([1, 6, 1], cpu)], 0);
        let batched = linear.forward(&batch, Some(&keep)).narrow(0, 0, 1).narrow(1, 0, 3);
        let difference = (&batched - &alone).abs().max().double_value(&[]);
        assert!(difference < 1e-5, "the text's product moved by {difference} with padding beside it");
    }
}

#[cfg(test)]
mod saturation {
    use super::*;

    /// The product where fbgemm's AVX2 kernel saturates: every activation at the top of its range and every
    /// weight at the largest magnitude, so that each pair of products is as large as it gets. With weights up
    /// to 127 the int16 pair sums clip at 32,767 (half the product) on a CPU without VNNI, or with
    /// `FBGEMM_ENABLE_INSTRUCTIONS=AVX2`; within ±64 they never do.
    #[test]
    fn the_pairs_kernel_never_saturates() {
        if Kernel::of_this_cpu().is_none() {
            return;
        }
        let weight = Tensor::ones([8, 256], (Kind::Float, tch::Device::Cpu));
        let x = Tensor::ones([1, 3, 256], (Kind::Float, tch::Device::Cpu)) * 4.0;
        let exact = x.linear::<Tensor>(&weight, None);
        let product = Int8Linear::new(&weight, None, Kernel::Pairs).forward(&x, None);
        let error = ((&product - &exact).abs() / &exact).max().double_value(&[]);
        assert!(error < 0.01, "relative error {error}: the int16 pair sums saturated");
    }
}
