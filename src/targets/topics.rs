//! User topics: `--targets targets.csv` with columns `target_id, label, keywords` (keywords separated by `|`).
//! A topic is a target wherever one of its keywords occurs as whole words, in any case ("NATO expansion" also
//! matches "nato expansion"; words are compared by their keys, [`word_keys`], so "climate change" also matches
//! "climate-change" and "Trump" matches "Trump’s"); a keyword ending in `*` matches any word that starts with it ("sanction*":
//! "sanctions", "sanctioned"). Rows without an id, a label or a keyword are reported and left out.

use std::path::Path;

use crate::output::read::{list, UserTable};
use crate::span::Span;
use crate::text::words::word_keys;

/// One topic of the user's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub label: String,
    /// Each keyword as lowercase words; the last may end in `*`.
    keywords: Vec<Vec<String>>,
}

/// The user's topics.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    pub topics: Vec<Topic>,
}

impl Topics {
    /// Reads the table; problems with single rows are returned, not fatal.
    pub fn read(path: &Path) -> anyhow::Result<(Topics, Vec<String>)> {
        let table = UserTable::read(path, &["target_id", "label", "keywords"])?;
        let mut topics = Vec::new();
        let mut problems = table.problems.clone();
        for row in &table.rows {
            let (id, label) = (table.cell(row, "target_id"), table.cell(row, "label"));
            let keywords: Vec<Vec<String>> =
                list(table.cell(row, "keywords")).map(words).filter(|k| !k.is_empty()).collect();
            if id.is_empty() || label.is_empty() || keywords.is_empty() {
                problems.push(format!(
                    "{}:{}: a topic needs a target_id, a label and keywords",
                    path.display(),
                    row.line
                ));
                continue;
            }
            topics.push(Topic { id: id.into(), label: label.into(), keywords });
        }
        Ok((Topics { topics }, problems))
    }

    /// Every keyword occurrence in `text`: the topic (an index into `topics`) and the byte span, in text order;
    /// where occurrences overlap, the longer one (then the earlier topic) wins.
    pub fn find_in(&self, text: &str) -> Vec<(usize, Span)> {
        let tokens = word_keys(text);
        let mut found: Vec<(usize, Span)> = Vec::new();
        for (topic_index, topic) in self.topics.iter().enumerate() {
            for keyword in &topic.keywords {
                for start in 0..tokens.len() {
                    if start + keyword.len() <= tokens.len()
                        && keyword.iter().zip(&tokens[start..]).all(|(k, (_, word))| matches(k, word))
                    {
                        let span = Span::new(tokens[start].0.start, tokens[start + keyword.len() - 1].0.end);
                        found.push((topic_index, span));
                    }
                }
            }
        }
        found.sort_by_key(|&(topic, span)| (std::cmp::Reverse(span.len()), span.start, topic));
        let mut kept: Vec<(usize, Span)> = Vec::new();
        for (topic, span) in found {
            if !kept.iter().any(|(_, k)| k.overlaps(span)) {
                kept.push((topic, span));
            }
        }
        kept.sort_by_key(|&(_, span)| span.start);
        kept
    }
}

/// Whether a keyword word matches a text word (both lowercase).
fn matches(keyword: &str, word: &str) -> bool {
    match keyword.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => keyword == word,
    }
}

/// The lowercase words of a keyword, a trailing `*` kept on the last one.
fn words(keyword: &str) -> Vec<String> {
    let mut out: Vec<String> = word_keys(keyword).into_iter().map(|(_, word)| word).collect();
    if keyword.trim_end().ends_with('*') {
        if let Some(last) = out.last_mut() {
            last.push('*');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_in_any_case_with_prefix_stars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("targets.csv");
        std::fs::write(
            &path,
            "target_id,label,keywords\nnato-exp,NATO expansion,NATO expansion|enlargement of NATO\n\
             sanctions,Sanctions,sanction*\nnato,NATO,nato\nempty,No keywords,\n",
        )
        .unwrap();
        let (topics, problems) = Topics::read(&path).unwrap();
        assert_eq!(topics.topics.len(), 3);
        assert!(problems.len() == 1 && problems[0].contains("targets.csv:5"), "{problems:?}");
        let text = "Moscow fears nato expansion and new Sanctions; NATOs and unsanctioned are not matched.";
        let found: Vec<(&str, &str)> =
            topics.find_in(text).iter().map(|&(t, s)| (topics.topics[t].id.as_str(), s.slice(text))).collect();
        assert_eq!(found, [("nato-exp", "nato expansion"), ("sanctions", "Sanctions")]);
        // Words are compared by their keys: a hyphen or a possessive does not hide a keyword.
        let text = "NATO’s expansion worries Moscow; so does NATO-expansion talk.";
        let found: Vec<&str> = topics.find_in(text).iter().map(|&(_, s)| s.slice(text)).collect();
        assert_eq!(found, ["NATO", "NATO-expansion"]);
    }
}
