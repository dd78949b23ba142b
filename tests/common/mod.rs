//! What the end-to-end tests share: running the built binary and reading its tables as a user would.
#![allow(dead_code)] // each test file uses some of these

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The tables of a run with every shipped model, in the order a run writes them.
pub const TABLES: &[&str] = &[
    "articles.csv",
    "sentences.csv",
    "mentions.csv",
    "quotes.csv",
    "evidence.csv",
    "stances.csv",
    "matrix.csv",
    "actors.csv",
];

pub fn stancemap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stancemap")).args(args).output().expect("the stancemap binary runs")
}

/// `stancemap run CORPUS --out OUT FLAGS…`, which must succeed.
pub fn run_with(corpus: &Path, out: &Path, flags: &[&str]) -> Output {
    let mut args = vec!["run", corpus.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(flags);
    let output = stancemap(&args);
    assert!(output.status.success(), "stancemap run failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// The rows of a CSV table as header -> value maps.
pub fn table(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| header.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect())
        .collect()
}

pub fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Slices `text` by character offsets, as a Python user of the CSV would.
pub fn chars(text: &str, start: &str, end: &str) -> String {
    let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
    text.chars().skip(start).take(end - start).collect()
}

/// What `--precision auto` runs in on this machine's CPU, as run.json names it: bf16 where the CPU multiplies bf16
/// in AMX tiles, else fp32 (the tests run on any x86-64 CPU, with or without AMX).
pub fn cpu_default_precision() -> &'static str {
    match stancemap::model::Precision::Auto.half_kind(tch::Device::Cpu) {
        Some(_) => "bf16",
        None => "fp32",
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
