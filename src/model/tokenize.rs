//! Tokenization for the encoders: the publisher's `tokenizer.json` through the Hugging Face `tokenizers` crate.
//!
//! The shipped files pad and truncate every input to 128 tokens; both are switched off here, so an input keeps
//! all its tokens and callers decide how to window long text. Each token keeps its byte span in the original
//! text (the normaliser lowercases and cleans, but offsets still point into the text as given).

use std::path::Path;

use tch::{Device, Kind, Tensor};

use super::error::ModelError;
use crate::span::Span;

pub struct EncoderTokenizer {
    inner: tokenizers::Tokenizer,
    pad_id: i64,
    /// The special tokens around a single text, found once at load (None if the tokenizer adds other than two).
    boundary: Option<(i64, i64)>,
}

/// One text as token ids, special tokens included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizedText {
    pub ids: Vec<i64>,
    /// Byte span of each token in the text; empty spans for special tokens.
    pub offsets: Vec<Span>,
    /// Whether each token is a special token (`[CLS]`, `[SEP]`, `<s>`, `</s>`).
    pub special: Vec<bool>,
}

impl TokenizedText {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

impl EncoderTokenizer {
    pub fn from_file(path: &Path) -> Result<EncoderTokenizer, ModelError> {
        if !path.is_file() {
            return Err(ModelError::Missing { path: path.to_path_buf() });
        }
        let failed = |message: String| ModelError::Tokenizer { path: path.to_path_buf(), message };
        let mut inner = tokenizers::Tokenizer::from_file(path).map_err(|e| failed(e.to_string()))?;
        let pad_id = inner.get_padding().map(|p| p.pad_id as i64);
        inner.with_padding(None);
        inner.with_truncation(None).map_err(|e| failed(e.to_string()))?;
        let pad_id =
            match pad_id.or_else(|| ["[PAD]", "<pad>"].iter().find_map(|t| inner.token_to_id(t)).map(i64::from)) {
                Some(id) => id,
                None => return Err(failed("no padding token ([PAD] or <pad>) in the vocabulary".into())),
            };
        let boundary = match inner.encode("", true).map(|e| e.get_ids().to_vec()) {
            Ok(ids) if ids.len() == 2 => Some((i64::from(ids[0]), i64::from(ids[1]))),
            _ => None,
        };
        Ok(EncoderTokenizer { inner, pad_id, boundary })
    }

    /// The id that fills positions after the end of a shorter input in a batch.
    pub fn pad_id(&self) -> i64 {
        self.pad_id
    }

    /// Tokenizes `text` with the model's special tokens around it.
    pub fn encode(&self, text: &str) -> Result<TokenizedText, ModelError> {
        let encoding = self.inner.encode(text, true).map_err(|e| ModelError::Encode { message: e.to_string() })?;
        Ok(tokenized(&encoding))
    }

    /// Tokenizes a pair of texts as the model's two segments (`[CLS] a [SEP] b [SEP]`, `<s> a </s></s> b </s>`).
    /// The offsets of the second segment's tokens are into `second`.
    pub fn encode_pair(&self, first: &str, second: &str) -> Result<TokenizedText, ModelError> {
        let encoding =
            self.inner.encode((first, second), true).map_err(|e| ModelError::Encode { message: e.to_string() })?;
        Ok(tokenized(&encoding))
    }

    /// Tokenizes `text` without special tokens (for callers that cut it into windows and add them per window).
    pub fn encode_plain(&self, text: &str) -> Result<TokenizedText, ModelError> {
        let encoding = self.inner.encode(text, false).map_err(|e| ModelError::Encode { message: e.to_string() })?;
        Ok(tokenized(&encoding))
    }

    /// The ids that open and close a single text (`[CLS]`/`[SEP]`, `<s>`/`</s>`).
    pub fn boundary_ids(&self) -> Result<(i64, i64), ModelError> {
        self.boundary.ok_or_else(|| ModelError::Encode {
            message: "this tokenizer does not wrap a text in exactly two special tokens".into(),
        })
    }

