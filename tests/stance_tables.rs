//! End-to-end tests of the stance tables of `stancemap run` (evidence.csv, stances.csv, matrix.csv, actors.csv)
//! with the shipped fast models: a fixture corpus written for them (tests/fixtures/stance_corpus, plain
//! sentences whose stances are not in doubt), the alias-table round trip, and the AP article.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{chars, cpu_default_precision, manifest, repo, run_with, table};

type Row = HashMap<String, String>;

fn fixture() -> std::path::PathBuf {
    repo().join("tests/fixtures/stance_corpus")
}

/// The shipped fast models, whatever a GPU would choose.
fn fast(extra: &[&str]) -> Vec<String> {
    let mut flags = vec![
        "--threads".to_string(),
        "2".into(),
        "--model".into(),
        repo().join("models/ner-fast").display().to_string(),
        "--stance-model".into(),
        repo().join("models/stance-fast").display().to_string(),
    ];
    flags.extend(extra.iter().map(|s| s.to_string()));
    flags
}

fn run_fast(corpus: &Path, out: &Path, extra: &[&str]) {
    let flags = fast(extra);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    run_with(corpus, out, &flags);
}

/// The row of stances.csv for holder -> target over the whole corpus.
fn stance<'a>(rows: &'a [Row], actor_id: &str, target_id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["actor_id"] == actor_id && r["target_id"] == target_id && r["period"] == "all")
        .unwrap_or_else(|| panic!("no row {actor_id} -> {target_id} in {rows:#?}"))
}

/// (stance, n_evidence, n_favor, n_against, n_neutral, n_articles) of a row.
fn counts(row: &Row) -> (&str, &str, &str, &str, &str, &str) {
    (&row["stance"], &row["n_evidence"], &row["n_favor"], &row["n_against"], &row["n_neutral"], &row["n_articles"])
}

