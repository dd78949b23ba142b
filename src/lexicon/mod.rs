//! The language data the rules read: titles and offices, speech and stance verbs, cue words, clause openers,
//! prepositions, and the gazetteer of states, capitals and demonyms. One [`Lexicon`] holds it all, loaded once per
//! run and handed to the stages with the article's words ([`crate::actors::words::ArticleWords`]).
//!
//! The English lists are files in `models/lexicon/en/`, one per list, each opening with a `#` line that says what
//! it is for; they are built into the program, so it needs no files to read them. A user extends or overrides them
//! with `run --lexicon DIR`: a file there named like a shipped list adds its words to that list, and a line
//! `-word` takes a shipped word out. Verb lists match every form of a verb: a file lists a verb once (`vow`), with
//! irregular forms beside it (`say said`), and "vows", "vowed" and "vowing" all count.

pub mod gazetteer;
mod lists;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use lists::{Table, WordList};

use self::gazetteer::Gazetteer;
use crate::vocab::Gender;

/// The word lists of the lexicon, each one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Words {
    SpeechVerbs,
    ClauseVerbs,
    ClauseSubjects,
    PersonalPronouns,
    Prepositions,
    SentenceOpeners,
    ClauseBreaks,
    AfterObjectHer,
    OrganisationRoles,
    DescriptionFormer,
    LeaderHeads,
    Qualifiers,
    Portfolios,
    TitleFormer,
    FormerPrefixes,
    NameSuffixes,
    TitleLinks,
    Outlets,
    FavorVerbs,
    AgainstVerbs,
    Negations,
    UrgeVerbs,
    Stopping,
    ClauseWords,
    Determiners,
    NotIssues,
    OpeningPrepositions,
    SkippedOpenings,
    FunctionWords,
    More,
    Less,
}

/// A shipped list: its [`Words`], file name, whether it lists verbs (matched in every form), and its text.
macro_rules! list {
    ($words:ident, $file:literal, $verbs:literal) => {
        (Words::$words, $file, $verbs, include_str!(concat!("../../models/lexicon/en/", $file, ".tsv")))
    };
}

/// Every list, with its file's name, whether it lists verbs (matched in every form), and the shipped text.
const LISTS: &[(Words, &str, bool, &str)] = &[
    list!(SpeechVerbs, "speech_verbs", true),
    list!(ClauseVerbs, "clause_verbs", true),
    list!(ClauseSubjects, "clause_subjects", false),
    list!(PersonalPronouns, "personal_pronouns", false),
    list!(Prepositions, "prepositions", false),
    list!(SentenceOpeners, "sentence_openers", false),
    list!(ClauseBreaks, "clause_breaks", false),
    list!(AfterObjectHer, "after_object_her", false),
    list!(OrganisationRoles, "organisation_roles", false),
    list!(DescriptionFormer, "description_former", false),
    list!(LeaderHeads, "leader_heads", false),
    list!(Qualifiers, "qualifiers", false),
    list!(Portfolios, "portfolios", false),
    list!(TitleFormer, "title_former", false),
    list!(FormerPrefixes, "former_prefixes", false),
    list!(NameSuffixes, "name_suffixes", false),
    list!(TitleLinks, "title_links", false),
    list!(Outlets, "outlets", false),
    list!(FavorVerbs, "favor_verbs", true),
    list!(AgainstVerbs, "against_verbs", true),
    list!(Negations, "negations", false),
    list!(UrgeVerbs, "urge_verbs", true),
    list!(Stopping, "stopping", false),
    list!(ClauseWords, "clause_words", false),
    list!(Determiners, "determiners", false),
    list!(NotIssues, "not_issues", false),
    list!(OpeningPrepositions, "opening_prepositions", false),
    list!(SkippedOpenings, "skipped_openings", false),
    list!(FunctionWords, "function_words", false),
    list!(More, "more", false),
    list!(Less, "less", false),
];

