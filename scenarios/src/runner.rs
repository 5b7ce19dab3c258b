//! The pilot runner: streams a scenario's cases through the sandbox in
//! parallel, checks every output against the scenario's output schema,
//! records telemetry, scores the outputs and computes the scorecard.
//!
//! [`run_pilot`] is a plain library function with no global mutable state
//! and no assumption of one pilot per process, so a worker can run it for a
//! portal job. Cases are built and scored in chunks
//! ([`RunnerConfig::chunk_size`]): building and scoring of one chunk
//! overlap with the agent running the next, and memory stays bounded by a
//! chunk's payloads and reports, however large the pilot.
//!
//! With [`RunnerConfig::keep_cases`], [`PilotResult::cases`] lists every
//! case's outcome, fuel, memory, latency and findings, in case order, from
//! the same telemetry samples the scorecard is computed from.
//!
//! Reproducibility: the scorecard depends only on the agent's bytes, the
//! scenario definition and the split seed. Case seeds, clocks and payloads
//! are derived from them ([`crate::cases`]), the sandbox is deterministic
//! (fuel, virtual clocks, seeded random), outputs are scored in case order,
//! and every figure is rounded in the scorecard. Wall times are reported
//! beside it, never in the signed part.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use govlab_sandbox::{
    CaseReport, Compiler, HostServices, LoadedAgent, Outcome as SandboxOutcome, Sandbox,
};
use govlab_scoring::bootstrap::{RESAMPLES, Resampler};
use govlab_scoring::certificate::{LabKey, SignedScorecard};
use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure, FlipCount};
use govlab_scoring::outcome::Outcome;
use govlab_scoring::report::{ReportEntry, render_html};
use govlab_scoring::scorecard::{NotCertifiable, PilotResults, Scorecard, ScorecardError};
use govlab_scoring::telemetry::{
    CaseRecord as CaseSpan, CaseSample, PilotLabels, PilotTelemetry, RecordedCase, TelemetryConfig,
    TelemetrySummary, summarize,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::baselines::{Baseline, Decider};
use crate::cases::{BuiltCase, CaseError, SplitSeed, build_cases};
use crate::counterfactual;
use crate::datasets::{self, Split};
use crate::evaluate::{Evaluator, Finding};
use crate::scenario::{Scenario, ScenarioError};
use crate::services::{LabServices, ServicesError};

/// A pilot could not run (the agent's own failures are outcomes, not errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerError {
    /// The scenario is unknown or its definition is broken.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Cases could not be built.
    #[error(transparent)]
    Cases(#[from] CaseError),
    /// The sandbox could not start.
    #[error("cannot start the sandbox")]
    Sandbox(#[from] govlab_sandbox::SandboxError),
    /// The sandbox refused the agent.
    #[error("the sandbox refused the agent (run `govlab agent check FILE.wasm` for details)")]
    Load(#[from] govlab_sandbox::LoadError),
    /// The lab's services did not load.
    #[error(transparent)]
    Services(#[from] ServicesError),
    /// Telemetry could not start.
    #[error(transparent)]
    Telemetry(#[from] govlab_scoring::telemetry::TelemetryError),
    /// The scorecard could not be computed.
    #[error(transparent)]
    Scorecard(#[from] ScorecardError),
    /// A rerun was asked for with another agent than the scorecard's.
    #[error(
        "the agent's SHA-256 is {actual} but the scorecard was made by {expected}; pass the agent file the pilot ran"
    )]
    WrongAgent {
        /// The scorecard's agent.
        expected: String,
        /// The file's.
        actual: String,
    },
    /// A rerun was asked for a scenario version this build does not have.
    #[error(
        "the scorecard is for {scenario} {expected} but this govlab has version {actual}; rerun with the govlab release that made it"
    )]
    WrongVersion {
        /// The scenario id.
        scenario: String,
        /// The scorecard's version.
        expected: String,
        /// This build's version.
        actual: String,
    },
    /// The split seed could not be resolved.
    #[error(transparent)]
    Seed(#[from] datasets::DatasetError),
    /// A rerun was asked for a scorecard of an older format.
    #[error(
        "the scorecard has format {0}, scored by rules this govlab no longer applies; its signature still verifies, but only a new pilot can reproduce scores"
    )]
    OldFormat(String),
    /// A baseline rerun was asked for an agent's scorecard.
    #[error(
        "the scorecard was made by agent {0}, not a reference baseline; pass --agent FILE.wasm"
    )]
    NotAReference(String),
}

/// Which pilot to run.
#[derive(Debug, Clone, Copy)]
pub struct PilotSpec<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The split and its seed.
    pub split: SplitSeed,
    /// How many cases to run: cases `0..n` of the split. `None` runs the
    /// split's size from the definition. More than the split's size is
    /// allowed (load tests): the generators are indexed, so the extra cases
    /// are as deterministic as the rest.
    pub cases: Option<u64>,
}

