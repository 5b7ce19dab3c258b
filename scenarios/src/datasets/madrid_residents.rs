//! `madrid.residents`: padrón-style persons — a unique DNI for Spaniards
//! (older people lower numbers), a unique NIE for foreign residents (Kazakh
//! nationals included), names of each origin, district and barrio in
//! proportion to the district populations, and the city's shares of
//! foreign nationals, people born abroad, sexes and ages (sources next to
//! each figure below).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::codelists::CODELISTS;
use super::id_alloc::{YearRanges, dni_number, nie_parts};
use super::ids::{format_dni, format_nie};
use super::kz_citizens::{age_from_bands, birth_date_for_age};
use super::names::{
    CHINESE, ITALIAN, KAZAKH_PASSPORT, LATAM, LatinPool, MOROCCAN, ROMANIAN, SPANISH,
    UKRAINIAN_LATIN, pick_skewed, skewed,
};
use super::record::quoted;
use super::rng::{RecordRng, Weighted};
use super::time::{Date, is_leap};

/// A resident in `madrid.residents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadridResident {
    /// `MR-0000001` (1-based index).
    pub id: String,
    /// `DNI` or `NIE`.
    pub document_type: String,
    /// DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter).
    pub document_number: String,
    /// Given name(s).
    pub nombre: String,
    /// First surname.
    pub apellido1: String,
    /// Second surname (foreigners often have none).
    pub apellido2: Option<String>,
    /// `H` or `M`.
    pub sexo: String,
    /// `YYYY-MM-DD`.
    pub fecha_nacimiento: String,
    /// ISO 3166-1 alpha-2.
    pub nacionalidad: String,
    /// ISO 3166-1 alpha-2.
    pub pais_nacimiento: String,
    /// Registered address.
    pub domicilio: Domicilio,
    /// Date of registration in the padrón.
    pub fecha_alta: String,
}

/// A Madrid address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domicilio {
    /// `CALLE`, `AVENIDA`, `PASEO`, …
    pub tipo_via: String,
    /// Street name without its type.
    pub nombre_via: String,
    /// House number.
    pub numero: String,
    /// Floor, if any.
    pub planta: Option<String>,
    /// Door, if any.
    pub puerta: Option<String>,
    /// `280xx`.
    pub cod_postal: String,
    /// Two-digit district code.
    pub cod_distrito: String,
    /// District name.
    pub desc_distrito: String,
    /// `COD_DIST_BARRIO`: district and barrio, two digits each (`0101`).
    pub cod_barrio: String,
    /// Barrio name.
    pub desc_barrio: String,
    /// INE municipality code, `28079`.
    pub municipio: String,
}

/// Madrid's age structure, all residents, share per 5-year band from 0–4
/// to 85+ (the last band is 85–99). 65+ = 20.2 % as published for 2023
/// ("El municipio en cifras", Comunidad de Madrid: Madrid, porcentaje de
/// población de 65 y más años, 2023); 0–14 = 12.9 % against 13.1 % in the
/// padrón of 1 January 2020 (Ayuntamiento de Madrid). The shape of the
/// other bands is approximate.
pub(crate) const MADRID_AGE_BANDS: [f64; 18] = [
    3.9, 4.3, 4.7, 4.7, 5.2, 6.6, 7.2, 7.0, 7.8, 8.3, 8.0, 7.4, 6.5, 5.4, 4.7, 3.8, 2.9, 3.4,
];

/// Foreign nationals' age structure: younger, more weight on 20–49
/// (approximate shape; not a published table).
const FOREIGN_AGE_BANDS: [f64; 18] = [
    4.0, 4.5, 4.5, 5.0, 8.5, 11.5, 12.5, 12.0, 10.5, 8.5, 6.5, 4.5, 3.0, 1.8, 1.2, 0.8, 0.5, 0.3,
];

/// Share of residents with a foreign nationality: 20 % (padrón of
/// 1 January 2025, Ayuntamiento de Madrid: 3,527,924 residents, 80 %
/// Spanish, 20 % foreign).
pub(crate) const FOREIGN_SHARE: f64 = 0.20;

