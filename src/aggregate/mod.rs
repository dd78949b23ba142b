//! The aggregator: evidence rows summed per holder × target (× period) over the corpus.
//!
//! Each cell counts its evidence by label, sums the score `p_favor - p_against` (so the mean is in [-1, 1]),
//! and knows its articles and its strongest evidence. Only sums are kept, so memory grows with the number of
//! (holder, target, period) cells, not with the corpus, and two runs' cells add up exactly (sharding).
//!
//! The stance of a cell: `neutral` when it has no favor or against evidence; `favor` / `against` when all of
//! its non-neutral evidence says so; otherwise `favor` when the 95% Wilson interval of the favor share among
//! its non-neutral evidence lies above one half, `against` when below, and `mixed` when it contains one half.
//! `ci_low`/`ci_high` are that interval (empty when there is no non-neutral evidence).
//!
//! Evidence less confident than `--min-confidence` (its top probability) is left out of the cells; the
//! evidence table keeps it.

use std::collections::{BTreeMap, BTreeSet};

use crate::corpus::date::Day;
use crate::vocab::StanceLabel;

/// How evidence is grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// The period of a day (`2021-06-16`): the day itself, its ISO week (`2021-W24`) or its month (`2021-06`).
    /// None for a day that is not a date of the calendar.
    pub fn of(self, day: &str) -> Option<String> {
        let day = Day::parse(day)?;
        Some(match self {
            Period::Day => day.to_string(),
            Period::Month => format!("{:04}-{:02}", day.year, day.month),
            Period::Week => {
                let (year, week) = day.iso_week();
                format!("{year:04}-W{week:02}")
            }
        })
    }
}

/// The period column of rows over the whole corpus.
pub const ALL: &str = "all";

/// One piece of evidence as the aggregator sees it.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    pub evidence_id: &'a str,
    pub article_id: &'a str,
    pub actor_id: &'a str,
    pub target_id: &'a str,
    /// The article's ISO day, empty when unknown.
    pub day: &'a str,
    pub label: StanceLabel,
    /// favor, against, neutral.
    pub probabilities: [f32; 3],
}

/// The sums of one holder × target × period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub n_favor: usize,
    pub n_against: usize,
    pub n_neutral: usize,
    pub score_sum: f64,
    pub articles: BTreeSet<String>,
    /// The evidence with the largest |p_favor - p_against| (the first such).
    pub top_evidence: Option<(f32, String)>,
}

impl Cell {
    pub fn n_evidence(&self) -> usize {
        self.n_favor + self.n_against + self.n_neutral
    }

    pub fn score(&self) -> f64 {
        self.score_sum / self.n_evidence().max(1) as f64
    }

    /// The Wilson interval of the favor share among non-neutral evidence; None without any.
    pub fn interval(&self) -> Option<(f64, f64)> {
        wilson(self.n_favor, self.n_favor + self.n_against)
    }

    /// favor, against, neutral or mixed (see the module documentation).
    pub fn stance(&self) -> &'static str {
        match (self.n_favor, self.n_against) {
            (0, 0) => "neutral",
            (_, 0) => "favor",
            (0, _) => "against",
            _ => match self.interval() {
                Some((low, _)) if low > 0.5 => "favor",
                Some((_, high)) if high < 0.5 => "against",
                _ => "mixed",
            },
        }
    }
}

