//! The scorecard of a pilot: six dimensions scored 0–100 with their raw figures,
//! a weighted composite, deterministic JSON, a terminal table and comparisons.
//!
//! # How each dimension is scored
//!
//! Every score is in `[0, 100]`; a dimension without inputs is *not
//! applicable* (`score: null`) and left out of the composite.
//!
//! - **effectiveness**: `100 × mean(scored metrics)`, each metric a share in
//!   `[0, 1]` (macro-F1, recall@k, top-3 accuracy, …). Figures that are not
//!   shares (e.g. a lead time in hours) are shown but not scored.
//! - **interoperability**: `100 × mean(schema-valid share, fidelity shares…)`
//!   where the schema-valid share is `schema_valid / outputs_checked` and
//!   fidelity shares are e.g. field fidelity through the adapters or
//!   identifier correctness.
//! - **efficiency**: from telemetry, on a log scale against the scenario's
//!   budgets: `s(x, budget) = 100 × clamp(log10(budget / x) / 3, 0, 1)` (full
//!   marks at a thousandth of the budget or less, zero at the budget), and
//!   `0.5·s(fuel p50) + 0.3·s(fuel p95) + 0.2·s(peak memory max)`. Wall time
//!   depends on the machine: it is shown, never scored.
//! - **reliability**: from telemetry, `100 × (ok + agent_error) / cases`;
//!   every other outcome (trap, limit, invalid output) counts against it.
//!   Figures: count and share per outcome.
//! - **compliance**: `100 × mean(passed / checked)` over the checks that
//!   applied (AI-generated content labelled, explanations present, no
//!   personal identifiers echoed, …).
//! - **fairness**: per protected attribute,
//!   `min(1 − largest_gap, min(1, positive_rate_ratio / 0.8))`; the
//!   dimension is `100 ×` the worst attribute.
//!
//! The composite is `Σ wᵢ·scoreᵢ / Σ wᵢ` over applicable dimensions, with
//! the scenario's weights.
//!
//! # Determinism
//!
//! Every number is rounded to 4 decimals when the scorecard is built and
//! maps are sorted, so the same inputs give byte-identical JSON. Wall time
//! lives in its own block, excluded from [`Scorecard::canonical_json`] and so
//! from the signature.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::telemetry::TelemetrySummary;

/// Format tag of scorecard JSON.
pub const SCORECARD_FORMAT: &str = "govlab-scorecard/1";

/// Decades of the log scale of the efficiency score.
const EFFICIENCY_DECADES: f64 = 3.0;
/// Positive-rate ratio that earns full fairness marks (the four-fifths rule).
const FOUR_FIFTHS: f64 = 0.8;

/// Rounds to 4 decimals (whole units past 1e11, where f64 has no room for
/// decimals); non-finite values become 0 so the JSON stays valid.
pub(crate) fn round4(value: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    let rounded = if value.abs() >= 1e11 {
        value.round()
    } else {
        (value * 1e4).round() / 1e4
    };
    // Normalize -0.0 so it prints as 0.0.
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// Weights of the dimensions in the composite, from the scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Weight of effectiveness.
    pub effectiveness: f64,
    /// Weight of interoperability.
    pub interoperability: f64,
    /// Weight of efficiency.
    pub efficiency: f64,
    /// Weight of reliability.
    pub reliability: f64,
    /// Weight of compliance.
    pub compliance: f64,
    /// Weight of fairness.
    pub fairness: f64,
}

impl Weights {
    fn as_array(&self) -> [f64; 6] {
        [
            self.effectiveness,
            self.interoperability,
            self.efficiency,
            self.reliability,
            self.compliance,
            self.fairness,
        ]
    }
}

/// How a scenario scores pilots (from the scenario file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoringConfig {
    /// Composite weights.
    pub weights: Weights,
    /// Fuel budget per case: fuel at or above it scores 0.
    pub fuel_budget: u64,
    /// Memory budget per case in bytes: peak memory at or above it scores 0.
    pub memory_budget_bytes: u64,
}

