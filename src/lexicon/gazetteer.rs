//! Which mentions stand for a state: countries, capitals, state institutions and demonyms.
//!
//! News names states in many ways: "Russia", "Moscow said", "the Kremlin denied", "Russian officials". For
//! stance tables these are all one actor, the state, and the entity model alone cannot tell: it marks "Moscow"
//! as LOC and "Russian" as MISC, and often misses "the Kremlin" altogether. The [`Gazetteer`] maps each such
//! surface form to the ISO 3166-1 alpha-2 code of the state it stands for (`RU`), its [`PlaceKind`] and the
//! state's canonical name ("Russia").
//!
//! The list is data, not code: `models/gazetteer.tsv` ships with stancemap (one row per name, columns
//! `name country kind canonical`, its header comment says how to extend it), and a user's own file in the same
//! format can be loaded on top with [`Gazetteer::extend`]; its rows override shipped rows of the same name.
//!
//! # Matching
//!
//! Names are compared word by word, where a word is a run of letters and digits and every other non-space
//! character (`.`, `'`, `-`, `,`) is a word of its own; so whitespace is collapsed and `Kremlin's` is
//! `Kremlin` followed by a possessive. On top of that:
//!
//! - a leading "the" is ignored ("the Kremlin" is "Kremlin"); where it belongs to the name ("The Hague"),
//!   [`Gazetteer::find_in`] includes it in the span;
//! - names of four or more letters that are not all capitals match in any case ("KREMLIN", "kremlin"); short or
//!   all-capital names ("US", "UK", "DPRK", "No. 10") match only as written, so the pronoun "us" never
//!   matches; [`Gazetteer::find_in`] also skips all-lowercase occurrences of the case-insensitive names, so
//!   "turkey", "china" and "guinea pig" in running text are not states;
//! - curly and straight apostrophes are the same; accents are not folded (the data lists "Elysee" beside
//!   "Élysée");
//! - [`Gazetteer::lookup`] also accepts a trailing possessive ("Kremlin's") and a stray trailing full stop
//!   ("Russia."), trying the text as written first so that "U.S." and "St. John's" keep theirs.
//!
//! # What the gazetteer does not decide
//!
//! It answers "could this name stand for a state?", not "does it here?". "Washington" is also a US state and a
//! surname (Denzel Washington), "Georgia" a country and a US state, "Jordan" a country and a first name,
//! "Victoria" a capital and a queen. The caller decides with the entity type the model gave the mention: a
//! PER mention is a person whatever the gazetteer says, while LOC/GPE, ORG and MISC (for demonyms) mentions
//! that are found here become state actors. [`Gazetteer::find_in`] has no entity type to go by; it is meant for
//! the forms the model misses (institutions such as "the Kremlin"), and the caller should filter its results by
//! kind. It does skip a few fixed phrases in which a state's name stands for something else ("Latin America",
//! "South China Sea", "American Samoa", "Washington Post": the rows of kind `not-a-state`).

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::span::Span;

/// How a name stands for its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// A name of the state itself: "Russia", "Russian Federation".
    Country,
    /// Its capital or seat of government, used for the government: "Moscow said".
    Capital,
    /// A building, office or body that stands for the state: "the Kremlin", "Downing Street", "Knesset".
    Institution,
    /// The adjective: "Russian", "French" (MISC in CoNLL-style annotation).
    Demonym,
}

impl PlaceKind {
    /// The label used in the data file.
    pub fn label(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Capital => "capital",
            PlaceKind::Institution => "institution",
            PlaceKind::Demonym => "demonym",
        }
    }

    fn from_label(label: &str) -> Option<PlaceKind> {
        [PlaceKind::Country, PlaceKind::Capital, PlaceKind::Institution, PlaceKind::Demonym]
            .into_iter()
            .find(|kind| kind.label() == label)
    }
}

impl fmt::Display for PlaceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One row of the gazetteer: a name and the state it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The surface form, as written in the data file: "Kremlin", "U.S.", "The Hague".
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the state: "RU".
    pub country: String,
    pub kind: PlaceKind,
    /// The state's canonical name: "Russia".
    pub canonical: String,
}

