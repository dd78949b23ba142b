//! SEESAW (Zhang, Beauchamp & Wang, EMNLP 2022) as annotated articles for `eval articles`: its stories of one
//! split become a corpus folder of `.txt` articles and a gold CSV in the columns of ANNOTATION.md.
//!
//! A SEESAW folder holds `articles/TRIPLET_NNN_DOCUMENT_K.json` (`title`, `text`: a list of `{id, text}`
//! sentences), `annotations/` of the same names (`entity lists`: canonical name and type; `sentence-level
//! stances`: per sentence id a list of `{subject, sentiment POS/NEG, object}`) and `meta/TRIPLET_NNN.json`
//! (`Split`: train or valid; the story's date and each article's outlet). Paragraphs are not kept, so each
//! sentence becomes a paragraph of its own.
//!
//! The gold rows are article level, as a reader writes them: one row per (subject, object) pair of an article,
//! favor where its POS sentences outnumber its NEG ones, against the other way round, and left out when they are
//! as many (ANNOTATION.md: a truly balanced pair is left out). Triples whose subject or object is `Author`,
//! `None` or `Not in the list` hold no actor's stance and are left out, and so are those whose subject is a topic
//! or event (ANNOTATION.md's holders are people, organisations and states). Names are SEESAW's canonical ones;
//! a person's surname is added as an alias ("Obama" for "Barack Obama"), as the articles mostly write it, a
//! party's members ("Democrats" for "Democratic Party"), and the initials of any other name of two or more
//! capitalised words ("FBI" for "Federal Bureau of Investigation"), as ANNOTATION.md lists abbreviations; each
//! only where the article writes it. People, organisations, states and religions are `actor` targets; topics,
//! events and others are `issue` targets. The evidence is the first sentence of the dominant sentiment.

mod issues;

pub use issues::{write_issue_spans, IssueSpans};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::article_score::{holder_matches, target_matches};
use crate::pairs::{Question, Target};
use crate::span::Span;
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

/// The source name of the examples.
pub const SOURCE: &str = "seesaw";

/// What one SEESAW import wrote.
#[derive(Debug, Default)]
pub struct SeesawGold {
    pub articles: usize,
    /// Sentence triples read, and those that became part of a gold row.
    pub triples: usize,
    pub triples_used: usize,
    pub rows: usize,
    /// Files left out, with the reason.
    pub skipped: Vec<String>,
    pub corpus: PathBuf,
    pub gold: PathBuf,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "Split")]
    split: String,
    #[serde(default)]
    story_time: Option<String>,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ArticleFile {
    title: String,
    text: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    id: serde_json::Value,
    text: String,
}

#[derive(Deserialize)]
struct Annotation {
    #[serde(rename = "entity lists")]
    entities: Vec<(String, Vec<String>, serde_json::Value, serde_json::Value)>,
    #[serde(rename = "sentence-level stances")]
    stances: BTreeMap<String, Vec<Triple>>,
}

#[derive(Deserialize)]
struct Triple {
    subject: String,
    sentiment: String,
    object: String,
}

/// A pair's POS and NEG sentence counts, and the first sentence of each.
type Sentiments<'a> = ([usize; 2], [Option<&'a str>; 2]);

/// Subjects and objects that are no listed actor ("None": a sentiment nobody in the article holds).
const NOBODY: [&str; 3] = ["Author", "Not in the list", "None"];

/// One SEESAW article as a run reads it.
struct StoryArticle {
    /// `TRIPLET_NNN_DOCUMENT_K.txt`.
    file: String,
    /// The header lines (title, date, source) and the blank line after them.
    header: String,
    /// The text the stages read: the title, then each sentence as a paragraph of its own.
    body: String,
    /// Each sentence's id and byte span in `body`.
    sentences: Vec<(String, Span)>,
    annotation: Annotation,
}

impl StoryArticle {
    /// The type SEESAW lists for `name` ("People", "Organization", "GPE", "Topic", "Event", …).
    fn type_of(&self, name: &str) -> &str {
        let listed = self.annotation.entities.iter().find(|(listed, ..)| listed == name);
        listed.and_then(|(_, types, ..)| types.first()).map_or("Others", String::as_str)
    }

