//! `run --shard I/N` and `merge`: N shard runs merged give the tables of one run over the whole corpus (the
//! sample corpus, with the shipped fast models).

mod common;

use std::path::Path;

use common::{manifest, repo, run_with, stancemap, TABLES};

fn run(out: &Path, extra: &[&str]) {
    let ner = repo().join("models/ner-fast").display().to_string();
    let stance = repo().join("models/stance-fast").display().to_string();
    // fp32 on every CPU: in bf16 (auto's choice on a CPU with AMX) a probability moves in its third decimal when its
    // article is batched with others (.0015 at most on this corpus, README "bf16 on a CPU with AMX"), which says
    // nothing about sharding and merging.
    let mut flags = vec!["--threads", "2", "-q", "--precision", "fp32", "--model", &ner, "--stance-model", &stance];
    flags.extend_from_slice(&["--period", "month"]);
    flags.extend_from_slice(extra);
    run_with(&repo().join("corpus"), out, &flags);
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

/// Equal cell by cell, except that numbers may differ in their last digits: the models see the articles of a
/// shard in other batches than in one run, which moves a probability by at most a unit in its fourth decimal,
/// and a score printed to three decimals (a mean of such probabilities) by a unit in its last printed digit.
fn assert_same_table(one: &Path, merged: &Path) {
    let (a, b) = (rows(one), rows(merged));
    assert_eq!(a.len(), b.len(), "{}: {} rows in one run, {} merged", one.display(), a.len(), b.len());
    for (row_a, row_b) in a.iter().zip(&b) {
        assert_eq!(row_a.len(), row_b.len());
        for (x, y) in row_a.iter().zip(row_b) {
            let close = match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x_value), Ok(y_value)) => {
                    let decimals = |cell: &str| cell.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
                    let unit = 10f64.powi(-decimals(x).max(decimals(y)));
                    (x_value - y_value).abs() <= unit + 2e-4
                }
                _ => x == y,
            };
            assert!(
                close,
                "{}: {x:?} in one run, {y:?} merged\n{row_a:?}\n{row_b:?}",
                merged.file_name().unwrap().to_string_lossy()
            );
        }
    }
}

#[test]
fn three_shards_merged_equal_one_run_over_the_corpus_needs_base_encoders() {
    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    run(&whole, &[]);
    let shards: Vec<_> = (1..=3).map(|i| dir.path().join(format!("shard{i}"))).collect();
    for (i, out) in shards.iter().enumerate() {
        run(out, &["--shard", &format!("{}/3", i + 1)]);
    }
    // Each article is in exactly one shard.
    let mut ids: Vec<String> =
        shards.iter().flat_map(|s| rows(&s.join("articles.csv")).into_iter().skip(1).map(|r| r[0].clone())).collect();
    ids.sort();
    let mut all: Vec<String> = rows(&whole.join("articles.csv")).into_iter().skip(1).map(|r| r[0].clone()).collect();
    all.sort();
    assert_eq!(ids, all);
    assert!(shards.iter().all(|s| rows(&s.join("articles.csv")).len() - 1 < all.len()), "no shard has them all");

    let merged = dir.path().join("merged");
    let args = ["merge", shards[2].to_str().unwrap(), shards[0].to_str().unwrap(), shards[1].to_str().unwrap()];
    let output = stancemap(&[&args[..], &["--out", merged.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for table in TABLES {
        assert_same_table(&whole.join(table), &merged.join(table));
    }
    assert_eq!(manifest(&merged)["counts"]["articles"], manifest(&whole)["counts"]["articles"]);
    assert_eq!(manifest(&merged)["counts"]["evidence"], manifest(&whole)["counts"]["evidence"]);

    // All N shards of one run, or nothing.
    let output = stancemap(&["merge", shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), "--out", "x"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("3/3"), "{}", String::from_utf8_lossy(&output.stderr));
    let other = dir.path().join("other");
    run(&other, &["--shard", "3/3", "--min-evidence", "2"]);
    let output = stancemap(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        other.to_str().unwrap(),
        "--out",
        "x",
    ]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("other options"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
