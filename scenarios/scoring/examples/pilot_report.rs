//! Scores a synthetic pilot and writes its signed scorecard and HTML report.
//!
//! Run with `cargo run -p govlab-scoring --example pilot_report -- OUT_DIR`.
//! Steps: record 500 cases in telemetry, compute scenario metrics, build the
//! scorecard, sign it with a lab key kept in `OUT_DIR/keys`, verify it, and
//! write `OUT_DIR/scorecard.json` and `OUT_DIR/report.html` (two agent
//! versions, so the report has a scoreboard).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use govlab_scoring::certificate::{LabKey, verify};
use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use govlab_scoring::metrics;
use govlab_scoring::outcome::Outcome;
use govlab_scoring::report::{ReportEntry, render_html};
use govlab_scoring::scorecard::{ComplianceCheck, PilotResults, Scorecard, ScoringConfig, Weights};
use govlab_scoring::telemetry::{
    CaseRecord, PilotLabels, PilotTelemetry, TelemetryConfig, TelemetrySummary,
};

/// Runs one synthetic appeals-triage pilot; `skill` in 0..10 sets how often
/// the agent gets a case right.
fn pilot(
    agent_sha256: &str,
    skill: usize,
) -> Result<(Scorecard, TelemetrySummary), Box<dyn std::error::Error>> {
    let labels = PilotLabels {
        scenario_id: "appeals-triage".into(),
        scenario_version: "1.0.0".into(),
        split: "test".into(),
        agent_sha256: agent_sha256.into(),
    };
    // Step 1: telemetry, with OTLP export if OTEL_EXPORTER_OTLP_ENDPOINT is set.
    let telemetry = PilotTelemetry::start(&TelemetryConfig::from_env(), &labels)?;
    let categories = ["housing", "transport", "health", "education"];
    let mut pairs = Vec::new();
    let mut urgent = Vec::new();
    let mut by_language = AttributeFairness::new(ErrorMeasure::Accuracy);
    for idx in 0..500usize {
        let outcome = match idx % 97 {
            0 => Outcome::OutOfFuel,
            1 => Outcome::InvalidOutput,
            2 if skill < 5 => Outcome::Panic,
            _ => Outcome::Ok,
        };
        let id = format!("KZ-APPEAL-{idx:05}");
        telemetry.record_case(&CaseRecord {
            case_id: &id,
            index: idx as u64,
            outcome,
            fuel: 3_000_000 + (idx as u64 * 48_271) % 40_000_000 / (skill as u64 + 1),
            peak_memory_bytes: (2 + idx as u64 % 6) << 20,
            latency: Duration::from_micros(800 + (idx as u64 * 31) % 4_000),
            findings: u32::from(outcome == Outcome::InvalidOutput),
        });
        // Step 2: the scenario compares outputs with the truth.
        let truth = categories[idx % 4];
        let predicted = if idx % 10 < skill {
            truth
        } else {
            categories[(idx + 1) % 4]
        };
        pairs.push((truth, predicted));
        urgent.push((idx % 7 == 0, idx % 7 == 0 && idx % 10 < skill + 1));
        let language = if idx % 3 == 0 { "kk" } else { "ru" };
        by_language.group(language).add_decision(truth == predicted);
    }
    let summary = telemetry.finish().summary;

    // Step 3: the scorecard.
    let results = PilotResults {
        scenario_id: labels.scenario_id,
        scenario_version: labels.scenario_version,
        split: labels.split,
        agent_sha256: labels.agent_sha256,
        dataset_hash: "sha256:5d41402abc4b2a76b9719d911017c592".into(),
        effectiveness: BTreeMap::from([
            ("category_macro_f1".into(), metrics::macro_f1(&pairs)),
            (
                "urgent_recall".into(),
                metrics::binary_scores(&urgent).recall,
            ),
        ]),
        compliance: BTreeMap::from([(
            "ai_label".into(),
            ComplianceCheck {
                passed: 120,
                checked: 124,
            },
        )]),
        fairness: BTreeMap::from([("language".into(), by_language)]),
        ..PilotResults::default()
    };
    let config = ScoringConfig {
        weights: Weights {
            effectiveness: 0.4,
            interoperability: 0.15,
            efficiency: 0.1,
            reliability: 0.15,
            compliance: 0.1,
            fairness: 0.1,
        },
        fuel_budget: 500_000_000,
        memory_budget_bytes: 64 << 20,
        minimum_cases: 200,
    };
    Ok((Scorecard::compute(&results, &summary, &config)?, summary))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "pilot-report".into()),
    );
    std::fs::create_dir_all(&out)?;
    let (first, first_telemetry) = pilot(&"1a".repeat(32), 6)?;
    let (second, second_telemetry) = pilot(&"2b".repeat(32), 8)?;

    // Step 4: sign, verify, report.
    let key = LabKey::load_or_create(&out.join("keys"))?;
    let signed = key.sign(&second)?.to_json();
    verify(&signed, &key.public_key())?;
    std::fs::write(out.join("scorecard.json"), &signed)?;
    let html = render_html(&[
        ReportEntry {
            name: None,
            scorecard: &first,
            telemetry: Some(&first_telemetry),
        },
        ReportEntry {
            name: None,
            scorecard: &second,
            telemetry: Some(&second_telemetry),
        },
    ]);
    std::fs::write(out.join("report.html"), html)?;
    print!("{}", second.to_table());
    println!("wrote {}", out.display());
    Ok(())
}
