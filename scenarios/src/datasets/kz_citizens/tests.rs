//! Tests of `kz.citizens`: identifiers, names and the population mix.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use super::*;
use crate::datasets::ids::{IinSex, iin_birth, is_valid_iin};
use crate::datasets::translit::kazakh_to_latin;

fn key() -> StreamKey {
    StreamKey::new(11, "practice", "kz.citizens")
}

fn sample(n: u64) -> Vec<KzCitizen> {
    let key = key();
    (0..n).map(|index| generate(&key, index)).collect()
}

#[test]
fn iins_are_valid_and_agree_with_birth_date_and_sex() {
    for citizen in sample(3000) {
        assert!(is_valid_iin(&citizen.iin), "{}", citizen.iin);
        let ((year, month, day), sex) = iin_birth(&citizen.iin).unwrap();
        assert_eq!(citizen.birth_date, format!("{year:04}-{month:02}-{day:02}"));
        let expected = if citizen.sex == "male" {
            IinSex::Male
        } else {
            IinSex::Female
        };
        assert_eq!(sex, expected, "{}", citizen.iin);
        let serial: u32 = citizen.iin[7..11].parse().unwrap();
        assert!(serial < 4000, "{}", citizen.iin);
    }
}

/// The IIN of record `i` is `birth_slot(key, i).iin()`, the code path
/// `generate` takes (checked on the first records below); a million of
/// them are distinct.
#[test]
fn iins_are_unique_over_a_million_citizens() {
    let key = key();
    for (index, citizen) in sample(200).into_iter().enumerate() {
        assert_eq!(citizen.iin, birth_slot(&key, index as u64).iin());
    }
    let mut seen = HashSet::with_capacity(1_000_000);
    for index in 0..1_000_000 {
        let iin = birth_slot(&key, index).iin();
        let number: u64 = iin.parse().unwrap();
        assert!(seen.insert(number), "record {index}: {iin} repeats");
    }
    assert_eq!(seen.len(), 1_000_000);
    // Capacity: far more than Kazakhstan's 20 million residents.
    println!(
        "distinct IINs over 1,000,000 records: {}; capacity {}",
        seen.len(),
        iin_capacity()
    );
    assert!(iin_capacity() > 60_000_000, "{}", iin_capacity());
}

#[test]
fn latin_names_transliterate_the_kazakh_forms() {
    for citizen in sample(500) {
        assert_eq!(kazakh_to_latin(&citizen.surname_kk), citizen.surname_latin);
        assert_eq!(
            kazakh_to_latin(&citizen.given_name_kk),
            citizen.given_name_latin
        );
        assert_eq!(
            citizen.patronymic_kk.as_deref().map(kazakh_to_latin),
            citizen.patronymic_latin
        );
    }
}

#[test]
fn regions_and_citizenships_are_mixed() {
    let citizens = sample(4000);
    let share = |predicate: &dyn Fn(&KzCitizen) -> bool| {
        citizens.iter().filter(|citizen| predicate(citizen)).count() as f64 / 4000.0
    };
    let almaty = share(&|citizen| citizen.address.kato.starts_with("75"));
    assert!((0.08..0.14).contains(&almaty), "almaty {almaty}");
    assert!(share(&|citizen| citizen.citizenship == "ES") > 0.003);
    assert!(
        share(&|citizen| citizen
            .patronymic_kk
            .as_deref()
            .is_some_and(|p| p.ends_with("ұлы")))
            > 0.05
    );
    let children = share(&|citizen| citizen.birth_date.as_str() > "2010-01-01");
    assert!((0.22..0.34).contains(&children), "children {children}");
}

/// Which pool a surname (Russian spelling, either sex) belongs to.
fn surname_groups() -> HashMap<String, &'static str> {
    let pools: [(&'static str, &'static NamePool); 11] = [
        ("Kazakh", &KAZAKH),
        ("Russian", &RUSSIAN),
        ("Uzbek", &UZBEK),
        ("Ukrainian", &UKRAINIAN),
        ("Uyghur", &UYGHUR),
        ("German", &GERMAN),
        ("Tatar", &TATAR),
        ("Korean", &KOREAN),
        ("Other (Muslim names)", &OTHER_MUSLIM),
        ("Other (European names)", &OTHER_EUROPEAN),
        ("Spanish", &SPANISH_IN_KZ),
    ];
    let mut groups = HashMap::new();
    for (name, pool) in pools {
        for surname in pool.surnames_male.iter().chain(&pool.surnames_female) {
            groups.insert(surname.ru.clone(), name);
        }
    }
    groups
}

