//! BASIL (Fan et al. 2019, "In Plain Sight: Media Bias Through the Lens of Factual Reporting",
//! <https://github.com/launchnlp/BASIL>): news articles in triplets (one event told by three outlets) whose
//! biased phrases are annotated with a target, a polarity (pos/neg) and, for quotations, the speaker.
//!
//! The input is the BASIL folder: `articles/<year>/<name>.json` (`title`, `main-entities`, `body-paragraphs`, a
//! list of paragraphs, each a list of sentences) and `annotations/<year>/<name>_ann.json`
//! (`phrase-level-annotations`). An annotation's `start`/`end` are character offsets of `txt` in one sentence of
//! the body (or in the title), which is not named, so it is found by checking every sentence.
//!
//! Each annotation becomes an example whose text is that sentence, whose target is the annotation's target, and
//! whose holder is the speaker of a quotation or else the author (null); pos is favor, neg is against. Phrases
//! of one sentence with the same holder and target make one example; when their polarities disagree the stance
//! is unclear and they are skipped. A quotation by an unnamed speaker (`other_pro`, `other_anti`,
//! `other_neutral`) is skipped too: its holder is nobody the pipeline could name, and the name itself gives the
//! label away.
//!
//! Neutral examples come from body sentences that have no annotation at all and name one of the article's main
//! entities: the author frames that entity there without bias. There are many more of them than annotations,
//! so an article gives at most as many neutral examples as annotated ones, chosen by a hash of article, sentence
//! and entity (the same choice in every run). Titles give no neutral examples: they were rarely annotated, so an
//! unannotated title says little.
//!
//! `--split` picks years: `2016`, or `2010-2015` (inclusive); all years by default. The report counts as read
//! each annotation and each unannotated sentence that names a main entity. A skip names the annotation by its
//! position in the file, counted from 0, since BASIL's own `id`s repeat within a file.
//!
//! Every sentence that an annotation fits is kept out of the neutral examples, skipped annotations included.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;

use super::{char_span, whole_word, ImportOptions, ImportReport};
use crate::corpus::id::derived_id;
use crate::span::Span;
use crate::stance::example::{char_slice, StanceExample};
use crate::vocab::StanceLabel;

pub const SOURCE: &str = "basil";

/// Last words that make a BASIL name a group's, not a person's (`Senate_Republicans`, `Tea_Party`,
/// `Religious_Freedom_Restoration_Act`), so that the word alone is not taken for it.
const GROUP_WORDS: &[&str] = &[
    "Act",
    "Association",
    "Congress",
    "Democrats",
    "Department",
    "Lawmakers",
    "Now",
    "Party",
    "Republicans",
    "Service",
];

/// Name suffixes after which the last word would name the father as well (`Donald Trump Jr.`).
const NAME_SUFFIXES: &[&str] = &["Jr.", "Sr.", "II", "III"];

#[derive(Debug, Deserialize)]
struct Article {
    #[serde(default)]
    title: String,
    #[serde(rename = "main-entities", default)]
    main_entities: Vec<String>,
    #[serde(rename = "body-paragraphs")]
    body_paragraphs: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct Annotations {
    #[serde(rename = "phrase-level-annotations")]
    phrases: Vec<Value>,
}

/// One phrase-level annotation, with the fields read here.
#[derive(Debug, Deserialize)]
struct Phrase {
    start: usize,
    end: usize,
    txt: String,
    target: String,
    polarity: String,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    speaker: String,
}

/// Where a sentence sits in its article; written into example ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SentencePlace {
    Title,
    /// The sentence's position in the body, counted across paragraphs from 0.
    Body(usize),
}

impl fmt::Display for SentencePlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SentencePlace::Title => write!(f, "title"),
            SentencePlace::Body(index) => write!(f, "s{index}"),
        }
    }
}

struct Sentence<'a> {
    place: SentencePlace,
    text: &'a str,
}

/// The title, then every sentence of the body in order.
fn sentences(article: &Article) -> Vec<Sentence<'_>> {
    let title = Sentence { place: SentencePlace::Title, text: article.title.as_str() };
    let body = article.body_paragraphs.iter().flatten().enumerate();
    std::iter::once(title)
        .chain(body.map(|(index, text)| Sentence { place: SentencePlace::Body(index), text: text.as_str() }))
        .collect()
}

