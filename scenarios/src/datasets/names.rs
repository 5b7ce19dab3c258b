//! Name pools built once from the tables in [`super::names_kz`] and
//! [`super::names_es`]: for each ethnic group of Kazakhstan, names in
//! Kazakh Cyrillic, Russian Cyrillic and 2021 Kazakh Latin with the
//! patronymics they form; for each origin of Madrid residents, names in
//! the Latin spelling of the padrón. Pools are drawn with a skew so that
//! the first entries are the most frequent, as real name frequencies are.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::names_es as es;
use super::names_kz as kz;
use super::rng::RecordRng;
use super::translit::kazakh_to_latin;

/// An index skewed towards the start of a pool of `len` entries.
pub(crate) fn skewed(rng: &mut RecordRng, len: usize) -> usize {
    skewed_index(rng.unit(), len)
}

/// The index [`skewed`] draws for a uniform `unit` in `[0, 1)`: entry `k`
/// of `n` has probability `((k + 1)/n)^(1/1.7) − (k/n)^(1/1.7)`.
pub(crate) fn skewed_index(unit: f64, len: usize) -> usize {
    ((len as f64) * unit.powf(1.7)) as usize % len.max(1)
}

/// Picks from a pool with the frequency skew.
pub(crate) fn pick_skewed<'a, T>(rng: &mut RecordRng, pool: &'a [T]) -> &'a T {
    &pool[skewed(rng, pool.len())]
}

/// The entries of a comma-separated table, trimmed, first occurrences
/// only.
fn entries(table: &'static str) -> Vec<&'static str> {
    let mut seen = HashSet::new();
    table
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty() && seen.insert(*entry))
        .collect()
}

// ---------------------------------------------------------------------------
// Kazakhstan.

/// One name in its Kazakh, Russian and Latin (2021, from the Kazakh form)
/// spellings.
#[derive(Debug, Clone)]
pub(crate) struct Spelled {
    pub(crate) kk: String,
    pub(crate) ru: String,
    pub(crate) latin: String,
}

impl Spelled {
    fn new(kk: String, ru: String) -> Spelled {
        Spelled {
            latin: kazakh_to_latin(&kk),
            kk,
            ru,
        }
    }
}

/// The patronymics formed from one father's name, indexed by sex
/// (0 = male, 1 = female).
#[derive(Debug, Clone)]
pub(crate) struct Patronymics {
    /// Russian form (`-ович`/`-овна`).
    pub(crate) ru: [String; 2],
    /// Kazakh form (`-ұлы`/`-қызы`), with its Latin spelling.
    pub(crate) kazakh: [(String, String); 2],
    /// Russian form in Kazakh spelling, with its Latin spelling.
    pub(crate) russian_in_kk: [(String, String); 2],
    /// Russian form as written in Kazakh documents of non-Kazakh names,
    /// with its Latin spelling.
    pub(crate) ru_latin: [String; 2],
}

fn patronymics(father: &Spelled) -> Patronymics {
    let (ru_male, ru_female) = russian_patronymic(&father.ru);
    let (kk_male, kk_female) = russian_patronymic(&father.kk);
    let with_latin = |text: String| {
        let latin = kazakh_to_latin(&text);
        (text, latin)
    };
    Patronymics {
        ru_latin: [kazakh_to_latin(&ru_male), kazakh_to_latin(&ru_female)],
        ru: [ru_male, ru_female],
        kazakh: [
            with_latin(format!("{}ұлы", father.kk)),
            with_latin(format!("{}қызы", father.kk)),
        ],
        russian_in_kk: [with_latin(kk_male), with_latin(kk_female)],
    }
}

/// A name family: given names, surnames (with female forms) and whether
/// patronymics exist.
pub(crate) struct NamePool {
    pub(crate) male: Vec<Spelled>,
    pub(crate) female: Vec<Spelled>,
    /// Male surname forms.
    pub(crate) surnames_male: Vec<Spelled>,
    /// Female surname forms, aligned with `surnames_male`.
    pub(crate) surnames_female: Vec<Spelled>,
    /// Patronymics formed from each name in `male`.
    pub(crate) patronymics: Vec<Patronymics>,
    pub(crate) has_patronymic: bool,
    pub(crate) kazakh_patronymic: bool,
}

