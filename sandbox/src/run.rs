//! Running one case: a fresh `Store` and instance, the limits applied, the
//! `decide` call, and the classification of whatever happened into a
//! [`CaseReport`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::component::{ResourceTable, ResourceTableError};
use wasmtime::{Store, Trap, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use crate::config::Limits;
use crate::engine::deadline_ticks;
use crate::error::chain;
use crate::host::{
    AgentError, AgentPre, ErrorKind, HostServices, HostState, LogCaps, LogCapture, LogLine,
};
use crate::limiter::{CaseLimiter, LimiterCaps};
use crate::wasi::{DeniedAccess, case_wasi};

/// One case to decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The scenario id passed to `decide`, e.g. `"appeals-triage"`.
    pub scenario: String,
    /// The case as a JSON document, passed to `decide` as is.
    pub payload: String,
    /// Seeds the agent's random number generators (secure and insecure).
    pub seed: u64,
    /// Where the agent's wall clock starts, in nanoseconds since the Unix
    /// epoch. Clocks then advance 1 µs per read and by the requested amount
    /// on every sleep, never with real time.
    pub clock_start_unix_ns: u64,
}

/// How a case ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// `decide` returned a JSON decision within the output cap.
    Ok,
    /// `decide` returned the agent's typed error.
    AgentError,
    /// The decision was not JSON, or was over the output cap.
    InvalidOutput,
    /// The fuel budget ran out.
    OutOfFuel,
    /// The wall-clock deadline passed.
    Timeout,
    /// The agent needed more linear memory than the cap allows.
    MemoryLimit,
    /// The agent exhausted its stack.
    StackOverflow,
    /// The agent crashed: a Rust panic (`unreachable`), another trap, or a
    /// call to `exit`.
    Panic,
    /// The agent flooded the host: logs past the budget, stdout/stderr full,
    /// a decision too large to copy, too many host resources.
    HostLimit,
}

impl Outcome {
    /// The stable name: `ok`, `agent_error`, `invalid_output`, `out_of_fuel`,
    /// `timeout`, `memory_limit`, `stack_overflow`, `panic` or `host_limit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::AgentError => "agent_error",
            Outcome::InvalidOutput => "invalid_output",
            Outcome::OutOfFuel => "out_of_fuel",
            Outcome::Timeout => "timeout",
            Outcome::MemoryLimit => "memory_limit",
            Outcome::StackOverflow => "stack_overflow",
            Outcome::Panic => "panic",
            Outcome::HostLimit => "host_limit",
        }
    }
}

/// Why an agent declined a case (the WIT `error-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AgentErrorKind {
    /// The payload is not what the agent expected.
    InvalidInput,
    /// The agent does not handle this kind of case.
    Unsupported,
    /// Anything else that went wrong inside the agent.
    Internal,
}

impl AgentErrorKind {
    /// `invalid_input`, `unsupported` or `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentErrorKind::InvalidInput => "invalid_input",
            AgentErrorKind::Unsupported => "unsupported",
            AgentErrorKind::Internal => "internal",
        }
    }
}

/// The typed error an agent returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFailure {
    /// Its kind.
    pub kind: AgentErrorKind,
    /// The agent's message, cut at the output cap.
    pub message: String,
}

/// Everything known about one case after it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseReport {
    /// How it ended.
    pub outcome: Outcome,
    /// The decision JSON, when `outcome` is `Ok`.
    pub output: Option<String>,
    /// The agent's typed error, when `outcome` is `AgentError`.
    pub agent_error: Option<AgentFailure>,
    /// What went wrong, for every outcome but `Ok` and `AgentError`: the trap
    /// message, why the output is invalid, which host limit was hit.
    pub detail: Option<String>,
    /// Fuel consumed (0 when fuel metering is off). Deterministic.
    pub fuel_used: u64,
    /// Highest linear memory of the case, in bytes, summed over memories.
    pub peak_memory_bytes: u64,
    /// Real time the case took, including instantiation. Not deterministic.
    pub wall_time: Duration,
    /// Lines logged through `govlab:pilot/host.log`.
    pub logs: Vec<LogLine>,
    /// What the agent wrote to stdout, up to the stdio cap.
    pub stdout: Vec<u8>,
    /// What the agent wrote to stderr (panic messages land here).
    pub stderr: Vec<u8>,
    /// Network attempts that reached the host and were denied.
    pub denied: Vec<DeniedAccess>,
}