/// An example under construction: the sentence (an index into [`sentences`]), the holder (None for the author)
/// and the target, as BASIL writes them.
type StanceKey = (usize, Option<String>, String);

pub fn read(input: &Path, options: &ImportOptions, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let years = years(options.split.as_deref())?;
    let mut out = Vec::new();
    for (annotations_path, article_path) in annotation_files(input, &years)? {
        out.extend(read_article(&annotations_path, &article_path, report));
    }
    Ok(out)
}

/// The years `--split` keeps: `2016` or `2010-2015`; every year without a split.
fn years(split: Option<&str>) -> anyhow::Result<RangeInclusive<u32>> {
    let Some(split) = split else {
        return Ok(0..=u32::MAX);
    };
    let year = |text: &str| {
        text.trim()
            .parse::<u32>()
            .with_context(|| format!("--split {split:?}: basil takes a year or years like 2010-2015"))
    };
    let (first, last) = match split.split_once('-') {
        Some((first, last)) => (year(first)?, year(last)?),
        None => (year(split)?, year(split)?),
    };
    if first > last {
        anyhow::bail!("--split {split:?}: the first year comes after the last");
    }
    Ok(first..=last)
}

/// Each annotation file of the chosen years with its article, sorted by year and name.
fn annotation_files(root: &Path, years: &RangeInclusive<u32>) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let annotations = root.join("annotations");
    let year_folders = std::fs::read_dir(&annotations)
        .with_context(|| format!("{}: not a BASIL folder (no annotations/ in it)", root.display()))?;
    let mut year_names: Vec<String> = year_folders
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.parse::<u32>().is_ok_and(|year| years.contains(&year)))
        .collect();
    year_names.sort();
    let mut files = Vec::new();
    for year in year_names {
        let folder = annotations.join(&year);
        let entries = std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?;
        let mut names: Vec<String> = entries
            .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter_map(|name| name.strip_suffix("_ann.json").map(String::from))
            .collect();
        names.sort();
        for name in names {
            let article = root.join("articles").join(&year).join(format!("{name}.json"));
            files.push((folder.join(format!("{name}_ann.json")), article));
        }
    }
    if files.is_empty() {
        anyhow::bail!("{}: no annotations/<year>/*_ann.json for the years asked", root.display());
    }
    Ok(files)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("malformed {}: {e}", path.display()))
}

/// The examples of one article: one per annotated (sentence, holder, target), then the neutral ones.
fn read_article(annotations_path: &Path, article_path: &Path, report: &mut ImportReport) -> Vec<StanceExample> {
    let annotations: Annotations = match read_json(annotations_path) {
        Ok(annotations) => annotations,
        Err(reason) => {
            report.skip(annotations_path, None, reason);
            return Vec::new();
        }
    };
    report.read += annotations.phrases.len();
    let article: Article = match read_json(article_path) {
        Ok(article) => article,
        Err(reason) => {
            report.skip(annotations_path, None, format!("its article: {reason}"));
            return Vec::new();
        }
    };
    let name = article_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let sentences = sentences(&article);
    let mut phrases = Vec::new();
    for (number, phrase) in annotations.phrases.iter().enumerate() {
        match Phrase::deserialize(phrase) {
            Ok(phrase) => phrases.push((number, phrase)),
            Err(e) => report.skip(annotations_path, None, format!("annotation {number}: {e}")),
        }
    }
    let mut people: Vec<String> = article.main_entities.clone();
    people.extend(phrases.iter().flat_map(|(_, p)| [display_name(&p.target), display_name(&p.speaker)]));
    let last_names = LastNames::of(people.iter().map(String::as_str));
    let mut annotated = HashSet::new();
    let mut stances: BTreeMap<StanceKey, Vec<(usize, StanceLabel)>> = BTreeMap::new();
    for (number, phrase) in phrases {
        let found = locate(&sentences, &phrase);
        annotated.extend(found.iter().copied());
        match the_sentence(&sentences, &found, &phrase).and_then(|sentence| Ok((sentence, stance_of(&phrase)?))) {
            Ok((sentence, (holder, label))) => {
                let key = (sentence, holder, phrase.target.clone());
                stances.entry(key).or_default().push((number, label));
            }
            Err(reason) => report.skip(annotations_path, None, format!("annotation {number}: {reason}")),
        }
    }
    let mut out = Vec::new();
    for ((sentence, holder, target), labels) in stances {
        let label = labels[0].1;
        if labels.iter().any(|&(_, other)| other != label) {
            let listed: Vec<String> =
                labels.iter().map(|(number, label)| format!("{number} {}", label.as_str())).collect();
            report.skip(
                annotations_path,
                None,
                format!(
                    "annotations {}: conflicting labels for {} on {target} in {}",
                    listed.join(", "),
                    holder.as_deref().unwrap_or("the author"),
                    sentences[sentence].place
                ),
            );
            continue;
        }
        out.push(annotated_example(&name, &sentences[sentence], holder.as_deref(), &target, label, &last_names));
    }
    let limit = out.len();
    out.extend(neutral_examples(&name, &article, &sentences, &annotated, limit, &last_names, report));
    out
}

