//! Scoring found attributions against annotated ones (`stancemap eval attribution`).
//!
//! * **Exact match per role**, as CofeNet reports it: a found span counts when a gold span of its role has the
//!   same words. Gold spans are the annotation as the tagger can express it, in units (`tags.rs`).
//! * **Overlap per role**: a gold span is found when a found span of its role covers at least half of it (in
//!   bytes); a found span is right when it covers at least half of some gold span of its role.
//! * **Per attribution**, the whole content of each (all its pieces): a gold attribution is found when one found
//!   attribution's content covers at least half of its content (recall); a found attribution is right when
//!   its content covers at least half of some gold one's (precision). For each found gold attribution, its
//!   best-covering found one names the speaker right when their sources overlap, or when neither has a source:
//!   speaker accuracy is over found attributions, *attributed recall* over all gold ones.

use serde::Serialize;

use super::find::{find_attributions, FoundAttribution};
use super::polnear::{units, MAX_UNIT_WORDS};
use super::tags::{spans_of, tag_unit};
use super::{AnnotatedArticle, Attribution, Role};
use crate::actors::ArticleActors;
use crate::ner::model::EntityModel;
use crate::span::Span;
use crate::text::{segment, Segmentation};

/// Found, right, and gold counts, and what they make.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Prf {
    /// Found items that were right.
    pub right: usize,
    pub found: usize,
    /// Gold items that were found.
    pub recalled: usize,
    pub gold: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn finish(mut self) -> Prf {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.precision = ratio(self.right, self.found);
        self.recall = ratio(self.recalled, self.gold);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
        self
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct RoleScores {
    pub exact: Prf,
    pub overlap: Prf,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AttributionScores {
    pub articles: usize,
    pub source: RoleScores,
    pub cue: RoleScores,
    pub content: RoleScores,
    /// Whole contents of attributions, by overlap.
    pub attributions: Prf,
    /// Of the gold attributions found, the share whose speaker was named right.
    pub speaker_accuracy: f64,
    /// Of all gold attributions, the share found with the speaker named right.
    pub attributed_recall: f64,
}

impl AttributionScores {
    pub fn role(&self, role: Role) -> &RoleScores {
        match role {
            Role::Source => &self.source,
            Role::Cue => &self.cue,
            Role::Content => &self.content,
        }
    }

    fn role_mut(&mut self, role: Role) -> &mut RoleScores {
        match role {
            Role::Source => &mut self.source,
            Role::Cue => &mut self.cue,
            Role::Content => &mut self.content,
        }
    }

    /// A plain-text table of the scores.
    pub fn table(&self) -> String {
        let mut out =
            format!("{} articles\n{:<10} {:>27} {:>27}\n", self.articles, "", "exact P / R / F1", "overlap P / R / F1");
        for role in Role::ALL {
            let scores = self.role(role);
            let cell = |p: &Prf| format!("{:.3} / {:.3} / {:.3}", p.precision, p.recall, p.f1);
            out += &format!("{:<10} {:>27} {:>27}\n", role.as_str(), cell(&scores.exact), cell(&scores.overlap));
        }
        let a = &self.attributions;
        out += &format!(
            "attributions (whole contents, overlap): P {:.3} R {:.3} F1 {:.3} ({} found, {} gold)\n\
             speaker accuracy on found contents {:.3}; attributed recall {:.3}\n",
            a.precision, a.recall, a.f1, a.found, a.gold, self.speaker_accuracy, self.attributed_recall
        );
        out
    }
}

/// The bytes `a` and `b` share.
fn shared(a: Span, b: Span) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Bytes of `pieces` covered by `by`.
fn covered(pieces: &[Span], by: &[Span]) -> usize {
    pieces.iter().map(|p| by.iter().map(|b| shared(*p, *b)).sum::<usize>()).sum()
}

fn length(pieces: &[Span]) -> usize {
    pieces.iter().map(|p| p.len()).sum()
}

/// Whether `by` covers at least half of `pieces`.
fn half_covered(pieces: &[Span], by: &[Span]) -> bool {
    let total = length(pieces);
    total > 0 && 2 * covered(pieces, by) >= total
}

/// Counts of one article, added into `scores` (whose figures are computed by [`finish`]).
pub fn add_article(scores: &mut AttributionScores, article: &AnnotatedArticle, found: &[FoundAttribution]) {
    scores.articles += 1;
    let units = units(&article.text, MAX_UNIT_WORDS);
    let gold_spans: Vec<(Role, Span)> =
        units.iter().flat_map(|&unit| spans_of(&tag_unit(&article.text, unit, &article.attributions))).collect();
    for role in Role::ALL {
        let gold: Vec<Span> = gold_spans.iter().filter(|(r, _)| *r == role).map(|(_, s)| *s).collect();
        // A span shared by two attributions (a source of two cues) is one span found.
        let mut predicted: Vec<Span> = found.iter().flat_map(|f| f.attribution.spans(role).iter().copied()).collect();
        predicted.sort();
        predicted.dedup();
        let scores = scores.role_mut(role);
        scores.exact.gold += gold.len();
        scores.exact.found += predicted.len();
        scores.exact.right += predicted.iter().filter(|p| gold.contains(p)).count();
        scores.exact.recalled += gold.iter().filter(|g| predicted.contains(g)).count();
        scores.overlap.gold += gold.len();
        scores.overlap.found += predicted.len();
        scores.overlap.recalled +=
            gold.iter().filter(|g| predicted.iter().any(|p| half_covered(&[**g], &[*p]))).count();
        scores.overlap.right += predicted.iter().filter(|p| gold.iter().any(|g| half_covered(&[*g], &[**p]))).count();
    }
    let gold: Vec<&Attribution> = article.attributions.iter().filter(|a| !a.content.is_empty()).collect();
    scores.attributions.gold += gold.len();
    scores.attributions.found += found.len();
    scores.attributions.right +=
        found.iter().filter(|f| gold.iter().any(|g| half_covered(&g.content, &f.attribution.content))).count();
    for g in &gold {
        let best = found
            .iter()
            .filter(|f| half_covered(&g.content, &f.attribution.content))
            .max_by_key(|f| covered(&g.content, &f.attribution.content));
        let Some(best) = best else { continue };
        scores.attributions.recalled += 1;
        let speaker_right = match (g.source.is_empty(), best.speaker()) {
            (true, None) => true,
            (false, Some(speaker)) => g.source.iter().any(|s| s.overlaps(speaker)),
            _ => false,
        };
        if speaker_right {
            scores.speaker_accuracy += 1.0; // a count until `finish`
        }
    }
}

/// Turns the counts into figures.
pub fn finish(mut scores: AttributionScores) -> AttributionScores {
    for role in Role::ALL {
        let s = scores.role_mut(role);
        s.exact = s.exact.finish();
        s.overlap = s.overlap.finish();
    }
    let speakers_right = scores.speaker_accuracy;
    scores.attributions = scores.attributions.finish();
    let (found, gold) = (scores.attributions.recalled, scores.attributions.gold);
    scores.speaker_accuracy = if found == 0 { 0.0 } else { speakers_right / found as f64 };
    scores.attributed_recall = if gold == 0 { 0.0 } else { speakers_right / gold as f64 };
    scores
}

/// The speaker rules' quotations and reported clauses (`actors/speakers.rs`) as attributions, for scoring the
/// rules on the same data as the tagger: the quotation or clause is the content, the speaker's reference at
/// the cue the source, the cue's words the cue. Quotations the rules found no cue for are left out: they claim
/// no attribution.
pub fn rule_attributions(actors: &ArticleActors) -> Vec<FoundAttribution> {
    actors
        .quotes
        .iter()
        .filter(|q| q.cue_span.is_some() || q.speaker_span.is_some())
        .map(|q| FoundAttribution {
            attribution: Attribution {
                source: q.speaker_span.into_iter().collect(),
                cue: q.cue_span.into_iter().collect(),
                content: vec![q.span],
            },
            confidence: 1.0,
        })
        .collect()
}

/// Scores the speaker rules, each article's actors (with the rules' quotations) given by `actors_of` (the run's
/// stages without an attribution tagger).
pub fn evaluate_rules(
    articles: &[AnnotatedArticle],
    mut actors_of: impl FnMut(&AnnotatedArticle) -> anyhow::Result<ArticleActors>,
) -> anyhow::Result<AttributionScores> {
    let mut scores = AttributionScores::default();
    for article in articles {
        add_article(&mut scores, article, &rule_attributions(&actors_of(article)?));
    }
    Ok(finish(scores))
}

/// Runs `model` over the articles and scores what it finds.
pub fn evaluate(
    model: &EntityModel,
    articles: &[AnnotatedArticle],
    batch_size: usize,
) -> anyhow::Result<AttributionScores> {
    let mut scores = AttributionScores::default();
    for chunk in articles.chunks(8) {
        let segmentations: Vec<Segmentation> = chunk.iter().map(|a| segment(&a.text)).collect();
        let texts: Vec<(&str, &Segmentation)> =
            chunk.iter().zip(&segmentations).map(|(a, s)| (a.text.as_str(), s)).collect();
        let found = find_attributions(model, &texts, batch_size)?;
        for (article, found) in chunk.iter().zip(&found) {
            add_article(&mut scores, article, found);
        }
    }
    Ok(finish(scores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::tests::{attribution, found};

    #[test]
    fn exact_overlap_and_speaker_scores_count_what_they_say() {
        let text = "Smith said the plan will fail. Critics say it works.";
        let gold = vec![
            attribution(text, "Smith", "said", "the plan will fail"),
            attribution(text, "Critics", "say", "it works"),
        ];
        let article = AnnotatedArticle { id: "a".into(), text: text.into(), attributions: gold };
        // The first found right but for a shorter content (overlap, not exact); the second with the wrong speaker.
        let found =
            vec![found(text, "Smith", "said", "the plan will", 0.9), found(text, "Smith", "say", "it works", 0.9)];
        let mut scores = AttributionScores::default();
        add_article(&mut scores, &article, &found);
        let scores = finish(scores);
        assert_eq!((scores.content.exact.right, scores.content.exact.recalled), (1, 1));
        assert_eq!((scores.content.overlap.right, scores.content.overlap.recalled), (2, 2));
        // Both found attributions name "Smith": one span found, right, against two gold sources.
        assert_eq!((scores.source.exact.found, scores.source.exact.right, scores.source.exact.gold), (1, 1, 2));
        assert_eq!(scores.source.exact.recalled, 1);
        assert_eq!(scores.attributions.recall, 1.0);
        assert_eq!(scores.speaker_accuracy, 0.5);
        assert_eq!(scores.attributed_recall, 0.5);
    }
}