/// Longest `detail` kept in a report.
const MAX_DETAIL_BYTES: usize = 4 << 10;

/// Runs one case in a fresh store and instance from `pre`.
pub(crate) fn run_case(
    engine: &wasmtime::Engine,
    pre: &AgentPre<HostState>,
    limits: &Limits,
    case: &Case,
    services: &Arc<dyn HostServices>,
) -> CaseReport {
    let started = Instant::now();
    let mut store = new_store(engine, limits, case, services);
    let result = pre
        .instantiate(&mut store)
        .and_then(|agent| agent.call_decide(&mut store, &case.scenario, &case.payload));
    let wall_time = started.elapsed();

    let fuel_used = match limits.fuel {
        Some(budget) => budget.saturating_sub(store.get_fuel().unwrap_or(0)),
        None => 0,
    };
    let state = store.into_data();
    let stdout = state.stdout.contents().to_vec();
    let stderr = state.stderr.contents().to_vec();
    let stdio_full =
        stdout.len() >= limits.max_stdio_bytes || stderr.len() >= limits.max_stdio_bytes;

    let mut report = CaseReport {
        outcome: Outcome::Ok,
        output: None,
        agent_error: None,
        detail: None,
        fuel_used,
        peak_memory_bytes: u64::try_from(state.limiter.peak_memory_bytes).unwrap_or(u64::MAX),
        wall_time,
        logs: Vec::new(),
        stdout,
        stderr,
        denied: state.denied.take(),
    };
    match result {
        Ok(Ok(output)) => check_output(&mut report, output, limits.max_output_bytes),
        Ok(Err(AgentError { kind, mut message })) => {
            truncate(&mut message, limits.max_output_bytes);
            report.outcome = Outcome::AgentError;
            report.agent_error = Some(AgentFailure {
                kind: match kind {
                    ErrorKind::InvalidInput => AgentErrorKind::InvalidInput,
                    ErrorKind::Unsupported => AgentErrorKind::Unsupported,
                    ErrorKind::Internal => AgentErrorKind::Internal,
                },
                message,
            });
        }
        Err(err) => {
            let full_cap = stdio_full.then_some(limits.max_stdio_bytes);
            let (outcome, detail) = classify(&err, &state, full_cap);
            report.outcome = outcome;
            report.detail = Some(detail);
        }
    }
    if stdio_full
        && matches!(
            report.outcome,
            Outcome::Ok | Outcome::AgentError | Outcome::InvalidOutput
        )
    {
        report.outcome = Outcome::HostLimit;
        report.detail = Some(stdio_full_detail(limits.max_stdio_bytes));
        report.output = None;
        report.agent_error = None;
    }
    report.logs = state.logs.lines;
    if let Some(detail) = &mut report.detail {
        truncate(detail, MAX_DETAIL_BYTES);
    }
    report
}

