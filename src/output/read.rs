//! Reading back a table a user edited in a spreadsheet (`actors.csv`, `targets.csv`): columns found by header
//! name (spreadsheets reorder them, users add their own), a UTF-8 byte order mark and CRLF line ends accepted,
//! a `.tsv` file read as tab-separated, and the `'` our formula guard put before a cell starting with `=`, `+`,
//! `-`, `@`, tab or carriage return taken off again. Rows the CSV reader rejects are reported with their line
//! and left out; the rest is read.

use std::path::Path;

use anyhow::Context;

/// A user's table: its header and its rows, each with its line number in the file.
pub struct UserTable {
    header: Vec<String>,
    pub rows: Vec<UserRow>,
    /// `path:line: problem` for each row left out.
    pub problems: Vec<String>,
}

pub struct UserRow {
    pub line: u64,
    cells: Vec<String>,
}

impl UserTable {
    /// Reads `path`; fails when the file cannot be read or lacks one of the `required` columns.
    pub fn read(path: &Path, required: &[&str]) -> anyhow::Result<UserTable> {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let delimiter = if path.extension().is_some_and(|e| e == "tsv") { b'\t' } else { b',' };
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(bytes.as_slice());
        let header: Vec<String> = reader
            .headers()
            .with_context(|| format!("{}: cannot read the header row", path.display()))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let missing: Vec<&str> = required.iter().copied().filter(|name| !header.iter().any(|h| h == name)).collect();
        if !missing.is_empty() {
            anyhow::bail!("{}: the header row lacks the column(s) {}", path.display(), missing.join(", "));
        }
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for record in reader.records() {
            match record {
                Ok(record) => rows.push(UserRow {
                    line: record.position().map_or(0, |p| line_at(&bytes, p.byte())),
                    cells: record.iter().map(|cell| unguard(cell).to_string()).collect(),
                }),
                Err(error) => {
                    let line = error.position().map_or(0, |p| line_at(&bytes, p.byte()));
                    problems.push(format!("{}:{line}: {error}", path.display()));
                }
            }
        }
        Ok(UserTable { header, rows, problems })
    }

    /// The cell of `row` under the column `name`, trimmed; empty when the column or the cell is missing.
    pub fn cell<'r>(&self, row: &'r UserRow, name: &str) -> &'r str {
        self.header.iter().position(|h| h == name).and_then(|i| row.cells.get(i)).map_or("", |c| c.trim())
    }
}

/// The line number of a record starting at byte `offset` (the csv crate's own count lags on CRLF files, where
/// a record's start is the `\n` of the line before).
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut offset = (offset as usize).min(bytes.len());
    while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
        offset += 1;
    }
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// `cell` without the `'` the formula guard adds.
pub(crate) fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Splits a `|`-separated list cell into its trimmed, non-empty items.
pub fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|item| !item.is_empty())
}

/// One row of a table, or what was wrong with it.
pub type TableRow = anyhow::Result<Vec<String>>;

/// The rows of a table stancemap wrote, read one at a time (`format` as it was written, cells as they are in
/// the file: a guarded cell keeps its `'`, so writing the row again gives the same bytes). For `stancemap merge`.
pub fn table_rows(
    path: &Path,
    format: crate::output::Format,
    columns: &[&str],
) -> anyhow::Result<Box<dyn Iterator<Item = TableRow>>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let shown = path.display().to_string();
    Ok(match format {
        crate::output::Format::Jsonl => {
            use std::io::BufRead;
            let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
            Box::new(std::io::BufReader::new(file).lines().enumerate().map(move |(index, line)| {
                let line = line.with_context(|| format!("{shown}:{}", index + 1))?;
                let object: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&line).with_context(|| format!("{shown}:{}: not a JSON object", index + 1))?;
                let cell =
                    |column: &String| object.get(column).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                Ok(columns.iter().map(cell).collect())
            }))
        }
        crate::output::Format::Csv | crate::output::Format::Tsv => {
            let delimiter = if format == crate::output::Format::Tsv { b'\t' } else { b',' };
            let reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(std::io::BufReader::new(file));
            Box::new(reader.into_records().enumerate().map(move |(index, record)| {
                let record = record.with_context(|| format!("{shown}: row {}", index + 1))?;
                Ok(record.iter().map(String::from).collect())
            }))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_name_guard_undone_and_bad_rows_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut bytes = "\u{feff}extra,label,keywords\r\nx,'=SUM(1),a | b||\r\ny,".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xff\xfe,z\r\n");
        std::fs::write(&path, bytes).unwrap();
        let table = UserTable::read(&path, &["label", "keywords"]).unwrap();
        assert_eq!(table.rows.len(), 1);
        let row = &table.rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(table.cell(row, "label"), "=SUM(1)");
        assert_eq!(list(table.cell(row, "keywords")).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(table.cell(row, "missing"), "");
        assert_eq!(unguard("'quoted"), "'quoted", "a quote the guard did not add stays");
        assert_eq!(table.problems.len(), 1, "{:?}", table.problems);
        assert!(table.problems[0].contains("t.csv:3"), "{:?}", table.problems);
        let error = UserTable::read(&path, &["label", "target_id"]).err().unwrap().to_string();
        assert!(error.contains("t.csv") && error.contains("target_id"), "{error}");
    }
}
