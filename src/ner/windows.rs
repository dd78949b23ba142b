//! Running the entity model over texts longer than its encoder's window.
//!
//! A text's sub-tokens are cut into overlapping windows of at most `max_len` tokens (the content length: the
//! caller adds the special tokens around each window). Every token then has predictions from one or more
//! windows; it keeps the one from its *owner*, the window where it has the most context on both sides, so each
//! token gets exactly one prediction and tokens near a cut are read from a window where they are not near one.
//!
//! Windows are defined as: the first starts at token 0; each next one starts `stride` tokens after the previous
//! start, so consecutive windows overlap by `max_len - stride` tokens; each is `max_len` long except the last,
//! which is the first window to reach the end and may be shorter. [`word_windows`] does the same but moves every
//! window's start and end to a word start, so no window begins or ends inside a word: then the window that owns a
//! word's first sub-token (the one the model reads the word from) holds the whole word.

use std::ops::Range;

/// Window sizes that cannot cover a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot cut windows of {max_len} tokens moving by {stride}: need 0 < stride <= max_len")]
pub struct WindowError {
    pub max_len: usize,
    pub stride: usize,
}

fn check(max_len: usize, stride: usize) -> Result<(), WindowError> {
    if stride == 0 || stride > max_len {
        return Err(WindowError { max_len, stride });
    }
    Ok(())
}

/// Token windows covering `[0, n_tokens)`, as defined in the module documentation. No tokens, no windows.
pub fn windows(n_tokens: usize, max_len: usize, stride: usize) -> Result<Vec<Range<usize>>, WindowError> {
    check(max_len, stride)?;
    let mut windows = Vec::new();
    let mut start = 0;
    while start < n_tokens {
        let end = (start + max_len).min(n_tokens);
        windows.push(start..end);
        if end == n_tokens {
            break;
        }
        start += stride;
    }
    Ok(windows)
}

/// Windows covering `[0, n_tokens)` whose starts and ends fall on word starts (or the text's end).
///
/// `word_starts` are the token indices where words begin (a first word start other than 0 is treated as if 0
/// were one too). Each window ends at the last word start within `max_len` tokens of its start,
/// and the next window starts at the last word start within `stride` tokens of this start (or the first word
/// start after it, if there is none); a window that would reach no further than the previous one is skipped.
/// A single word longer than `max_len` tokens cannot fit in any window: it is
/// the one case where windows are cut inside a word, at token positions as in [`windows`].
pub fn word_windows(
    word_starts: &[usize],
    n_tokens: usize,
    max_len: usize,
    stride: usize,
) -> Result<Vec<Range<usize>>, WindowError> {
    check(max_len, stride)?;
    // Boundaries where a window may start or end: word starts inside the text, then its end.
    let mut boundaries: Vec<usize> =
        word_starts.iter().copied().filter(|&start| start > 0 && start < n_tokens).chain([n_tokens]).collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    // The last boundary in (after, limit], if any.
    let last_within = |after: usize, limit: usize| {
        let below = boundaries.partition_point(|&boundary| boundary <= limit);
        boundaries[..below].last().copied().filter(|&boundary| boundary > after)
    };
    let mut windows = Vec::new();
    let mut start = 0;
    while start < n_tokens {
        let end = last_within(start, start + max_len).unwrap_or(start + max_len);
        // A window that reaches no further than the previous one adds nothing (a long word follows): skip it.
        if windows.last().is_none_or(|previous: &Range<usize>| end > previous.end) {
            windows.push(start..end);
        }
        if end == n_tokens {
            break;
        }
        start = match last_within(start, start + stride) {
            Some(next) => next,
            None => {
                let first_after = boundaries[boundaries.partition_point(|&boundary| boundary <= start)];
                if first_after <= end {
                    first_after
                } else {
                    start + stride // inside a word longer than a window
                }
            }
        };
    }
    Ok(windows)
}

/// The index of the window that owns `token`: among the windows containing it, the one where it is farthest
/// from a cut (a window edge that is not the text's start or end); ties go to the earlier window. `windows` must
/// be as made by [`windows`] or [`word_windows`] (sorted, covering the text); `None` if no window contains `token`.
pub fn owner(windows: &[Range<usize>], token: usize) -> Option<usize> {
    let text_end = windows.last()?.end;
    let first = windows.partition_point(|window| window.end <= token);
    let mut best: Option<(usize, usize)> = None;
    for (index, window) in windows.iter().enumerate().skip(first) {
        if window.start > token {
            break;
        }
        if !window.contains(&token) {
            continue;
        }
        let before = if window.start == 0 { usize::MAX } else { token - window.start };
        let after = if window.end == text_end { usize::MAX } else { window.end - 1 - token };
        let context = before.min(after);
        if best.is_none_or(|(_, best_context)| context > best_context) {
            best = Some((index, context));
        }
    }
    best.map(|(index, _)| index)
}

