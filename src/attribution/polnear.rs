//! PolNeAR (Newell, Margolin & Ruths, LREC 2018) as annotated articles, and as training data for the attribution
//! tagger (`stancemap import polnear DIR --out FILE.conll`, then `train ner --train FILE.conll`).
//!
//! A split folder holds `text/<article>.txt` and `attributions/<article>_<annotator>.ann` (see `brat.rs`). Some
//! articles were annotated by several annotators; one file is used, the first by annotator name, so that a
//! word is never taught two answers. Offsets count characters; they become byte spans here, and each span's
//! text is checked against the text the file wrote after its offsets. An attribution that points at a span the
//! file does not define, or whose text does not match, is skipped with its reason; so is an article without
//! a text or without any .ann file.
//!
//! The CoNLL file holds one unit per paragraph (a paragraph of more than [`MAX_UNIT_WORDS`] words is cut at
//! sentence ends into parts of at most that many), a word and its tag per line (`tags.rs`), a blank line after
//! each unit: the tagger learns on pieces of the size it reads in `run`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::brat::{self, AnnFile};
use super::tags::{tag_unit, TaggedUnit};
use super::{AnnotatedArticle, Attribution, Role};
use crate::span::Span;
use crate::text::segment;

/// What a model trained on PolNeAR must say of its data (the card's `training.licence`).
pub const LICENCE: &str = "PolNeAR (Newell, Margolin & Ruths, LREC 2018): no licence stated; copyrighted news text \
                           annotated for research use, so a model trained on it is for research use";

/// The most words in one training unit: a paragraph of MiniLM's 256-token window, about.
pub const MAX_UNIT_WORDS: usize = 160;

/// What reading a split folder found.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Articles read with their attributions.
    pub articles: usize,
    /// Articles with files from more than one annotator (one was used).
    pub several_annotators: usize,
    pub attributions: usize,
    /// `FILE:LINE: problem` or `FILE: problem`, one per skipped line, attribution or article.
    pub skipped: Vec<String>,
}

/// The annotated articles of a PolNeAR split folder (with `text/` and `attributions/`), sorted by id.
pub fn read_split(dir: &Path) -> anyhow::Result<(Vec<AnnotatedArticle>, ReadReport)> {
    let (text_dir, ann_dir) = (dir.join("text"), dir.join("attributions"));
    if !text_dir.is_dir() || !ann_dir.is_dir() {
        bail!(
            "{}: not a PolNeAR split folder (it needs text/ and attributions/; point at polnear/train or polnear/dev)",
            dir.display()
        );
    }
    // Each article's .ann files, by annotator name.
    let mut annotations: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&ann_dir).with_context(|| format!("cannot list {}", ann_dir.display()))? {
        let path = entry?.path();
        let Some(stem) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".ann")) else {
            continue;
        };
        let Some((article, annotator)) = stem.rsplit_once('_') else { continue };
        annotations.entry(article.to_string()).or_default().insert(annotator.to_string(), path);
    }
    let mut texts: Vec<PathBuf> = std::fs::read_dir(&text_dir)
        .with_context(|| format!("cannot list {}", text_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();

    let mut report = ReadReport::default();
    let mut articles = Vec::new();
    for text_path in texts {
        let id = text_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let Some(files) = annotations.remove(&id) else {
            report.skipped.push(format!("{}: no .ann file for this article", text_path.display()));
            continue;
        };
        if files.len() > 1 {
            report.several_annotators += 1;
        }
        let Some((_, ann_path)) = files.into_iter().next() else { continue };
        let text = match std::fs::read(&text_path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                report.skipped.push(format!("{}: not valid UTF-8", text_path.display()));
                continue;
            }
            Err(error) => {
                report.skipped.push(format!("{}: cannot read: {error}", text_path.display()));
                continue;
            }
        };
        let ann_text = match std::fs::read_to_string(&ann_path) {
            Ok(ann) => ann,
            Err(error) => {
                report.skipped.push(format!("{}: cannot read: {error}", ann_path.display()));
                continue;
            }
        };
        let file = brat::parse(&ann_text);
        for bad in &file.bad_lines {
            report.skipped.push(format!("{}:{}: {}", ann_path.display(), bad.line, bad.problem));
        }
        let (attributions, problems) = attributions_of(&text, &file);
        for problem in problems {
            report.skipped.push(format!("{}: {problem}", ann_path.display()));
        }
        report.articles += 1;
        report.attributions += attributions.len();
        articles.push(AnnotatedArticle { id, text, attributions });
    }
    for (article, _) in annotations {
        report.skipped.push(format!("{}: annotations for {article}, which has no text", ann_dir.display()));
    }
    Ok((articles, report))
}

