//! The tables a run writes: CSV (RFC 4180, UTF-8, header row) written to a temporary file and renamed into
//! place when complete, so a crash never leaves a half-written table that looks finished; and the `run.json`
//! manifest.
//!
//! Text from news is untrusted and these files are opened in spreadsheets, so by default a cell that a
//! spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
//! leading `'` (the OWASP rule). No other character of any text is changed.

pub mod finished;
pub mod lock;
pub mod read;
pub mod schema;
pub mod workbook;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: cannot write: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot write CSV: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: cannot write JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
}

/// Whether text cells that a spreadsheet would evaluate are neutralised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FormulaGuard {
    /// Prefix `'` to cells starting with `=`, `+`, `-`, `@`, tab or carriage return (the default).
    On,
    /// Write every cell exactly as it is.
    Off,
}

impl FormulaGuard {
    /// The cell as it should be written.
    pub fn apply(self, cell: &str) -> std::borrow::Cow<'_, str> {
        match self {
            // A plain number ("-0.412") is a value, not a formula: left as it is.
            FormulaGuard::On if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(cell) => {
                format!("'{cell}").into()
            }
            _ => cell.into(),
        }
    }
}

/// Whether `cell` is a plain decimal number ("-0.412", "+3", "1e-5"), which a spreadsheet reads as a value.
fn is_number(cell: &str) -> bool {
    cell.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The file format of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RFC 4180 CSV with a header row (`.csv`).
    Csv,
    /// The same with tabs between cells (`.tsv`).
    Tsv,
    /// One JSON object per row, keyed by column, every value a string (`.jsonl`).
    Jsonl,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// How tables are written: their format, and the formula guard (for CSV and TSV; JSON is not opened as a
/// spreadsheet, so JSONL cells are written as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Style {
    pub format: Format,
    pub guard: FormulaGuard,
}

impl Style {
    pub const CSV: Style = Style { format: Format::Csv, guard: FormulaGuard::On };
}

enum Writer {
    Delimited(Box<csv::Writer<BufWriter<File>>>),
    Jsonl { out: BufWriter<File>, header: Vec<String> },
}

/// One table being written: rows go to `<name>.partial`, [`Table::finish`] renames it to `<name>` (see
/// [`staging_path`]).
pub struct Table {
    writer: Writer,
    partial: PathBuf,
    path: PathBuf,
    guard: FormulaGuard,
}

impl Table {
    /// A table `name` (its extension replaced by the style's format: `stances.csv` is `stances.tsv` in TSV).
    pub fn create(dir: &Path, name: &str, header: &[&str], style: Style) -> Result<Table, OutputError> {
        Table::create_at(&dir.join(Path::new(name).with_extension(style.format.extension())), header, style)
    }

    /// A table written to exactly `path` (a file the user named), whatever its extension.
    pub fn create_at(path: &Path, header: &[&str], style: Style) -> Result<Table, OutputError> {
        let path = path.to_path_buf();
        let partial = staging_path(&path);
        let file = File::create(&partial).map_err(|source| OutputError::Io { path: partial.clone(), source })?;
        let guard = match style.format {
            Format::Jsonl => FormulaGuard::Off,
            Format::Csv | Format::Tsv => style.guard,
        };
        let header: Vec<String> = header.iter().map(|cell| guard.apply(cell).into_owned()).collect();
        let writer = match style.format {
            Format::Jsonl => Writer::Jsonl { out: BufWriter::new(file), header },
            Format::Csv | Format::Tsv => {
                let delimiter = if style.format == Format::Tsv { b'\t' } else { b',' };
                let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(BufWriter::new(file));
                writer.write_record(&header).map_err(|source| OutputError::Csv { path: partial.clone(), source })?;
                Writer::Delimited(Box::new(writer))
            }
        };
        Ok(Table { writer, partial, path, guard })
    }

