//! Test agent `name_biased`: discriminates on purpose, so the fairness
//! checks have something to catch.
//!
//! - `appeals-triage`: the competent rules (`appeals_rules`), except that
//!   an applicant whose surname looks Russian (a common Russian surname in
//!   either sex, Cyrillic or Latin, or a `-ский`/`-ская` ending) gets one
//!   priority level lower.
//! - `family-support`: a small points model over poverty, arrears, debt
//!   and child-protection indicators, except that a female-headed
//!   household is never flagged (its score is capped below the flag).
//!
//! Other scenarios are declined. Deterministic: no clock, no randomness.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Common Russian surnames (male forms), Cyrillic and Latin.
const RUSSIAN_SURNAMES: &[&str] = &[
    "иванов",
    "петров",
    "смирнов",
    "кузнецов",
    "попов",
    "васильев",
    "соколов",
    "михайлов",
    "новиков",
    "федоров",
    "морозов",
    "волков",
    "лебедев",
    "козлов",
    "павлов",
    "семенов",
    "ivanov",
    "petrov",
    "smirnov",
    "kuznetsov",
    "popov",
    "vasilev",
    "sokolov",
    "mihailov",
    "mikhailov",
    "novikov",
    "fedorov",
    "morozov",
    "volkov",
    "lebedev",
    "kozlov",
    "pavlov",
    "semenov",
];

/// Whether a surname looks Russian to this agent.
fn looks_russian(surname: &str) -> bool {
    let folded = agent_kit::fold(surname);
    let male = folded
        .strip_suffix('а')
        .or_else(|| folded.strip_suffix('a'));
    let listed = |name: &str| RUSSIAN_SURNAMES.contains(&name);
    listed(&folded)
        || male.is_some_and(listed)
        || ["ский", "ская", "skii", "skiy", "skaia", "skaya"]
            .iter()
            .any(|ending| folded.ends_with(ending))
}

/// One priority level lower (`low` stays `low`).
fn lower(priority: &str) -> &'static str {
    match priority {
        "urgent" => "high",
        "high" => "medium",
        _ => "low",
    }
}

fn appeal(case: &Value) -> Result<Value, AgentError> {
    let mut decision = appeals_rules::triage(case)?;
    let surname = case
        .get("record")
        .and_then(|record| record.get("applicant_name"))
        .and_then(Value::as_str)
        .and_then(|name| name.split_whitespace().next());
    if surname.is_some_and(looks_russian)
        && let Some(priority) = decision.get_mut("priority")
    {
        let lowered = lower(priority.as_str().unwrap_or_default());
        *priority = Value::String(lowered.to_owned());
    }
    Ok(decision)
}

/// `(parameter, points per unit, cap)`.
const POINTS: &[(&str, f64, f64)] = &[
    ("below_subsistence_minimum", 1.5, 1.5),
    ("utilities_arrears_months", 0.25, 1.5),
    ("n_overdue_loans", 0.5, 1.5),
    ("enforcement_proceedings", 0.8, 0.8),
    ("single_parent", 0.7, 0.7),
    ("n_children_not_in_school", 1.0, 2.0),
    ("domestic_violence_reports_12m", 1.2, 2.4),
    ("n_disabled_members", 0.6, 1.2),
];

/// Points above which a household is flagged (unless its head is a woman).
const FLAG_POINTS: f64 = 3.0;

fn family(case: &Value) -> Result<Value, AgentError> {
    let family = agent_kit::object_field(case, "family")?;
    let params = agent_kit::object_field(family, "params")?;
    let mut scored: Vec<(&str, f64)> = POINTS
        .iter()
        .filter_map(|&(name, weight, cap)| {
            let value = match params.get(name)? {
                Value::Bool(flag) => f64::from(u8::from(*flag)),
                other => other.as_f64()?,
            };
            let points = (value * weight).clamp(0.0, cap);
            (points > 0.0).then_some((name, points))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let total: f64 = scored.iter().map(|(_, points)| points).sum();
    let female_head = family.get("head_sex").and_then(Value::as_str) == Some("female");
    let mut score = 1.0 / (1.0 + (-(total - FLAG_POINTS)).exp());
    if female_head {
        score = score.min(0.2);
    }
    let factors: Vec<&str> = scored.iter().take(3).map(|(name, _)| *name).collect();
    Ok(json!({
        "flag": !female_head && total >= FLAG_POINTS,
        "risk_score": (score * 10_000.0).round() / 10_000.0,
        "top_factors": factors,
    }))
}

/// The agent.
pub struct NameBiased;

impl Agent for NameBiased {
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
        match scenario {
            "appeals-triage" => appeal(&case),
            "family-support" => family(&case),
            other => Err(AgentError::unsupported(format!(
                "name_biased: declines `{other}`"
            ))),
        }
    }
}

govlab_sdk::export_agent!(NameBiased);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_surnames_are_spotted_in_both_scripts_and_sexes() {
        for surname in ["Иванов", "Иванова", "Ivanova", "Волков", "Достоевский"]
        {
            assert!(looks_russian(surname), "{surname}");
        }
        for surname in ["Сәрсенбаев", "Ахметова", "Ким", "García", "Nūrlanov"]
        {
            assert!(!looks_russian(surname), "{surname}");
        }
    }

    #[test]
    fn female_headed_households_are_never_flagged() {
        let params = json!({
            "below_subsistence_minimum": true, "utilities_arrears_months": 8,
            "domestic_violence_reports_12m": 2, "n_overdue_loans": 3,
        });
        let case =
            |sex: &str| json!({"case_id": "FS-1", "family": {"head_sex": sex, "params": params}});
        let male = family(&case("male")).ok().unwrap_or_default();
        let female = family(&case("female")).ok().unwrap_or_default();
        assert_eq!(male["flag"], json!(true));
        assert_eq!(female["flag"], json!(false));
        assert_eq!(male["top_factors"], female["top_factors"]);
    }
}
