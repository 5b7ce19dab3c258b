//! Kazakh Cyrillic → 2021 Latin alphabet, the same convention as the
//! adapters crate (loan letters Ц→Ts, Ч→Ch, Щ→Şç, Э→E, Ю→İu, Я→İa, Ё→İo;
//! Ъ and Ь dropped; І→I with dotless ı in lower case, И/Й→İ/i).

/// The lower-case Latin of a lower-case Cyrillic letter, if it has one.
fn lower(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' => "a",
        'ә' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' => "e",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ш' => "ş",
        'ы' => "y",
        'і' => "ı",
        'ъ' | 'ь' => "",
        'ц' => "ts",
        'ч' => "ch",
        'щ' => "şç",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        'ё' => "io",
        _ => return None,
    })
}

/// The Latin of an upper-case Cyrillic letter: (title-case form, all-caps
/// form).
fn upper(ch: char) -> Option<(&'static str, &'static str)> {
    Some(match ch {
        'А' => ("A", "A"),
        'Ә' => ("Ä", "Ä"),
        'Б' => ("B", "B"),
        'В' => ("V", "V"),
        'Г' => ("G", "G"),
        'Ғ' => ("Ğ", "Ğ"),
        'Д' => ("D", "D"),
        'Е' => ("E", "E"),
        'Ж' => ("J", "J"),
        'З' => ("Z", "Z"),
        'И' | 'Й' => ("İ", "İ"),
        'К' => ("K", "K"),
        'Қ' => ("Q", "Q"),
        'Л' => ("L", "L"),
        'М' => ("M", "M"),
        'Н' => ("N", "N"),
        'Ң' => ("Ñ", "Ñ"),
        'О' => ("O", "O"),
        'Ө' => ("Ö", "Ö"),
        'П' => ("P", "P"),
        'Р' => ("R", "R"),
        'С' => ("S", "S"),
        'Т' => ("T", "T"),
        'У' => ("U", "U"),
        'Ұ' => ("Ū", "Ū"),
        'Ү' => ("Ü", "Ü"),
        'Ф' => ("F", "F"),
        'Х' | 'Һ' => ("H", "H"),
        'Ш' => ("Ş", "Ş"),
        'Ы' => ("Y", "Y"),
        'І' => ("I", "I"),
        'Ъ' | 'Ь' => ("", ""),
        'Ц' => ("Ts", "TS"),
        'Ч' => ("Ch", "CH"),
        'Щ' => ("Şç", "ŞÇ"),
        'Э' => ("E", "E"),
        'Ю' => ("İu", "İU"),
        'Я' => ("İa", "İA"),
        'Ё' => ("İo", "İO"),
        _ => return None,
    })
}

/// Transliterates Kazakh Cyrillic text; other characters pass through.
pub fn kazakh_to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous_upper = false;
    while let Some(ch) = chars.next() {
        if let Some(latin) = lower(ch) {
            out.push_str(latin);
            previous_upper = false;
        } else if let Some((title, caps)) = upper(ch) {
            let next_upper = chars.peek().is_some_and(|next| next.is_uppercase());
            let word_ends = chars.peek().is_none_or(|next| !next.is_alphabetic());
            let all_caps = next_upper || (word_ends && previous_upper);
            out.push_str(if all_caps { caps } else { title });
            previous_upper = true;
        } else {
            out.push(ch);
            previous_upper = ch.is_uppercase();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_latin_2021() {
        for (cyrillic, latin) in [
            ("Сәрсенбаев", "Särsenbaev"),
            ("Болатұлы", "Bolatūly"),
            ("Жетісу облысы", "Jetısu oblysy"),
            ("Шымкент", "Şymkent"),
            ("Цой", "Tsoi"),
            ("ЦЕНТР", "TSENTR"),
            ("Юлия", "İuliia"),
            ("Қарағанды", "Qarağandy"),
            ("Ерлан", "Erlan"),
            ("Иван", "İvan"),
        ] {
            assert_eq!(kazakh_to_latin(cyrillic), latin, "{cyrillic}");
        }
    }

    #[test]
    fn codelist_latin_names_follow_the_table() {
        use crate::datasets::codelists::{KATO_CSV, table};
        let (header, rows) = table(KATO_CSV);
        let kk = header
            .iter()
            .position(|name| name == "name_kk")
            .unwrap_or(0);
        let latin = header
            .iter()
            .position(|name| name == "name_latin")
            .unwrap_or(0);
        assert!(rows.len() >= 20);
        for row in rows {
            assert_eq!(kazakh_to_latin(&row[kk]), row[latin]);
        }
    }
}
