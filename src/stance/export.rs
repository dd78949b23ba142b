//! `stancemap export hf` for a stance model: a merged Hugging Face `BertForSequenceClassification` or
//! `MPNetForSequenceClassification` folder that `AutoModelForSequenceClassification` loads. Our head is exactly
//! theirs (dense + tanh + linear on the first token: BERT's pooler and classifier, MPNet's classification head),
//! so the export computes the same logits. The input is written as [`super::input`] describes (markers in the
//! passage, `holder: X. target: Y` as the second segment), recorded in config.json under `stancemap`, with the
//! calibration temperature (divide the logits by it before the softmax). BERT's token-type row 1 is set to row 0
//! because our model reads both segments as type 0: the tokenizer's pair token types then change nothing.
//! `parity.json` holds sample questions with our logits (bench/check_hf_export.py compares them).

use std::path::Path;

use anyhow::Context;
use tch::{Device, Kind, Tensor};

use crate::model::export::{hf_config, write_tokenizer};
use crate::model::BaseEncoder;

use super::evaluate::logits;
use super::input::{StanceQuery, INPUT_DOC};
use super::model::{StanceModel, LABELS};
use crate::model::card::Pooling;

/// Questions whose logits go into parity.json.
const PARITY: &[(&str, Option<&str>, &str)] = &[
    (
        "President Joe Biden warned that Vladimir Putin would pay a price for the hacking.",
        Some("Joe Biden"),
        "Vladimir Putin",
    ),
    ("“We fully support the ceasefire,” said Foreign Minister Ida Berg.", Some("Ida Berg"), "the ceasefire"),
    ("The committee will discuss the climate bill on Tuesday.", None, "the climate bill"),
];

pub fn export_hf(model_dir: &Path, out: &Path) -> anyhow::Result<()> {
    let model = StanceModel::load(model_dir, Device::Cpu)?;
    if model.pooling != Pooling::First {
        anyhow::bail!(
            "{}: this model reads the mean of all tokens, which no *ForSequenceClassification does; models trained \
             with --pooling first export",
            model_dir.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let _guard = tch::no_grad_guard();
    let (prefix, architecture, dense, projection) = match model.base {
        BaseEncoder::MiniLm => ("bert", "BertForSequenceClassification", "bert.pooler.dense", "classifier"),
        BaseEncoder::Mpnet => ("mpnet", "MPNetForSequenceClassification", "classifier.dense", "classifier.out_proj"),
    };
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    for (name, tensor) in model.encoder.vars.variables() {
        let value = if name == "embeddings.token_type_embeddings.weight" {
            let type0 = tensor.get(0).unsqueeze(0);
            type0.repeat([tensor.size()[0], 1])
        } else {
            tensor.shallow_clone()
        };
        tensors.push((format!("{prefix}.{name}"), value.to_kind(Kind::Float).contiguous()));
    }
    let head = model.head_vars.variables();
    for (ours, theirs) in [("dense", dense), ("out", projection)] {
        for part in ["weight", "bias"] {
            tensors.push((format!("{theirs}.{part}"), head[&format!("{ours}.{part}")].to_kind(Kind::Float)));
        }
    }
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    crate::model::safetensors::write_f32(&out.join("model.safetensors"), &tensors, &[("format", "pt")])?;

    let labels: Vec<String> = LABELS.iter().map(|l| l.as_str().to_string()).collect();
    let note = serde_json::json!({
        "input": INPUT_DOC,
        "temperature": model.temperature,
        "probabilities": "softmax(logits / temperature)",
        "exported_from": model_dir,
    });
    let config = hf_config(model.base, architecture, &labels, note)?;
    crate::output::write_json(&out.join("config.json"), &config)?;
    write_tokenizer(model.base, out)?;

    let mut parity = Vec::new();
    for &(text, holder, target) in PARITY {
        let span =
            |name: &str| text.find(name).map(|b| text[..b].chars().count()).map(|c| [c, c + name.chars().count()]);
        let query = StanceQuery { text, holder, holder_span: holder.and_then(span), target, target_span: span(target) };
        let question = query.question();
        let passage = query.marked_text(0, text.chars().count());
        let ids = query.encode(&model.encoder.tokenizer)?;
        let row = logits(&model, &[query], 1)?[0];
        parity.push(serde_json::json!({
            "passage": passage,
            "question": question,
            "input_ids": ids,
            "logits": row,
        }));
    }
    crate::output::write_json(&out.join("parity.json"), &parity)?;
    Ok(())
}
