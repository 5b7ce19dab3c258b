//! End-to-end pilots with the reference agents (built here from
//! `scenarios/agents/` for wasm32-wasip2): competent beats naive on every
//! scenario, runs are reproducible and verifiable, a trapping agent loses
//! reliability without breaking the run, no ground truth reaches a guest,
//! the sanity agents (`spin`, `invalid`, `lazy`) fail as designed,
//! counterfactual twins catch the `name_biased` agent and the competent
//! agents read Kazakh in either script.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use govlab_sandbox::{HostServices, Sandbox, SandboxConfig};
use govlab_scenarios::cases::{CaseTruth, SplitSeed, build_cases};
use govlab_scenarios::reference::{
    BuildConfig, BuiltAgents, Level, REFERENCE_AGENTS, build_reference_agents,
};
use govlab_scenarios::runner::{
    CaseRecord, PilotResult, PilotSpec, RunnerConfig, rerun, run_pilot,
};
use govlab_scenarios::scenario::{Scenario, list};
use govlab_scenarios::secrecy::EvalKey;
use govlab_scenarios::services::LabServices;
use govlab_scoring::certificate::{LabKey, VerifyError, verify};
use govlab_scoring::outcome::Outcome;
use serde_json::Value;

/// The reference workspace, built once per test process.
fn agents() -> &'static BuiltAgents {
    static BUILT: OnceLock<BuiltAgents> = OnceLock::new();
    BUILT.get_or_init(|| build_reference_agents(&BuildConfig::default()).unwrap())
}

fn agent_bytes(package: &str) -> Vec<u8> {
    std::fs::read(agents().path(package)).unwrap()
}

/// Compiled components are cached across the pilots of this process.
fn config() -> RunnerConfig {
    static CACHE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = CACHE.get_or_init(|| tempfile::tempdir().unwrap());
    RunnerConfig {
        cache_dir: Some(dir.path().to_owned()),
        ..RunnerConfig::default()
    }
}

fn pilot(scenario: &str, package: &str, cases: Option<u64>) -> PilotResult {
    let spec = PilotSpec {
        scenario: Scenario::builtin(scenario).unwrap(),
        split: SplitSeed::practice(),
        cases,
    };
    run_pilot(&spec, &agent_bytes(package), &config(), |_, _| {}).unwrap()
}

#[test]
fn competent_beats_naive_on_every_scenario() {
    let mut table = String::new();
    let mut results = Vec::new();
    for scenario in list().unwrap() {
        let package = |level| {
            REFERENCE_AGENTS
                .iter()
                .find(|a| a.scenario == scenario.kind() && a.level == level)
                .unwrap()
                .package
        };
        let naive = pilot(scenario.id(), package(Level::Naive), None);
        let competent = pilot(scenario.id(), package(Level::Competent), None);
        let (n, c) = (
            naive.scorecard.composite.unwrap(),
            competent.scorecard.composite.unwrap(),
        );
        let (ne, ce) = (
            naive.scorecard.dimensions.effectiveness.score.unwrap(),
            competent.scorecard.dimensions.effectiveness.score.unwrap(),
        );
        table.push_str(&format!(
            "{:<24} naive {n:>6.2} (effectiveness {ne:>6.2})  competent {c:>6.2} (effectiveness {ce:>6.2})\n",
            scenario.id()
        ));
        results.push((scenario.id(), n, c, ne, ce, competent));
    }
    println!("{table}");
    for (id, n, c, ne, ce, competent) in results {
        assert!(
            c >= n + 10.0,
            "{id}: competent {c} vs naive {n}\n{table}\n{}",
            competent.scorecard.to_table()
        );
        assert!(
            ce >= ne + 10.0,
            "{id}: effectiveness competent {ce} vs naive {ne}\n{table}"
        );
        assert_eq!(
            competent.scorecard.dimensions.reliability.score,
            Some(100.0),
            "{id}"
        );
        assert_eq!(
            Some(competent.scorecard.cases),
            Scenario::builtin(id).ok().map(|s| s.def().splits.practice)
        );
    }
}

