//! The text loader: cleaning, vocabulary, unknown characters and texts too short to train on;
//! and where in the training text a drawn character comes from.
use dropout_topk::corpus::{self, clean, Corpus, Vocab, MAX_VOCAB};
use dropout_topk::sources::{self, Example, Sources};
use dropout_topk::Error;

#[test]
fn the_bundled_corpora_are_large_enough_and_split_nine_to_one() {
    assert!(corpus::ENGLISH.len() >= 20_000);
    let c = Corpus::from_text(corpus::ENGLISH, 33).unwrap();
    let total = c.train.len() + c.valid.len();
    assert!((c.valid.len() as f64 / total as f64 - 0.1).abs() < 0.01);
    assert!(
        c.vocab.len() < 80,
        "English stays a small vocabulary: {}",
        c.vocab.len()
    );
    // Every sample text of the own-text view, one per language, trains.
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/www/corpus");
    let mut samples = 0;
    for entry in std::fs::read_dir(folder).expect("www/corpus") {
        let path = entry.expect("a file of www/corpus").path();
        if path.extension().is_none_or(|ext| ext != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a UTF-8 text");
        assert!(text.chars().count() >= 3000, "{}", path.display());
        assert!(Corpus::from_text(&text, 33).is_ok(), "{}", path.display());
        samples += 1;
    }
    assert!(samples >= 2, "{samples} texts in www/corpus");
}

#[test]
fn encoding_leaves_out_unknown_characters_and_names_them() {
    let vocab = Vocab::from_text("abc cab");
    let encoded = vocab.encode("a☃bz c☃");
    assert_eq!(vocab.decode(&encoded.tokens), "ab c");
    assert_eq!(encoded.unknown, vec!['☃', 'z']);
}

#[test]
fn cleaning_normalises_line_ends_and_drops_control_characters() {
    assert_eq!(clean("a\r\nb\rc\td\u{0}e\u{7}"), "a\nb\nc de");
}

#[test]
fn a_text_too_short_or_of_one_character_is_refused() {
    for text in ["", "x", "short text", &"a".repeat(5000)] {
        let err = Corpus::from_text(text, 33).unwrap_err();
        assert!(
            matches!(err, Error::TextTooShort { .. } | Error::OneCharacter),
            "{text:.20}: {err}"
        );
    }
    assert!(Corpus::from_text(&"ab".repeat(200), 33).is_ok());
}

#[test]
fn a_huge_alphabet_keeps_the_most_frequent_characters() {
    let text: String = (0..2000u32)
        .filter_map(|i| char::from_u32(0x4E00 + i % 600))
        .collect::<String>()
        + &"e".repeat(100);
    let vocab = Vocab::from_text(&text);
    assert_eq!(vocab.len(), MAX_VOCAB);
    assert!(vocab.chars().contains(&'e'));
}

/// Four short lines, small enough to count by hand. Line starts: 0, 20, 33 and 40.
const CATS: &str = "a cat sat on a mat.\nthe cat ate.\na cat.\na cab.\n";

/// A corpus whose training part is all of `text` (`Corpus::from_text` keeps a tenth back and
/// wants 200 characters; these fixtures are shorter so their counts can be checked by hand).
fn training_text(text: &str) -> Corpus {
    let vocab = Vocab::from_text(text);
    Corpus {
        train: vocab.encode(text).tokens,
        valid: Vec::new(),
        vocab,
    }
}

fn example(start: usize, before: &str, matched: &str, after: &str) -> Example {
    Example {
        start,
        before: before.into(),
        matched: matched.into(),
        after: after.into(),
    }
}

fn nothing() -> Sources {
    Sources {
        suffix: String::new(),
        context_count: 0,
        followed_count: 0,
        examples: Vec::new(),
    }
}

#[test]
fn sources_take_the_longest_end_of_the_context_the_text_follows_with_the_character() {
    let cats = training_text(CATS);
    // "my cat" then " ": "y cat " never occurs, " cat " does twice (" cat" occurs three times:
    // before " sat", " ate" and "."). Examples stop at line ends and 12 characters after.
    assert_eq!(
        sources::find(&cats, "my cat", " ", 3).unwrap(),
        Sources {
            suffix: " cat".into(),
            context_count: 3,
            followed_count: 2,
            examples: vec![
                example(1, "a", " cat ", "sat on a mat"),
                example(23, "the", " cat ", "ate."),
            ],
        }
    );
    // The same end followed by "." once.
    let dot = sources::find(&cats, "my cat", ".", 3).unwrap();
    assert_eq!((dot.suffix.as_str(), dot.followed_count), (" cat", 1));
    assert_eq!(dot.examples, vec![example(34, "a", " cat.", "")]);
    // "y ca" then "b" never occurs, " ca" then "b" once (" ca" four times).
    let b = sources::find(&cats, "my ca", "b", 3).unwrap();
    assert_eq!(
        (b.suffix.as_str(), b.context_count, b.followed_count),
        (" ca", 4, 1)
    );
    assert_eq!(b.examples, vec![example(41, "a", " cab", ".")]);
}

#[test]
fn sources_read_the_context_as_the_model_does() {
    let cats = training_text(CATS);
    // Characters outside the vocabulary are left out of the context, as from a prompt.
    assert_eq!(
        sources::find(&cats, "the c☃aQt", " ", 3).unwrap(),
        sources::find(&cats, "the cat", " ", 3).unwrap()
    );
    assert_eq!(
        sources::find(&cats, "the c☃aQt", " ", 3).unwrap().suffix,
        "the cat"
    );
    // "\r\n" is cleaned to "\n", and a match may cross a line end (the example keeps it).
    let found = sources::find(&cats, "mat.\r\n", "t", 3).unwrap();
    assert_eq!(found.suffix, "mat.\n");
    assert_eq!(
        found.examples,
        vec![example(15, "a cat sat on a ", "mat.\nt", "he cat ate.")]
    );
    // Only the last 16 characters are looked up, however much of the context matches.
    let long = training_text(&"abcdefghij".repeat(5));
    let found = sources::find(&long, &"abcdefghij".repeat(3), "a", 1).unwrap();
    assert_eq!(found.suffix.chars().count(), sources::MAX_SUFFIX);
}

#[test]
fn a_character_the_text_never_has_after_the_context_has_no_sources() {
    let cats = training_text(CATS);
    // Not in the text at all.
    assert_eq!(sources::find(&cats, "a cat", "z", 3).unwrap(), nothing());
    // In the text, but never after the context's last character ("o" comes only after a space).
    assert_eq!(sources::find(&cats, "a cat", "o", 3).unwrap(), nothing());
    // A context the vocabulary knows nothing of.
    assert_eq!(sources::find(&cats, "☃☃", "a", 3).unwrap(), nothing());
    // The drawn character is one character.
    for drawn in ["", "ab"] {
        let err = sources::find(&cats, "a cat", drawn, 3).unwrap_err();
        assert_eq!(err.code(), "invalid_argument", "{drawn:?}");
    }
}

#[test]
fn sources_spread_their_examples_and_count_overlapping_matches() {
    // "la." 20 times: "l" then "a" at 0, 3, ..., 57. Three examples: the first, the middle (rank
    // 9 of 0..=19) and the last; 24 characters before at most, 12 after.
    let la = training_text(&"la.".repeat(20));
    let found = sources::find(&la, "l", "a", 3).unwrap();
    assert_eq!((found.context_count, found.followed_count), (20, 20));
    assert_eq!(
        found.examples,
        vec![
            example(0, "", "la", ".la.la.la.la"),
            example(27, &"la.".repeat(8), "la", ".la.la.la.la"),
            example(57, &"la.".repeat(8), "la", "."),
        ]
    );
    let starts = |max| -> Vec<usize> {
        let found = sources::find(&la, "l", "a", max).unwrap();
        found.examples.iter().map(|e| e.start).collect()
    };
    assert_eq!(starts(0), Vec::<usize>::new());
    assert_eq!(starts(1), vec![0]);
    assert_eq!(starts(2), vec![0, 57]);
    assert_eq!(starts(100).len(), 20);
    // Every start counts, overlapping ones too: "aa" then "a" twice in "aaaa" (at 0 and 1), where
    // str::matches, which skips past each match, finds "aaa" once.
    let a = training_text("aaaab");
    let found = sources::find(&a, "aa", "a", 3).unwrap();
    assert_eq!((found.suffix.as_str(), found.followed_count), ("aa", 2));
    assert_eq!(
        found.context_count, 3,
        "\"aa\" before \"a\", \"a\" and \"b\""
    );
    assert_eq!("aaaab".matches("aaa").count(), 1);
}

#[test]
fn sources_on_the_english_text_agree_with_plain_string_counts() {
    let english = Corpus::from_text(corpus::ENGLISH, 33).unwrap();
    let train = english.vocab.decode(&english.train);
    // " to the " and " to the b" cannot overlap themselves, so str::matches counts every one.
    let found = sources::find(&english, " to the ", "b", 3).unwrap();
    assert_eq!(found.suffix, " to the ");
    assert_eq!(found.context_count, train.matches(" to the ").count());
    assert_eq!(found.followed_count, train.matches(" to the b").count());
    assert!(found.followed_count >= 3, "{found:?}");
    let chars: Vec<char> = train.chars().collect();
    for e in &found.examples {
        let at: String = chars[e.start..e.start + e.matched.chars().count()]
            .iter()
            .collect();
        assert_eq!(
            (at.as_str(), e.matched.as_str()),
            (" to the b", " to the b")
        );
    }
    // A longer context: its suffix is the longest end followed by "b"; one character more is not.
    let context = "Mara walks to the ";
    let found = sources::find(&english, context, "b", 3).unwrap();
    assert!(context.ends_with(&found.suffix));
    assert!(train.contains(&format!("{}b", found.suffix)));
    let longer: String = context
        .chars()
        .skip(context.chars().count() - found.suffix.chars().count() - 1)
        .collect();
    assert!(!train.contains(&format!("{longer}b")), "{longer:?}");
    // Nothing of the validation tenth counts: only what the model trained on.
    let valid = english.vocab.decode(&english.valid);
    assert!(!train.contains(&valid[..40]));
}