/// Why a row of a gazetteer file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("expected the header row `name<TAB>country<TAB>kind<TAB>canonical`, found {found:?}")]
    BadHeader { found: String },
    #[error("the file has no header row `name<TAB>country<TAB>kind<TAB>canonical`")]
    MissingHeader,
    #[error("expected 4 tab-separated columns (name, country, kind, canonical), found {0}")]
    ColumnCount(usize),
    #[error("the name is empty")]
    EmptyName,
    #[error("the canonical name is empty")]
    EmptyCanonical,
    #[error("unknown kind {0:?}: expected country, capital, institution, demonym or not-a-state")]
    UnknownKind(String),
    #[error("country {0:?} is not an ISO 3166-1 alpha-2 code (two uppercase letters, like RU)")]
    BadCountry(String),
    #[error("a not-a-state row names no country and no canonical name (leave both empty)")]
    NotAStateWithCountry,
    #[error("the line is not valid UTF-8")]
    NotUtf8,
}

/// An error loading a gazetteer file; it names the file and, for a bad row, the line.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("cannot read gazetteer {file}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("gazetteer {file}, line {line}: {problem}")]
    BadRow { file: String, line: u64, problem: RowProblem },
}

/// A name cut into comparable words.
#[derive(Debug, Clone)]
struct NameForm {
    /// The words, apostrophes and hyphens unified; lowercased unless `case_sensitive`.
    words: Vec<String>,
    case_sensitive: bool,
    /// The name as written starts with "the" ("The Hague"), which `find_in` then includes in the span.
    leading_the: bool,
}

impl NameForm {
    fn of(name: &str) -> NameForm {
        let mut words: Vec<String> = words_of(name).map(|word| word_key(word.text, true)).collect();
        let leading_the = words.len() > 1 && words[0].eq_ignore_ascii_case("the");
        if leading_the {
            words.remove(0);
        }
        let letters: Vec<char> = words.iter().flat_map(|word| word.chars()).filter(|c| c.is_alphabetic()).collect();
        let case_sensitive = letters.len() < 4 || letters.iter().all(|c| c.is_uppercase());
        if !case_sensitive {
            words = words.iter().map(|word| word.to_lowercase()).collect();
        }
        NameForm { words, case_sensitive, leading_the }
    }

    /// The key under which the name is found by [`Gazetteer::lookup`]; same key, same name.
    fn key(&self) -> String {
        lookup_key(&self.words, self.case_sensitive)
    }
}

fn lookup_key<S: AsRef<str>>(words: &[S], case_sensitive: bool) -> String {
    let mut key = String::from(if case_sensitive { "=" } else { "~" });
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(word.as_ref());
    }
    key
}

/// What a `find_in` candidate reports when it matches.
#[derive(Debug, Clone, Copy)]
enum Target {
    Entry(usize),
    NotAState,
}

#[derive(Debug, Clone)]
struct Candidate {
    form: NameForm,
    target: Target,
}

/// Maps names of states, capitals, institutions and demonyms to the state they stand for.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entries: Vec<GazetteerEntry>,
    /// [`NameForm::key`] to index in `entries`.
    by_key: HashMap<String, usize>,
    /// Phrases in which a state's name stands for something else (rows of kind `not-a-state`: "Latin America",
    /// "Washington Post"): [`Gazetteer::find_in`] matches them like names (longest first) and reports nothing for
    /// them, so "Latin America" does not yield "America" = US.
    not_a_state: Vec<String>,
    /// Lowercased first word to the names (and not-a-state phrases) starting with it, longest first.
    by_first_word: HashMap<String, Vec<Candidate>>,
}

impl Gazetteer {
    /// Reads a gazetteer file (see `models/gazetteer.tsv` for the format).
    pub fn from_path(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let file_name = path.display().to_string();
        let file = File::open(path).map_err(|source| GazetteerError::Read { file: file_name.clone(), source })?;
        Gazetteer::from_reader(&file_name, file)
    }

