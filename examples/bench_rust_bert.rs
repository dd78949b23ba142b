//! rust-bert 0.23's `BertModel` (unfused ops) on the batch `stancemap bench encoders` times, appended to the same
//! CSV as `rust-bert-0.23`: what the project's own fused encoder gains over it. rust-bert is a dev-dependency (it
//! is also the encoders' test oracle), so this is an example, not a subcommand.
//!
//! Usage: cargo run --release --example bench_rust_bert -- [--threads N] [--iters N] [--batch N] [--seq N]
//!        [--out bench/results/encoders.csv]

use std::path::PathBuf;

use anyhow::Context;
use rust_bert::Config;
use stancemap::bench::{append_results, bench_batch, result, time_forward, BenchOptions};
use stancemap::model::{load_encoder, BaseEncoder};
use tch::Device;

fn main() -> anyhow::Result<()> {
    let mut options = BenchOptions {
        encoders: vec![BaseEncoder::MiniLm],
        threads: 2,
        batch: 32,
        seq: 128,
        iters: 10,
        warmup: 2,
        out: PathBuf::from("bench/results/encoders.csv"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().with_context(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().with_context(|| format!("{flag} {value}: not a number"));
        match flag.as_str() {
            "--threads" => options.threads = number()? as i32,
            "--iters" => options.iters = number()?,
            "--batch" => options.batch = number()?,
            "--seq" => options.seq = number()?,
            "--out" => options.out = PathBuf::from(&value),
            _ => anyhow::bail!("unknown flag {flag}: --threads, --iters, --batch, --seq, --out"),
        }
    }
    tch::set_num_threads(options.threads);
    tch::set_num_interop_threads(1);
    let _no_grad = tch::no_grad_guard();
    let base = BaseEncoder::MiniLm;
    let dir = base.default_dir();
    let loaded = load_encoder(&dir, Device::Cpu).context("cannot load MiniLM (run scripts/setup.sh)")?;
    let batch = bench_batch(&loaded, &options)?;
    let mut vars = tch::nn::VarStore::new(Device::Cpu);
    let config = rust_bert::bert::BertConfig::from_file(dir.join("config.json"));
    let model = rust_bert::bert::BertModel::<rust_bert::bert::BertEmbeddings>::new(vars.root(), &config);
    vars.load(dir.join("model.safetensors"))?;
    let (ids, mask) = (&batch.input_ids, &batch.attention_mask);
    let seconds = time_forward(&options, || {
        let _ = model.forward_t(Some(ids), Some(mask), None, None, None, None, None, false);
    });
    let row = result(&options, "rust-bert-0.23", base, seconds);
    println!("rust-bert-0.23 {} {:.2} s, {:.0} tokens/s", base.folder(), row.seconds, row.tokens_per_s);
    append_results(&options.out, &options, &[row])?;
    println!("appended to {}", options.out.display());
    Ok(())
}
