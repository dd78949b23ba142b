//! End-to-end tests of `stancemap run`: drive the built binary on real and hand-made corpora and read its tables
//! as a user would.

mod common;

use std::path::Path;
use std::process::Output;

use common::{chars, cpu_default_precision, manifest, repo, run_with, stancemap, table};

fn run(corpus: &Path, out: &Path) -> Output {
    run_with(corpus, out, &[])
}

/// Runs `stancemap run` without entity detection: these tests are about reading, segmenting and writing.
fn run_without_entities(corpus: &Path, out: &Path) -> Output {
    run_with(corpus, out, &["--no-entities"])
}

#[test]
fn the_sample_corpus_gives_every_article_and_sentences_that_slice_back_into_the_text() {
    let out = tempfile::tempdir().unwrap();
    run(&repo().join("corpus"), out.path());
    let articles = table(&out.path().join("articles.csv"));
    assert_eq!(articles.len(), 7, "four .txt articles and three JSONL briefs");
    let sentences = table(&out.path().join("sentences.csv"));
    let txt_files = ["climate-talks.txt", "eu-steel-tariff.txt", "nato-troops.txt", "us-arms-deal.txt"];
    for file in txt_files {
        let text = std::fs::read_to_string(repo().join("corpus").join(file)).unwrap();
        let article = articles.iter().find(|a| a["origin"].ends_with(file)).expect("article row");
        assert_eq!(article["title"], text.lines().next().unwrap().trim());
        assert_eq!(article["n_chars"], text.chars().count().to_string());
        let rows: Vec<_> = sentences.iter().filter(|s| s["article_id"] == article["article_id"]).collect();
        assert_eq!(rows.len().to_string(), article["n_sentences"]);
        assert!(rows.len() >= 10, "{file}: {} sentences", rows.len());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row["sentence_index"], i.to_string());
            assert_eq!(chars(&text, &row["start"], &row["end"]), row["text"], "{file} sentence {i}");
        }
        // The headline is a sentence of its own although it has no final punctuation.
        assert_eq!(rows[0]["text"], article["title"]);
    }
    // Quotations are marked: some sentences are inside quotes, most are not.
    let quoted = sentences.iter().filter(|s| s["in_quote"] == "true").count();
    assert!(quoted > 5 && quoted < sentences.len() / 2, "{quoted} of {} sentences in quotes", sentences.len());
    // The shipped entity model ran: every article has mentions, each inside a sentence of its article.
    if repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        let mentions = table(&out.path().join("mentions.csv"));
        for article in &articles {
            assert!(mentions.iter().any(|m| m["article_id"] == article["article_id"]), "{}", article["title"]);
        }
        assert!(
            mentions.iter().any(|m| m["text"] == "Kremlin" && m["country"] == "RU"),
            "the Kremlin stands for Russia"
        );
        // Every article opens with a dateline ("BRUSSELS (Stancemap Wire) — Estonia demanded …"): the agency and
        // the place are neither holders nor targets; the sentence's subject holds the stances.
        let evidence = table(&out.path().join("evidence.csv"));
        let in_dateline = |surface: &str| surface.contains("Stancemap") || surface == "BRUSSELS" || surface == "SEOUL";
        for row in &evidence {
            assert!(!in_dateline(&row["actor_surface"]) && !in_dateline(&row["target_surface"]), "{row:?}");
        }
        let opening = |holder: &str, target: &str| {
            evidence.iter().any(|e| {
                e["text"].starts_with("BRUSSELS (Stancemap Wire) — Estonia demanded")
                    && e["actor_surface"] == holder
                    && e["target_surface"] == target
            })
        };
        assert!(opening("Estonia", "NATO") && opening("Estonia", "Turkey"), "{evidence:#?}");
    }
    let run_json = manifest(out.path());
    assert_eq!(run_json["counts"]["articles"], 7);
    assert!(run_json["models"]["entities"]["card"]["dev"]["f1"].as_f64().unwrap_or(0.0) > 0.9);
    assert_eq!(run_json["models"]["entities"]["precision"], cpu_default_precision(), "the CPU default");
    assert_eq!(run_json["counts"]["skipped"], 0);
    assert_eq!(run_json["counts"]["sentences"], sentences.len());
    assert!(run_json["stancemap_version"].is_string());
}

