//! [`Sandbox`] (engine, linker, limits, instance slots) and [`LoadedAgent`]
//! (a validated, compiled, pre-instantiated agent that runs cases).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::{Component, Linker};

use crate::cache::CodeCache;
use crate::config::SandboxConfig;
use crate::error::{LoadError, SandboxError, chain};
use crate::host::{AgentPre, HostServices, HostState};
use crate::inspect::{ComponentInfo, inspect_with_cap};
use crate::run::{Case, CaseReport, run_case};
use crate::slots::Slots;

/// The host that runs agents. Cheap to clone (one `Arc`), `Send + Sync`, no
/// global state: build one per process or per job.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<SandboxInner>,
}

struct SandboxInner {
    engine: Engine,
    linker: Linker<HostState>,
    config: SandboxConfig,
    cache: Option<CodeCache>,
    slots: Slots,
}

impl Sandbox {
    /// Builds the engine, links the host functions and starts the epoch
    /// ticker thread (it stops when the last clone of the sandbox and of its
    /// loaded agents is dropped).
    pub fn new(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let engine = crate::engine::build_engine(&config)?;
        let mut linker = Linker::new(&engine);
        crate::wasi::add_to_linker(&mut linker)
            .and_then(|()| crate::host::add_to_linker(&mut linker))
            .map_err(|err| SandboxError::Linker {
                reason: chain(&err),
            })?;
        crate::engine::start_ticker(&engine)?;
        let cache = config
            .cache_dir
            .clone()
            .map(|dir| CodeCache::open(dir, &engine))
            .transpose()
            .map_err(|err| SandboxError::Cache {
                reason: err.to_string(),
            })?;
        let slots = Slots::new(config.max_concurrent_cases);
        Ok(Sandbox {
            inner: Arc::new(SandboxInner {
                engine,
                linker,
                config,
                cache,
                slots,
            }),
        })
    }

    /// The configuration this sandbox was built with.
    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// Validates, compiles (or loads from the cache) and pre-instantiates an
    /// agent. See [`inspect`](crate::inspect) for the static checks; on top
    /// of them this type-checks `decide` and every import against what the
    /// sandbox links.
    pub fn load(&self, bytes: &[u8]) -> Result<LoadedAgent, LoadError> {
        let config = &self.inner.config;
        let info = inspect_with_cap(bytes, config.max_component_bytes)?;
        info.verdict()?;
        crate::precheck::check(bytes, &config.compile_limits)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let engine = &self.inner.engine;
        let settings = config.engine_settings();
        let compile = || {
            config
                .compiler
                .compile(engine, &settings, bytes, config.compile_timeout)
        };
        let component = match &self.inner.cache {
            Some(cache) => cache.load_or_compile(engine, &sha256, compile)?,
            None => compile()?,
        };
        let pre = self.pre_instantiate(&component)?;
        Ok(LoadedAgent {
            inner: Arc::new(AgentInner {
                sandbox: self.inner.clone(),
                pre,
                sha256,
                info,
            }),
        })
    }

    fn pre_instantiate(&self, component: &Component) -> Result<AgentPre<HostState>, LoadError> {
        let incompatible = |err: wasmtime::Error| LoadError::Incompatible {
            reason: chain(&err),
        };
        let instance_pre = self
            .inner
            .linker
            .instantiate_pre(component)
            .map_err(incompatible)?;
        AgentPre::new(instance_pre).map_err(incompatible)
    }
}

/// An agent ready to run cases: validated, compiled and type-checked once.
/// Cheap to clone, `Send + Sync`. Every case runs in its own fresh instance,
/// so nothing an agent keeps in memory survives from one case to the next.
#[derive(Clone)]
pub struct LoadedAgent {
    inner: Arc<AgentInner>,
}

struct AgentInner {
    sandbox: Arc<SandboxInner>,
    pre: AgentPre<HostState>,
    sha256: String,
    info: ComponentInfo,
}

impl LoadedAgent {
    /// The SHA-256 of the component bytes, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// The component's imports and exports.
    pub fn info(&self) -> &ComponentInfo {
        &self.inner.info
    }

    /// Runs one case in a fresh instance. Never fails: whatever the agent
    /// does ends up in the report's [`Outcome`](crate::Outcome).
    pub fn run_case(&self, case: &Case, services: &Arc<dyn HostServices>) -> CaseReport {
        let sandbox = &self.inner.sandbox;
        let _slot = sandbox.slots.acquire();
        run_case(
            &sandbox.engine,
            &self.inner.pre,
            &sandbox.config.limits,
            case,
            services,
        )
    }

    /// Runs `cases` across the available cores (at most
    /// [`SandboxConfig::max_concurrent_cases`] at once) and returns the
    /// reports in input order. `on_done(index, report)` is called as each
    /// case finishes, from the worker thread that ran it.
    pub fn run_cases(
        &self,
        cases: &[Case],
        services: &Arc<dyn HostServices>,
        on_done: impl Fn(usize, &CaseReport) + Sync,
    ) -> Vec<CaseReport> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = cores
            .min(self.inner.sandbox.config.max_concurrent_cases)
            .min(cases.len())
            .max(1);
        let next = AtomicUsize::new(0);
        let results: Vec<Mutex<Option<CaseReport>>> =
            cases.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(index) else { break };
                        let report = self.run_case(case, services);
                        on_done(index, &report);
                        *results[index]
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner) = Some(report);
                    }
                });
            }
        });
        results
            .into_iter()
            .zip(cases)
            .map(|(slot, case)| {
                slot.into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    // Only reachable if `on_done` panicked on a worker, which
                    // `thread::scope` has already propagated; run it again.
                    .unwrap_or_else(|| self.run_case(case, services))
            })
            .collect()
    }

    #[doc(hidden)]
    pub fn warm_instance_for_benchmarks(
        &self,
        services: &Arc<dyn HostServices>,
    ) -> Result<crate::bench_internals::WarmInstance, String> {
        crate::bench_internals::WarmInstance::new(
            &self.inner.sandbox.engine,
            &self.inner.pre,
            &self.inner.sandbox.config.limits,
            services,
        )
    }
}

#[cfg(test)]
mod tests;
