//! `stancemap bench encoders`: tokens per second of the base encoders on a fixed batch, the number to put beside
//! Python `transformers` on the same libtorch (bench/python_encoders.sh writes to the same CSV).
//!
//! The batch is `batch` copies of one news paragraph tokenized and repeated to exactly `seq` tokens, no padding,
//! so both sides do the same arithmetic. Timings never appear in tests; this is the only place they are taken.
//! rust-bert's `BertModel` on the same batch is timed by `cargo run --release --example bench_rust_bert`
//! (rust-bert is only a dev-dependency: the test oracle and this comparison).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use tch::Device;

use crate::model::{load_encoder, BaseEncoder, TokenBatch};

/// The same text the Python benchmark tokenizes.
pub const BENCH_TEXT: &str = "Leaders of the two countries met in Geneva on Wednesday for talks that officials on \
both sides described as frank, with disagreements over cyberattacks, arms control and human rights, and a \
promise to return ambassadors to their posts and to begin consultations on strategic stability.";

pub struct BenchOptions {
    pub encoders: Vec<BaseEncoder>,
    pub threads: i32,
    pub batch: usize,
    pub seq: usize,
    pub iters: usize,
    pub warmup: usize,
    pub out: PathBuf,
}

pub struct BenchResult {
    pub implementation: String,
    pub encoder: BaseEncoder,
    pub seconds: f64,
    pub tokens_per_s: f64,
}

pub fn bench_encoders(options: &BenchOptions) -> anyhow::Result<Vec<BenchResult>> {
    tch::set_num_threads(options.threads);
    tch::set_num_interop_threads(1);
    let _no_grad = tch::no_grad_guard();
    let mut results = Vec::new();
    for &base in &options.encoders {
        let dir = base.default_dir();
        let loaded = load_encoder(&dir, Device::Cpu)
            .with_context(|| format!("cannot load {} (run scripts/setup.sh)", base.folder()))?;
        let batch = bench_batch(&loaded, options)?;
        let seconds = time_forward(options, || {
            let _ = loaded.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, false);
        });
        results.push(result(options, "rust-stancemap-fused", base, seconds));
    }
    append_results(&options.out, options, &results)?;
    Ok(results)
}

/// The benchmark's batch for an encoder: `batch` rows of [`BENCH_TEXT`] at exactly `seq` tokens.
pub fn bench_batch(loaded: &crate::model::LoadedEncoder, options: &BenchOptions) -> anyhow::Result<TokenBatch> {
    let ids = fixed_length_ids(&loaded.tokenizer.encode(BENCH_TEXT)?.ids, options.seq);
    let rows: Vec<&[i64]> = (0..options.batch).map(|_| ids.as_slice()).collect();
    Ok(TokenBatch::pad(&rows, loaded.tokenizer.pad_id(), Device::Cpu))
}

/// `[CLS] tokens... [SEP]` repeated or cut to exactly `seq` ids, the special tokens kept at both ends.
fn fixed_length_ids(ids: &[i64], seq: usize) -> Vec<i64> {
    let (first, last) = (ids[0], ids[ids.len() - 1]);
    let body = &ids[1..ids.len() - 1];
    let mut out = vec![first];
    out.extend(body.iter().cycle().take(seq.saturating_sub(2)));
    out.push(last);
    out
}

/// Seconds for `iters` calls of `forward`, after `warmup` untimed ones.
pub fn time_forward(options: &BenchOptions, mut forward: impl FnMut()) -> f64 {
    for _ in 0..options.warmup {
        forward();
    }
    let clock = Instant::now();
    for _ in 0..options.iters {
        forward();
    }
    clock.elapsed().as_secs_f64()
}

/// A result row: `seconds` for the options' tokens.
pub fn result(options: &BenchOptions, implementation: &str, encoder: BaseEncoder, seconds: f64) -> BenchResult {
    let tokens = (options.batch * options.seq * options.iters) as f64;
    BenchResult { implementation: implementation.into(), encoder, seconds, tokens_per_s: tokens / seconds }
}

const RESULT_COLUMNS: &[&str] = &[
    "date",
    "implementation",
    "encoder",
    "threads",
    "batch",
    "seq",
    "iters",
    "seconds",
    "tokens_per_s",
    "machine",
    "torch_version",
];

/// Appends `results` to the CSV at `path` (with a header when it is new).
pub fn append_results(path: &Path, options: &BenchOptions, results: &[BenchResult]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let new_file = !path.exists();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(file);
    if new_file {
        writer.write_record(RESULT_COLUMNS)?;
    }
    let date = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let machine = machine_description();
    for r in results {
        writer.write_record([
            date.as_str(),
            &r.implementation,
            r.encoder.folder(),
            &options.threads.to_string(),
            &options.batch.to_string(),
            &options.seq.to_string(),
            &options.iters.to_string(),
            &format!("{:.3}", r.seconds),
            &format!("{:.1}", r.tokens_per_s),
            &machine,
            "2.4.0",
        ])?;
    }
    writer.flush()?;
    std::io::stdout().flush()?;
    Ok(())
}

/// The CPU model and core count, as the Python benchmark writes them.
pub fn machine_description() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{model}, {cores} cores")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_length_keeps_special_tokens_at_both_ends() {
        assert_eq!(fixed_length_ids(&[101, 5, 6, 102], 7), vec![101, 5, 6, 5, 6, 5, 102]);
        assert_eq!(fixed_length_ids(&[101, 5, 6, 7, 8, 102], 4), vec![101, 5, 6, 102]);
    }
}