#[test]
fn bad_inputs_are_named_with_file_and_line_and_the_run_goes_on() {
    let corpus = tempfile::tempdir().unwrap();
    let dir = corpus.path();
    std::fs::write(dir.join("good.txt"), "Leaders meet in Geneva\n\nThe two presidents met on Wednesday.\n").unwrap();
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    binary.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(dir.join("scan.txt"), &binary).unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 talks\n\nMinisters met in S\xe3o Paulo on Monday.\n").unwrap();
    std::fs::write(
        dir.join("feed.jsonl"),
        concat!(
            "{\"id\": \"a1\", \"title\": \"First\", \"text\": \"Kyiv asked for help. Moscow refused.\"}\n",
            "{\"id\": \"a2\", \"title\": \"Broken\", \"text\": \"no closing brace\"\n",
            "{\"id\": \"a3\", \"title\": \"Third\", \"text\": \"NATO welcomed the offer.\"}\n",
        ),
    )
    .unwrap();
    std::fs::write(dir.join("huge.txt"), "word ".repeat(420_000)).unwrap();

    let out = tempfile::tempdir().unwrap();
    let output = run_without_entities(dir, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in ["scan.txt", "empty.txt", "latin1.txt", "feed.jsonl:2", "huge.txt"] {
        assert!(stderr.contains(expected), "stderr names {expected}:\n{stderr}");
    }
    let articles = table(&out.path().join("articles.csv"));
    let mut ids: Vec<&str> = articles.iter().map(|a| a["title"].as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["Café talks", "First", "Leaders meet in Geneva", "Third"]);
    let sentences = table(&out.path().join("sentences.csv"));
    assert!(sentences.iter().any(|s| s["text"] == "Ministers met in São Paulo on Monday."));
    assert!(sentences.iter().any(|s| s["text"] == "Moscow refused."));

    let run_json = manifest(out.path());
    assert_eq!(run_json["counts"]["articles"], 4);
    assert_eq!(run_json["counts"]["skipped"], 4, "binary, empty, broken JSON line, too large");
    assert_eq!(run_json["counts"]["warnings"], 1, "the Latin-1 file");
    let problems = run_json["problems"].as_array().unwrap();
    let broken = problems.iter().find(|p| p["path"].as_str().unwrap().ends_with("feed.jsonl")).unwrap();
    assert_eq!(broken["line"], 2);
    assert_eq!(broken["kind"], "malformed_json");
    assert!(!out.path().join("articles.csv.partial").exists());
}

#[test]
fn a_corpus_that_does_not_exist_is_an_error_naming_it() {
    let out = tempfile::tempdir().unwrap();
    let output = stancemap(&["run", "no/such/corpus", "--out", out.path().to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no/such/corpus"));
}

#[test]
fn formula_cells_are_neutralised_unless_asked_not_to() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("a.txt"), "=HYPERLINK(\"http://x\") wins\n\n-5 percent, said the minister.\n")
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    run_without_entities(corpus.path(), out.path());
    let sentences = table(&out.path().join("sentences.csv"));
    assert_eq!(sentences[0]["text"], "'=HYPERLINK(\"http://x\") wins");
    assert_eq!(sentences[1]["text"], "'-5 percent, said the minister.");
    assert_eq!(manifest(out.path())["options"]["formula_guard"], "On");

    let raw = tempfile::tempdir().unwrap();
    let output = stancemap(&[
        "run",
        corpus.path().to_str().unwrap(),
        "--out",
        raw.path().to_str().unwrap(),
        "--no-formula-guard",
        "--no-entities",
    ]);
    assert!(output.status.success());
    assert_eq!(table(&raw.path().join("sentences.csv"))[0]["text"], "=HYPERLINK(\"http://x\") wins");
}

#[test]
fn the_ap_article_yields_55_to_80_sensible_sentences_needs_shared() {
    let corpus = repo().join("../shared/corpus");
    let Ok(text) = std::fs::read_to_string(corpus.join("ap-2021-06-biden-putin-summit.txt")) else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    run_without_entities(&corpus, out.path());
    let sentences = table(&out.path().join("sentences.csv"));
    assert!((55..=80).contains(&sentences.len()), "{} sentences", sentences.len());
    for row in &sentences {
        let sentence = &row["text"];
        assert_eq!(&chars(&text, &row["start"], &row["end"]), sentence);
        // No boundary after an abbreviation, a title or an initial.
        for bad_end in [" Mr.", " Mrs.", " Dr.", " U.S.", " St.", " Gen.", " W."] {
            assert!(!sentence.ends_with(bad_end), "split after an abbreviation: {sentence:?}");
        }
        // Each sentence starts like a sentence: not lowercase, not with closing punctuation.
        let first = sentence.chars().next().unwrap();
        assert!(!first.is_lowercase() && !",.;:)”’".contains(first), "odd start: {sentence:?}");
    }
    assert_eq!(sentences[0]["text"], text.lines().next().unwrap().trim(), "the title is the first sentence");
    assert!(sentences.iter().any(|s| s["in_quote"] == "true"), "the article quotes people");
}

#[test]
fn bbc_politics_runs_through_needs_shared() {
    let corpus = repo().join("../shared/data/news/bbc/politics");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let out = tempfile::tempdir().unwrap();
    run_without_entities(&corpus, out.path());
    let run_json = manifest(out.path());
    assert_eq!(run_json["counts"]["articles"], 417);
    assert_eq!(run_json["counts"]["skipped"], 0);
    assert!(run_json["counts"]["sentences"].as_u64().unwrap() > 417 * 10);
}

#[test]
fn quotes_csv_names_who_said_what_directly_and_in_reported_speech() {
    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        return; // no base encoders (scripts/setup.sh not run): nothing to tag with
    }
    let corpus = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo().join("corpus/climate-talks.txt")).unwrap();
    std::fs::write(corpus.path().join("climate-talks.txt"), &text).unwrap();
    let out = tempfile::tempdir().unwrap();
    run_with(corpus.path(), out.path(), &["--threads", "2", "-q"]);
    let quotes = table(&out.path().join("quotes.csv"));
    let actors = table(&out.path().join("actors.csv"));
    let actor_named = |name: &str| actors.iter().find(|a| a["name"] == name).expect(name)["actor_id"].clone();
    let quote_with = |words: &str| {
        quotes
            .iter()
            .find(|q| q["text"].contains(words))
            .unwrap_or_else(|| panic!("no quote with {words:?}: {quotes:?}"))
    };
    // A quotation: its speaker named after it, by surname.
    let direct = quote_with("the old polluters must pay");
    assert_eq!((direct["kind"].as_str(), direct["cue"].as_str()), ("direct", "said"));
    assert_eq!(direct["speaker_surface"], "Fa’atau");
    assert_eq!(direct["speaker_actor_id"], actor_named("Losaline Fa’atau"));
    // Reported speech: its speaker a pronoun, resolved to the minister.
    let reported = quote_with("his country had contributed less than four percent");
    assert_eq!((reported["kind"].as_str(), reported["cue"].as_str()), ("indirect", "said"));
    assert_eq!(reported["speaker_surface"], "He");
    assert_eq!(reported["speaker_actor_id"], actor_named("Arvind Raghunathan"));
    // A source that names no actor: its words, no id.
    let anonymous = quote_with("supported the Indian position");
    assert_eq!(anonymous["cue"], "according to");
    assert!(anonymous["speaker_surface"].contains("negotiators"), "{anonymous:?}");
    assert_eq!(anonymous["speaker_actor_id"], "");
    // Offsets slice the content out of the text; rows run in text order, numbered in it.
    let mut last_start = 0;
    for (n, quote) in quotes.iter().enumerate() {
        let sliced = chars(&text, &quote["start"], &quote["end"]);
        let pieces: Vec<&str> = quote["text"].split(" … ").collect();
        assert!(sliced.starts_with(pieces[0]) && sliced.ends_with(pieces[pieces.len() - 1]), "{quote:?}");
        assert!(quote["quote_id"].ends_with(&format!("-q{n}")), "{quote:?}");
        let start: usize = quote["start"].parse().unwrap();
        assert!(start >= last_start, "{quote:?}");
        last_start = start;
        let confidence: f64 = quote["confidence"].parse().unwrap();
        assert!((0.0..=1.0).contains(&confidence));
    }
    // run.json names the tagger it ran.
    let models = &manifest(out.path())["models"];
    assert!(models["attribution"]["path"].as_str().is_some_and(|p| p.ends_with("attribution-fast")), "{models}");
}

