//! The scorecard of a pilot: six dimensions scored 0–100 with their raw
//! figures and 95 % confidence intervals, a composite, deterministic JSON, a
//! terminal table and comparisons.
//!
//! # Validity
//!
//! A case counts as a *decision* only when it ended `ok` with output that
//! passed the scenario's output schema. Every other case (trap, limit,
//! invalid or missing output, the agent declining) is a wrong answer in
//! every effectiveness metric and a failure in reliability; it is never
//! dropped from a denominator. A dimension is not applicable only when the
//! scenario gives it weight 0 or nothing about it can be measured at any
//! agent's expense (e.g. every group too small); never because the agent
//! failed. A pilot with fewer cases than the scenario's minimum gets no
//! composite and cannot be certified ([`Scorecard::certifiable`]).
//!
//! # How each dimension is scored
//!
//! - **effectiveness** `E`: `100 × mean(scored metrics)`, each metric a
//!   share in `[0, 1]` (macro-F1, recall@k, top-3 accuracy, …). Figures that
//!   are not shares (e.g. a lead time in hours) are shown but not scored.
//! - **interoperability**: `100 × mean(decisions / cases, fidelity shares…)`.
//! - **efficiency**: over decisions only (an agent cannot earn it by failing
//!   fast), on a log scale against the scenario's budgets:
//!   `s(x, budget) = 100 × clamp(log10(budget / x) / 3, 0, 1)`, and
//!   `0.5·s(fuel p50) + 0.3·s(fuel p95) + 0.2·s(peak memory max)`; 0 when
//!   there is no decision. Wall time is shown, never scored.
//! - **reliability**: `100 × decisions / cases`.
//! - **compliance**: `100 × mean(passed / checked)` over the checks that
//!   applied; 0 when no output could be checked.
//! - **fairness**: harm, not prediction rates: error-rate parity against
//!   the truth and counterfactual flips, see [`crate::fairness`];
//!   `100 ×` the worst attribute's `1 − max(gap, flip share)`.
//!
//! The composite is multiplicative in effectiveness, so the other
//! dimensions cannot carry an agent that decides nothing right:
//! `composite = E × (ŵ_E + (1 − ŵ_E) · Q / 100)`, where `ŵ_E` is the
//! effectiveness weight over the sum of weights and `Q` the weighted mean of
//! the other dimensions that apply. An oracle scores 100; an agent with
//! `E = 0` scores 0 whatever else it does.
//!
//! # Uncertainty
//!
//! Every dimension score, every effectiveness figure and the composite
//! carry a 95 % bootstrap interval ([`crate::bootstrap`]), computed by
//! rescoring resamples of the pilot's cases ([`Scorecard::attach_intervals`]).
//!
//! # Determinism
//!
//! Every number is rounded to 4 decimals when the scorecard is built and
//! maps are sorted, so the same inputs give byte-identical JSON. Wall time
//! lives in its own block, excluded from [`Scorecard::canonical_json`] and so
//! from the signature.

mod v1;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use crate::bootstrap::Interval;
use crate::fairness::AttributeFairness;
use crate::outcome::Outcome;
use crate::telemetry::TelemetrySummary;
pub use v1::{FORMAT_V1, ScorecardV1};

/// Format tag of scorecard JSON.
pub const SCORECARD_FORMAT: &str = "govlab-scorecard/2";

/// Prefix of the agent field of a reference row (oracle, trivial baseline).
pub const REFERENCE_PREFIX: &str = "reference:";

/// Decades of the log scale of the efficiency score.
const EFFICIENCY_DECADES: f64 = 3.0;

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
    /// Fewest cases for a composite and a certificate.
    pub minimum_cases: u64,
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
    /// Hex SHA-256 of the agent's bytes, or `reference:<name>`.
    pub agent_sha256: String,
    /// Commitment to the dataset the pilot ran on: a SHA-256 for the
    /// public practice split, an HMAC keyed by the lab's secret for the
    /// evaluation split (so no one can test a guess offline).
    pub dataset_hash: String,
    /// Scenario metrics that are shares in `[0, 1]` and make up the score.
    pub effectiveness: BTreeMap<String, f64>,
    /// Further scenario figures shown beside the score (e.g. lead time).
    pub effectiveness_shown: BTreeMap<String, f64>,
    /// Fidelity shares in `[0, 1]`, e.g. `field_fidelity`, `identifier_accuracy`.
    pub fidelity: BTreeMap<String, f64>,
    /// Compliance checks by name.
    pub compliance: BTreeMap<String, ComplianceCheck>,
    /// Fairness per protected attribute (e.g. `region`, `language`).
    pub fairness: BTreeMap<String, AttributeFairness>,
}

