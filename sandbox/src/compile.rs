//! Turning component bytes into native code within bounds: in this process
//! on a thread with a deadline, or in a child process under a memory limit
//! that is killed at the deadline (so a refused compile frees its memory at
//! once), with at most a fixed number of compilations at a time.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::{LoadError, chain};
use crate::slots::Slots;

/// Largest native artifact read back from a compiler child process.
const MAX_ARTIFACT_BYTES: usize = 1 << 30;
/// Most of a compiler child's stderr kept for the error message.
const MAX_CHILD_STDERR_BYTES: usize = 16 << 10;
/// Most component bytes a compiler child reads (the parent has already
/// applied [`SandboxConfig::max_component_bytes`](crate::SandboxConfig::max_component_bytes)).
const MAX_CHILD_INPUT_BYTES: u64 = 256 << 20;
/// Exit code of a child that refused or failed to compile the component.
const EXIT_COMPILE_ERROR: u8 = 3;
/// Exit code of a child started with arguments it does not understand.
const EXIT_USAGE: u8 = 64;
/// How often the parent checks on a compiler child.
const POLL: Duration = Duration::from_millis(5);

/// Where and how many components are compiled. Clones share one bound on
/// concurrent compilations, so give every [`Sandbox`](crate::Sandbox) of a
/// process a clone of the same `Compiler`.
#[derive(Clone, Debug)]
pub struct Compiler {
    inner: Arc<CompilerInner>,
}

#[derive(Debug)]
struct CompilerInner {
    child: Option<ChildCompiler>,
    slots: Slots,
}

#[derive(Debug)]
struct ChildCompiler {
    program: PathBuf,
    args: Vec<OsString>,
    memory_limit_bytes: u64,
}

impl Default for Compiler {
    /// Compiles in this process, one component at a time.
    fn default() -> Self {
        Compiler::in_process(1)
    }
}

impl Compiler {
    /// Compiles on a thread of this process, at most `max_concurrent` at a
    /// time. A compilation past its deadline is abandoned but keeps its
    /// thread and memory until it finishes: use [`Compiler::child_process`]
    /// wherever untrusted uploads are compiled.
    pub fn in_process(max_concurrent: usize) -> Self {
        Compiler {
            inner: Arc::new(CompilerInner {
                child: None,
                slots: Slots::new(max_concurrent.max(1)),
            }),
        }
    }

    /// Compiles in a child process, `program args…`, which must call
    /// [`compile_child_main`] with the arguments after `args` (the `govlab`
    /// binary does this for `govlab sandbox-compile`). The child limits its
    /// own data memory to `memory_limit_bytes` (`RLIMIT_DATA`) and is killed
    /// at the compile deadline. At most `max_concurrent` children run at
    /// once; further loads wait for a slot.
    pub fn child_process(
        program: PathBuf,
        args: Vec<OsString>,
        memory_limit_bytes: u64,
        max_concurrent: usize,
    ) -> Self {
        Compiler {
            inner: Arc::new(CompilerInner {
                child: Some(ChildCompiler {
                    program,
                    args,
                    memory_limit_bytes,
                }),
                slots: Slots::new(max_concurrent.max(1)),
            }),
        }
    }

    /// Whether compilations run in a child process.
    pub fn is_child_process(&self) -> bool {
        self.inner.child.is_some()
    }

    /// Compiles `bytes` for `engine` within `timeout`, waiting for a free
    /// compile slot first (the wait does not count against the deadline).
    pub(crate) fn compile(
        &self,
        engine: &Engine,
        settings: &EngineSettings,
        bytes: &[u8],
        timeout: Duration,
    ) -> Result<Component, LoadError> {
        let _slot = self.inner.slots.acquire();
        match &self.inner.child {
            None => compile_on_thread(engine, bytes, timeout),
            Some(child) => {
                let artifact = child.compile(settings, bytes, timeout)?;
                deserialize_own(engine, &artifact).map_err(|err| LoadError::Compile {
                    reason: format!(
                        "the compiler process's output did not load: {}",
                        chain(&err)
                    ),
                })
            }
        }
    }
}

/// The engine settings that change compiled code, passed to a compiler
/// child so it builds an engine that produces code this process accepts
/// (wasmtime refuses an artifact from an incompatible engine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EngineSettings {
    pub(crate) fuel: bool,
    pub(crate) max_wasm_stack_bytes: usize,
}

