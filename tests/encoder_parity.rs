//! Parity of our encoders with Python `transformers` 4.46.3 on the same libtorch, from
//! `../shared/reference/encoder_parity.json`: identical token ids and hidden-state values within 1e-4, for both
//! encoders, on all three reference sentences, each alone and all three in one padded batch. For BERT the
//! rust-bert `BertModel` (unfused ops) is a second oracle over the whole hidden-state tensor.
//!
//! These tests need the base encoders (scripts/setup.sh) and `../shared`; without them they print why and pass.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use stancemap::model::{load_encoder, BaseEncoder, LoadedEncoder, TokenBatch};
use tch::{Device, Kind, Tensor};

const TOLERANCE: f64 = 1e-4;

#[derive(Deserialize)]
struct ReferenceSentence {
    text: String,
    input_ids: Vec<i64>,
    last_hidden_state_first_token_first_8: Vec<f64>,
    last_hidden_state_last_token_first_8: Vec<f64>,
    mean_pooled_first_16: Vec<f64>,
    mean_pooled_l2norm: f64,
}

#[derive(Deserialize)]
struct ReferenceEncoder {
    sentences: Vec<ReferenceSentence>,
}

fn reference_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/encoder_parity.json")
}

/// The encoder and its reference values, or None (with the reason printed) when either is not installed.
fn setup(base: BaseEncoder) -> Option<(LoadedEncoder, ReferenceEncoder)> {
    let path = reference_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    };
    if !base.default_dir().join("model.safetensors").is_file() {
        eprintln!("skipped: {} is absent; run scripts/setup.sh", base.default_dir().display());
        return None;
    }
    let mut all: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    let reference: ReferenceEncoder = serde_json::from_value(all.remove(base.folder()).unwrap()).unwrap();
    let encoder = load_encoder(&base.default_dir(), Device::Cpu).unwrap();
    Some((encoder, reference))
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= TOLERANCE, "{what}[{i}]: got {g}, Python has {w}");
    }
}

fn values(t: &Tensor) -> Vec<f64> {
    Vec::<f64>::try_from(t.to_kind(Kind::Double).flatten(0, -1)).unwrap()
}

/// Checks one sentence's hidden states `[seq, hidden]` (padding already cut off) against the reference.
fn check_hidden(what: &str, hidden: &Tensor, sentence: &ReferenceSentence) {
    let seq = hidden.size()[0];
    assert_eq!(seq as usize, sentence.input_ids.len(), "{what}: sequence length");
    assert_close(
        &format!("{what} first token"),
        &values(&hidden.get(0).narrow(0, 0, 8)),
        &sentence.last_hidden_state_first_token_first_8,
    );
    assert_close(
        &format!("{what} last token"),
        &values(&hidden.get(seq - 1).narrow(0, 0, 8)),
        &sentence.last_hidden_state_last_token_first_8,
    );
    let pooled = hidden.mean_dim(0, false, Kind::Float);
    assert_close(&format!("{what} mean pooled"), &values(&pooled.narrow(0, 0, 16)), &sentence.mean_pooled_first_16);
    assert_close(
        &format!("{what} mean pooled norm"),
        &[pooled.norm().double_value(&[])],
        &[sentence.mean_pooled_l2norm],
    );
}

fn check_encoder_matches_python(base: BaseEncoder) {
    let Some((loaded, reference)) = setup(base) else { return };
    let _no_grad = tch::no_grad_guard();
    let mut token_ids = Vec::new();
    for sentence in &reference.sentences {
        let tokens = loaded.tokenizer.encode(&sentence.text).unwrap();
        assert_eq!(tokens.ids, sentence.input_ids, "{}: token ids of {:?}", base.folder(), sentence.text);
        let batch = TokenBatch::pad(&[&tokens.ids], loaded.tokenizer.pad_id(), Device::Cpu);
        let hidden = loaded.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, false);
        check_hidden(&format!("{} alone: {:?}", base.folder(), sentence.text), &hidden.get(0), sentence);
        token_ids.push(tokens.ids);
    }
    // All three in one batch, the shorter ones padded: padding must change nothing.
    let sequences: Vec<&[i64]> = token_ids.iter().map(Vec::as_slice).collect();
    let batch = TokenBatch::pad(&sequences, loaded.tokenizer.pad_id(), Device::Cpu);
    let hidden = loaded.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, false);
    for (i, sentence) in reference.sentences.iter().enumerate() {
        let unpadded = hidden.get(i as i64).narrow(0, 0, batch.lengths[i] as i64);
        check_hidden(&format!("{} batched: {:?}", base.folder(), sentence.text), &unpadded, sentence);
    }
}

