//! `govlab scenarios list|show ID` and the scenario mode of `govlab run`
//! (`--scenario ID --agent FILE.wasm`): runs a pilot through the library's
//! runner and writes the signed scorecard, the findings and the HTML report.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use govlab_scenarios::baselines::Baseline;
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::evaluate::RULES;
use govlab_scenarios::runner::{
    PilotResult, PilotSpec, RunnerConfig, html_report, run_baseline, run_pilot, split_seed,
};
use govlab_scenarios::scenario::{Scenario, list};
use govlab_scoring::certificate::LabKey;
use govlab_scoring::telemetry::TelemetryConfig;
use serde_json::json;

use crate::cli::progress;
use crate::cli::run::compiled_cache_dir;

/// Subcommands of `govlab scenarios`.
#[derive(clap::Subcommand)]
pub enum ScenariosCommand {
    /// List the built-in scenarios
    List,
    /// Show a scenario's definition: task, datasets, limits, metrics, weights and schemas
    Show {
        /// The scenario id, e.g. `appeals-triage`
        id: String,
        /// Print the definition as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `govlab scenarios` subcommand.
pub fn run(cmd: ScenariosCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ScenariosCommand::List => {
            let all = list().context("the built-in scenario definitions do not load")?;
            println!(
                "{:<24} {:<8} {:>9} {:>11}  title",
                "id", "version", "practice", "evaluation"
            );
            for scenario in all {
                let def = scenario.def();
                println!(
                    "{:<24} {:<8} {:>9} {:>11}  {}",
                    def.id, def.version, def.splits.practice, def.splits.evaluation, def.title
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ScenariosCommand::Show { id, json } => {
            let scenario = Scenario::builtin(&id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&definition_json(scenario))?
                );
            } else {
                print!("{}", definition_text(scenario));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A scenario definition as JSON (built here, at the edge).
fn definition_json(scenario: &Scenario) -> serde_json::Value {
    let def = scenario.def();
    json!({
        "id": def.id,
        "version": def.version,
        "title": def.title,
        "description": def.description.trim(),
        "datasets": def.datasets,
        "splits": {"practice": def.splits.practice, "evaluation": def.splits.evaluation, "minimum": def.splits.minimum},
        "adapter": def.adapter.as_ref().map(|adapter| json!({"schemas": adapter.schemas, "note": adapter.note})),
        "limits": {"fuel": def.limits.fuel, "timeout_ms": def.limits.timeout_ms, "memory_mib": def.limits.memory_mib},
        "budgets": {"fuel": def.budgets.fuel, "memory_mib": def.budgets.memory_mib},
        "weights": {
            "effectiveness": def.weights.effectiveness,
            "interoperability": def.weights.interoperability,
            "efficiency": def.weights.efficiency,
            "reliability": def.weights.reliability,
            "compliance": def.weights.compliance,
            "fairness": def.weights.fairness,
        },
        "fairness_groups": def.fairness.groups,
        "counterfactual": def.fairness.counterfactual,
        "metrics": def.metrics.iter().map(|metric| json!({
            "name": metric.name, "kind": metric.kind.as_str(), "description": metric.description,
        })).collect::<Vec<_>>(),
        "input_schema": scenario.input_schema(),
        "output_schema": scenario.output_schema(),
    })
}

fn definition_text(scenario: &Scenario) -> String {
    let def = scenario.def();
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}: {}\n\n{}\n\n",
        def.id,
        def.version,
        def.title,
        def.description.trim()
    ));
    out.push_str(&format!("datasets      {}\n", def.datasets.join(", ")));
    out.push_str(&format!(
        "splits        practice {} · evaluation {} · minimum per pilot {}\n",
        def.splits.practice, def.splits.evaluation, def.splits.minimum
    ));
    if let Some(adapter) = &def.adapter {
        out.push_str(&format!(
            "adapter       {} ({})\n",
            adapter.schemas.join(" ↔ "),
            adapter.note
        ));
    }
    out.push_str(&format!(
        "limits        fuel {} · {} ms · {} MiB per case\n",
        def.limits.fuel, def.limits.timeout_ms, def.limits.memory_mib
    ));
    out.push_str(&format!(
        "fairness      error-rate parity across {}; counterfactual twins on {}\n",
        def.fairness.groups.join(", "),
        if def.fairness.counterfactual.is_empty() {
            "none".to_owned()
        } else {
            def.fairness.counterfactual.join(", ")
        }
    ));
    out.push_str("metrics\n");
    for metric in &def.metrics {
        out.push_str(&format!(
            "  {:<22} {:<6} {}\n",
            metric.name,
            metric.kind.as_str(),
            metric.description
        ));
    }
    let w = &def.weights;
    out.push_str(&format!(
        "weights       effectiveness {} · interoperability {} · efficiency {} · reliability {} · compliance {} · fairness {}\n",
        w.effectiveness, w.interoperability, w.efficiency, w.reliability, w.compliance, w.fairness
    ));
    out.push_str(&format!(
        "schemas       `govlab scenarios show {} --json` prints both\n",
        def.id
    ));
    out
}

/// What `govlab run --scenario` does.
#[derive(Debug, Clone)]
pub struct ScenarioRun {
    /// The scenario id.
    pub scenario: String,
    /// The agent component (unless a baseline runs).
    pub agent: Option<PathBuf>,
    /// `oracle` or `trivial`: score a reference row instead of an agent.
    pub baseline: Option<String>,
    /// `practice` or `evaluation`.
    pub split: String,
    /// Run only the first N cases.
    pub limit: Option<u64>,
    /// The lab's evaluation key file (else `GOVLAB_EVAL_KEY`).
    pub eval_key_file: Option<PathBuf>,
    /// Print the scorecard as JSON instead of a table.
    pub json: bool,
    /// Write `scorecard.json`, `findings.jsonl` and `report.html` here.
    pub out: Option<PathBuf>,
    /// How long compiling the agent may take.
    pub compile_timeout: Duration,
}

/// Runs a scenario pilot and reports its scorecard, signed when the pilot
/// is large enough to be certified.
pub fn run_scenario(run: &ScenarioRun) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::builtin(&run.scenario)?;
    let key = crate::cli::lab::key_for(&run.split, run.eval_key_file.as_deref())?;
    let split = split_seed(&run.split, key)?;
    let size = scenario.split_size(split.split);
    let cases = run.limit.map_or(size, |limit| limit.min(size));
    let (result, what) = match (&run.baseline, &run.agent) {
        (Some(name), _) => {
            let baseline: Baseline = name.parse().map_err(anyhow::Error::msg)?;
            let result = baseline_with_progress(scenario, split, cases, baseline)?;
            (result, format!("the {baseline} baseline"))
        }
        (None, Some(agent)) => {
            let bytes = std::fs::read(agent)
                .with_context(|| format!("cannot read the agent {}", agent.display()))?;
            let result = pilot_with_progress(scenario, split, cases, &bytes, run.compile_timeout)
                .with_context(|| {
                format!(
                    "the pilot of {} on {} did not complete",
                    agent.display(),
                    scenario.id()
                )
            })?;
            (result, agent.display().to_string())
        }
        (None, None) => bail!("say what to score: --agent FILE.wasm or --baseline oracle|trivial"),
    };
    let key_dir = lab_key_dir()?;
    let key = LabKey::load_or_create(&key_dir)
        .with_context(|| format!("cannot load the lab key from {}", key_dir.display()))?;
    // Below the scenario's minimum the scorecard is shown but not signed.
    let (json, signed) = match result.sign(&key) {
        Ok(signed) => (signed.to_json(), true),
        Err(why) => {
            eprintln!("not signed: {why}");
            (result.scorecard.to_json(), false)
        }
    };
    if let Some(error) = &result.telemetry_export_error {
        eprintln!("warning: {error}");
    }
    if let Some(dir) = &run.out {
        write_outputs(dir, &result, &json, signed)?;
    }
    if run.json {
        println!("{json}");
    } else {
        print!("{}", result.scorecard.to_table());
        if let Some(dir) = &run.out {
            let name = if signed {
                "scorecard.json"
            } else {
                "scorecard.unsigned.json"
            };
            println!("scorecard: {}", dir.join(name).display());
            println!("report:    {}", dir.join("report.html").display());
        }
    }
    if !result.findings_by_rule.is_empty() {
        eprintln!("findings on {what}:");
        for (rule, count) in &result.findings_by_rule {
            let what = RULES
                .iter()
                .find(|(id, _)| id == rule)
                .map_or("", |(_, what)| what);
            eprintln!("  {rule} ×{count}: {what}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a reference baseline with a progress bar on the terminal.
pub(crate) fn baseline_with_progress(
    scenario: &Scenario,
    split: SplitSeed,
    cases: u64,
    baseline: Baseline,
) -> anyhow::Result<PilotResult> {
    let spec = PilotSpec {
        scenario,
        split,
        cases: Some(cases),
    };
    let config = RunnerConfig {
        telemetry: TelemetryConfig::from_env(),
        ..RunnerConfig::default()
    };
    let bar = progress::bar(cases, "cases");
    let result = run_baseline(&spec, baseline, &config, |done, _| bar.set_position(done));
    bar.finish_and_clear();
    result.with_context(|| {
        format!(
            "the {baseline} baseline of {} did not complete",
            scenario.id()
        )
    })
}

/// Runs a pilot with a progress bar on the terminal.
pub(crate) fn pilot_with_progress(
    scenario: &Scenario,
    split: SplitSeed,
    cases: u64,
    agent_bytes: &[u8],
    compile_timeout: Duration,
) -> anyhow::Result<PilotResult> {
    let spec = PilotSpec {
        scenario,
        split,
        cases: Some(cases),
    };
    let config = RunnerConfig {
        cache_dir: compiled_cache_dir(),
        compiler: crate::cli::run::compiler(),
        compile_timeout,
        telemetry: TelemetryConfig::from_env(),
        ..RunnerConfig::default()
    };
    let bar = progress::bar(cases, "cases");
    let result = run_pilot(&spec, agent_bytes, &config, |done, _| {
        bar.set_position(done)
    });
    bar.finish_and_clear();
    Ok(result?)
}

/// Writes the scorecard (`scorecard.json` when signed, else
/// `scorecard.unsigned.json`), the findings and the HTML report into `dir`.
pub(crate) fn write_outputs(
    dir: &Path,
    result: &PilotResult,
    json: &str,
    signed: bool,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
    let name = if signed {
        "scorecard.json"
    } else {
        "scorecard.unsigned.json"
    };
    let card = dir.join(name);
    std::fs::write(&card, json).with_context(|| format!("cannot write {}", card.display()))?;
    let report = dir.join("report.html");
    std::fs::write(&report, html_report(&[result]))
        .with_context(|| format!("cannot write {}", report.display()))?;
    let findings = dir.join("findings.jsonl");
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&findings)
            .with_context(|| format!("cannot create {}", findings.display()))?,
    );
    for finding in &result.findings {
        let line = json!({
            "case_id": finding.case_id, "rule": finding.rule,
            "location": finding.location, "message": finding.message,
        });
        writeln!(out, "{line}").with_context(|| format!("cannot write {}", findings.display()))?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", findings.display()))
}

/// Where the lab's signing key lives: `$GOVLAB_KEY_DIR`, else
/// `$XDG_CONFIG_HOME/govlab/keys`, else `~/.config/govlab/keys`.
pub fn lab_key_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GOVLAB_KEY_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")));
    match base {
        Some(base) => Ok(base.join("govlab").join("keys")),
        None => {
            bail!("cannot tell where the lab key lives: set GOVLAB_KEY_DIR to a private directory")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_shows_as_text_and_json() {
        for scenario in list().unwrap_or_default() {
            let text = definition_text(scenario);
            assert!(text.starts_with(scenario.id()), "{text}");
            let json = definition_json(scenario);
            assert_eq!(json["id"], scenario.id());
            assert!(json["output_schema"].is_object());
        }
        assert_eq!(list().map(<[Scenario]>::len).unwrap_or(0), 5);
    }
}
