//! Putting the shards of a run back together.
//!
//! `stancemap run --shard i/N` ([`crate::run::shard`]) processes only one shard's articles and keeps its journal
//! as `shard.jsonl`: each article's place in the corpus, its actors and the ids they got, its evidence.
//! `stancemap merge DIR... --out DIR` puts the shards together into the tables one run over the whole corpus
//! writes: the rows of every article in corpus order, actor ids and issue ids decided again over all articles
//! in that order (as one run decides them, so an actor met in two shards is one actor), and the aggregate tables
//! computed from all the evidence.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::actors::registry::Registry;
use crate::aggregate::{Aggregator, Evidence};
use crate::corpus::date::iso_day;
use crate::lexicon::Lexicon;
use crate::output::read::{table_rows, TableRow};
use crate::output::schema::{ARTICLE_COLUMNS, EVIDENCE_COLUMNS, MENTION_COLUMNS, QUOTE_COLUMNS, SENTENCE_COLUMNS};
use crate::output::Table;
use crate::run::journal::{ArticleEntry, Journal};
use crate::run::shard::{Shard, SHARD_JOURNAL};
use crate::run::stances::TargetInfo;
use crate::run::tables::{write_actor_table, write_aggregate_tables, write_workbook};
use crate::run::{user_table, RunOptions};
use crate::targets::IssueMerger;

/// One shard's output folder, read back.
struct ShardRun {
    dir: PathBuf,
    shard: Shard,
    manifest: serde_json::Value,
    entries: Vec<ArticleEntry>,
}

impl ShardRun {
    fn read(dir: &Path) -> anyhow::Result<ShardRun> {
        let path = dir.join("run.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: no run.json (is the shard's run finished?)", dir.display()))?;
        let manifest: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not a run.json", path.display()))?;
        let shard: Option<Shard> = serde_json::from_value(manifest["options"]["shard"].clone()).unwrap_or(None);
        let Some(shard) = shard else {
            bail!("{}: not a shard (run with --shard i/N)", dir.display());
        };
        let (_, entries) = Journal::read(&dir.join(SHARD_JOURNAL))?;
        Ok(ShardRun { dir: dir.to_path_buf(), shard, manifest, entries })
    }

    /// The run's options without what differs between shards, or only shapes the tables written at the end (the
    /// merge writes those with the first shard's).
    fn common_options(&self) -> serde_json::Value {
        let mut options = self.manifest["options"].clone();
        if let Some(object) = options.as_object_mut() {
            for key in ["shard", "out", "progress", "device", "batch_size", "matrix_top", "workbook"] {
                object.remove(key);
            }
        }
        options
    }
}

/// What a merge put together.
#[derive(Debug)]
pub struct MergeSummary {
    pub shards: usize,
    pub articles: usize,
    pub evidence: usize,
    pub out: PathBuf,
}

/// An article's actor ids as its shard gave them -> as the merged run gives them.
type IdMap = HashMap<String, String>;