/// Share of residents born abroad: 30.2 % (same padrón, 1 January 2025:
/// 1,066,182 born abroad). Earlier releases: 26.3 % on 1 January 2023,
/// 28.8 % on 1 January 2024.
pub(crate) const BORN_ABROAD_SHARE: f64 = 0.302;

/// Share of men: 46.9 % (same padrón, 1 January 2025: 1,655,762 men).
pub(crate) const MALE_SHARE: f64 = 0.469;

/// Foreign children (under 15) born in Spain: a synthetic choice.
const FOREIGN_CHILDREN_BORN_IN_SPAIN: f64 = 0.3;

/// A foreign nationality present in Madrid, its weight among foreign
/// residents and its name pool.
pub(crate) struct ForeignOrigin {
    pub(crate) country: &'static str,
    pub(crate) weight: f64,
    pub(crate) pool: &'static LazyLock<LatinPool>,
}

/// Foreign nationalities of Madrid residents. Weights approximate the
/// ranking of the padrón releases (Latin Americans are the majority of the
/// foreign-born; Colombia, Venezuela and Peru led new registrations in
/// 2022–2024; China, Romania, Italy, Honduras, Paraguay, Ecuador and
/// Morocco follow); they are not a published table. Kazakhstan is
/// over-represented on purpose: the lab's cross-border cases need Kazakh
/// nationals.
pub(crate) static FOREIGN_ORIGINS: &[ForeignOrigin] = &[
    ForeignOrigin {
        country: "CO",
        weight: 12.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "VE",
        weight: 12.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "PE",
        weight: 7.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "CN",
        weight: 7.0,
        pool: &CHINESE,
    },
    ForeignOrigin {
        country: "RO",
        weight: 6.0,
        pool: &ROMANIAN,
    },
    ForeignOrigin {
        country: "HN",
        weight: 6.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "IT",
        weight: 6.0,
        pool: &ITALIAN,
    },
    ForeignOrigin {
        country: "EC",
        weight: 4.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "PY",
        weight: 4.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "MA",
        weight: 4.0,
        pool: &MOROCCAN,
    },
    ForeignOrigin {
        country: "UA",
        weight: 4.0,
        pool: &UKRAINIAN_LATIN,
    },
    ForeignOrigin {
        country: "AR",
        weight: 4.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "DO",
        weight: 3.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "BO",
        weight: 2.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "SV",
        weight: 2.0,
        pool: &LATAM,
    },
    ForeignOrigin {
        country: "KZ",
        weight: 3.0,
        pool: &KAZAKH_PASSPORT,
    },
];

/// Countries of birth of Spaniards born abroad (naturalised Latin
/// Americans first, then Spaniards born to emigrants): (country, weight,
/// Latin American naming). Approximate, not a published table.
const SPANIARDS_BORN_ABROAD: &[(&str, f64, bool)] = &[
    ("EC", 14.0, true),
    ("CO", 13.0, true),
    ("PE", 12.0, true),
    ("VE", 12.0, true),
    ("AR", 9.0, true),
    ("DO", 8.0, true),
    ("BO", 5.0, true),
    ("CU", 5.0, true),
    ("MA", 6.0, false),
    ("FR", 6.0, false),
    ("DE", 5.0, false),
    ("CH", 5.0, false),
];

