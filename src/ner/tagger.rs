//! Finding the entities in an article: paragraphs are cut into CoNLL-style words and sub-tokens; a paragraph
//! longer than the window runs in overlapping windows whose edges fall between words; each word is read from
//! the window where it has the most context; the word predictions are decoded into entity spans.
//!
//! Windows of many paragraphs (and many articles, if the caller passes them together) share batches, sorted by
//! length so that little padding is computed.

use crate::model::{inference_batches, TokenizedText, BATCH_TOKENS};
use crate::span::Span;

use super::decode::{decode, EntitySpan, WordPrediction};
use super::evaluate::word_probabilities;
use super::features::{first_tokens, token_words, EntityInput};
use super::model::EntityModel;
use super::windows::{owner, word_windows};
use crate::text::words::words;

/// Content tokens per window (special tokens come on top).
pub const WINDOW_TOKENS: usize = 256;
/// How far each next window starts after the previous one; windows overlap by the rest.
pub const WINDOW_STRIDE: usize = 192;

/// One paragraph (or other unit of text) being tagged.
struct Unit {
    /// Which of the documents it belongs to.
    document: usize,
    /// Where the unit lies in the article text.
    span: Span,
    /// The unit's words, relative to the unit.
    words: Vec<Span>,
    /// Each word's first sub-token, relative to the unit's tokens.
    first_tokens: Vec<Option<usize>>,
    windows: Vec<std::ops::Range<usize>>,
    /// Index of the unit's first window in the batch of all windows.
    first_window: usize,
}

/// The entities in `text`, reading each of `units` (paragraph spans, in order, not overlapping) on its own.
pub fn find_entities(
    model: &EntityModel,
    text: &str,
    units: &[Span],
    batch_size: usize,
) -> anyhow::Result<Vec<EntitySpan>> {
    Ok(find_entities_in(model, &[Document { text, units }], batch_size)?.pop().unwrap_or_default())
}

/// A text and the units of it to read, for [`find_entities_in`].
pub struct Document<'t> {
    pub text: &'t str,
    /// Paragraph spans, in order, not overlapping.
    pub units: &'t [Span],
}

/// The entities of each document; the windows of all of them share length-sorted batches (several articles
/// at once fill batches with windows of similar length, so little padding is computed).
pub fn find_entities_in(
    model: &EntityModel,
    documents: &[Document],
    batch_size: usize,
) -> anyhow::Result<Vec<Vec<EntitySpan>>> {
    let tokenizer = &model.encoder.tokenizer;
    let (open, close) = tokenizer.boundary_ids()?;
    let window_tokens = WINDOW_TOKENS.min(model.encoder.encoder.max_tokens().saturating_sub(2)).max(8);
    let stride = WINDOW_STRIDE.min(window_tokens);
    let mut prepared: Vec<Unit> = Vec::new();
    let mut inputs: Vec<EntityInput> = Vec::new();
    for (document, &span) in documents.iter().enumerate().flat_map(|(d, doc)| doc.units.iter().map(move |u| (d, u))) {
        let unit_text = span.slice(documents[document].text);
        let unit_words = words(unit_text);
        if unit_words.is_empty() {
            continue;
        }
        let tokens = tokenizer.encode_plain(unit_text)?;
        let first_tokens = first_tokens(&token_words(&tokens, &unit_words), unit_words.len());
        let starts: Vec<usize> = first_tokens.iter().flatten().copied().collect();
        let windows = word_windows(&starts, tokens.len(), window_tokens, stride)?;
        let first_window = inputs.len();
        for window in &windows {
            let mut ids = vec![open];
            ids.extend_from_slice(&tokens.ids[window.clone()]);
            ids.push(close);
            let mut offsets = vec![Span::default()];
            offsets.extend_from_slice(&tokens.offsets[window.clone()]);
            offsets.push(Span::default());
            let mut special = vec![true];
            special.extend(std::iter::repeat_n(false, window.len()));
            special.push(true);
            let window_tokens = TokenizedText { ids, offsets, special };
            let window_words: Vec<Span> = unit_words
                .iter()
                .zip(&first_tokens)
                .filter(|(_, first)| first.is_some_and(|t| window.contains(&t)))
                .map(|(w, _)| *w)
                .collect();
            inputs.push(EntityInput::from_tokens(window_tokens, unit_text, window_words));
        }
        prepared.push(Unit { document, span, words: unit_words, first_tokens, windows, first_window });
    }

    // Predict all windows, in length-sorted batches.
    let lengths: Vec<usize> = inputs.iter().map(|input| input.tokens.len()).collect();
    let mut window_probs: Vec<Vec<Vec<f32>>> = vec![Vec::new(); inputs.len()];
    for chunk in &inference_batches(&lengths, batch_size, BATCH_TOKENS) {
        let batch: Vec<&EntityInput> = chunk.iter().map(|&i| &inputs[i]).collect();
        for (&i, probs) in chunk.iter().zip(word_probabilities(model, &batch)) {
            window_probs[i] = probs;
        }
    }

    let mut entities: Vec<Vec<EntitySpan>> = documents.iter().map(|_| Vec::new()).collect();
    for unit in &prepared {
        let mut predictions = Vec::with_capacity(unit.words.len());
        for (word, first) in unit.words.iter().zip(&unit.first_tokens) {
            let Some(first) = *first else { continue };
            let Some(local) = owner(&unit.windows, first) else { continue };
            let window = unit.first_window + local;
            // The word's place among the words of its owning window (in text order, so a binary search).
            let position = inputs[window].words.binary_search_by_key(&word.start, |w| w.start).ok();
            if let Some(probs) = position.and_then(|p| window_probs[window].get(p)) {
                predictions.push(WordPrediction { span: *word, probs: probs.clone() });
            }
        }
        for entity in decode(&predictions, &model.label_set) {
            let span = Span::new(entity.span.start + unit.span.start, entity.span.end + unit.span.start);
            entities[unit.document].push(EntitySpan { span, ..entity });
        }
    }
    Ok(entities)
}
