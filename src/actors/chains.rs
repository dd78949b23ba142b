//! Chaining the name mentions of one article into actors.
//!
//! Within one article a writer names each actor in full once and then shortens: "President Joe Biden", then
//! "Biden", "Mr. Biden". The rules, in the order they run:
//!
//! 1. Each mention is read: a mention the gazetteer maps to a state (its `country` is set) belongs to that
//!    state; a PER mention is a person, its titles and honorific read off (see `names.rs`); ORG, LOC and MISC
//!    mentions are organisations, places and other names, without a leading "the" or a possessive; an ORG or
//!    MISC mention that names a party ("Republicans", "Tory", "Lib Dems": see `parties.rs`) is that party. An
//!    organisation mention inside a person's title that names only a portfolio ("National Security" in
//!    "National Security Adviser Jake Sullivan") is part of the title, not an actor; any other organisation
//!    written inside a person's title or right before it ("Tory leader Michael Howard", "NATO's Secretary-General
//!    Jens Stoltenberg", "the SNP's Holyrood leader Nicola Sturgeon"), right before the name with a possessive
//!    ("Labour's Robin Cook") or with a role beside the name between commas ("Alan Milburn, Labour's head of
//!    elections strategy,", "The Tory finance spokesman, Brian Monteith,") is that organisation's mention as the
//!    person's affiliation; so is a place inside a title or right before it ("Archbishop of Canterbury Rowan
//!    Williams", "Manchester mayor Andy Burnham"), and a capital or institution inside one ("London mayor Ken
//!    Livingstone", "Kremlin spokesman Dmitry Peskov"). An ORG or
//!    MISC mention that is a title and nothing else ("the Shadow Secretary of State for the Family, Theresa
//!    May") is not an actor, nor is a PER mention that is only a title ("MEP").
//! 2. People with a full name (two words or more) are chained longest name first: a name joins the chain of
//!    the one earlier name it agrees with ("George Bush" with "George W. Bush"); when it agrees with several
//!    ("George Bush" with "George W." and "George H. W. Bush") it stays apart, since the article does not say
//!    which. Honorifics and gendered titles that disagree ("Mr." and "Mrs. Clinton") keep chains apart.
//! 3. A one-word person mention joins the single full-name chain with that surname ("Biden", "Mr. Biden");
//!    failing a surname, the single one with that given name. When two full names share the surname ("George
//!    W. Bush", "Laura Bush"), bare "Bush" is ambiguous and all such mentions form an actor of their own,
//!    unless an honorific picks one of them ("Mrs. Clinton" with only one woman among the Clintons).
//! 4. An ORG, LOC or MISC mention whose key is a key some person chain was named by as PER joins that person:
//!    the model sometimes types a sentence-initial surname as an organisation.
//! 5. Organisations match by key, or by an acronym the article defines in brackets right after (or before) the
//!    long name: "the North Atlantic Treaty Organization (NATO)", "NATO (North Atlantic Treaty Organization)";
//!    the acronym must begin with the long name's first letter.
//! 6. State mentions form one country actor per ISO code, named by the gazetteer's canonical name; each mention
//!    keeps its kind: the state's own name is a `Name`, a capital or institution a `Metonym`, the adjective a
//!    `Demonym`. Places and other names match by key.
//!
//! Actors come out in order of first mention; an actor is named by its fullest name (most words for a person,
//! longest for an organisation).

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::lexicon::gazetteer::{Gazetteer, PlaceKind};
use crate::lexicon::Lexicon;
use crate::ner::labels::EntityType;
use crate::ner::mentions::Mention;
use crate::span::Span;
use crate::text::Segmentation;

use super::names::{self, given_name, name_key, same_full_name, surname, Styling};
use super::parties;
use super::words::{after_possessive, after_possessive_mark, without_final_words, ArticleWords};
use super::{Actor, ActorMention, MentionKind};
use crate::vocab::{ActorType, Gender};

/// What a mention can be chained with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Class {
    Person,
    Organisation,
    Country(String),
    Place,
    Other,
}

/// A mention read for chaining.
#[derive(Debug, Clone)]
struct Named {
    span: Span,
    sentence: usize,
    class: Class,
    /// The name as written, without titles, honorifics, a leading "the" or a possessive; a party's name in the
    /// tables ("Republican Party" for "Republicans").
    name: String,
    /// [`name_key`] of `name`; the ISO code for a state.
    key: String,
    styling: Styling,
    /// Where the person's title and honorific are written, when it has one.
    title: Option<Span>,
    kind: MentionKind,
}

