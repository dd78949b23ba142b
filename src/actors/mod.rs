//! Actors within one article: who the article's mentions, pronouns and descriptions stand for, and who speaks
//! each quotation.
//!
//! A stance needs a holder, and news names its holders in many ways: "President Joe Biden", "Biden", "Mr.
//! Biden", "he", "the president"; "Russia", "Moscow", "the Kremlin", "Russian". [`resolve`] turns the entity
//! model's mentions of one article into [`Actor`]s, each with every mention that stands for it (its surface
//! form kept, so evidence can show what the text said), and attributes the article's quotations to speakers.
//! All rules are deterministic and read only the article; each is documented in its own file:
//!
//! * `names.rs`: titles and honorifics around a name ("former President", "Mr.", "Russian Foreign Minister")
//!   are read and kept apart from the name; names match by a key (lowercase, punctuation dropped).
//! * `parties.rs`: the names of the main US and UK parties and their members ("Republicans", "Tories"), so that
//!   a party is one organisation however it is written.
//! * `chains.rs`: name mentions become actors. People: full names that agree, then a bare surname (or given
//!   name) joins the one full name that has it; when two full names share it ("George W. Bush", "Jeb Bush"),
//!   the bare surname stays an actor of its own. Organisations: the same key, or an acronym the article
//!   defines ("the North Atlantic Treaty Organization (NATO)"). Mentions the gazetteer maps to a state
//!   (Russia, Moscow, the Kremlin, Russian) are that state's country actor, named as the gazetteer names it,
//!   their kind saying how they name it (name, metonym, demonym). Other places and names match by key.
//! * `coref.rs`: he/she/him/her/his/hers go to a person in the preceding three sentences: the subject of
//!   the pronoun's own sentence, else the person named last before it in its clause, else the subject of the
//!   nearest previous sentence that has one, else the most recent person; never a person whose gender is
//!   known to differ, nor (for "him"/"her") the subject of the same clause. "its", and with stricter
//!   conditions "they/their/them", go to an organisation or country. Descriptions ("the president", "the
//!   Russian leader", "the minister", "the company") go to an actor whose title (and state) fits, preferred
//!   as for pronouns. Pronouns inside a quotation are resolved after the quotations' speakers are known,
//!   never to the speaker.
//! * `speakers.rs`: quotations get a speaker from a speech verb after them (`"…," he said`, `"…," said X`),
//!   before them in the sentence (`X said: "…"`, `X said he "…"`), `according to X`, another attributed
//!   quotation of the same paragraph, or a paragraph that introduced the speaker (`X said:`) or held X's
//!   quotations. Reported speech (`X said that …`) is attributed the same way, with the clause as its span.
//!
//! What is not done (yet): no knowledge outside the article (the cross-article alias table is another
//! stage), no first-name list for gender, no syntax beyond word lists (so "Biden urged Putin to change his
//! ways" gives "his" to Biden, the subject), and "it" is never resolved.

mod chains;
mod coref;
mod names;
mod parties;
mod references;
pub mod registry;
mod speakers;
pub(crate) mod words;

use std::collections::HashMap;

use crate::lexicon::Lexicon;
use crate::ner::mentions::Mention;
use crate::span::Span;
use crate::text::Segmentation;
use crate::vocab::{ActorType, Gender};

/// Mentions, a gazetteer and a lexicon as the pipeline makes them, for the later stages' tests.
#[cfg(test)]
pub(crate) use chains::tests::{lexicon, mentions};
pub use names::{name_key, Title};
pub use speakers::{holder_of_sentence, speaker_of, Cue, QuoteAttribution};

/// How a mention names its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MentionKind {
    /// By name: "Joe Biden", "Biden", "Russia", "NATO".
    Name,
    /// By a personal pronoun: "he", "her", "its".
    Pronoun,
    /// By a description: "the president", "the Russian leader".
    Description,
    /// A state by its capital or an institution: "Moscow", "the Kremlin", "the White House".
    Metonym,
    /// A state by its adjective: "Russian". It qualifies something else ("Russian officials"), so a pair
    /// builder may not want it as a holder.
    Demonym,
    /// An organisation named right before a person's title, as the person's: "Tory" in "Tory leader Michael
    /// Howard", "NATO" in "NATO Secretary-General Jens Stoltenberg". Like a demonym it qualifies the person.
    Affiliation,
}

