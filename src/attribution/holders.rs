//! The tagger's attributions as holders: each content's speaker holds the stances of the sentences and clauses
//! of that content, through the same quotation list ([`ArticleActors::quotes`]) that the speaker rules
//! (`actors/speakers.rs`) fill.
//!
//! A content becomes one quotation per sentence it covers (its part in that sentence), with the speaker resolved
//! to an actor as `quotes.csv` names it ([`super::quotes::speaker_of`]); only people, organisations and states
//! speak. [`Speakers`] says whose quotations the holders read: the rules', the tagger's (the default: the
//! rules add nothing to it on SEESAW valid), or the tagger's with the rules' where the tagger found no content.

use super::find::FoundAttribution;
use super::quotes::{is_direct, speaker_of};
use crate::actors::{ArticleActors, Cue, QuoteAttribution};
use crate::span::Span;
use crate::text::Segmentation;
use crate::vocab::ActorType;

/// Whose attributions decide who holds a quoted or reported sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Speakers {
    /// The speaker rules only (the attribution tagger still writes quotes.csv).
    Rules,
    /// The attribution tagger only (SEESAW valid, fast tier: article F1 .2296, against .2127 with the rules').
    #[default]
    Tagger,
    /// The tagger's attributions, and the rules' where the tagger found no content (.2295).
    Both,
}