    /// The aliases the gold rows give `name`, `|`-separated: a party's members ("Democrats" for "Democratic
    /// Party"), a person's surname, or the initials of another name. ANNOTATION.md asks for the ways the article
    /// names the actor, so a candidate the article never writes as a word ("DP") is left out.
    fn aliases(&self, name: &str) -> String {
        let candidate = match (party_members(name), self.type_of(name)) {
            (Some(members), _) => Some(members),
            (None, "People") => surname(name).map(str::to_string),
            (None, _) => initials(name),
        };
        candidate.filter(|alias| writes(&self.body, alias)).unwrap_or_default()
    }

    /// The sentence triples between a listed actor (a person, organisation, state or religion: ANNOTATION.md's
    /// holders) and a listed target, with POS or NEG: (sentence id, subject, favor or against, object). Topics and
    /// events as subjects hold no one's stance.
    fn triples(&self) -> impl Iterator<Item = (&str, &str, StanceLabel, &str)> {
        self.annotation.stances.iter().flat_map(move |(id, triples)| {
            triples.iter().filter_map(move |t| {
                let label = match t.sentiment.as_str() {
                    "POS" => StanceLabel::Favor,
                    "NEG" => StanceLabel::Against,
                    _ => return None,
                };
                let listed = !NOBODY.contains(&t.subject.as_str()) && !NOBODY.contains(&t.object.as_str());
                let holder = target_kind(self.type_of(&t.subject)) == "actor";
                (listed && holder).then_some((id.as_str(), t.subject.as_str(), label, t.object.as_str()))
            })
        })
    }
}

