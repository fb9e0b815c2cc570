//! The text loader: cleaning, vocabulary, unknown characters and texts too short to train on.
use dropout_topk::corpus::{self, clean, Corpus, Vocab, MAX_VOCAB};
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
    assert!(Corpus::from_text(corpus::JAPANESE, 33).is_ok());
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
