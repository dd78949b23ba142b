//! The rows of `quotes.csv`: one per attribution found, with its speaker resolved to an actor of the article.
//!
//! The speaker is the actor with a mention inside the attribution's source span, by name, description
//! ("the senator") or pronoun, as the actor stage resolved them; where several are, a person before an
//! organisation or a state (the person speaks in "Marjorie Dannenfelser, president of the Susan B. Anthony
//! List" and "Eric Trump, executive vice president of the Trump Organization"), then the one whose mention covers
//! the most of the source, then the last (the head of "Clinton campaign chairman John Podesta").
//! Mentions that only qualify another word ("Russian" in "Russian officials") speak for no one. A source that
//! holds no actor's mention ("a report", "critics") has no actor id; its words are still in `speaker_surface`.
//!
//! An attribution is `direct` when at least half of its content lies inside quotation marks, else `indirect`.

use super::find::FoundAttribution;
use crate::actors::ArticleActors;
use crate::span::Span;
use crate::text::Segmentation;
use crate::vocab::ActorType;

/// One attribution of an article, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRow {
    /// From the first content piece's start to the last one's end (bytes).
    pub span: Span,
    /// The content's pieces, joined by " … " where the content is interrupted (by its cue and source).
    pub text: String,
    pub direct: bool,
    /// The cue's words, pieces joined by a space.
    pub cue: String,
    /// The index of the speaking actor in the article's actors.
    pub speaker: Option<usize>,
    pub speaker_surface: String,
    pub confidence: f32,
}

/// The rows of an article's attributions, in text order; attributions without content are left out.
pub fn quote_rows(
    text: &str,
    segmentation: &Segmentation,
    found: &[FoundAttribution],
    actors: Option<&ArticleActors>,
) -> Vec<QuoteRow> {
    let mut rows: Vec<QuoteRow> = found
        .iter()
        .filter_map(|attribution| {
            let content = &attribution.attribution.content;
            let (first, last) = (content.first()?, content.last()?);
            let speaker_span = attribution.speaker();
            Some(QuoteRow {
                span: Span::new(first.start, last.end),
                text: content.iter().map(|piece| piece.slice(text)).collect::<Vec<_>>().join(" … "),
                direct: is_direct(segmentation, content),
                cue: attribution.attribution.cue.iter().map(|piece| piece.slice(text)).collect::<Vec<_>>().join(" "),
                speaker: speaker_span.and_then(|span| actors.and_then(|actors| speaker_of(actors, span))),
                speaker_surface: speaker_span.map(|span| span.slice(text).to_string()).unwrap_or_default(),
                confidence: attribution.confidence,
            })
        })
        .collect();
    rows.sort_by_key(|row| (row.span.start, row.span.end));
    rows
}

/// Whether at least half of the content's bytes lie inside quotations.
pub fn is_direct(segmentation: &Segmentation, content: &[Span]) -> bool {
    let total: usize = content.iter().map(|piece| piece.len()).sum();
    let quoted: usize = content
        .iter()
        .map(|piece| {
            segmentation
                .quotes_in(*piece)
                .iter()
                .map(|quote| piece.end.min(quote.span.end).saturating_sub(piece.start.max(quote.span.start)))
                .sum::<usize>()
        })
        .sum();
    total > 0 && 2 * quoted >= total
}

