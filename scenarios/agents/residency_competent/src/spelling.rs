//! Comparing names across spelling conventions: Kazakh 2021 Latin, the
//! Russian-based passport Latin (ICAO Doc 9303), Spanish accents and older
//! Cyrillic spellings of Spanish names all fold to one key, and keys that
//! differ by one letter (a clerk's slip) still match.

/// ICAO Doc 9303 Latin of one lower-case Russian (or Kazakh) letter.
fn icao_letter(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'і' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' => "kh",
        'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' => "ie",
        'ы' => "y",
        'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// The passport Latin of a Russian Cyrillic name (lower case).
pub fn icao(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|ch| icao_letter(ch).map_or_else(|| ch.to_string(), str::to_owned))
        .collect()
}

/// Keeps letters only and drops a letter repeated right after itself.
fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().filter(|ch| ch.is_alphabetic()) {
        if !out.ends_with(ch) {
            out.push(ch);
        }
    }
    out
}

/// The key of a name written in Latin letters in any of the conventions.
pub fn latin_key(text: &str) -> String {
    let lower: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|ch| match ch {
            'á' | 'à' | 'ä' => "a".to_owned(),
            'é' | 'è' => "e".to_owned(),
            'í' | 'ı' | 'i' | 'y' => "i".to_owned(),
            'ó' | 'ö' => "o".to_owned(),
            'ú' | 'ü' | 'ū' => "u".to_owned(),
            'ñ' => "n".to_owned(),
            'ş' => "sh".to_owned(),
            'ğ' => "g".to_owned(),
            'q' => "k".to_owned(),
            'w' => "v".to_owned(),
            // `İ` lower-cases to `i` + a combining dot.
            '\u{307}' => String::new(),
            other => other.to_string(),
        })
        .collect();
    let folded = lower
        .replace("shch", "sh")
        .replace("zh", "j")
        .replace("kh", "h")
        .replace("ts", "s");
    squeeze(&folded)
}

/// The key of a Spanish name written in Cyrillic by any of the habits.
pub fn cyrillic_key(text: &str) -> String {
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    let folded = lower
        .replace("ия", "иа")
        .replace('ё', "ио")
        .replace('ь', "")
        .replace('э', "е")
        .replace('й', "и");
    squeeze(&folded)
}

/// Whether two keys differ by at most one letter (inserted, dropped or
/// changed).
pub fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let best = (previous[j + 1] + 1)
                .min(current[j] + 1)
                .min(previous[j] + usize::from(ca != cb));
            current.push(best);
        }
        previous = current;
    }
    previous[b.len()] <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_fold_to_one_key() {
        assert_eq!(latin_key("Särsenbaeva"), latin_key(&icao("Сарсенбаева")));
        assert_eq!(latin_key("Janar"), latin_key(&icao("Жанар")));
        assert!(close(&latin_key("Kuznnetsova"), &latin_key("Kuznetsova")));
        assert!(!close(&latin_key("Kuznetsov"), &latin_key("Petrov")));
        assert_eq!(cyrillic_key("Гарсия"), cyrillic_key("Гарсиа"));
        assert_eq!(latin_key("GARCIA ROMERO"), latin_key("García Romero"));
    }
}
