//! Training, calibrating, saving, loading and scoring a stance classifier end to end on a small hand-made
//! fixture (`tests/fixtures/stance_small.jsonl`), and the shipped stance models on sentences whose stance is
//! plain. Needs the base encoders (scripts/setup.sh).

use std::path::{Path, PathBuf};

use stancemap::model::card::ModelCard;
use stancemap::model::card::Pooling;
use stancemap::model::delta::Adaptation;
use stancemap::model::BaseEncoder;
use stancemap::stance::evaluate::{evaluate, label_of, predict};
use stancemap::stance::example::{read_example_file, read_examples};
use stancemap::stance::input::StanceQuery;
use stancemap::stance::model::StanceModel;
use stancemap::train::stance::{train_stance, Distillation, StanceSource, StanceTrainOptions};
use stancemap::train::TrainLoop;
use stancemap::vocab::StanceLabel;
use tch::Device;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stance_small.jsonl")
}

fn base_installed() -> bool {
    let installed = BaseEncoder::MiniLm.default_dir().join("model.safetensors").is_file();
    if !installed {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
    }
    installed
}

fn options(out: PathBuf) -> StanceTrainOptions {
    StanceTrainOptions {
        train: vec![StanceSource { path: fixture(), weight: 1.0 }],
        dev: vec![fixture()],
        pooling: Pooling::First,
        distill: None,
        init: None,
        run: TrainLoop {
            encoder: BaseEncoder::MiniLm,
            base_dir: BaseEncoder::MiniLm.default_dir(),
            adaptation: Adaptation::Full,
            out,
            epochs: 10,
            batch_size: 4,
            lr: 3e-4,
            warmup: 0.1,
            weight_decay: 0.0,
            seed: 3,
            checkpoint_every: 0,
            resume: false,
            limit: None,
            stop_after: None,
            mixed_bf16: false,
            command: "cargo test".into(),
        },
    }
}

#[test]
fn a_tiny_run_learns_its_examples_and_the_saved_model_scores_the_same_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let report = train_stance(&options(out.path().to_path_buf())).unwrap();
    assert!(report.finished);
    assert_eq!(report.losses.len(), 10 * 2, "8 examples in batches of 4, 10 epochs");
    let early: f64 = report.losses[..2].iter().sum::<f64>() / 2.0;
    let late: f64 = report.losses[report.losses.len() - 2..].iter().sum::<f64>() / 2.0;
    assert!(late < early / 3.0, "loss fell from {early:.3} to only {late:.3}");
    let dev = report.dev.unwrap();
    assert!(dev.accuracy >= 0.75, "it learns its own examples: accuracy {}", dev.accuracy);

    // Loaded onto the base with its temperature, the model scores what it scored in training. The saved delta
    // is fp16 and the batches differ, so a probability may move in its fourth decimal (and an example on a
    // near tie could flip); a model loaded wrong scores far off.
    let model = StanceModel::load(out.path(), Device::Cpu).unwrap();
    let examples = read_examples(&fixture()).unwrap();
    let (scores, _) = evaluate(&model, &examples, 3).unwrap();
    let one_example = 1.0 / examples.len() as f64 + 1e-9;
    assert!(
        (scores.accuracy - dev.accuracy).abs() <= one_example,
        "saved {} vs trained {}",
        scores.accuracy,
        dev.accuracy
    );
    assert!(
        (scores.ece - dev.ece).abs() < 1e-3 + one_example * f64::from(scores.accuracy != dev.accuracy),
        "calibrated ECE {} vs {}",
        scores.ece,
        dev.ece
    );

    let card = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(card.labels, ["favor", "against", "neutral"]);
    let stance = card.stance(Path::new("trained")).expect("a stance card");
    let calibration = stance.calibration.clone().expect("the card records the calibration");
    assert!(calibration["temperature"].as_f64().unwrap() > 0.0);
    assert!((calibration["temperature"].as_f64().unwrap() - model.temperature).abs() < 1e-12);
    assert!(stance.input.as_deref().unwrap().contains("<t>"));
    for key in ["accuracy", "macro_f1", "f_avg", "per_class", "confusion", "n", "ece"] {
        assert!(card.dev.get(key).is_some(), "dev scores lack {key}");
    }
    let size = std::fs::metadata(out.path().join("model.safetensors")).unwrap().len();
    assert!(size < 25 * 1024 * 1024, "the delta is {size} bytes");
}

