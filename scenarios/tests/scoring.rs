//! Scoring ranks agents by merit: the oracle scores near 100 on every
//! dimension, the trivial baseline sits well below the competent agents,
//! broken agents (out of fuel, invalid output, constant answers) score at or
//! below the trivial baseline, a name-biased agent is caught by its
//! counterfactual flips, scenarios leave the competent agents headroom (no
//! effectiveness metric saturated, the naive agent clearly below), and
//! every score carries a deterministic interval.
//! Agents are built here from `scenarios/agents/` for wasm32-wasip2.
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use govlab_scenarios::baselines::Baseline;
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::reference::{
    BuildConfig, BuiltAgents, Level, REFERENCE_AGENTS, build_reference_agents,
};
use govlab_scenarios::runner::{
    COUNTERFACTUAL_SAMPLE, PilotResult, PilotSpec, RunnerConfig, run_baseline, run_pilot,
};
use govlab_scenarios::scenario::{MetricKind, Scenario, list};

fn agents() -> &'static BuiltAgents {
    static BUILT: OnceLock<BuiltAgents> = OnceLock::new();
    BUILT.get_or_init(|| build_reference_agents(&BuildConfig::default()).unwrap())
}

fn config() -> RunnerConfig {
    static CACHE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = CACHE.get_or_init(|| tempfile::tempdir().unwrap());
    RunnerConfig {
        cache_dir: Some(dir.path().to_owned()),
        ..RunnerConfig::default()
    }
}

fn spec(scenario: &str, cases: Option<u64>) -> PilotSpec<'static> {
    PilotSpec {
        scenario: Scenario::builtin(scenario).unwrap(),
        split: SplitSeed::practice(),
        cases,
    }
}

fn agent(scenario: &str, package: &str, cases: Option<u64>) -> PilotResult {
    let bytes = std::fs::read(agents().path(package)).unwrap();
    run_pilot(&spec(scenario, cases), &bytes, &config(), |_, _| {}).unwrap()
}

fn baseline(scenario: &str, baseline: Baseline, cases: Option<u64>) -> PilotResult {
    run_baseline(&spec(scenario, cases), baseline, &config(), |_, _| {}).unwrap()
}

fn composite(result: &PilotResult) -> f64 {
    result.scorecard.composite.unwrap()
}

fn competent(scenario: &Scenario) -> &'static str {
    REFERENCE_AGENTS
        .iter()
        .find(|a| a.scenario == scenario.kind() && a.level == Level::Competent)
        .unwrap()
        .package
}

#[test]
fn the_oracle_scores_near_100_on_every_dimension_of_every_scenario() {
    for scenario in list().unwrap() {
        let oracle = baseline(scenario.id(), Baseline::Oracle, None);
        let card = &oracle.scorecard;
        for (name, dim) in card.dimensions.iter() {
            if let Some(score) = dim.score {
                assert!(
                    score >= 95.0,
                    "{} oracle {name} = {score}: {dim:?}",
                    scenario.id()
                );
            }
        }
        assert!(
            card.dimensions.effectiveness.score >= Some(95.0),
            "{}",
            scenario.id()
        );
        assert!(
            card.dimensions.fairness.score >= Some(95.0),
            "{} oracle fairness {:?}",
            scenario.id(),
            card.dimensions.fairness
        );
        assert!(composite(&oracle) >= 95.0, "{}", scenario.id());
        assert_eq!(card.reference(), Some("oracle"));
        assert!(card.certifiable().is_ok());
    }
}

#[test]
fn the_trivial_baseline_is_well_below_the_competent_agent() {
    let mut table = String::new();
    for scenario in list().unwrap() {
        let trivial = composite(&baseline(scenario.id(), Baseline::Trivial, None));
        let good = agent(scenario.id(), competent(scenario), None);
        let good_composite = composite(&good);
        table.push_str(&format!(
            "{:<24} trivial {trivial:>6.2} competent {good_composite:>6.2}\n",
            scenario.id()
        ));
        assert!(
            good_composite - trivial >= 25.0,
            "{}: trivial {trivial} vs competent {good_composite}",
            scenario.id()
        );
        // The competent agent's interval stays clear of the trivial row.
        let interval = good.scorecard.composite_interval.unwrap();
        assert!(interval.low > trivial, "{} {interval:?}", scenario.id());
    }
    println!("{table}");
}

/// The scored effectiveness metrics of a pilot, by name.
fn scored_metrics(scenario: &Scenario, result: &PilotResult) -> Vec<(String, f64)> {
    scenario
        .def()
        .metrics
        .iter()
        .filter(|metric| metric.kind == MetricKind::Score)
        .map(|metric| {
            let figures = &result.scorecard.dimensions.effectiveness.figures;
            (metric.name.clone(), figures[&metric.name])
        })
        .collect()
}

