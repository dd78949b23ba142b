//! Stable article ids.
//!
//! Every article needs an id that later stages (and people comparing two runs) can rely on. A
//! record's own non-empty `id` is used as is. Otherwise the id is derived from what identifies the
//! article in the corpus: its path relative to the corpus root (with forward slashes, so Windows
//! and Unix agree), its line for record-based files, and its text. The same corpus gives the same
//! ids in every run, on every machine, wherever the corpus folder itself lives.

use std::path::Path;

use sha2::{Digest, Sha256};

/// The first 16 hex digits of SHA-256 over the relative path, the line and the text, each
/// separated by a NUL byte so that no two different triples hash the same input.
pub fn derived_id(root_relative: &str, line: Option<usize>, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(root_relative.as_bytes());
    hasher.update([0]);
    if let Some(line) = line {
        hasher.update(line.to_string().as_bytes());
    }
    hasher.update([0]);
    hasher.update(text.as_bytes());
    let digest = hasher.finalize();
    digest[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The record's own id if it has a non-empty one (trimmed), else the derived one.
pub fn article_id(explicit: Option<&str>, root_relative: &str, line: Option<usize>, text: &str) -> String {
    match explicit.map(str::trim) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => derived_id(root_relative, line, text),
    }
}

/// `path` relative to `root`, components joined with '/'. A path outside `root` is used whole.
pub fn root_relative(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = relative.components().map(|part| part.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let id = derived_id("politics/001.txt", None, "Labour plans");
        assert_eq!(id.len(), 16);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(id, derived_id("politics/001.txt", None, "Labour plans"));
        assert_ne!(id, derived_id("politics/002.txt", None, "Labour plans"));
        assert_ne!(id, derived_id("politics/001.txt", Some(1), "Labour plans"));
        assert_ne!(id, derived_id("politics/001.txt", None, "Labour plan"));
    }

    #[test]
    fn explicit_ids_win_unless_blank() {
        assert_eq!(article_id(Some(" a7 "), "x.jsonl", Some(1), "t"), "a7");
        assert_eq!(article_id(Some("  "), "x.jsonl", Some(1), "t"), derived_id("x.jsonl", Some(1), "t"));
        assert_eq!(article_id(None, "x.jsonl", Some(1), "t"), derived_id("x.jsonl", Some(1), "t"));
    }

    #[test]
    fn relative_paths_use_forward_slashes() {
        let root = Path::new("/data/corpus");
        assert_eq!(root_relative(root, &root.join("a").join("b.txt")), "a/b.txt");
    }
}
