//! `stancemap report`: one self-contained HTML page of a finished run, for reading who sides with whom before
//! reading tables. Scripts, styles and data are inside the file (no network, no CDN), so it opens from a disk,
//! an e-mail or a shared drive.
//!
//! The page (`report.html` beside this file, its data filled in here) shows:
//! - the actor network: actors (and, by choice, issues and topics) as nodes sized by mentions, favor and
//!   against edges coloured by side and weighted by evidence, with filters for the least evidence, the target
//!   type and the period, and a cap on the nodes drawn (the most connected first);
//! - a page per actor: its stances with their 95% intervals, the stances others take toward it, and the
//!   evidence sentences with holder and target marked;
//! - a page per target, with who is for and who against it;
//! - a search box over actors (their aliases included) and targets.
//!
//! What it holds, so that a 2,000-article run stays a file a browser opens: every actor and every stances.csv
//! cell, and the evidence of the cells with a side (favor or against), at most `evidence_per_cell` sentences
//! each, the strongest first (evidence.csv has them all). Neutral evidence is a sentence in which the model saw
//! no stance, so it is left out. A sentence that is evidence for several cells is stored once.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use crate::output::finished::FinishedRun;

/// The page, with `/*STANCEMAP_DATA*/null` where the data goes.
const TEMPLATE: &str = include_str!("report.html");
const DATA_SLOT: &str = "/*STANCEMAP_DATA*/null";

/// What the report holds.
#[derive(Debug, Clone, Default)]
pub struct ReportSummary {
    pub actors: usize,
    pub targets: usize,
    pub stances: usize,
    pub evidence: usize,
    pub bytes: usize,
}

#[derive(Serialize)]
struct Data {
    run: RunInfo,
    periods: Vec<String>,
    actors: Vec<ActorEntry>,
    targets: Vec<TargetEntry>,
    cells: Vec<CellEntry>,
    articles: Vec<ArticleEntry>,
    sentences: Vec<String>,
    evidence: Vec<EvidenceEntry>,
}

/// A stances.csv cell as the page reads it, an array to keep the file small: [actor, target, period, n_favor,
/// n_against, n_neutral, score, ci_low, ci_high, n_articles, stance (0 favor, 1 against, 2 neutral, 3 mixed)]
/// (indices into actors, targets, periods; ci -1 where there is none).
type CellEntry = (usize, usize, usize, usize, usize, usize, f64, f64, f64, usize, u8);

/// A piece of evidence as the page reads it: [actor, target, article, sentence, label (0 favor, 1 against, 2
/// neutral), p_favor, p_against, actor_surface, target_surface].
type EvidenceEntry = (usize, usize, usize, usize, u8, f64, f64, String, String);

#[derive(Serialize)]
struct RunInfo {
    folder: String,
    articles: usize,
    evidence_rows: usize,
    evidence_per_cell: usize,
    version: &'static str,
}

#[derive(Serialize)]
struct ActorEntry {
    id: String,
    name: String,
    #[serde(rename = "type")]
    actor_type: String,
    aliases: Vec<String>,
    mentions: usize,
    articles: usize,
    /// Its index among the targets, where others hold stances toward it.
    target: Option<usize>,
}

#[derive(Serialize)]
struct TargetEntry {
    id: String,
    name: String,
    #[serde(rename = "type")]
    target_type: String,
    /// Its index among the actors, where it is one.
    actor: Option<usize>,
}

#[derive(Serialize)]
struct ArticleEntry {
    title: String,
    date: String,
    source: String,
    url: String,
    /// The index of its period among the periods (`run --period`), where it has one.
    period: Option<usize>,
}

/// A piece of evidence kept for the page, before its sentence is stored.
struct Kept {
    strength: f64,
    order: usize,
    article: usize,
    sentence: (String, String),
    text: String,
    label: u8,
    p_favor: f64,
    p_against: f64,
    actor_surface: String,
    target_surface: String,
}

