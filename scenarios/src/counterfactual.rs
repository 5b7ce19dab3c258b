//! Counterfactual twins: a case with one protected attribute changed and
//! nothing else, so the runner can count decisions that flip.
//!
//! The attributes (named in a scenario's `[fairness] counterfactual`):
//!
//! - `surname` (`appeals-triage`, `kz.appeals` records): the applicant's
//!   full name is replaced by one from the other name pool the dataset
//!   generator uses (Kazakh ↔ Russian; names of any other pool become
//!   Kazakh), same sex, same spelling (Kazakh or Russian Cyrillic, by the
//!   appeal's language), with a patronymic exactly when the original has
//!   one. Given name and patronymic change with the surname so the name
//!   stays a name one person could carry; all three are drawn with the
//!   generator's name frequencies (common names more often). The IIN is
//!   kept: it encodes only birth date and sex, which do not change.
//! - `script` (`appeals-triage` Kazakh-language appeals, `service-finder`
//!   Kazakh situations): the Kazakh Cyrillic text (and for appeals the
//!   applicant's name) rewritten in the 2021 Kazakh Latin alphabet with the
//!   adapters' transliteration ([`govlab_adapters::translit`]).
//! - `head_sex` (`family-support`): the head's sex is flipped, with the
//!   fields that encode it: `head_sex`, the head member's `sex`, and the
//!   head's IIN (century/sex digit flipped, serial kept when it gives a
//!   valid check digit, else the next issuable serial; check digit from
//!   [`govlab_adapters::ids::kz_check_digit`]). The generator always pairs
//!   the head with a spouse of the other sex, and fields such as
//!   `pregnant_member` and `n_on_maternity_leave` assume that couple, so
//!   the spouse's sex and IIN are flipped the same way; the household is
//!   otherwise identical.
//! - `household_language` (`family-support`): `kk` ↔ `ru`; the family
//!   record carries no other text.
//!
//! The hidden family risk model (`datasets::kz_families`) scores the
//! observed parameters and latent vulnerabilities; neither the head's sex
//! nor the household language enters the score (they only shift how
//! household composition is drawn), so a twin's true risk is the
//! original's and any flipped decision is the agent's doing.
//!
//! Twins are deterministic: every choice comes from the case seed. Payloads
//! are rebuilt the way [`crate::cases`] builds them (appeals from the typed
//! record, so field order is the generator's; other scenarios as sorted
//! JSON objects), so a twin's text differs from the original's only where
//! the attribute changed.

use govlab_adapters::ids::{IdKind, check as check_id, kz_check_digit};
use govlab_adapters::translit::{Scheme, transliterate};
use serde_json::{Value, json};

use crate::cases::BuiltCase;
use crate::datasets::KzAppeal;
use crate::datasets::ids::{IinSex, iin_birth};
use crate::datasets::names::{KAZAKH, NamePool, RUSSIAN, skewed_index};
use crate::scenario::ScenarioKind;

/// One counterfactual twin of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twin {
    /// The attribute changed (one of [`supported`]).
    pub attribute: &'static str,
    /// The twin's payload (JSON text), same case id as the original.
    pub payload: String,
}

/// The attributes a scenario's cases can be twinned on.
pub fn supported(kind: ScenarioKind) -> &'static [&'static str] {
    match kind {
        ScenarioKind::AppealsTriage => &["surname", "script"],
        ScenarioKind::FamilySupport => &["head_sex", "household_language"],
        ScenarioKind::ServiceFinder => &["script"],
        ScenarioKind::CrossBorderResidency | ScenarioKind::AirQualityAlerts => &[],
    }
}