/// Streets per district code: (tipo_via, nombre_via).
const STREETS: &[(&str, &[(&str, &str)])] = &[
    (
        "01",
        &[
            ("CALLE", "Mayor"),
            ("CALLE", "de Toledo"),
            ("CALLE", "de Atocha"),
            ("CALLE", "de Fuencarral"),
        ],
    ),
    (
        "02",
        &[
            ("PASEO", "de las Delicias"),
            ("CALLE", "de Embajadores"),
            ("PASEO", "de la Chopera"),
        ],
    ),
    (
        "03",
        &[
            ("AVENIDA", "de Menéndez Pelayo"),
            ("CALLE", "del Doctor Esquerdo"),
            ("CALLE", "de Ibiza"),
        ],
    ),
    (
        "04",
        &[
            ("CALLE", "de Alcalá"),
            ("CALLE", "de Goya"),
            ("CALLE", "de Serrano"),
            ("CALLE", "de Francisco Silvela"),
        ],
    ),
    (
        "05",
        &[
            ("CALLE", "de López de Hoyos"),
            ("AVENIDA", "de Alfonso XIII"),
            ("CALLE", "del Príncipe de Vergara"),
        ],
    ),
    (
        "06",
        &[
            ("CALLE", "de Bravo Murillo"),
            ("CALLE", "de la Infanta Mercedes"),
            ("CALLE", "del Marqués de Viana"),
        ],
    ),
    (
        "07",
        &[
            ("CALLE", "de Santa Engracia"),
            ("CALLE", "de Ríos Rosas"),
            ("CALLE", "de Fernández de los Ríos"),
        ],
    ),
    (
        "08",
        &[
            ("AVENIDA", "de Monforte de Lemos"),
            ("CALLE", "de Sinesio Delgado"),
            ("AVENIDA", "de la Ilustración"),
        ],
    ),
    (
        "09",
        &[
            ("CALLE", "de la Princesa"),
            ("PASEO", "de Moret"),
            ("CALLE", "de Ferraz"),
        ],
    ),
    (
        "10",
        &[
            ("PASEO", "de Extremadura"),
            ("AVENIDA", "de los Poblados"),
            ("CALLE", "de Illescas"),
        ],
    ),
    (
        "11",
        &[
            ("CALLE", "del General Ricardos"),
            ("VIA", "Carpetana"),
            ("CALLE", "de Eugenia de Montijo"),
        ],
    ),
    (
        "12",
        &[
            ("AVENIDA", "de Rafaela Ybarra"),
            ("CALLE", "de Marcelo Usera"),
            ("CALLE", "de Antonio López"),
        ],
    ),
    (
        "13",
        &[
            ("AVENIDA", "de la Albufera"),
            ("AVENIDA", "de San Diego"),
            ("CALLE", "de Martínez de la Riva"),
        ],
    ),
    (
        "14",
        &[
            ("AVENIDA", "de Moratalaz"),
            ("CALLE", "del Arroyo Belincoso"),
            ("CALLE", "de Fuente Carrantona"),
        ],
    ),
    (
        "15",
        &[
            ("CALLE", "de Arturo Soria"),
            ("CALLE", "de Hermanos García Noblejas"),
            ("CALLE", "de Alcalá"),
        ],
    ),
    (
        "16",
        &[
            ("AVENIDA", "de San Luis"),
            ("CALLE", "de Silvano"),
            ("CALLE", "de López de Hoyos"),
        ],
    ),
    (
        "17",
        &[
            ("AVENIDA", "de Andalucía"),
            ("CALLE", "del Doctor Martín Arévalo"),
            ("CALLE", "de Alcocer"),
        ],
    ),
    (
        "18",
        &[
            ("AVENIDA", "de la Gran Vía del Sureste"),
            ("CALLE", "del Real de Arganda"),
            ("CALLE", "del Congosto"),
        ],
    ),
    (
        "19",
        &[
            ("PASEO", "de los Artilleros"),
            ("CALLE", "de San Cipriano"),
            ("BULEVAR", "de Indalecio Prieto"),
        ],
    ),
    (
        "20",
        &[
            ("CALLE", "de Alcalá"),
            ("AVENIDA", "de Arcentales"),
            ("CALLE", "de Amposta"),
        ],
    ),
    (
        "21",
        &[
            ("AVENIDA", "de Logroño"),
            ("CALLE", "de la Playa de Riazor"),
            ("PASEO", "de la Alameda de Osuna"),
        ],
    ),
];

/// The streets of a district (falls back to the first district's).
pub(crate) fn streets_of(district: &str) -> &'static [(&'static str, &'static str)] {
    STREETS
        .iter()
        .find(|(code, _)| *code == district)
        .map_or(STREETS[0].1, |(_, streets)| streets)
}

struct Tables {
    districts: Weighted,
    barrios: Vec<Vec<usize>>,
    foreign_ages: Weighted,
    origins: Weighted,
    countries_of_birth: Weighted,
    /// DNI numbers by birth year, oldest first, sized by the Spaniards' age
    /// pyramid.
    dni_years: YearRanges,
    /// Probability that an adult (18+) Spaniard was born abroad, chosen so
    /// that [`BORN_ABROAD_SHARE`] of all residents are.
    adult_spaniard_born_abroad: f64,
}