#[test]
fn two_runs_give_identical_signed_scorecards_and_verify_catches_edits() {
    let first = pilot("appeals-triage", "appeals_competent", Some(200));
    let second = pilot("appeals-triage", "appeals_competent", Some(200));
    assert_eq!(
        first.scorecard.canonical_json(),
        second.scorecard.canonical_json()
    );
    let mut a = first.scorecard.clone();
    let mut b = second.scorecard.clone();
    a.wall_time = Default::default();
    b.wall_time = Default::default();
    assert_eq!(
        a.to_json(),
        b.to_json(),
        "byte-identical apart from wall time"
    );

    let html = govlab_scenarios::runner::html_report(&[&first, &second]);
    assert!(
        html.contains("appeals-triage") && html.starts_with("<!"),
        "{}",
        &html[..80.min(html.len())]
    );

    let keys = tempfile::tempdir().unwrap();
    let key = LabKey::load_or_create(keys.path()).unwrap();
    let signed = first.sign(&key).unwrap().to_json();
    assert!(verify(&signed, &key.public_key()).is_ok());
    let edited = signed.replacen("\"composite\": ", "\"composite\": 1", 1);
    assert_ne!(edited, signed);
    assert!(matches!(
        verify(&edited, &key.public_key()),
        Err(VerifyError::Edited | VerifyError::Malformed(_))
    ));

    let report = rerun(
        &first.scorecard,
        &agent_bytes("appeals_competent"),
        SplitSeed::practice(),
        &config(),
    )
    .unwrap();
    assert!(report.identical, "{:?}", report.differences);
    let wrong = rerun(
        &first.scorecard,
        &agent_bytes("appeals_naive"),
        SplitSeed::practice(),
        &config(),
    );
    assert!(wrong.unwrap_err().to_string().contains("SHA-256"));
}

#[test]
fn a_trapping_agent_loses_reliability_without_breaking_the_run() {
    let trap = pilot("appeals-triage", "trap", Some(200));
    let figures = &trap.scorecard.dimensions.reliability.figures;
    for outcome in [
        "panic",
        "out_of_fuel",
        "memory_limit",
        "stack_overflow",
        "agent_error",
        "ok",
    ] {
        assert!(figures[outcome] > 0.0, "no {outcome} case: {figures:?}");
    }
    let reliability = trap.scorecard.dimensions.reliability.score.unwrap();
    // Only decisions count: 4 of every 8 cases trap and one declines.
    assert!(
        (reliability - 100.0 * figures["ok"] / 200.0).abs() < 1e-3,
        "{reliability}"
    );
    assert!((30.0..=45.0).contains(&reliability), "{reliability}");
    assert_eq!(trap.scorecard.cases, 200);
    let naive = pilot("appeals-triage", "appeals_naive", Some(200));
    assert!(trap.scorecard.composite < naive.scorecard.composite);
}

#[test]
fn kept_cases_are_the_telemetry_samples_in_case_order() {
    let scenario = Scenario::builtin("appeals-triage").unwrap();
    let spec = PilotSpec {
        scenario,
        split: SplitSeed::practice(),
        cases: Some(48),
    };
    let config = RunnerConfig {
        keep_cases: true,
        chunk_size: 16,
        ..config()
    };
    let kept = run_pilot(&spec, &agent_bytes("trap"), &config, |_, _| {}).unwrap();
    let expected: Vec<String> = build_cases(scenario, SplitSeed::practice(), 0..48)
        .unwrap()
        .into_iter()
        .map(|case| case.case_id)
        .collect();
    let ids: Vec<&str> = kept
        .cases
        .iter()
        .map(|case| case.case_id.as_str())
        .collect();
    assert_eq!(ids, expected);
    let telemetry = &kept.telemetry;
    for outcome in Outcome::ALL {
        let count = kept
            .cases
            .iter()
            .filter(|case| case.outcome == outcome)
            .count();
        assert_eq!(count as u64, telemetry.count(outcome), "{outcome:?}");
    }
    let findings: u64 = kept.cases.iter().map(|case| u64::from(case.findings)).sum();
    assert_eq!(findings, telemetry.findings);
    let max = |figure: fn(&CaseRecord) -> u64| kept.cases.iter().map(figure).max();
    assert_eq!(max(|case| case.fuel), Some(telemetry.fuel.max));
    assert_eq!(
        max(|case| case.peak_memory_bytes),
        Some(telemetry.peak_memory_bytes.max)
    );
    assert_eq!(max(|case| case.latency_us), Some(telemetry.latency_us.max));
    // Off by default, and keeping cases changes nothing else.
    let plain = pilot("appeals-triage", "trap", Some(48));
    assert!(plain.cases.is_empty());
    assert_eq!(
        plain.scorecard.canonical_json(),
        kept.scorecard.canonical_json()
    );
}

