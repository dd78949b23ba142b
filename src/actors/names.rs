//! Names of people and organisations: the titles and honorifics written around them, and the key under which
//! two ways of writing one name match.
//!
//! News styles a person differently at each mention: "President Joe Biden", "Biden", "Mr. Biden", "former
//! President Donald Trump", "Russian President Vladimir Putin", "National Security Adviser Jake Sullivan". The
//! entity model usually marks only the name ("Joe Biden") but sometimes the title too ("Mr. Putin"), so styling
//! is read both inside a mention (from its left end, [`styling_at_start`]) and in the words just before it (from
//! the right, [`styling_before`]). What is read is kept, because later rules need it: the title lets "the
//! president" find the actor introduced as "President X", the state before the title lets "the Russian leader"
//! find a Russian, and honorifics and gendered titles ("Mr.", "Mrs.", "King", "Queen", "spokeswoman") say which
//! pronouns fit.
//!
//! A title is read as `[former] [state] [qualifiers] TITLE [honorific]` ending right before the name:
//! `former` also as "ex-" and "then-"; the state is any name the gazetteer knows ("U.S.", "Russian",
//! "Ukraine’s"); qualifiers come from a closed list ("foreign", "deputy", "national", "security"...), so that
//! "When President Joe Biden" does not take "When" into the title. Titles and honorifics are closed lists:
//! capitalised words in general are not titles.
//!
//! [`name_key`] is what names are matched by: lowercase, diacritics kept ("Zelenskyy" and "Zelenskyy’s" match,
//! "Erdoğan" and "Erdogan" do not), punctuation removed ("George W. Bush" is `george w bush`, "U.S." is `us`),
//! hyphens and blanks as one space.

use unicode_normalization::UnicodeNormalization;

use crate::lexicon::{Lexicon, Words};

use super::words::normalise;
use crate::vocab::Gender;

/// A title an article gives a person ("former President", "Russian Foreign Minister").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The title's words, normalised, abbreviations spelled out, qualifiers included, "former" and the state
    /// left out: `president`, `national security adviser`, `foreign minister`, `senator` (for "Sen.").
    pub role: String,
    /// The word a description would use for it: `president`, `adviser`, `minister`, `secretary`.
    pub head: String,
    /// "former President", "ex-Senator", "then-President".
    pub former: bool,
    /// ISO code of the state named with the title ("Russian President", "U.S. Senator", "Ukraine’s President").
    pub country: Option<String>,
}

impl Title {
    /// Whether a description's role words ("president", "foreign minister", "leader") fit this title.
    pub fn fits(&self, role: &str, lexicon: &Lexicon) -> bool {
        if role == "leader" {
            return lexicon.has(Words::LeaderHeads, &self.head);
        }
        self.head == role || self.role == role || self.role.ends_with(&format!(" {role}"))
    }
}

/// The title and honorific written before a name, and how many words they take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Styling {
    pub title: Option<Title>,
    /// From an honorific ("Mr.", "Ms.") or a gendered title ("King", "spokeswoman").
    pub gender: Option<Gender>,
    /// The number of words taken.
    pub words: usize,
}

/// Whether `word` may stand between a state's name and a title's head: a qualifier or a portfolio.
fn is_qualifier(word: &str, lexicon: &Lexicon) -> bool {
    lexicon.has(Words::Qualifiers, word) || lexicon.has(Words::Portfolios, word)
}

/// Whether `key` (a [`name_key`]) names portfolios and nothing else, "and" allowed between them: "national
/// security", "homeland security", "work and pensions".
pub fn is_portfolio(key: &str, lexicon: &Lexicon) -> bool {
    let portfolio = |word: &str| lexicon.has(Words::Portfolios, word);
    key.split(' ').any(portfolio) && key.split(' ').all(|word| portfolio(word) || word == "and")
}