/// Normalised shares of a band table.
fn shares(bands: &[f64; 18]) -> [f64; 18] {
    let total: f64 = bands.iter().sum();
    bands.map(|band| band / total)
}

/// The Spaniards' age structure: all residents minus the foreign ones.
pub(crate) fn spanish_age_bands() -> [f64; 18] {
    let (all, foreign) = (shares(&MADRID_AGE_BANDS), shares(&FOREIGN_AGE_BANDS));
    let mut spanish = [0.0; 18];
    for (band, slot) in spanish.iter_mut().enumerate() {
        *slot = ((all[band] - FOREIGN_SHARE * foreign[band]) / (1.0 - FOREIGN_SHARE)).max(0.0005);
    }
    shares(&spanish)
}

/// `(birth year, weight)` for birth years 1925–2024, oldest first.
fn birth_year_weights(bands: &[f64; 18]) -> Vec<(i32, f64)> {
    (0..100u32)
        .rev()
        .map(|age| {
            let band = (age / 5).min(17) as usize;
            let width = if band == 17 { 15.0 } else { 5.0 };
            (2024 - age as i32, bands[band] / width)
        })
        .collect()
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let lists = &*CODELISTS;
    let spanish = spanish_age_bands();
    let foreign = shares(&FOREIGN_AGE_BANDS);
    let foreign_children: f64 = foreign[..3].iter().sum();
    // Ages 18+ are bands 4.. and two fifths of 15–19.
    let adult_spaniards: f64 = spanish[4..].iter().sum::<f64>() + 0.4 * spanish[3];
    let foreign_born_abroad =
        FOREIGN_SHARE * (1.0 - FOREIGN_CHILDREN_BORN_IN_SPAIN * foreign_children);
    Tables {
        districts: Weighted::new(lists.districts.iter().map(|d| d.population as f64)),
        barrios: lists
            .districts
            .iter()
            .map(|district| {
                lists
                    .barrios
                    .iter()
                    .enumerate()
                    .filter(|(_, barrio)| barrio.district == district.code)
                    .map(|(index, _)| index)
                    .collect()
            })
            .collect(),
        foreign_ages: Weighted::new(FOREIGN_AGE_BANDS),
        origins: Weighted::new(FOREIGN_ORIGINS.iter().map(|origin| origin.weight)),
        countries_of_birth: Weighted::new(
            SPANIARDS_BORN_ABROAD.iter().map(|&(_, weight, _)| weight),
        ),
        dni_years: YearRanges::new(super::id_alloc::DNI_SLOTS, &birth_year_weights(&spanish)),
        adult_spaniard_born_abroad: ((BORN_ABROAD_SHARE - foreign_born_abroad)
            / ((1.0 - FOREIGN_SHARE) * adult_spaniards))
            .clamp(0.0, 1.0),
    }
});

/// A district index drawn in proportion to population, and a barrio index
/// (into the code list) within it.
pub(crate) fn district_and_barrio(rng: &mut RecordRng) -> (usize, usize) {
    let tables = &*TABLES;
    let district = tables.districts.sample(rng);
    let barrios = &tables.barrios[district];
    (district, barrios[rng.index(barrios.len())])
}

/// The identity part of a resident.
struct Person {
    document_type: &'static str,
    document_number: String,
    nombre: String,
    apellido1: String,
    apellido2: Option<String>,
    nacionalidad: &'static str,
    pais_nacimiento: &'static str,
    birth: Date,
}

/// Given name and surname(s) from a pool (a second surname for Hispanic
/// names, rarely the same as the first).
fn names(rng: &mut RecordRng, pool: &LatinPool, male: bool) -> (String, String, Option<String>) {
    let nombre = if male {
        pick_skewed(rng, &pool.male)
    } else {
        pick_skewed(rng, &pool.female)
    }
    .clone();
    let surname = skewed(rng, pool.surnames_male.len());
    let surnames = if male {
        &pool.surnames_male
    } else {
        &pool.surnames_female
    };
    let apellido1 = surnames[surname].clone();
    let apellido2 = pool.two_surnames.then(|| {
        let mut second = pick_skewed(rng, &pool.surnames_male);
        if *second == apellido1 {
            // Identical surnames happen, but far less than chance.
            second = pick_skewed(rng, &pool.surnames_male);
        }
        second.clone()
    });
    (nombre, apellido1, apellido2)
}