impl PilotSpec<'_> {
    /// Cases this pilot runs.
    pub fn cases(&self) -> u64 {
        self.cases
            .unwrap_or_else(|| self.scenario.split_size(self.split.split))
    }
}

/// How the runner works.
#[derive(Clone)]
pub struct RunnerConfig {
    /// Cases built, run and scored together (bounds memory).
    pub chunk_size: usize,
    /// Where telemetry goes.
    pub telemetry: TelemetryConfig,
    /// Findings kept in full (the rest are only counted per rule).
    pub max_findings: usize,
    /// Directory for compiled agents (see `SandboxConfig::cache_dir`).
    pub cache_dir: Option<PathBuf>,
    /// Where the agent is compiled (see `SandboxConfig::compiler`).
    pub compiler: Compiler,
    /// How long compiling the agent may take (see
    /// `SandboxConfig::compile_timeout`). Default: 60 s.
    pub compile_timeout: Duration,
    /// The services agents reach through `lookup-code` and `convert`;
    /// `None` loads [`LabServices`].
    pub services: Option<Arc<dyn HostServices>>,
    /// Return every case's record in [`PilotResult::cases`] (memory grows
    /// with the pilot). Overrides [`TelemetryConfig::keep_cases`] of
    /// [`RunnerConfig::telemetry`].
    pub keep_cases: bool,
}

impl Default for RunnerConfig {
    fn default() -> RunnerConfig {
        RunnerConfig {
            chunk_size: 1024,
            telemetry: TelemetryConfig::in_process(),
            max_findings: 1000,
            cache_dir: None,
            compiler: Compiler::default(),
            compile_timeout: govlab_sandbox::DEFAULT_COMPILE_TIMEOUT,
            services: None,
            keep_cases: false,
        }
    }
}

impl std::fmt::Debug for RunnerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunnerConfig")
            .field("chunk_size", &self.chunk_size)
            .field("telemetry", &self.telemetry)
            .field("max_findings", &self.max_findings)
            .field("cache_dir", &self.cache_dir)
            .field("compile_timeout", &self.compile_timeout)
            .field("keep_cases", &self.keep_cases)
            .finish_non_exhaustive()
    }
}

/// Where a pilot's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PilotTimings {
    /// Wall time of the whole pilot.
    pub total: Duration,
    /// Time inside the sandbox (instantiation and `decide`), summed over cases.
    pub agent: Duration,
    /// Runner work per case on the worker threads (output parsing, schema
    /// validation, telemetry), summed over cases.
    pub per_case_overhead: Duration,
    /// Case building (dataset generation and payload serialization), on
    /// the background thread while the agent ran the previous chunk.
    pub case_building: Duration,
    /// Scoring of outputs and the dataset hash, on the background thread.
    pub scoring: Duration,
    /// Runner work outside the workers that was not hidden behind the
    /// agent (case building and scoring of the last chunk, scorecard).
    pub serial_overhead: Duration,
    /// How many cases ran at once.
    pub workers: usize,
}

impl PilotTimings {
    /// Cases per second of wall time.
    pub fn cases_per_second(&self, cases: u64) -> f64 {
        let seconds = self.total.as_secs_f64();
        if seconds > 0.0 {
            cases as f64 / seconds
        } else {
            0.0
        }
    }

    /// Share of the workers' capacity not spent in the agent: `1 − agent /
    /// (total × workers)`. Counts runner, validation and telemetry work, any
    /// time workers waited for it, and time other processes took from the
    /// machine.
    pub fn idle_share(&self) -> f64 {
        let capacity = self.total.as_secs_f64() * self.workers.max(1) as f64;
        if capacity <= 0.0 {
            0.0
        } else {
            (1.0 - self.agent.as_secs_f64() / capacity).clamp(0.0, 1.0)
        }
    }

    /// Share of the pilot's work done outside the agent: runner work (case
    /// building, output validation, telemetry, scoring) over runner work
    /// plus agent time. Unlike [`PilotTimings::idle_share`] it does not
    /// depend on what else the machine is running.
    pub fn overhead_share(&self) -> f64 {
        let runner =
            (self.per_case_overhead + self.case_building + self.scoring + self.serial_overhead)
                .as_secs_f64();
        let total = runner + self.agent.as_secs_f64();
        if total <= 0.0 { 0.0 } else { runner / total }
    }

    /// [`PilotTimings::overhead_share`] without case building: the cost of
    /// running, validating, recording and scoring cases that already exist
    /// (e.g. pre-generated or cached datasets).
    pub fn overhead_share_without_generation(&self) -> f64 {
        let runner = (self.per_case_overhead + self.scoring + self.serial_overhead).as_secs_f64();
        let total = runner + self.agent.as_secs_f64();
        if total <= 0.0 { 0.0 } else { runner / total }
    }
}

