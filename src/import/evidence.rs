//! stancemap's own `evidence.csv`, read back after someone corrected its `label` column in a spreadsheet, so a
//! model can be retrained on the corrections. The input is one file or a folder of `evidence*.csv` files; a
//! `.tsv` file is tab-separated.
//!
//! Columns are found by header name (spreadsheets reorder them, users add their own); `text`, `label`,
//! `actor_surface` and `target_surface` are required, `evidence_id` is used when present. The holder is
//! `actor_surface` (null when empty or `author`), the target `target_surface`, each spanned at its first whole-word
//! occurrence in the text. Labels are read case-insensitively: favor (favour, pro, for), against (con), neutral
//! (none). A row without a label or with another one is skipped and reported, as is a row the CSV reader rejects.
//!
//! What a spreadsheet round trip adds is undone: the `'` our formula guard put before a cell starting with `=`,
//! `+`, `-`, `@`, tab or carriage return (so `'=SUM(…)` is read back as `=SUM(…)`), a UTF-8 byte order mark (the
//! CSV reader drops it) and CRLF line ends. A text that itself began with `'=` would lose its quote; news text
//! practically never does.

use std::path::{Path, PathBuf};

use anyhow::Context;
use csv::StringRecord;

use super::{char_span, whole_word, ImportReport, LineCounter};
use crate::stance::example::StanceExample;
use crate::vocab::StanceLabel;

pub const SOURCE: &str = "evidence";

/// The columns read from an evidence table, found by header name.
struct Columns {
    id: Option<usize>,
    text: usize,
    actor: usize,
    target: usize,
    label: usize,
}

impl Columns {
    /// The columns of `header`, or the names of the required ones it lacks.
    fn find(header: &StringRecord) -> Result<Columns, Vec<&'static str>> {
        let column = |name: &str| header.iter().position(|h| h.trim() == name);
        let required = ["text", "actor_surface", "target_surface", "label"];
        let missing: Vec<&'static str> = required.into_iter().filter(|name| column(name).is_none()).collect();
        match (column("text"), column("actor_surface"), column("target_surface"), column("label")) {
            (Some(text), Some(actor), Some(target), Some(label)) => {
                Ok(Columns { id: column("evidence_id"), text, actor, target, label })
            }
            _ => Err(missing),
        }
    }
}

pub fn read(input: &Path, report: &mut ImportReport) -> anyhow::Result<Vec<StanceExample>> {
    let mut out = Vec::new();
    super::read_each(evidence_files(input)?, report, |path, bytes, report| read_table(path, bytes, report, &mut out));
    Ok(out)
}

/// `input` itself, or the `evidence*.csv` and `evidence*.tsv` files in the folder `input`, sorted.
fn evidence_files(input: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if input.is_file() {
        return Ok(vec![input.to_path_buf()]);
    }
    let entries = std::fs::read_dir(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.starts_with("evidence") && (name.ends_with(".csv") || name.ends_with(".tsv"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("{}: no evidence*.csv files", input.display());
    }
    Ok(files)
}

/// The rows of one table into `out`; Err (the table is skipped) when it has no header or lacks a column.
fn read_table(
    path: &Path,
    bytes: &[u8],
    report: &mut ImportReport,
    out: &mut Vec<StanceExample>,
) -> Result<(), String> {
    let delimiter = if path.extension().is_some_and(|e| e == "tsv") { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(bytes);
    let header = reader.headers().map_err(|e| format!("no header row: {e}"))?.clone();
    let columns = Columns::find(&header).map_err(|missing| {
        format!("missing the column(s) {}; found {:?}", missing.join(", "), header.iter().collect::<Vec<_>>())
    })?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut lines = LineCounter::new(bytes);
    for record in reader.records() {
        report.read += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte()));
                report.skip(path, line, format!("malformed CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        match example(&record, &columns, &stem, line) {
            Ok(example) => out.push(example),
            Err(reason) => report.skip(path, Some(line), reason),
        }
    }
    Ok(())
}

/// The example of one row (on `line` of the file named `stem`), or why there is none.
fn example(record: &StringRecord, columns: &Columns, stem: &str, line: usize) -> Result<StanceExample, String> {
    let cell = |index: usize| record.get(index).unwrap_or_default();
    let label = match cell(columns.label).trim() {
        "" => return Err("no label".into()),
        written => label(written).ok_or_else(|| format!("label {written:?} is not favor, against or neutral"))?,
    };
    let text = unguarded(cell(columns.text));
    if text.trim().is_empty() {
        return Err("empty text".into());
    }
    let target = unguarded(cell(columns.target)).trim();
    if target.is_empty() {
        return Err("empty target_surface".into());
    }
    let holder =
        Some(unguarded(cell(columns.actor)).trim()).filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case("author"));
    let id = match columns.id.map(|i| cell(i).trim()) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => format!("{stem}-{line}"),
    };
    let span_of = |name: &str| whole_word(text, name).map(|span| char_span(text, span));
    Ok(StanceExample {
        id,
        text: text.to_string(),
        holder: holder.map(String::from),
        holder_span: holder.and_then(span_of),
        target: target.to_string(),
        target_span: span_of(target),
        label,
        source: SOURCE.into(),
    })
}

