//! Splitting and merging personal names: two Spanish surnames (with their
//! particles) and Kazakh/Russian full names with patronymics.
//!
//! Conventions (documented because names are ambiguous):
//! - Spanish surnames: particles `de`, `del`, `la`, `las`, `los`, `y`, `da`,
//!   `di`, `van`, `von` stick to the word that follows them
//!   (`de la Fuente Martín` → `de la Fuente` + `Martín`). With more than two
//!   surname groups the first group is the first surname and the rest is
//!   the second.
//! - Kazakh/Russian full names are written `Surname Given [Patronymic]`, as
//!   on the ID card. The last word is a patronymic when it ends in `-ұлы`,
//!   `-қызы`, `-ович`, `-евич`, `-ич`, `-овна`, `-евна`, `-ична`, `-инична`
//!   (or their Latin forms `-uly`, `-ūly`, `-qyzy`, `-kyzy`, `-ovich`,
//!   `-evich`, `-ovna`, `-evna`); a detached `ұлы`/`қызы` word joins the word
//!   before it. Words between the surname and the patronymic form the given
//!   name.

/// A Spanish family name split into its two surnames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanishSurnames {
    /// First (paternal by custom) surname.
    pub first: String,
    /// Second (maternal by custom) surname, absent for many foreign residents.
    pub second: Option<String>,
}

const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "y", "da", "di", "van", "von", "der",
];

/// Splits a Spanish family name into first and second surname.
pub fn split_spanish_surnames(family_name: &str) -> SpanishSurnames {
    let mut groups: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in family_name.split_whitespace() {
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(word);
        if !PARTICLES.contains(&word.to_lowercase().as_str()) {
            groups.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        // Trailing particles with nothing after them: keep them on the last group.
        match groups.last_mut() {
            Some(last) => {
                last.push(' ');
                last.push_str(&pending);
            }
            None => groups.push(pending),
        }
    }
    let mut groups = groups.into_iter();
    let first = groups.next().unwrap_or_default();
    let rest: Vec<String> = groups.collect();
    SpanishSurnames {
        first,
        second: if rest.is_empty() {
            None
        } else {
            Some(rest.join(" "))
        },
    }
}

/// A full name in Kazakh ID-card order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KazakhName {
    /// Surname (тегі / фамилия).
    pub surname: String,
    /// Given name (аты / имя), may be several words.
    pub given: Option<String>,
    /// Patronymic (әкесінің аты / отчество), when one is written.
    pub patronymic: Option<String>,
}

const PATRONYMIC_ENDINGS: &[&str] = &[
    "ұлы", "қызы", "улы", "кызы", "ович", "евич", "ьич", "ич", "овна", "евна", "ична", "uly",
    "ūly", "qyzy", "kyzy", "ovich", "evich", "ovna", "evna", "ichna",
];

const DETACHED_PATRONYMIC: &[&str] = &["ұлы", "қызы", "улы", "кызы", "uly", "ūly", "qyzy", "kyzy"];

fn is_patronymic(word: &str) -> bool {
    let lower = word.to_lowercase();
    PATRONYMIC_ENDINGS
        .iter()
        .any(|ending| lower.ends_with(ending) && lower.chars().count() > ending.chars().count())
        || DETACHED_PATRONYMIC
            .iter()
            .any(|d| lower.ends_with(&format!(" {d}")))
}

/// Splits `Surname Given [Patronymic]`. Returns `None` for an empty string.
pub fn split_kazakh_name(full_name: &str) -> Option<KazakhName> {
    let mut words: Vec<String> = Vec::new();
    for word in full_name.split_whitespace() {
        let detached = DETACHED_PATRONYMIC.contains(&word.to_lowercase().as_str());
        match words.last_mut() {
            Some(last) if detached => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
    }
    let mut words = words.into_iter();
    let surname = words.next()?;
    let mut rest: Vec<String> = words.collect();
    let patronymic = if rest.len() >= 2 && rest.last().is_some_and(|w| is_patronymic(w)) {
        rest.pop()
    } else {
        None
    };
    let given = if rest.is_empty() {
        None
    } else {
        Some(rest.join(" "))
    };
    Some(KazakhName {
        surname,
        given,
        patronymic,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn spanish_surnames() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("García López", "García", Some("López")),
            ("García", "García", None),
            ("de la Fuente Martín", "de la Fuente", Some("Martín")),
            ("Martín de la Fuente", "Martín", Some("de la Fuente")),
            ("del Río  Sanz", "del Río", Some("Sanz")),
            ("García-Pelayo Ruiz", "García-Pelayo", Some("Ruiz")),
            ("Ortega y Gasset", "Ortega", Some("y Gasset")),
            ("Pérez Gómez Ruiz", "Pérez", Some("Gómez Ruiz")),
            ("", "", None),
        ];
        for (input, first, second) in cases {
            let got = split_spanish_surnames(input);
            assert_eq!(got.first, *first, "{input}");
            assert_eq!(got.second.as_deref(), *second, "{input}");
        }
    }

    #[test]
    fn kazakh_full_names() {
        let cases: &[(&str, &str, Option<&str>, Option<&str>)] = &[
            (
                "Тоқаев Қасым-Жомарт Кемелұлы",
                "Тоқаев",
                Some("Қасым-Жомарт"),
                Some("Кемелұлы"),
            ),
            (
                "Сарсенбаев Ерлан Болатович",
                "Сарсенбаев",
                Some("Ерлан"),
                Some("Болатович"),
            ),
            (
                "Сәрсенбаева Әлия Болатқызы",
                "Сәрсенбаева",
                Some("Әлия"),
                Some("Болатқызы"),
            ),
            (
                "Ахметов Нұрсұлтан Серік ұлы",
                "Ахметов",
                Some("Нұрсұлтан"),
                Some("Серік ұлы"),
            ),
            ("Ким Елена", "Ким", Some("Елена"), None),
            (
                "Qasymov Arman Serıkūly",
                "Qasymov",
                Some("Arman"),
                Some("Serıkūly"),
            ),
            ("Цой", "Цой", None, None),
            ("Ким Анна Мария", "Ким", Some("Анна Мария"), None),
        ];
        for (input, surname, given, patronymic) in cases {
            let got = split_kazakh_name(input).unwrap();
            assert_eq!(got.surname, *surname, "{input}");
            assert_eq!(got.given.as_deref(), *given, "{input}");
            assert_eq!(got.patronymic.as_deref(), *patronymic, "{input}");
        }
        assert_eq!(split_kazakh_name("   "), None);
    }
}
