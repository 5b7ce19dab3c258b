//! `hostile-panic-flood`: panics with a 1 MiB message, more than stderr holds.
//!
//! The message fills stderr before the panic handler is done; the case is
//! still a `panic` (what the agent did), not `host_limit`, and what the host
//! keeps of stderr stays at its cap.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-panic-flood`

use std::hint::black_box;

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// Panics on every case, loudly.
pub struct HostilePanicFlood;

impl Agent for HostilePanicFlood {
    #[allow(clippy::panic, reason = "panicking is what this test agent is for")]
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        if black_box(true) {
            panic!("hostile-panic-flood: {}", "!".repeat(1 << 20));
        }
        Err(AgentError::internal("unreachable"))
    }
}

govlab_sdk::export_agent!(HostilePanicFlood);
