//! `air-quality-alerts` scoring: precision and recall of the forecast
//! hours alerted, episode detection and lead time (scoring's
//! `alert_scores`), the language check of every alert, and fairness across
//! cities.

use std::collections::{BTreeMap, BTreeSet};

use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use govlab_scoring::metrics::{LeadTimeConfig, alert_scores};
use govlab_scoring::scorecard::ComplianceCheck;
use serde_json::Value;

use super::{Evaluation, Report, share};
use crate::cases::AirTruth;

/// How far before an episode an alert still counts for it.
const LEAD_CAP_HOURS: i64 = 24;

#[derive(Debug, Clone)]
struct Row {
    city: String,
    /// Forecast hours the agent alerted for.
    alerted: Vec<i64>,
    /// Forecast hours whose 24-hour mean breaks the threshold.
    exceedance: Vec<i64>,
    /// Alerts with every required language.
    languages: ComplianceCheck,
}

#[derive(Debug, Default)]
pub(super) struct Air {
    rows: Vec<Row>,
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
        let mut alerted = BTreeSet::new();
        let mut languages = ComplianceCheck::default();
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
                    format!("`{time}` is not an hour of the forecast"),
                ),
            }
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
            languages.add(missing.is_empty());
            if !missing.is_empty() {
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
        self.rows.push(Row {
            city: truth.city.clone(),
            alerted: alerted.into_iter().collect(),
            exceedance: truth.exceedance_hours.iter().copied().collect(),
            languages,
        });
    }

    pub(super) fn cases(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let rows = super::pick(&self.rows, sample);
        // A resample may hold a case twice: hours are keyed by position.
        let mut predicted = BTreeSet::new();
        let mut truth = BTreeSet::new();
        let mut languages = ComplianceCheck::default();
        // The decision per case: alert in a window that has an episode.
        let mut city = AttributeFairness::new(ErrorMeasure::EqualisedOdds);
        for (position, row) in rows.iter().enumerate() {
            let case = position as i64;
            predicted.extend(row.alerted.iter().map(|hour| (case, *hour)));
            truth.extend(row.exceedance.iter().map(|hour| (case, *hour)));
            languages.passed += row.languages.passed;
            languages.checked += row.languages.checked;
            city.group(&row.city)
                .add_binary(!row.exceedance.is_empty(), !row.alerted.is_empty());
        }
        let scores = alert_scores(
            &predicted,
            &truth,
            LeadTimeConfig {
                cap_hours: LEAD_CAP_HOURS,
            },
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
            compliance: BTreeMap::from([("alert_language".to_owned(), languages)]),
            fairness: BTreeMap::from([("city".to_owned(), city)]),
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
