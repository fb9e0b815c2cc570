//! The one error type of the core: every refusal names itself with a code and the numbers behind
//! it, so a page can word it in the reader's language; `Display` gives the English.
use std::fmt;

/// Everything the core can refuse, with a message fit to show a learner.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An argument outside its allowed range, e.g. `k = 0` or `temperature = NaN`.
    InvalidArgument {
        /// The argument's name as callers write it (`k`, `temperature`, `top_p`, `dropout_p`, ...).
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// The allowed range in words, e.g. "an integer >= 1".
        allowed: &'static str,
    },
    /// Text with fewer characters (after cleaning) than training and validation need.
    TextTooShort {
        /// Characters the text has.
        chars: usize,
        /// Characters it needs.
        needed: usize,
    },
    /// Text that uses a single distinct character: there is nothing to predict.
    OneCharacter,
    /// Training tokens shorter than one window of `context + 1`.
    WindowTooLong {
        /// Tokens there are.
        chars: usize,
        /// Tokens one window needs.
        needed: usize,
    },
    /// A weights file that cannot be read or does not fit the model.
    Weights(String),
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(name: &'static str, value: impl fmt::Display, allowed: &'static str) -> Self {
        Error::InvalidArgument {
            name,
            value: value.to_string(),
            allowed,
        }
    }

    /// A stable name for the kind of error (snake case), for pages to translate by.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::TextTooShort { .. } => "text_too_short",
            Error::OneCharacter => "one_character",
            Error::WindowTooLong { .. } => "window_too_long",
            Error::Weights(_) => "weights",
        }
    }

    /// The values a translated message needs, by name (the same names in every language).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::InvalidArgument {
                name,
                value,
                allowed,
            } => vec![
                ("name", name.to_string()),
                ("value", value.clone()),
                ("allowed", allowed.to_string()),
            ],
            Error::TextTooShort { chars, needed } | Error::WindowTooLong { chars, needed } => {
                vec![("n", chars.to_string()), ("needed", needed.to_string())]
            }
            Error::OneCharacter => Vec::new(),
            Error::Weights(detail) => vec![("detail", detail.clone())],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument {
                name,
                value,
                allowed,
            } => {
                write!(f, "invalid {name} = {value}: {name} must be {allowed}")
            }
            Error::TextTooShort { chars, needed } => write!(
                f,
                "text cannot be trained on: it has {chars} characters; at least {needed} are needed"
            ),
            Error::OneCharacter => write!(
                f,
                "text cannot be trained on: it uses only one distinct character; at least two are needed"
            ),
            Error::WindowTooLong { chars, needed } => write!(
                f,
                "text cannot be trained on: training needs at least {needed} characters, it has {chars}"
            ),
            Error::Weights(msg) => write!(f, "weights cannot be loaded: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