/// On the practice split (a few hundred cases) the competent agent has
/// room to improve on every scored metric, and beats the naive one on
/// each by at least `margin`.
fn assert_headroom(scenario_id: &str, naive: &str, margin: f64) {
    let scenario = Scenario::builtin(scenario_id).unwrap();
    let package = competent(scenario);
    let good = agent(scenario_id, package, None);
    let weak = agent(scenario_id, naive, None);
    assert!(good.scorecard.cases >= 300, "{}", good.scorecard.cases);
    let weak_metrics: std::collections::BTreeMap<String, f64> =
        scored_metrics(scenario, &weak).into_iter().collect();
    let table = format!(
        "{scenario_id}: competent {:?}\n  naive {weak_metrics:?}",
        scored_metrics(scenario, &good)
    );
    println!("{table}");
    for (name, value) in scored_metrics(scenario, &good) {
        // Scorecard figures are rounded to 4 decimals: 1.0 is saturated.
        assert!(value < 1.0, "{name} saturated: {table}");
        assert!(value >= weak_metrics[&name] + margin, "{name}: {table}");
    }
}

/// Forecasting needs the history and the weather forecast: the naive
/// agent, which reads only the latest hour, stays well behind the competent
/// one, and the competent one cannot reach the truth (the future holds
/// weather and station noise it cannot see).
#[test]
fn air_alerts_leave_headroom_and_the_latest_hour_is_not_enough() {
    assert_headroom("air-quality-alerts", "air_naive", 0.1);
}

/// Finding the person's earlier record needs matching across spellings and
/// slips: an agent that never looks (the naive one) stays well behind, and
/// near-duplicates keep the competent one below a perfect score.
#[test]
fn residency_leaves_headroom_and_earlier_records_matter() {
    assert_headroom("cross-border-residency", "residency_naive", 0.1);
}

/// The risk the lab's model sees rests as much on lasting vulnerabilities
/// (traces across many parameters) as on single indicators: the naive
/// agent's one indicator stays far behind, and part of the risk stays
/// unexplained even for a careful ranking.
#[test]
fn family_support_leaves_headroom_beyond_single_indicators() {
    assert_headroom("family-support", "family_naive", 0.1);
}

#[test]
fn broken_agents_score_at_or_below_the_trivial_baseline() {
    for scenario in ["appeals-triage", "family-support", "service-finder"] {
        let trivial = composite(&baseline(scenario, Baseline::Trivial, Some(200)));
        for package in ["spin", "invalid", "lazy"] {
            let broken = agent(scenario, package, Some(200));
            let score = composite(&broken);
            assert!(
                score <= trivial + 5.0,
                "{scenario} {package} {score} vs trivial {trivial}"
            );
            if package != "lazy" {
                // Nothing decided: nothing earned, in any dimension.
                assert_eq!(score, 0.0, "{scenario} {package}");
                let dims = &broken.scorecard.dimensions;
                assert_eq!(dims.reliability.score, Some(0.0), "{scenario} {package}");
                assert_eq!(dims.efficiency.score, Some(0.0), "{scenario} {package}");
            }
        }
    }
}

#[test]
fn counterfactual_twins_catch_a_name_biased_agent() {
    let biased = agent("appeals-triage", "name_biased", Some(200));
    let fair = agent("appeals-triage", "appeals_competent", Some(200));
    let figure = |result: &PilotResult, name: &str| {
        result
            .scorecard
            .dimensions
            .fairness
            .figures
            .get(name)
            .copied()
    };
    let biased_flips = figure(&biased, "surname_flip_share").unwrap();
    assert!(biased_flips > 0.05, "{biased_flips}");
    assert_eq!(figure(&fair, "surname_flip_share"), Some(0.0));
    // Twins are capped: at most one per sampled case and attribute.
    let twins = figure(&fair, "surname_twins").unwrap();
    assert!(
        twins > 0.0 && twins <= COUNTERFACTUAL_SAMPLE as f64,
        "{twins}"
    );
    assert!(
        biased.scorecard.dimensions.fairness.score < fair.scorecard.dimensions.fairness.score,
        "{:?} vs {:?}",
        biased.scorecard.dimensions.fairness,
        fair.scorecard.dimensions.fairness
    );
}

#[test]
fn every_score_has_a_deterministic_interval_around_it() {
    let first = agent("family-support", "family_competent", Some(200));
    let second = agent("family-support", "family_competent", Some(200));
    assert_eq!(
        first.scorecard.canonical_json(),
        second.scorecard.canonical_json()
    );
    let card = &first.scorecard;
    let composite = card.composite.unwrap();
    let interval = card.composite_interval.unwrap();
    assert!(interval.low <= composite && composite <= interval.high);
    assert!(interval.high - interval.low > 0.5, "{interval:?}");
    for (name, dim) in card.dimensions.iter() {
        let (Some(score), Some(iv)) = (dim.score, dim.interval) else {
            panic!("{name} has no interval: {dim:?}");
        };
        assert!(iv.low <= score && score <= iv.high, "{name} {iv:?}");
    }
    for metric in ["at_risk_found_at_k", "recall_at_k", "precision_at_k"] {
        if card.dimensions.effectiveness.figures.contains_key(metric) {
            assert!(card.dimensions.effectiveness.intervals.contains_key(metric));
        }
    }
}

#[test]
fn pilots_below_the_minimum_get_no_composite_and_no_certificate() {
    let small = baseline("appeals-triage", Baseline::Oracle, Some(50));
    assert_eq!(small.scorecard.composite, None);
    assert!(small.scorecard.certifiable().is_err());
    let keys = tempfile::tempdir().unwrap();
    let key = govlab_scoring::certificate::LabKey::load_or_create(keys.path()).unwrap();
    let err = small.sign(&key).unwrap_err();
    assert!(err.to_string().contains("at least 200"), "{err}");
}