/// The file's events as attributions in byte spans, and why the others were skipped.
fn attributions_of(text: &str, file: &AnnFile) -> (Vec<Attribution>, Vec<String>) {
    // Byte offset of each character, and of the end.
    let bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    'events: for event in &file.events {
        let mut attribution = Attribution::default();
        for (role, id) in &event.arguments {
            let Some(span) = file.spans.get(id) else {
                problems.push(format!("event {} refers to {id}, which the file does not define", event.id));
                continue 'events;
            };
            if span.role != *role {
                problems.push(format!(
                    "event {} takes {id} as its {}, but it is a {}",
                    event.id,
                    role.as_str(),
                    span.role.as_str()
                ));
                continue 'events;
            }
            let mut pieces = Vec::new();
            for &(start, end) in &span.pieces {
                let (Some(&start), Some(&end)) = (bytes.get(start), bytes.get(end)) else {
                    problems.push(format!("{id} runs past the end of the text ({} characters)", bytes.len() - 1));
                    continue 'events;
                };
                pieces.push(Span::new(start, end));
            }
            if !text_matches(text, &pieces, &span.text) {
                problems.push(format!("{id}'s offsets do not cover its text {:?}", span.text));
                continue 'events;
            }
            attribution.spans_mut(*role).extend(pieces);
        }
        for role in Role::ALL {
            attribution.spans_mut(role).sort();
        }
        out.push(attribution);
    }
    (out, problems)
}

/// Whether `pieces` of `text`, joined by a space, read as `written`, blank space aside. A written text cut short
/// by a line break inside it (the rest is a bad line of its own) matches what it begins.
fn text_matches(text: &str, pieces: &[Span], written: &str) -> bool {
    let covered: String = pieces.iter().map(|p| p.slice(text)).collect::<Vec<_>>().join(" ");
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (covered, written) = (squeeze(&covered), squeeze(written));
    !written.is_empty() && covered.starts_with(&written)
}

/// The units an article is read in: its paragraphs, a long one cut at sentence ends into parts of at most
/// `max_words` words (a longer sentence is a part of its own).
pub fn units(text: &str, max_words: usize) -> Vec<Span> {
    let segmentation = segment(text);
    let mut units = Vec::new();
    for (index, paragraph) in segmentation.paragraphs.iter().enumerate() {
        let mut current: Option<(Span, usize)> = None;
        for sentence in segmentation.sentences_of(index) {
            let n = crate::text::words::words(sentence.span.slice(text)).len();
            current = match current {
                Some((span, words)) if words + n <= max_words => {
                    Some((Span::new(span.start, sentence.span.end), words + n))
                }
                Some((span, _)) => {
                    units.push(span);
                    Some((sentence.span, n))
                }
                None => Some((sentence.span, n)),
            };
        }
        match current {
            Some((span, _)) => units.push(span),
            None if !paragraph.span.is_empty() => units.push(paragraph.span),
            None => {}
        }
    }
    units
}

/// What one `import polnear` wrote.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub read: ReadReport,
    pub units: usize,
    pub words: usize,
    /// Spans per role, as tagged (a span cut by a unit's end counts once per unit).
    pub spans: [usize; 3],
}

