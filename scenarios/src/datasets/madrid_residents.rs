//! `madrid.residents`: padrón-style persons — DNI for Spaniards, NIE for
//! foreign residents (Kazakh nationals included), district and barrio in
//! proportion to the real district populations, a plausible age pyramid.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::codelists::CODELISTS;
use super::ids::{format_dni, format_nie};
use super::kz_citizens::{age_from_bands, birth_date_for_age};
use super::names::{ES_FEMALE, ES_MALE, ES_SURNAMES, FOREIGN_ORIGINS, pick_skewed, skewed};
use super::record::quoted;
use super::rng::Weighted;
use super::time::Date;

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
    /// `COD_DIST_BARRIO`, three digits.
    pub cod_barrio: String,
    /// Barrio name.
    pub desc_barrio: String,
    /// INE municipality code, `28079`.
    pub municipio: String,
}

/// Madrid's age structure (padrón ≈ 2023), share per 5-year band from 0–4
/// to 85+ (the last band is 85–99).
pub(crate) const MADRID_AGE_BANDS: [f64; 18] = [
    3.9, 4.3, 4.7, 4.7, 5.2, 6.6, 7.2, 7.2, 8.0, 8.5, 8.0, 7.4, 6.5, 5.4, 4.7, 3.8, 2.9, 3.2,
];

/// Foreign residents are younger: more weight on 20–49.
const FOREIGN_AGE_BANDS: [f64; 18] = [
    4.0, 4.5, 4.5, 5.0, 8.5, 11.5, 12.5, 12.0, 10.5, 8.5, 6.5, 4.5, 3.0, 1.8, 1.2, 0.8, 0.5, 0.3,
];

/// Share of residents with a foreign nationality.
pub(crate) const FOREIGN_SHARE: f64 = 0.165;

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
    ages: Weighted,
    foreign_ages: Weighted,
    origins: Weighted,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let lists = &*CODELISTS;
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
        ages: Weighted::new(MADRID_AGE_BANDS),
        foreign_ages: Weighted::new(FOREIGN_AGE_BANDS),
        origins: Weighted::new(FOREIGN_ORIGINS.iter().map(|origin| origin.weight)),
    }
});

/// A district index drawn in proportion to population, and a barrio index
/// (into the code list) within it.
pub(crate) fn district_and_barrio(rng: &mut super::rng::RecordRng) -> (usize, usize) {
    let tables = &*TABLES;
    let district = tables.districts.sample(rng);
    let barrios = &tables.barrios[district];
    (district, barrios[rng.index(barrios.len())])
}

