//! `kz.citizens`: persons registered in Kazakhstan — a unique IIN
//! consistent with birth date and sex, names of the person's ethnic group
//! in Kazakh, Russian and 2021 Latin forms, a KATO-coded address and an
//! identity document.
//!
//! Birth date and sex come from the record's IIN slot
//! ([`super::id_alloc::BirthSlots`], laid out by the age pyramid below), so
//! IINs never repeat within a dataset and seed; everything else is drawn
//! from the record's stream.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::codelists::{CODELISTS, CodeLists, Region};
use super::id_alloc::{BirthSlot, BirthSlots};
use super::names::{
    GERMAN, KAZAKH, KAZAKH_GIVEN_NAMES, KOREAN, NamePool, OTHER_EUROPEAN, OTHER_MUSLIM, RUSSIAN,
    SPANISH_IN_KZ, Spelled, TATAR, UKRAINIAN, UYGHUR, UZBEK, skewed,
};
use super::rng::{RecordRng, StreamKey, Weighted};
use super::time::Date;

/// A person in `kz.citizens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzCitizen {
    /// `KZ-0000001` (1-based index).
    pub id: String,
    /// 12-digit IIN, unique within the dataset and seed.
    pub iin: String,
    /// Surname, Kazakh Cyrillic.
    pub surname_kk: String,
    /// Given name, Kazakh Cyrillic.
    pub given_name_kk: String,
    /// Patronymic (`-ұлы`/`-қызы` or Russian form), Kazakh Cyrillic.
    pub patronymic_kk: Option<String>,
    /// Surname, Russian Cyrillic.
    pub surname_ru: String,
    /// Given name, Russian Cyrillic.
    pub given_name_ru: String,
    /// Patronymic, Russian Cyrillic.
    pub patronymic_ru: Option<String>,
    /// Surname, 2021 Latin (from the Kazakh form).
    pub surname_latin: String,
    /// Given name, 2021 Latin.
    pub given_name_latin: String,
    /// Patronymic, 2021 Latin.
    pub patronymic_latin: Option<String>,
    /// `male` or `female`.
    pub sex: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// ISO 3166-1 alpha-2.
    pub citizenship: String,
    /// Registered address.
    pub address: KzAddress,
    /// Identity document.
    pub document: KzDocument,
}

/// A KATO-coded address (Russian-language fields, as on most registrations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzAddress {
    /// KATO code (a city district for Astana and Almaty).
    pub kato: String,
    /// Top-level region (oblast or city of republican significance), Russian.
    pub region: String,
    /// City or town, Russian.
    pub locality: String,
    /// Street with its type.
    pub street: String,
    /// House number.
    pub house: String,
    /// Apartment, if any.
    pub apartment: Option<String>,
    /// Six-digit postcode.
    pub postcode: String,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzDocument {
    /// `id_card`, `passport` or `residence_permit`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Document number.
    pub number: String,
}

/// The reference date ages are counted from.
pub(crate) const REFERENCE_DATE: Date = Date::new(2025, 1, 1);

/// Kazakhstan's age structure, share per 5-year band from 0–4 to 85+
/// (approximate shape of the 2021 census pyramid, ≈ 2023; not copied from
/// a published table). Ages are counted at the end of 2024, so band `b`
/// holds birth years `2024 − 5b − 4 ..= 2024 − 5b`; the last band is 85–99.
pub(crate) const KZ_AGE_BANDS: [f64; 18] = [
    10.0, 9.8, 8.3, 7.0, 6.2, 6.8, 8.3, 8.2, 7.0, 6.1, 5.6, 5.5, 4.8, 3.6, 2.2, 1.1, 0.8, 0.5,
];

/// Share of men (2021 census ≈ 48.6 %; rounded).
const MALE_SHARE: f64 = 0.485;

