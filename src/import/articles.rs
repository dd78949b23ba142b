//! Articles annotated per ANNOTATION.md as training data, so that a user who annotates their own articles can teach
//! the tools their domain: `import articles GOLD.csv --corpus DIR` with
//!
//! * `--issues FILE.conll`, for the issue tagger (`train ner --train FILE.conll`). A gold row toward an issue names
//!   it and lists the words the article uses for it (`target_aliases`: "border wall|wall|barrier"). In every
//!   sentence of the row's article, each place where one of those names is written (whole words, lowercase,
//!   without a leading determiner such as "the"; a word of four letters or more also matching a longer word it
//!   begins, so "tariff" finds "tariffs") is tagged ISSUE, the longer name winning where two overlap. Every other
//!   word of an annotated article is O: the annotator read it and found no issue that anyone was for or against
//!   there.
//! * `--out FILE.jsonl`, stance examples from the run's own questions ([`read_examples`]), labelled by the rows and
//!   the sentences they copied as evidence (`train stance --train FILE.jsonl`).
//!
//! Articles of the corpus without gold rows are not read into either file, since nobody said what they hold.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::article_score::{file_name, holder_matches, read_gold, target_matches, GoldRow};
use crate::corpus::{Article, Corpus, ReadOptions};
use crate::import::issue_spans::{
    lowercase_words, occurrences, place_runs, without_determiner, write_conll, TaggedSentence,
};
use crate::pairs::{Question, Target};
use crate::span::Span;
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

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
    let mut sentences: Vec<TaggedSentence> = Vec::new();
    each_annotated_article(gold, corpus, &issues, &mut report.skipped, |names, article| {
        report.articles += 1;
        // Which of the article's names some sentence writes.
        let mut seen = vec![false; names.len()];
        for sentence in crate::text::segment(&article.text).sentences {
            let text = sentence.span.slice(&article.text);
            let spans = crate::text::words::words(text);
            if spans.is_empty() {
                continue;
            }
            let words: Vec<String> = spans.iter().map(|w| w.slice(text).to_lowercase()).collect();
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
            sentences.push(TaggedSentence { words: spans.iter().map(|w| w.slice(text).to_string()).collect(), tags });
        }
        report.names_unseen += seen.iter().filter(|seen| !**seen).count();
        Ok(())
    })?;
    let written = write_conll(out, &sentences, unlabelled)?;
    report.sentences = written.sentences;
    report.tagged_sentences = written.with_issue;
    Ok(report)
}

/// The source name of the stance examples.
pub const SOURCE: &str = "articles";

/// What one `import articles --out` found.
#[derive(Debug, Default)]
pub struct ArticleExamples {
    /// Articles of the corpus with gold rows.
    pub articles: usize,
    pub examples: Vec<StanceExample>,
    /// By target kind: gold rows whose evidence was found in their article, and of them those that a question of
    /// the evidence sentence asks (the candidate recall).
    pub rows: BTreeMap<String, (usize, usize)>,
    /// Gold rows whose evidence is not a sentence of their article (they label no question).
    pub rows_without_evidence: usize,
    /// Questions left out: a row names their holder and target but its evidence is another sentence (this one may
    /// or may not show the stance), or rows of both signs label them.
    pub left_out: usize,
    pub skipped: Vec<String>,
}

