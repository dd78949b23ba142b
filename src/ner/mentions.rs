//! Mentions in an article: the entity model's spans, each placed in its sentence and, where the gazetteer
//! says the name stands for a state, given that state's country code; plus the state institutions the model
//! missed ("the Kremlin"), which the gazetteer finds on its own.
//!
//! An entity inside an e-mail or web address ("derek.greene@ucd.ie", "https://www.bbc.co.uk/news") names no
//! actor and is left out: the model tags such addresses as people or organisations now and then.
//!
//! The model sometimes splits one organisation's name into two entities side by side ("Liberal" + "Democrats",
//! "Lib" + "Dems"): two organisation or MISC entities, neither a state, with a single space between them are
//! one mention, an organisation if either was.

use crate::span::Span;
use crate::text::Segmentation;

use super::decode::EntitySpan;
use super::labels::EntityType;
use crate::lexicon::gazetteer::{Gazetteer, PlaceKind};

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
    /// How the name stands for that state (its gazetteer entry's kind: the country's name, its capital, an
    /// institution, a demonym), so that later stages need not look it up again.
    pub place_kind: Option<PlaceKind>,
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
        EntityType::Issue | EntityType::Source | EntityType::Cue | EntityType::Content => false,
    }
}

/// Turns the model's entities in `text` into mentions, in text order.
pub fn mentions(
    text: &str,
    segmentation: &Segmentation,
    entities: &[EntitySpan],
    gazetteer: &Gazetteer,
) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(entities.len());
    for entity in entities.iter().filter(|e| !in_address(text, e.span)) {
        let place = gazetteer.lookup(entity.span.slice(text)).filter(|entry| fits(entity.entity_type, entry.kind));
        let (country, place_kind) = (place.map(|entry| entry.country.clone()), place.map(|entry| entry.kind));
        let joins = |last: &Mention| {
            let kinds = [last.entity_type, entity.entity_type];
            kinds.iter().all(|t| matches!(t, EntityType::Org | EntityType::Misc))
                && last.country.is_none()
                && country.is_none()
                && last.span.end < entity.span.start
                && &text[last.span.end..entity.span.start] == " "
        };
        match out.last_mut() {
            Some(last) if joins(last) => {
                last.span = Span::new(last.span.start, entity.span.end);
                last.confidence = last.confidence.min(entity.confidence);
                if entity.entity_type == EntityType::Org {
                    last.entity_type = EntityType::Org;
                }
            }
            _ => out.push(Mention {
                span: entity.span,
                entity_type: entity.entity_type,
                confidence: entity.confidence,
                sentence_index: 0,
                country,
                place_kind,
                source: MentionSource::Model,
            }),
        }
    }
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
            place_kind: Some(entry.kind),
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

/// Whether `span` lies in an e-mail address or a web address: the whitespace-delimited text around it has an `@`
/// between a name and a domain, `://`, or starts with `www.`.
fn in_address(text: &str, span: Span) -> bool {
    let start =
        text[..span.start].char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[span.end..].find(char::is_whitespace).map_or(text.len(), |i| span.end + i);
    let word = &text[start..end];
    let email = word.find('@').is_some_and(|at| at > 0 && word[at + 1..].contains('.'));
    email || word.contains("://") || word.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www."))
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
    fn addresses_are_no_mentions_but_a_name_beside_one_is() {
        let text =
            "Contact Derek Greene at derek.greene@ucd.ie, see https://www.bbc.co.uk/news or www.ucd.ie; @Ruiz said.";
        let entities = [
            entity(text, "Derek Greene", EntityType::Per),
            entity(text, "derek.greene@ucd.ie", EntityType::Per),
            entity(text, "bbc.co.uk", EntityType::Org),
            entity(text, "ucd.ie;", EntityType::Org),
            entity(text, "Ruiz", EntityType::Per),
        ];
        let found = mentions(text, &segment(text), &entities, &gazetteer());
        let names: Vec<&str> = found.iter().map(|m| m.span.slice(text)).collect();
        assert_eq!(names, ["Derek Greene", "Ruiz"], "a handle is a name, an address is not");
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

    #[test]
    fn an_organisation_split_in_two_is_one_mention_but_a_state_and_a_name_stay_apart() {
        let text = "The Lib Dems and Liberal Democrats met Moscow Dynamo, not Labour, in Geneva City.";
        let entities = [
            entity(text, "Lib", EntityType::Org),
            entity(text, "Dems", EntityType::Misc),
            entity(text, "Liberal", EntityType::Misc),
            entity(text, "Democrats", EntityType::Misc),
            entity(text, "Moscow", EntityType::Org),
            entity(text, "Dynamo", EntityType::Org),
            entity(text, "Labour", EntityType::Org),
            entity(text, "Geneva", EntityType::Loc),
            entity(text, "City", EntityType::Loc),
        ];
        let found = mentions(text, &segment(text), &entities, &gazetteer());
        let summary: Vec<(&str, EntityType)> = found.iter().map(|m| (m.span.slice(text), m.entity_type)).collect();
        assert_eq!(
            summary,
            [
                ("Lib Dems", EntityType::Org),
                ("Liberal Democrats", EntityType::Misc),
                ("Moscow", EntityType::Org),
                ("Dynamo", EntityType::Org),
                ("Labour", EntityType::Org),
                ("Geneva", EntityType::Loc),
                ("City", EntityType::Loc),
            ]
        );
    }
}
