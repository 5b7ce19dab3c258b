//! `govlab run`: runs an agent over a scenario's split (a scored pilot, see
//! `cli::scenarios`) or over a file of cases, writing each case's outcome and
//! resource usage as JSON lines.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use govlab_sandbox::{
    Case, CaseReport, Compiler, DEFAULT_COMPILE_TIMEOUT, HostServices, Limits, Sandbox,
    SandboxConfig,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cli::progress;

/// The virtual wall clock every case starts at unless `--clock` says
/// otherwise: 2025-01-01T00:00:00Z.
const DEFAULT_CLOCK_START_UNIX_NS: u64 = 1_735_689_600_000_000_000;

/// Arguments of `govlab run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The agent component to run (`.wasm`, built for wasm32-wasip2)
    #[arg(long, value_name = "FILE.wasm", required_unless_present = "baseline")]
    agent: Option<PathBuf>,
    /// Instead of an agent, score a reference row of the scenario: `oracle`
    /// (the truth as the answer) or `trivial` (one answer for every case)
    #[arg(long, value_name = "NAME", requires = "scenario", conflicts_with = "agent", value_parser = ["oracle", "trivial"])]
    baseline: Option<String>,
    /// Run a pilot of this scenario (see `govlab scenarios list`) and score it
    #[arg(long, value_name = "ID", required_unless_present = "cases")]
    scenario: Option<String>,
    /// The scenario split to run
    #[arg(long, default_value = "practice", requires = "scenario", value_parser = ["practice", "evaluation"])]
    split: String,
    /// Run only the first N cases of the split (below the scenario's minimum
    /// the scorecard gets no composite and is not signed)
    #[arg(long, value_name = "N", requires = "scenario", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// The lab's evaluation key, for `--split evaluation` (else the
    /// `GOVLAB_EVAL_KEY` environment variable); lab staff only
    #[arg(long, value_name = "FILE", requires = "scenario")]
    eval_key_file: Option<PathBuf>,
    /// No longer accepted: the evaluation split is keyed by the lab's key
    #[arg(long, hide = true)]
    seed: Option<String>,
    /// Print the scorecard as JSON instead of a table (with `--out`, the
    /// files are written as well)
    #[arg(long, requires = "scenario")]
    json: bool,
    /// Cases to run: one JSON document per line (blank lines are skipped)
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "scenario")]
    cases: Option<PathBuf>,
    /// With `--cases`: write `results.jsonl` and `summary.json` here instead
    /// of printing the results; with `--scenario`: write the signed
    /// scorecard, the findings and the HTML report here
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// With `--cases`: the scenario id passed to the agent with every case
    #[arg(long, default_value = "custom", conflicts_with = "scenario")]
    scenario_id: String,
    /// With `--cases`: fuel budget per case (a scenario sets its own limits)
    #[arg(long, default_value_t = Limits::default().fuel.unwrap_or(1_000_000_000), conflicts_with = "scenario")]
    fuel: u64,
    /// Wall-clock deadline per case, in milliseconds
    #[arg(long, default_value_t = 5_000, conflicts_with = "scenario")]
    timeout_ms: u64,
    /// Linear memory cap per case, in MiB
    #[arg(long, default_value_t = 128, conflicts_with = "scenario")]
    memory_mib: usize,
    /// Where the agents' virtual wall clock starts, in seconds since the Unix epoch
    #[arg(long, value_name = "UNIX_SECONDS", conflicts_with = "scenario")]
    clock: Option<u64>,
    /// How long compiling the agent may take, in seconds (components that
    /// embed a Python or JavaScript runtime take 30–40 s on a quiet 2-core
    /// machine; raise it on a busy one)
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_COMPILE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    compile_timeout_secs: u64,
}

