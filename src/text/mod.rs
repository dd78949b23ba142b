//! Segmentation of an article's text into paragraphs, sentences and quotations, as byte spans.
//!
//! Stance extraction works sentence by sentence, and who holds a stance depends on whether the words are
//! the reporter's or someone's quoted speech. So the pipeline first cuts each article into paragraphs
//! and sentences and finds its quotations, and marks the sentences that are mostly quoted speech.
//! All spans are byte offsets into the original text, on character boundaries and trimmed of blank
//! space, so `&text[span.range()]` is always valid; nothing is copied or normalised.
//!
//! The rules, each documented in its own file:
//! * `paragraphs.rs`: every non-blank line is a paragraph, unless the line above plainly stops
//!   mid-sentence (hard-wrapped text); blank lines separate paragraphs too.
//! * `sentences.rs`: a sentence ends at `.` `!` `?` `…` (with closing quotes and brackets) before a
//!   word that may open a sentence, unless the full stop belongs to an abbreviation
//!   (`abbreviations.rs`), and always at the end of its paragraph. Sentences never cross paragraphs.
//! * `quotes.rs`: quotations, marks included, may run over several sentences and paragraphs.
//! * A sentence is `in_quote` when most of its letters and digits lie inside quotations: so
//!   `"We will respond," Biden said.` is in a quote (the attribution is the smaller part), while
//!   `Biden said he would answer "firmly".` is not.
//!
//! * `words.rs`: the pipeline's one word split (CoNLL-style words, as the taggers read them), and the lowercase
//!   keys of those words that keyword matching compares.
//!
//! Segmentation never panics, on any input, and runs in time linear in the text's length.

mod abbreviations;
mod marks;
mod paragraphs;
mod quotes;
mod sentences;
pub mod words;

#[cfg(test)]
mod properties;

use crate::span::Span;

/// A paragraph: a line, or lines run together (see `paragraphs.rs`), trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
}

/// A sentence, trimmed, inside paragraph number `paragraph` (an index into [`Segmentation::paragraphs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
    /// Most of the sentence's letters and digits lie inside a quotation.
    pub in_quote: bool,
}

/// A quotation, its quote marks included. It may run over several sentences and paragraphs; one left
/// unclosed ends with its paragraph and so has no closing mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    pub span: Span,
}

/// The paragraphs, sentences and quotations of a text, each in text order and non-overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmentation {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Quote>,
}

impl Segmentation {
    /// The sentences of paragraph number `paragraph`.
    pub fn sentences_of(&self, paragraph: usize) -> &[Sentence] {
        let start = self.sentences.partition_point(|s| s.paragraph < paragraph);
        let end = self.sentences.partition_point(|s| s.paragraph <= paragraph);
        &self.sentences[start..end.max(start)]
    }

    /// The quotations that overlap `span`.
    pub fn quotes_in(&self, span: Span) -> &[Quote] {
        let start = self.quotes.partition_point(|q| q.span.end <= span.start);
        let end = self.quotes.partition_point(|q| q.span.start < span.end);
        &self.quotes[start..end.max(start)]
    }
}

/// Segments `text` into paragraphs, sentences and quotations.
pub fn segment(text: &str) -> Segmentation {
    let paragraphs = paragraphs::find_paragraphs(text);
    let mut sentences = Vec::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        sentences::split_paragraph(text, paragraph.span, index, &mut sentences);
    }
    let quotes = quotes::find_quotes(text, &paragraphs);
    mark_quoted_sentences(text, &mut sentences, &quotes);
    Segmentation { paragraphs, sentences, quotes }
}

