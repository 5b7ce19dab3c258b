//! govlab scoring: turns what a pilot did into a signed, reproducible scorecard.
//!
//! A *pilot* is one agent version run against one scenario's dataset split.
//! The scenario runner drives this crate in four steps:
//!
//! 1. **Telemetry.** [`telemetry::PilotTelemetry::start`] opens an
//!    OpenTelemetry span for the pilot; every finished case is recorded with
//!    [`telemetry::PilotTelemetry::record_case`] (from any thread). Spans and
//!    metrics go to an OTLP collector when `OTEL_EXPORTER_OTLP_ENDPOINT` is
//!    set, and always to an in-process recorder, which yields the
//!    [`telemetry::TelemetrySummary`] (outcomes, fuel, memory, latency).
//! 2. **Metrics.** The scenario scores the agent's outputs with the pure
//!    functions in [`metrics`] (macro-F1, recall@k, MRR, alert lead time,
//!    fairness gaps, …).
//! 3. **Scorecard.** [`scorecard::Scorecard::compute`] combines the scenario's
//!    results with the telemetry summary into six dimensions scored 0–100
//!    (effectiveness, interoperability, efficiency, reliability, compliance,
//!    fairness as harm, see [`fairness`]) and a composite;
//!    [`bootstrap`] gives every score its 95 % interval and the scoreboard
//!    its statistical ties. The JSON is deterministic: the same
//!    agent, scenario version and split give byte-identical output, wall
//!    time aside.
//! 4. **Certificate and report.** [`certificate::LabKey`] signs the
//!    scorecard with the lab's Ed25519 key; [`certificate::verify`] rejects
//!    any edited scorecard. [`report::render_html`] writes a self-contained
//!    HTML report with charts.
//!
//! ```
//! use std::time::Duration;
//! use govlab_scoring::outcome::Outcome;
//! use govlab_scoring::scorecard::{PilotResults, Scorecard, ScoringConfig, Weights};
//! use govlab_scoring::telemetry::{CaseRecord, PilotLabels, PilotTelemetry, TelemetryConfig};
//!
//! let labels = PilotLabels {
//!     scenario_id: "service-finder".into(),
//!     scenario_version: "1.0.0".into(),
//!     split: "dev".into(),
//!     agent_sha256: "00".repeat(32),
//! };
//! let telemetry = PilotTelemetry::start(&TelemetryConfig::in_process(), &labels)?;
//! telemetry.record_case(&CaseRecord {
//!     case_id: "SF-0001",
//!     index: 0,
//!     outcome: Outcome::Ok,
//!     fuel: 2_000_000,
//!     peak_memory_bytes: 1 << 20,
//!     latency: Duration::from_millis(3),
//!     findings: 0,
//! });
//! let summary = telemetry.finish().summary;
//!
//! let results = PilotResults {
//!     scenario_id: labels.scenario_id.clone(),
//!     scenario_version: labels.scenario_version.clone(),
//!     split: labels.split.clone(),
//!     agent_sha256: labels.agent_sha256.clone(),
//!     dataset_hash: "sha256:…".into(),
//!     effectiveness: [("top3_accuracy".to_owned(), 1.0)].into(),
//!     ..PilotResults::default()
//! };
//! let config = ScoringConfig {
//!     weights: Weights { effectiveness: 0.5, interoperability: 0.0, efficiency: 0.2,
//!                        reliability: 0.3, compliance: 0.0, fairness: 0.0 },
//!     fuel_budget: 1_000_000_000,
//!     memory_budget_bytes: 64 << 20,
//!     minimum_cases: 1,
//! };
//! let card = Scorecard::compute(&results, &summary, &config)?;
//! assert_eq!(card.dimensions.reliability.score, Some(100.0));
//! assert!(card.composite.is_some());
//! println!("{}", card.to_table());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Architecture invariant:** this crate knows nothing of wasmtime, the
//! sandbox or HTTP serving; case outcomes arrive as [`outcome::Outcome`].
#![deny(missing_docs)]

pub mod bootstrap;
pub mod certificate;
pub mod fairness;
pub mod metrics;
pub mod outcome;
pub mod report;
pub mod scorecard;
pub mod telemetry;