/// Outcome of one compliance check over the cases it applied to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComplianceCheck {
    /// Cases that passed.
    pub passed: u64,
    /// Cases the check applied to.
    pub checked: u64,
}

impl ComplianceCheck {
    /// Counts one case the check applied to.
    pub fn add(&mut self, passed: bool) {
        self.checked += 1;
        self.passed += u64::from(passed);
    }
}

/// One dimension of the scorecard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Score in `[0, 100]`; `None` when the dimension does not apply.
    pub score: Option<f64>,
    /// 95 % bootstrap interval of the score.
    #[serde(default)]
    pub interval: Option<Interval>,
    /// Raw figures behind the score, by name.
    pub figures: BTreeMap<String, f64>,
    /// 95 % bootstrap intervals of figures, by name.
    #[serde(default)]
    pub intervals: BTreeMap<String, Interval>,
    /// Why the score is what it is, when that is not plain from the figures.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl Dimension {
    fn new(score: Option<f64>, figures: BTreeMap<String, f64>) -> Dimension {
        Dimension {
            score: score.map(|score| round4(score.clamp(0.0, 100.0))),
            figures: figures
                .into_iter()
                .map(|(name, value)| (name, round4(value)))
                .collect(),
            ..Dimension::default()
        }
    }

    fn noted(mut self, note: impl Into<String>) -> Dimension {
        self.notes.push(note.into());
        self
    }
}

/// The six dimensions, in their fixed order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    /// The scenario's metrics.
    pub effectiveness: Dimension,
    /// Schema-valid decisions and fidelity through adapters.
    pub interoperability: Dimension,
    /// Fuel and memory per decision.
    pub efficiency: Dimension,
    /// Share of cases that ended in a decision.
    pub reliability: Dimension,
    /// Labelling, explanations, no echoed identifiers.
    pub compliance: Dimension,
    /// Error-rate gaps across groups and counterfactual flips.
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

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut Dimension> {
        [
            &mut self.effectiveness,
            &mut self.interoperability,
            &mut self.efficiency,
            &mut self.reliability,
            &mut self.compliance,
            &mut self.fairness,
        ]
        .into_iter()
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
    /// [`SCORECARD_FORMAT`] (or [`FORMAT_V1`] for a converted old card).
    pub format: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: String,
    /// Dataset split.
    pub split: String,
    /// Hex SHA-256 of the agent's bytes, or `reference:oracle` /
    /// `reference:trivial` for the scenario's reference rows.
    pub agent_sha256: String,
    /// Commitment to the dataset (see [`PilotResults::dataset_hash`]).
    pub dataset_hash: String,
    /// Cases run (as recorded by telemetry).
    pub cases: u64,
    /// The scenario's minimum for a composite and a certificate.
    pub minimum_cases: u64,
    /// The six dimensions.
    pub dimensions: Dimensions,
    /// Composite weights.
    pub weights: Weights,
    /// See the module docs; `None` below the minimum case count.
    pub composite: Option<f64>,
    /// 95 % bootstrap interval of the composite.
    pub composite_interval: Option<Interval>,
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
        "unsupported scorecard format '{0}' (expected '{SCORECARD_FORMAT}' or '{FORMAT_V1}'); re-run the pilot with this version of govlab"
    )]
    Format(String),
}