/// Everything a pilot produced.
#[derive(Debug, Clone)]
pub struct PilotResult {
    /// The scorecard (unsigned; see [`PilotResult::sign`]).
    pub scorecard: Scorecard,
    /// Telemetry as recorded.
    pub telemetry: TelemetrySummary,
    /// The first [`RunnerConfig::max_findings`] findings, in case order.
    pub findings: Vec<Finding>,
    /// All findings counted per rule id.
    pub findings_by_rule: BTreeMap<&'static str, u64>,
    /// Where the time went.
    pub timings: PilotTimings,
    /// Set when OTLP export failed (the scorecard is complete regardless).
    pub telemetry_export_error: Option<String>,
    /// Every case in case order, from the telemetry samples the scorecard
    /// is computed from; empty unless [`RunnerConfig::keep_cases`] is set.
    pub cases: Vec<CaseRecord>,
}

/// One case of a pilot as telemetry recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// The case id.
    pub case_id: String,
    /// How the case ended.
    pub outcome: Outcome,
    /// Fuel the agent consumed.
    pub fuel: u64,
    /// Peak linear memory of the agent, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall time of the case in microseconds (machine-dependent).
    pub latency_us: u64,
    /// Findings on the output: not JSON or not schema-valid (scoring's own
    /// findings are not counted here).
    pub findings: u32,
}

impl From<RecordedCase> for CaseRecord {
    fn from(recorded: RecordedCase) -> CaseRecord {
        CaseRecord {
            case_id: recorded.case_id,
            outcome: recorded.outcome,
            fuel: recorded.fuel,
            peak_memory_bytes: recorded.peak_memory_bytes,
            latency_us: recorded.latency_us,
            findings: recorded.findings,
        }
    }
}

impl PilotResult {
    /// The scorecard signed with the lab key; refused below the scenario's
    /// minimum case count.
    pub fn sign(&self, key: &LabKey) -> Result<SignedScorecard, NotCertifiable> {
        key.sign(&self.scorecard)
    }
}

/// Cases re-run as counterfactual twins per pilot (spread evenly over it).
pub const COUNTERFACTUAL_SAMPLE: u64 = 100;

