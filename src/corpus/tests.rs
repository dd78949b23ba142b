//! Tests of a whole corpus read through [`Corpus`]: a folder with every kind of good and bad
//! input, stable ids, property tests of the in-memory readers, and a read of real BBC articles
//! when they are present.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

/// A short summary of an item, for comparing whole runs: (path relative to root, line, code).
fn summary(root: &Path, item: &Result<Article, Problem>) -> (String, Option<usize>, &'static str) {
    match item {
        Ok(article) => (id::root_relative(root, &article.origin.path), article.origin.line, "article"),
        Err(problem) => (id::root_relative(root, &problem.path), problem.line, problem.code()),
    }
}

/// Bytes that look like a photo: a PNG signature and pseudo-random bytes with NULs among them.
fn photo_bytes() -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(if state.is_multiple_of(7) { 0 } else { state as u8 });
    }
    bytes
}

fn write(root: &Path, relative: &str, bytes: &[u8]) {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, bytes).expect("write test file");
}

fn sample_corpus() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp folder");
    let root = folder.path();
    write(
        root,
        "a_header.txt",
        b"Title: Budget row deepens\nDate: 2005-02-01\nsource: BBC\n\nThe Chancellor said...\n",
    );
    write(root, "b_plain.txt", b"\nElection date set\n\nThe prime minister...\n");
    write(root, "empty.txt", b"");
    write(root, "huge.txt", &vec![b'a'; 2_000_000]);
    write(root, "image.png", &photo_bytes());
    write(root, "latin1.txt", b"Caf\xe9 in S\xe3o Paulo");
    write(
        root,
        "news.jsonl",
        concat!(
            "{\"id\": \"n1\", \"title\": \"Tories attack plan\", \"text\": \"The Tories said...\"}\n",
            "{\"id\": \"n2\", \"title\": \"Broken\", \"text\": \"no closing brace\"\n",
            "{\"title\": \"No id\", \"text\": \"Lib Dems said...\", \"date\": \"2005-03-04\"}\n",
        )
        .as_bytes(),
    );
    write(root, "photo.txt", &photo_bytes());
    write(root, "sub/nested.txt", b"Nested headline\nNested text");
    write(
        root,
        "table.csv",
        concat!(
            "id,title,text,source\n",
            "c1,Multi-line,\"First paragraph.\n\nSecond, \"\"quoted\"\" paragraph.\",Guardian\n",
            "c2,Short row\n",
            "n1,Duplicate,Same id as the JSONL record,x\n",
            ",,Plain row,\n",
        )
        .as_bytes(),
    );
    write(root, ".hidden/secret.txt", b"never read");
    write(root, ".DS_Store", b"\x00\x00\x00\x01Bud1");
    folder
}

#[test]
fn reads_a_folder_of_good_and_bad_inputs() {
    let folder = sample_corpus();
    let root = folder.path();
    let corpus = Corpus::open(root, ReadOptions::default()).expect("open corpus");
    assert_eq!(corpus.file_count(), 9);
    let mut corpus = corpus;
    let items: Vec<_> = corpus.by_ref().collect();
    assert_eq!(corpus.files_done(), 9);
    let got: Vec<_> = items.iter().map(|item| summary(root, item)).collect();
    let expected: Vec<(String, Option<usize>, &str)> = [
        ("a_header.txt", None, "article"),
        ("b_plain.txt", None, "article"),
        ("empty.txt", None, "empty"),
        ("huge.txt", None, "too_large"),
        ("image.png", None, "unsupported_type"),
        ("latin1.txt", None, "not_utf8"),
        ("latin1.txt", None, "article"),
        ("news.jsonl", Some(1), "article"),
        ("news.jsonl", Some(2), "malformed_json"),
        ("news.jsonl", Some(3), "article"),
        ("photo.txt", None, "binary"),
        ("sub/nested.txt", None, "article"),
        ("table.csv", Some(2), "article"),
        ("table.csv", Some(5), "malformed_csv"),
        ("table.csv", Some(6), "duplicate_id"),
        ("table.csv", Some(7), "article"),
    ]
    .into_iter()
    .map(|(path, line, code)| (path.to_owned(), line, code))
    .collect();
    assert_eq!(got, expected);

    let articles: Vec<&Article> = items.iter().filter_map(|item| item.as_ref().ok()).collect();
    let titles: Vec<&str> = articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Budget row deepens",
            "Election date set",
            "Café in São Paulo",
            "Tories attack plan",
            "No id",
            "Nested headline",
            "Multi-line",
            "",
        ]
    );
    let header = articles[0];
    assert_eq!(header.text, "The Chancellor said...\n");
    assert_eq!(header.date.as_deref(), Some("2005-02-01"));
    assert_eq!(header.source.as_deref(), Some("BBC"));
    assert_eq!(header.id, id::derived_id("a_header.txt", None, "The Chancellor said...\n"));
    assert_eq!(articles[1].text, "\nElection date set\n\nThe prime minister...\n");
    assert_eq!(articles[2].text, "Café in São Paulo");
    assert_eq!(articles[3].id, "n1");
    assert_eq!(articles[4].id, id::derived_id("news.jsonl", Some(3), "Lib Dems said..."));
    assert_eq!(articles[4].date.as_deref(), Some("2005-03-04"));
    assert_eq!(articles[5].id, id::derived_id("sub/nested.txt", None, "Nested headline\nNested text"));
    assert_eq!(articles[6].id, "c1");
    assert_eq!(articles[6].text, "First paragraph.\n\nSecond, \"quoted\" paragraph.");
    assert_eq!(articles[6].source.as_deref(), Some("Guardian"));
    assert_eq!(articles[7].id, id::derived_id("table.csv", Some(7), "Plain row"));
    assert_eq!(articles[7].source, None);

    let messages: Vec<String> = items
        .iter()
        .filter_map(|item| item.as_ref().err())
        .map(|problem| problem.to_string().replace(&format!("{}/", root.display()), ""))
        .collect();
    assert_eq!(
        messages,
        [
            "empty.txt: empty article: no text",
            "huge.txt: article is 2 MB, over the limit of 1 MB; raise it with --max-article-bytes",
            "image.png: unsupported file type '.png' (stancemap reads .txt, .jsonl, .csv, .tsv)",
            "latin1.txt: not valid UTF-8 (first bad byte on line 1); read as Windows-1252",
            "news.jsonl:2: malformed JSON: EOF while parsing an object at column 58",
            "photo.txt: binary file, not text",
            "table.csv:5: malformed CSV: row has 2 fields, but the header has 4",
            "table.csv:6: duplicate article id 'n1' (first seen at news.jsonl:1)",
        ]
    );
    let warnings = items.iter().filter_map(|item| item.as_ref().err()).filter(|problem| !problem.skips()).count();
    assert_eq!(warnings, 1);
}

