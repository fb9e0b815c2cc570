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
        /// What the argument must be.
        allowed: Allowed,
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

/// What an argument must be. A code and numbers rather than a phrase, so that a page words it in
/// its reader's language (`error.allowed.<code>`); `Display` gives the English phrase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Allowed {
    /// An integer >= `min` (k).
    IntegerAtLeast {
        /// The smallest allowed.
        min: u64,
    },
    /// An integer in [`min`, `max`] (seeds, draw numbers, lengths, token ids).
    IntegerIn {
        /// The smallest allowed.
        min: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A number in the closed range [`min`, `max`] (`top_p`, `dropout_p`).
    Between {
        /// The smallest allowed.
        min: f64,
        /// The largest allowed.
        max: f64,
    },
    /// A number in (`min`, `max`]: above `min`, up to `max` (a learning rate).
    AboveUpTo {
        /// The bound, itself not allowed.
        min: f64,
        /// The largest allowed.
        max: f64,
    },
    /// A finite number > 0 (temperature).
    PositiveNumber,
    /// An array with at least one element (logits).
    NonEmpty,
    /// Finite numbers or -Infinity, which means "never this token" (logits).
    FiniteOrMinusInfinity,
    /// An array with at least one finite number (logits).
    SomeFinite,
    /// As many values (and live flags) as draws (a site's what-if).
    OneValuePerDraw,
    /// One of two names (a sampler, a backend).
    Either {
        /// One name.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// The one backend a build carries.
    OnlyBackend {
        /// Its name.
        name: &'static str,
    },
    /// The sampling settings object, with its fields.
    SettingsObject,
    /// Given: a draw needs it (a seed).
    GivenToDraw,
    /// At least one character the model knows (a prompt).
    KnownCharacter,
    /// Exactly one character.
    ExactlyOneCharacter,
}

impl Allowed {
    /// A stable name for the range, for pages to translate by: its variant's name in snake case
    /// (`IntegerAtLeast` is `integer_at_least`).
    pub fn code(&self) -> String {
        let debug = format!("{self:?}");
        let name = debug
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default();
        let mut code = String::with_capacity(name.len() + 4);
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                code.push('_');
            }
            code.extend(c.to_lowercase());
        }
        code
    }

    /// The numbers and names the range's wording needs, by name.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match *self {
            Allowed::IntegerAtLeast { min } => vec![("min", min.to_string())],
            Allowed::IntegerIn { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Allowed::Between { min, max } | Allowed::AboveUpTo { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Allowed::Either { first, second } => {
                vec![("first", first.to_string()), ("second", second.to_string())]
            }
            Allowed::OnlyBackend { name } => vec![("backend", name.to_string())],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allowed::IntegerAtLeast { min } => write!(f, "an integer >= {min}"),
            Allowed::IntegerIn { min, max } => write!(f, "an integer in [{min}, {max}]"),
            Allowed::Between { min, max } => write!(f, "a number in [{min}, {max}]"),
            Allowed::AboveUpTo { min, max } => write!(f, "a number in ({min}, {max}]"),
            Allowed::PositiveNumber => write!(f, "a finite number > 0"),
            Allowed::NonEmpty => write!(f, "a non-empty array"),
            Allowed::FiniteOrMinusInfinity => write!(f, "finite numbers or -Infinity"),
            Allowed::SomeFinite => write!(f, "an array with at least one finite number"),
            Allowed::OneValuePerDraw => {
                write!(f, "one value per draw (and one live flag per draw)")
            }
            Allowed::Either { first, second } => write!(f, "\"{first}\" or \"{second}\""),
            Allowed::OnlyBackend { name } => {
                write!(f, "\"{name}\" (the one backend in this build)")
            }
            Allowed::SettingsObject => write!(
                f,
                "an object of numbers: k, top_p, temperature, seed, draw (and sampler: \"top_k\" or \"top_p\")"
            ),
            Allowed::GivenToDraw => write!(f, "given to draw"),
            Allowed::KnownCharacter => write!(f, "at least one character the model knows"),
            Allowed::ExactlyOneCharacter => write!(f, "exactly one character"),
        }
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(name: &'static str, value: impl fmt::Display, allowed: Allowed) -> Self {
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

    /// The values a translated message needs, by name (the same names in every language). An
    /// invalid argument gives `allowed` as its range's code, followed by the range's own numbers.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Error::InvalidArgument {
                name,
                value,
                allowed: range,
            } => {
                let mut params = vec![
                    ("name", name.to_string()),
                    ("value", value.clone()),
                    ("allowed", range.code()),
                ];
                params.extend(range.params());
                params
            }
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

/// `p` if it is a number in [0, 1] (NaN is not), else the error that names it `name`: the dropout
/// rate (`dropout_p`) and top-p (`top_p`) share the range and are named apart.
pub fn unit_interval(name: &'static str, p: f32) -> Result<f32> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(Error::invalid(
            name,
            p,
            Allowed::Between { min: 0.0, max: 1.0 },
        ))
    }
}
