//! Errors of the sandbox: failing to set up the host ([`SandboxError`]) and
//! refusing an agent ([`LoadError`]). What an agent does while it runs is
//! never an error: it is an [`Outcome`](crate::Outcome).

use std::path::PathBuf;
use std::time::Duration;

/// The host itself could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// wasmtime rejected the engine configuration.
    #[error("could not build the wasmtime engine: {reason}")]
    Engine {
        /// wasmtime's explanation.
        reason: String,
    },
    /// The host functions could not be linked.
    #[error("could not set up the host functions: {reason}")]
    Linker {
        /// wasmtime's explanation.
        reason: String,
    },
    /// A limit in the configuration makes no sense.
    #[error("invalid sandbox configuration: {reason}")]
    Config {
        /// Which setting is wrong and how to fix it.
        reason: String,
    },
    /// The compiled-code cache directory or its key could not be set up.
    #[error("{reason}")]
    Cache {
        /// What failed, naming the path.
        reason: String,
    },
    /// The epoch ticker thread could not be started.
    #[error("could not start the timeout ticker thread: {source}")]
    Ticker {
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// One import a component may not use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForbiddenImport {
    /// The import name as written in the component, e.g. `wasi:http/outgoing-handler@0.2.0`.
    pub name: String,
    /// Why it is refused, phrased for the agent's author.
    pub reason: String,
}

/// An agent was refused at load time.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file has no bytes.
    #[error(
        "the agent file is empty: upload the .wasm component built with --target wasm32-wasip2"
    )]
    Empty,
    /// The file is over the size cap.
    #[error(
        "the agent file is {size} bytes, over the {limit}-byte limit: build in release mode and strip debug info, or raise max_component_bytes"
    )]
    TooLarge {
        /// Size of the file.
        size: usize,
        /// The configured cap.
        limit: usize,
    },
    /// The file does not start with the WebAssembly magic number.
    #[error(
        "the agent file is not WebAssembly (no \\0asm header): upload the .wasm component built with --target wasm32-wasip2"
    )]
    NotWasm,
    /// The file is a core module, not a component.
    #[error(
        "the agent is a core WebAssembly module, not a component: build with --target wasm32-wasip2 (or wrap it with `wasm-tools component new`)"
    )]
    CoreModule,
    /// The bytes could not be parsed or validated.
    #[error("the agent component is malformed: {reason}")]
    Malformed {
        /// The parser's or validator's explanation.
        reason: String,
    },
    /// The component imports interfaces agents may not use.
    #[error("the agent imports what agents may not use: {}", list_imports(.imports))]
    ForbiddenImports {
        /// Every offending import, in the component's order.
        imports: Vec<ForbiddenImport>,
    },
    /// The component does not export `decide`.
    #[error(
        "the agent does not export `decide`: implement the govlab:pilot/agent@0.1.0 world (see the SDK README)"
    )]
    MissingDecide,
    /// Exports or imports have the wrong types for the agent world.
    #[error("the agent does not match the govlab:pilot/agent@0.1.0 world: {reason}")]
    Incompatible {
        /// wasmtime's type-check explanation.
        reason: String,
    },
    /// Compiling took longer than the configured deadline
    /// ([`SandboxConfig::compile_timeout`](crate::SandboxConfig::compile_timeout)).
    #[error(
        "compiling the agent took longer than the {}-second compile deadline: make the component smaller (release build, fewer and smaller functions), or, if it embeds a language runtime (Python, JavaScript) or the machine is busy, raise the deadline: `--compile-timeout-secs` of `govlab agent check` and `govlab run`, `compile_timeout_secs` under `[limits]` in the portal's configuration (ask the lab)",
        limit.as_secs_f64()
    )]
    CompileTimeout {
        /// The configured deadline.
        limit: Duration,
    },
    /// The component's code is over one of the [`CompileLimits`](crate::CompileLimits),
    /// checked before compiling.
    #[error("the agent's code is over the sandbox's `{limit}` limit ({value} > {cap}): {advice}")]
    OverCompileLimit {
        /// The limit's name, as in [`CompileLimits`](crate::CompileLimits).
        limit: &'static str,
        /// What the component has.
        value: u64,
        /// The cap.
        cap: u64,
        /// What the author can do about it.
        advice: &'static str,
    },
    /// The compiler's child process ran out of its memory limit.
    #[error(
        "compiling the agent needed more than the compiler's {limit_bytes}-byte memory limit: make the component smaller (fewer and smaller functions)"
    )]
    CompileMemory {
        /// The child process's memory limit.
        limit_bytes: u64,
    },
    /// wasmtime could not compile the component.
    #[error("could not compile the agent: {reason}")]
    Compile {
        /// wasmtime's explanation.
        reason: String,
    },
    /// The compiled-code cache could not be written.
    #[error("could not write the compiled-code cache at {}: {source}; check the cache directory or leave cache_dir unset", path.display())]
    Cache {
        /// The file or directory involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

fn list_imports(imports: &[ForbiddenImport]) -> String {
    let parts: Vec<String> = imports
        .iter()
        .map(|it| format!("`{}` ({})", it.name, it.reason))
        .collect();
    parts.join("; ")
}

/// Renders a wasmtime error with its chain of causes on one line.
pub(crate) fn chain(err: &wasmtime::Error) -> String {
    let parts: Vec<String> = err.chain().map(|cause| cause.to_string()).collect();
    parts.join(": ")
}
