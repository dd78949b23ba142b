//! `tables.xlsx`: a finished run's tables as one workbook, for people who open tables in a spreadsheet (`run
//! --format xlsx`, `merge` of such shards, or `stancemap workbook RUN_DIR` afterwards).
//!
//! One sheet per table, the header row frozen, an autofilter over the header, column widths from the cells.
//! Text is written as text, so nothing in a news sentence ever runs as a formula (no guard `'` is needed, and
//! none is written); counts, offsets, probabilities and scores are numbers, so they sort and sum. A table with
//! more rows than a sheet holds (1,048,576 with the header) goes on in a second sheet (`evidence (2)`), and the
//! summary says so. A cell over Excel's 32,767 characters is cut there and counted. Rows are streamed to disk
//! (the writer's constant-memory mode), so memory does not grow with the tables.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet};

use super::finished::{FinishedRun, Record};

/// The workbook's file name in a run's folder.
pub const WORKBOOK: &str = "tables.xlsx";

/// The rows a sheet holds in Excel and LibreOffice, the header row included.
pub const SHEET_ROWS: usize = 1_048_576;

/// The columns a sheet holds in Excel and LibreOffice.
pub const SHEET_COLUMNS: usize = 16_384;

/// The characters a cell holds in Excel.
const CELL_CHARS: usize = 32_767;

/// The tables, in the order a reader wants them: the answers first, the text they come from last.
const TABLES: [&str; 8] = ["stances", "matrix", "evidence", "quotes", "actors", "articles", "mentions", "sentences"];

/// Columns holding numbers (every table's); matrix.csv's target columns are scores too.
const NUMBER_COLUMNS: [&str; 19] = [
    "sentence_index",
    "paragraph_index",
    "start",
    "end",
    "n_sentences",
    "n_chars",
    "confidence",
    "p_favor",
    "p_against",
    "p_neutral",
    "n_evidence",
    "n_favor",
    "n_against",
    "n_neutral",
    "score",
    "ci_low",
    "ci_high",
    "n_articles",
    "n_mentions",
];

/// Rows read to size the columns.
const WIDTH_SAMPLE: usize = 1_000;

/// What went into the workbook.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WorkbookSummary {
    pub path: PathBuf,
    /// Each sheet: its name and its rows (the header not counted).
    pub sheets: Vec<(String, usize)>,
    /// Tables that went on over more than one sheet.
    pub continued: Vec<String>,
    /// Cells cut at 32,767 characters.
    pub cut_cells: usize,
    /// Tables with more columns than a sheet holds (a matrix of `--matrix-top 0`), and how many they had: the
    /// sheet has the first 16,384.
    pub narrowed: Vec<(String, usize)>,
}

impl WorkbookSummary {
    /// What a user should hear of: tables that went on over several sheets, cells that were cut.
    pub fn notices(&self) -> Vec<String> {
        let mut notices = Vec::new();
        for table in &self.continued {
            let sheets: Vec<&str> = self
                .sheets
                .iter()
                .map(|(name, _)| name.as_str())
                .filter(|name| name.split(" (").next() == Some(table))
                .collect();
            notices.push(format!(
                "{}: {table} has more rows than a sheet holds ({}); it goes on over the sheets {}",
                self.path.display(),
                SHEET_ROWS - 1,
                sheets.join(", ")
            ));
        }
        for (table, columns) in &self.narrowed {
            notices.push(format!(
                "{}: {table} has {columns} columns, more than a sheet holds; the sheet has the first {SHEET_COLUMNS} (the CSV has them all)",
                self.path.display()
            ));
        }
        if self.cut_cells > 0 {
            notices.push(format!(
                "{}: {} cells were longer than a spreadsheet cell holds ({CELL_CHARS} characters) and were cut there; the CSV tables have them whole",
                self.path.display(),
                self.cut_cells
            ));
        }
        notices
    }
}