/// JSON keys that only truth records have.
const TRUTH_KEYS: &[&str] = &[
    "correct_body",
    "mal_dirigida",
    "unidad_responsable",
    "categoria",
    "prioridad",
    "risk_level",
    "risk_score",
    "exceedance_hours",
    "relevant",
    "expected",
];

fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                out.insert(key.clone());
                keys(item, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

#[test]
fn no_ground_truth_reaches_the_guest() {
    let eval_key = EvalKey::generate().unwrap();
    let eval_seed = eval_key.seed();
    let probe = agent_bytes("probe");
    let sandbox = Sandbox::new(SandboxConfig::default()).unwrap();
    let agent = sandbox.load(&probe).unwrap();
    let services: Arc<dyn HostServices> = Arc::new(LabServices::load().unwrap());
    let mut checked = 0;
    for scenario in list().unwrap() {
        for split in [SplitSeed::practice(), SplitSeed::evaluation(&eval_key)] {
            let cases = build_cases(scenario, split, 0..16).unwrap();
            let sandbox_cases: Vec<govlab_sandbox::Case> = cases
                .iter()
                .map(|case| govlab_sandbox::Case {
                    scenario: scenario.id().to_owned(),
                    payload: case.payload.clone(),
                    seed: case.seed,
                    clock_start_unix_ns: case.clock_start_unix_ns,
                })
                .collect();
            let reports = agent.run_cases(&sandbox_cases, &services, |_, _| {});
            for (case, report) in cases.iter().zip(&reports) {
                let text = report
                    .output
                    .clone()
                    .unwrap_or_else(|| panic!("{}: {:?}", case.case_id, report.detail));
                let output: Value = serde_json::from_str(&text).unwrap();
                // The probe really reached what it could: its payload and the code lists.
                assert!(text.contains(&case.case_id));
                assert!(
                    output["code_lists"]
                        .as_object()
                        .is_some_and(|lists| !lists.is_empty())
                );
                assert!(
                    !text.contains(&eval_seed.to_string()),
                    "the evaluation seed leaked"
                );
                assert!(
                    !text.contains(&split.seed.to_string()),
                    "the split seed leaked"
                );
                let mut found = BTreeSet::new();
                keys(&output, &mut found);
                for key in TRUTH_KEYS {
                    assert!(
                        !found.contains(*key),
                        "{}: truth key `{key}` reached the guest",
                        case.case_id
                    );
                }
                assert!(!text.contains(&case.truth.to_json().to_string()));
                match &case.truth {
                    CaseTruth::Appeal(truth) if truth.misrouted => {
                        assert!(
                            !text.contains(&format!("\"{}\"", truth.responsible_body)),
                            "{}",
                            case.case_id
                        );
                    }
                    CaseTruth::Family(truth) => {
                        for factor in &truth.top_factors {
                            // Factor names are parameter names (in the payload);
                            // their ranking is not: no list of them appears.
                            assert!(
                                !text.contains(&format!("[\"{factor}\"")),
                                "{}",
                                case.case_id
                            );
                        }
                    }
                    CaseTruth::Service(truth) => {
                        for id in &truth.relevant {
                            assert!(!text.contains(id.as_str()), "{}: {id}", case.case_id);
                        }
                    }
                    _ => {}
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 16);
}

#[test]
fn schema_invalid_outputs_count_against_interoperability() {
    let probe = pilot("service-finder", "probe", Some(10));
    let interop = &probe.scorecard.dimensions.interoperability;
    assert_eq!(interop.figures["schema_valid_share"], 0.0);
    // An `ok` case whose output fails the schema is invalid output.
    let reliability = &probe.scorecard.dimensions.reliability;
    assert_eq!(reliability.figures["invalid_output"], 10.0);
    assert_eq!(reliability.score, Some(0.0));
    assert!(
        probe
            .findings_by_rule
            .get("GL-OUT-002")
            .copied()
            .unwrap_or(0)
            >= 10
    );
    assert!(
        probe
            .findings
            .iter()
            .all(|finding| finding.case_id.starts_with("SF-"))
    );
}

/// Runs `package` on cases straight in the sandbox (no scoring), with a
/// small fuel budget so endless loops end fast.
fn run_direct(
    scenario: &Scenario,
    package: &str,
    payloads: &[(String, u64, u64)],
) -> Vec<govlab_sandbox::CaseReport> {
    let config = SandboxConfig {
        limits: govlab_sandbox::Limits {
            fuel: Some(50_000_000),
            ..govlab_sandbox::Limits::default()
        },
        cache_dir: config().cache_dir,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::new(config).unwrap();
    let agent = sandbox.load(&agent_bytes(package)).unwrap();
    let services: Arc<dyn HostServices> = Arc::new(LabServices::load().unwrap());
    let cases: Vec<govlab_sandbox::Case> = payloads
        .iter()
        .map(|(payload, seed, clock)| govlab_sandbox::Case {
            scenario: scenario.id().to_owned(),
            payload: payload.clone(),
            seed: *seed,
            clock_start_unix_ns: *clock,
        })
        .collect();
    agent.run_cases(&cases, &services, |_, _| {})
}

fn practice_payloads(scenario: &Scenario, n: u64) -> Vec<(String, u64, u64)> {
    build_cases(scenario, SplitSeed::practice(), 0..n)
        .unwrap()
        .into_iter()
        .map(|case| (case.payload, case.seed, case.clock_start_unix_ns))
        .collect()
}

#[test]
fn sanity_agents_fail_the_way_they_are_meant_to() {
    for scenario in list().unwrap() {
        let payloads = practice_payloads(scenario, 6);
        let valid = |report: &govlab_sandbox::CaseReport| {
            report.output.as_deref().is_some_and(|text| {
                let output: Value = serde_json::from_str(text).unwrap();
                scenario.output_validator().is_valid(&output)
            })
        };
        // `lazy`: schema-valid, and the same answer whatever the case
        // (residency echoes the target schema, the one field it must read).
        let lazy = run_direct(scenario, "lazy", &payloads);
        assert!(lazy.iter().all(valid), "{}: {lazy:?}", scenario.id());
        if scenario.id() != "cross-border-residency" {
            let answers: BTreeSet<&str> = lazy
                .iter()
                .filter_map(|report| report.output.as_deref())
                .collect();
            assert_eq!(answers.len(), 1, "{}", scenario.id());
        }
        // `invalid`: answers, never schema-valid.
        let invalid = run_direct(scenario, "invalid", &payloads);
        assert!(
            invalid
                .iter()
                .all(|report| report.output.is_some() && !valid(report)),
            "{}",
            scenario.id()
        );
        // `spin`: never answers.
        let spin = run_direct(scenario, "spin", &payloads[..2]);
        for report in &spin {
            assert!(
                matches!(
                    report.outcome,
                    govlab_sandbox::Outcome::OutOfFuel | govlab_sandbox::Outcome::Timeout
                ),
                "{}: {:?}",
                scenario.id(),
                report.outcome
            );
        }
    }
}

/// 160 practice cases: with realistic name pools (a few hundred Russian
/// surnames) the agent's list of 16 common surnames covers about a fifth
/// of the Russian twins, so 80 cases gave too few flips to count on.
#[test]
fn counterfactual_twins_catch_the_name_biased_agent() {
    use govlab_scenarios::counterfactual::{decision_key, twins};
    // (scenario, attribute, package, least flips expected)
    let checks = [
        ("appeals-triage", "surname", "name_biased", 10),
        ("appeals-triage", "surname", "appeals_competent", 0),
        ("family-support", "head_sex", "name_biased", 1),
        ("family-support", "head_sex", "family_competent", 0),
        ("family-support", "household_language", "name_biased", 0),
    ];
    for (id, attribute, package, least) in checks {
        let scenario = Scenario::builtin(id).unwrap();
        let cases = build_cases(scenario, SplitSeed::practice(), 0..160).unwrap();
        let mut originals = Vec::new();
        let mut twinned = Vec::new();
        for case in &cases {
            for twin in twins(scenario.kind(), &[attribute.to_owned()], case) {
                originals.push((case.payload.clone(), case.seed, case.clock_start_unix_ns));
                twinned.push((twin.payload, case.seed, case.clock_start_unix_ns));
            }
        }
        assert!(!twinned.is_empty(), "{id} {attribute}");
        let keys = |payloads: &[(String, u64, u64)]| -> Vec<String> {
            run_direct(scenario, package, payloads)
                .iter()
                .map(|report| {
                    let output: Value =
                        serde_json::from_str(report.output.as_deref().unwrap()).unwrap();
                    decision_key(scenario.kind(), &output)
                })
                .collect()
        };
        let flips = keys(&originals)
            .iter()
            .zip(keys(&twinned))
            .filter(|(a, b)| **a != *b)
            .count();
        if least == 0 {
            assert_eq!(flips, 0, "{id} {attribute} {package}");
        } else {
            assert!(flips >= least, "{id} {attribute} {package}: {flips} flips");
        }
    }
}

/// Script twins (Kazakh Cyrillic → Kazakh Latin 2021) on 200 practice
/// cases: the competent agents read both scripts, so at most 2 decisions
/// flip (the transliteration loses Ъ/Ь, Һ and Э, and noisy text can
/// defeat the inverse).
#[test]
fn competent_agents_read_kazakh_in_either_script() {
    use govlab_scenarios::counterfactual::{decision_key, twins};
    for (id, package) in [
        ("appeals-triage", "appeals_competent"),
        ("service-finder", "finder_competent"),
    ] {
        let scenario = Scenario::builtin(id).unwrap();
        let cases = build_cases(scenario, SplitSeed::practice(), 0..200).unwrap();
        let mut originals = Vec::new();
        let mut twinned = Vec::new();
        for case in &cases {
            for twin in twins(scenario.kind(), &["script".to_owned()], case) {
                originals.push((case.payload.clone(), case.seed, case.clock_start_unix_ns));
                twinned.push((twin.payload, case.seed, case.clock_start_unix_ns));
            }
        }
        assert!(twinned.len() >= 20, "{id}: {} twins", twinned.len());
        let keys = |payloads: &[(String, u64, u64)]| -> Vec<String> {
            run_direct(scenario, package, payloads)
                .iter()
                .map(|report| {
                    let output: Value =
                        serde_json::from_str(report.output.as_deref().unwrap()).unwrap();
                    decision_key(scenario.kind(), &output)
                })
                .collect()
        };
        let flips = keys(&originals)
            .iter()
            .zip(keys(&twinned))
            .filter(|(a, b)| **a != *b)
            .count();
        eprintln!(
            "{id} {package}: {flips} script flips of {} twins",
            twinned.len()
        );
        assert!(
            flips <= 2,
            "{id} {package}: {flips} script flips of {} twins",
            twinned.len()
        );
    }
}
