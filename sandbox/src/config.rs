//! Configuration of a [`Sandbox`](crate::Sandbox): where compiled code is
//! cached, how agents are accepted, and the per-case [`Limits`].

use std::path::PathBuf;
use std::time::Duration;

use crate::compile::{Compiler, EngineSettings};
use crate::precheck::CompileLimits;

/// The default of [`SandboxConfig::compile_timeout`].
pub const DEFAULT_COMPILE_TIMEOUT: Duration = Duration::from_secs(60);

/// How a [`Sandbox`](crate::Sandbox) is set up. Every field has a sane
/// default (see [`SandboxConfig::default`]).
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The limits applied to every case run by this sandbox.
    pub limits: Limits,
    /// Largest component file accepted by [`Sandbox::load`](crate::Sandbox::load).
    /// Default: 32 MiB.
    pub max_component_bytes: usize,
    /// How long compiling one component may take before the load is refused.
    /// A child-process compiler is killed at the deadline; an in-process one
    /// keeps running on its thread until done (wasmtime cannot interrupt it)
    /// but the caller gets its answer in time. Components that embed a
    /// language runtime (componentize-py, componentize-js) take 30–40 s on
    /// a quiet 2-core machine. The `govlab` CLI sets it with
    /// `--compile-timeout-secs`, the portal with `[limits]
    /// compile_timeout_secs`. Default: [`DEFAULT_COMPILE_TIMEOUT`] (60 s).
    pub compile_timeout: Duration,
    /// Static caps on a component's code, checked before compiling.
    pub compile_limits: CompileLimits,
    /// Where components are compiled and how many at once. Default: in this
    /// process, one at a time; servers that compile uploads should use
    /// [`Compiler::child_process`].
    pub compiler: Compiler,
    /// Directory for compiled code, keyed by the SHA-256 of the component and
    /// of the engine configuration. `None` compiles on every load.
    ///
    /// Only point this at a directory that the govlab process alone can
    /// write: loading a cached artifact runs native code from it.
    pub cache_dir: Option<PathBuf>,
    /// How many cases may run at the same time across all agents loaded from
    /// this sandbox. Instance pools are sized from this; extra cases wait for
    /// a free slot. Default: twice the number of available cores, at least 4.
    pub max_concurrent_cases: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        SandboxConfig {
            limits: Limits::default(),
            max_component_bytes: 32 << 20,
            compile_timeout: DEFAULT_COMPILE_TIMEOUT,
            compile_limits: CompileLimits::default(),
            compiler: Compiler::default(),
            cache_dir: None,
            max_concurrent_cases: (cores * 2).max(4),
        }
    }
}

impl SandboxConfig {
    /// The settings that change compiled code.
    pub(crate) fn engine_settings(&self) -> EngineSettings {
        EngineSettings {
            fuel: self.limits.fuel.is_some(),
            max_wasm_stack_bytes: self.limits.max_wasm_stack_bytes,
        }
    }
}

/// Resource limits applied to each case. A case that hits one ends with the
/// matching [`Outcome`](crate::Outcome); the host and the other cases carry on.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Fuel budget per case (roughly one unit per WebAssembly instruction).
    /// Running out ends the case as `out_of_fuel`. `None` turns fuel metering
    /// off for the whole sandbox, which makes runs faster but leaves only the
    /// wall-clock `timeout`; use it for measurements, not for scoring.
    /// Default: 1 000 000 000.
    pub fuel: Option<u64>,
    /// Wall-clock deadline per case, from the start of instantiation, read
    /// from the monotonic clock: checked every [`FUEL_SLICE`](crate::FUEL_SLICE)
    /// units of fuel, at every host call, and (with fuel off, or past the
    /// deadline by [`DEADLINE_BACKSTOP`](crate::DEADLINE_BACKSTOP)) by epoch
    /// interruption. Ends the case as `timeout`, with the fuel it burnt.
    /// Default: 5 s.
    pub timeout: Duration,
    /// Cap on the linear memory of a case, summed over its memories. Growth
    /// past it is refused and the case usually ends as `memory_limit`.
    /// Default: 128 MiB.
    pub max_memory_bytes: usize,
    /// Cap on the elements of any one table. Default: 20 000.
    pub max_table_elements: usize,
    /// Cap on core instances per case (a Rust agent uses a handful).
    /// Default: 32.
    pub max_instances: usize,
    /// Cap on tables per case. Default: 32.
    pub max_tables: usize,
    /// Cap on linear memories per case. Default: 4.
    pub max_memories: usize,
    /// Native stack the agent may use. Ends the case as `stack_overflow`.
    /// Default: 512 KiB.
    pub max_wasm_stack_bytes: usize,
    /// Cap on the decision returned by `decide`. A longer decision ends the
    /// case as `invalid_output`. Default: 1 MiB.
    pub max_output_bytes: usize,
    /// Most data the agent may make the host copy out of its memory in one
    /// call (wasmtime's hostcall fuel). A decision too big to copy at all ends
    /// the case as `host_limit`. Default: 4 MiB.
    pub hostcall_bytes: usize,
    /// Longest log line kept; longer lines are truncated. Default: 1 KiB.
    pub max_log_line_bytes: usize,
    /// Total log bytes per case (after truncation). Exceeding it ends the case
    /// as `host_limit`. Default: 64 KiB.
    pub max_log_bytes: usize,
    /// Total log lines per case. Exceeding it ends the case as `host_limit`.
    /// Default: 1 000.
    pub max_log_lines: usize,
    /// Capacity of each of stdout and stderr. Filling one ends the case as
    /// `host_limit`. Default: 64 KiB.
    pub max_stdio_bytes: usize,
    /// Cap on the host resources (streams, sockets...) an agent holds at once.
    /// Default: 1 000.
    pub max_resources: usize,
    /// Cap on each input of `lookup-code` and `convert`: longer inputs are
    /// answered with "not found" / an error without reaching the services.
    /// Default: 64 KiB.
    pub max_host_input_bytes: usize,
    /// Cap on what `convert` returns: a record that would convert to more is
    /// answered with an error instead. Default: 256 KiB.
    pub max_host_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: Some(1_000_000_000),
            timeout: Duration::from_secs(5),
            max_memory_bytes: 128 << 20,
            max_table_elements: 20_000,
            max_instances: 32,
            max_tables: 32,
            max_memories: 4,
            max_wasm_stack_bytes: 512 << 10,
            max_output_bytes: 1 << 20,
            hostcall_bytes: 4 << 20,
            max_log_line_bytes: 1 << 10,
            max_log_bytes: 64 << 10,
            max_log_lines: 1_000,
            max_stdio_bytes: 64 << 10,
            max_resources: 1_000,
            max_host_input_bytes: 64 << 10,
            max_host_output_bytes: 256 << 10,
        }
    }
}
