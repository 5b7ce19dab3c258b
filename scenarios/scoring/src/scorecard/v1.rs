//! Scorecards of format `govlab-scorecard/1`, kept so certificates issued
//! before format 2 still verify: the old layout and its canonical encoding,
//! byte for byte, and the conversion to the current [`Scorecard`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Canonical, DIMENSION_NAMES, Dimension, Dimensions, Scorecard, WallTime, Weights};

/// The format tag of version 1.
pub const FORMAT_V1: &str = "govlab-scorecard/1";

/// A dimension of a version-1 scorecard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionV1 {
    /// Score in `[0, 100]`; `None` when not applicable.
    pub score: Option<f64>,
    /// Raw figures behind the score.
    pub figures: BTreeMap<String, f64>,
}

/// The six dimensions of a version-1 scorecard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionsV1 {
    /// Effectiveness.
    pub effectiveness: DimensionV1,
    /// Interoperability.
    pub interoperability: DimensionV1,
    /// Efficiency.
    pub efficiency: DimensionV1,
    /// Reliability.
    pub reliability: DimensionV1,
    /// Compliance.
    pub compliance: DimensionV1,
    /// Fairness.
    pub fairness: DimensionV1,
}

/// A version-1 scorecard, exactly as it was signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardV1 {
    /// Always [`FORMAT_V1`].
    pub format: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: String,
    /// Dataset split.
    pub split: String,
    /// Hex SHA-256 of the agent's bytes.
    pub agent_sha256: String,
    /// Hash of the dataset split.
    pub dataset_hash: String,
    /// Cases run.
    pub cases: u64,
    /// The six dimensions.
    pub dimensions: DimensionsV1,
    /// Composite weights.
    pub weights: Weights,
    /// Weighted mean of the applicable dimensions.
    pub composite: Option<f64>,
    /// Timings, not signed.
    pub wall_time: WallTime,
}

impl ScorecardV1 {
    fn dimensions(&self) -> [(&'static str, &DimensionV1); 6] {
        let d = &self.dimensions;
        let all = [
            &d.effectiveness,
            &d.interoperability,
            &d.efficiency,
            &d.reliability,
            &d.compliance,
            &d.fairness,
        ];
        let mut out = [(DIMENSION_NAMES[0], all[0]); 6];
        for (slot, (name, dim)) in out.iter_mut().zip(DIMENSION_NAMES.into_iter().zip(all)) {
            *slot = (name, dim);
        }
        out
    }

    /// The bytes version 1 signed (see [`Scorecard::canonical_json`] for
    /// the encoding rules, which are unchanged).
    pub fn canonical_json(&self) -> Vec<u8> {
        let mut out = Canonical::default();
        out.open();
        out.field("format").string(&self.format);
        out.field("scenario_id").string(&self.scenario_id);
        out.field("scenario_version").string(&self.scenario_version);
        out.field("split").string(&self.split);
        out.field("agent_sha256").string(&self.agent_sha256);
        out.field("dataset_hash").string(&self.dataset_hash);
        out.field("cases").raw(&self.cases.to_string());
        out.field("dimensions").open();
        for (name, dim) in self.dimensions() {
            out.field(name).open();
            out.field("score").score(dim.score);
            out.field("figures").open();
            for (figure, value) in &dim.figures {
                out.field(figure).number(*value);
            }
            out.close();
            out.close();
        }
        out.close();
        out.field("weights").open();
        for (name, weight) in DIMENSION_NAMES.into_iter().zip(self.weights.as_array()) {
            out.field(name).number(weight);
        }
        out.close();
        out.field("composite").score(self.composite);
        out.close();
        out.bytes.into_bytes()
    }

    /// The same results in the current layout, without intervals, with a
    /// note saying where they came from.
    pub fn into_current(self) -> Scorecard {
        let dim = |old: DimensionV1| Dimension {
            score: old.score,
            figures: old.figures,
            notes: vec![format!("scored by {FORMAT_V1}: no interval")],
            ..Dimension::default()
        };
        let d = self.dimensions;
        Scorecard {
            format: self.format,
            scenario_id: self.scenario_id,
            scenario_version: self.scenario_version,
            split: self.split,
            agent_sha256: self.agent_sha256,
            dataset_hash: self.dataset_hash,
            cases: self.cases,
            minimum_cases: 0,
            dimensions: Dimensions {
                effectiveness: dim(d.effectiveness),
                interoperability: dim(d.interoperability),
                efficiency: dim(d.efficiency),
                reliability: dim(d.reliability),
                compliance: dim(d.compliance),
                fairness: dim(d.fairness),
            },
            weights: self.weights,
            composite: self.composite,
            composite_interval: None,
            wall_time: self.wall_time,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A version-1 scorecard whose canonical bytes were pinned when format 1
    /// was current: certificates already issued depend on them.
    fn pinned() -> ScorecardV1 {
        let dim = |score: Option<f64>, figures: &[(&str, f64)]| DimensionV1 {
            score,
            figures: figures.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        };
        ScorecardV1 {
            format: FORMAT_V1.into(),
            scenario_id: "air-quality-alerts".into(),
            scenario_version: "2.0.1".into(),
            split: "test".into(),
            agent_sha256: "ab".repeat(4),
            dataset_hash: "sha256:01".into(),
            cases: 24,
            dimensions: DimensionsV1 {
                effectiveness: dim(
                    Some(62.5),
                    &[("alert_recall", 0.75), ("lead_time_hours", -1.5)],
                ),
                interoperability: dim(None, &[]),
                efficiency: dim(Some(100.0), &[("fuel_median", 1_000_000.0)]),
                reliability: dim(Some(95.8333), &[("ok", 23.0)]),
                compliance: dim(None, &[]),
                fairness: dim(None, &[]),
            },
            weights: Weights {
                effectiveness: 0.6,
                interoperability: 0.0,
                efficiency: 0.1,
                reliability: 0.3,
                compliance: 0.0,
                fairness: 0.0,
            },
            composite: Some(75.2083),
            wall_time: WallTime {
                total_ms: 812.5,
                case_median_us: 1_200,
                case_p95_us: 3_400,
            },
        }
    }

    #[test]
    fn version_1_encoding_is_unchanged() {
        let canonical = String::from_utf8(pinned().canonical_json()).unwrap();
        let expected = concat!(
            r#"{"format":"govlab-scorecard/1","scenario_id":"air-quality-alerts","#,
            r#""scenario_version":"2.0.1","split":"test","agent_sha256":"abababab","#,
            r#""dataset_hash":"sha256:01","cases":24,"dimensions":{"#,
            r#""effectiveness":{"score":62.5,"figures":{"alert_recall":0.75,"lead_time_hours":-1.5}},"#,
            r#""interoperability":{"score":null,"figures":{}},"#,
            r#""efficiency":{"score":100,"figures":{"fuel_median":1000000}},"#,
            r#""reliability":{"score":95.8333,"figures":{"ok":23}},"#,
            r#""compliance":{"score":null,"figures":{}},"#,
            r#""fairness":{"score":null,"figures":{}}},"#,
            r#""weights":{"effectiveness":0.6,"interoperability":0,"efficiency":0.1,"#,
            r#""reliability":0.3,"compliance":0,"fairness":0},"composite":75.2083}"#,
        );
        assert_eq!(canonical, expected);
        let current = pinned().into_current();
        assert_eq!(current.composite, Some(75.2083));
        assert_eq!(current.dimensions.reliability.figures["ok"], 23.0);
    }
}
