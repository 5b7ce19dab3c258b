//! `kz.citizens`: persons registered in Kazakhstan — IIN consistent with
//! birth date and sex, names in Kazakh, Russian and 2021 Latin forms, a
//! KATO-coded address and an identity document.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::codelists::{CODELISTS, CodeLists, Region};
use super::ids::make_iin;
use super::names::{KAZAKH, NamePool, RUSSIAN, SPANISH_IN_KZ, Spelled, skewed};
use super::rng::{RecordRng, StreamKey, Weighted};
use super::time::Date;

/// A person in `kz.citizens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzCitizen {
    /// `KZ-0000001` (1-based index).
    pub id: String,
    /// 12-digit IIN.
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

/// Kazakhstan's age structure (≈ 2023), share per 5-year band from 0–4 to
/// 85+.
pub(crate) const KZ_AGE_BANDS: [f64; 18] = [
    10.0, 9.8, 8.3, 7.0, 6.2, 6.8, 8.3, 8.2, 7.0, 6.1, 5.6, 5.5, 4.8, 3.6, 2.2, 1.1, 0.8, 0.5,
];

/// Citizenship shares (Kazakh nationals first; Spanish residents are
/// over-represented on purpose for cross-border cases).
const CITIZENSHIPS: &[(&str, f64)] = &[
    ("KZ", 96.0),
    ("RU", 1.4),
    ("UZ", 0.8),
    ("ES", 0.8),
    ("CN", 0.4),
    ("KG", 0.3),
    ("DE", 0.3),
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
    ages: Weighted,
    citizenships: Weighted,
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
        ages: Weighted::new(KZ_AGE_BANDS),
        citizenships: Weighted::new(CITIZENSHIPS.iter().map(|&(_, weight)| weight)),
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

/// A valid IIN for a birth date and sex, from a random serial.
pub(crate) fn iin_for(rng: &mut RecordRng, birth: Date, male: bool) -> String {
    let mut serial = rng.below(10_000) as u32;
    loop {
        if let Some(iin) = make_iin(birth.year, birth.month, birth.day, male, serial) {
            return iin;
        }
        serial = (serial + 1) % 10_000;
    }
}

/// The first draws of a citizen's stream: citizenship, sex, age and birth
/// date.
fn draw_person(rng: &mut RecordRng, tables: &Tables) -> (&'static str, bool, u32, Date) {
    let citizenship = CITIZENSHIPS[tables.citizenships.sample(rng)].0;
    let male = rng.chance(0.485);
    let age = age_from_bands(rng, &tables.ages);
    let birth = birth_date_for_age(rng, age);
    (citizenship, male, age, birth)
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

fn draw_core(rng: &mut RecordRng) -> Core {
    let person = draw_person(rng, &TABLES);
    draw_core_after(rng, person)
}

/// [`draw_core`] after [`draw_person`] drew `person` from `rng`.
fn draw_core_after(
    rng: &mut RecordRng,
    (citizenship, male, age, birth): (&'static str, bool, u32, Date),
) -> Core {
    let tables: &'static Tables = &TABLES;
    let lists: &'static CodeLists = &CODELISTS;
    let iin = iin_for(rng, birth, male);

    let pool: &'static NamePool = match citizenship {
        "KZ" if rng.chance(0.2) => &RUSSIAN,
        "KZ" | "UZ" | "KG" | "CN" => &KAZAKH,
        "ES" => &SPANISH_IN_KZ,
        _ => &RUSSIAN,
    };
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
        iin,
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
    let mut candidate = rng.below(context.population);
    let mut replaced = 0;
    loop {
        let mut stream = context.citizens.record(candidate);
        let person = draw_person(&mut stream, &TABLES);
        // As in `pick_adult_index`: up to 20 replacements, the last one
        // taken whatever its age.
        if replaced == 20 || age_at_end_of_2024(person.3.year) >= 20 {
            return applicant(draw_core_after(&mut stream, person));
        }
        replaced += 1;
        candidate = rng.below(context.population);
    }
}

fn applicant(core: Core) -> Applicant {
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
    } = draw_core(&mut rng);
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

/// Whether citizen `index` is an adult (20+, see [`age_of`]), from the
/// first draws of its stream only.
fn is_adult(key: &StreamKey, index: u64) -> bool {
    let (_, _, _, birth) = draw_person(&mut key.record(index), &TABLES);
    age_at_end_of_2024(birth.year) >= 20
}

/// Picks an adult (20+) from `kz.citizens` records `0..population`: the
/// first adult among up to 20 random candidates.
pub(crate) fn pick_adult(context: &super::Context, rng: &mut RecordRng) -> KzCitizen {
    generate(&context.citizens, pick_adult_index(context, rng))
}

/// The index of the citizen [`pick_adult`] picks. Candidates are checked
/// from the first draws of their stream only.
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
    let pool = &*KAZAKH;
    pool.male
        .iter()
        .chain(&pool.female)
        .any(|name| name.kk == given_name_kk)
}

/// A postcode near a region's base code (same first four digits).
fn postcode(rng: &mut RecordRng, base: &str) -> String {
    let base: u32 = base.parse().unwrap_or(10_000);
    format!("{:06}", base + rng.below(60) as u32)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::datasets::ids::{IinSex, iin_birth, is_valid_iin};

    fn sample(n: u64) -> Vec<KzCitizen> {
        let key = StreamKey::new(11, "practice", "kz.citizens");
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
        }
    }

    #[test]
    fn latin_names_transliterate_the_kazakh_forms() {
        for citizen in sample(500) {
            assert_eq!(
                super::super::translit::kazakh_to_latin(&citizen.surname_kk),
                citizen.surname_latin
            );
            assert_eq!(
                citizen
                    .patronymic_kk
                    .as_deref()
                    .map(super::super::translit::kazakh_to_latin),
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
}