    /// Reopens the `.partial` file of a table an interrupted run was writing, cut back to `length` bytes (the
    /// rows after it belonged to an article that was not finished); rows are appended after it. A table that
    /// had already been moved into place is moved back first.
    pub fn reopen(dir: &Path, name: &str, style: Style, length: u64) -> Result<Table, OutputError> {
        let name = Path::new(name).with_extension(style.format.extension());
        let path = dir.join(&name);
        let partial = dir.join(format!("{}.partial", name.display()));
        if !partial.exists() && path.exists() {
            std::fs::rename(&path, &partial).map_err(|source| OutputError::Io { path: partial.clone(), source })?;
        }
        let io = |source| OutputError::Io { path: partial.clone(), source };
        let file = std::fs::OpenOptions::new().append(true).open(&partial).map_err(io)?;
        file.set_len(length).map_err(|source| OutputError::Io { path: partial.clone(), source })?;
        let guard = match style.format {
            Format::Jsonl => FormulaGuard::Off,
            Format::Csv | Format::Tsv => style.guard,
        };
        let writer = match style.format {
            Format::Jsonl => {
                // The header is the first line's keys: read it back from the file.
                let first = std::fs::read_to_string(&partial)
                    .map_err(|source| OutputError::Io { path: partial.clone(), source })?;
                let header = first.lines().next().and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok());
                let header =
                    header.and_then(|h| h.as_object().map(|o| o.keys().cloned().collect())).unwrap_or_default();
                Writer::Jsonl { out: BufWriter::new(file), header }
            }
            Format::Csv | Format::Tsv => {
                let delimiter = if style.format == Format::Tsv { b'\t' } else { b',' };
                Writer::Delimited(Box::new(
                    csv::WriterBuilder::new().delimiter(delimiter).from_writer(BufWriter::new(file)),
                ))
            }
        };
        Ok(Table { writer, partial, path, guard })
    }

    /// The `.partial` file's name, the key of its length in the resume journal.
    pub fn partial_name(&self) -> String {
        self.partial.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// Flushes the rows written so far to the file and returns its length in bytes.
    pub fn length(&mut self) -> Result<u64, OutputError> {
        let io = |source| OutputError::Io { path: self.partial.clone(), source };
        let file = match &mut self.writer {
            Writer::Delimited(writer) => {
                writer.flush().map_err(io)?;
                writer.get_ref().get_ref()
            }
            Writer::Jsonl { out, .. } => {
                out.flush().map_err(io)?;
                out.get_ref()
            }
        };
        file.metadata().map(|m| m.len()).map_err(|source| OutputError::Io { path: self.partial.clone(), source })
    }

    /// Writes one row; every cell goes through the formula guard (ids and counts never start with a guarded
    /// character, so only text is ever changed).
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), OutputError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let guard = self.guard;
        let record: Vec<String> = cells.into_iter().map(|c| guard.apply(c.as_ref()).into_owned()).collect();
        match &mut self.writer {
            Writer::Delimited(writer) => {
                writer.write_record(&record).map_err(|source| OutputError::Csv { path: self.partial.clone(), source })
            }
            Writer::Jsonl { out, header } => {
                let object: serde_json::Map<String, serde_json::Value> =
                    header.iter().cloned().zip(record.into_iter().map(serde_json::Value::String)).collect();
                let line = serde_json::to_string(&object)
                    .map_err(|source| OutputError::Json { path: self.partial.clone(), source })?;
                writeln!(out, "{line}").map_err(|source| OutputError::Io { path: self.partial.clone(), source })
            }
        }
    }

    /// Flushes and moves the table into place.
    pub fn finish(mut self) -> Result<PathBuf, OutputError> {
        let flushed = match &mut self.writer {
            Writer::Delimited(writer) => writer.flush(),
            Writer::Jsonl { out, .. } => out.flush(),
        };
        flushed.map_err(|source| OutputError::Io { path: self.partial.clone(), source })?;
        move_into_place(&self.partial, &self.path)?;
        Ok(self.path)
    }
}

/// Where a file is written before it is complete: `<path>.partial`, to be renamed to `path` at the end so that a
/// failed write leaves no half file; or `path` itself when that is already something other than a regular file
/// (`/dev/null`, `/dev/stdout`, a named pipe, a symbolic link), which a rename would replace with a file (as root,
/// `/dev/null` for every program on the machine).
pub fn staging_path(path: &Path) -> PathBuf {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return path.to_path_buf();
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    PathBuf::from(partial)
}

/// Moves a file written at [`staging_path`]`(path)` to `path` (nothing to move where it was written in place).
pub fn move_into_place(partial: &Path, path: &Path) -> Result<(), OutputError> {
    if partial != path {
        std::fs::rename(partial, path).map_err(|source| OutputError::Io { path: path.to_path_buf(), source })?;
    }
    Ok(())
}

/// Writes `value` as pretty JSON to `path`, through a temporary file.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let partial = path.with_extension("json.partial");
    let text = serde_json::to_string_pretty(value).map_err(|source| OutputError::Json { path: path.into(), source })?;
    std::fs::write(&partial, text + "\n").map_err(|source| OutputError::Io { path: partial.clone(), source })?;
    std::fs::rename(&partial, path).map_err(|source| OutputError::Io { path: path.into(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_guard_prefixes_only_dangerous_cells_and_keeps_every_other_character() {
        let guard = FormulaGuard::On;
        assert_eq!(guard.apply("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard.apply("-1 said Putin"), "'-1 said Putin");
        assert_eq!(guard.apply("-0.412"), "-0.412", "a negative score is a number, not a formula");
        assert_eq!(guard.apply("-1+2"), "'-1+2");
        assert_eq!(guard.apply("@Kremlin"), "'@Kremlin");
        assert_eq!(guard.apply("\tTab"), "'\tTab");
        assert_eq!(guard.apply("São Paulo “quoted” = fine"), "São Paulo “quoted” = fine");
        assert_eq!(FormulaGuard::Off.apply("=1+1"), "=1+1");
    }

    #[test]
    fn a_table_at_a_named_path_keeps_its_name_and_writes_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("errors.v2");
        let mut table = Table::create_at(&named, &["a"], Style::CSV).unwrap();
        table.row(["1"]).unwrap();
        assert!(!named.exists());
        assert_eq!(table.finish().unwrap(), named);
        assert_eq!(std::fs::read_to_string(&named).unwrap(), "a\n1\n");
        // A symbolic link (as /dev/stdout is) is written through, not replaced by a file.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&named, &link).unwrap();
            assert_eq!(staging_path(&link), link);
            let mut table = Table::create_at(&link, &["b"], Style::CSV).unwrap();
            table.row(["2"]).unwrap();
            table.finish().unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read_to_string(&named).unwrap(), "b\n2\n");
        }
        assert_eq!(staging_path(Path::new("out/t.csv")), Path::new("out/t.csv.partial"));
    }

    #[test]
    fn a_table_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let mut table = Table::create(dir.path(), "t.csv", &["a", "b"], Style::CSV).unwrap();
        table.row(["1", "x, \"y\"\nz"]).unwrap();
        assert!(!dir.path().join("t.csv").exists());
        table.finish().unwrap();
        let written = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(written, "a,b\n1,\"x, \"\"y\"\"\nz\"\n");
        assert!(!dir.path().join("t.csv.partial").exists());
    }
}
