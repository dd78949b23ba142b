//! End-to-end tests of what is made from a finished run for people to look at: the workbook (`--format xlsx`),
//! matrix.csv's columns (`--matrix-top`), the network files (`stancemap network`) and the HTML report
//! (`stancemap report`, rendered in headless Chromium where it is installed). All on the stance fixture corpus
//! with the shipped fast models.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{manifest, repo, run_with, stancemap, table};

type Row = HashMap<String, String>;

/// A run of the stance fixture corpus with the fast models and `extra` flags, into a new folder.
fn fixture_run(extra: &[&str]) -> tempfile::TempDir {
    run_fast(&repo().join("tests/fixtures/stance_corpus"), extra)
}

/// A run of `corpus` with the fast models, into a new folder.
fn run_fast(corpus: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let models = repo().join("models");
    let (ner, stance) = (models.join("ner-fast"), models.join("stance-fast"));
    let mut flags =
        vec!["--threads", "2", "--model", ner.to_str().unwrap(), "--stance-model", stance.to_str().unwrap()];
    flags.extend_from_slice(extra);
    run_with(corpus, out.path(), &flags);
    out
}

/// Three leaders on one president: two praise him, one attacks him.
const SPLIT: &str = "title: Leaders split over the Valmora port deal\ndate: 2024-03-05\n\n\
    Senator Lena Hart praised President Omar Diallo on Tuesday.\n\n\
    Governor Paul Okafor also praised President Omar Diallo.\n\n\
    Mayor Mira Stone attacked President Omar Diallo.\n";

