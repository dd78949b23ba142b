//! Errors from loading and running the encoders; each names the file it concerns.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not found (run scripts/setup.sh to install the base encoders)")]
    Missing { path: PathBuf },
    #[error("{path}: invalid JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{path}: model_type '{model_type}' is not supported (stancemap runs 'bert' and 'mpnet')")]
    UnsupportedModel { path: PathBuf, model_type: String },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{path}: cannot load weights: {source}")]
    Weights { path: PathBuf, source: tch::TchError },
    #[error("{path}: cannot load tokenizer: {message}")]
    Tokenizer { path: PathBuf, message: String },
    #[error("tokenizer failed on input: {message}")]
    Encode { message: String },
}

/// A configuration value this code cannot run, before the file it came from is known.
#[derive(Debug)]
pub struct ConfigProblem(pub String);

impl ConfigProblem {
    pub fn at(self, path: &std::path::Path) -> ModelError {
        ModelError::Config { path: path.to_path_buf(), message: self.0 }
    }
}
