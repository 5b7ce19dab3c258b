//! Text normalisation and fuzzy stem matching shared by the appeal text and
//! the lexicon, so both sides fold typing variants the same way.
//!
//! The folding, in order: lower case; accents stripped (`á` → `a`, `ñ` →
//! `n`, `ё` → `е`); Kazakh letters folded to the Russian keyboard's (`қ` →
//! `к`, `ә` → `а`, `і` → `и`...), as people type without a Kazakh layout;
//! anything not a letter or digit becomes a word break; Latin look-alikes
//! inside Cyrillic words (`мусoр` with a Latin `o`) become Cyrillic; in
//! Latin words `v` → `b` and a leading `h` is dropped (the commonest Spanish
//! spelling slips); runs of one letter collapse (`ruuuido`, `calle` →
//! `cale`), which also absorbs doubled-key typos.

/// Normalises `text` into words (see the module docs).
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        for lower in ch.to_lowercase() {
            let folded = fold(lower);
            if folded.is_alphanumeric() {
                word.push(folded);
            } else if !word.is_empty() {
                out.push(finish_word(&word));
                word.clear();
            }
        }
    }
    if !word.is_empty() {
        out.push(finish_word(&word));
    }
    out
}

/// Folds one lower-case character: accents, Kazakh letters, `ё`, `й`.
fn fold(ch: char) -> char {
    match ch {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ё' => 'е',
        'й' => 'и',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        other => other,
    }
}

fn is_cyrillic(ch: char) -> bool {
    matches!(ch, '\u{0400}'..='\u{04FF}')
}

/// Latin letters that look like Cyrillic ones, as typed by mistake.
fn latin_lookalike(ch: char) -> Option<char> {
    Some(match ch {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

/// Script fixes, Spanish spelling folds and run collapsing for one word.
fn finish_word(word: &str) -> String {
    let cyrillic = word.chars().any(is_cyrillic);
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for (idx, ch) in word.chars().enumerate() {
        let ch = if cyrillic {
            latin_lookalike(ch).unwrap_or(ch)
        } else {
            match ch {
                'v' => 'b',
                'h' if idx == 0 && word.chars().nth(1).is_some_and(char::is_alphabetic) => continue,
                other => other,
            }
        };
        if Some(ch) != last {
            out.push(ch);
        }
        last = Some(ch);
    }
    out
}

/// A normalised word as characters, the form matching works on.
pub(crate) type Word = Vec<char>;

/// Normalises `text` into words of characters (see [`words`]).
pub(crate) fn word_chars(text: &str) -> Vec<Word> {
    words(text)
        .iter()
        .map(|word| word.chars().collect())
        .collect()
}

/// How a lexicon stem matches a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stem {
    pub(crate) chars: Word,
    /// Must equal the whole word rather than start it.
    pub(crate) whole_word: bool,
}

impl Stem {
    /// Whether `word` matches: exactly (whole-word stems), as a prefix, or,
    /// for stems of five letters or more, with one typo (a letter missing,
    /// extra, wrong, or two neighbours swapped) in the word or its prefix.
    pub(crate) fn matches(&self, word: &[char]) -> bool {
        let stem = self.chars.as_slice();
        if self.whole_word {
            return word == stem || (self.fuzzy_ok() && within_one_edit(stem, word));
        }
        if word.starts_with(stem) {
            return true;
        }
        // Cheap filter first: typos rarely hit the first letter.
        if !self.fuzzy_ok() || word.first() != stem.first() {
            return false;
        }
        // A typo changes the length by at most one: compare the stem with
        // the word's prefixes one shorter, as long and one longer.
        (stem.len() - 1..=stem.len() + 1)
            .any(|len| len <= word.len() && within_one_edit(stem, &word[..len]))
    }

    fn fuzzy_ok(&self) -> bool {
        self.chars.len() >= 5
    }
}

/// Optimal string alignment distance of at most one: one insertion,
/// deletion, substitution or swap of neighbours.
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (rest_a, rest_b) = (&a[prefix..], &b[prefix..]);
    match (rest_a.len(), rest_b.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            rest_a[1..] == rest_b[1..]
                || (x >= 2
                    && rest_a[0] == rest_b[1]
                    && rest_a[1] == rest_b[0]
                    && rest_a[2..] == rest_b[2..])
        }
        (x, y) if x > y => rest_a[1..] == *rest_b,
        _ => *rest_a == rest_b[1..],
    }
}

/// A lexicon term: one or more stems that must match consecutive words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) stems: Vec<Stem>,
}

impl Term {
    /// Parses a term as written in the lexicon (`doble fila`, `ibi=`).
    pub(crate) fn parse(raw: &str) -> Option<Term> {
        let stems: Vec<Stem> = raw
            .split_whitespace()
            .filter_map(|part| {
                let (part, whole_word) = match part.strip_suffix('=') {
                    Some(part) => (part, true),
                    None => (part, false),
                };
                // A stem is one word; `words` may only split off noise.
                let text = words(part).into_iter().next()?;
                Some(Stem {
                    chars: text.chars().collect(),
                    whole_word,
                })
            })
            .collect();
        (!stems.is_empty()).then_some(Term { stems })
    }

    /// Whether the term occurs in `words`.
    pub(crate) fn occurs_in(&self, words: &[Word]) -> bool {
        let n = self.stems.len();
        words.windows(n).any(|window| {
            self.stems
                .iter()
                .zip(window)
                .all(|(stem, word)| stem.matches(word))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn folds_case_accents_kazakh_letters_and_noise() {
        let cases: &[(&str, &[&str])] = &[
            (
                "¡HAY un BACHE en la Calle!",
                &["ay", "un", "bache", "en", "la", "cale"],
            ),
            ("Vehículo abandonado", &["behiculo", "abandonado"]),
            ("ruuuido", &["ruido"]),
            ("Қоқыс шығарылмайды", &["кокыс", "шыгарылмаиды"]),
            ("Мусoр (латинская o)", &["мусор", "латинская", "o"]),
            ("ёлка, 010", &["елка", "010"]),
        ];
        for (text, want) in cases {
            assert_eq!(words(text), *want, "{text}");
        }
    }

    #[test]
    fn stems_match_prefixes_and_one_typo() {
        let term = |raw: &str| Term::parse(raw).unwrap();
        let cases: &[(&str, &str, bool)] = &[
            ("autobús", "los autobuses no pasan", true),
            ("autobús", "el autbus no pasa", true),
            ("autobús", "el auotbus no pasa", true),
            ("contenedor", "contenedroes llenos", true),
            ("doble fila", "aparcan en doble fila", true),
            ("doble fila", "doble de fila", false),
            ("ibi=", "el ibi de mi casa", true),
            ("ibi=", "ibiza", false),
            ("bar=", "el barrio", false),
            ("шум", "шумит до утра", true),
            ("қоқыс", "кокыс жатыр", true),
            ("светофор", "не работает светфор", true),
            ("pago", "apago la luz", false),
        ];
        for (raw, text, want) in cases {
            assert_eq!(
                term(raw).occurs_in(&word_chars(text)),
                *want,
                "{raw} in {text}"
            );
        }
    }

    #[test]
    fn one_edit() {
        let edit = |a: &str, b: &str| {
            within_one_edit(&a.chars().collect::<Word>(), &b.chars().collect::<Word>())
        };
        assert!(edit("fila", "fila"));
        assert!(edit("fila", "fla"));
        assert!(edit("fila", "fiila"));
        assert!(edit("fila", "fial"));
        assert!(edit("fila", "fina"));
        assert!(!edit("fila", "afli"));
        assert!(!edit("fila", "filas2"));
    }
}