/// The Russian patronymics (male, female) formed from a father's name in
/// Russian or Kazakh spelling.
pub(crate) fn russian_patronymic(father: &str) -> (String, String) {
    const IRREGULAR: &[(&str, &str, &str)] = &[
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Георгий", "Георгиевич", "Георгиевна"),
        ("Илья", "Ильич", "Ильинична"),
        ("Лев", "Львович", "Львовна"),
        ("Павел", "Павлович", "Павловна"),
        ("Пётр", "Петрович", "Петровна"),
        ("Петр", "Петрович", "Петровна"),
        ("Михаил", "Михайлович", "Михайловна"),
        ("Яков", "Яковлевич", "Яковлевна"),
        ("Лука", "Лукич", "Лукинична"),
        ("Кузьма", "Кузьмич", "Кузьминична"),
        ("Никита", "Никитич", "Никитична"),
        ("Данила", "Данилович", "Даниловна"),
    ];
    if let Some(&(_, male, female)) = IRREGULAR.iter().find(|(name, _, _)| *name == father) {
        return (male.to_owned(), female.to_owned());
    }
    let with =
        |stem: &str, male: &str, female: &str| (format!("{stem}{male}"), format!("{stem}{female}"));
    if let Some(stem) = father.strip_suffix("ий") {
        // Василий → Васильевич, Евгений → Евгеньевич.
        return with(stem, "ьевич", "ьевна");
    }
    if let Some(stem) = father
        .strip_suffix('й')
        .or_else(|| father.strip_suffix('ь'))
    {
        return with(stem, "евич", "евна");
    }
    match father.chars().last() {
        // Мұса → Мұсаевич, Әли → Әлиевич, Қуаныш → Қуанышевич.
        Some(
            'а' | 'е' | 'и' | 'о' | 'ы' | 'э' | 'ю' | 'я' | 'ә' | 'і' | 'ө' | 'ж' | 'ш' | 'ч' | 'щ'
            | 'ц',
        ) => with(father, "евич", "евна"),
        _ => with(father, "ович", "овна"),
    }
}

/// The female form of a surname in Russian or Kazakh spelling
/// (`-ов/-ев/-ин` + `а`, `-ский/-ий/-ой/-ый` → `-ая`; others unchanged).
pub(crate) fn feminine_surname(male: &str) -> String {
    if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|suffix| male.ends_with(suffix))
    {
        return format!("{male}а");
    }
    for suffix in ["ий", "ой", "ый"] {
        if let Some(stem) = male.strip_suffix(suffix) {
            return format!("{stem}ая");
        }
    }
    male.to_owned()
}

/// The Russian spelling of a Kazakh name: Kazakh letters replaced by their
/// Russian counterparts, `-гүл` written `-гуль` before a consonant or at
/// the end.
pub(crate) fn russian_spelling(kazakh: &str) -> String {
    let chars: Vec<char> = kazakh.chars().collect();
    let is_vowel = |ch: char| "аәеёиоөуұүыіэюяАӘЕЁИОӨУҰҮЫІЭЮЯ".contains(ch);
    let mut out = String::with_capacity(kazakh.len());
    for (position, &ch) in chars.iter().enumerate() {
        out.push(match ch {
            'ә' => 'а',
            'Ә' => 'А',
            'ғ' => 'г',
            'Ғ' => 'Г',
            'қ' => 'к',
            'Қ' => 'К',
            'ң' => 'н',
            'Ң' => 'Н',
            'ө' => 'о',
            'Ө' => 'О',
            'ұ' | 'ү' => 'у',
            'Ұ' | 'Ү' => 'У',
            'һ' => 'х',
            'Һ' => 'Х',
            'і' => 'и',
            'І' => 'И',
            other => other,
        });
        let after_gul = ch == 'л'
            && position >= 2
            && chars[position - 1] == 'ү'
            && matches!(chars[position - 2], 'г' | 'Г');
        if after_gul && chars.get(position + 1).is_none_or(|&next| !is_vowel(next)) {
            out.push('ь');
        }
    }
    out
}

/// How a group's tables are spelled and declined.
#[derive(Clone, Copy)]
struct Style {
    /// Tables are in Kazakh spelling (`kk[=ru]`); otherwise Russian
    /// spelling, the same in both fields.
    kazakh_tables: bool,
    /// Women's surnames take the female form.
    declines: bool,
    has_patronymic: bool,
    kazakh_patronymic: bool,
}