/// The owner of every token of the text covered by `windows`, in token order.
pub fn owners(windows: &[Range<usize>]) -> Vec<usize> {
    let n_tokens = windows.last().map_or(0, |window| window.end);
    (0..n_tokens).filter_map(|token| owner(windows, token)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_windows_overlap_by_max_len_minus_stride() {
        assert_eq!(windows(10, 4, 3).unwrap(), [0..4, 3..7, 6..10]);
        assert_eq!(windows(11, 4, 3).unwrap(), [0..4, 3..7, 6..10, 9..11]);
        assert_eq!(windows(3, 4, 3).unwrap(), [Range { start: 0, end: 3 }]);
        assert_eq!(windows(4, 4, 3).unwrap(), [Range { start: 0, end: 4 }]);
        assert_eq!(windows(8, 4, 4).unwrap(), [0..4, 4..8]);
        assert!(windows(0, 4, 3).unwrap().is_empty());
        assert_eq!(windows(10, 4, 0), Err(WindowError { max_len: 4, stride: 0 }));
        assert!(windows(10, 4, 5).is_err());
    }

    #[test]
    fn each_token_is_read_from_the_window_with_most_context() {
        let windows = windows(10, 4, 2).unwrap();
        assert_eq!(windows, [0..4, 2..6, 4..8, 6..10]);
        // Token 0 is at the text's start, not at a cut: window 0 reads it with all the context there is.
        assert_eq!(owners(&windows), [0, 0, 0, 1, 1, 2, 2, 3, 3, 3]);
        assert_eq!(owner(&windows, 10), None);
        assert_eq!(owner(&[], 0), None);
    }

    #[test]
    fn a_name_cut_by_a_window_edge_is_read_from_one_window() {
        // Words start at these tokens; the word at 6..9 ("Zelenskyy" as three sub-tokens) straddles the edge of
        // the plain window 0..8.
        let word_starts = [0, 1, 3, 4, 6, 9, 10, 12, 13, 15];
        let n_tokens = 16;
        assert_eq!(windows(n_tokens, 8, 5).unwrap()[0], 0..8);
        let windows = word_windows(&word_starts, n_tokens, 8, 5).unwrap();
        assert_eq!(windows, [0..6, 4..12, 9..16]);
        let owner_of_word = owner(&windows, 6).unwrap();
        assert!(windows[owner_of_word].contains(&6) && windows[owner_of_word].end >= 9);
        for window in &windows {
            assert!(word_starts.contains(&window.start));
            assert!(window.end == n_tokens || word_starts.contains(&window.end));
        }
    }

    #[test]
    fn a_word_longer_than_a_window_is_cut_and_still_covered() {
        // One 20-token word (a long URL) between two short ones.
        let word_starts = [0, 1, 21];
        let windows = word_windows(&word_starts, 22, 8, 6).unwrap();
        assert_eq!(windows, [0..1, 1..9, 7..15, 13..21, 21..22]);
        assert_eq!(owners(&windows).len(), 22);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn settings() -> impl Strategy<Value = (usize, usize, usize)> {
            (0usize..300, 1usize..40).prop_flat_map(|(n, max_len)| (Just(n), Just(max_len), 1..=max_len))
        }

        fn assert_covering(windows: &[Range<usize>], n_tokens: usize, max_len: usize) -> Result<(), TestCaseError> {
            prop_assert_eq!(windows.is_empty(), n_tokens == 0);
            let mut covered_to = 0;
            for window in windows {
                prop_assert!(window.start < window.end && window.len() <= max_len, "{:?}", window);
                prop_assert!(window.start <= covered_to, "gap before {:?}", window);
                prop_assert!(window.end > covered_to, "{:?} adds nothing", window);
                covered_to = window.end;
            }
            prop_assert_eq!(covered_to, n_tokens);
            let owners = owners(windows);
            prop_assert_eq!(owners.len(), n_tokens);
            for (token, &index) in owners.iter().enumerate() {
                prop_assert!(windows[index].contains(&token));
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn token_windows_cover_every_token_once((n_tokens, max_len, stride) in settings()) {
                let windows = windows(n_tokens, max_len, stride).unwrap();
                assert_covering(&windows, n_tokens, max_len)?;
                for pair in windows.windows(2) {
                    prop_assert_eq!(pair[1].start - pair[0].start, stride);
                }
            }

            #[test]
            fn word_windows_never_cut_a_word_that_fits(
                (n_tokens, max_len, stride) in settings(),
                word_lengths in prop::collection::vec(1usize..6, 1..200),
            ) {
                let mut word_starts = Vec::new();
                let mut position = 0;
                for length in word_lengths {
                    if position >= n_tokens { break; }
                    word_starts.push(position);
                    position += length;
                }
                let windows = word_windows(&word_starts, n_tokens, max_len, stride).unwrap();
                assert_covering(&windows, n_tokens, max_len)?;
                let is_boundary = |token: usize| token == n_tokens || word_starts.binary_search(&token).is_ok();
                let longest_word = word_starts.iter().chain([&n_tokens]).collect::<Vec<_>>()
                    .windows(2).map(|pair| pair[1] - pair[0]).max().unwrap_or(0);
                if longest_word <= max_len {
                    for window in &windows {
                        prop_assert!(is_boundary(window.start) && is_boundary(window.end), "{:?}", window);
                    }
                    // The window owning a word's first token holds the whole word.
                    for (index, &start) in word_starts.iter().enumerate() {
                        let end = word_starts.get(index + 1).copied().unwrap_or(n_tokens);
                        let owner = &windows[owner(&windows, start).unwrap()];
                        prop_assert!(owner.start <= start && end <= owner.end);
                    }
                }
            }
        }
    }
}
