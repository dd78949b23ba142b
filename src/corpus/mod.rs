//! Reading a corpus of news articles, streaming, with a clear problem for every bad item.
//!
//! `stancemap run <corpus>` points at a folder (walked recursively in sorted path order, hidden
//! entries skipped) or at a single file. Files are read by extension: `.txt`/`.text` (or no
//! extension) hold one article, `.jsonl`/`.ndjson` one per line, `.csv`/`.tsv` one per row.
//! [`Corpus`] lists the files up front and then reads them lazily, one record at a time, so memory
//! stays flat however large the corpus. Bad input never stops a run: it comes out of the iterator
//! as a [`Problem`] in input order, and reading goes on. Warnings (problems whose
//! [`ProblemKind::skips`] is false) come out right before the article they concern.
//!
//! One concern per file: [`decode`] (UTF-8, Windows-1252, binary sniffing), [`txt`], [`jsonl`],
//! [`csv`](self::csv) (the three formats), [`id`] (stable ids), [`problem`] (what went wrong).

pub mod csv;
pub mod decode;
pub mod id;
pub mod jsonl;
pub mod problem;
pub mod txt;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub use self::csv::CsvRecords;
pub use self::jsonl::JsonlRecords;
pub use self::problem::{Problem, ProblemKind};
pub use self::txt::read_txt;

/// One news article, as read from the corpus.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Article {
    /// The record's own id, or one derived from its place in the corpus and its text
    /// (see [`id::derived_id`]); unique within a run.
    pub id: String,
    /// Empty when the input gives none (a `.txt` file falls back to its first non-empty line).
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Never empty or only whitespace.
    pub text: String,
    pub origin: Origin,
}

/// Where an article came from: its file, and its 1-based line for JSONL/CSV/TSV records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Origin {
    pub path: PathBuf,
    pub line: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path.display(), line),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// How to read a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Articles whose text is longer than this many bytes are skipped (`--max-article-bytes`).
    pub max_article_bytes: usize,
}

impl ReadOptions {
    pub const DEFAULT_MAX_ARTICLE_BYTES: usize = 1_000_000;
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_article_bytes: Self::DEFAULT_MAX_ARTICLE_BYTES }
    }
}

/// Why a corpus could not be opened at all (as opposed to a [`Problem`] with one item in it).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("corpus not found: '{}' does not exist", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read corpus '{}': {message}", .path.display())]
    Unreadable { path: PathBuf, message: String },
    #[error("cannot read '{}': unsupported file type '.{extension}' (stancemap reads .txt, .jsonl, .csv, .tsv, or a folder of them)", .path.display())]
    UnsupportedType { path: PathBuf, extension: String },
}

/// The ways an input file holds articles, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Jsonl,
    Delimited(u8),
}

impl Format {
    /// The format for a file path, or the (lower-cased) extension stancemap does not read.
    pub fn of(path: &Path) -> Result<Format, String> {
        let Some(extension) = path.extension() else {
            return Ok(Format::Txt);
        };
        let extension = extension.to_string_lossy().to_lowercase();
        match extension.as_str() {
            "txt" | "text" => Ok(Format::Txt),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Delimited(b',')),
            "tsv" => Ok(Format::Delimited(b'\t')),
            _ => Err(extension),
        }
    }
}