const RUSSIAN_STYLE: Style = Style {
    kazakh_tables: false,
    declines: true,
    has_patronymic: true,
    kazakh_patronymic: false,
};

/// A Kazakh-table entry (`kk` or `kk=ru`) or a Russian-table entry.
fn spelled_entry(entry: &str, style: Style) -> (String, String) {
    if !style.kazakh_tables {
        return (entry.to_owned(), entry.to_owned());
    }
    match entry.split_once('=') {
        Some((kk, ru)) => (kk.trim().to_owned(), ru.trim().to_owned()),
        None => (entry.to_owned(), russian_spelling(entry)),
    }
}

fn spelled_list(table: &'static str, style: Style) -> Vec<Spelled> {
    entries(table)
        .into_iter()
        .map(|entry| {
            let (kk, ru) = spelled_entry(entry, style);
            Spelled::new(kk, ru)
        })
        .collect()
}

/// The surname formed from a Kazakh given name (`Серік` → `Серіков`,
/// `Әли` → `Әлиев`, `Абылай` → `Абылаев`, `Қуаныш` → `Қуанышев`), in
/// Kazakh and Russian spelling.
fn surname_from_given(given: &Spelled) -> (String, String) {
    let suffixed = |name: &str| match name.chars().last() {
        Some('й') => format!("{}ев", name.trim_end_matches('й')),
        Some('а' | 'е' | 'и' | 'о' | 'ы' | 'ә' | 'і' | 'ө' | 'ж' | 'ш' | 'ч' | 'щ' | 'ц') =>
        {
            format!("{name}ев")
        }
        _ => format!("{name}ов"),
    };
    (suffixed(&given.kk), suffixed(&given.ru))
}

