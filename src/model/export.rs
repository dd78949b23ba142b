//! What every Hugging Face export shares: the base's config.json with the task's architecture and labels, and
//! the base's tokenizer files (padding and truncation switched off, as stancemap runs it).

use std::path::Path;

use super::BaseEncoder;

/// The export's `config.json`: the base's, with `architectures`, `id2label`/`label2id`, and a `stancemap` note
/// on how the inputs are written.
pub fn hf_config(
    base: BaseEncoder,
    architecture: &str,
    labels: &[String],
    note: serde_json::Value,
) -> anyhow::Result<serde_json::Value> {
    let base_dir = base.default_dir();
    let mut config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(base_dir.join("config.json"))?)?;
    config["architectures"] = serde_json::json!([architecture]);
    config["id2label"] = labels.iter().enumerate().map(|(i, l)| (i.to_string(), serde_json::json!(l))).collect();
    config["label2id"] = labels.iter().enumerate().map(|(i, l)| (l.clone(), serde_json::json!(i))).collect();
    config["stancemap"] = note;
    Ok(config)
}

/// Copies the base's tokenizer files, with `tokenizer.json`'s padding and truncation removed.
pub fn write_tokenizer(base: BaseEncoder, out: &Path) -> anyhow::Result<()> {
    let base_dir = base.default_dir();
    let mut tokenizer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base_dir.join("tokenizer.json"))?)?;
    tokenizer["padding"] = serde_json::Value::Null;
    tokenizer["truncation"] = serde_json::Value::Null;
    crate::output::write_json(&out.join("tokenizer.json"), &tokenizer)?;
    for file in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
        if base_dir.join(file).is_file() {
            std::fs::copy(base_dir.join(file), out.join(file))?;
        }
    }
    Ok(())
}