/// What the scenario measured about the agent's outputs (everything the
/// telemetry does not know).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PilotResults {
    /// Scenario id, e.g. `family-support`.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: String,
    /// Dataset split.
    pub split: String,
    /// Hex SHA-256 of the agent's bytes.
    pub agent_sha256: String,
    /// Hash of the dataset split the pilot ran on.
    pub dataset_hash: String,
    /// Scenario metrics that are shares in `[0, 1]` and make up the score.
    pub effectiveness: BTreeMap<String, f64>,
    /// Further scenario figures shown beside the score (e.g. lead time).
    pub effectiveness_shown: BTreeMap<String, f64>,
    /// Outputs checked against the target schema.
    pub outputs_checked: u64,
    /// Outputs that were schema-valid.
    pub schema_valid: u64,
    /// Fidelity shares in `[0, 1]`, e.g. `field_fidelity`, `identifier_accuracy`.
    pub fidelity: BTreeMap<String, f64>,
    /// Compliance checks by name.
    pub compliance: BTreeMap<String, ComplianceCheck>,
    /// Fairness per protected attribute (e.g. `region`, `household_language`).
    pub fairness: BTreeMap<String, FairnessFigures>,
}

/// Outcome of one compliance check over the cases it applied to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComplianceCheck {
    /// Cases that passed.
    pub passed: u64,
    /// Cases the check applied to.
    pub checked: u64,
}

/// Fairness of the main metric across the groups of one attribute (see
/// [`crate::metrics::fairness`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FairnessFigures {
    /// Largest gap of the main metric between groups.
    pub largest_gap: f64,
    /// Lowest over highest positive rate.
    pub positive_rate_ratio: f64,
}

impl<G> From<&crate::metrics::FairnessReport<G>> for FairnessFigures {
    fn from(report: &crate::metrics::FairnessReport<G>) -> FairnessFigures {
        FairnessFigures {
            largest_gap: report.largest_gap,
            positive_rate_ratio: report.positive_rate_ratio,
        }
    }
}

/// One dimension of the scorecard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Score in `[0, 100]`; `None` when the dimension does not apply.
    pub score: Option<f64>,
    /// Raw figures behind the score, by name.
    pub figures: BTreeMap<String, f64>,
}

impl Dimension {
    fn new(score: Option<f64>, figures: BTreeMap<String, f64>) -> Dimension {
        Dimension {
            score: score.map(|score| round4(score.clamp(0.0, 100.0))),
            figures: figures
                .into_iter()
                .map(|(name, value)| (name, round4(value)))
                .collect(),
        }
    }
}

/// The six dimensions, in their fixed order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    /// The scenario's metrics.
    pub effectiveness: Dimension,
    /// Schema-valid outputs and fidelity through adapters.
    pub interoperability: Dimension,
    /// Fuel and memory per case.
    pub efficiency: Dimension,
    /// Share of cases that did not trap or error.
    pub reliability: Dimension,
    /// Labelling, explanations, no echoed identifiers.
    pub compliance: Dimension,
    /// Gaps across groups.
    pub fairness: Dimension,
}

/// Names of the dimensions, in order.
pub const DIMENSION_NAMES: [&str; 6] = [
    "effectiveness",
    "interoperability",
    "efficiency",
    "reliability",
    "compliance",
    "fairness",
];

impl Dimensions {
    /// `(name, dimension)` in the fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Dimension)> {
        let all = [
            &self.effectiveness,
            &self.interoperability,
            &self.efficiency,
            &self.reliability,
            &self.compliance,
            &self.fairness,
        ];
        DIMENSION_NAMES.into_iter().zip(all)
    }
}

/// Machine-dependent timings: shown, never scored, not signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WallTime {
    /// Wall time of the whole pilot, in milliseconds.
    pub total_ms: f64,
    /// Median wall time per case, in microseconds.
    pub case_median_us: u64,
    /// 95th percentile wall time per case, in microseconds.
    pub case_p95_us: u64,
}

/// A pilot's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    /// Always [`SCORECARD_FORMAT`].
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
    /// Cases run (as recorded by telemetry).
    pub cases: u64,
    /// The six dimensions.
    pub dimensions: Dimensions,
    /// Composite weights.
    pub weights: Weights,
    /// Weighted mean of the applicable dimensions; `None` if none applies.
    pub composite: Option<f64>,
    /// Timings, excluded from the signature.
    pub wall_time: WallTime,
}

/// The scorecard could not be computed or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScorecardError {
    /// The scenario's weights are unusable.
    #[error(
        "scenario weights must be finite, non-negative and not all zero (got {0:?}); fix the weights in the scenario file"
    )]
    Weights(Weights),
    /// A budget is zero.
    #[error("the scenario's {0} budget must be greater than zero; set it in the scenario file")]
    Budget(&'static str),
    /// The text is not a scorecard.
    #[error("invalid scorecard JSON: {0}")]
    Parse(#[from] serde_json::Error),
    /// The scorecard has another format.
    #[error(
        "unsupported scorecard format '{0}' (expected '{SCORECARD_FORMAT}'); re-run the pilot with this version of govlab"
    )]
    Format(String),
}