/// Builds a pool from its tables (surnames from one or more tables, in
/// order, then `extra` ones; duplicates dropped).
fn pool_with(
    male: &'static str,
    female: &'static str,
    surnames: &[&'static str],
    extra: impl FnOnce(&[Spelled]) -> Vec<Spelled>,
    style: Style,
) -> NamePool {
    let male = spelled_list(male, style);
    let mut seen = HashSet::new();
    let listed = surnames
        .iter()
        .flat_map(|table| spelled_list(table, style))
        .collect::<Vec<_>>();
    let extra = extra(&male);
    let surnames_male: Vec<Spelled> = listed
        .into_iter()
        .chain(extra)
        .filter(|name| seen.insert(name.kk.clone()) && seen.insert(format!("ru:{}", name.ru)))
        .collect();
    let surnames_female = surnames_male
        .iter()
        .map(|name| {
            if style.declines {
                Spelled::new(feminine_surname(&name.kk), feminine_surname(&name.ru))
            } else {
                name.clone()
            }
        })
        .collect();
    NamePool {
        patronymics: male.iter().map(patronymics).collect(),
        male,
        female: spelled_list(female, style),
        surnames_male,
        surnames_female,
        has_patronymic: style.has_patronymic,
        kazakh_patronymic: style.kazakh_patronymic,
    }
}

fn pool(
    male: &'static str,
    female: &'static str,
    surnames: &[&'static str],
    style: Style,
) -> NamePool {
    pool_with(male, female, surnames, |_| Vec::new(), style)
}

/// Surname tables of the other groups of Kazakhstan: surnames formed from
/// Kazakh given names that one of them lists are left out.
const OTHER_KZ_SURNAME_TABLES: [&str; 9] = [
    kz::RUSSIAN_SURNAMES,
    kz::UZBEK_SURNAMES,
    kz::UKRAINIAN_SURNAMES,
    kz::UYGHUR_SURNAMES,
    kz::GERMAN_SURNAMES,
    kz::TATAR_SURNAMES,
    kz::KOREAN_SURNAMES,
    kz::OTHER_MUSLIM_SURNAMES,
    kz::OTHER_EUROPEAN_SURNAMES,
];

/// Kazakh names: the listed surnames with `-ов/-ев`, plain stems, then
/// (rarest) surnames formed from the men's given names.
pub(crate) static KAZAKH: LazyLock<NamePool> = LazyLock::new(|| {
    let taken: HashSet<&str> = OTHER_KZ_SURNAME_TABLES
        .iter()
        .flat_map(|table| entries(table))
        .collect();
    pool_with(
        kz::KAZAKH_MALE,
        kz::KAZAKH_FEMALE,
        &[kz::KAZAKH_SURNAMES, kz::KAZAKH_PLAIN_SURNAMES],
        |male| {
            male.iter()
                .map(surname_from_given)
                .filter(|(kk, ru)| !taken.contains(kk.as_str()) && !taken.contains(ru.as_str()))
                .map(|(kk, ru)| Spelled::new(kk, ru))
                .collect()
        },
        Style {
            kazakh_tables: true,
            declines: true,
            has_patronymic: true,
            kazakh_patronymic: true,
        },
    )
});

/// Russian names of Kazakhstan's residents.
pub(crate) static RUSSIAN: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::RUSSIAN_MALE,
        kz::RUSSIAN_FEMALE,
        &[kz::RUSSIAN_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Uzbek (and Tajik) names.
pub(crate) static UZBEK: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::UZBEK_MALE,
        kz::UZBEK_FEMALE,
        &[kz::UZBEK_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Ukrainian names.
pub(crate) static UKRAINIAN: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::UKRAINIAN_MALE,
        kz::UKRAINIAN_FEMALE,
        &[kz::UKRAINIAN_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Uyghur names.
pub(crate) static UYGHUR: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::UYGHUR_MALE,
        kz::UYGHUR_FEMALE,
        &[kz::UYGHUR_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// German names (surnames the same for both sexes).
pub(crate) static GERMAN: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::GERMAN_MALE,
        kz::GERMAN_FEMALE,
        &[kz::GERMAN_SURNAMES],
        Style {
            declines: false,
            ..RUSSIAN_STYLE
        },
    )
});

/// Tatar (and Bashkir) names.
pub(crate) static TATAR: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::TATAR_MALE,
        kz::TATAR_FEMALE,
        &[kz::TATAR_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Korean names (Koryo-saram: Russian given names, undeclined surnames).
pub(crate) static KOREAN: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::KOREAN_MALE,
        kz::KOREAN_FEMALE,
        &[kz::KOREAN_SURNAMES],
        Style {
            declines: false,
            ..RUSSIAN_STYLE
        },
    )
});

/// Other groups with Muslim names (Azerbaijanis, Turks, Kurds, Chechens,
/// Dungans …).
pub(crate) static OTHER_MUSLIM: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::OTHER_MUSLIM_MALE,
        kz::OTHER_MUSLIM_FEMALE,
        &[kz::OTHER_MUSLIM_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Other European groups (Belarusians, Poles, Moldovans, Greeks …).
pub(crate) static OTHER_EUROPEAN: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::OTHER_EUROPEAN_MALE,
        kz::OTHER_EUROPEAN_FEMALE,
        &[kz::OTHER_EUROPEAN_SURNAMES],
        RUSSIAN_STYLE,
    )
});

/// Spanish residents of Kazakhstan, names in Cyrillic transcription.
pub(crate) static SPANISH_IN_KZ: LazyLock<NamePool> = LazyLock::new(|| {
    pool(
        kz::SPANISH_IN_KZ_MALE,
        kz::SPANISH_IN_KZ_FEMALE,
        &[kz::SPANISH_IN_KZ_SURNAMES],
        Style {
            kazakh_tables: false,
            declines: false,
            has_patronymic: false,
            kazakh_patronymic: false,
        },
    )
});

/// The Kazakh pool's given names in Kazakh spelling, for membership tests.
pub(crate) static KAZAKH_GIVEN_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let pool: &'static NamePool = &KAZAKH;
    pool.male
        .iter()
        .chain(&pool.female)
        .map(|name| name.kk.as_str())
        .collect()
});

// ---------------------------------------------------------------------------
// Madrid.

/// Names of one origin as the padrón writes them.
#[derive(Debug)]
pub(crate) struct LatinPool {
    pub(crate) male: Vec<String>,
    pub(crate) female: Vec<String>,
    /// Men's surnames.
    pub(crate) surnames_male: Vec<String>,
    /// Women's surnames, aligned with `surnames_male`.
    pub(crate) surnames_female: Vec<String>,
    /// True when people carry two surnames (Hispanic naming).
    pub(crate) two_surnames: bool,
}