fn ok(args: &[&str]) -> String {
    let output = stancemap(args);
    assert!(output.status.success(), "stancemap {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The rows of stances.csv over the whole corpus with a side (favor or against evidence).
fn sided(stances: &[Row]) -> Vec<&Row> {
    let n = |r: &Row, c: &str| r[c].parse::<usize>().unwrap();
    stances.iter().filter(|r| r["period"] == "all" && n(r, "n_favor") + n(r, "n_against") > 0).collect()
}

#[test]
fn the_workbook_holds_every_table_as_the_csv_has_it_and_the_matrix_keeps_the_top_targets() {
    let out = fixture_run(&["--format", "xlsx", "--matrix-top", "2"]);
    let dir = out.path();
    let run_json = manifest(dir);
    assert!(run_json["outputs"].as_array().unwrap().iter().any(|o| o == "tables.xlsx"));
    let mut book: Xlsx<_> = open_workbook(dir.join("tables.xlsx")).unwrap();
    let names = book.sheet_names();
    for table_name in ["stances", "matrix", "evidence", "quotes", "actors", "articles", "mentions", "sentences"] {
        assert!(names.iter().any(|n| n == table_name), "a sheet per table: {table_name} in {names:?}");
        let csv_text = std::fs::read_to_string(dir.join(format!("{table_name}.csv"))).unwrap();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let sheet = book.worksheet_range(table_name).unwrap();
        assert_eq!(sheet.height(), rows.len() + 1, "{table_name}: the header and every row");
        for (column, name) in header.iter().enumerate() {
            assert_eq!(sheet.get((0, column)), Some(&Data::String(name.clone())), "{table_name}");
        }
        // Every cell says what the CSV says: text as text (without the formula guard's quote), numbers as numbers.
        for (r, row) in rows.iter().enumerate() {
            for (column, cell) in row.iter().enumerate() {
                let unguarded = cell.strip_prefix('\'').filter(|c| c.starts_with(['=', '+', '-', '@'])).unwrap_or(cell);
                match sheet.get((r + 1, column)) {
                    None | Some(Data::Empty) => assert_eq!(cell, "", "{table_name} row {r} column {column}"),
                    Some(Data::String(text)) => assert_eq!(text, unguarded, "{table_name} row {r}"),
                    Some(Data::Float(number)) => {
                        assert!((number - cell.parse::<f64>().unwrap()).abs() < 1e-9, "{table_name} row {r}: {cell}")
                    }
                    Some(other) => panic!("{table_name} row {r} column {column}: {other:?}"),
                }
            }
        }
    }
    let stances = book.worksheet_range("stances").unwrap();
    assert!(matches!(stances.get((1, 7)), Some(Data::Float(_))), "n_evidence is a number a spreadsheet sums");

    // matrix.csv: the two targets with the most evidence (ties by id), the rest counted in run.json.
    let rows = table(&dir.join("stances.csv"));
    let mut evidence: BTreeMap<String, usize> = BTreeMap::new();
    let mut labels: HashMap<String, String> = HashMap::new();
    for row in rows.iter().filter(|r| r["period"] == "all") {
        *evidence.entry(row["target_id"].clone()).or_default() += row["n_evidence"].parse::<usize>().unwrap();
        labels.insert(row["target_id"].clone(), row["target"].clone());
    }
    let mut ranked: Vec<(String, usize)> = evidence.into_iter().collect();
    ranked.sort_by(|(a, n), (b, m)| m.cmp(n).then(a.cmp(b)));
    assert!(ranked.len() > 2, "the fixture has more targets than the matrix shows");
    let mut expected: Vec<&String> = ranked[..2].iter().map(|(id, _)| id).collect();
    expected.sort();
    let matrix_text = std::fs::read_to_string(dir.join("matrix.csv")).unwrap();
    let header: Vec<String> =
        csv::Reader::from_reader(matrix_text.as_bytes()).headers().unwrap().iter().map(String::from).collect();
    let wanted: Vec<&str> = expected.iter().map(|id| labels[*id].as_str()).collect();
    assert_eq!(&header[2..], wanted.as_slice());
    assert_eq!(run_json["counts"]["matrix"]["targets"], 2);
    assert_eq!(run_json["counts"]["matrix"]["left_out"], ranked.len() - 2);
}

#[test]
fn network_files_parse_and_agree_with_stances_csv() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("split.txt"), SPLIT).unwrap();
    let out = run_fast(corpus.path(), &[]);
    let dir = out.path();
    let stances = table(&dir.join("stances.csv"));
    let with_side = sided(&stances);
    assert_eq!(with_side.len(), 3, "{with_side:?}");

    // Two-mode, GraphML: an edge per cell with a side, weighted by its favor and against sentences.
    let graphml = dir.join("two.graphml");
    ok(&["network", dir.to_str().unwrap(), "--out", graphml.to_str().unwrap()]);
    let text = std::fs::read_to_string(&graphml).unwrap();
    let document = roxmltree::Document::parse(&text).expect("GraphML is well-formed XML");
    let keys: HashMap<&str, &str> = document
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .map(|n| (n.attribute("id").unwrap(), n.attribute("attr.name").unwrap()))
        .collect();
    let data = |node: roxmltree::Node, name: &str| -> String {
        node.children()
            .find(|c| c.has_tag_name("data") && keys.get(c.attribute("key").unwrap()) == Some(&name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let edges: Vec<roxmltree::Node> = document.descendants().filter(|n| n.has_tag_name("edge")).collect();
    assert_eq!(edges.len(), with_side.len());
    for row in &with_side {
        let edge = edges
            .iter()
            .find(|e| {
                e.attribute("source") == Some(&format!("actor:{}", row["actor_id"]))
                    && e.attribute("target") == Some(&format!("target:{}", row["target_id"]))
            })
            .unwrap_or_else(|| panic!("no edge for {row:?}"));
        let favor_against = row["n_favor"].parse::<usize>().unwrap() + row["n_against"].parse::<usize>().unwrap();
        assert_eq!(data(*edge, "weight"), favor_against.to_string());
        assert_eq!(data(*edge, "n_favor"), row["n_favor"]);
        assert_eq!(data(*edge, "stance"), row["stance"]);
    }
    let nodes: BTreeSet<&str> =
        document.descendants().filter(|n| n.has_tag_name("node")).map(|n| n.attribute("id").unwrap()).collect();
    assert!(edges
        .iter()
        .all(|e| nodes.contains(e.attribute("source").unwrap()) && nodes.contains(e.attribute("target").unwrap())));

    // Congruence and conflict, GEXF and CSV: the weights a naive count over every pair of actors gives.
    for mode in ["congruence", "conflict"] {
        let gexf = dir.join(format!("{mode}.gexf"));
        ok(&["network", dir.to_str().unwrap(), "--mode", mode, "--format", "gexf", "--out", gexf.to_str().unwrap()]);
        let text = std::fs::read_to_string(&gexf).unwrap();
        roxmltree::Document::parse(&text).expect("GEXF is well-formed XML");
        let edges_csv = dir.join(format!("{mode}.csv"));
        ok(&[
            "network",
            dir.to_str().unwrap(),
            "--mode",
            mode,
            "--format",
            "csv",
            "--out",
            edges_csv.to_str().unwrap(),
        ]);
        let mut found: BTreeMap<(String, String), usize> = BTreeMap::new();
        for row in table(&edges_csv) {
            found.insert((row["Source"].clone(), row["Target"].clone()), row["Weight"].parse().unwrap());
        }
        // An actor is on each side it has a sentence for (both, when ambivalent), as in the Discourse Network
        // Analyzer.
        let mut side: Vec<(&str, &str, &str)> = Vec::new();
        for row in stances.iter().filter(|r| r["period"] == "all") {
            for (column, name) in [("n_favor", "favor"), ("n_against", "against")] {
                if row[column] != "0" {
                    side.push((row["actor_id"].as_str(), row["target_id"].as_str(), name));
                }
            }
        }
        let mut naive: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (a, target_a, stance_a) in &side {
            for (b, target_b, stance_b) in &side {
                let same = stance_a == stance_b;
                if a < b && target_a == target_b && (same == (mode == "congruence")) {
                    *naive.entry((format!("actor:{a}"), format!("actor:{b}"))).or_default() += 1;
                }
            }
        }
        assert_eq!(found, naive, "{mode}");
        let pairs: Vec<(&str, &str)> = found.keys().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let expected: &[(&str, &str)] = match mode {
            "congruence" => &[("actor:lena-hart", "actor:paul-okafor")],
            _ => &[("actor:lena-hart", "actor:mira-stone"), ("actor:mira-stone", "actor:paul-okafor")],
        };
        assert_eq!(pairs, expected, "{mode}: who sides with whom on Diallo");
        let nodes: BTreeSet<String> =
            table(&dir.join(format!("{mode}.nodes.csv"))).into_iter().map(|r| r["Id"].clone()).collect();
        let linked: BTreeSet<String> = found.keys().flat_map(|(a, b)| [a.clone(), b.clone()]).collect();
        assert_eq!(nodes, linked, "{mode}: the nodes are the linked actors");
    }
}

#[test]
fn a_jsonl_run_by_month_gives_a_report_a_network_per_period_and_a_workbook() {
    let out = fixture_run(&["--format", "jsonl", "--period", "month"]);
    let dir = out.path().to_str().unwrap();
    ok(&["report", dir]);
    let page = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(page.contains(r#""periods":["all","2024-03"]"#) && page.contains("Lena Hart"));
    // The fixture is all March 2024: the month's network is the whole corpus's.
    let (all, month) = (out.path().join("all.csv"), out.path().join("month.csv"));
    ok(&["network", dir, "--format", "csv", "--out", all.to_str().unwrap()]);
    ok(&["network", dir, "--format", "csv", "--period", "2024-03", "--out", month.to_str().unwrap()]);
    let edges = std::fs::read_to_string(&all).unwrap();
    assert!(edges.lines().count() > 1);
    assert_eq!(edges, std::fs::read_to_string(&month).unwrap());
    let unknown = stancemap(&["network", dir, "--period", "1999-01"]);
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success() && message.contains("no period 1999-01") && message.contains("2024-03"),
        "{message}"
    );
    ok(&["workbook", dir]);
    let mut book: Xlsx<_> = open_workbook(out.path().join("tables.xlsx")).unwrap();
    let lines = std::fs::read_to_string(out.path().join("stances.jsonl")).unwrap().lines().count();
    assert_eq!(book.worksheet_range("stances").unwrap().height(), lines + 1);
}

/// Chromium where it is installed (`STANCEMAP_CHROMIUM`, or `chromium` / `chromium-browser` / `google-chrome`
/// on the PATH).
fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("STANCEMAP_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium, headless, on `url` with `args`; its standard output.
fn headless(browser: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let output = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=5000"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_report_shows_the_actors_and_their_evidence_in_a_real_browser_needs_chromium() {
    let out = fixture_run(&[]);
    let dir = out.path();
    let report = dir.join("report.html");
    ok(&["report", dir.to_str().unwrap()]);
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.contains("Lena Hart") && page.contains("praised President Omar Diallo"));
    let Some(browser) = chromium() else {
        eprintln!("skipped the browser half: no chromium on this machine (scripts/install_browser.sh installs it)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", report.display());
    // The front page, drawn: the network and the actor list.
    let screenshot = dir.join("report.png");
    headless(
        &browser,
        profile.path(),
        &["--window-size=1300,1000", &format!("--screenshot={}", screenshot.display())],
        &url,
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a screenshot of a drawn page");
    let home = headless(&browser, profile.path(), &["--dump-dom"], &url);
    assert!(home.contains("<circle"), "the network is drawn");
    for name in ["Lena Hart", "Omar Diallo", "Northern Workers Union"] {
        assert!(home.contains(name), "{name} is on the front page");
    }
    // Lena Hart's page: her stances and the sentence that shows one, holder and target marked.
    let actors = table(&dir.join("actors.csv"));
    let lena = actors.iter().position(|a| a["actor_id"] == "lena-hart").expect("Lena Hart is an actor");
    let page = headless(&browser, profile.path(), &["--dump-dom"], &format!("{url}#/actor/{lena}"));
    assert!(page.contains("Stances Lena Hart holds"), "her page is shown");
    assert!(page.contains("praised President"), "the evidence sentence is on her page");
    assert!(page.contains(r#"<mark class="holder">"#) && page.contains(r#"<mark class="target">"#));
}