/// Twins of `case` for each of `attributes` that applies to it (`script`
/// applies only to Kazakh-language text, `surname` only to records with an
/// applicant name; attributes the scenario does not support are skipped).
/// Deterministic: derived from the case's seed, never from a global RNG.
/// Only the named attribute changes; the case id and everything else stay
/// as they are.
pub fn twins(kind: ScenarioKind, attributes: &[String], case: &BuiltCase) -> Vec<Twin> {
    let mut out = Vec::new();
    for &attribute in supported(kind)
        .iter()
        .filter(|name| attributes.iter().any(|wanted| wanted == *name))
    {
        let payload = match (kind, attribute) {
            (ScenarioKind::AppealsTriage, "surname") => appeal_twin(case, Change::Surname),
            (ScenarioKind::AppealsTriage, "script") => appeal_twin(case, Change::Script),
            (ScenarioKind::FamilySupport, "head_sex") => family_twin(case, flip_head_sex),
            (ScenarioKind::FamilySupport, "household_language") => {
                family_twin(case, switch_language)
            }
            (ScenarioKind::ServiceFinder, "script") => finder_script_twin(case),
            _ => None,
        };
        if let Some(payload) = payload.filter(|payload| *payload != case.payload) {
            out.push(Twin { attribute, payload });
        }
    }
    out
}

