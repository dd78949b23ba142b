//! Training machinery shared by the task models: the learning-rate schedule, seeded length-bucketed batching,
//! checkpoints that let a run span sessions, and the progress bar.

pub mod contract;
pub mod mixed;
pub mod ner;
pub mod recipe;
pub mod stance;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use tch::{nn, nn::OptimizerConfig, Kind, Tensor};

use crate::model::delta::Adaptation;
use crate::model::BaseEncoder;

/// What every training run is told besides its data: the base and how it is adapted, where the model goes, the
/// schedule, checkpoints. The task options add their data and task settings to it.
#[derive(Debug, Clone, Serialize)]
pub struct TrainLoop {
    pub encoder: BaseEncoder,
    pub base_dir: PathBuf,
    /// Full fine-tuning, or low-rank adapters (needed for MPNet to fit a 25 MB model).
    pub adaptation: Adaptation,
    pub out: PathBuf,
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub warmup: f64,
    pub weight_decay: f64,
    pub seed: u64,
    pub checkpoint_every: usize,
    pub resume: bool,
    /// Use only the first N training examples of each source (for quick trials and tests).
    pub limit: Option<usize>,
    /// Stop this run after N optimizer steps, leaving a checkpoint that `--resume` continues from (to fit a
    /// long training into time-limited sessions).
    pub stop_after: Option<usize>,
    /// Mixed precision: the forward passes' matrix products in bf16 under libtorch's autocast ([`mixed`]), the
    /// weights and the optimizer in fp32 (`train --precision bf16`; about 2x faster on a CPU with AMX).
    pub mixed_bf16: bool,
    /// The command line, for the card.
    pub command: String,
}

/// Linear warm-up to the peak rate, then linear decay to zero at the last step.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub peak_lr: f64,
    pub warmup_steps: usize,
    pub total_steps: usize,
}

impl Schedule {
    pub fn new(peak_lr: f64, warmup_fraction: f64, total_steps: usize) -> Schedule {
        let warmup_steps = ((total_steps as f64) * warmup_fraction).round() as usize;
        Schedule { peak_lr, warmup_steps, total_steps }
    }

