//! Attribution: who said, thought or intends what. An attribution ties a *source* ("Schumer", "officials"), a
//! *cue* ("said", "fears", "according to") and a *content* (the quote, or the reported speech, belief or
//! intention) together, as PolNeAR annotates them.
//!
//! * `brat.rs`: PolNeAR's standoff files;
//! * `polnear.rs`: PolNeAR's folders as annotated articles, and as tagger training data (`import polnear`);
//! * `tags.rs`: an article's attributions as word tags, and tags back into spans (one encoding for both ways);
//! * `find.rs`: the tagger's spans in an article, grouped into attributions;
//! * `evaluate.rs`: found attributions scored against annotated ones (`eval attribution`);
//! * `quotes.rs`: the rows of quotes.csv, each speaker resolved to an actor;
//! * `holders.rs`: the attributions as the holders of the sentences they cover.

pub mod brat;
pub mod evaluate;
pub mod find;
pub mod holders;
pub mod polnear;
pub mod quotes;
pub mod tags;

use crate::ner::labels::EntityType;
use crate::span::Span;

/// The part a span plays in an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

    /// The role of a brat span type or event role name ("Source", "Cue", "Content"); `None` for any other.
    pub fn of_brat(name: &str) -> Option<Role> {
        match name {
            "Source" => Some(Role::Source),
            "Cue" => Some(Role::Cue),
            "Content" => Some(Role::Content),
            _ => None,
        }
    }

    /// The span type the attribution tagger uses for this role.
    pub fn entity_type(self) -> EntityType {
        match self {
            Role::Source => EntityType::Source,
            Role::Cue => EntityType::Cue,
            Role::Content => EntityType::Content,
        }
    }

    /// The role of an attribution tagger's span type.
    pub fn of_entity_type(entity_type: EntityType) -> Option<Role> {
        match entity_type {
            EntityType::Source => Some(Role::Source),
            EntityType::Cue => Some(Role::Cue),
            EntityType::Content => Some(Role::Content),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Cue => "cue",
            Role::Content => "content",
        }
    }
}

/// One attribution: its spans per role, byte spans into the article's text in text order. A content may have
/// several pieces (a quote interrupted by its cue); a source may be missing ("it was reported that").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
}

impl Attribution {
    pub fn spans(&self, role: Role) -> &[Span] {
        match role {
            Role::Source => &self.source,
            Role::Cue => &self.cue,
            Role::Content => &self.content,
        }
    }

    pub fn spans_mut(&mut self, role: Role) -> &mut Vec<Span> {
        match role {
            Role::Source => &mut self.source,
            Role::Cue => &mut self.cue,
            Role::Content => &mut self.content,
        }
    }
}

/// An article with its annotated attributions.
#[derive(Debug, Clone)]
pub struct AnnotatedArticle {
    /// The file name without `.txt`.
    pub id: String,
    pub text: String,
    pub attributions: Vec<Attribution>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::find::FoundAttribution;
    use super::Attribution;
    use crate::span::Span;

    /// The attribution of `text` whose source, cue and content are the first occurrences of these words.
    pub(crate) fn attribution(text: &str, source: &str, cue: &str, content: &str) -> Attribution {
        Attribution { source: vec![at(text, source)], cue: vec![at(text, cue)], content: vec![at(text, content)] }
    }

    /// [`attribution`] as the tagger found it, with `confidence`.
    pub(crate) fn found(text: &str, source: &str, cue: &str, content: &str, confidence: f32) -> FoundAttribution {
        FoundAttribution { attribution: attribution(text, source, cue, content), confidence }
    }

    /// The span of the first `words` in `text`.
    pub(crate) fn at(text: &str, words: &str) -> Span {
        let start = text.find(words).unwrap_or_else(|| panic!("{words:?} is not in {text:?}"));
        Span::new(start, start + words.len())
    }
}
