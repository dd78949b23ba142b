//! Who speaks each quotation, and who holds each reported clause.
//!
//! A quoted sentence's stance belongs to its speaker, not to the reporter or to whoever the sentence names.
//! News attributes quotations in a few fixed patterns, tried in this order for each quotation:
//!
//! 1. **A speech verb after it** (`Cue::SaidAfter`), among the first eight words after the closing mark in its sentence
//!    with nothing but the speaker's name, title or pronoun before it (or further when a name and a comma come first:
//!    `"…," Sullivan, who briefed reporters, said`): `"…," he said`, `"…," Biden told reporters`, `"…," said Dr.
//!    Singh`; but not `a "murderer" and had declared Putin…`. The speaker is the first actor reference before the verb,
//!    else one within four words after it. When only punctuation follows the quotation in its sentence, a short next
//!    sentence of the same paragraph is read instead (`"…?" He said.`, which the segmenter splits). `"…," according to
//!    X` works the same way (`Cue::AccordingTo`).
//! 2. **A speech verb before it** in its sentence (`Cue::SaidBefore`): `X said: "…"`, `X said he "…"`, `X
//!    said Biden would look for "…"`. The last verb before the quotation counts, outside other quotations; the
//!    speaker is the nearest actor reference before the verb that is not right after a preposition ("for the
//!    NATO summit") nor inside a relative clause that ends at the verb (`X, who met Y, said`), or the first
//!    such reference when "and"/"but" stands between (`Bush met Putin and said`); else one right after the
//!    verb (`said Biden: "…"`). `according to X, "…"` likewise.
//! 3. **Another quotation of the same paragraph** (`Cue::SameParagraph`), for a quotation that makes up most of
//!    its sentence and has no cue: the nearest attributed one before it, else after it.
//! 4. **The paragraph before** (`Cue::PreviousParagraph`), for such a quotation opening its paragraph: that
//!    paragraph ends with `X said:`, or its last attributed quotation is X's.
//!
//! Speakers are actor references: names, and pronouns and descriptions resolved before this runs (`"…," he
//! said`). Only people, organisations and states speak, never a demonym ("Russian").
//!
//! **Reported speech** has no marks: `X said that …` (the verb may be followed by a few words first: "said in
//! an interview that"), `X said he/the/Biden …` for a few verbs that take a clause directly, `…, X said` /
//! `…, X has said` / `…, said X` at the end of the sentence (`Cue::SaidAfter`; X may carry a title: `…, Work and
//! Pensions Secretary Alan Johnson has warned`; a name alone between commas before the verb is its subject, not
//! the end of a clause: `The Tory spokesman, Brian Monteith, said the council…`), and `According to X, …` /
//! `…, according to X`.
//! Each gives a clause (`Cue::SaidThat`, `Cue::SaidAfter` or `Cue::AccordingTo`, `direct: false`)
//! whose holder is found as in rule 2; clauses whose holder is not an actor ("aides said that") are left out.
//! A reported clause may contain quotations attributed by the same verb.

use crate::lexicon::Words;
use crate::span::Span;
use crate::text::{Segmentation, Sentence};

use super::references::{Reference, References};
use super::words::ArticleWords;
use super::{sentence_at, Actor, ArticleActors};
use crate::vocab::ActorType;

/// How a quotation or reported clause was attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    /// A speech verb right after the quotation: `"…," he said`, `"…," said X`.
    SaidAfter,
    /// A speech verb before the quotation in its sentence: `X said: "…"`.
    SaidBefore,
    /// Reported speech: `X said that …`.
    SaidThat,
    /// `according to X`.
    AccordingTo,
    /// No cue of its own: the speaker of another quotation in its paragraph.
    SameParagraph,
    /// No cue of its own: opens a paragraph after one that introduced its speaker.
    PreviousParagraph,
    /// Found by the attribution tagger (`attribution/`), not by these rules.
    Tagged,
}

impl Cue {
    pub fn as_str(self) -> &'static str {
        match self {
            Cue::SaidAfter => "said_after",
            Cue::SaidBefore => "said_before",
            Cue::SaidThat => "said_that",
            Cue::AccordingTo => "according_to",
            Cue::SameParagraph => "same_paragraph",
            Cue::PreviousParagraph => "previous_paragraph",
            Cue::Tagged => "tagged",
        }
    }
}

