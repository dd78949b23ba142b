//! The two shapes of a lexicon file: a word list (one entry per line) and a table (tab-separated columns under
//! a header). Both open with `#` lines saying what they are for; blank lines are skipped.

use std::collections::HashSet;

/// One list of words, in file order, with a set for lookups. A verb list also holds every form of its verbs.
#[derive(Debug, Clone, Default)]
pub struct WordList {
    words: Vec<String>,
    set: HashSet<String>,
    verbs: bool,
}

impl WordList {
    /// The list in `text` (a file of the lexicon); `verbs`: each line is a verb and its irregular forms.
    pub fn parse(text: &str, verbs: bool) -> WordList {
        let mut list = WordList { verbs, ..WordList::default() };
        list.extend(text);
        list
    }

    /// Adds the entries of `text`, and takes out those written `-word`.
    pub fn extend(&mut self, text: &str) {
        for line in entries(text) {
            match line.strip_prefix('-').filter(|rest| !rest.is_empty()) {
                Some(word) => self.remove(word),
                None => self.add(line),
            }
        }
    }

    /// The words a line stands for: itself, or for a verb list, the verb's regular forms and the irregular ones
    /// written after it (`say said`), or the forms after `=` as they are (`=backs backed backing`: "back" alone is
    /// an adverb).
    fn forms(&self, line: &str) -> Vec<String> {
        if !self.verbs {
            return vec![line.to_string()];
        }
        verb_forms(line)
    }

    fn add(&mut self, line: &str) {
        for form in self.forms(line) {
            if self.set.insert(form.clone()) {
                self.words.push(form);
            }
        }
    }

    fn remove(&mut self, line: &str) {
        let gone: HashSet<String> = self.forms(line).into_iter().collect();
        self.words.retain(|word| !gone.contains(word));
        self.set.retain(|word| !gone.contains(word));
    }

    pub fn contains(&self, word: &str) -> bool {
        self.set.contains(word)
    }

    /// The words (every form, for a verb list), in the order they were first listed.
    pub fn words(&self) -> &[String] {
        &self.words
    }
}

/// The forms a verb line stands for: the verb's regular forms and the irregular ones written after it (`say
/// said`), or the forms after `=` as they are (`=backs backed backing`: "back" alone is an adverb).
pub fn verb_forms(line: &str) -> Vec<String> {
    if let Some(forms) = line.strip_prefix('=') {
        return forms.split_whitespace().map(str::to_lowercase).collect();
    }
    let mut words = line.split_whitespace();
    let mut forms = words.next().map(inflections).unwrap_or_default();
    forms.extend(words.map(str::to_lowercase));
    forms
}

/// The lines of a lexicon file that hold entries: not blank, not a `#` comment; trimmed.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.trim_start_matches('\u{feff}').lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// A verb and its regular forms: `vow` gives vow, vows, vowed, vowing; `urge` urges, urged, urging; `reply`
/// replies, replied, replying; `push` pushes; `admit` also admitted, admitting (the doubled consonant, which a
/// word cannot tell from its spelling, is given as well: a form no one writes matches nothing). A word that is
/// not all letters is kept as it is.
pub fn inflections(verb: &str) -> Vec<String> {
    let verb = verb.to_lowercase();
    let mut forms = vec![verb.clone()];
    if verb.len() < 2 || !verb.chars().all(char::is_alphabetic) {
        return forms;
    }
    let chars: Vec<char> = verb.chars().collect();
    let last = chars[chars.len() - 1];
    let before = chars[chars.len() - 2];
    let vowel = |c: char| "aeiou".contains(c);
    let third = if last == 'y' && !vowel(before) {
        format!("{}ies", &verb[..verb.len() - 1])
    } else if ["s", "x", "z", "ch", "sh", "o"].iter().any(|end| verb.ends_with(end)) {
        format!("{verb}es")
    } else {
        format!("{verb}s")
    };
    forms.push(third);
    if verb.ends_with("ee") {
        forms.push(format!("{verb}d"));
        forms.push(format!("{verb}ing"));
    } else if verb.ends_with("ie") {
        forms.push(format!("{verb}d"));
        forms.push(format!("{}ying", &verb[..verb.len() - 2]));
    } else if last == 'e' {
        forms.push(format!("{verb}d"));
        forms.push(format!("{}ing", &verb[..verb.len() - 1]));
    } else if last == 'y' && !vowel(before) {
        forms.push(format!("{}ied", &verb[..verb.len() - 1]));
        forms.push(format!("{verb}ing"));
    } else {
        forms.push(format!("{verb}ed"));
        forms.push(format!("{verb}ing"));
        let short_end = chars.len() >= 3 && !vowel(last) && vowel(before) && !vowel(chars[chars.len() - 3]);
        if short_end && !"wxy".contains(last) {
            forms.push(format!("{verb}{last}ed"));
            forms.push(format!("{verb}{last}ing"));
        }
    }
    forms
}

/// A table of the lexicon: its rows under a header that names the columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    /// The first cells of rows to take out (lines `-written`).
    pub removed: Vec<String>,
}

impl Table {
    /// The rows of `text`, whose header must be `columns` (tab-separated), every row with a cell per column (the
    /// last may be left off when empty); a line `-written` takes out the rows written so. `at` names the file in
    /// errors.
    pub fn parse(text: &str, at: &str, columns: &[&str]) -> anyhow::Result<Table> {
        let mut lines = entries_keeping_tabs(text);
        let Some((_, header)) = lines.next() else { return Ok(Table::default()) };
        if header.split('\t').map(str::trim).ne(columns.iter().copied()) {
            anyhow::bail!("{at}: the header must be {} (tab-separated), not {header:?}", columns.join(" "));
        }
        let mut table = Table::default();
        for (number, line) in lines {
            if let Some(written) = line.trim().strip_prefix('-').filter(|rest| !rest.contains('\t')) {
                table.removed.push(written.trim().to_string());
                continue;
            }
            let mut row: Vec<String> = line.split('\t').map(|cell| cell.trim().to_string()).collect();
            if row.len() + 1 == columns.len() {
                row.push(String::new());
            }
            let empty = row.iter().take(columns.len() - 1).any(String::is_empty);
            if row.len() != columns.len() || empty {
                anyhow::bail!(
                    "{at}:{number}: {} tab-separated cells where a row has {} ({}; only the last may be empty)",
                    row.len(),
                    columns.len(),
                    columns.join(", ")
                );
            }
            table.rows.push(row);
        }
        Ok(table)
    }
}

/// The entry lines of a table with their 1-based numbers, trailing tabs kept (an empty last column).
fn entries_keeping_tabs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim_end_matches(['\r', '\n'])))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}
