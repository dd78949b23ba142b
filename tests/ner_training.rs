//! Training and evaluating an entity model end to end on a small hand-made CoNLL fixture
//! (`tests/fixtures/ner_small.conll`, written for these tests). Needs the base encoders (scripts/setup.sh).

use std::path::PathBuf;

use stancemap::model::card::ModelCard;
use stancemap::model::BaseEncoder;
use stancemap::ner::conll::ConllOptions;
use stancemap::ner::evaluate::evaluate_file;
use stancemap::ner::model::{Adaptation, EntityModel};
use stancemap::train::ner::{train_ner, NerTrainOptions, TrainReport, TrainSource};
use stancemap::train::TrainLoop;
use tch::Device;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ner_small.conll")
}

/// Whether the base encoders are installed; says why the test is skipped when not.
fn base_installed() -> bool {
    let installed = BaseEncoder::MiniLm.default_dir().join("model.safetensors").is_file();
    if !installed {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
    }
    installed
}

fn options(out: PathBuf) -> NerTrainOptions {
    NerTrainOptions {
        train: vec![TrainSource { path: fixture(), options: ConllOptions::default(), label_map: None }],
        dev: fixture(),
        word_shape: true,
        run: TrainLoop {
            encoder: BaseEncoder::MiniLm,
            base_dir: BaseEncoder::MiniLm.default_dir(),
            adaptation: Adaptation::Full,
            out,
            epochs: 8,
            batch_size: 2,
            lr: 5e-4,
            warmup: 0.1,
            weight_decay: 0.0,
            seed: 1,
            checkpoint_every: 0,
            resume: false,
            limit: None,
            stop_after: None,
            mixed_bf16: false,
            command: "cargo test".into(),
        },
    }
}

/// The loss of the last three steps is under a third of the first three's, and the model tags its own training
/// sentences.
fn assert_it_learned(report: &TrainReport) {
    let early: f64 = report.losses[..3].iter().sum::<f64>() / 3.0;
    let late: f64 = report.losses[report.losses.len() - 3..].iter().sum::<f64>() / 3.0;
    assert!(late < early / 3.0, "loss fell from {early:.3} to only {late:.3}");
    assert!(report.dev.f1 > 0.5, "it learns its own training sentences: F1 {}", report.dev.f1);
}

#[test]
fn a_tiny_training_run_lowers_the_loss_and_its_saved_model_scores_the_same_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let report = train_ner(&options(out.path().to_path_buf())).unwrap();
    assert_eq!(report.losses.len(), 8 * 3, "6 sentences in batches of 2, 8 epochs");
    assert_it_learned(&report);

    // The saved delta, loaded onto the base, gives the same scores as the model in training did.
    let loaded = EntityModel::load(out.path(), Device::Cpu).unwrap();
    let scores = evaluate_file(&loaded, &fixture(), 4).unwrap();
    // fp16 deltas and other batches can move a score in its fourth decimal and flip an entity on a near tie; a
    // delta loaded wrong scores far off.
    assert!((scores.f1 - report.dev.f1).abs() < 0.1, "saved {} vs trained {}", scores.f1, report.dev.f1);
    assert_eq!(scores.n_sentences, 6);

    let card = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(card.base.sha256, BaseEncoder::MiniLm.weights_sha256());
    assert_eq!(card.labels.len(), 9);
    let size = std::fs::metadata(out.path().join("model.safetensors")).unwrap().len();
    assert!(size < 25 * 1024 * 1024, "the delta is {size} bytes");
}

#[test]
fn a_mixed_precision_run_learns_as_well_and_its_card_says_so_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let mut mixed = options(out.path().to_path_buf());
    mixed.run.mixed_bf16 = true;
    let report = train_ner(&mixed).unwrap();
    assert_it_learned(&report);
    let card = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(card.training.options["mixed_bf16"], true);
    // The model it saves is an ordinary one: fp32 head, fp16 delta, loaded and run in fp32.
    let loaded = EntityModel::load(out.path(), Device::Cpu).unwrap();
    let scores = evaluate_file(&loaded, &fixture(), 4).unwrap();
    assert!((scores.f1 - report.dev.f1).abs() < 0.1, "saved {} vs trained {}", scores.f1, report.dev.f1);
}

#[test]
fn a_model_on_another_base_or_with_other_labels_is_refused_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let mut o = options(out.path().to_path_buf());
    o.run.epochs = 1;
    train_ner(&o).unwrap();
    let card_path = out.path().join("card.json");
    let card = std::fs::read_to_string(&card_path).unwrap();
    std::fs::write(&card_path, card.replace(BaseEncoder::MiniLm.weights_sha256(), &"0".repeat(64))).unwrap();
    let error = EntityModel::load(out.path(), Device::Cpu).err().expect("a base mismatch is an error").to_string();
    assert!(error.contains("sha256"), "{error}");
}