#[test]
fn the_fixture_corpus_gives_its_known_stances_with_evidence_that_slices_back() {
    let out = tempfile::tempdir().unwrap();
    run_fast(&fixture(), out.path(), &["--period", "month"]);
    let stances = table(&out.path().join("stances.csv"));
    // Exact rows: the holder, the target and what the sentences say.
    assert_eq!(counts(stance(&stances, "lena-hart", "omar-diallo")), ("favor", "1", "1", "0", "0", "1"));
    assert_eq!(counts(stance(&stances, "lena-hart", "northern-workers-union")), ("against", "1", "0", "1", "0", "1"));
    assert_eq!(counts(stance(&stances, "northern-workers-union", "hart")), ("against", "1", "0", "1", "0", "1"));
    assert_eq!(counts(stance(&stances, "omar-diallo", "lena-hart")), ("neutral", "1", "0", "0", "1", "1"));
    assert_eq!(counts(stance(&stances, "paul-okafor", "issue:port-deal")), ("against", "1", "0", "1", "0", "1"));
    let hart = stance(&stances, "hart", "diallo");
    assert_eq!(counts(hart), ("favor", "2", "2", "0", "0", "1"), "the headline thanks him, the sentence praises him");
    assert_eq!((hart["actor"].as_str(), hart["target_type"].as_str()), ("Hart", "person"));
    let score: f64 = hart["score"].parse().unwrap();
    assert!(score > 0.3 && score <= 1.0, "{score}");
    let issue = stance(&stances, "paul-okafor", "issue:port-deal");
    assert_eq!((issue["target"].as_str(), issue["target_type"].as_str()), ("port deal", "issue"));
    assert!(issue["score"].starts_with('-'), "a negative score is written as a number: {}", issue["score"]);
    // Nobody holds a stance toward themselves, and the dateline VALMORA holds none.
    assert!(stances.iter().all(|r| r["actor_id"] != r["target_id"] && r["actor_id"] != "valmora"));
    // Per month too: March 2024 has the same cells as the whole corpus.
    let months: Vec<&Row> = stances.iter().filter(|r| r["period"] != "all").collect();
    assert!(!months.is_empty() && months.iter().all(|r| r["period"] == "2024-03"));
    assert_eq!(months.len() * 2, stances.len());

    // Every piece of evidence points back into its article and sentence.
    let evidence = table(&out.path().join("evidence.csv"));
    let articles = table(&out.path().join("articles.csv"));
    let sentences = table(&out.path().join("sentences.csv"));
    let text_of = |article_id: &str| {
        let origin = &articles.iter().find(|a| a["article_id"] == article_id).unwrap()["origin"];
        let path = origin.split(':').next().unwrap();
        let raw = std::fs::read_to_string(path).unwrap();
        if path.ends_with(".jsonl") {
            let value: serde_json::Value = serde_json::from_str(raw.lines().next().unwrap()).unwrap();
            value["text"].as_str().unwrap().to_string()
        } else {
            // The header (title:, date:, source:) and its blank line are not part of the text.
            raw.split_once("\n\n").unwrap().1.to_string()
        }
    };
    assert_eq!(evidence.len(), stances.len() / 2 + 1, "one row per question; hart -> diallo has two");
    for row in &evidence {
        let text = text_of(&row["article_id"]);
        assert_eq!(chars(&text, &row["start"], &row["end"]), row["target_surface"], "{row:?}");
        let sentence = sentences
            .iter()
            .find(|s| s["article_id"] == row["article_id"] && s["sentence_index"] == row["sentence_index"])
            .unwrap();
        assert_eq!(sentence["text"], row["text"]);
        let p: f64 = ["p_favor", "p_against", "p_neutral"].iter().map(|c| row[*c].parse::<f64>().unwrap()).sum();
        assert!((p - 1.0).abs() < 1e-3, "{row:?}");
    }
    let top = &stance(&stances, "lena-hart", "omar-diallo")["top_evidence_id"];
    let shown = evidence.iter().find(|e| &e["evidence_id"] == top).unwrap();
    assert!(shown["text"].contains("praised President Omar Diallo"), "{shown:?}");

    // The matrix: holders by targets, the score in the cells that have one.
    let matrix = std::fs::read_to_string(out.path().join("matrix.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(matrix.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..2], ["actor_id", "actor"]);
    let column = header.iter().position(|h| h == "Omar Diallo").expect("a column per target, named by its label");
    let hart_row = reader.records().map(|r| r.unwrap()).find(|r| &r[0] == "lena-hart").unwrap();
    assert_eq!(&hart_row[column], stance(&stances, "lena-hart", "omar-diallo")["score"]);

    let run_json = manifest(out.path());
    assert_eq!(run_json["counts"]["evidence"], evidence.len());
    assert!(run_json["models"]["stance"]["card"]["calibration"]["temperature"].as_f64().unwrap() > 0.0);
    assert_eq!(run_json["models"]["stance"]["precision"], cpu_default_precision(), "the CPU default");
    for name in ["evidence.csv", "stances.csv", "matrix.csv", "actors.csv"] {
        assert!(run_json["outputs"].as_array().unwrap().iter().any(|o| o == name), "{name}");
    }
}

#[test]
fn topics_are_targets_and_auto_targets_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.csv");
    std::fs::write(&targets, "target_id,label,keywords\nport,The Valmora port deal,port deal|harbour deal\n").unwrap();
    let out = dir.path().join("out");
    run_fast(&fixture(), &out, &["--targets", targets.to_str().unwrap(), "--no-auto-targets"]);
    let stances = table(&out.join("stances.csv"));
    let topic = stance(&stances, "paul-okafor", "port");
    assert_eq!(
        (topic["target"].as_str(), topic["target_type"].as_str(), topic["stance"].as_str()),
        ("The Valmora port deal", "topic", "against")
    );
    assert!(stances.iter().all(|r| r["target_type"] != "issue"), "--no-auto-targets");
    // --min-evidence filters the aggregate tables, never the evidence.
    let filtered = dir.path().join("filtered");
    run_fast(&fixture(), &filtered, &["--targets", targets.to_str().unwrap(), "--min-evidence", "2"]);
    let kept = table(&filtered.join("stances.csv"));
    assert_eq!(kept.len(), 1, "{kept:#?}");
    assert_eq!(kept[0]["actor_id"], "hart");
    let unfiltered = dir.path().join("unfiltered");
    run_fast(&fixture(), &unfiltered, &["--targets", targets.to_str().unwrap()]);
    assert!(table(&unfiltered.join("stances.csv")).len() > kept.len());
    assert_eq!(table(&filtered.join("evidence.csv")), table(&unfiltered.join("evidence.csv")));
    // The issues found after cues and by the tagger are questions of their own.
    assert!(table(&unfiltered.join("evidence.csv")).len() > table(&out.join("evidence.csv")).len());
}

#[test]
fn editing_actors_csv_merges_and_renames_actors_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    run_fast(&fixture(), &first, &[]);
    let actors = std::fs::read_to_string(first.join("actors.csv")).unwrap();
    assert!(actors.starts_with("actor_id,name,type,aliases,valid_from,valid_to,"), "{actors}");
    assert!(actors.contains("\nlena-hart,Lena Hart,person,Hart,"), "{actors}");
    // What a user does in a spreadsheet: the bare "Hart" and "Diallo" of the brief are Lena Hart and Omar
    // Diallo (give their rows the same actor_id), and Omar Diallo gets a fuller name.
    let edited = actors
        .replace("\nhart,Hart,", "\nlena-hart,Hart,")
        .replace("\ndiallo,Diallo,", "\nomar-diallo,Diallo,")
        .replace("\nomar-diallo,Omar Diallo,", "\nomar-diallo,President Omar Diallo,");
    let table_path = dir.path().join("actors-edited.csv");
    std::fs::write(&table_path, edited).unwrap();
    let second = dir.path().join("second");
    run_fast(&fixture(), &second, &["--actors", table_path.to_str().unwrap()]);
    let stances = table(&second.join("stances.csv"));
    let merged = stance(&stances, "lena-hart", "omar-diallo");
    assert_eq!(counts(merged), ("favor", "3", "3", "0", "0", "2"), "both articles now count");
    assert_eq!(merged["target"], "President Omar Diallo");
    assert_eq!(counts(stance(&stances, "northern-workers-union", "lena-hart")), ("against", "1", "0", "1", "0", "1"));
    assert!(stances.iter().all(|r| r["actor_id"] != "hart" && r["target_id"] != "diallo"));
    let written = table(&second.join("actors.csv"));
    let diallo = written.iter().find(|r| r["actor_id"] == "omar-diallo").unwrap();
    assert_eq!(diallo["name"], "President Omar Diallo");
    assert!(diallo["aliases"].split('|').any(|a| a == "Diallo"), "{diallo:?}");
    assert!(written.iter().all(|r| r["actor_id"] != "hart"));
    // The mentions table follows too.
    let mentions = table(&second.join("mentions.csv"));
    assert!(mentions.iter().filter(|m| m["text"] == "Hart").all(|m| m["actor_id"] == "lena-hart"));
}

