//! The one error type of the core: every invalid argument names itself, its value and what is allowed.
use std::fmt;

/// Everything the core can refuse, with a message fit to show a learner.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An argument outside its allowed range, e.g. `k = 0` or `temperature = NaN`.
    InvalidArgument {
        /// The argument's name as callers write it (`k`, `temperature`, `p`, `logits`, ...).
        name: &'static str,
        /// The offending value, formatted.
        value: String,
        /// The allowed range in words, e.g. "an integer >= 1".
        allowed: &'static str,
    },
    /// Text that cannot be trained on (too short, no usable characters, ...).
    Corpus(String),
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
            Error::Corpus(msg) => write!(f, "text cannot be trained on: {msg}"),
            Error::Weights(msg) => write!(f, "weights cannot be loaded: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
