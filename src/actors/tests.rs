//! [`resolve`] on whole articles: a short one written for these tests, with mentions made by hand, and the AP
//! article in `../shared/corpus` run through the shipped entity model.

use std::path::{Path, PathBuf};

use super::chains::tests::{gazetteer, lexicon, mentions};
use super::*;
use crate::ner::labels::EntityType::{Loc, Misc, Org, Per};
use crate::text::segment;

/// Written for these tests: titles, an honorific, a pronoun, descriptions, metonyms, a relative clause, reported
/// speech and quotations with each kind of cue, one paragraph per line.
const TALKS: &str = "Envoys trade warnings in Geneva
GENEVA (AP) — President Elena Ruiz met Russian Foreign Minister Sergei Lavrov on Wednesday. Mrs. Ruiz said the talks were “frank.”
“We did not come to concede,” she told reporters. The minister said Moscow would not budge.
The Kremlin said Russia wanted guarantees. Lavrov, who met NATO officials, warned that the alliance was expanding.
“The West is not listening,” Lavrov said. “It never has.”
According to the White House, the president will call him next week.
";

fn talks() -> (Segmentation, ArticleActors) {
    let names = [
        ("Geneva", Loc, 0),
        ("Elena Ruiz", Per, 0),
        ("Russian", Misc, 0),
        ("Sergei Lavrov", Per, 0),
        ("Ruiz", Per, 1),
        ("Moscow", Loc, 0),
        // "Russia" #0 is inside "Russian".
        ("Russia", Loc, 1),
        ("Lavrov", Per, 1),
        ("NATO", Org, 0),
        ("Lavrov", Per, 2),
    ];
    let segmentation = segment(TALKS);
    let article = resolve(TALKS, &segmentation, &mentions(TALKS, &names), &lexicon());
    (segmentation, article)
}

/// An actor as the tests read it: name, type, and each mention's surface and kind.
type ActorSummary<'a> = (&'a str, &'a str, Vec<(&'a str, MentionKind)>);

#[test]
fn every_reference_of_a_short_article_finds_its_actor() {
    let (_, article) = talks();
    let found: Vec<ActorSummary> = article
        .actors
        .iter()
        .map(|a| {
            for m in &a.mentions {
                assert_eq!(m.span.slice(TALKS), m.surface);
            }
            (a.name.as_str(), a.actor_type.as_str(), a.mentions.iter().map(|m| (m.surface.as_str(), m.kind)).collect())
        })
        .collect();
    use MentionKind::*;
    assert_eq!(
        found,
        [
            ("Geneva", "place", vec![("Geneva", Name)]),
            (
                "Elena Ruiz",
                "person",
                vec![("Elena Ruiz", Name), ("Ruiz", Name), ("she", Pronoun), ("the president", Description)]
            ),
            (
                "Russia",
                "country",
                vec![("Russian", Demonym), ("Moscow", Metonym), ("Kremlin", Metonym), ("Russia", Name)]
            ),
            (
                "Sergei Lavrov",
                "person",
                vec![
                    ("Sergei Lavrov", Name),
                    ("The minister", Description),
                    ("Lavrov", Name),
                    ("Lavrov", Name),
                    ("him", Pronoun)
                ]
            ),
            ("NATO", "organisation", vec![("NATO", Name), ("the alliance", Description)]),
            ("United States", "country", vec![("White House", Metonym)]),
        ]
    );
    let ruiz = &article.actors[1];
    assert_eq!(ruiz.gender, Some(Gender::Female));
    assert_eq!(article.actors[3].country.as_deref(), Some("RU"), "from “Russian Foreign Minister”");
}