/// Why a scorecard cannot be certified or ranked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotCertifiable {
    /// Too few cases for the scenario.
    #[error(
        "the pilot ran {cases} cases but {scenario} needs at least {minimum} for a composite score and a certificate; run the full split (or at least {minimum} cases)"
    )]
    TooFewCases {
        /// The scenario id.
        scenario: String,
        /// Cases run.
        cases: u64,
        /// The scenario's minimum.
        minimum: u64,
    },
    /// No composite.
    #[error("the scorecard has no composite score, so there is nothing to certify")]
    NoComposite,
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
    /// Scores a pilot from the scenario's results and the recorded telemetry
    /// (without intervals; see [`Scorecard::attach_intervals`]).
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
        let cases = telemetry.cases;
        let decisions = telemetry.count(Outcome::Ok);

        let effectiveness = {
            let score = mean(results.effectiveness.values().map(|v| v.clamp(0.0, 1.0)))
                .map_or(0.0, |m| 100.0 * m);
            let mut figures = results.effectiveness.clone();
            figures.extend(
                results
                    .effectiveness_shown
                    .iter()
                    .map(|(k, v)| (k.clone(), *v)),
            );
            Dimension::new(Some(score), figures)
        };

        let interoperability = {
            let valid_share = share(decisions, cases);
            let components = std::iter::once(valid_share)
                .chain(results.fidelity.values().map(|v| v.clamp(0.0, 1.0)));
            let score = mean(components).map(|m| 100.0 * m);
            let mut figures = results.fidelity.clone();
            figures.insert("schema_valid_share".into(), valid_share);
            Dimension::new(score, figures)
        };

        let efficiency = {
            let figures = BTreeMap::from([
                ("decisions".to_owned(), decisions as f64),
                (
                    "fuel_median".to_owned(),
                    telemetry.decision_fuel.median as f64,
                ),
                ("fuel_p95".to_owned(), telemetry.decision_fuel.p95 as f64),
                ("fuel_max".to_owned(), telemetry.decision_fuel.max as f64),
                ("fuel_budget".to_owned(), config.fuel_budget as f64),
                (
                    "peak_memory_max_bytes".to_owned(),
                    telemetry.decision_peak_memory_bytes.max as f64,
                ),
                (
                    "memory_budget_bytes".to_owned(),
                    config.memory_budget_bytes as f64,
                ),
            ]);
            if decisions == 0 {
                Dimension::new(Some(0.0), figures)
                    .noted("no schema-valid decision: nothing earns efficiency")
            } else {
                let score = 0.5
                    * log_budget_score(telemetry.decision_fuel.median, config.fuel_budget)
                    + 0.3 * log_budget_score(telemetry.decision_fuel.p95, config.fuel_budget)
                    + 0.2
                        * log_budget_score(
                            telemetry.decision_peak_memory_bytes.max,
                            config.memory_budget_bytes,
                        );
                Dimension::new(Some(score), figures)
            }
        };

        let reliability = {
            let mut figures = BTreeMap::new();
            for outcome in Outcome::ALL {
                let count = telemetry.count(outcome);
                figures.insert(outcome.as_str().to_owned(), count as f64);
                figures.insert(format!("{}_share", outcome.as_str()), share(count, cases));
            }
            Dimension::new(Some(100.0 * share(decisions, cases)), figures)
        };

        let compliance = {
            let applied = results
                .compliance
                .values()
                .filter(|check| check.checked > 0);
            let score = mean(applied.map(|check| share(check.passed, check.checked)));
            let mut figures = BTreeMap::new();
            for (name, check) in &results.compliance {
                figures.insert(format!("{name}_passed"), check.passed as f64);
                figures.insert(format!("{name}_checked"), check.checked as f64);
                if check.checked > 0 {
                    figures.insert(format!("{name}_share"), share(check.passed, check.checked));
                }
            }
            match score {
                Some(score) => Dimension::new(Some(100.0 * score), figures),
                None => Dimension::new(Some(0.0), figures)
                    .noted("no output the checks apply to: nothing earns compliance"),
            }
        };

        let fairness = {
            let mut figures = BTreeMap::new();
            let mut notes = Vec::new();
            let mut worst: Option<f64> = None;
            for (attribute, measured) in &results.fairness {
                let assessment = measured.assess();
                figures.insert(
                    format!("{attribute}_scored_groups"),
                    assessment.scored_groups as f64,
                );
                if let Some(gap) = assessment.gap {
                    figures.insert(
                        format!("{attribute}_{}_gap", measured.measure.as_str()),
                        gap,
                    );
                }
                if let Some(flips) = measured.flips {
                    figures.insert(format!("{attribute}_twins"), flips.checked as f64);
                }
                if let Some(flip_share) = assessment.flip_share {
                    figures.insert(format!("{attribute}_flip_share"), flip_share);
                }
                if !assessment.small_groups.is_empty() {
                    notes.push(format!(
                        "{attribute}: groups under {} cases not scored: {}",
                        crate::fairness::MIN_GROUP,
                        assessment.small_groups.join(", ")
                    ));
                }
                match assessment.score {
                    Some(score) => worst = Some(worst.map_or(score, |w| w.min(score))),
                    None => notes.push(format!(
                        "{attribute}: not measurable at this pilot size (fewer than two groups large enough, no twins)"
                    )),
                }
            }
            let mut dim = Dimension::new(worst.map(|w| 100.0 * w), figures);
            dim.notes = notes;
            dim
        };

        let mut dimensions = Dimensions {
            effectiveness,
            interoperability,
            efficiency,
            reliability,
            compliance,
            fairness,
        };
        // A dimension the scenario does not weigh is not applicable.
        for (dim, weight) in dimensions.iter_mut().zip(raw) {
            if weight == 0.0 {
                dim.score = None;
            }
        }
        let composite = if cases < config.minimum_cases {
            None
        } else {
            composite(&dimensions, &weights)
        };

        Ok(Scorecard {
            format: SCORECARD_FORMAT.to_owned(),
            scenario_id: results.scenario_id.clone(),
            scenario_version: results.scenario_version.clone(),
            split: results.split.clone(),
            agent_sha256: results.agent_sha256.clone(),
            dataset_hash: results.dataset_hash.clone(),
            cases,
            minimum_cases: config.minimum_cases,
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
            composite_interval: None,
            wall_time: WallTime {
                total_ms: round4(telemetry.wall_total.as_secs_f64() * 1000.0),
                case_median_us: telemetry.latency_us.median,
                case_p95_us: telemetry.latency_us.p95,
            },
        })
    }

    /// Attaches 95 % intervals computed from `resamples`, the scorecards of
    /// bootstrap resamples of this pilot (see [`crate::bootstrap`]); `scale`
    /// narrows m-out-of-n intervals ([`crate::bootstrap::Resampler::scale`]).
    pub fn attach_intervals(&mut self, resamples: &[Scorecard], scale: f64) {
        let interval = |point: f64, values: Vec<f64>| {
            let mut values = values;
            crate::bootstrap::percentile_interval(point, &mut values, scale).map(|iv| Interval {
                low: round4(iv.low),
                high: round4(iv.high),
            })
        };
        let resampled: Vec<Vec<&Dimension>> = resamples
            .iter()
            .map(|card| card.dimensions.iter().map(|(_, dim)| dim).collect())
            .collect();
        for (slot, dim) in self.dimensions.iter_mut().enumerate() {
            dim.interval = dim.score.and_then(|point| {
                interval(
                    point,
                    resampled
                        .iter()
                        .filter_map(|dims| dims[slot].score)
                        .collect(),
                )
            });
            // Effectiveness figures are the metrics: each gets its interval.
            if slot == 0 {
                let figures: Vec<(String, f64)> =
                    dim.figures.iter().map(|(k, v)| (k.clone(), *v)).collect();
                for (name, point) in figures {
                    let values = resampled
                        .iter()
                        .filter_map(|dims| dims[0].figures.get(&name).copied())
                        .collect();
                    if let Some(iv) = interval(point, values) {
                        dim.intervals.insert(name, iv);
                    }
                }
            }
        }
        self.composite_interval = self.composite.and_then(|point| {
            interval(
                point,
                resamples
                    .iter()
                    .filter_map(|card| composite(&card.dimensions, &card.weights))
                    .collect(),
            )
        });
    }

    /// Whether this scorecard may be signed and ranked.
    pub fn certifiable(&self) -> Result<(), NotCertifiable> {
        if self.cases < self.minimum_cases {
            return Err(NotCertifiable::TooFewCases {
                scenario: self.scenario_id.clone(),
                cases: self.cases,
                minimum: self.minimum_cases,
            });
        }
        if self.composite.is_none() {
            return Err(NotCertifiable::NoComposite);
        }
        Ok(())
    }

    /// `oracle` or `trivial` for a reference row, `None` for an agent.
    pub fn reference(&self) -> Option<&str> {
        self.agent_sha256.strip_prefix(REFERENCE_PREFIX)
    }

    /// The bytes that identify the results: everything but the wall time,
    /// as compact JSON written by this crate rather than by serde_json, so
    /// the bytes do not depend on a serializer's version or features.
    ///
    /// Encoding: fields in declaration order, map keys in byte order, no
    /// whitespace; strings escape only `"`, `\` and control characters
    /// (`\u00XX`); integers in decimal; floats in Rust's shortest round-trip
    /// decimal form (`0.1235`, `75`, never an exponent); `null` for an
    /// absent score or interval; an interval is `{"low":…,"high":…}`. This
    /// is what gets signed. (Format 1 cards keep their own encoding, see
    /// [`ScorecardV1::canonical_json`].)
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
        out.field("minimum_cases")
            .raw(&self.minimum_cases.to_string());
        out.field("dimensions").open();
        for (name, dim) in self.dimensions.iter() {
            out.field(name).open();
            out.field("score").score(dim.score);
            out.field("interval").interval(dim.interval);
            out.field("figures").open();
            for (figure, value) in &dim.figures {
                out.field(figure).number(*value);
            }
            out.close();
            out.field("intervals").open();
            for (figure, value) in &dim.intervals {
                out.field(figure).interval(Some(*value));
            }
            out.close();
            out.field("notes").raw("[");
            for (n, note) in dim.notes.iter().enumerate() {
                if n > 0 {
                    out.raw(",");
                }
                out.string(note);
            }
            out.raw("]");
            out.close();
        }
        out.close();
        out.field("weights").open();
        for (name, weight) in DIMENSION_NAMES.into_iter().zip(self.weights.as_array()) {
            out.field(name).number(weight);
        }
        out.close();
        out.field("composite").score(self.composite);
        out.field("composite_interval")
            .interval(self.composite_interval);
        out.close();
        out.bytes.into_bytes()
    }

    /// Pretty JSON of the whole scorecard, wall time included.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a scorecard written by [`Scorecard::to_json`]; a format-1 card
    /// is converted (its scores unchanged, without intervals).
    pub fn from_json(json: &str) -> Result<Scorecard, ScorecardError> {
        Scorecard::from_value(serde_json::from_str(json)?)
    }

    /// [`Scorecard::from_json`] of an already parsed document.
    pub fn from_value(value: serde_json::Value) -> Result<Scorecard, ScorecardError> {
        let format = value
            .get("format")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        match format.as_str() {
            SCORECARD_FORMAT => Ok(serde_json::from_value(value)?),
            FORMAT_V1 => Ok(serde_json::from_value::<ScorecardV1>(value)?.into_current()),
            _ => Err(ScorecardError::Format(format)),
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
            "{:<36} {:>10} {:>20} {:>8}",
            "dimension / figure", "score", "95% interval", "weight"
        );
        let weights = self.weights.as_array();
        for ((name, dim), weight) in self.dimensions.iter().zip(weights) {
            let _ = writeln!(
                out,
                "{name:<36} {:>10} {:>20} {weight:>8.2}",
                fmt_score(dim.score),
                fmt_interval(dim.interval)
            );
            for (figure, value) in &dim.figures {
                let _ = writeln!(
                    out,
                    "  {figure:<34} {:>10} {:>20}",
                    fmt_figure(*value),
                    fmt_interval(dim.intervals.get(figure).copied())
                );
            }
            for note in &dim.notes {
                let _ = writeln!(out, "  note: {note}");
            }
        }
        let _ = writeln!(
            out,
            "{:<36} {:>10} {:>20}",
            "composite",
            fmt_score(self.composite),
            fmt_interval(self.composite_interval)
        );
        if let Err(why) = self.certifiable() {
            let _ = writeln!(out, "not certifiable: {why}");
        }
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

/// The composite of `dimensions` (see the module docs); `None` when
/// effectiveness does not apply and nothing else does either.
fn composite(dimensions: &Dimensions, weights: &Weights) -> Option<f64> {
    let raw = weights.as_array();
    let total: f64 = raw.iter().sum();
    let effectiveness = dimensions.effectiveness.score;
    let (weighted, others) = dimensions
        .iter()
        .zip(raw)
        .skip(1)
        .filter_map(|((_, dim), weight)| dim.score.map(|score| (score * weight, weight)))
        .fold((0.0, 0.0), |(sum, total), (part, weight)| {
            (sum + part, total + weight)
        });
    let quality = (others > 0.0).then(|| weighted / others);
    let value = match (effectiveness, quality) {
        (Some(e), Some(q)) => {
            let w_e = raw[0] / total;
            e * (w_e + (1.0 - w_e) * q / 100.0)
        }
        (Some(e), None) => e,
        (None, q) => q?,
    };
    Some(round4(value))
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

    fn interval(&mut self, interval: Option<Interval>) {
        match interval {
            Some(interval) => {
                self.open();
                self.field("low").number(interval.low);
                self.field("high").number(interval.high);
                self.close();
            }
            None => self.raw("null"),
        }
    }
}

/// A score for display: two decimals, `n/a` when not applicable.
pub(crate) fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(|| "n/a".to_owned(), |score| format!("{score:.2}"))
}