#[test]
fn import_polnear_and_eval_attribution_read_a_brat_folder_and_name_its_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let split = dir.path().join("dev");
    std::fs::create_dir_all(split.join("text")).unwrap();
    std::fs::create_dir_all(split.join("attributions")).unwrap();
    let text = "Senator Jane Smith said the port deal would ruin the coast.\n\nCritics say it works.";
    std::fs::write(split.join("text/port.txt"), text).unwrap();
    let at = |words: &str| {
        let start = text.find(words).unwrap();
        format!("{} {}", start, start + words.len())
    };
    let ann = format!(
        "T1\tSource {}\tSenator Jane Smith\nT2\tCue {}\tsaid\nT3\tContent {}\tthe port deal would ruin the coast\n\
         E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\nT4\tSource {}\tCritics\nT5\tCue {}\tsay\n\
         T6\tContent {}\tit works\nE2\tAttribution:T5 Content:T6 Cue:T5 Source:T4\nnot a brat line\n",
        at("Senator Jane Smith"),
        at("said"),
        at("the port deal would ruin the coast"),
        at("Critics"),
        at("say"),
        at("it works")
    );
    std::fs::write(split.join("attributions/port_ann1.ann"), ann).unwrap();
    let conll = dir.path().join("dev.conll");
    let output = stancemap(&["import", "polnear", split.to_str().unwrap(), "--out", conll.to_str().unwrap()]);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("1 articles") && stdout.contains("2 attributions"), "{stdout}");
    assert!(stderr.contains("port_ann1.ann:9: not a brat line"), "{stderr}");
    let tagged = std::fs::read_to_string(&conll).unwrap();
    assert!(tagged.contains("Senator B-SOURCE\n") && tagged.contains("ruin I-CONTENT\n"), "{tagged}");

    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        return; // no base encoders (scripts/setup.sh not run): the tagger cannot be scored
    }
    let model = repo().join("models/attribution-fast");
    let output = stancemap(&[
        "eval",
        "attribution",
        "--data",
        split.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--json",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(scores["articles"], 1);
    assert_eq!(scores["attributions"]["gold"], 2);
    assert_eq!(scores["source"]["exact"]["gold"], 2);
    // Two plain attributions, each a sentence: the shipped tagger finds both with their speakers.
    assert_eq!(scores["attributions"]["recalled"], 2, "{scores}");
    assert_eq!(scores["speaker_accuracy"], 1.0, "{scores}");
    // An entity model is no attribution tagger.
    let ner = repo().join("models/ner-fast");
    let output =
        stancemap(&["eval", "attribution", "--data", split.to_str().unwrap(), "--model", ner.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an attribution tagger"));
}

#[test]
fn a_users_lexicon_adds_a_cue_verb_and_takes_one_out() {
    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        return; // no base encoders (scripts/setup.sh not run): no entities, no stance
    }
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("council.txt"),
        "Council votes\n\nSenator Grace Okafor champions the port deal. Mayor Tom Reyes opposes the new stadium.\n",
    )
    .unwrap();
    let issues = |flags: &[&str]| -> Vec<String> {
        let out = tempfile::tempdir().unwrap();
        let mut all = vec!["--threads", "2", "-q", "--no-issue-model"];
        all.extend_from_slice(flags);
        run_with(corpus.path(), out.path(), &all);
        let evidence = table(&out.path().join("evidence.csv"));
        let mut found: Vec<String> = evidence
            .iter()
            .filter(|row| row["target_id"].starts_with("issue:"))
            .map(|row| row["target_surface"].clone())
            .collect();
        found.dedup();
        found
    };
    // The shipped lists know "opposes" but not "champions".
    assert_eq!(issues(&[]), ["new stadium"]);
    let mine = tempfile::tempdir().unwrap();
    std::fs::write(mine.path().join("favor_verbs.tsv"), "# ours\nchampion\n").unwrap();
    std::fs::write(mine.path().join("against_verbs.tsv"), "-oppose\n").unwrap();
    assert_eq!(issues(&["--lexicon", mine.path().to_str().unwrap()]), ["port deal"]);

    // A file that names no list stops the run before it starts, naming the file and the lists.
    std::fs::write(mine.path().join("favour_verbs.tsv"), "champion\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let args = ["run", corpus.path().to_str().unwrap(), "--out", out.path().to_str().unwrap()];
    let output = stancemap(&[&args[..], &["--lexicon", mine.path().to_str().unwrap()]].concat());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(said.contains("favour_verbs.tsv") && said.contains("favor_verbs"), "{said}");
}

#[test]
fn the_shipped_issue_tagger_finds_an_issue_that_no_cue_word_introduces() {
    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        return; // no base encoders (scripts/setup.sh not run): no entities, no stance
    }
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("vote.txt"),
        "Death penalty vote\n\nSenator Grace Okafor said the death penalty is a moral failure.\n",
    )
    .unwrap();
    let asked = |flags: &[&str]| -> (Vec<(String, String)>, serde_json::Value) {
        let out = tempfile::tempdir().unwrap();
        run_with(corpus.path(), out.path(), &[&["--threads", "2", "-q"], flags].concat());
        let evidence = table(&out.path().join("evidence.csv"));
        let pairs = evidence.iter().map(|row| (row["actor_surface"].clone(), row["target_id"].clone())).collect();
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap()).unwrap();
        (pairs, run["models"]["issues"]["path"].clone())
    };
    // "said" is no issue cue: only the tagger (models/issues-fast, on by default) makes the death penalty a target.
    let (pairs, model) = asked(&[]);
    assert_eq!(pairs, [("Senator Grace Okafor".to_string(), "issue:death-penalty".to_string())]);
    assert!(model.as_str().is_some_and(|path| path.ends_with("issues-fast")), "{model}");
    let (pairs, model) = asked(&["--no-issue-model"]);
    assert!(pairs.is_empty(), "{pairs:?}");
    assert!(model.is_null(), "{model}");
}