/// The ethnic groups the generator names people from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Group {
    Kazakh,
    Russian,
    Uzbek,
    Ukrainian,
    Uyghur,
    German,
    Tatar,
    Korean,
    /// Azerbaijanis, Turks, Dungans, Kurds, Chechens and other groups with
    /// Muslim names.
    OtherMuslim,
    /// Belarusians, Poles, Moldovans, Greeks and other European groups.
    OtherEuropean,
}

impl Group {
    fn pool(self) -> &'static NamePool {
        match self {
            Group::Kazakh => &KAZAKH,
            Group::Russian => &RUSSIAN,
            Group::Uzbek => &UZBEK,
            Group::Ukrainian => &UKRAINIAN,
            Group::Uyghur => &UYGHUR,
            Group::German => &GERMAN,
            Group::Tatar => &TATAR,
            Group::Korean => &KOREAN,
            Group::OtherMuslim => &OTHER_MUSLIM,
            Group::OtherEuropean => &OTHER_EUROPEAN,
        }
    }
}

/// Residents by ethnic group, 2021 census of Kazakhstan (Bureau of
/// National Statistics, "National composition of the population", 2023;
/// total 19,186,015). Kazakhs 70.4 %, Russians 15.5 %, Uzbeks 3.2 %,
/// Ukrainians 2.0 %, Uyghurs 1.5 % were checked against press reports of
/// that publication; the German, Tatar and Korean counts are as recalled
/// from it (the Bureau's 2025 estimates give 1.1, 1.1 and 0.6 %). The
/// remaining 851,272 ("others": Azerbaijanis, Turks, Dungans, Belarusians,
/// Tajiks, Kurds, Kyrgyz, …) are split 60 : 40 between groups with Muslim
/// and European names — that split is ours, not the census's.
pub(crate) const CENSUS_2021: &[(Group, u64)] = &[
    (Group::Kazakh, 13_497_891),
    (Group::Russian, 2_981_946),
    (Group::Uzbek, 614_047),
    (Group::Ukrainian, 387_327),
    (Group::Uyghur, 290_337),
    (Group::German, 226_092),
    (Group::Tatar, 218_653),
    (Group::Korean, 118_450),
    (Group::OtherMuslim, 510_763),
    (Group::OtherEuropean, 340_509),
];

/// Spanish residents: over-represented on purpose (the lab's cross-border
/// cases need them); they are outside the census mix above.
const SPANISH_SHARE: f64 = 0.008;

/// Foreign citizens among a group: (group, citizenship, share of the group).
/// Chosen so that ≈ 1.4 % of all residents are Russian citizens, 0.8 %
/// Uzbek, 0.4 % Chinese (ethnic Kazakhs from Xinjiang), 0.3 % Kyrgyz and
/// 0.3 % German — a synthetic choice, not a statistic.
const FOREIGN_CITIZENS: &[(Group, &str, f64)] = &[
    (Group::Russian, "RU", 1.4 / 15.54),
    (Group::Uzbek, "UZ", 0.8 / 3.20),
    (Group::Kazakh, "CN", 0.4 / 70.35),
    (Group::Kazakh, "KG", 0.3 / 70.35),
    (Group::German, "DE", 0.3 / 1.18),
];

const STREETS: &[&str] = &[
    "улица Абая",
    "улица Жамбыла",
    "улица Толе би",
    "улица Кунаева",
    "улица Сатпаева",
    "проспект Республики",
    "улица Бейбитшилик",
    "улица Пушкина",
    "улица Абылай хана",
    "улица Желтоксан",
    "улица Байтурсынова",
    "улица Момышулы",
    "улица Ауэзова",
    "проспект Достык",
    "улица Кабанбай батыра",
    "улица Богенбай батыра",
    "улица Сейфуллина",
    "улица Гоголя",
    "микрорайон Самал",
    "микрорайон Аксай",
];

struct Tables {
    regions: Weighted,
    region_index: Vec<usize>,
    /// City districts of each entry of `region_index` (may be empty).
    districts: Vec<Vec<String>>,
    groups: Weighted,
    birth_slots: BirthSlots,
}

