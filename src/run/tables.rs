//! The run's tables: the per-article ones (articles, sentences, mentions, quotes) written as each article is
//! done, and the corpus-wide ones (stances, matrix, actors, the workbook) written at the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::annotate::ArticleDoc;
use super::options::RunOptions;
use super::stances::{MatrixColumns, StanceTables, TargetInfo};
use crate::actors::registry::Registry;
use crate::aggregate::Aggregator;
use crate::attribution::quotes::quote_rows;
use crate::output::finished::FinishedRun;
use crate::output::schema::{ACTOR_COLUMNS, ARTICLE_COLUMNS, MENTION_COLUMNS, QUOTE_COLUMNS, SENTENCE_COLUMNS};
use crate::output::{workbook, Format, Style, Table};
use crate::span::CharIndex;

/// The tables of one run, open for writing.
pub struct Tables {
    articles: Table,
    sentences: Table,
    mentions: Option<Table>,
    quotes: Option<Table>,
}

impl Tables {
    /// New tables, or with `lengths` from a resume journal, the tables an interrupted run was writing.
    pub fn open(
        dir: &Path,
        style: Style,
        with_mentions: bool,
        with_quotes: bool,
        lengths: Option<&BTreeMap<String, u64>>,
    ) -> anyhow::Result<Tables> {
        Ok(Tables {
            articles: open_table(dir, "articles.csv", ARTICLE_COLUMNS, style, lengths)?,
            sentences: open_table(dir, "sentences.csv", SENTENCE_COLUMNS, style, lengths)?,
            mentions: match with_mentions {
                true => Some(open_table(dir, "mentions.csv", MENTION_COLUMNS, style, lengths)?),
                false => None,
            },
            quotes: match with_quotes {
                true => Some(open_table(dir, "quotes.csv", QUOTE_COLUMNS, style, lengths)?),
                false => None,
            },
        })
    }

    /// The length of each table's file, for the resume journal.
    pub fn lengths(&mut self, lengths: &mut BTreeMap<String, u64>) -> anyhow::Result<()> {
        let tables =
            [Some(&mut self.articles), Some(&mut self.sentences), self.mentions.as_mut(), self.quotes.as_mut()];
        for table in tables.into_iter().flatten() {
            lengths.insert(table.partial_name(), table.length()?);
        }
        Ok(())
    }

    /// The document's rows of mentions.csv (with an entity model).
    pub fn write_mentions(&mut self, doc: &ArticleDoc) -> anyhow::Result<()> {
        let (Some(table), Some(actors)) = (self.mentions.as_mut(), &doc.actors) else { return Ok(()) };
        let (article, found, actor_ids) = (&doc.article, &doc.mentions, &doc.actor_ids);
        let text = &article.text;
        let mut chars = CharIndex::new(text);
        let actor_of = actors.actors_by_span();
        for (index, mention) in found.iter().enumerate() {
            let start = chars.to_chars(mention.span.start);
            let end = chars.to_chars(mention.span.end);
            table.row([
                article.id.as_str(),
                &format!("{}-m{index}", article.id),
                &mention.sentence_index.to_string(),
                &start.to_string(),
                &end.to_string(),
                mention.span.slice(text),
                mention.entity_type.as_str(),
                &format!("{:.4}", mention.confidence),
                mention.country.as_deref().unwrap_or(""),
                mention.source.as_str(),
                actor_of.get(&mention.span).and_then(|&a| actor_ids.get(a)).map_or("", String::as_str),
            ])?;
        }
        Ok(())
    }

    /// The document's rows of quotes.csv: one per attribution found, sorted by start.
    pub fn write_quotes(&mut self, doc: &ArticleDoc) -> anyhow::Result<()> {
        let Some(table) = self.quotes.as_mut() else { return Ok(()) };
        let (article, actor_ids) = (&doc.article, &doc.actor_ids);
        let rows = quote_rows(&article.text, &doc.segmentation, &doc.attributions, doc.actors.as_ref());
        let mut chars = CharIndex::new(&article.text);
        for (index, row) in rows.iter().enumerate() {
            let start = chars.to_chars(row.span.start);
            let end = chars.to_chars(row.span.end);
            table.row([
                article.id.as_str(),
                &format!("{}-q{index}", article.id),
                &start.to_string(),
                &end.to_string(),
                &row.text,
                if row.direct { "direct" } else { "indirect" },
                &row.cue,
                row.speaker.and_then(|a| actor_ids.get(a)).map_or("", String::as_str),
                &row.speaker_surface,
                &format!("{:.4}", row.confidence),
            ])?;
        }
        Ok(())
    }

