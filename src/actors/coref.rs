//! Pronouns and descriptions: which actor "he", "its" or "the president" stands for.
//!
//! Stances are often stated about or by an actor who is not named in that sentence ("He said in an interview
//! that…"), so these references matter as much as names. The rules look only backwards, at what the reader
//! has seen, and prefer leaving a reference unresolved to guessing:
//!
//! * **he / him / his / himself, she / her / hers / herself** go to a person named (or already referred to) in the
//!   pronoun's sentence or the three before it. First choice: the *subject* of the pronoun's own sentence, if it comes
//!   before the pronoun; then the person named last before it in its own main clause ("everyone stares at Vladimir
//!   Putin’s eyes and discusses his soul"); then the subject of the nearest earlier sentence that has one; then the
//!   most recently mentioned person. The subject is read without syntax: the first person named in the sentence's main
//!   clause (after a leading clause such as "When it came to evaluating Putin," and not right after a preposition:
//!   "about Putin" is no subject). An object pronoun ("him", "her") in the same clause as the subject is never the
//!   subject ("Trump praised Putin and paid tribute to him").
//! * **Gender** comes from the text only: honorifics and gendered titles (see `names.rs`), and pronouns once
//!   resolved, but only when a single person of the right (or unknown) gender was in reach, so that one
//!   guess does not teach the next. A person whose gender is known never takes the other pronoun.
//! * **its** goes to an organisation or state: the subject of its sentence, else the only one named before
//!   it in the sentence, else the subject of the previous sentence. **they / them / their / theirs /
//!   themselves** are resolved only when the subject of their own sentence is an organisation or state and no
//!   person and no plural-looking word comes between ("NATO said they…"), since they usually mean people.
//!   "it" is never resolved (most often it refers to no actor: "it is clear").
//! * **Descriptions** `the [former] [state] ROLE [of STATE]`: a person's role ("the president", "the Russian leader",
//!   "the foreign minister", "the former president") goes to a person with a title that fits (`Title::fits`: "leader"
//!   fits presidents, prime ministers, kings…), former titles only for "the former…", and, when the description names a
//!   state, only a person whose title names that state ("Russian President Vladimir Putin"); among those, preferred as
//!   for pronouns (the subject of its own sentence, of the nearest earlier ones), else the most recently mentioned,
//!   however far back. An organisation's role ("the company", "the alliance") goes to the most recent organisation in
//!   the three sentences before. A role followed by a name is a title, not a description ("the Russian leader Vladimir
//!   Putin"), and "the president of Harvard" names someone else.
//! * Pronouns inside quotations belong to the speaker's own words: they are resolved after the speakers are
//!   known, to the most recent fitting person who is not the speaker, and left alone when the speaker is not
//!   known. Pronouns outside quotations are resolved first, in text order, so that `"…," he said` can
//!   attribute the quotation.

use std::collections::BTreeSet;

use crate::lexicon::Words;
use crate::span::Span;
use crate::text::Segmentation;

use super::references::{Reference, References};
use super::speakers::QuoteAttribution;
use super::words::ArticleWords;
use super::{sentence_at, Actor, MentionKind};
use crate::vocab::{ActorType, Gender};

/// How many sentences before its own a pronoun looks back.
const WINDOW: usize = 3;

/// A third-person pronoun, as the rules tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pronoun {
    /// he, she and their forms; `object` for "him" and the object "her".
    Person {
        gender: Gender,
        object: bool,
    },
    /// they, them, their, theirs, themselves.
    Plural,
    Its,
}

/// A description found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Description {
    span: Span,
    role: Role,
    former: bool,
    /// The state it names: "the Russian president", "the President of the United States".
    country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// The role words a title must fit.
    Person(String),
    Organisation,
}

