//! `kz.families`: Digital Family Card households. Each household's head is
//! a `kz.citizens` record; the other members get IINs consistent with their
//! age and sex, unique within the dataset and seed and never equal to a
//! citizen's ([`super::id_alloc::family_member_iin`]). A hidden latent model (economic, health, housing and social
//! vulnerability) drives 100+ observed socioeconomic parameters and the
//! ground-truth risk level.
//!
//! The risk model's weights live only in this source file: they are never
//! written to any output an agent can read. Only the truth file carries the
//! resulting level, score and the observed parameters that contributed
//! most.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Context;
use super::codelists::CODELISTS;
use super::id_alloc::family_member_iin;
use super::kz_citizens;
use super::rng::RecordRng;

/// A household in `kz.families`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzFamily {
    /// `FAM-0000001`.
    pub id: String,
    /// The head's IIN (a `kz.citizens` record).
    pub head_iin: String,
    /// KATO of the household's region.
    pub region_kato: String,
    /// `kk` or `ru`.
    pub household_language: String,
    /// `male` or `female`.
    pub head_sex: String,
    /// All members, the head first.
    pub members: Vec<FamilyMember>,
    /// Socioeconomic parameters by name (see the schema for the list).
    pub params: BTreeMap<String, ParamValue>,
}

/// A household member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyMember {
    /// IIN consistent with age and sex.
    pub iin: String,
    /// `head`, `spouse`, `child` or `parent`.
    pub relation: String,
    /// Age in whole years at 2025-01-01.
    pub age: u32,
    /// `male` or `female`.
    pub sex: String,
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A flag.
    Bool(bool),
    /// A count or amount in whole units.
    Int(i64),
    /// A measured quantity.
    Num(f64),
    /// A category.
    Text(String),
}

/// Ground truth of a household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KzFamilyTruth {
    /// The household id.
    pub id: String,
    /// `low`, `medium`, `high` or `critical`.
    pub risk_level: String,
    /// Model score in `[0, 1]`.
    pub risk_score: f64,
    /// Names of the observed parameters that raised the score most.
    pub top_factors: Vec<String>,
}

/// Subsistence minimum per person per month, 2025 (KZT).
const SUBSISTENCE_MINIMUM: i64 = 46_228;

/// Regions where incomes are lower (rural south) or higher (cities).
fn regional_economy(kato: &str) -> f64 {
    match &kato[..2.min(kato.len())] {
        "61" | "31" | "43" => 0.35,
        "71" | "75" => -0.35,
        "23" | "47" => -0.15,
        _ => 0.0,
    }
}

struct Params {
    values: BTreeMap<String, ParamValue>,
}

impl Params {
    fn int(&mut self, name: &str, value: i64) -> i64 {
        self.values.insert(name.to_owned(), ParamValue::Int(value));
        value
    }
    fn num(&mut self, name: &str, value: f64) -> f64 {
        let value = (value * 100.0).round() / 100.0;
        self.values.insert(name.to_owned(), ParamValue::Num(value));
        value
    }
    fn flag(&mut self, name: &str, value: bool) -> bool {
        self.values.insert(name.to_owned(), ParamValue::Bool(value));
        value
    }
    fn text(&mut self, name: &str, value: &str) {
        self.values
            .insert(name.to_owned(), ParamValue::Text(value.to_owned()));
    }
}

/// The hidden risk model: weight per observed factor. Never exported.
const RISK_WEIGHTS: &[(&str, f64)] = &[
    ("below_subsistence_minimum", 1.1),
    ("income_per_member_kzt", 1.0),
    ("utilities_arrears_months", 0.9),
    ("n_overdue_loans", 0.7),
    ("head_employment_status", 0.8),
    ("n_disabled_members", 0.6),
    ("large_family", 0.35),
    ("single_parent", 0.6),
    ("dwelling_condition", 0.7),
    ("overcrowded", 0.4),
    ("n_children_not_in_school", 1.2),
    ("domestic_violence_reports_12m", 1.4),
    ("enforcement_proceedings", 0.5),
    ("n_chronic_ill", 0.3),
    ("n_uninsured_members", 0.3),
];
// The lasting vulnerabilities weigh as much as the hardships on record:
// they leave traces across many parameters, none of which shows them
// alone. About one household in seven is high or critical.
const RISK_INTERCEPT: f64 = -4.0;
const RISK_LATENT_WEIGHT: f64 = 1.0;

