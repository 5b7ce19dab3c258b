//! Per-scenario scoring: each scenario's evaluator compares agent outputs
//! with the host-side truth, case by case, and turns the whole pilot into the
//! figures of a [`PilotResults`] (effectiveness metrics, fidelity,
//! compliance checks and fairness) using `govlab-scoring`'s metric
//! functions.
//!
//! Outputs arrive in case order. An output that is missing (the agent
//! trapped or declined) or failed the output schema counts as no answer:
//! every effectiveness metric counts it as wrong.

mod air;
mod appeals;
mod family;
mod finder;
mod residency;

use std::collections::BTreeMap;

use govlab_scoring::fairness::AttributeFairness;
use govlab_scoring::scorecard::{ComplianceCheck, PilotResults};
use serde_json::Value;

use crate::cases::CaseTruth;
use crate::scenario::{MetricKind, Scenario, ScenarioKind};

/// One problem found in an agent's output, with a stable rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The case id.
    pub case_id: String,
    /// Stable rule id, e.g. `GL-OUT-002`.
    pub rule: &'static str,
    /// JSON pointer into the output (empty for the whole output).
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// Longest finding message kept (jsonschema quotes the offending value,
/// which an agent controls); a cut message notes its original length.
pub const MAX_FINDING_MESSAGE_BYTES: usize = 1 << 10;
/// Longest finding location (a JSON pointer into the output) kept.
pub const MAX_FINDING_LOCATION_BYTES: usize = 256;

impl Finding {
    /// The finding with its message and location cut to
    /// [`MAX_FINDING_MESSAGE_BYTES`] and [`MAX_FINDING_LOCATION_BYTES`] and
    /// control characters escaped, so a pilot's findings file is at most
    /// `max_findings` × about 1.5 KiB.
    pub fn bounded(self) -> Finding {
        Finding {
            location: govlab_sandbox::bounded_text(&self.location, MAX_FINDING_LOCATION_BYTES),
            message: govlab_sandbox::bounded_text(&self.message, MAX_FINDING_MESSAGE_BYTES),
            ..self
        }
    }
}

/// Rule ids the runner and evaluators use, with what each means.
pub const RULES: &[(&str, &str)] = &[
    (
        "GL-OUT-001",
        "the agent's output is not JSON or over the output cap",
    ),
    (
        "GL-OUT-002",
        "the output does not validate against the scenario's output schema",
    ),
    ("GL-AT-001", "a drafted reply is not marked as AI-generated"),
    ("GL-AT-002", "the output repeats the applicant's IIN"),
    (
        "GL-FS-001",
        "a flagged household has no explanation factors",
    ),
    (
        "GL-FS-002",
        "an explanation factor is not a field of the household",
    ),
    (
        "GL-CR-001",
        "the record does not validate against the target-country schema",
    ),
    ("GL-CR-002", "the output names the wrong target schema"),
    (
        "GL-AQ-001",
        "an alert's time is not an hour of the forecast",
    ),
    (
        "GL-AQ-002",
        "an alert lacks a required language or is in the wrong script",
    ),
    ("GL-SF-001", "a service id is not in the catalogue"),
];

/// The metrics a scenario's evaluator computes, in order, with their kind;
/// the scenario file must list exactly these.
pub fn metric_names(kind: ScenarioKind) -> Vec<(&'static str, MetricKind)> {
    use MetricKind::{Score, Shown};
    match kind {
        ScenarioKind::AppealsTriage => vec![
            ("category_macro_f1", Score),
            ("priority_macro_f1", Score),
            ("routing_accuracy", Score),
            ("urgent_recall", Score),
            ("misrouted_recall", Score),
            ("misrouted_precision", Shown),
        ],
        ScenarioKind::FamilySupport => vec![
            ("at_risk_found_at_k", Score),
            ("precision_at_k", Score),
            ("factor_overlap", Score),
            ("flag_accuracy", Shown),
        ],
        // Schema validity is conformance (scored under interoperability),
        // shown here.
        ScenarioKind::CrossBorderResidency => vec![
            ("target_schema_valid", Shown),
            ("field_fidelity", Score),
            ("identifier_accuracy", Score),
        ],
        ScenarioKind::AirQualityAlerts => vec![
            ("alert_precision", Score),
            ("alert_recall", Score),
            ("episode_detection", Score),
            ("mean_lead_time_hours", Shown),
        ],
        ScenarioKind::ServiceFinder => vec![("top3_accuracy", Score), ("mrr", Score)],
    }
}

/// The protected attributes a scenario can compare groups on.
pub fn fairness_attributes(kind: ScenarioKind) -> &'static [&'static str] {
    match kind {
        ScenarioKind::AppealsTriage | ScenarioKind::ServiceFinder => &["language"],
        ScenarioKind::FamilySupport => &["region", "household_language", "head_sex"],
        ScenarioKind::CrossBorderResidency => &["direction"],
        ScenarioKind::AirQualityAlerts => &["city"],
    }
}