/// A label as a person may type it.
fn label(written: &str) -> Option<StanceLabel> {
    match written.to_lowercase().as_str() {
        "favor" | "favour" | "pro" | "for" => Some(StanceLabel::Favor),
        "against" | "con" => Some(StanceLabel::Against),
        "neutral" | "none" => Some(StanceLabel::Neutral),
        _ => None,
    }
}

/// The cell without the `'` that the formula guard (`output::FormulaGuard`) put before it.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::example::char_slice;

    const HEADER: &str = "evidence_id,article_id,sentence_index,start,end,actor_id,actor_surface,target_id,\
                          target_surface,in_quote,label,p_favor,p_against,p_neutral,text";

    fn read_one(name: &str, content: &str) -> (Vec<StanceExample>, ImportReport) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let mut report = ImportReport::default();
        let examples = read(&path, &mut report).unwrap();
        (examples, report)
    }

    fn spanned(example: &StanceExample, span: Option<[usize; 2]>) -> Option<&str> {
        span.and_then(|[start, end]| char_slice(&example.text, start, end))
    }

    #[test]
    fn a_corrected_table_reads_back_with_spreadsheet_damage_undone() {
        let content = [
            format!("\u{feff}{HEADER}"),
            "e1,a1,0,0,30,biden,Biden,putin,Putin,false,Against,0.1,0.8,0.1,Biden criticised Putin in Genève.".into(),
            "e2,a1,1,31,50,author,author,nato,NATO,false, favour ,0.2,0.2,0.6,'=SUM(A1) NATO grows".into(),
            "e3,a1,2,51,60,trump,Trump,putin,Putin,true,,0.3,0.3,0.4,Trump on Putin".into(),
            "e4,a1,3,61,70,trump,Trump,putin,Putin,true,maybe,0.3,0.3,0.4,Trump on Putin".into(),
            ",a1,4,71,90,potus,'@POTUS,ukraine,Ukraine,true,NONE,0.3,0.3,0.4,\"'@POTUS said, \"\"Ukraine\"\"\r\nstays out\"".into(),
            "e6,a1,5,91,99,x,X,y".into(),
            "e7,a2,0,0,9,lula,Lula,sp,São Paulo,false,pro,0.9,0,0.1,'+São Paulo thanks Lula".into(),
        ]
        .join("\r\n")
            + "\r\n";
        let (examples, report) = read_one("evidence.csv", &content);
        let summary: Vec<(&str, Option<&str>, &str, StanceLabel)> =
            examples.iter().map(|e| (e.id.as_str(), e.holder.as_deref(), e.target.as_str(), e.label)).collect();
        assert_eq!(
            summary,
            [
                ("e1", Some("Biden"), "Putin", StanceLabel::Against),
                ("e2", None, "NATO", StanceLabel::Favor),
                ("evidence-6", Some("@POTUS"), "Ukraine", StanceLabel::Neutral),
                ("e7", Some("Lula"), "São Paulo", StanceLabel::Favor),
            ]
        );
        assert_eq!(examples[0].text, "Biden criticised Putin in Genève.");
        assert_eq!((examples[0].holder_span, examples[0].target_span), (Some([0, 5]), Some([17, 22])));
        assert_eq!(examples[1].text, "=SUM(A1) NATO grows");
        assert_eq!(examples[1].holder_span, None);
        assert_eq!(spanned(&examples[1], examples[1].target_span), Some("NATO"));
        assert_eq!(examples[2].text, "@POTUS said, \"Ukraine\"\r\nstays out");
        assert_eq!((examples[2].holder_span, examples[2].target_span), (Some([0, 6]), Some([14, 21])));
        assert_eq!(examples[3].text, "+São Paulo thanks Lula");
        assert_eq!(examples[3].target_span, Some([1, 10]));
        assert_eq!(spanned(&examples[3], examples[3].target_span), Some("São Paulo"));
        assert_eq!(spanned(&examples[3], examples[3].holder_span), Some("Lula"));
        assert!(examples.iter().all(|e| e.source == "evidence"));

        assert_eq!(report.read, 7);
        let skipped: Vec<(String, &str)> = report
            .skipped
            .iter()
            .map(|s| (s.place.rsplit('/').next().unwrap_or_default().to_string(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert_eq!(skipped[0], ("evidence.csv:4".to_string(), "no label"));
        assert_eq!(skipped[1].0, "evidence.csv:5");
        assert_eq!(skipped[1].1, "label \"maybe\" is not favor, against or neutral");
        assert_eq!(skipped[2].0, "evidence.csv:8");
        assert!(skipped[2].1.starts_with("malformed CSV") && skipped[2].1.contains("fields"), "{skipped:?}");
    }

    #[test]
    fn columns_are_found_by_name_in_tab_separated_files_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("evidence-b.tsv"),
            "label\tnote\ttarget_surface\ttext\tactor_surface\nagainst\tfixed\tPutin\tBiden, on Putin.\tBiden\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("evidence-a.csv"),
            format!("{HEADER}\ne1,a,0,0,1,x,,t,Kyiv,false,for,0,0,0,Kyiv\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("mentions.csv"), "not,read\n").unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &mut report).unwrap();
        assert_eq!(examples.len(), 2);
        assert_eq!(
            (examples[0].id.as_str(), examples[0].holder.as_deref(), examples[0].label),
            ("e1", None, StanceLabel::Favor)
        );
        assert_eq!(examples[0].target_span, Some([0, 4]));
        assert_eq!(examples[1].id, "evidence-b-2");
        assert_eq!((examples[1].text.as_str(), examples[1].target.as_str()), ("Biden, on Putin.", "Putin"));
        assert_eq!((examples[1].holder_span, examples[1].target_span), (Some([0, 5]), Some([10, 15])));
        assert_eq!(report.read, 2);
        assert!(report.skipped.is_empty());
    }

    #[test]
    fn a_table_without_the_columns_or_not_text_is_skipped_and_the_others_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("evidence_a.csv"), "evidence_id,text,actor\ne1,Hi,x\n").unwrap();
        std::fs::write(dir.path().join("evidence_b.csv"), b"PK\x03\x04\x00\x00\x08\x00").unwrap();
        std::fs::write(
            dir.path().join("evidence_c.csv"),
            "text,actor_surface,target_surface,label\nBiden praised Putin.,Biden,Putin,favor\n",
        )
        .unwrap();
        let mut report = ImportReport::default();
        let examples = read(dir.path(), &mut report).unwrap();
        assert_eq!(examples.len(), 1);
        assert_eq!(examples[0].holder.as_deref(), Some("Biden"));
        let skipped: Vec<(String, &str)> = report
            .skipped
            .iter()
            .map(|s| (Path::new(&s.place).file_name().unwrap().to_string_lossy().into_owned(), s.reason.as_str()))
            .collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert_eq!(skipped[0].0, "evidence_a.csv");
        assert!(skipped[0].1.contains("actor_surface, target_surface, label"), "{skipped:?}");
        assert!(skipped[0].1.contains(r#"["evidence_id", "text", "actor"]"#), "{skipped:?}");
        assert_eq!(skipped[1], ("evidence_b.csv".to_string(), "a binary file, not text"));
    }

    #[test]
    fn only_guard_quotes_are_removed() {
        assert_eq!(unguarded("'=1+1"), "=1+1");
        assert_eq!(unguarded("'\tx"), "\tx");
        assert_eq!(unguarded("'tis the season"), "'tis the season");
        assert_eq!(unguarded("=raw"), "=raw");
        assert_eq!(label("AGAINST"), Some(StanceLabel::Against));
        assert_eq!(label("con"), Some(StanceLabel::Against));
        assert_eq!(label("fav"), None);
    }
}