/// Member `position` of household `family` (0 spouse, 1–7 children, 8
/// parent): born in `2024 − age`, so `age` is exact at 2025-01-01.
fn member(
    context: &Context,
    family: u64,
    position: u64,
    relation: &str,
    age: u32,
    male: bool,
) -> FamilyMember {
    let (_, iin) = family_member_iin(&context.key, family, position, 2024 - age as i32, male);
    FamilyMember {
        iin,
        relation: relation.to_owned(),
        age,
        sex: if male { "male" } else { "female" }.to_owned(),
    }
}

fn category<'a>(rng: &mut RecordRng, latent: f64, options: &[&'a str]) -> &'a str {
    // Higher latent vulnerability shifts towards later (worse) options.
    let position = (0.5 + 0.25 * latent + 0.3 * rng.normal()).clamp(0.0, 0.999);
    options[(position * options.len() as f64) as usize]
}

/// Generates household `index` and its truth.
pub(crate) fn generate(context: &Context, index: u64) -> (KzFamily, KzFamilyTruth) {
    let mut rng = context.key.record(index);
    let head = kz_citizens::pick_adult(context, &mut rng);
    let head_age = kz_citizens::age_of(&head).max(20);
    let head_male = head.sex == "male";
    let region_kato = CODELISTS
        .region(&head.address.kato)
        .filter(|region| !region.parent.is_empty())
        .map_or_else(|| head.address.kato.clone(), |region| region.parent.clone());
    let kazakh = kz_citizens::has_kazakh_name(&head);

    // Latent vulnerabilities (higher = worse), correlated.
    let econ = rng.normal() + regional_economy(&region_kato);
    let health = 0.3 * econ + 0.95 * rng.normal() + if head_age > 60 { 0.4 } else { 0.0 };
    let housing = 0.5 * econ + 0.85 * rng.normal();
    let social = 0.4 * econ + 0.2 * health + 0.85 * rng.normal();

    // Composition.
    let married = rng.chance(if head_male { 0.82 } else { 0.35 });
    let child_rate = if kazakh { 0.62 } else { 0.45 } + 0.05 * econ.clamp(-1.0, 1.0);
    let max_children = if head_age < 24 { 1 } else { 7 };
    let n_children = if head_age > 62 {
        0
    } else {
        rng.count(child_rate, max_children)
    };
    let with_parent = rng.chance(if kazakh { 0.18 } else { 0.08 }) && head_age < 55;
    let mut members = vec![FamilyMember {
        iin: head.iin.clone(),
        relation: "head".to_owned(),
        age: head_age,
        sex: head.sex.clone(),
    }];
    if married {
        let age = (head_age as i64 + rng.range_i64(-6, 3)).clamp(18, 95) as u32;
        members.push(member(context, index, 0, "spouse", age, !head_male));
    }
    for child in 0..n_children {
        let max_age = (head_age - 19).min(19);
        let age = rng.below(u64::from(max_age) + 1) as u32;
        let male = rng.chance(0.51);
        members.push(member(
            context,
            index,
            1 + u64::from(child),
            "child",
            age,
            male,
        ));
    }
    if with_parent {
        let age = (head_age + 22 + rng.below(12) as u32).min(99);
        let male = rng.chance(0.3);
        members.push(member(context, index, 8, "parent", age, male));
    }

    let mut p = Params {
        values: BTreeMap::new(),
    };
    let ages: Vec<u32> = members.iter().map(|member| member.age).collect();
    let count = |low: u32, high: u32| {
        ages.iter()
            .filter(|&&age| (low..=high).contains(&age))
            .count() as i64
    };
    let children: Vec<u32> = members
        .iter()
        .filter(|member| member.relation == "child")
        .map(|member| member.age)
        .collect();
    let count_children = |low: u32, high: u32| {
        children
            .iter()
            .filter(|&&age| (low..=high).contains(&age))
            .count() as i64
    };

    // Composition (14).
    let size = p.int("household_size", members.len() as i64);
    let n_minors = count(0, 17);
    p.int("n_adults", size - n_minors);
    let n_kids = p.int("n_children", children.len() as i64);
    p.int("n_children_under_3", count_children(0, 2));
    let n_3_6 = p.int("n_children_3_6", count_children(3, 6));
    let n_school = p.int("n_children_school_age", count_children(7, 17));
    p.int("n_children_16_18", count_children(16, 18));
    let n_elderly = p.int("n_elderly", count(63, 120));
    p.int("n_working_age", count(18, 62));
    let single_parent = p.flag("single_parent", !married && n_kids > 0);
    p.flag("large_family", n_kids >= 4);
    p.int("head_age", i64::from(head_age));
    p.text(
        "head_marital_status",
        if married {
            "married"
        } else if head_age > 65 && rng.chance(0.6) {
            "widowed"
        } else {
            rng.pick::<&str>(&["single", "divorced", "divorced", "separated"])
        },
    );
    p.flag(
        "multigenerational",
        with_parent || (n_elderly > 0 && n_kids > 0),
    );

    // Employment (12).
    let head_status = if head_age >= 63 {
        "retired"
    } else {
        category(
            &mut rng,
            econ,
            &[
                "employed_formal",
                "employed_formal",
                "self_employed",
                "employed_informal",
                "unemployed",
            ],
        )
    };
    p.text("head_employment_status", head_status);
    let spouse_status = if married {
        category(
            &mut rng,
            econ,
            &[
                "employed_formal",
                "self_employed",
                "homemaker",
                "employed_informal",
                "unemployed",
            ],
        )
    } else {
        "none"
    };
    p.text("spouse_employment_status", spouse_status);
    let working = |status: &str| status.starts_with("employed") || status == "self_employed";
    let extra_workers = count_children(18, 25).min(rng.count(0.5, 2) as i64);
    let n_employed = p.int(
        "n_employed",
        i64::from(working(head_status)) + i64::from(working(spouse_status)) + extra_workers,
    );
    let n_formal = p.int(
        "n_formal_employed",
        i64::from(head_status == "employed_formal")
            + i64::from(spouse_status == "employed_formal")
            + extra_workers / 2,
    );
    p.int(
        "n_informal_employed",
        i64::from(head_status == "employed_informal")
            + i64::from(spouse_status == "employed_informal"),
    );
    p.int(
        "n_self_employed",
        i64::from(head_status == "self_employed") + i64::from(spouse_status == "self_employed"),
    );
    let n_unemployed = p.int(
        "n_unemployed",
        i64::from(head_status == "unemployed") + i64::from(spouse_status == "unemployed"),
    );
    p.int(
        "n_registered_unemployed",
        (0..n_unemployed).filter(|_| rng.chance(0.45)).count() as i64,
    );
    p.int(
        "head_months_unemployed",
        if head_status == "unemployed" {
            1 + rng.below(30) as i64
        } else {
            0
        },
    );
    p.int(
        "n_pension_contributors",
        n_formal + i64::from(head_status == "self_employed" && rng.chance(0.5)),
    );
    p.int("n_students", count_children(17, 23).min(n_kids));
    p.int(
        "n_on_maternity_leave",
        i64::from(married && count_children(0, 1) > 0 && rng.chance(0.6)),
    );

    // Income (14), monthly KZT.
    let wage = |rng: &mut RecordRng| rng.lognormal(320_000.0 * (-0.35 * econ).exp(), 0.45);
    let wages = (0..n_formal).map(|_| wage(&mut rng)).sum::<f64>()
        + (0..(n_employed - n_formal).max(0))
            .map(|_| 0.55 * wage(&mut rng))
            .sum::<f64>();
    let wages = p.int("income_wages_kzt", wages.round() as i64);
    let self_employment = p.int(
        "income_self_employment_kzt",
        if head_status == "self_employed" || spouse_status == "self_employed" {
            rng.lognormal(180_000.0 * (-0.3 * econ).exp(), 0.6).round() as i64
        } else {
            0
        },
    );
    let pensions = p.int(
        "income_pensions_kzt",
        (0..n_elderly)
            .map(|_| rng.lognormal(140_000.0, 0.2))
            .sum::<f64>()
            .round() as i64,
    );
    let receives_tsa_eligible = (wages + self_employment + pensions) as f64 / (size as f64)
        < 0.7 * SUBSISTENCE_MINIMUM as f64;
    let child_allowance =
        n_kids * if econ > 0.3 { 20_000 } else { 0 } + if n_kids >= 4 { 55_000 } else { 0 };
    let disabled_members =
        ((0.6 * health + 0.4 * rng.normal() - 1.3).max(0.0) * 1.5).round() as i64;
    let n_disabled = p.int("n_disabled_members", disabled_members.min(size));
    let disability_benefit = n_disabled * 70_000;
    let tsa = if receives_tsa_eligible && rng.chance(0.75) {
        (SUBSISTENCE_MINIMUM * size * 7 / 10 - (wages + self_employment + pensions) / 2).max(10_000)
    } else {
        0
    };
    let benefits = p.int(
        "income_benefits_kzt",
        tsa + child_allowance + disability_benefit,
    );
    let alimony = p.int(
        "income_alimony_kzt",
        if single_parent && rng.chance(0.35) {
            rng.range_i64(15_000, 90_000)
        } else {
            0
        },
    );
    let other = p.int(
        "income_other_kzt",
        if rng.chance(0.2) {
            rng.range_i64(5_000, 120_000)
        } else {
            0
        },
    );
    let total = p.int(
        "income_total_kzt",
        wages + self_employment + pensions + benefits + alimony + other,
    );
    let per_member = p.int("income_per_member_kzt", total / size.max(1));
    p.int("subsistence_minimum_kzt", SUBSISTENCE_MINIMUM);
    let below_minimum = p.flag(
        "below_subsistence_minimum",
        per_member < SUBSISTENCE_MINIMUM,
    );
    p.num(
        "income_ratio_to_minimum",
        per_member as f64 / SUBSISTENCE_MINIMUM as f64,
    );
    p.num("income_change_12m_pct", -8.0 * econ + 6.0 * rng.normal());
    p.text(
        "income_volatility",
        category(&mut rng, econ, &["low", "medium", "high"]),
    );
    p.flag(
        "has_bank_deposit",
        rng.chance((0.5 - 0.2 * econ).clamp(0.05, 0.9)),
    );

    // Benefits (14).
    p.flag("receives_tsa", tsa > 0);
    p.int("tsa_amount_kzt", tsa);
    p.flag("receives_child_allowance", child_allowance > 0);
    p.int("child_allowance_kzt", child_allowance);
    p.flag("receives_large_family_allowance", n_kids >= 4);
    p.flag("receives_disability_benefit", n_disabled > 0);
    p.int("disability_benefit_kzt", disability_benefit);
    let survivor = p.flag(
        "receives_survivor_benefit",
        !married && n_kids > 0 && rng.chance(0.1),
    );
    let housing_assistance = p.flag(
        "receives_housing_assistance",
        below_minimum && rng.chance(0.4),
    );
    p.int(
        "housing_assistance_kzt",
        if housing_assistance {
            rng.range_i64(3_000, 15_000)
        } else {
            0
        },
    );
    let unemployment_benefit = p.flag(
        "receives_unemployment_benefit",
        n_unemployed > 0 && rng.chance(0.3),
    );
    let caregiver = p.flag(
        "receives_caregiver_allowance",
        n_disabled > 0 && rng.chance(0.5),
    );
    p.int(
        "n_benefit_types",
        [
            tsa > 0,
            child_allowance > 0,
            n_disabled > 0,
            survivor,
            housing_assistance,
            unemployment_benefit,
            caregiver,
        ]
        .iter()
        .filter(|&&flag| flag)
        .count() as i64,
    );
    p.int("benefits_total_kzt", benefits);

    // Housing (16).
    let urban = region_kato.starts_with("71")
        || region_kato.starts_with("75")
        || region_kato.starts_with("79")
        || rng.chance(0.5);
    let tenure = category(
        &mut rng,
        housing,
        &[
            "owned",
            "owned",
            "mortgage",
            "rented",
            "relatives",
            "social",
            "dormitory",
        ],
    );
    p.text("housing_tenure", tenure);
    let dwelling_type = if urban {
        if tenure == "dormitory" {
            "dormitory"
        } else {
            *rng.pick(&["apartment", "apartment", "apartment", "house"])
        }
    } else {
        *rng.pick(&["house", "house", "house", "apartment"])
    };
    p.text("dwelling_type", dwelling_type);
    let area = p.num(
        "living_area_m2",
        (rng.lognormal(62.0, 0.3) * (-0.15 * housing).exp()).max(12.0),
    );
    p.num("area_per_member_m2", area / size as f64);
    let rooms = p.int("n_rooms", ((area / 20.0).round() as i64).clamp(1, 6));
    p.flag(
        "overcrowded",
        size > rooms * 2 || area / (size as f64) < 9.0,
    );
    let condition = category(
        &mut rng,
        housing,
        &["good", "good", "satisfactory", "poor", "emergency"],
    );
    p.text("dwelling_condition", condition);
    p.int(
        "dwelling_year_built",
        rng.range_i64(1955, 2024) - (10.0 * housing).round() as i64,
    );
    let central_heating = p.flag("has_central_heating", urban && rng.chance(0.85));
    p.flag(
        "has_running_water",
        rng.chance(if urban { 0.98 } else { 0.8 } - 0.05 * housing.max(0.0)),
    );
    p.flag("has_hot_water", central_heating && rng.chance(0.9));
    p.flag("has_sewerage", rng.chance(if urban { 0.95 } else { 0.45 }));
    p.flag("has_gas", rng.chance(0.6));
    p.flag(
        "has_internet",
        rng.chance((0.88 - 0.1 * econ).clamp(0.3, 0.99)),
    );
    let in_queue = p.flag(
        "in_housing_queue",
        matches!(tenure, "rented" | "relatives" | "social" | "dormitory") && rng.chance(0.5),
    );
    p.int(
        "housing_queue_years",
        if in_queue { rng.range_i64(0, 12) } else { 0 },
    );

    // Utilities (9).
    let utilities = p.int(
        "utilities_monthly_kzt",
        (rng.lognormal(28_000.0, 0.3) * (area / 60.0)).round() as i64,
    );
    p.num(
        "utilities_share_of_income",
        utilities as f64 / (total.max(1) as f64),
    );
    let arrears_months =
        ((0.9 * econ + 0.5 * housing + 0.6 * rng.normal() - 1.0).max(0.0) * 3.0).round() as i64;
    let arrears_months = p.int("utilities_arrears_months", arrears_months.min(24));
    p.int("utilities_arrears_kzt", arrears_months * utilities);
    p.flag("electricity_arrears", arrears_months > 0 && rng.chance(0.7));
    p.flag(
        "heating_arrears",
        arrears_months > 0 && central_heating && rng.chance(0.6),
    );
    p.flag("water_arrears", arrears_months > 0 && rng.chance(0.5));
    p.flag(
        "disconnection_notice_12m",
        arrears_months >= 3 && rng.chance(0.5),
    );
    p.flag("coal_heating", !central_heating && rng.chance(0.7));

    // Debts (11).
    let n_loans = p.int(
        "n_loans",
        rng.count((0.45 + 0.1 * econ).clamp(0.1, 0.8), 6) as i64,
    );
    p.int(
        "consumer_debt_kzt",
        (0..n_loans)
            .map(|_| rng.lognormal(600_000.0, 0.8))
            .sum::<f64>()
            .round() as i64,
    );
    p.int(
        "mortgage_debt_kzt",
        if tenure == "mortgage" {
            rng.range_i64(3_000_000, 25_000_000)
        } else {
            0
        },
    );
    let overdue = p.int(
        "n_overdue_loans",
        (0..n_loans)
            .filter(|_| rng.chance((0.15 + 0.2 * econ).clamp(0.02, 0.9)))
            .count() as i64,
    );
    p.int(
        "max_overdue_days",
        if overdue > 0 {
            rng.range_i64(5, 400)
        } else {
            0
        },
    );
    p.int(
        "n_microcredits",
        rng.count((0.15 + 0.15 * econ).clamp(0.02, 0.7), 5) as i64,
    );
    p.num(
        "debt_to_income_ratio",
        n_loans as f64 * rng.uniform(0.05, 0.25) * (1.0 + econ.max(0.0)),
    );
    let enforcement = p.flag(
        "enforcement_proceedings",
        overdue > 1 || (overdue > 0 && rng.chance(0.3)),
    );
    p.int(
        "tax_arrears_kzt",
        if rng.chance(0.08 + 0.05 * econ.max(0.0)) {
            rng.range_i64(2_000, 150_000)
        } else {
            0
        },
    );
    p.int(
        "alimony_arrears_kzt",
        if single_parent && alimony == 0 && rng.chance(0.3) {
            rng.range_i64(50_000, 900_000)
        } else {
            0
        },
    );
    p.flag("credit_bureau_negative", overdue > 0 || enforcement);

    // Education (10).
    let education_levels = ["higher", "vocational", "secondary", "basic"];
    let head_education = category(&mut rng, econ, &education_levels);
    p.text("head_education", head_education);
    let spouse_education = if married {
        category(&mut rng, econ, &education_levels)
    } else {
        "none"
    };
    p.text("spouse_education", spouse_education);
    p.int(
        "n_members_higher_education",
        i64::from(head_education == "higher") + i64::from(spouse_education == "higher"),
    );
    let out_of_school = (0..n_school)
        .filter(|_| rng.chance((0.01 + 0.04 * (social + econ).max(0.0)).min(0.4)))
        .count() as i64;
    p.int("n_children_in_school", n_school - out_of_school);
    p.int("n_children_not_in_school", out_of_school);
    let preschool = (0..n_3_6).filter(|_| rng.chance(0.75)).count() as i64;
    p.int("n_children_in_preschool", preschool);
    p.int("n_children_preschool_queue", n_3_6 - preschool);
    p.num(
        "school_attendance_rate",
        if n_school > 0 {
            (0.97 - 0.04 * social.max(0.0) + 0.02 * rng.normal()).clamp(0.3, 1.0)
        } else {
            1.0
        },
    );
    p.int(
        "n_children_extracurricular",
        (0..n_school)
            .filter(|_| rng.chance((0.5 - 0.15 * econ).clamp(0.05, 0.9)))
            .count() as i64,
    );
    p.num(
        "distance_to_school_km",
        if urban {
            rng.uniform(0.2, 2.0)
        } else {
            rng.uniform(0.5, 15.0)
        },
    );

    // Health (12).
    let chronic = (0..size)
        .filter(|_| rng.chance((0.12 + 0.1 * health).clamp(0.01, 0.8)))
        .count() as i64;
    p.int("n_chronic_ill", chronic);
    p.int(
        "n_disabled_children",
        (0..n_disabled)
            .filter(|_| n_kids > 0 && rng.chance(0.3))
            .count() as i64,
    );
    p.int(
        "max_disability_group",
        if n_disabled > 0 {
            rng.range_i64(1, 3)
        } else {
            0
        },
    );
    p.int(
        "n_uninsured_members",
        (0..(size - n_minors))
            .filter(|_| rng.chance((0.08 + 0.12 * econ).clamp(0.0, 0.7)))
            .count() as i64,
    );
    p.int(
        "n_hospitalizations_12m",
        rng.count((0.1 + 0.1 * health).clamp(0.01, 0.8), 6) as i64,
    );
    p.int(
        "n_outpatient_visits_12m",
        (size as f64 * rng.uniform(1.0, 5.0) * (1.0 + 0.3 * health.max(0.0))).round() as i64,
    );
    p.flag(
        "pregnant_member",
        married && head_age < 45 && rng.chance(0.06),
    );
    p.flag(
        "child_vaccination_complete",
        n_kids == 0 || rng.chance((0.93 - 0.05 * social.max(0.0)).clamp(0.3, 1.0)),
    );
    p.int("n_dispensary_registered", chronic.min(size));
    p.flag("needs_caregiver", n_disabled > 0 && rng.chance(0.4));
    p.num(
        "distance_to_clinic_km",
        if urban {
            rng.uniform(0.3, 4.0)
        } else {
            rng.uniform(1.0, 40.0)
        },
    );

    // Children's welfare (8).
    let free_meals = p.flag(
        "school_meals_free",
        n_school > 0 && (tsa > 0 || n_kids >= 4 || below_minimum),
    );
    p.int(
        "n_children_school_meals",
        if free_meals {
            n_school - out_of_school
        } else {
            0
        },
    );
    p.int(
        "n_children_in_care_system",
        if social > 2.2 && n_kids > 0 { 1 } else { 0 },
    );
    p.flag("orphan_guardianship", n_kids > 0 && rng.chance(0.01));
    p.int(
        "n_children_summer_camp",
        (0..n_school)
            .filter(|_| rng.chance((0.2 - 0.05 * econ).clamp(0.0, 0.6)))
            .count() as i64,
    );
    p.int(
        "n_child_protection_contacts_12m",
        if social > 1.8 && n_kids > 0 {
            rng.range_i64(1, 4)
        } else {
            0
        },
    );
    p.flag(
        "children_digital_device",
        n_school == 0 || rng.chance((0.8 - 0.15 * econ).clamp(0.1, 0.99)),
    );
    p.int(
        "n_children_with_disability_support",
        if n_kids > 0 && n_disabled > 0 { 1 } else { 0 },
    );

    // Social (8).
    let violence = p.int(
        "domestic_violence_reports_12m",
        if social > 2.0 { rng.range_i64(1, 4) } else { 0 },
    );
    p.int(
        "n_police_contacts_12m",
        violence + rng.count((0.05 + 0.1 * social).clamp(0.0, 0.6), 4) as i64,
    );
    p.int("n_members_convicted", if social > 2.4 { 1 } else { 0 });
    p.int(
        "social_worker_visits_12m",
        if tsa > 0 || social > 1.5 {
            rng.range_i64(1, 12)
        } else {
            0
        },
    );
    p.int(
        "n_members_substance_treatment",
        if social > 2.2 && rng.chance(0.5) {
            1
        } else {
            0
        },
    );
    p.flag("migrated_last_3y", rng.chance(0.07));
    p.flag("kandas_status", kazakh && rng.chance(0.03));
    p.flag(
        "household_car",
        rng.chance((0.55 - 0.2 * econ).clamp(0.05, 0.95)),
    );

    // Location (4).
    p.flag("urban", urban);
    p.text(
        "settlement_type",
        if urban {
            rng.pick::<&str>(&["city", "city", "town"])
        } else {
            "village"
        },
    );
    p.num(
        "distance_to_akimat_km",
        if urban {
            rng.uniform(0.5, 10.0)
        } else {
            rng.uniform(2.0, 60.0)
        },
    );
    p.flag("public_transport_access", urban || rng.chance(0.4));

    // The hidden model: observed factors plus an unobserved residual.
    let factor = |name: &str| -> f64 {
        match p.values.get(name) {
            Some(ParamValue::Bool(flag)) => f64::from(u8::from(*flag)),
            Some(ParamValue::Int(value)) => match name {
                "income_per_member_kzt" => (1.0 - *value as f64 / 150_000.0).max(0.0),
                "utilities_arrears_months" => (*value as f64 / 6.0).min(1.5),
                _ => (*value as f64).min(3.0),
            },
            Some(ParamValue::Text(value)) => match value.as_str() {
                "unemployed" | "emergency" => 1.0,
                "employed_informal" | "poor" => 0.5,
                _ => 0.0,
            },
            _ => 0.0,
        }
    };
    let contributions: Vec<(&str, f64)> = RISK_WEIGHTS
        .iter()
        .map(|&(name, weight)| (name, weight * factor(name)))
        .collect();
    let latent = 0.4 * econ + 0.3 * health + 0.3 * housing + 0.5 * social;
    let linear = RISK_INTERCEPT
        + contributions.iter().map(|(_, value)| value).sum::<f64>()
        + RISK_LATENT_WEIGHT * latent
        + 0.45 * rng.normal();
    let score = 1.0 / (1.0 + (-linear).exp());
    let risk_level = match score {
        s if s >= 0.75 => "critical",
        s if s >= 0.5 => "high",
        s if s >= 0.25 => "medium",
        _ => "low",
    };
    let mut ranked: Vec<(&str, f64)> = contributions
        .into_iter()
        .filter(|(_, value)| *value > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));

    let family = KzFamily {
        id: format!("FAM-{:07}", index + 1),
        head_iin: head.iin.clone(),
        region_kato,
        household_language: if kazakh { "kk" } else { "ru" }.to_owned(),
        head_sex: head.sex.clone(),
        members,
        params: p.values,
    };
    let truth = KzFamilyTruth {
        id: family.id.clone(),
        risk_level: risk_level.to_owned(),
        risk_score: (score * 10_000.0).round() / 10_000.0,
        top_factors: ranked
            .iter()
            .take(3)
            .map(|(name, _)| (*name).to_owned())
            .collect(),
    };
    (family, truth)
}