/// The tagger's attributions of an article as quotations, one per sentence of each content piece, in text order.
pub fn quotations(
    segmentation: &Segmentation,
    found: &[FoundAttribution],
    actors: &ArticleActors,
) -> Vec<QuoteAttribution> {
    let mut out = Vec::new();
    for attribution in found {
        // The holder's span is the whole source ("Senator Grace Okafor"): the stance model sees it marked, and
        // nothing inside it is a target (SEESAW valid: article F1 .2296, against .2229 with the name alone).
        let speaker_span = attribution.speaker();
        let speaker = speaker_span.and_then(|span| speaker_of(actors, span)).filter(|&index| {
            matches!(actors.actors[index].actor_type, ActorType::Person | ActorType::Organisation | ActorType::Country)
        });
        let cue_span = attribution.attribution.cue.first().copied();
        for piece in &attribution.attribution.content {
            let first = segmentation.sentences.partition_point(|s| s.span.end <= piece.start);
            for sentence in segmentation.sentences[first..].iter().take_while(|s| s.span.start < piece.end) {
                let part = Span::new(piece.start.max(sentence.span.start), piece.end.min(sentence.span.end));
                if part.is_empty() {
                    continue;
                }
                out.push(QuoteAttribution {
                    span: part,
                    direct: is_direct(segmentation, &[part]),
                    speaker,
                    speaker_span,
                    cue: Some(Cue::Tagged),
                    cue_span,
                });
            }
        }
    }
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// The quotations the holders read: `rules` (the speaker rules'), `tagged` (from [`quotations`]) or both, as
/// `speakers` says; with both, a rule's quotation is kept only where no tagged content with a speaker overlaps it.
pub fn combine(
    rules: Vec<QuoteAttribution>,
    tagged: Vec<QuoteAttribution>,
    speakers: Speakers,
) -> Vec<QuoteAttribution> {
    let mut out = match speakers {
        Speakers::Rules => return rules,
        Speakers::Tagger => tagged,
        Speakers::Both => {
            let spoken: Vec<Span> = tagged.iter().filter(|q| q.speaker.is_some()).map(|q| q.span).collect();
            let index = crate::span::SpanIndex::new(spoken.iter().copied());
            let mut out: Vec<QuoteAttribution> = rules
                .into_iter()
                .filter(|q| !spoken[index.around(q.span)].iter().any(|s| s.overlaps(q.span)))
                .collect();
            out.extend(tagged);
            out
        }
    };
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{lexicon, mentions};
    use crate::attribution::tests::found as found_attribution;
    use crate::ner::labels::EntityType::{Org, Per};
    use crate::pairs::{build, Candidates, Holders, Target};
    use crate::targets::Topics;
    use crate::text::segment;

    #[test]
    fn a_tagged_speaker_holds_the_stance_of_the_content_not_its_subject() {
        // The rules read "Nato" as the holder of the second sentence: its subject, with no speech verb to see.
        let text = "Anna Berg spoke in Oslo. Nato is failing Ukraine, the minister fears.";
        let names = [("Anna Berg", Per, 0), ("Nato", Org, 0), ("Ukraine", Org, 0)];
        let segmentation = segment(text);
        let mut actors = crate::actors::resolve(text, &segmentation, &mentions(text, &names), &lexicon());
        let asked = |actors: &ArticleActors| -> Vec<(String, String)> {
            let subjects = Candidates { topics: Topics::default(), auto_targets: false, holders: Holders::Subjects };
            build(text, &segmentation, actors, &subjects, &[], &lexicon())
                .iter()
                .filter_map(|p| match p.target {
                    Target::Actor(index) => {
                        Some((actors.actors[p.holder].name.clone(), actors.actors[index].name.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        let by_rules = asked(&actors);
        assert!(by_rules.iter().any(|(holder, _)| holder == "Nato"), "{by_rules:?}");
        let found = [found_attribution(text, "the minister", "fears", "Nato is failing Ukraine", 0.9)];
        // "the minister" is a description the actor stage resolves to Anna Berg only with a title; here it names
        // no one, so the content has no speaker and the rules' holder stays.
        let tagged = quotations(&segmentation, &found, &actors);
        assert_eq!(tagged.len(), 1);
        assert_eq!(tagged[0].speaker, None);
        // With the source on her name, she holds the content's stances, toward what it names.
        let found = [found_attribution(text, "Anna Berg", "fears", "Nato is failing Ukraine", 0.9)];
        let tagged = quotations(&segmentation, &found, &actors);
        assert_eq!(tagged[0].speaker.map(|s| actors.actors[s].name.as_str()), Some("Anna Berg"));
        actors.quotes = combine(std::mem::take(&mut actors.quotes), tagged, Speakers::Both);
        let by_tagger = asked(&actors);
        assert!(by_tagger.contains(&("Anna Berg".into(), "Nato".into())), "{by_tagger:?}");
        assert!(by_tagger.contains(&("Anna Berg".into(), "Ukraine".into())), "{by_tagger:?}");
        assert!(!by_tagger.iter().any(|(holder, _)| holder == "Nato"), "{by_tagger:?}");
    }

    #[test]
    fn a_content_over_two_sentences_is_one_quotation_each_and_both_keeps_the_rules_elsewhere() {
        let text = "Lee said the plan works. It will last. \"We agree,\" Kim said.";
        let names = [("Lee", Per, 0), ("Kim", Per, 0)];
        let segmentation = segment(text);
        let actors = crate::actors::resolve(text, &segmentation, &mentions(text, &names), &lexicon());
        let found = [found_attribution(text, "Lee", "said", "the plan works. It will last.", 0.9)];
        let tagged = quotations(&segmentation, &found, &actors);
        let parts: Vec<&str> = tagged.iter().map(|q| q.span.slice(text)).collect();
        assert_eq!(parts, ["the plan works.", "It will last."]);
        let rules = actors.quotes.clone();
        let kim = rules.iter().find(|q| q.span.slice(text).contains("We agree")).expect("the rules find Kim's quote");
        let both = combine(rules.clone(), tagged.clone(), Speakers::Both);
        assert!(both.contains(kim), "a rule quotation no tagged content overlaps is kept");
        assert!(!both.iter().any(|q| q.cue == Some(Cue::SaidThat)), "the rules' clause gives way: {both:?}");
        assert_eq!(combine(rules.clone(), tagged.clone(), Speakers::Tagger), tagged);
        assert_eq!(combine(rules.clone(), tagged, Speakers::Rules), rules);
    }
}