/// Writes the report of `run` to `out`.
pub fn write(run: &FinishedRun, out: &Path, evidence_per_cell: usize) -> anyhow::Result<ReportSummary> {
    if !run.has("stances") {
        anyhow::bail!(
            "{}: no stances table (the run was made with --no-stance or without entities): nothing to report",
            run.dir.display()
        );
    }
    let mut actors: Vec<ActorEntry> = Vec::new();
    let mut actor_index: HashMap<String, usize> = HashMap::new();
    if run.has("actors") {
        for row in run.rows("actors")? {
            let row = row?;
            actor_index.insert(row.get("actor_id").to_string(), actors.len());
            actors.push(ActorEntry {
                id: row.get("actor_id").to_string(),
                name: row.get("name").to_string(),
                actor_type: row.get("type").to_string(),
                aliases: crate::output::read::list(row.get("aliases")).map(String::from).collect(),
                mentions: row.count("n_mentions"),
                articles: row.count("n_articles"),
                target: None,
            });
        }
    }
    let mut targets: Vec<TargetEntry> = Vec::new();
    let mut target_index: HashMap<String, usize> = HashMap::new();
    let mut periods: Vec<String> = vec![crate::aggregate::ALL.to_string()];
    let mut cells = Vec::new();
    // (actor, target) pairs whose cell over the whole corpus has a side: their evidence is kept.
    let mut sided: HashMap<(usize, usize), Vec<Kept>> = HashMap::new();
    for row in run.rows("stances")? {
        let row = row?;
        let actor = *actor_index.entry(row.get("actor_id").to_string()).or_insert_with(|| {
            actors.push(ActorEntry {
                id: row.get("actor_id").to_string(),
                name: row.get("actor").to_string(),
                actor_type: row.get("actor_type").to_string(),
                aliases: Vec::new(),
                mentions: 0,
                articles: 0,
                target: None,
            });
            actors.len() - 1
        });
        let target = *target_index.entry(row.get("target_id").to_string()).or_insert_with(|| {
            targets.push(TargetEntry {
                id: row.get("target_id").to_string(),
                name: row.get("target").to_string(),
                target_type: row.get("target_type").to_string(),
                actor: None,
            });
            targets.len() - 1
        });
        let period = match periods.iter().position(|p| p == row.get("period")) {
            Some(index) => index,
            None => {
                periods.push(row.get("period").to_string());
                periods.len() - 1
            }
        };
        let interval = |name: &str| row.get(name).parse::<f64>().unwrap_or(-1.0);
        let (favor, against) = (row.count("n_favor"), row.count("n_against"));
        let stance = match row.get("stance") {
            "favor" => 0,
            "against" => 1,
            "neutral" => 2,
            _ => 3,
        };
        cells.push((
            actor,
            target,
            period,
            favor,
            against,
            row.count("n_neutral"),
            row.number("score"),
            interval("ci_low"),
            interval("ci_high"),
            row.count("n_articles"),
            stance,
        ));
        if period == 0 && favor + against > 0 {
            sided.insert((actor, target), Vec::new());
        }
    }
    for (index, target) in targets.iter_mut().enumerate() {
        target.actor = actor_index.get(&target.id).copied();
        if let Some(actor) = target.actor {
            actors[actor].target = Some(index);
        }
    }
    // Periods in time order after `all`, and the cells' period indices with them.
    let mut sorted: Vec<usize> = (1..periods.len()).collect();
    sorted.sort_by(|a, b| periods[*a].cmp(&periods[*b]));
    let mut renumbered = vec![0; periods.len()];
    for (rank, old) in sorted.iter().enumerate() {
        renumbered[*old] = rank + 1;
    }
    for cell in &mut cells {
        cell.2 = renumbered[cell.2];
    }
    let periods: Vec<String> =
        std::iter::once(periods[0].clone()).chain(sorted.iter().map(|i| periods[*i].clone())).collect();

    // The run's periods (day, week or month), to show an article's evidence under its own period only.
    let period_kind: Option<crate::aggregate::Period> =
        run.manifest().and_then(|m| serde_json::from_value(m["options"]["period"].clone()).ok()).flatten();
    let mut articles = Vec::new();
    let mut article_index: HashMap<String, usize> = HashMap::new();
    for row in run.rows("articles")? {
        let row = row?;
        article_index.insert(row.get("article_id").to_string(), articles.len());
        let period = period_kind
            .and_then(|kind| kind.of(&crate::corpus::date::iso_day(row.get("date"))))
            .and_then(|label| periods.iter().position(|p| *p == label));
        articles.push(ArticleEntry {
            title: row.get("title").to_string(),
            date: row.get("date").to_string(),
            source: row.get("source").to_string(),
            url: row.get("url").to_string(),
            period,
        });
    }

    let mut evidence_rows = 0;
    if run.has("evidence") {
        for (order, row) in run.rows("evidence")?.enumerate() {
            let row = row?;
            evidence_rows += 1;
            let (Some(&actor), Some(&target)) =
                (actor_index.get(row.get("actor_id")), target_index.get(row.get("target_id")))
            else {
                continue;
            };
            let Some(kept) = sided.get_mut(&(actor, target)) else { continue };
            let label = match row.get("label") {
                "favor" => 0,
                "against" => 1,
                _ => continue, // a sentence without a stance
            };
            let (p_favor, p_against) = (row.number("p_favor"), row.number("p_against"));
            // The clearer side first.
            let strength = (p_favor - p_against).abs();
            if kept.len() == evidence_per_cell && kept.last().is_none_or(|k| k.strength >= strength) {
                continue;
            }
            let Some(&article) = article_index.get(row.get("article_id")) else { continue };
            kept.push(Kept {
                strength,
                order,
                article,
                sentence: (row.get("article_id").to_string(), row.get("sentence_index").to_string()),
                text: row.get("text").to_string(),
                label,
                p_favor,
                p_against,
                actor_surface: row.get("actor_surface").to_string(),
                target_surface: row.get("target_surface").to_string(),
            });
            kept.sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.order.cmp(&b.order)));
            kept.truncate(evidence_per_cell);
        }
    }
    // Stored in a fixed order (by pair, then strength), so the same run gives the same file.
    let mut pairs: Vec<((usize, usize), Vec<Kept>)> = sided.into_iter().collect();
    pairs.sort_by_key(|(pair, _)| *pair);
    let mut sentences: Vec<String> = Vec::new();
    let mut sentence_index: HashMap<(String, String), usize> = HashMap::new();
    let mut evidence = Vec::new();
    for ((actor, target), kept) in pairs {
        for k in kept {
            let sentence = *sentence_index.entry(k.sentence).or_insert_with(|| {
                sentences.push(k.text);
                sentences.len() - 1
            });
            let round = |p: f64| (p * 1000.0).round() / 1000.0;
            evidence.push((
                actor,
                target,
                k.article,
                sentence,
                k.label,
                round(k.p_favor),
                round(k.p_against),
                k.actor_surface,
                k.target_surface,
            ));
        }
    }

    let summary = ReportSummary {
        actors: actors.len(),
        targets: targets.len(),
        stances: cells.iter().filter(|c| c.2 == 0).count(),
        evidence: evidence.len(),
        bytes: 0,
    };
    let data = Data {
        run: RunInfo {
            folder: run.dir.display().to_string(),
            articles: articles.len(),
            evidence_rows,
            evidence_per_cell,
            version: env!("CARGO_PKG_VERSION"),
        },
        periods,
        actors,
        targets,
        cells,
        articles,
        sentences,
        evidence,
    };
    let page = page(&data)?;
    let partial = crate::output::staging_path(out);
    std::fs::write(&partial, &page).with_context(|| format!("cannot write {}", partial.display()))?;
    crate::output::move_into_place(&partial, out)?;
    Ok(ReportSummary { bytes: page.len(), ..summary })
}

