//! `hostile-panic`: panics in the middle of a case.
//!
//! A Rust panic in a wasm component aborts the instance (a trap). The
//! sandbox must record the `panic` outcome with the panic message from
//! stderr and keep serving other cases.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-panic`

use std::hint::black_box;

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// Panics on every case.
pub struct HostilePanic;

impl Agent for HostilePanic {
    #[allow(clippy::panic, reason = "panicking is what this test agent is for")]
    fn decide(scenario: &str, _case: Value) -> Result<Value, AgentError> {
        if black_box(true) {
            panic!("hostile-panic: deliberate panic in scenario {scenario}");
        }
        Err(AgentError::internal("unreachable"))
    }
}

govlab_sdk::export_agent!(HostilePanic);