/// Resolves the pronouns and descriptions of one article into references to its actors.
pub(crate) struct Resolver<'a> {
    segmentation: &'a Segmentation,
    words: &'a ArticleWords<'a>,
    actors: &'a [Actor],
    genders: Vec<Option<Gender>>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(
        segmentation: &'a Segmentation,
        words: &'a ArticleWords<'a>,
        actors: &'a [Actor],
    ) -> Resolver<'a> {
        let genders = actors.iter().map(|a| a.gender).collect();
        Resolver { segmentation, words, actors, genders }
    }

    /// Each actor's gender: as the chains had it, plus what unambiguous pronouns taught.
    pub(crate) fn into_genders(self) -> Vec<Option<Gender>> {
        self.genders
    }

    /// The first pass, in text order: descriptions everywhere, pronouns outside quotations.
    pub(crate) fn resolve_outside_quotes(&mut self, references: &mut References) {
        let mut index = 0;
        while index < self.words.len() {
            let span = self.words.span(index);
            let sentence = sentence_at(self.segmentation, span.start);
            if references.overlapping(span).is_some() || self.segmentation.sentences.is_empty() {
                index += 1;
                continue;
            }
            if let Some(pronoun) = self.pronoun_at(index) {
                if !self.inside_quote(span) {
                    if let Some(actor) = self.resolve_pronoun(references, span, pronoun, None) {
                        references.add(Reference { span, actor, kind: MentionKind::Pronoun, sentence, title: None });
                    }
                }
            } else if let Some((description, end)) = self.description_at(index, references) {
                if let Some(actor) = self.resolve_description(references, &description) {
                    let kind = MentionKind::Description;
                    references.add(Reference { span: description.span, actor, kind, sentence, title: None });
                    index = end;
                    continue;
                }
            }
            index += 1;
        }
    }

    /// The second pass: person pronouns inside attributed quotations, never to their speaker.
    pub(crate) fn resolve_inside_quotes(&mut self, references: &mut References, quotes: &[QuoteAttribution]) {
        for quote in quotes.iter().filter(|q| q.direct) {
            let Some(speaker) = quote.speaker else { continue };
            for index in self.words.within(quote.span) {
                let span = self.words.span(index);
                let Some(pronoun @ Pronoun::Person { .. }) = self.pronoun_at(index) else { continue };
                if references.overlapping(span).is_some() {
                    continue;
                }
                if let Some(actor) = self.resolve_pronoun(references, span, pronoun, Some(speaker)) {
                    let sentence = sentence_at(self.segmentation, span.start);
                    references.add(Reference { span, actor, kind: MentionKind::Pronoun, sentence, title: None });
                }
            }
        }
    }

    fn pronoun_at(&self, index: usize) -> Option<Pronoun> {
        let person = |gender, object| Some(Pronoun::Person { gender, object });
        match self.words.normalised(index) {
            "he" | "his" | "himself" => person(Gender::Male, false),
            "him" => person(Gender::Male, true),
            "she" | "hers" | "herself" => person(Gender::Female, false),
            "her" => {
                let next = (index + 1 < self.words.len()).then(|| self.words.normalised(index + 1));
                let object = next.is_none_or(|w| {
                    self.words.lexicon.has(Words::AfterObjectHer, w) || !w.chars().any(char::is_alphanumeric)
                });
                person(Gender::Female, object)
            }
            "they" | "them" | "their" | "theirs" | "themselves" => Some(Pronoun::Plural),
            "its" => Some(Pronoun::Its),
            _ => None,
        }
    }

    fn resolve_pronoun(
        &mut self,
        references: &References,
        span: Span,
        pronoun: Pronoun,
        speaker: Option<usize>,
    ) -> Option<usize> {
        match pronoun {
            Pronoun::Person { gender, object } => self.resolve_person(references, span, gender, object, speaker),
            Pronoun::Its | Pronoun::Plural => self.resolve_group(references, span, pronoun),
        }
    }

    /// he/she and their forms (see the module documentation for the order of preference).
    fn resolve_person(
        &mut self,
        references: &References,
        span: Span,
        gender: Gender,
        object: bool,
        speaker: Option<usize>,
    ) -> Option<usize> {
        let sentence = sentence_at(self.segmentation, span.start);
        let first_sentence = sentence.saturating_sub(WINDOW);
        let window_start = self.segmentation.sentences[first_sentence].span.start;
        let genders = &self.genders;
        let actors = self.actors;
        let fits = |r: &Reference| {
            actors[r.actor].actor_type == ActorType::Person
                && Some(r.actor) != speaker
                && genders[r.actor].is_none_or(|known| known == gender)
        };
        let in_reach: BTreeSet<usize> =
            references.starting_in(window_start, span.start).iter().filter(|r| fits(r)).map(|r| r.actor).collect();
        if in_reach.is_empty() {
            return None;
        }
        let most_recent =
            || references.before(span.start).take_while(|r| r.span.start >= window_start).find(|r| fits(r)).copied();
        let chosen = if speaker.is_some() {
            most_recent()
        } else {
            let own_subject = self.subject(references, sentence, span.start, &fits);
            let bound =
                own_subject.filter(|subject| object && !self.clause_break_between(subject.span.end, span.start));
            let not_bound = |r: &Reference| fits(r) && bound.is_none_or(|b| b.actor != r.actor);
            let in_own_sentence = match (own_subject, bound) {
                (Some(subject), None) => Some(subject),
                _ => self.most_recent_in_main_clause(references, sentence, span.start, &not_bound),
            };
            in_own_sentence
                .or_else(|| {
                    (first_sentence..sentence)
                        .rev()
                        .find_map(|s| self.subject(references, s, self.segmentation.sentences[s].span.end, &not_bound))
                })
                .or_else(|| {
                    references
                        .before(span.start)
                        .take_while(|r| r.span.start >= window_start)
                        .find(|r| not_bound(r))
                        .copied()
                })
        }?;
        if in_reach.len() == 1 && self.genders[chosen.actor].is_none() {
            self.genders[chosen.actor] = Some(gender);
        }
        Some(chosen.actor)
    }

    /// its, and they/their/them (see the module documentation).
    fn resolve_group(&self, references: &References, span: Span, pronoun: Pronoun) -> Option<usize> {
        let sentence = sentence_at(self.segmentation, span.start);
        let sentence_start = self.segmentation.sentences[sentence].span.start;
        let is_group = |r: &Reference| {
            matches!(self.actors[r.actor].actor_type, ActorType::Organisation | ActorType::Country)
                && r.kind != MentionKind::Demonym
        };
        let is_person = |r: &Reference| self.actors[r.actor].actor_type == ActorType::Person;
        let subject = self.subject(references, sentence, span.start, &|_| true).filter(|s| is_group(s));
        if pronoun == Pronoun::Plural {
            let subject = subject?;
            let between = references.starting_in(subject.span.end, span.start);
            let clear = !between.iter().any(is_person) && !self.plural_word_between(subject.span.end, span.start);
            return clear.then_some(subject.actor);
        }
        if let Some(subject) = subject {
            return Some(subject.actor);
        }
        let before: Vec<&Reference> = references.starting_in(sentence_start, span.start).iter().collect();
        let groups: BTreeSet<usize> = before.iter().filter(|r| is_group(r)).map(|r| r.actor).collect();
        match (before.is_empty(), groups.len()) {
            (_, 1) => groups.first().copied(),
            (true, _) if sentence > 0 => {
                let previous = &self.segmentation.sentences[sentence - 1];
                self.subject(references, sentence - 1, previous.span.end, &|_| true)
                    .filter(|s| is_group(s))
                    .map(|s| s.actor)
            }
            _ => None,
        }
    }

    /// The first reference in `sentence`'s main clause before byte `before` that `accept`s, outside quotations
    /// and not right after a preposition.
    fn subject(
        &self,
        references: &References,
        sentence: usize,
        before: usize,
        accept: &dyn Fn(&Reference) -> bool,
    ) -> Option<Reference> {
        let span = self.segmentation.sentences[sentence].span;
        let start = self.main_clause_start(span, before);
        references
            .starting_in(start, before.min(span.end))
            .iter()
            .filter(|r| {
                r.kind != MentionKind::Demonym
                    && self.words.in_subject_position(self.segmentation, r.span, r.with_title())
            })
            .find(|r| accept(r))
            .copied()
    }

    /// The last reference in `sentence`'s main clause before byte `before` that `accept`s, outside quotations:
    /// "everyone stares at Vladimir Putin’s eyes and discusses his soul".
    fn most_recent_in_main_clause(
        &self,
        references: &References,
        sentence: usize,
        before: usize,
        accept: &dyn Fn(&Reference) -> bool,
    ) -> Option<Reference> {
        let span = self.segmentation.sentences[sentence].span;
        let start = self.main_clause_start(span, before);
        references
            .starting_in(start, before.min(span.end))
            .iter()
            .rev()
            .filter(|r| r.kind != MentionKind::Demonym && !self.inside_quote(r.span))
            .find(|r| accept(r))
            .copied()
    }

    /// Where the main clause of the sentence at `span` starts (see [`ArticleWords::opening_clause`]).
    fn main_clause_start(&self, span: Span, before: usize) -> usize {
        self.words.opening_clause(span, before).map_or(span.start, |(_, main)| main)
    }

    fn clause_break_between(&self, start: usize, end: usize) -> bool {
        (self.words.first_from(start)..self.words.first_from(end)).any(|i| {
            let word = self.words.normalised(i);
            let lexicon = self.words.lexicon;
            lexicon.has(Words::ClauseBreaks, word) || lexicon.has(Words::ClauseVerbs, word)
        })
    }

    /// Whether a plural-looking word ("officials", "leaders") lies between `start` and `end`, not counting
    /// the word right after `start` (often the subject's verb: "NATO says").
    fn plural_word_between(&self, start: usize, end: usize) -> bool {
        let words = self.words.first_from(start)..self.words.first_from(end);
        words.skip(1).any(|i| {
            let word = self.words.normalised(i);
            word.len() >= 4
                && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
                && word.ends_with('s')
                && !["ss", "us", "is", "ys"].iter().any(|ending| word.ends_with(ending))
        })
    }

    fn inside_quote(&self, span: Span) -> bool {
        self.segmentation.quotes_in(span).iter().any(|q| q.span.contains(span))
    }

    /// A description starting at word `index` ("the"), and the index of the word after it.
    fn description_at(&self, index: usize, references: &References) -> Option<(Description, usize)> {
        if self.words.normalised(index) != "the" {
            return None;
        }
        let mut at = index + 1;
        let mut former = false;
        if at < self.words.len() && self.words.is(at, Words::DescriptionFormer) {
            former = true;
            at += 1;
        }
        let mut country = None;
        if let Some((code, end)) = self.state_at(at) {
            country = Some(code);
            at = end;
        }
        let (role, mut end) = self.role_at(at)?;
        if self.names_follow(end, references) || self.role_at(end).is_some() {
            return None;
        }
        if end < self.words.len() && self.words.normalised(end) == "of" {
            let after_the = if self.words.normalised(end + 1) == "the" { end + 2 } else { end + 1 };
            let (code, state_end) = self.state_at(after_the)?;
            if country.as_ref().is_some_and(|c| *c != code) {
                return None;
            }
            country = Some(code);
            end = state_end;
        }
        let span = Span::new(self.words.span(index).start, self.words.span(end - 1).end);
        Some((Description { span, role, former, country }, end))
    }

    /// The role at word `at` (the longest that fits) and the index of the word after it.
    fn role_at(&self, at: usize) -> Option<(Role, usize)> {
        let matches = |written: &str| {
            let length = written.split(' ').count();
            let end = at + length;
            (end <= self.words.len() && written.split(' ').zip(at..end).all(|(w, i)| self.words.normalised(i) == w))
                .then_some(end)
        };
        let lexicon = self.words.lexicon;
        let person = lexicon.person_roles.iter().find_map(|(written, role)| matches(written).map(|end| (role, end)));
        person.map(|(role, end)| (Role::Person(role.clone()), end)).or_else(|| {
            let mut organisations = lexicon.words(Words::OrganisationRoles).iter();
            organisations.find_map(|written| matches(written).map(|end| (Role::Organisation, end)))
        })
    }

    /// Whether a name comes right after word `end` (optionally after a comma): then the role was its title.
    fn names_follow(&self, end: usize, references: &References) -> bool {
        let next = if end < self.words.len() && self.words.written(end) == "," { end + 1 } else { end };
        next < self.words.len()
            && (self.words.is_capitalised(next)
                || references
                    .starting_in(self.words.span(next).start, self.words.span(next).end)
                    .iter()
                    .any(|r| self.actors[r.actor].actor_type == ActorType::Person))
    }

    /// A state named from word `at` ("Russian", "U.S.", "United States"), and the index of the word after it.
    fn state_at(&self, at: usize) -> Option<(String, usize)> {
        if at >= self.words.len() || !self.words.is_capitalised(at) {
            return None;
        }
        (1..=3).rev().find_map(|length| {
            let end = at + length;
            if end > self.words.len() {
                return None;
            }
            let written: Vec<&str> = (at..end).map(|i| self.words.written(i)).collect();
            let entry = self.words.lexicon.gazetteer.lookup(&written.join(" "))?;
            Some((entry.country.clone(), end))
        })
    }

    fn resolve_description(&self, references: &References, description: &Description) -> Option<usize> {
        let start = description.span.start;
        match &description.role {
            Role::Person(role) => {
                let fits_role = |actor: &Actor| {
                    let state_fits =
                        |country: &Option<String>| description.country.is_none() || *country == description.country;
                    let titled = actor.titles.iter().any(|t| {
                        t.fits(role, self.words.lexicon) && t.former == description.former && state_fits(&t.country)
                    });
                    let leader_of_state =
                        role == "leader" && description.country.is_some() && state_fits(&actor.country);
                    actor.actor_type == ActorType::Person && (titled || leader_of_state)
                };
                let fits = |r: &Reference| fits_role(&self.actors[r.actor]);
                let sentence = sentence_at(self.segmentation, start);
                let sentences = &self.segmentation.sentences;
                self.subject(references, sentence, start, &fits)
                    .or_else(|| {
                        (sentence.saturating_sub(WINDOW)..sentence)
                            .rev()
                            .find_map(|s| self.subject(references, s, sentences[s].span.end, &fits))
                    })
                    .or_else(|| references.before(start).find(|r| fits(r)).copied())
                    .map(|r| r.actor)
            }
            Role::Organisation => {
                if description.country.is_some() {
                    return None;
                }
                let sentence = sentence_at(self.segmentation, start);
                let window_start = self.segmentation.sentences[sentence.saturating_sub(WINDOW)].span.start;
                references
                    .before(start)
                    .take_while(|r| r.span.start >= window_start)
                    .find(|r| self.actors[r.actor].actor_type == ActorType::Organisation)
                    .map(|r| r.actor)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::chains::tests::{actors_and_references, lexicon};
    use crate::ner::labels::EntityType::{self, Loc, Misc, Org, Per};

    /// Resolves `text` whose names are `names` (surface, type, occurrence), and lists (surface, actor name) for
    /// every pronoun and description resolved, in text order; each span is checked against its surface.
    fn resolved(text: &str, names: &[(&str, EntityType, usize)]) -> Vec<(String, String)> {
        let (segmentation, actors, mut references) = actors_and_references(text, names);
        let lexicon = lexicon();
        let words = ArticleWords::new(text, &lexicon);
        let mut resolver = Resolver::new(&segmentation, &words, &actors);
        resolver.resolve_outside_quotes(&mut references);
        let mut found = actors.clone();
        references.add_to(text, &mut found);
        let mut out: Vec<(usize, String, String)> = found
            .iter()
            .flat_map(|a| {
                a.mentions
                    .iter()
                    .filter(|m| matches!(m.kind, MentionKind::Pronoun | MentionKind::Description))
                    .map(|m| (m.span.start, m.span.slice(text).to_string(), a.name.clone()))
            })
            .collect();
        out.sort();
        out.into_iter().map(|(_, surface, name)| (surface, name)).collect()
    }

    fn pairs(rows: &[(&str, &str)]) -> Vec<(String, String)> {
        rows.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn he_goes_to_the_subject_of_the_previous_sentence() {
        let text = "Biden met Putin in Geneva. He said the talks were useful. Putin did not reply to him.";
        let found = resolved(text, &[("Biden", Per, 0), ("Putin", Per, 0), ("Geneva", Loc, 0), ("Putin", Per, 1)]);
        assert_eq!(found, pairs(&[("He", "Biden"), ("him", "Biden")]));
    }

    #[test]
    fn a_leading_clause_and_a_preposition_hide_a_name_from_the_subject() {
        let text = "When it came to evaluating Putin, Biden did not mince words. He called him a killer. \
                    Trump warmly talked about Putin and paid tribute to him. So he turned his back on aides.";
        let found = resolved(text, &[("Putin", Per, 0), ("Biden", Per, 0), ("Trump", Per, 0), ("Putin", Per, 1)]);
        assert_eq!(
            found,
            pairs(&[("He", "Biden"), ("him", "Putin"), ("him", "Putin"), ("he", "Trump"), ("his", "Trump")])
        );
    }

    #[test]
    fn his_in_the_subjects_own_sentence_and_across_a_paragraph() {
        let text = "Putin also does not expect to warm ties. His main goal is to draw his red line.\n\
                    Russian leaders do not want a new detente. He also does not expect a rollback.";
        let found = resolved(text, &[("Putin", Per, 0), ("Russian", Misc, 0)]);
        assert_eq!(found, pairs(&[("His", "Putin"), ("his", "Putin"), ("He", "Putin")]));
    }

    #[test]
    fn known_gender_rules_people_out_and_an_unambiguous_she_teaches_it() {
        let text = "Mr. Novak met Elena Ruiz. She said little. Novak and Ruiz left. She smiled and he frowned.";
        let found = resolved(text, &[("Novak", Per, 0), ("Elena Ruiz", Per, 0), ("Novak", Per, 1), ("Ruiz", Per, 1)]);
        // "She": Novak is male (Mr.), so Ruiz, the only one in reach, who is then known to be female.
        assert_eq!(found, pairs(&[("She", "Elena Ruiz"), ("She", "Elena Ruiz"), ("he", "Novak")]));
    }

    #[test]
    fn nothing_in_reach_leaves_a_pronoun_alone() {
        let text = "Biden spoke. The talks went on. Nobody knew. The weather was fine. Then he left.";
        assert_eq!(resolved(text, &[("Biden", Per, 0)]), pairs(&[]));
    }

    #[test]
    fn its_goes_to_a_state_or_organisation_and_they_only_when_safe() {
        let text = "When tensions rose in eastern Ukraine, Russia strengthened its troops. NATO said they would \
                    respond. Aides to Biden said they were worried. The White House weighed its options.";
        let found = resolved(text, &[("Ukraine", Loc, 0), ("Russia", Loc, 0), ("NATO", Org, 0), ("Biden", Per, 0)]);
        assert_eq!(found, pairs(&[("its", "Russia"), ("they", "NATO"), ("its", "United States")]));
    }

    #[test]
    fn descriptions_go_to_the_actor_whose_title_fits() {
        let text = "President Joe Biden met former President Donald Trump and Russian President Vladimir Putin. \
                    The president said the former president had erred. Trump left. The Russian leader stayed, and \
                    the president of the bank said nothing. The alliance was not there.";
        let found = resolved(
            text,
            &[("Joe Biden", Per, 0), ("Donald Trump", Per, 0), ("Vladimir Putin", Per, 0), ("Trump", Per, 1)],
        );
        assert_eq!(
            found,
            pairs(&[
                ("The president", "Joe Biden"),
                ("the former president", "Donald Trump"),
                ("The Russian leader", "Vladimir Putin"),
            ])
        );
    }

    #[test]
    fn a_description_naming_a_state_needs_a_person_of_that_state() {
        let text = "President Joe Biden met Putin. The Russian president smiled. The President of the United States \
                    did not. The alliance, NATO, watched; the alliance said nothing.";
        let found = resolved(text, &[("Joe Biden", Per, 0), ("Putin", Per, 0), ("Russian", Misc, 0), ("NATO", Org, 0)]);
        // Biden's title names no state, and nothing says Putin is a president: both stay unresolved.
        assert_eq!(found, pairs(&[("the alliance", "NATO")]));
    }

    #[test]
    fn a_role_before_a_name_is_a_title_not_a_description() {
        let text = "Putin spoke. Then the Russian leader Vladimir Putin left with the company Gazprom.";
        let found = resolved(text, &[("Putin", Per, 0), ("Vladimir Putin", Per, 0), ("Gazprom", Org, 0)]);
        assert_eq!(found, pairs(&[]));
    }

    #[test]
    fn pronouns_inside_quotations_wait_for_the_speaker() {
        let text = "Biden met Putin. “He is a killer,” Biden said.";
        let found = resolved(text, &[("Biden", Per, 0), ("Putin", Per, 0), ("Biden", Per, 1)]);
        assert_eq!(found, pairs(&[]), "the first pass leaves quotations alone");
    }
}