/// The parameter names every household carries, in sorted order.
#[cfg(test)]
pub(crate) static PARAM_NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let config = super::GenConfig::new(super::Dataset::KzFamilies, super::Split::Practice, 0);
    let (family, _) = generate(&Context::new(&config), 0);
    family.params.keys().cloned().collect()
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::ids::{iin_birth, is_valid_iin};
    use crate::datasets::{Dataset, GenConfig, Split};

    #[test]
    fn households_are_consistent_and_risk_levels_spread() {
        let context = Context::new(&GenConfig::new(Dataset::KzFamilies, Split::Practice, 6));
        let mut levels = BTreeMap::new();
        for index in 0..1500 {
            let (family, truth) = generate(&context, index);
            assert!(family.params.len() >= 100, "{}", family.params.len());
            assert_eq!(family.params.len(), PARAM_NAMES.len());
            assert_eq!(family.members[0].iin, family.head_iin);
            for member in &family.members {
                assert!(is_valid_iin(&member.iin), "{member:?}");
                let ((year, _, _), _) = iin_birth(&member.iin)
                    .unwrap_or(((0, 0, 0), crate::datasets::ids::IinSex::Male));
                let age = 2024 - year;
                assert!(
                    (i64::from(age) - i64::from(member.age)).abs() <= 1,
                    "{member:?}"
                );
            }
            for child in family
                .members
                .iter()
                .filter(|member| member.relation == "child")
            {
                assert!(child.age + 18 <= family.members[0].age, "{family:?}");
            }
            assert!((0.0..=1.0).contains(&truth.risk_score));
            *levels.entry(truth.risk_level).or_insert(0) += 1;
        }
        for level in ["low", "medium", "high", "critical"] {
            let share = f64::from(*levels.get(level).unwrap_or(&0)) / 1500.0;
            assert!(share > 0.03, "{level} {share} {levels:?}");
        }
        assert!(
            f64::from(*levels.get("low").unwrap_or(&0)) / 1500.0 > 0.3,
            "{levels:?}"
        );
    }

    #[test]
    fn member_iins_never_repeat_and_never_meet_citizens() {
        let context = Context::new(&GenConfig::new(Dataset::KzFamilies, Split::Practice, 6));
        let citizens: std::collections::HashSet<String> = (0..context.population)
            .map(|index| kz_citizens::generate(&context.citizens, index).iin)
            .collect();
        let mut members = std::collections::HashSet::new();
        for index in 0..3000 {
            let (family, _) = generate(&context, index);
            assert!(citizens.contains(&family.head_iin));
            for member in &family.members[1..] {
                assert!(!citizens.contains(&member.iin), "{member:?}");
                assert!(members.insert(member.iin.clone()), "{member:?} repeats");
                let ((year, _, _), _) = iin_birth(&member.iin)
                    .unwrap_or(((0, 0, 0), crate::datasets::ids::IinSex::Male));
                assert_eq!(2024 - year, member.age as i32, "{member:?}");
            }
        }
        assert!(members.len() > 3000, "{}", members.len());
    }
}
