//! Not part of the API: a warm instance (one store and instance reused across
//! calls) so `benches/isolation.rs` can measure what per-case isolation costs.
//! Production code must not reuse instances: state would leak between cases.

use std::sync::Arc;

use wasmtime::Store;

use crate::config::Limits;
use crate::engine::deadline_ticks;
use crate::host::{Agent, AgentPre, HostServices, HostState};
use crate::run::{Case, new_store};

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
        let mut store = new_store(engine, limits, &case, services);
        let agent = pre
            .instantiate(&mut store)
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
        self.store
            .set_epoch_deadline(deadline_ticks(self.limits.timeout));
        match self.agent.call_decide(&mut self.store, scenario, payload) {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(err)) => Err(err.message),
            Err(err) => Err(crate::error::chain(&err)),
        }
    }
}