/// Writes the tables of `run` into the workbook at `path`, at most `sheet_rows` rows a sheet (header included;
/// [`SHEET_ROWS`] outside tests).
pub fn write(run: &FinishedRun, path: &Path, sheet_rows: usize) -> anyhow::Result<WorkbookSummary> {
    let mut workbook = Workbook::new();
    let header_format = CellFormat::new().set_bold();
    let mut summary = WorkbookSummary { path: path.to_path_buf(), ..WorkbookSummary::default() };
    let rows_per_sheet = sheet_rows.max(2) - 1;
    for table in TABLES.into_iter().filter(|t| run.has(t)) {
        let sample: Vec<Record> = run.rows(table)?.take(WIDTH_SAMPLE).collect::<anyhow::Result<_>>()?;
        let Some(mut columns) = header_of(run, table, sample.first()) else { continue };
        if columns.len() > SHEET_COLUMNS {
            summary.narrowed.push((table.to_string(), columns.len()));
            columns.truncate(SHEET_COLUMNS);
        }
        // matrix.csv's target columns hold scores (a JSONL table's columns come in name order).
        let numeric: Vec<bool> = columns
            .iter()
            .map(|c| {
                NUMBER_COLUMNS.contains(&c.as_str())
                    || (table == "matrix" && !["actor_id", "actor"].contains(&c.as_str()))
            })
            .collect();
        let widths: Vec<f64> = columns
            .iter()
            .map(|c| {
                let longest = sample.iter().map(|r| r.get(c).chars().count()).max().unwrap_or(0);
                (longest.max(c.chars().count()) as f64 + 2.0).clamp(6.0, 60.0)
            })
            .collect();
        let mut rows = run.rows(table)?.peekable();
        let mut part = 0;
        while part == 0 || rows.peek().is_some() {
            part += 1;
            let name = if part == 1 { table.to_string() } else { format!("{table} ({part})") };
            let sheet = workbook.add_worksheet_with_constant_memory();
            sheet.set_name(&name)?;
            for (column, width) in widths.iter().enumerate() {
                sheet.set_column_width(column as u16, *width)?;
            }
            for (column, name) in columns.iter().enumerate() {
                sheet.write_string_with_format(0, column as u16, name, &header_format)?;
            }
            sheet.set_freeze_panes(1, 0)?;
            let mut written = 0;
            while written < rows_per_sheet {
                let Some(record) = rows.next() else { break };
                let record = record?;
                written += 1;
                summary.cut_cells += write_row(sheet, written as u32, &columns, &numeric, &record)?;
            }
            sheet.autofilter(0, 0, written as u32, columns.len().saturating_sub(1) as u16)?;
            summary.sheets.push((name, written));
        }
        if part > 1 {
            summary.continued.push(table.to_string());
        }
    }
    let partial = super::staging_path(path);
    workbook.save(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    super::move_into_place(&partial, path)?;
    Ok(summary)
}

/// The column names of a table: its first row's, or, for a table without rows, its header line's (a JSONL table
/// without rows has none, and no sheet).
fn header_of(run: &FinishedRun, table: &str, first: Option<&Record>) -> Option<Vec<String>> {
    if let Some(first) = first {
        return Some(first.columns().to_vec());
    }
    let text = std::fs::read_to_string(run.path(table)).unwrap_or_default();
    let delimiter = if run.format == super::Format::Tsv { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().ok()?.iter().map(String::from).collect();
    (!header.is_empty() && run.format != super::Format::Jsonl).then_some(header)
}

/// Writes one row; returns how many of its cells were cut to fit.
fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    columns: &[String],
    numeric: &[bool],
    record: &Record,
) -> anyhow::Result<usize> {
    let mut cut = 0;
    for (column, name) in columns.iter().enumerate() {
        let cell = record.get(name);
        if cell.is_empty() {
            continue;
        }
        let number = numeric[column].then(|| cell.parse::<f64>().ok().filter(|n| n.is_finite())).flatten();
        match number {
            Some(number) => {
                sheet.write_number(row, column as u16, number)?;
            }
            None if cell.chars().count() > CELL_CHARS => {
                let end = cell.char_indices().nth(CELL_CHARS).map_or(cell.len(), |(i, _)| i);
                sheet.write_string(row, column as u16, &cell[..end])?;
                cut += 1;
            }
            None => {
                sheet.write_string(row, column as u16, cell)?;
            }
        }
    }
    Ok(cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{FormulaGuard, Style, Table};
    use calamine::{open_workbook, Data, Reader, Xlsx};

    fn table(dir: &Path, name: &str, header: &[&str], rows: &[&[&str]]) {
        let mut table =
            Table::create(dir, name, header, Style { format: super::super::Format::Csv, guard: FormulaGuard::On })
                .unwrap();
        for row in rows {
            table.row(row.iter()).unwrap();
        }
        table.finish().unwrap();
    }

    #[test]
    fn tables_become_sheets_with_text_as_text_numbers_as_numbers_and_long_tables_go_on() {
        let dir = tempfile::tempdir().unwrap();
        table(dir.path(), "articles.csv", &["article_id", "title"], &[&["0123", "=HYPERLINK(\"http://x\")"]]);
        let evidence: Vec<Vec<String>> =
            (0..5).map(|i| vec![format!("e{i}"), format!("0.{i}"), format!("-{i} said Putin “ja”")]).collect();
        let evidence: Vec<Vec<&str>> = evidence.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let evidence: Vec<&[&str]> = evidence.iter().map(Vec::as_slice).collect();
        table(dir.path(), "evidence.csv", &["evidence_id", "p_favor", "text"], &evidence);
        table(dir.path(), "stances.csv", &["actor_id", "score"], &[]);
        let run = FinishedRun::open(dir.path()).unwrap();
        let path = dir.path().join(WORKBOOK);
        // Three rows a sheet (the header and two): five evidence rows take three sheets.
        let summary = write(&run, &path, 3).unwrap();
        let names: Vec<&str> = summary.sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["stances", "evidence", "evidence (2)", "evidence (3)", "articles"]);
        assert_eq!(summary.continued, ["evidence"]);
        let notices = summary.notices();
        assert_eq!(notices.len(), 1);
        assert!(notices[0].ends_with("evidence, evidence (2), evidence (3)"), "{notices:?}");
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let articles = book.worksheet_range("articles").unwrap();
        // An id that looks like a number stays text; a formula-like title is text, without the guard's quote.
        assert_eq!(articles.get((1, 0)), Some(&Data::String("0123".into())));
        assert_eq!(articles.get((1, 1)), Some(&Data::String("=HYPERLINK(\"http://x\")".into())));
        let second = book.worksheet_range("evidence (2)").unwrap();
        assert_eq!(second.get((0, 2)), Some(&Data::String("text".into())), "every sheet has the header");
        assert_eq!(second.get((1, 0)), Some(&Data::String("e2".into())));
        assert_eq!(second.get((1, 1)), Some(&Data::Float(0.2)));
        assert_eq!(second.get((1, 2)), Some(&Data::String("-2 said Putin “ja”".into())));
        let stances = book.worksheet_range("stances").unwrap();
        assert_eq!(stances.get((0, 1)), Some(&Data::String("score".into())), "an empty table keeps its header");
        // No formula anywhere.
        for name in book.sheet_names() {
            let formulas = book.worksheet_formula(&name).unwrap();
            assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name}");
        }
    }
}