#[test]
fn ids_are_stable_across_reads_and_differ_between_files() {
    let folder = sample_corpus();
    let ids = |root: &Path| -> Vec<String> {
        Corpus::open(root, ReadOptions::default())
            .expect("open corpus")
            .filter_map(Result::ok)
            .map(|article| article.id)
            .collect()
    };
    let first = ids(folder.path());
    assert_eq!(first, ids(folder.path()));
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len());

    // The same files in another place give the same ids: ids depend on paths inside the corpus.
    let elsewhere = tempfile::tempdir().expect("temp folder");
    let moved = elsewhere.path().join("renamed-corpus");
    fs::rename(folder.path(), &moved).expect("move corpus");
    assert_eq!(first, ids(&moved));
    fs::rename(&moved, folder.path()).expect("move corpus back");

    // Two files with the same text get different ids.
    let twins = tempfile::tempdir().expect("temp folder");
    write(twins.path(), "one.txt", b"Same text");
    write(twins.path(), "two.txt", b"Same text");
    let twin_ids = ids(twins.path());
    assert_eq!(twin_ids.len(), 2);
    assert_ne!(twin_ids[0], twin_ids[1]);
}

#[test]
fn single_file_and_missing_paths() {
    let folder = sample_corpus();
    let file = folder.path().join("news.jsonl");
    let corpus = Corpus::open(&file, ReadOptions::default()).expect("open file");
    assert_eq!(corpus.root(), folder.path());
    let ids: Vec<String> = corpus.filter_map(Result::ok).map(|article| article.id).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], "n1");
    assert_eq!(ids[1], id::derived_id("news.jsonl", Some(3), "Lib Dems said..."));

    let missing = folder.path().join("nope");
    match Corpus::open(&missing, ReadOptions::default()) {
        Err(error @ CorpusError::NotFound(_)) => {
            assert!(error.to_string().contains(&missing.display().to_string()));
        }
        Err(other) => panic!("expected not found, got {other}"),
        Ok(_) => panic!("expected an error for a missing corpus"),
    }
    let image = folder.path().join("image.png");
    assert!(matches!(Corpus::open(&image, ReadOptions::default()), Err(CorpusError::UnsupportedType { .. })));
}

#[cfg(unix)]
#[test]
fn dangling_symlink_is_unreadable() {
    let folder = tempfile::tempdir().expect("temp folder");
    write(folder.path(), "real.txt", b"Real article");
    std::os::unix::fs::symlink(folder.path().join("gone.txt"), folder.path().join("link.txt")).expect("make symlink");
    std::os::unix::fs::symlink(folder.path(), folder.path().join("loop")).expect("make loop");
    let items: Vec<_> = Corpus::open(folder.path(), ReadOptions::default()).expect("open corpus").collect();
    let got: Vec<_> = items.iter().map(|item| summary(folder.path(), item)).collect();
    assert_eq!(got, [("link.txt".to_owned(), None, "unreadable"), ("real.txt".to_owned(), None, "article"),]);
    let message = items[0].as_ref().expect_err("problem").to_string();
    assert!(message.contains("dangling symlink"), "{message}");
}