#[test]
fn a_stopped_run_resumes_and_adapters_merge_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let out = tempfile::tempdir().unwrap();
    let mut first = options(out.path().to_path_buf());
    first.run.epochs = 2; // 4 steps
    first.run.adaptation = Adaptation::Lora { rank: 4, alpha: 8.0 };
    first.run.lr = 2e-3;
    first.run.stop_after = Some(3);
    let stopped = train_stance(&first).unwrap();
    assert!(!stopped.finished);
    assert_eq!(stopped.losses.len(), 3);
    let mut second = first.clone();
    second.run.stop_after = None;
    second.run.resume = true;
    let resumed = train_stance(&second).unwrap();
    assert!(resumed.finished);
    assert_eq!(resumed.losses.len(), 1, "only the remaining step runs");
    // The adapters, merged at load time, compute what they computed in training.
    let model = StanceModel::load(out.path(), Device::Cpu).unwrap();
    let (scores, _) = evaluate(&model, &read_examples(&fixture()).unwrap(), 8).unwrap();
    let dev = resumed.dev.unwrap();
    let one_example = 1.0 / 8.0 + 1e-9;
    assert!(
        (scores.accuracy - dev.accuracy).abs() <= one_example,
        "merged {} vs trained {}",
        scores.accuracy,
        dev.accuracy
    );
    assert!((scores.ece - dev.ece).abs() < 1e-3 + one_example * f64::from(scores.accuracy != dev.accuracy));
    let size = std::fs::metadata(out.path().join("model.safetensors")).unwrap().len();
    assert!(size < 2 * 1024 * 1024, "adapters, norms and head only: {size} bytes");
}

#[test]
fn a_student_distilled_with_alpha_zero_learns_the_teachers_labels_not_the_gold_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let teacher_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/stance-fast");
    let examples = read_examples(&fixture()).unwrap();
    let queries: Vec<StanceQuery> = examples.iter().map(StanceQuery::of).collect();
    let teacher = StanceModel::load(&teacher_dir, Device::Cpu).unwrap();
    let taught: Vec<StanceLabel> = predict(&teacher, &queries, 8).unwrap().iter().map(label_of).collect();
    assert!(taught.iter().filter(|&&l| l != StanceLabel::Neutral).count() >= 4, "{taught:?}");

    // Gold labels that all say neutral: with alpha 0 only the teacher is heard.
    let dir = tempfile::tempdir().unwrap();
    let neutral = dir.path().join("all-neutral.jsonl");
    let text = std::fs::read_to_string(fixture()).unwrap();
    let text = text.replace("\"label\": \"favor\"", "\"label\": \"neutral\"");
    std::fs::write(&neutral, text.replace("\"label\": \"against\"", "\"label\": \"neutral\"")).unwrap();
    assert!(read_examples(&neutral).unwrap().iter().all(|e| e.label == StanceLabel::Neutral));
    let out = dir.path().join("student");
    let mut run = options(out.clone());
    run.train = vec![StanceSource { path: neutral, weight: 1.0 }];
    run.distill = Some(Distillation { teacher: teacher_dir, alpha: 0.0, temperature: 2.0 });
    let report = train_stance(&run).unwrap();
    assert!(report.finished);
    let student = StanceModel::load(&out, Device::Cpu).unwrap();
    let learnt: Vec<StanceLabel> = predict(&student, &queries, 8).unwrap().iter().map(label_of).collect();
    let agree = learnt.iter().zip(&taught).filter(|(a, b)| a == b).count();
    // At least 6 of 8: the gold says neutral for all of them, so that is the teacher heard, with room for one
    // example that trains another way on another CPU's kernels.
    assert!(agree >= 6, "the student follows the teacher: {learnt:?} vs {taught:?}");
    // The teacher's probabilities are kept beside the checkpoint for --resume.
    let kept = tch::Tensor::read_safetensors(out.join("checkpoint.teacher.safetensors")).unwrap();
    assert_eq!(kept[0].1.size(), [8, 3]);
}