/// Who decides the cases of a pilot.
#[derive(Clone, Copy)]
pub enum Decide<'a> {
    /// An agent in the sandbox.
    Agent(&'a LoadedAgent),
    /// A reference baseline on the host.
    Baseline(&'a Decider),
}

/// A self-contained HTML report of pilots (a scoreboard when several).
pub fn html_report(results: &[&PilotResult]) -> String {
    let named: Vec<(Option<&str>, &PilotResult)> =
        results.iter().map(|result| (None, *result)).collect();
    html_report_named(&named)
}

/// [`html_report`] with each agent's name (e.g. its package or
/// `team/agent`) shown before its SHA-256.
pub fn html_report_named(results: &[(Option<&str>, &PilotResult)]) -> String {
    let entries: Vec<ReportEntry<'_>> = results
        .iter()
        .map(|(name, result)| ReportEntry {
            scorecard: &result.scorecard,
            telemetry: Some(&result.telemetry),
            name: *name,
        })
        .collect();
    render_html(&entries)
}

/// Loads the agent into a sandbox with the scenario's limits and runs the
/// pilot. `progress(done, total)` is called as cases finish, from worker
/// threads.
pub fn run_pilot(
    spec: &PilotSpec<'_>,
    agent_bytes: &[u8],
    config: &RunnerConfig,
    progress: impl Fn(u64, u64) + Sync,
) -> Result<PilotResult, RunnerError> {
    let mut sandbox_config = spec.scenario.sandbox_config();
    sandbox_config.cache_dir.clone_from(&config.cache_dir);
    sandbox_config.compiler = config.compiler.clone();
    sandbox_config.compile_timeout = config.compile_timeout;
    let sandbox = Sandbox::new(sandbox_config)?;
    let agent = sandbox.load(agent_bytes)?;
    run_loaded(spec, &agent, config, progress)
}

/// Runs a pilot with an agent already loaded. The agent's sandbox should
/// have been built from [`Scenario::sandbox_config`] so the scenario's
/// limits apply.
pub fn run_loaded(
    spec: &PilotSpec<'_>,
    agent: &LoadedAgent,
    config: &RunnerConfig,
    progress: impl Fn(u64, u64) + Sync,
) -> Result<PilotResult, RunnerError> {
    run_with(spec, Decide::Agent(agent), agent.sha256(), config, progress)
}

/// Runs a reference baseline through the same pipeline as an agent: its
/// scorecard is a reference row (`reference:oracle`, `reference:trivial`).
pub fn run_baseline(
    spec: &PilotSpec<'_>,
    baseline: Baseline,
    config: &RunnerConfig,
    progress: impl Fn(u64, u64) + Sync,
) -> Result<PilotResult, RunnerError> {
    let decider = Decider::new(spec.scenario, baseline)?;
    run_with(
        spec,
        Decide::Baseline(&decider),
        &baseline.agent_id(),
        config,
        progress,
    )
}

fn run_with(
    spec: &PilotSpec<'_>,
    decide: Decide<'_>,
    agent_id: &str,
    config: &RunnerConfig,
    progress: impl Fn(u64, u64) + Sync,
) -> Result<PilotResult, RunnerError> {
    let started = Instant::now();
    let scenario = spec.scenario;
    let services: Arc<dyn HostServices> = match &config.services {
        Some(services) => Arc::clone(services),
        None => Arc::new(LabServices::load()?),
    };
    let labels = PilotLabels {
        scenario_id: scenario.id().to_owned(),
        scenario_version: scenario.version().to_owned(),
        split: spec.split.split.name().to_owned(),
        agent_sha256: agent_id.to_owned(),
    };
    let telemetry_config = TelemetryConfig {
        keep_cases: config.keep_cases,
        ..config.telemetry.clone()
    };
    let telemetry = PilotTelemetry::start(&telemetry_config, &labels)?;
    let total = spec.cases();
    let chunk = config.chunk_size.max(1) as u64;
    let chunks: Vec<Range<u64>> = (0..total.div_ceil(chunk))
        .map(|n| n * chunk..((n + 1) * chunk).min(total))
        .collect();

    let mut scoring = Scoring::new(scenario, spec.split, config.max_findings);
    let done = AtomicU64::new(0);
    let per_case_overhead_ns = AtomicU64::new(0);
    let mut building_time = Duration::ZERO;
    let mut scoring_time = Duration::ZERO;
    let mut agent_time = Duration::ZERO;
    let mut serial = Duration::ZERO;
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(scenario.sandbox_config().max_concurrent_cases)
        .max(1);

    let build_started = Instant::now();
    let mut current = match chunks.first() {
        Some(range) => build_cases(scenario, spec.split, range.clone())?,
        None => Vec::new(),
    };
    serial += build_started.elapsed();
    let mut pending: Option<ChunkRun> = None;
    // While the agent runs a chunk, one background thread scores the previous
    // chunk and builds the next. It lives for the whole pilot: a thread
    // spawned per chunk started behind the busy workers in the run queue
    // and spent most of its time waiting for a CPU.
    let split = spec.split;
    std::thread::scope(|scope| -> Result<(), RunnerError> {
        let (jobs, job_queue) = mpsc::channel::<HelperJob>();
        let (done_sender, done_queue) = mpsc::channel::<HelperDone>();
        let scoring = &mut scoring;
        let helper = scope.spawn(move || {
            for job in job_queue {
                let started = Instant::now();
                if let Some(run) = job.score {
                    scoring.score(run);
                }
                let scored = started.elapsed();
                let built = job.build.map(|range| build_cases(scenario, split, range));
                let done = HelperDone {
                    built,
                    scoring: scored,
                    building: started.elapsed() - scored,
                };
                if done_sender.send(done).is_err() {
                    break;
                }
            }
        });
        for next_range in chunks.iter().skip(1).cloned().map(Some).chain([None]) {
            let job = HelperJob {
                score: pending.take(),
                build: next_range,
            };
            if jobs.send(job).is_err() {
                // The helper panicked; joining it below passes the panic on.
                break;
            }
            let run = run_chunk(
                scenario,
                decide,
                &services,
                &telemetry,
                std::mem::take(&mut current),
                &RunProgress {
                    done: &done,
                    total,
                    progress: &progress,
                    overhead_ns: &per_case_overhead_ns,
                },
            );
            agent_time += run.agent_time;
            pending = Some(run);
            let Ok(finished) = done_queue.recv() else {
                break;
            };
            scoring_time += finished.scoring;
            building_time += finished.building;
            current = match finished.built {
                Some(next) => next?,
                None => Vec::new(),
            };
        }
        drop(jobs);
        if let Err(panic) = helper.join() {
            std::panic::resume_unwind(panic);
        }
        Ok(())
    })?;
    let tail_started = Instant::now();
    if let Some(last) = pending.take() {
        scoring.score(last);
    }
    let finished = telemetry.finish();
    let (mut results, evaluator, findings, findings_by_rule) = scoring.finish(&labels);
    if let Decide::Agent(agent) = decide {
        let flips = counterfactual_flips(scenario, spec.split, total, agent, &services)?;
        for (attribute, flips) in flips {
            // A twinned attribute need not be a group attribute (a surname
            // is not a group): it is then scored on its flips alone.
            results
                .fairness
                .entry(attribute)
                .or_insert_with(|| AttributeFairness::new(ErrorMeasure::Accuracy))
                .flips = Some(flips);
        }
    }
    let scoring_config = scenario.scoring_config();
    let mut scorecard = Scorecard::compute(&results, &finished.summary, &scoring_config)?;
    attach_intervals(
        &mut scorecard,
        &results,
        &evaluator,
        &finished.samples,
        &scoring_config,
        scenario,
    )?;
    let cases: Vec<CaseRecord> = finished.cases.into_iter().map(CaseRecord::from).collect();
    serial += tail_started.elapsed();
    Ok(PilotResult {
        scorecard,
        telemetry: finished.summary,
        findings,
        findings_by_rule,
        timings: PilotTimings {
            total: started.elapsed(),
            agent: agent_time,
            per_case_overhead: Duration::from_nanos(per_case_overhead_ns.load(Ordering::Relaxed)),
            case_building: building_time,
            scoring: scoring_time,
            serial_overhead: serial,
            workers,
        },
        telemetry_export_error: finished.export_error.map(|err| err.to_string()),
        cases,
    })
}

/// What the background thread does while the agent runs a chunk.
struct HelperJob {
    /// The previous chunk, to score.
    score: Option<ChunkRun>,
    /// The next chunk's cases, to build.
    build: Option<Range<u64>>,
}

/// What the background thread did.
struct HelperDone {
    built: Option<Result<Vec<BuiltCase>, CaseError>>,
    scoring: Duration,
    building: Duration,
}

struct RunProgress<'a, P> {
    done: &'a AtomicU64,
    total: u64,
    progress: &'a P,
    overhead_ns: &'a AtomicU64,
}