/// The sentences (indices into `sentences`) whose characters `start..end` are the annotation's `txt`.
fn locate(sentences: &[Sentence], phrase: &Phrase) -> Vec<usize> {
    (0..sentences.len())
        .filter(|&i| char_slice(sentences[i].text, phrase.start, phrase.end) == Some(phrase.txt.as_str()))
        .collect()
}

/// The one sentence among those [`locate`] `found`: the first where the article repeats a sentence word for word,
/// none where the phrase fits different sentences (which one was meant is unknown).
fn the_sentence(sentences: &[Sentence], found: &[usize], phrase: &Phrase) -> Result<usize, String> {
    let Some(&first) = found.first() else {
        return Err(format!("{:?} is at characters {}..{} of no sentence", phrase.txt, phrase.start, phrase.end));
    };
    if found.iter().any(|&i| sentences[i].text != sentences[first].text) {
        let places: Vec<String> = found.iter().map(|&i| sentences[i].place.to_string()).collect();
        return Err(format!("{:?} fits several sentences ({})", phrase.txt, places.join(", ")));
    }
    Ok(first)
}

/// The holder (None for the author) and the label of one annotation, or why it gives no example.
fn stance_of(phrase: &Phrase) -> Result<(Option<String>, StanceLabel), String> {
    let label = match phrase.polarity.as_str() {
        "pos" => StanceLabel::Favor,
        "neg" => StanceLabel::Against,
        other => return Err(format!("polarity {other:?} is not pos or neg")),
    };
    let holder = match (phrase.quote.as_str(), phrase.speaker.as_str()) {
        ("no" | "", _) => None,
        ("yes", "") => return Err("a quotation without a speaker".into()),
        ("yes", speaker) if speaker.starts_with("other_") => {
            return Err(format!("a quotation by an unnamed speaker ({speaker})"))
        }
        ("yes", speaker) => Some(speaker.to_string()),
        (other, _) => return Err(format!("quote {other:?} is not yes or no")),
    };
    Ok((holder, label))
}

/// A BASIL name (`Barack_Obama`) as written in text.
fn display_name(name: &str) -> String {
    name.replace('_', " ")
}

/// A name as it may stand in an id (`Barack_Obama`).
fn id_name(name: &str) -> String {
    name.replace(' ', "_")
}

fn annotated_example(
    article: &str,
    sentence: &Sentence,
    holder: Option<&str>,
    target: &str,
    label: StanceLabel,
    last_names: &LastNames,
) -> StanceExample {
    let target_name = display_name(target);
    let holder_name = holder.map(display_name);
    StanceExample {
        id: format!(
            "basil-{article}-{}-{}-{}",
            sentence.place,
            holder.map_or("author".into(), id_name),
            id_name(target)
        ),
        text: sentence.text.to_string(),
        holder_span: holder_name.as_deref().and_then(|name| last_names.span(sentence.text, name)),
        holder: holder_name,
        target_span: last_names.span(sentence.text, &target_name),
        target: target_name,
        label,
        source: SOURCE.into(),
    }
}

