//! The contract between stancemap and the Python GPU trainer (`scripts/gpu/train_stance.py`).
//!
//! stancemap owns the input and the model format. `stancemap encode stance` writes, for each stance JSONL file,
//! the token ids of every example exactly as stancemap's own trainer and `run` put them to the model
//! (`NAME.ids.jsonl`: `id`, `source`, `label` or null, `ids`), and `contract.json`: the card the trained model
//! carries (base and its sha256, labels, input; pooling and adaptation as the trainer chooses, with the words
//! the card says for each adaptation), the padding id, and the names its tensors are stored under. The Python trainer reads those through `scripts/gpu/contract.py` (no torch needed there),
//! runs only the optimiser loop, and writes the delta and the card from the contract. `tests/trainer_contract.rs`
//! checks both sides on one file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::corpus::decode::{looks_binary, numbered_lines};
use crate::model::card::{ModelCard, Pooling, StanceCard, Task, TrainingCard};
use crate::model::delta::{Adaptation, FROZEN, LORA_ALPHA_PER_RANK};
use crate::model::{BaseEncoder, EncoderTokenizer};
use crate::stance::input::{StanceQuery, INPUT_DOC, MAX_TOKENS};
use crate::stance::model::LABELS;

/// Any rank above 0: the words and the alpha of adapters do not depend on it.
const LORA_EXAMPLE_RANK: i64 = 16;

/// The file the contract is written to, beside the encoded files.
pub const CONTRACT_FILE: &str = "contract.json";

/// What the Python trainer must follow.
#[derive(Debug, Serialize)]
pub struct Contract {
    /// The card of the model to train: everything but `training`, `dev` and `date`, which the trainer fills in,
    /// and `pooling`, `adaptation` and `stored_as`, which it sets for its run (shown here for the first token and
    /// full fine-tuning).
    pub card: ModelCard,
    /// The card's `stored_as` for each kind of adaptation (`full`, `lora`).
    pub stored_as: StoredAs,
    /// Adapters of rank r are scaled by alpha = this x r.
    pub lora_alpha_per_rank: f64,
    /// The id that pads a batch's shorter rows (their attention mask is 0 there).
    pub pad_id: i64,
    /// The longest row, in ids (every row is already at most this long).
    pub max_tokens: usize,
    pub tensors: TensorNames,
    pub clipping: Clipping,
}

#[derive(Debug, Serialize)]
pub struct StoredAs {
    pub full: &'static str,
    pub lora: &'static str,
}