/// `(birth year, weight of men, weight of women)` for birth years
/// 1925–2024 from [`KZ_AGE_BANDS`].
fn birth_years() -> Vec<(i32, f64, f64)> {
    (0..100)
        .rev()
        .map(|age: u32| {
            let band = (age / 5).min(17) as usize;
            let width = if band == 17 { 15.0 } else { 5.0 };
            let weight = KZ_AGE_BANDS[band] / width;
            (
                2024 - age as i32,
                weight * MALE_SHARE,
                weight * (1.0 - MALE_SHARE),
            )
        })
        .collect()
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let lists = &*CODELISTS;
    let region_index: Vec<usize> = lists
        .regions
        .iter()
        .enumerate()
        .filter(|(_, region)| region.level != "district")
        .map(|(index, _)| index)
        .collect();
    Tables {
        regions: Weighted::new(
            region_index
                .iter()
                .map(|&index| lists.regions[index].population as f64),
        ),
        districts: region_index
            .iter()
            .map(|&index| {
                lists
                    .regions
                    .iter()
                    .filter(|district| district.parent == lists.regions[index].kato)
                    .map(|district| district.kato.clone())
                    .collect()
            })
            .collect(),
        region_index,
        groups: Weighted::new(CENSUS_2021.iter().map(|&(_, count)| count as f64)),
        birth_slots: BirthSlots::new(&birth_years()),
    }
});

/// Draws an age in whole years from 5-year bands (last band 85–99).
pub(crate) fn age_from_bands(rng: &mut RecordRng, table: &Weighted) -> u32 {
    let band = table.sample(rng) as u32;
    let width = if band == 17 { 15 } else { 5 };
    band * 5 + rng.below(width) as u32
}

/// A birth date for an age at [`REFERENCE_DATE`].
pub(crate) fn birth_date_for_age(rng: &mut RecordRng, age: u32) -> Date {
    let days_back = i64::from(age) * 36525 / 100 + rng.range_i64(0, 364);
    REFERENCE_DATE.add_days(-days_back - 1)
}

/// Birth date, sex and IIN slot of citizen `index` of the `kz.citizens`
/// stream `key`: no draw from the record's stream.
pub(crate) fn birth_slot(key: &StreamKey, index: u64) -> BirthSlot {
    TABLES.birth_slots.slot_of(key, index)
}

/// How many citizens a dataset can hold before IINs repeat.
#[cfg(test)]
pub(crate) fn iin_capacity() -> u64 {
    TABLES.birth_slots.len()
}

