//! Articles annotated per ANNOTATION.md as training data for the issue tagger (`import articles GOLD.csv --corpus
//! DIR --issues FILE.conll`, then `train ner --train FILE.conll`), so that a user who annotates their own
//! articles can teach the tagger their domain's issues.
//!
//! A gold row toward an issue names it and lists the words the article uses for it (`target_aliases`: "border
//! wall|wall|barrier"). In every sentence of the row's article, each place where one of those names is written
//! (whole words, lowercase, without a leading determiner such as "the"; a word of four letters or more also matching a longer word it begins, so "tariff"
//! finds "tariffs") is tagged ISSUE, the longer name winning where two overlap. Every other word of an annotated
//! article is O: the annotator read it and found no issue that anyone was for or against there. Articles of the
//! corpus without gold rows are not read into the file, since nobody said what their issues are.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::article_score::{file_name, read_gold};
use crate::corpus::{Corpus, ReadOptions};
use crate::import::issue_spans::{
    lowercase_words, occurrences, place_runs, without_determiner, write_conll, TaggedSentence,
};

/// What one `import articles --issues` wrote.
#[derive(Debug, Default)]
pub struct ArticleIssues {
    /// Articles of the corpus with gold rows, and gold rows toward issues.
    pub articles: usize,
    pub issue_rows: usize,
    /// Sentences written, and of them those with an issue span; the spans tagged.
    pub sentences: usize,
    pub tagged_sentences: usize,
    pub spans: usize,
    /// Issue names (a target or one of its aliases) written nowhere in their article's words.
    pub names_unseen: usize,
    /// Gold rows, articles and files left out, with the reason.
    pub skipped: Vec<String>,
}