#[test]
fn a_stopped_run_resumes_where_it_stopped_and_finishes_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let mut first = options(out.path().to_path_buf());
    first.run.epochs = 2; // 6 steps
    first.run.stop_after = Some(4);
    let stopped = train_ner(&first).unwrap();
    assert!(!stopped.finished);
    assert_eq!(stopped.losses.len(), 4);
    assert!(out.path().join("checkpoint.json").is_file());
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("checkpoint.json")).unwrap()).unwrap();
    assert_eq!(state["step"], 4);
    assert_eq!(state["epoch"], 1);
    assert_eq!(state["batch_in_epoch"], 1);

    let mut second = first.clone();
    second.run.stop_after = None;
    second.run.resume = true;
    let resumed = train_ner(&second).unwrap();
    assert!(resumed.finished);
    assert_eq!(resumed.losses.len(), 2, "only the two remaining steps run");
    assert!(EntityModel::load(out.path(), Device::Cpu).is_ok());

    // Resuming with other options is refused rather than silently mixing runs.
    let mut other = second.clone();
    other.run.epochs = 3;
    let error = train_ner(&other).err().expect("a mismatched resume fails").to_string();
    assert!(error.contains("steps"), "{error}");
}

#[test]
fn adapters_trained_then_merged_give_the_same_scores_in_a_small_file_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let mut o = options(out.path().to_path_buf());
    o.run.adaptation = Adaptation::Lora { rank: 4, alpha: 8.0 };
    o.run.lr = 2e-3;
    let report = train_ner(&o).unwrap();
    let early: f64 = report.losses[..3].iter().sum::<f64>() / 3.0;
    let late: f64 = report.losses[report.losses.len() - 3..].iter().sum::<f64>() / 3.0;
    assert!(late < early / 2.0, "loss fell from {early:.3} to only {late:.3}");
    // Merged into the weights at load time, the adapters compute what they computed in training.
    let loaded = EntityModel::load(out.path(), Device::Cpu).unwrap();
    let scores = evaluate_file(&loaded, &fixture(), 4).unwrap();
    assert!((scores.f1 - report.dev.f1).abs() < 0.1, "merged {} vs trained {}", scores.f1, report.dev.f1);
    let size = std::fs::metadata(out.path().join("model.safetensors")).unwrap().len();
    assert!(size < 2 * 1024 * 1024, "adapters, norms and head only: {size} bytes");
    let card = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(card.adaptation, Some(Adaptation::Lora { rank: 4, alpha: 8.0 }));
}

#[test]
fn a_recipe_trains_as_its_model_was_trained_and_flags_beside_it_win_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    // A model whose card says: MiniLM with rank-2 adapters, 1 epoch, batch 4, lr 2e-4, seed 7, no word shape.
    let model = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("models/attribution-fast/card.json")).unwrap())
            .unwrap();
    card["adaptation"] = serde_json::json!({"kind": "lora", "rank": 2, "alpha": 4.0});
    let options = card["training"]["options"].as_object_mut().unwrap();
    for (key, value) in [
        ("epochs", serde_json::json!(1)),
        ("batch_size", serde_json::json!(4)),
        ("lr", serde_json::json!(2e-4)),
        ("seed", serde_json::json!(7)),
        ("word_shape", serde_json::json!(false)),
    ] {
        options.insert(key.into(), value);
    }
    std::fs::write(model.path().join("card.json"), card.to_string()).unwrap();

    let out = tempfile::tempdir().unwrap();
    let fixture = fixture();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(["--threads", "2", "train", "ner", "--train"])
        .arg(&fixture)
        .arg("--dev")
        .arg(&fixture)
        .arg("--recipe")
        .arg(model.path())
        .args(["--batch-size", "2", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let trained = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(trained.adaptation, Some(Adaptation::from_rank(2)), "the recipe's adaptation");
    let options = &trained.training.options;
    assert_eq!(options["epochs"], 1, "the recipe's epochs");
    assert_eq!(options["lr"], 2e-4);
    assert_eq!(options["seed"], 7);
    assert_eq!(options["word_shape"], false);
    assert_eq!(options["batch_size"], 2, "a flag given beside the recipe wins");

    // A soup has no recipe, and the trainer says so before it trains anything.
    let soup = std::process::Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(["train", "stance", "--train", "x.jsonl", "--dev", "x.jsonl", "--recipe"])
        .arg(repo.join("models/stance-fast"))
        .arg("--out")
        .arg(out.path().join("soup"))
        .output()
        .unwrap();
    assert!(!soup.status.success());
    assert!(String::from_utf8_lossy(&soup.stderr).contains("soup"), "{}", String::from_utf8_lossy(&soup.stderr));
}
