//! End-to-end: telemetry → metrics → scorecard → certificate → report, through the public API only.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use govlab_scoring::certificate::{LabKey, LabPublicKey, verify};
use govlab_scoring::metrics::{self, RankedQuery};
use govlab_scoring::outcome::Outcome;
use govlab_scoring::report::{ReportEntry, render_html};
use govlab_scoring::scorecard::{
    ComplianceCheck, PilotResults, Scorecard, ScoringConfig, Weights, compare,
};
use govlab_scoring::telemetry::{
    CaseRecord, PilotLabels, PilotTelemetry, TelemetryConfig, TelemetrySummary,
};

const AGENT_SHA: &str = "3b7e1d0c9a8f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a2918070605";

/// A pretend service-finder pilot: 200 cases on two threads, deterministic
/// per case, with a given share of traps.
fn run_pilot(trap_every: usize) -> (Scorecard, TelemetrySummary) {
    let labels = PilotLabels {
        scenario_id: "service-finder".into(),
        scenario_version: "1.0.0".into(),
        split: "test".into(),
        agent_sha256: AGENT_SHA.into(),
    };
    let telemetry = PilotTelemetry::start(&TelemetryConfig::in_process(), &labels).unwrap();
    let ids: Vec<String> = (0..200).map(|idx| format!("SF-{idx:04}")).collect();
    std::thread::scope(|scope| {
        for thread in 0..2 {
            let (telemetry, ids) = (&telemetry, &ids);
            scope.spawn(move || {
                for idx in (thread..ids.len()).step_by(2) {
                    let outcome = if idx % trap_every == 0 {
                        Outcome::Panic
                    } else {
                        Outcome::Ok
                    };
                    telemetry.record_case(&CaseRecord {
                        case_id: &ids[idx],
                        index: idx as u64,
                        outcome,
                        fuel: 2_000_000 + 10_000 * idx as u64,
                        peak_memory_bytes: (1 + idx as u64 % 8) << 20,
                        latency: Duration::from_micros(500 + idx as u64),
                        findings: 0,
                    });
                }
            });
        }
    });
    let summary = telemetry.finish().summary;

    // Every third query answered right at rank 1, the rest at rank 2.
    let queries: Vec<RankedQuery<&str>> = (0..200)
        .map(|idx| RankedQuery {
            ranking: if idx % 3 == 0 {
                vec!["padron", "nie"]
            } else {
                vec!["nie", "padron"]
            },
            relevant: BTreeSet::from(["padron"]),
        })
        .collect();
    let results = PilotResults {
        scenario_id: labels.scenario_id,
        scenario_version: labels.scenario_version,
        split: labels.split,
        agent_sha256: labels.agent_sha256,
        dataset_hash: "sha256:9c1f".into(),
        effectiveness: BTreeMap::from([
            ("top3_accuracy".into(), metrics::top_k_accuracy(&queries, 3)),
            ("mrr".into(), metrics::mean_reciprocal_rank(&queries)),
        ]),
        compliance: BTreeMap::from([(
            "no_identifier_echo".into(),
            ComplianceCheck {
                passed: 200,
                checked: 200,
            },
        )]),
        ..PilotResults::default()
    };
    let config = ScoringConfig {
        weights: Weights {
            effectiveness: 0.5,
            interoperability: 0.0,
            efficiency: 0.1,
            reliability: 0.3,
            compliance: 0.1,
            fairness: 0.0,
        },
        fuel_budget: 1_000_000_000,
        memory_budget_bytes: 64 << 20,
        minimum_cases: 200,
    };
    (
        Scorecard::compute(&results, &summary, &config).unwrap(),
        summary,
    )
}

#[test]
fn pilot_to_verified_scorecard_and_report() {
    let (card, summary) = run_pilot(20);
    assert_eq!(card.cases, 200);
    // 10 of 200 cases trapped.
    assert_eq!(card.dimensions.reliability.score, Some(95.0));
    assert_eq!(card.dimensions.reliability.figures["panic"], 10.0);
    // Effectiveness: top-3 accuracy 1.0, MRR = (67·1 + 133·0.5) / 200 = 0.6675.
    assert_eq!(card.dimensions.effectiveness.figures["mrr"], 0.6675);

    let keys = tempfile::tempdir().unwrap();
    let key = LabKey::load_or_create(keys.path()).unwrap();
    let file = keys.path().join("card.json");
    std::fs::write(&file, key.sign(&card).unwrap().to_json()).unwrap();

    let published = LabPublicKey::load(keys.path()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let verified = verify(&text, &published).unwrap();
    assert_eq!(verified.scorecard, card);

    let tampered = text.replacen("\"panic\": 10.0", "\"panic\": 0.0", 1);
    assert_ne!(tampered, text);
    assert!(verify(&tampered, &published).is_err());

    let html = render_html(&[ReportEntry {
        name: None,
        scorecard: &card,
        telemetry: Some(&summary),
    }]);
    assert!(html.contains(AGENT_SHA));
    assert_eq!(html.matches("<svg").count(), 4);
}

#[test]
fn rerunning_the_same_pilot_gives_the_same_signed_scorecard() {
    let keys = tempfile::tempdir().unwrap();
    let key = LabKey::load_or_create(keys.path()).unwrap();
    let (first, _) = run_pilot(20);
    let (mut second, _) = run_pilot(20);
    assert_eq!(first.canonical_json(), second.canonical_json());
    second.wall_time = first.wall_time;
    assert_eq!(
        key.sign(&first).unwrap().to_json(),
        key.sign(&second).unwrap().to_json()
    );

    let (worse, _) = run_pilot(4);
    assert_ne!(first.canonical_json(), worse.canonical_json());
    let comparison = compare(&first, &worse);
    assert!(comparison.comparable);
    let reliability = comparison
        .dimensions
        .iter()
        .find(|d| d.name == "reliability")
        .unwrap();
    // 50 of 200 trapped instead of 10.
    assert_eq!(reliability.delta, Some(-20.0));
}
