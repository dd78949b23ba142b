//! Mentions in an article: the entity model's spans, each placed in its sentence and, where the gazetteer
//! says the name stands for a state, given that state's country code; plus the state institutions the model
//! missed ("the Kremlin"), which the gazetteer finds on its own.

use crate::span::Span;
use crate::text::Segmentation;

use super::decode::EntitySpan;
use super::gazetteer::{Gazetteer, PlaceKind};
use super::labels::EntityType;

/// Where a mention came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionSource {
    Model,
    Gazetteer,
}

impl MentionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionSource::Model => "model",
            MentionSource::Gazetteer => "gazetteer",
        }
    }
}

/// A name in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    pub entity_type: EntityType,
    pub confidence: f32,
    /// The sentence holding the mention's start.
    pub sentence_index: usize,
    /// ISO 3166-1 alpha-2 code of the state the name stands for, if it does.
    pub country: Option<String>,
    pub source: MentionSource,
}

/// Whether a gazetteer entry of `kind` may say what a mention of `entity_type` stands for: a person is never a
/// state; places may be countries or capitals; organisations institutions, capitals or countries ("Moscow
/// said"); MISC names only demonyms ("Russian").
fn fits(entity_type: EntityType, kind: PlaceKind) -> bool {
    match entity_type {
        EntityType::Per => false,
        EntityType::Loc => matches!(kind, PlaceKind::Country | PlaceKind::Capital | PlaceKind::Institution),
        EntityType::Org => matches!(kind, PlaceKind::Country | PlaceKind::Capital | PlaceKind::Institution),
        EntityType::Misc => matches!(kind, PlaceKind::Demonym | PlaceKind::Country),
    }
}

/// Turns the model's entities in `text` into mentions, in text order.
pub fn mentions(
    text: &str,
    segmentation: &Segmentation,
    entities: &[EntitySpan],
    gazetteer: &Gazetteer,
) -> Vec<Mention> {
    let mut out: Vec<Mention> = entities
        .iter()
        .map(|entity| Mention {
            span: entity.span,
            entity_type: entity.entity_type,
            confidence: entity.confidence,
            sentence_index: 0,
            country: gazetteer
                .lookup(entity.span.slice(text))
                .filter(|entry| fits(entity.entity_type, entry.kind))
                .map(|entry| entry.country.clone()),
            source: MentionSource::Model,
        })
        .collect();
    for (span, entry) in gazetteer.find_in(text) {
        if entry.kind != PlaceKind::Institution || out.iter().any(|m| m.span.overlaps(span)) {
            continue;
        }
        out.push(Mention {
            span,
            entity_type: EntityType::Org,
            confidence: 1.0,
            sentence_index: 0,
            country: Some(entry.country.clone()),
            source: MentionSource::Gazetteer,
        });
    }
    out.sort_by_key(|m| (m.span.start, m.span.end));
    for mention in &mut out {
        mention.sentence_index = segmentation
            .sentences
            .partition_point(|s| s.span.end <= mention.span.start)
            .min(segmentation.sentences.len().saturating_sub(1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    fn gazetteer() -> Gazetteer {
        let tsv = "name\tcountry\tkind\tcanonical\nRussia\tRU\tcountry\tRussia\nMoscow\tRU\tcapital\tRussia\n\
                   Kremlin\tRU\tinstitution\tRussia\nWashington\tUS\tcapital\tUnited States\n";
        Gazetteer::from_reader("test", tsv.as_bytes()).unwrap()
    }

    fn entity(text: &str, needle: &str, entity_type: EntityType) -> EntitySpan {
        let start = text.find(needle).unwrap();
        EntitySpan { span: Span::new(start, start + needle.len()), entity_type, confidence: 0.9 }
    }

    #[test]
    fn states_are_flagged_by_type_and_missed_institutions_are_added() {
        let text = "Denzel Washington flew to Moscow. The Kremlin said nothing.";
        let entities = [entity(text, "Denzel Washington", EntityType::Per), entity(text, "Moscow", EntityType::Loc)];
        let found = mentions(text, &segment(text), &entities, &gazetteer());
        let summary: Vec<(&str, Option<&str>, usize, MentionSource)> =
            found.iter().map(|m| (m.span.slice(text), m.country.as_deref(), m.sentence_index, m.source)).collect();
        assert_eq!(
            summary,
            [
                ("Denzel Washington", None, 0, MentionSource::Model),
                ("Moscow", Some("RU"), 0, MentionSource::Model),
                ("Kremlin", Some("RU"), 1, MentionSource::Gazetteer),
            ]
        );
    }
}
