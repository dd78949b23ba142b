//! The shipped entity models (`models/ner-fast`, and `models/ner-accurate` where present) on hand-made text,
//! and the default model on the AP article: what a user sees in mentions.csv. Needs the base encoders
//! (scripts/setup.sh); the AP test also needs `../shared`.

use std::path::{Path, PathBuf};

use stancemap::ner::labels::EntityType;
use stancemap::ner::model::EntityModel;
use stancemap::ner::tagger::{find_entities, WINDOW_TOKENS};
use stancemap::span::Span;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped models that can run here: ner-fast always (once the bases are installed), ner-accurate where
/// it is in the checkout.
fn models() -> Vec<EntityModel> {
    let installed =
        stancemap::model::BaseEncoder::ALL.iter().all(|b| b.default_dir().join("model.safetensors").is_file());
    if !installed {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
        return Vec::new();
    }
    tch::set_num_threads(2);
    ["ner-fast", "ner-accurate"]
        .iter()
        .map(|name| repo().join("models").join(name))
        .filter(|dir| dir.join("card.json").is_file())
        .map(|dir| EntityModel::load(&dir, tch::Device::Cpu).unwrap_or_else(|e| panic!("{}: {e:#}", dir.display())))
        .collect()
}

/// (text, type) of every entity in `text`, read as one unit.
fn entities(model: &EntityModel, text: &str) -> Vec<(String, EntityType)> {
    find_entities(model, text, &[Span::new(0, text.len())], 8)
        .unwrap()
        .into_iter()
        .map(|e| (e.span.slice(text).to_string(), e.entity_type))
        .collect()
}

#[test]
fn names_are_found_whole_with_their_types_needs_base_encoders() {
    for model in models() {
        use EntityType::*;
        let found = entities(&model, "  President Joe Biden met Vladimir Putin in Geneva on Wednesday.");
        assert_eq!(found, [("Joe Biden".into(), Per), ("Vladimir Putin".into(), Per), ("Geneva".into(), Loc)]);
        let found =
            entities(&model, "Ukrainian President Volodymyr Zelenskyy called Lavrov from Kyiv, and NATO said nothing.");
        assert_eq!(
            found,
            [
                ("Ukrainian".into(), Misc),
                ("Volodymyr Zelenskyy".into(), Per),
                ("Lavrov".into(), Per),
                ("Kyiv".into(), Loc),
                ("NATO".into(), Org)
            ]
        );
        // A bare, sentence-initial "Zelenskyy" (a name CoNLL-2003's 1996 news never saw) is found whole by both
        // models; the accurate one types it ORG there, so only the span is pinned.
        let found = entities(&model, "Zelenskyy called Lavrov from Kyiv.");
        assert_eq!(found.first().map(|(t, _)| t.as_str()), Some("Zelenskyy"), "{found:?}");
        let found = entities(&model, "The delegation flew from São Paulo to Brussels.");
        assert!(found.contains(&("São Paulo".into(), Loc)), "{found:?}");
    }
}

#[test]
fn adjacent_names_stay_apart_needs_base_encoders() {
    for model in models() {
        let found =
            entities(&model, "Talks between Germany , France and Italy ended, with Biden , Putin and Xi absent.");
        let names: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
        for name in ["Germany", "France", "Italy", "Biden", "Putin", "Xi"] {
            assert!(names.contains(&name), "{name} missing or merged: {names:?}");
        }
    }
}

#[test]
fn a_name_across_a_window_edge_is_found_once_and_whole_needs_base_encoders() {
    for model in models() {
        // Filler words of one token each, so the name sits across the first window's end.
        let filler = "and the talks went on ".repeat(WINDOW_TOKENS / 5);
        let text = format!("{filler}Antonio Guterres of the United Nations arrived in Geneva.");
        // The name's first word is the last token of the first window; its second word is only in the next one.
        let tokens = model.encoder.tokenizer.encode_plain(&text).unwrap();
        let antonio = tokens.offsets.iter().position(|s| s.slice(&text) == "Antonio").unwrap();
        assert_eq!(antonio, WINDOW_TOKENS - 1);
        let found = entities(&model, &text);
        let guterres: Vec<_> = found.iter().filter(|(t, _)| t.contains("Guterres")).collect();
        assert_eq!(guterres.len(), 1, "{found:?}");
        assert_eq!(guterres[0].0, "Antonio Guterres");
        assert!(found.iter().any(|(t, ty)| t == "United Nations" && *ty == EntityType::Org), "{found:?}");
        assert!(found.iter().any(|(t, _)| t == "Geneva"), "{found:?}");
    }
}