/// What the workers left of one case for scoring.
struct CaseOutcome {
    /// The parsed output when it passed the output schema.
    output: Option<Value>,
    findings: Vec<Finding>,
}

/// A chunk after the agent ran it.
struct ChunkRun {
    cases: Vec<BuiltCase>,
    outcomes: Vec<CaseOutcome>,
    agent_time: Duration,
}

fn run_chunk<P: Fn(u64, u64) + Sync>(
    scenario: &Scenario,
    decide: Decide<'_>,
    services: &Arc<dyn HostServices>,
    telemetry: &PilotTelemetry,
    mut cases: Vec<BuiltCase>,
    progress: &RunProgress<'_, P>,
) -> ChunkRun {
    // The payloads move to the sandbox's cases and back (scoring hashes them).
    let sandbox_cases: Vec<govlab_sandbox::Case> = cases
        .iter_mut()
        .map(|case| govlab_sandbox::Case {
            scenario: scenario.id().to_owned(),
            payload: std::mem::take(&mut case.payload),
            seed: case.seed,
            clock_start_unix_ns: case.clock_start_unix_ns,
        })
        .collect();
    let slots: Vec<Mutex<Option<CaseOutcome>>> = cases.iter().map(|_| Mutex::new(None)).collect();
    let on_done = |index: usize, report: &CaseReport| {
        let started = Instant::now();
        let Some(case) = cases.get(index) else { return };
        let outcome = check_output(scenario, &case.case_id, report);
        // An `ok` case without a schema-valid decision is invalid output.
        let recorded = match report.outcome {
            SandboxOutcome::Ok if outcome.output.is_none() => Outcome::InvalidOutput,
            other => scoring_outcome(other),
        };
        telemetry.record_case(&CaseSpan {
            case_id: &case.case_id,
            index: case.index,
            outcome: recorded,
            fuel: report.fuel_used,
            peak_memory_bytes: report.peak_memory_bytes,
            latency: report.wall_time,
            findings: u32::try_from(outcome.findings.len()).unwrap_or(u32::MAX),
        });
        *slots[index].lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        let n = progress.done.fetch_add(1, Ordering::Relaxed) + 1;
        (progress.progress)(n, progress.total);
        let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        progress.overhead_ns.fetch_add(spent, Ordering::Relaxed);
    };
    let reports = match decide {
        Decide::Agent(agent) => agent.run_cases(&sandbox_cases, services, on_done),
        Decide::Baseline(decider) => cases
            .iter()
            .enumerate()
            .map(|(index, case)| {
                let report = baseline_report(decider, &case.truth);
                on_done(index, &report);
                report
            })
            .collect(),
    };
    for (case, sandbox_case) in cases.iter_mut().zip(sandbox_cases) {
        case.payload = sandbox_case.payload;
    }
    let agent_time = reports.iter().map(|report| report.wall_time).sum();
    let outcomes = slots
        .into_iter()
        .zip(&reports)
        .zip(&cases)
        .map(|((slot, report), case)| {
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or_else(|| check_output(scenario, &case.case_id, report))
        })
        .collect();
    ChunkRun {
        cases,
        outcomes,
        agent_time,
    }
}

/// A baseline's decision as the sandbox would report an agent's: `ok`, no
/// fuel, no memory (the host did the work).
fn baseline_report(decider: &Decider, truth: &crate::cases::CaseTruth) -> CaseReport {
    CaseReport {
        outcome: SandboxOutcome::Ok,
        output: Some(decider.decide(truth).to_string()),
        agent_error: None,
        detail: None,
        fuel_used: 0,
        peak_memory_bytes: 0,
        wall_time: Duration::ZERO,
        logs: Vec::new(),
        stdout: Vec::new(),
        stderr: Vec::new(),
        denied: Vec::new(),
    }
}