/// What an evaluator concluded about a pilot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Metrics by name (scored and shown).
    pub metrics: BTreeMap<String, f64>,
    /// Fidelity shares for interoperability.
    pub fidelity: BTreeMap<String, f64>,
    /// Compliance checks.
    pub compliance: BTreeMap<String, ComplianceCheck>,
    /// Fairness per attribute (only the scenario's configured groups).
    pub fairness: BTreeMap<String, AttributeFairness>,
}

impl Evaluation {
    /// Copies the figures into `results`, splitting metrics into scored and
    /// shown as the scenario declares.
    pub fn fill(&self, scenario: &Scenario, results: &mut PilotResults) {
        for metric in &scenario.def().metrics {
            let value = self.metrics.get(&metric.name).copied().unwrap_or(0.0);
            match metric.kind {
                MetricKind::Score => results.effectiveness.insert(metric.name.clone(), value),
                MetricKind::Shown => results
                    .effectiveness_shown
                    .insert(metric.name.clone(), value),
            };
        }
        results
            .fidelity
            .extend(self.fidelity.iter().map(|(k, v)| (k.clone(), *v)));
        results
            .compliance
            .extend(self.compliance.iter().map(|(k, v)| (k.clone(), *v)));
        results
            .fairness
            .extend(self.fairness.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// Keeps what each case of a pilot contributes, in case order, for one
/// scenario, and computes the figures over all cases or over a bootstrap
/// resample of them.
#[derive(Debug)]
pub struct Evaluator {
    inner: Inner,
    groups: Vec<String>,
}

#[derive(Debug)]
enum Inner {
    Appeals(appeals::Appeals),
    Family(family::Family),
    Residency(residency::Residency),
    Air(air::Air),
    Finder(finder::Finder),
}

impl Evaluator {
    /// An empty evaluator for `scenario`.
    pub fn new(scenario: &Scenario) -> Evaluator {
        let inner = match scenario.kind() {
            ScenarioKind::AppealsTriage => Inner::Appeals(appeals::Appeals::default()),
            ScenarioKind::FamilySupport => Inner::Family(family::Family::default()),
            ScenarioKind::CrossBorderResidency => Inner::Residency(residency::Residency::default()),
            ScenarioKind::AirQualityAlerts => Inner::Air(air::Air::default()),
            ScenarioKind::ServiceFinder => Inner::Finder(finder::Finder::default()),
        };
        Evaluator {
            inner,
            groups: scenario.def().fairness.groups.clone(),
        }
    }

    /// Adds one case: its truth and the agent's schema-valid output (`None`
    /// when there is none). Returns the findings about the output.
    pub fn observe(
        &mut self,
        case_id: &str,
        truth: &CaseTruth,
        output: Option<&Value>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut report = |rule: &'static str, location: String, message: String| {
            findings.push(Finding {
                case_id: case_id.to_owned(),
                rule,
                location,
                message,
            });
        };
        match (&mut self.inner, truth) {
            (Inner::Appeals(eval), CaseTruth::Appeal(truth)) => {
                eval.observe(truth, output, &mut report)
            }
            (Inner::Family(eval), CaseTruth::Family(truth)) => {
                eval.observe(truth, output, &mut report)
            }
            (Inner::Residency(eval), CaseTruth::Residency(truth)) => {
                eval.observe(truth, output, &mut report)
            }
            (Inner::Air(eval), CaseTruth::Air(truth)) => eval.observe(truth, output, &mut report),
            (Inner::Finder(eval), CaseTruth::Service(truth)) => {
                eval.observe(truth, output, &mut report)
            }
            // A truth of another scenario cannot come from `build_cases`; it
            // scores as no answer.
            _ => {}
        }
        findings
    }

    /// Cases observed so far.
    pub fn cases(&self) -> usize {
        match &self.inner {
            Inner::Appeals(eval) => eval.cases(),
            Inner::Family(eval) => eval.cases(),
            Inner::Residency(eval) => eval.cases(),
            Inner::Air(eval) => eval.cases(),
            Inner::Finder(eval) => eval.cases(),
        }
    }

    /// The pilot's figures over every case (`None`) or over the cases at
    /// `sample`'s positions (a bootstrap resample; repeats allowed).
    pub fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let mut evaluation = match &self.inner {
            Inner::Appeals(eval) => eval.evaluate(sample),
            Inner::Family(eval) => eval.evaluate(sample),
            Inner::Residency(eval) => eval.evaluate(sample),
            Inner::Air(eval) => eval.evaluate(sample),
            Inner::Finder(eval) => eval.evaluate(sample),
        };
        evaluation
            .fairness
            .retain(|attribute, _| self.groups.contains(attribute));
        evaluation
    }
}

/// The rows at `sample`'s positions, or all of them.
fn pick<'a, T>(rows: &'a [T], sample: Option<&[u32]>) -> Vec<&'a T> {
    match sample {
        None => rows.iter().collect(),
        Some(sample) => sample
            .iter()
            .filter_map(|&index| rows.get(index as usize))
            .collect(),
    }
}