/// The actor speaking through `source`, as the module documentation says.
pub fn speaker_of(actors: &ArticleActors, source: Span) -> Option<usize> {
    let mut best: Option<((bool, usize, usize), usize)> = None; // ((a person, covered bytes, mention start), actor)
    for (index, actor) in actors.actors.iter().enumerate() {
        let person = actor.actor_type == ActorType::Person;
        for mention in actor.mentions.iter().filter(|m| !m.kind.qualifies() && m.span.overlaps(source)) {
            let covered = mention.span.end.min(source.end) - mention.span.start.max(source.start);
            let rank = (person, covered, mention.span.start);
            if best.is_none_or(|(b, _)| rank > b) {
                best = Some((rank, index));
            }
        }
    }
    best.map(|(_, actor)| actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{Actor, ActorMention, MentionKind};
    use crate::attribution::tests::{at, found};
    use crate::text::segment;
    use crate::vocab::ActorType;

    fn actor(text: &str, name: &str, mentions: &[(&str, MentionKind)]) -> Actor {
        Actor {
            name: name.into(),
            actor_type: ActorType::Person,
            mentions: mentions
                .iter()
                .map(|&(words, kind)| ActorMention {
                    span: at(text, words),
                    surface: words.into(),
                    sentence_index: 0,
                    kind,
                    title: None,
                })
                .collect(),
            country: None,
            titles: Vec::new(),
            gender: None,
        }
    }

    #[test]
    fn direct_and_indirect_rows_name_their_speakers() {
        let text = "\"We will win,\" said Senator Jane Smith. A report says the plan failed.";
        let segmentation = segment(text);
        let actors = ArticleActors {
            actors: vec![actor(text, "Jane Smith", &[("Jane Smith", MentionKind::Name)])],
            quotes: Vec::new(),
        };
        let found = vec![
            found(text, "Senator Jane Smith", "said", "We will win,", 0.8),
            found(text, "A report", "says", "the plan failed", 0.7),
        ];
        let rows = quote_rows(text, &segmentation, &found, Some(&actors));
        assert_eq!(rows.len(), 2);
        assert!(rows[0].direct && !rows[1].direct);
        assert_eq!((rows[0].speaker, rows[0].speaker_surface.as_str()), (Some(0), "Senator Jane Smith"));
        assert_eq!((rows[1].speaker, rows[1].speaker_surface.as_str()), (None, "A report"));
        assert_eq!(rows[1].text, "the plan failed");
    }

    #[test]
    fn a_person_named_with_the_organisation_they_lead_is_the_speaker() {
        let text = "\"We thank the president,\" said Marjorie Dannenfelser, president of the Susan B. Anthony List. \
                    Students for Life of America president Kristan Hawkins said the rule was welcome. The Susan B. \
                    Anthony List said it would appeal.";
        let segmentation = segment(text);
        let list = Actor {
            actor_type: ActorType::Organisation,
            ..actor(text, "Susan B. Anthony List", &[("Susan B. Anthony List", MentionKind::Name)])
        };
        let mut list_again = list.mentions[0].clone();
        list_again.span = Span::new(text.rfind("Susan B.").unwrap(), text.rfind(" List").unwrap() + 5);
        let list = Actor { mentions: vec![list.mentions[0].clone(), list_again], ..list };
        let students = Actor {
            actor_type: ActorType::Organisation,
            ..actor(text, "Students for Life of America", &[("Students for Life of America", MentionKind::Name)])
        };
        let actors = ArticleActors {
            actors: vec![
                actor(text, "Marjorie Dannenfelser", &[("Marjorie Dannenfelser", MentionKind::Name)]),
                list,
                students,
                actor(text, "Kristan Hawkins", &[("Kristan Hawkins", MentionKind::Name)]),
            ],
            quotes: Vec::new(),
        };
        let found = vec![
            found(
                text,
                "Marjorie Dannenfelser, president of the Susan B. Anthony List",
                "said",
                "We thank the president,",
                0.8,
            ),
            found(text, "Students for Life of America president Kristan Hawkins", "said", "the rule was welcome", 0.8),
            found(text, "The Susan B. Anthony List", "said", "it would appeal", 0.8),
        ];
        let rows = quote_rows(text, &segmentation, &found, Some(&actors));
        let speakers: Vec<Option<usize>> = rows.iter().map(|row| row.speaker).collect();
        assert_eq!(speakers, [Some(0), Some(3), Some(1)]);
    }
}