/// The document (DNI or NIE) of record `index`: what
/// [`generate`] writes, without the rest of the record.
pub(crate) fn document(context: &Context, index: u64, foreign: bool) -> (&'static str, String) {
    if foreign {
        let (prefix, number) = nie_parts(&context.key, index);
        ("NIE", format_nie(prefix, number))
    } else {
        let (number, _) = dni_number(&context.key, index, &TABLES.dni_years);
        ("DNI", format_dni(number))
    }
}

fn foreign_person(context: &Context, index: u64, rng: &mut RecordRng, male: bool) -> Person {
    let tables = &*TABLES;
    let age = age_from_bands(rng, &tables.foreign_ages);
    let birth = birth_date_for_age(rng, age);
    let origin = &FOREIGN_ORIGINS[tables.origins.sample(rng)];
    let (nombre, apellido1, apellido2) = names(rng, origin.pool, male);
    let (document_type, document_number) = document(context, index, true);
    let born_in_spain = age < 15 && rng.chance(FOREIGN_CHILDREN_BORN_IN_SPAIN);
    Person {
        document_type,
        document_number,
        nombre,
        apellido1,
        apellido2,
        nacionalidad: origin.country,
        pais_nacimiento: if born_in_spain { "ES" } else { origin.country },
        birth,
    }
}

fn spanish_person(context: &Context, index: u64, rng: &mut RecordRng, male: bool) -> Person {
    let tables = &*TABLES;
    // The DNI slot fixes the birth year (older people, lower numbers).
    let (number, year) = dni_number(&context.key, index, &tables.dni_years);
    let days = if is_leap(year) { 366 } else { 365 };
    let birth = Date::new(year, 1, 1).add_days(rng.below(days) as i64);
    let born_abroad = 2024 - year >= 18 && rng.chance(tables.adult_spaniard_born_abroad);
    let (pais_nacimiento, latin_american) = if born_abroad {
        let (country, _, latin_american) =
            SPANIARDS_BORN_ABROAD[tables.countries_of_birth.sample(rng)];
        (country, latin_american)
    } else {
        ("ES", false)
    };
    let pool: &LatinPool = if latin_american { &LATAM } else { &SPANISH };
    let (nombre, apellido1, apellido2) = names(rng, pool, male);
    Person {
        document_type: "DNI",
        document_number: format_dni(number),
        nombre,
        apellido1,
        apellido2,
        nacionalidad: "ES",
        pais_nacimiento,
        birth,
    }
}

/// Generates resident `index`.
pub(crate) fn generate(context: &Context, index: u64) -> MadridResident {
    let mut rng = context.key.record(index);
    let lists = &*CODELISTS;

    let (district_index, barrio_index) = district_and_barrio(&mut rng);
    let district = &lists.districts[district_index];
    let barrio = &lists.barrios[barrio_index];
    let foreign = rng.chance(FOREIGN_SHARE);
    let male = rng.chance(MALE_SHARE);
    let Person {
        document_type,
        document_number,
        nombre,
        apellido1,
        apellido2,
        nacionalidad,
        pais_nacimiento,
        birth,
    } = if foreign {
        foreign_person(context, index, &mut rng, male)
    } else {
        spanish_person(context, index, &mut rng, male)
    };

    let earliest = if foreign || pais_nacimiento != "ES" {
        birth.to_days().max(Date::new(2000, 1, 1).to_days())
    } else {
        birth.to_days()
    };
    let latest = Date::new(2024, 12, 31).to_days();
    let alta = if earliest >= latest {
        Date::from_days(latest)
    } else {
        // Skewed towards recent registrations (people move).
        let span = (latest - earliest) as f64;
        Date::from_days(latest - (span * rng.unit().powi(2)) as i64)
    };

    let (tipo_via, nombre_via) = *rng.pick(streets_of(&district.code));
    let house = rng.chance(0.08);
    let domicilio = Domicilio {
        tipo_via: tipo_via.to_owned(),
        nombre_via: nombre_via.to_owned(),
        numero: (1 + skewed(&mut rng, 220)).to_string(),
        planta: (!house).then(|| {
            if rng.chance(0.12) {
                "BJ".to_owned()
            } else {
                (1 + rng.below(9)).to_string()
            }
        }),
        puerta: (!house).then(|| {
            rng.pick(&["A", "B", "C", "D", "IZ", "DR", "1", "2", "3"])
                .to_string()
        }),
        cod_postal: barrio.postcode.clone(),
        cod_distrito: district.code.clone(),
        desc_distrito: district.name.clone(),
        cod_barrio: barrio.code.clone(),
        desc_barrio: barrio.name.clone(),
        municipio: "28079".to_owned(),
    };

    MadridResident {
        id: format!("MR-{:07}", index + 1),
        document_type: document_type.to_owned(),
        document_number,
        nombre,
        apellido1,
        apellido2,
        sexo: if male { "H" } else { "M" }.to_owned(),
        fecha_nacimiento: birth.iso(),
        nacionalidad: nacionalidad.to_owned(),
        pais_nacimiento: pais_nacimiento.to_owned(),
        domicilio,
        fecha_alta: alta.iso(),
    }
}