impl EngineSettings {
    fn to_args(self) -> Vec<OsString> {
        vec![
            "--fuel".into(),
            if self.fuel { "on" } else { "off" }.into(),
            "--max-wasm-stack".into(),
            self.max_wasm_stack_bytes.to_string().into(),
        ]
    }
}

impl ChildCompiler {
    fn compile(
        &self,
        settings: &EngineSettings,
        bytes: &[u8],
        timeout: Duration,
    ) -> Result<Vec<u8>, LoadError> {
        let started = Instant::now();
        let spawn_failed = |err: std::io::Error| LoadError::Compile {
            reason: format!(
                "could not start the compiler process {}: {err}",
                self.program.display()
            ),
        };
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .args(settings.to_args())
            .arg("--memory-limit")
            .arg(self.memory_limit_bytes.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_failed)?;
        let stdout = read_capped(child.stdout.take(), MAX_ARTIFACT_BYTES);
        let stderr = read_capped(child.stderr.take(), MAX_CHILD_STDERR_BYTES);
        if let Some(mut stdin) = child.stdin.take() {
            let input = bytes.to_vec();
            std::thread::spawn(move || {
                // A child that dies early closes the pipe: its exit status says why.
                let _ = stdin.write_all(&input);
            });
        }
        let status = wait_with_deadline(&mut child, started + timeout);
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        let Some(status) = status else {
            return Err(LoadError::CompileTimeout { limit: timeout });
        };
        let message = String::from_utf8_lossy(&stderr).trim().to_owned();
        if status.code() == Some(0) {
            if stdout.len() > MAX_ARTIFACT_BYTES {
                return Err(LoadError::Compile {
                    reason: format!(
                        "the compiled agent is over {MAX_ARTIFACT_BYTES} bytes: make the component smaller"
                    ),
                });
            }
            return Ok(stdout);
        }
        if status.code() == Some(i32::from(EXIT_COMPILE_ERROR)) {
            return Err(LoadError::Compile { reason: message });
        }
        if ran_out_of_memory(&status, &message) {
            return Err(LoadError::CompileMemory {
                limit_bytes: self.memory_limit_bytes,
            });
        }
        Err(LoadError::Compile {
            reason: format!("the compiler process failed ({status}): {message}"),
        })
    }
}

/// Reads `stream` to its end on a thread, keeping at most `cap` + 1 bytes
/// (one past the cap, so an oversized output is seen).
fn read_capped<R: Read + Send + 'static>(
    stream: Option<R>,
    cap: usize,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(stream) = stream {
            let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
            let _ = stream.take(limit).read_to_end(&mut out);
        }
        out
    })
}

/// Waits for `child` until `deadline`; past it, kills and reaps the child
/// and returns `None`.
fn wait_with_deadline(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// A child that hit `RLIMIT_DATA` aborts from Rust's allocation error
/// handler (which says so on stderr); one the kernel's OOM killer stopped
/// got `SIGKILL`. Any other death is reported as it is.
fn ran_out_of_memory(status: &ExitStatus, stderr: &str) -> bool {
    use std::os::unix::process::ExitStatusExt;
    const SIGKILL: i32 = 9;
    stderr.contains("memory allocation of") || status.signal() == Some(SIGKILL)
}

/// Compiles `bytes` on its own thread and gives up waiting after `timeout`.
/// wasmtime cannot interrupt a compilation, so a compilation that misses the
/// deadline keeps its thread busy until it finishes and is then dropped.
fn compile_on_thread(
    engine: &Engine,
    bytes: &[u8],
    timeout: Duration,
) -> Result<Component, LoadError> {
    let (sender, receiver) = mpsc::sync_channel(1);
    let engine = engine.clone();
    let bytes = bytes.to_vec();
    std::thread::Builder::new()
        .name("govlab-compile".to_owned())
        .spawn(move || {
            // The receiver is gone when the deadline passed: nothing to report.
            let _ = sender.send(Component::from_binary(&engine, &bytes));
        })
        .map_err(|err| LoadError::Compile {
            reason: format!("could not start the compiler thread: {err}"),
        })?;
    match receiver.recv_timeout(timeout) {
        Ok(Ok(component)) => Ok(component),
        Ok(Err(err)) => Err(LoadError::Compile {
            reason: chain(&err),
        }),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(LoadError::CompileTimeout { limit: timeout }),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(LoadError::Compile {
            reason: "the compiler thread stopped without an answer".to_owned(),
        }),
    }
}

/// Loads native code this process produced or has verified.
#[allow(
    unsafe_code,
    reason = "wasmtime can only load precompiled code through an unsafe API; see the SAFETY comment"
)]
pub(crate) fn deserialize_own(engine: &Engine, artifact: &[u8]) -> wasmtime::Result<Component> {
    // SAFETY: `Component::deserialize` runs the native code in `artifact`
    // without validating it, so it must come from `Engine::precompile_component`
    // or `Component::serialize` of a compatible engine, untampered. Callers
    // pass either the stdout of a compiler child this process started (our
    // own binary compiling with wasmtime, exactly like the in-process path)
    // or a cache file whose HMAC under the cache's secret key was verified
    // just before (see `cache.rs`). wasmtime also checks the artifact's
    // header and engine compatibility and errors on a mismatch.
    unsafe { Component::deserialize(engine, artifact) }
}

