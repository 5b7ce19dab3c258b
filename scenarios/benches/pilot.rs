//! A large `appeals-triage` pilot with the competent reference agent:
//! cases per second and the share of time spent outside the agent (runner,
//! case building, output validation, telemetry and scoring).
//!
//! Run with `cargo bench -p govlab-scenarios --bench pilot`; set
//! `GOVLAB_BENCH_CASES` to change the pilot size (default 100 000). Both
//! figures are ratios measured within one run; the target is an overhead
//! of at most 25 % of the total.
#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::Instant;

use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::reference::{BuildConfig, build_reference_agents};
use govlab_scenarios::runner::{PilotSpec, RunnerConfig, run_pilot};
use govlab_scenarios::scenario::Scenario;

fn main() {
    let cases: u64 = std::env::var("GOVLAB_BENCH_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let built = build_reference_agents(&BuildConfig::default()).unwrap();
    let bytes = std::fs::read(built.path("appeals_competent")).unwrap();
    let spec = PilotSpec {
        scenario: Scenario::builtin("appeals-triage").unwrap(),
        split: SplitSeed::practice(),
        cases: Some(cases),
    };
    let cache = std::env::temp_dir().join("govlab-bench-compiled");
    let config = RunnerConfig {
        cache_dir: Some(cache),
        ..RunnerConfig::default()
    };
    let started = Instant::now();
    let result = run_pilot(&spec, &bytes, &config, |_, _| {}).unwrap();
    let wall = started.elapsed();
    let timings = result.timings;
    println!(
        "appeals-triage pilot, competent reference agent, {cases} cases, {} workers",
        timings.workers
    );
    println!(
        "  wall time              {:>10.2} s (incl. agent load)",
        wall.as_secs_f64()
    );
    println!(
        "  pilot time             {:>10.2} s",
        timings.total.as_secs_f64()
    );
    println!(
        "  cases per second       {:>10.0}",
        timings.cases_per_second(cases)
    );
    println!(
        "  agent time (sum)       {:>10.2} s",
        timings.agent.as_secs_f64()
    );
    println!(
        "  per-case runner work   {:>10.2} s (validation, telemetry; on workers)",
        timings.per_case_overhead.as_secs_f64()
    );
    println!(
        "  case building          {:>10.2} s (dataset generation; beside the workers)",
        timings.case_building.as_secs_f64()
    );
    println!(
        "  scoring                {:>10.2} s (evaluation, dataset hash; beside the workers)",
        timings.scoring.as_secs_f64()
    );
    println!(
        "  serial runner work     {:>10.2} s (first build, last scoring, scorecard)",
        timings.serial_overhead.as_secs_f64()
    );
    println!(
        "  outside the agent      {:>10.1} % of the pilot's work (target <= 25 %)",
        100.0 * timings.overhead_share()
    );
    println!(
        "  ... without generation {:>10.1} % (runner, validation, telemetry, scoring)",
        100.0 * timings.overhead_share_without_generation()
    );
    println!(
        "  workers not in agent   {:>10.1} % of worker wall time (includes other load on the machine)",
        100.0 * timings.idle_share()
    );
    println!(
        "  composite              {:>10.2}",
        result.scorecard.composite.unwrap_or(0.0)
    );
}