/// The title and honorific that end `words` (the words right before a name, as written, in order).
pub fn styling_before(words: &[&str], lexicon: &Lexicon) -> Styling {
    let normalised: Vec<String> = words.iter().map(|w| normalise(w)).collect();
    let mut end = words.len();
    let mut styling = Styling::default();
    if let Some(gender) = end.checked_sub(1).and_then(|last| honorific(&normalised[last], lexicon)) {
        styling.gender = gender;
        end -= 1;
    }
    if let Some((title, gender, start)) = title_ending_at(words, &normalised, end, lexicon) {
        styling.title = Some(title);
        styling.gender = styling.gender.or(gender);
        end = start;
    }
    styling.words = words.len() - end;
    styling
}

/// Whether `words` (as written) are a title and nothing else: "Shadow Secretary of State for the Family",
/// "Home Secretary".
pub fn is_title(words: &[&str], lexicon: &Lexicon) -> bool {
    let styling = styling_before(words, lexicon);
    styling.title.is_some() && styling.words == words.len()
}

/// The title and honorific at the start of `words` (a mention as the model marked it: "Mr. Putin",
/// "President Joe Biden"), taking all but at least the last word.
pub fn styling_at_start(words: &[&str], lexicon: &Lexicon) -> Styling {
    (1..words.len())
        .rev()
        .map(|taken| (taken, styling_before(&words[..taken], lexicon)))
        .find(|(taken, styling)| styling.words == *taken)
        .map(|(_, styling)| styling)
        .unwrap_or_default()
}

/// `Some(gender)` when `word` (normalised) is an honorific.
fn honorific(word: &str, lexicon: &Lexicon) -> Option<Option<Gender>> {
    lexicon.honorifics.iter().find(|(form, _)| form == word).map(|(_, gender)| *gender)
}

/// The title ending right before word `end`: one headed by a title of the lexicon (see [`headed_title_ending_at`]),
/// or such a title followed by what it is the title of, as British news writes offices: "Chief Secretary to the
/// Treasury", "Secretary of State for Trade and Industry", "Minister of State for Europe", "Leader of the House
/// of Commons". What follows the link word is an optional "the" and up to five words, the first and last
/// capitalised, any between capitalised or "of", "and", "&". The title's role is its head's.
/// Returns the title, the gender it says, and the index of its first word.
fn title_ending_at(
    words: &[&str],
    normalised: &[String],
    end: usize,
    lexicon: &Lexicon,
) -> Option<(Title, Option<Gender>, usize)> {
    let capitalised = |i: usize| words[i].chars().next().is_some_and(char::is_uppercase);
    headed_title_ending_at(words, normalised, end, lexicon).or_else(|| {
        (1..=5).find_map(|length| {
            let start = end.checked_sub(length)?;
            let inner_ok = (start + 1..end.saturating_sub(1))
                .all(|i| capitalised(i) || matches!(normalised[i].as_str(), "of" | "and" | "&"));
            if !(capitalised(start) && capitalised(end - 1) && inner_ok) {
                return None;
            }
            let the = usize::from(start > 0 && normalised[start - 1] == "the");
            let link = start.checked_sub(the + 1)?;
            if !lexicon.has(Words::TitleLinks, &normalised[link]) {
                return None;
            }
            title_ending_at(words, normalised, link, lexicon)
        })
    })
}