/// Runs `govlab run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    crate::cli::lab::refuse_evaluation_seed(args.seed.as_deref())?;
    if let Some(scenario) = &args.scenario {
        return crate::cli::scenarios::run_scenario(&crate::cli::scenarios::ScenarioRun {
            scenario: scenario.clone(),
            agent: args.agent.clone(),
            baseline: args.baseline.clone(),
            split: args.split.clone(),
            limit: args.limit,
            eval_key_file: args.eval_key_file.clone(),
            json: args.json,
            out: args.out.clone(),
            compile_timeout: Duration::from_secs(args.compile_timeout_secs),
        });
    }
    let Some(cases_path) = &args.cases else {
        bail!("say what to run: --scenario ID for a scored pilot, or --cases FILE.jsonl");
    };
    let Some(agent_path) = &args.agent else {
        bail!("--cases runs an agent: pass --agent FILE.wasm");
    };
    let bytes = std::fs::read(agent_path)
        .with_context(|| format!("cannot read the agent {}", agent_path.display()))?;
    let clock_start_unix_ns = match args.clock {
        Some(seconds) => seconds
            .checked_mul(1_000_000_000)
            .context("--clock is too far in the future")?,
        None => DEFAULT_CLOCK_START_UNIX_NS,
    };
    let cases = read_cases(cases_path, &args.scenario_id, clock_start_unix_ns)?;

    let config = SandboxConfig {
        limits: Limits {
            fuel: Some(args.fuel),
            timeout: Duration::from_millis(args.timeout_ms),
            max_memory_bytes: args.memory_mib << 20,
            ..Limits::default()
        },
        cache_dir: compiled_cache_dir(),
        compiler: compiler(),
        compile_timeout: Duration::from_secs(args.compile_timeout_secs),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::new(config).context("cannot start the sandbox")?;
    let agent = sandbox.load(&bytes).with_context(|| {
        format!(
            "the sandbox refused {} (run `govlab agent check {}` for details)",
            agent_path.display(),
            agent_path.display()
        )
    })?;
    let services: Arc<dyn HostServices> = Arc::new(
        govlab_scenarios::services::LabServices::load()
            .context("cannot load the lab's services")?,
    );

    let bar = progress::bar(cases.len() as u64, "cases");
    let started = Instant::now();
    let reports = agent.run_cases(&cases, &services, |_, _| bar.inc(1));
    let elapsed = started.elapsed();
    bar.finish_and_clear();

    let summary = summarize(&reports, elapsed, agent.sha256());
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the output directory {}", dir.display()))?;
            let results_path = dir.join("results.jsonl");
            write_results(&reports, &results_path)?;
            let summary_path = dir.join("summary.json");
            std::fs::write(&summary_path, serde_json::to_vec_pretty(&summary)?)
                .with_context(|| format!("cannot write {}", summary_path.display()))?;
            print!("{}", summary_table(&summary));
            println!("results: {}", results_path.display());
            println!("summary: {}", summary_path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            for (index, report) in reports.iter().enumerate() {
                serde_json::to_writer(&mut out, &report_json(index, report))?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            eprint!("{}", summary_table(&summary));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The compiler every sandbox of the CLI uses: this executable, started as
/// `govlab sandbox-compile`, one at a time, under
/// [`COMPILE_MEMORY_LIMIT_BYTES`], killed at the compile deadline.
pub fn compiler() -> Compiler {
    compiler_with(COMPILE_MEMORY_LIMIT_BYTES)
}

/// [`compiler`] with another memory limit.
pub fn compiler_with(memory_limit_bytes: u64) -> Compiler {
    match std::env::current_exe() {
        Ok(program) => {
            Compiler::child_process(program, vec![SANDBOX_COMPILE.into()], memory_limit_bytes, 1)
        }
        // No path to ourselves (deleted binary): compile in this process.
        Err(_) => Compiler::in_process(1),
    }
}

/// The hidden subcommand a compiler child process runs (see `main`).
pub const SANDBOX_COMPILE: &str = "sandbox-compile";

/// Data memory a compiler child may use: the worst a component can make one
/// compilation cost.
pub const COMPILE_MEMORY_LIMIT_BYTES: u64 = 1 << 30;

/// Where compiled agents are cached between runs: `$GOVLAB_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/govlab/compiled`, else `~/.cache/govlab/compiled`.
pub fn compiled_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GOVLAB_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("govlab").join("compiled"))
}

/// Reads one case per non-blank line. Every line must be JSON: a bad line
/// stops the run before anything executes, naming the line.
fn read_cases(
    path: &Path,
    scenario_id: &str,
    clock_start_unix_ns: u64,
) -> anyhow::Result<Vec<Case>> {
    let file = File::open(path)
        .with_context(|| format!("cannot open the cases file {}", path.display()))?;
    let mut cases = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line_no = index + 1;
        let line =
            line.with_context(|| format!("{}:{line_no}: cannot read the line", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(&line) {
            bail!(
                "{}:{line_no}: not a JSON document ({err}); each line of a cases file is one JSON case",
                path.display()
            );
        }
        cases.push(Case {
            scenario: scenario_id.to_owned(),
            seed: case_seed(&line),
            payload: line,
            clock_start_unix_ns,
        });
    }
    if cases.is_empty() {
        bail!(
            "{} holds no cases; write one JSON document per line",
            path.display()
        );
    }
    Ok(cases)
}

/// A case's random seed: derived from its content, so the same case gets the
/// same seed wherever it sits in a file.
fn case_seed(payload: &str) -> u64 {
    let digest = Sha256::digest(payload.as_bytes());
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(seed)
}

fn write_results(reports: &[CaseReport], path: &Path) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    for (index, report) in reports.iter().enumerate() {
        serde_json::to_writer(&mut out, &report_json(index, report))?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The wire form of one case's report.
fn report_json(index: usize, report: &CaseReport) -> Value {
    let output = report.output.as_deref().map(|text| {
        serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_owned()))
    });
    json!({
        "case": index,
        "outcome": report.outcome.as_str(),
        "output": output,
        "agent_error": report.agent_error.as_ref().map(|failure| json!({
            "kind": failure.kind.as_str(),
            "message": failure.message,
        })),
        "detail": report.detail,
        "fuel": report.fuel_used,
        "peak_memory_bytes": report.peak_memory_bytes,
        "wall_time_us": report.wall_time.as_micros() as u64,
        "logs": report.logs.iter().map(|line| json!({
            "level": line.level.as_str(),
            "message": line.message,
            "truncated": line.truncated,
        })).collect::<Vec<_>>(),
        "stdout": String::from_utf8_lossy(&report.stdout),
        "stderr": String::from_utf8_lossy(&report.stderr),
        "denied": report.denied.iter().map(|access| json!({
            "kind": access.kind.as_str(),
            "operation": access.operation,
            "target": access.target,
        })).collect::<Vec<_>>(),
    })
}

/// Outcome counts and resource figures over a run.
fn summarize(reports: &[CaseReport], elapsed: Duration, agent_sha256: &str) -> Value {
    let mut outcomes = std::collections::BTreeMap::<&str, u64>::new();
    for report in reports {
        *outcomes.entry(report.outcome.as_str()).or_default() += 1;
    }
    let mut fuel: Vec<u64> = reports.iter().map(|report| report.fuel_used).collect();
    fuel.sort_unstable();
    let peak_memory = reports
        .iter()
        .map(|report| report.peak_memory_bytes)
        .max()
        .unwrap_or(0);
    let seconds = elapsed.as_secs_f64();
    json!({
        "agent_sha256": agent_sha256,
        "cases": reports.len(),
        "outcomes": outcomes,
        "fuel": {
            "median": nearest_rank(&fuel, 0.5),
            "p95": nearest_rank(&fuel, 0.95),
            "max": fuel.last().copied().unwrap_or(0),
        },
        "peak_memory_bytes_max": peak_memory,
        "wall_time_s": seconds,
        "cases_per_second": if seconds > 0.0 { reports.len() as f64 / seconds } else { 0.0 },
    })
}

/// The nearest-rank quantile of sorted values.
fn nearest_rank(sorted: &[u64], quantile: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The summary as a small table for a terminal.
fn summary_table(summary: &Value) -> String {
    let mut table = String::new();
    let cases = summary["cases"].as_u64().unwrap_or(0);
    table.push_str(&format!("{:<22} {:>10}\n", "outcome", "cases"));
    if let Some(outcomes) = summary["outcomes"].as_object() {
        for (outcome, count) in outcomes {
            table.push_str(&format!(
                "{:<22} {:>10}\n",
                outcome,
                count.as_u64().unwrap_or(0)
            ));
        }
    }
    table.push_str(&format!("{:<22} {:>10}\n", "total", cases));
    table.push_str(&format!(
        "fuel per case: median {}, p95 {}, max {}\n",
        summary["fuel"]["median"], summary["fuel"]["p95"], summary["fuel"]["max"]
    ));
    table.push_str(&format!(
        "peak memory: {:.1} MiB · wall time {:.2} s ({:.0} cases/s)\n",
        summary["peak_memory_bytes_max"].as_f64().unwrap_or(0.0) / (1024.0 * 1024.0),
        summary["wall_time_s"].as_f64().unwrap_or(0.0),
        summary["cases_per_second"].as_f64().unwrap_or(0.0),
    ));
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_picks_the_covering_value() {
        let values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&values, 0.5), 5);
        assert_eq!(nearest_rank(&values, 0.95), 10);
        assert_eq!(nearest_rank(&[], 0.5), 0);
        assert_eq!(nearest_rank(&[42], 0.95), 42);
    }

    #[test]
    fn a_bad_line_is_named_and_nothing_runs() {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("{err}"));
        let path = dir.path().join("cases.jsonl");
        std::fs::write(&path, "{\"a\":1}\n\n{not json}\n").unwrap_or_else(|err| panic!("{err}"));
        let err = read_cases(&path, "custom", 0)
            .err()
            .map(|err| err.to_string())
            .unwrap_or_default();
        assert!(err.contains("cases.jsonl:3: not a JSON document"), "{err}");
    }

    #[test]
    fn the_seed_follows_the_content_not_the_position() {
        assert_eq!(case_seed("{\"a\":1}"), case_seed("{\"a\":1}"));
        assert_ne!(case_seed("{\"a\":1}"), case_seed("{\"a\":2}"));
    }
}