#[test]
fn bad_lines_are_named_with_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl");
    let good = std::fs::read_to_string(fixture()).unwrap().lines().next().unwrap().to_string();
    let outside = good.replace("[8,18]", "[8,999]").replace("[8, 18]", "[8, 999]");
    let mut bytes = format!("{good}\n{outside}\n{{\"id\": \"x\"\n\n").into_bytes();
    bytes.extend_from_slice(b"{\"text\": \"caf\xe9\"}\n");
    bytes.extend_from_slice(format!("{good}\n").as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let read = read_example_file(&path).unwrap();
    assert_eq!(read.examples.len(), 2, "both good lines are kept");
    assert_eq!(read.skipped.len(), 3, "{:?}", read.skipped);
    assert!(read.skipped[0].contains("bad.jsonl:2") && read.skipped[0].contains("holder_span"), "{:?}", read.skipped);
    assert!(read.skipped[1].contains("bad.jsonl:3"), "{:?}", read.skipped);
    assert!(read.skipped[2].contains("bad.jsonl:5") && read.skipped[2].contains("UTF-8"), "{:?}", read.skipped);
    assert_eq!(read_examples(&path).unwrap().len(), 2);

    // A file with no example in it, and a binary file, are errors that name the file.
    std::fs::write(&path, "{\"id\": \"x\"\n").unwrap();
    let error = format!("{:#}", read_examples(&path).unwrap_err());
    assert!(error.contains("bad.jsonl") && error.contains("no stance examples"), "{error}");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let error = format!("{:#}", read_examples(&path).unwrap_err());
    assert!(error.contains("bad.jsonl") && error.contains("binary"), "{error}");
}

/// Sentences written for this test, in news style, whose stance a reader sees at once: denounced/criticised ->
/// against, praised/welcomed -> favor, met/will discuss -> neutral; holder before the target and after it
/// (passive voice), one meeting asked both ways, and the author as holder.
const PLAIN: &[(&str, Option<&str>, &str, StanceLabel)] = &[
    (
        "Senator Grace Okafor strongly opposes the port deal, saying it would cost hundreds of jobs.",
        Some("Grace Okafor"),
        "the port deal",
        StanceLabel::Against,
    ),
    (
        "The port deal was sharply criticised by Senator Grace Okafor on Monday.",
        Some("Grace Okafor"),
        "The port deal",
        StanceLabel::Against,
    ),
    (
        "Mayor Luis Ortega praised the new tram line as a great success for the city.",
        Some("Luis Ortega"),
        "the new tram line",
        StanceLabel::Favor,
    ),
    (
        "The new tram line was praised by Mayor Luis Ortega as a great success.",
        Some("Luis Ortega"),
        "The new tram line",
        StanceLabel::Favor,
    ),
    (
        "Prime Minister Helen Marsh met President Arturo Vidal in Lisbon on Tuesday.",
        Some("Helen Marsh"),
        "Arturo Vidal",
        StanceLabel::Neutral,
    ),
    (
        "Prime Minister Helen Marsh met President Arturo Vidal in Lisbon on Tuesday.",
        Some("Arturo Vidal"),
        "Helen Marsh",
        StanceLabel::Neutral,
    ),
    (
        "Union leader Sam Botha denounced the mining company for cutting wages.",
        Some("Sam Botha"),
        "the mining company",
        StanceLabel::Against,
    ),
    (
        "The Green Party welcomed the climate bill and urged parliament to pass it quickly.",
        Some("The Green Party"),
        "the climate bill",
        StanceLabel::Favor,
    ),
    (
        "Farmers' groups rejected the trade agreement, warning it would ruin small farms.",
        Some("Farmers' groups"),
        "the trade agreement",
        StanceLabel::Against,
    ),
    (
        "Foreign Minister Nadia Karim backed the ceasefire proposal put forward by Egypt.",
        Some("Nadia Karim"),
        "the ceasefire proposal",
        StanceLabel::Favor,
    ),
    (
        "The committee will publish its report on the railway project next month.",
        None,
        "the railway project",
        StanceLabel::Neutral,
    ),
    (
        "Opposition leader Piotr Nowak accused the government of lying about the hospital closures.",
        Some("Piotr Nowak"),
        "the government",
        StanceLabel::Against,
    ),
    (
        "Chancellor Emma Lind applauded the central bank's decision to cut interest rates.",
        Some("Emma Lind"),
        "the central bank's decision to cut interest rates",
        StanceLabel::Favor,
    ),
    (
        "Senator Alma Reyes strongly condemned the tax increase, calling it a disaster for families.",
        Some("Alma Reyes"),
        "the tax increase",
        StanceLabel::Against,
    ),
    (
        "Alma Reyes said she wholeheartedly supports the peace agreement and urged others to back it.",
        Some("Alma Reyes"),
        "the peace agreement",
        StanceLabel::Favor,
    ),
    ("The council will meet on Thursday to discuss the budget.", None, "the budget", StanceLabel::Neutral),
    (
        "Governor Tom Hale praised the new hospital as a wonderful achievement for the city.",
        Some("Tom Hale"),
        "the new hospital",
        StanceLabel::Favor,
    ),
    (
        "Protesters denounced the corrupt regime and demanded its immediate resignation.",
        Some("Protesters"),
        "the corrupt regime",
        StanceLabel::Against,
    ),
];