#[test]
fn minilm_matches_python_transformers_needs_base_encoders() {
    check_encoder_matches_python(BaseEncoder::MiniLm);
}

#[test]
fn mpnet_matches_python_transformers_needs_base_encoders() {
    check_encoder_matches_python(BaseEncoder::Mpnet);
}

#[test]
fn minilm_matches_the_rust_bert_oracle_needs_base_encoders() {
    use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
    use rust_bert::Config;

    let Some((loaded, reference)) = setup(BaseEncoder::MiniLm) else { return };
    let _no_grad = tch::no_grad_guard();
    let dir = BaseEncoder::MiniLm.default_dir();
    let mut vars = tch::nn::VarStore::new(Device::Cpu);
    let config = BertConfig::from_file(dir.join("config.json"));
    let oracle = BertModel::<BertEmbeddings>::new(vars.root(), &config);
    vars.load(dir.join("model.safetensors")).unwrap();

    let ids: Vec<Vec<i64>> =
        reference.sentences.iter().map(|s| loaded.tokenizer.encode(&s.text).unwrap().ids).collect();
    let sequences: Vec<&[i64]> = ids.iter().map(Vec::as_slice).collect();
    let batch = TokenBatch::pad(&sequences, loaded.tokenizer.pad_id(), Device::Cpu);
    let ours = loaded.encoder.forward_t(&batch.input_ids, &batch.attention_mask, None, false);
    let theirs = oracle
        .forward_t(Some(&batch.input_ids), Some(&batch.attention_mask), None, None, None, None, None, false)
        .unwrap()
        .hidden_state;
    for (i, sentence) in reference.sentences.iter().enumerate() {
        let length = batch.lengths[i] as i64;
        let oracle_hidden = theirs.get(i as i64).narrow(0, 0, length);
        check_hidden(&format!("rust-bert: {:?}", sentence.text), &oracle_hidden, sentence);
        let difference = (ours.get(i as i64).narrow(0, 0, length) - &oracle_hidden).abs().max().double_value(&[]);
        assert!(difference <= TOLERANCE, "fused and rust-bert differ by {difference} on {:?}", sentence.text);
    }
}

#[test]
fn token_offsets_point_into_the_original_text_needs_base_encoders() {
    for base in BaseEncoder::ALL {
        if !base.default_dir().join("tokenizer.json").is_file() {
            eprintln!("skipped: {} is absent; run scripts/setup.sh", base.default_dir().display());
            continue;
        }
        let tokenizer =
            stancemap::model::EncoderTokenizer::from_file(&base.default_dir().join("tokenizer.json")).unwrap();
        let text = "  Zelenskyy met LAVROV in São Paulo; “Kyiv—now” said Ünal.";
        let tokens = tokenizer.encode(text).unwrap();
        let pieces: Vec<&str> = tokens
            .offsets
            .iter()
            .zip(&tokens.special)
            .filter(|(_, special)| !**special)
            .map(|(span, _)| span.slice(text))
            .collect();
        assert!(pieces.contains(&"São"), "{}: {pieces:?}", base.folder());
        assert!(pieces.contains(&"“"), "{}: {pieces:?}", base.folder());
        assert_eq!(tokens.offsets[1].start, 2, "{}: the first token starts after the leading spaces", base.folder());
        assert!(pieces.iter().all(|p| !p.trim().is_empty()), "{}: {pieces:?}", base.folder());
        // No padding or truncation at 128: a long text keeps every token.
        let long = "word ".repeat(300);
        assert_eq!(tokenizer.encode(&long).unwrap().len(), 302, "{}", base.folder());
    }
}
