//! The project's vocabulary: the kinds of things every stage and every table speaks of. It imports nothing from
//! the rest of the crate, so any module may use it.

use serde::{Deserialize, Serialize};

/// A stance: what a holder's sentence says of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceLabel {
    Favor,
    Against,
    Neutral,
}

impl StanceLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            StanceLabel::Neutral => "neutral",
        }
    }
}

/// What kind of actor a chain of mentions is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    Person,
    Organisation,
    /// A state, however named: "Russia", "Moscow", "the Kremlin", "Russian".
    Country,
    /// A place that does not stand for a state: "Geneva", "Crimea".
    Place,
    /// Any other name: events, treaties, works ("New START").
    Other,
}

impl ActorType {
    /// The name used in tables: "person", "organisation", "country", "place", "other".
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::Person => "person",
            ActorType::Organisation => "organisation",
            ActorType::Country => "country",
            ActorType::Place => "place",
            ActorType::Other => "other",
        }
    }

    /// The type a table names ("person", "organisation" or "organization", "country", "place", "other"), in any
    /// case.
    pub fn parse(name: &str) -> Option<ActorType> {
        match name.trim().to_lowercase().as_str() {
            "person" | "per" => Some(ActorType::Person),
            "organisation" | "organization" | "org" => Some(ActorType::Organisation),
            "country" | "state" => Some(ActorType::Country),
            "place" | "loc" => Some(ActorType::Place),
            "other" | "misc" => Some(ActorType::Other),
            _ => None,
        }
    }
}

/// A person's grammatical gender, as the article shows it (honorifics, gendered titles, pronouns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}
