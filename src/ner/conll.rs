//! Reading entity-annotated sentences from CoNLL-style files, for training and evaluating the entity model.
//!
//! The format: one token per line, columns separated by spaces or tabs, the token in the first column and its
//! tag in the last (columns between, such as CoNLL-2003's part-of-speech and chunk tags, are ignored); a blank
//! or whitespace-only line between sentences; `-DOCSTART-` lines ignored. Tags may be IOB1 or IOB2 and are always
//! converted to IOB2 as they are read (the conversion leaves IOB2 unchanged). Two options cover the public sets
//! that differ: WikiANN writes tokens as `en:Token` ([`ConllOptions::strip_language_prefix`]), and WNUT-17 uses
//! its own entity types, which a [`LabelMap`] maps onto ours or drops.
//!
//! A line that cannot be read (one column, an unknown tag, bytes that are not UTF-8) is reported with the file
//! and line, and the sentence it belongs to is left out whole (a sentence missing a token would teach the wrong
//! tags); the rest of the file is read. A file that cannot be opened, is binary or holds no sentence is an error.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{bail, Context};

use super::labels::{iob1_to_iob2, EntityType, Tag};
use crate::corpus::decode::{looks_binary, numbered_lines};
use crate::span::Span;

/// One annotated sentence: its tokens and their IOB2 tags (always the same length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConllSentence {
    pub tokens: Vec<String>,
    pub tags: Vec<Tag>,
}

impl ConllSentence {
    /// The tokens joined with single spaces, and each token's byte span in that text.
    pub fn text_and_spans(&self) -> (String, Vec<Span>) {
        let mut text = String::with_capacity(self.tokens.iter().map(|token| token.len() + 1).sum());
        let mut spans = Vec::with_capacity(self.tokens.len());
        for token in &self.tokens {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(token);
            spans.push(Span::new(start, text.len()));
        }
        (text, spans)
    }
}

/// Maps another data set's entity types onto ours. Types it maps to `O`, and types it does not name, become O.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelMap {
    types: BTreeMap<String, Option<EntityType>>,
}

impl LabelMap {
    /// The map for WNUT-17.
    pub const WNUT17: &'static str =
        "person=PER,location=LOC,group=ORG,corporation=ORG,product=MISC,creative-work=MISC";

    /// The map for WNUT-17 (see [`LabelMap::WNUT17`]).
    pub fn wnut17() -> LabelMap {
        LabelMap::WNUT17.parse().unwrap_or_default()
    }

    /// Our type for a foreign type name, `None` when it is dropped.
    pub fn map(&self, foreign: &str) -> Option<EntityType> {
        self.types.get(foreign).copied().flatten()
    }
}

impl FromStr for LabelMap {
    type Err = LabelMapError;

    /// Parses `foreign=OURS` pairs separated by commas, e.g. `person=PER,group=ORG,event=O`; spaces around
    /// names are ignored. OURS is PER, ORG, LOC, MISC or O (dropped).
    fn from_str(spec: &str) -> Result<LabelMap, LabelMapError> {
        let mut types = BTreeMap::new();
        for pair in spec.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
            let bad = || LabelMapError { pair: pair.to_string() };
            let (foreign, ours) = pair.split_once('=').ok_or_else(bad)?;
            let (foreign, ours) = (foreign.trim(), ours.trim());
            if foreign.is_empty() {
                return Err(bad());
            }
            let ours = if ours == "O" { None } else { Some(ours.parse::<EntityType>().map_err(|_| bad())?) };
            types.insert(foreign.to_string(), ours);
        }
        Ok(LabelMap { types })
    }
}

/// A label map spec with a pair that is not `foreign=PER|ORG|LOC|MISC|O`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad label map entry {pair:?}: expected foreign=TYPE with TYPE one of PER, ORG, LOC, MISC, O")]
pub struct LabelMapError {
    pub pair: String,
}

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConllOptions {
    /// Strip a language prefix (2 or 3 lowercase ASCII letters and a colon, as WikiANN's `en:`) from tokens.
    pub strip_language_prefix: bool,
    /// Map the file's entity types onto ours; without one, only PER, ORG, LOC and MISC are accepted.
    pub label_map: Option<LabelMap>,
}