#[test]
fn a_name_written_with_composed_or_decomposed_accents_is_one_actor() {
    if !repo().join("models/base/all-MiniLM-L6-v2/model.safetensors").is_file() {
        return; // no base encoders (scripts/setup.sh not run): no entities
    }
    let corpus = tempfile::tempdir().unwrap();
    let article = |name: &str| {
        format!("Trade talks\n\nPresident {name} met the press in Lima. {name} said the talks went well.\n")
    };
    // One file with "é" and "ñ" as single characters (NFC), one with "e" and "n" and combining marks (NFD).
    std::fs::write(corpus.path().join("a.txt"), article("José Peña")).unwrap();
    std::fs::write(corpus.path().join("b.txt"), article("Jose\u{301} Pen\u{303}a")).unwrap();
    let out = tempfile::tempdir().unwrap();
    run_with(corpus.path(), out.path(), &["--threads", "2", "-q", "--no-stance"]);
    let actors = table(&out.path().join("actors.csv"));
    let pena: Vec<_> = actors.iter().filter(|a| a["type"] == "person").collect();
    assert_eq!(pena.len(), 1, "{actors:?}");
    assert_eq!(pena[0]["n_articles"], "2", "{pena:?}");
    let mentions = table(&out.path().join("mentions.csv"));
    let ids: std::collections::BTreeSet<&str> =
        mentions.iter().filter(|m| m["text"].starts_with("Jos")).map(|m| m["actor_id"].as_str()).collect();
    assert_eq!(ids.len(), 1, "{mentions:?}");
}