fn latin_pool(
    male: &'static str,
    female: &'static str,
    surnames: &'static str,
    two_surnames: bool,
) -> LatinPool {
    let owned = |table| {
        entries(table)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let surnames = owned(surnames);
    LatinPool {
        male: owned(male),
        female: owned(female),
        surnames_female: surnames.clone(),
        surnames_male: surnames,
        two_surnames,
    }
}

/// Spanish names.
pub(crate) static SPANISH: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::SPANISH_MALE,
        es::SPANISH_FEMALE,
        es::SPANISH_SURNAMES,
        true,
    )
});

/// Latin American names.
pub(crate) static LATAM: LazyLock<LatinPool> =
    LazyLock::new(|| latin_pool(es::LATAM_MALE, es::LATAM_FEMALE, es::LATAM_SURNAMES, true));

/// Romanian names.
pub(crate) static ROMANIAN: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::ROMANIAN_MALE,
        es::ROMANIAN_FEMALE,
        es::ROMANIAN_SURNAMES,
        false,
    )
});

/// Moroccan names.
pub(crate) static MOROCCAN: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::MOROCCAN_MALE,
        es::MOROCCAN_FEMALE,
        es::MOROCCAN_SURNAMES,
        false,
    )
});

/// Chinese names.
pub(crate) static CHINESE: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::CHINESE_MALE,
        es::CHINESE_FEMALE,
        es::CHINESE_SURNAMES,
        false,
    )
});

/// Italian names.
pub(crate) static ITALIAN: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::ITALIAN_MALE,
        es::ITALIAN_FEMALE,
        es::ITALIAN_SURNAMES,
        false,
    )
});

/// Ukrainian names (passport romanisation).
pub(crate) static UKRAINIAN_LATIN: LazyLock<LatinPool> = LazyLock::new(|| {
    latin_pool(
        es::UKRAINIAN_LATIN_MALE,
        es::UKRAINIAN_LATIN_FEMALE,
        es::UKRAINIAN_LATIN_SURNAMES,
        false,
    )
});

/// Kazakh nationals in Madrid: the Kazakh pool's Russian forms in the ICAO
/// 9303 transliteration their passports print, one surname (female form
/// for women).
pub(crate) static KAZAKH_PASSPORT: LazyLock<LatinPool> = LazyLock::new(|| {
    let pool: &NamePool = &KAZAKH;
    let icao = |names: &[Spelled]| names.iter().map(|name| icao_latin(&name.ru)).collect();
    LatinPool {
        male: icao(&pool.male),
        female: icao(&pool.female),
        surnames_male: icao(&pool.surnames_male),
        surnames_female: icao(&pool.surnames_female),
        two_surnames: false,
    }
});