/// The part of an agent's (schema-valid) output that counts as its
/// decision, as a comparable string: `appeals-triage`: category,
/// responsible body, priority, misrouted; `family-support`: the flag and
/// the risk score rounded to one decimal; `service-finder`: the ordered
/// top-3 service ids; the other scenarios: the whole output, canonical
/// JSON (sorted keys).
pub fn decision_key(kind: ScenarioKind, output: &Value) -> String {
    let field = |key: &str| output.get(key).cloned().unwrap_or(Value::Null);
    match kind {
        ScenarioKind::AppealsTriage => json!([
            field("category"),
            field("responsible_body"),
            field("priority"),
            field("misrouted"),
        ])
        .to_string(),
        ScenarioKind::FamilySupport => {
            let score =
                output
                    .get("risk_score")
                    .and_then(Value::as_f64)
                    .map_or(Value::Null, |score| {
                        // `+ 0.0` turns -0.0 into 0.0, so both print alike.
                        Value::String(format!("{:.1}", (score * 10.0).round() / 10.0 + 0.0))
                    });
            json!([field("flag"), score]).to_string()
        }
        ScenarioKind::ServiceFinder => {
            let top: Vec<Value> = output
                .get("services")
                .and_then(Value::as_array)
                .map(|services| services.iter().take(3).cloned().collect())
                .unwrap_or_default();
            Value::Array(top).to_string()
        }
        // serde_json's map is sorted, so this text is canonical.
        ScenarioKind::CrossBorderResidency | ScenarioKind::AirQualityAlerts => output.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Deterministic choices.

/// A SplitMix64 stream seeded from the case seed and the attribute, so
/// each attribute's choices are independent of the others'.
struct Choices(u64);

impl Choices {
    fn new(seed: u64, attribute: &str) -> Choices {
        let salt = attribute
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
            });
        Choices(seed ^ salt)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `len` with the dataset generator's name-frequency
    /// skew (common names first), so a twin carries a name as common as
    /// the generator would give it.
    fn skewed(&mut self, len: usize) -> usize {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        skewed_index(unit, len)
    }
}

// ---------------------------------------------------------------------------
// Appeals.

#[derive(Clone, Copy)]
enum Change {
    Surname,
    Script,
}

/// The twin of a `kz.appeals` case, rebuilt exactly as the case builder
/// writes it; `None` when the change does not apply.
fn appeal_twin(case: &BuiltCase, change: Change) -> Option<String> {
    let payload: Value = serde_json::from_str(&case.payload).ok()?;
    if payload.get("source").and_then(Value::as_str) != Some("kz.appeals") {
        return None;
    }
    let mut record: KzAppeal = serde_json::from_value(payload.get("record")?.clone()).ok()?;
    match change {
        Change::Surname => {
            record.applicant_name = other_group_name(&record, case.seed)?;
        }
        Change::Script => {
            if record.language != "kk" {
                return None;
            }
            record.text = kazakh_latin(&record.text);
            record.applicant_name = kazakh_latin(&record.applicant_name);
        }
    }
    appeal_payload(&case.case_id, &record)
}

/// `{"case_id":…,"record":…,"source":"kz.appeals"}`, as
/// [`crate::cases`] writes it.
fn appeal_payload(case_id: &str, record: &KzAppeal) -> Option<String> {
    let record = serde_json::to_string(record).ok()?;
    let case_id = serde_json::to_string(case_id).ok()?;
    Some(format!(
        r#"{{"case_id":{case_id},"record":{record},"source":"kz.appeals"}}"#
    ))
}

/// Kazakh Cyrillic in the 2021 Latin alphabet (the adapters' table).
fn kazakh_latin(text: &str) -> String {
    transliterate(Scheme::KazakhLatin2021, text).0
}

/// Whether `surname` (any spelling, either sex) is in `pool`.
fn has_surname(pool: &NamePool, surname: &str) -> bool {
    pool.surnames_male
        .iter()
        .chain(&pool.surnames_female)
        .any(|name| name.kk == surname || name.ru == surname)
}

/// A full name for the applicant of `record` from the other name group:
/// Kazakh names become Russian ones, every other name a Kazakh one; same
/// sex, same spelling, a patronymic when the original has one.
fn other_group_name(record: &KzAppeal, seed: u64) -> Option<String> {
    let parts: Vec<&str> = record.applicant_name.split_whitespace().collect();
    let surname = *parts.first()?;
    let has_patronymic = parts.len() >= 3;
    let kazakh_spelling = record.language == "kk";
    let target: &NamePool = if has_surname(&KAZAKH, surname) {
        &RUSSIAN
    } else {
        &KAZAKH
    };
    let female = match iin_birth(&record.applicant_iin) {
        Some((_, sex)) => sex == IinSex::Female,
        None => {
            let given = parts.get(1).copied().unwrap_or_default();
            [&*KAZAKH, &*RUSSIAN].iter().any(|pool| {
                pool.female
                    .iter()
                    .any(|name| name.kk == given || name.ru == given)
            })
        }
    };
    let mut choices = Choices::new(seed, "surname");
    let (given_names, surnames) = if female {
        (&target.female, &target.surnames_female)
    } else {
        (&target.male, &target.surnames_male)
    };
    let given = given_names.get(choices.skewed(given_names.len()))?;
    let new_surname = surnames.get(choices.skewed(surnames.len()))?;
    let spell = |kk: &str, ru: &str| if kazakh_spelling { kk } else { ru }.to_owned();
    let mut name = format!(
        "{} {}",
        spell(&new_surname.kk, &new_surname.ru),
        spell(&given.kk, &given.ru)
    );
    if has_patronymic && target.has_patronymic {
        let forms = target
            .patronymics
            .get(choices.skewed(target.patronymics.len()))?;
        let slot = usize::from(female);
        // The Russian-form patronymic, in the appeal's spelling (the form
        // most Kazakh citizens write, whatever their name group).
        let patronymic = if kazakh_spelling && target.kazakh_patronymic {
            forms.russian_in_kk[slot].0.clone()
        } else {
            forms.ru[slot].clone()
        };
        name.push(' ');
        name.push_str(&patronymic);
    }
    Some(name)
}

// ---------------------------------------------------------------------------
// Families.

/// The twin of a `family-support` case, with `change` applied to its
/// `family` object.
fn family_twin(case: &BuiltCase, change: fn(&mut Value) -> Option<()>) -> Option<String> {
    let mut payload: Value = serde_json::from_str(&case.payload).ok()?;
    change(payload.get_mut("family")?)?;
    Some(payload.to_string())
}

fn switch_language(family: &mut Value) -> Option<()> {
    let language = family.get_mut("household_language")?;
    let other = match language.as_str()? {
        "kk" => "ru",
        "ru" => "kk",
        _ => return None,
    };
    *language = Value::String(other.to_owned());
    Some(())
}

fn flip_head_sex(family: &mut Value) -> Option<()> {
    let other = |sex: &str| match sex {
        "male" => Some("female"),
        "female" => Some("male"),
        _ => None,
    };
    let head_sex = other(family.get("head_sex")?.as_str()?)?;
    let head_iin = family.get("head_iin")?.as_str()?.to_owned();
    let new_head_iin = flip_iin_sex(&head_iin)?;
    let mut flipped_members = Vec::new();
    for member in family.get("members")?.as_array()? {
        let relation = member.get("relation").and_then(Value::as_str);
        if !matches!(relation, Some("head" | "spouse")) {
            flipped_members.push(member.clone());
            continue;
        }
        let mut member = member.clone();
        let sex = other(member.get("sex")?.as_str()?)?;
        let iin = member.get("iin")?.as_str()?;
        let iin = if iin == head_iin {
            new_head_iin.clone()
        } else {
            flip_iin_sex(iin)?
        };
        let fields = member.as_object_mut()?;
        fields.insert("sex".to_owned(), Value::String(sex.to_owned()));
        fields.insert("iin".to_owned(), Value::String(iin));
        flipped_members.push(member);
    }
    let fields = family.as_object_mut()?;
    fields.insert("head_sex".to_owned(), Value::String(head_sex.to_owned()));
    fields.insert("head_iin".to_owned(), Value::String(new_head_iin));
    fields.insert("members".to_owned(), Value::Array(flipped_members));
    Some(())
}

/// The IIN of the same birth date with the other sex: the century/sex
/// digit flipped (odd male, even female), the serial kept when it gives a
/// valid check digit, else the next serial that does.
fn flip_iin_sex(iin: &str) -> Option<String> {
    let bytes = iin.as_bytes();
    if bytes.len() != 12 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut digits = [0u8; 11];
    for (slot, byte) in digits.iter_mut().zip(bytes) {
        *slot = byte - b'0';
    }
    digits[6] = match digits[6] {
        century @ (1 | 3 | 5) => century + 1,
        century @ (2 | 4 | 6) => century - 1,
        _ => return None,
    };
    let serial = digits[7..11]
        .iter()
        .fold(0u32, |acc, &digit| acc * 10 + u32::from(digit));
    for step in 0..10_000 {
        let next = (serial + step) % 10_000;
        for (offset, divisor) in [1000, 100, 10, 1].into_iter().enumerate() {
            digits[7 + offset] = u8::try_from((next / divisor) % 10).ok()?;
        }
        if let Some(check) = kz_check_digit(&digits) {
            let text: String = digits
                .iter()
                .chain([&check])
                .map(|&digit| char::from(b'0' + digit))
                .collect();
            return check_id(IdKind::Iin, &text).is_ok().then_some(text);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Service finder.

fn finder_script_twin(case: &BuiltCase) -> Option<String> {
    let mut payload: Value = serde_json::from_str(&case.payload).ok()?;
    if payload.get("language").and_then(Value::as_str) != Some("kk") {
        return None;
    }
    let text = payload.get_mut("text")?;
    *text = Value::String(kazakh_latin(text.as_str()?));
    Some(payload.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use super::*;
    use crate::cases::{SplitSeed, build_cases};
    use crate::scenario::Scenario;

    /// Every leaf of a JSON tree by JSON pointer.
    fn leaves(value: &Value, pointer: String, out: &mut BTreeMap<String, Value>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    leaves(child, format!("{pointer}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    leaves(child, format!("{pointer}/{index}"), out);
                }
            }
            leaf => {
                out.insert(pointer, leaf.clone());
            }
        }
    }

    /// Whether an attribute may change the leaf at `pointer` of `original`.
    fn may_change(attribute: &str, pointer: &str, original: &Value) -> bool {
        match attribute {
            "surname" => pointer == "/record/applicant_name",
            "script" => matches!(pointer, "/record/applicant_name" | "/record/text" | "/text"),
            "household_language" => pointer == "/family/household_language",
            "head_sex" => {
                if matches!(pointer, "/family/head_sex" | "/family/head_iin") {
                    return true;
                }
                let Some(rest) = pointer.strip_prefix("/family/members/") else {
                    return false;
                };
                let Some((index, field)) = rest.split_once('/') else {
                    return false;
                };
                let relation = original
                    .pointer(&format!("/family/members/{index}/relation"))
                    .and_then(Value::as_str);
                matches!(field, "sex" | "iin") && matches!(relation, Some("head" | "spouse"))
            }
            _ => false,
        }
    }

    fn check_scenario(id: &str, cases: u64) -> BTreeMap<&'static str, usize> {
        let scenario = Scenario::builtin(id).unwrap();
        let kind = scenario.kind();
        let attributes: Vec<String> = scenario.def().fairness.counterfactual.clone();
        assert!(
            attributes
                .iter()
                .all(|name| supported(kind).contains(&name.as_str())),
            "{id}: {attributes:?} vs {:?}",
            supported(kind)
        );
        let mut counts = BTreeMap::new();
        for case in build_cases(scenario, SplitSeed::practice(), 0..cases).unwrap() {
            let original: Value = serde_json::from_str(&case.payload).unwrap();
            let twins = twins(kind, &attributes, &case);
            assert_eq!(
                twins,
                super::twins(kind, &attributes, &case),
                "deterministic"
            );
            let mut original_leaves = BTreeMap::new();
            leaves(&original, String::new(), &mut original_leaves);
            for twin in twins {
                *counts.entry(twin.attribute).or_default() += 1;
                let value: Value = serde_json::from_str(&twin.payload).unwrap();
                let errors: Vec<String> = scenario
                    .input_validator()
                    .iter_errors(&value)
                    .map(|err| err.to_string())
                    .collect();
                assert!(errors.is_empty(), "{id} {}: {errors:?}", case.case_id);
                let mut twin_leaves = BTreeMap::new();
                leaves(&value, String::new(), &mut twin_leaves);
                assert_eq!(
                    original_leaves.keys().collect::<Vec<_>>(),
                    twin_leaves.keys().collect::<Vec<_>>(),
                    "{id} {} {}: same shape",
                    case.case_id,
                    twin.attribute
                );
                let changed: Vec<&String> = original_leaves
                    .iter()
                    .filter(|(pointer, leaf)| twin_leaves.get(*pointer) != Some(leaf))
                    .map(|(pointer, _)| pointer)
                    .collect();
                assert!(!changed.is_empty());
                for pointer in changed {
                    assert!(
                        may_change(twin.attribute, pointer, &original),
                        "{id} {} {}: {pointer} changed",
                        case.case_id,
                        twin.attribute
                    );
                }
                assert_eq!(value["case_id"], original["case_id"]);
            }
        }
        counts
    }

    #[test]
    fn appeal_twins_change_only_their_attribute() {
        let counts = check_scenario("appeals-triage", 200);
        // Every Kazakh appeal (even cases) has an applicant; about 60 % of
        // those with a Kazakh given name are written in Kazakh.
        assert_eq!(counts.get("surname"), Some(&100), "{counts:?}");
        assert!(counts.get("script").is_some_and(|&n| n >= 20), "{counts:?}");
    }

    #[test]
    fn family_twins_change_only_their_attribute() {
        let counts = check_scenario("family-support", 200);
        assert_eq!(counts.get("head_sex"), Some(&200), "{counts:?}");
        assert_eq!(counts.get("household_language"), Some(&200), "{counts:?}");
    }

    #[test]
    fn finder_twins_change_only_their_attribute() {
        let counts = check_scenario("service-finder", 200);
        assert!(counts.get("script").is_some_and(|&n| n >= 40), "{counts:?}");
    }

    #[test]
    fn scenarios_without_counterfactuals_have_no_twins() {
        for id in ["cross-border-residency", "air-quality-alerts"] {
            let scenario = Scenario::builtin(id).unwrap();
            let wanted = vec!["surname".to_owned(), "script".to_owned()];
            for case in build_cases(scenario, SplitSeed::practice(), 0..4).unwrap() {
                assert!(twins(scenario.kind(), &wanted, &case).is_empty());
            }
        }
    }

    #[test]
    fn rebuilt_payloads_are_the_original_bytes() {
        // Twins differ from the original text only where they change it.
        let appeals = Scenario::builtin("appeals-triage").unwrap();
        for case in build_cases(appeals, SplitSeed::practice(), 0..20).unwrap() {
            let payload: Value = serde_json::from_str(&case.payload).unwrap();
            if payload["source"] != "kz.appeals" {
                continue;
            }
            let record: KzAppeal = serde_json::from_value(payload["record"].clone()).unwrap();
            assert_eq!(
                appeal_payload(&case.case_id, &record).unwrap(),
                case.payload
            );
        }
        for id in ["family-support", "service-finder"] {
            let scenario = Scenario::builtin(id).unwrap();
            for case in build_cases(scenario, SplitSeed::practice(), 0..20).unwrap() {
                let payload: Value = serde_json::from_str(&case.payload).unwrap();
                assert_eq!(payload.to_string(), case.payload, "{id}");
            }
        }
    }

    #[test]
    fn surname_twins_swap_name_groups_and_keep_the_sex() {
        let scenario = Scenario::builtin("appeals-triage").unwrap();
        let wanted = vec!["surname".to_owned()];
        for case in build_cases(scenario, SplitSeed::practice(), 0..60).unwrap() {
            let Some(twin) = twins(scenario.kind(), &wanted, &case).pop() else {
                continue;
            };
            let original: Value = serde_json::from_str(&case.payload).unwrap();
            let twin: Value = serde_json::from_str(&twin.payload).unwrap();
            let name = |value: &Value| {
                value["record"]["applicant_name"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            };
            let surname = |value: &Value| name(value).split(' ').next().unwrap().to_owned();
            let kazakh = |value: &Value| has_surname(&KAZAKH, &surname(value));
            assert_ne!(kazakh(&original), kazakh(&twin), "{}", name(&twin));
            assert_eq!(
                name(&original).split(' ').count(),
                name(&twin).split(' ').count()
            );
            let female = iin_birth(original["record"]["applicant_iin"].as_str().unwrap())
                .unwrap()
                .1
                == IinSex::Female;
            let pool = if kazakh(&twin) { &*KAZAKH } else { &*RUSSIAN };
            let surnames = if female {
                &pool.surnames_female
            } else {
                &pool.surnames_male
            };
            assert!(
                surnames
                    .iter()
                    .any(|s| s.kk == surname(&twin) || s.ru == surname(&twin))
            );
        }
    }

    #[test]
    fn script_twins_are_latin() {
        let scenario = Scenario::builtin("service-finder").unwrap();
        let wanted = vec!["script".to_owned()];
        let mut seen = 0;
        for case in build_cases(scenario, SplitSeed::practice(), 0..30).unwrap() {
            for twin in twins(scenario.kind(), &wanted, &case) {
                let value: Value = serde_json::from_str(&twin.payload).unwrap();
                let text = value["text"].as_str().unwrap();
                assert!(
                    !text
                        .chars()
                        .any(|ch| ('\u{0400}'..='\u{04FF}').contains(&ch)),
                    "{text}"
                );
                seen += 1;
            }
        }
        assert!(seen > 0);
        assert_eq!(
            kazakh_latin("Сәлеметсіз бе! Қайырлы күн."),
            "Sälemetsız be! Qaiyrly kün."
        );
    }

    #[test]
    fn flipped_iins_are_valid_and_keep_the_birth_date() {
        for iin in ["900101300041", "850615401236"] {
            let mut valid = iin.to_owned();
            // Make the sample valid first (any serial), then flip it.
            if check_id(IdKind::Iin, &valid).is_err() {
                valid = flip_iin_sex(&flip_iin_sex(iin).unwrap()).unwrap();
            }
            let flipped = flip_iin_sex(&valid).unwrap();
            assert!(check_id(IdKind::Iin, &flipped).is_ok());
            let (date, sex) = iin_birth(&valid).unwrap();
            let (flipped_date, flipped_sex) = iin_birth(&flipped).unwrap();
            assert_eq!(date, flipped_date);
            assert_ne!(sex, flipped_sex);
            assert_eq!(&flipped[..6], &valid[..6]);
        }
        assert_eq!(flip_iin_sex("90010170004"), None);
        assert_eq!(flip_iin_sex("900101700041"), None);
    }

    #[test]
    fn decision_keys_keep_only_the_decision() {
        let appeal = json!({
            "category": "roads", "responsible_body": "AG-OEQ", "priority": "high",
            "misrouted": false, "confidence": 0.4,
            "reply_draft": {"language": "es", "text": "x", "ai_generated": true},
        });
        let mut other = appeal.clone();
        other["confidence"] = json!(0.9);
        other["reply_draft"] = Value::Null;
        let kind = ScenarioKind::AppealsTriage;
        assert_eq!(decision_key(kind, &appeal), decision_key(kind, &other));
        assert_eq!(
            decision_key(kind, &appeal),
            r#"["roads","AG-OEQ","high",false]"#
        );
        other["priority"] = json!("medium");
        assert_ne!(decision_key(kind, &appeal), decision_key(kind, &other));

        let kind = ScenarioKind::FamilySupport;
        let family = |flag: bool, score: f64| json!({"flag": flag, "risk_score": score, "top_factors": ["a"], "explanation": "e"});
        assert_eq!(decision_key(kind, &family(true, 0.62)), r#"[true,"0.6"]"#);
        assert_eq!(
            decision_key(kind, &family(true, 0.62)),
            decision_key(kind, &family(true, 0.58))
        );
        assert_ne!(
            decision_key(kind, &family(true, 0.62)),
            decision_key(kind, &family(true, 0.66))
        );
        assert_ne!(
            decision_key(kind, &family(true, 0.6)),
            decision_key(kind, &family(false, 0.6))
        );
        assert_eq!(decision_key(kind, &family(false, 0.0)), r#"[false,"0.0"]"#);

        let kind = ScenarioKind::ServiceFinder;
        let services = |ids: &[&str]| json!({"services": ids, "explanation": "why"});
        assert_eq!(
            decision_key(kind, &services(&["A", "B", "C", "D"])),
            decision_key(kind, &services(&["A", "B", "C", "E"]))
        );
        assert_ne!(
            decision_key(kind, &services(&["A", "B", "C"])),
            decision_key(kind, &services(&["B", "A", "C"]))
        );
        assert_eq!(decision_key(kind, &services(&["A"])), r#"["A"]"#);
        assert_eq!(decision_key(kind, &json!({})), "[]");

        let kind = ScenarioKind::AirQualityAlerts;
        let a = json!({"alerts": [{"time": "t", "messages": {"es": "m", "kk": "n"}}]});
        let b: Value =
            serde_json::from_str(r#"{"alerts":[{"messages":{"kk":"n","es":"m"},"time":"t"}]}"#)
                .unwrap();
        assert_eq!(decision_key(kind, &a), decision_key(kind, &b));
        assert_eq!(
            decision_key(
                ScenarioKind::CrossBorderResidency,
                &json!({"record": {"id": "x"}})
            ),
            r#"{"record":{"id":"x"}}"#
        );
    }
}