/// The 95% Wilson score interval of `successes` out of `n`; None when `n` is 0.
pub fn wilson(successes: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (k, n) = (successes as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// The key of a cell: holder id, target id, period (`all` for the whole corpus).
pub type CellKey = (String, String, String);

/// All cells of a run.
#[derive(Debug, Default)]
pub struct Aggregator {
    pub cells: BTreeMap<CellKey, Cell>,
    period: Option<Period>,
    min_confidence: f32,
}

impl Aggregator {
    pub fn new(period: Option<Period>, min_confidence: f32) -> Aggregator {
        Aggregator { cells: BTreeMap::new(), period, min_confidence }
    }

    /// Adds one piece of evidence to its cell over the corpus and, with a period, to its period's cell.
    pub fn add(&mut self, evidence: &Evidence) {
        let confidence = evidence.probabilities.iter().copied().fold(0.0f32, f32::max);
        if confidence < self.min_confidence {
            return;
        }
        let periods = std::iter::once(ALL.to_string()).chain(self.period.and_then(|p| p.of(evidence.day)));
        for period in periods {
            let key = (evidence.actor_id.to_string(), evidence.target_id.to_string(), period);
            let cell = self.cells.entry(key).or_default();
            match evidence.label {
                StanceLabel::Favor => cell.n_favor += 1,
                StanceLabel::Against => cell.n_against += 1,
                StanceLabel::Neutral => cell.n_neutral += 1,
            }
            let [favor, against, _] = evidence.probabilities;
            let score = f64::from(favor) - f64::from(against);
            cell.score_sum += score;
            if !cell.articles.contains(evidence.article_id) {
                cell.articles.insert(evidence.article_id.to_string());
            }
            let strength = score.abs() as f32;
            if cell.top_evidence.as_ref().is_none_or(|(best, _)| strength > *best) {
                cell.top_evidence = Some((strength, evidence.evidence_id.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_values() {
        let (low, high) = wilson(8, 10).unwrap();
        assert!((low - 0.4902).abs() < 1e-4 && (high - 0.9433).abs() < 1e-4, "{low} {high}");
        let (low, high) = wilson(0, 5).unwrap();
        assert!(low == 0.0 && (high - 0.4345).abs() < 1e-4, "{high}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn periods_of_a_day() {
        assert_eq!(Period::Week.of("2021-06-16").as_deref(), Some("2021-W24"));
        assert_eq!(Period::Week.of("2021-01-03").as_deref(), Some("2020-W53"), "a Sunday in the last ISO week of 2020");
        assert_eq!(Period::Week.of("2024-12-30").as_deref(), Some("2025-W01"));
        assert_eq!(Period::Month.of("2021-06-16").as_deref(), Some("2021-06"));
        assert_eq!(Period::Day.of("2021-06-16").as_deref(), Some("2021-06-16"));
        assert_eq!(Period::Day.of(""), None);
        assert_eq!(Period::Week.of("2021-02-31"), None, "no such day");
    }

    fn evidence<'a>(id: &'a str, article: &'a str, label: StanceLabel, p: [f32; 3]) -> Evidence<'a> {
        Evidence {
            evidence_id: id,
            article_id: article,
            actor_id: "a",
            target_id: "t",
            day: "2021-06-16",
            label,
            probabilities: p,
        }
    }

    #[test]
    fn cells_sum_their_evidence_and_name_a_stance() {
        let mut aggregator = Aggregator::new(Some(Period::Month), 0.5);
        aggregator.add(&evidence("e1", "x", StanceLabel::Against, [0.1, 0.8, 0.1]));
        aggregator.add(&evidence("e2", "y", StanceLabel::Against, [0.05, 0.9, 0.05]));
        aggregator.add(&evidence("e3", "y", StanceLabel::Neutral, [0.2, 0.2, 0.6]));
        aggregator.add(&evidence("e4", "y", StanceLabel::Favor, [0.4, 0.35, 0.25])); // under min confidence
        assert_eq!(aggregator.cells.len(), 2, "all and 2021-06");
        let cell = &aggregator.cells[&("a".into(), "t".into(), ALL.into())];
        assert_eq!((cell.n_against, cell.n_neutral, cell.n_favor, cell.articles.len()), (2, 1, 0, 2));
        assert!((cell.score() - (-0.7 - 0.85 + 0.0) / 3.0).abs() < 1e-6);
        assert_eq!(cell.stance(), "against");
        assert_eq!(cell.top_evidence.as_ref().unwrap().1, "e2");
        let mixed = Cell { n_favor: 3, n_against: 2, ..Cell::default() };
        assert_eq!(mixed.stance(), "mixed");
        let favor = Cell { n_favor: 30, n_against: 2, ..Cell::default() };
        assert_eq!(favor.stance(), "favor");
        assert_eq!(Cell::default().stance(), "neutral");
    }
}
