//! `stancemap export hf`: an entity model as a Hugging Face `BertForTokenClassification` or
//! `MPNetForTokenClassification` folder (`config.json` with id2label/label2id, `model.safetensors`,
//! `tokenizer.json`), merged (base + delta, adapters folded in) so that Python `transformers` loads it with
//! `AutoModelForTokenClassification`.
//!
//! The word-shape embedding has no place in a standard model, except one: BERT adds a token-type embedding to
//! every token, and our shapes are exactly that, a per-token class. The BERT export widens
//! `token_type_embeddings` to the six shapes (row i = the base's type-0 row + shape i's embedding), so the
//! merged model computes the same function when the caller passes each token's shape id as its
//! `token_type_ids`. MPNet has no token types: its export writes the shape embedding to `word_shapes.safetensors`
//! and the caller adds it to the word embeddings and passes `inputs_embeds`. Without shapes either model runs,
//! blind to capitalisation. `parity.json` holds a few inputs with our logits so `bench/check_hf_export.py` can
//! show that transformers computes the same.

use std::path::Path;

use anyhow::Context;
use tch::{Device, Kind, Tensor};

use crate::model::export::{hf_config, write_tokenizer};
use crate::model::BaseEncoder;

use super::features::EntityInput;
use super::model::{EntityBatch, EntityModel};
use super::shape::WordShape;
use crate::text::words::words;

/// Sentences whose logits go into parity.json.
const PARITY_TEXTS: &[&str] = &[
    "President Joe Biden met Vladimir Putin in Geneva on Wednesday.",
    "  The Kremlin said Russia would not discuss Ukraine's bid to join NATO.",
    "Zelenskyy thanked São Paulo and the European Union, Lavrov said.",
];

pub fn export_hf(model_dir: &Path, out: &Path) -> anyhow::Result<()> {
    let model = EntityModel::load(model_dir, Device::Cpu)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let _guard = tch::no_grad_guard();
    let mut tensors: Vec<(String, Tensor)> = Vec::new();
    let shapes = model.head_vars.variables()["shape_embedding.weight"].shallow_clone();
    let (prefix, architecture, shape_input) = match model.base {
        BaseEncoder::MiniLm => ("bert", "BertForTokenClassification", "token_type_ids"),
        BaseEncoder::Mpnet => ("mpnet", "MPNetForTokenClassification", "inputs_embeds"),
    };
    for (name, tensor) in model.encoder.vars.variables() {
        let value = if name == "embeddings.token_type_embeddings.weight" {
            // [6, hidden]: type 0's row plus each shape's embedding.
            tensor.get(0).unsqueeze(0) + &shapes
        } else {
            tensor.shallow_clone()
        };
        tensors.push((format!("{prefix}.{name}"), value.to_kind(Kind::Float).contiguous()));
    }
    if model.base == BaseEncoder::Mpnet {
        let path = out.join("word_shapes.safetensors");
        crate::model::safetensors::write_f32(&path, &[("weight".into(), shapes.shallow_clone())], &[("format", "pt")])?;
    }
    for name in ["classifier.weight", "classifier.bias"] {
        tensors.push((name.to_string(), model.head_vars.variables()[name].shallow_clone()));
    }
    tensors.sort_by(|a, b| a.0.cmp(&b.0));
    crate::model::safetensors::write_f32(&out.join("model.safetensors"), &tensors, &[("format", "pt")])?;

    let shapes_doc = "the word shape of each token's word: 0 special token or padding, 1 lowercase, 2 Capitalized, \
                      3 UPPER (2+ letters), 4 MiXed, 5 no letters; words split as CoNLL does";
    let note = match model.base {
        BaseEncoder::MiniLm => serde_json::json!({ "token_type_ids": shapes_doc, "exported_from": model_dir }),
        BaseEncoder::Mpnet => serde_json::json!({
            "inputs_embeds": format!("word_embeddings(input_ids) + word_shapes.safetensors['weight'][shape_ids], with \
                                      shape_ids {shapes_doc}"),
            "exported_from": model_dir,
        }),
    };
    let mut config = hf_config(model.base, architecture, &model.labels, note)?;
    if model.base == BaseEncoder::MiniLm {
        config["type_vocab_size"] = serde_json::json!(WordShape::COUNT);
    }
    crate::output::write_json(&out.join("config.json"), &config)?;
    write_tokenizer(model.base, out)?;

    let mut parity = Vec::new();
    for text in PARITY_TEXTS {
        let input = EntityInput::new(&model.encoder.tokenizer, text, words(text))?;
        let batch = EntityBatch::new(&[&input], model.encoder.tokenizer.pad_id(), Device::Cpu);
        let logits = model.logits(&batch, false).get(0);
        let rows: Vec<Vec<f32>> =
            (0..logits.size()[0]).map(|i| Vec::<f32>::try_from(logits.get(i)).unwrap_or_default()).collect();
        parity.push(serde_json::json!({
            "text": text,
            "input_ids": input.tokens.ids,
            "word_shape_ids": input.shapes,
            "shape_input": shape_input,
            "logits": rows,
        }));
    }
    crate::output::write_json(&out.join("parity.json"), &parity)?;
    Ok(())
}
