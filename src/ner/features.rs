//! From a text and its words to what the entity model takes: token ids, the shape of the word each token
//! belongs to, and the first token of each word (where the model predicts).

use crate::model::{EncoderTokenizer, ModelError, TokenizedText};
use crate::span::Span;

use super::shape::WordShape;

/// One text prepared for the entity model.
#[derive(Debug, Clone)]
pub struct EntityInput {
    pub tokens: TokenizedText,
    /// The shape id of each token (its word's shape; `Special` for special tokens).
    pub shapes: Vec<i64>,
    /// For each word, the index of its first token, or None when the tokenizer produced no token for it
    /// (a word of characters the normaliser drops).
    pub first_tokens: Vec<Option<usize>>,
    /// The words' byte spans in the text.
    pub words: Vec<Span>,
}

impl EntityInput {
    pub fn new(tokenizer: &EncoderTokenizer, text: &str, words: Vec<Span>) -> Result<EntityInput, ModelError> {
        let tokens = tokenizer.encode(text)?;
        Ok(EntityInput::from_tokens(tokens, text, words))
    }

    pub fn from_tokens(tokens: TokenizedText, text: &str, words: Vec<Span>) -> EntityInput {
        let token_words = token_words(&tokens, &words);
        let word_shapes: Vec<i64> = words.iter().map(|w| WordShape::of(w.slice(text)).id()).collect();
        let shapes = token_words.iter().map(|w| w.map_or(WordShape::Special.id(), |w| word_shapes[w])).collect();
        let first_tokens = first_tokens(&token_words, words.len());
        EntityInput { tokens, shapes, first_tokens, words }
    }
}

/// For each token, the word (index into `words`, sorted and not overlapping) it falls in; None for special tokens
/// and tokens outside every word.
pub fn token_words(tokens: &TokenizedText, words: &[Span]) -> Vec<Option<usize>> {
    let mut out = vec![None; tokens.len()];
    let mut word = 0;
    for (index, (span, special)) in tokens.offsets.iter().zip(&tokens.special).enumerate() {
        if *special || span.is_empty() {
            continue;
        }
        while word < words.len() && words[word].end <= span.start {
            word += 1;
        }
        if word == words.len() {
            break;
        }
        if words[word].overlaps(*span) {
            out[index] = Some(word);
        }
    }
    out
}

/// For each of `n_words` words, its first token, from [`token_words`]' answer.
pub fn first_tokens(token_words: &[Option<usize>], n_words: usize) -> Vec<Option<usize>> {
    let mut out = vec![None; n_words];
    for (index, word) in token_words.iter().enumerate() {
        if let Some(word) = *word {
            out[word].get_or_insert(index);
        }
    }
    out
}
