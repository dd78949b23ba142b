//! Brat standoff files of attributions, as PolNeAR writes them.
//!
//! Two kinds of line matter:
//! * `T<n>\t<Type> <start> <end>[;<start> <end>...]\t<text>`: a text-bound span, its pieces (a discontinuous
//!   span has several, separated by `;`) as character offsets into the article's text, end exclusive;
//! * `E<n>\t<Trigger>:T<a> <Role>:T<b> ...`: an event tying spans into one attribution. Its roles are `Source`,
//!   `Cue` and `Content`, with a digit when a role has a second span (`Content2`); the trigger
//!   (`Attribution`, `Attribution-no-source`) is the first argument.
//!
//! Notes (`#`), relations and attributes are left alone, as are spans of other types (PolNeAR's annotators
//! also marked `Discuss` and `Discard`). A line that is none of these, or that cannot be read (an annotator's
//! text broken over two lines leaves such a line), is reported with its number and skipped.

use std::collections::HashMap;

use super::Role;

/// A text-bound span of a role, in characters (Unicode scalar values) as brat counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharSpan {
    pub role: Role,
    /// Its pieces, `[start, end)` in characters, in the order written.
    pub pieces: Vec<(usize, usize)>,
    /// The text written after the offsets (the pieces joined by a space, as brat writes them).
    pub text: String,
}

/// One attribution as the file links it: the ids of its spans per role (any may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    /// `(role, span id)` in the order written.
    pub arguments: Vec<(Role, String)>,
}

/// A line that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub problem: String,
}

/// What one .ann file holds.
#[derive(Debug, Clone, Default)]
pub struct AnnFile {
    pub spans: HashMap<String, CharSpan>,
    pub events: Vec<Event>,
    pub bad_lines: Vec<BadLine>,
}

/// Reads a .ann file's text. Never fails: what cannot be read is in `bad_lines`.
pub fn parse(text: &str) -> AnnFile {
    let mut file = AnnFile::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let result = match line.chars().next() {
            Some('T') => read_span(line).map(|span| {
                if let Some((id, span)) = span {
                    file.spans.insert(id, span);
                }
            }),
            Some('E') => read_event(line).map(|event| file.events.push(event)),
            Some('#' | 'R' | 'A' | 'M' | 'N' | '*') => Ok(()),
            _ => Err(format!("not a brat line: {:?}", shorten(line))),
        };
        if let Err(problem) = result {
            file.bad_lines.push(BadLine { line: index + 1, problem });
        }
    }
    file
}

fn shorten(line: &str) -> String {
    line.chars().take(60).collect()
}

/// A T line: its id and span, `None` for a span of a type that is no role.
fn read_span(line: &str) -> Result<Option<(String, CharSpan)>, String> {
    let mut fields = line.splitn(3, '\t');
    let id = fields.next().unwrap_or_default();
    let (Some(annotation), Some(text)) = (fields.next(), fields.next()) else {
        return Err(format!("a span line needs three tab-separated fields: {:?}", shorten(line)));
    };
    let (type_name, offsets) = annotation.split_once(' ').ok_or_else(|| format!("no offsets in {annotation:?}"))?;
    let Some(role) = Role::of_brat(type_name) else {
        return Ok(None);
    };
    let mut pieces = Vec::new();
    for piece in offsets.split(';') {
        let numbers: Vec<&str> = piece.split_whitespace().collect();
        let [start, end] = numbers[..] else {
            return Err(format!("a span piece is two offsets, not {piece:?}"));
        };
        let (Ok(start), Ok(end)) = (start.parse::<usize>(), end.parse::<usize>()) else {
            return Err(format!("offsets are numbers, not {piece:?}"));
        };
        if start >= end {
            return Err(format!("a span piece ends at or before its start: {piece:?}"));
        }
        pieces.push((start, end));
    }
    Ok(Some((id.to_string(), CharSpan { role, pieces, text: text.to_string() })))
}

/// An E line: its arguments after the trigger, by role.
fn read_event(line: &str) -> Result<Event, String> {
    let (id, arguments) =
        line.split_once('\t').ok_or_else(|| format!("an event line needs a tab after its id: {:?}", shorten(line)))?;
    let mut event = Event { id: id.to_string(), arguments: Vec::new() };
    for (index, argument) in arguments.split_whitespace().enumerate() {
        let (name, target) =
            argument.split_once(':').ok_or_else(|| format!("an event argument is ROLE:ID, not {argument:?}"))?;
        if index == 0 {
            continue; // the trigger
        }
        let role_name = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let role = Role::of_brat(role_name).ok_or_else(|| format!("unknown role {name:?} in an event"))?;
        event.arguments.push((role, target.to_string()));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_events_and_bad_lines_are_read() {
        let ann = "T1\tSource 0 2\twe\n\
                   T2\tCue 3 9\tmocked\n\
                   T3\tContent 10 14;20 25\tthem again\n\
                   T4\tAttribution 3 9\tmocked\n\
                   T5\tDiscuss 0 9\twe mocked\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 Content2:T6\n\
                   #1\tAnnotatorNotes T1\ta note\n\
                   and this line is what a broken text leaves\n\
                   T7\tContent 9 3\tbackwards\n";
        let file = parse(ann);
        assert_eq!(file.spans.len(), 3, "Source, Cue and Content are kept, the trigger and Discuss are not");
        assert_eq!(file.spans["T3"].pieces, vec![(10, 14), (20, 25)]);
        assert_eq!(file.events.len(), 1);
        assert_eq!(
            file.events[0].arguments,
            vec![
                (Role::Content, "T3".to_string()),
                (Role::Cue, "T2".to_string()),
                (Role::Source, "T1".to_string()),
                (Role::Content, "T6".to_string())
            ]
        );
        let lines: Vec<usize> = file.bad_lines.iter().map(|bad| bad.line).collect();
        assert_eq!(lines, vec![8, 9], "{:?}", file.bad_lines);
    }
}