/// An interval for display: `[low, high]`, empty when there is none.
pub(crate) fn fmt_interval(interval: Option<Interval>) -> String {
    interval.map_or_else(String::new, |iv| {
        if iv.high > 1.0 {
            format!("[{:.1}, {:.1}]", iv.low, iv.high)
        } else {
            format!("[{:.3}, {:.3}]", iv.low, iv.high)
        }
    })
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
    use crate::fairness::{ErrorMeasure, FlipCount};
    use crate::telemetry::{Histogram, Spread};

    pub(crate) fn summary(by_outcome: &[(Outcome, u64)], wall_ms: u64) -> TelemetrySummary {
        let mut counts: BTreeMap<Outcome, u64> = Outcome::ALL.into_iter().map(|o| (o, 0)).collect();
        counts.extend(by_outcome.iter().copied());
        let fuel = Spread {
            median: 1_000_000,
            p95: 10_000_000,
            max: 50_000_000,
        };
        let memory = Spread {
            median: 1 << 20,
            p95: 2 << 20,
            max: 4 << 20,
        };
        TelemetrySummary {
            cases: by_outcome.iter().map(|(_, n)| n).sum(),
            by_outcome: counts,
            fuel,
            peak_memory_bytes: memory,
            decision_fuel: fuel,
            decision_peak_memory_bytes: memory,
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

    /// An attribute with two groups of 50 cases: `a` always right, `b`
    /// right `b_correct` times.
    fn accuracy_attribute(b_correct: u64) -> AttributeFairness {
        let mut attribute = AttributeFairness::new(ErrorMeasure::Accuracy);
        for n in 0..50 {
            attribute.group("a").add_decision(true);
            attribute.group("b").add_decision(n < b_correct);
        }
        attribute
    }

    pub(crate) fn results() -> PilotResults {
        let mut language = accuracy_attribute(40);
        language.flips = Some(FlipCount {
            checked: 100,
            flipped: 5,
        });
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
                ("region".into(), accuracy_attribute(45)),
                ("household_language".into(), language),
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
            minimum_cases: 50,
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
        // mean(90 decisions / 100 cases, 0.7)
        close(dims.interoperability.score, 80.0, "interoperability");
        assert_eq!(dims.interoperability.figures["schema_valid_share"], 0.9);
        // budget 1e9: p50 1e6 → 3 decades → 100; p95 1e7 → 2 decades → 66.667;
        // memory 4 MiB of 64 MiB → log10(16)/3 → 40.137.
        let memory = 100.0 * 16f64.log10() / 3.0;
        let efficiency = 0.5 * 100.0 + 0.3 * 200.0 / 3.0 + 0.2 * memory;
        close(dims.efficiency.score, efficiency, "efficiency");
        // 90 decisions of 100 cases: declining (agent_error) is not a decision.
        close(dims.reliability.score, 90.0, "reliability");
        assert_eq!(dims.reliability.figures["out_of_fuel"], 6.0);
        assert_eq!(dims.reliability.figures["out_of_fuel_share"], 0.06);
        // mean(45/50, 100/100); the unchecked ai_label does not count.
        close(dims.compliance.score, 95.0, "compliance");
        assert!(!dims.compliance.figures.contains_key("ai_label_share"));
        // region: gap 0.1 → 0.9; language: gap 0.2, flips 0.05 → 0.8.
        close(dims.fairness.score, 80.0, "fairness");
        assert_eq!(dims.fairness.figures["household_language_flip_share"], 0.05);

        // E × (ŵ_E + (1 − ŵ_E)·Q/100), Q the weighted mean of the rest.
        let rest = [
            (80.0, 0.1),
            (efficiency, 0.1),
            (90.0, 0.15),
            (95.0, 0.15),
            (80.0, 0.1),
        ];
        let q = rest.iter().map(|(s, w)| s * w).sum::<f64>() / 0.6;
        close(card.composite, 70.0 * (0.4 + 0.6 * q / 100.0), "composite");
        assert_eq!(card.cases, 100);
        assert!(card.certifiable().is_ok());
    }

    #[test]
    fn an_agent_that_decides_nothing_scores_nothing() {
        let results = PilotResults {
            effectiveness: BTreeMap::from([("top3_accuracy".into(), 0.0)]),
            compliance: BTreeMap::from([("ai_label".into(), ComplianceCheck::default())]),
            fairness: BTreeMap::from([("language".into(), accuracy_attribute(0))]),
            ..PilotResults::default()
        };
        let telemetry = summary(&[(Outcome::OutOfFuel, 100)], 5);
        let card = Scorecard::compute(&results, &telemetry, &config()).unwrap();
        let dims = &card.dimensions;
        assert_eq!(dims.effectiveness.score, Some(0.0));
        assert_eq!(dims.efficiency.score, Some(0.0));
        assert!(!dims.efficiency.notes.is_empty());
        assert_eq!(dims.reliability.score, Some(0.0));
        assert_eq!(dims.compliance.score, Some(0.0));
        assert_eq!(dims.interoperability.score, Some(0.0));
        assert_eq!(card.composite, Some(0.0));
    }

    #[test]
    fn only_the_scenario_makes_a_dimension_not_applicable() {
        let mut config = config();
        config.weights.compliance = 0.0;
        let card =
            Scorecard::compute(&results(), &summary(&[(Outcome::Ok, 100)], 1), &config).unwrap();
        assert_eq!(card.dimensions.compliance.score, None);
        assert!(card.dimensions.fairness.score.is_some());
    }

    #[test]
    fn too_few_cases_get_no_composite_and_no_certificate() {
        let telemetry = summary(&[(Outcome::Ok, 10)], 1);
        let card = Scorecard::compute(&results(), &telemetry, &config()).unwrap();
        assert_eq!(card.composite, None);
        let err = card.certifiable().unwrap_err();
        assert!(err.to_string().contains("needs at least 50"), "{err}");
        assert!(card.to_table().contains("not certifiable"));
        let empty = Scorecard::compute(&results(), &summary(&[], 1), &config()).unwrap();
        assert!(empty.certifiable().is_err());
    }

    #[test]
    fn intervals_come_from_the_resamples_and_cover_the_point() {
        let mut card = scorecard(1);
        let resamples: Vec<Scorecard> = (0..40)
            .map(|n| {
                let mut resample = card.clone();
                let shift = f64::from(n - 20) / 10.0;
                resample.dimensions.effectiveness.score = Some(70.0 + shift);
                resample
                    .dimensions
                    .effectiveness
                    .figures
                    .insert("recall_at_k".into(), 0.8 + shift / 100.0);
                resample
            })
            .collect();
        card.attach_intervals(&resamples, 1.0);
        let iv = card.dimensions.effectiveness.interval.unwrap();
        assert!(iv.low < 70.0 && iv.high > 70.0, "{iv:?}");
        assert!(card.dimensions.effectiveness.intervals["recall_at_k"].low < 0.8);
        assert!(card.composite_interval.is_some());
        assert!(card.to_table().contains('['));
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
        card.dimensions.fairness.notes.push("a \"note\"".into());
        card.composite_interval = Some(Interval {
            low: 60.5,
            high: 70.25,
        });
        let canonical = String::from_utf8(card.canonical_json()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&canonical).unwrap();
        assert_eq!(value["split"], card.split.as_str());
        assert_eq!(value["cases"], 100);
        assert_eq!(value["minimum_cases"], 50);
        assert_eq!(value["dimensions"]["fairness"]["score"], 80.0);
        assert_eq!(value["dimensions"]["fairness"]["notes"][0], "a \"note\"");
        assert_eq!(value["composite_interval"]["high"], 70.25);
        assert_eq!(value["composite"].as_f64(), card.composite);
        assert!(value.get("wall_time").is_none());
    }

    /// A small scorecard whose canonical bytes are pinned: changing the
    /// encoding would invalidate every certificate already issued.
    #[test]
    fn canonical_encoding_is_pinned() {
        let dim = |score: Option<f64>, figures: &[(&str, f64)]| Dimension {
            score,
            interval: score.map(|s| Interval {
                low: s - 1.0,
                high: s,
            }),
            figures: figures.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            ..Dimension::default()
        };
        let card = Scorecard {
            format: SCORECARD_FORMAT.into(),
            scenario_id: "air-quality-alerts".into(),
            scenario_version: "2.0.1".into(),
            split: "test".into(),
            agent_sha256: "ab".repeat(4),
            dataset_hash: "sha256:01".into(),
            cases: 240,
            minimum_cases: 200,
            dimensions: Dimensions {
                effectiveness: Dimension {
                    intervals: BTreeMap::from([(
                        "alert_recall".into(),
                        Interval {
                            low: 0.5,
                            high: 0.75,
                        },
                    )]),
                    ..dim(Some(62.5), &[("alert_recall", 0.75)])
                },
                interoperability: dim(None, &[]),
                efficiency: dim(Some(100.0), &[("fuel_median", 1_000_000.0)]),
                reliability: dim(Some(95.8333), &[("ok", 23.0)]),
                compliance: dim(None, &[]),
                fairness: Dimension {
                    notes: vec!["city: too small".into()],
                    ..dim(None, &[])
                },
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
            composite_interval: None,
            wall_time: WallTime::default(),
        };
        let canonical = String::from_utf8(card.canonical_json()).unwrap();
        let expected = concat!(
            r#"{"format":"govlab-scorecard/2","scenario_id":"air-quality-alerts","#,
            r#""scenario_version":"2.0.1","split":"test","agent_sha256":"abababab","#,
            r#""dataset_hash":"sha256:01","cases":240,"minimum_cases":200,"dimensions":{"#,
            r#""effectiveness":{"score":62.5,"interval":{"low":61.5,"high":62.5},"#,
            r#""figures":{"alert_recall":0.75},"intervals":{"alert_recall":{"low":0.5,"high":0.75}},"notes":[]},"#,
            r#""interoperability":{"score":null,"interval":null,"figures":{},"intervals":{},"notes":[]},"#,
            r#""efficiency":{"score":100,"interval":{"low":99,"high":100},"figures":{"fuel_median":1000000},"intervals":{},"notes":[]},"#,
            r#""reliability":{"score":95.8333,"interval":{"low":94.8333,"high":95.8333},"figures":{"ok":23},"intervals":{},"notes":[]},"#,
            r#""compliance":{"score":null,"interval":null,"figures":{},"intervals":{},"notes":[]},"#,
            r#""fairness":{"score":null,"interval":null,"figures":{},"intervals":{},"notes":["city: too small"]}},"#,
            r#""weights":{"effectiveness":0.6,"interoperability":0,"efficiency":0.1,"#,
            r#""reliability":0.3,"compliance":0,"fairness":0},"composite":75.2083,"composite_interval":null}"#,
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
        assert!(table.contains("80.00"), "{table}");
    }

    #[test]
    fn comparison_reports_deltas() {
        let base = scorecard(1);
        let mut better = base.clone();
        better.dimensions.reliability.score = Some(95.0);
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