impl Named {
    fn word_count(&self) -> usize {
        self.key.split(' ').count()
    }
}

/// Mentions (indices into the read mentions) that name one actor.
#[derive(Debug, Clone, Default)]
struct Chain {
    members: Vec<usize>,
    /// The keys the chain's members were named by, for matching later mentions.
    keys: Vec<String>,
    gender: Option<Gender>,
}

impl Chain {
    fn new(member: usize, named: &Named) -> Chain {
        Chain { members: vec![member], keys: vec![named.key.clone()], gender: named.styling.gender }
    }

    fn join(&mut self, member: usize, named: &Named) {
        self.members.push(member);
        if !self.keys.contains(&named.key) {
            self.keys.push(named.key.clone());
        }
        self.gender = self.gender.or(named.styling.gender);
    }

    fn gender_allows(&self, named: &Named) -> bool {
        match (self.gender, named.styling.gender) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// The actors named in one article, in order of first mention, each with its name mentions.
pub(crate) fn chain(
    text: &str,
    segmentation: &Segmentation,
    words: &ArticleWords<'_>,
    mentions: &[Mention],
) -> Vec<Actor> {
    let lexicon = words.lexicon;
    let mut named: Vec<Named> = mentions.iter().filter_map(|m| read_mention(text, segmentation, words, m)).collect();
    let titles: Vec<Span> = named.iter().filter_map(|n| n.title).collect();
    named.retain(|n| {
        let portfolio = n.class == Class::Organisation && names::is_portfolio(&n.key, lexicon);
        !(portfolio && titles.iter().any(|t| t.contains(n.span)))
    });
    let people: Vec<Span> = named.iter().filter(|n| n.class == Class::Person).map(|n| n.span).collect();
    for n in named.iter_mut().filter(|n| matches!(n.class, Class::Organisation | Class::Place)) {
        let organisation = n.class == Class::Organisation;
        // Inside the title; or right before it ("Manchester mayor Andy Burnham"), with at most a possessive and
        // capitalised words between ("The Scottish National Party's Holyrood leader Nicola Sturgeon").
        let before_title = |title: &Span| {
            // At most four words are read of what lies between, however far the title is (a whole-text read
            // per title made long articles cost the cube of their length).
            let joined = || {
                let between = text[n.span.end..title.start].trim();
                let after_possessive = after_possessive_mark(between);
                let words: Vec<&str> = after_possessive.unwrap_or(between).split_whitespace().take(4).collect();
                words.is_empty()
                    || (after_possessive.is_some()
                        && words.len() <= 3
                        && words.iter().all(|w| w.starts_with(char::is_uppercase)))
            };
            title.contains(n.span) || (n.span.end <= title.start && joined())
        };
        if titles.iter().any(before_title) || (organisation && is_persons_organisation(text, n.span, &people, lexicon))
        {
            n.kind = MentionKind::Affiliation;
        }
    }
    // A capital or institution in a title names where the person serves, not the state's stance ("London mayor
    // Ken Livingstone", "Kremlin spokesman Dmitry Peskov").
    for n in named.iter_mut().filter(|n| matches!(n.class, Class::Country(_)) && n.kind == MentionKind::Metonym) {
        if titles.iter().any(|title| title.contains(n.span)) {
            n.kind = MentionKind::Affiliation;
        }
    }
    let of_class = |wanted: fn(&Class) -> bool| -> Vec<usize> {
        named.iter().enumerate().filter(|(_, n)| wanted(&n.class)).map(|(i, _)| i).collect()
    };
    let mut people = chain_people(&named, &of_class(|c| *c == Class::Person), lexicon);
    let mut rest = of_class(|c| !matches!(c, Class::Person | Class::Country(_)));
    rest.retain(|&i| !join_person_by_key(&mut people, i, &named[i]));
    let aliases = acronym_definitions(text, &named);
    let mut keyed: HashMap<(Class, String), Chain> = HashMap::new();
    for i in rest.into_iter().chain(of_class(|c| matches!(c, Class::Country(_)))) {
        let key = aliases.get(&named[i].key).filter(|_| named[i].class == Class::Organisation).unwrap_or(&named[i].key);
        let slot = keyed.entry((named[i].class.clone(), key.clone())).or_default();
        slot.members.push(i);
    }
    let mut chains: Vec<(Class, Chain)> = people.into_iter().map(|c| (Class::Person, c)).collect();
    chains.extend(keyed.into_iter().map(|((class, _), chain)| (class, chain)));
    let mut actors: Vec<Actor> =
        chains.into_iter().map(|(class, chain)| build_actor(text, &named, &class, &chain, lexicon)).collect();
    actors.sort_by_key(|actor| actor.mentions.first().map(|m| (m.span.start, m.span.end)));
    actors
}

/// Whether the organisation at `span` is named as a person's: with a possessive right before the name
/// ("Labour's Robin Cook"), or with a role, the person named beside it between commas: a possessive and
/// lowercase words ("Alan Milburn, Labour's head of elections strategy, said", "The Scottish Green Party's
/// health spokeswoman, Eleanor Scott, said"), or without the possessive lowercase words ending in a title ("The
/// Tory finance spokesman, Brian Monteith MSP, said", "Mr Mandelson, a former Labour communications director,
/// told").
fn is_persons_organisation(text: &str, span: Span, people: &[Span], lexicon: &Lexicon) -> bool {
    let possessive = after_possessive(text, span);
    let rest = possessive.unwrap_or(&text[span.end..]);
    let rest_start = text.len() - rest.len();
    let person_at = |offset: usize| people.iter().any(|p| p.start >= offset && text[offset..p.start].trim().is_empty());
    if possessive.is_some() && person_at(rest_start) {
        return true;
    }
    let Some(comma) = rest.find(',') else {
        return false;
    };
    let role: Vec<&str> = rest[..comma].split_whitespace().collect();
    let is_role = role.iter().all(|w| w.chars().all(|c| c.is_lowercase() || c == '-'))
        && (possessive.is_some() || names::styling_before(&role, lexicon).title.is_some());
    if role.is_empty() || role.len() > 6 || !is_role {
        return false;
    }
    // Before the organisation: "the", "a" or "an", and "former" ("Mr Mandelson, a former Labour communications
    // director,").
    let before = without_final_words(&text[..span.start], &["former", "the", "The", "a", "an"]);
    let person_before = before.strip_suffix(',').is_some_and(|b| people.iter().any(|p| p.end == b.trim_end().len()));
    person_before || person_at(rest_start + comma + 1)
}

/// Rules 2 and 3: full names longest first, then one-word names.
fn chain_people(named: &[Named], people: &[usize], lexicon: &Lexicon) -> Vec<Chain> {
    let (mut full, single): (Vec<usize>, Vec<usize>) = people.iter().partition(|&&i| named[i].word_count() > 1);
    full.sort_by_key(|&i| (Reverse(named[i].word_count()), named[i].span.start));
    let mut chains: Vec<Chain> = Vec::new();
    for i in full {
        let agreeing: Vec<usize> = (0..chains.len())
            .filter(|&c| chains[c].gender_allows(&named[i]))
            .filter(|&c| chains[c].keys.iter().any(|key| same_full_name(key, &named[i].key, lexicon)))
            .collect();
        let target = match agreeing.as_slice() {
            [one] => Some(*one),
            _ => agreeing.iter().copied().find(|&c| chains[c].keys.contains(&named[i].key)),
        };
        match target {
            Some(c) => chains[c].join(i, &named[i]),
            None => chains.push(Chain::new(i, &named[i])),
        }
    }
    let full_chains = chains.len();
    let mut bare: HashMap<String, usize> = HashMap::new();
    for i in single {
        let key = named[i].key.as_str();
        let with = |part: &dyn Fn(&str) -> Option<&str>| -> Vec<usize> {
            (0..full_chains)
                .filter(|&c| chains[c].gender_allows(&named[i]))
                .filter(|&c| chains[c].keys.iter().any(|k| k.contains(' ') && part(k) == Some(key)))
                .collect()
        };
        let by_surname = with(&|k| surname(k, lexicon));
        let same_gender: Vec<usize> = by_surname
            .iter()
            .copied()
            .filter(|&c| named[i].styling.gender.is_some() && chains[c].gender == named[i].styling.gender)
            .collect();
        let target = match (by_surname.as_slice(), same_gender.as_slice()) {
            ([one], _) | (_, [one]) => Some(*one),
            ([], _) => match with(&given_name).as_slice() {
                [one] => Some(*one),
                _ => None,
            },
            _ => None,
        };
        match target.or_else(|| bare.get(key).copied()) {
            Some(c) => chains[c].join(i, &named[i]),
            None => {
                bare.insert(key.to_string(), chains.len());
                chains.push(Chain::new(i, &named[i]));
            }
        }
    }
    chains
}

/// Rule 4: a non-person mention joins the person chain named by the same key, if there is one.
fn join_person_by_key(people: &mut [Chain], member: usize, named: &Named) -> bool {
    match people.iter_mut().find(|chain| chain.keys.contains(&named.key)) {
        Some(chain) => {
            chain.members.push(member);
            true
        }
        None => false,
    }
}

/// Rule 5: acronym key to long-name key, for every "Long Name (ACR)" and "ACR (Long Name)" after a mention.
fn acronym_definitions(text: &str, named: &[Named]) -> HashMap<String, String> {
    let mut aliases = HashMap::new();
    for mention in named.iter().filter(|n| n.class == Class::Organisation) {
        let Some(inner) = bracketed_after(text, mention.span.end) else { continue };
        if is_acronym(inner) && inner.len() < mention.name.len() && same_initial(inner, &mention.name) {
            aliases.insert(name_key(inner), mention.key.clone());
        } else if is_acronym(&mention.name) && inner.contains(' ') && same_initial(&mention.name, inner) {
            aliases.insert(mention.key.clone(), name_key(strip_article(inner)));
        }
    }
    aliases
}

/// The text inside brackets that open right after byte `end` (spaces allowed before), if short.
fn bracketed_after(text: &str, end: usize) -> Option<&str> {
    let rest = text[end..].trim_start_matches([' ', '\u{a0}']);
    let inner = rest.strip_prefix('(')?;
    let close = inner.find(')')?;
    (close <= 80).then(|| inner[..close].trim())
}

/// Two to ten letters, digits, `&` or `.`, starting with a capital, at least two capitals: "NATO", "EU", "U.N.".
fn is_acronym(word: &str) -> bool {
    let count = word.chars().count();
    (2..=10).contains(&count)
        && word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().filter(|c| c.is_uppercase()).count() >= 2
        && word.chars().all(|c| c.is_alphanumeric() || c == '&' || c == '.')
}

fn same_initial(acronym: &str, long: &str) -> bool {
    let initial = |s: &str| strip_article(s).chars().next().map(|c| c.to_lowercase().collect::<String>());
    initial(acronym).is_some() && initial(acronym) == initial(long)
}

/// `name` without a leading "the " / "The ".
fn strip_article(name: &str) -> &str {
    ["the ", "The ", "THE "].iter().find_map(|the| name.strip_prefix(the)).unwrap_or(name).trim_start()
}

/// Rule 1: what one mention is, or None when nothing of a name is left (a bare title).
fn read_mention(text: &str, segmentation: &Segmentation, words: &ArticleWords<'_>, mention: &Mention) -> Option<Named> {
    let lexicon = words.lexicon;
    let surface = mention.span.slice(text);
    let named = |class: Class, name: &str, key: String, styling: Styling, kind: MentionKind| Named {
        span: mention.span,
        sentence: mention.sentence_index,
        class,
        name: name.to_string(),
        key,
        styling,
        title: None,
        kind,
    };
    if let Some(code) = &mention.country {
        let kind = match mention.place_kind {
            Some(PlaceKind::Capital | PlaceKind::Institution) => MentionKind::Metonym,
            Some(PlaceKind::Demonym) => MentionKind::Demonym,
            _ => MentionKind::Name,
        };
        let class = Class::Country(code.clone());
        return Some(named(class, surface, code.clone(), Styling::default(), kind));
    }
    let class = match mention.entity_type {
        EntityType::Per => return read_person(text, segmentation, words, mention),
        EntityType::Org => Class::Organisation,
        EntityType::Loc => Class::Place,
        EntityType::Misc | EntityType::Issue | EntityType::Source | EntityType::Cue | EntityType::Content => {
            Class::Other
        }
    };
    let name = names::strip_possessive(strip_article(surface.trim()));
    let key = name_key(name);
    // The model sometimes leaves a party's first word out ("Liberal" of "Liberal Democrat"): the word before
    // the mention is taken in when the two name a party.
    let previous = words.first_from(mention.span.start).checked_sub(1);
    let widened = previous.map(|index| format!("{} {key}", words.normalised(index)));
    let party = widened.as_deref().and_then(parties::party).or_else(|| parties::party(&key));
    if let Some(party) = party.filter(|_| matches!(class, Class::Organisation | Class::Other)) {
        return Some(named(Class::Organisation, party, name_key(party), Styling::default(), MentionKind::Name));
    }
    // An office the model took for a name ("the Shadow Secretary of State for the Family, Theresa May") is a
    // title, not an actor.
    let name_words: Vec<&str> = crate::text::words::words(name).into_iter().map(|w| w.slice(name)).collect();
    if matches!(class, Class::Organisation | Class::Other) && names::is_title(&name_words, lexicon) {
        return None;
    }
    (!key.is_empty()).then(|| named(class, name, key, Styling::default(), MentionKind::Name))
}

/// A person mention: titles and honorific inside it and right before it read off, the name kept.
fn read_person(text: &str, segmentation: &Segmentation, words: &ArticleWords<'_>, mention: &Mention) -> Option<Named> {
    let lexicon = words.lexicon;
    let inside = words.within(mention.span);
    if inside.is_empty() {
        // A span that does not fall on word boundaries: the whole text is the name.
        let name = names::strip_possessive(mention.span.slice(text).trim());
        let key = name_key(name);
        return (!key.is_empty()).then(|| Named {
            span: mention.span,
            sentence: mention.sentence_index,
            class: Class::Person,
            name: name.to_string(),
            key,
            styling: Styling::default(),
            title: None,
            kind: MentionKind::Name,
        });
    }
    let mut last = inside.end;
    if last > inside.start + 1 && words.normalised(last - 1) == "'s" {
        last -= 1;
    }
    let written: Vec<&str> = (inside.start..last).map(|i| words.written(i)).collect();
    if names::is_title(&written, lexicon) {
        return None; // a title the model took for a name ("East Midlands MEP Robert Kilroy-Silk")
    }
    let own = names::styling_at_start(&written, lexicon);
    let first = inside.start + own.words;
    if first >= last {
        return None;
    }
    let name = names::strip_possessive(Span::new(words.span(first).start, words.span(last - 1).end).slice(text));
    // The title may start before the mention and end inside it ("former U.S." + "President Donald Trump"), so
    // it is read once over everything from the sentence's start to the name.
    let sentence_start = segmentation.sentences.get(mention.sentence_index).map_or(0, |s| s.span.start);
    let leading: Vec<&str> =
        (words.first_from(sentence_start).min(inside.start)..first).map(|i| words.written(i)).collect();
    let styling = names::styling_before(&leading, lexicon);
    let title =
        (styling.words > 0).then(|| Span::new(words.span(first - styling.words).start, words.span(first - 1).end));
    let key = name_key(name);
    (!key.is_empty()).then(|| Named {
        span: mention.span,
        sentence: mention.sentence_index,
        class: Class::Person,
        name: name.to_string(),
        key,
        styling,
        title,
        kind: MentionKind::Name,
    })
}

/// One actor from one chain.
fn build_actor(text: &str, named: &[Named], class: &Class, chain: &Chain, lexicon: &Lexicon) -> Actor {
    let mut members: Vec<&Named> = chain.members.iter().map(|&i| &named[i]).collect();
    members.sort_by_key(|n| (n.span.start, n.span.end));
    let mentions = members
        .iter()
        .map(|n| ActorMention {
            span: n.span,
            surface: n.span.slice(text).to_string(),
            sentence_index: n.sentence,
            kind: n.kind,
            title: n.title,
        })
        .collect();
    let fullest = |measure: fn(&Named) -> usize| {
        members.iter().max_by_key(|n| (measure(n), Reverse(n.span.start))).map_or(String::new(), |n| n.name.clone())
    };
    let (name, actor_type) = match class {
        Class::Person => (fullest(|n| n.word_count()), ActorType::Person),
        Class::Organisation => (fullest(|n| n.name.chars().count()), ActorType::Organisation),
        Class::Country(code) => (country_name(code, &members, &lexicon.gazetteer), ActorType::Country),
        Class::Place => (fullest(|_| 0), ActorType::Place),
        Class::Other => (fullest(|_| 0), ActorType::Other),
    };
    let mut titles = Vec::new();
    for title in members.iter().filter_map(|n| n.styling.title.as_ref()) {
        if !titles.contains(title) {
            titles.push(title.clone());
        }
    }
    let country = match class {
        Class::Country(code) => Some(code.clone()),
        _ => titles.iter().find_map(|t: &names::Title| t.country.clone()),
    };
    let gender = members.iter().find_map(|n| n.styling.gender);
    Actor { name, actor_type, mentions, country, titles, gender }
}

/// The gazetteer's canonical name for state `code`, found through the members' own surface forms first.
fn country_name(code: &str, members: &[&Named], gazetteer: &Gazetteer) -> String {
    members
        .iter()
        .filter_map(|n| gazetteer.lookup(&n.name))
        .chain(gazetteer.entries())
        .find(|entry| entry.country == code)
        .map_or_else(|| code.to_string(), |entry| entry.canonical.clone())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::actors::references::References;
    use crate::ner::mentions::MentionSource;
    use crate::text::segment;

    /// The shipped lists with the test gazetteer.
    pub(crate) fn lexicon() -> Lexicon {
        Lexicon::with_gazetteer(gazetteer())
    }

    pub(crate) fn gazetteer() -> Gazetteer {
        let tsv = "name\tcountry\tkind\tcanonical\nRussia\tRU\tcountry\tRussia\nRussian\tRU\tdemonym\tRussia\n\
                   Moscow\tRU\tcapital\tRussia\nKremlin\tRU\tinstitution\tRussia\n\
                   United States\tUS\tcountry\tUnited States\nU.S.\tUS\tcountry\tUnited States\n\
                   Washington\tUS\tcapital\tUnited States\nWhite House\tUS\tinstitution\tUnited States\n";
        Gazetteer::from_reader("test", tsv.as_bytes()).unwrap()
    }

    /// Mentions of `names` (surface text, type, occurrence number counting from 0) with the gazetteer's
    /// country codes, as the pipeline would make them.
    pub(crate) fn mentions(text: &str, names: &[(&str, EntityType, usize)]) -> Vec<Mention> {
        let gazetteer = gazetteer();
        let segmentation = segment(text);
        let entities: Vec<crate::ner::decode::EntitySpan> = names
            .iter()
            .map(|&(needle, entity_type, nth)| {
                let start = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
                crate::ner::decode::EntitySpan {
                    span: Span::new(start, start + needle.len()),
                    entity_type,
                    confidence: 0.9,
                }
            })
            .collect();
        crate::ner::mentions::mentions(text, &segmentation, &entities, &gazetteer)
    }

    /// The segmentation, actors and references of `text` with mentions of `names`, for the later stages' tests.
    pub(crate) fn actors_and_references(
        text: &str,
        names: &[(&str, EntityType, usize)],
    ) -> (Segmentation, Vec<Actor>, References) {
        let segmentation = segment(text);
        let found = mentions(text, names);
        let actors = chain(text, &segmentation, &ArticleWords::new(text, &lexicon()), &found);
        let references = References::of(&actors);
        (segmentation, actors, references)
    }

    fn actors(text: &str, names: &[(&str, EntityType, usize)]) -> Vec<Actor> {
        let found = mentions(text, names);
        chain(text, &segment(text), &ArticleWords::new(text, &lexicon()), &found)
    }

    /// (name, type, surfaces) per actor; every surface is also checked against its span.
    fn summary(text: &str, actors: &[Actor]) -> Vec<(String, &'static str, Vec<String>)> {
        actors
            .iter()
            .map(|a| {
                for m in &a.mentions {
                    assert_eq!(m.span.slice(text), m.surface);
                }
                (a.name.clone(), a.actor_type.as_str(), a.mentions.iter().map(|m| m.surface.clone()).collect())
            })
            .collect()
    }

    fn owned(rows: &[(&str, &'static str, &[&str])]) -> Vec<(String, &'static str, Vec<String>)> {
        rows.iter().map(|(n, t, s)| (n.to_string(), *t, s.iter().map(|s| s.to_string()).collect())).collect()
    }

    use EntityType::{Loc, Misc, Org, Per};

    #[test]
    fn a_full_name_and_its_shortenings_are_one_person() {
        let text = "Biden arrives. When President Joe Biden met Mr. Putin, Joe Biden smiled. Mr. Biden left; Vladimir \
                    Putin stayed. Putin’s aides said Joe was tired.";
        let found = actors(
            text,
            &[
                ("Biden", Per, 0),
                ("Joe Biden", Per, 0),
                ("Mr. Putin", Per, 0),
                ("Joe Biden", Per, 1),
                ("Biden", Per, 3),
                ("Vladimir Putin", Per, 0),
                ("Putin", Per, 2),
                ("Joe", Per, 2),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Joe Biden", "person", &["Biden", "Joe Biden", "Joe Biden", "Biden", "Joe"]),
                ("Vladimir Putin", "person", &["Mr. Putin", "Vladimir Putin", "Putin"]),
            ])
        );
        assert_eq!(found[0].titles.len(), 1);
        assert_eq!(found[0].titles[0].role, "president");
        assert_eq!(found[1].gender, Some(Gender::Male), "from Mr.");
        assert_eq!(found[0].gender, Some(Gender::Male), "from Mr. Biden");
    }

    #[test]
    fn two_bushes_stay_apart_and_bare_bush_with_them() {
        let text = "George W. Bush met Jeb Bush. Bush spoke. Laura Welch met George Bush.";
        let found = actors(
            text,
            &[
                ("George W. Bush", Per, 0),
                ("Jeb Bush", Per, 0),
                ("Bush", Per, 2),
                ("Laura Welch", Per, 0),
                ("George Bush", Per, 0),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("George W. Bush", "person", &["George W. Bush", "George Bush"]),
                ("Jeb Bush", "person", &["Jeb Bush"]),
                ("Bush", "person", &["Bush"]),
                ("Laura Welch", "person", &["Laura Welch"]),
            ])
        );
    }

    #[test]
    fn a_surname_joins_the_single_full_name_that_has_it() {
        let text = "Bush spoke first. Later George W. Bush said more, and Bush left.";
        let found = actors(text, &[("Bush", Per, 0), ("George W. Bush", Per, 0), ("Bush", Per, 2)]);
        assert_eq!(summary(text, &found), owned(&[("George W. Bush", "person", &["Bush", "George W. Bush", "Bush"])]));
    }

    #[test]
    fn father_and_son_stay_apart_and_the_short_name_with_both_stays_alone() {
        let text = "George H. W. Bush and George W. Bush met. George Bush spoke.";
        let found = actors(text, &[("George H. W. Bush", Per, 0), ("George W. Bush", Per, 0), ("George Bush", Per, 0)]);
        let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["George H. W. Bush", "George W. Bush", "George Bush"]);
    }

    #[test]
    fn honorifics_that_disagree_keep_people_apart() {
        let text = "Bill Clinton met Mrs. Hillary Clinton. Mrs. Clinton spoke.";
        let found = actors(text, &[("Bill Clinton", Per, 0), ("Hillary Clinton", Per, 0), ("Clinton", Per, 2)]);
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Bill Clinton", "person", &["Bill Clinton"]),
                ("Hillary Clinton", "person", &["Hillary Clinton", "Clinton"])
            ])
        );
        assert_eq!(found[1].gender, Some(Gender::Female));
    }

    #[test]
    fn states_keep_every_surface_form_with_its_kind() {
        let text = "Moscow denied it. The Kremlin said Russia and Russian officials would not budge. The White House \
                    and Washington disagreed with Denzel Washington.";
        let found = actors(
            text,
            &[
                ("Moscow", Loc, 0),
                ("Russia", Loc, 0),
                ("Russian", Misc, 0),
                ("White House", Loc, 0),
                ("Washington", Loc, 0),
                ("Denzel Washington", Per, 0),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Russia", "country", &["Moscow", "Kremlin", "Russia", "Russian"]),
                ("United States", "country", &["White House", "Washington"]),
                ("Denzel Washington", "person", &["Denzel Washington"]),
            ])
        );
        let kinds: Vec<MentionKind> = found[0].mentions.iter().map(|m| m.kind).collect();
        use MentionKind::*;
        assert_eq!(kinds, [Metonym, Metonym, Name, Demonym]);
        assert_eq!(found[0].country.as_deref(), Some("RU"));
        assert_eq!(found[1].mentions[0].kind, Metonym);
    }

    #[test]
    fn organisations_match_by_key_and_defined_acronym() {
        let text = "Leaders of the North Atlantic Treaty Organization (NATO) met. NATO said the North Atlantic Treaty \
                    Organization’s role grows. The EU (European Union) and the European Union agreed; the ECB did not.";
        let found = actors(
            text,
            &[
                ("North Atlantic Treaty Organization", Org, 0),
                ("NATO", Org, 1),
                ("North Atlantic Treaty Organization’s", Org, 0),
                ("EU", Org, 0),
                ("European Union", Org, 0),
                ("European Union", Org, 1),
                ("ECB", Org, 0),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                (
                    "North Atlantic Treaty Organization",
                    "organisation",
                    &["North Atlantic Treaty Organization", "NATO", "North Atlantic Treaty Organization’s"]
                ),
                ("European Union", "organisation", &["EU", "European Union", "European Union"]),
                ("ECB", "organisation", &["ECB"]),
            ])
        );
    }

    #[test]
    fn a_surname_the_model_typed_as_an_organisation_joins_the_person() {
        let text = "Zelenskyy spoke. Volodymyr Zelenskyy is president; Zelenskyy left Kyiv.";
        let found = actors(
            text,
            &[("Zelenskyy", Org, 0), ("Volodymyr Zelenskyy", Per, 0), ("Zelenskyy", Per, 2), ("Kyiv", Loc, 0)],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Volodymyr Zelenskyy", "person", &["Zelenskyy", "Volodymyr Zelenskyy", "Zelenskyy"]),
                ("Kyiv", "place", &["Kyiv"]),
            ])
        );
    }

    #[test]
    fn titles_are_read_inside_and_before_the_mention_with_their_state() {
        let text = "Russian Foreign Minister Sergei Lavrov met former U.S. President Donald Trump and Ms. Ana Ruiz in \
                    São Paulo.";
        let found = actors(
            text,
            &[
                ("Sergei Lavrov", Per, 0),
                ("President Donald Trump", Per, 0),
                ("Ana Ruiz", Per, 0),
                ("São Paulo", Loc, 0),
            ],
        );
        let lavrov = &found.iter().find(|a| a.name == "Sergei Lavrov").unwrap();
        assert_eq!(lavrov.titles[0].role, "foreign minister");
        assert_eq!(lavrov.country.as_deref(), Some("RU"));
        let trump = &found.iter().find(|a| a.name == "Donald Trump").unwrap();
        assert!(trump.titles[0].former && trump.titles[0].head == "president");
        assert_eq!(trump.country.as_deref(), Some("US"));
        assert_eq!(trump.mentions[0].surface, "President Donald Trump");
        let ruiz = found.iter().find(|a| a.name == "Ana Ruiz").unwrap();
        assert_eq!((ruiz.gender, ruiz.titles.len()), (Some(Gender::Female), 0));
        let place = found.iter().find(|a| a.actor_type == ActorType::Place).unwrap();
        assert_eq!(place.mentions[0].span.slice(text), "São Paulo");
    }

    #[test]
    fn a_portfolio_inside_a_title_is_not_an_organisation_but_a_party_is() {
        let text = "National Security Adviser Jake Sullivan said Homeland Security Secretary Alejandro Mayorkas and \
                    Labour Party leader Keir Starmer would address the National Security Council.";
        let found = actors(
            text,
            &[
                ("National Security", Org, 0),
                ("Jake Sullivan", Per, 0),
                ("Homeland Security", Org, 0),
                ("Alejandro Mayorkas", Per, 0),
                ("Labour Party", Org, 0),
                ("Keir Starmer", Per, 0),
                ("National Security Council", Org, 0),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Jake Sullivan", "person", &["Jake Sullivan"]),
                ("Alejandro Mayorkas", "person", &["Alejandro Mayorkas"]),
                ("Labour Party", "organisation", &["Labour Party"]),
                ("Keir Starmer", "person", &["Keir Starmer"]),
                ("National Security Council", "organisation", &["National Security Council"]),
            ])
        );
        let roles: Vec<&str> = found.iter().flat_map(|a| &a.titles).map(|t| t.role.as_str()).collect();
        assert_eq!(roles, ["national security adviser", "homeland security secretary", "labour party leader"]);
    }

    #[test]
    fn parties_are_one_organisation_however_written() {
        let text = "Liberal Democrat home affairs spokesman Mark Oaten said Republicans, the GOP and the Lib Dems \
                    differ. Tory leader Michael Howard and the Conservatives agreed.";
        let found = actors(
            text,
            &[
                ("Democrat", Misc, 0),
                ("Mark Oaten", Per, 0),
                ("Republicans", Misc, 0),
                ("GOP", Org, 0),
                ("Lib Dems", Misc, 0),
                ("Tory", Misc, 0),
                ("Michael Howard", Per, 0),
                ("Conservatives", Misc, 0),
            ],
        );
        assert_eq!(
            summary(text, &found),
            owned(&[
                ("Liberal Democrats", "organisation", &["Democrat", "Lib Dems"]),
                ("Mark Oaten", "person", &["Mark Oaten"]),
                ("Republican Party", "organisation", &["Republicans", "GOP"]),
                ("Conservative Party", "organisation", &["Tory", "Conservatives"]),
                ("Michael Howard", "person", &["Michael Howard"]),
            ])
        );
        let kinds: Vec<MentionKind> = found.iter().flat_map(|a| &a.mentions).map(|m| m.kind).collect();
        use MentionKind::{Affiliation, Name};
        assert_eq!(kinds, [Affiliation, Name, Name, Name, Name, Affiliation, Name, Name]);
    }

    #[test]
    fn gazetteer_institutions_found_without_the_model_are_kept() {
        let text = "The Kremlin said nothing.";
        let found = mentions(text, &[]);
        assert_eq!(found[0].source, MentionSource::Gazetteer);
        let chained = chain(text, &segment(text), &ArticleWords::new(text, &lexicon()), &found);
        assert_eq!(summary(text, &chained), owned(&[("Russia", "country", &["Kremlin"])]));
    }
}
