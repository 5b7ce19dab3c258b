//! The reference rows of every scoreboard: an *oracle* that answers with the
//! truth and a *trivial* baseline that gives every case the same answer
//! (the majority class of the practice split, never flag, never alert).
//!
//! Both run through the same runner, scoring and scorecard as an agent
//! ([`crate::runner::run_baseline`]); their scorecards name the agent
//! `reference:oracle` and `reference:trivial`. They show the ceiling and the
//! floor of each scenario: an agent near the trivial row has learnt nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use crate::cases::{CaseError, CaseTruth, SplitSeed, build_cases};
use crate::scenario::{Scenario, ScenarioKind};

/// Practice cases the trivial baseline is fitted on (at most).
const TRIVIAL_FIT_CASES: u64 = 2_000;

/// A reference decider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The truth as the answer.
    Oracle,
    /// One answer for every case.
    Trivial,
}

impl Baseline {
    /// Both baselines.
    pub const ALL: [Baseline; 2] = [Baseline::Oracle, Baseline::Trivial];

    /// `oracle` or `trivial`.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::Oracle => "oracle",
            Baseline::Trivial => "trivial",
        }
    }

    /// What stands in for the agent's SHA-256 in the scorecard.
    pub fn agent_id(self) -> String {
        format!(
            "{}{}",
            govlab_scoring::scorecard::REFERENCE_PREFIX,
            self.name()
        )
    }
}

impl fmt::Display for Baseline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Baseline {
    type Err = String;

    fn from_str(text: &str) -> Result<Baseline, String> {
        match text {
            "oracle" => Ok(Baseline::Oracle),
            "trivial" => Ok(Baseline::Trivial),
            other => Err(format!(
                "unknown baseline `{other}`; use `oracle` or `trivial`"
            )),
        }
    }
}

/// A baseline ready to answer a scenario's cases.
#[derive(Debug, Clone)]
pub struct Decider {
    baseline: Baseline,
    /// The trivial answers, fitted on the practice split.
    trivial: Trivial,
}

#[derive(Debug, Clone, Default)]
struct Trivial {
    /// Most frequent category and priority.
    category: String,
    priority: String,
    /// Most frequent body per source (`kz`, `es`).
    body: BTreeMap<&'static str, String>,
    /// The three services most often relevant.
    services: Vec<String>,
}

/// The most frequent key, ties broken by the smallest key.
fn majority<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    top(&counts, 1).into_iter().next().unwrap_or_default()
}

fn top(counts: &BTreeMap<&str, u64>, n: usize) -> Vec<String> {
    let mut ranked: Vec<(&str, u64)> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(n)
        .map(|(k, _)| k.to_owned())
        .collect()
}

fn source(language: &str) -> &'static str {
    if language == "es" { "es" } else { "kz" }
}

impl Decider {
    /// A decider for `scenario`; the trivial baseline reads the public
    /// practice split (never the evaluation split) to pick its answers.
    pub fn new(scenario: &Scenario, baseline: Baseline) -> Result<Decider, CaseError> {
        let mut trivial = Trivial::default();
        if baseline == Baseline::Trivial
            && matches!(
                scenario.kind(),
                ScenarioKind::AppealsTriage | ScenarioKind::ServiceFinder
            )
        {
            let n = scenario
                .split_size(crate::datasets::Split::Practice)
                .min(TRIVIAL_FIT_CASES);
            let cases = build_cases(scenario, SplitSeed::practice(), 0..n)?;
            let appeals: Vec<_> = cases
                .iter()
                .filter_map(|case| match &case.truth {
                    CaseTruth::Appeal(truth) => Some(truth),
                    _ => None,
                })
                .collect();
            trivial.category = majority(appeals.iter().map(|t| t.category.as_str()));
            trivial.priority = majority(appeals.iter().map(|t| t.priority.as_str()));
            for side in ["kz", "es"] {
                let body = majority(
                    appeals
                        .iter()
                        .filter(|t| source(&t.language) == side)
                        .map(|t| t.responsible_body.as_str()),
                );
                trivial.body.insert(side, body);
            }
            let mut services: BTreeMap<&str, u64> = BTreeMap::new();
            for case in &cases {
                if let CaseTruth::Service(truth) = &case.truth {
                    for id in &truth.relevant {
                        *services.entry(id.as_str()).or_default() += 1;
                    }
                }
            }
            trivial.services = top(&services, 3);
        }
        Ok(Decider { baseline, trivial })
    }