/// Neutral examples from the body sentences without annotations that name a main entity: at most `limit`,
/// those with the smallest hash of (article, sentence, entity), in sentence order.
fn neutral_examples(
    article_name: &str,
    article: &Article,
    sentences: &[Sentence],
    annotated: &HashSet<usize>,
    limit: usize,
    last_names: &LastNames,
    report: &mut ImportReport,
) -> Vec<StanceExample> {
    let mut entities: Vec<&str> = Vec::new();
    for entity in &article.main_entities {
        if !entities.contains(&entity.as_str()) {
            entities.push(entity.as_str());
        }
    }
    let mut candidates = Vec::new();
    for (index, sentence) in sentences.iter().enumerate() {
        let SentencePlace::Body(position) = sentence.place else { continue };
        if annotated.contains(&index) {
            continue;
        }
        let named: Vec<(&str, [usize; 2])> =
            entities.iter().filter_map(|&entity| Some((entity, last_names.span(sentence.text, entity)?))).collect();
        if !named.is_empty() {
            report.read += 1;
        }
        for (entity, span) in named {
            let hash = derived_id(article_name, Some(position), entity);
            candidates.push((hash, index, entity, span));
        }
    }
    candidates.sort();
    candidates.truncate(limit);
    candidates.sort_by_key(|&(_, index, entity, _)| (index, entities.iter().position(|&e| e == entity)));
    candidates
        .into_iter()
        .map(|(_, index, entity, span)| {
            let sentence = &sentences[index];
            StanceExample {
                id: format!("basil-{article_name}-{}-author-{}", sentence.place, id_name(entity)),
                text: sentence.text.to_string(),
                holder: None,
                holder_span: None,
                target: entity.to_string(),
                target_span: Some(span),
                label: StanceLabel::Neutral,
                source: SOURCE.into(),
            }
        })
        .collect()
}

/// The last names that stand for one person in an article: all but those its people share (Liz and Mary
/// Cheney), where the last name alone could be either.
struct LastNames {
    shared: HashSet<String>,
}

impl LastNames {
    /// From every name the article's examples may use: main entities, targets and speakers.
    fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> LastNames {
        let mut people: HashMap<&str, HashSet<&str>> = HashMap::new();
        for name in names {
            if let Some(last) = last_name(name) {
                people.entry(last).or_default().insert(name);
            }
        }
        let shared = people.into_iter().filter(|(_, full)| full.len() > 1).map(|(last, _)| last.to_string()).collect();
        LastNames { shared }
    }

    /// Where `name` stands in `sentence` (character offsets): the whole name, or else a person's last name.
    fn span(&self, sentence: &str, name: &str) -> Option<[usize; 2]> {
        let alias = last_name(name).filter(|last| !self.shared.contains(*last));
        let span = find_name(sentence, name).or_else(|| find_name(sentence, alias?))?;
        Some(char_span(sentence, span))
    }
}

/// `name` as a whole word in `sentence`. BASIL wrote names in ASCII and cut them at the first other letter
/// (`Felipe_Calder` for Calderón), so failing a whole word, a match that stops right before a non-ASCII letter
/// runs on to the end of that word.
fn find_name(sentence: &str, name: &str) -> Option<Span> {
    whole_word(sentence, name).or_else(|| {
        sentence.match_indices(name).find_map(|(start, _)| {
            let end = start + name.len();
            let before = sentence[..start].chars().next_back();
            let after = sentence[end..].chars().next()?;
            if before.is_some_and(char::is_alphanumeric) || after.is_ascii() || !after.is_alphabetic() {
                return None;
            }
            let word_end = sentence[end..].find(|c: char| !c.is_alphanumeric()).map_or(sentence.len(), |i| end + i);
            Some(Span::new(start, word_end))
        })
    })
}