/// Merges the shard folders `dirs` (all N shards of one run) into `out`.
pub fn merge(dirs: &[PathBuf], out: &Path) -> anyhow::Result<MergeSummary> {
    let started_at = std::time::SystemTime::now();
    let shards: Vec<ShardRun> = dirs.iter().map(|d| ShardRun::read(d)).collect::<anyhow::Result<_>>()?;
    let Some(first) = shards.first() else { bail!("no shard folders to merge") };
    let count = first.shard.count;
    let mut seen = vec![None; count];
    for run in &shards {
        if run.shard.count != count {
            bail!(
                "{} is shard {} but {} is shard {}: not the same split",
                run.dir.display(),
                run.shard,
                first.dir.display(),
                first.shard
            );
        }
        if run.common_options() != first.common_options() {
            bail!(
                "{} was run with other options than {}: not shards of one run",
                run.dir.display(),
                first.dir.display()
            );
        }
        if let Some(other) = seen[run.shard.index - 1].replace(&run.dir) {
            bail!("{} and {} are both shard {}", other.display(), run.dir.display(), run.shard);
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, d)| d.is_none()).map(|(i, _)| format!("{}/{count}", i + 1)).collect();
    if !missing.is_empty() {
        bail!("shard(s) {} missing: merge needs all {count} shards of the run", missing.join(", "));
    }

    let mut options: RunOptions = serde_json::from_value(first.manifest["options"].clone())
        .with_context(|| format!("{}: run.json options", first.dir.display()))?;
    options.out = out.to_path_buf();
    options.shard = None;
    let same = |dir: &Path| out.canonicalize().ok().is_some_and(|o| dir.canonicalize().ok().as_ref() == Some(&o));
    if let Some(shard) = dirs.iter().find(|dir| same(dir)) {
        bail!(
            "--out {} is one of the shards being merged: it would be overwritten; merge into a folder of its own",
            shard.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let _lock = crate::output::lock::FolderLock::take(out)?;

    // Every article, in corpus order.
    let mut entries: Vec<(usize, &ArticleEntry)> =
        shards.iter().enumerate().flat_map(|(s, run)| run.entries.iter().map(move |e| (s, e))).collect();
    entries.sort_by_key(|(_, e)| e.position);
    let mut ids = HashSet::new();
    for (s, entry) in &entries {
        if !ids.insert(&entry.article_id) {
            bail!(
                "article {} is in two shards ({} among them): not shards of one run",
                entry.article_id,
                shards[*s].dir.display()
            );
        }
    }

    // Actors and issues decided again over the whole corpus, in order; the cells from all the evidence.
    let mut problems = Vec::new();
    let mut registry = user_table(&options.actors, Registry::with_table, &mut problems)?;
    // The issue merge reads the lexicon's function and direction words, as the shards' runs did.
    let lexicon = Lexicon::load(&options.lexicon, &[]).with_context(|| {
        format!("the shards ran with --lexicon {:?} (their run.json); merge reads the same folders", options.lexicon)
    })?;
    let mut issues = match options.auto_targets {
        true => IssueMerger::new(options.device.device()?, &lexicon),
        false => IssueMerger::by_key(&lexicon),
    };
    let mut aggregator = Aggregator::new(options.period, options.min_confidence);
    let mut targets: BTreeMap<String, TargetInfo> = BTreeMap::new();
    let mut actor_maps: HashMap<&str, IdMap> = HashMap::new();
    let mut evidence_ids: HashMap<&str, Vec<(String, String)>> = HashMap::new();
    for (_, entry) in &entries {
        let date = entry.date.as_deref();
        let map: IdMap = entry
            .actor_ids
            .iter()
            .zip(&entry.actors)
            .map(|(old, actor)| (old.clone(), registry.identify(actor, date)))
            .collect();
        let day = date.map(iso_day).unwrap_or_default();
        let mut merged = Vec::with_capacity(entry.evidence.len());
        for (index, record) in entry.evidence.iter().enumerate() {
            let actor_id = map.get(&record.actor_id).cloned().unwrap_or_else(|| record.actor_id.clone());
            let target_id = match (&record.issue_key, &record.target) {
                (Some(key), info) => {
                    let label = record.issue_label.clone().or_else(|| info.as_ref().map(|i| i.label.clone()));
                    let label = label.unwrap_or_else(|| key.clone());
                    let id = issues.id_of_key(key, &label)?;
                    targets.entry(id.clone()).or_insert(TargetInfo { label, target_type: "issue".into() });
                    id
                }
                (None, Some(info)) => {
                    targets.entry(record.target_id.clone()).or_insert_with(|| info.clone());
                    record.target_id.clone()
                }
                (None, None) => map.get(&record.target_id).cloned().unwrap_or_else(|| record.target_id.clone()),
            };
            aggregator.add(&Evidence {
                evidence_id: &format!("{}-e{index}", entry.article_id),
                article_id: &entry.article_id,
                actor_id: &actor_id,
                target_id: &target_id,
                day: &day,
                label: record.label,
                probabilities: record.probabilities,
            });
            merged.push((actor_id, target_id));
        }
        actor_maps.insert(&entry.article_id, map);
        evidence_ids.insert(&entry.article_id, merged);
    }

    // The per-article tables, article by article in corpus order, with the merged ids.
    let with_mentions = options.entity_model.is_some();
    let with_stance = with_mentions && options.stance_model.is_some();
    let mut written = Vec::new();
    let mut tables: Vec<(&str, &[&str])> = vec![("articles.csv", ARTICLE_COLUMNS), ("sentences.csv", SENTENCE_COLUMNS)];
    if with_mentions {
        tables.push(("mentions.csv", MENTION_COLUMNS));
    }
    if with_stance {
        tables.push(("evidence.csv", EVIDENCE_COLUMNS));
    }
    if options.attribution_model.is_some() {
        tables.push(("quotes.csv", QUOTE_COLUMNS));
    }
    for (name, columns) in tables {
        let article_column = columns.iter().position(|c| *c == "article_id").unwrap_or(0);
        // Each shard wrote its articles' rows in the order of its journal, which corpus order keeps: one pass
        // over every shard's table, taking from the shard of the next article the rows that are its own.
        let mut readers = Vec::with_capacity(shards.len());
        for run in &shards {
            let path = run.dir.join(Path::new(name).with_extension(options.format.extension()));
            readers.push((path.clone(), table_rows(&path, options.format, columns)?.peekable()));
        }
        let mut table = Table::create(out, name, columns, options.style())?;
        for (s, entry) in &entries {
            let article = entry.article_id.as_str();
            let of_article =
                |row: &TableRow| row.as_ref().map_or(true, |r| r.get(article_column).is_some_and(|a| a == article));
            let mut index = 0;
            while let Some(row) = readers[*s].1.next_if(of_article) {
                let mut row = row?;
                remap_row(name, columns, &mut row, &actor_maps[article], evidence_ids[article].get(index));
                table.row(&row)?;
                index += 1;
            }
        }
        for (path, rows) in &mut readers {
            if let Some(row) = rows.next() {
                let article = row?.get(article_column).cloned().unwrap_or_default();
                bail!("{}: rows of article {article}, which the shard's {SHARD_JOURNAL} does not list", path.display());
            }
        }
        written.push(table.finish()?);
    }
    let mut matrix = None;
    if with_stance {
        let (aggregates, columns) = write_aggregate_tables(&options, &aggregator, &registry, targets)?;
        written.extend(aggregates);
        matrix = Some(columns);
    }
    if with_mentions {
        written.push(write_actor_table(&options, &registry)?);
    }
    if options.workbook {
        written.push(write_workbook(out, options.format, &written)?);
    }

    let summary = MergeSummary {
        shards: shards.len(),
        articles: entries.len(),
        evidence: entries.iter().map(|(_, e)| e.evidence.len()).sum(),
        out: out.to_path_buf(),
    };
    let mut manifest = merged_manifest(&shards, &options, &summary, started_at, &written)?;
    if let Some(columns) = matrix {
        manifest["counts"]["matrix"] = serde_json::to_value(columns)?;
    }
    crate::output::write_json(&out.join("run.json"), &manifest)?;
    Ok(summary)
}

/// Puts the merged run's actor and target ids into a row of `name`.
fn remap_row(name: &str, columns: &[&str], row: &mut [String], actors: &IdMap, evidence: Option<&(String, String)>) {
    let column = |wanted: &str| columns.iter().position(|c| *c == wanted);
    match name {
        "mentions.csv" | "quotes.csv" => {
            let actor_column = if name == "quotes.csv" { "speaker_actor_id" } else { "actor_id" };
            if let Some(cell) = column(actor_column).and_then(|i| row.get_mut(i)) {
                if let Some(id) = actors.get(cell.as_str()) {
                    *cell = id.clone();
                }
            }
        }
        "evidence.csv" => {
            if let Some((actor_id, target_id)) = evidence {
                for (wanted, id) in [("actor_id", actor_id), ("target_id", target_id)] {
                    if let Some(cell) = column(wanted).and_then(|i| row.get_mut(i)) {
                        *cell = id.clone();
                    }
                }
            }
        }
        _ => {}
    }
}

/// run.json of the merged run: the article counts summed over the shards; the input's problems, which every
/// shard meets (each reads the whole corpus), once; each shard's timings.
fn merged_manifest(
    shards: &[ShardRun],
    options: &RunOptions,
    summary: &MergeSummary,
    started_at: std::time::SystemTime,
    written: &[PathBuf],
) -> anyhow::Result<serde_json::Value> {
    let first = &shards[0].manifest;
    let mut counts = first["counts"].clone();
    for key in ["articles", "paragraphs", "sentences", "quotes", "chars", "words", "mentions", "evidence"] {
        let total: u64 = shards.iter().map(|s| s.manifest["counts"][key].as_u64().unwrap_or(0)).sum();
        counts[key] = total.into();
    }
    let mut outputs: Vec<String> =
        written.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    outputs.push("run.json".into());
    Ok(serde_json::json!({
        "stancemap_version": env!("CARGO_PKG_VERSION"),
        "command": std::env::args().collect::<Vec<_>>(),
        "started_at": humantime::format_rfc3339_seconds(started_at).to_string(),
        "finished_at": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "merged_from": shards.iter().map(|s| serde_json::json!({
            "dir": s.dir, "shard": s.shard.to_string(), "articles": s.entries.len(), "timings": s.manifest["timings"],
        })).collect::<Vec<_>>(),
        "inputs": first["inputs"],
        "models": first["models"],
        "options": options,
        "counts": counts,
        "problems": first["problems"],
        "outputs": outputs,
        "articles": summary.articles,
    }))
}
