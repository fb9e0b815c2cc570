//! The core's errors name their argument apart from every other (`top_p` is not `dropout_p`) and
//! say what it must be as a code with numbers, which a page words in its reader's language
//! (www/locales, `error.allowed.<code>`); `Display` keeps the English sentence.
use dropout_topk::backend::Backend;
use dropout_topk::error::Allowed;
use dropout_topk::sampling::{self, Settings};
use dropout_topk::{dropout, Error};

/// One range of every kind, with the English the core gives for it.
fn every_range() -> Vec<(Allowed, &'static str)> {
    // A new kind of range fails to compile here until it is listed (and worded in the locales).
    let listed = |allowed: Allowed| match allowed {
        Allowed::IntegerAtLeast { .. }
        | Allowed::IntegerIn { .. }
        | Allowed::Between { .. }
        | Allowed::AboveUpTo { .. }
        | Allowed::PositiveNumber
        | Allowed::NonEmpty
        | Allowed::FiniteOrMinusInfinity
        | Allowed::SomeFinite
        | Allowed::OneValuePerDraw
        | Allowed::Either { .. }
        | Allowed::OnlyBackend { .. }
        | Allowed::SettingsObject
        | Allowed::GivenToDraw
        | Allowed::KnownCharacter
        | Allowed::ExactlyOneCharacter => allowed,
    };
    [
        (Allowed::IntegerAtLeast { min: 1 }, "an integer >= 1"),
        (
            Allowed::IntegerIn {
                min: 0,
                max: 4294967295,
            },
            "an integer in [0, 4294967295]",
        ),
        (
            Allowed::Between { min: 0.0, max: 1.0 },
            "a number in [0, 1]",
        ),
        (
            Allowed::AboveUpTo { min: 0.0, max: 1.0 },
            "a number in (0, 1]",
        ),
        (Allowed::PositiveNumber, "a finite number > 0"),
        (Allowed::NonEmpty, "a non-empty array"),
        (Allowed::FiniteOrMinusInfinity, "finite numbers or -Infinity"),
        (Allowed::SomeFinite, "an array with at least one finite number"),
        (
            Allowed::OneValuePerDraw,
            "one value per draw (and one live flag per draw)",
        ),
        (
            Allowed::Either {
                first: "top_k",
                second: "top_p",
            },
            "\"top_k\" or \"top_p\"",
        ),
        (
            Allowed::OnlyBackend { name: "flex" },
            "\"flex\" (the one backend in this build)",
        ),
        (
            Allowed::SettingsObject,
            "an object of numbers: k, top_p, temperature, seed, draw (and sampler: \"top_k\" or \"top_p\")",
        ),
        (Allowed::GivenToDraw, "given to draw"),
        (
            Allowed::KnownCharacter,
            "at least one character the model knows",
        ),
        (Allowed::ExactlyOneCharacter, "exactly one character"),
    ]
    .into_iter()
    .map(|(allowed, english)| (listed(allowed), english))
    .collect()
}

/// The `error.allowed.*` texts of a locale file, by code.
fn allowed_texts(locale: &str) -> Vec<(String, String)> {
    locale
        .lines()
        .filter_map(|line| line.trim().strip_prefix("'error.allowed."))
        .map(|rest| {
            let (code, text) = rest.split_once("': '").expect("'key': 'text'");
            (
                code.to_string(),
                text.trim_end_matches(',')
                    .trim_end_matches('\'')
                    .to_string(),
            )
        })
        .collect()
}

/// `template` with `{name}` placeholders filled from `params`.
fn fill(template: &str, params: &[(&str, String)]) -> String {
    params
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

#[test]
fn top_p_and_the_dropout_rate_are_named_apart() {
    let top_p = sampling::check_top_p(1.5).unwrap_err();
    let dropout_p = dropout::check_p(1.5).unwrap_err();
    assert_eq!(
        top_p.to_string(),
        "invalid top_p = 1.5: top_p must be a number in [0, 1]"
    );
    assert_eq!(
        dropout_p.to_string(),
        "invalid dropout_p = 1.5: dropout_p must be a number in [0, 1]"
    );
    let settings = Settings {
        top_p: Some(-0.5),
        ..Settings::default()
    };
    let err = sampling::distribution(&[0.0, 1.0], &settings).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { name: "top_p", .. }));
    for err in [
        dropout::mask(4, f32::NAN, 0).unwrap_err(),
        dropout::threshold(&[0.5], &[1.0], 2.0, None).unwrap_err(),
    ] {
        assert!(matches!(
            err,
            Error::InvalidArgument {
                name: "dropout_p",
                ..
            }
        ));
    }
}

#[test]
fn an_invalid_argument_carries_its_range_as_a_code_and_numbers() {
    let err = sampling::check_top_k(0.0).unwrap_err();
    assert_eq!(err.to_string(), "invalid k = 0: k must be an integer >= 1");
    assert_eq!(err.code(), "invalid_argument");
    let params = err.params();
    let param = |name| {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(param("name"), Some("k"));
    assert_eq!(param("value"), Some("0"));
    assert_eq!(param("allowed"), Some("integer_at_least"));
    assert_eq!(param("min"), Some("1"));
    let backend = Backend::parse("gpu").unwrap_err();
    assert!(matches!(
        backend,
        Error::InvalidArgument {
            allowed: Allowed::Either { .. },
            ..
        }
    ));
    assert_eq!(
        backend.to_string(),
        "invalid backend = \"gpu\": backend must be \"ndarray\" or \"flex\""
    );
}

/// Every dictionary in www/locales (a language is its file there), by file name, with its text.
fn dictionaries() -> Vec<(String, String)> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/www/locales");
    let mut found: Vec<(String, String)> = std::fs::read_dir(folder)
        .expect("www/locales")
        .map(|entry| entry.expect("a file of www/locales").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("a dictionary"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_range_is_worded_in_every_language_and_in_english_as_the_core_words_it() {
    let english = allowed_texts(include_str!("../www/locales/en.js"));
    let others: Vec<(String, Vec<(String, String)>)> = dictionaries()
        .into_iter()
        .filter(|(name, _)| name != "en.js")
        .map(|(name, text)| (name, allowed_texts(&text)))
        .collect();
    assert!(!others.is_empty(), "no dictionary besides en.js");
    for (allowed, want) in every_range() {
        assert_eq!(allowed.to_string(), want);
        let params = allowed.params();
        let text_of = |name: &str, texts: &[(String, String)]| {
            texts
                .iter()
                .find(|(code, _)| *code == allowed.code())
                .map(|(_, text)| fill(text, &params))
                .unwrap_or_else(|| panic!("{name}: no error.allowed.{}", allowed.code()))
        };
        assert_eq!(
            text_of("en.js", &english),
            want,
            "en.js, {}",
            allowed.code()
        );
        for (name, texts) in &others {
            let text = text_of(name, texts);
            assert!(!text.contains('{'), "{name}, {}: {text}", allowed.code());
        }
    }
}