    /// Which baseline this is.
    pub fn baseline(&self) -> Baseline {
        self.baseline
    }

    /// The baseline's decision on a case, valid against the scenario's
    /// output schema.
    pub fn decide(&self, truth: &CaseTruth) -> Value {
        match self.baseline {
            Baseline::Oracle => oracle(truth),
            Baseline::Trivial => self.trivial(truth),
        }
    }

    fn trivial(&self, truth: &CaseTruth) -> Value {
        let t = &self.trivial;
        match truth {
            CaseTruth::Appeal(truth) => json!({
                "category": non_empty(&t.category),
                "responsible_body": non_empty(t.body.get(source(&truth.language)).map_or("", String::as_str)),
                "priority": if t.priority.is_empty() { "low" } else { t.priority.as_str() },
                "misrouted": false,
            }),
            CaseTruth::Family(_) => json!({"flag": false, "risk_score": 0.0, "top_factors": []}),
            CaseTruth::Residency(truth) => json!({
                "target_schema": truth.target_schema,
                "record": {"id": "unknown"},
            }),
            CaseTruth::Air(_) => json!({"alerts": []}),
            CaseTruth::Service(_) => json!({"services": t.services}),
        }
    }
}

/// A code that satisfies the output schema's `minLength: 1`.
fn non_empty(code: &str) -> &str {
    if code.is_empty() { "unknown" } else { code }
}

/// A short message in `language`, in that language's script.
fn alert_message(language: &str) -> &'static str {
    match language {
        "es" => "Alerta: la calidad del aire es mala; evite el ejercicio al aire libre.",
        "kk" => "Ескерту: ауа сапасы нашар, далада жаттығу жасамаңыз.",
        "ru" => "Внимание: качество воздуха плохое, избегайте занятий на улице.",
        _ => "Alert: air quality is poor; avoid exercise outdoors.",
    }
}

fn oracle(truth: &CaseTruth) -> Value {
    match truth {
        CaseTruth::Appeal(truth) => {
            let text = match truth.language.as_str() {
                "es" => "Hemos recibido su solicitud y la hemos enviado al órgano competente.",
                "kk" => "Өтінішіңіз қабылданып, құзыретті органға жіберілді.",
                _ => "Ваше обращение получено и направлено в уполномоченный орган.",
            };
            json!({
                "category": non_empty(&truth.category),
                "responsible_body": non_empty(&truth.responsible_body),
                "priority": truth.priority,
                "misrouted": truth.misrouted,
                "reply_draft": {"language": truth.language, "text": text, "ai_generated": true},
            })
        }
        CaseTruth::Family(truth) => json!({
            "flag": truth.at_risk,
            "risk_score": truth.risk_score.clamp(0.0, 1.0),
            "top_factors": truth.top_factors.iter().take(10).collect::<Vec<_>>(),
        }),
        CaseTruth::Residency(truth) => json!({
            "target_schema": truth.target_schema,
            "record": truth.expected,
        }),
        CaseTruth::Air(truth) => {
            let alerts: Vec<Value> = truth
                .exceedance_hours
                .iter()
                .filter_map(|&hour| usize::try_from(hour).ok())
                .filter_map(|hour| truth.times.get(hour))
                .map(|time| {
                    let messages: serde_json::Map<String, Value> = truth
                        .languages
                        .iter()
                        .map(|language| ((*language).to_owned(), json!(alert_message(language))))
                        .collect();
                    json!({"time": time, "messages": messages})
                })
                .take(72)
                .collect();
            json!({ "alerts": alerts })
        }
        CaseTruth::Service(truth) => json!({
            "services": truth.relevant.iter().take(10).collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scenario;

    #[test]
    fn both_baselines_answer_every_scenario_within_its_output_schema() {
        for scenario in scenario::list().unwrap() {
            let cases = build_cases(scenario, SplitSeed::practice(), 0..60).unwrap();
            for baseline in Baseline::ALL {
                let decider = Decider::new(scenario, baseline).unwrap();
                for case in &cases {
                    let output = decider.decide(&case.truth);
                    assert!(
                        scenario.output_validator().is_valid(&output),
                        "{} {baseline} {}: {output}",
                        scenario.id(),
                        case.case_id
                    );
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for baseline in Baseline::ALL {
            assert_eq!(baseline.name().parse::<Baseline>().unwrap(), baseline);
        }
        assert!("perfect".parse::<Baseline>().is_err());
        assert_eq!(Baseline::Oracle.agent_id(), "reference:oracle");
    }
}