#[test]
fn the_ap_article_shows_the_stances_of_the_design_example_needs_shared() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.join("ap-2021-06-biden-putin-summit.txt").is_file() {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    run_fast(&corpus, out.path(), &[]);
    let stances = table(&out.path().join("stances.csv"));
    let evidence = table(&out.path().join("evidence.csv"));
    let find = |actor: &str, target: &dyn Fn(&str) -> bool, wanted: &str| {
        let row = stances
            .iter()
            .find(|r| r["actor_id"] == actor && target(&r["target"]) && r["period"] == "all")
            .unwrap_or_else(|| panic!("no stance of {actor} toward the target; {stances:#?}"));
        assert_eq!(row["stance"], wanted, "{row:?}");
        let top = evidence.iter().find(|e| e["evidence_id"] == row["top_evidence_id"]).unwrap();
        top["text"].clone()
    };
    find("joe-biden", &|t| t == "Vladimir Putin", "against");
    find("joe-biden", &|t| t.contains("interfering with democratic elections"), "against");
    find("joe-biden", &|t| t.contains("hackers") && t.contains("safe harbor"), "against");
    find("vladimir-putin", &|t| t.contains("join the alliance"), "against");
    let exchange = find("united-states", &|t| t.contains("cybercrime prisoner exchange"), "against");
    assert!(exchange.starts_with("The White House"), "{exchange}");
    find("donald-trump", &|t| t == "Vladimir Putin", "favor");
    let bush = find("george-w-bush", &|t| t == "Vladimir Putin", "favor");
    assert!(bush.contains("Bush"), "{bush}");
}