/// The sandbox's outcome as scoring counts it, variant by variant (no
/// string in between, no fallback: a new sandbox outcome fails to compile
/// here until it is placed).
fn scoring_outcome(outcome: SandboxOutcome) -> Outcome {
    match outcome {
        SandboxOutcome::Ok => Outcome::Ok,
        SandboxOutcome::AgentError => Outcome::AgentError,
        SandboxOutcome::InvalidOutput => Outcome::InvalidOutput,
        SandboxOutcome::OutOfFuel => Outcome::OutOfFuel,
        SandboxOutcome::Timeout => Outcome::Timeout,
        SandboxOutcome::MemoryLimit => Outcome::MemoryLimit,
        SandboxOutcome::StackOverflow => Outcome::StackOverflow,
        SandboxOutcome::Panic => Outcome::Panic,
        SandboxOutcome::HostLimit => Outcome::HostLimit,
    }
}

/// Parses an `ok` output and validates it against the output schema.
fn check_output(scenario: &Scenario, case_id: &str, report: &CaseReport) -> CaseOutcome {
    let finding = |rule: &'static str, location: String, message: String| {
        Finding {
            case_id: case_id.to_owned(),
            rule,
            location,
            message,
        }
        .bounded()
    };
    match report.outcome {
        SandboxOutcome::Ok => {}
        SandboxOutcome::InvalidOutput => {
            let detail = report
                .detail
                .clone()
                .unwrap_or_else(|| "the output is not JSON".to_owned());
            return CaseOutcome {
                output: None,
                findings: vec![finding("GL-OUT-001", String::new(), detail)],
            };
        }
        _ => {
            return CaseOutcome {
                output: None,
                findings: Vec::new(),
            };
        }
    }
    let parsed = report.output.as_deref().map(serde_json::from_str::<Value>);
    let value = match parsed {
        Some(Ok(value)) => value,
        Some(Err(err)) => {
            return CaseOutcome {
                output: None,
                findings: vec![finding(
                    "GL-OUT-001",
                    String::new(),
                    format!("the output is not JSON: {err}"),
                )],
            };
        }
        None => {
            return CaseOutcome {
                output: None,
                findings: Vec::new(),
            };
        }
    };
    let validator = scenario.output_validator();
    if validator.is_valid(&value) {
        return CaseOutcome {
            output: Some(value),
            findings: Vec::new(),
        };
    }
    let findings = validator
        .iter_errors(&value)
        .take(5)
        .map(|err| {
            finding(
                "GL-OUT-002",
                err.instance_path().to_string(),
                err.to_string(),
            )
        })
        .collect();
    CaseOutcome {
        output: None,
        findings,
    }
}

/// Scoring state carried across chunks.
struct Scoring<'a> {
    scenario: &'a Scenario,
    evaluator: Evaluator,
    /// Keys the dataset commitment of evaluation pilots.
    split: SplitSeed,
    dataset_hash: Sha256,
    findings: Vec<Finding>,
    by_rule: BTreeMap<&'static str, u64>,
    max_findings: usize,
    /// Buffer for the encoded truth of a case.
    truth_text: String,
}

