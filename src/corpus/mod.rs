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
//! [`csv`](self::csv) (the three formats), [`date`] (the day an article is from), [`id`] (stable ids), [`problem`]
//! (what went wrong).

pub mod csv;
pub mod date;
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

impl Article {
    /// A bare text as an article, without title, date or source: for the tools that read texts rather than a
    /// corpus (the importers, the evaluations). Its origin is its id.
    pub fn of_text(id: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            title: String::new(),
            date: None,
            source: None,
            url: None,
            text: text.into(),
            origin: Origin { path: PathBuf::from(id), line: None },
        }
    }
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

/// What a listed file was when the corpus was opened: its path within the corpus, its size and its last
/// modification. A resumed run compares them with the interrupted run's to find what changed in between.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    pub path: String,
    pub bytes: u64,
    /// Nanoseconds since 1970 (0 where the file system does not say).
    pub modified_ns: u128,
}

impl FileStamp {
    fn of(root: &Path, path: &Path) -> FileStamp {
        let metadata = std::fs::metadata(path).ok();
        let modified = metadata.as_ref().and_then(|m| m.modified().ok());
        FileStamp {
            path: id::root_relative(root, path),
            bytes: metadata.map_or(0, |m| m.len()),
            modified_ns: modified
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_nanos()),
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
    stamps: Vec<FileStamp>,
    files_done: usize,
    current: Option<Records>,
    pending: VecDeque<Result<Article, Problem>>,
    seen_ids: HashMap<String, Origin>,
    /// An article whose warning about its date was the last item; it comes next.
    dated_warned: Option<Article>,
}

impl Corpus {
    /// Opens a folder or a single file and lists the files to read (nothing is read yet).
    pub fn open(path: &Path, options: ReadOptions) -> Result<Corpus, CorpusError> {
        Corpus::open_beside(path, options, None)
    }

    /// [`Corpus::open`] for a run that writes its tables to `out`: a folder of the corpus that is `out`, or that
    /// holds a stancemap run (its `run.json` or `resume.jsonl`), is not read, and is named once as a warning.
    pub fn open_beside(path: &Path, options: ReadOptions, out: Option<&Path>) -> Result<Corpus, CorpusError> {
        let metadata = std::fs::metadata(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => CorpusError::NotFound(path.to_path_buf()),
            _ => CorpusError::Unreadable { path: path.to_path_buf(), message: error.to_string() },
        })?;
        let (root, listing) = if metadata.is_dir() {
            let mut listing = Vec::new();
            let mut visited = HashSet::new();
            let out = out.and_then(|out| out.canonicalize().ok());
            match run_folder(path, None) {
                // A run's tables given as the corpus (`run results/`): said, and nothing read as articles.
                Some(what) => listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::RunFolder(what)))),
                None => list_folder(path, out.as_deref(), &mut listing, &mut visited),
            }
            (path.to_path_buf(), listing)
        } else {
            let format = Format::of(path)
                .map_err(|extension| CorpusError::UnsupportedType { path: path.to_path_buf(), extension })?;
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (root, vec![Listed::File(path.to_path_buf(), format)])
        };
        let stamps: Vec<FileStamp> = listing
            .iter()
            .filter_map(|entry| match entry {
                Listed::File(path, _) => Some(FileStamp::of(&root, path)),
                Listed::Problem(_) => None,
            })
            .collect();
        let file_count = stamps.len();
        Ok(Corpus {
            root,
            options,
            listing: listing.into_iter(),
            file_count,
            stamps,
            files_done: 0,
            current: None,
            pending: VecDeque::new(),
            seen_ids: HashMap::new(),
            dated_warned: None,
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

    /// The listed files as they were when the corpus was opened, in reading order.
    pub fn stamps(&self) -> &[FileStamp] {
        &self.stamps
    }

    /// The path of a file of this corpus relative to its root, as [`FileStamp::path`] gives it.
    pub fn relative_path(&self, path: &Path) -> String {
        id::root_relative(&self.root, path)
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
        let file = match open_regular(&path) {
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
        if let Some(article) = self.dated_warned.take() {
            return Some(Ok(article));
        }
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
                Some(Ok(article)) => {
                    let article = match self.check_unique(article) {
                        Ok(article) => article,
                        Err(duplicate) => return Some(Err(duplicate)),
                    };
                    // A date that cannot be read is said once, right before its article, which still counts.
                    if let Some(date) =
                        article.date.as_deref().filter(|d| !d.trim().is_empty() && date::Day::parse(d).is_none())
                    {
                        let warning = Problem::at(&article.origin, ProblemKind::UnreadableDate(date.to_string()));
                        self.dated_warned = Some(article);
                        return Some(Err(warning));
                    }
                    return Some(Ok(article));
                }
                Some(Err(problem)) => return Some(Err(problem)),
                None => continue,
            }
        }
    }
}

/// The files that mark a folder as holding a stancemap run, finished or not.
const RUN_MARKERS: [&str; 3] = ["run.json", "resume.jsonl", "shard.jsonl"];

/// Lists a folder recursively in sorted path order, skipping hidden entries, the run's own output folder
/// `out` and folders that hold a run. Symlinks are followed, but a folder reached twice (a symlink loop) is
/// listed once. What is neither a file nor a folder (a named pipe, a socket, a device) is reported, never
/// opened: reading a pipe would wait for a writer that may never come.
fn list_folder(folder: &Path, out: Option<&Path>, listing: &mut Vec<Listed>, visited: &mut HashSet<PathBuf>) {
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
            Ok(metadata) if metadata.is_dir() => match run_folder(&path, out) {
                Some(what) => listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::RunFolder(what)))),
                None => list_folder(&path, out, listing, visited),
            },
            Ok(metadata) if !metadata.is_file() => {
                let kind = ProblemKind::NotAFile(special_kind(&metadata.file_type()));
                listing.push(Listed::Problem(Problem::new(path, None, kind)));
            }
            Ok(_) => match Format::of(&path) {
                Ok(format) => listing.push(Listed::File(path, format)),
                Err(extension) => {
                    listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::UnsupportedType(extension))))
                }
            },
            Err(error) if std::fs::symlink_metadata(&path).is_ok() => {
                let message = match error.raw_os_error() == Some(libc::ELOOP) {
                    true => format!("symlink loop ({error})"),
                    false => format!("dangling symlink ({error})"),
                };
                listing.push(Listed::Problem(Problem::new(path, None, ProblemKind::Unreadable(message))));
            }
            Err(error) => listing.push(unreadable(&path, error)),
        }
    }
}

/// Why a folder inside the corpus holds no articles: it is the run's output folder `out`, or another run's.
fn run_folder(folder: &Path, out: Option<&Path>) -> Option<&'static str> {
    if out.is_some() && folder.canonicalize().ok().as_deref() == out {
        Some("the run's output folder")
    } else if RUN_MARKERS.iter().any(|marker| folder.join(marker).is_file()) {
        Some("a folder that holds a stancemap run")
    } else {
        None
    }
}

/// What a file that is not a regular file is, in words.
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a named pipe"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Opens a file for reading without waiting: a file that turned into a pipe or a device since it was listed is
/// refused instead of blocking the run (O_NONBLOCK changes nothing for regular files).
fn open_regular(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(std::io::Error::other(format!("{}, not a file of articles", special_kind(&file_type))));
    }
    Ok(file)
}

#[cfg(test)]
mod tests;
