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
        let mut shapes = vec![WordShape::Special.id(); tokens.len()];
        let mut first_tokens = vec![None; words.len()];
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
                shapes[index] = WordShape::of(words[word].slice(text)).id();
                if first_tokens[word].is_none() {
                    first_tokens[word] = Some(index);
                }
            }
        }
        EntityInput { tokens, shapes, first_tokens, words }
    }
}