    /// The rate for step `step` (0-based).
    pub fn lr(&self, step: usize) -> f64 {
        if step < self.warmup_steps {
            return self.peak_lr * (step + 1) as f64 / self.warmup_steps as f64;
        }
        let remaining = self.total_steps.saturating_sub(step) as f64;
        let decay_steps = self.total_steps.saturating_sub(self.warmup_steps).max(1) as f64;
        self.peak_lr * (remaining / decay_steps).clamp(0.0, 1.0)
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same batches on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The batches of one epoch: examples of similar length together (little padding), in an order that depends
/// only on the seed and the epoch.
pub fn length_batches(lengths: &[usize], batch_size: usize, seed: u64, epoch: usize) -> Vec<Vec<usize>> {
    let mut rng = Rng::new(seed ^ (epoch as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    rng.shuffle(&mut order);
    order.sort_by_key(|&i| lengths[i]);
    let mut batches: Vec<Vec<usize>> = order.chunks(batch_size.max(1)).map(<[usize]>::to_vec).collect();
    rng.shuffle(&mut batches);
    batches
}

/// The norm each group's gradients (the encoder's, the head's) are clipped to before a step.
pub const CLIP_GRAD_NORM: f64 = 1.0;

/// AdamW over the encoder and the task head, stepped together, each group's gradients clipped to
/// [`CLIP_GRAD_NORM`] on its own.
pub struct Optimizers {
    encoder: nn::Optimizer,
    head: nn::Optimizer,
}

impl Optimizers {
    pub fn new(encoder: &nn::VarStore, head: &nn::VarStore, lr: f64, weight_decay: f64) -> anyhow::Result<Optimizers> {
        let adamw = nn::AdamW { wd: weight_decay, ..Default::default() };
        Ok(Optimizers { encoder: adamw.build(encoder, lr)?, head: adamw.build(head, lr)? })
    }

    /// One update from `loss` at learning rate `lr`.
    pub fn step(&mut self, loss: &Tensor, lr: f64) {
        for optimizer in [&mut self.encoder, &mut self.head] {
            optimizer.set_lr(lr);
            optimizer.zero_grad();
        }
        loss.backward();
        for optimizer in [&mut self.encoder, &mut self.head] {
            optimizer.clip_grad_norm(CLIP_GRAD_NORM);
            optimizer.step();
        }
    }
}

/// Where a training run stands; written beside the checkpoint weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckpointState {
    /// Optimizer steps done.
    pub step: usize,
    pub epoch: usize,
    /// Batches of `epoch` already done.
    pub batch_in_epoch: usize,
    pub best_dev_f1: Option<f64>,
    pub seed: u64,
    pub total_steps: usize,
}

pub struct CheckpointPaths {
    pub weights: PathBuf,
    pub state: PathBuf,
}

impl CheckpointPaths {
    pub fn in_dir(dir: &Path) -> CheckpointPaths {
        CheckpointPaths { weights: dir.join("checkpoint.safetensors"), state: dir.join("checkpoint.json") }
    }

    /// Writes every variable of the `stores` (each under its name prefix) and the state; the weights go to a
    /// temporary file first, so an interrupted save leaves the previous checkpoint whole.
    pub fn save(&self, stores: &[(&str, &nn::VarStore)], state: &CheckpointState) -> anyhow::Result<()> {
        let mut tensors: Vec<(String, Tensor)> = Vec::new();
        for (prefix, vars) in stores {
            for (name, t) in vars.variables() {
                tensors.push((format!("{prefix}{name}"), t));
            }
        }
        let partial = self.weights.with_extension("safetensors.partial");
        Tensor::write_safetensors(&tensors, &partial)?;
        std::fs::rename(&partial, &self.weights)?;
        crate::output::write_json(&self.state, state)?;
        Ok(())
    }

    /// Where a run starts: at step 0, or with `--resume` where its checkpoint left off (its weights loaded into
    /// the `stores`), saying so.
    pub fn begin(
        &self,
        run: &TrainLoop,
        stores: &[(&str, &nn::VarStore)],
        total_steps: usize,
    ) -> anyhow::Result<CheckpointState> {
        if !run.resume {
            return Ok(CheckpointState {
                step: 0,
                epoch: 0,
                batch_in_epoch: 0,
                best_dev_f1: None,
                seed: run.seed,
                total_steps,
            });
        }
        let state = self.restore(stores, total_steps)?;
        eprintln!("resumed at step {} (epoch {}, batch {})", state.step, state.epoch + 1, state.batch_in_epoch);
        Ok(state)
    }

    /// Loads a checkpoint written by [`CheckpointPaths::save`] into the `stores`, checking that it was made for
    /// the same number of steps (same data, epochs and batch size).
    pub fn restore(&self, stores: &[(&str, &nn::VarStore)], total_steps: usize) -> anyhow::Result<CheckpointState> {
        let text = std::fs::read_to_string(&self.state)
            .with_context(|| format!("--resume: no checkpoint at {}", self.state.display()))?;
        let state: CheckpointState =
            serde_json::from_str(&text).with_context(|| format!("{}", self.state.display()))?;
        if state.total_steps != total_steps {
            bail!(
                "--resume: the checkpoint was made for {} steps, these options give {total_steps}; use the same data, epochs and batch size",
                state.total_steps
            );
        }
        let tensors: HashMap<String, Tensor> = Tensor::read_safetensors(&self.weights)?.into_iter().collect();
        let _guard = tch::no_grad_guard();
        for (prefix, vars) in stores {
            for (name, mut var) in vars.variables() {
                let saved = tensors
                    .get(&format!("{prefix}{name}"))
                    .with_context(|| format!("{}: no tensor {prefix}{name}", self.weights.display()))?;
                var.copy_(&saved.to_kind(Kind::Float).to_device(var.device()));
            }
        }
        Ok(state)
    }
}

/// A progress bar with loss and speed, drawn only when stderr is a terminal; otherwise a line per `every` steps.
pub struct TrainProgress {
    bar: ProgressBar,
    plain: bool,
}

impl TrainProgress {
    pub fn new(total_steps: usize, done: usize) -> TrainProgress {
        let plain = !std::io::stderr().is_terminal();
        let bar = if plain { ProgressBar::hidden() } else { ProgressBar::new(total_steps as u64) };
        let style =
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} steps {msg} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_position(done as u64);
        bar.enable_steady_tick(Duration::from_millis(500));
        TrainProgress { bar, plain }
    }

    pub fn step(&self, step: usize, total: usize, loss: f64, tokens_per_s: f64) {
        self.bar.set_position(step as u64);
        self.bar.set_message(format!("loss {loss:.4}, {tokens_per_s:.0} tokens/s"));
        if self.plain && step.is_multiple_of(50) {
            eprintln!("step {step}/{total}: loss {loss:.4}, {tokens_per_s:.0} tokens/s");
        }
    }

    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The default folder of a base encoder, checked to exist.
pub fn base_dir(encoder: BaseEncoder) -> anyhow::Result<PathBuf> {
    let dir = encoder.default_dir();
    if !Path::new(&dir).join("model.safetensors").is_file() {
        bail!("{} is not installed in {}; run scripts/setup.sh", encoder.folder(), dir.display());
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        let s = Schedule::new(1e-4, 0.1, 100);
        assert_eq!(s.warmup_steps, 10);
        assert!((s.lr(0) - 1e-5).abs() < 1e-12);
        assert!((s.lr(9) - 1e-4).abs() < 1e-12);
        assert!(s.lr(55) < s.lr(20));
        assert!(s.lr(100).abs() < 1e-12);
    }

    #[test]
    fn batches_cover_every_example_once_and_depend_only_on_seed_and_epoch() {
        let lengths: Vec<usize> = (0..103).map(|i| (i * 37) % 50).collect();
        let a = length_batches(&lengths, 8, 7, 0);
        assert_eq!(a, length_batches(&lengths, 8, 7, 0));
        assert_ne!(a, length_batches(&lengths, 8, 7, 1));
        let mut all: Vec<usize> = a.iter().flatten().copied().collect();
        all.sort();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
        // Lengths within a batch are close: sorted before chunking.
        let spread: usize = a
            .iter()
            .map(|b| b.iter().map(|&i| lengths[i]).max().unwrap() - b.iter().map(|&i| lengths[i]).min().unwrap())
            .max()
            .unwrap();
        assert!(spread <= 5, "spread {spread}");
    }
}