/// The stories of `split` in the SEESAW folder `input`, each article read; files that cannot be read are named in
/// `skipped`.
fn read_split(input: &Path, split: &str, skipped: &mut Vec<String>) -> anyhow::Result<Vec<StoryArticle>> {
    let meta_dir = input.join("meta");
    let mut stories: Vec<PathBuf> = std::fs::read_dir(&meta_dir)
        .with_context(|| format!("{}: no meta/ folder: not a SEESAW folder", input.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    stories.sort();
    let mut out = Vec::new();
    for story in stories {
        let meta: Meta = match read_json(&story) {
            Ok(meta) => meta,
            Err(reason) => {
                skipped.push(reason);
                continue;
            }
        };
        if meta.split != split {
            continue;
        }
        let triplet = story.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        for k in 0..3 {
            let name = format!("{triplet}_DOCUMENT_{k}");
            let article: ArticleFile = match read_json(&input.join("articles").join(format!("{name}.json"))) {
                Ok(article) => article,
                Err(reason) => {
                    skipped.push(reason);
                    continue;
                }
            };
            let annotation: Annotation = match read_json(&input.join("annotations").join(format!("{name}.json"))) {
                Ok(annotation) => annotation,
                Err(reason) => {
                    skipped.push(reason);
                    continue;
                }
            };
            let source = meta.rest.get(&format!("Meta info for article {k}")).and_then(|m| m["source"].as_str());
            let mut header = format!("title: {}\n", article.title.trim());
            if let Some(date) = &meta.story_time {
                header.push_str(&format!("date: {date}\n"));
            }
            if let Some(source) = source {
                header.push_str(&format!("source: {source}\n"));
            }
            header.push('\n');
            let mut body = article.title.trim().to_string();
            let mut sentences = Vec::new();
            for sentence in &article.text {
                body.push_str("\n\n");
                let start = body.len();
                body.push_str(sentence.text.trim());
                sentences.push((id_text(&sentence.id), Span::new(start, body.len())));
            }
            body.push('\n');
            out.push(StoryArticle { file: format!("{name}.txt"), header, body, sentences, annotation });
        }
    }
    Ok(out)
}

/// Writes the articles of `split` in the SEESAW folder `input` to `dir/corpus/` and their gold rows to
/// `dir/gold.csv`.
pub fn write_gold(input: &Path, split: &str, dir: &Path) -> anyhow::Result<SeesawGold> {
    let corpus = dir.join("corpus");
    if std::fs::read_dir(&corpus).is_ok_and(|mut entries| entries.next().is_some()) {
        anyhow::bail!(
            "{} already holds articles: give --gold a new folder, so that no other split's articles are scored",
            corpus.display()
        );
    }
    let mut report = SeesawGold { corpus: corpus.clone(), gold: dir.join("gold.csv"), ..SeesawGold::default() };
    let articles = read_split(input, split, &mut report.skipped)?;
    std::fs::create_dir_all(&corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let gold_path = report.gold.clone();
    let mut gold =
        csv::Writer::from_path(&gold_path).with_context(|| format!("cannot write {}", gold_path.display()))?;
    gold.write_record([
        "article_file",
        "holder",
        "holder_aliases",
        "target",
        "target_aliases",
        "target_kind",
        "stance",
        "evidence",
    ])?;
    for article in &articles {
        report.triples += article.annotation.stances.values().map(Vec::len).sum::<usize>();
        let path = corpus.join(&article.file);
        std::fs::write(&path, format!("{}{}", article.header, article.body))
            .with_context(|| format!("cannot write {}", path.display()))?;
        report.articles += 1;
        let sentences: BTreeMap<&str, &str> =
            article.sentences.iter().map(|(id, span)| (id.as_str(), span.slice(&article.body))).collect();
        // Per (subject, object): POS and NEG sentence counts, and the first sentence of each.
        let mut pairs: BTreeMap<(&str, &str), Sentiments> = BTreeMap::new();
        for (sentence_id, subject, label, object) in article.triples() {
            let side = if label == StanceLabel::Favor { 0 } else { 1 };
            let entry = pairs.entry((subject, object)).or_default();
            entry.0[side] += 1;
            entry.1[side] = entry.1[side].or(sentences.get(sentence_id).copied());
        }
        for ((subject, object), (counts, evidence)) in pairs {
            let (stance, side) = match counts[0].cmp(&counts[1]) {
                std::cmp::Ordering::Greater => ("favor", 0),
                std::cmp::Ordering::Less => ("against", 1),
                std::cmp::Ordering::Equal => continue,
            };
            report.triples_used += counts[side];
            gold.write_record([
                article.file.as_str(),
                subject,
                &article.aliases(subject),
                object,
                &article.aliases(object),
                target_kind(article.type_of(object)),
                stance,
                evidence[side].unwrap_or(""),
            ])?;
            report.rows += 1;
        }
    }
    gold.flush().with_context(|| format!("cannot write {}", gold_path.display()))?;
    Ok(report)
}

/// People, organisations, states and religions are `actor` targets; topics, events and others `issue` ones.
fn target_kind(seesaw_type: &str) -> &'static str {
    match seesaw_type {
        "People" | "Organization" | "GPE" | "Religion" => "actor",
        _ => "issue",
    }
}

/// A triple's sentence span, subject names, label, object names and target kind.
type SentenceTriple = (Span, Vec<String>, StanceLabel, Vec<String>, &'static str);

/// What one import of training examples found.
#[derive(Debug, Default)]
pub struct SeesawExamples {
    pub articles: usize,
    /// Sentence triples between two listed actors (POS or NEG), and those that one of the run's questions asks
    /// (the candidate recall), by target kind (`actor`, `issue`).
    pub triples: BTreeMap<&'static str, (usize, usize)>,
    pub examples: Vec<StanceExample>,
    /// Questions left out because triples of both signs match them.
    pub conflicting: usize,
    pub skipped: Vec<String>,
}

/// Training examples from the run's own questions on the articles of `split`: each article goes through the
/// run's stages (segmentation, the entity model in `entity_model`, actors and speakers, the pair builder), and
/// each question (holder, target, sentence) becomes an example. It is labelled favor or against when a triple of
/// a SEESAW sentence it overlaps names its holder and its target (by the names the gold rows match them with:
/// [`crate::article_score::holder_matches`], [`crate::article_score::target_matches`]), neutral (holds no
/// stance) when none does; a question that triples of both signs match is left out. Source `seesaw`.
pub fn read_examples(input: &Path, split: &str, entity_model: &Path) -> anyhow::Result<SeesawExamples> {
    let mut report = SeesawExamples::default();
    let articles = read_split(input, split, &mut report.skipped)?;
    let annotator = super::stages::annotator(entity_model, super::stages::issue_model().as_deref())?;
    for article in &articles {
        report.articles += 1;
        let annotated = annotator.annotate_text(&article.file, &article.body)?;
        let (text, actors) = (article.body.as_str(), annotated.actors()?);
        let names_of = |index: usize| super::stages::actor_names(text, actors, index);
        let triples: Vec<SentenceTriple> = article
            .triples()
            .filter_map(|(id, subject, label, object)| {
                let span = article.sentences.iter().find(|(sid, _)| sid == id)?.1;
                let with_aliases = |name: &str| {
                    let aliases = article.aliases(name);
                    [Some(name.to_string()), (!aliases.is_empty()).then_some(aliases)].into_iter().flatten()
                };
                let kind = target_kind(article.type_of(object));
                Some((span, with_aliases(subject).collect(), label, with_aliases(object).collect(), kind))
            })
            .collect();
        let mut asked = vec![false; triples.len()];
        for (index, pair) in annotated.pairs.iter().enumerate() {
            let sentence = annotated.segmentation.sentences[pair.sentence_index].span;
            let (target_names, target) = match &pair.target {
                Target::Actor(a) => (names_of(*a), actors.actors[*a].name.clone()),
                Target::Issue(phrase) => (vec![phrase.label.clone()], phrase.label.clone()),
                Target::Topic(_) => continue,
            };
            let holder_names = names_of(pair.holder);
            let mut labels = Vec::new();
            for (t, (span, subject, label, object, _)) in triples.iter().enumerate() {
                if span.overlaps(sentence)
                    && holder_matches(subject, &holder_names)
                    && target_matches(object, &target_names)
                {
                    asked[t] = true;
                    labels.push(*label);
                }
            }
            let label = match labels.first() {
                None => StanceLabel::Neutral,
                Some(first) if labels.iter().all(|l| l == first) => *first,
                Some(_) => {
                    report.conflicting += 1;
                    continue;
                }
            };
            let question = Question::of(text, &annotated.segmentation, actors, pair, &target);
            report.examples.push(question.example(
                format!("{}-q{index}", article.file.trim_end_matches(".txt")),
                label,
                SOURCE,
            ));
        }
        for ((.., kind), asked) in triples.iter().zip(asked) {
            let entry = report.triples.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += usize::from(asked);
        }
    }
    Ok(report)
}

/// A person's surname where the name has more than one word ("Barack Obama" -> "Obama", "William B. Taylor Jr."
/// -> "Taylor"); None where the last word is not capitalised ("Republican lawmakers").
fn surname(name: &str) -> Option<&str> {
    const SUFFIXES: [&str; 6] = ["Jr.", "Jr", "Sr.", "Sr", "II", "III"];
    let words: Vec<&str> = name.split_whitespace().map(|w| w.trim_end_matches(',')).collect();
    let last = words.iter().rposition(|w| !SUFFIXES.contains(w)).filter(|&i| i > 0)?;
    Some(words[last]).filter(|w| w.chars().count() > 2 && w.chars().next().is_some_and(char::is_uppercase))
}

/// The members of a party named "<adjective> Party", as news names them ("Democratic Party" -> "Democrats",
/// "Republican Party" -> "Republicans").
fn party_members(name: &str) -> Option<String> {
    let adjective = name.strip_suffix(" Party").filter(|a| !a.contains(' '))?;
    Some(format!("{}s", adjective.strip_suffix("ic").unwrap_or(adjective)))
}

/// Whether `text` has `word` as a whole word, in its case.
fn writes(text: &str, word: &str) -> bool {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word)
        .any(|(at, _)| !letter(text[..at].chars().next_back()) && !letter(text[at + word.len()..].chars().next()))
}

/// The initials of a name of two or more capitalised words, small words aside ("Federal Bureau of
/// Investigation" -> "FBI"); None for other names.
fn initials(name: &str) -> Option<String> {
    const SMALL: [&str; 6] = ["of", "the", "and", "for", "on", "in"];
    let words: Vec<&str> = name.split_whitespace().filter(|w| !SMALL.contains(w)).collect();
    let capitalised =
        words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic));
    (words.len() > 1 && capitalised).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
}

