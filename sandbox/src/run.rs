//! Running one case: a fresh `Store` and instance, the limits applied, the
//! `decide` call, and the classification of whatever happened into a
//! [`CaseReport`].

use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use wasmtime::component::{ResourceTable, ResourceTableError};
use wasmtime::{Store, Trap, UpdateDeadline, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use crate::config::Limits;
use crate::error::chain;
use crate::host::{
    AgentError, AgentPre, ErrorKind, HostServices, HostState, LogCaps, LogCapture, LogLine,
};
use crate::limiter::{CaseLimiter, LimiterCaps};
use crate::text::bounded_text;
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

/// How a case ended. Deliberately exhaustive: a new outcome must be placed
/// in scoring's `Outcome` too, and the compiler says where
/// (`scenarios/src/runner.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
/// Longest agent error message kept in a report (the original length is
/// noted after a cut message).
pub const MAX_AGENT_MESSAGE_BYTES: usize = 4 << 10;
/// Deepest nesting of arrays and objects accepted in a decision (scoring
/// parses decisions into trees; nothing a scenario asks for nests past 10).
pub const MAX_DECISION_DEPTH: usize = 64;

/// Fuel between two looks at the deadline: every this many units a case
/// yields to the host, which ends it if its deadline has passed, with the
/// fuel counted exactly up to there. About a millisecond of wasm.
pub const FUEL_SLICE: u64 = 1_000_000;

/// With fuel on, the deadline is checked at every [`FUEL_SLICE`] and host
/// call; epoch interruption backs that up this long after the deadline, for
/// code that runs without burning fuel. With fuel off, epoch interruption is
/// the check, at the deadline itself (to the next 10 ms tick).
pub const DEADLINE_BACKSTOP: Duration = Duration::from_millis(100);

/// Runs one case in a fresh store and instance from `pre`.
pub(crate) fn run_case(
    engine: &wasmtime::Engine,
    pre: &AgentPre<HostState>,
    limits: &Limits,
    case: &Case,
    services: &Arc<dyn HostServices>,
) -> CaseReport {
    let started = Instant::now();
    let deadline = started + limits.timeout;
    let mut store = new_store(engine, limits, case, services, deadline);
    let result = {
        let store = &mut store;
        let call = async move {
            let agent = pre.instantiate_async(&mut *store).await?;
            agent
                .call_decide(&mut *store, &case.scenario, &case.payload)
                .await
        };
        run_until(call, deadline)
    };
    let wall_time = started.elapsed();
    let result = result.unwrap_or_else(|| {
        Err(wasmtime::Error::new(DeadlinePassed {
            timeout: limits.timeout,
            elapsed: wall_time,
        }))
    });

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
        Ok(Err(AgentError { kind, message })) => {
            let message = bounded_text(&message, MAX_AGENT_MESSAGE_BYTES);
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
        *detail = bounded_text(detail, MAX_DETAIL_BYTES);
    }
    report
}

/// Polls `future` on this thread until it is ready, or until a poll comes
/// back pending (the case yielded at a fuel slice) after `deadline`; the
/// future is then dropped, which unwinds the case. Only fuel yields make
/// the future pending (every host function is synchronous), so polling
/// again at once is right.
pub(crate) fn run_until<F: Future>(future: F, deadline: Instant) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return Some(output);
        }
        if Instant::now() >= deadline {
            return None;
        }
    }
}

/// The error of a case stopped at a fuel slice past its deadline.
#[derive(Debug)]
struct DeadlinePassed {
    timeout: Duration,
    elapsed: Duration,
}

impl std::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the case ran past its {:?} deadline and was stopped after {:?}",
            self.timeout, self.elapsed
        )
    }
}

impl std::error::Error for DeadlinePassed {}

/// A fresh store for one case, with every per-case limit applied.
pub(crate) fn new_store(
    engine: &wasmtime::Engine,
    limits: &Limits,
    case: &Case,
    services: &Arc<dyn HostServices>,
    deadline: Instant,
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
        max_host_output_bytes: limits.max_host_output_bytes,
        deadline,
        fuel_metered: limits.fuel.is_some(),
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    if let Some(fuel) = limits.fuel {
        // Fuel is on for this engine (see `build_engine`), so these cannot
        // fail; the slice makes the case yield so `run_until` can look at
        // the deadline with the fuel counter up to date.
        let _ = store.fuel_async_yield_interval(Some(FUEL_SLICE));
        let _ = store.set_fuel(fuel);
    }
    // Every tick past the first checks the monotonic clock, so a ticker
    // that wakes up late is caught up with instead of counted. An epoch
    // trap leaves the store's fuel counter behind the case's (wasmtime
    // keeps it in a register between calls), so with fuel on the epoch is
    // only the backstop.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|context| {
        let state = context.data();
        let backstop = if state.fuel_metered {
            DEADLINE_BACKSTOP
        } else {
            Duration::ZERO
        };
        Ok(if Instant::now() >= state.deadline + backstop {
            UpdateDeadline::Interrupt
        } else {
            UpdateDeadline::Continue(1)
        })
    });
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
    if let Some(depth) = nesting_over(&output, MAX_DECISION_DEPTH) {
        report.outcome = Outcome::InvalidOutput;
        report.detail = Some(format!(
            "the decision nests arrays and objects {depth} deep, over the {MAX_DECISION_DEPTH}-level limit"
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
    if err.downcast_ref::<DeadlinePassed>().is_some() {
        return (Outcome::Timeout, message);
    }
    match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => return (Outcome::OutOfFuel, message),
        Some(Trap::Interrupt) => {
            return (
                Outcome::Timeout,
                format!("the case ran past its deadline: {message}"),
            );
        }
        Some(Trap::StackOverflow) => return (Outcome::StackOverflow, message),
        // A panic is the agent's own doing unless a flood caused it
        // (`println!` panics once stdout is full).
        Some(Trap::UnreachableCodeReached)
            if starts_with_panic(&state.stderr.contents())
                && stdio_full.is_none_or(|cap| state.stdout.contents().len() < cap) =>
        {
            return (Outcome::Panic, message);
        }
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

/// Whether stderr begins with a Rust panic header: the agent panicked, even
/// if its message then filled stderr.
fn starts_with_panic(stderr: &[u8]) -> bool {
    let head = &stderr[..stderr.len().min(512)];
    let start = head
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    head.starts_with(b"thread '") && head.windows(12).any(|w| w == b" panicked at")
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

/// The nesting depth of `json` if it goes past `max`, scanning bytes
/// outside strings (the text need not be valid JSON).
fn nesting_over(json: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json.as_bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
