//! The run attacked as a careless user or an adversary would: special files in the corpus, Windows line ends,
//! two runs on one `--out`, `--out` inside the corpus, a finished `--out` run again, symlink loops, merges into
//! their own shards, imports that convert nothing. Each case is a defect that was found, named after what broke.
//! Most runs skip the models (`--no-entities`): these are about reading and writing.

mod common;

use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{manifest, repo, stancemap, table};

/// `stancemap ARGS`, killed and failed if it has not ended within `limit` (a hang is the defect).
fn within(limit: Duration, args: &[&str]) -> Output {
    let child: Child = Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the stancemap binary runs");
    let started = Instant::now();
    let mut child = child;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!("stancemap {args:?} hung for {limit:?}: {}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_plain(corpus: &Path, out: &Path) -> Output {
    stancemap(&["run", corpus.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-entities", "-q"])
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn sample_copy(dir: &Path) -> std::path::PathBuf {
    let corpus = dir.join("c");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
    }
    corpus
}

#[test]
fn a_named_pipe_in_the_corpus_is_skipped_without_being_opened() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(repo().join("corpus/nato-troops.txt"), corpus.join("nato-troops.txt")).unwrap();
    let pipe = corpus.join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let out = dir.path().join("o");
    let output = within(
        Duration::from_secs(120),
        &["run", corpus.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-entities", "-q"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("pipe.txt") && said.contains("a named pipe"), "{said}");
    assert_eq!(table(&out.join("articles.csv")).len(), 1);
    assert_eq!(manifest(&out)["counts"]["problems_by_kind"]["not_a_file"], 1);
}

#[test]
fn crlf_csv_rows_are_named_by_the_lines_an_editor_shows() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("x.csv");
    std::fs::write(&corpus, "id,title,text\r\na1,T1,Estonia spoke.\r\na2,T2,Turkey spoke.\r\na2,T3,Dup.\r\na4,T4\r\n")
        .unwrap();
    let out = dir.path().join("o");
    let output = run_plain(&corpus, &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("x.csv:4: duplicate article id 'a2' (first seen at "), "{said}");
    assert!(said.contains("x.csv:3)"), "{said}");
    assert!(said.contains("x.csv:5: malformed CSV"), "{said}");
    let origins: Vec<String> = table(&out.join("articles.csv")).iter().map(|r| r["origin"].clone()).collect();
    assert!(origins[0].ends_with("x.csv:2") && origins[1].ends_with("x.csv:3"), "{origins:?}");
    let lines: Vec<u64> =
        manifest(&out)["problems"].as_array().unwrap().iter().map(|p| p["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 5]);
}

#[test]
fn a_second_run_on_an_out_folder_in_use_refuses_at_once_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("same");
    std::fs::create_dir(&out).unwrap();
    // This test holds the folder's lock, as a running stancemap does.
    let folder = std::fs::File::open(&out).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(folder.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let started = Instant::now();
    let refused = within(
        Duration::from_secs(60),
        &["run", repo().join("corpus").to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-entities", "-q"],
    );
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(said.contains(out.to_str().unwrap()) && said.contains("another stancemap run"), "{said}");
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(std::fs::read_dir(&out).unwrap().next().is_none(), "nothing written: {said}");
    drop(folder);
    // Released (as the kernel releases it when a run dies, kill -9 included), the folder is free again.
    let output = run_plain(&repo().join("corpus"), &out);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn out_inside_the_corpus_is_not_read_as_articles_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = sample_copy(dir.path());
    let out = corpus.join("out");
    for _ in 0..2 {
        let output = run_plain(&corpus, &out);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(table(&out.join("articles.csv")).len(), 7, "{}", stderr(&output));
    }
    // Another run's folder inside the corpus is left alone too, and said once.
    let other = corpus.join("older-run");
    assert!(run_plain(&repo().join("corpus"), &other).status.success());
    let output = run_plain(&corpus, &dir.path().join("elsewhere"));
    assert_eq!(table(&dir.path().join("elsewhere/articles.csv")).len(), 7);
    let said = stderr(&output);
    assert_eq!(said.matches("holds a stancemap run").count(), 2, "out and older-run: {said}");
    // A run's own folder given as the corpus is said and not read (its sentences.csv is no corpus).
    let tables = run_plain(&other, &dir.path().join("from-tables"));
    assert!(stderr(&tables).contains("holds a stancemap run"), "{}", stderr(&tables));
    assert_eq!(table(&dir.path().join("from-tables/articles.csv")).len(), 0);
    // The corpus folder itself as --out is refused.
    let refused = run_plain(&corpus, &corpus);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("is the corpus folder"), "{}", stderr(&refused));
}

#[test]
fn running_again_into_a_finished_out_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let first = run_plain(&repo().join("corpus"), &out);
    assert!(!stderr(&first).contains("finished run"), "{}", stderr(&first));
    let again = run_plain(&repo().join("corpus"), &out);
    assert!(again.status.success());
    assert!(stderr(&again).contains("holds a finished run; running again"), "{}", stderr(&again));
}

#[test]
fn a_symlink_loop_is_named_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "Estonia spoke at the summit.").unwrap();
    std::os::unix::fs::symlink(corpus.join("loop-b.txt"), corpus.join("loop-a.txt")).unwrap();
    std::os::unix::fs::symlink(corpus.join("loop-a.txt"), corpus.join("loop-b.txt")).unwrap();
    std::os::unix::fs::symlink(corpus.join("gone.txt"), corpus.join("dangling.txt")).unwrap();
    let output = run_plain(&corpus, &dir.path().join("o"));
    assert!(output.status.success());
    let said = stderr(&output);
    let line = |name: &str| said.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(line("loop-a.txt").contains("symlink loop"), "{said}");
    assert!(line("dangling.txt").contains("dangling symlink"), "{said}");
}

#[test]
fn merge_into_one_of_its_own_shards_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shards: Vec<String> = (1..=2).map(|i| dir.path().join(format!("s{i}")).display().to_string()).collect();
    for (i, shard) in shards.iter().enumerate() {
        let part = format!("{}/2", i + 1);
        let output = stancemap(&[
            "run",
            repo().join("corpus").to_str().unwrap(),
            "--out",
            shard,
            "--no-entities",
            "-q",
            "--shard",
            &part,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let before = std::fs::read(Path::new(&shards[0]).join("articles.csv")).unwrap();
    let refused = stancemap(&["merge", &shards[0], &shards[1], "--out", &shards[0]]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("is one of the shards being merged"), "{}", stderr(&refused));
    assert_eq!(std::fs::read(Path::new(&shards[0]).join("articles.csv")).unwrap(), before);
}

#[test]
fn an_import_that_converts_nothing_fails_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("abortion");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("train_text.txt"), "a tweet\nanother\n").unwrap();
    std::fs::write(input.join("train_labels.txt"), "7\n9\n").unwrap();
    let out = dir.path().join("out.jsonl");
    let output = stancemap(&["import", "semeval", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let said = stderr(&output);
    assert!(said.contains("nothing converted") && said.contains("all 2 records read were skipped"), "{said}");
    assert!(!out.exists(), "no empty file left behind");
}