/// The draws of a citizen up to its address's KATO code, in stream order:
/// everything [`Applicant`] needs.
struct Core {
    citizenship: &'static str,
    male: bool,
    age: u32,
    birth: Date,
    iin: String,
    given: &'static Spelled,
    surname: &'static Spelled,
    /// Kazakh, Russian and Latin forms.
    patronymic: Option<(&'static str, &'static str, &'static str)>,
    region: &'static Region,
    kato: &'static str,
}

/// Ethnic group (none for Spanish residents) and citizenship.
fn draw_origin(rng: &mut RecordRng, tables: &Tables) -> (Option<Group>, &'static str) {
    if rng.chance(SPANISH_SHARE) {
        return (None, "ES");
    }
    let group = CENSUS_2021[tables.groups.sample(rng)].0;
    let draw = rng.unit();
    let mut cumulative = 0.0;
    for &(foreign_group, country, share) in FOREIGN_CITIZENS {
        if foreign_group == group {
            cumulative += share;
            if draw < cumulative {
                return (Some(group), country);
            }
        }
    }
    (Some(group), "KZ")
}

fn draw_core(key: &StreamKey, index: u64, rng: &mut RecordRng) -> Core {
    let tables: &'static Tables = &TABLES;
    let lists: &'static CodeLists = &CODELISTS;
    let slot = tables.birth_slots.slot_of(key, index);
    let (birth, male) = (slot.birth, slot.male);
    let age = age_at_end_of_2024(birth.year);
    let (group, citizenship) = draw_origin(rng, tables);
    let pool: &'static NamePool = group.map_or(&SPANISH_IN_KZ, Group::pool);

    let given = if male {
        &pool.male[skewed(rng, pool.male.len())]
    } else {
        &pool.female[skewed(rng, pool.female.len())]
    };
    let surname_index = skewed(rng, pool.surnames_male.len());
    let surname = if male {
        &pool.surnames_male[surname_index]
    } else {
        &pool.surnames_female[surname_index]
    };
    let father_index = skewed(rng, pool.male.len());
    let has_patronymic = pool.has_patronymic && rng.chance(0.9);
    let sex_slot = usize::from(!male);
    let patronymic = if has_patronymic {
        let forms = &pool.patronymics[father_index];
        let ru = forms.ru[sex_slot].as_str();
        // Younger Kazakhs increasingly use the Kazakh `-ұлы/-қызы` form;
        // the others write the Russian form with the Kazakh spelling.
        let (kk, latin) = if !pool.kazakh_patronymic {
            (ru, forms.ru_latin[sex_slot].as_str())
        } else {
            let (kk, latin) = if rng.chance(if age < 35 { 0.5 } else { 0.2 }) {
                &forms.kazakh[sex_slot]
            } else {
                &forms.russian_in_kk[sex_slot]
            };
            (kk.as_str(), latin.as_str())
        };
        Some((kk, ru, latin))
    } else {
        None
    };

    let region_slot = tables.regions.sample(rng);
    let region = &lists.regions[tables.region_index[region_slot]];
    let districts = &tables.districts[region_slot];
    let kato = if districts.is_empty() {
        region.kato.as_str()
    } else {
        rng.pick(districts).as_str()
    };
    Core {
        citizenship,
        male,
        age,
        birth,
        iin: slot.iin(),
        given,
        surname,
        patronymic,
        region,
        kato,
    }
}

/// What an appeal needs of its applicant: a citizen's IIN, KATO code and
/// Kazakh and Russian names, drawn exactly as [`generate`] draws them.
pub(crate) struct Applicant {
    pub(crate) iin: String,
    pub(crate) kato: &'static str,
    pub(crate) surname_kk: &'static str,
    pub(crate) given_name_kk: &'static str,
    pub(crate) patronymic_kk: Option<&'static str>,
    pub(crate) surname_ru: &'static str,
    pub(crate) given_name_ru: &'static str,
    pub(crate) patronymic_ru: Option<&'static str>,
}

/// The [`Applicant`] part of the citizen [`pick_adult`] picks, without
/// generating the rest; the picked candidate's stream is read once.
pub(crate) fn pick_adult_applicant(context: &super::Context, rng: &mut RecordRng) -> Applicant {
    let index = pick_adult_index(context, rng);
    let core = draw_core(
        &context.citizens,
        index,
        &mut context.citizens.record(index),
    );
    Applicant {
        iin: core.iin,
        kato: core.kato,
        surname_kk: &core.surname.kk,
        given_name_kk: &core.given.kk,
        patronymic_kk: core.patronymic.map(|(kk, _, _)| kk),
        surname_ru: &core.surname.ru,
        given_name_ru: &core.given.ru,
        patronymic_ru: core.patronymic.map(|(_, ru, _)| ru),
    }
}

/// Generates citizen `index` from the `kz.citizens` stream `key`.
pub(crate) fn generate(key: &StreamKey, index: u64) -> KzCitizen {
    let mut rng = key.record(index);
    let Core {
        citizenship,
        male,
        age,
        birth,
        iin,
        given,
        surname,
        patronymic,
        region,
        kato,
    } = draw_core(key, index, &mut rng);
    let (patronymic_kk, patronymic_ru, patronymic_latin) = match patronymic {
        Some((kk, ru, latin)) => (
            Some(kk.to_owned()),
            Some(ru.to_owned()),
            Some(latin.to_owned()),
        ),
        None => (None, None, None),
    };
    let kato = kato.to_owned();

    let in_flat = rng.chance(if region.level == "city" { 0.85 } else { 0.55 });
    let address = KzAddress {
        kato,
        region: region.name_ru.clone(),
        locality: region.center_ru.clone(),
        street: rng.pick(STREETS).to_string(),
        house: (1 + skewed(&mut rng, 180)).to_string(),
        apartment: in_flat.then(|| (1 + rng.below(240)).to_string()),
        postcode: postcode(&mut rng, &region.postcode),
    };

    let document = if citizenship != "KZ" {
        KzDocument {
            kind: "residence_permit".to_owned(),
            number: format!("{:09}", rng.below(1_000_000_000)),
        }
    } else if age >= 16 && rng.chance(0.12) {
        KzDocument {
            kind: "passport".to_owned(),
            number: format!("N{:08}", rng.below(100_000_000)),
        }
    } else {
        KzDocument {
            kind: "id_card".to_owned(),
            number: format!("{:09}", rng.below(1_000_000_000)),
        }
    };

    KzCitizen {
        id: format!("KZ-{:07}", index + 1),
        iin,
        surname_kk: surname.kk.clone(),
        given_name_kk: given.kk.clone(),
        patronymic_kk,
        surname_ru: surname.ru.clone(),
        given_name_ru: given.ru.clone(),
        patronymic_ru,
        surname_latin: surname.latin.clone(),
        given_name_latin: given.latin.clone(),
        patronymic_latin,
        sex: if male { "male" } else { "female" }.to_owned(),
        birth_date: birth.iso(),
        citizenship: citizenship.to_owned(),
        address,
        document,
    }
}

/// Age in whole years at the end of 2024, from the birth date.
pub(crate) fn age_of(citizen: &KzCitizen) -> u32 {
    let year: i32 = citizen.birth_date[..4].parse().unwrap_or(1980);
    age_at_end_of_2024(year)
}

fn age_at_end_of_2024(birth_year: i32) -> u32 {
    (2024 - birth_year).max(0) as u32
}

/// Whether citizen `index` is an adult (20+, see [`age_of`]), from its IIN
/// slot only.
fn is_adult(key: &StreamKey, index: u64) -> bool {
    age_at_end_of_2024(birth_slot(key, index).birth.year) >= 20
}

/// Picks an adult (20+) from `kz.citizens` records `0..population`: the
/// first adult among up to 20 random candidates (the 20th whatever its
/// age).
pub(crate) fn pick_adult(context: &super::Context, rng: &mut RecordRng) -> KzCitizen {
    generate(&context.citizens, pick_adult_index(context, rng))
}

/// The index of the citizen [`pick_adult`] picks. Candidates are checked
/// from their IIN slot only.
pub(crate) fn pick_adult_index(context: &super::Context, rng: &mut RecordRng) -> u64 {
    let mut candidate = rng.below(context.population);
    for _ in 0..20 {
        if is_adult(&context.citizens, candidate) {
            break;
        }
        candidate = rng.below(context.population);
    }
    candidate
}

/// True when the citizen's given name comes from the Kazakh name pool (a
/// proxy for a Kazakh-speaking household).
pub(crate) fn has_kazakh_name(citizen: &KzCitizen) -> bool {
    is_kazakh_given_name(&citizen.given_name_kk)
}

/// True when a Kazakh-script given name is in the Kazakh name pool.
pub(crate) fn is_kazakh_given_name(given_name_kk: &str) -> bool {
    KAZAKH_GIVEN_NAMES.contains(given_name_kk)
}

/// A postcode near a region's base code (same first four digits).
fn postcode(rng: &mut RecordRng, base: &str) -> String {
    let base: u32 = base.parse().unwrap_or(10_000);
    format!("{:06}", base + rng.below(60) as u32)
}

#[cfg(test)]
mod tests;