#[test]
fn every_quotation_and_reported_clause_of_a_short_article_has_its_speaker() {
    let (segmentation, article) = talks();
    let found: Vec<(&str, bool, Option<&str>, Option<Cue>)> = article
        .quotes
        .iter()
        .map(|q| (q.span.slice(TALKS), q.direct, q.speaker.map(|s| article.actors[s].name.as_str()), q.cue))
        .collect();
    assert_eq!(
        found,
        [
            ("the talks were “frank.”", false, Some("Elena Ruiz"), Some(Cue::SaidThat)),
            ("“frank.”", true, Some("Elena Ruiz"), Some(Cue::SaidBefore)),
            ("“We did not come to concede,”", true, Some("Elena Ruiz"), Some(Cue::SaidAfter)),
            ("Moscow would not budge", false, Some("Sergei Lavrov"), Some(Cue::SaidThat)),
            ("Russia wanted guarantees", false, Some("Russia"), Some(Cue::SaidThat)),
            ("the alliance was expanding", false, Some("Sergei Lavrov"), Some(Cue::SaidThat)),
            ("“The West is not listening,”", true, Some("Sergei Lavrov"), Some(Cue::SaidAfter)),
            ("“It never has.”", true, Some("Sergei Lavrov"), Some(Cue::SameParagraph)),
            ("the president will call him next week", false, Some("United States"), Some(Cue::AccordingTo)),
        ]
    );
    let holders: Vec<Option<&str>> = (0..segmentation.sentences.len())
        .map(|i| holder_of_sentence(&article, &segmentation, i).map(|a| article.actors[a].name.as_str()))
        .collect();
    let quoted: Vec<(&str, Option<&str>)> = segmentation
        .sentences
        .iter()
        .zip(&holders)
        .filter(|(s, _)| s.in_quote)
        .map(|(s, h)| (s.span.slice(TALKS), *h))
        .collect();
    assert_eq!(
        quoted,
        [
            ("“We did not come to concede,” she told reporters.", Some("Elena Ruiz")),
            ("“The West is not listening,” Lavrov said.", Some("Sergei Lavrov")),
            ("“It never has.”", Some("Sergei Lavrov")),
        ]
    );
}

#[test]
fn an_article_without_mentions_or_text_has_no_actors() {
    assert_eq!(resolve("", &segment(""), &[], &lexicon()), ArticleActors::default());
    let text = "“Nothing,” he said. It rained.";
    let article = resolve(text, &segment(text), &[], &lexicon());
    assert!(article.actors.is_empty());
    assert_eq!(article.quotes.len(), 1);
    assert_eq!(article.quotes[0].speaker, None);
    assert_eq!(article.quotes[0].cue, Some(Cue::SaidAfter));
}

#[test]
fn an_article_of_many_repeated_stories_resolves_each_story_alike() {
    const COPIES: usize = 300;
    let (_, single) = talks();
    let text = TALKS.repeat(COPIES);
    // Every occurrence of each name, longest names first, none inside another.
    let names = [
        ("Sergei Lavrov", Per),
        ("Elena Ruiz", Per),
        ("Russian", Misc),
        ("Geneva", Loc),
        ("Lavrov", Per),
        ("Moscow", Loc),
        ("Russia", Loc),
        ("Ruiz", Per),
        ("NATO", Org),
    ];
    let mut entities: Vec<crate::ner::decode::EntitySpan> = Vec::new();
    for (needle, entity_type) in names {
        for (start, _) in text.match_indices(needle) {
            let span = Span::new(start, start + needle.len());
            if !entities.iter().any(|e| e.span.overlaps(span)) {
                entities.push(crate::ner::decode::EntitySpan { span, entity_type, confidence: 0.9 });
            }
        }
    }
    entities.sort_by_key(|e| e.span.start);
    let segmentation = segment(&text);
    let found = crate::ner::mentions::mentions(&text, &segmentation, &entities, &gazetteer());
    let article = resolve(&text, &segmentation, &found, &lexicon());
    let counts = |article: &ArticleActors| -> Vec<(String, usize)> {
        article.actors.iter().map(|a| (a.name.clone(), a.mentions.len())).collect()
    };
    let expected: Vec<(String, usize)> = counts(&single).into_iter().map(|(name, n)| (name, n * COPIES)).collect();
    assert_eq!(counts(&article), expected);
    assert_eq!(article.quotes.len(), single.quotes.len() * COPIES);
    let speakers = |article: &ArticleActors| -> Vec<Option<String>> {
        article.quotes.iter().map(|q| q.speaker.map(|s| article.actors[s].name.clone())).collect()
    };
    let one_story = speakers(&single);
    let expected: Vec<Option<String>> = (0..COPIES).flat_map(|_| one_story.iter().cloned()).collect();
    assert_eq!(speakers(&article), expected);
}

/// The AP article of the shared corpus, if this checkout has it (third-party text: never copied here).
fn ap_article() -> Option<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("ap-2021-06-biden-putin")))
}

