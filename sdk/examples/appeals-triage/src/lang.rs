//! Language detection for appeals: Spanish, Russian or Kazakh, from the
//! script and, within Cyrillic, Kazakh letters and function words.

/// A language the agent understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Spanish.
    Es,
    /// Russian.
    Ru,
    /// Kazakh (Cyrillic script).
    Kk,
}

impl Language {
    /// The ISO 639-1 code: `es`, `ru` or `kk`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::Ru => "ru",
            Language::Kk => "kk",
        }
    }

    /// Parses an ISO 639-1 code (any case); `None` for other languages.
    pub fn from_code(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" | "spa" => Some(Language::Es),
            "ru" | "rus" => Some(Language::Ru),
            "kk" | "kaz" => Some(Language::Kk),
            _ => None,
        }
    }
}

/// Letters of the Kazakh Cyrillic alphabet that Russian lacks.
const KAZAKH_LETTERS: &[char] = &['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];

/// Frequent Kazakh function words and verb forms, already folded (see
/// `normalize`), so they still count when the letters above were typed
/// on a Russian keyboard.
const KAZAKH_WORDS: &[&str] = &[
    "жане",
    "мен",
    "бар",
    "жок",
    "ушин",
    "бул",
    "биз",
    "сиз",
    "бойынша",
    "туралы",
    "емес",
    "бери",
    "деин",
    "сураимын",
    "сураимыз",
    "отинишимди",
    "шагым",
    "кошесинде",
    "кошесиндеги",
    "каласында",
    "жатыр",
    "тур",
    "оте",
    "бир",
    "рахмет",
    "салеметсиз",
    "кунен",
    "жылдан",
    "мумкин",
];

/// Frequent Russian function words, folded.
const RUSSIAN_WORDS: &[&str] = &[
    "и",
    "в",
    "не",
    "на",
    "что",
    "с",
    "по",
    "я",
    "у",
    "мы",
    "уже",
    "это",
    "как",
    "для",
    "нас",
    "прошу",
    "просим",
    "из",
    "от",
    "до",
    "во",
    "при",
    "очень",
    "нет",
    "где",
    "дома",
    "дом",
    "меня",
    "мне",
    "здравствуите",
    "спасибо",
    "уважением",
    "работает",
];

/// Kazakh word endings (folded) that Russian words rarely have.
const KAZAKH_ENDINGS: &[&str] = &[
    "имын",
    "имыз",
    "ндеги",
    "ндагы",
    "сында",
    "синде",
    "лары",
    "лери",
    "дары",
    "дери",
];

/// Detects the language of `text`: Spanish for Latin script, and for
/// Cyrillic, Kazakh when Kazakh letters or words outweigh Russian words.
pub fn detect(text: &str) -> Language {
    let mut latin = 0usize;
    let mut cyrillic = 0usize;
    let mut kazakh_letters = 0usize;
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphabetic() || matches!(ch, 'á' | 'é' | 'í' | 'ó' | 'ú' | 'ñ' | 'ü')
        {
            latin += 1;
        } else if matches!(ch, '\u{0400}'..='\u{04FF}') {
            cyrillic += 1;
            if KAZAKH_LETTERS.contains(&ch) {
                kazakh_letters += 1;
            }
        }
    }
    if latin > cyrillic {
        return Language::Es;
    }
    let words = crate::normalize::words(text);
    let kazakh_words = words
        .iter()
        .filter(|word| {
            KAZAKH_WORDS.contains(&word.as_str())
                || KAZAKH_ENDINGS
                    .iter()
                    .any(|ending| word.chars().count() > 5 && word.ends_with(ending))
        })
        .count();
    let russian_words = words
        .iter()
        .filter(|word| RUSSIAN_WORDS.contains(&word.as_str()))
        .count();
    // Each Kazakh letter is strong evidence; two of them outweigh a word.
    let kazakh_score = 2 * kazakh_letters.min(8) + 2 * kazakh_words;
    let russian_score = 2 * russian_words;
    if kazakh_score > russian_score {
        Language::Kk
    } else {
        Language::Ru
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_script_letters_and_words() {
        let cases: &[(&str, Language)] = &[
            ("Hay un bache en la calle de Toledo", Language::Es),
            ("HAY UN BACHE", Language::Es),
            (
                "На улице Абая огромная яма, прошу принять меры.",
                Language::Ru,
            ),
            (
                "Абай көшесінде үлкен шұңқыр бар, көліктер өте алмайды.",
                Language::Kk,
            ),
            // Kazakh typed on a Russian keyboard: no Kazakh letters left.
            (
                "Абаи кошесинде улкен шункыр бар, коликтер оте алмаиды. Шара колданууды сураимын",
                Language::Kk,
            ),
            // Russian with a Kazakh street name.
            (
                "В ЦОНе на улице Қабанбай батыра огромная очередь, электронная очередь не работает.",
                Language::Ru,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), *want, "{text}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for language in [Language::Es, Language::Ru, Language::Kk] {
            assert_eq!(Language::from_code(language.code()), Some(language));
        }
        assert_eq!(Language::from_code("EN"), None);
    }
}
