//! `kz.appeals`: e-Otinish-style appeals under the 2020 Administrative
//! Procedural Code — type, language, applicant (a `kz.citizens` record),
//! addressee body, free text in Kazakh or Russian, UTC+5 registration and
//! a deadline of 15 working days on the Kazakh calendar. Truth: category,
//! the competent body, priority and whether the appeal was misrouted.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::Context;
use super::appeal_text;
use super::codelists::CODELISTS;
use super::kz_citizens;
use super::rng::Weighted;
use super::text::{CITIZEN_NOISE, SMALL_NUMBERS, add_noise, concat, numbered};
use super::time::{Date, kz_add_working_days, timestamp};
use super::translit::kazakh_to_latin;

/// An appeal in `kz.appeals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzAppeal {
    /// `OT-2025-0000001`.
    pub id: String,
    /// `proposal`, `application`, `complaint`, `request` or `response`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `kk` or `ru`.
    pub language: String,
    /// The applicant's IIN (a `kz.citizens` record).
    pub applicant_iin: String,
    /// Surname, name and patronymic in the appeal's language.
    pub applicant_name: String,
    /// KATO of the region the appeal concerns (oblast or city level).
    pub region_kato: String,
    /// Code of the body the appeal was sent to (`kz_bodies.csv`).
    pub addressee_body: String,
    /// The applicant's text.
    pub text: String,
    /// Registration, `+05:00`.
    pub registered_at: String,
    /// Reply deadline: 15 working days after registration.
    pub deadline: String,
    /// `eotinish_portal`, `egov_mobile`, `paper` or `reception`.
    pub channel: String,
}

/// Ground truth of an appeal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzAppealTruth {
    /// The appeal id.
    pub id: String,
    /// Category code (`appeal_categories.csv`).
    pub category: String,
    /// The competent body's code.
    pub correct_body: String,
    /// `low`, `medium`, `high` or `urgent`.
    pub priority: String,
    /// True when `addressee_body` differs from `correct_body`.
    pub misrouted: bool,
    /// True when the recorded category or priority disagrees with what the
    /// text says, as annotators of real appeals disagree (a few per cent;
    /// see `appeal_text`).
    pub relabelled: bool,
}

const TYPES: &[(&str, f64)] = &[
    ("application", 45.0),
    ("complaint", 30.0),
    ("proposal", 10.0),
    ("request", 10.0),
    ("response", 5.0),
];

const CATEGORIES: &[(&str, f64)] = &[
    ("housing", 12.0),
    ("social_services", 11.0),
    ("roads", 9.0),
    ("waste_cleaning", 7.0),
    ("public_health", 8.0),
    ("education", 8.0),
    ("citizen_services", 6.0),
    ("public_transport", 6.0),
    ("public_safety", 5.0),
    ("employment", 6.0),
    ("street_lighting", 3.0),
    ("green_areas", 3.0),
    ("traffic_parking", 4.0),
    ("air_quality", 3.0),
    ("noise", 2.0),
    ("taxes", 3.0),
    ("culture_sports", 2.0),
    ("animals", 2.0),
];

const CHANNELS: &[(&str, f64)] = &[
    ("eotinish_portal", 45.0),
    ("egov_mobile", 35.0),
    ("paper", 10.0),
    ("reception", 10.0),
];

/// Streets named in appeals: (Russian, abbreviated type; Kazakh name).
const STREETS: &[(&str, &str)] = &[
    ("ул. Абая", "Абай"),
    ("ул. Жамбыла", "Жамбыл"),
    ("ул. Толе би", "Төле би"),
    ("ул. Кунаева", "Қонаев"),
    ("ул. Сатпаева", "Сәтбаев"),
    ("пр. Республики", "Республика"),
    ("ул. Бейбитшилик", "Бейбітшілік"),
    ("ул. Абылай хана", "Абылай хан"),
    ("ул. Желтоксан", "Желтоқсан"),
    ("ул. Байтурсынова", "Байтұрсынов"),
    ("ул. Момышулы", "Момышұлы"),
    ("ул. Ауэзова", "Әуезов"),
    ("пр. Достык", "Достық"),
    ("ул. Кабанбай батыра", "Қабанбай батыр"),
    ("ул. Сейфуллина", "Сейфуллин"),
];