/// The title ending right before word `end`: its head from the lexicon's titles, then qualifiers, a state, "former".
fn headed_title_ending_at(
    words: &[&str],
    normalised: &[String],
    end: usize,
    lexicon: &Lexicon,
) -> Option<(Title, Option<Gender>, usize)> {
    let mut former = false;
    let (form, mut start) = lexicon.titles.iter().find_map(|form| {
        let length = form.written.split(' ').count();
        let start = end.checked_sub(length)?;
        let mut written: Vec<&str> = normalised[start..end].iter().map(String::as_str).collect();
        let (prefixed, bare) = strip_former_prefix(written[0], lexicon);
        written[0] = bare;
        (written.join(" ") == form.written).then(|| {
            former = prefixed;
            (form, start)
        })
    })?;
    // Qualifiers, with "and" between two of them ("Trade and Industry Secretary", "Work and Pensions").
    let head = start;
    loop {
        if start > 0 && is_qualifier(&normalised[start - 1], lexicon) {
            start -= 1;
        } else if start > 1
            && start < head
            && normalised[start - 1] == "and"
            && is_qualifier(&normalised[start - 2], lexicon)
        {
            start -= 2;
        } else {
            break;
        }
    }
    let mut role_words: Vec<&str> = normalised[start..head].iter().map(String::as_str).collect();
    role_words.push(&form.role);
    let mut country = None;
    if let Some((code, first)) = state_ending_at(words, normalised, start, lexicon) {
        country = Some(code);
        start = first;
    }
    if start > 0 {
        let (prefixed, bare) = strip_former_prefix(&normalised[start - 1], lexicon);
        if prefixed || lexicon.has(Words::TitleFormer, bare) {
            former = true;
            start -= 1;
        }
    }
    let title = Title { role: role_words.join(" "), head: form.head.clone(), former, country };
    Some((title, form.gender, start))
}

/// A state named right before word `end` ("U.S.", "Russian", "United States", "Ukraine’s"): its code and
/// first word.
fn state_ending_at(words: &[&str], normalised: &[String], end: usize, lexicon: &Lexicon) -> Option<(String, usize)> {
    let end = match end.checked_sub(1) {
        Some(last) if normalised[last] == "'s" => last,
        _ => end,
    };
    (1..=3).rev().find_map(|length| {
        let start = end.checked_sub(length)?;
        if !words[start].chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let entry = lexicon.gazetteer.lookup(&words[start..end].join(" "))?;
        Some((entry.country.clone(), start))
    })
}

/// `(true, rest)` for "ex-president", "then-president"; `(false, word)` otherwise.
fn strip_former_prefix<'w>(word: &'w str, lexicon: &Lexicon) -> (bool, &'w str) {
    lexicon
        .words(Words::FormerPrefixes)
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix).filter(|rest| !rest.is_empty()).map(|rest| (true, rest)))
        .unwrap_or((false, word))
}

/// `name` without a final possessive: "Putin’s" is "Putin", "Davis'" is "Davis".
pub fn strip_possessive(name: &str) -> &str {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(rest) = name.strip_suffix(suffix).filter(|rest| !rest.is_empty()) {
            return rest;
        }
    }
    for suffix in ["'", "’"] {
        if let Some(rest) = name.strip_suffix(suffix).filter(|rest| rest.ends_with('s')) {
            return rest;
        }
    }
    name
}

/// The key two spellings of one name share: lowercase, diacritics kept, punctuation removed, words separated
/// by one space, a final possessive dropped. "George W. Bush" is `george w bush`; "Putin’s" is `putin`.
pub fn name_key(name: &str) -> String {
    let mut key = String::new();
    let mut gap = false;
    // NFC first: "José" typed as one character or as "e" and a combining accent is one name.
    for c in strip_possessive(name.trim()).nfc() {
        if c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c) {
            if gap && !key.is_empty() {
                key.push(' ');
            }
            gap = false;
            key.extend(c.to_lowercase());
        } else if c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '–' | '/') {
            gap = true;
        }
    }
    key
}

/// A person's surname in a key: the last word that is not a generational suffix ("jr").
pub fn surname<'k>(key: &'k str, lexicon: &Lexicon) -> Option<&'k str> {
    key.split(' ').rev().find(|word| !lexicon.has(Words::NameSuffixes, word))
}

/// A person's given name in a key: its first word, when the key has more than one.
pub fn given_name(key: &str) -> Option<&str> {
    let mut words = key.split(' ');
    let first = words.next()?;
    words.next().map(|_| first)
}