/// Efficiency sub-score of a figure against its budget, see the module docs.
fn log_budget_score(value: u64, budget: u64) -> f64 {
    if value == 0 {
        return 100.0;
    }
    let decades = (budget as f64 / value as f64).log10();
    100.0 * (decades / EFFICIENCY_DECADES).clamp(0.0, 1.0)
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(sum, n), value| (sum + value, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn share(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

impl Scorecard {
    /// Scores a pilot from the scenario's results and the recorded telemetry.
    pub fn compute(
        results: &PilotResults,
        telemetry: &TelemetrySummary,
        config: &ScoringConfig,
    ) -> Result<Scorecard, ScorecardError> {
        let weights = config.weights;
        let raw = weights.as_array();
        if raw.iter().any(|w| !w.is_finite() || *w < 0.0) || raw.iter().sum::<f64>() <= 0.0 {
            return Err(ScorecardError::Weights(weights));
        }
        if config.fuel_budget == 0 {
            return Err(ScorecardError::Budget("fuel"));
        }
        if config.memory_budget_bytes == 0 {
            return Err(ScorecardError::Budget("memory"));
        }

        let effectiveness = {
            let score =
                mean(results.effectiveness.values().map(|v| v.clamp(0.0, 1.0))).map(|m| 100.0 * m);
            let mut figures = results.effectiveness.clone();
            figures.extend(
                results
                    .effectiveness_shown
                    .iter()
                    .map(|(k, v)| (k.clone(), *v)),
            );
            Dimension::new(score, figures)
        };

        let interoperability = {
            let valid_share = (results.outputs_checked > 0)
                .then(|| share(results.schema_valid, results.outputs_checked));
            let components = valid_share
                .into_iter()
                .chain(results.fidelity.values().map(|v| v.clamp(0.0, 1.0)));
            let score = mean(components).map(|m| 100.0 * m);
            let mut figures = results.fidelity.clone();
            figures.insert("outputs_checked".into(), results.outputs_checked as f64);
            figures.insert("schema_valid".into(), results.schema_valid as f64);
            if let Some(valid_share) = valid_share {
                figures.insert("schema_valid_share".into(), valid_share);
            }
            Dimension::new(score, figures)
        };

        let efficiency = {
            let score = (telemetry.cases > 0).then(|| {
                0.5 * log_budget_score(telemetry.fuel.median, config.fuel_budget)
                    + 0.3 * log_budget_score(telemetry.fuel.p95, config.fuel_budget)
                    + 0.2
                        * log_budget_score(
                            telemetry.peak_memory_bytes.max,
                            config.memory_budget_bytes,
                        )
            });
            let figures = BTreeMap::from([
                ("fuel_median".to_owned(), telemetry.fuel.median as f64),
                ("fuel_p95".to_owned(), telemetry.fuel.p95 as f64),
                ("fuel_max".to_owned(), telemetry.fuel.max as f64),
                ("fuel_budget".to_owned(), config.fuel_budget as f64),
                (
                    "peak_memory_median_bytes".to_owned(),
                    telemetry.peak_memory_bytes.median as f64,
                ),
                (
                    "peak_memory_max_bytes".to_owned(),
                    telemetry.peak_memory_bytes.max as f64,
                ),
                (
                    "memory_budget_bytes".to_owned(),
                    config.memory_budget_bytes as f64,
                ),
            ]);
            Dimension::new(score, figures)
        };

        let reliability = {
            let handled: u64 = Outcome::ALL
                .iter()
                .filter(|o| o.is_handled())
                .map(|o| telemetry.count(*o))
                .sum();
            let score = (telemetry.cases > 0).then(|| 100.0 * share(handled, telemetry.cases));
            let mut figures = BTreeMap::new();
            for outcome in Outcome::ALL {
                let count = telemetry.count(outcome);
                figures.insert(outcome.as_str().to_owned(), count as f64);
                figures.insert(
                    format!("{}_share", outcome.as_str()),
                    share(count, telemetry.cases),
                );
            }
            Dimension::new(score, figures)
        };

        let compliance = {
            let applied = results
                .compliance
                .values()
                .filter(|check| check.checked > 0);
            let score =
                mean(applied.map(|check| share(check.passed, check.checked))).map(|m| 100.0 * m);
            let mut figures = BTreeMap::new();
            for (name, check) in &results.compliance {
                figures.insert(format!("{name}_passed"), check.passed as f64);
                figures.insert(format!("{name}_checked"), check.checked as f64);
                if check.checked > 0 {
                    figures.insert(format!("{name}_share"), share(check.passed, check.checked));
                }
            }
            Dimension::new(score, figures)
        };

        let fairness = {
            let attribute_score = |figures: &FairnessFigures| {
                let gap_part = 1.0 - figures.largest_gap.clamp(0.0, 1.0);
                let ratio_part = (figures.positive_rate_ratio / FOUR_FIFTHS).clamp(0.0, 1.0);
                gap_part.min(ratio_part)
            };
            let score = results
                .fairness
                .values()
                .map(attribute_score)
                .fold(None, |worst: Option<f64>, s| {
                    Some(worst.map_or(s, |w| w.min(s)))
                })
                .map(|worst| 100.0 * worst);
            let mut figures = BTreeMap::new();
            for (attribute, values) in &results.fairness {
                figures.insert(format!("{attribute}_largest_gap"), values.largest_gap);
                figures.insert(
                    format!("{attribute}_positive_rate_ratio"),
                    values.positive_rate_ratio,
                );
            }
            Dimension::new(score, figures)
        };

        let dimensions = Dimensions {
            effectiveness,
            interoperability,
            efficiency,
            reliability,
            compliance,
            fairness,
        };
        let composite = {
            let (weighted, total) = dimensions
                .iter()
                .zip(raw)
                .filter_map(|((_, dim), weight)| dim.score.map(|score| (score * weight, weight)))
                .fold((0.0, 0.0), |(sum, total), (part, weight)| {
                    (sum + part, total + weight)
                });
            (total > 0.0).then(|| round4(weighted / total))
        };

        Ok(Scorecard {
            format: SCORECARD_FORMAT.to_owned(),
            scenario_id: results.scenario_id.clone(),
            scenario_version: results.scenario_version.clone(),
            split: results.split.clone(),
            agent_sha256: results.agent_sha256.clone(),
            dataset_hash: results.dataset_hash.clone(),
            cases: telemetry.cases,
            dimensions,
            weights: Weights {
                effectiveness: round4(weights.effectiveness),
                interoperability: round4(weights.interoperability),
                efficiency: round4(weights.efficiency),
                reliability: round4(weights.reliability),
                compliance: round4(weights.compliance),
                fairness: round4(weights.fairness),
            },
            composite,
            wall_time: WallTime {
                total_ms: round4(telemetry.wall_total.as_secs_f64() * 1000.0),
                case_median_us: telemetry.latency_us.median,
                case_p95_us: telemetry.latency_us.p95,
            },
        })
    }

    /// The bytes that identify the results: everything but the wall time,
    /// as compact JSON written by this crate rather than by serde_json, so
    /// the bytes do not depend on a serializer's version or features.
    ///
    /// Encoding (`govlab-scorecard/1`): fields in declaration order, map
    /// keys in byte order, no whitespace; strings escape only `"`, `\` and
    /// control characters (`\u00XX`); integers in decimal; floats in Rust's
    /// shortest round-trip decimal form (`0.1235`, `75`, never an exponent);
    /// `null` for an absent score. This is what gets signed.
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
        for (name, dim) in self.dimensions.iter() {
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

    /// Pretty JSON of the whole scorecard, wall time included.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a scorecard written by [`Scorecard::to_json`].
    pub fn from_json(json: &str) -> Result<Scorecard, ScorecardError> {
        let scorecard: Scorecard = serde_json::from_str(json)?;
        scorecard.check_format()?;
        Ok(scorecard)
    }

    pub(crate) fn check_format(&self) -> Result<(), ScorecardError> {
        if self.format == SCORECARD_FORMAT {
            Ok(())
        } else {
            Err(ScorecardError::Format(self.format.clone()))
        }
    }

    /// A plain-text table for terminals.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let agent = self.agent_sha256.get(..12).unwrap_or(&self.agent_sha256);
        let _ = writeln!(
            out,
            "scenario {} {} · split {} · agent {agent}… · {} cases",
            self.scenario_id, self.scenario_version, self.split, self.cases
        );
        let _ = writeln!(
            out,
            "{:<36} {:>10} {:>8}",
            "dimension / figure", "score", "weight"
        );
        let weights = self.weights.as_array();
        for ((name, dim), weight) in self.dimensions.iter().zip(weights) {
            let _ = writeln!(out, "{name:<36} {:>10} {weight:>8.2}", fmt_score(dim.score));
            for (figure, value) in &dim.figures {
                let _ = writeln!(out, "  {figure:<34} {:>10}", fmt_figure(*value));
            }
        }
        let _ = writeln!(out, "{:<36} {:>10}", "composite", fmt_score(self.composite));
        let _ = writeln!(
            out,
            "wall time {:.1} s, per case median {} µs, p95 {} µs (not scored)",
            self.wall_time.total_ms / 1000.0,
            self.wall_time.case_median_us,
            self.wall_time.case_p95_us
        );
        out
    }
}

/// Writer of the canonical encoding, see [`Scorecard::canonical_json`].
#[derive(Default)]
struct Canonical {
    bytes: String,
    /// Whether the innermost open object still has no field.
    first: Vec<bool>,
}

impl Canonical {
    fn open(&mut self) -> &mut Canonical {
        self.bytes.push('{');
        self.first.push(true);
        self
    }

    fn close(&mut self) {
        self.bytes.push('}');
        self.first.pop();
    }

    fn field(&mut self, name: &str) -> &mut Canonical {
        if let Some(first) = self.first.last_mut() {
            if !*first {
                self.bytes.push(',');
            }
            *first = false;
        }
        self.string(name);
        self.bytes.push(':');
        self
    }

    fn string(&mut self, text: &str) {
        self.bytes.push('"');
        for ch in text.chars() {
            match ch {
                '"' => self.bytes.push_str("\\\""),
                '\\' => self.bytes.push_str("\\\\"),
                ch if u32::from(ch) < 0x20 => {
                    let _ = write!(self.bytes, "\\u{:04x}", u32::from(ch));
                }
                ch => self.bytes.push(ch),
            }
        }
        self.bytes.push('"');
    }

    fn raw(&mut self, text: &str) {
        self.bytes.push_str(text);
    }

    fn number(&mut self, value: f64) {
        // Rust's `Display` for f64 is the shortest decimal that parses back
        // to the same value, without exponent; -0.0 and non-finite values
        // never reach here (see `round4`), but are pinned anyway.
        let value = if value.is_finite() && value != 0.0 {
            value
        } else {
            0.0
        };
        let _ = write!(self.bytes, "{value}");
    }

    fn score(&mut self, score: Option<f64>) {
        match score {
            Some(value) => self.number(value),
            None => self.raw("null"),
        }
    }
}

/// A score for display: two decimals, `n/a` when not applicable.
pub(crate) fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(|| "n/a".to_owned(), |score| format!("{score:.2}"))
}

/// A figure for display: integers without decimals, others with 4.
pub(crate) fn fmt_figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.4}")
    }
}

