//! `family-support` competent agent: a transparent points model over the
//! household's poverty, debt, housing, health and child-protection
//! indicators, and the traces lasting hardship leaves (work, housing
//! condition, overdue loans, health cover): social-work rules of thumb, not
//! the lab's hidden model.
//! The score is a logistic of the points; the explanation names the
//! indicators that contributed most.

use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

/// How an indicator turns into points.
enum Rule {
    /// A flag that is true.
    Flag(f64),
    /// A count or amount: points per unit, capped.
    Per(f64, f64),
    /// Below a value: points when the value is under the bound.
    Below(f64, f64),
    /// A category: points per value named.
    Text(&'static [(&'static str, f64)]),
}

/// `(parameter, rule)`.
const RULES: &[(&str, Rule)] = &[
    ("below_subsistence_minimum", Rule::Flag(1.6)),
    ("income_ratio_to_minimum", Rule::Below(1.0, 1.0)),
    ("utilities_arrears_months", Rule::Per(0.25, 1.5)),
    ("disconnection_notice_12m", Rule::Flag(0.8)),
    ("max_overdue_days", Rule::Per(0.01, 1.2)),
    ("enforcement_proceedings", Rule::Flag(0.8)),
    ("n_microcredits", Rule::Per(0.3, 1.0)),
    ("debt_to_income_ratio", Rule::Per(0.5, 1.2)),
    ("n_registered_unemployed", Rule::Per(0.6, 1.2)),
    ("single_parent", Rule::Flag(0.7)),
    ("n_disabled_members", Rule::Per(0.6, 1.2)),
    ("n_disabled_children", Rule::Per(0.8, 1.6)),
    ("needs_caregiver", Rule::Flag(0.6)),
    ("n_chronic_ill", Rule::Per(0.3, 0.9)),
    ("overcrowded", Rule::Flag(0.5)),
    ("has_central_heating", Rule::Below(0.5, 0.4)),
    ("n_children_not_in_school", Rule::Per(0.9, 1.8)),
    ("n_child_protection_contacts_12m", Rule::Per(0.9, 2.0)),
    ("domestic_violence_reports_12m", Rule::Per(1.0, 2.0)),
    ("n_police_contacts_12m", Rule::Per(0.3, 0.9)),
    ("n_members_substance_treatment", Rule::Per(0.8, 1.6)),
    ("alimony_arrears_kzt", Rule::Per(0.000_005, 0.8)),
    ("n_children", Rule::Per(0.15, 0.9)),
    // Traces of lasting hardship: work, housing, debt and cover.
    (
        "head_employment_status",
        Rule::Text(&[("unemployed", 0.9), ("employed_informal", 0.4)]),
    ),
    (
        "dwelling_condition",
        Rule::Text(&[("emergency", 0.9), ("poor", 0.4)]),
    ),
    ("n_overdue_loans", Rule::Per(0.4, 1.2)),
    ("n_uninsured_members", Rule::Per(0.2, 0.6)),
];

/// Points above which the household is flagged.
const FLAG_POINTS: f64 = 3.5;

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(flag) => Some(if *flag { 1.0 } else { 0.0 }),
        other => other.as_f64(),
    }
}

fn points(params: &Map<String, Value>) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    for (name, rule) in RULES {
        let Some(raw) = params.get(*name) else {
            continue;
        };
        if let Rule::Text(points) = rule {
            let category = raw.as_str().unwrap_or_default();
            if let Some((_, weight)) = points.iter().find(|(value, _)| *value == category) {
                out.push((*name, *weight));
            }
            continue;
        }
        let Some(value) = number(raw) else {
            continue;
        };
        let contribution = match rule {
            Rule::Flag(weight) => value * weight,
            Rule::Per(weight, cap) => (value * weight).clamp(0.0, *cap),
            Rule::Below(bound, weight) => {
                if value < *bound {
                    weight * (1.0 + (bound - value) / bound.max(f64::EPSILON))
                } else {
                    0.0
                }
            }
            Rule::Text(_) => 0.0,
        };
        if contribution > 0.0 {
            out.push((*name, contribution));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    out
}

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let family = agent_kit::object_field(&case, "family")?;
        let params = agent_kit::object_field(family, "params")?
            .as_object()
            .ok_or_else(|| AgentError::invalid_input("`params` is not an object"))?;
        let contributions = points(params);
        let total: f64 = contributions.iter().map(|(_, p)| p).sum();
        let score = 1.0 / (1.0 + (-(total - FLAG_POINTS)).exp());
        let factors: Vec<&str> = contributions
            .iter()
            .take(3)
            .map(|(name, _)| *name)
            .collect();
        let flag = total >= FLAG_POINTS;
        Ok(json!({
            "flag": flag,
            "risk_score": (score * 10_000.0).round() / 10_000.0,
            "top_factors": factors,
            "explanation": format!("{total:.1} risk points; main indicators: {}", factors.join(", ")),
        }))
    }
}

govlab_sdk::export_agent!(Competent);
