//! The learned baseline of `appeals-triage`: its committed models are what
//! training on the practice split gives today, and on an evaluation split
//! it lands where the scenario definition says — clearly below the ceiling
//! and below the competent agent, clearly above the naive one — while the
//! competent agent saturates no metric.
//!
//! `GOVLAB_BLESS=1 cargo test -p govlab-scenarios --test learned` rewrites
//! the models after a generator change (a visible decision: the diff shows
//! them). Agents are built here from `scenarios/agents/` for wasm32-wasip2.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::OnceLock;

use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::learned::{MODEL_DIR, MODEL_FILES, TRAINING_CASES, train_appeal_models};
use govlab_scenarios::reference::{BuildConfig, BuiltAgents, build_reference_agents};
use govlab_scenarios::runner::{PilotResult, PilotSpec, RunnerConfig, run_pilot};
use govlab_scenarios::scenario::Scenario;
use govlab_scenarios::secrecy::EvalKey;

/// Evaluation cases each agent runs here.
const CASES: u64 = 1_000;

/// A test key: the lab's real key is secret; any key gives an evaluation
/// split the models were not trained on.
const TEST_KEY: &str =
    "govlab-eval-key:4c6561726e656420626173656c696e652074657374206b657920303030303031";

#[test]
fn committed_models_are_what_practice_training_gives() {
    let models = train_appeal_models(TRAINING_CASES).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL_DIR);
    let bless = std::env::var_os("GOVLAB_BLESS").is_some();
    for (file, bytes) in MODEL_FILES.iter().zip(models.to_bytes()) {
        let path = dir.join(file);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is not what training on the practice split gives today; \
             run `GOVLAB_BLESS=1 cargo test -p govlab-scenarios --test learned` and commit the models",
            path.display()
        );
    }
}

fn agents() -> &'static BuiltAgents {
    static BUILT: OnceLock<BuiltAgents> = OnceLock::new();
    BUILT.get_or_init(|| build_reference_agents(&BuildConfig::default()).unwrap())
}

fn evaluate(package: &str) -> PilotResult {
    let key = EvalKey::parse(TEST_KEY).unwrap();
    let spec = PilotSpec {
        scenario: Scenario::builtin("appeals-triage").unwrap(),
        split: SplitSeed::evaluation(&key),
        cases: Some(CASES),
    };
    let bytes = std::fs::read(agents().path(package)).unwrap();
    run_pilot(&spec, &bytes, &RunnerConfig::default(), |_, _| {}).unwrap()
}

const METRICS: [&str; 5] = [
    "category_macro_f1",
    "priority_macro_f1",
    "routing_accuracy",
    "urgent_recall",
    "misrouted_recall",
];

#[test]
fn appeals_triage_ranks_naive_below_learned_below_competent_below_the_ceiling() {
    let rows: Vec<(&str, PilotResult)> = ["appeals_naive", "appeals_learned", "appeals_competent"]
        .into_iter()
        .map(|package| (package, evaluate(package)))
        .collect();
    let figure =
        |row: usize, name: &str| rows[row].1.scorecard.dimensions.effectiveness.figures[name];
    let mut table = format!("{:<20}", "agent");
    for name in METRICS {
        table.push_str(&format!(" {name:>18}"));
    }
    table.push_str("  effectiveness\n");
    for (row, (package, result)) in rows.iter().enumerate() {
        table.push_str(&format!("{package:<20}"));
        for name in METRICS {
            table.push_str(&format!(" {:>18.3}", figure(row, name)));
        }
        let score = result.scorecard.dimensions.effectiveness.score.unwrap();
        table.push_str(&format!("  {score:>12.2}\n"));
    }
    eprintln!("appeals-triage, {CASES} evaluation cases (test key):\n{table}");
    let (naive, learned, competent) = (0, 1, 2);
    // The learned baseline stays clearly below the ceiling (the issue's
    // guide: category macro-F1 ≤ 0.85, priority ≤ 0.6) …
    assert!(figure(learned, "category_macro_f1") <= 0.85, "{table}");
    assert!(figure(learned, "priority_macro_f1") <= 0.60, "{table}");
    // … above the naive agent, and below the competent one.
    let effectiveness = |row: usize| {
        rows[row]
            .1
            .scorecard
            .dimensions
            .effectiveness
            .score
            .unwrap()
    };
    assert!(
        effectiveness(naive) + 10.0 < effectiveness(learned),
        "{table}"
    );
    assert!(
        effectiveness(learned) + 5.0 < effectiveness(competent),
        "{table}"
    );
    assert!(
        figure(learned, "priority_macro_f1") + 0.1 < figure(competent, "priority_macro_f1"),
        "{table}"
    );
    // Nothing saturates: each metric leaves room above the competent agent.
    for name in METRICS {
        assert!(figure(competent, name) < 0.99, "{name} saturates:\n{table}");
    }
}