/// Writes the split folder `dir` as CoNLL training data to `out`.
pub fn write_conll(dir: &Path, out: &Path) -> anyhow::Result<ImportReport> {
    let (articles, read) = read_split(dir)?;
    let mut report = ImportReport { read, ..ImportReport::default() };
    let file = std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    for article in &articles {
        for unit in units(&article.text, MAX_UNIT_WORDS) {
            let tagged: TaggedUnit = tag_unit(&article.text, unit, &article.attributions);
            if tagged.words.is_empty() {
                continue;
            }
            for (word, tag) in tagged.words.iter().zip(&tagged.tags) {
                writeln!(writer, "{} {tag}", word.slice(&article.text))?;
                if let crate::ner::labels::Tag::Begin(entity_type) = tag {
                    if let Some(role) = Role::of_entity_type(*entity_type) {
                        report.spans[role as usize] += 1;
                    }
                }
            }
            writeln!(writer)?;
            report.units += 1;
            report.words += tagged.words.len();
        }
    }
    writer.flush().with_context(|| format!("cannot write {}", out.display()))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::labels::Tag;

    /// A split folder with one article annotated twice (annotators `b` and `a`), one with a malformed line and
    /// an event pointing at a missing span, and one with no .ann file.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let (text_dir, ann_dir) = (dir.path().join("text"), dir.path().join("attributions"));
        std::fs::create_dir_all(&text_dir).unwrap();
        std::fs::create_dir_all(&ann_dir).unwrap();
        // "We will win," Smith said, "and soon." — the content is discontinuous, cut by its source and cue.
        let one = "\u{201c}We will win,\u{201d} Smith said, \u{201c}and soon.\u{201d}\n\nOfficials fear a loss.";
        std::fs::write(text_dir.join("one.txt"), one).unwrap();
        // Offsets are in characters: the curly quotation marks are one character (three bytes) each.
        let chars = |s: &str| {
            let byte = one.find(s).unwrap();
            let start = one[..byte].chars().count();
            (start, start + s.chars().count())
        };
        let ((c1, c2), (c3, c4)) = (chars("We will win,"), chars("and soon."));
        let ((s1, s2), (q1, q2)) = (chars("Smith"), chars("said"));
        let a = format!(
            "T1\tSource {s1} {s2}\tSmith\nT2\tCue {q1} {q2}\tsaid\nT3\tContent {c1} {c2};{c3} {c4}\tWe will win, and \
             soon.\nT4\tAttribution {q1} {q2}\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        );
        std::fs::write(ann_dir.join("one_a.ann"), &a).unwrap();
        // A second annotator who saw no attribution: never used, since `a` comes first.
        std::fs::write(ann_dir.join("one_b.ann"), "").unwrap();
        let two = "Critics say it works.";
        std::fs::write(text_dir.join("two.txt"), two).unwrap();
        let b = "T1\tSource 0 7\tCritics\nT2\tCue 8 11\tsay\nT3\tContent 12 20\tit works\n\
                 this line was broken off an annotator's text\n\
                 E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n\
                 E2\tAttribution:T2 Content:T9 Cue:T2 Source:T1\n";
        std::fs::write(ann_dir.join("two_a.ann"), b).unwrap();
        std::fs::write(text_dir.join("three.txt"), "Nothing is attributed here.").unwrap();
        dir
    }

    #[test]
    fn a_split_is_read_with_one_annotator_a_discontinuous_content_and_its_problems_named() {
        let dir = fixture();
        let (articles, report) = read_split(dir.path()).unwrap();
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["one", "two"]);
        assert_eq!((report.articles, report.several_annotators, report.attributions), (2, 1, 2));
        let one = &articles[0];
        let content: Vec<&str> = one.attributions[0].content.iter().map(|s| s.slice(&one.text)).collect();
        assert_eq!(content, ["We will win,", "and soon."], "character offsets become byte spans, in two pieces");
        assert_eq!(one.attributions[0].source[0].slice(&one.text), "Smith");
        // The broken line is named with its file and line; the event pointing at T9 is skipped; so is `three`.
        let skipped = report.skipped.join("\n");
        assert!(skipped.contains("two_a.ann:4: not a brat line"), "{skipped}");
        assert!(skipped.contains("E2 refers to T9"), "{skipped}");
        assert!(skipped.contains("three.txt: no .ann file"), "{skipped}");
        assert_eq!(report.skipped.len(), 3, "{skipped}");
    }

    #[test]
    fn import_writes_one_tagged_unit_per_paragraph() {
        let dir = fixture();
        let out = dir.path().join("out.conll");
        let report = write_conll(dir.path(), &out).unwrap();
        assert_eq!(report.units, 3, "two paragraphs of `one`, one of `two`");
        assert_eq!(report.spans, [2, 2, 3], "sources, cues, contents (the discontinuous content is two spans)");
        let written = std::fs::read_to_string(&out).unwrap();
        let sentences: Vec<&str> = written.split("\n\n").filter(|s| !s.trim().is_empty()).collect();
        assert_eq!(sentences.len(), 3);
        // Read back as the trainer reads it: the tags are the attribution tagger's.
        let read = crate::ner::conll::read_conll(&out, &Default::default()).unwrap();
        let tags: Vec<String> = read[2].tags.iter().map(Tag::to_string).collect();
        assert_eq!(tags, ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O"]);
    }
}