impl<'a> Scoring<'a> {
    fn new(scenario: &'a Scenario, split: SplitSeed, max_findings: usize) -> Scoring<'a> {
        let mut dataset_hash = Sha256::new();
        dataset_hash.update(b"govlab-dataset-hash/1\n");
        Scoring {
            scenario,
            evaluator: Evaluator::new(scenario),
            split,
            dataset_hash,
            findings: Vec::new(),
            by_rule: BTreeMap::new(),
            max_findings,
            truth_text: String::new(),
        }
    }

    fn keep(&mut self, findings: Vec<Finding>) {
        for finding in findings {
            *self.by_rule.entry(finding.rule).or_default() += 1;
            if self.findings.len() < self.max_findings {
                self.findings.push(finding.bounded());
            }
        }
    }

    fn score(&mut self, run: ChunkRun) {
        for (case, outcome) in run.cases.iter().zip(run.outcomes) {
            // The truth's Debug form is a complete, deterministic encoding
            // and cheaper than JSON on the hot path.
            self.truth_text.clear();
            case.truth.write_debug(&mut self.truth_text);
            for part in [
                case.case_id.as_bytes(),
                case.payload.as_bytes(),
                self.truth_text.as_bytes(),
            ] {
                self.dataset_hash.update((part.len() as u64).to_le_bytes());
                self.dataset_hash.update(part);
            }
            self.keep(outcome.findings);
            let findings =
                self.evaluator
                    .observe(&case.case_id, &case.truth, outcome.output.as_ref());
            self.keep(findings);
        }
    }

    fn finish(
        self,
        labels: &PilotLabels,
    ) -> (
        PilotResults,
        Evaluator,
        Vec<Finding>,
        BTreeMap<&'static str, u64>,
    ) {
        let mut results = PilotResults {
            scenario_id: labels.scenario_id.clone(),
            scenario_version: labels.scenario_version.clone(),
            split: labels.split.clone(),
            agent_sha256: labels.agent_sha256.clone(),
            dataset_hash: self
                .split
                .dataset_commitment(self.dataset_hash.finalize().into()),
            ..PilotResults::default()
        };
        self.evaluator
            .evaluate(None)
            .fill(self.scenario, &mut results);
        (results, self.evaluator, self.findings, self.by_rule)
    }
}

/// Re-runs an evenly spread sample of the pilot's cases with one
/// protected attribute changed at a time (see [`crate::counterfactual`])
/// and counts, per attribute, the twins whose decision differs from the
/// original's. A case without a valid decision has the decision "none".
fn counterfactual_flips(
    scenario: &Scenario,
    split: SplitSeed,
    total: u64,
    agent: &LoadedAgent,
    services: &Arc<dyn HostServices>,
) -> Result<BTreeMap<String, FlipCount>, RunnerError> {
    let attributes = &scenario.def().fairness.counterfactual;
    let mut flips: BTreeMap<String, FlipCount> = BTreeMap::new();
    if attributes.is_empty() || total == 0 {
        return Ok(flips);
    }
    let step = total.div_ceil(COUNTERFACTUAL_SAMPLE).max(1);
    // (twin's position in `runs`, its original's position, attribute).
    let mut pairs: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut runs: Vec<govlab_sandbox::Case> = Vec::new();
    let mut index = 0;
    while index < total {
        for case in build_cases(scenario, split, index..index + 1)? {
            let twins = counterfactual::twins(scenario.kind(), attributes, &case);
            if twins.is_empty() {
                continue;
            }
            let original = runs.len();
            let run = |payload: String| govlab_sandbox::Case {
                scenario: scenario.id().to_owned(),
                payload,
                seed: case.seed,
                clock_start_unix_ns: case.clock_start_unix_ns,
            };
            runs.push(run(case.payload.clone()));
            for twin in twins {
                pairs.push((runs.len(), original, twin.attribute));
                runs.push(run(twin.payload));
            }
        }
        index += step;
    }
    let reports = agent.run_cases(&runs, services, |_, _| {});
    let decision = |report: &CaseReport| -> String {
        let valid = (report.outcome == SandboxOutcome::Ok)
            .then_some(report.output.as_deref())
            .flatten()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .filter(|value| scenario.output_validator().is_valid(value));
        valid.map_or_else(
            || "none".to_owned(),
            |value| counterfactual::decision_key(scenario.kind(), &value),
        )
    };
    let decisions: Vec<String> = reports.iter().map(decision).collect();
    for (twin, original, attribute) in pairs {
        let count = flips.entry(attribute.to_owned()).or_default();
        count.checked += 1;
        if decisions.get(twin) != decisions.get(original) {
            count.flipped += 1;
        }
    }
    Ok(flips)
}

/// Rescores [`RESAMPLES`] bootstrap resamples of the pilot's cases and
/// attaches the 95 % intervals to `scorecard` (see
/// [`govlab_scoring::bootstrap`]). Counterfactual flips are not resampled.
fn attach_intervals(
    scorecard: &mut Scorecard,
    results: &PilotResults,
    evaluator: &Evaluator,
    samples: &[CaseSample],
    config: &govlab_scoring::scorecard::ScoringConfig,
    scenario: &Scenario,
) -> Result<(), RunnerError> {
    let n = evaluator.cases();
    if n == 0 || samples.len() != n {
        return Ok(());
    }
    let cases = n.to_string();
    let mut resampler = Resampler::new(
        n,
        &[
            &scorecard.agent_sha256,
            &scorecard.scenario_id,
            &scorecard.scenario_version,
            &scorecard.split,
            &scorecard.dataset_hash,
            &cases,
        ],
    );
    let mut cards = Vec::with_capacity(RESAMPLES);
    let mut picked: Vec<CaseSample> = Vec::new();
    for _ in 0..RESAMPLES {
        let sample = resampler.resample();
        let mut resampled = PilotResults {
            effectiveness: BTreeMap::new(),
            effectiveness_shown: BTreeMap::new(),
            fidelity: BTreeMap::new(),
            compliance: BTreeMap::new(),
            fairness: BTreeMap::new(),
            ..results.clone()
        };
        evaluator
            .evaluate(Some(&sample))
            .fill(scenario, &mut resampled);
        for (attribute, original) in &results.fairness {
            if let Some(flips) = original.flips {
                resampled
                    .fairness
                    .entry(attribute.clone())
                    .or_insert_with(|| AttributeFairness::new(original.measure))
                    .flips = Some(flips);
            }
        }
        picked.clear();
        picked.extend(
            sample
                .iter()
                .filter_map(|&i| samples.get(i as usize))
                .cloned(),
        );
        let summary = summarize(&picked, Duration::ZERO);
        cards.push(Scorecard::compute(&resampled, &summary, config)?);
    }
    scorecard.attach_intervals(&cards, resampler.scale());
    Ok(())
}

/// The split seed a scorecard's split needs: the public practice seed, or
/// the evaluation split of the lab's evaluation key (see
/// [`crate::secrecy::resolve_key`]), refused without one.
pub fn split_seed(
    split: &str,
    key: Option<crate::secrecy::EvalKey>,
) -> Result<SplitSeed, RunnerError> {
    let split: Split = split.parse()?;
    Ok(SplitSeed::resolve(split, key)?)
}

/// The result of re-executing a pilot from its scorecard.
#[derive(Debug, Clone)]
pub struct RerunReport {
    /// Whether the rerun's signed contents are byte-identical.
    pub identical: bool,
    /// What differs, one line per figure (empty when identical).
    pub differences: Vec<String>,
    /// The rerun itself.
    pub rerun: PilotResult,
}

/// Re-executes the pilot a scorecard describes with `agent_bytes` and
/// compares the results byte for byte (wall times aside).
pub fn rerun(
    scorecard: &Scorecard,
    agent_bytes: &[u8],
    split: SplitSeed,
    config: &RunnerConfig,
) -> Result<RerunReport, RunnerError> {
    let spec = rerun_spec(scorecard, split)?;
    let actual = hex::encode(Sha256::digest(agent_bytes));
    if actual != scorecard.agent_sha256 {
        return Err(RunnerError::WrongAgent {
            expected: scorecard.agent_sha256.clone(),
            actual,
        });
    }
    let rerun = run_pilot(&spec, agent_bytes, config, |_, _| {})?;
    Ok(compare_rerun(scorecard, rerun))
}

/// Re-executes a reference row (`reference:oracle`, `reference:trivial`)
/// and compares it like [`rerun`].
pub fn rerun_baseline(
    scorecard: &Scorecard,
    split: SplitSeed,
    config: &RunnerConfig,
) -> Result<RerunReport, RunnerError> {
    let baseline: Baseline = scorecard
        .reference()
        .and_then(|name| name.parse().ok())
        .ok_or_else(|| RunnerError::NotAReference(scorecard.agent_sha256.clone()))?;
    let spec = rerun_spec(scorecard, split)?;
    let rerun = run_baseline(&spec, baseline, config, |_, _| {})?;
    Ok(compare_rerun(scorecard, rerun))
}

/// The pilot a scorecard describes, if this build can reproduce it.
fn rerun_spec(scorecard: &Scorecard, split: SplitSeed) -> Result<PilotSpec<'static>, RunnerError> {
    if scorecard.format != govlab_scoring::scorecard::SCORECARD_FORMAT {
        return Err(RunnerError::OldFormat(scorecard.format.clone()));
    }
    let scenario = Scenario::builtin(&scorecard.scenario_id)?;
    if scenario.version() != scorecard.scenario_version {
        return Err(RunnerError::WrongVersion {
            scenario: scenario.id().to_owned(),
            expected: scorecard.scenario_version.clone(),
            actual: scenario.version().to_owned(),
        });
    }
    Ok(PilotSpec {
        scenario,
        split,
        cases: Some(scorecard.cases),
    })
}