/// Appeals are registered during 2025.
const FIRST_DAY: Date = Date::new(2025, 1, 1);
/// Days appeals are registered on, from [`FIRST_DAY`].
const DAYS: u64 = 365;
/// Share of Kazakh appeals written in the 2021 Latin alphabet.
const LATIN_SHARE: f64 = 0.12;
/// Working days an appeal's reply may take.
const REPLY_WORKING_DAYS: u32 = 15;

struct Tables {
    types: Weighted,
    categories: Weighted,
    channels: Weighted,
    hours: Weighted,
    /// The deadline of an appeal registered `n` days after [`FIRST_DAY`].
    deadlines: Vec<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    types: Weighted::new(TYPES.iter().map(|&(_, weight)| weight)),
    categories: Weighted::new(CATEGORIES.iter().map(|&(_, weight)| weight)),
    channels: Weighted::new(CHANNELS.iter().map(|&(_, weight)| weight)),
    hours: Weighted::new([
        0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 6.5, 7.0, 6.5, 5.5, 5.5, 6.0, 5.5, 5.0, 4.5,
        3.5, 3.0, 2.5, 2.0, 1.2, 0.6,
    ]),
    deadlines: (0..DAYS)
        .map(|n| kz_add_working_days(FIRST_DAY.add_days(n as i64), REPLY_WORKING_DAYS).iso())
        .collect(),
});

/// The top-level region (oblast or city) of a KATO code.
fn top_region(kato: &str) -> String {
    CODELISTS
        .region(kato)
        .filter(|region| !region.parent.is_empty())
        .map_or_else(|| kato.to_owned(), |region| region.parent.clone())
}

