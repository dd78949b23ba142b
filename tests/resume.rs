//! A run killed part-way (kill -9, as Ctrl-C or a cluster's time limit would) and started again with the same
//! --out finishes the rest: the tables come out byte for byte as an uninterrupted run's. It keeps the whole
//! groups of 16 articles the models took together and does the rest again, so that every article is batched as
//! in the uninterrupted run (other batches can move a probability's last digit on some CPUs).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{manifest, repo, run_with, stancemap, TABLES};

fn flags() -> Vec<String> {
    let model = |name: &str| repo().join("models").join(name).display().to_string();
    ["--threads", "2", "--model", &model("ner-fast"), "--stance-model", &model("stance-fast"), "-q"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Starts a run and kills it (SIGKILL) once the journal shows `articles` finished articles. Returns false when
/// the run ended before that.
fn run_and_kill(corpus: &Path, out: &Path, articles: usize) -> bool {
    let mut args = vec!["run".to_string(), corpus.display().to_string(), "--out".into(), out.display().to_string()];
    args.extend(flags());
    let mut child = Command::new(env!("CARGO_BIN_EXE_stancemap")).args(&args).spawn().unwrap();
    let journal = out.join("resume.jsonl");
    let started = Instant::now();
    loop {
        let lines = std::fs::read_to_string(&journal).map(|j| j.lines().count()).unwrap_or(0);
        if lines > articles {
            child.kill().unwrap();
            child.wait().unwrap();
            return journal.is_file();
        }
        // Only a safety net: the first articles take seconds.
        if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The sample corpus and the stance fixture, three times over: 33 articles in .txt and .jsonl files, so that
/// the models take them in several chunks and a kill can land between two.
fn thrice(dir: &Path) -> std::path::PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for copy in 1..=3 {
        for source in [repo().join("corpus"), repo().join("tests/fixtures/stance_corpus")] {
            for entry in std::fs::read_dir(&source).unwrap() {
                let path = entry.unwrap().path();
                let name = format!(
                    "{copy}-{}-{}",
                    source.file_name().unwrap().to_string_lossy(),
                    path.file_name().unwrap().to_string_lossy()
                );
                let text = std::fs::read_to_string(&path).unwrap();
                // Explicit ids in the JSONL briefs are made unique per copy (ids of .txt files come from the path).
                std::fs::write(
                    corpus.join(name),
                    text.replace("\"id\": \"brief-", &format!("\"id\": \"c{copy}-brief-")),
                )
                .unwrap();
            }
        }
    }
    corpus
}

/// The number in "N articles already done" of a resumed run's stderr.
fn already_done(said: &str) -> usize {
    said.lines()
        .find_map(|line| line.strip_suffix(" articles already done"))
        .and_then(|line| line.rsplit(": ").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {said}"))
}

fn assert_same_tables(expected: &Path, resumed: &Path) {
    for table in TABLES {
        let expected = std::fs::read(expected.join(table)).unwrap();
        assert!(std::fs::read(resumed.join(table)).unwrap() == expected, "{table} differs after resuming");
    }
    assert_eq!(manifest(resumed)["counts"], manifest(expected)["counts"]);
}

#[test]
fn a_killed_run_resumes_to_the_same_tables_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = thrice(dir.path());
    let whole = dir.path().join("whole");
    let flags = flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    run_with(&corpus, &whole, &flags);
    assert!(!whole.join("resume.jsonl").exists(), "a finished run leaves no journal");

    let resumed = dir.path().join("resumed");
    // Past the first group of 16 articles, so that the resumed run keeps one group and redoes what follows it.
    let killed = [16, 17, 18].iter().any(|&articles| run_and_kill(&corpus, &resumed, articles));
    assert!(killed, "could not interrupt the run");
    // A kill in the middle of writing: rows of an unfinished article and half a journal line.
    let mut evidence = std::fs::OpenOptions::new().append(true).open(resumed.join("evidence.csv.partial")).unwrap();
    std::io::Write::write_all(&mut evidence, b"torn-e0,torn,0,0,4,half a r").unwrap();
    let mut journal = std::fs::OpenOptions::new().append(true).open(resumed.join("resume.jsonl")).unwrap();
    std::io::Write::write_all(&mut journal, b"{\"article_id\":\"torn\",\"len").unwrap();

    // Other options would give other tables: refused, naming the folder.
    let mut other = vec!["run", corpus.to_str().unwrap(), "--out", resumed.to_str().unwrap(), "--min-evidence", "2"];
    other.extend(&flags);
    let refused = stancemap(&other);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("interrupted run") && message.contains("resumed"), "{message}");

    let output = run_with(&corpus, &resumed, &flags);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("resuming the run") && said.contains("already done"), "{said}");
    let done = already_done(&said);
    assert!(done > 0 && done.is_multiple_of(16), "whole groups of 16 are kept: {said}");
    assert_same_tables(&whole, &resumed);
    assert!(!resumed.join("resume.jsonl").exists());
    assert!(std::fs::read_dir(&resumed).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".partial")));
}

#[test]
fn a_resume_after_the_corpus_was_edited_gives_the_tables_of_a_fresh_run_of_the_corpus_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = thrice(dir.path());
    let resumed = dir.path().join("resumed");
    let killed = [16, 17, 18].iter().any(|&articles| run_and_kill(&corpus, &resumed, articles));
    assert!(killed, "could not interrupt the run");
    // One of the finished articles is edited and a file is added (the defect: the edited article came out
    // twice, under its old id and its new one, and 42 articles in all).
    let edited = corpus.join("2-corpus-climate-talks.txt");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replacen("\n\n", "\n\nAn added paragraph opens the story.\n\n", 1)).unwrap();
    std::fs::write(corpus.join("2-corpus-zz-added.txt"), "Estonia praised NATO on Monday.").unwrap();

    let flags = flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let output = run_with(&corpus, &resumed, &flags);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("the corpus changed") && said.contains("2-corpus-climate-talks.txt was edited"), "{said}");
    let fresh = dir.path().join("fresh");
    run_with(&corpus, &fresh, &flags);
    assert_same_tables(&fresh, &resumed);
    let articles = common::table(&resumed.join("articles.csv"));
    let of_edited: Vec<_> = articles.iter().filter(|a| a["origin"].ends_with("2-corpus-climate-talks.txt")).collect();
    assert_eq!(of_edited.len(), 1, "the edited article once, under its new id");
    assert!(articles.iter().any(|a| a["origin"].ends_with("2-corpus-zz-added.txt")));
    let sentences = common::table(&resumed.join("sentences.csv"));
    assert!(sentences
        .iter()
        .any(|s| s["article_id"] == of_edited[0]["article_id"] && s["text"].starts_with("An added paragraph")));
}