#[test]
fn tsv_and_jsonl_tables_hold_the_same_rows_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv_out = dir.path().join("csv");
    run_fast(&fixture(), &csv_out, &[]);
    let expected = table(&csv_out.join("stances.csv"));
    let tsv_out = dir.path().join("tsv");
    run_fast(&fixture(), &tsv_out, &["--format", "tsv"]);
    assert!(!tsv_out.join("stances.csv").exists());
    let mut reader = csv::ReaderBuilder::new().delimiter(b'\t').from_path(tsv_out.join("stances.tsv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let tsv: Vec<Row> = reader
        .records()
        .map(|r| header.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect())
        .collect();
    assert_eq!(tsv, expected);
    let jsonl_out = dir.path().join("jsonl");
    run_fast(&fixture(), &jsonl_out, &["--format", "jsonl"]);
    let lines = std::fs::read_to_string(jsonl_out.join("stances.jsonl")).unwrap();
    let jsonl: Vec<Row> = lines.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(jsonl, expected);
    for name in ["evidence", "articles", "sentences", "mentions", "actors", "matrix"] {
        assert!(jsonl_out.join(format!("{name}.jsonl")).is_file(), "{name}");
    }
    assert_eq!(manifest(&jsonl_out)["options"]["format"], "jsonl");
}

#[test]
fn no_stance_still_gives_mentions_their_actor_ids_and_writes_actors_csv() {
    let full = tempfile::tempdir().unwrap();
    run_fast(&fixture(), full.path(), &[]);
    let bare = tempfile::tempdir().unwrap();
    run_fast(&fixture(), bare.path(), &["--no-stance"]);
    for absent in ["evidence.csv", "stances.csv", "matrix.csv"] {
        assert!(!bare.path().join(absent).exists(), "--no-stance wrote {absent}");
    }
    let mentions = table(&bare.path().join("mentions.csv"));
    let actors = table(&bare.path().join("actors.csv"));
    let known: std::collections::HashSet<&str> = actors.iter().map(|r| r["actor_id"].as_str()).collect();
    assert!(known.contains("lena-hart") && known.contains("paul-okafor"), "{known:?}");
    let with_ids: Vec<&Row> = mentions.iter().filter(|r| !r["actor_id"].is_empty()).collect();
    assert!(with_ids.len() * 2 > mentions.len(), "most mentions are actors: {mentions:#?}");
    assert!(with_ids.iter().all(|r| known.contains(r["actor_id"].as_str())), "every id is in actors.csv");
    // The same ids as a run with the stance stage.
    let ids = |rows: &[Row]| rows.iter().map(|r| (r["mention_id"].clone(), r["actor_id"].clone())).collect::<Vec<_>>();
    assert_eq!(ids(&mentions), ids(&table(&full.path().join("mentions.csv"))));
    assert_eq!(
        std::fs::read(bare.path().join("actors.csv")).unwrap(),
        std::fs::read(full.path().join("actors.csv")).unwrap()
    );
    assert!(manifest(bare.path())["outputs"].as_array().unwrap().iter().any(|o| o == "actors.csv"));
}

#[test]
fn news_date_forms_count_in_their_period_and_an_unreadable_date_is_warned_about_once() {
    let corpus = tempfile::tempdir().unwrap();
    let rows =
        [("rss", "Wed, 16 Jun 2021 10:00:00 +0000"), ("iso", "2021-06-17T08:30:00+02:00"), ("bad", "2021-02-31")];
    let text = "Lena Hart praised Omar Diallo, calling him a trusted partner.";
    let lines: Vec<String> =
        rows.iter().map(|(id, date)| serde_json::json!({ "id": id, "date": date, "text": text }).to_string()).collect();
    std::fs::write(corpus.path().join("dated.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let flags = fast(&["--period", "week"]);
    let mut args = vec!["run", corpus.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "-q"];
    args.extend(flags.iter().map(String::as_str));
    let output = common::stancemap(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = said.lines().filter(|l| l.contains("cannot read the date")).collect();
    assert_eq!(warnings.len(), 1, "{said}");
    assert!(warnings[0].starts_with("warning: ") && warnings[0].contains("dated.jsonl:3"), "{said}");
    assert!(warnings[0].contains("\"2021-02-31\""), "{said}");
    assert_eq!(manifest(out.path())["counts"]["problems_by_kind"]["unreadable_date"], 1);
    // All three articles count over the whole corpus; the two readable dates in their ISO week only.
    let stances = table(&out.path().join("stances.csv"));
    let cell = |period: &str| {
        stances
            .iter()
            .find(|r| r["actor_id"] == "lena-hart" && r["target_id"] == "omar-diallo" && r["period"] == period)
    };
    assert_eq!(cell("all").map(|r| r["n_articles"].as_str()), Some("3"), "{stances:#?}");
    assert_eq!(cell("2021-W24").map(|r| r["n_articles"].as_str()), Some("2"), "{stances:#?}");
    let periods: std::collections::BTreeSet<&str> = stances.iter().map(|r| r["period"].as_str()).collect();
    assert_eq!(periods.into_iter().collect::<Vec<_>>(), ["2021-W24", "all"]);
    let articles = table(&out.path().join("articles.csv"));
    assert_eq!(articles[2]["date"], "2021-02-31", "articles.csv keeps the date as given");
}

#[test]
fn matrix_columns_named_like_the_row_keys_or_each_other_stay_apart_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.csv");
    // Topics labelled as the matrix's row keys, and one labelled as the issue the cue finds ("port deal").
    std::fs::write(
        &targets,
        "target_id,label,keywords\nt-id,actor_id,budget\nt-actor,actor,leadership\nt-port,port deal,port deal\n",
    )
    .unwrap();
    for format in ["csv", "jsonl"] {
        let out = dir.path().join(format);
        run_fast(&fixture(), &out, &["--targets", targets.to_str().unwrap(), "--format", format]);
        let header: Vec<String> = match format {
            "csv" => csv::Reader::from_path(out.join("matrix.csv"))
                .unwrap()
                .headers()
                .unwrap()
                .iter()
                .map(String::from)
                .collect(),
            _ => {
                let text = std::fs::read_to_string(out.join("matrix.jsonl")).unwrap();
                let rows: Vec<serde_json::Map<String, serde_json::Value>> =
                    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
                assert!(rows.iter().all(|r| !r["actor_id"].as_str().unwrap().is_empty()), "{text}");
                assert!(rows.iter().any(|r| r["actor"] == "Paul Okafor"), "the holder is kept: {text}");
                rows.iter()
                    .flat_map(|r| r.keys().cloned())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            }
        };
        let unique: std::collections::HashSet<&String> = header.iter().collect();
        assert_eq!(unique.len(), header.len(), "{format}: {header:?}");
        assert!(header.iter().any(|h| h.starts_with("port deal")), "{format}: {header:?}");
        for expected in ["actor_id", "actor", "actor_id [t-id]", "actor [t-actor]"] {
            assert!(header.iter().any(|h| h == expected), "{format}: no {expected:?} in {header:?}");
        }
    }
}

#[test]
fn a_named_holder_opposing_a_deal_is_asked_about_it_and_a_meeting_is_no_stance() {
    for every in [false, true] {
        named_holder_and_meeting(every);
    }
}

fn named_holder_and_meeting(every: bool) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("port.txt"),
        "Port deal divides the coast\n\nSenator Grace Okafor strongly opposes the port deal.\n\nGovernor Paul Lopez \
         met Ambassador Maria Chen in Lagos on Tuesday.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_fast(&corpus, &out, &["--holders", if every { "every" } else { "subjects" }]);
    let evidence = table(&out.join("evidence.csv"));
    let asked = |holder: &str, target: &str| -> Vec<&Row> {
        evidence.iter().filter(|r| r["actor_id"] == holder && r["target_id"] == target).collect()
    };
    // The opposition is put to the model, holder and issue marked.
    let okafor = asked("grace-okafor", "issue:port-deal");
    assert_eq!(okafor.len(), 1, "{evidence:#?}");
    // The holder as the text names her: the attribution tagger's source, with her title.
    assert_eq!(
        (okafor[0]["actor_surface"].as_str(), okafor[0]["target_surface"].as_str()),
        ("Senator Grace Okafor", "port deal")
    );
    // The meeting is asked (both ways where every actor of the sentence holds), and says nothing either way.
    let both = [("paul-lopez", "maria-chen"), ("maria-chen", "paul-lopez")];
    for (holder, target) in both.iter().copied().take(if every { 2 } else { 1 }) {
        let rows = asked(holder, target);
        assert!(!rows.is_empty(), "{holder} -> {target} not asked: {evidence:#?}");
        assert!(rows.iter().all(|r| r["label"] == "neutral"), "{holder} -> {target}: {rows:#?}");
    }
    let stances = table(&out.join("stances.csv"));
    assert_eq!(stance(&stances, "paul-lopez", "maria-chen")["stance"], "neutral");
}