/// Generates appeal `index` and its truth.
pub(crate) fn generate(context: &Context, index: u64) -> (KzAppeal, KzAppealTruth) {
    let mut rng = context.key.record(index);
    let tables = &*TABLES;
    let lists = &*CODELISTS;

    let applicant = kz_citizens::pick_adult_applicant(context, &mut rng);
    let region_kato = top_region(applicant.kato);
    let region = lists.region(&region_kato);
    let kind = TYPES[tables.types.sample(&mut rng)].0;
    let category = CATEGORIES[tables.categories.sample(&mut rng)].0;
    let body_kind = lists
        .categories
        .iter()
        .find(|row| row.code == category)
        .map_or("akimat", |row| row.kz_body_kind.as_str());
    let correct_body = concat(&[body_kind, ":", &region_kato]);
    let misrouted = rng.chance(0.15);
    let addressee = if misrouted {
        // Typical mistakes: the akimat for everything, the ministry instead
        // of its regional office, the right kind of body in another region.
        let candidates: Vec<&str> = match rng.below(3) {
            0 => lists
                .bodies
                .iter()
                .filter(|body| body.region == region_kato && body.code != correct_body)
                .map(|body| body.code.as_str())
                .collect(),
            1 => lists
                .bodies
                .iter()
                .filter(|body| body.region.is_empty())
                .map(|body| body.code.as_str())
                .collect(),
            _ => lists
                .bodies
                .iter()
                .filter(|body| body.kind == body_kind && body.code != correct_body)
                .map(|body| body.code.as_str())
                .collect(),
        };
        if candidates.is_empty() {
            format!("akimat:{region_kato}")
        } else {
            rng.pick(&candidates).to_string()
        }
    } else {
        correct_body.clone()
    };

    let drawn = appeal_text::draw(&mut rng, kind, category);
    let recorded_category = drawn.category;
    // The body the recorded category names (what the lab scores against).
    let correct_body = if recorded_category == category {
        correct_body
    } else {
        let kind = lists
            .categories
            .iter()
            .find(|row| row.code == recorded_category)
            .map_or("akimat", |row| row.kz_body_kind.as_str());
        concat(&[kind, ":", &region_kato])
    };
    let misrouted = addressee != correct_body;

    let kazakh = kz_citizens::is_kazakh_given_name(applicant.given_name_kk) && rng.chance(0.6);
    let language = if kazakh { "kk" } else { "ru" };
    let applicant_name = {
        let (surname, given, patronymic) = if kazakh {
            (
                applicant.surname_kk,
                applicant.given_name_kk,
                applicant.patronymic_kk,
            )
        } else {
            (
                applicant.surname_ru,
                applicant.given_name_ru,
                applicant.patronymic_ru,
            )
        };
        match patronymic {
            Some(patronymic) => concat(&[surname, " ", given, " ", patronymic]),
            None => concat(&[surname, " ", given]),
        }
    };

    let day_index = rng.below(DAYS);
    let day = FIRST_DAY.add_days(day_index as i64);
    let hour = tables.hours.sample(&mut rng) as u32;
    let registered_at = timestamp(day, hour, rng.below(60) as u32, rng.below(60) as u32, 5);
    let deadline = tables.deadlines[day_index as usize].clone();

    let (street_ru, street_kk) = *rng.pick(STREETS);
    let n = SMALL_NUMBERS[(2 + rng.below(12)) as usize];
    let (city_ru, city_kk) = region.map_or(("Алматы", "Алматы"), |region| {
        (region.center_ru.as_str(), region.center_kk.as_str())
    });
    // An earlier appeal: a date one to four months before this one.
    let earlier = day.add_days(-(30 + rng.below(90) as i64));
    let earlier_date = earlier.dotted();
    let earlier_ref = numbered(
        if earlier.year < 2025 {
            "OT-2024-"
        } else {
            "OT-2025-"
        },
        1 + rng.below(index.max(1) + 5000),
        7,
    );
    let slots = [
        ("street", if kazakh { street_kk } else { street_ru }),
        ("city", if kazakh { city_kk } else { city_ru }),
        ("n", n),
        ("date", earlier_date.as_str()),
        ("ref", earlier_ref.as_str()),
    ];
    let mut text = appeal_text::grammar(language).compose(&drawn.spec, &slots, &mut rng);
    add_noise(&mut text, CITIZEN_NOISE, &mut rng);
    // Since 2021 some applicants write Kazakh in the Latin alphabet.
    if kazakh && rng.chance(LATIN_SHARE) {
        text = kazakh_to_latin(&text);
    }

    let appeal = KzAppeal {
        id: numbered("OT-2025-", index + 1, 7),
        kind: kind.to_owned(),
        language: language.to_owned(),
        applicant_iin: applicant.iin,
        applicant_name,
        region_kato,
        addressee_body: addressee,
        text,
        registered_at,
        deadline,
        channel: CHANNELS[tables.channels.sample(&mut rng)].0.to_owned(),
    };
    let truth = KzAppealTruth {
        id: appeal.id.clone(),
        category: recorded_category.to_owned(),
        correct_body,
        priority: drawn.priority.code().to_owned(),
        misrouted,
        relabelled: drawn.relabelled,
    };
    (appeal, truth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{Dataset, GenConfig, Split};

    #[test]
    fn appeals_link_to_citizens_and_bodies() {
        let config = GenConfig {
            population: 50,
            ..GenConfig::new(Dataset::KzAppeals, Split::Practice, 2)
        };
        let context = Context::new(&config);
        let citizens: Vec<String> = (0..50)
            .map(|index| kz_citizens::generate(&context.citizens, index).iin)
            .collect();
        let lists = &*CODELISTS;
        let mut misrouted = 0;
        let mut languages = [0; 2];
        for index in 0..2000 {
            let (appeal, truth) = generate(&context, index);
            assert!(citizens.contains(&appeal.applicant_iin));
            let birth_year = crate::datasets::ids::iin_birth(&appeal.applicant_iin)
                .map(|((year, _, _), _)| year);
            assert!(
                birth_year.is_some_and(|year| year <= 2005),
                "{}",
                appeal.applicant_iin
            );
            assert!(
                lists
                    .bodies
                    .iter()
                    .any(|body| body.code == appeal.addressee_body)
            );
            assert!(
                lists
                    .bodies
                    .iter()
                    .any(|body| body.code == truth.correct_body)
            );
            assert_eq!(truth.misrouted, appeal.addressee_body != truth.correct_body);
            misrouted += usize::from(truth.misrouted);
            languages[usize::from(appeal.language == "kk")] += 1;
            assert!(appeal.deadline.as_str() > &appeal.registered_at[..10]);
        }
        assert!((200..420).contains(&misrouted), "{misrouted}");
        assert!(languages.iter().all(|&count| count > 400), "{languages:?}");
    }
}
