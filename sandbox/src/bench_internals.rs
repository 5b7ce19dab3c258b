//! Not part of the API: a warm instance (one store and instance reused across
//! calls) so `benches/isolation.rs` can measure what per-case isolation costs.
//! Production code must not reuse instances: state would leak between cases.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::Store;

use crate::config::Limits;
use crate::host::{Agent, AgentPre, HostServices, HostState};
use crate::run::{Case, new_store, run_until};

/// One store and instance reused across calls, with production limits; fuel
/// and the deadline are reset before every call.
pub struct WarmInstance {
    store: Store<HostState>,
    agent: Agent,
    limits: Limits,
}

impl WarmInstance {
    pub(crate) fn new(
        engine: &wasmtime::Engine,
        pre: &AgentPre<HostState>,
        limits: &Limits,
        services: &Arc<dyn HostServices>,
    ) -> Result<Self, String> {
        let case = Case {
            scenario: String::new(),
            payload: String::new(),
            seed: 0,
            clock_start_unix_ns: 0,
        };
        let deadline = Instant::now() + limits.timeout;
        let mut store = new_store(engine, limits, &case, services, deadline);
        let agent = run_until(pre.instantiate_async(&mut store), deadline)
            .ok_or("instantiation passed the deadline")?
            .map_err(|err| crate::error::chain(&err))?;
        Ok(WarmInstance {
            store,
            agent,
            limits: limits.clone(),
        })
    }

    /// Fuel the last [`WarmInstance::decide`] consumed (0 with fuel off).
    pub fn last_fuel_used(&self) -> u64 {
        match self.limits.fuel {
            Some(budget) => budget.saturating_sub(self.store.get_fuel().unwrap_or(0)),
            None => 0,
        }
    }

    /// Calls `decide` on the warm instance; the decision or why not.
    pub fn decide(&mut self, scenario: &str, payload: &str) -> Result<String, String> {
        if let Some(fuel) = self.limits.fuel {
            self.store
                .set_fuel(fuel)
                .map_err(|err| crate::error::chain(&err))?;
        }
        self.store.data_mut().logs.clear();
        // The epoch callback keeps the deadline of the first call; the
        // benchmark's calls are far shorter than the timeout.
        let deadline = Instant::now() + self.limits.timeout;
        self.store.data_mut().deadline = deadline;
        let call = self.agent.call_decide(&mut self.store, scenario, payload);
        match run_until(call, deadline) {
            None => Err("the call passed the deadline".to_owned()),
            Some(Ok(Ok(output))) => Ok(output),
            Some(Ok(Err(err))) => Err(err.message),
            Some(Err(err)) => Err(crate::error::chain(&err)),
        }
    }
}