#[test]
fn the_ap_article_names_its_actors_needs_shared() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.is_dir() || models().is_empty() {
        eprintln!("skipped: ../shared/corpus or the base encoders are absent");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_stancemap"))
        // The CPU's default models, whatever a GPU would choose: the names below are those of ner-fast.
        .args(["--device", "cpu", "run", corpus.to_str().unwrap(), "--out", out.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let rows = read_mentions(&out.path().join("mentions.csv"));
    let has = |text: &str, types: &[&str]| rows.iter().any(|(t, ty, _)| t == text && types.contains(&ty.as_str()));
    for person in ["Biden", "Putin", "Jake Sullivan", "Donald Trump", "Barack Obama", "George W. Bush"] {
        assert!(has(person, &["PER"]), "{person}");
    }
    for person in ["Alexei Navalny", "Bashar Assad"] {
        assert!(has(person, &["PER"]), "{person}");
    }
    assert!(has("NATO", &["ORG"]));
    for place in ["Russia", "Ukraine", "Crimea", "Geneva", "Moscow", "Washington"] {
        assert!(has(place, &["LOC", "ORG"]), "{place}");
    }
    for institution in ["White House", "Kremlin"] {
        assert!(has(institution, &["LOC", "ORG"]), "{institution}");
    }
    assert!(rows.iter().any(|(t, _, _)| t.starts_with("Belarus")), "Belarus(ian)");
    let country = |text: &str| rows.iter().find(|(t, _, _)| t == text).map(|(_, _, c)| c.clone());
    assert_eq!(country("Moscow").as_deref(), Some("RU"));
    assert_eq!(country("Kremlin").as_deref(), Some("RU"));
    assert_eq!(country("White House").as_deref(), Some("US"));
    assert_eq!(country("Biden").as_deref(), Some(""));
}

fn read_mentions(path: &Path) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|r| {
            let r = r.unwrap();
            (r["text"].clone(), r["type"].clone(), r["country"].clone())
        })
        .collect()
}

/// `stancemap eval ner` on a gold file with a damaged line: the line is named with its file and line number,
/// its sentence is left out, and the other sentences are still scored.
#[test]
fn eval_ner_names_a_bad_line_and_scores_the_rest_needs_base_encoders() {
    if models().is_empty() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.conll");
    std::fs::write(
        &gold,
        "Mayor O\nIvana B-PER\nNovak I-PER\nvisited O\nLisbon B-LOC\n. O\n\n\
         Officials O\nin O\nMadrid B-LOC\ncriticised\nthe O\nplan O\n. O\n\n\
         The O\nEuropean B-ORG\nCommission I-ORG\nwelcomed O\nthe O\nvote O\n. O\n",
    )
    .unwrap();
    let model = repo().join("models/ner-fast");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(["--threads", "2", "eval", "ner", "--json", "--data"])
        .arg(&gold)
        .arg("--model")
        .arg(&model)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let named = format!("skipped: {}:11: expected a token and a tag separated by whitespace", gold.display());
    assert!(stderr.contains(&named), "{stderr}");
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Gold entities of the two good sentences: Ivana Novak, Lisbon, European Commission (Madrid's sentence is out).
    let per_type = &scores["per_type"];
    let support: u64 = ["PER", "LOC", "ORG"].iter().map(|t| per_type[t]["support"].as_u64().unwrap_or(0)).sum();
    assert_eq!(support, 3, "{scores}");
    assert_eq!(scores["n_sentences"], 2, "{scores}");
}