/// Russian Cyrillic in the ICAO 9303 (2015) transliteration, as in
/// passports: the adapters' table (one definition).
pub(crate) fn icao_latin(russian: &str) -> String {
    govlab_adapters::translit::transliterate(
        govlab_adapters::translit::Scheme::RussianIcao,
        russian,
    )
    .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patronymics_follow_russian_rules() {
        let check = |father: &str, male: &str, female: &str| {
            assert_eq!(
                russian_patronymic(father),
                (male.to_owned(), female.to_owned()),
                "{father}"
            );
        };
        check("Болат", "Болатович", "Болатовна");
        check("Сергей", "Сергеевич", "Сергеевна");
        check("Николай", "Николаевич", "Николаевна");
        check("Василий", "Васильевич", "Васильевна");
        check("Евгений", "Евгеньевич", "Евгеньевна");
        check("Дмитрий", "Дмитриевич", "Дмитриевна");
        check("Игорь", "Игоревич", "Игоревна");
        check("Илья", "Ильич", "Ильинична");
        check("Абылай", "Абылаевич", "Абылаевна");
        check("Әли", "Әлиевич", "Әлиевна");
        check("Мұса", "Мұсаевич", "Мұсаевна");
        check("Қуаныш", "Қуанышевич", "Қуанышевна");
        check("Төлеу", "Төлеуович", "Төлеуовна");
    }

    #[test]
    fn surnames_decline_and_spell() {
        assert_eq!(feminine_surname("Иванов"), "Иванова");
        assert_eq!(feminine_surname("Сейфуллин"), "Сейфуллина");
        assert_eq!(feminine_surname("Покровский"), "Покровская");
        assert_eq!(feminine_surname("Толстой"), "Толстая");
        assert_eq!(feminine_surname("Коваленко"), "Коваленко");
        assert_eq!(feminine_surname("Черных"), "Черных");
        assert_eq!(russian_spelling("Сәрсенбаев"), "Сарсенбаев");
        assert_eq!(russian_spelling("Құдайбергенов"), "Кудайбергенов");
        assert_eq!(russian_spelling("Гүлнар"), "Гульнар");
        assert_eq!(russian_spelling("Айгүл"), "Айгуль");
        assert_eq!(russian_spelling("Гүлайым"), "Гулайым");
        assert_eq!(icao_latin("Жанар"), "Zhanar");
        assert_eq!(icao_latin("Асхат"), "Askhat");
        assert_eq!(icao_latin("Сарсенбаева"), "Sarsenbaeva");
    }

    fn kz_pools() -> [(&'static str, &'static NamePool); 11] {
        [
            ("kazakh", &KAZAKH),
            ("russian", &RUSSIAN),
            ("uzbek", &UZBEK),
            ("ukrainian", &UKRAINIAN),
            ("uyghur", &UYGHUR),
            ("german", &GERMAN),
            ("tatar", &TATAR),
            ("korean", &KOREAN),
            ("other_muslim", &OTHER_MUSLIM),
            ("other_european", &OTHER_EUROPEAN),
            ("spanish_in_kz", &SPANISH_IN_KZ),
        ]
    }

    #[test]
    fn pools_are_aligned_and_sized() {
        for (name, pool) in kz_pools() {
            assert_eq!(
                pool.surnames_male.len(),
                pool.surnames_female.len(),
                "{name}"
            );
            assert_eq!(pool.male.len(), pool.patronymics.len(), "{name}");
            for spelled in pool
                .male
                .iter()
                .chain(&pool.female)
                .chain(&pool.surnames_female)
            {
                assert_eq!(spelled.latin, kazakh_to_latin(&spelled.kk), "{name}");
                assert!(!spelled.kk.is_empty() && !spelled.ru.is_empty(), "{name}");
            }
        }
        // A few hundred names in the big groups, 20+ in the small ones.
        assert!(KAZAKH.male.len() >= 230 && KAZAKH.female.len() >= 180);
        assert!(
            KAZAKH.surnames_male.len() >= 350,
            "{}",
            KAZAKH.surnames_male.len()
        );
        assert!(RUSSIAN.male.len() >= 95 && RUSSIAN.female.len() >= 95);
        assert!(
            RUSSIAN.surnames_male.len() >= 250,
            "{}",
            RUSSIAN.surnames_male.len()
        );
        for (name, pool) in kz_pools() {
            assert!(pool.male.len() >= 20 && pool.female.len() >= 20, "{name}");
            assert!(pool.surnames_male.len() >= 20, "{name}");
        }
        assert_eq!(KAZAKH.surnames_female[0].kk, "Сәрсенбаева");
        assert_eq!(KAZAKH.surnames_female[0].ru, "Сарсенбаева");
        assert_eq!(KAZAKH.surnames_female[0].latin, "Särsenbaeva");
        let female = |pool: &NamePool, male: &str| {
            pool.surnames_male
                .iter()
                .position(|name| name.ru == male)
                .map(|index| pool.surnames_female[index].ru.clone())
        };
        assert_eq!(female(&KOREAN, "Ким").as_deref(), Some("Ким"));
        assert_eq!(female(&GERMAN, "Варкентин").as_deref(), Some("Варкентин"));
        assert_eq!(female(&TATAR, "Сафин").as_deref(), Some("Сафина"));
    }

    #[test]
    fn tables_have_no_duplicates() {
        for table in [
            kz::KAZAKH_MALE,
            kz::KAZAKH_FEMALE,
            kz::KAZAKH_SURNAMES,
            kz::KAZAKH_PLAIN_SURNAMES,
            kz::RUSSIAN_MALE,
            kz::RUSSIAN_FEMALE,
            kz::RUSSIAN_SURNAMES,
            kz::UZBEK_MALE,
            kz::UZBEK_FEMALE,
            kz::UZBEK_SURNAMES,
            kz::UKRAINIAN_MALE,
            kz::UKRAINIAN_FEMALE,
            kz::UKRAINIAN_SURNAMES,
            kz::UYGHUR_MALE,
            kz::UYGHUR_FEMALE,
            kz::UYGHUR_SURNAMES,
            kz::GERMAN_MALE,
            kz::GERMAN_FEMALE,
            kz::GERMAN_SURNAMES,
            kz::TATAR_MALE,
            kz::TATAR_FEMALE,
            kz::TATAR_SURNAMES,
            kz::KOREAN_MALE,
            kz::KOREAN_FEMALE,
            kz::KOREAN_SURNAMES,
            kz::OTHER_MUSLIM_MALE,
            kz::OTHER_MUSLIM_FEMALE,
            kz::OTHER_MUSLIM_SURNAMES,
            kz::OTHER_EUROPEAN_MALE,
            kz::OTHER_EUROPEAN_FEMALE,
            kz::OTHER_EUROPEAN_SURNAMES,
            es::SPANISH_MALE,
            es::SPANISH_FEMALE,
            es::SPANISH_SURNAMES,
            es::LATAM_MALE,
            es::LATAM_FEMALE,
            es::LATAM_SURNAMES,
            es::ROMANIAN_MALE,
            es::ROMANIAN_FEMALE,
            es::ROMANIAN_SURNAMES,
            es::MOROCCAN_MALE,
            es::MOROCCAN_FEMALE,
            es::MOROCCAN_SURNAMES,
            es::CHINESE_MALE,
            es::CHINESE_FEMALE,
            es::CHINESE_SURNAMES,
            es::ITALIAN_MALE,
            es::ITALIAN_FEMALE,
            es::ITALIAN_SURNAMES,
            es::UKRAINIAN_LATIN_MALE,
            es::UKRAINIAN_LATIN_FEMALE,
            es::UKRAINIAN_LATIN_SURNAMES,
        ] {
            let all: Vec<&str> = table
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .collect();
            let mut seen = HashSet::new();
            let duplicates: Vec<&&str> = all.iter().filter(|entry| !seen.insert(**entry)).collect();
            assert!(duplicates.is_empty(), "{duplicates:?}");
            assert!(all.iter().all(|entry| !entry.contains('?')), "{all:?}");
        }
    }

    #[test]
    fn surnames_belong_to_one_group() {
        // Every surname (either sex, either spelling) identifies its group:
        // what the counterfactual twins and the distribution tests rely on.
        let pools = kz_pools();
        for (index, (name, pool)) in pools.iter().enumerate() {
            let own: HashSet<&str> = pool
                .surnames_male
                .iter()
                .chain(&pool.surnames_female)
                .flat_map(|surname| [surname.kk.as_str(), surname.ru.as_str()])
                .collect();
            for (other_name, other) in &pools[index + 1..] {
                let clash: Vec<&str> = other
                    .surnames_male
                    .iter()
                    .chain(&other.surnames_female)
                    .flat_map(|surname| [surname.kk.as_str(), surname.ru.as_str()])
                    .filter(|surname| own.contains(surname))
                    .collect();
                assert!(clash.is_empty(), "{name} and {other_name}: {clash:?}");
            }
        }
    }

    #[test]
    fn madrid_pools_are_sized() {
        assert!(SPANISH.male.len() >= 150 && SPANISH.female.len() >= 150);
        assert!(SPANISH.surnames_male.len() >= 250);
        assert!(LATAM.male.len() >= 70 && LATAM.surnames_male.len() >= 140);
        for pool in [
            &*ROMANIAN,
            &*MOROCCAN,
            &*CHINESE,
            &*ITALIAN,
            &*UKRAINIAN_LATIN,
        ] {
            assert!(pool.male.len() >= 30 && pool.female.len() >= 30);
            assert!(pool.surnames_male.len() >= 40);
        }
        assert_eq!(KAZAKH_PASSPORT.surnames_female[0], "Sarsenbaeva");
        assert!(KAZAKH_PASSPORT.male.iter().all(|name| name.is_ascii()));
    }
}