    /// Reads a gazetteer in the file format from `reader`; errors name the source as `name_for_errors`.
    /// A name given twice keeps its last row.
    pub fn from_reader(name_for_errors: &str, mut reader: impl Read) -> Result<Gazetteer, GazetteerError> {
        let bad_row = |line: u64, problem: RowProblem| GazetteerError::BadRow {
            file: name_for_errors.to_string(),
            line,
            problem,
        };
        // Lines are split here rather than by a CSV reader so that line numbers count every line, blank lines
        // and comments included, and so that no character (quotes included) is special inside a field.
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|source| GazetteerError::Read { file: name_for_errors.to_string(), source })?;
        let mut gazetteer = Gazetteer::default();
        let mut seen_header = false;
        for (line, raw) in (1u64..).zip(bytes.split(|&byte| byte == b'\n')) {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let text = std::str::from_utf8(raw).map_err(|_| bad_row(line, RowProblem::NotUtf8))?;
            let text = if line == 1 { text.trim_start_matches('\u{feff}') } else { text };
            if text.trim().is_empty() || text.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            if seen_header {
                match parse_row(&fields).map_err(|problem| bad_row(line, problem))? {
                    Row::State(entry) => gazetteer.insert(entry),
                    Row::NotAState(phrase) => gazetteer.insert_not_a_state(phrase),
                }
            } else {
                check_header(&fields).map_err(|problem| bad_row(line, problem))?;
                seen_header = true;
            }
        }
        if !seen_header {
            return Err(bad_row(1, RowProblem::MissingHeader));
        }
        gazetteer.reindex();
        Ok(gazetteer)
    }

    /// Adds `other`'s names (a user's file on top of the shipped one); its rows override rows of the same name.
    pub fn extend(&mut self, other: Gazetteer) {
        for entry in other.entries {
            self.insert(entry);
        }
        for phrase in other.not_a_state {
            self.insert_not_a_state(phrase);
        }
        self.reindex();
    }

    /// The entry for a mention's text, if it names a state (see the module doc for how names match).
    pub fn lookup(&self, mention_text: &str) -> Option<&GazetteerEntry> {
        let mut words: Vec<String> = words_of(mention_text).map(|word| word_key(word.text, true)).collect();
        if words.len() > 1 && words[0].eq_ignore_ascii_case("the") {
            words.remove(0);
        }
        let mut variants: Vec<&[String]> = vec![&words];
        let possessive = match words.as_slice() {
            [rest @ .., last, apostrophe, s] if apostrophe == "'" && s == "s" && is_word(last) => Some(rest.len() + 1),
            // "Philippines'"
            [rest @ .., last, apostrophe] if apostrophe == "'" && last.ends_with('s') => Some(rest.len() + 1),
            _ => None,
        };
        if let Some(len) = possessive {
            variants.push(&words[..len]);
        }
        for variant in variants.clone() {
            if let [rest @ .., last, dot] = variant {
                if dot == "." && is_word(last) {
                    variants.push(&variant[..rest.len() + 1]);
                }
            }
        }
        variants.iter().find_map(|variant| self.entry_for_words(variant))
    }

    /// Every occurrence of a name in `text`: non-overlapping, left to right, the longest name at each word
    /// ("South Korea" rather than "South"; "the White House" as "White House"). Spans are byte offsets into
    /// `text`. All-lowercase occurrences of case-insensitive names are skipped ("turkey" is a bird).
    pub fn find_in(&self, text: &str) -> Vec<(Span, &GazetteerEntry)> {
        let words: Vec<Word<'_>> = words_of(text).collect();
        let exact: Vec<String> = words.iter().map(|word| word_key(word.text, true)).collect();
        let folded: Vec<String> = exact.iter().map(|word| word.to_lowercase()).collect();
        let mut found: Vec<(Span, &GazetteerEntry)> = Vec::new();
        let mut at = 0;
        'words: while at < words.len() {
            let Some(candidates) = self.by_first_word.get(&folded[at]) else {
                at += 1;
                continue;
            };
            for candidate in candidates {
                let form = &candidate.form;
                let end = at + form.words.len();
                if end > words.len() {
                    continue;
                }
                let text_words = if form.case_sensitive { &exact[at..end] } else { &folded[at..end] };
                if text_words != form.words.as_slice() {
                    continue;
                }
                let mut span = Span::new(words[at].span.start, words[end - 1].span.end);
                if !form.case_sensitive && !span.slice(text).chars().any(char::is_uppercase) {
                    continue;
                }
                if let Target::Entry(index) = candidate.target {
                    if form.leading_the && at > 0 && folded[at - 1] == "the" {
                        let the_start = words[at - 1].span.start;
                        if found.last().is_none_or(|(previous, _)| previous.end <= the_start) {
                            span.start = the_start;
                        }
                    }
                    found.push((span, &self.entries[index]));
                }
                at = end;
                continue 'words;
            }
            at += 1;
        }
        found
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries, in the order their names were first added.
    pub fn entries(&self) -> impl Iterator<Item = &GazetteerEntry> {
        self.entries.iter()
    }

    fn entry_for_words(&self, words: &[String]) -> Option<&GazetteerEntry> {
        if words.is_empty() {
            return None;
        }
        let lowered: Vec<String> = words.iter().map(|word| word.to_lowercase()).collect();
        [lookup_key(words, true), lookup_key(&lowered, false)]
            .iter()
            .find_map(|key| self.by_key.get(key))
            .map(|&index| &self.entries[index])
    }

    /// Adds or replaces the entry with this name; the index is rebuilt by [`Gazetteer::reindex`].
    fn insert(&mut self, entry: GazetteerEntry) {
        let key = NameForm::of(&entry.name).key();
        match self.by_key.get(&key) {
            Some(&index) => self.entries[index] = entry,
            None => {
                self.by_key.insert(key, self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// Adds a not-a-state phrase, once.
    fn insert_not_a_state(&mut self, phrase: String) {
        let key = NameForm::of(&phrase).key();
        if !self.not_a_state.iter().any(|known| NameForm::of(known).key() == key) {
            self.not_a_state.push(phrase);
        }
    }

    fn reindex(&mut self) {
        let names =
            self.entries.iter().enumerate().map(|(index, entry)| (NameForm::of(&entry.name), Target::Entry(index)));
        let phrases = self.not_a_state.iter().map(|phrase| (NameForm::of(phrase), Target::NotAState));
        let mut by_first_word: HashMap<String, Vec<Candidate>> = HashMap::new();
        for (form, target) in names.chain(phrases) {
            if let Some(first) = form.words.first() {
                by_first_word.entry(first.to_lowercase()).or_default().push(Candidate { form, target });
            }
        }
        for candidates in by_first_word.values_mut() {
            // Longest first; at equal length, case-sensitive forms first, as `lookup` tries them first.
            candidates.sort_by_key(|candidate| {
                (std::cmp::Reverse(candidate.form.words.len()), !candidate.form.case_sensitive)
            });
        }
        self.by_first_word = by_first_word;
    }
}

fn check_header(fields: &[&str]) -> Result<(), RowProblem> {
    if fields == ["name", "country", "kind", "canonical"] {
        Ok(())
    } else {
        Err(RowProblem::BadHeader { found: fields.join("\t") })
    }
}

/// A row of a gazetteer file.
enum Row {
    State(GazetteerEntry),
    /// A phrase in which a state's name stands for something else (kind `not-a-state`).
    NotAState(String),
}

fn parse_row(fields: &[&str]) -> Result<Row, RowProblem> {
    let [name, country, kind, canonical] = fields else {
        return Err(RowProblem::ColumnCount(fields.len()));
    };
    if name.is_empty() {
        return Err(RowProblem::EmptyName);
    }
    if *kind == "not-a-state" {
        if !country.is_empty() || !canonical.is_empty() {
            return Err(RowProblem::NotAStateWithCountry);
        }
        return Ok(Row::NotAState(name.to_string()));
    }
    if country.len() != 2 || !country.bytes().all(|byte| byte.is_ascii_uppercase()) {
        return Err(RowProblem::BadCountry(country.to_string()));
    }
    let kind = PlaceKind::from_label(kind).ok_or_else(|| RowProblem::UnknownKind(kind.to_string()))?;
    if canonical.is_empty() {
        return Err(RowProblem::EmptyCanonical);
    }
    Ok(Row::State(GazetteerEntry {
        name: name.to_string(),
        country: country.to_string(),
        kind,
        canonical: canonical.to_string(),
    }))
}

/// A word of a text and where it is.
#[derive(Debug, Clone, Copy)]
struct Word<'t> {
    span: Span,
    text: &'t str,
}

/// Letters, digits and combining accents (text in decomposed form) make up words.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_word(word: &str) -> bool {
    word.chars().next().is_some_and(is_word_char)
}

/// The words of `text`: runs of word characters, and each other non-space character on its own.
fn words_of(text: &str) -> impl Iterator<Item = Word<'_>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = chars.by_ref().find(|(_, c)| !c.is_whitespace())?;
        let mut end = start + first.len_utf8();
        if is_word_char(first) {
            while let Some(&(at, c)) = chars.peek() {
                if !is_word_char(c) {
                    break;
                }
                end = at + c.len_utf8();
                chars.next();
            }
        }
        Some(Word { span: Span::new(start, end), text: &text[start..end] })
    })
}