/// A quotation or a reported clause, and who speaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteAttribution {
    /// The quotation, marks included; for reported speech, the reported clause.
    pub span: Span,
    /// A quotation in marks (true) or reported speech (false).
    pub direct: bool,
    /// The speaker, an index into [`ArticleActors::actors`]; None when not found or not an actor.
    pub speaker: Option<usize>,
    /// The reference that names the speaker at the cue ("he" in `"…," he said`).
    pub speaker_span: Option<Span>,
    pub cue: Option<Cue>,
    /// The cue's words: "said", "according to"; None for cues that are not words.
    pub cue_span: Option<Span>,
}

impl QuoteAttribution {
    fn unattributed(span: Span) -> QuoteAttribution {
        QuoteAttribution { span, direct: true, speaker: None, speaker_span: None, cue: None, cue_span: None }
    }
}

/// How many words after a quotation its cue may come.
const MAX_CUE_DISTANCE: usize = 8;
/// How many words after a verb a speaker named after it may come (`said Dr. Amara Singh`).
const MAX_SPEAKER_DISTANCE: usize = 4;
/// How many words a "that" may come after its verb (`said in an interview earlier this year that`).
const MAX_THAT_DISTANCE: usize = 8;
/// How many words may follow a speech verb that ends a sentence after its reported clause (`…, Biden said
/// in a statement on Monday`).
const MAX_TRAILING_CUE_WORDS: usize = 8;
/// The longest sentence read as the cue of the quotation before it (`He said.`).
const MAX_CUE_SENTENCE_WORDS: usize = 6;

/// The speaker of the sentence `sentence_index`, when it lies inside an attributed quotation: most of its words
/// are quoted (`in_quote`) and the quotation it overlaps most has a speaker.
pub fn holder_of_sentence(
    article: &ArticleActors,
    segmentation: &Segmentation,
    sentence_index: usize,
) -> Option<usize> {
    speaker_of(segmentation.sentences.get(sentence_index)?, &article.quotes)
}

/// The speaker of `sentence`, as [`holder_of_sentence`] finds it, from `quotes` (in text order): the article's
/// quotations, or those of them around the sentence.
pub fn speaker_of(sentence: &Sentence, quotes: &[QuoteAttribution]) -> Option<usize> {
    if !sentence.in_quote {
        return None;
    }
    let overlap = |span: Span| span.end.min(sentence.span.end).saturating_sub(span.start.max(sentence.span.start));
    quotes
        .iter()
        .filter(|q| q.direct && q.span.overlaps(sentence.span))
        .max_by_key(|q| overlap(q.span))
        .and_then(|q| q.speaker)
}

/// A cue found in the text: a speech verb or "according to".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CueWords {
    according_to: bool,
    /// Word indices of the cue.
    first: usize,
    end: usize,
}

/// Attributes the quotations and reported clauses of one article (see the module documentation).
pub(crate) fn attribute(
    segmentation: &Segmentation,
    words: &ArticleWords<'_>,
    actors: &[Actor],
    references: &References,
) -> Vec<QuoteAttribution> {
    let reader = Attributor { segmentation, words, actors, references };
    let mut quotes: Vec<QuoteAttribution> = (0..segmentation.quotes.len()).map(|i| reader.direct(i)).collect();
    reader.same_paragraph(&mut quotes);
    reader.previous_paragraph(&mut quotes);
    quotes.extend(reader.reported(&quotes));
    quotes.sort_by_key(|q| (q.span.start, q.span.end));
    quotes
}

struct Attributor<'a> {
    segmentation: &'a Segmentation,
    words: &'a ArticleWords<'a>,
    actors: &'a [Actor],
    references: &'a References,
}

