//! Word shape: the capitalisation the uncased encoders throw away.
//!
//! Both base encoders lowercase their input, so "Bush" and "bush", "US" and "us" look the same to them, and
//! capitalisation is the strongest cue for names in news. The entity model adds a learned embedding of each
//! word's shape to the word embeddings of all its sub-tokens (zero at the start of training, so the base model
//! is unchanged until the data says otherwise).

/// The shape classes; the discriminant is the embedding row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordShape {
    /// Special tokens and padding.
    Special = 0,
    /// all lowercase letters: "summit", "iphone".
    Lower = 1,
    /// First letter upper, the others lower: "Putin", "Kyiv", "Mr".
    Capitalized = 2,
    /// Two or more letters, all upper: "NATO", "US", "U.S.".
    Upper = 3,
    /// Upper and lower mixed otherwise: "McDonald", "iPhone", "DeSantis".
    Mixed = 4,
    /// No letters at all: "2021", "—", "15%".
    NoLetters = 5,
}

impl WordShape {
    pub const COUNT: i64 = 6;

    pub fn of(word: &str) -> WordShape {
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let Some(first) = letters.next() else { return WordShape::NoLetters };
        // Case counts over the letters after the first.
        let (mut rest, mut upper, mut lower) = (0usize, 0usize, 0usize);
        for c in letters {
            rest += 1;
            upper += usize::from(c.is_uppercase());
            lower += usize::from(c.is_lowercase());
        }
        match (first.is_uppercase(), upper, lower) {
            (false, 0, _) => WordShape::Lower,
            // A lone capital letter ("W.") reads as a capitalised word, not an acronym.
            (true, 0, 0) if rest == 0 => WordShape::Capitalized,
            (true, _, 0) => WordShape::Upper,
            (true, 0, _) => WordShape::Capitalized,
            _ => WordShape::Mixed,
        }
    }

    pub fn id(self) -> i64 {
        self as i64
    }
}

#[cfg(test)]
mod tests {
    use super::WordShape::*;
    use super::*;

    #[test]
    fn shapes_of_news_words() {
        for (word, shape) in [
            ("summit", Lower),
            ("Putin", Capitalized),
            ("Zelenskyy", Capitalized),
            ("Ünal", Capitalized),
            ("NATO", Upper),
            ("U.S.", Upper),
            ("W.", Capitalized),
            ("McDonald", Mixed),
            ("iPhone", Mixed),
            ("2021", NoLetters),
            ("—", NoLetters),
        ] {
            assert_eq!(WordShape::of(word), shape, "{word}");
        }
    }
}
