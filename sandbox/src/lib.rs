//! `govlab-sandbox`: runs untrusted govlab agents (WebAssembly components
//! targeting `govlab:pilot/agent@0.1.0`, see `sdk/wit/world.wit`) in
//! locked-down wasmtime sandboxes, one fresh instance per case.
//!
//! # Using it
//!
//! ```no_run
//! use std::sync::Arc;
//! use govlab_sandbox::{Case, HostServices, NoServices, Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::new(SandboxConfig::default())?;
//! let agent = sandbox.load(&std::fs::read("agent.wasm")?)?;
//! let services: Arc<dyn HostServices> = Arc::new(NoServices);
//! let case = Case {
//!     scenario: "appeals-triage".to_owned(),
//!     payload: r#"{"id":"A-1"}"#.to_owned(),
//!     seed: 7,
//!     clock_start_unix_ns: 1_750_000_000_000_000_000,
//! };
//! let report = agent.run_case(&case, &services);
//! println!("{} in {} fuel", report.outcome.as_str(), report.fuel_used);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`inspect`] lists a component's imports and exports with a verdict on
//! each, without compiling it (for `govlab agent check`).
//!
//! # Security model
//!
//! **At load** ([`Sandbox::load`]) an agent must be a component (core modules
//! are refused), at most [`SandboxConfig::max_component_bytes`], export
//! `decide` with the world's type, and import only `govlab:pilot/host` and
//! `govlab:pilot/types` at version 0.1.0 or WASI 0.2.x `cli`, `io`,
//! `clocks`, `random`, `filesystem` and `sockets` (Rust's std imports these
//! even when unused). Anything else — `wasi:http`, unknown packages,
//! another version of our world — is refused with a message naming the
//! import. The code is then held to [`CompileLimits`] (function body size,
//! locals, block nesting, number of functions, element and data segments),
//! checked with wasmparser before Cranelift sees a byte. Compilation runs
//! where the [`Compiler`] says: in a child process under a memory limit,
//! killed at [`SandboxConfig::compile_timeout`] (what the `govlab` binary
//! and the portal use), or on a thread of this process; a fixed number at
//! once. Compiled code may be cached on disk (mode 0600 in a 0700
//! directory) keyed by the SHA-256 of the component and of the engine
//! settings; every cached file carries an HMAC under the cache's secret
//! key, checked before loading, and a file that fails is deleted and
//! recompiled.
//!
//! **What an agent can reach while it runs** (WASI deny-by-default):
//! - no files: no directories are preopened;
//! - no network: TCP and UDP sockets cannot be created, DNS lookups are
//!   denied, and any address check refuses; every such attempt is recorded
//!   in [`CaseReport::denied`];
//! - no environment variables, no arguments, an empty stdin;
//! - stdout and stderr go to capped in-memory pipes returned in the report;
//! - clocks are virtual: the wall clock starts at
//!   [`Case::clock_start_unix_ns`], both clocks advance 1 µs per read, and
//!   sleeps advance them instantly instead of blocking the host;
//! - random numbers (secure and insecure) are seeded from [`Case::seed`];
//! - the host functions `log`, `lookup-code` and `convert`, backed by a
//!   [`HostServices`]: each call is charged fuel by the bytes it carries
//!   in and out, checks the case's deadline before and after, and has its
//!   own input and output caps.
//!
//! The same agent on the same case therefore produces the same output and
//! consumes the same fuel every time (NaN canonicalization is on, relaxed
//! SIMD is deterministic, threads are off).
//!
//! **Limits per case** ([`Limits`]): fuel, a wall-clock deadline, linear
//! memory, tables and instances via a resource limiter, the wasm stack, the
//! decision's size and nesting ([`MAX_DECISION_DEPTH`]), the data copied per
//! host call, log lines (1 KiB each) and log volume, stdout/stderr capacity,
//! the host resource table, and what is kept of an agent's error message
//! ([`MAX_AGENT_MESSAGE_BYTES`], control characters escaped).
//!
//! **Deadlines and fuel**: the deadline is measured on the monotonic clock
//! from the start of the case. With fuel on, a case yields to the host
//! every [`FUEL_SLICE`] units; the host ends it there once the deadline has
//! passed, so the fuel reported for a timed-out case is what it burnt, and
//! the overshoot is one slice (about a millisecond of wasm) plus scheduling.
//! Host calls check the deadline too. Epoch interruption (a ticker thread,
//! every 10 ms, comparing the clock rather than counting ticks) is the
//! check when fuel is off, and a backstop [`DEADLINE_BACKSTOP`] after the
//! deadline when it is on.
//!
//! **Isolation**: every case gets a fresh `Store` and instance from a
//! pre-instantiated component on the pooling allocator (copy-on-write
//! memory images), so nothing leaks between cases, and a case that traps
//! never affects the host or other cases.
//!
//! # Outcomes
//!
//! Whatever an agent does is an [`Outcome`], never an error: `ok`,
//! `agent_error` (its typed error), `invalid_output` (not JSON, or over the
//! cap), `out_of_fuel`, `timeout`, `memory_limit`, `stack_overflow`, `panic`
//! (a Rust panic, any other trap, or `exit`), `host_limit` (log budget,
//! full stdout/stderr, a decision too big to copy, too many resources).
//! `Result` errors are for the host only: [`SandboxError`] when the engine
//! cannot be built, [`LoadError`] when an agent is refused.
#![deny(missing_docs)]

mod cache;
mod compile;
mod config;
mod engine;
mod error;
mod host;
mod inspect;
mod limiter;
mod precheck;
mod run;
mod sandbox;
mod slots;
mod text;
mod wasi;

#[doc(hidden)]
pub mod bench_internals;

pub use compile::{Compiler, compile_child_main};
pub use config::{DEFAULT_COMPILE_TIMEOUT, Limits, SandboxConfig};
pub use error::{ForbiddenImport, LoadError, SandboxError};
pub use host::{CodeEntry, HostServices, LogLevel, LogLine, NoServices};
pub use inspect::{ComponentInfo, DEFAULT_MAX_COMPONENT_BYTES, ImportInfo, ImportVerdict, inspect};
pub use precheck::CompileLimits;
pub use run::{
    AgentErrorKind, AgentFailure, Case, CaseReport, DEADLINE_BACKSTOP, FUEL_SLICE,
    MAX_AGENT_MESSAGE_BYTES, MAX_DECISION_DEPTH, Outcome,
};
pub use sandbox::{LoadedAgent, Sandbox};
pub use text::bounded_text;
pub use wasi::{DeniedAccess, DeniedKind};