#[test]
fn the_ap_article_chains_its_leaders_and_attributes_their_quotations_needs_shared() {
    let Some(path) = ap_article() else {
        eprintln!("skipped: the AP article is not in ../shared/corpus");
        return;
    };
    let installed = crate::model::BaseEncoder::ALL.iter().all(|b| b.default_dir().join("model.safetensors").is_file());
    if !installed {
        eprintln!("skipped: the base encoders are not installed (scripts/setup.sh)");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    tch::set_num_threads(2);
    let model = crate::ner::model::EntityModel::load(&repo.join("models/ner-fast"), tch::Device::Cpu).unwrap();
    let shipped = crate::lexicon::gazetteer::Gazetteer::from_path(&repo.join("models/gazetteer.tsv")).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let segmentation = segment(&text);
    let units: Vec<Span> = segmentation.paragraphs.iter().map(|p| p.span).collect();
    let entities = crate::ner::tagger::find_entities(&model, &text, &units, 32).unwrap();
    let found = crate::ner::mentions::mentions(&text, &segmentation, &entities, &shipped);
    let article = resolve(&text, &segmentation, &found, &Lexicon::with_gazetteer(shipped));
    print_article(&text, &article);

    let people_named = |surname: &str| -> Vec<&Actor> {
        article
            .actors
            .iter()
            .filter(|a| a.actor_type == ActorType::Person && a.mentions.iter().any(|m| m.surface.contains(surname)))
            .collect()
    };
    for surname in ["Biden", "Putin", "Trump", "Bush"] {
        let actors = people_named(surname);
        assert_eq!(actors.len(), 1, "{surname}: {:?}", actors.iter().map(|a| &a.name).collect::<Vec<_>>());
        assert!(actors[0].mentions_of(MentionKind::Name).count() >= 2, "{surname}: {:?}", actors[0].mentions);
    }
    let putin = people_named("Putin")[0];
    let surfaces: Vec<&str> = putin.mentions.iter().map(|m| m.surface.as_str()).collect();
    assert!(surfaces.contains(&"Vladimir Putin") && surfaces.contains(&"Putin"), "{surfaces:?}");
    assert!(putin.mentions_of(MentionKind::Pronoun).count() >= 3, "{surfaces:?}");

    let country = |name: &str| article.actors.iter().find(|a| a.actor_type == ActorType::Country && a.name == name);
    let russia = country("Russia").expect("a Russia actor");
    for metonym in ["Kremlin", "Moscow"] {
        assert!(
            russia.mentions.iter().any(|m| m.surface.ends_with(metonym) && m.kind == MentionKind::Metonym),
            "{metonym}"
        );
    }
    let united_states = country("United States").expect("a United States actor");
    for metonym in ["White House", "Washington"] {
        assert!(
            united_states.mentions.iter().any(|m| m.surface.ends_with(metonym) && m.kind == MentionKind::Metonym),
            "{metonym}"
        );
    }

    let speaker_of = |opening: &str| -> Option<&str> {
        let quote = article.quotes.iter().find(|q| q.direct && q.span.slice(&text).starts_with(opening))?;
        quote.speaker.map(|s| article.actors[s].name.as_str())
    };
    let biden = people_named("Biden")[0].name.as_str();
    let bush = people_named("Bush")[0].name.as_str();
    // Quotations are named by their first words only.
    assert_eq!(speaker_of("“There is no guarantee"), Some(biden));
    assert_eq!(speaker_of("“And in fact"), Some(biden));
    assert_eq!(speaker_of("“Isn’t it"), Some(putin.name.as_str()));
    assert_eq!(speaker_of("“seen the man"), Some(bush));
    assert_eq!(speaker_of("“I was able"), Some(bush));
    assert_eq!(speaker_of("“a field where"), people_named("Sullivan").first().map(|a| a.name.as_str()));
}

/// What the resolver found, for tuning by eye: actors with their mentions, then quotations with speakers.
fn print_article(text: &str, article: &ArticleActors) {
    for (index, actor) in article.actors.iter().enumerate() {
        let mentions: Vec<String> =
            actor.mentions.iter().map(|m| format!("{}[{}]", m.surface, &m.kind.as_str()[..1])).collect();
        let titles: Vec<&str> = actor.titles.iter().map(|t| t.role.as_str()).collect();
        println!(
            "actor {index} {} ({}, {} mentions, country {:?}, titles {titles:?}, gender {:?}): {}",
            actor.name,
            actor.actor_type.as_str(),
            actor.mentions.len(),
            actor.country,
            actor.gender,
            mentions.join(", ")
        );
    }
    for actor in &article.actors {
        for mention in
            actor.mentions.iter().filter(|m| matches!(m.kind, MentionKind::Pronoun | MentionKind::Description))
        {
            let from = text[..mention.span.start].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
            let context = text[from..mention.span.end].replace('\n', " ");
            println!("  {} -> {} | …{context}", mention.surface, actor.name);
        }
    }
    for quote in &article.quotes {
        let quoted: String = quote.span.slice(text).chars().take(60).collect();
        println!(
            "{} {:?} -> {} by {:?} via {:?}",
            if quote.direct { "quote" } else { "reported" },
            quoted,
            quote.speaker.map_or("?", |s| article.actors[s].name.as_str()),
            quote.speaker_span.map(|s| s.slice(text)),
            quote.cue.map(Cue::as_str)
        );
    }
}
