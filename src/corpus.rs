//! Text to tokens: the character vocabulary, encoding, and the training / validation split.
//!
//! The same loader serves the bundled corpus and any text a learner pastes. Rules, in order:
//! line endings become `\n`, tabs become spaces, other control characters are removed; the
//! vocabulary is the set of remaining characters (the most frequent [`MAX_VOCAB`] if there are
//! more), sorted by code point; characters outside the vocabulary are left out of an encoding and
//! counted, so a prompt with unseen characters still works and the page can say what was skipped.
use std::collections::HashMap;

use crate::error::{Error, Result};

/// The bundled English corpus (written for this project).
pub const ENGLISH: &str = include_str!("../www/corpus/en.txt");

/// The largest vocabulary a text may build; rarer characters are left out.
pub const MAX_VOCAB: usize = 256;
/// The shortest text, in characters after cleaning, that can be split and trained on.
pub const MIN_CHARS: usize = 200;
/// The share of a corpus used for validation: its last tenth.
pub const VALID_FRACTION: f64 = 0.1;

/// Normalises line endings and removes control characters other than `\n`.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            '\t' => ' ',
            c => c,
        })
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

/// A character vocabulary: token ids are indices into `chars`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocab {
    chars: Vec<char>,
    index: HashMap<char, u32>,
}

/// The result of encoding text: the tokens, and the characters left out because the vocabulary
/// does not have them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Token ids.
    pub tokens: Vec<u32>,
    /// Characters left out, in order of appearance (each once).
    pub unknown: Vec<char>,
}

impl Vocab {
    /// The vocabulary of a cleaned text: its characters, the most frequent [`MAX_VOCAB`] at most.
    pub fn from_text(text: &str) -> Self {
        let mut counts: HashMap<char, usize> = HashMap::new();
        for c in text.chars() {
            *counts.entry(c).or_default() += 1;
        }
        let mut by_count: Vec<(char, usize)> = counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_count.truncate(MAX_VOCAB);
        let mut chars: Vec<char> = by_count.into_iter().map(|(c, _)| c).collect();
        chars.sort_unstable();
        Self::from_chars(chars)
    }

    /// A vocabulary of exactly these characters, in this order.
    pub fn from_chars(chars: Vec<char>) -> Self {
        let index = chars
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();
        Vocab { chars, index }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The characters, in token-id order.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The character of a token id.
    pub fn char_of(&self, token: u32) -> Option<char> {
        self.chars.get(token as usize).copied()
    }

    /// Encodes text (cleaned first), leaving out characters outside the vocabulary.
    pub fn encode(&self, text: &str) -> Encoded {
        let mut tokens = Vec::with_capacity(text.len());
        let mut unknown = Vec::new();
        for c in clean(text).chars() {
            match self.index.get(&c) {
                Some(&t) => tokens.push(t),
                None if !unknown.contains(&c) => unknown.push(c),
                None => {}
            }
        }
        Encoded { tokens, unknown }
    }

    /// Decodes token ids to text; ids outside the vocabulary are skipped.
    pub fn decode(&self, tokens: &[u32]) -> String {
        tokens.iter().filter_map(|&t| self.char_of(t)).collect()
    }
}

/// A text ready to train on: its vocabulary and its tokens split into training and validation.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The character vocabulary.
    pub vocab: Vocab,
    /// The first nine tenths.
    pub train: Vec<u32>,
    /// The last tenth.
    pub valid: Vec<u32>,
}

/// The fewest characters a text needs (after cleaning) when a batch reads `min_window` of them:
/// [`MIN_CHARS`], or more when the validation tenth must still hold one window.
pub fn min_chars(min_window: usize) -> usize {
    MIN_CHARS.max(((min_window as f64) / VALID_FRACTION).ceil() as usize)
}

impl Corpus {
    /// Builds the vocabulary and the split; `min_window` is the longest run a batch reads
    /// (context + 1), so that both parts hold at least one window.
    pub fn from_text(text: &str, min_window: usize) -> Result<Self> {
        let text = clean(text);
        let chars = text.chars().count();
        let needed = min_chars(min_window);
        if chars < needed {
            return Err(Error::TextTooShort { chars, needed });
        }
        let vocab = Vocab::from_text(&text);
        if vocab.len() < 2 {
            return Err(Error::OneCharacter);
        }
        let tokens = vocab.encode(&text).tokens;
        let split = ((tokens.len() as f64) * (1.0 - VALID_FRACTION)).round() as usize;
        let valid = tokens[split..].to_vec();
        let train = tokens[..split].to_vec();
        Ok(Corpus {
            vocab,
            train,
            valid,
        })
    }
}
