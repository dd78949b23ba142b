//! The trainer contract (src/train/contract.rs, scripts/gpu/contract.py): `stancemap encode stance` writes the ids
//! stancemap's own trainer and `run` give the model, and the card and names the Python GPU trainer writes its
//! model by; the Python side reads exactly that.

mod common;

use std::process::Command;

use common::{repo, stancemap};
use stancemap::model::card::{ModelCard, Pooling, Task};
use stancemap::model::{BaseEncoder, EncoderTokenizer};
use stancemap::stance::input::{StanceQuery, MAX_TOKENS};

/// A labeled example with holder and target marked, one by the author, one without a label (for distillation),
/// a broken line, and a passage far longer than the model's window with its target near the end.
fn fixture() -> String {
    let long = format!("{} Senator Okafor opposes the port deal.", "The council met again on Tuesday. ".repeat(120));
    let target_start = long.chars().count() - "port deal.".chars().count();
    let rows = [
        serde_json::json!({"id": "a", "text": "Okafor strongly opposes the port deal.", "holder": "Okafor",
            "holder_span": [0, 6], "target": "the port deal", "target_span": [24, 37], "label": "against",
            "source": "mine"}),
        serde_json::json!({"id": "b", "text": "The stadium is a waste of money.", "holder": null, "target": "stadium",
            "target_span": [4, 11], "label": "against", "source": "mine"}),
        serde_json::json!({"id": "c", "text": "Reyes praised the plan.", "holder": "Reyes", "holder_span": [0, 5],
            "target": "the plan", "target_span": [14, 22], "source": "silver"}),
        serde_json::json!({"id": "d", "text": long, "holder": "Okafor", "target": "port deal",
            "target_span": [target_start, target_start + 9], "label": "against", "source": "mine"}),
    ];
    let mut lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    lines.insert(2, "{not json".into());
    lines.join("\n") + "\n"
}

#[test]
fn encoded_files_hold_stancemaps_own_ids_and_the_python_side_reads_them_and_the_card() {
    let base = BaseEncoder::MiniLm;
    if !base.default_dir().join("model.safetensors").is_file() {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mine.jsonl");
    std::fs::write(&input, fixture()).unwrap();
    let out = dir.path().join("encoded");
    let output = stancemap(&["encode", "stance", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("mine.jsonl:3"), "the broken line is named: {said}");

    // Each row's ids are those stancemap's trainer and `run` compute for the example.
    let tokenizer = EncoderTokenizer::from_file(&base.default_dir().join("tokenizer.json")).unwrap();
    let written = std::fs::read_to_string(out.join("mine.ids.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = written.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 4);
    let examples: Vec<serde_json::Value> = fixture().lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    for (row, example) in rows.iter().zip(&examples) {
        let span = |key: &str| {
            example[key].as_array().map(|s| [s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize])
        };
        let query = StanceQuery {
            text: example["text"].as_str().unwrap(),
            holder: example["holder"].as_str(),
            holder_span: span("holder_span"),
            target: example["target"].as_str().unwrap(),
            target_span: span("target_span"),
        };
        let ids: Vec<i64> = row["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(ids, query.encode(&tokenizer).unwrap(), "{}", row["id"]);
        assert_eq!(row["label"], example.get("label").cloned().unwrap_or(serde_json::Value::Null));
    }
    let long: Vec<i64> = rows[3]["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(long.len() <= MAX_TOKENS && long.len() > MAX_TOKENS / 2, "a window of the long passage: {}", long.len());

    // The Python side reads the same ids, labels as indices of the card's labels, and writes the card stancemap
    // loads.
    let python = Command::new("python3")
        .arg(repo().join("scripts/gpu/contract.py"))
        .arg("check")
        .arg(&out)
        .output()
        .expect("python3 runs (a set-up requirement)");
    assert!(python.status.success(), "{}", String::from_utf8_lossy(&python.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&python.stdout).unwrap();
    let read = seen["rows"]["mine"].as_array().unwrap();
    assert_eq!(read.len(), rows.len());
    let labels: Vec<&str> = seen["labels"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(labels, ["favor", "against", "neutral"]);
    for (python_row, row) in read.iter().zip(&rows) {
        assert_eq!(python_row["ids"], row["ids"]);
        let index = python_row["label"].as_i64().unwrap();
        match row["label"].as_str() {
            Some(label) => assert_eq!(labels[index as usize], label),
            None => assert_eq!(index, -1, "a row without a label"),
        }
    }
    assert_eq!(seen["pad_id"].as_i64().unwrap(), 0, "MiniLM pads with [PAD], id 0");
    assert_eq!(seen["clipping"]["groups"], serde_json::json!(["encoder", "head"]));
    let card: ModelCard = serde_json::from_value(seen["card"].clone()).expect("stancemap reads the Python card");
    assert_eq!(card.base_encoder().unwrap(), base);
    let Task::Stance(stance) = &card.task else { panic!("a stance card: {card:?}") };
    assert_eq!(stance.pooling, Some(Pooling::Mean));
    assert!(stance.input.as_deref().is_some_and(|input| input.contains("<t>")));
    assert_eq!(
        card.adaptation.map(|a| a.stored_as()),
        Some(stancemap::model::delta::Adaptation::from_rank(4).stored_as())
    );
    assert_eq!(card.training.command, "contract.py check");
}

/// What `contract.py recipe MODEL` (train_stance.py --recipe) reads from a model's card.
fn python_recipe(model: &str) -> (bool, serde_json::Value, String) {
    let python = Command::new("python3")
        .arg(repo().join("scripts/gpu/contract.py"))
        .arg("recipe")
        .arg(repo().join(model))
        .output()
        .expect("python3 runs (a set-up requirement)");
    let stderr = String::from_utf8_lossy(&python.stderr).into_owned();
    (python.status.success(), serde_json::from_slice(&python.stdout).unwrap_or_default(), stderr)
}

#[test]
fn both_trainers_read_one_recipe_from_a_models_card() {
    use stancemap::model::delta::Adaptation;
    use stancemap::train::recipe::Recipe;
    // The accurate stance model, trained by train_stance.py on a GPU: stancemap's trainer reads what the Python
    // one reads.
    let rust = Recipe::of_model(&repo().join("models/stance-accurate")).unwrap();
    let (ok, python, stderr) = python_recipe("models/stance-accurate");
    assert!(ok, "{stderr}");
    assert_eq!(python["base"], rust.encoder.name());
    let rank = match rust.adaptation {
        Adaptation::Full => 0,
        Adaptation::Lora { rank, .. } => rank,
    };
    assert_eq!(python["lora_rank"], rank);
    assert_eq!(python["pooling"], serde_json::to_value(rust.pooling.unwrap()).unwrap());
    assert_eq!(python["epochs"], rust.epochs.unwrap());
    assert_eq!(python["batch_size"], rust.batch_size.unwrap());
    assert_eq!(python["lr"], rust.lr.unwrap());
    assert_eq!(python["warmup"], rust.warmup.unwrap());
    assert_eq!(python["weight_decay"], rust.weight_decay.unwrap());
    assert_eq!(python["seed"], rust.seed.unwrap());
    assert_eq!((rust.encoder, rank, rust.epochs), (BaseEncoder::Mpnet, 16, Some(3)));
    // The fast model is a soup: neither gives a recipe, and both say why.
    let (ok, _, stderr) = python_recipe("models/stance-fast");
    assert!(!ok && stderr.contains("soup"), "{stderr}");
    let rust = Recipe::of_model(&repo().join("models/stance-fast")).unwrap_err().to_string();
    assert!(rust.contains("soup"), "{rust}");
}