    /// Tokenizes several texts at once (in parallel where the machine allows).
    pub fn encode_all(&self, texts: &[&str]) -> Result<Vec<TokenizedText>, ModelError> {
        let inputs: Vec<tokenizers::EncodeInput> = texts.iter().map(|t| (*t).into()).collect();
        let encodings =
            self.inner.encode_batch(inputs, true).map_err(|e| ModelError::Encode { message: e.to_string() })?;
        Ok(encodings.iter().map(tokenized).collect())
    }
}

fn tokenized(encoding: &tokenizers::Encoding) -> TokenizedText {
    let special: Vec<bool> = encoding.get_special_tokens_mask().iter().map(|&m| m == 1).collect();
    let offsets = encoding
        .get_offsets()
        .iter()
        .zip(&special)
        .map(|(&(start, end), &is_special)| if is_special { Span::default() } else { Span::new(start, end) })
        .collect();
    TokenizedText { ids: encoding.get_ids().iter().map(|&id| i64::from(id)).collect(), offsets, special }
}

/// Token id sequences padded on the right to the longest, as the encoders take them.
pub struct TokenBatch {
    /// `[batch, seq]` int64.
    pub input_ids: Tensor,
    /// `[batch, seq]` int64, 1 for real tokens, 0 for padding.
    pub attention_mask: Tensor,
    /// The unpadded length of each sequence.
    pub lengths: Vec<usize>,
}

impl TokenBatch {
    pub fn pad(sequences: &[&[i64]], pad_id: i64, device: Device) -> TokenBatch {
        let width = sequences.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(sequences.len() * width);
        let mut mask = Vec::with_capacity(sequences.len() * width);
        for sequence in sequences {
            ids.extend_from_slice(sequence);
            ids.extend(std::iter::repeat_n(pad_id, width - sequence.len()));
            mask.extend(std::iter::repeat_n(1i64, sequence.len()));
            mask.extend(std::iter::repeat_n(0i64, width - sequence.len()));
        }
        let shape = [sequences.len() as i64, width as i64];
        TokenBatch {
            input_ids: Tensor::from_slice(&ids).view(shape).to_device(device),
            attention_mask: Tensor::from_slice(&mask).view(shape).to_kind(Kind::Int64).to_device(device),
            lengths: sequences.iter().map(|s| s.len()).collect(),
        }
    }
}

/// Tokens (padding included) per inference batch. On 2 CPU threads small batches run fastest (their activations
/// stay in cache): the entity pass over BBC politics ran at 6,900 words/s with 512 tokens a batch, 6,500 with
/// 1,024, 5,600 with 2,048, 5,100 with 4,096, and 4,650 with the former 32 windows a batch.
pub const BATCH_TOKENS: usize = 512;

/// The batches in which to run sequences of these `lengths` through a model: sorted by length (little padding),
/// at most `max_items` sequences and, past the first, at most `max_tokens` padded tokens each. Indices into
/// `lengths`.
pub fn inference_batches(lengths: &[usize], max_items: usize, max_tokens: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted: this sequence is the longest of the batch so far, so it sets the padded width.
        if !current.is_empty() && (current.len() >= max_items.max(1) || (current.len() + 1) * lengths[i] > max_tokens) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_batches_sort_by_length_and_keep_to_both_limits() {
        let lengths = [30, 5, 12, 5, 100, 12, 6];
        let batches = inference_batches(&lengths, 3, 40);
        // 5 5 6 | 12 12 (3 x 12 would fit 40, but 3 is the limit… 12 12 30 is 90 tokens) | 30 | 100 (alone, over)
        assert_eq!(batches, vec![vec![1, 3, 6], vec![2, 5], vec![0], vec![4]]);
        let mut all: Vec<usize> = batches.concat();
        all.sort();
        assert_eq!(all, (0..lengths.len()).collect::<Vec<_>>());
        assert_eq!(inference_batches(&[], 3, 40), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn padding_fills_with_the_pad_id_and_masks_it() {
        let batch = TokenBatch::pad(&[&[101, 7, 102], &[101, 102]], 0, Device::Cpu);
        assert_eq!(Vec::<i64>::try_from(batch.input_ids.flatten(0, -1)).unwrap(), vec![101, 7, 102, 101, 102, 0]);
        assert_eq!(Vec::<i64>::try_from(batch.attention_mask.flatten(0, -1)).unwrap(), vec![1, 1, 1, 1, 1, 0]);
        assert_eq!(batch.lengths, vec![3, 2]);
    }
}
