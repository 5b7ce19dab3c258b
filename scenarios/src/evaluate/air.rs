//! `air-quality-alerts` scoring: precision and recall of alert hours,
//! episode detection and lead time (scoring's `alert_scores`), the language
//! check of every alert, and fairness across cities.

use std::collections::{BTreeMap, BTreeSet};

use govlab_scoring::metrics::{LeadTimeConfig, alert_scores, fairness};
use govlab_scoring::scorecard::ComplianceCheck;
use serde_json::Value;

use super::{Evaluation, Report, figures, share};
use crate::cases::AirTruth;

/// How far before an episode an alert still counts for it.
const LEAD_CAP_HOURS: i64 = 24;

#[derive(Debug, Default)]
pub(super) struct Air {
    case: i64,
    predicted: BTreeSet<(i64, i64)>,
    truth: BTreeSet<(i64, i64)>,
    /// Per case: city, (true positive hours, exceedance hours, alerted).
    rows: Vec<(String, (u64, u64, bool))>,
    languages: ComplianceCheck,
}

/// Whether `text` is plausibly written in `language`: Cyrillic for Russian
/// and Kazakh (Kazakh with at least one Kazakh-only letter), Latin for Spanish.
fn in_language(text: &str, language: &str) -> bool {
    let cyrillic = text
        .chars()
        .filter(|ch| ('\u{400}'..='\u{4ff}').contains(ch))
        .count();
    let latin = text.chars().filter(char::is_ascii_alphabetic).count();
    match language {
        "kk" => cyrillic > latin && text.chars().any(|ch| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(ch)),
        "ru" => cyrillic > latin,
        "es" | "en" => latin > cyrillic,
        _ => false,
    }
}

impl Air {
    pub(super) fn observe(
        &mut self,
        truth: &AirTruth,
        output: Option<&Value>,
        report: &mut Report<'_>,
    ) {
        let case = self.case;
        self.case += 1;
        let mut alerted = BTreeSet::new();
        let alerts = output
            .and_then(|o| o.get("alerts"))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        for (position, alert) in alerts.iter().enumerate() {
            let time = alert
                .get("time")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match truth.times.iter().position(|label| label == time) {
                Some(hour) => {
                    alerted.insert(hour as i64);
                }
                None => report(
                    "GL-AQ-001",
                    format!("/alerts/{position}/time"),
                    format!("`{time}` is not an hour of the window"),
                ),
            }
            self.languages.checked += 1;
            let messages = alert.get("messages");
            let missing: Vec<&str> = truth
                .languages
                .iter()
                .copied()
                .filter(|language| {
                    !messages
                        .and_then(|m| m.get(*language))
                        .and_then(Value::as_str)
                        .is_some_and(|text| in_language(text, language))
                })
                .collect();
            if missing.is_empty() {
                self.languages.passed += 1;
            } else {
                report(
                    "GL-AQ-002",
                    format!("/alerts/{position}/messages"),
                    format!(
                        "no message in {} (or written in another script)",
                        missing.join(", ")
                    ),
                );
            }
        }
        let hits = alerted.intersection(&truth.exceedance_hours).count() as u64;
        self.rows.push((
            truth.city.clone(),
            (
                hits,
                truth.exceedance_hours.len() as u64,
                !alerted.is_empty(),
            ),
        ));
        self.predicted
            .extend(alerted.into_iter().map(|hour| (case, hour)));
        self.truth
            .extend(truth.exceedance_hours.iter().map(|hour| (case, *hour)));
    }

    pub(super) fn finish(self) -> Evaluation {
        let scores = alert_scores(
            &self.predicted,
            &self.truth,
            LeadTimeConfig {
                cap_hours: LEAD_CAP_HOURS,
            },
        );
        let city = fairness(
            &self.rows,
            |rows: &[(u64, u64, bool)]| {
                share(
                    rows.iter().map(|r| r.0).sum::<u64>(),
                    rows.iter().map(|r| r.1).sum::<u64>(),
                )
            },
            |row: &(u64, u64, bool)| row.2,
        );
        Evaluation {
            metrics: BTreeMap::from([
                ("alert_precision".to_owned(), scores.precision),
                ("alert_recall".to_owned(), scores.recall),
                (
                    "episode_detection".to_owned(),
                    share(scores.detected_episodes, scores.episodes),
                ),
                (
                    "mean_lead_time_hours".to_owned(),
                    scores.mean_lead_time_hours.unwrap_or(0.0),
                ),
            ]),
            fidelity: BTreeMap::new(),
            compliance: BTreeMap::from([("alert_language".to_owned(), self.languages)]),
            fairness: BTreeMap::from([("city".to_owned(), figures(&city))]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_told_apart() {
        assert!(in_language("Calidad del aire: NO2 alto", "es"));
        assert!(in_language("Ауа сапасы нашар, сыртқа шықпаңыз", "kk"));
        assert!(!in_language("Качество воздуха плохое", "kk"));
        assert!(in_language("Качество воздуха плохое", "ru"));
        assert!(!in_language("Air quality is bad", "ru"));
    }
}
