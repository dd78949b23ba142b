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
//! as many (ANNOTATION.md: a truly balanced pair is left out). Triples whose subject or object is `Author` or
//! `Not in the list` hold no actor's stance and are left out. Names are SEESAW's canonical ones; a person's
//! surname is added as an alias ("Obama" for "Barack Obama"), as the articles mostly write it, and so are the
//! initials of any other name of two or more capitalised words ("FBI" for "Federal Bureau of Investigation",
//! "ACA" for "Affordable Care Act"), as ANNOTATION.md lists abbreviations. People,
//! organisations, states and religions are `actor` targets; topics, events and others are `issue` targets. The
//! evidence is the first sentence of the dominant sentiment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

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

/// Subjects and objects that are no listed actor.
const NOBODY: [&str; 2] = ["Author", "Not in the list"];

/// Writes the articles of `split` in the SEESAW folder `input` to `dir/corpus/` and their gold rows to
/// `dir/gold.csv`.
pub fn write_gold(input: &Path, split: &str, dir: &Path) -> anyhow::Result<SeesawGold> {
    let meta_dir = input.join("meta");
    let mut stories: Vec<PathBuf> = std::fs::read_dir(&meta_dir)
        .with_context(|| format!("{}: no meta/ folder: not a SEESAW folder", input.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    stories.sort();
    let corpus = dir.join("corpus");
    if std::fs::read_dir(&corpus).is_ok_and(|mut entries| entries.next().is_some()) {
        anyhow::bail!(
            "{} already holds articles: give --gold a new folder, so that no other split's articles are scored",
            corpus.display()
        );
    }
    std::fs::create_dir_all(&corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    let gold_path = dir.join("gold.csv");
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
    let mut report = SeesawGold { corpus: corpus.clone(), gold: gold_path.clone(), ..SeesawGold::default() };
    for story in stories {
        let meta: Meta = match read_json(&story) {
            Ok(meta) => meta,
            Err(reason) => {
                report.skipped.push(reason);
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
                    report.skipped.push(reason);
                    continue;
                }
            };
            let annotation: Annotation = match read_json(&input.join("annotations").join(format!("{name}.json"))) {
                Ok(annotation) => annotation,
                Err(reason) => {
                    report.skipped.push(reason);
                    continue;
                }
            };
            let source = meta.rest.get(&format!("Meta info for article {k}")).and_then(|m| m["source"].as_str());
            let file = format!("{name}.txt");
            let mut text = format!("title: {}\n", article.title.trim());
            if let Some(date) = &meta.story_time {
                text.push_str(&format!("date: {date}\n"));
            }
            if let Some(source) = source {
                text.push_str(&format!("source: {source}\n"));
            }
            text.push('\n');
            text.push_str(article.title.trim());
            for sentence in &article.text {
                text.push_str("\n\n");
                text.push_str(sentence.text.trim());
            }
            text.push('\n');
            let path = corpus.join(&file);
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            report.articles += 1;

            let types: BTreeMap<&str, &str> = annotation
                .entities
                .iter()
                .map(|(name, types, _, _)| (name.as_str(), types.first().map_or("Others", String::as_str)))
                .collect();
            let sentences: BTreeMap<String, &str> =
                article.text.iter().map(|s| (id_text(&s.id), s.text.as_str())).collect();
            // Per (subject, object): POS and NEG sentence counts, and the first sentence of each.
            let mut pairs: BTreeMap<(&str, &str), Sentiments> = BTreeMap::new();
            for (sentence_id, triples) in &annotation.stances {
                for triple in triples {
                    report.triples += 1;
                    if NOBODY.contains(&triple.subject.as_str()) || NOBODY.contains(&triple.object.as_str()) {
                        continue;
                    }
                    let side = match triple.sentiment.as_str() {
                        "POS" => 0,
                        "NEG" => 1,
                        _ => continue,
                    };
                    let entry = pairs.entry((triple.subject.as_str(), triple.object.as_str())).or_default();
                    entry.0[side] += 1;
                    entry.1[side] = entry.1[side].or(sentences.get(sentence_id).copied());
                }
            }
            for ((subject, object), (counts, evidence)) in pairs {
                let (stance, side) = match counts[0].cmp(&counts[1]) {
                    std::cmp::Ordering::Greater => ("favor", 0),
                    std::cmp::Ordering::Less => ("against", 1),
                    std::cmp::Ordering::Equal => continue,
                };
                report.triples_used += counts[side];
                let kind = match types.get(object).copied().unwrap_or("Others") {
                    "People" | "Organization" | "GPE" | "Religion" => "actor",
                    _ => "issue",
                };
                let aliases = |name: &str| -> String {
                    match types.get(name).copied() {
                        Some("People") => surname(name).map_or(String::new(), str::to_string),
                        _ => initials(name).unwrap_or_default(),
                    }
                };
                gold.write_record([
                    file.as_str(),
                    subject,
                    &aliases(subject),
                    object,
                    &aliases(object),
                    kind,
                    stance,
                    evidence[side].unwrap_or(""),
                ])?;
                report.rows += 1;
            }
        }
    }
    gold.flush().with_context(|| format!("cannot write {}", gold_path.display()))?;
    Ok(report)
}

/// A person's surname where the name has more than one word ("Barack Obama" -> "Obama").
fn surname(name: &str) -> Option<&str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    (words.len() > 1).then(|| words[words.len() - 1]).filter(|w| w.chars().count() > 2)
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
            r#"{"entity lists": [["Lena Hart", ["People"], ["Main"], ["A"]], ["port deal", ["Topic"], ["Main"], ["A"]], ["Omar Diallo", ["People"], ["Salient"], ["A"]], ["Paul Okafor", ["People"], ["Salient"], ["A"]]],
               "sentence-level stances": {"0": [{"subject": "Lena Hart", "sentiment": "POS", "object": "port deal"}, {"subject": "Author", "sentiment": "NEG", "object": "Lena Hart"}],
                                          "1": [{"subject": "Lena Hart", "sentiment": "POS", "object": "Omar Diallo"}],
                                          "2": [{"subject": "Lena Hart", "sentiment": "NEG", "object": "Omar Diallo"}],
                                          "3": [{"subject": "Lena Hart", "sentiment": "NEG", "object": "Paul Okafor"}]}}"#,
        );
        let out = dir.path().join("gold");
        let report = write_gold(&input, "valid", &out).unwrap();
        assert_eq!((report.articles, report.triples, report.rows, report.triples_used), (1, 5, 2, 2));
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
                "TRIPLET_007_DOCUMENT_0.txt,Lena Hart,Hart,Paul Okafor,Okafor,actor,against,Hart attacked Okafor.",
                "TRIPLET_007_DOCUMENT_0.txt,Lena Hart,Hart,port deal,,issue,favor,Lena Hart backed the port deal.",
            ],
            "Diallo's praise and criticism balance out; the author holds no actor's stance"
        );
    }
}