/// A word as compared: curly apostrophes and Unicode hyphens unified, lowercased unless `case_sensitive`.
fn word_key(word: &str, case_sensitive: bool) -> String {
    match word {
        "\u{2019}" | "\u{2018}" | "\u{2032}" => "'".to_string(),
        "\u{2010}" | "\u{2011}" => "-".to_string(),
        _ if case_sensitive => word.to_string(),
        _ => word.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Gazetteer {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/gazetteer.tsv");
        match Gazetteer::from_path(&path) {
            Ok(gazetteer) => gazetteer,
            Err(err) => panic!("{err}"),
        }
    }

    fn parse(text: &str) -> Result<Gazetteer, GazetteerError> {
        Gazetteer::from_reader("test.tsv", text.as_bytes())
    }

    fn assert_state(gazetteer: &Gazetteer, mention: &str, country: &str, kind: PlaceKind) {
        let entry = gazetteer.lookup(mention).unwrap_or_else(|| panic!("{mention:?} not found"));
        assert_eq!((entry.country.as_str(), entry.kind), (country, kind), "{mention:?} -> {entry:?}");
    }

    #[test]
    fn capitals_institutions_and_demonyms_stand_for_their_state() {
        let gazetteer = shipped();
        assert_state(&gazetteer, "Moscow", "RU", PlaceKind::Capital);
        assert_state(&gazetteer, "the Kremlin", "RU", PlaceKind::Institution);
        assert_state(&gazetteer, "The Kremlin", "RU", PlaceKind::Institution);
        assert_state(&gazetteer, "Kremlin's", "RU", PlaceKind::Institution);
        assert_state(&gazetteer, "Kremlin’s", "RU", PlaceKind::Institution);
        assert_state(&gazetteer, "KREMLIN", "RU", PlaceKind::Institution);
        assert_state(&gazetteer, "Washington", "US", PlaceKind::Capital);
        assert_state(&gazetteer, "White House", "US", PlaceKind::Institution);
        assert_state(&gazetteer, "the  White\nHouse", "US", PlaceKind::Institution);
        assert_state(&gazetteer, "Downing Street", "GB", PlaceKind::Institution);
        assert_state(&gazetteer, "No. 10", "GB", PlaceKind::Institution);
        assert_state(&gazetteer, "Kiev", "UA", PlaceKind::Capital);
        assert_state(&gazetteer, "Kyiv", "UA", PlaceKind::Capital);
        assert_state(&gazetteer, "Beijing", "CN", PlaceKind::Capital);
        assert_state(&gazetteer, "Russian", "RU", PlaceKind::Demonym);
        assert_state(&gazetteer, "Élysée", "FR", PlaceKind::Institution);
        assert_state(&gazetteer, "Elysee Palace", "FR", PlaceKind::Institution);
        assert_state(&gazetteer, "The Hague", "NL", PlaceKind::Capital);
        assert_state(&gazetteer, "Hague", "NL", PlaceKind::Capital);
    }

    #[test]
    fn country_names_and_their_variants() {
        let gazetteer = shipped();
        for (mention, country) in [
            ("U.S.", "US"),
            ("US", "US"),
            ("USA", "US"),
            ("America", "US"),
            ("the United States of America", "US"),
            ("UK", "GB"),
            ("U.K.", "GB"),
            ("Great Britain", "GB"),
            ("Russian Federation", "RU"),
            ("Republic of Korea", "KR"),
            ("DPRK", "KP"),
            ("Ivory Coast", "CI"),
            ("Côte d'Ivoire", "CI"),
            ("Côte d’Ivoire", "CI"),
            ("Czech Republic", "CZ"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Burma", "MM"),
            ("São Tomé and Príncipe", "ST"),
            ("Sao Tome and Principe", "ST"),
            ("Guinea-Bissau", "GW"),
            ("Guinea", "GN"),
            ("Kosovo", "XK"),
            ("Holy See", "VA"),
            ("Taiwan", "TW"),
            ("Palestine", "PS"),
            ("Philippines'", "PH"),
            ("Russia.", "RU"),
        ] {
            assert_state(&gazetteer, mention, country, PlaceKind::Country);
        }
        let kitts = gazetteer.lookup("St. John's").map(|entry| entry.country.as_str());
        assert_eq!(kitts, Some("AG"), "a name ending in 's keeps it");
        assert_eq!(gazetteer.lookup("Russia").map(|entry| entry.canonical.as_str()), Some("Russia"));
    }

    #[test]
    fn short_and_all_capital_names_match_only_as_written() {
        let gazetteer = shipped();
        for mention in ["us", "Us", "uk", "usa", "dprk", "no. 10", "Dprk"] {
            assert_eq!(gazetteer.lookup(mention), None, "{mention:?}");
        }
        assert_state(&gazetteer, "moscow", "RU", PlaceKind::Capital);
    }

    #[test]
    fn unknown_and_odd_mentions_are_not_states() {
        let gazetteer = shipped();
        for mention in ["", " ", "the", "The", "'s", ".", "Vladimir Putin", "NATO", "Congo", "Korea", "Russians"] {
            assert_eq!(gazetteer.lookup(mention), None, "{mention:?}");
        }
    }

    /// Slices each found span back out of the text.
    fn found<'g>(gazetteer: &'g Gazetteer, text: &str) -> Vec<(String, &'g str, PlaceKind)> {
        gazetteer
            .find_in(text)
            .into_iter()
            .map(|(span, entry)| (span.slice(text).to_string(), entry.country.as_str(), entry.kind))
            .collect()
    }

    #[test]
    fn find_in_a_paragraph_takes_the_longest_name_at_each_word() {
        let gazetteer = shipped();
        let text = "Officials at the Kremlin’s press office rejected the U.S. claim on Tuesday, while the White House \
                    said South Korea and Côte d'Ivoire had backed it. Downing Street stayed silent; Kyiv welcomed \
                    the statement. Russian diplomats in The Hague told us nothing, and Latin America watched.";
        assert_eq!(
            found(&gazetteer, text),
            vec![
                ("Kremlin".to_string(), "RU", PlaceKind::Institution),
                ("U.S.".to_string(), "US", PlaceKind::Country),
                ("White House".to_string(), "US", PlaceKind::Institution),
                ("South Korea".to_string(), "KR", PlaceKind::Country),
                ("Côte d'Ivoire".to_string(), "CI", PlaceKind::Country),
                ("Downing Street".to_string(), "GB", PlaceKind::Institution),
                ("Kyiv".to_string(), "UA", PlaceKind::Capital),
                ("Russian".to_string(), "RU", PlaceKind::Demonym),
                ("The Hague".to_string(), "NL", PlaceKind::Capital),
            ]
        );
    }

    #[test]
    fn find_in_skips_lowercase_common_words_and_non_state_phrases() {
        let gazetteer = shipped();
        let text = "We ate turkey and chile from china plates next to a guinea pig in New Mexico, near the South \
                    China Sea, as the Washington Post reported; American Samoa is not the US.";
        let countries: Vec<(String, &str, PlaceKind)> = found(&gazetteer, text);
        assert_eq!(countries, vec![("US".to_string(), "US", PlaceKind::Country)]);
    }

    #[test]
    fn a_users_not_a_state_row_hides_the_state_in_its_phrase() {
        let text = "Georgia Tech beat Georgia's team.";
        let mut gazetteer = shipped();
        assert_eq!(found(&gazetteer, text).len(), 2, "{:?}", found(&gazetteer, text));
        gazetteer.extend(parse("name\tcountry\tkind\tcanonical\nGeorgia Tech\t\tnot-a-state\t\n").unwrap());
        assert_eq!(found(&gazetteer, text), vec![("Georgia".to_string(), "GE", PlaceKind::Country)]);
    }

    #[test]
    fn find_in_handles_possessives_hyphens_and_decomposed_accents() {
        let gazetteer = shipped();
        // "Bogota\u{301}" is "Bogotá" in decomposed form: one word, which matches neither spelling.
        let text = "Guinea-Bissau’s envoy, a U.S.-led plan and Moscow-based firms; in Bogotá, Bogota\u{301}, Bogota.";
        let names: Vec<String> = found(&gazetteer, text).into_iter().map(|(name, _, _)| name).collect();
        assert_eq!(names, ["Guinea-Bissau", "U.S.", "Moscow", "Bogotá", "Bogota"]);
    }

    #[test]
    fn shipped_gazetteer_covers_every_un_member_with_valid_codes() {
        let gazetteer = shipped();
        let country_codes: std::collections::BTreeSet<&str> = gazetteer
            .entries()
            .filter(|entry| entry.kind == PlaceKind::Country)
            .map(|entry| entry.country.as_str())
            .collect();
        assert!(country_codes.len() >= 193, "{} countries", country_codes.len());
        for member in UN_MEMBERS.split_whitespace() {
            assert!(country_codes.contains(member), "UN member {member} has no country row");
        }
        let mut canonical_by_code: HashMap<&str, &str> = HashMap::new();
        for entry in gazetteer.entries() {
            assert!(
                ISO_3166_ALPHA_2.split_whitespace().any(|code| code == entry.country) || entry.country == "XK",
                "{entry:?} has no ISO 3166-1 alpha-2 code"
            );
            assert!(country_codes.contains(entry.country.as_str()), "{entry:?}: its state has no country row");
            let canonical = canonical_by_code.entry(&entry.country).or_insert(&entry.canonical);
            assert_eq!(*canonical, entry.canonical, "{entry:?}: one canonical name per code");
            assert_eq!(gazetteer.lookup(&entry.name), Some(entry), "{:?} does not find itself", entry.name);
        }
    }

    #[test]
    fn shipped_gazetteer_has_no_name_twice() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/gazetteer.tsv");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let rows: Vec<&str> =
            text.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).skip(1).collect();
        let phrases = rows.iter().filter(|row| row.contains("\tnot-a-state\t")).count();
        let gazetteer = shipped();
        assert_eq!(gazetteer.len(), rows.len() - phrases, "a later row overrode an earlier one of the same name");
        assert_eq!(gazetteer.not_a_state.len(), phrases, "a not-a-state phrase given twice");
        assert!(phrases >= 20, "{phrases} not-a-state rows");
    }

    #[test]
    fn parsing_errors_name_the_file_and_line() {
        let header = "# a comment\nname\tcountry\tkind\tcanonical\n";
        let cases = [
            ("Moscow\tRU\tcapital\n", 3, RowProblem::ColumnCount(3)),
            ("Moscow\tRU\tcapital\tRussia\textra\n", 3, RowProblem::ColumnCount(5)),
            (
                "Moscow\tRU\tcapital\tRussia\n\n# note\nKremlin\tRU\tpalace\tRussia\n",
                6,
                RowProblem::UnknownKind("palace".into()),
            ),
            ("Moscow\tru\tcapital\tRussia\n", 3, RowProblem::BadCountry("ru".into())),
            ("Moscow\tRUS\tcapital\tRussia\n", 3, RowProblem::BadCountry("RUS".into())),
            ("Moscow\tRÜ\tcapital\tRussia\n", 3, RowProblem::BadCountry("RÜ".into())),
            ("\tRU\tcapital\tRussia\n", 3, RowProblem::EmptyName),
            ("Moscow\tRU\tcapital\t \n", 3, RowProblem::EmptyCanonical),
            ("Latin America\tUS\tnot-a-state\t\n", 3, RowProblem::NotAStateWithCountry),
        ];
        for (rows, line, problem) in cases {
            match parse(&format!("{header}{rows}")) {
                Err(GazetteerError::BadRow { file, line: at, problem: got }) => {
                    assert_eq!((file.as_str(), at, got), ("test.tsv", line, problem), "{rows:?}")
                }
                other => panic!("{rows:?}: expected a bad row, got {other:?}"),
            }
        }
        let err = parse("Moscow\tRU\tcapital\tRussia\n").err().map(|err| err.to_string());
        assert_eq!(
            err.as_deref(),
            Some("gazetteer test.tsv, line 1: expected the header row `name<TAB>country<TAB>kind<TAB>canonical`, found \"Moscow\\tRU\\tcapital\\tRussia\"")
        );
        assert!(matches!(
            parse("# only comments\n"),
            Err(GazetteerError::BadRow { problem: RowProblem::MissingHeader, .. })
        ));
        let not_utf8 =
            Gazetteer::from_reader("x.tsv", &b"name\tcountry\tkind\tcanonical\nMosc\xffow\tRU\tcapital\tRussia\n"[..]);
        assert!(
            matches!(not_utf8, Err(GazetteerError::BadRow { line: 2, problem: RowProblem::NotUtf8, .. })),
            "{not_utf8:?}"
        );
    }

    #[test]
    fn from_path_names_a_missing_file() {
        let dir = tempfile::tempdir().map_err(|err| err.to_string());
        let Ok(dir) = dir else { panic!("{dir:?}") };
        let path = dir.path().join("mine.tsv");
        let err = Gazetteer::from_path(&path).err().map(|err| err.to_string()).unwrap_or_default();
        assert!(err.contains("mine.tsv"), "{err}");
    }

    #[test]
    fn a_users_file_overrides_and_extends_the_shipped_one() {
        let mut gazetteer = shipped();
        let shipped_len = gazetteer.len();
        let dir = tempfile::tempdir().map_err(|err| err.to_string());
        let Ok(dir) = dir else { panic!("{dir:?}") };
        let path = dir.path().join("mine.tsv");
        let mine = "\u{feff}name\tcountry\tkind\tcanonical\n\
                    Georgia\tUS\tcountry\tUnited States\n\
                    Bercy\tFR\tinstitution\tFrance\n\
                    Bercy\tFR\tinstitution\tFrench Republic\n";
        std::fs::write(&path, mine).unwrap_or_else(|err| panic!("{err}"));
        let user = match Gazetteer::from_path(&path) {
            Ok(user) => user,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(user.len(), 2, "a name given twice keeps its last row");
        gazetteer.extend(user);
        assert_eq!(gazetteer.len(), shipped_len + 1);
        assert_state(&gazetteer, "Georgia", "US", PlaceKind::Country);
        assert_state(&gazetteer, "Tbilisi", "GE", PlaceKind::Capital);
        assert_eq!(gazetteer.lookup("Bercy").map(|entry| entry.canonical.as_str()), Some("French Republic"));
        let text = "Bercy and Georgia";
        assert_eq!(found(&gazetteer, text).len(), 2);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::sync::OnceLock;

        fn gazetteer() -> &'static Gazetteer {
            static SHIPPED: OnceLock<Gazetteer> = OnceLock::new();
            SHIPPED.get_or_init(shipped)
        }

        /// Text mixing arbitrary Unicode with names and their pieces, so that matches happen.
        fn article() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                any::<String>(),
                prop::sample::select(vec![
                    "the ",
                    "The ",
                    "Kremlin",
                    "’s",
                    "'s",
                    " ",
                    ".",
                    "U.S.",
                    "US",
                    "us",
                    "South",
                    " Korea",
                    "Latin",
                    " America",
                    "é",
                    "\u{301}",
                    "-",
                    "Côte d'Ivoire",
                    "Hague",
                    "São Tomé",
                    "\n",
                    "Ж",
                ])
                .prop_map(str::to_string),
            ];
            prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
        }

        proptest! {
            #[test]
            fn find_in_spans_are_ordered_disjoint_and_found_again_by_lookup(text in article()) {
                let found = gazetteer().find_in(&text);
                let mut previous_end = 0;
                for (span, entry) in found {
                    prop_assert!(span.start >= previous_end && span.start < span.end);
                    prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                    previous_end = span.end;
                    let again = gazetteer().lookup(span.slice(&text));
                    prop_assert_eq!(again, Some(entry), "{:?}", span.slice(&text));
                }
            }

            #[test]
            fn lookup_never_panics(text in any::<String>()) {
                let _ = gazetteer().lookup(&text);
            }

            #[test]
            fn any_file_parses_or_fails_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
                let mut file = b"name\tcountry\tkind\tcanonical\n".to_vec();
                file.extend(bytes);
                let _ = Gazetteer::from_reader("fuzz.tsv", file.as_slice());
            }
        }
    }

    /// The 193 member states of the United Nations.
    const UN_MEMBERS: &str = "AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH \
        CM CA CF TD CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR \
        GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML \
        MT MH MR MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA KR MD RO RU RW \
        KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG UA AE \
        GB TZ US UY UZ VU VE VN YE ZM ZW";

    /// Every officially assigned ISO 3166-1 alpha-2 code.
    const ISO_3166_ALPHA_2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN \
        BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH \
        ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM \
        IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG \
        MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH \
        TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    #[test]
    fn reference_code_lists_have_the_right_sizes() {
        assert_eq!(UN_MEMBERS.split_whitespace().count(), 193);
        assert_eq!(ISO_3166_ALPHA_2.split_whitespace().count(), 249);
    }
}