#[test]
fn the_shipped_stance_models_read_plain_stances_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    for tier in ["stance-fast", "stance-accurate"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join(tier);
        if !dir.join("card.json").is_file() {
            eprintln!("{tier} not shipped yet");
            continue;
        }
        let model = StanceModel::load(&dir, Device::Cpu).unwrap();
        let span = |text: &str, name: &str| {
            text.find(name).map(|b| text[..b].chars().count()).map(|c| [c, c + name.chars().count()])
        };
        let queries: Vec<StanceQuery> = PLAIN
            .iter()
            .map(|&(text, holder, target, _)| StanceQuery {
                text,
                holder,
                holder_span: holder.and_then(|h| span(text, h)),
                target,
                target_span: span(text, target),
            })
            .collect();
        let predicted = predict(&model, &queries, 8).unwrap();
        for ((text, _, _, gold), p) in PLAIN.iter().zip(&predicted) {
            assert_eq!(label_of(p), *gold, "{tier}: {text} -> {p:?}");
            let sum: f32 = p.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4);
        }
    }
}

#[test]
fn init_starts_from_a_trained_model_and_the_card_says_so_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    tch::set_num_threads(2);
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/stance-fast");
    // One step at a learning rate too small to move anything: the model is the shipped one, so it knows the
    // plain sentences a bare base cannot tell apart.
    let out = tempfile::tempdir().unwrap();
    let mut options = options(out.path().to_path_buf());
    options.init = Some(shipped.clone());
    options.run.epochs = 1;
    options.run.batch_size = 8;
    options.run.lr = 1e-12;
    let report = train_stance(&options).unwrap();
    assert!(report.finished);
    let trained = StanceModel::load(out.path(), Device::Cpu).unwrap();
    let original = StanceModel::load(&shipped, Device::Cpu).unwrap();
    let queries: Vec<StanceQuery> = PLAIN
        .iter()
        .map(|&(text, holder, target, _)| StanceQuery { text, holder, holder_span: None, target, target_span: None })
        .collect();
    let labels = |model: &StanceModel| -> Vec<StanceLabel> {
        predict(model, &queries, 8).unwrap().iter().map(label_of).collect()
    };
    assert_eq!(labels(&trained), labels(&original));
    let card = ModelCard::read(&out.path().join("card.json")).unwrap();
    assert_eq!(card.training.more["started_from"]["task"], "stance", "the card keeps where it started");

    // Another encoder's model cannot start a MiniLM fine-tuning.
    let mut options = options.clone();
    options.init = Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/stance-accurate"));
    options.run.out = out.path().join("other");
    let error = format!("{:#}", train_stance(&options).err().expect("refused"));
    assert!(error.contains("--init") && error.contains("same encoder"), "{error}");
}