impl MentionKind {
    /// The name used in tables: "name", "pronoun", "description", "metonym", "demonym", "affiliation".
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Name => "name",
            MentionKind::Pronoun => "pronoun",
            MentionKind::Description => "description",
            MentionKind::Metonym => "metonym",
            MentionKind::Demonym => "demonym",
            MentionKind::Affiliation => "affiliation",
        }
    }

    /// Whether the mention only qualifies another name ("Russian officials", "Tory leader Michael Howard"): it
    /// neither holds a stance nor speaks.
    pub fn qualifies(self) -> bool {
        matches!(self, MentionKind::Demonym | MentionKind::Affiliation)
    }
}

/// One place where the article refers to an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMention {
    /// Byte span in the article text.
    pub span: Span,
    /// The text at `span`, as written: "the Kremlin", "Mr. Putin", "he".
    pub surface: String,
    pub sentence_index: usize,
    pub kind: MentionKind,
    /// Where the person's title is written, when the name has one before it or inside it ("Chief Secretary to
    /// the Treasury" before "Paul Boateng"): a preposition before the title governs the name, one inside it
    /// does not.
    pub title: Option<Span>,
}

impl ActorMention {
    /// The mention with its title: from the title's first word to the mention's end.
    pub fn with_title(&self) -> Span {
        with_title(self.span, self.title)
    }
}

/// A name's span extended back to the start of its title, when it has one.
fn with_title(span: Span, title: Option<Span>) -> Span {
    title.map_or(span, |title| Span::new(title.start.min(span.start), span.end))
}

/// Someone or something the article refers to, with every reference found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The fullest name the article uses, without titles ("George W. Bush"); for a state, the gazetteer's
    /// canonical name ("Russia").
    pub name: String,
    pub actor_type: ActorType,
    /// In text order.
    pub mentions: Vec<ActorMention>,
    /// ISO 3166-1 alpha-2 code: a country actor's own; a person's when a title names the state ("Russian
    /// President").
    pub country: Option<String>,
    /// The titles the article gives a person, each once, in order of first use.
    pub titles: Vec<Title>,
    /// Known from an honorific, a gendered title, or an unambiguous pronoun; never guessed from the name.
    pub gender: Option<Gender>,
}

impl Actor {
    /// The mentions of `kind`.
    pub fn mentions_of(&self, kind: MentionKind) -> impl Iterator<Item = &ActorMention> {
        self.mentions.iter().filter(move |m| m.kind == kind)
    }
}

/// The actors of one article and who speaks its quotations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleActors {
    /// In order of first mention.
    pub actors: Vec<Actor>,
    /// Every quotation of the article (attributed or not) and every reported clause found, in text order.
    pub quotes: Vec<QuoteAttribution>,
}

impl ArticleActors {
    /// For each span of a mention, the first actor one of whose mentions has exactly that span: a lookup in
    /// constant time for every mention of a long article.
    pub fn actors_by_span(&self) -> HashMap<Span, usize> {
        let mut by_span = HashMap::new();
        for (index, actor) in self.actors.iter().enumerate() {
            for mention in &actor.mentions {
                by_span.entry(mention.span).or_insert(index);
            }
        }
        by_span
    }
}

/// The actors of the article `text`, from its segmentation and its entity mentions, with its quotations
/// attributed (see the module documentation for the rules).
pub fn resolve(text: &str, segmentation: &Segmentation, mentions: &[Mention], lexicon: &Lexicon) -> ArticleActors {
    let words = words::ArticleWords::new(text, lexicon);
    let mut actors = chains::chain(text, segmentation, &words, mentions);
    let mut references = references::References::of(&actors);
    let mut resolver = coref::Resolver::new(segmentation, &words, &actors);
    resolver.resolve_outside_quotes(&mut references);
    let quotes = speakers::attribute(segmentation, &words, &actors, &references);
    resolver.resolve_inside_quotes(&mut references, &quotes);
    let genders = resolver.into_genders();
    references.add_to(text, &mut actors);
    for (actor, gender) in actors.iter_mut().zip(genders) {
        actor.gender = gender;
    }
    ArticleActors { actors, quotes }
}

/// The index of the sentence holding byte `offset` (the last sentence for an offset past them all).
fn sentence_at(segmentation: &Segmentation, offset: usize) -> usize {
    segmentation.sentences.partition_point(|s| s.span.end <= offset).min(segmentation.sentences.len().saturating_sub(1))
}

#[cfg(test)]
mod tests;
