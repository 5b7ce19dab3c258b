//! The wasmtime engine every case runs on (deterministic, metered, pooled)
//! and the epoch ticker thread that backs per-case wall-clock deadlines.

use std::time::Duration;

use wasmtime::{
    Config, Enabled, Engine, EngineWeak, InstanceAllocationStrategy, OperatorCost,
    PoolingAllocationConfig, WasmFeatures,
};

use crate::compile::EngineSettings;
use crate::config::SandboxConfig;
use crate::error::{SandboxError, chain};

/// Linear memory kept resident per pool slot between cases.
const KEEP_RESIDENT_BYTES: usize = 4 << 20;
/// Table memory kept resident per pool slot between cases.
const KEEP_RESIDENT_TABLE_BYTES: usize = 64 << 10;

/// How often the epoch advances: how often a case without fuel looks at the
/// clock (see `run::new_store`).
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Builds the engine for `config`.
pub(crate) fn build_engine(config: &SandboxConfig) -> Result<Engine, SandboxError> {
    let limits = &config.limits;
    let invalid = |reason: &str| SandboxError::Config {
        reason: reason.to_owned(),
    };
    if config.max_concurrent_cases == 0 {
        return Err(invalid("max_concurrent_cases must be at least 1"));
    }
    if limits.max_instances == 0 || limits.max_memories == 0 {
        return Err(invalid("max_instances and max_memories must be at least 1"));
    }
    if limits.timeout.is_zero() {
        return Err(invalid("the per-case timeout must be above zero"));
    }
    let slots = u32::try_from(config.max_concurrent_cases)
        .map_err(|_| invalid("max_concurrent_cases is too large"))?;
    let per_case = |n: usize, what: &str| {
        u32::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(slots))
            .ok_or_else(|| invalid(&format!("{what} times max_concurrent_cases is too large")))
    };

    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        .total_core_instances(per_case(limits.max_instances, "max_instances")?)
        .total_memories(per_case(limits.max_memories, "max_memories")?)
        .total_tables(per_case(limits.max_tables, "max_tables")?)
        .max_core_instances_per_component(
            u32::try_from(limits.max_instances)
                .map_err(|_| invalid("max_instances is too large"))?,
        )
        .max_memories_per_component(
            u32::try_from(limits.max_memories).map_err(|_| invalid("max_memories is too large"))?,
        )
        .max_tables_per_component(
            u32::try_from(limits.max_tables).map_err(|_| invalid("max_tables is too large"))?,
        )
        .max_memory_size(limits.max_memory_bytes)
        .table_elements(limits.max_table_elements)
        .max_unused_warm_slots(slots)
        // Per-case isolation without per-case page faults: when a slot is
        // reused, reset only the pages the last case dirtied (PAGEMAP_SCAN,
        // Linux 6.7+) and keep up to this much of each memory resident
        // instead of returning it to the kernel. A Rust agent's heap and
        // stack fit in a few MiB.
        .pagemap_scan(Enabled::Auto)
        .linear_memory_keep_resident(KEEP_RESIDENT_BYTES.min(limits.max_memory_bytes))
        .table_keep_resident(KEEP_RESIDENT_TABLE_BYTES);

    let mut wasm = wasm_config(config.engine_settings());
    wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&wasm).map_err(|err| SandboxError::Engine {
        reason: chain(&err),
    })
}

/// An engine that only compiles (no instance pool), for a compiler child
/// process; its artifacts load into [`build_engine`]'s engine with the same
/// settings.
pub(crate) fn compile_engine(settings: EngineSettings) -> Result<Engine, SandboxError> {
    Engine::new(&wasm_config(settings)).map_err(|err| SandboxError::Engine {
        reason: chain(&err),
    })
}

/// Everything about the engine but the instance allocator.
fn wasm_config(settings: EngineSettings) -> Config {
    // wasmtime charges `table.grow` one unit per element *requested*, before
    // the limiter refuses: one `table.grow` of 2^31 - 1 would end the case
    // out of fuel instead of returning -1. A granted growth is bounded by
    // `max_table_elements`, and filling the new slots is charged anyway.
    let mut cost = OperatorCost::new();
    cost.variable.table_grow_per_element = 0;
    let mut wasm = Config::new();
    wasm.memory_init_cow(true)
        .consume_fuel(settings.fuel)
        .operator_cost(cost)
        .epoch_interruption(true)
        .max_wasm_stack(settings.max_wasm_stack_bytes)
        // Determinism: the same agent on the same case computes the same bits.
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        // Attack surface: nothing an agent needs.
        .wasm_features(
            WasmFeatures::THREADS
                | WasmFeatures::SHARED_EVERYTHING_THREADS
                | WasmFeatures::GC
                | WasmFeatures::STACK_SWITCHING
                | WasmFeatures::CM_ASYNC,
            false,
        );
    wasm
}

/// Starts the thread that advances the engine's epoch every [`EPOCH_TICK`].
/// It holds only a weak reference and stops once the engine is dropped.
pub(crate) fn start_ticker(engine: &Engine) -> Result<(), SandboxError> {
    let weak: EngineWeak = engine.weak();
    std::thread::Builder::new()
        .name("govlab-epoch".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        })
        .map_err(|source| SandboxError::Ticker { source })?;
    Ok(())
}