/// Why one line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineProblem {
    #[error("expected a token and a tag separated by whitespace, found one column {line:?}")]
    OneColumn { line: String },
    #[error(
        "unknown tag {tag:?} (expected O, or B-/I- followed by PER, ORG, LOC, MISC, ISSUE, SOURCE, CUE or CONTENT)"
    )]
    UnknownTag { tag: String },
    #[error("unknown tag {tag:?} (expected O, or B-/I- followed by an entity type)")]
    UnknownForeignTag { tag: String },
    #[error("not valid UTF-8")]
    NotUtf8,
}

/// A line that could not be read, whose sentence was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    pub line: usize,
    pub problem: LineProblem,
}

/// What was read from one file: its good sentences, and the lines whose sentences were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConllFile {
    pub sentences: Vec<ConllSentence>,
    pub skipped: Vec<SkippedLine>,
}

/// Reads the sentences of a CoNLL file for training or evaluation: the lines that could not be read are reported
/// on stderr (`skipped: FILE:LINE: problem`) and their sentences left out; an error when the file cannot be read,
/// is binary or holds no sentence.
pub fn read_conll(path: &Path, options: &ConllOptions) -> anyhow::Result<Vec<ConllSentence>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if looks_binary(&bytes) {
        bail!("{}: a binary file, not CoNLL text", path.display());
    }
    let file = parse_conll(&bytes, options);
    for skipped in &file.skipped {
        eprintln!("skipped: {}:{}: {} (its sentence left out)", path.display(), skipped.line, skipped.problem);
    }
    if file.sentences.is_empty() {
        bail!("{}: no sentences in it ({} lines skipped)", path.display(), file.skipped.len());
    }
    if !file.skipped.is_empty() {
        eprintln!(
            "{}: {} sentences read, {} left out for bad lines",
            path.display(),
            file.sentences.len(),
            file.skipped.len()
        );
    }
    Ok(file.sentences)
}

/// Reads every sentence of a CoNLL file's bytes, leaving out the sentences that hold a line it cannot read.
pub fn parse_conll(bytes: &[u8], options: &ConllOptions) -> ConllFile {
    let mut file = ConllFile::default();
    let mut sentence = ConllSentence { tokens: Vec::new(), tags: Vec::new() };
    let mut damaged = false;
    for (line_number, line) in numbered_lines(bytes) {
        let read = line.map_err(|_| LineProblem::NotUtf8).and_then(|line| read_line(line, options));
        match read {
            Ok(Some((token, tag))) => {
                sentence.tokens.push(token.to_string());
                sentence.tags.push(tag);
            }
            Ok(None) => {
                finish_sentence(&mut sentence, &mut file.sentences, damaged);
                damaged = false;
            }
            Err(problem) => {
                file.skipped.push(SkippedLine { line: line_number, problem });
                damaged = true;
            }
        }
    }
    finish_sentence(&mut sentence, &mut file.sentences, damaged);
    file
}

/// One line: its token and tag, None for a line that ends a sentence (blank, or `-DOCSTART-`).
fn read_line<'a>(line: &'a str, options: &ConllOptions) -> Result<Option<(&'a str, Tag)>, LineProblem> {
    let mut columns = line.split([' ', '\t']).filter(|column| !column.is_empty());
    let Some(first) = columns.next() else {
        return Ok(None);
    };
    if first == "-DOCSTART-" {
        return Ok(None);
    }
    let tag_name = columns.next_back().ok_or_else(|| LineProblem::OneColumn { line: line.to_string() })?;
    let tag = read_tag(tag_name, options.label_map.as_ref())?;
    let token = if options.strip_language_prefix { strip_language_prefix(first) } else { first };
    Ok(Some((token, tag)))
}

/// Ends the sentence being read, keeping it (its tags converted to IOB2) when it has a token and no bad line.
fn finish_sentence(sentence: &mut ConllSentence, sentences: &mut Vec<ConllSentence>, damaged: bool) {
    let mut finished = std::mem::replace(sentence, ConllSentence { tokens: Vec::new(), tags: Vec::new() });
    if finished.tokens.is_empty() || damaged {
        return;
    }
    finished.tags = iob1_to_iob2(&finished.tags);
    sentences.push(finished);
}