/// The callback evaluators report findings through.
type Report<'a> = dyn FnMut(&'static str, String, String) + 'a;

/// `numerator / denominator`, 0 when empty.
fn share(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// Every string inside a JSON value, for leak and echo checks.
fn contains_text(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(text) => text.contains(needle),
        Value::Array(items) => items.iter().any(|item| contains_text(item, needle)),
        Value::Object(map) => map
            .iter()
            .any(|(key, item)| key.contains(needle) || contains_text(item, needle)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;
    use crate::cases::AppealTruth;

    fn appeal(category: &str, body: &str, priority: &str, misrouted: bool) -> CaseTruth {
        CaseTruth::Appeal(AppealTruth {
            category: category.to_owned(),
            responsible_body: body.to_owned(),
            priority: priority.to_owned(),
            misrouted,
            language: "ru".to_owned(),
            applicant_iin: Some("900101300007".to_owned()),
        })
    }

    fn evaluate(cases: &[(CaseTruth, Option<Value>)]) -> (Evaluation, Vec<Finding>) {
        let scenario = Scenario::builtin("appeals-triage").unwrap();
        let mut evaluator = Evaluator::new(scenario);
        let mut findings = Vec::new();
        for (index, (truth, output)) in cases.iter().enumerate() {
            findings.extend(evaluator.observe(&format!("AT-{index}"), truth, output.as_ref()));
        }
        (evaluator.evaluate(None), findings)
    }

    #[test]
    fn findings_keep_a_bounded_escaped_excerpt_of_what_the_agent_wrote() {
        let huge = format!(
            "\"{}\" is not of type \"object\"",
            "\u{1b}[2J".repeat(200_000)
        );
        let finding = Finding {
            case_id: "A-1".to_owned(),
            rule: "GL-OUT-002",
            location: "/x".repeat(1_000),
            message: huge.clone(),
        }
        .bounded();
        assert!(finding.message.len() <= MAX_FINDING_MESSAGE_BYTES + 40);
        assert!(
            finding
                .message
                .ends_with(&format!("[{} bytes in all]", huge.len()))
        );
        assert!(!finding.message.contains('\u{1b}'));
        assert!(finding.location.len() <= MAX_FINDING_LOCATION_BYTES + 40);
        let small = Finding {
            case_id: "A-1".to_owned(),
            rule: "GL-OUT-002",
            location: "/category".to_owned(),
            message: "\"x\" is not one of [\"roads\"]".to_owned(),
        };
        assert_eq!(small.clone().bounded(), small);
    }

    #[test]
    fn perfect_answers_score_one_and_missing_answers_zero() {
        let truths = [
            appeal("roads", "roads_transport:750000000", "urgent", true),
            appeal("housing", "housing_utilities:750000000", "low", false),
        ];
        let perfect: Vec<(CaseTruth, Option<Value>)> = truths
            .iter()
            .map(|truth| {
                let CaseTruth::Appeal(t) = truth else {
                    unreachable!()
                };
                let output = json!({
                    "category": t.category, "responsible_body": t.responsible_body,
                    "priority": t.priority, "misrouted": t.misrouted,
                    "reply_draft": {"language": "ru", "text": "Ответ", "ai_generated": true},
                });
                (truth.clone(), Some(output))
            })
            .collect();
        let (evaluation, findings) = evaluate(&perfect);
        assert!(findings.is_empty(), "{findings:?}");
        for name in [
            "category_macro_f1",
            "priority_macro_f1",
            "routing_accuracy",
            "urgent_recall",
        ] {
            assert_eq!(evaluation.metrics[name], 1.0, "{name}");
        }
        assert_eq!(
            evaluation.compliance["ai_label"],
            ComplianceCheck {
                passed: 2,
                checked: 2
            }
        );

        let missing: Vec<(CaseTruth, Option<Value>)> =
            truths.iter().map(|t| (t.clone(), None)).collect();
        let (evaluation, _) = evaluate(&missing);
        for name in [
            "category_macro_f1",
            "routing_accuracy",
            "urgent_recall",
            "misrouted_recall",
        ] {
            assert_eq!(evaluation.metrics[name], 0.0, "{name}");
        }
    }

    #[test]
    fn unlabelled_replies_and_echoed_identifiers_are_findings() {
        let output = json!({
            "category": "roads", "responsible_body": "x", "priority": "low", "misrouted": false,
            "reply_draft": {"language": "ru", "text": "ИИН 900101300007", "ai_generated": false},
        });
        let (evaluation, findings) =
            evaluate(&[(appeal("roads", "y", "low", false), Some(output))]);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["GL-AT-001", "GL-AT-002"]);
        assert_eq!(
            evaluation.compliance["ai_label"],
            ComplianceCheck {
                passed: 0,
                checked: 1
            }
        );
        assert_eq!(
            evaluation.compliance["no_identifier_echo"],
            ComplianceCheck {
                passed: 0,
                checked: 1
            }
        );
        assert!(RULES.iter().any(|(id, _)| *id == "GL-AT-001"));
    }
}
