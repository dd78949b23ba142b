//! Running the entity model over words and scoring it: the one path used by training's dev checks and by
//! `stancemap eval ner`.

use std::path::Path;

use tch::{Kind, Tensor};

use super::conll::{read_conll, ConllOptions, ConllSentence};
use super::decode::{decode, EntitySpan, WordPrediction};
use super::features::EntityInput;
use super::model::{EntityBatch, EntityModel};
use super::scorer::{entities_from_tags, Scorer, Scores};

/// For each input, the label probabilities of each word (at its first sub-token); a word without tokens gets
/// certainty of `O`.
pub fn word_probabilities(model: &EntityModel, inputs: &[&EntityInput]) -> Vec<Vec<Vec<f32>>> {
    let _guard = tch::no_grad_guard();
    let device = model.head_vars.device();
    let batch = EntityBatch::new(inputs, model.encoder.tokenizer.pad_id(), device);
    let probs = model.logits(&batch, false).softmax(-1, Kind::Float).to_device(tch::Device::Cpu);
    let n_labels = model.labels.len();
    inputs
        .iter()
        .enumerate()
        .map(|(row, input)| {
            let row_probs: Tensor = probs.get(row as i64);
            let flat = Vec::<f32>::try_from(row_probs.flatten(0, -1)).unwrap_or_default();
            input
                .first_tokens
                .iter()
                .map(|first| match first {
                    Some(t) if (t + 1) * n_labels <= flat.len() => flat[t * n_labels..(t + 1) * n_labels].to_vec(),
                    _ => {
                        let mut certain_outside = vec![0.0; n_labels];
                        certain_outside[0] = 1.0;
                        certain_outside
                    }
                })
                .collect()
        })
        .collect()
}

/// Entity spans for each input, decoded from its word probabilities.
pub fn predict(model: &EntityModel, inputs: &[&EntityInput]) -> Vec<Vec<EntitySpan>> {
    word_probabilities(model, inputs)
        .into_iter()
        .zip(inputs)
        .map(|(probs, input)| {
            let words: Vec<WordPrediction> =
                input.words.iter().zip(probs).map(|(span, probs)| WordPrediction { span: *span, probs }).collect();
            decode(&words, &model.label_set)
        })
        .collect()
}

/// Scores the model on CoNLL sentences, in length-sorted batches of `batch_size`.
pub fn evaluate(model: &EntityModel, sentences: &[ConllSentence], batch_size: usize) -> anyhow::Result<Scores> {
    let mut prepared = Vec::with_capacity(sentences.len());
    for sentence in sentences {
        let (text, spans) = sentence.text_and_spans();
        prepared.push(EntityInput::new(&model.encoder.tokenizer, &text, spans)?);
    }
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_by_key(|&i| prepared[i].tokens.len());
    let mut scorer = Scorer::new();
    for chunk in order.chunks(batch_size.max(1)) {
        let inputs: Vec<&EntityInput> = chunk.iter().map(|&i| &prepared[i]).collect();
        for (&i, entities) in chunk.iter().zip(predict(model, &inputs)) {
            let words = &prepared[i].words;
            let predicted: Vec<_> = entities
                .iter()
                .filter_map(|e| {
                    let first = words.iter().position(|w| w.start == e.span.start)?;
                    let last = words.iter().rposition(|w| w.end == e.span.end)?;
                    Some((e.entity_type, first, last + 1))
                })
                .collect();
            scorer.add(&entities_from_tags(&sentences[i].tags), &predicted);
        }
    }
    Ok(scorer.scores())
}

/// `stancemap eval ner`: scores the model in `model_dir` on a CoNLL file.
pub fn evaluate_file(model: &EntityModel, data: &Path, batch_size: usize) -> anyhow::Result<Scores> {
    let sentences = read_conll(data, &ConllOptions::default())?;
    evaluate(model, &sentences, batch_size)
}