/// The page with `data` in it. The JSON goes inside a `<script>` element, so every `<` in it is written as
/// `\u003c`: no text from an article can close the element or open another.
fn page(data: &Data) -> anyhow::Result<String> {
    let json = serde_json::to_string(data)?.replace('<', "\\u003c");
    let (before, after) = TEMPLATE.split_once(DATA_SLOT).context("the report template has no data slot")?;
    Ok([before, &json, after].concat())
}

/// The ordered periods of the run, for tests.
#[cfg(test)]
fn periods_in(page: &str) -> Vec<String> {
    let start = page.find("\"periods\":").unwrap() + 10;
    let end = start + page[start..].find(']').unwrap() + 1;
    serde_json::from_str(&page[start..end]).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{FormulaGuard, Style, Table};

    fn table(dir: &Path, name: &str, header: &[&str], rows: &[Vec<&str>]) {
        let style = Style { format: crate::output::Format::Csv, guard: FormulaGuard::On };
        let mut table = Table::create(dir, name, header, style).unwrap();
        for row in rows {
            table.row(row).unwrap();
        }
        table.finish().unwrap();
    }

    #[test]
    fn the_page_holds_the_sided_evidence_strongest_first_and_no_article_text_can_break_out() {
        let dir = tempfile::tempdir().unwrap();
        table(
            dir.path(),
            "articles.csv",
            crate::output::schema::ARTICLE_COLUMNS,
            &[vec!["a1", "Title", "2021-06-01", "", "3", "9", "", "x.txt"]],
        );
        table(
            dir.path(),
            "actors.csv",
            crate::output::schema::ACTOR_COLUMNS,
            &[
                vec!["ann", "Ann Lee", "person", "Lee|Ms Lee", "", "", "1", "4"],
                vec!["bob", "Bob Roe", "person", "", "", "", "1", "2"],
            ],
        );
        let stance = |target: &'static str,
                      period: &'static str,
                      f: &'static str,
                      a: &'static str,
                      n: &'static str,
                      stance: &'static str| {
            vec![
                "ann", "Ann Lee", "person", target, target, "issue", period, "3", f, a, n, stance, "0.5", "0.2", "0.9",
                "1", "",
            ]
        };
        table(
            dir.path(),
            "stances.csv",
            crate::output::schema::STANCE_COLUMNS,
            &[
                stance("wall", "all", "2", "0", "1", "favor"),
                stance("tax", "all", "0", "0", "3", "neutral"),
                stance("wall", "2021-06", "2", "0", "1", "favor"),
                stance("wall", "2021-05", "2", "0", "1", "favor"),
            ],
        );
        // Each in its own sentence (e1 is sentence 1…): a sentence is stored once, keyed by its article and index.
        let evidence =
            |id: &'static str, target: &'static str, label: &'static str, p: &'static str, text: &'static str| {
                vec![id, "a1", &id[1..], "0", "3", "ann", "Lee", target, target, "false", label, p, "0.1", "0.1", text]
            };
        table(
            dir.path(),
            "evidence.csv",
            crate::output::schema::EVIDENCE_COLUMNS,
            &[
                evidence("e1", "wall", "neutral", "0.3", "Lee spoke of the wall."),
                evidence("e2", "wall", "favor", "0.6", "Lee backs the wall."),
                evidence("e3", "wall", "favor", "0.9", "Lee loves the wall </script><script>alert(1)</script>."),
                evidence("e4", "tax", "neutral", "0.2", "Lee mentioned the tax."),
            ],
        );
        let run = FinishedRun::open(dir.path()).unwrap();
        let out = dir.path().join("report.html");
        let summary = write(&run, &out, 2).unwrap();
        assert_eq!((summary.actors, summary.targets, summary.stances, summary.evidence), (2, 2, 2, 2));
        let page = std::fs::read_to_string(&out).unwrap();
        assert_eq!(summary.bytes, page.len());
        // The two strongest sentences with a side; the neutral one and the neutral cell's are left out.
        assert!(page.contains("Lee backs the wall.") && page.contains("Lee loves the wall"));
        assert!(!page.contains("Lee spoke of the wall.") && !page.contains("Lee mentioned the tax."));
        assert!(page.find("Lee loves").unwrap() < page.find("Lee backs").unwrap(), "the strongest first");
        // The sentence's markup stays inside the data.
        assert_eq!(page.matches("</script>").count(), TEMPLATE.matches("</script>").count());
        assert!(!page.contains("<script>alert"));
        assert_eq!(periods_in(&page), ["all", "2021-05", "2021-06"]);
        for fetch in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!page.contains(fetch), "the page fetches nothing from a network: {fetch}");
        }
    }

    #[test]
    fn a_run_without_stances_is_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        table(dir.path(), "articles.csv", crate::output::schema::ARTICLE_COLUMNS, &[]);
        let run = FinishedRun::open(dir.path()).unwrap();
        let error = write(&run, &dir.path().join("r.html"), 5).unwrap_err().to_string();
        assert!(error.contains("no stances table"), "{error}");
    }
}
