//! `family-support` scoring: at-risk households found in the top k (recall@k
//! normalised by what k allows) and precision@k of the agent's risk ranking, overlap of
//! the named factors, the explanation checks, and fairness across region,
//! household language and sex of the head of household.

use std::collections::{BTreeMap, BTreeSet};

use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use govlab_scoring::metrics::{normalised_recall_at_k, precision_at_k};
use govlab_scoring::scorecard::ComplianceCheck;
use serde_json::Value;

use super::{Evaluation, Report, share};
use crate::cases::FamilyTruth;

/// Share of a pilot's cases the lab can visit: k = ⌈10 % of cases⌉.
const K_SHARE: f64 = 0.10;

/// The fairness attributes, in the order of [`Row::groups`].
const ATTRIBUTES: [&str; 3] = ["region", "household_language", "head_sex"];

#[derive(Debug, Clone)]
struct Row {
    score: f64,
    flagged: bool,
    at_risk: bool,
    overlap: Option<f64>,
    groups: [String; 3],
    /// A flagged household came with factors.
    explanation_present: Option<bool>,
    /// The named factors are fields of the household.
    explanation_real_fields: Option<bool>,
}

#[derive(Debug, Default)]
pub(super) struct Family {
    rows: Vec<Row>,
}

impl Family {
    pub(super) fn observe(
        &mut self,
        truth: &FamilyTruth,
        output: Option<&Value>,
        report: &mut Report<'_>,
    ) {
        let score = output
            .and_then(|o| o.get("risk_score"))
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite())
            .unwrap_or(-1.0);
        let flagged = output
            .and_then(|o| o.get("flag"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let factors: Vec<&str> = output
            .and_then(|o| o.get("top_factors"))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let overlap = (truth.at_risk && !truth.top_factors.is_empty()).then(|| {
            let named: BTreeSet<&str> = factors.iter().copied().collect();
            let hits = truth
                .top_factors
                .iter()
                .filter(|f| named.contains(f.as_str()))
                .count();
            share(hits as u64, truth.top_factors.len() as u64)
        });
        let (mut explanation_present, mut explanation_real_fields) = (None, None);
        if output.is_some() {
            if flagged {
                explanation_present = Some(!factors.is_empty());
                if factors.is_empty() {
                    report(
                        "GL-FS-001",
                        "/top_factors".to_owned(),
                        "the household is flagged but no factor explains why".to_owned(),
                    );
                }
            }
            if !factors.is_empty() {
                let unknown: Vec<&str> = factors
                    .iter()
                    .copied()
                    .filter(|f| !truth.param_names.contains(*f))
                    .collect();
                explanation_real_fields = Some(unknown.is_empty());
                if !unknown.is_empty() {
                    report(
                        "GL-FS-002",
                        "/top_factors".to_owned(),
                        format!("not fields of the household: {}", unknown.join(", ")),
                    );
                }
            }
        }
        self.rows.push(Row {
            score,
            flagged,
            at_risk: truth.at_risk,
            overlap,
            groups: [
                truth.region.clone(),
                truth.household_language.clone(),
                truth.head_sex.clone(),
            ],
            explanation_present,
            explanation_real_fields,
        });
    }

    pub(super) fn cases(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let rows = super::pick(&self.rows, sample);
        let n = rows.len();
        let k = ((n as f64) * K_SHARE).ceil() as usize;
        let mut order: Vec<usize> = (0..n).collect();
        // Highest score first; ties keep case order, so the ranking is stable.
        order.sort_by(|&a, &b| rows[b].score.total_cmp(&rows[a].score).then(a.cmp(&b)));
        let ranking: Vec<usize> = order
            .into_iter()
            .filter(|&i| rows[i].score >= 0.0)
            .collect();
        let relevant: BTreeSet<usize> = (0..n).filter(|&i| rows[i].at_risk).collect();
        let overlaps: Vec<f64> = rows.iter().filter_map(|row| row.overlap).collect();
        let correct_flags = rows.iter().filter(|row| row.flagged == row.at_risk).count() as u64;
        let metrics = BTreeMap::from([
            (
                "at_risk_found_at_k".to_owned(),
                normalised_recall_at_k(&ranking, &relevant, k),
            ),
            (
                "precision_at_k".to_owned(),
                precision_at_k(&ranking, &relevant, k),
            ),
            (
                "factor_overlap".to_owned(),
                if overlaps.is_empty() {
                    0.0
                } else {
                    overlaps.iter().sum::<f64>() / overlaps.len() as f64
                },
            ),
            ("flag_accuracy".to_owned(), share(correct_flags, n as u64)),
        ]);
        // The decision compared across groups is the flag against the truth.
        let mut fairness = BTreeMap::new();
        for (slot, attribute) in ATTRIBUTES.into_iter().enumerate() {
            let mut measured = AttributeFairness::new(ErrorMeasure::EqualisedOdds);
            for row in &rows {
                measured
                    .group(&row.groups[slot])
                    .add_binary(row.at_risk, row.flagged);
            }
            fairness.insert(attribute.to_owned(), measured);
        }
        let mut present = ComplianceCheck::default();
        let mut real = ComplianceCheck::default();
        for row in &rows {
            if let Some(passed) = row.explanation_present {
                present.add(passed);
            }
            if let Some(passed) = row.explanation_real_fields {
                real.add(passed);
            }
        }
        Evaluation {
            metrics,
            fidelity: BTreeMap::new(),
            compliance: BTreeMap::from([
                ("explanation_present".to_owned(), present),
                ("explanation_real_fields".to_owned(), real),
            ]),
            fairness,
        }
    }
}