/// How one dimension changed between two scorecards.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionDelta {
    /// Dimension name.
    pub name: &'static str,
    /// Score of the base scorecard.
    pub base: Option<f64>,
    /// Score of the candidate.
    pub candidate: Option<f64>,
    /// `candidate − base`, when both apply.
    pub delta: Option<f64>,
    /// `candidate − base` of every figure both scorecards have.
    pub figure_deltas: BTreeMap<String, f64>,
}

/// Per-dimension differences between two scorecards (e.g. two versions of
/// an agent on the same scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Whether both ran the same scenario version on the same dataset, so
    /// the numbers are comparable.
    pub comparable: bool,
    /// The six dimensions in order.
    pub dimensions: Vec<DimensionDelta>,
    /// `candidate − base` of the composite, when both have one.
    pub composite_delta: Option<f64>,
}

/// Compares `candidate` against `base`.
pub fn compare(base: &Scorecard, candidate: &Scorecard) -> Comparison {
    let delta = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| round4(b - a));
    let dimensions = base
        .dimensions
        .iter()
        .zip(candidate.dimensions.iter())
        .map(|((name, before), (_, after))| DimensionDelta {
            name,
            base: before.score,
            candidate: after.score,
            delta: delta(before.score, after.score),
            figure_deltas: before
                .figures
                .iter()
                .filter_map(|(figure, old)| {
                    after
                        .figures
                        .get(figure)
                        .map(|new| (figure.clone(), round4(new - old)))
                })
                .collect(),
        })
        .collect();
    Comparison {
        comparable: base.scenario_id == candidate.scenario_id
            && base.scenario_version == candidate.scenario_version
            && base.split == candidate.split
            && base.dataset_hash == candidate.dataset_hash,
        dimensions,
        composite_delta: delta(base.composite, candidate.composite),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;
    use crate::telemetry::{Histogram, Spread};

    pub(crate) fn summary(by_outcome: &[(Outcome, u64)], wall_ms: u64) -> TelemetrySummary {
        let mut counts: BTreeMap<Outcome, u64> = Outcome::ALL.into_iter().map(|o| (o, 0)).collect();
        counts.extend(by_outcome.iter().copied());
        TelemetrySummary {
            cases: by_outcome.iter().map(|(_, n)| n).sum(),
            by_outcome: counts,
            fuel: Spread {
                median: 1_000_000,
                p95: 10_000_000,
                max: 50_000_000,
            },
            peak_memory_bytes: Spread {
                median: 1 << 20,
                p95: 2 << 20,
                max: 4 << 20,
            },
            latency_us: Spread {
                median: 900 + wall_ms,
                p95: 4_000 + wall_ms,
                max: 9_000,
            },
            findings: 3,
            wall_total: Duration::from_millis(wall_ms),
            fuel_histogram: Histogram {
                edges: vec![1_000_000, 10_000_000, 50_000_001],
                counts: vec![60, 40],
            },
            latency_histogram: Histogram {
                edges: vec![100, 1_000, 9_001],
                counts: vec![70, 30],
            },
        }
    }

    pub(crate) fn results() -> PilotResults {
        PilotResults {
            scenario_id: "family-support".into(),
            scenario_version: "1.2.0".into(),
            split: "test".into(),
            agent_sha256: "0f".repeat(32),
            dataset_hash: "sha256:".to_owned() + &"7a".repeat(32),
            effectiveness: BTreeMap::from([
                ("recall_at_k".into(), 0.8),
                ("precision_at_k".into(), 0.6),
            ]),
            effectiveness_shown: BTreeMap::from([("k".into(), 50.0)]),
            outputs_checked: 100,
            schema_valid: 90,
            fidelity: BTreeMap::from([("field_fidelity".into(), 0.7)]),
            compliance: BTreeMap::from([
                (
                    "explanation_present".into(),
                    ComplianceCheck {
                        passed: 45,
                        checked: 50,
                    },
                ),
                (
                    "no_identifier_echo".into(),
                    ComplianceCheck {
                        passed: 100,
                        checked: 100,
                    },
                ),
                (
                    "ai_label".into(),
                    ComplianceCheck {
                        passed: 0,
                        checked: 0,
                    },
                ),
            ]),
            fairness: BTreeMap::from([
                (
                    "region".into(),
                    FairnessFigures {
                        largest_gap: 0.1,
                        positive_rate_ratio: 0.9,
                    },
                ),
                (
                    "household_language".into(),
                    FairnessFigures {
                        largest_gap: 0.05,
                        positive_rate_ratio: 0.6,
                    },
                ),
            ]),
        }
    }

    pub(crate) fn config() -> ScoringConfig {
        ScoringConfig {
            weights: Weights {
                effectiveness: 0.4,
                interoperability: 0.1,
                efficiency: 0.1,
                reliability: 0.15,
                compliance: 0.15,
                fairness: 0.1,
            },
            fuel_budget: 1_000_000_000,
            memory_budget_bytes: 64 << 20,
        }
    }

    pub(crate) fn scorecard(wall_ms: u64) -> Scorecard {
        let telemetry = summary(
            &[
                (Outcome::Ok, 90),
                (Outcome::AgentError, 4),
                (Outcome::OutOfFuel, 6),
            ],
            wall_ms,
        );
        Scorecard::compute(&results(), &telemetry, &config()).unwrap()
    }

    fn close(actual: Option<f64>, expected: f64, what: &str) {
        let actual = actual.unwrap_or_else(|| panic!("{what} is not applicable"));
        assert!(
            (actual - expected).abs() < 1e-3,
            "{what}: got {actual}, expected {expected}"
        );
    }

    #[test]
    fn dimensions_follow_the_documented_formulas() {
        let card = scorecard(1_234);
        let dims = &card.dimensions;
        // mean(0.8, 0.6)
        close(dims.effectiveness.score, 70.0, "effectiveness");
        assert_eq!(dims.effectiveness.figures["k"], 50.0);
        // mean(90/100, 0.7)
        close(dims.interoperability.score, 80.0, "interoperability");
        assert_eq!(dims.interoperability.figures["schema_valid_share"], 0.9);
        // budget 1e9: p50 1e6 → 3 decades → 100; p95 1e7 → 2 decades → 66.667;
        // memory 4 MiB of 64 MiB → log10(16)/3 → 40.137.
        let memory = 100.0 * 16f64.log10() / 3.0;
        close(
            dims.efficiency.score,
            0.5 * 100.0 + 0.3 * 200.0 / 3.0 + 0.2 * memory,
            "efficiency",
        );
        // (90 ok + 4 agent_error) / 100
        close(dims.reliability.score, 94.0, "reliability");
        assert_eq!(dims.reliability.figures["out_of_fuel"], 6.0);
        assert_eq!(dims.reliability.figures["out_of_fuel_share"], 0.06);
        // mean(45/50, 100/100); the unchecked ai_label does not count.
        close(dims.compliance.score, 95.0, "compliance");
        assert!(!dims.compliance.figures.contains_key("ai_label_share"));
        // region: min(0.9, 1) = 0.9; language: min(0.95, 0.75) = 0.75 → worst 75.
        close(dims.fairness.score, 75.0, "fairness");

        let scores = [70.0, 80.0, dims.efficiency.score.unwrap(), 94.0, 95.0, 75.0];
        let weights = [0.4, 0.1, 0.1, 0.15, 0.15, 0.1];
        let expected: f64 = scores.iter().zip(weights).map(|(s, w)| s * w).sum();
        close(card.composite, expected, "composite");
        assert_eq!(card.cases, 100);
    }

    #[test]
    fn dimensions_without_inputs_are_left_out_of_the_composite() {
        let results = PilotResults {
            effectiveness: BTreeMap::from([("top3_accuracy".into(), 0.5)]),
            ..PilotResults::default()
        };
        let telemetry = summary(&[(Outcome::Ok, 1), (Outcome::Panic, 1)], 5);
        let card = Scorecard::compute(&results, &telemetry, &config()).unwrap();
        assert_eq!(card.dimensions.interoperability.score, None);
        assert_eq!(card.dimensions.compliance.score, None);
        assert_eq!(card.dimensions.fairness.score, None);
        close(card.dimensions.reliability.score, 50.0, "reliability");
        // (0.4·50 + 0.1·eff + 0.15·50) / 0.65
        let eff = card.dimensions.efficiency.score.unwrap();
        close(
            card.composite,
            (0.4 * 50.0 + 0.1 * eff + 0.15 * 50.0) / 0.65,
            "composite",
        );
    }

    #[test]
    fn efficiency_is_zero_at_the_budget_and_full_far_below_it() {
        assert_eq!(log_budget_score(1_000, 1_000), 0.0);
        assert_eq!(log_budget_score(5_000, 1_000), 0.0);
        assert_eq!(log_budget_score(1, 1_000), 100.0);
        assert_eq!(log_budget_score(0, 1_000), 100.0);
        assert!((log_budget_score(10, 1_000) - 100.0 * 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn bad_weights_and_budgets_are_refused() {
        let telemetry = summary(&[(Outcome::Ok, 1)], 1);
        let mut bad = config();
        bad.weights.fairness = -1.0;
        let err = Scorecard::compute(&results(), &telemetry, &bad).unwrap_err();
        assert!(
            err.to_string()
                .contains("fix the weights in the scenario file"),
            "{err}"
        );
        let zero = Weights {
            effectiveness: 0.0,
            interoperability: 0.0,
            efficiency: 0.0,
            reliability: 0.0,
            compliance: 0.0,
            fairness: 0.0,
        };
        assert!(
            Scorecard::compute(
                &results(),
                &telemetry,
                &ScoringConfig {
                    weights: zero,
                    ..config()
                }
            )
            .is_err()
        );
        let err = Scorecard::compute(
            &results(),
            &telemetry,
            &ScoringConfig {
                fuel_budget: 0,
                ..config()
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("fuel budget"), "{err}");
    }

    #[test]
    fn same_inputs_give_byte_identical_json_apart_from_wall_time() {
        let first = scorecard(1_000);
        let second = scorecard(2_500);
        assert_ne!(first.wall_time, second.wall_time);
        assert_eq!(first.canonical_json(), second.canonical_json());
        let mut second_same_time = second.clone();
        second_same_time.wall_time = first.wall_time;
        assert_eq!(first.to_json(), second_same_time.to_json());
        assert!(
            !String::from_utf8(first.canonical_json())
                .unwrap()
                .contains("wall_time")
        );
    }

    #[test]
    fn json_round_trips_exactly() {
        let card = scorecard(1_234);
        let json = card.to_json();
        let back = Scorecard::from_json(&json).unwrap();
        assert_eq!(back, card);
        assert_eq!(back.to_json(), json);
        assert_eq!(back.canonical_json(), card.canonical_json());
        // Numbers are rounded to 4 decimals.
        assert!(json.contains("\"schema_valid_share\": 0.9"), "{json}");
        let unknown = json.replacen("\"cases\"", "\"injected\": 1,\n  \"cases\"", 1);
        assert!(Scorecard::from_json(&unknown).is_err());
        let other = json.replace(SCORECARD_FORMAT, "govlab-scorecard/99");
        let err = Scorecard::from_json(&other).unwrap_err();
        assert!(
            err.to_string().contains("unsupported scorecard format"),
            "{err}"
        );
    }

    #[test]
    fn canonical_json_is_valid_json_with_the_signed_content() {
        let mut card = scorecard(1_234);
        card.split = "test \"quoted\" \\ back\nline\u{1} ñ Қ".into();
        let canonical = String::from_utf8(card.canonical_json()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&canonical).unwrap();
        assert_eq!(value["split"], card.split.as_str());
        assert_eq!(value["cases"], 100);
        assert_eq!(value["dimensions"]["fairness"]["score"], 75.0);
        assert_eq!(
            value["dimensions"]["reliability"]["figures"]["ok_share"],
            0.9
        );
        assert_eq!(value["composite"].as_f64(), card.composite);
        assert!(value.get("wall_time").is_none());
        assert!(canonical.contains("\"score\":75,"), "{canonical}");
        let mut not_applicable = card.clone();
        not_applicable.composite = None;
        let canonical = String::from_utf8(not_applicable.canonical_json()).unwrap();
        assert!(canonical.ends_with("\"composite\":null}"), "{canonical}");
    }

    /// A small scorecard whose canonical bytes are pinned: changing the
    /// encoding would invalidate every certificate already issued.
    pub(crate) fn pinned_scorecard() -> Scorecard {
        let dim = |score: Option<f64>, figures: &[(&str, f64)]| Dimension {
            score,
            figures: figures.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        };
        Scorecard {
            format: SCORECARD_FORMAT.into(),
            scenario_id: "air-quality-alerts".into(),
            scenario_version: "2.0.1".into(),
            split: "test".into(),
            agent_sha256: "ab".repeat(4),
            dataset_hash: "sha256:01".into(),
            cases: 24,
            dimensions: Dimensions {
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
    fn canonical_encoding_is_pinned() {
        let canonical = String::from_utf8(pinned_scorecard().canonical_json()).unwrap();
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
    }

    #[test]
    fn rounded_numbers_survive_a_json_round_trip_exactly() {
        // A fixed pseudo-random walk over magnitudes from 1e-4 to 1e13.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = (state % 18) as i32 - 4;
            let value = round4(mantissa * 10f64.powi(exponent));
            let text = serde_json::to_string(&value).unwrap();
            let back: f64 = serde_json::from_str(&text).unwrap();
            assert_eq!(back.to_bits(), value.to_bits(), "{value} printed as {text}");
        }
    }

    #[test]
    fn rounding_is_to_four_decimals() {
        assert_eq!(round4(0.123_456), 0.1235);
        assert_eq!(round4(2.0 / 3.0), 0.6667);
        assert_eq!(round4(-0.000_01), 0.0);
        assert_eq!(round4(f64::NAN), 0.0);
        assert_eq!(round4(123_456_789_012.7), 123_456_789_013.0);
    }

    #[test]
    fn table_lists_every_dimension_and_figure() {
        let table = scorecard(1_234).to_table();
        for name in DIMENSION_NAMES {
            assert!(table.contains(name), "{name} missing from\n{table}");
        }
        assert!(table.contains("fuel_median"), "{table}");
        assert!(table.contains("composite"), "{table}");
        assert!(table.contains("not scored"), "{table}");
        assert!(table.contains("75.00"), "{table}");
    }

    #[test]
    fn comparison_reports_deltas() {
        let base = scorecard(1);
        let mut better = base.clone();
        better.dimensions.reliability.score = Some(99.0);
        better
            .dimensions
            .reliability
            .figures
            .insert("ok".into(), 95.0);
        better.composite = base.composite.map(|c| c + 1.5);
        let comparison = compare(&base, &better);
        assert!(comparison.comparable);
        let reliability = &comparison.dimensions[3];
        assert_eq!(reliability.name, "reliability");
        assert_eq!(reliability.delta, Some(5.0));
        assert_eq!(reliability.figure_deltas["ok"], 5.0);
        assert_eq!(comparison.dimensions[0].delta, Some(0.0));
        assert_eq!(comparison.composite_delta, Some(1.5));
        let mut other = base.clone();
        other.dataset_hash = "sha256:other".into();
        assert!(!compare(&base, &other).comparable);
    }
}