    /// The document's rows of sentences.csv and articles.csv.
    pub fn write(&mut self, doc: &ArticleDoc) -> anyhow::Result<()> {
        let (article, segmentation) = (&doc.article, &doc.segmentation);
        let text = &article.text;
        let mut chars = CharIndex::new(text);
        for (index, sentence) in segmentation.sentences.iter().enumerate() {
            let start = chars.to_chars(sentence.span.start);
            let end = chars.to_chars(sentence.span.end);
            self.sentences.row([
                article.id.as_str(),
                &index.to_string(),
                &start.to_string(),
                &end.to_string(),
                if sentence.in_quote { "true" } else { "false" },
                sentence.span.slice(text),
                &sentence.paragraph.to_string(),
            ])?;
        }
        let n_chars = chars.to_chars(text.len());
        self.articles.row([
            article.id.as_str(),
            &article.title,
            article.date.as_deref().unwrap_or(""),
            article.source.as_deref().unwrap_or(""),
            &segmentation.sentences.len().to_string(),
            &n_chars.to_string(),
            article.url.as_deref().unwrap_or(""),
            &article.origin.to_string(),
        ])?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<Vec<PathBuf>> {
        let mut written = vec![self.articles.finish()?, self.sentences.finish()?];
        for table in [self.mentions, self.quotes].into_iter().flatten() {
            written.push(table.finish()?);
        }
        Ok(written)
    }
}

/// A new table, or (with the lengths of a resume journal) the one an interrupted run was writing, cut back to
/// the length it had after the last finished article.
pub fn open_table(
    dir: &Path,
    name: &str,
    columns: &[&str],
    style: Style,
    lengths: Option<&BTreeMap<String, u64>>,
) -> anyhow::Result<Table> {
    let partial = format!("{}.partial", Path::new(name).with_extension(style.format.extension()).display());
    Ok(match lengths.and_then(|l| l.get(&partial)) {
        Some(&length) => Table::reopen(dir, name, style, length)?,
        None => Table::create(dir, name, columns, style)?,
    })
}

/// Writes `actors.csv`: one row per actor of the corpus, whether or not the stance stage ran.
pub fn write_actor_table(options: &RunOptions, registry: &Registry) -> anyhow::Result<PathBuf> {
    let mut actors = Table::create(&options.out, "actors.csv", ACTOR_COLUMNS, options.style())?;
    for row in registry.rows() {
        actors.row(row)?;
    }
    Ok(actors.finish()?)
}

/// Writes stances.csv and matrix.csv from the cells, the actors and the other targets of a run; says which
/// targets matrix.csv shows.
pub fn write_aggregate_tables(
    options: &RunOptions,
    aggregator: &Aggregator,
    registry: &Registry,
    mut targets: BTreeMap<String, TargetInfo>,
) -> anyhow::Result<(Vec<PathBuf>, MatrixColumns)> {
    for row in registry.rows() {
        targets.insert(row[0].clone(), TargetInfo { label: row[1].clone(), target_type: row[2].clone() });
    }
    let style = options.style();
    let tables = StanceTables {
        dir: &options.out,
        style,
        aggregator,
        registry,
        targets: &targets,
        min_evidence: options.min_evidence,
        matrix_top: options.matrix_top,
    };
    let stances = tables.write_stances()?;
    let (matrix, columns) = tables.write_matrix()?;
    Ok((vec![stances, matrix], columns))
}

/// Writes `tables.xlsx` from the tables just `written` in `dir`, and says so when a table goes on over several
/// sheets or a cell was cut.
pub fn write_workbook(dir: &Path, format: Format, written: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let tables = written.iter().filter_map(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned()).collect();
    let run = FinishedRun::new(dir, format, Some(tables));
    let summary = workbook::write(&run, &dir.join(workbook::WORKBOOK), workbook::SHEET_ROWS)?;
    for notice in summary.notices() {
        eprintln!("stancemap: {notice}");
    }
    Ok(summary.path)
}