fn compare_rerun(scorecard: &Scorecard, rerun: PilotResult) -> RerunReport {
    let identical = rerun.scorecard.canonical_json() == scorecard.canonical_json();
    let differences = if identical {
        Vec::new()
    } else {
        differences(scorecard, &rerun.scorecard)
    };
    RerunReport {
        identical,
        differences,
        rerun,
    }
}

/// Figure-by-figure differences of two scorecards.
fn differences(original: &Scorecard, rerun: &Scorecard) -> Vec<String> {
    let mut lines = Vec::new();
    if original.dataset_hash != rerun.dataset_hash {
        lines.push(format!(
            "dataset_hash: {} → {}",
            original.dataset_hash, rerun.dataset_hash
        ));
    }
    if original.cases != rerun.cases {
        lines.push(format!("cases: {} → {}", original.cases, rerun.cases));
    }
    for ((name, before), (_, after)) in original.dimensions.iter().zip(rerun.dimensions.iter()) {
        if before.score != after.score {
            lines.push(format!(
                "{name}.score: {:?} → {:?}",
                before.score, after.score
            ));
        }
        let keys: std::collections::BTreeSet<&String> =
            before.figures.keys().chain(after.figures.keys()).collect();
        for key in keys {
            let (a, b) = (before.figures.get(key), after.figures.get(key));
            if a != b {
                lines.push(format!("{name}.{key}: {a:?} → {b:?}"));
            }
        }
    }
    if original.composite != rerun.composite {
        lines.push(format!(
            "composite: {:?} → {:?}",
            original.composite, rerun.composite
        ));
    }
    if lines.is_empty() {
        lines.push("the signed contents differ outside the figures (weights or labels)".to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::{SandboxOutcome, scoring_outcome};

    #[test]
    fn every_sandbox_outcome_keeps_its_name_in_scoring() {
        for outcome in [
            SandboxOutcome::Ok,
            SandboxOutcome::AgentError,
            SandboxOutcome::InvalidOutput,
            SandboxOutcome::OutOfFuel,
            SandboxOutcome::Timeout,
            SandboxOutcome::MemoryLimit,
            SandboxOutcome::StackOverflow,
            SandboxOutcome::Panic,
            SandboxOutcome::HostLimit,
        ] {
            assert_eq!(scoring_outcome(outcome).as_str(), outcome.as_str());
        }
    }
}