/// How gradients are clipped before each step, as stancemap's trainer clips them: each group on its own.
#[derive(Debug, Serialize)]
pub struct Clipping {
    pub norm: f64,
    /// `encoder`: the encoder's trained weights (and adapters); `head`: the classifier head.
    pub groups: [&'static str; 2],
}

/// How the trained tensors are named in `model.safetensors` (see [`crate::model::delta`]).
#[derive(Debug, Serialize)]
pub struct TensorNames {
    /// The classifier head, stored whole in fp32.
    pub head: [&'static str; 4],
    /// Prefix of an encoder weight stored as its fp16 difference from the base (`delta.encoder.layer.0…`).
    pub delta_prefix: &'static str,
    /// Prefix of a low-rank adapter, `lora.<projection>.a` and `.b`, in fp32.
    pub lora_prefix: &'static str,
    /// Encoder weights that are never trained, nor stored.
    pub frozen: &'static [&'static str],
}

/// What `encode stance` did.
#[derive(Debug, Default)]
pub struct EncodeReport {
    /// Per input file: its encoded file and the rows written.
    pub files: Vec<(PathBuf, usize)>,
    /// Lines that are not examples, each `file:line: reason`.
    pub skipped: Vec<String>,
}

/// Encodes `files` (stance JSONL; rows without a label are kept, label null, for distillation) for `base` into
/// `out`, and writes the contract of a stance model on `base`.
pub fn encode_stance(files: &[PathBuf], base: BaseEncoder, out: &Path) -> anyhow::Result<EncodeReport> {
    let tokenizer = EncoderTokenizer::from_file(&crate::train::base_dir(base)?.join("tokenizer.json"))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut report = EncodeReport::default();
    for path in files {
        let stem = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = stem.trim_end_matches(".gz").trim_end_matches(".jsonl");
        let target = out.join(format!("{stem}.ids.jsonl"));
        if report.files.iter().any(|(written, _)| *written == target) {
            anyhow::bail!(
                "{}: a second file named {stem}: rename one (each is written to {stem}.ids.jsonl)",
                path.display()
            );
        }
        let rows = encode_file(path, &tokenizer, &target, &mut report.skipped)?;
        report.files.push((target, rows));
    }
    crate::output::write_json(&out.join(CONTRACT_FILE), &contract(base, tokenizer.pad_id()))?;
    Ok(report)
}

/// The contract of a stance model on `base`.
pub fn contract(base: BaseEncoder, pad_id: i64) -> Contract {
    let stance = StanceCard { input: Some(INPUT_DOC.into()), pooling: Some(Pooling::First), calibration: None };
    let labels = LABELS.iter().map(|l| l.as_str().to_string()).collect();
    let training = TrainingCard {
        data: Vec::new(),
        dev: String::new(),
        command: String::new(),
        options: serde_json::Value::Null,
        more: Default::default(),
    };
    Contract {
        card: ModelCard::new(Task::Stance(stance), base, labels, Adaptation::Full, training, serde_json::json!({})),
        stored_as: StoredAs {
            full: Adaptation::Full.stored_as(),
            lora: Adaptation::from_rank(LORA_EXAMPLE_RANK).stored_as(),
        },
        lora_alpha_per_rank: LORA_ALPHA_PER_RANK,
        pad_id,
        max_tokens: MAX_TOKENS,
        tensors: TensorNames {
            head: ["dense.weight", "dense.bias", "out.weight", "out.bias"],
            delta_prefix: "delta.",
            lora_prefix: "lora.",
            frozen: FROZEN,
        },
        clipping: Clipping { norm: crate::train::CLIP_GRAD_NORM, groups: ["encoder", "head"] },
    }
}

/// One input row: an example whose label may be missing.
#[derive(serde::Deserialize)]
struct Row {
    id: String,
    text: String,
    #[serde(default)]
    holder: Option<String>,
    #[serde(default)]
    holder_span: Option<[usize; 2]>,
    target: String,
    #[serde(default)]
    target_span: Option<[usize; 2]>,
    #[serde(default)]
    label: Option<crate::vocab::StanceLabel>,
    #[serde(default)]
    source: String,
}

/// Encoded row as written.
#[derive(Serialize)]
struct EncodedRow<'a> {
    id: &'a str,
    source: &'a str,
    label: Option<&'static str>,
    ids: Vec<i64>,
}

fn encode_file(
    path: &Path,
    tokenizer: &EncoderTokenizer,
    target: &Path,
    skipped: &mut Vec<String>,
) -> anyhow::Result<usize> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if looks_binary(&bytes) {
        anyhow::bail!("{}: a binary file (gzip?), not stance JSONL", path.display());
    }
    let partial = target.with_extension("jsonl.partial");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?,
    );
    let mut rows = 0;
    for (number, line) in numbered_lines(&bytes) {
        let place = format!("{}:{number}", path.display());
        let line = match line {
            Ok(line) => line,
            Err(reason) => {
                skipped.push(format!("{place}: {reason}"));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = match serde_json::from_str(line) {
            Ok(row) => row,
            Err(e) => {
                skipped.push(format!("{place}: not a stance example: {e}"));
                continue;
            }
        };
        let query = StanceQuery {
            text: &row.text,
            holder: row.holder.as_deref(),
            holder_span: row.holder_span,
            target: &row.target,
            target_span: row.target_span,
        };
        let ids = match query.encode(tokenizer) {
            Ok(ids) => ids,
            Err(e) => {
                skipped.push(format!("{place}: cannot be encoded: {e}"));
                continue;
            }
        };
        let label = row.label.map(|l| l.as_str());
        serde_json::to_writer(&mut out, &EncodedRow { id: &row.id, source: &row.source, label, ids })?;
        out.write_all(b"\n")?;
        rows += 1;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, target).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(rows)
}
