//! Actors across articles: one id per actor for the whole corpus, and the alias table a user edits.
//!
//! Each article's actors (see [`super::resolve`]) get a corpus-wide id here:
//!
//! 1. **The user's alias table** (`--actors actors.csv`: `actor_id, name, type, aliases, valid_from, valid_to`,
//!    aliases separated by `|`) is asked first: an actor whose name, or any name it goes by in the article
//!    ("Joe Biden", "Biden", "the Kremlin"), matches a row's name or one of its aliases takes that row's id,
//!    name and type. A row with `valid_from`/`valid_to` (ISO dates, both ends included) only matches articles
//!    dated inside them, so one alias can name different people over time ("the U.S. president"). Several rows
//!    with one `actor_id` are one actor, named by the longest of their names: that is how a user merges two
//!    actors (give the row of "Biden" the id of "Joe Biden").
//! 2. Otherwise **by name**: actors whose fullest names share a key (lowercase, punctuation dropped, see
//!    [`name_key`]) are one actor; a state is its gazetteer name ("Russia" for "Moscow", "the Kremlin").
//!
//! Ids are the name in lowercase with words joined by `-` (`joe-biden`, `russia`), or the table's id; a second
//! actor whose name gives the same id gets `-2`, `-3`. Matching is by exact key: a bare "Biden" in an article
//! that never names "Joe Biden" stays its own actor until the table says otherwise (articles are matched one
//! at a time, so the result does not depend on their order).
//!
//! [`Registry::rows`] gives back every actor in the alias table's format, with all the names it went by as
//! aliases, so a run writes an `actors.csv` that the user corrects and passes back with `--actors` (round trip).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::names::name_key;
use super::{Actor, MentionKind};
use crate::corpus::date::iso_day;
use crate::output::read::{list, UserTable};
use crate::vocab::ActorType;

/// One actor of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusActor {
    pub id: String,
    pub name: String,
    pub actor_type: ActorType,
    /// The names it goes by, as first written, one per key.
    pub aliases: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub n_articles: usize,
    pub n_mentions: usize,
}

/// What the registry needs to know of an article's actor (and what a resumed run replays).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActorRecord {
    pub name: String,
    pub actor_type: ActorType,
    /// Its fullest name, then the names and metonyms it goes by in the article, as written.
    pub names: Vec<String>,
    pub n_mentions: usize,
}

impl ActorRecord {
    pub fn of(actor: &Actor) -> ActorRecord {
        let names = std::iter::once(actor.name.clone())
            .chain(
                actor
                    .mentions
                    .iter()
                    .filter(|m| matches!(m.kind, MentionKind::Name | MentionKind::Metonym))
                    .map(|m| m.surface.clone()),
            )
            .collect();
        ActorRecord { name: actor.name.clone(), actor_type: actor.actor_type, names, n_mentions: actor.mentions.len() }
    }
}

/// A row of the user's alias table, by actor.
#[derive(Debug, Clone)]
struct TableEntry {
    id: String,
    /// Inclusive ISO dates; empty for no bound.
    valid_from: String,
    valid_to: String,
}

/// Corpus-wide actor ids.
#[derive(Debug, Default)]
pub struct Registry {
    /// The user's table: name key -> rows that carry it.
    table: HashMap<String, Vec<TableEntry>>,
    /// Automatic ids by name key.
    by_key: HashMap<String, String>,
    /// Every actor, by id.
    actors: BTreeMap<String, CorpusActor>,
}