fn assert_sound(item: &Result<Article, Problem>, options: ReadOptions) {
    if let Ok(article) = item {
        assert!(!article.text.trim().is_empty(), "empty text in {article:?}");
        assert!(article.text.len() <= options.max_article_bytes);
        assert!(!article.id.trim().is_empty());
    }
}

/// Inputs that are mostly structure, so that the readers get past their first checks.
fn structured_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"{\"text\": \"".to_vec()),
        Just(b"\"}\n".to_vec()),
        Just(b"\"id\": 1, ".to_vec()),
        Just(b"id,title,text\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"title: x\n".to_vec()),
        Just(b"\xe9\x93".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b" ".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
        "[a-z ]{0,12}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        structured_bytes(),
        any::<String>().prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn readers_never_panic_and_yield_only_real_text(bytes in any_input(), max in 1usize..64) {
        let small = ReadOptions { max_article_bytes: max };
        for options in [ReadOptions::default(), small] {
            let (article, problems) = read_txt("p.txt", Path::new("p.txt"), &bytes, options);
            assert_sound(&article.clone().ok_or(()).map_err(|_| problems[0].clone()), options);
            prop_assert!(article.is_some() || !problems.is_empty());
            for item in JsonlRecords::new("p.jsonl", Path::new("p.jsonl"), bytes.as_slice(), options) {
                assert_sound(&item, options);
            }
            for delimiter in [b',', b'\t'] {
                for item in CsvRecords::new("p.csv", Path::new("p.csv"), bytes.as_slice(), delimiter, options) {
                    assert_sound(&item, options);
                }
            }
        }
    }
}

/// The real BBC politics articles, if this checkout has them. Not part of the repository.
fn bbc_politics() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("STANCEMAP_BBC_POLITICS").map(PathBuf::from),
        Some(manifest.join("shared/data/news/bbc/politics")),
        Some(manifest.join("../shared/data/news/bbc/politics")),
    ];
    candidates.into_iter().flatten().find(|path| path.is_dir())
}

#[test]
fn reads_real_bbc_politics_articles_needs_shared() {
    let Some(folder) = bbc_politics() else {
        println!("skipped: BBC politics folder not found (set STANCEMAP_BBC_POLITICS to point at it)");
        return;
    };
    let corpus = Corpus::open(&folder, ReadOptions::default()).expect("open BBC corpus");
    let files = corpus.file_count();
    let mut articles = 0;
    let mut problems = Vec::new();
    for item in corpus {
        match item {
            Ok(article) => {
                assert!(!article.title.is_empty(), "no title for {}", article.origin);
                assert_eq!(article.id.len(), 16);
                articles += 1;
            }
            Err(problem) => problems.push(problem),
        }
    }
    println!("BBC politics: {files} files, {articles} articles, {} problems", problems.len());
    for problem in &problems {
        println!("  {problem}");
    }
    assert!(articles > 0);
    assert_eq!(articles + problems.iter().filter(|p| p.skips()).count(), files);
}

#[test]
fn a_date_that_cannot_be_read_is_warned_about_once_right_before_its_article_which_is_still_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "news.jsonl",
        concat!(
            "{\"id\": \"a\", \"text\": \"Estonia spoke.\", \"date\": \"2021-02-31\"}\n",
            "{\"id\": \"b\", \"text\": \"Turkey spoke.\", \"date\": \"Wed, 16 Jun 2021 10:00:00 +0000\"}\n",
            "{\"id\": \"c\", \"text\": \"Chile spoke.\", \"date\": \"\"}\n",
            "{\"id\": \"d\", \"text\": \"Peru spoke.\", \"date\": \"last Tuesday\"}\n",
        )
        .as_bytes(),
    );
    write(root, "z.txt", b"date: 2021-06-16T10:00:00+02:00\n\nA text with a header.");
    let items: Vec<_> = Corpus::open(root, ReadOptions::default()).expect("open corpus").collect();
    let shape: Vec<_> = items.iter().map(|item| summary(root, item)).collect();
    assert_eq!(
        shape,
        [
            ("news.jsonl".to_string(), Some(1), "unreadable_date"),
            ("news.jsonl".to_string(), Some(1), "article"),
            ("news.jsonl".to_string(), Some(2), "article"),
            ("news.jsonl".to_string(), Some(3), "article"),
            ("news.jsonl".to_string(), Some(4), "unreadable_date"),
            ("news.jsonl".to_string(), Some(4), "article"),
            ("z.txt".to_string(), None, "article"),
        ]
    );
    let first = items[0].as_ref().expect_err("a warning");
    assert!(!first.skips());
    assert!(first.to_string().contains("\"2021-02-31\""), "{first}");
    let dated = items[1].as_ref().expect("the article");
    assert_eq!(dated.date.as_deref(), Some("2021-02-31"), "the date is kept as given");
}
