//! `govlab demo`: builds the reference agents, runs every scenario's
//! practice split with the naive and the competent agent, prints the
//! scoreboard and writes the signed scorecards and one HTML report.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::reference::{BuildConfig, REFERENCE_AGENTS, build_reference_agents};
use govlab_scenarios::runner::{PilotResult, html_report};
use govlab_scenarios::scenario::Scenario;
use govlab_scoring::certificate::LabKey;

use crate::cli::scenarios::{lab_key_dir, pilot_with_progress};

/// Arguments of `govlab demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where to write the scorecards and `report.html`
    #[arg(long, value_name = "DIR", default_value = "out/demo")]
    out: PathBuf,
    /// Run only the first N cases of each practice split
    #[arg(long)]
    limit: Option<u64>,
}

/// Runs `govlab demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    eprintln!("building the reference agents (cargo, wasm32-wasip2) …");
    let built = build_reference_agents(&BuildConfig::default())
        .context("cannot build the reference agents")?;
    let key_dir = lab_key_dir()?;
    let key = LabKey::load_or_create(&key_dir)
        .with_context(|| format!("cannot load the lab key from {}", key_dir.display()))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    let mut results: Vec<(String, PilotResult)> = Vec::new();
    for agent in REFERENCE_AGENTS {
        let scenario = Scenario::builtin(agent.scenario.id())?;
        let path = built.path(agent.package);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let size = scenario.def().splits.practice;
        let cases = args.limit.map_or(size, |limit| limit.min(size));
        eprintln!(
            "{} · {} agent · {cases} cases",
            scenario.id(),
            agent.level.as_str()
        );
        let result = pilot_with_progress(scenario, SplitSeed::practice(), cases, &bytes)
            .with_context(|| format!("the pilot of {} did not complete", agent.package))?;
        let card = args.out.join(format!("{}.scorecard.json", agent.package));
        std::fs::write(&card, result.sign(&key).to_json())
            .with_context(|| format!("cannot write {}", card.display()))?;
        results.push((agent.package.to_owned(), result));
    }
    println!(
        "{:<24} {:<20} {:>9} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "scenario", "agent", "composite", "effec", "inter", "effic", "relia", "compl", "fair"
    );
    for (package, result) in &results {
        let card = &result.scorecard;
        let score =
            |value: Option<f64>| value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"));
        let dims = &card.dimensions;
        println!(
            "{:<24} {:<20} {:>9} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
            card.scenario_id,
            package,
            score(card.composite),
            score(dims.effectiveness.score),
            score(dims.interoperability.score),
            score(dims.efficiency.score),
            score(dims.reliability.score),
            score(dims.compliance.score),
            score(dims.fairness.score),
        );
    }
    let report = args.out.join("report.html");
    let all: Vec<&PilotResult> = results.iter().map(|(_, result)| result).collect();
    std::fs::write(&report, html_report(&all))
        .with_context(|| format!("cannot write {}", report.display()))?;
    println!("report:     {}", report.display());
    println!(
        "scorecards: {}/*.scorecard.json (check one with `govlab verify FILE`)",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
