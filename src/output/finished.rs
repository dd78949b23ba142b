//! A finished run's tables read back, for what is made from them afterwards: `report`, `network`, the workbook
//! and `eval articles --run`. The format (CSV, TSV or JSONL) is found from the files in the folder; cells come
//! as they were before the formula guard put its `'` before them; columns are found by name, so a table from an
//! older run with fewer columns still reads (a missing column reads as empty).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use super::read::unguard;
use super::Format;

/// The folder of a finished run, the format its tables were written in, and which tables it wrote.
#[derive(Debug, Clone)]
pub struct FinishedRun {
    pub dir: PathBuf,
    pub format: Format,
    /// The tables the run wrote (`"stances"`, …), from its run.json; None: whichever files are there.
    tables: Option<BTreeSet<String>>,
}

impl FinishedRun {
    /// The run in `dir`. Its run.json says the format and the tables it wrote, so that the tables of an earlier
    /// run into the same folder (another format, or a stage this run left out) are never read; without a
    /// run.json, the format is that of the `articles` table found.
    pub fn open(dir: &Path) -> anyhow::Result<FinishedRun> {
        if !dir.is_dir() {
            anyhow::bail!("{}: no such folder", dir.display());
        }
        if dir.join(super::schema::JOURNAL).exists() {
            anyhow::bail!("{}: the run has not finished (resume it first)", dir.display());
        }
        let manifest = std::fs::read_to_string(dir.join("run.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
        if let Some(manifest) = manifest {
            let format: Format = serde_json::from_value(manifest["options"]["format"].clone())
                .with_context(|| format!("{}: run.json names no table format", dir.display()))?;
            let tables = manifest["outputs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|name| name.as_str())
                .filter_map(|name| name.strip_suffix(&format!(".{}", format.extension())))
                .map(String::from)
                .collect();
            return Ok(FinishedRun::new(dir, format, Some(tables)));
        }
        let format = [Format::Csv, Format::Tsv, Format::Jsonl]
            .into_iter()
            .find(|f| dir.join(format!("articles.{}", f.extension())).is_file())
            .with_context(|| {
                format!(
                    "{}: no run.json and no articles.csv (or .tsv, .jsonl): not a stancemap run's folder",
                    dir.display()
                )
            })?;
        Ok(FinishedRun::new(dir, format, None))
    }

    /// The run in `dir` with these tables (for a run that is writing its last files: its run.json is not there yet).
    pub fn new(dir: &Path, format: Format, tables: Option<BTreeSet<String>>) -> FinishedRun {
        FinishedRun { dir: dir.to_path_buf(), format, tables }
    }

    /// The run's run.json, where it has one that reads.
    pub fn manifest(&self) -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(self.dir.join("run.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// The file of table `name` (`"stances"`) in this run's format.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.{}", self.format.extension()))
    }

    /// Whether the run wrote table `name` (a run without the stance stage writes no stances).
    pub fn has(&self, name: &str) -> bool {
        self.tables.as_ref().is_none_or(|tables| tables.contains(name)) && self.path(name).is_file()
    }

    /// The rows of table `name`, one at a time; a row the reader rejects is an error naming the file and row.
    pub fn rows(&self, name: &str) -> anyhow::Result<Box<dyn Iterator<Item = anyhow::Result<Record>>>> {
        let path = self.path(name);
        let file = std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let shown = path.display().to_string();
        Ok(match self.format {
            Format::Jsonl => {
                use std::io::BufRead;
                let mut header: Option<Arc<[String]>> = None;
                Box::new(std::io::BufReader::new(file).lines().enumerate().filter_map(move |(index, line)| {
                    let parsed = line.with_context(|| format!("{shown}:{}", index + 1)).and_then(|line| {
                        if line.trim().is_empty() {
                            return Ok(None);
                        }
                        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&line)
                            .with_context(|| format!("{shown}:{}: not a JSON object", index + 1))?;
                        let columns =
                            header.get_or_insert_with(|| object.keys().cloned().collect::<Vec<_>>().into()).clone();
                        let cells = columns
                            .iter()
                            .map(|c| object.get(c).and_then(|v| v.as_str()).unwrap_or_default().to_string())
                            .collect();
                        Ok(Some(Record { columns, cells }))
                    });
                    parsed.transpose()
                }))
            }
            Format::Csv | Format::Tsv => {
                let delimiter = if self.format == Format::Tsv { b'\t' } else { b',' };
                let mut reader =
                    csv::ReaderBuilder::new().delimiter(delimiter).from_reader(std::io::BufReader::new(file));
                let columns: Arc<[String]> = reader
                    .headers()
                    .with_context(|| format!("{shown}: cannot read the header row"))?
                    .iter()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .into();
                Box::new(reader.into_records().enumerate().map(move |(index, record)| {
                    let record = record.with_context(|| format!("{shown}: row {}", index + 1))?;
                    Ok(Record {
                        columns: columns.clone(),
                        cells: record.iter().map(|c| unguard(c).to_string()).collect(),
                    })
                }))
            }
        })
    }

    /// Every row of table `name`.
    pub fn read_all(&self, name: &str) -> anyhow::Result<Vec<Record>> {
        self.rows(name)?.collect()
    }
}

/// One row of a finished table.
#[derive(Debug, Clone)]
pub struct Record {
    columns: Arc<[String]>,
    cells: Vec<String>,
}

impl Record {
    /// The table's column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The cell under column `name`; empty when the table has no such column.
    pub fn get(&self, name: &str) -> &str {
        self.columns.iter().position(|c| c == name).and_then(|i| self.cells.get(i)).map_or("", String::as_str)
    }

