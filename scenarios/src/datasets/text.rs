//! The noise real citizens' text has (typos, missing accents, shouting,
//! all lower case) and small text helpers the generators share; the texts
//! themselves are composed in `appeal_text`.

use super::rng::RecordRng;

/// Noise applied to citizens' text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Noise {
    /// Probability that a message loses its accents (ñ kept).
    pub(crate) strip_accents: f64,
    /// Per-word probability of a typo.
    pub(crate) typo_per_word: f64,
    /// Probability of all lower case.
    pub(crate) lowercase: f64,
    /// Probability of all upper case.
    pub(crate) shouting: f64,
}

pub(crate) const CITIZEN_NOISE: Noise = Noise {
    strip_accents: 0.3,
    typo_per_word: 0.025,
    lowercase: 0.1,
    shouting: 0.03,
};

fn strip_accent(ch: char) -> char {
    match ch {
        'á' => 'a',
        'é' => 'e',
        'í' => 'i',
        'ó' => 'o',
        'ú' | 'ü' => 'u',
        'Á' => 'A',
        'É' => 'E',
        'Í' => 'I',
        'Ó' => 'O',
        'Ú' => 'U',
        'ё' => 'е',
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'і' => 'и',
        other => other,
    }
}

/// Applies noise in place.
pub(crate) fn add_noise(text: &mut String, noise: Noise, rng: &mut RecordRng) {
    let strip = rng.chance(noise.strip_accents);
    let case_roll = rng.unit();
    let mut out = String::with_capacity(text.len() + 8);
    // One buffer for the words that get a typo (the hot path of case
    // building: most words are copied as they are).
    let mut chars: Vec<char> = Vec::new();
    // `text.split(' ')`, by bytes: words are short, and a space byte is
    // never inside a multi-byte character.
    let mut rest = text.as_str();
    loop {
        let (word, next) = match rest.bytes().position(|byte| byte == b' ') {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        if !out.is_empty() {
            out.push(' ');
        }
        // More than 3 characters: at most 3 bytes never are, 13 bytes
        // always are (a character is at most 4 bytes).
        let long = word.len() > 12 || (word.len() > 3 && word.chars().count() > 3);
        if long && rng.chance(noise.typo_per_word) {
            let len = word.chars().count();
            chars.clear();
            chars.extend(
                word.chars()
                    .map(|ch| if strip { strip_accent(ch) } else { ch }),
            );
            let at = 1 + rng.index(len - 2);
            match rng.below(3) {
                0 => chars.swap(at, at + 1),
                1 => {
                    chars.remove(at);
                }
                _ => chars.insert(at, chars[at]),
            }
            out.extend(chars.iter());
        } else if strip && !word.is_ascii() {
            // Only non-ASCII characters lose accents.
            out.extend(word.chars().map(strip_accent));
        } else {
            out.push_str(word);
        }
        match next {
            Some(next) => rest = next,
            None => break,
        }
    }
    if case_roll < noise.shouting {
        out = out.to_uppercase();
    } else if case_roll < noise.shouting + noise.lowercase {
        out = out.to_lowercase();
    }
    *text = out;
}

/// The parts joined without a separator (`format!` without the formatting
/// machinery, for the generators' hot paths).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `prefix` and `number` zero-padded to `width` digits: what
/// `format!("{prefix}{number:0width$}")` gives.
pub(crate) fn numbered(prefix: &str, number: u64, width: usize) -> String {
    let mut digits = [b'0'; 20];
    let mut rest = number;
    let mut len = 0;
    while rest > 0 || len == 0 {
        digits[19 - len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    let len = len.max(width.min(20));
    let mut out = String::with_capacity(prefix.len() + len.max(width));
    out.push_str(prefix);
    for _ in len..width {
        out.push('0');
    }
    out.extend(digits[20 - len..].iter().map(|&digit| char::from(digit)));
    out
}

/// `0` to `15` as text, for the small numbers templates mention.
pub(crate) const SMALL_NUMBERS: [&str; 16] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::rng::StreamKey;

    #[test]
    fn numbered_pads_like_format() {
        for (number, width) in [
            (0, 0),
            (0, 7),
            (42, 6),
            (1_234_567, 7),
            (12_345_678, 7),
            (u64::MAX, 25),
        ] {
            assert_eq!(
                numbered("OT-", number, width),
                format!("OT-{number:0width$}")
            );
        }
        assert_eq!(concat(&["a", "", "bc"]), "abc");
    }

    #[test]
    fn noise_changes_some_texts_and_keeps_length_close() {
        let key = StreamKey::new(1, "practice", "text");
        let original =
            "La acera de la calle está levantada y es imposible pasar con el carrito del bebé";
        let mut changed = 0;
        for index in 0..200 {
            let mut text = original.to_owned();
            add_noise(&mut text, CITIZEN_NOISE, &mut key.record(index));
            if text != original {
                changed += 1;
            }
            let diff = text.chars().count().abs_diff(original.chars().count());
            assert!(diff <= 6, "{text}");
        }
        assert!((40..200).contains(&changed), "{changed}");
    }
}