/// Sets `in_quote` on each sentence most of whose letters and digits (or, when it has none, of its
/// non-blank characters) lie inside `quotes`. Both lists are in text order.
fn mark_quoted_sentences(text: &str, sentences: &mut [Sentence], quotes: &[Quote]) {
    let mut first_quote = 0;
    for sentence in sentences {
        while first_quote < quotes.len() && quotes[first_quote].span.end <= sentence.span.start {
            first_quote += 1;
        }
        let mut quote = first_quote;
        let (mut words_inside, mut words_total, mut marks_inside, mut marks_total) = (0, 0, 0, 0);
        for (offset, c) in sentence.span.slice(text).char_indices() {
            if marks::is_blank(c) {
                continue;
            }
            let at = sentence.span.start + offset;
            while quote < quotes.len() && quotes[quote].span.end <= at {
                quote += 1;
            }
            let inside = quote < quotes.len() && quotes[quote].span.start <= at;
            if c.is_alphanumeric() {
                words_total += 1;
                words_inside += usize::from(inside);
            } else {
                marks_total += 1;
                marks_inside += usize::from(inside);
            }
        }
        sentence.in_quote =
            if words_total > 0 { words_inside * 2 > words_total } else { marks_inside * 2 > marks_total };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sentence's text and whether it is in a quote.
    fn sentences(text: &str) -> Vec<(&str, bool)> {
        segment(text).sentences.iter().map(|s| (&text[s.span.range()], s.in_quote)).collect()
    }

    /// A wire story written for these tests, with the hard cases of real copy: a headline, a byline and
    /// a dateline on lines of their own, titles, initials, initialisms, months, "No. 10", decimals, a
    /// domain name, curly and straight quotes, a quotation over three paragraphs, and CRLF line ends.
    const SUMMIT_STORY: &str = "Envoys trade warnings as Geneva summit opens\r\n\
By MARTA KOWALCZYK and DAVID O. MENSAH Associated Press\r\n\
GENEVA (AP) —\r\n\
Mr. Novak arrived in Geneva on Jan. 5 for talks with U.S. President Elena Ruiz. The two sides met for 3.5 hours.\r\n\
“We came to listen. We did not come to concede,” Mr. Novak told reporters outside the villa.\r\n\
Gen. Tomás Ortiz, who served under George W. Bush, said the U.S. would not budge. The E.U. watched closely.\r\n\
Aides to Ruiz said the statement would be posted at example.com by 6 p.m. local time.\r\n\
“There is a path here, but it is narrow.\r\n\
“Nobody in São Paulo or Kyiv—or anywhere else—expects a miracle.\r\n\
“Still, we will try,” said Dr. Amara Singh, the mediator.\r\n\
Asked about No. 10 Downing Street, Ruiz said: \"Ask London.\" Then she left.\r\n\
Zelenskyy’s envoy did not attend.\r\n";

    #[test]
    fn summit_story_sentences() {
        assert_eq!(
            sentences(SUMMIT_STORY),
            [
                ("Envoys trade warnings as Geneva summit opens", false),
                ("By MARTA KOWALCZYK and DAVID O. MENSAH Associated Press", false),
                ("GENEVA (AP) —", false),
                ("Mr. Novak arrived in Geneva on Jan. 5 for talks with U.S. President Elena Ruiz.", false),
                ("The two sides met for 3.5 hours.", false),
                ("“We came to listen.", true),
                ("We did not come to concede,” Mr. Novak told reporters outside the villa.", false),
                ("Gen. Tomás Ortiz, who served under George W. Bush, said the U.S. would not budge.", false),
                ("The E.U. watched closely.", false),
                ("Aides to Ruiz said the statement would be posted at example.com by 6 p.m. local time.", false),
                ("“There is a path here, but it is narrow.", true),
                ("“Nobody in São Paulo or Kyiv—or anywhere else—expects a miracle.", true),
                ("“Still, we will try,” said Dr. Amara Singh, the mediator.", false),
                ("Asked about No. 10 Downing Street, Ruiz said: \"Ask London.\"", false),
                ("Then she left.", false),
                ("Zelenskyy’s envoy did not attend.", false),
            ]
        );
    }

    #[test]
    fn summit_story_paragraphs_and_quotes() {
        let segmentation = segment(SUMMIT_STORY);
        assert_eq!(segmentation.paragraphs.len(), 12);
        let paragraph_of: Vec<usize> = segmentation.sentences.iter().map(|s| s.paragraph).collect();
        assert_eq!(paragraph_of, [0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 10, 11]);
        let quotes: Vec<&str> = segmentation.quotes.iter().map(|q| &SUMMIT_STORY[q.span.range()]).collect();
        assert_eq!(
            quotes,
            [
                "“We came to listen. We did not come to concede,”",
                "“There is a path here, but it is narrow.\r\n\
“Nobody in São Paulo or Kyiv—or anywhere else—expects a miracle.\r\n\
“Still, we will try,”",
                "\"Ask London.\"",
            ]
        );
    }

    #[test]
    fn lookups_by_paragraph_and_span() {
        let segmentation = segment(SUMMIT_STORY);
        let texts =
            |sentences: &[Sentence]| -> Vec<&str> { sentences.iter().map(|s| s.span.slice(SUMMIT_STORY)).collect() };
        assert_eq!(
            texts(segmentation.sentences_of(4)),
            ["“We came to listen.", "We did not come to concede,” Mr. Novak told reporters outside the villa."]
        );
        assert!(segmentation.sentences_of(99).is_empty());
        let seventh = segmentation.sentences[6];
        let quotes = segmentation.quotes_in(seventh.span);
        assert_eq!(quotes, &segmentation.quotes[..1]);
        assert!(segmentation.quotes_in(segmentation.sentences[0].span).is_empty());
    }

    #[test]
    fn in_quote_follows_the_majority_of_words() {
        assert_eq!(
            sentences("\"We will respond firmly,\" Ruiz said. Ruiz said he would answer \"firmly\". She said: “Yes.”"),
            [
                ("\"We will respond firmly,\" Ruiz said.", true),
                ("Ruiz said he would answer \"firmly\".", false),
                ("She said: “Yes.”", false),
            ]
        );
    }

    #[test]
    fn blank_line_layout_with_a_title() {
        let text = "Ministers back pay rise\n\nThe minister said: \"We have doubled it. \"We will go further,\" she said.\n\nCritics were unmoved.\n";
        assert_eq!(
            sentences(text),
            [
                ("Ministers back pay rise", false),
                ("The minister said: \"We have doubled it.", false),
                ("\"We will go further,\" she said.", true),
                ("Critics were unmoved.", false),
            ]
        );
    }

    #[test]
    fn company_names_emails_and_stray_punctuation() {
        let text = "Shares of Halvorsen Inc. rose. Write to press@example.org. Talks, trade, etc. Later, aides in Washington, D.C. The memo (see p. 4) said “enough.” .. Acme Co. President Ito agreed.";
        assert_eq!(
            sentences(text),
            [
                ("Shares of Halvorsen Inc. rose.", false),
                ("Write to press@example.org.", false),
                ("Talks, trade, etc.", false),
                ("Later, aides in Washington, D.C.", false),
                ("The memo (see p. 4) said “enough.” ..", false),
                ("Acme Co. President Ito agreed.", false),
            ]
        );
    }

    #[test]
    fn hard_wrapped_text_joins_lines_mid_sentence() {
        let text = "The delegations met for
three hours, then
broke for lunch. Mr.
Ortiz left early.
Headline Of The Next Story
It began.";
        let segmentation = segment(text);
        assert_eq!(segmentation.paragraphs.len(), 3);
        assert_eq!(
            sentences(text),
            [
                ("The delegations met for\nthree hours, then\nbroke for lunch.", false),
                ("Mr.\nOrtiz left early.", false),
                ("Headline Of The Next Story", false),
                ("It began.", false),
            ]
        );
    }

    #[test]
    fn empty_and_blank_texts_have_nothing() {
        for text in ["", "   ", "\r\n\r\n", "\u{200B}\u{FEFF}\t"] {
            assert_eq!(segment(text), Segmentation::default());
        }
    }

    /// Twelve paragraphs of a made-up article, repeated five times: sixty paragraphs.
    fn long_article() -> (String, usize) {
        let paragraphs: [(&str, usize); 12] = [
            ("Summit ends without a deal", 1),
            ("By LENA VOSS Associated Press", 1),
            ("GENEVA (AP) — The talks between the two leaders ended on Wednesday. Neither side claimed victory.", 2),
            ("“We had a frank exchange. It was useful,” Mr. Haddad said after the meeting at the U.S. mission.", 2),
            ("The envoys agreed to meet again in Sept. 2022, aides said.", 1),
            ("Ms. Park, a former U.N. official, called the outcome “modest but real.” Others disagreed.", 2),
            ("“Nobody expected a breakthrough.\n“But we expected more than this,” said Prof. J.K. Adeyemi.", 2),
            ("The rouble rose 0.8% against the dollar. Markets shrugged.", 2),
            ("What comes next?", 1),
            ("Officials said the next round could take place in Vienna... or not at all.", 1),
            ("Sen. Ruth Kaplan (D-N.Y.) said: \"We will be watching.\"", 1),
            ("The talks resume on Feb. 2 at 10 a.m. in Geneva.", 1),
        ];
        let mut text = String::new();
        let mut expected = 0;
        for _ in 0..5 {
            for (paragraph, sentences) in paragraphs {
                text.push_str(paragraph);
                text.push('\n');
                expected += sentences;
            }
        }
        (text, expected)
    }

    #[test]
    fn a_sixty_paragraph_article() {
        let (text, expected) = long_article();
        let segmentation = segment(&text);
        assert_eq!(segmentation.paragraphs.len(), 65);
        assert_eq!(segmentation.sentences.len(), expected);
        assert_eq!(segmentation.quotes.len(), 4 * 5);
    }

    #[test]
    fn two_megabytes_segment_as_their_parts_do() {
        // How long it takes is measured by bench/, never asserted here: a test holds on any machine.
        let (text, _) = long_article();
        let copies = 2_000_000 / text.len() + 1;
        let one = segment(&text);
        let big = segment(&text.repeat(copies));
        assert!(big.sentences.len() > 10_000);
        assert_eq!(big.sentences.len(), one.sentences.len() * copies);
        assert_eq!(big.paragraphs.len(), one.paragraphs.len() * copies);
        let last = &big.sentences[big.sentences.len() - 1];
        let offset = text.len() * (copies - 1);
        let expected = &one.sentences[one.sentences.len() - 1].span;
        assert_eq!((last.span.start - offset, last.span.end - offset), (expected.start, expected.end));
    }
}