/// A fresh store for one case, with every per-case limit applied.
pub(crate) fn new_store(
    engine: &wasmtime::Engine,
    limits: &Limits,
    case: &Case,
    services: &Arc<dyn HostServices>,
) -> Store<HostState> {
    let wasi = case_wasi(case.seed, case.clock_start_unix_ns, limits.max_stdio_bytes);
    let mut table = ResourceTable::new();
    table.set_max_capacity(limits.max_resources);
    let state = HostState {
        wasi: wasi.ctx,
        table,
        limiter: CaseLimiter::new(LimiterCaps {
            max_memory_bytes: limits.max_memory_bytes,
            max_table_elements: limits.max_table_elements,
            max_instances: limits.max_instances,
            max_tables: limits.max_tables,
            max_memories: limits.max_memories,
        }),
        logs: LogCapture::new(LogCaps {
            max_line_bytes: limits.max_log_line_bytes,
            max_total_bytes: limits.max_log_bytes,
            max_lines: limits.max_log_lines,
        }),
        services: services.clone(),
        clock: wasi.clock,
        denied: wasi.denied,
        stdout: wasi.stdout,
        stderr: wasi.stderr,
        host_limit: None,
        max_host_input_bytes: limits.max_host_input_bytes,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    if let Some(fuel) = limits.fuel {
        // Fuel is on for this engine (see `build_engine`), so this cannot fail.
        let _ = store.set_fuel(fuel);
    }
    store.set_epoch_deadline(deadline_ticks(limits.timeout));
    store.epoch_deadline_trap();
    store.set_hostcall_fuel(limits.hostcall_bytes);
    store
}

fn check_output(report: &mut CaseReport, output: String, max_output_bytes: usize) {
    if output.len() > max_output_bytes {
        report.outcome = Outcome::InvalidOutput;
        report.detail = Some(format!(
            "the decision is {} bytes, over the {max_output_bytes}-byte output cap",
            output.len()
        ));
        return;
    }
    match serde_json::from_str::<serde::de::IgnoredAny>(&output) {
        Ok(_) => report.output = Some(output),
        Err(err) => {
            report.outcome = Outcome::InvalidOutput;
            report.detail = Some(format!("the decision is not a JSON document: {err}"));
        }
    }
}

fn stdio_full_detail(max_stdio_bytes: usize) -> String {
    format!("the agent filled stdout or stderr ({max_stdio_bytes}-byte cap)")
}

/// Classifies a failed instantiation or call. Host-side causes come first
/// (they explain the trap that follows them), then the trap code.
fn classify(
    err: &wasmtime::Error,
    state: &HostState,
    stdio_full: Option<usize>,
) -> (Outcome, String) {
    let message = chain(err);
    if let Some(reason) = &state.host_limit {
        return (Outcome::HostLimit, reason.clone());
    }
    match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => return (Outcome::OutOfFuel, message),
        Some(Trap::Interrupt) => return (Outcome::Timeout, message),
        Some(Trap::StackOverflow) => return (Outcome::StackOverflow, message),
        _ => {}
    }
    if let Some((current, desired)) = state.limiter.refused_memory {
        return (
            Outcome::MemoryLimit,
            format!(
                "linear memory growth from {current} to {desired} bytes was refused (cap reached); then: {message}"
            ),
        );
    }
    if err.downcast_ref::<Trap>() == Some(&Trap::MemoryOutOfBounds) && looks_like_recursion(err) {
        return (
            Outcome::StackOverflow,
            format!("the agent overflowed its stack in linear memory (deep recursion): {message}"),
        );
    }
    if let Some(cap) = stdio_full {
        return (
            Outcome::HostLimit,
            format!("{}; then: {message}", stdio_full_detail(cap)),
        );
    }
    if message.contains("invalid utf-8") {
        return (
            Outcome::InvalidOutput,
            format!("the agent passed a string that is not valid UTF-8: {message}"),
        );
    }
    if message.contains("fuel allocated for hostcalls has been exhausted") {
        return (
            Outcome::HostLimit,
            format!("the agent made the host copy too much data in one call: {message}"),
        );
    }
    if err.downcast_ref::<ResourceTableError>().is_some() {
        return (
            Outcome::HostLimit,
            format!("too many host resources: {message}"),
        );
    }
    if let Some(exit) = err.downcast_ref::<I32Exit>() {
        return (
            Outcome::Panic,
            format!("the agent called exit({}) instead of returning", exit.0),
        );
    }
    (Outcome::Panic, message)
}

/// Compilers for wasm (Rust, C) keep big stack frames in linear memory, below
/// the data; overflowing that stack ends in an out-of-bounds access rather
/// than wasmtime's stack-overflow trap. A full backtrace cycling through at
/// most two functions is that signature.
fn looks_like_recursion(err: &wasmtime::Error) -> bool {
    let Some(backtrace) = err.downcast_ref::<WasmBacktrace>() else {
        return false;
    };
    let frames = backtrace.frames();
    if frames.len() < MIN_RECURSION_FRAMES {
        return false;
    }
    let mut functions: Vec<u32> = frames.iter().map(|frame| frame.func_index()).collect();
    functions.sort_unstable();
    functions.dedup();
    functions.len() <= 2
}

/// Fewest identical-looking frames taken as runaway recursion (wasmtime
/// captures 20 by default).
const MIN_RECURSION_FRAMES: usize = 16;

fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}
