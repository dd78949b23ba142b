//! The subcommands' flags and what each does, one file per group; `main.rs` parses and dispatches.

pub mod eval;
pub mod import;
pub mod run;
pub mod tools;
pub mod train;

use std::path::PathBuf;

use stancemap::model::{DeviceChoice, Precision};

/// The flags every subcommand takes.
pub struct Globals {
    /// CPU threads for inference (all cores unless --threads says otherwise).
    pub threads: i32,
    /// --threads as given.
    pub threads_given: Option<i32>,
    pub device: DeviceChoice,
    pub precision: Precision,
}

/// The folder of shipped models.
pub fn models_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models")
}

/// The shipped model of a task (`ner`, `stance`): the accurate tier where a GPU is present and it is installed,
/// the fast tier otherwise.
pub fn default_model(task: &str, device: DeviceChoice) -> PathBuf {
    let fast = models_dir().join(format!("{task}-fast"));
    let accurate = models_dir().join(format!("{task}-accurate"));
    let on_gpu = device.device().is_ok_and(|d| d.is_cuda());
    if on_gpu && accurate.join("card.json").is_file() {
        accurate
    } else {
        fast
    }
}

/// The entity model `run` uses when not told: the accurate tier where a GPU is present (and the model is
/// installed), the fast tier otherwise.
pub fn default_entity_model(device: DeviceChoice) -> Option<PathBuf> {
    let chosen = default_model("ner", device);
    if chosen.join("card.json").is_file() {
        Some(chosen)
    } else {
        eprintln!("stancemap: no entity model in {}; entity detection skipped (no mentions.csv)", chosen.display());
        None
    }
}
