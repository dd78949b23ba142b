//! The stance commands as a user runs them: `stancemap stance` on one sentence, `eval stance --json` on a
//! labeled file, with the shipped fast model. Needs the base encoders (scripts/setup.sh).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn stancemap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stancemap")).args(args).output().expect("the stancemap binary runs")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn base_installed() -> bool {
    let installed = repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file();
    if !installed {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
    }
    installed
}

fn fast_model() -> String {
    repo().join("models/stance-fast").display().to_string()
}

/// What `stancemap stance TEXT --holder HOLDER --target TARGET` prints with the shipped fast model.
fn stance_line(text: &str, holder: &str, target: &str) -> String {
    let model = fast_model();
    let output =
        stancemap(&["--threads", "2", "stance", text, "--holder", holder, "--target", target, "--model", &model]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn stance_prints_the_label_and_three_probabilities_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let stdout = stance_line(
        "Senator Alma Reyes strongly condemned the tax increase, calling it a disaster for families.",
        "Alma Reyes",
        "the tax increase",
    );
    let fields: Vec<&str> = stdout.trim().split('\t').collect();
    assert_eq!(fields[0], "against", "{stdout}");
    let probabilities: Vec<f64> = fields[1..].iter().map(|f| f.rsplit(' ').next().unwrap().parse().unwrap()).collect();
    assert_eq!(probabilities.len(), 3, "{stdout}");
    assert!((probabilities.iter().sum::<f64>() - 1.0).abs() < 0.01, "{stdout}");
    assert!(probabilities[1] > probabilities[0] && probabilities[1] > probabilities[2], "{stdout}");
}

#[test]
fn stance_marks_the_target_as_a_whole_word_not_inside_a_longer_one_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    // "Russia" first occurs inside "Russian": marking that gave neutral (p_neutral .53) for a plain condemnation.
    let stdout = stance_line("Russian troops massed on the border as Poland condemned Russia.", "Poland", "Russia");
    assert!(stdout.starts_with("against\t"), "{stdout}");
}