impl Registry {
    /// A registry seeded with the user's alias table; problems with single rows are returned, not fatal.
    pub fn with_table(path: &Path) -> anyhow::Result<(Registry, Vec<String>)> {
        let table = UserTable::read(path, &["actor_id", "name"])?;
        let mut registry = Registry::default();
        let mut problems = table.problems.clone();
        for row in &table.rows {
            let id = table.cell(row, "actor_id");
            let name = table.cell(row, "name");
            if id.is_empty() || name.is_empty() {
                problems.push(format!("{}:{}: a row needs an actor_id and a name", path.display(), row.line));
                continue;
            }
            let type_cell = table.cell(row, "type");
            let actor_type = match ActorType::parse(type_cell) {
                Some(t) => t,
                None if type_cell.is_empty() => ActorType::Other,
                None => {
                    problems.push(format!(
                        "{}:{}: unknown type {type_cell:?} (person, organisation, country, place or other)",
                        path.display(),
                        row.line
                    ));
                    ActorType::Other
                }
            };
            let (valid_from, valid_to) = (table.cell(row, "valid_from"), table.cell(row, "valid_to"));
            let entry = TableEntry { id: id.to_string(), valid_from: valid_from.into(), valid_to: valid_to.into() };
            let actor = registry.actors.entry(id.to_string()).or_insert_with(|| CorpusActor {
                id: id.to_string(),
                name: name.to_string(),
                actor_type,
                aliases: Vec::new(),
                valid_from: valid_from.into(),
                valid_to: valid_to.into(),
                n_articles: 0,
                n_mentions: 0,
            });
            if name.chars().count() > actor.name.chars().count() {
                actor.name = name.to_string();
            }
            for alias in std::iter::once(name).chain(list(table.cell(row, "aliases"))) {
                let key = name_key(alias);
                if key.is_empty() {
                    continue;
                }
                if !actor.aliases.iter().any(|a| name_key(a) == key) {
                    actor.aliases.push(alias.to_string());
                }
                let rows = registry.table.entry(key).or_default();
                if !rows.iter().any(|r| r.id == entry.id) {
                    rows.push(entry.clone());
                }
            }
        }
        Ok((registry, problems))
    }

    /// The corpus-wide id of `actor`, an actor of the article dated `date`; records its names and counts.
    pub fn identify(&mut self, actor: &ActorRecord, date: Option<&str>) -> String {
        let day = date.map(iso_day).unwrap_or_default();
        let from_table = actor.names.iter().find_map(|name| {
            self.table.get(&name_key(name))?.iter().find(|entry| entry.covers(&day)).map(|entry| entry.id.clone())
        });
        let id = match from_table {
            Some(id) => id,
            None => {
                let key = name_key(&actor.name);
                match self.by_key.get(&key) {
                    Some(id) => id.clone(),
                    None => {
                        let id = self.free_id(&slug(&actor.name));
                        self.by_key.insert(key, id.clone());
                        id
                    }
                }
            }
        };
        let entry = self.actors.entry(id.clone()).or_insert_with(|| CorpusActor {
            id: id.clone(),
            name: actor.name.clone(),
            actor_type: actor.actor_type,
            aliases: Vec::new(),
            valid_from: String::new(),
            valid_to: String::new(),
            n_articles: 0,
            n_mentions: 0,
        });
        entry.n_articles += 1;
        entry.n_mentions += actor.n_mentions;
        for name in &actor.names {
            let key = name_key(name);
            if !key.is_empty() && !entry.aliases.iter().any(|a| name_key(a) == key) {
                entry.aliases.push(name.trim().to_string());
            }
        }
        id
    }

    /// The actor with this id.
    pub fn get(&self, id: &str) -> Option<&CorpusActor> {
        self.actors.get(id)
    }

    /// `base`, or `base-2`, `base-3`… whichever no actor has yet.
    fn free_id(&self, base: &str) -> String {
        // Every id handed out is in `actors` at once.
        if !self.actors.contains_key(base) {
            return base.to_string();
        }
        (2..).map(|n| format!("{base}-{n}")).find(|id| !self.actors.contains_key(id)).unwrap_or_default()
    }

    /// Every actor seen in the corpus (and every row of the user's table), in id order, as alias-table rows.
    pub fn rows(&self) -> impl Iterator<Item = [String; 8]> + '_ {
        self.actors.values().map(|a| {
            let aliases: BTreeSet<&str> = a.aliases.iter().map(String::as_str).filter(|&n| n != a.name).collect();
            [
                a.id.clone(),
                a.name.clone(),
                a.actor_type.as_str().to_string(),
                aliases.into_iter().collect::<Vec<_>>().join("|"),
                a.valid_from.clone(),
                a.valid_to.clone(),
                a.n_articles.to_string(),
                a.n_mentions.to_string(),
            ]
        })
    }
}