/// Writes the sentences of the articles in `corpus` that `gold` annotates to `out` as CoNLL, the issues of their
/// gold rows tagged ISSUE. `unlabelled` thins the sentences without an issue as [`write_conll`] does.
pub fn write_issue_spans(
    gold: &Path,
    corpus: &Path,
    out: &Path,
    unlabelled: Option<usize>,
) -> anyhow::Result<ArticleIssues> {
    let mut report = ArticleIssues::default();
    let gold_rows = read_gold(gold)?;
    report.skipped.extend(gold_rows.skipped);
    // Each annotated article's issue names, as lowercase words (an article with only actor rows has none).
    let mut issues: HashMap<&str, Vec<Vec<String>>> = HashMap::new();
    for row in &gold_rows.rows {
        let names = issues.entry(row.article.as_str()).or_default();
        if row.kind == "issue" {
            report.issue_rows += 1;
            names.extend(
                row.target_aliases
                    .iter()
                    .map(|alias| without_determiner(lowercase_words(alias)))
                    .filter(|w| !w.is_empty()),
            );
        }
    }
    let mut found_names: HashMap<&str, Vec<bool>> =
        issues.iter().map(|(article, names)| (*article, vec![false; names.len()])).collect();
    let mut sentences: Vec<TaggedSentence> = Vec::new();
    let mut read: HashSet<&str> = HashSet::new();
    let corpus_reader = Corpus::open(corpus, ReadOptions::default())?;
    for item in corpus_reader {
        let article = match item {
            Ok(article) => article,
            Err(problem) => {
                report.skipped.push(problem.to_string());
                continue;
            }
        };
        let by_file = file_name(&article.origin.to_string());
        let Some((key, names)) =
            issues.get_key_value(by_file.as_str()).or_else(|| issues.get_key_value(article.id.as_str()))
        else {
            continue;
        };
        report.articles += 1;
        read.insert(*key);
        let seen = found_names.get_mut(key).expect("every annotated article has its flags");
        for sentence in crate::text::segment(&article.text).sentences {
            let text = sentence.span.slice(&article.text);
            let words = lowercase_words(text);
            if words.is_empty() {
                continue;
            }
            let found: Vec<(std::ops::Range<usize>, usize)> = names
                .iter()
                .enumerate()
                .flat_map(|(k, name)| occurrences(name, &words).into_iter().map(move |range| (range, k)))
                .collect();
            for (_, k) in &found {
                seen[*k] = true;
            }
            let (tags, placed) = place_runs(words.len(), found);
            report.spans += placed.len();
            let written: Vec<String> =
                crate::text::words::words(text).iter().map(|w| w.slice(text).to_string()).collect();
            sentences.push(TaggedSentence { words: written, tags });
        }
    }
    let mut unread: Vec<&str> = Vec::new();
    for (article, seen) in &found_names {
        if read.contains(article) {
            report.names_unseen += seen.iter().filter(|seen| !**seen).count();
        } else {
            unread.push(article);
        }
    }
    unread.sort_unstable();
    for article in unread {
        report.skipped.push(format!("{}: article {article}: not in {}", gold.display(), corpus.display()));
    }
    let written = write_conll(out, &sentences, unlabelled)?;
    report.sentences = written.sentences;
    report.tagged_sentences = written.with_issue;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_of_annotated_articles_are_tagged_wherever_they_are_written_and_unannotated_articles_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::write(
            corpus.join("port.txt"),
            "Port deal splits council\n\nSenator Okafor strongly opposes the port deal. The mayor backs the new \
             port terminal. Rain fell on Tuesday.",
        )
        .unwrap();
        std::fs::write(corpus.join("visit.txt"), "Lopez visits Lima\n\nLopez met the ambassador in Lima.").unwrap();
        std::fs::write(corpus.join("other.txt"), "Tariffs\n\nThe tariffs rose again.").unwrap();
        let gold = dir.path().join("gold.csv");
        std::fs::write(
            &gold,
            "article_file,holder,holder_aliases,target,target_aliases,target_kind,stance,evidence\n\
             port.txt,Grace Okafor,Okafor,the port deal,port deal|harbour pact,issue,against,\n\
             port.txt,the mayor,mayor,the port terminal,port terminal|new port terminal,issue,favor,\n\
             port.txt,Grace Okafor,Okafor,the mayor,mayor,actor,against,\n\
             visit.txt,Lopez,,the ambassador,,actor,favor,\n\
             gone.txt,Hart,,the levy,levy,issue,against,\n\
             port.txt,Hart,,the levy,levy,issue,maybe,\n",
        )
        .unwrap();
        let out = dir.path().join("issues.conll");
        let report = write_issue_spans(&gold, &corpus, &out, None).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let sentences: Vec<Vec<(&str, &str)>> = text
            .split("\n\n")
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.lines().map(|l| l.split_once('\t').unwrap()).collect())
            .collect();
        let spans = |sentence: &[(&str, &str)]| -> Vec<String> {
            let mut spans: Vec<String> = Vec::new();
            for (word, tag) in sentence {
                match *tag {
                    "B-ISSUE" => spans.push(word.to_string()),
                    "I-ISSUE" => *spans.last_mut().unwrap() += &format!(" {word}"),
                    _ => {}
                }
            }
            spans
        };
        // port.txt: the title, Okafor's sentence, the mayor's and the rain; visit.txt: its title and sentence.
        // other.txt has no gold rows and gone.txt is not in the corpus.
        assert_eq!(sentences.len(), 6, "{text}");
        let all: Vec<Vec<String>> = sentences.iter().map(|s| spans(s)).collect();
        assert_eq!(all[0], ["Port deal"], "the title is part of the text");
        assert_eq!(all[1], ["port deal"]);
        assert_eq!(all[2], ["new port terminal"], "the longer of two overlapping names");
        assert!(all[3..].iter().all(Vec::is_empty), "{all:?}");
        assert!(!text.contains("tariffs"), "an article nobody annotated is left out");
        assert_eq!((report.articles, report.issue_rows, report.tagged_sentences, report.spans), (2, 3, 3, 3));
        assert!(report.skipped.iter().any(|s| s.contains("gone.txt") && s.contains("not in")), "{:?}", report.skipped);
        assert!(report.skipped.iter().any(|s| s.contains("maybe")), "{:?}", report.skipped);
        assert_eq!(report.names_unseen, 1, "'harbour pact' (a leading 'the' is no part of a name)");
    }
}