fn read_tag(name: &str, label_map: Option<&LabelMap>) -> Result<Tag, LineProblem> {
    let Some(label_map) = label_map else {
        return name.parse().map_err(|_| LineProblem::UnknownTag { tag: name.to_string() });
    };
    if name == "O" {
        return Ok(Tag::Outside);
    }
    let unknown = || LineProblem::UnknownForeignTag { tag: name.to_string() };
    let (prefix, foreign) = name.split_once('-').ok_or_else(unknown)?;
    if foreign.is_empty() {
        return Err(unknown());
    }
    match (prefix, label_map.map(foreign)) {
        ("B" | "I", None) => Ok(Tag::Outside),
        ("B", Some(entity_type)) => Ok(Tag::Begin(entity_type)),
        ("I", Some(entity_type)) => Ok(Tag::Inside(entity_type)),
        _ => Err(unknown()),
    }
}

/// `en:Paris` -> `Paris`: strips 2 or 3 lowercase ASCII letters and a colon, when something follows them.
fn strip_language_prefix(token: &str) -> &str {
    match token.split_once(':') {
        Some((language, rest))
            if (2..=3).contains(&language.len())
                && language.bytes().all(|byte| byte.is_ascii_lowercase())
                && !rest.is_empty() =>
        {
            rest
        }
        _ => token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::scorer::entities_from_tags;
    use EntityType::*;

    /// The sentences of `text`, failing the test on any bad line.
    fn parse(text: &str, options: &ConllOptions) -> Vec<ConllSentence> {
        let file = parse_conll(text.as_bytes(), options);
        assert_eq!(file.skipped, [], "{text:?}");
        file.sentences
    }

    fn tags(names: &str) -> Vec<Tag> {
        names.split_whitespace().map(|name| name.parse().unwrap()).collect()
    }

    #[test]
    fn reads_conll2003_with_docstart_and_extra_columns() {
        let text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n\n\
                    Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n";
        let sentences = parse(text, &ConllOptions::default());
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].tokens, ["EU", "rejects", "German"]);
        // IOB1 became IOB2.
        assert_eq!(sentences[0].tags, tags("B-ORG O B-MISC"));
        assert_eq!(sentences[1].tags, tags("B-PER I-PER"));
    }

    #[test]
    fn tabs_crlf_whitespace_only_lines_and_missing_final_newline() {
        // WNUT-17's train file separates sentences with a line holding a single tab.
        let text = "Biden\tB-PER\r\nspoke\t O\r\n\t\r\n  \nPutin  B-PER\n\n\n-DOCSTART-\tO\nMoscow\tB-LOC";
        let sentences = parse(text, &ConllOptions::default());
        let tokens: Vec<&[String]> = sentences.iter().map(|sentence| &sentence.tokens[..]).collect();
        assert_eq!(tokens, [&["Biden", "spoke"][..], &["Putin"], &["Moscow"]]);
    }

    #[test]
    fn non_breaking_space_stays_inside_a_token() {
        let sentences = parse("São\u{a0}Paulo B-LOC\n", &ConllOptions::default());
        assert_eq!(sentences[0].tokens, ["São\u{a0}Paulo"]);
    }

    #[test]
    fn a_bad_line_leaves_out_its_sentence_only() {
        let text =
            b"Biden B-PER\nmet\nPutin B-PER\n\nMacron B-PER\nspoke O\n\nScholz B-GPE\n\nok O\n\xff O\n\nKyiv B-LOC\n";
        let file = parse_conll(text, &ConllOptions::default());
        let tokens: Vec<&[String]> = file.sentences.iter().map(|sentence| &sentence.tokens[..]).collect();
        assert_eq!(tokens, [&["Macron", "spoke"][..], &["Kyiv"]]);
        let lines: Vec<usize> = file.skipped.iter().map(|skipped| skipped.line).collect();
        assert_eq!(lines, [2, 8, 11]);
        assert_eq!(
            file.skipped[0].problem.to_string(),
            "expected a token and a tag separated by whitespace, found one column \"met\""
        );
        assert_eq!(file.skipped[1].problem, LineProblem::UnknownTag { tag: "B-GPE".into() });
        assert_eq!(file.skipped[2].problem, LineProblem::NotUtf8);
    }

    #[test]
    fn missing_binary_and_empty_files_are_named() {
        let error = read_conll(Path::new("no/such/file.conll"), &ConllOptions::default()).unwrap_err();
        assert!(format!("{error:#}").starts_with("cannot read no/such/file.conll: "), "{error:#}");
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("model.bin");
        std::fs::write(&binary, b"\x00\x01\x02PK\x03\x04 O\n").unwrap();
        let error = read_conll(&binary, &ConllOptions::default()).unwrap_err();
        assert_eq!(error.to_string(), format!("{}: a binary file, not CoNLL text", binary.display()));
        let bad = dir.path().join("bad.conll");
        std::fs::write(&bad, "Biden\nPutin B-XYZ\n\n").unwrap();
        let error = read_conll(&bad, &ConllOptions::default()).unwrap_err();
        assert_eq!(error.to_string(), format!("{}: no sentences in it (2 lines skipped)", bad.display()));
    }

    #[test]
    fn reads_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("train.txt");
        std::fs::write(&path, "Kyiv B-LOC\n").unwrap();
        let sentences = read_conll(&path, &ConllOptions::default()).unwrap();
        assert_eq!(sentences, [ConllSentence { tokens: vec!["Kyiv".into()], tags: vec![Tag::Begin(Loc)] }]);
    }

    #[test]
    fn wikiann_language_prefix_is_stripped_only_when_asked() {
        let text = "en:Sioux\tB-ORG\nen:Falls\tI-ORG\nen::\tO\nen:3:15\tO\nhttp://x.org\tO\nen:\tO\nEN:Up\tO\n";
        let options = ConllOptions { strip_language_prefix: true, label_map: None };
        let sentences = parse(text, &options);
        assert_eq!(sentences[0].tokens, ["Sioux", "Falls", ":", "3:15", "http://x.org", "en:", "EN:Up"]);
        let kept = parse(text, &ConllOptions::default());
        assert_eq!(kept[0].tokens[0], "en:Sioux");
    }

    #[test]
    fn wnut17_types_are_mapped_or_dropped() {
        let text = "Empire\tB-location\nState\tI-location\nby\tO\nApple\tB-corporation\niPhone\tB-product\n\
                    X\tB-creative-work\nY\tI-creative-work\nZ\tB-event\n";
        let options = ConllOptions { strip_language_prefix: false, label_map: Some(LabelMap::wnut17()) };
        let sentences = parse(text, &options);
        assert_eq!(sentences[0].tags, tags("B-LOC I-LOC O B-ORG B-MISC B-MISC I-MISC O"));
        let bad = parse_conll(b"a\tX-person\n\nb\tB-\n", &options);
        assert_eq!(bad.sentences, []);
        assert!(bad.skipped[0].problem.to_string().contains("unknown tag \"X-person\""));
        assert_eq!(
            bad.skipped[1],
            SkippedLine { line: 3, problem: LineProblem::UnknownForeignTag { tag: "B-".into() } }
        );
    }

    #[test]
    fn label_map_specs() {
        let map: LabelMap = " person = PER , event=O,".parse().unwrap();
        assert_eq!(map.map("person"), Some(Per));
        assert_eq!(map.map("event"), None);
        assert_eq!(map.map("unknown"), None);
        assert!("person".parse::<LabelMap>().is_err());
        assert!("person=GPE".parse::<LabelMap>().is_err());
        assert!("=PER".parse::<LabelMap>().is_err());
        assert_eq!(LabelMap::wnut17().map("creative-work"), Some(Misc));
        assert_eq!(LabelMap::wnut17().map("group"), Some(Org));
    }

    #[test]
    fn text_and_spans_slice_back_to_the_tokens() {
        let sentence = ConllSentence {
            tokens: vec!["Zelenskyy".into(), "visited".into(), "São".into(), "Paulo".into(), "—".into()],
            tags: tags("B-PER O B-LOC I-LOC O"),
        };
        let (text, spans) = sentence.text_and_spans();
        assert_eq!(text, "Zelenskyy visited São Paulo —");
        for (span, token) in spans.iter().zip(&sentence.tokens) {
            assert_eq!(span.slice(&text), token);
        }
        let (_, start, end) = entities_from_tags(&sentence.tags)[1];
        assert_eq!(&text[spans[start].start..spans[end - 1].end], "São Paulo");
        let empty = ConllSentence { tokens: vec![], tags: vec![] };
        assert_eq!(empty.text_and_spans(), (String::new(), vec![]));
    }

    /// Counts of a real file, for the report and to catch reading regressions.
    struct FileCounts {
        sentences: usize,
        tokens: usize,
        entities: BTreeMap<EntityType, usize>,
    }

    fn count(path: &Path, options: &ConllOptions) -> Option<FileCounts> {
        if !path.exists() {
            println!("skipped: {} is absent (it lives in ../shared/data)", path.display());
            return None;
        }
        let sentences = read_conll(path, options).unwrap();
        let mut entities = BTreeMap::new();
        for sentence in &sentences {
            assert_eq!(sentence.tokens.len(), sentence.tags.len());
            for (entity_type, _, _) in entities_from_tags(&sentence.tags) {
                *entities.entry(entity_type).or_insert(0) += 1;
            }
        }
        let tokens = sentences.iter().map(|sentence| sentence.tokens.len()).sum();
        println!("{}: {} sentences, {tokens} tokens, entities {entities:?}", path.display(), sentences.len());
        Some(FileCounts { sentences: sentences.len(), tokens, entities })
    }

    fn shared(relative: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ner").join(relative)
    }

    #[test]
    fn conll2003_counts_needs_shared() {
        let options = ConllOptions::default();
        if let Some(train) = count(&shared("conll2003/train.txt"), &options) {
            assert_eq!((train.sentences, train.tokens), (14_041, 203_621));
            assert_eq!(train.entities, BTreeMap::from([(Per, 6_600), (Org, 6_321), (Loc, 7_140), (Misc, 3_440)]));
        }
        if let Some(dev) = count(&shared("conll2003/dev.txt"), &options) {
            assert_eq!((dev.sentences, dev.tokens), (3_250, 51_362));
            assert_eq!(dev.entities, BTreeMap::from([(Per, 1_842), (Org, 1_341), (Loc, 1_837), (Misc, 922)]));
        }
    }

    #[test]
    fn wikiann_counts_needs_shared() {
        let options = ConllOptions { strip_language_prefix: true, label_map: None };
        if let Some(train) = count(&shared("wikiann_en/train"), &options) {
            assert_eq!((train.sentences, train.tokens), (20_000, 160_394));
            assert_eq!(train.entities, BTreeMap::from([(Per, 9_164), (Org, 9_422), (Loc, 9_345)]));
        }
        if let Some(dev) = count(&shared("wikiann_en/dev"), &options) {
            assert_eq!((dev.sentences, dev.tokens), (10_000, 80_536));
            assert_eq!(dev.entities, BTreeMap::from([(Per, 4_635), (Org, 4_677), (Loc, 4_834)]));
        }
    }

    #[test]
    fn wnut17_counts_needs_shared() {
        let options = ConllOptions { strip_language_prefix: false, label_map: Some(LabelMap::wnut17()) };
        if let Some(train) = count(&shared("wnut17/wnut17train.conll"), &options) {
            // Sentences are separated by tab-only lines as well as empty ones in this file.
            assert_eq!((train.sentences, train.tokens), (3_394, 62_730));
            assert_eq!(train.entities, BTreeMap::from([(Per, 660), (Org, 485), (Loc, 548), (Misc, 282)]));
        }
        if let Some(dev) = count(&shared("wnut17/emerging.dev.conll"), &options) {
            assert_eq!((dev.sentences, dev.tokens), (1_009, 15_733));
            assert_eq!(dev.entities, BTreeMap::from([(Per, 470), (Org, 73), (Loc, 74), (Misc, 219)]));
        }
    }
}