/// The last name of a person ("Obama" for "Barack Obama"), which news uses alone after the first mention. A
/// name counts as a person's when it has two to four capitalised words, none a group word or a suffix.
fn last_name(name: &str) -> Option<&str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let person = (2..=4).contains(&words.len())
        && words.iter().all(|word| word.starts_with(char::is_uppercase))
        && !words.iter().any(|word| GROUP_WORDS.contains(word) || NAME_SUFFIXES.contains(word));
    if person {
        words.last().copied()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn phrase(start: usize, end: usize, txt: &str, target: &str, polarity: &str, speaker: &str) -> Value {
        json!({
            "id": "p0", "start": start, "end": end, "txt": txt, "target": target, "polarity": polarity,
            "quote": if speaker.is_empty() { "no" } else { "yes" }, "speaker": speaker, "aim": "dir",
        })
    }

    /// Writes one article and its annotations under `root` in the BASIL layout.
    fn write_article(root: &Path, year: u32, name: &str, article: Value, phrases: Vec<Value>) {
        for folder in ["articles", "annotations"] {
            std::fs::create_dir_all(root.join(folder).join(year.to_string())).unwrap();
        }
        let article_path = root.join("articles").join(year.to_string()).join(format!("{name}.json"));
        std::fs::write(article_path, article.to_string()).unwrap();
        let annotations = json!({ "uuid": "u", "phrase-level-annotations": phrases });
        let annotations_path = root.join("annotations").join(year.to_string()).join(format!("{name}_ann.json"));
        std::fs::write(annotations_path, annotations.to_string()).unwrap();
    }

    /// Two articles: quotations with and without a named speaker, two phrases that agree, two that conflict,
    /// one whose text is not where it says, and sentences left for neutral examples.
    fn fixture(root: &Path) {
        write_article(
            root,
            2012,
            "t1_1",
            json!({
                "title": "Steele under fire",
                "main-entities": ["Michael Steele", "Barack Obama"],
                "body-paragraphs": [
                    ["Michael Steele drew fierce criticism on Friday.", "He was widely mocked."],
                    ["“It was the president who was trying to be cute,” Mr. Steele said of Obama’s war."],
                    ["Critics called him reckless and clownish.", "Steele spoke in Hartford.", "Obama was in São Paulo."],
                ]
            }),
            vec![
                phrase(20, 26, "fierce", "Michael_Steele", "neg", ""),
                phrase(1, 25, "It was the president who", "Barack_Obama", "neg", "Michael_Steele"),
                phrase(43, 47, "cute", "Barack_Obama", "neg", "Michael_Steele"),
                phrase(19, 27, "reckless", "Michael_Steele", "neg", ""),
                phrase(32, 40, "clownish", "Michael_Steele", "pos", ""),
                phrase(0, 6, "widely", "Michael_Steele", "neg", ""),
                phrase(7, 13, "widely", "Michael_Steele", "neu", ""),
            ],
        );
        write_article(
            root,
            2016,
            "t1_2",
            json!({
                "title": "Calderón praises Obama",
                "main-entities": ["Barack Obama"],
                "body-paragraphs": [["Felipe Calderón called Obama “a friend.”", "Obama smiled."]]
            }),
            vec![
                phrase(29, 39, "“a friend.", "Barack_Obama", "pos", "Felipe_Calder"),
                phrase(0, 5, "Obama", "Barack_Obama", "pos", "other_pro"),
            ],
        );
    }

    fn read_fixture(split: Option<&str>) -> (Vec<StanceExample>, ImportReport) {
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &ImportOptions { split: split.map(String::from) }, &mut report).unwrap();
        (examples, report)
    }

    fn spanned(example: &StanceExample, span: Option<[usize; 2]>) -> Option<&str> {
        span.and_then(|[start, end]| char_slice(&example.text, start, end))
    }

    #[test]
    fn phrases_become_one_example_per_sentence_holder_and_target_with_name_spans() {
        let (examples, _) = read_fixture(None);
        let summary: Vec<(&str, Option<&str>, &str, StanceLabel)> =
            examples.iter().map(|e| (e.id.as_str(), e.holder.as_deref(), e.target.as_str(), e.label)).collect();
        assert_eq!(
            summary,
            [
                ("basil-t1_1-s0-author-Michael_Steele", None, "Michael Steele", StanceLabel::Against),
                (
                    "basil-t1_1-s2-Michael_Steele-Barack_Obama",
                    Some("Michael Steele"),
                    "Barack Obama",
                    StanceLabel::Against
                ),
                ("basil-t1_1-s4-author-Michael_Steele", None, "Michael Steele", StanceLabel::Neutral),
                ("basil-t1_1-s5-author-Barack_Obama", None, "Barack Obama", StanceLabel::Neutral),
                ("basil-t1_2-s0-Felipe_Calder-Barack_Obama", Some("Felipe Calder"), "Barack Obama", StanceLabel::Favor),
            ]
        );
        let quoted = &examples[1];
        assert_eq!(quoted.text, "“It was the president who was trying to be cute,” Mr. Steele said of Obama’s war.");
        assert_eq!(
            (spanned(quoted, quoted.holder_span), spanned(quoted, quoted.target_span)),
            (Some("Steele"), Some("Obama"))
        );
        assert_eq!(quoted.holder_span, Some([54, 60]));
        assert_eq!(spanned(&examples[0], examples[0].target_span), Some("Michael Steele"));
        assert_eq!(examples[0].holder_span, None);
        let calderon = &examples[4];
        assert_eq!(spanned(calderon, calderon.holder_span), Some("Felipe Calderón"));
        assert_eq!(calderon.target_span, Some([23, 28]));
        assert!(examples.iter().all(|e| e.source == "basil"));
    }

    #[test]
    fn conflicts_unknown_polarities_unnamed_speakers_and_misplaced_text_are_reported() {
        let (examples, report) = read_fixture(None);
        // 9 annotations, and 2 unannotated body sentences naming a main entity (s4 and s5 of t1_1; t1_2 has
        // none: s1 "Obama smiled." carries the other_pro annotation).
        assert_eq!(report.read, 9 + 2);
        let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].starts_with("annotation 5: \"widely\" is at characters 0..6 of no sentence"), "{reasons:?}");
        assert!(reasons[1].starts_with("annotation 6: polarity \"neu\""), "{reasons:?}");
        assert_eq!(
            reasons[2],
            "annotations 3 against, 4 favor: conflicting labels for the author on Michael_Steele in s3"
        );
        assert_eq!(reasons[3], "annotation 1: a quotation by an unnamed speaker (other_pro)");
        assert!(report.skipped[0].place.ends_with("t1_1_ann.json"));
        // the sentence with the conflict is annotated, so it gives no neutral example either
        assert!(examples.iter().all(|e| !e.text.starts_with("Critics")));
    }

    #[test]
    fn neutral_examples_are_capped_by_the_annotated_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut body = vec!["Obama lied today.".to_string()];
        body.extend((1..20).map(|i| format!("Obama spoke on day {i}.")));
        write_article(
            dir.path(),
            2014,
            "t2_1",
            json!({ "title": "", "main-entities": ["Barack Obama"], "body-paragraphs": [body] }),
            vec![phrase(6, 10, "lied", "Barack_Obama", "neg", ""), phrase(6, 10, "lied", "Barack_Obama", "pos", "")],
        );
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &ImportOptions { split: None }, &mut report).unwrap();
        // both phrases sit on s0 and conflict: no annotated example, so no neutral one
        assert_eq!(examples.len(), 0);
        assert_eq!(report.read, 2 + 19);
        std::fs::write(
            dir.path().join("annotations/2014/t2_1_ann.json"),
            json!({ "phrase-level-annotations": [phrase(6, 10, "lied", "Barack_Obama", "neg", ""),
                phrase(6, 10, "lied", "Barack_Obama", "neg", "Barack_Obama")] })
            .to_string(),
        )
        .unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &ImportOptions { split: None }, &mut report).unwrap();
        let neutral: Vec<&StanceExample> = examples.iter().filter(|e| e.label == StanceLabel::Neutral).collect();
        assert_eq!((examples.len(), neutral.len()), (4, 2));
        assert_eq!(examples[0].id, "basil-t2_1-s0-author-Barack_Obama");
        assert_eq!(examples[1].id, "basil-t2_1-s0-Barack_Obama-Barack_Obama");
        assert!(neutral.iter().all(|e| e.text != "Obama lied today." && e.target_span == Some([0, 5])));
        let again = read(dir.path(), &ImportOptions { split: None }, &mut ImportReport::default()).unwrap();
        assert_eq!(again, examples);
    }

    #[test]
    fn split_picks_years() {
        let (examples, _) = read_fixture(Some("2016"));
        assert!(examples.iter().all(|e| e.id.starts_with("basil-t1_2-")) && !examples.is_empty());
        let (examples, _) = read_fixture(Some("2010-2013"));
        assert!(examples.iter().all(|e| e.id.starts_with("basil-t1_1-")) && !examples.is_empty());
        assert_eq!(years(Some("2010-2015")).unwrap(), 2010..=2015);
        assert!(years(Some("2015-2010")).is_err());
        assert!(years(Some("train")).is_err());
        let dir = tempfile::tempdir().unwrap();
        fixture(dir.path());
        let none = read(dir.path(), &ImportOptions { split: Some("2018".into()) }, &mut ImportReport::default());
        assert!(none.is_err());
    }

    #[test]
    fn last_names_stand_for_people_only() {
        assert_eq!(last_name("Barack Obama"), Some("Obama"));
        assert_eq!(last_name("Ruth Bader Ginsburg"), Some("Ginsburg"));
        assert_eq!(last_name("Senate Republicans"), None);
        assert_eq!(last_name("Religious Freedom Restoration Act"), None);
        assert_eq!(last_name("Donald Trump Jr."), None);
        assert_eq!(last_name("Obama administration"), None);
        assert_eq!(last_name("NAACP"), None);
        let alone = LastNames::of([]);
        assert_eq!(alone.span("Obamacare passed; Obama cheered.", "Barack Obama"), Some([18, 23]));
        assert_eq!(alone.span("Now is the time.", "Secure America Now"), None);
        let sisters = LastNames::of(["Liz Cheney", "Mary Cheney", "Barack Obama", "Sasha and Malia Obama"]);
        assert_eq!(sisters.span("Cheney met Obama.", "Liz Cheney"), None);
        assert_eq!(sisters.span("Cheney met Obama.", "Barack Obama"), Some([11, 16]));
        assert_eq!(sisters.span("Mary Cheney met Obama.", "Mary Cheney"), Some([0, 11]));
    }

    /// The shared copy of BASIL (`../shared/data/stance/basil`); skipped when absent.
    #[test]
    fn the_shared_basil_converts_most_annotations_needs_shared() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/stance/basil");
        if !root.join("annotations").is_dir() {
            println!("skipped: {} is absent (it lives in ../shared/data)", root.display());
            return;
        }
        let mut report = ImportReport::default();
        let examples = read(&root, &ImportOptions { split: None }, &mut report).unwrap();
        let count = |label| examples.iter().filter(|e| e.label == label).count();
        let (favor, against, neutral) =
            (count(StanceLabel::Favor), count(StanceLabel::Against), count(StanceLabel::Neutral));
        let not_found = report.skipped.iter().filter(|s| s.reason.contains("of no sentence")).count();
        println!(
            "{} read, {} skipped; favor {favor}, against {against}, neutral {neutral}",
            report.read,
            report.skipped.len()
        );
        assert!(neutral > 0 && neutral <= favor + against, "neutral {neutral}");
        assert!(not_found <= 5, "{not_found} annotations not found");
        // 1290 annotations: 254 quotations by unnamed speakers, 6 conflicting pairs and 1 ambiguous phrase skipped
        assert_eq!((report.read, report.skipped.len()), (3170, 261));
        assert_eq!((favor, against, neutral), (184, 808, 844));
        let ids: HashSet<&str> = examples.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), examples.len(), "ids are unique");
        for example in &examples {
            for span in [example.holder_span, example.target_span].into_iter().flatten() {
                assert!(char_slice(&example.text, span[0], span[1]).is_some(), "{example:?}");
            }
        }
    }
}
