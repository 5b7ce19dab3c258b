//! Tests of `madrid.residents`: documents, addresses and the population
//! mix.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use super::*;
use crate::datasets::ids::{is_valid_dni, is_valid_nie};
use crate::datasets::{Dataset, GenConfig, Split};

fn context() -> Context {
    Context::new(&GenConfig::new(
        Dataset::MadridResidents,
        Split::Practice,
        5,
    ))
}

fn sample(n: u64) -> Vec<MadridResident> {
    let context = context();
    (0..n).map(|index| generate(&context, index)).collect()
}

#[test]
fn documents_are_valid() {
    for resident in sample(3000) {
        let valid = match resident.document_type.as_str() {
            "DNI" => is_valid_dni(&resident.document_number) && resident.nacionalidad == "ES",
            "NIE" => is_valid_nie(&resident.document_number) && resident.nacionalidad != "ES",
            _ => false,
        };
        assert!(valid, "{resident:?}");
        assert!(
            resident.fecha_alta >= resident.fecha_nacimiento,
            "{resident:?}"
        );
    }
}

/// The document of record `i` is `document(context, i, foreign)`, the
/// code path `generate` takes (checked on the first records below); over a
/// million indices every DNI is distinct and every NIE is distinct,
/// whichever records turn out Spanish or foreign.
#[test]
fn documents_are_unique_over_a_million_residents() {
    let context = context();
    for (index, resident) in sample(300).into_iter().enumerate() {
        let foreign = resident.document_type == "NIE";
        let (kind, number) = document(&context, index as u64, foreign);
        assert_eq!(
            (kind, number.as_str()),
            (
                resident.document_type.as_str(),
                resident.document_number.as_str()
            )
        );
    }
    let mut dnis = HashSet::with_capacity(1_000_000);
    let mut nies = HashSet::with_capacity(1_000_000);
    for index in 0..1_000_000 {
        let (_, dni) = document(&context, index, false);
        assert!(dnis.insert(dni), "record {index}: DNI repeats");
        let (_, nie) = document(&context, index, true);
        assert!(nies.insert(nie), "record {index}: NIE repeats");
    }
    println!(
        "distinct over 1,000,000 records: DNIs {}, NIEs {}",
        dnis.len(),
        nies.len()
    );
    assert_eq!((dnis.len(), nies.len()), (1_000_000, 1_000_000));
}

#[test]
fn older_spaniards_have_lower_dni_numbers() {
    let residents = sample(5000);
    let mean_number = |low: &str, high: &str| {
        let numbers: Vec<f64> = residents
            .iter()
            .filter(|r| r.document_type == "DNI")
            .filter(|r| (low..high).contains(&r.fecha_nacimiento.as_str()))
            .map(|r| r.document_number[..8].parse::<f64>().unwrap())
            .collect();
        numbers.iter().sum::<f64>() / numbers.len().max(1) as f64
    };
    assert!(mean_number("1930", "1960") < mean_number("1990", "2025"));
}

#[test]
fn barrios_belong_to_their_district() {
    for resident in sample(2000) {
        let address = &resident.domicilio;
        assert_eq!(&address.cod_barrio[..2], address.cod_distrito);
        assert!(address.cod_postal.starts_with("280"));
    }
}

/// 100,000 residents against the padrón: districts, foreign nationals,
/// born abroad, sex, ages, nationality mix, identifiers and names.
#[test]
fn a_hundred_thousand_residents_follow_the_padron() {
    const N: usize = 100_000;
    let residents = sample(N as u64);
    let share = |predicate: &dyn Fn(&MadridResident) -> bool| {
        residents.iter().filter(|r| predicate(r)).count() as f64 / N as f64
    };
    let lists = &*CODELISTS;
    let total: u64 = lists.districts.iter().map(|d| d.population).sum();
    for district in &lists.districts {
        let target = district.population as f64 / total as f64;
        let found = share(&|r| r.domicilio.cod_distrito == district.code);
        assert!(
            (found - target).abs() < 0.004,
            "{} {found} vs {target}",
            district.name
        );
    }
    let age_of = |resident: &MadridResident| -> i32 {
        2024 - resident.fecha_nacimiento[..4].parse::<i32>().unwrap_or(0)
    };
    let (children, elderly) = (share(&|r| age_of(r) < 15), share(&|r| age_of(r) >= 65));
    let foreign = share(&|r| r.nacionalidad != "ES");
    let born_abroad = share(&|r| r.pais_nacimiento != "ES");
    let men = share(&|r| r.sexo == "H");
    println!("| figure | published | generated (n = {N}) |");
    println!("| --- | --- | --- |");
    println!(
        "| foreign nationality | 20.0 % (1 Jan 2025) | {:.1} % |",
        100.0 * foreign
    );
    println!(
        "| born abroad | 30.2 % (1 Jan 2025) | {:.1} % |",
        100.0 * born_abroad
    );
    println!("| men | 46.9 % (1 Jan 2025) | {:.1} % |", 100.0 * men);
    println!("| aged 65+ | 20.2 % (2023) | {:.1} % |", 100.0 * elderly);
    println!(
        "| aged 0–14 | 13.1 % (1 Jan 2020) | {:.1} % |",
        100.0 * children
    );
    assert!((foreign - FOREIGN_SHARE).abs() < 0.005, "foreign {foreign}");
    assert!(
        (born_abroad - BORN_ABROAD_SHARE).abs() < 0.007,
        "born abroad {born_abroad}"
    );
    assert!((men - MALE_SHARE).abs() < 0.005, "men {men}");
    assert!((elderly - 0.202).abs() < 0.006, "65+ {elderly}");
    assert!((children - 0.131).abs() < 0.01, "0-14 {children}");

    // Nationality mix among foreigners.
    let foreigners: Vec<&MadridResident> = residents
        .iter()
        .filter(|r| r.nacionalidad != "ES")
        .collect();
    let mut by_country: HashMap<&str, usize> = HashMap::new();
    for resident in &foreigners {
        *by_country
            .entry(resident.nacionalidad.as_str())
            .or_default() += 1;
    }
    let weights: f64 = FOREIGN_ORIGINS.iter().map(|origin| origin.weight).sum();
    for origin in FOREIGN_ORIGINS {
        let expected = origin.weight / weights;
        let found =
            by_country.get(origin.country).copied().unwrap_or(0) as f64 / foreigners.len() as f64;
        assert!(
            (found - expected).abs() < 0.01,
            "{} {found} vs {expected}",
            origin.country
        );
    }

    // Identifiers and names.
    let documents: HashSet<&str> = residents
        .iter()
        .map(|r| r.document_number.as_str())
        .collect();
    assert_eq!(documents.len(), N);
    let full_names: HashSet<(&str, &str, Option<&str>)> = residents
        .iter()
        .map(|r| {
            (
                r.nombre.as_str(),
                r.apellido1.as_str(),
                r.apellido2.as_deref(),
            )
        })
        .collect();
    let given: HashSet<&str> = residents.iter().map(|r| r.nombre.as_str()).collect();
    let surnames: HashSet<&str> = residents.iter().map(|r| r.apellido1.as_str()).collect();
    println!(
        "distinct per {N}: full names (nombre, apellido1, apellido2) {}, given names {}, first surnames {}",
        full_names.len(),
        given.len(),
        surnames.len()
    );
    assert!(full_names.len() > 80_000, "{}", full_names.len());
    assert!(residents.iter().any(|r| r.nacionalidad == "KZ"));
}