/// 100,000 citizens against the 2021 census: each group's share of the
/// residents who are not Spanish (surnames identify the group: no surname
/// is in two pools) within 0.5 points, and the other mixes.
#[test]
fn a_hundred_thousand_citizens_follow_the_census() {
    const N: usize = 100_000;
    let citizens = sample(N as u64);
    let groups = surname_groups();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for citizen in &citizens {
        let group = groups
            .get(&citizen.surname_ru)
            .copied()
            .unwrap_or("unknown");
        *counts.entry(group).or_default() += 1;
    }
    assert_eq!(counts.get("unknown"), None, "{counts:?}");
    let spanish = counts.get("Spanish").copied().unwrap_or(0);
    let residents = (N - spanish) as f64;
    let census_total: u64 = CENSUS_2021.iter().map(|&(_, count)| count).sum();
    assert_eq!(census_total, 19_186_015);
    let name_of = |group: Group| match group {
        Group::Kazakh => "Kazakh",
        Group::Russian => "Russian",
        Group::Uzbek => "Uzbek",
        Group::Ukrainian => "Ukrainian",
        Group::Uyghur => "Uyghur",
        Group::German => "German",
        Group::Tatar => "Tatar",
        Group::Korean => "Korean",
        Group::OtherMuslim => "Other (Muslim names)",
        Group::OtherEuropean => "Other (European names)",
    };
    println!("| group | census 2021 % | generated % (n = {residents}) |");
    println!("| --- | --- | --- |");
    for &(group, count) in CENSUS_2021 {
        let expected = 100.0 * count as f64 / census_total as f64;
        let found = 100.0 * counts.get(name_of(group)).copied().unwrap_or(0) as f64 / residents;
        println!("| {} | {expected:.2} | {found:.2} |", name_of(group));
        assert!(
            (found - expected).abs() < 0.5,
            "{}: {found:.2} % vs census {expected:.2} %",
            name_of(group)
        );
    }
    let spanish_share = spanish as f64 / N as f64;
    assert!(
        (spanish_share - SPANISH_SHARE).abs() < 0.002,
        "{spanish_share}"
    );

    // Citizenship, sex and age.
    let share = |predicate: &dyn Fn(&KzCitizen) -> bool| {
        citizens.iter().filter(|citizen| predicate(citizen)).count() as f64 / N as f64
    };
    let kz = share(&|citizen| citizen.citizenship == "KZ");
    assert!((kz - 0.96).abs() < 0.005, "KZ citizens {kz}");
    let ru = share(&|citizen| citizen.citizenship == "RU");
    assert!((ru - 0.014 * 0.992).abs() < 0.002, "RU citizens {ru}");
    let men = share(&|citizen| citizen.sex == "male");
    assert!((men - MALE_SHARE).abs() < 0.005, "men {men}");
    let age_share = |low: u32, high: u32| share(&|citizen| (low..high).contains(&age_of(citizen)));
    let bands_total: f64 = KZ_AGE_BANDS.iter().sum();
    let band_share =
        |low: usize, high: usize| KZ_AGE_BANDS[low..high].iter().sum::<f64>() / bands_total;
    let (under_15, over_65) = (age_share(0, 15), age_share(65, 200));
    println!(
        "under 15: {under_15:.4} (bands {:.4}); 65+: {over_65:.4} (bands {:.4})",
        band_share(0, 3),
        band_share(13, 18)
    );
    assert!((under_15 - band_share(0, 3)).abs() < 0.006, "{under_15}");
    assert!((over_65 - band_share(13, 18)).abs() < 0.004, "{over_65}");

    // Identifiers and names.
    let iins: HashSet<&str> = citizens
        .iter()
        .map(|citizen| citizen.iin.as_str())
        .collect();
    assert_eq!(iins.len(), N);
    let full_names: HashSet<(&str, &str, Option<&str>)> = citizens
        .iter()
        .map(|citizen| {
            (
                citizen.surname_ru.as_str(),
                citizen.given_name_ru.as_str(),
                citizen.patronymic_ru.as_deref(),
            )
        })
        .collect();
    let without_patronymic: HashSet<(&str, &str)> = citizens
        .iter()
        .map(|citizen| (citizen.surname_ru.as_str(), citizen.given_name_ru.as_str()))
        .collect();
    let given: HashSet<&str> = citizens.iter().map(|c| c.given_name_ru.as_str()).collect();
    let surnames: HashSet<&str> = citizens.iter().map(|c| c.surname_ru.as_str()).collect();
    println!(
        "distinct per {N}: full names (surname, given, patronymic) {}, surname + given {}, given names {}, surnames {}",
        full_names.len(),
        without_patronymic.len(),
        given.len(),
        surnames.len()
    );
    assert!(full_names.len() > 80_000, "{}", full_names.len());
    assert!(given.len() > 700, "{}", given.len());
    assert!(surnames.len() > 1000, "{}", surnames.len());
}