/// Lists the models' word split and the sentence splitter read. They are fixed: the taggers were trained on this
/// split, so they are read as shipped, once per process, and never from `--lexicon`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// Abbreviations that keep their final full stop as a word ("Mr.").
    WordAbbreviations,
    /// Abbreviations after which a full stop never ends a sentence ("Gen.").
    SentenceTitles,
    /// Abbreviations that stand before a number ("No. 10").
    SentenceBeforeNumber,
    /// Abbreviations that end a sentence about half the time ("Inc.").
    SentenceAmbiguous,
}

/// The fixed lists' file names and texts, in the order of [`Fixed`].
const FIXED: [(&str, &str); 4] = [
    ("word_abbreviations", include_str!("../../models/lexicon/en/word_abbreviations.tsv")),
    ("sentence_titles", include_str!("../../models/lexicon/en/sentence_titles.tsv")),
    ("sentence_before_number", include_str!("../../models/lexicon/en/sentence_before_number.tsv")),
    ("sentence_ambiguous", include_str!("../../models/lexicon/en/sentence_ambiguous.tsv")),
];

/// Whether `word` (as written) is in the fixed list `list`.
pub fn fixed(list: Fixed, word: &str) -> bool {
    static LISTS: std::sync::OnceLock<Vec<WordList>> = std::sync::OnceLock::new();
    let lists = LISTS.get_or_init(|| FIXED.iter().map(|(_, text)| WordList::parse(text, false)).collect());
    lists[list as usize].contains(word)
}

/// The tables: file name, columns, shipped text.
const TITLES: (&str, &[&str], &str) =
    ("titles", &["written", "role", "head", "gender"], include_str!("../../models/lexicon/en/titles.tsv"));
const HONORIFICS: (&str, &[&str], &str) =
    ("honorifics", &["written", "gender"], include_str!("../../models/lexicon/en/honorifics.tsv"));
const PERSON_ROLES: (&str, &[&str], &str) =
    ("person_roles", &["written", "role"], include_str!("../../models/lexicon/en/person_roles.tsv"));
const VERB_PREPOSITIONS: (&str, &[&str], &str) = (
    "verb_prepositions",
    &["verb", "preposition", "says"],
    include_str!("../../models/lexicon/en/verb_prepositions.tsv"),
);

/// What follows a verb and its preposition: the issue its subject is for ("calls for X") or against ("objected
/// to X"), or the person urged ("called on Putin to …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbPreposition {
    Favor,
    Against,
    Urged,
}

impl VerbPreposition {
    fn parse(cell: &str) -> anyhow::Result<VerbPreposition> {
        match cell {
            "favor" => Ok(VerbPreposition::Favor),
            "against" => Ok(VerbPreposition::Against),
            "urged" => Ok(VerbPreposition::Urged),
            other => anyhow::bail!("the says column is favor, against or urged, not {other:?}"),
        }
    }
}

/// One title as written (normalised words), what it is called in full, its head word and the gender it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleForm {
    pub written: String,
    pub role: String,
    pub head: String,
    pub gender: Option<Gender>,
}

/// The language data of a run.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// States, capitals, demonyms and institutions.
    pub gazetteer: Gazetteer,
    /// In the order of [`Words`].
    lists: Vec<WordList>,
    /// Titles, longest first where one ends another.
    pub titles: Vec<TitleForm>,
    /// Honorifics ("mr", "dame") and the gender they say.
    pub honorifics: Vec<(String, Option<Gender>)>,
    /// A person's role in a description as written ("premier"), and the role words a title must fit ("prime
    /// minister").
    pub person_roles: Vec<(String, String)>,
    /// The rows of the verb + preposition table: the verb line as written, the preposition, what follows.
    verb_prepositions: Vec<(String, String, VerbPreposition)>,
    /// Each form of those verbs, with its prepositions and what follows each (the first row of a form and
    /// preposition wins: a user's rows come first).
    verb_preposition_forms: HashMap<String, Vec<(String, VerbPreposition)>>,
}

