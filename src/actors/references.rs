//! Every reference to an actor in one article, in text order: what the rules that look back ("the most recent
//! person") and around ("the name before `said`") search.
//!
//! It starts with the name mentions of the chains and grows as pronouns and descriptions are resolved; at the
//! end the new references are written into their actors.

use crate::span::Span;

use super::{Actor, ActorMention, MentionKind};

/// One reference: where, to which actor (an index into the article's actors), and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reference {
    pub span: Span,
    pub actor: usize,
    pub kind: MentionKind,
    pub sentence: usize,
    /// Where a name's title is written (see [`ActorMention::title`]).
    pub title: Option<Span>,
}

impl Reference {
    /// The reference with its title (see [`ActorMention::with_title`]).
    pub(crate) fn with_title(&self) -> Span {
        super::with_title(self.span, self.title)
    }
}

/// The references of one article, ordered by span.
#[derive(Debug, Clone, Default)]
pub(crate) struct References {
    list: Vec<Reference>,
}

impl References {
    /// The mentions the actors already have.
    pub(crate) fn of(actors: &[Actor]) -> References {
        let mut list: Vec<Reference> = actors
            .iter()
            .enumerate()
            .flat_map(|(actor, a)| {
                a.mentions.iter().map(move |m| Reference {
                    span: m.span,
                    actor,
                    kind: m.kind,
                    sentence: m.sentence_index,
                    title: m.title,
                })
            })
            .collect();
        list.sort_by_key(|r| (r.span.start, r.span.end));
        References { list }
    }

    /// Adds a resolved pronoun or description, keeping the order.
    pub(crate) fn add(&mut self, reference: Reference) {
        let at =
            self.list.partition_point(|r| (r.span.start, r.span.end) <= (reference.span.start, reference.span.end));
        self.list.insert(at, reference);
    }

    /// The references starting in `[start, end)`.
    pub(crate) fn starting_in(&self, start: usize, end: usize) -> &[Reference] {
        let first = self.list.partition_point(|r| r.span.start < start);
        let last = self.list.partition_point(|r| r.span.start < end);
        &self.list[first..last.max(first)]
    }

    /// The references that start before byte `offset`, nearest first.
    pub(crate) fn before(&self, offset: usize) -> impl Iterator<Item = &Reference> {
        self.starting_in(0, offset).iter().rev()
    }

    /// The reference whose span overlaps `span`, other than demonyms and affiliations (which may lie inside a
    /// description).
    pub(crate) fn overlapping(&self, span: Span) -> Option<&Reference> {
        let first = self.list.partition_point(|r| r.span.end <= span.start);
        self.list[first..]
            .iter()
            .take_while(|r| r.span.start < span.end)
            .find(|r| r.span.overlaps(span) && !r.kind.qualifies())
    }

    /// Whether `span` lies inside the title written with a name ("and" in "Work and Pensions Secretary Alan
    /// Johnson").
    pub(crate) fn in_title(&self, span: Span) -> bool {
        self.starting_in(span.end, usize::MAX).iter().take(4).any(|r| r.title.is_some_and(|t| t.contains(span)))
    }

    /// Writes the resolved pronouns and descriptions into their actors' mentions, in text order.
    pub(crate) fn add_to(&self, text: &str, actors: &mut [Actor]) {
        for reference in &self.list {
            if matches!(reference.kind, MentionKind::Pronoun | MentionKind::Description) {
                actors[reference.actor].mentions.push(ActorMention {
                    span: reference.span,
                    surface: reference.span.slice(text).to_string(),
                    sentence_index: reference.sentence,
                    kind: reference.kind,
                    title: None,
                });
            }
        }
        for actor in actors {
            actor.mentions.sort_by_key(|m| (m.span.start, m.span.end));
        }
    }
}