/// The entry point of a compiler child process (see
/// [`Compiler::child_process`]): reads a component on stdin, compiles it
/// with the engine settings given in `args` under the given memory limit,
/// writes the native artifact to stdout. Exit codes: 0 done, 3 the
/// component did not compile (reason on stderr), 64 bad arguments.
pub fn compile_child_main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let Some((settings, memory_limit)) = parse_child_args(args) else {
        eprintln!("usage: --fuel on|off --max-wasm-stack BYTES --memory-limit BYTES");
        return ExitCode::from(EXIT_USAGE);
    };
    if let Err(err) = limit_own_memory(memory_limit) {
        eprintln!("could not set the compiler's memory limit: {err}");
        return ExitCode::from(EXIT_USAGE);
    }
    let mut bytes = Vec::new();
    if let Err(err) = std::io::stdin()
        .take(MAX_CHILD_INPUT_BYTES)
        .read_to_end(&mut bytes)
    {
        eprintln!("could not read the component: {err}");
        return ExitCode::from(EXIT_COMPILE_ERROR);
    }
    let engine = match crate::engine::compile_engine(settings) {
        Ok(engine) => engine,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(EXIT_COMPILE_ERROR);
        }
    };
    match engine.precompile_component(&bytes) {
        Ok(artifact) => match std::io::stdout().lock().write_all(&artifact) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("could not write the compiled agent: {err}");
                ExitCode::from(EXIT_COMPILE_ERROR)
            }
        },
        Err(err) => {
            eprintln!("{}", chain(&err));
            ExitCode::from(EXIT_COMPILE_ERROR)
        }
    }
}

fn parse_child_args(args: impl IntoIterator<Item = OsString>) -> Option<(EngineSettings, u64)> {
    let mut fuel = None;
    let mut stack = None;
    let mut memory = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next()?.into_string().ok()?;
        match flag.to_str()? {
            "--fuel" => fuel = Some(value == "on"),
            "--max-wasm-stack" => stack = value.parse().ok(),
            "--memory-limit" => memory = value.parse().ok(),
            _ => return None,
        }
    }
    Some((
        EngineSettings {
            fuel: fuel?,
            max_wasm_stack_bytes: stack?,
        },
        memory?,
    ))
}

/// Caps this process's data memory (heap and anonymous private writable
/// mappings, which is what the compiler allocates).
fn limit_own_memory(bytes: u64) -> std::io::Result<()> {
    let limit = rustix::process::Rlimit {
        current: Some(bytes),
        maximum: Some(bytes),
    };
    rustix::process::setrlimit(rustix::process::Resource::Data, limit).map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_arguments_round_trip_and_refuse_unknown_flags() {
        let settings = EngineSettings {
            fuel: true,
            max_wasm_stack_bytes: 1234,
        };
        let mut args = settings.to_args();
        args.extend(["--memory-limit".into(), "99".into()]);
        assert_eq!(parse_child_args(args), Some((settings, 99)));
        assert_eq!(parse_child_args(vec!["--fuel".into()]), None);
        assert_eq!(parse_child_args(vec!["--other".into(), "1".into()]), None);
    }
}