/// Training examples from the run's own questions on the annotated articles of `corpus` (the stages of
/// [`super::stages::annotator`] with the entity model in `entity_model`): a question (holder, target, sentence)
/// whose sentence holds the evidence of a gold row that names its holder and target (as `eval articles` matches
/// them) gets the row's stance; a question that no row names is neutral (holds no stance: the annotator read the
/// article and wrote none); a question that a row names but whose evidence is another sentence is left out,
/// since a stance is mostly shown in more sentences than the one the annotator copied.
pub fn read_examples(gold: &Path, corpus: &Path, entity_model: &Path) -> anyhow::Result<ArticleExamples> {
    let mut report = ArticleExamples::default();
    let gold_rows = read_gold(gold)?;
    report.skipped.extend(gold_rows.skipped);
    let mut by_article: HashMap<&str, Vec<&GoldRow>> = HashMap::new();
    for row in &gold_rows.rows {
        by_article.entry(row.article.as_str()).or_default().push(row);
    }
    let annotator = super::stages::annotator(entity_model, super::stages::issue_model().as_deref())?;
    each_annotated_article(gold, corpus, &by_article, &mut report.skipped, |rows, article| {
        report.articles += 1;
        let id = article.id.clone();
        let annotated = annotator.annotate_article(article)?;
        let (text, actors) = (annotated.article.text.as_str(), annotated.actors()?);
        // The names each actor goes by, as rows are matched against them.
        let names: Vec<Vec<String>> =
            (0..actors.actors.len()).map(|a| super::stages::actor_names(text, actors, a)).collect();
        // Each row's evidence in the article; rows without one label nothing.
        let evidence: Vec<Option<Span>> = rows
            .iter()
            .map(|row| {
                let sentence = row.evidence.trim();
                let start = text.find(sentence).filter(|_| !sentence.is_empty())?;
                Some(Span::new(start, start + sentence.len()))
            })
            .collect();
        report.rows_without_evidence += evidence.iter().filter(|e| e.is_none()).count();
        let mut asked = vec![false; rows.len()];
        for (index, pair) in annotated.pairs.iter().enumerate() {
            let sentence = annotated.segmentation.sentences[pair.sentence_index].span;
            let (target_names, target) = match &pair.target {
                Target::Actor(a) => (names[*a].clone(), actors.actors[*a].name.clone()),
                Target::Issue(phrase) => (vec![phrase.label.clone()], phrase.label.clone()),
                Target::Topic(_) => continue,
            };
            let holder_names = &names[pair.holder];
            let mut named = false;
            let mut labels = Vec::new();
            for (r, row) in rows.iter().enumerate() {
                if !holder_matches(&row.holder_aliases, holder_names)
                    || !target_matches(&row.target_aliases, &target_names)
                {
                    continue;
                }
                named = true;
                if evidence[r].is_some_and(|span| span.overlaps(sentence)) {
                    asked[r] = true;
                    labels.push(row.stance);
                }
            }
            let label = match labels.first() {
                None if !named => StanceLabel::Neutral,
                Some(first) if labels.iter().all(|l| l == first) => *first,
                _ => {
                    report.left_out += 1;
                    continue;
                }
            };
            let question = Question::of(text, &annotated.segmentation, actors, pair, &target);
            report.examples.push(question.example(format!("{id}-q{index}"), label, SOURCE));
        }
        for ((row, found), asked) in rows.iter().zip(&evidence).zip(asked) {
            if found.is_some() {
                let entry = report.rows.entry(row.kind.clone()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(asked);
            }
        }
        Ok(())
    })?;
    Ok(report)
}

/// Reads the corpus and calls `visit` with each article that `annotated` holds (keyed by file name or article
/// id, as gold rows name their article) and its value. A problem with an item of the corpus, and each annotated
/// article the corpus does not hold, is added to `skipped`.
fn each_annotated_article<T>(
    gold: &Path,
    corpus: &Path,
    annotated: &HashMap<&str, T>,
    skipped: &mut Vec<String>,
    mut visit: impl FnMut(&T, Article) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut read = HashSet::new();
    for item in Corpus::open(corpus, ReadOptions::default())? {
        let article = match item {
            Ok(article) => article,
            Err(problem) => {
                skipped.push(problem.to_string());
                continue;
            }
        };
        let by_file = file_name(&article.origin.to_string());
        let Some((key, value)) =
            annotated.get_key_value(by_file.as_str()).or_else(|| annotated.get_key_value(article.id.as_str()))
        else {
            continue;
        };
        read.insert(*key);
        visit(value, article)?;
    }
    let mut unread: Vec<&&str> = annotated.keys().filter(|article| !read.contains(*article)).collect();
    unread.sort_unstable();
    skipped.extend(
        unread.into_iter().map(|article| format!("{}: article {article}: not in {}", gold.display(), corpus.display())),
    );
    Ok(())
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