impl Lexicon {
    /// The shipped English lists, without a gazetteer.
    pub fn english() -> Lexicon {
        let parse = |(name, columns, text): (&str, &[&str], &str)| {
            Table::parse(text, name, columns).expect("the shipped lexicon's tables parse")
        };
        let mut lexicon = Lexicon {
            gazetteer: Gazetteer::default(),
            lists: LISTS.iter().map(|&(_, _, verbs, text)| WordList::parse(text, verbs)).collect(),
            titles: Vec::new(),
            honorifics: Vec::new(),
            person_roles: Vec::new(),
            verb_prepositions: Vec::new(),
            verb_preposition_forms: HashMap::new(),
        };
        lexicon.add_tables(&parse(TITLES), &parse(HONORIFICS), &parse(PERSON_ROLES)).expect("the shipped genders");
        lexicon.add_verb_prepositions(&parse(VERB_PREPOSITIONS)).expect("the shipped verb + preposition table");
        lexicon
    }

    /// The shipped English lists, without a gazetteer, read once per process: for the tools that read texts
    /// with the shipped rules (the importers) and for tests.
    pub fn shipped() -> &'static Lexicon {
        static SHIPPED: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(Lexicon::english)
    }

    /// The shipped lists with the gazetteer given.
    pub fn with_gazetteer(gazetteer: Gazetteer) -> Lexicon {
        Lexicon { gazetteer, ..Lexicon::english() }
    }

    /// The shipped lists extended by the lists in each of `dirs` (in order), and the gazetteer read from
    /// `gazetteers` (later files override earlier rows of the same name).
    pub fn load(dirs: &[PathBuf], gazetteers: &[PathBuf]) -> anyhow::Result<Lexicon> {
        let mut gazetteer = Gazetteer::default();
        for path in gazetteers {
            gazetteer.extend(Gazetteer::from_path(path)?);
        }
        let mut lexicon = Lexicon::with_gazetteer(gazetteer);
        for dir in dirs {
            lexicon.extend_from(dir)?;
        }
        Ok(lexicon)
    }

    /// Whether `word` is in `list` (as written there: most lists hold normalised, lowercase words).
    pub fn has(&self, list: Words, word: &str) -> bool {
        self.lists[list as usize].contains(word)
    }

    /// The list itself.
    pub fn list(&self, list: Words) -> &WordList {
        &self.lists[list as usize]
    }

    /// The words of `list`, in file order.
    pub fn words(&self, list: Words) -> &[String] {
        self.lists[list as usize].words()
    }

    /// What follows `verb` (a form, normalised) and `preposition`, when the verb + preposition table has them.
    pub fn verb_preposition(&self, verb: &str, preposition: &str) -> Option<VerbPreposition> {
        let prepositions = self.verb_preposition_forms.get(verb)?;
        prepositions.iter().find(|(known, _)| known == preposition).map(|&(_, says)| says)
    }

    /// The title written as `written` (normalised words joined by spaces), if it is one.
    pub fn title(&self, written: &str) -> Option<&TitleForm> {
        self.titles.iter().find(|form| form.written == written)
    }

    /// Reads a user's lexicon folder: every `NAME.tsv` must name a list (or `titles`, `honorifics`,
    /// `person_roles`), whose words (read in lowercase) it adds or, as `-word`, takes out. A table's rows come
    /// before the shipped ones of as many words; longer ones still come first.
    fn extend_from(&mut self, dir: &Path) -> anyhow::Result<()> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| anyhow::anyhow!("--lexicon {}: cannot read the folder: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        if let Some(other) = files.iter().find(|path| path.extension().is_none_or(|e| e != "tsv")) {
            anyhow::bail!(
                "{}: a lexicon folder holds word lists named NAME.tsv only (see models/lexicon/en)",
                other.display()
            );
        }
        if files.is_empty() {
            anyhow::bail!("--lexicon {}: no .tsv file in it (see models/lexicon/en for the lists)", dir.display());
        }
        for path in files {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read as UTF-8 text: {e}", path.display()))?
                .to_lowercase();
            let at = path.display().to_string();
            let table = |(_, columns, _): (&str, &[&str], &str)| Table::parse(&text, &at, columns);
            let none = Table::default;
            match name.as_str() {
                "titles" => {
                    self.add_tables(&table(TITLES)?, &none(), &none()).map_err(|e| anyhow::anyhow!("{at}: {e}"))?
                }
                "honorifics" => {
                    self.add_tables(&none(), &table(HONORIFICS)?, &none()).map_err(|e| anyhow::anyhow!("{at}: {e}"))?
                }
                "person_roles" => self.add_tables(&none(), &none(), &table(PERSON_ROLES)?)?,
                "verb_prepositions" => {
                    self.add_verb_prepositions(&table(VERB_PREPOSITIONS)?).map_err(|e| anyhow::anyhow!("{at}: {e}"))?
                }
                _ => {
                    if FIXED.iter().any(|(fixed, _)| *fixed == name) {
                        anyhow::bail!(
                            "{at}: {name} is fixed (the taggers were trained on this word split) and cannot be changed \
                             with --lexicon; leave it out of the folder"
                        );
                    }
                    let Some(index) = LISTS.iter().position(|(_, list, ..)| *list == name) else {
                        let known: Vec<&str> = LISTS.iter().map(|(_, list, ..)| *list).collect();
                        anyhow::bail!(
                            "{at}: no list is called {name}; the lists are {}, titles, honorifics, person_roles and verb_prepositions",
                            known.join(", ")
                        );
                    };
                    self.lists[index].extend(&text);
                }
            }
        }
        Ok(())
    }

    /// Takes out the rows the tables remove and puts their rows before those already there (a user's title wins
    /// over a shipped one written the same way); then orders titles and roles longest first, keeping the order
    /// among those of as many words, so that "prime minister" is still tried before a user's "minister".
    fn add_tables(&mut self, titles: &Table, honorifics: &Table, person_roles: &Table) -> anyhow::Result<()> {
        self.titles.retain(|form| !titles.removed.contains(&form.written));
        self.honorifics.retain(|(written, _)| !honorifics.removed.contains(written));
        self.person_roles.retain(|(written, _)| !person_roles.removed.contains(written));
        let titles = titles.rows.iter().map(|row| {
            Ok(TitleForm {
                written: row[0].clone(),
                role: row[1].clone(),
                head: row[2].clone(),
                gender: gender(&row[3])?,
            })
        });
        let titles = titles.collect::<anyhow::Result<Vec<_>>>()?;
        self.titles.splice(0..0, titles);
        let honorifics = honorifics.rows.iter().map(|row| Ok((row[0].clone(), gender(&row[1])?)));
        let honorifics = honorifics.collect::<anyhow::Result<Vec<_>>>()?;
        self.honorifics.splice(0..0, honorifics);
        self.person_roles.splice(0..0, person_roles.rows.iter().map(|row| (row[0].clone(), row[1].clone())));
        let words = |written: &str| std::cmp::Reverse(written.split(' ').count());
        self.titles.sort_by_key(|form| words(&form.written));
        self.person_roles.sort_by_key(|(written, _)| words(written));
        Ok(())
    }
}

