//! The columns of every table a run writes, in one place: the run's writers and `merge` take them from here.
//! The README's "Outputs" section says what each column holds.

/// The journal of a run not yet finished, in its output folder: a run that finds it resumes, and a finished run
/// has none.
pub const JOURNAL: &str = "resume.jsonl";

/// `articles.csv`.
pub const ARTICLE_COLUMNS: &[&str] =
    &["article_id", "title", "date", "source", "n_sentences", "n_chars", "url", "origin"];

/// `sentences.csv`.
pub const SENTENCE_COLUMNS: &[&str] =
    &["article_id", "sentence_index", "start", "end", "in_quote", "text", "paragraph_index"];

/// `mentions.csv`.
pub const MENTION_COLUMNS: &[&str] = &[
    "article_id",
    "mention_id",
    "sentence_index",
    "start",
    "end",
    "text",
    "type",
    "confidence",
    "country",
    "source",
    "actor_id",
];

/// `quotes.csv`.
pub const QUOTE_COLUMNS: &[&str] = &[
    "article_id",
    "quote_id",
    "start",
    "end",
    "text",
    "kind",
    "cue",
    "speaker_actor_id",
    "speaker_surface",
    "confidence",
];

/// `evidence.csv`.
pub const EVIDENCE_COLUMNS: &[&str] = &[
    "evidence_id",
    "article_id",
    "sentence_index",
    "start",
    "end",
    "actor_id",
    "actor_surface",
    "target_id",
    "target_surface",
    "in_quote",
    "label",
    "p_favor",
    "p_against",
    "p_neutral",
    "text",
];

/// `stances.csv`.
pub const STANCE_COLUMNS: &[&str] = &[
    "actor_id",
    "actor",
    "actor_type",
    "target_id",
    "target",
    "target_type",
    "period",
    "n_evidence",
    "n_favor",
    "n_against",
    "n_neutral",
    "stance",
    "score",
    "ci_low",
    "ci_high",
    "n_articles",
    "top_evidence_id",
];

/// `actors.csv`.
pub const ACTOR_COLUMNS: &[&str] =
    &["actor_id", "name", "type", "aliases", "valid_from", "valid_to", "n_articles", "n_mentions"];
