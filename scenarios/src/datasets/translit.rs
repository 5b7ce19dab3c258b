//! Kazakh Cyrillic → Latin (the 2021 alphabet) for generated names and
//! texts: the adapters' table and rules (one definition), pinned here by
//! the cases the datasets rely on.

use govlab_adapters::translit::{Scheme, transliterate};

/// Transliterates Kazakh Cyrillic text; other characters pass through.
pub fn kazakh_to_latin(text: &str) -> String {
    transliterate(Scheme::KazakhLatin2021, text).0
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
        use crate::datasets::codelists::{codelist, table};
        let (header, rows) = table(codelist("kato_regions"));
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