/// The fields of one JSONL/CSV record, before the checks that make it an [`Article`].
pub(crate) struct RecordFields {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

impl RecordFields {
    /// Checks the text (not empty, within the size limit) and settles the id.
    pub fn into_article(
        self,
        root_relative: &str,
        origin: Origin,
        options: ReadOptions,
    ) -> Result<Article, ProblemKind> {
        if self.text.trim().is_empty() {
            return Err(ProblemKind::Empty);
        }
        if self.text.len() > options.max_article_bytes {
            return Err(ProblemKind::TooLarge {
                bytes: self.text.len() as u64,
                limit: options.max_article_bytes as u64,
            });
        }
        Ok(Article {
            id: id::article_id(self.id.as_deref(), root_relative, origin.line, &self.text),
            title: self.title.unwrap_or_default(),
            date: self.date,
            source: self.source,
            url: self.url,
            text: self.text,
            origin,
        })
    }
}

/// An entry of the up-front listing: a file to read, or a problem found while listing.
enum Listed {
    File(PathBuf, Format),
    Problem(Problem),
}

type Records = Box<dyn Iterator<Item = Result<Article, Problem>> + Send>;

/// A corpus being read: an iterator over its articles and its problems, in input order.
pub struct Corpus {
    root: PathBuf,
    options: ReadOptions,
    listing: std::vec::IntoIter<Listed>,
    file_count: usize,
    files_done: usize,
    current: Option<Records>,
    pending: VecDeque<Result<Article, Problem>>,
    seen_ids: HashMap<String, Origin>,
}

impl Corpus {
    /// Opens a folder or a single file and lists the files to read (nothing is read yet).
    pub fn open(path: &Path, options: ReadOptions) -> Result<Corpus, CorpusError> {
        let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => CorpusError::NotFound(path.to_path_buf()),
            _ => CorpusError::Unreadable { path: path.to_path_buf(), message: error.to_string() },
        })?;
        let (root, listing) = if metadata.is_dir() {
            let mut listing = Vec::new();
            let mut visited = HashSet::new();
            list_folder(path, &mut listing, &mut visited);
            (path.to_path_buf(), listing)
        } else {
            let format = Format::of(path)
                .map_err(|extension| CorpusError::UnsupportedType { path: path.to_path_buf(), extension })?;
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (root, vec![Listed::File(path.to_path_buf(), format)])
        };
        let file_count = listing.iter().filter(|entry| matches!(entry, Listed::File(..))).count();
        Ok(Corpus {
            root,
            options,
            listing: listing.into_iter(),
            file_count,
            files_done: 0,
            current: None,
            pending: VecDeque::new(),
            seen_ids: HashMap::new(),
        })
    }

    /// The folder that ids are derived relative to: the corpus folder, or a single file's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many readable-looking files were listed (files with a supported extension).
    pub fn file_count(&self) -> usize {
        self.file_count
    }

    /// How many of the [`Corpus::file_count`] files have been read to the end (for progress).
    pub fn files_done(&self) -> usize {
        self.files_done
    }

    /// Starts reading one file: sets `current`, or queues the problem that prevents it.
    fn start_file(&mut self, path: PathBuf, format: Format) {
        let root_relative = id::root_relative(&self.root, &path);
        let options = self.options;
        let unreadable =
            |error: std::io::Error| Err(Problem::new(path.clone(), None, ProblemKind::Unreadable(error.to_string())));
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(error) => {
                self.files_done += 1;
                return self.pending.push_back(unreadable(error));
            }
        };
        match format {
            Format::Txt => {
                self.files_done += 1;
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                if size > options.max_article_bytes as u64 {
                    let kind = ProblemKind::TooLarge { bytes: size, limit: options.max_article_bytes as u64 };
                    return self.pending.push_back(Err(Problem::new(path, None, kind)));
                }
                // Bounded even if the file grows after the size check.
                let mut bytes = Vec::new();
                let cap = options.max_article_bytes as u64 + 4;
                if let Err(error) = file.take(cap).read_to_end(&mut bytes) {
                    return self.pending.push_back(unreadable(error));
                }
                let (article, problems) = read_txt(&root_relative, &path, &bytes, options);
                self.pending.extend(problems.into_iter().map(Err));
                self.pending.extend(article.map(Ok));
            }
            Format::Jsonl => {
                let reader = BufReader::with_capacity(64 * 1024, file);
                let records = JsonlRecords::new(&root_relative, &path, reader, options);
                self.current = Some(Box::new(records));
            }
            Format::Delimited(delimiter) => {
                let records = CsvRecords::new(&root_relative, &path, file, delimiter, options);
                self.current = Some(Box::new(records));
            }
        }
    }

    /// Passes an article on unless its id was already seen in this run.
    fn check_unique(&mut self, article: Article) -> Result<Article, Problem> {
        match self.seen_ids.get(&article.id) {
            Some(first_seen) => Err(Problem::at(
                &article.origin,
                ProblemKind::DuplicateId { id: article.id.clone(), first_seen: first_seen.clone() },
            )),
            None => {
                self.seen_ids.insert(article.id.clone(), article.origin.clone());
                Ok(article)
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Result<Article, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let item = match self.pending.pop_front() {
                Some(item) => Some(item),
                None => match self.current.as_mut() {
                    Some(records) => {
                        let item = records.next();
                        if item.is_none() {
                            self.current = None;
                            self.files_done += 1;
                        }
                        item
                    }
                    None => match self.listing.next()? {
                        Listed::File(path, format) => {
                            self.start_file(path, format);
                            None
                        }
                        Listed::Problem(problem) => Some(Err(problem)),
                    },
                },
            };
            match item {
                Some(Ok(article)) => return Some(self.check_unique(article)),
                Some(Err(problem)) => return Some(Err(problem)),
                None => continue,
            }
        }
    }
}

/// Lists a folder recursively in sorted path order, skipping hidden entries. Symlinks are
/// followed, but a folder reached twice (a symlink loop) is listed once.
fn list_folder(folder: &Path, listing: &mut Vec<Listed>, visited: &mut HashSet<PathBuf>) {
    let unreadable = |path: &Path, error: std::io::Error| {
        Listed::Problem(Problem::new(path, None, ProblemKind::Unreadable(error.to_string())))
    };
    let first_visit = match folder.canonicalize() {
        Ok(canonical) => visited.insert(canonical),
        Err(_) => true,
    };
    if !first_visit {
        return;
    }
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => return listing.push(unreadable(folder, error)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_name().to_string_lossy().starts_with('.') => {}
            Ok(entry) => paths.push(entry.path()),
            Err(error) => listing.push(unreadable(folder, error)),
        }
    }
    paths.sort();
    for path in paths {
        match std::fs::metadata(&path) {
            Ok(metadata) if metadata.is_dir() => list_folder(&path, listing, visited),
            Ok(_) => match Format::of(&path) {
                Ok(format) => listing.push(Listed::File(path, format)),
                Err(extension) => {
                    listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::UnsupportedType(extension))))
                }
            },
            Err(error) if std::fs::symlink_metadata(&path).is_ok() => {
                let message = format!("dangling symlink ({error})");
                listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::Unreadable(message))));
            }
            Err(error) => listing.push(unreadable(&path, error)),
        }
    }
}

#[cfg(test)]
mod tests;