    /// The cell under `name` as a number; 0 when empty or not a number.
    pub fn number(&self, name: &str) -> f64 {
        self.get(name).parse().unwrap_or(0.0)
    }

    /// The cell under `name` as a count; 0 when empty or not a count.
    pub fn count(&self, name: &str) -> usize {
        self.get(name).parse().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_reads_back_with_the_guard_undone() {
        let dir = tempfile::tempdir().unwrap();
        for format in [Format::Csv, Format::Tsv, Format::Jsonl] {
            let folder = dir.path().join(format.extension());
            std::fs::create_dir(&folder).unwrap();
            let style = super::super::Style { format, guard: super::super::FormulaGuard::On };
            for name in ["articles.csv", "stances.csv"] {
                let mut table = super::super::Table::create(&folder, name, &["actor_id", "text"], style).unwrap();
                table.row(["a1", "=1+1, “São Paulo”"]).unwrap();
                table.row(["a2", "-3"]).unwrap();
                table.finish().unwrap();
            }
            let run = FinishedRun::open(&folder).unwrap();
            assert_eq!(run.format, format);
            let rows = run.read_all("stances").unwrap();
            assert_eq!(rows.len(), 2, "{format:?}");
            assert_eq!(rows[0].get("text"), "=1+1, “São Paulo”", "{format:?}");
            assert_eq!(rows[1].number("text"), -3.0);
            assert_eq!(rows[1].get("missing"), "");
            assert!(!run.has("evidence"));
        }
        let error = FinishedRun::open(dir.path()).unwrap_err().to_string();
        assert!(error.contains("not a stancemap run"), "{error}");
        // A run.json names the format and the tables: the CSV of an earlier run in the folder is not read.
        let folder = dir.path().join("csv");
        std::fs::write(
            folder.join("run.json"),
            r#"{"options": {"format": "tsv"}, "outputs": ["articles.tsv", "run.json"]}"#,
        )
        .unwrap();
        std::fs::write(folder.join("articles.tsv"), "article_id\n").unwrap();
        let run = FinishedRun::open(&folder).unwrap();
        assert_eq!(run.format, Format::Tsv);
        assert!(run.has("articles") && !run.has("stances"), "stances.csv is an earlier run's");
        std::fs::write(folder.join(super::super::schema::JOURNAL), "").unwrap();
        let error = FinishedRun::open(&folder).unwrap_err().to_string();
        assert!(error.contains("has not finished"), "{error}");
    }
}