/// Generates resident `index`.
pub(crate) fn generate(context: &Context, index: u64) -> MadridResident {
    let mut rng = context.key.record(index);
    let tables = &*TABLES;
    let lists = &*CODELISTS;

    let (district_index, barrio_index) = district_and_barrio(&mut rng);
    let district = &lists.districts[district_index];
    let barrio = &lists.barrios[barrio_index];
    let foreign = rng.chance(FOREIGN_SHARE);
    let male = rng.chance(0.47);
    let age = age_from_bands(
        &mut rng,
        if foreign {
            &tables.foreign_ages
        } else {
            &tables.ages
        },
    );
    let birth = birth_date_for_age(&mut rng, age);

    let (document_type, document_number, nombre, apellido1, apellido2, nacionalidad, pais) =
        if foreign {
            let origin = &FOREIGN_ORIGINS[tables.origins.sample(&mut rng)];
            let nombre = if male {
                pick_skewed(&mut rng, origin.male)
            } else {
                pick_skewed(&mut rng, origin.female)
            };
            let apellido1 = pick_skewed(&mut rng, origin.surnames);
            let apellido2 = origin
                .two_surnames
                .then(|| pick_skewed(&mut rng, origin.surnames).to_string());
            // Y numbers since 2008; X before; Z after Y ran out.
            let prefix = match rng.below(10) {
                0..=2 => 0,
                3..=8 => 1,
                _ => 2,
            };
            let nie = format_nie(prefix as u32, rng.below(10_000_000) as u32);
            let born_in_spain = age < 15 && rng.chance(0.3);
            (
                "NIE",
                nie,
                nombre.to_string(),
                apellido1.to_string(),
                apellido2,
                origin.country,
                if born_in_spain { "ES" } else { origin.country },
            )
        } else {
            let nombre = if male {
                pick_skewed(&mut rng, ES_MALE)
            } else {
                pick_skewed(&mut rng, ES_FEMALE)
            };
            let apellido1 = pick_skewed(&mut rng, ES_SURNAMES).to_string();
            let mut apellido2 = pick_skewed(&mut rng, ES_SURNAMES).to_string();
            if apellido2 == apellido1 {
                // Identical surnames happen, but far less than chance.
                apellido2 = pick_skewed(&mut rng, ES_SURNAMES).to_string();
            }
            // Naturalised Spaniards born in Latin America.
            let pais = if age > 18 && rng.chance(0.08) {
                *rng.pick(&["VE", "CO", "PE", "EC", "AR", "DO"])
            } else {
                "ES"
            };
            // DNI numbers grow with issue date; older people have lower ones.
            let base = 60_000_000u64.saturating_sub(u64::from(age) * 600_000);
            let number = (base + rng.below(9_000_000)) % 100_000_000;
            (
                "DNI",
                format_dni(number as u32),
                nombre.to_string(),
                apellido1,
                Some(apellido2),
                "ES",
                pais,
            )
        };

    let earliest = if foreign || pais != "ES" {
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
        pais_nacimiento: pais.to_owned(),
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
        let barrio_number = address
            .cod_barrio
            .chars()
            .last()
            .map(String::from)
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
mod tests {
    use super::*;
    use crate::datasets::ids::{is_valid_dni, is_valid_nie};
    use crate::datasets::{Dataset, GenConfig, Split};

    fn sample(n: u64) -> Vec<MadridResident> {
        let context = Context::new(&GenConfig::new(
            Dataset::MadridResidents,
            Split::Practice,
            5,
        ));
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

    #[test]
    fn districts_and_ages_follow_targets() {
        let n = 20_000;
        let residents = sample(n);
        let lists = &*CODELISTS;
        let total: u64 = lists.districts.iter().map(|d| d.population).sum();
        for district in &lists.districts {
            let target = district.population as f64 / total as f64;
            let found = residents
                .iter()
                .filter(|r| r.domicilio.cod_distrito == district.code)
                .count() as f64
                / n as f64;
            assert!(
                (found - target).abs() < 0.012,
                "{} {found} vs {target}",
                district.name
            );
        }
        // Age bands: under 15, 15–64, 65+ against the padrón-like mix.
        let age_of = |resident: &MadridResident| -> i32 {
            2024 - resident.fecha_nacimiento[..4].parse::<i32>().unwrap_or(0)
        };
        let share = |low: i32, high: i32| {
            residents
                .iter()
                .filter(|r| (low..high).contains(&age_of(r)))
                .count() as f64
                / n as f64
        };
        let (children, working, elderly) = (share(0, 15), share(15, 65), share(65, 200));
        assert!((0.11..0.16).contains(&children), "children {children}");
        assert!((0.62..0.72).contains(&working), "working {working}");
        assert!((0.17..0.25).contains(&elderly), "elderly {elderly}");
        let foreign = residents
            .iter()
            .filter(|r| r.document_type == "NIE")
            .count() as f64
            / n as f64;
        assert!((foreign - FOREIGN_SHARE).abs() < 0.015, "foreign {foreign}");
        assert!(residents.iter().any(|r| r.nacionalidad == "KZ"));
    }

    #[test]
    fn barrios_belong_to_their_district() {
        for resident in sample(2000) {
            let address = &resident.domicilio;
            assert_eq!(
                address.cod_barrio[..address.cod_barrio.len() - 1].trim_start_matches('0'),
                address.cod_distrito.trim_start_matches('0')
            );
            assert!(address.cod_postal.starts_with("280"));
        }
    }
}