impl TableEntry {
    /// Whether an article of ISO day `day` (empty: unknown) falls inside this row's dates. An article without
    /// a date matches every row.
    fn covers(&self, day: &str) -> bool {
        day.is_empty()
            || ((self.valid_from.is_empty() || self.valid_from.as_str() <= day)
                && (self.valid_to.is_empty() || day <= self.valid_to.as_str()))
    }
}

/// A readable id: lowercase letters and digits, words joined by `-` ("Joe Biden" -> `joe-biden`).
pub fn slug(name: &str) -> String {
    let slug = name_key(name).replace(' ', "-");
    if slug.is_empty() {
        "actor".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorMention;
    use crate::span::Span;

    fn actor(name: &str, actor_type: ActorType, surfaces: &[&str]) -> ActorRecord {
        ActorRecord::of(&Actor {
            name: name.into(),
            actor_type,
            mentions: surfaces
                .iter()
                .map(|s| ActorMention {
                    span: Span::new(0, s.len()),
                    surface: s.to_string(),
                    sentence_index: 0,
                    kind: if s.starts_with(char::is_lowercase) { MentionKind::Pronoun } else { MentionKind::Name },
                    title: None,
                })
                .collect(),
            country: None,
            titles: Vec::new(),
            gender: None,
        })
    }

    #[test]
    fn actors_merge_by_name_across_articles_and_ids_stay_distinct() {
        let mut registry = Registry::default();
        let biden = registry.identify(&actor("Joe Biden", ActorType::Person, &["Joe Biden", "Biden", "he"]), None);
        let again = registry.identify(&actor("Joe  Biden", ActorType::Person, &["Joe Biden", "Mr. Biden"]), None);
        let bare = registry.identify(&actor("Biden", ActorType::Person, &["Biden"]), None);
        assert_eq!((biden.as_str(), again.as_str(), bare.as_str()), ("joe-biden", "joe-biden", "biden"));
        // Another name with the same slug gets a suffix.
        let other = registry.identify(&actor("Joe-Biden", ActorType::Organisation, &["Joe-Biden"]), None);
        assert_eq!(other, "joe-biden", "the key drops the hyphen, so this is the same name");
        let rows: Vec<[String; 8]> = registry.rows().collect();
        assert_eq!(rows[1][0], "joe-biden");
        assert_eq!(rows[1][3], "Biden|Mr. Biden", "aliases without the name itself");
        assert_eq!((rows[1][6].as_str(), rows[1][7].as_str()), ("3", "6"));
    }

    #[test]
    fn the_alias_table_merges_renames_and_respects_dates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("actors.csv");
        std::fs::write(
            &path,
            "actor_id,name,type,aliases,valid_from,valid_to\n\
             potus,The US President,person,Joe Biden|Biden,2021-01-20,2025-01-20\n\
             potus,Potus,person,Mr. Biden,,\n\
             trump,Donald J. Trump,person,Trump,2017-01-20,2021-01-20\n\
             bad,Bad Type,planet,,,\n",
        )
        .unwrap();
        let (mut registry, problems) = Registry::with_table(&path).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("actors.csv:5") && problems[0].contains("planet"));
        let biden = actor("Joe Biden", ActorType::Person, &["Joe Biden"]);
        assert_eq!(registry.identify(&biden, Some("2021-06-16")), "potus");
        assert_eq!(registry.identify(&biden, Some("2020-06-16")), "joe-biden", "outside the row's dates");
        assert_eq!(registry.identify(&actor("Biden", ActorType::Person, &["Mr. Biden"]), None), "potus");
        assert_eq!(registry.identify(&actor("Trump", ActorType::Person, &["Trump"]), Some("2019-03-01")), "trump");
        let potus = registry.get("potus").unwrap();
        assert_eq!(potus.name, "The US President");
        assert_eq!(potus.n_articles, 2);
        assert_eq!(registry.get("trump").unwrap().name, "Donald J. Trump");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("George W. Bush"), "george-w-bush");
        assert_eq!(slug("Putin’s"), "putin");
        assert_eq!(slug("..."), "actor");
    }
}
