//! Where a drawn character comes from: the places in a model's training text where the characters
//! before it are followed by it, and how often.
//!
//! The model never looks its training text up; it has only its weights. But a character drawn
//! after a context is often one the text put after the same few characters, and those places,
//! with how often it happened (in the English training text, ` to the ` is followed by `b` 6
//! times in 28), show where the weights learnt it.
use crate::corpus::Corpus;
use crate::error::{Allowed, Error, Result};

/// The longest end of the context looked up, in characters.
pub const MAX_SUFFIX: usize = 16;
/// Characters of the text an example shows before its match (fewer at a line start).
pub const BEFORE_CHARS: usize = 24;
/// Characters of the text an example shows after its match (fewer at a line end).
pub const AFTER_CHARS: usize = 12;

/// The longest end of a context that the training text follows with the drawn character, and
/// some places where it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The end of the context that was matched (empty: the text never follows any end of the
    /// context with this character, and the counts are 0).
    pub suffix: String,
    /// Places in the training text where `suffix` is followed by some character.
    pub context_count: usize,
    /// Places where `suffix` is followed by the drawn character.
    pub followed_count: usize,
    /// Some of those places, spread over the text, in the order they occur.
    pub examples: Vec<Example>,
}

/// One place in the training text where the suffix is followed by the drawn character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Where the suffix starts: an index in characters into the training text.
    pub start: usize,
    /// The text just before, from the start of its line at most.
    pub before: String,
    /// The suffix and the drawn character.
    pub matched: String,
    /// The text just after, to the end of its line at most.
    pub after: String,
}

/// Where `drawn` (one character) follows the end of `context` in `corpus`'s training part.
///
/// The context is cleaned and encoded as a prompt is, so characters outside the vocabulary are
/// left out, as the model leaves them out. The suffix is the longest end of that context, from 1
/// to [`MAX_SUFFIX`] characters, that the training text follows with `drawn` somewhere. Matches
/// are counted at every start, overlapping ones included ("aa" occurs twice in "aaa"), as training
/// sees the text: a window may start at any position. At most `max` examples are returned, at
/// evenly spaced ranks among the matches (the first, the middle and the last for 3), so they
/// show the text's variety rather than one passage.
pub fn find(corpus: &Corpus, context: &str, drawn: &str, max: usize) -> Result<Sources> {
    let mut chars = drawn.chars();
    let (Some(drawn), None) = (chars.next(), chars.next()) else {
        return Err(Error::invalid(
            "drawn",
            format!("{drawn:?}"),
            Allowed::ExactlyOneCharacter,
        ));
    };
    let none = Sources {
        suffix: String::new(),
        context_count: 0,
        followed_count: 0,
        examples: Vec::new(),
    };
    let vocab = &corpus.vocab;
    let text = &corpus.train;
    let Some(target) = vocab.encode(&drawn.to_string()).tokens.first().copied() else {
        return Ok(none);
    };
    let context = vocab.encode(context).tokens;
    let context = &context[context.len().saturating_sub(MAX_SUFFIX)..];
    // 1. At each place the text has `drawn`, how many characters before it agree with the context.
    let agreeing = |at: usize| {
        (1..=context.len().min(at))
            .take_while(|&n| text[at - n] == context[context.len() - n])
            .count()
    };
    let followed: Vec<(usize, usize)> = (0..text.len())
        .filter(|&at| text[at] == target)
        .map(|at| (at, agreeing(at)))
        .collect();
    // 2. The longest agreement is the suffix; the places that reach it are its matches.
    let length = followed.iter().map(|&(_, n)| n).max().unwrap_or(0);
    if length == 0 {
        return Ok(none);
    }
    let suffix = &context[context.len() - length..];
    let starts: Vec<usize> = followed
        .iter()
        .filter(|&&(_, n)| n == length)
        .map(|&(at, _)| at - length)
        .collect();
    // 3. The suffix followed by anything: every start with a character after the suffix.
    let context_count = text
        .windows(length + 1)
        .filter(|w| &w[..length] == suffix)
        .count();
    // 4. Examples at evenly spaced ranks among the matches.
    let picks = max.min(starts.len());
    let examples = (0..picks)
        .map(|i| {
            let rank = if picks == 1 {
                0
            } else {
                i * (starts.len() - 1) / (picks - 1)
            };
            example(corpus, starts[rank], length + 1)
        })
        .collect();
    Ok(Sources {
        suffix: vocab.decode(suffix),
        context_count,
        followed_count: starts.len(),
        examples,
    })
}

/// The example of a match of `len` characters at `start`, with its neighbours up to the line ends.
fn example(corpus: &Corpus, start: usize, len: usize) -> Example {
    let (vocab, text) = (&corpus.vocab, &corpus.train);
    let newline = vocab.encode("\n").tokens.first().copied();
    let is_line_end = |t: &u32| Some(*t) == newline;
    let before = &text[start.saturating_sub(BEFORE_CHARS)..start];
    let before = match before.iter().rposition(is_line_end) {
        Some(i) => &before[i + 1..],
        None => before,
    };
    let end = start + len;
    let after = &text[end..(end + AFTER_CHARS).min(text.len())];
    let after = match after.iter().position(is_line_end) {
        Some(i) => &after[..i],
        None => after,
    };
    Example {
        start,
        before: vocab.decode(before),
        matched: vocab.decode(&text[start..end]),
        after: vocab.decode(after),
    }
}
