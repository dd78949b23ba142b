//! `stancemap eval articles`: a run's tables scored per article against annotated rows (ANNOTATION.md), on a
//! fixture whose figures are worked out by hand (tests/fixtures/README.md), and on the stance fixture corpus
//! run by the shipped fast models.

mod common;

use common::{repo, stancemap};

fn fixture(name: &str) -> String {
    repo().join("tests/fixtures/article_score").join(name).display().to_string()
}

fn close(value: &serde_json::Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

#[test]
fn a_run_is_scored_per_article_with_the_figures_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.csv");
    let output = stancemap(&[
        "eval",
        "articles",
        "--run",
        &fixture("run"),
        "--gold",
        &fixture("gold.csv"),
        "--json",
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("gold.csv:8: stance \"maybe\" is not favor or against"), "{said}");
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let overall = &scores["overall"];
    assert_eq!((overall["gold"].as_u64(), overall["predicted"].as_u64()), (Some(7), Some(5)));
    assert_eq!((overall["found"].as_u64(), overall["found_with_stance"].as_u64()), (Some(4), Some(3)));
    assert_eq!(overall["correct_cells"], 3);
    assert!(close(&overall["recall"], 3.0 / 7.0) && close(&overall["precision"], 0.6), "{overall}");
    assert!(close(&overall["f1"], 0.5) && close(&overall["pair_recall"], 4.0 / 7.0), "{overall}");
    assert!(close(&overall["label_accuracy"], 0.75), "{overall}");
    // The neutral-only cell (the union and Hart in b.txt) was a candidate: 5 of 7.
    assert_eq!(overall["candidates"], 5);
    let issue = &scores["by_kind"]["issue"];
    assert!(close(&issue["recall"], 0.5) && close(&issue["precision"], 1.0), "{issue}");
    let actor = &scores["by_kind"]["actor"];
    assert!(close(&actor["recall"], 0.4) && close(&actor["precision"], 0.5), "{actor}");
    assert!(close(&actor["f1"], 4.0 / 9.0), "{actor}");
    assert_eq!(scores["articles_not_in_run"], serde_json::json!(["gone.txt"]));
    assert!(close(&scores["per_article"]["b.txt"]["recall"], 1.0 / 3.0), "{}", scores["per_article"]);

    let rows = common::table(&errors);
    let kinds: Vec<(&str, &str, &str)> =
        rows.iter().map(|r| (r["error"].as_str(), r["holder"].as_str(), r["target"].as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("wrong_stance", "Lena Hart", "Northern Workers Union"),
            ("missed", "Northern Workers Union", "Lena Hart"),
            ("missed", "Paul Okafor", "the elections"),
            ("missed", "Lena Hart", "Omar Diallo"),
            ("false_positive", "Lena Hart", "Northern Workers Union"),
            ("false_positive", "Paul Okafor", "Omar Diallo"),
        ]
    );
    assert_eq!(rows[0]["predicted"], "against");
    assert_eq!(rows[0]["predicted_evidence"], "He condemned the union.");
    assert_eq!(rows[5]["predicted_evidence"], "Okafor attacked Diallo.");

    let table = stancemap(&["eval", "articles", "--run", &fixture("run"), "--gold", &fixture("gold.csv")]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.lines().any(|l| l.starts_with("overall") && l.contains("0.429") && l.contains("0.600")), "{text}");
}

#[test]
fn a_second_annotators_rows_are_scored_as_a_run_so_that_the_f1_is_their_agreement() {
    let output = stancemap(&[
        "eval",
        "articles",
        "--annotator",
        &fixture("second.csv"),
        "--gold",
        &fixture("gold.csv"),
        "--json",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let overall = &scores["overall"];
    // Hart -> Diallo and Okafor -> the port deal agree; Diallo -> Hart has the other stance; Okafor -> Diallo is
    // the second annotator's alone.
    // gone.txt, which the second annotator did not annotate, is left out.
    assert_eq!((overall["gold"].as_u64(), overall["predicted"].as_u64()), (Some(6), Some(4)));
    assert_eq!((overall["found"].as_u64(), overall["found_with_stance"].as_u64()), (Some(3), Some(2)));
    assert!(close(&overall["recall"], 2.0 / 6.0) && close(&overall["precision"], 0.5), "{overall}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("6 of 7 gold rows"));

    let both = stancemap(&["eval", "articles", "--annotator", &fixture("second.csv"), "--run", &fixture("run")]);
    assert!(!both.status.success(), "a run and a second annotator at once are refused");
}

#[test]
fn eval_articles_runs_the_pipeline_on_a_corpus_and_finds_the_plain_stances() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.csv");
    std::fs::write(
        &gold,
        "article_file,holder,holder_aliases,target,target_aliases,target_kind,stance,evidence\n\
         port-deal.txt,Paul Okafor,Okafor|Senator Paul Okafor,the port deal,port deal,issue,against,\n\
         port-deal.txt,Lena Hart,Hart,Omar Diallo,Diallo,actor,favor,\n",
    )
    .unwrap();
    let corpus = repo().join("tests/fixtures/stance_corpus").display().to_string();
    let ner = repo().join("models/ner-fast").display().to_string();
    let stance = repo().join("models/stance-fast").display().to_string();
    let output = stancemap(&[
        "--threads",
        "2",
        "--device",
        "cpu",
        "eval",
        "articles",
        &corpus,
        "--gold",
        gold.to_str().unwrap(),
        "--json",
        "--model",
        &ner,
        "--stance-model",
        &stance,
        "-q",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(scores["overall"]["gold"], 2);
    assert_eq!(scores["overall"]["found_with_stance"], 2, "{}", scores["overall"]);
    assert!(scores["overall"]["predicted"].as_u64().unwrap() >= 2);
}