impl Attributor<'_> {
    /// Rules 1 and 2 for quotation number `index`.
    fn direct(&self, index: usize) -> QuoteAttribution {
        let quote = self.segmentation.quotes[index].span;
        let unattributed = QuoteAttribution::unattributed(quote);
        if quote.is_empty() || self.segmentation.sentences.is_empty() {
            return unattributed;
        }
        let next_quote = self.segmentation.quotes.get(index + 1).map_or(usize::MAX, |q| q.span.start);
        let last = sentence_at(self.segmentation, quote.end - 1);
        let mut after = Span::new(quote.end, self.segmentation.sentences[last].span.end.min(next_quote).max(quote.end));
        if !self.has_words(after) {
            if let Some(next) = self.cue_sentence_after(last, next_quote) {
                after = next;
            }
        }
        if let Some(found) = self.cue_after(quote, after) {
            return found;
        }
        let first = sentence_at(self.segmentation, quote.start);
        let before = Span::new(self.segmentation.sentences[first].span.start.min(quote.start), quote.start);
        self.cue_before(quote, before).unwrap_or(unattributed)
    }

    /// The sentence after sentence `last`, when it is short, in the same paragraph and before the next
    /// quotation: `He said.` after `"Isn't it the red line?"`.
    fn cue_sentence_after(&self, last: usize, next_quote: usize) -> Option<Span> {
        let sentences = &self.segmentation.sentences;
        let next = sentences.get(last + 1)?;
        let short = self.words.within(next.span).filter(|&i| self.is_word(i)).count() <= MAX_CUE_SENTENCE_WORDS;
        (next.paragraph == sentences[last].paragraph && short && next.span.end <= next_quote).then_some(next.span)
    }

    /// Rule 1: a cue in `after`, the text following `quote`.
    fn cue_after(&self, quote: Span, after: Span) -> Option<QuoteAttribution> {
        let range = self.words.within(after);
        let opens_with_name_and_comma = self
            .references
            .starting_in(after.start, after.end)
            .first()
            .filter(|r| self.words.first_from(r.span.start) == range.start)
            .is_some_and(|r| {
                let next = self.words.first_from(r.span.end);
                next < self.words.len() && self.words.written(next) == ","
            });
        let limit = if opens_with_name_and_comma { range.end } else { range.end.min(range.start + MAX_CUE_DISTANCE) };
        let cue = (range.start..limit).find_map(|i| self.cue_at(i))?;
        if !opens_with_name_and_comma && !self.only_a_speaker_between(range.start, cue.first) {
            return None;
        }
        let speaker = if cue.according_to {
            self.named_right_after(cue, after.end)
        } else {
            let verb_start = self.words.span(cue.first).start;
            let before_verb = self.references.starting_in(after.start, verb_start).iter().find(|r| self.can_speak(r));
            before_verb.copied().or_else(|| self.named_right_after(cue, after.end))
        };
        let kind = if cue.according_to { Cue::AccordingTo } else { Cue::SaidAfter };
        Some(self.attribution(quote, true, kind, cue, speaker))
    }

    /// Whether the words `start..end` (between a quotation and its cue) can only name the speaker: names and
    /// the words of titles, pronouns, "the", punctuation, and "has", "have" or "had" right before `end` (`…,
    /// Peter Mandelson has said`). Not so in `"murderer" and had declared Putin`.
    fn only_a_speaker_between(&self, start: usize, end: usize) -> bool {
        (start..end).all(|i| {
            !self.is_word(i)
                || self.words.is_capitalised(i)
                || self.words.is(i, Words::PersonalPronouns)
                || self.words.normalised(i) == "the"
                || (i + 1 == end && matches!(self.words.normalised(i), "has" | "have" | "had"))
                || self.references.in_title(self.words.span(i))
                || self.references.overlapping(self.words.span(i)).is_some()
        })
    }

    /// Rule 2: the last cue in `before`, the start of the quotation's sentence.
    fn cue_before(&self, quote: Span, before: Span) -> Option<QuoteAttribution> {
        let cue = self.words.within(before).rev().filter(|&i| !self.inside_quote(i)).find_map(|i| self.cue_at(i))?;
        let speaker = self.holder_of_cue(cue, before.start, quote.start);
        let kind = if cue.according_to { Cue::AccordingTo } else { Cue::SaidBefore };
        Some(self.attribution(quote, true, kind, cue, speaker))
    }

    /// The speaker of a cue that comes before what is said: for "according to", the name after it; for a
    /// verb, its subject: the nearest fitting reference before it from `start`, or the first one when an
    /// "and"/"but" comes between (`Bush met Putin and said`); else a name right after the verb.
    fn holder_of_cue(&self, cue: CueWords, start: usize, end: usize) -> Option<Reference> {
        if cue.according_to {
            return self.named_right_after(cue, end);
        }
        let verb_start = self.words.span(cue.first).start;
        let relative_clause_start = self.relative_clause_before(cue.first);
        let candidates: Vec<&Reference> = self
            .references
            .starting_in(start, verb_start)
            .iter()
            .filter(|r| relative_clause_start.is_none_or(|clause| r.span.start < clause))
            .filter(|r| self.can_speak(r) && self.words.in_subject_position(self.segmentation, r.span, r.with_title()))
            .collect();
        let coordinated = |r: &&Reference| {
            (self.words.first_from(r.span.end)..cue.first).any(|i| matches!(self.words.normalised(i), "and" | "but"))
        };
        match candidates.last() {
            Some(nearest) if coordinated(nearest) => candidates.first().copied().copied(),
            Some(nearest) => Some(**nearest),
            None => self.named_right_after(cue, end),
        }
    }

    /// Where a relative clause ending right before word `verb` starts (`Sullivan, who met Lavrov, said`).
    fn relative_clause_before(&self, verb: usize) -> Option<usize> {
        if verb == 0 || self.words.written(verb - 1) != "," {
            return None;
        }
        (verb.saturating_sub(40)..verb - 1)
            .rev()
            .take_while(|&i| !matches!(self.words.written(i), "." | ";" | ":"))
            .find(|&i| {
                matches!(self.words.normalised(i), "who" | "whom" | "whose" | "which")
                    && i > 0
                    && self.words.written(i - 1) == ","
            })
            .map(|i| self.words.span(i - 1).start)
    }

    /// The first speaking reference within a few words after the cue, before byte `end`.
    fn named_right_after(&self, cue: CueWords, end: usize) -> Option<Reference> {
        let from = self.words.span(cue.end - 1).end;
        let last_word = (cue.end + MAX_SPEAKER_DISTANCE).min(self.words.len()) - 1;
        let until = self.words.span(last_word).end.min(end);
        self.references.starting_in(from, until).iter().find(|r| self.can_speak(r)).copied()
    }

    fn attribution(
        &self,
        span: Span,
        direct: bool,
        cue: Cue,
        words: CueWords,
        speaker: Option<Reference>,
    ) -> QuoteAttribution {
        QuoteAttribution {
            span,
            direct,
            speaker: speaker.map(|r| r.actor),
            speaker_span: speaker.map(|r| r.span),
            cue: Some(cue),
            cue_span: Some(Span::new(self.words.span(words.first).start, self.words.span(words.end - 1).end)),
        }
    }

    /// Rule 3.
    fn same_paragraph(&self, quotes: &mut [QuoteAttribution]) {
        let paragraphs: Vec<usize> = quotes.iter().map(|q| self.paragraph_of(q.span.start)).collect();
        for index in 0..quotes.len() {
            if quotes[index].cue.is_some() || !self.is_whole_quote(quotes[index].span) {
                continue;
            }
            let same = |other: &usize| paragraphs[*other] == paragraphs[index] && quotes[*other].speaker.is_some();
            let source = (0..index).rev().find(same).or_else(|| (index + 1..quotes.len()).find(same));
            if let Some(source) = source {
                quotes[index].speaker = quotes[source].speaker;
                quotes[index].cue = Some(Cue::SameParagraph);
            }
        }
    }

    /// Rule 4.
    fn previous_paragraph(&self, quotes: &mut [QuoteAttribution]) {
        for index in 0..quotes.len() {
            let quote = quotes[index].span;
            let paragraph = self.paragraph_of(quote.start);
            let opens_paragraph = self.segmentation.paragraphs[paragraph].span.start == quote.start;
            if quotes[index].cue.is_some() || !opens_paragraph || paragraph == 0 || !self.is_whole_quote(quote) {
                continue;
            }
            let previous = self.segmentation.paragraphs[paragraph - 1].span;
            let speaker = self.introduction_in(previous).or_else(|| {
                quotes[..index]
                    .iter()
                    .rev()
                    .take_while(|q| q.span.end > previous.start)
                    .find(|q| q.direct && q.speaker.is_some() && q.span.start >= previous.start)
                    .and_then(|q| q.speaker)
            });
            if speaker.is_some() {
                quotes[index].speaker = speaker;
                quotes[index].cue = Some(Cue::PreviousParagraph);
            }
        }
    }

    /// The speaker a paragraph introduces by ending with `X said:`.
    fn introduction_in(&self, paragraph: Span) -> Option<usize> {
        let range = self.words.within(paragraph);
        let last = range.clone().next_back()?;
        if self.words.written(last) != ":" {
            return None;
        }
        let sentence = sentence_at(self.segmentation, self.words.span(last).start);
        let start = self.segmentation.sentences[sentence].span.start;
        let cue = (range.start..last).rev().find_map(|i| self.cue_at(i))?;
        self.holder_of_cue(cue, start, paragraph.end).map(|r| r.actor)
    }

    /// Reported speech in every sentence that is not mostly quoted.
    fn reported(&self, direct: &[QuoteAttribution]) -> Vec<QuoteAttribution> {
        let mut found = Vec::new();
        for sentence in self.segmentation.sentences.iter().filter(|s| !s.in_quote) {
            let range = self.words.within(sentence.span);
            let mut index = range.start;
            while index < range.end {
                let Some(cue) = self.cue_at(index).filter(|_| !self.inside_quote(index)) else {
                    index += 1;
                    continue;
                };
                // The clause, where its speaker is looked for from, and the kind of cue. A trailing cue's speaker
                // is named after the clause's comma (`…, Biden said`).
                let start = sentence.span.start;
                let found_clause = if cue.according_to {
                    self.according_to_clause(cue, sentence.span).map(|clause| (clause, start, Cue::AccordingTo))
                } else if let Some((clause, comma)) = self.clause_before_cue(cue, range.clone()) {
                    Some((clause, comma, Cue::SaidAfter))
                } else {
                    self.reported_clause(cue, range.end).map(|clause| (clause, start, Cue::SaidThat))
                };
                // A cue that already attributes a quotation: `"…," according to X`, `… "a threat," Biden said`.
                let used_by_quote = |span: Span, kind: Cue| {
                    direct.iter().any(|q| q.cue_span == Some(span) && matches!(kind, Cue::AccordingTo | Cue::SaidAfter))
                };
                if let Some((clause, from, kind)) = found_clause {
                    let holder = self.holder_of_cue(cue, from, sentence.span.end);
                    let attribution = self.attribution(clause, false, kind, cue, holder);
                    let duplicate = attribution.cue_span.is_some_and(|span| used_by_quote(span, kind));
                    if holder.is_some() && !duplicate {
                        found.push(attribution);
                    }
                }
                index = cue.end;
            }
        }
        found
    }

    /// The clause a speech verb reports: after a "that" a few words on, or right after the verb when a clause
    /// opens there (for the clause verbs). `end` is the sentence's end (a word index).
    fn reported_clause(&self, cue: CueWords, end: usize) -> Option<Span> {
        let stops = |i: &usize| !matches!(self.words.written(*i), "," | ";" | ":" | "." | "“" | "\"" | "”");
        let that = (cue.end..end.min(cue.end + MAX_THAT_DISTANCE))
            .take_while(stops)
            .find(|&i| self.words.normalised(i) == "that");
        let start = match that {
            Some(that) => that + 1,
            None => {
                let verb = self.words.normalised(cue.first);
                let next = cue.end;
                let opens = next < end
                    && (self.words.is(next, Words::ClauseSubjects)
                        || self
                            .references
                            .starting_in(self.words.span(next).start, self.words.span(next).end)
                            .iter()
                            .any(|r| self.can_speak(r)));
                if !(self.words.lexicon.has(Words::ClauseVerbs, verb) && opens) {
                    return None;
                }
                next
            }
        };
        self.clause_span(start, end)
    }

    /// A clause the speech verb `cue` follows at the end of its sentence (`…, Biden said on Monday`, `…, said
    /// Biden`): the clause up to the sentence's last comma before the verb, when only the speaker stands between
    /// that comma and the verb (or right after the verb, when nothing does), and what follows the verb is a few
    /// words with no "that" and nobody else who could speak (not `In Geneva, Biden said Putin would…`). The
    /// clause and the comma's byte offset.
    fn clause_before_cue(&self, cue: CueWords, sentence: std::ops::Range<usize>) -> Option<(Span, usize)> {
        let comma = (sentence.start..cue.first).rev().find(|&i| self.words.written(i) == ",")?;
        let after = (cue.end..sentence.end).filter(|&i| self.is_word(i)).count();
        if after > MAX_TRAILING_CUE_WORDS || !self.only_a_speaker_between(comma + 1, cue.first) {
            return None;
        }
        // "The Tory finance spokesman, Brian Monteith MSP, said the council…": a name alone before the comma is
        // the verb's subject, set off as an apposition, not the end of a reported clause.
        let previous =
            (sentence.start..comma).rev().find(|&i| self.words.written(i) == ",").map_or(sentence.start, |i| i + 1);
        let (segment_start, segment_end) = (self.words.span(previous).start, self.words.span(comma).start);
        let names_a_speaker = self.references.starting_in(segment_start, segment_end).iter().any(|r| self.can_speak(r));
        if previous < comma && names_a_speaker && self.only_a_speaker_between(previous, comma) {
            return None;
        }
        let (from, until) = (self.words.span(comma).end, self.words.span(sentence.end - 1).end);
        let verb = self.words.span(cue.first);
        let named_before = self.references.starting_in(from, verb.start).iter().any(|r| self.can_speak(r));
        let mut speakers_after = self.references.starting_in(verb.end, until).iter().filter(|r| self.can_speak(r));
        let others_after = if named_before { speakers_after.count() } else { speakers_after.by_ref().skip(1).count() };
        let that = (cue.end..sentence.end).any(|i| self.words.normalised(i) == "that");
        let named = named_before || self.named_right_after(cue, until).is_some();
        (named && others_after == 0 && !that)
            .then(|| Some((self.clause_span(sentence.start, comma)?, self.words.span(comma).start)))
            .flatten()
    }

    /// `According to X, …` (the clause after the comma following X) or `…, according to X` (the clause
    /// before).
    fn according_to_clause(&self, cue: CueWords, sentence: Span) -> Option<Span> {
        let range = self.words.within(sentence);
        let first_word = (range.start..cue.first).find(|&i| self.is_word(i));
        match first_word {
            None => {
                let comma = (cue.end..range.end).find(|&i| self.words.written(i) == ",")?;
                self.clause_span(comma + 1, range.end)
            }
            Some(first) => {
                let mut end = cue.first;
                while end > first && !self.is_word(end - 1) {
                    end -= 1;
                }
                self.clause_span(first, end)
            }
        }
    }

    /// The span from word `start` to the last word before `end` that is not final punctuation.
    fn clause_span(&self, start: usize, end: usize) -> Option<Span> {
        let last = (start..end).rev().find(|&i| !matches!(self.words.written(i), "." | "!" | "?" | ";" | ":" | ","))?;
        Some(Span::new(self.words.span(start).start, self.words.span(last).end))
    }

    /// A cue starting at word `index`: a speech verb as written in lowercase, "pointed out", or "according to".
    fn cue_at(&self, index: usize) -> Option<CueWords> {
        let word = self.words.written(index);
        let next = (index + 1 < self.words.len()).then(|| self.words.normalised(index + 1));
        let cue =
            |length: usize, according_to: bool| Some(CueWords { according_to, first: index, end: index + length });
        match self.words.normalised(index) {
            "according" if next == Some("to") => cue(2, true),
            "pointed" if next == Some("out") => cue(2, false),
            _ if word.chars().all(|c| c.is_lowercase()) && self.words.lexicon.has(Words::SpeechVerbs, word) => {
                cue(1, false)
            }
            _ => None,
        }
    }

    /// People, organisations and states speak; demonyms and affiliations do not.
    fn can_speak(&self, reference: &Reference) -> bool {
        matches!(
            self.actors[reference.actor].actor_type,
            ActorType::Person | ActorType::Organisation | ActorType::Country
        ) && !reference.kind.qualifies()
    }

    fn is_word(&self, index: usize) -> bool {
        self.words.written(index).chars().any(char::is_alphanumeric)
    }

    fn has_words(&self, span: Span) -> bool {
        self.words.within(span).any(|i| self.is_word(i))
    }

    /// Whether word `index` lies inside a quotation.
    fn inside_quote(&self, index: usize) -> bool {
        self.inside_quote_span(self.words.span(index))
    }

    fn inside_quote_span(&self, span: Span) -> bool {
        self.segmentation.quotes_in(span).iter().any(|q| q.span.contains(span))
    }

    /// Whether the quotation makes up most of the sentence it starts in (not a phrase quoted in passing).
    fn is_whole_quote(&self, quote: Span) -> bool {
        self.segmentation.sentences.get(sentence_at(self.segmentation, quote.start)).is_some_and(|s| s.in_quote)
    }

    fn paragraph_of(&self, offset: usize) -> usize {
        self.segmentation.sentences.get(sentence_at(self.segmentation, offset)).map_or(0, |s| s.paragraph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::chains::tests::{lexicon, mentions};
    use crate::actors::{resolve, MentionKind};
    use crate::ner::labels::EntityType::{self, Org, Per};
    use crate::text::segment;

    /// One attribution as a test reads it: the quoted text, the speaker's name, the cue, the speaker's surface.
    type Row = (String, Option<String>, Option<Cue>, Option<String>);

    /// The attributions of `text` with mentions of `names`, spans checked against the text.
    fn attributions(text: &str, names: &[(&str, EntityType, usize)]) -> (ArticleActors, Vec<Row>) {
        let segmentation = segment(text);
        let article = resolve(text, &segmentation, &mentions(text, names), &lexicon());
        let rows = article
            .quotes
            .iter()
            .map(|q| {
                if let Some(cue) = q.cue_span {
                    assert!(cue.slice(text).chars().all(|c| c.is_alphabetic() || c == ' '), "{:?}", cue.slice(text));
                }
                (
                    q.span.slice(text).to_string(),
                    q.speaker.map(|s| article.actors[s].name.clone()),
                    q.cue,
                    q.speaker_span.map(|s| s.slice(text).to_string()),
                )
            })
            .collect();
        (article, rows)
    }

    fn row(quote: &str, speaker: Option<&str>, cue: Option<Cue>, surface: Option<&str>) -> Row {
        (quote.to_string(), speaker.map(String::from), cue, surface.map(String::from))
    }

    #[test]
    fn speech_verbs_after_the_quotation() {
        let text = "Biden met Putin on Wednesday. “We will respond,” he said. “It was useful,” said Dr. Amara Singh, \
                    the mediator. “No comment,” Mr. Novak told reporters.";
        let (_, found) =
            attributions(text, &[("Biden", Per, 0), ("Putin", Per, 0), ("Amara Singh", Per, 0), ("Novak", Per, 0)]);
        assert_eq!(
            found,
            [
                row("“We will respond,”", Some("Biden"), Some(Cue::SaidAfter), Some("he")),
                row("“It was useful,”", Some("Amara Singh"), Some(Cue::SaidAfter), Some("Amara Singh")),
                row("“No comment,”", Some("Novak"), Some(Cue::SaidAfter), Some("Novak")),
            ]
        );
    }

    #[test]
    fn speech_verbs_before_the_quotation_and_according_to() {
        let text = "Sen. Ruth Kaplan said: “We will be watching.” George W. Bush met Putin in 2001 and said he “saw \
                    the man” and “found him frank.” “Talks are over,” according to the Kremlin.";
        let (_, found) = attributions(text, &[("Ruth Kaplan", Per, 0), ("George W. Bush", Per, 0), ("Putin", Per, 0)]);
        let quotes: Vec<&Row> = found.iter().filter(|r| r.0.starts_with('“')).collect();
        assert_eq!(
            quotes,
            [
                &row("“We will be watching.”", Some("Ruth Kaplan"), Some(Cue::SaidBefore), Some("Ruth Kaplan")),
                &row("“saw the man”", Some("George W. Bush"), Some(Cue::SaidBefore), Some("George W. Bush")),
                &row("“found him frank.”", Some("George W. Bush"), Some(Cue::SaidBefore), Some("George W. Bush")),
                &row("“Talks are over,”", Some("Russia"), Some(Cue::AccordingTo), Some("Kremlin")),
            ]
        );
    }

    #[test]
    fn quotations_without_a_cue_take_their_paragraphs_speaker_or_the_previous_ones() {
        let text = "Putin spoke on television.\n“There is no threat. We are calm,” Putin said. “And we will stay \
                    calm.”\n“Nobody wants war.”\nBiden said:\n“We are ready.”\nThere is no talk of a “reset” now.\n";
        let (_, found) = attributions(text, &[("Putin", Per, 0), ("Putin", Per, 1), ("Biden", Per, 0)]);
        let quotes: Vec<(&str, Option<&str>, Option<Cue>)> =
            found.iter().filter(|r| r.0.starts_with('“')).map(|r| (r.0.as_str(), r.1.as_deref(), r.2)).collect();
        assert_eq!(
            quotes,
            [
                ("“There is no threat. We are calm,”", Some("Putin"), Some(Cue::SaidAfter)),
                ("“And we will stay calm.”", Some("Putin"), Some(Cue::SameParagraph)),
                ("“Nobody wants war.”", Some("Putin"), Some(Cue::PreviousParagraph)),
                ("“We are ready.”", Some("Biden"), Some(Cue::PreviousParagraph)),
                ("“reset”", None, None),
            ]
        );
    }

    #[test]
    fn a_cue_the_segmenter_split_off_and_a_pronoun_inside_the_quotation() {
        let text = "Putin compared it to missiles in Canada. “Isn’t it the red line?” He said. Biden met Putin. \
                    “He is a killer,” Biden said.";
        let (article, found) =
            attributions(text, &[("Putin", Per, 0), ("Biden", Per, 0), ("Putin", Per, 1), ("Biden", Per, 1)]);
        assert_eq!(
            found,
            [
                row("“Isn’t it the red line?”", Some("Putin"), Some(Cue::SaidAfter), Some("He")),
                row("“He is a killer,”", Some("Biden"), Some(Cue::SaidAfter), Some("Biden")),
            ]
        );
        let putin = article.actors.iter().find(|a| a.name == "Putin").unwrap();
        let pronouns: Vec<&str> = putin.mentions_of(MentionKind::Pronoun).map(|m| m.surface.as_str()).collect();
        assert_eq!(pronouns, ["He", "He"], "“He said” outside, and “He is a killer” inside Biden's quotation");
    }

    #[test]
    fn reported_speech_has_the_clause_as_its_span() {
        let text = "Jake Sullivan said Biden would look for common ground. He said in an interview that he agreed. \
                    According to the White House, the exchange is off. The plan is dead, according to NATO. Aides \
                    said that it was over. Sullivan, who met NATO officials, warned that talks could fail.";
        let (_, found) = attributions(
            text,
            &[("Jake Sullivan", Per, 0), ("Biden", Per, 0), ("NATO", Org, 0), ("NATO", Org, 1), ("Sullivan", Per, 1)],
        );
        assert_eq!(
            found,
            [
                row(
                    "Biden would look for common ground",
                    Some("Jake Sullivan"),
                    Some(Cue::SaidThat),
                    Some("Jake Sullivan")
                ),
                row("he agreed", Some("Jake Sullivan"), Some(Cue::SaidThat), Some("He")),
                row("the exchange is off", Some("United States"), Some(Cue::AccordingTo), Some("White House")),
                row("The plan is dead", Some("NATO"), Some(Cue::AccordingTo), Some("NATO")),
                row("talks could fail", Some("Jake Sullivan"), Some(Cue::SaidThat), Some("Sullivan")),
            ]
        );
    }

    #[test]
    fn reported_speech_with_its_speaker_after_it() {
        let text = "Russia is a threat to Ukraine, Jake Sullivan said on Monday. The sanctions are working, said \
                    Biden. In Geneva, Sullivan said Biden would act. Talks failed, Sullivan told Biden.";
        let (_, found) = attributions(
            text,
            &[
                ("Jake Sullivan", Per, 0),
                ("Biden", Per, 0),
                ("Sullivan", Per, 1),
                ("Biden", Per, 1),
                ("Sullivan", Per, 2),
                ("Biden", Per, 2),
            ],
        );
        assert_eq!(
            found,
            [
                row(
                    "Russia is a threat to Ukraine",
                    Some("Jake Sullivan"),
                    Some(Cue::SaidAfter),
                    Some("Jake Sullivan")
                ),
                row("The sanctions are working", Some("Biden"), Some(Cue::SaidAfter), Some("Biden")),
                row("Biden would act", Some("Jake Sullivan"), Some(Cue::SaidThat), Some("Sullivan")),
            ]
        );
    }

    #[test]
    fn a_quoted_sentence_is_held_by_its_speaker() {
        let text = "Biden spoke. “We will respond. We are ready,” he said. He left.";
        let segmentation = segment(text);
        let article = resolve(text, &segmentation, &mentions(text, &[("Biden", Per, 0)]), &lexicon());
        let holders: Vec<Option<&str>> = (0..segmentation.sentences.len())
            .map(|i| holder_of_sentence(&article, &segmentation, i).map(|a| article.actors[a].name.as_str()))
            .collect();
        assert_eq!(holders, [None, Some("Biden"), Some("Biden"), None]);
        assert_eq!(holder_of_sentence(&article, &segmentation, 99), None);
    }
}