#[test]
fn eval_stance_json_has_the_documented_keys_and_a_breakdown_per_source_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("two-sources.jsonl");
    let fixture = std::fs::read_to_string(repo().join("tests/fixtures/stance_small.jsonl")).unwrap();
    let mut lines: Vec<String> = fixture.lines().map(String::from).collect();
    let mut first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    first["source"] = "other".into();
    lines[0] = first.to_string();
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let output = stancemap(&["eval", "stance", "--data", data.to_str().unwrap(), "--model", &fast_model(), "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in ["accuracy", "macro_f1", "f_avg", "per_class", "confusion", "n", "ece"] {
        assert!(scores.get(key).is_some(), "no {key} in {scores}");
    }
    assert_eq!(scores["n"], 8);
    let confusion_total: u64 = ["favor", "against", "neutral"]
        .iter()
        .flat_map(|g| ["favor", "against", "neutral"].map(|p| scores["confusion"][g][p].as_u64().unwrap()))
        .sum();
    assert_eq!(confusion_total, 8);
    assert_eq!(scores["per_source"]["other"]["n"], 1);
    assert_eq!(scores["per_source"]["fixture"]["n"], 7);
    assert_eq!(scores["per_class"]["neutral"]["support"], 2);

    // Several files are scored together, each example under its source.
    let both = stancemap(&[
        "eval",
        "stance",
        "--data",
        data.to_str().unwrap(),
        repo().join("tests/fixtures/stance_small.jsonl").to_str().unwrap(),
        "--model",
        &fast_model(),
        "--json",
    ]);
    assert!(both.status.success(), "{}", String::from_utf8_lossy(&both.stderr));
    let both: serde_json::Value = serde_json::from_slice(&both.stdout).unwrap();
    assert_eq!(
        (&both["n"], &both["per_source"]["fixture"]["n"], &both["per_source"]["other"]["n"]),
        (&16.into(), &15.into(), &1.into())
    );

    let missing = stancemap(&["eval", "stance", "--data", "no-such.jsonl", "--model", &fast_model()]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.jsonl"));
}

#[test]
fn eval_stance_writes_predictions_that_import_evidence_reads_back_after_a_correction_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("with-a-bad-line.jsonl");
    let fixture = std::fs::read_to_string(repo().join("tests/fixtures/stance_small.jsonl")).unwrap();
    std::fs::write(&data, format!("{fixture}{{\"id\": \"broken\"\n")).unwrap();
    let predictions = dir.path().join("predictions.csv");
    let output = stancemap(&[
        "eval",
        "stance",
        "--data",
        data.to_str().unwrap(),
        "--model",
        &fast_model(),
        "--json",
        "--predictions",
        predictions.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("with-a-bad-line.jsonl:9"), "the bad line is named and left out: {stderr}");
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((&scores["n"], &scores["skipped"]), (&8.into(), &1.into()));

    let mut reader = csv::Reader::from_path(&predictions).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name}"));
    let labels = ["favor", "against", "neutral"];
    let mut right = 0;
    for row in &rows {
        let p: Vec<f64> = ["p_favor", "p_against", "p_neutral"].map(|c| row[column(c)].parse().unwrap()).to_vec();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-3, "{row:?}");
        let top = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(&row[column("predicted")], labels[top], "{row:?}");
        let correct = row[column("label")] == row[column("predicted")];
        assert_eq!(&row[column("correct")], if correct { "yes" } else { "no" });
        right += usize::from(correct);
    }
    assert!((scores["accuracy"].as_f64().unwrap() - right as f64 / 8.0).abs() < 1e-9);
    assert_eq!(&rows[0][column("evidence_id")], "s1");
    assert_eq!((&rows[0][column("actor_surface")], &rows[2][column("actor_surface")]), ("Alma Reyes", ""));

    // A reader corrects one gold label in the spreadsheet and imports the file back as training data.
    let corrected = dir.path().join("corrected.csv");
    let mut writer = csv::Writer::from_path(&corrected).unwrap();
    writer.write_record(&header).unwrap();
    for (index, row) in rows.iter().enumerate() {
        let mut cells: Vec<&str> = row.iter().collect();
        if index == 2 {
            cells[column("label")] = "against";
        }
        writer.write_record(&cells).unwrap();
    }
    writer.flush().unwrap();
    let back = dir.path().join("back.jsonl");
    let output = stancemap(&["import", "evidence", corrected.to_str().unwrap(), "--out", back.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let back: Vec<serde_json::Value> =
        std::fs::read_to_string(&back).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let original: Vec<serde_json::Value> = fixture.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(back.len(), 8);
    for (index, (back, original)) in back.iter().zip(&original).enumerate() {
        assert_eq!(
            (&back["text"], &back["holder"], &back["target"]),
            (&original["text"], &original["holder"], &original["target"])
        );
        let label = if index == 2 { "against".into() } else { original["label"].clone() };
        assert_eq!(back["label"], label, "row {index}");
    }
}

#[test]
fn import_cues_labels_a_holder_issue_pair_by_its_cue_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cues.jsonl");
    let corpus = repo().join("tests/fixtures/stance_corpus");
    let output =
        stancemap(&["--threads", "2", "import", "cues", corpus.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("2 read, 1 converted"));
    let lines = std::fs::read_to_string(&out).unwrap();
    let examples: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // "Senator Paul Okafor voted against the port deal": the only cue whose object is not a name.
    assert_eq!(examples.len(), 1, "{examples:#?}");
    let example = &examples[0];
    assert_eq!(example["holder"], "Paul Okafor");
    assert_eq!(example["target"], "port deal");
    assert_eq!(example["label"], "against");
    assert_eq!(example["source"], "cues");
    let text = example["text"].as_str().unwrap();
    let span = |key: &str| {
        let [start, end] = [0, 1].map(|i| example[key][i].as_u64().unwrap() as usize);
        text.chars().skip(start).take(end - start).collect::<String>()
    };
    assert_eq!((span("holder_span"), span("target_span")), ("Paul Okafor".into(), "port deal".into()));
}

#[test]
fn calibrate_stance_refits_the_temperature_into_the_card_and_leaves_weights_and_labels_alone_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("stance-fast");
    std::fs::create_dir(&model).unwrap();
    for file in ["card.json", "model.safetensors"] {
        std::fs::copy(repo().join("models/stance-fast").join(file), model.join(file)).unwrap();
    }
    let weights_before = std::fs::read(model.join("model.safetensors")).unwrap();
    let card_before: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("card.json")).unwrap()).unwrap();
    let fixture = repo().join("tests/fixtures/stance_small.jsonl");
    let fixture = fixture.to_str().unwrap();
    let model_arg = model.to_str().unwrap();

    let eval = |model: &str| -> serde_json::Value {
        let output = stancemap(&["eval", "stance", "--data", fixture, "--model", model, "--json"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let before = eval(model_arg);
    let output = stancemap(&["calibrate", "stance", "--model", model_arg, "--dev", fixture]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("temperature"));

    let card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("card.json")).unwrap()).unwrap();
    assert_eq!(card["calibration"]["fitted_on"], 8);
    assert_eq!(card["dev"]["n"], 8, "the card's dev scores are those of the new dev data");
    let (old_t, new_t) = (
        card_before["calibration"]["temperature"].as_f64().unwrap(),
        card["calibration"]["temperature"].as_f64().unwrap(),
    );
    assert!((old_t - new_t).abs() > 1e-3, "temperature {old_t} -> {new_t}");
    assert_eq!(card["training"], card_before["training"], "how it was trained stays recorded");
    assert_eq!(std::fs::read(model.join("model.safetensors")).unwrap(), weights_before);

    // A temperature changes how sure the model is, never which label wins.
    let after = eval(model_arg);
    assert_eq!(after["confusion"], before["confusion"]);
    assert_ne!(after["ece"], before["ece"]);

    let missing = stancemap(&["calibrate", "stance", "--model", model_arg, "--dev", "no-such.jsonl"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.jsonl"));
}

#[test]
fn device_cuda_without_a_gpu_stops_with_a_message_saying_why() {
    let output = stancemap(&["--device", "cuda", "stance", "Ida Berg praised the plan.", "--target", "the plan"]);
    if output.status.success() {
        return; // this build sees a CUDA GPU
    }
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("--device cuda") && said.contains("no CUDA GPU"), "{said}");
}

#[test]
fn bf16_precision_runs_in_bf16_and_gives_the_fp32_label_with_close_probabilities_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    // Whether bf16 ran is read from the weights' own number format, never from rounding: on a CPU with AVX-512
    // BF16 the two precisions printed the same probabilities to three decimals.
    let ask = |precision: &str| -> serde_json::Value {
        let text = "Governor Tom Hale attacked the climate bill, calling it a job killer.";
        let output = stancemap(&[
            "--threads",
            "2",
            "--device",
            "cpu",
            "--precision",
            precision,
            "stance",
            text,
            "--holder",
            "Tom Hale",
            "--target",
            "the climate bill",
            "--model",
            &fast_model(),
            "--json",
        ]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("one JSON object")
    };
    let (fp32, bf16) = (ask("fp32"), ask("bf16"));
    assert_eq!((fp32["precision"].as_str(), bf16["precision"].as_str()), (Some("fp32"), Some("bf16")));
    assert_eq!(ask("auto")["precision"], common::cpu_default_precision(), "auto: bf16 on a CPU with AMX, else fp32");
    assert_eq!(fp32["label"], "against");
    assert_eq!(bf16["label"], fp32["label"]);
    let p = |answer: &serde_json::Value| -> Vec<f64> {
        ["p_favor", "p_against", "p_neutral"].iter().map(|k| answer[k].as_f64().expect("a probability")).collect()
    };
    let (p32, p16) = (p(&fp32), p(&bf16));
    assert!((p16.iter().sum::<f64>() - 1.0).abs() < 1e-3, "{p16:?}");
    for (a, b) in p32.iter().zip(&p16) {
        assert!((a - b).abs() < 0.05, "fp32 {p32:?} bf16 {p16:?}");
    }
}

#[test]
fn int8_precision_runs_on_int8_weights_and_gives_the_fp32_labels_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    // Clear cases, each answered with a probability of .7 or more in fp32, so that the labels do not rest on one
    // machine's rounding; whether int8 ran is read from the weights, not from the numbers.
    let cases = [
        ("Governor Tom Hale attacked the climate bill, calling it a job killer.", "Tom Hale", "the climate bill"),
        ("Germany strongly condemned Russia's invasion of Ukraine.", "Germany", "Russia"),
    ];
    let ask = |precision: &str, (text, holder, target): (&str, &str, &str)| -> serde_json::Value {
        let output = stancemap(&[
            "--threads",
            "2",
            "--device",
            "cpu",
            "--precision",
            precision,
            "stance",
            text,
            "--holder",
            holder,
            "--target",
            target,
            "--model",
            &fast_model(),
            "--json",
        ]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("one JSON object")
    };
    for case in cases {
        let (fp32, int8) = (ask("fp32", case), ask("int8", case));
        assert_eq!(int8["precision"], "int8", "{int8}");
        assert_eq!(fp32["label"], "against", "{fp32}");
        assert_eq!(int8["label"], fp32["label"], "{case:?}: fp32 {fp32} int8 {int8}");
        let sum: f64 = ["p_favor", "p_against", "p_neutral"].iter().map(|k| int8[k].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-3, "{int8}");
    }
}

#[test]
fn stance_refuses_an_empty_text_holder_or_target() {
    for (args, named) in [
        (["stance", "", "--target", "the plan"].as_slice(), "the text"),
        (["stance", "Ida Berg praised the plan.", "--target", " "].as_slice(), "--target"),
        (["stance", "Ida Berg praised the plan.", "--holder", "", "--target", "the plan"].as_slice(), "--holder"),
    ] {
        let output = stancemap(args);
        assert!(!output.status.success(), "{args:?}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(named) && said.contains("empty"), "{args:?}: {said}");
    }
}

#[test]
fn import_articles_labels_the_questions_of_a_users_gold_rows_by_their_evidence_needs_base_encoders() {
    if !base_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("port.txt"),
        "Port deal splits council\n\nSenator Grace Okafor strongly opposes the port deal. Okafor spoke to \
         reporters about the port deal on Tuesday. Mayor Lena Hart met Ambassador Omar Diallo in Valmora.",
    )
    .unwrap();
    let gold = dir.path().join("gold.csv");
    std::fs::write(
        &gold,
        "article_file,holder,holder_aliases,target,target_aliases,target_kind,stance,evidence\n\
         port.txt,Grace Okafor,Okafor,the port deal,port deal,issue,against,Senator Grace Okafor strongly opposes \
         the port deal.\n",
    )
    .unwrap();
    let out = dir.path().join("examples.jsonl");
    let args = ["import", "articles", gold.to_str().unwrap(), "--corpus", corpus.to_str().unwrap()];
    let output = stancemap(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let examples: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let label_of = |holder: &str, target: &str, sentence: &str| -> Vec<String> {
        examples
            .iter()
            .filter(|e| {
                e["holder"].as_str().is_some_and(|h| h.contains(holder))
                    && e["target"].as_str().is_some_and(|t| t.contains(target))
                    && e["text"].as_str().is_some_and(|t| t.contains(sentence))
            })
            .map(|e| e["label"].as_str().unwrap().to_string())
            .collect()
    };
    // The evidence sentence gives the row's stance; the same pair in another sentence is left out (it may or may
    // not show the stance); a pair no row names holds none.
    assert_eq!(label_of("Okafor", "port deal", "strongly opposes"), ["against"], "{examples:#?}");
    assert!(label_of("Okafor", "port deal", "spoke to reporters").is_empty(), "{examples:#?}");
    assert_eq!(label_of("Hart", "Diallo", "met Ambassador"), ["neutral"], "{examples:#?}");
    assert!(examples.iter().all(|e| e["source"] == "articles"));
    assert!(stdout.contains("candidate recall, issue targets: 1 of 1"), "{stdout}");
    // The same rows as issue spans for the issue tagger: "port deal" wherever it is written.
    let conll = dir.path().join("issues.conll");
    let output = stancemap(&[&args[..], &["--issues", conll.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tagged = std::fs::read_to_string(&conll).unwrap();
    assert_eq!(tagged.matches("port\tB-ISSUE\ndeal\tI-ISSUE").count() + tagged.matches("Port\tB-ISSUE").count(), 3);
}
