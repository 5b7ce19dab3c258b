//! Compiling a component with a deadline, and the on-disk cache of compiled
//! code keyed by the SHA-256 of the component and of the engine settings.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::{LoadError, chain};

/// The compiled-code cache in one directory, for one engine configuration.
#[derive(Debug)]
pub(crate) struct CodeCache {
    dir: PathBuf,
    engine_hash: String,
}

impl CodeCache {
    pub(crate) fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut hasher = Sha256Hasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        let engine_hash = hex::encode(hasher.0.finalize());
        CodeCache { dir, engine_hash }
    }

    fn path(&self, component_sha256: &str) -> PathBuf {
        let engine = self.engine_hash.get(..16).unwrap_or(&self.engine_hash);
        self.dir.join(format!("{component_sha256}-{engine}.cwasm"))
    }

    /// Loads the compiled code of `component_sha256`, or compiles `bytes`
    /// (within `timeout`) and stores the result.
    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        component_sha256: &str,
        bytes: &[u8],
        timeout: Duration,
    ) -> Result<Component, LoadError> {
        let path = self.path(component_sha256);
        if path.is_file() {
            // An unreadable or stale artifact is not fatal: compile afresh
            // and overwrite it below.
            if let Ok(component) = deserialize_trusted(engine, &path) {
                return Ok(component);
            }
        }
        let component = compile_with_deadline(engine, bytes, timeout)?;
        let serialized = component.serialize().map_err(|err| LoadError::Compile {
            reason: format!("could not serialize the compiled agent: {}", chain(&err)),
        })?;
        write_atomically(&self.dir, &path, &serialized)?;
        Ok(component)
    }
}

/// Loads compiled code from the cache.
#[allow(
    unsafe_code,
    reason = "wasmtime can only load precompiled code through an unsafe API; see the SAFETY comment"
)]
fn deserialize_trusted(engine: &Engine, path: &Path) -> wasmtime::Result<Component> {
    // Read into memory rather than `Component::deserialize_file`: that maps
    // the file, and anything truncating it later (an operator cleaning the
    // cache) would crash the process with SIGBUS.
    let bytes = std::fs::read(path)?;
    // SAFETY: `Component::deserialize` runs the native code in the file
    // without validating it, so the file must have been produced by
    // `Component::serialize` on a compatible engine and not tampered with.
    // The file lives in the operator-configured cache directory, which only
    // this process writes (documented on `SandboxConfig::cache_dir`), under a
    // name that carries the SHA-256 of the component bytes and of this
    // engine's compilation settings; it is written atomically (temp file +
    // rename) by `write_atomically`. wasmtime itself also checks the
    // artifact's header and engine compatibility and errors on a mismatch.
    unsafe { Component::deserialize(engine, &bytes) }
}

fn write_atomically(dir: &Path, path: &Path, contents: &[u8]) -> Result<(), LoadError> {
    let cache_err = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Cache { path, source }
    };
    std::fs::create_dir_all(dir).map_err(cache_err(dir))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, contents).map_err(cache_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(cache_err(path))?;
    Ok(())
}

/// Compiles `bytes` on its own thread and gives up waiting after `timeout`.
/// wasmtime cannot interrupt a compilation, so a compilation that misses the
/// deadline keeps its thread busy until it finishes and is then dropped.
pub(crate) fn compile_with_deadline(
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

/// Feeds `Hash` output into SHA-256 so the engine hash is stable across runs
/// (unlike `DefaultHasher`, whose algorithm may change).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}