/// Header of the CSV layout (padrón style: every field quoted).
pub(crate) const CSV_HEADER: &str = "\"COD_DISTRITO\";\"DESC_DISTRITO\";\"COD_DIST_BARRIO\";\"DESC_BARRIO\";\"COD_BARRIO\";\"ID\";\"TIPO_DOCUMENTO\";\"NUM_DOCUMENTO\";\"NOMBRE\";\"APELLIDO1\";\"APELLIDO2\";\"SEXO\";\"FECHA_NACIMIENTO\";\"NACIONALIDAD\";\"PAIS_NACIMIENTO\";\"TIPO_VIA\";\"NOMBRE_VIA\";\"NUMERO\";\"PLANTA\";\"PUERTA\";\"COD_POSTAL\";\"MUNICIPIO\";\"FECHA_ALTA\"";

/// Pads upper-cased text with trailing spaces to `width` characters.
pub(crate) fn padded_upper(text: &str, width: usize) -> String {
    let upper = text.to_uppercase();
    let len = upper.chars().count();
    format!("{upper}{}", " ".repeat(width.saturating_sub(len)))
}

impl MadridResident {
    /// One CSV row in the padrón style: every field quoted, district and
    /// barrio names upper case padded to 20 characters, codes without
    /// leading zeros, missing values as empty strings.
    pub(crate) fn write_csv_row(&self, out: &mut String) {
        let address = &self.domicilio;
        let unpadded = |code: &str| code.trim_start_matches('0').to_owned();
        // `cod_barrio` is district (2 digits) + barrio (2 digits): the
        // padrón writes `COD_DIST_BARRIO` as that number (`101`) and
        // `COD_BARRIO` as the barrio alone (`1`).
        let barrio_number = address
            .cod_barrio
            .get(2..)
            .map(unpadded)
            .unwrap_or_default();
        let cells = [
            unpadded(&address.cod_distrito),
            padded_upper(&address.desc_distrito, 20),
            unpadded(&address.cod_barrio),
            padded_upper(&address.desc_barrio, 20),
            barrio_number,
            self.id.clone(),
            self.document_type.clone(),
            self.document_number.clone(),
            self.nombre.clone(),
            self.apellido1.clone(),
            self.apellido2.clone().unwrap_or_default(),
            self.sexo.clone(),
            self.fecha_nacimiento.clone(),
            self.nacionalidad.clone(),
            self.pais_nacimiento.clone(),
            address.tipo_via.clone(),
            address.nombre_via.clone(),
            address.numero.clone(),
            address.planta.clone().unwrap_or_default(),
            address.puerta.clone().unwrap_or_default(),
            address.cod_postal.clone(),
            address.municipio.clone(),
            self.fecha_alta.clone(),
        ];
        for (position, cell) in cells.iter().enumerate() {
            if position > 0 {
                out.push(';');
            }
            quoted(out, cell);
        }
    }
}

#[cfg(test)]
mod tests;