/// Whether two full-name keys name one person: equal, or one is only the other's given name and surname
/// ("george bush" and "george w bush"). Two different middle names or initials are two people ("george w
/// bush" and "george h w bush").
pub fn same_full_name(a: &str, b: &str, lexicon: &Lexicon) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.split(' ').count() <= b.split(' ').count() { (a, b) } else { (b, a) };
    let short_is_given_and_surname = short.split(' ').count() == 2;
    short_is_given_and_surname
        && given_name(short) == given_name(long)
        && surname(short, lexicon) == surname(long, lexicon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::gazetteer::Gazetteer;

    fn lexicon() -> Lexicon {
        Lexicon::with_gazetteer(gazetteer())
    }

    fn gazetteer() -> Gazetteer {
        let tsv = "name\tcountry\tkind\tcanonical\nRussia\tRU\tcountry\tRussia\nRussian\tRU\tdemonym\tRussia\n\
                   U.S.\tUS\tcountry\tUnited States\nUnited States\tUS\tcountry\tUnited States\n\
                   Ukraine\tUA\tcountry\tUkraine\n";
        Gazetteer::from_reader("test", tsv.as_bytes()).unwrap()
    }

    fn words(text: &str) -> Vec<&str> {
        crate::text::words::words(text).into_iter().map(|s| s.slice(text)).collect()
    }

    fn before(text: &str) -> Styling {
        styling_before(&words(text), &lexicon())
    }

    fn title(role: &str, head: &str, former: bool, country: Option<&str>) -> Option<Title> {
        Some(Title { role: role.into(), head: head.into(), former, country: country.map(String::from) })
    }

    #[test]
    fn titles_before_a_name_are_read_from_the_right() {
        let styling = before("But beyond that, when President");
        assert_eq!(styling.title, title("president", "president", false, None));
        assert_eq!(styling.words, 1, "\"when\" is not part of the title");
        let styling = before("after four years of turmoil under former President");
        assert_eq!((styling.title, styling.words), (title("president", "president", true, None), 2));
        let styling = before("Russian Foreign Minister");
        assert_eq!((styling.title, styling.words), (title("foreign minister", "minister", false, Some("RU")), 3));
        let styling = before("National Security Adviser");
        assert_eq!(styling.title, title("national security adviser", "adviser", false, None));
        let styling = before("former U.S. Secretary of State");
        assert_eq!((styling.title, styling.words), (title("secretary of state", "secretary", true, Some("US")), 5));
        let styling = before("a visit by Ukraine’s President");
        assert_eq!((styling.title, styling.words), (title("president", "president", false, Some("UA")), 3));
        let styling = before("the then-President");
        assert_eq!((styling.title, styling.words), (title("president", "president", true, None), 1));
        let styling = before("ex-Sen");
        assert_eq!((styling.title, styling.words), (title("senator", "senator", true, None), 1));
        // British styles: lowercase, "shadow", "affairs", MPs, hyphenated chairs.
        let styling = before("Tory shadow home affairs secretary");
        assert_eq!(
            (styling.title, styling.words),
            (title("shadow home affairs secretary", "secretary", false, None), 4)
        );
        assert_eq!(before("Labour MP").title, title("labour mp", "mp", false, None));
        assert_eq!(before("Conservative co-chairman").title, title("co-chair", "chair", false, None));
        // Offices written with what they are of: the whole office is the title, its role the head's.
        let styling = before("But Chief Secretary to the Treasury");
        assert_eq!((styling.title, styling.words), (title("chief secretary", "secretary", false, None), 5));
        assert_eq!(before("Secretary of State for Trade and Industry").words, 7);
        assert_eq!(before("Minister of State for Europe").words, 5);
        let styling = before("by the Trade and Industry Secretary");
        assert_eq!(
            (styling.title, styling.words),
            (title("trade and industry secretary", "secretary", false, None), 4)
        );
        assert_eq!(before("the Leader of the House of Commons").words, 6);
        assert_eq!(before("a speech to the Royal Society").words, 0, "not an office");
        assert_eq!(before("Secretary of State for the").words, 0, "no office after the link");
    }

    #[test]
    fn honorifics_and_gendered_titles_say_the_gender() {
        assert_eq!(before("talks with Mr.").gender, Some(Gender::Male));
        assert_eq!(before("talks with Mr.").words, 1);
        assert_eq!(before("said Ms").gender, Some(Gender::Female));
        assert_eq!(before("Queen").gender, Some(Gender::Female));
        assert_eq!(before("Foreign Ministry spokeswoman").gender, Some(Gender::Female));
        assert_eq!(before("President").gender, None);
        assert_eq!(before("Dr.").gender, None);
        assert_eq!(before("Dr.").words, 1);
        let nothing = before("talks with");
        assert_eq!(nothing, Styling::default());
        assert_eq!(before(""), Styling::default());
    }

    #[test]
    fn styling_inside_a_mention_is_read_from_the_left() {
        let at_start = |text: &str| styling_at_start(&words(text), &lexicon());
        assert_eq!(at_start("Mr. Putin").words, 1);
        assert_eq!(at_start("Mr. Putin").gender, Some(Gender::Male));
        assert_eq!(at_start("President Joe Biden").words, 1);
        assert_eq!(at_start("former President Donald Trump").words, 2);
        assert_eq!(
            at_start("Russian President Vladimir Putin").title,
            title("president", "president", false, Some("RU"))
        );
        assert_eq!(at_start("Joe Biden").words, 0);
        // A name never loses its last word, even one that could be a title.
        assert_eq!(at_start("President").words, 0);
        assert_eq!(at_start("Martin Luther King").words, 0);
    }

    #[test]
    fn keys_drop_punctuation_and_case_but_keep_diacritics() {
        assert_eq!(name_key("George W. Bush"), "george w bush");
        assert_eq!(name_key("Putin’s"), "putin");
        assert_eq!(name_key("  Recep Tayyip  Erdoğan "), "recep tayyip erdoğan");
        assert_ne!(name_key("Erdoğan"), name_key("Erdogan"));
        assert_eq!(name_key("Jose\u{301} Pen\u{303}a"), name_key("José Peña"), "decomposed and composed are one name");
        assert_eq!(name_key("Jose\u{301}"), "josé");
        assert_eq!(name_key("Jean-Pierre O'Brien"), "jean pierre obrien");
        assert_eq!(name_key("U.S."), "us");
        assert_eq!(name_key("Davis’"), "davis");
        assert_eq!(name_key("’s"), "s");
        assert_eq!(strip_possessive("Zelenskyy’s"), "Zelenskyy");
        assert_eq!(strip_possessive("Paris"), "Paris");
    }

    #[test]
    fn full_names_match_with_and_without_middle_initials() {
        assert_eq!(surname("martin luther king jr", Lexicon::shipped()), Some("king"));
        assert_eq!(given_name("joe biden"), Some("joe"));
        assert_eq!(given_name("biden"), None);
        assert!(same_full_name("george bush", "george w bush", Lexicon::shipped()));
        assert!(same_full_name("george w bush", "george w bush", Lexicon::shipped()));
        assert!(!same_full_name("george w bush", "jeb bush", Lexicon::shipped()));
        assert!(!same_full_name("george w bush", "george h w bush", Lexicon::shipped()));
        assert!(
            same_full_name("george bush", "george h w bush", Lexicon::shipped()),
            "compatible with both: the caller decides"
        );
        assert!(!same_full_name("joe biden", "hunter biden", Lexicon::shipped()));
    }

    #[test]
    fn description_roles_fit_titles() {
        let lexicon = Lexicon::shipped();
        let president = Title { role: "president".into(), head: "president".into(), former: false, country: None };
        let minister = Title { role: "foreign minister".into(), head: "minister".into(), former: false, country: None };
        assert!(president.fits("president", lexicon) && president.fits("leader", lexicon));
        assert!(minister.fits("minister", lexicon) && minister.fits("foreign minister", lexicon));
        assert!(!minister.fits("defense minister", lexicon) && !minister.fits("leader", lexicon));
        assert!(!president.fits("senator", lexicon));
    }
}