impl Lexicon {
    /// Takes out the verb + preposition rows the table removes (`-call`: every row of that verb line), puts its
    /// rows before those already there, and indexes every form of their verbs.
    fn add_verb_prepositions(&mut self, table: &Table) -> anyhow::Result<()> {
        self.verb_prepositions.retain(|(verb, ..)| !table.removed.contains(verb));
        let rows = table.rows.iter().map(|row| Ok((row[0].clone(), row[1].clone(), VerbPreposition::parse(&row[2])?)));
        let rows = rows.collect::<anyhow::Result<Vec<_>>>()?;
        self.verb_prepositions.splice(0..0, rows);
        self.verb_preposition_forms.clear();
        for (verb, preposition, says) in &self.verb_prepositions {
            for form in lists::verb_forms(verb) {
                let prepositions = self.verb_preposition_forms.entry(form).or_default();
                if !prepositions.iter().any(|(known, _)| known == preposition) {
                    prepositions.push((preposition.clone(), *says));
                }
            }
        }
        Ok(())
    }
}

/// A gender column: `male`, `female`, or empty (none said).
fn gender(name: &str) -> anyhow::Result<Option<Gender>> {
    match name {
        "male" => Ok(Some(Gender::Male)),
        "female" => Ok(Some(Gender::Female)),
        "" => Ok(None),
        other => anyhow::bail!("the gender is male, female or empty, not {other:?}"),
    }
}

#[cfg(test)]
mod tests;