fn id_text(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: not a SEESAW file: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn other_names_of_capitalised_words_get_their_initials() {
        assert_eq!(initials("Federal Bureau of Investigation").as_deref(), Some("FBI"));
        assert_eq!(initials("Affordable Care Act").as_deref(), Some("ACA"));
        assert_eq!(initials("Congress"), None);
        assert_eq!(initials("executive action on immigration"), None);
        assert_eq!(initials("US-Mexico border wall"), None);
    }

    #[test]
    fn surnames_skip_suffixes_and_common_nouns_and_parties_are_named_by_their_members() {
        assert_eq!(surname("William B. Taylor Jr."), Some("Taylor"));
        assert_eq!(surname("Barack Obama"), Some("Obama"));
        assert_eq!(surname("Republican lawmakers"), None);
        assert_eq!(surname("Madonna"), None);
        assert_eq!(party_members("Democratic Party").as_deref(), Some("Democrats"));
        assert_eq!(party_members("Republican Party").as_deref(), Some("Republicans"));
        assert_eq!(party_members("birthday party"), None);
        assert!(writes("Democrats said so.", "Democrats"));
        assert!(!writes("the Democratsville fair", "Democrats"));
        assert!(!writes("DPs", "DP"));
    }

    #[test]
    fn a_story_becomes_articles_and_article_level_rows_by_the_dominant_sentiment() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("seesaw");
        write(
            &input.join("meta/TRIPLET_007.json"),
            r#"{"Split": "valid", "story_time": "2016-02-01", "Meta info for article 0": {"source": "Wire"}}"#,
        );
        write(&input.join("meta/TRIPLET_008.json"), r#"{"Split": "train"}"#);
        write(&input.join("meta/TRIPLET_009.json"), "not json");
        write(
            &input.join("articles/TRIPLET_007_DOCUMENT_0.json"),
            r#"{"title": "Hart backs the port deal", "text": [{"id": 0, "text": "Lena Hart backed the port deal."}, {"id": 1, "text": "Hart also praised Diallo."}, {"id": 2, "text": "Later Hart criticised Diallo."}, {"id": 3, "text": "Hart attacked Okafor."}]}"#,
        );
        write(
            &input.join("annotations/TRIPLET_007_DOCUMENT_0.json"),
            r#"{"entity lists": [["Lena Hart", ["People"], ["Main"], ["A"]], ["port deal", ["Topic"], ["Main"], ["A"]], ["Omar Diallo", ["People"], ["Salient"], ["A"]], ["Paul Okafor", ["People"], ["Salient"], ["A"]], ["Free Trade Office", ["Organization"], ["Salient"], ["A"]]],
               "sentence-level stances": {"0": [{"subject": "Lena Hart", "sentiment": "POS", "object": "port deal"}, {"subject": "Author", "sentiment": "NEG", "object": "Lena Hart"}],
                                          "1": [{"subject": "Lena Hart", "sentiment": "POS", "object": "Omar Diallo"}],
                                          "2": [{"subject": "Lena Hart", "sentiment": "NEG", "object": "Omar Diallo"}],
                                          "3": [{"subject": "Lena Hart", "sentiment": "NEG", "object": "Paul Okafor"}, {"subject": "None", "sentiment": "NEG", "object": "Paul Okafor"}, {"subject": "port deal", "sentiment": "NEG", "object": "Paul Okafor"}, {"subject": "Lena Hart", "sentiment": "NEG", "object": "Free Trade Office"}]}}"#,
        );
        let out = dir.path().join("gold");
        let report = write_gold(&input, "valid", &out).unwrap();
        assert_eq!((report.articles, report.triples, report.rows, report.triples_used), (1, 8, 3, 3));
        assert_eq!(
            report.skipped.len(),
            3,
            "the bad meta file and the missing documents 1 and 2: {:?}",
            report.skipped
        );
        assert!(report.skipped[0].contains("TRIPLET_007_DOCUMENT_1.json"), "{:?}", report.skipped);
        let text = std::fs::read_to_string(out.join("corpus/TRIPLET_007_DOCUMENT_0.txt")).unwrap();
        assert!(text.starts_with("title: Hart backs the port deal\ndate: 2016-02-01\nsource: Wire\n\n"), "{text}");
        assert!(text.contains("\n\nLena Hart backed the port deal.\n\nHart also praised Diallo."), "{text}");
        let again = write_gold(&input, "train", &out).unwrap_err().to_string();
        assert!(again.contains("already holds articles"), "{again}");
        let gold = std::fs::read_to_string(out.join("gold.csv")).unwrap();
        let rows: Vec<&str> = gold.lines().skip(1).collect();
        assert_eq!(
            rows,
            [
                "TRIPLET_007_DOCUMENT_0.txt,Lena Hart,Hart,Free Trade Office,,actor,against,Hart attacked Okafor.",
                "TRIPLET_007_DOCUMENT_0.txt,Lena Hart,Hart,Paul Okafor,Okafor,actor,against,Hart attacked Okafor.",
                "TRIPLET_007_DOCUMENT_0.txt,Lena Hart,Hart,port deal,,issue,favor,Lena Hart backed the port deal.",
            ],
            "Diallo's praise and criticism balance out; the author, None and a topic hold no actor's stance; the \
             initials FTO are no alias, as the article never writes them"
        );
    }

    #[test]
    fn the_runs_questions_become_examples_labelled_by_the_triples_of_their_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("seesaw");
        write(&input.join("meta/TRIPLET_001.json"), r#"{"Split": "train"}"#);
        write(
            &input.join("articles/TRIPLET_001_DOCUMENT_0.json"),
            r#"{"title": "Senators clash over the port", "text": [{"id": 0, "text": "Senator Grace Okafor attacked Governor Paul Lopez on Monday."}, {"id": 1, "text": "Lopez met Okafor in Lagos on Tuesday."}]}"#,
        );
        write(
            &input.join("annotations/TRIPLET_001_DOCUMENT_0.json"),
            r#"{"entity lists": [["Grace Okafor", ["People"], ["Main"], ["A"]], ["Paul Lopez", ["People"], ["Main"], ["A"]]],
               "sentence-level stances": {"0": [{"subject": "Grace Okafor", "sentiment": "NEG", "object": "Paul Lopez"}, {"subject": "Author", "sentiment": "NEG", "object": "Grace Okafor"}]}}"#,
        );
        let model = crate::import::stages::entity_model();
        let report = read_examples(&input, "train", &model).unwrap();
        assert_eq!(report.articles, 1);
        assert_eq!(report.triples.get("actor"), Some(&(1, 1)), "the one triple between listed actors is asked");
        let asked: Vec<(&str, &str, &str, StanceLabel)> = report
            .examples
            .iter()
            .map(|e| (e.text.as_str(), e.holder.as_deref().unwrap_or(""), e.target.as_str(), e.label))
            .collect();
        let first = "Senator Grace Okafor attacked Governor Paul Lopez on Monday.";
        assert!(asked.contains(&(first, "Grace Okafor", "Paul Lopez", StanceLabel::Against)), "{asked:?}");
        // Every other question is neutral: Lopez toward Okafor, and both in the meeting.
        let neutral = asked.iter().filter(|a| a.3 == StanceLabel::Neutral).count();
        assert_eq!(neutral, asked.len() - 1, "{asked:?}");
        assert!(asked.iter().any(|a| a.0.starts_with("Lopez met") && a.3 == StanceLabel::Neutral), "{asked:?}");
        let example = &report.examples[asked.iter().position(|a| a.3 == StanceLabel::Against).unwrap()];
        let span = |s: Option<[usize; 2]>| s.map(|[a, b]| example.text.chars().skip(a).take(b - a).collect::<String>());
        assert_eq!(span(example.holder_span).as_deref(), Some("Grace Okafor"));
        assert_eq!(span(example.target_span).as_deref(), Some("Paul Lopez"));
        assert_eq!(example.source, SOURCE);
    }
}
