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
//! even when unused). Anything else — `wasi:http`, unknown packages, another
//! version of our world — is refused with a message naming the import.
//! Compilation runs on its own thread with a deadline
//! ([`SandboxConfig::compile_timeout`]); compiled code may be cached on disk
//! keyed by the SHA-256 of the component and of the engine settings.
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
//! - the host functions `log`, `lookup-code` and `convert`, with bounded
//!   inputs, backed by a [`HostServices`].
//!
//! The same agent on the same case therefore produces the same output and
//! consumes the same fuel every time (NaN canonicalization is on, relaxed
//! SIMD is deterministic, threads are off).
//!
//! **Limits per case** ([`Limits`]): fuel, an epoch-based wall-clock
//! deadline (a background thread ticks every 10 ms), linear memory, tables
//! and instances via a resource limiter, the wasm stack, the decision size,
//! the data copied per host call, log lines (1 KiB each) and log volume,
//! stdout/stderr capacity, and the host resource table.
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
mod config;
mod engine;
mod error;
mod host;
mod inspect;
mod limiter;
mod run;
mod sandbox;
mod wasi;

#[doc(hidden)]
pub mod bench_internals;

pub use config::{Limits, SandboxConfig};
pub use error::{ForbiddenImport, LoadError, SandboxError};
pub use host::{CodeEntry, HostServices, LogLevel, LogLine, NoServices};
pub use inspect::{ComponentInfo, DEFAULT_MAX_COMPONENT_BYTES, ImportInfo, ImportVerdict, inspect};
pub use run::{AgentErrorKind, AgentFailure, Case, CaseReport, Outcome};
pub use sandbox::{LoadedAgent, Sandbox};
pub use wasi::{DeniedAccess, DeniedKind};
