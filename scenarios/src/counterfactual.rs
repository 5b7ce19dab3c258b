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
